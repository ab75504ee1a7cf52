using System.CommandLine;
using System.Globalization;
using System.Text;
using TheModel.Sync.Config.Diagnostics;
using TheModel.Sync.Config.Testing;

namespace TheModel.Sync.Worker.Cli;

/// <summary><c>validate PATH</c>: every error at once, then the config's own tests; exit 0 clean, 1 on any error.</summary>
internal static class ValidateCommand
{
    internal const string Text = "text";
    internal const string GitHub = "github";

    public static Command Create()
    {
        var path = new Argument<string>("PATH") { Description = "A config file or a folder of *.yaml files." };
        var format = new Option<string>("--format")
        {
            Description = "text: FILE:LINE:COL: error CODE: message (the default); github: GitHub Actions workflow commands, so that a " +
                "pull request shows each error on its line of the YAML (give PATH relative to the repository root).",
            DefaultValueFactory = _ => Text,
        };
        format.AcceptOnlyFromAmong(Text, GitHub);
        var command = new Command("validate", "Check a routing config: report every error as FILE:LINE:COL: error CODE: message, then run its tests.")
        {
            path, format,
        };
        command.SetAction(parse => Run(parse.GetValue(path)!, Console.Out, TimeProvider.System, parse.GetValue(format)!));
        return command;
    }

    internal static int Run(string path, TextWriter output, TimeProvider clock, string format = Text)
    {
        Func<ConfigDiagnostic, string> write = format == GitHub ? Annotation : d => d.ToString();
        var config = CliSupport.LoadConfig(path, output, write);
        if (config is null)
        {
            return CliSupport.ExitError;
        }

        var report = ConfigTestRunner.Run(config, clock.GetUtcNow());
        foreach (var failure in report.Failures)
        {
            output.WriteLine(write(failure));
        }

        var rules = config.Rules;
        output.WriteLine(
            $"{path}: {(report.Failures.Count == 0 ? "ok" : "tests failed")}: {rules.Teams.Count} teams, {rules.Members.Count} members, " +
            $"{rules.Routing.Count} routing rules, {rules.Slas.Count} SLAs, {rules.Recycle.Count} recycle rules; " +
            $"tests: {report.Passed} passed, {report.Failures.Count} failed; version {config.Version}");
        return report.Failures.Count == 0 ? CliSupport.ExitOk : CliSupport.ExitError;
    }

    /// <summary>
    /// A diagnostic as a GitHub Actions workflow command: <c>::error file=F,line=L,col=C,title=CODE::message</c>, with the
    /// escapes GitHub reads back (<c>%</c>, line breaks, and in properties <c>:</c> and <c>,</c>).
    /// </summary>
    internal static string Annotation(ConfigDiagnostic d)
    {
        var kind = d.Severity == Severity.Warning ? "warning" : "error";
        return string.Create(CultureInfo.InvariantCulture,
            $"::{kind} file={Property(d.File)},line={d.Line},col={d.Column},title={Property(d.Code)}::{Data(d.Code + ": " + d.Message)}");
    }

    private static string Data(string text) =>
        new StringBuilder(text).Replace("%", "%25").Replace("\r", "%0D").Replace("\n", "%0A").ToString();

    private static string Property(string text) =>
        new StringBuilder(Data(text)).Replace(":", "%3A").Replace(",", "%2C").ToString();
}

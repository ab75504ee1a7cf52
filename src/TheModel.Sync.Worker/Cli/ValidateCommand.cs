using System.CommandLine;
using TheModel.Sync.Config;
using TheModel.Sync.Config.Testing;

namespace TheModel.Sync.Worker.Cli;

/// <summary><c>validate PATH</c>: every error at once, then the config's own tests; exit 0 clean, 1 on any error.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("PATH") { Description = "A config file or a folder of *.yaml files." };
        var command = new Command("validate", "Check a routing config: report every error as FILE:LINE:COL: error CODE: message, then run its tests.")
        {
            path,
        };
        command.SetAction(parse => Run(parse.GetValue(path)!, Console.Out, TimeProvider.System));
        return command;
    }

    internal static int Run(string path, TextWriter output, TimeProvider clock)
    {
        var config = CliSupport.LoadConfig(path, output);
        if (config is null)
        {
            return CliSupport.ExitError;
        }

        var report = ConfigTestRunner.Run(config, clock.GetUtcNow());
        foreach (var failure in report.Failures)
        {
            output.WriteLine(failure.ToString());
        }

        var rules = config.Rules;
        output.WriteLine(
            $"{path}: {(report.Failures.Count == 0 ? "ok" : "tests failed")}: {rules.Teams.Count} teams, {rules.Members.Count} members, " +
            $"{rules.Routing.Count} routing rules, {rules.Slas.Count} SLAs, {rules.Recycle.Count} recycle rules; " +
            $"tests: {report.Passed} passed, {report.Failures.Count} failed; version {config.Version}");
        return report.Failures.Count == 0 ? CliSupport.ExitOk : CliSupport.ExitError;
    }
}

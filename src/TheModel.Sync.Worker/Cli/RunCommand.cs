using System.CommandLine;
using Microsoft.Extensions.Options;
using TheModel.Sync.Worker.Host;
using TheModel.Sync.Worker.Reload;

namespace TheModel.Sync.Worker.Cli;

/// <summary>
/// <c>run [--config DIR] [--urls URL]</c>: the daemon. Settings come from appsettings.json (beside the executable or
/// in the working directory), the environment (<c>HubSpot__ClientSecret</c>) and extra command-line settings
/// (<c>--Worker:PollInterval=10s</c>). A config that does not load, or a bad setting, stops it with every error.
/// </summary>
internal static class RunCommand
{
    public const string Name = "run";

    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "The routing config folder (default: ./config; the built-in sample when there is none)." };
        var urls = new Option<string?>("--urls") { Description = $"Where to listen, ';'-separated (default: {WorkerHostOptions.DefaultUrls})." };
        var command = new Command(Name, "Run the worker: webhooks, queue consumer, polls and schedules, config hot reload, /healthz, /readyz, /metrics.")
        {
            config, urls,
        };

        // Other tokens are settings (--Worker:PollInterval=10s), read by the host's command-line configuration.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, ct) => RunAsync(
            new WorkerHostOptions { ConfigDirectory = parse.GetValue(config), Urls = parse.GetValue(urls), Args = [.. parse.UnmatchedTokens] },
            Console.Error,
            ct));
        return command;
    }

    internal static async Task<int> RunAsync(WorkerHostOptions options, TextWriter errors, CancellationToken cancellationToken)
    {
        WebApplication app;
        try
        {
            app = WorkerHost.Build(options);
        }
        catch (Exception ex) when (Describe(ex) is { } lines)
        {
            Write(errors, lines);
            return CliSupport.ExitError;
        }

        await using (app)
        {
            try
            {
                await WorkerHost.RunAsync(app, cancellationToken);
            }
            catch (Exception ex) when (Describe(ex) is { } lines)
            {
                Write(errors, lines);
                return CliSupport.ExitError;
            }
        }

        return CliSupport.ExitOk;
    }

    /// <summary>The operator-facing lines for a startup failure, or null for one that is not the operator's to fix.</summary>
    internal static IReadOnlyList<string>? Describe(Exception ex) => ex switch
    {
        ConfigLoadException config => [.. config.Errors, $"{config.Path}: {config.Errors.Count} error{(config.Errors.Count == 1 ? string.Empty : "s")}; the worker did not start"],
        OptionsValidationException options => [.. options.Failures.Select(f => "error: " + f), "the worker did not start: fix the settings above"],
        WorkerSetupException setup => ["error: " + setup.Message, "the worker did not start"],

        // Kestrel's "Failed to bind to address ...: address already in use."
        IOException io when io.Message.Contains("bind", StringComparison.OrdinalIgnoreCase) => ["error: " + io.Message, "the worker did not start: choose another --urls"],
        AggregateException { InnerExceptions.Count: > 0 } many when many.InnerExceptions.All(e => Describe(e) is not null) =>
            [.. many.InnerExceptions.SelectMany(e => Describe(e)!)],
        _ => null,
    };

    private static void Write(TextWriter errors, IReadOnlyList<string> lines)
    {
        foreach (var line in lines)
        {
            errors.WriteLine(line);
        }
    }
}

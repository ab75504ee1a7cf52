using System.CommandLine;

namespace TheModel.Sync.Worker.Cli;

/// <summary>The verbs of <c>themodel-sync</c>; each lives in its own class.</summary>
internal static class CommandLine
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("TheModel.Sync: THE MODEL's lead routing, scoring, SLAs and recycling for Salesforce and HubSpot, from a routing YAML kept in git.");
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(SandboxCommand.Create());
        root.Subcommands.Add(ValidateCommand.Create());
        root.Subcommands.Add(SimulateCommand.Create());
        root.Subcommands.Add(DiffCommand.Create());
        root.Subcommands.Add(ExplainCommand.Create());
        root.Subcommands.Add(GenerateCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(ExportLogCommand.Create());

        // `run` is the default verb: a bare `themodel-sync`, or one given only run's options, starts the daemon.
        if (args.Length == 0 || args[0] is "--config" or "--urls" || args[0].StartsWith("--config=", StringComparison.Ordinal) || args[0].StartsWith("--urls=", StringComparison.Ordinal))
        {
            args = [RunCommand.Name, .. args];
        }

        var parsed = root.Parse(args);

        // The daemon stops itself on SIGTERM/Ctrl+C (the host's graceful shutdown, with its own timeout); the parser's
        // short termination timeout would end the process before the batch in hand is finished.
        var invocation = parsed.CommandResult.Command.Name == RunCommand.Name ? new InvocationConfiguration { ProcessTerminationTimeout = null } : null;
        return await parsed.InvokeAsync(invocation);
    }
}

using System.CommandLine;

namespace TheModel.Sync.Worker.Cli;

/// <summary>The verbs of <c>themodel-sync</c>; each lives in its own class.</summary>
internal static class CommandLine
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("TheModel.Sync: THE MODEL's lead routing, scoring, SLAs and recycling for Salesforce and HubSpot, from a routing YAML kept in git.");
        root.Subcommands.Add(ValidateCommand.Create());
        root.Subcommands.Add(SimulateCommand.Create());
        root.Subcommands.Add(DiffCommand.Create());
        root.Subcommands.Add(ExplainCommand.Create());
        root.Subcommands.Add(GenerateCommand.Create());
        var parsed = root.Parse(args);
        return await parsed.InvokeAsync();
    }
}

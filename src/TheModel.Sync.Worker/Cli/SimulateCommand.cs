using System.CommandLine;
using System.Globalization;
using TheModel.Sync.Application.Simulation;

namespace TheModel.Sync.Worker.Cli;

/// <summary><c>simulate</c>: every person of a file evaluated at time T, one decision per line (section 13).</summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "The routing config (a file or a folder).", Required = true };
        var people = new Option<string>("--people") { Description = "Persons, JSON Lines or CSV, gzip-compressed or not (- for standard input).", Required = true };
        var accounts = new Option<string?>("--accounts") { Description = "Accounts, JSON Lines or CSV, gzip-compressed or not." };
        var opportunities = new Option<string?>("--opportunities") { Description = "Opportunities, JSON Lines or CSV: each account's latest lost one is what rechecks see as opportunity.* (rules with on: need live events)." };
        var at = new Option<string?>("--at") { Description = "Evaluation time, ISO 8601 with an offset (default: now)." };
        var output = new Option<string>("--out") { Description = "Decisions, one JSON object per line; - for standard output (rejected lines then go to ./simulate.rejects.jsonl).", Required = true };
        var command = new Command("simulate", "Evaluate every person of a file at one time, in file order, with state carried from person to person.")
        {
            config, people, accounts, opportunities, at, output,
        };
        command.SetAction((parse, ct) => RunAsync(
            parse.GetValue(config)!, parse.GetValue(people)!, parse.GetValue(accounts), parse.GetValue(opportunities),
            parse.GetValue(at), parse.GetValue(output)!, Console.Error, TimeProvider.System, ct));
        return command;
    }

    internal static async Task<int> RunAsync(
        string configPath, string peoplePath, string? accountsPath, string? opportunitiesPath, string? atText, string outPath,
        TextWriter log, TimeProvider clock, CancellationToken cancellationToken)
    {
        // "-" is standard output, as most tools read it (a file named "-" would be a surprise).
        if (outPath == "-" && !OperatingSystem.IsWindows())
        {
            outPath = "/dev/stdout";
        }

        (peoplePath, accountsPath, opportunitiesPath) = (CliSupport.StdinFor(peoplePath), CliSupport.StdinFor(accountsPath), CliSupport.StdinFor(opportunitiesPath));

        // Pipes are read twice below (the people) or sniffed for their format first: they are copied before anything,
        // and gzip files decompressed.
        using var copies = await CliSupport.PrepareInputsAsync(cancellationToken, peoplePath, accountsPath, opportunitiesPath);
        if (!copies.Report(log))
        {
            return CliSupport.ExitError;
        }

        // The accounts and opportunities do not depend on the config: they are read while it loads. A missing file
        // is not read here; the check below reports it.
        var inputs = CliSupport.InputsExist(TextWriter.Null, accountsPath, opportunitiesPath)
            ? Simulator.ReadInputsAhead(copies.Of(accountsPath), copies.Of(opportunitiesPath))
            : null;
        var loaded = CliSupport.LoadConfig(configPath, log);
        if (loaded is null || !CliSupport.TryParseAt(atText, clock, out var at, log))
        {
            return CliSupport.ExitError;
        }

        if (!CliSupport.InputsExist(log, peoplePath, accountsPath, opportunitiesPath) || !CliSupport.OutputsCreatable(log, outPath) ||
            !CliSupport.OutputsApartFromInputs(log, configPath, loaded, [peoplePath, accountsPath, opportunitiesPath], outPath, Simulator.RejectsPathFor(outPath)))
        {
            return CliSupport.ExitError;
        }

        var result = await CliSupport.WithProgressAsync("simulate", progress => Simulator.RunAsync(new SimulationOptions
        {
            Rules = loaded.Rules,
            PeoplePath = copies[peoplePath],
            AccountsPath = copies.Of(accountsPath),
            OpportunitiesPath = copies.Of(opportunitiesPath),
            At = at,
            OutPath = outPath,
            Progress = progress,
            Inputs = inputs,
        }, cancellationToken));

        foreach (var reject in result.Rejects)
        {
            log.WriteLine($"{reject.File}:{reject.Line}: rejected: {reject.Reason}");
        }

        var inv = CultureInfo.InvariantCulture;
        var rate = result.Elapsed.TotalSeconds > 0 ? result.Persons / result.Elapsed.TotalSeconds : 0;
        log.WriteLine(string.Create(inv,
            $"simulate: {result.Persons:N0} persons in {result.Elapsed.TotalSeconds:0.00} s ({rate:N0}/s; accounts read in {result.InputsElapsed.TotalSeconds:0.00} s, indexed in {result.IndexElapsed.TotalSeconds:0.00} s, first pass done at {result.SeedElapsed.TotalSeconds:0.00} s): {result.Assigned:N0} assigned, {result.Kept:N0} kept; {result.Accounts:N0} accounts; decisions in {outPath}"));
        foreach (var (rule, count) in result.ByRule)
        {
            log.WriteLine(string.Create(inv, $"  {rule,-24} {count,10:N0}"));
        }

        if (result.DuplicateIds.Count > 0)
        {
            log.WriteLine(CliSupport.DuplicateIdsWarning(result.DuplicateIds, peoplePath, "each line was decided as an event of its own, and open counts counted every line"));
        }

        if (result.DuplicateCheckIncomplete)
        {
            log.WriteLine($"warning: too many possible duplicate person ids in {peoplePath} to count them all; some may not be listed");
        }

        if (result.RejectCount > 0)
        {
            log.WriteLine(string.Create(inv, $"simulate: {result.RejectCount:N0} lines rejected; see {result.RejectsPath}"));
            return CliSupport.ExitBadLines;
        }

        return CliSupport.ExitOk;
    }
}

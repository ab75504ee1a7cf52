using System.CommandLine;
using System.Text.Json;
using TheModel.Sync.Application.Diff;
using TheModel.Sync.Application.Output;
using TheModel.Sync.Application.Simulation;

namespace TheModel.Sync.Worker.Cli;

/// <summary><c>diff</c>: the same persons under two configs; who moves, totals before and after, fairness.</summary>
internal static class DiffCommand
{
    public static Command Create()
    {
        var baseConfig = new Option<string>("--base") { Description = "The config as it is (e.g. main).", Required = true };
        var headConfig = new Option<string>("--head") { Description = "The config as proposed.", Required = true };
        var people = new Option<string>("--people") { Description = "Persons, JSON Lines or CSV, gzip-compressed or not (- for standard input).", Required = true };
        var accounts = new Option<string?>("--accounts") { Description = "Accounts, JSON Lines or CSV, gzip-compressed or not." };
        var opportunities = new Option<string?>("--opportunities") { Description = "Opportunities: each account's latest lost one is what rechecks see as opportunity.*." };
        var at = new Option<string?>("--at") { Description = "Evaluation time, ISO 8601 with an offset (default: now)." };
        var json = new Option<bool>("--json") { Description = "Write JSON (every moved person) instead of markdown." };
        var output = new Option<string?>("--out") { Description = "Write the report to this file instead of standard output (- is standard output)." };
        var limit = new Option<int>("--limit") { Description = "Moved persons listed in the markdown (default 50; 0 lists none).", DefaultValueFactory = _ => 50 };
        limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0)
            {
                result.AddError("--limit must be 0 or more");
            }
        });
        var command = new Command("diff", "Replay the same persons under two configs and report who moves: markdown for a pull request, or --json.")
        {
            baseConfig, headConfig, people, accounts, opportunities, at, json, output, limit,
        };
        command.SetAction((parse, ct) => RunAsync(
            parse.GetValue(baseConfig)!, parse.GetValue(headConfig)!, parse.GetValue(people)!, parse.GetValue(accounts),
            parse.GetValue(opportunities), parse.GetValue(at), parse.GetValue(json), parse.GetValue(output), parse.GetValue(limit),
            Console.Out, Console.Error, TimeProvider.System, ct));
        return command;
    }

    internal static async Task<int> RunAsync(
        string basePath, string headPath, string peoplePath, string? accountsPath, string? opportunitiesPath, string? atText,
        bool asJson, string? outPath, int limit, TextWriter stdout, TextWriter log, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (outPath == "-")
        {
            outPath = null;
        }

        (peoplePath, accountsPath, opportunitiesPath) = (CliSupport.StdinFor(peoplePath), CliSupport.StdinFor(accountsPath), CliSupport.StdinFor(opportunitiesPath));

        // Pipes are read twice below (the people, once per config) or sniffed for their format first: they are copied
        // first, and gzip files decompressed.
        using var copies = await CliSupport.PrepareInputsAsync(cancellationToken, peoplePath, accountsPath, opportunitiesPath);
        if (!copies.Report(log))
        {
            return CliSupport.ExitError;
        }

        // The accounts and opportunities are read while the two configs load (a missing file is reported below).
        var reading = CliSupport.InputsExist(TextWriter.Null, accountsPath, opportunitiesPath)
            ? Simulator.ReadInputsAhead(copies.Of(accountsPath), copies.Of(opportunitiesPath))
            : null;
        var left = CliSupport.LoadConfig(basePath, log);
        var right = CliSupport.LoadConfig(headPath, log);
        if (left is null || right is null || !CliSupport.TryParseAt(atText, clock, out var at, log))
        {
            return CliSupport.ExitError;
        }

        if (!CliSupport.InputsExist(log, peoplePath, accountsPath, opportunitiesPath) || !CliSupport.OutputsCreatable(log, outPath) ||
            !CliSupport.OutputsApartFromInputs(log, basePath, left, [peoplePath, accountsPath, opportunitiesPath], outPath) ||
            !CliSupport.OutputsApartFromInputs(log, headPath, right, [], outPath))
        {
            return CliSupport.ExitError;
        }

        if (left.Version == right.Version)
        {
            // Almost always a wrong path or branch: a report of "nothing moves" would read as "the change is safe".
            log.WriteLine($"warning: --base and --head are the same config ({left.Version}); no person can move");
        }

        var inputs = reading is null ? Simulator.ReadInputs(copies.Of(accountsPath), copies.Of(opportunitiesPath)) : await reading;
        var (accounts, opportunities, fileRejects) = (inputs.Accounts, inputs.Opportunities, inputs.Rejects);

        DiffResult result;
        if (asJson)
        {
            // Streamed: each change as it is found, the totals at the end, so a million persons need no buffer.
            var stream = outPath is null ? Console.OpenStandardOutput() : new FileStream(outPath, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
            try
            {
                await using var w = new Utf8JsonWriter(stream, DecisionJson.WriterOptions);
                DiffReport.WriteJsonHeader(w, left.Version, right.Version, at);
                result = await CliSupport.WithProgressAsync("diff", progress => Task.Run(() =>
                    RoutingDiff.Run(left.Rules, right.Rules, copies[peoplePath], accounts, opportunities, at, m => DiffReport.WriteJsonMoved(w, m), progress, cancellationToken), cancellationToken));
                WithFileRejects(result, fileRejects);
                DiffReport.WriteJsonSummary(w, result);
                await w.FlushAsync(cancellationToken);
                await stream.WriteAsync("\n"u8.ToArray(), cancellationToken);
                await stream.FlushAsync(cancellationToken);
            }
            finally
            {
                if (outPath is not null)
                {
                    await stream.DisposeAsync();
                }
            }
        }
        else
        {
            var moved = new List<MovedPerson>();
            result = await CliSupport.WithProgressAsync("diff", progress => Task.Run(() =>
                RoutingDiff.Run(left.Rules, right.Rules, copies[peoplePath], accounts, opportunities, at, m =>
                {
                    if (moved.Count < limit)
                    {
                        moved.Add(m);
                    }
                }, progress, cancellationToken), cancellationToken));
            WithFileRejects(result, fileRejects);
            var markdown = DiffReport.Markdown(result, moved, limit);
            if (outPath is null)
            {
                await stdout.WriteAsync(markdown);
            }
            else
            {
                await File.WriteAllTextAsync(outPath, markdown, cancellationToken);
            }
        }

        foreach (var reject in result.Rejects)
        {
            log.WriteLine($"{reject.File}:{reject.Line}: rejected: {reject.Reason}");
        }

        if (result.DuplicateIds.Count > 0)
        {
            log.WriteLine(CliSupport.DuplicateIdsWarning(result.DuplicateIds, peoplePath, "each line is compared, and counted, as an event of its own"));
        }

        return result.RejectCount > 0 ? CliSupport.ExitBadLines : CliSupport.ExitOk;
    }

    /// <summary>The account and opportunity lines that could not be read count in the report as the persons' do.</summary>
    private static void WithFileRejects(DiffResult result, IReadOnlyList<InputReject> fileRejects)
    {
        result.Rejects.InsertRange(0, fileRejects);
        result.RejectCount += fileRejects.Count;
    }
}

using System.CommandLine;
using System.Globalization;
using TheModel.Sync.Application.Generation;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Worker.Cli;

/// <summary><c>generate</c>: realistic synthetic people, accounts and opportunities for a config, the same for a seed.</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var people = new Option<int>("--people") { Description = "How many persons (default 1,000).", DefaultValueFactory = _ => 1000 };
        var accounts = new Option<int?>("--accounts") { Description = "How many accounts (default: a tenth of the persons, at least 50)." };
        var seed = new Option<int>("--seed") { Description = "Seed; the same seed gives the same files (default 1).", DefaultValueFactory = _ => 1 };
        var outDir = new Option<string>("--out-dir") { Description = "Folder for people.jsonl, accounts.jsonl and opportunities.jsonl.", Required = true };
        var config = new Option<string?>("--config") { Description = "Config whose members own the persons (default: the sample config built in)." };
        var format = new Option<string>("--format") { Description = "jsonl (default) or csv (for people).", DefaultValueFactory = _ => "jsonl" };
        var anchor = new Option<string?>("--anchor") { Description = "The data's 'now' (default 2026-11-30T00:00:00Z); timestamps fall before it." };
        var command = new Command("generate", "Write realistic synthetic data for a config: Japanese and US companies, duplicates, subdomains, free-mail, every stage.")
        {
            people, accounts, seed, outDir, config, format, anchor,
        };
        command.SetAction((parse, ct) => RunAsync(
            parse.GetValue(people), parse.GetValue(accounts), parse.GetValue(seed), parse.GetValue(outDir)!, parse.GetValue(config),
            parse.GetValue(format)!, parse.GetValue(anchor), Console.Error));
        return command;
    }

    internal static async Task<int> RunAsync(int people, int? accounts, int seed, string outDir, string? configPath, string format, string? anchorText, TextWriter log)
    {
        if (people < 0 || accounts < 0)
        {
            log.WriteLine("error: --people and --accounts must not be negative");
            return CliSupport.ExitError;
        }

        if (format is not ("jsonl" or "csv"))
        {
            log.WriteLine($"error: --format must be jsonl or csv, was '{format}'");
            return CliSupport.ExitError;
        }

        var anchor = new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);
        if (anchorText is not null && !Timestamps.TryParse(anchorText, out anchor))
        {
            log.WriteLine($"error: --anchor '{anchorText}' is not an ISO 8601 time with an offset");
            return CliSupport.ExitError;
        }

        if (File.Exists(outDir))
        {
            log.WriteLine($"error: --out-dir '{outDir}' is a file; give a folder (it is created when missing)");
            return CliSupport.ExitError;
        }

        var loaded = CliSupport.LoadConfig(configPath ?? CliSupport.ExtractSampleConfig(), log);
        if (loaded is null)
        {
            return CliSupport.ExitError;
        }

        Directory.CreateDirectory(outDir);
        var options = new GeneratorOptions
        {
            People = people,
            Accounts = accounts ?? Math.Max(50, people / 10),
            Seed = seed,
            Anchor = anchor,
        };
        var files = await CliSupport.WithProgressAsync("generate", progress =>
            Task.Run(() => DataGenerator.Generate(loaded.Rules, options, outDir, format, progress)));
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"generate: {files.PeopleCount:N0} people in {files.People}, {files.AccountCount:N0} accounts in {files.Accounts}, {files.OpportunityCount:N0} opportunities in {files.Opportunities}"));
        return CliSupport.ExitOk;
    }
}

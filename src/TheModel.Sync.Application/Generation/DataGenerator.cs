using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Application.Generation;

/// <summary>What <c>themodel-sync generate</c> makes.</summary>
public sealed class GeneratorOptions
{
    private int? _opportunities;

    public int People { get; init; }

    public int Accounts { get; init; }

    public int Seed { get; init; }

    /// <summary>"Now" for the data: every instant lies before it, except some <c>recheck_at</c>.</summary>
    public DateTimeOffset Anchor { get; init; } = new(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);

    /// <summary>How many opportunities; half the accounts when not given (none without accounts).</summary>
    public int Opportunities
    {
        get => _opportunities ?? Accounts / 2;
        init => _opportunities = value;
    }
}

/// <summary>The files written and how many records each holds.</summary>
public sealed class GeneratedFiles
{
    public required string People { get; init; }

    public required string Accounts { get; init; }

    public required string Opportunities { get; init; }

    public long PeopleCount { get; init; }

    public long AccountCount { get; init; }

    public long OpportunityCount { get; init; }
}

/// <summary>
/// Realistic synthetic persons, accounts and opportunities for a rule set (section 13 input files), streamed to disk:
/// memory does not grow with the number of records, and the same rule set and options give byte-identical files.
/// Owners are the rule set's members (by team role and market), its queues, a few CRM ids of nobody (<c>external</c>)
/// and a few inactive members; the <c>abm-tier1</c> and <c>competitors</c> lists decide which known accounts are
/// targets and competitors.
/// </summary>
public static class DataGenerator
{
    private const int ProgressEvery = 16_384;

    public static GeneratedFiles Generate(RuleSet rules, GeneratorOptions options, string outDir, Action<long, long>? progress = null) =>
        Generate(rules, options, outDir, "jsonl", progress);

    /// <summary>
    /// Writes <c>people.jsonl</c> (or <c>people.csv</c> when <paramref name="format"/> is <c>csv</c>),
    /// <c>accounts.jsonl</c> and <c>opportunities.jsonl</c> into <paramref name="outDir"/> (created when missing).
    /// <paramref name="progress"/> gets (records written, records in all) now and then and once at the end.
    /// </summary>
    public static GeneratedFiles Generate(
        RuleSet rules,
        GeneratorOptions options,
        string outDir,
        string format,
        Action<long, long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(outDir);
        ArgumentNullException.ThrowIfNull(format);
        ArgumentOutOfRangeException.ThrowIfNegative(options.People, nameof(options.People));
        ArgumentOutOfRangeException.ThrowIfNegative(options.Accounts, nameof(options.Accounts));
        ArgumentOutOfRangeException.ThrowIfNegative(options.Opportunities, nameof(options.Opportunities));
        var csv = format.ToLowerInvariant() switch
        {
            "jsonl" => false,
            "csv" => true,
            _ => throw new ArgumentException($"unknown format '{format}': expected jsonl or csv", nameof(format)),
        };

        Directory.CreateDirectory(outDir);
        var peoplePath = Path.Combine(outDir, csv ? "people.csv" : "people.jsonl");
        var accountsPath = Path.Combine(outDir, "accounts.jsonl");
        var opportunitiesPath = Path.Combine(outDir, "opportunities.jsonl");

        var seed = unchecked((ulong)(uint)options.Seed) ^ 0x7E40_DE15_0000_0000UL;
        var anchor = options.Anchor.ToUnixTimeSeconds();
        var owners = new OwnerPool(rules, seed);
        var accounts = new AccountCatalog(rules, seed, options.Accounts, anchor, owners);
        var opportunityCount = options.Accounts == 0 ? 0 : options.Opportunities;
        var total = (long)options.Accounts + options.People + opportunityCount;
        long done = 0;

        void Tick()
        {
            done++;
            if (done % ProgressEvery == 0)
            {
                progress?.Invoke(done, total);
            }
        }

        using (var file = new JsonLinesFile(accountsPath))
        {
            for (var i = 0; i < options.Accounts; i++)
            {
                RecordWriters.WriteAccount(file, accounts.Build(i));
                file.EndLine();
                Tick();
            }
        }

        var people = new PersonFactory(rules, accounts, owners, seed, anchor);
        var row = new PersonRow();
        if (csv)
        {
            using var file = new CsvFile(peoplePath);
            RecordWriters.WritePersonCsvHeader(file);
            for (long i = 0; i < options.People; i++)
            {
                people.Fill(row, i);
                RecordWriters.WritePerson(file, row);
                Tick();
            }
        }
        else
        {
            using var file = new JsonLinesFile(peoplePath);
            for (long i = 0; i < options.People; i++)
            {
                people.Fill(row, i);
                RecordWriters.WritePerson(file, row);
                file.EndLine();
                Tick();
            }
        }

        var opportunities = new OpportunityFactory(accounts, owners, seed, anchor);
        using (var file = new JsonLinesFile(opportunitiesPath))
        {
            for (long i = 0; i < opportunityCount; i++)
            {
                RecordWriters.WriteOpportunity(file, opportunities.Next(i));
                file.EndLine();
                Tick();
            }
        }

        progress?.Invoke(done, total);
        return new GeneratedFiles
        {
            People = peoplePath,
            Accounts = accountsPath,
            Opportunities = opportunitiesPath,
            PeopleCount = options.People,
            AccountCount = options.Accounts,
            OpportunityCount = opportunityCount,
        };
    }
}

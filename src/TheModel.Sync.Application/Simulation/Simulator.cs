using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using TheModel.Sync.Application.Input;
using TheModel.Sync.Application.Output;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Matching;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Application.Simulation;

public sealed class SimulationOptions
{
    public required RuleSet Rules { get; init; }

    public required string PeoplePath { get; init; }

    public string? AccountsPath { get; init; }

    public string? OpportunitiesPath { get; init; }

    public required DateTimeOffset At { get; init; }

    public required string OutPath { get; init; }

    /// <summary>Reports (persons done, persons in all) now and then.</summary>
    public Action<long, long>? Progress { get; init; }

    /// <summary>
    /// <see cref="AccountsPath"/> and <see cref="OpportunitiesPath"/> already being read (<see cref="Simulator.ReadInputsAhead"/>);
    /// null: they are read when the run starts.
    /// </summary>
    public Task<SimulationInputs>? Inputs { get; init; }
}

/// <summary>
/// The accounts and opportunities of a run, read into memory with their rejects (in file order, accounts first), and
/// how long the reading took.
/// </summary>
public sealed record SimulationInputs(List<Account> Accounts, List<Opportunity> Opportunities, List<InputReject> Rejects, TimeSpan Elapsed);

public sealed class SimulationResult
{
    public long Persons { get; set; }

    public long Assigned { get; set; }

    public long Kept { get; set; }

    public long Accounts { get; set; }

    public long Opportunities { get; set; }

    public List<InputReject> Rejects { get; } = [];

    /// <summary>Person ids on more than one line of the people file, with how many times, in file order.</summary>
    public List<(string Id, int Times)> DuplicateIds { get; } = [];

    /// <summary>The duplicate check met too many candidates to count them all (see <see cref="Simulation.DuplicateIds"/>).</summary>
    public bool DuplicateCheckIncomplete { get; set; }

    /// <summary>Rejected lines in all (the list keeps the first thousand).</summary>
    public long RejectCount { get; set; }

    public string? RejectsPath { get; set; }

    public SortedDictionary<string, long> ByRule { get; } = new(StringComparer.Ordinal);

    public TimeSpan Elapsed { get; set; }

    /// <summary>Time to read the accounts and seed the state from the people (the first pass).</summary>
    public TimeSpan SeedElapsed { get; set; }

    /// <summary>Time to read the accounts and opportunities.</summary>
    public TimeSpan InputsElapsed { get; set; }

    /// <summary>Time to build the account indexes.</summary>
    public TimeSpan IndexElapsed { get; set; }
}

/// <summary>
/// <c>simulate</c>: every person of a file evaluated at one time T, in file order, one decision per output line.
/// Two passes over the file: the first seeds the routing state from the input, the second evaluates. Reading and
/// parsing run on one thread, evaluation and writing on another, so memory stays flat however long the file is.
/// </summary>
public static class Simulator
{
    private const int BatchSize = 256;
    private const int SeedSlices = 2;
    private const int KeptRejects = 1000;

    /// <summary>Where the rejects of an output to a device (standard output, a terminal) go: the current folder.</summary>
    public const string DeviceOutputRejects = "simulate.rejects.jsonl";

    /// <summary>
    /// The rejects file beside an output file: <c>decisions.jsonl</c> → <c>decisions.rejects.jsonl</c>. An output under
    /// <c>/dev</c> or <c>/proc</c> (<c>--out -</c> is <c>/dev/stdout</c>) has nothing beside it that one may write:
    /// its rejects go to <see cref="DeviceOutputRejects"/> in the current folder.
    /// </summary>
    public static string RejectsPathFor(string outPath)
    {
        var full = Path.GetFullPath(outPath);
        if (!OperatingSystem.IsWindows() && (full.StartsWith("/dev/", StringComparison.Ordinal) || full.StartsWith("/proc/", StringComparison.Ordinal)))
        {
            return Path.GetFullPath(DeviceOutputRejects);
        }

        var dir = Path.GetDirectoryName(full)!;
        var name = Path.GetFileNameWithoutExtension(outPath);
        return Path.Combine(dir, name + ".rejects.jsonl");
    }

    /// <summary>Reads the accounts and opportunities files (either may be null: none).</summary>
    public static SimulationInputs ReadInputs(string? accountsPath, string? opportunitiesPath)
    {
        var started = Stopwatch.GetTimestamp();
        var rejects = new List<InputReject>();
        var accounts = accountsPath is null ? [] : PersonSource.ReadAccounts(accountsPath, rejects);
        var opportunities = opportunitiesPath is null ? [] : PersonSource.ReadOpportunities(opportunitiesPath, rejects);
        return new SimulationInputs(accounts, opportunities, rejects, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>
    /// <see cref="ReadInputs"/> on another thread: the files do not depend on the config, so a caller can read them
    /// while it loads the config (for 100,000 accounts, 0.7 s of reading against about 0.45 s of loading). Pass the task as
    /// <see cref="SimulationOptions.Inputs"/>.
    /// </summary>
    public static Task<SimulationInputs> ReadInputsAhead(string? accountsPath, string? opportunitiesPath) =>
        Task.Run(() => ReadInputs(accountsPath, opportunitiesPath));

    public static async Task<SimulationResult> RunAsync(SimulationOptions options, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var result = new SimulationResult();
        var rejectsPath = RejectsPathFor(options.OutPath);
        if (File.Exists(rejectsPath))
        {
            File.Delete(rejectsPath);
        }

        // Inputs read ahead count from here only as long as the run waits for them; InputsElapsed is their reading.
        var inputs = options.Inputs is { } ahead ? await ahead : ReadInputs(options.AccountsPath, options.OpportunitiesPath);
        var fileRejects = inputs.Rejects;
        result.Accounts = inputs.Accounts.Count;
        result.Opportunities = inputs.Opportunities.Count;
        result.InputsElapsed = inputs.Elapsed;
        var indexing = Stopwatch.GetTimestamp();
        var session = new SimulationSession(options.Rules, inputs.Accounts, inputs.Opportunities);
        result.IndexElapsed = Stopwatch.GetElapsedTime(indexing);

        // Pass 1: seed open counts and account ownership from the input as it stands. Seeding adds up counts, so
        // its order does not matter: a JSON Lines file is read in slices on two threads, each line only as far as
        // the footprint needs.
        long total = 0;
        var duplicates = new DuplicateIds(new FileInfo(options.PeoplePath).Length);
        if (InputFiles.Detect(options.PeoplePath) == InputFormat.JsonLines)
        {
            var seeded = new object();
            await Task.WhenAll(Enumerable.Range(0, SeedSlices).Select(slice => Task.Run(
                () => SeedSlice(session, options.PeoplePath, slice, SeedSlices, duplicates, (footprints, persons) =>
                {
                    lock (seeded)
                    {
                        foreach (var f in footprints)
                        {
                            session.State.Add(f);
                        }

                        total += persons;
                    }
                }, cancellationToken), cancellationToken)));
        }
        else
        {
            foreach (var (person, _) in PersonSource.ReadPersons(options.PeoplePath))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (person is not null)
                {
                    session.Seed(person);
                    duplicates.Enter(person.Id);
                    total++;
                }
            }
        }

        result.SeedElapsed = clock.Elapsed;

        await using var rejectsWriter = new RejectsWriter(rejectsPath);
        foreach (var r in fileRejects)
        {
            Reject(result, rejectsWriter, r);
        }

        // Pass 2, in three stages on their own threads: read and parse, evaluate in file order, write.
        var input = NewChannel<List<(Person? Person, InputReject? Reject)>>();
        var decided = NewChannel<List<(Decision? Decision, InputReject? Reject)>>();
        var producer = Task.Run(() => Produce(options.PeoplePath, session.Engine.Accounts, input.Writer, cancellationToken), cancellationToken);
        var writer = Task.Run(() => WriteAsync(options, decided.Reader, result, rejectsWriter, total, cancellationToken), cancellationToken);
        try
        {
            await foreach (var batch in input.Reader.ReadAllAsync(cancellationToken))
            {
                var outcomes = new List<(Decision?, InputReject?)>(batch.Count);
                var counting = duplicates.HasCandidates;
                foreach (var (person, reject) in batch)
                {
                    outcomes.Add(reject is not null ? (null, reject) : (session.Evaluate(person!, options.At), null));
                    if (counting && person is not null)
                    {
                        duplicates.Count(person.Id);
                    }
                }

                await decided.Writer.WriteAsync(outcomes, cancellationToken);
            }

            await producer;
            decided.Writer.Complete();
        }
        catch (Exception ex)
        {
            decided.Writer.TryComplete(ex);
            throw;
        }

        await writer;
        result.DuplicateIds.AddRange(duplicates.Found());
        result.DuplicateCheckIncomplete = duplicates.Incomplete;
        result.RejectsPath = result.RejectCount > 0 ? rejectsPath : null;
        result.Elapsed = clock.Elapsed;
        return result;
    }

    /// <summary>
    /// Reads one slice of a JSON Lines file of persons as far as their footprints go, handing over in batches the
    /// footprints that count in the state (members' persons) with the number of persons read since the last batch.
    /// </summary>
    internal static void SeedSlice(
        SimulationSession session, string path, int slice, int slices, DuplicateIds duplicates, Action<List<Footprint>, long> add, CancellationToken cancellationToken)
    {
        var footprints = new List<Footprint>(BatchSize);
        long persons = 0;
        using var lines = InputFiles.OpenJsonLinesSlice(path, slice, slices);
        var parser = new PersonLineParser();
        while (lines.TryRead(out var text, out var line))
        {
            var trimmed = text;
            if (!InputFiles.TryTrimLine(ref trimmed))
            {
                continue;
            }

            if (parser.TryRead(trimmed, footprintOnly: true))
            {
                persons++;
                duplicates.Enter(parser.IdUtf8);
                if (session.Counts(parser.Owner))
                {
                    footprints.Add(session.Engine.FootprintOf(parser.ToFootprintPerson()));
                }
            }
            else if (InputFiles.ParseJsonLine(text, line) is { Error: null } record && RecordBuilders.TryPerson(record.Values, out var person, out _))
            {
                persons++;
                duplicates.Enter(person!.Id);
                if (session.Counts(person!.Owner))
                {
                    footprints.Add(session.Engine.FootprintOf(person));
                }
            }

            if (footprints.Count == BatchSize || persons == BatchSize * 16)
            {
                cancellationToken.ThrowIfCancellationRequested();
                add(footprints, persons);
                footprints.Clear();
                persons = 0;
            }
        }

        add(footprints, persons);
    }

    private static Channel<T> NewChannel<T>() => Channel.CreateBounded<T>(new BoundedChannelOptions(4)
    {
        SingleReader = true,
        SingleWriter = true,
    });

    private static async Task WriteAsync(
        SimulationOptions options, ChannelReader<List<(Decision? Decision, InputReject? Reject)>> decided, SimulationResult result,
        RejectsWriter rejectsWriter, long total, CancellationToken cancellationToken)
    {
        await using var output = new FileStream(options.OutPath, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0);

        // Lines are built in memory and written a batch at a time (each batch is far larger than any file buffer, so
        // the stream has none): flushing a writer bound to the file would be one system call per decision.
        var lines = new JsonLineBuffer(1 << 20, rememberTexts: true);
        var byRule = new Dictionary<(string? Rule, string? Because), long>();
        long done = 0;
        await foreach (var batch in decided.ReadAllAsync(cancellationToken))
        {
            foreach (var (decision, reject) in batch)
            {
                if (reject is not null)
                {
                    Reject(result, rejectsWriter, reject);
                    continue;
                }

                DecisionJson.Write(lines, decision!, null);
                lines.Raw("\n"u8);
                Count(result, byRule, decision!);
                done++;
            }

            await output.WriteAsync(lines.WrittenMemory, cancellationToken);
            lines.Clear();
            options.Progress?.Invoke(done, total);
        }

        await output.FlushAsync(cancellationToken);
        foreach (var ((rule, because), count) in byRule)
        {
            var key = rule ?? "(" + (because ?? "none") + ")";
            result.ByRule[key] = result.ByRule.GetValueOrDefault(key) + count;
        }
    }

    private static async Task Produce(string path, AccountMatcher accounts, ChannelWriter<List<(Person?, InputReject?)>> writer, CancellationToken ct)
    {
        try
        {
            var batch = new List<(Person?, InputReject?)>(BatchSize);
            foreach (var item in PersonSource.ReadPersons(path))
            {
                // Matching a person to its account is a pure function of the person and the accounts, and the
                // company-name search it may need (about 0.5 ms for a name first seen) is cached: done here first,
                // the evaluation, which must run one person at a time, finds it done. A person naming its account
                // needs no search.
                if (item.Person is { } person && string.IsNullOrWhiteSpace(person.AccountId))
                {
                    accounts.Match(person, DomainNames.Derive(person.Website, person.Email, person.Domain));
                }

                batch.Add(item);
                if (batch.Count == BatchSize)
                {
                    await writer.WriteAsync(batch, ct);
                    batch = new List<(Person?, InputReject?)>(BatchSize);
                }
            }

            if (batch.Count > 0)
            {
                await writer.WriteAsync(batch, ct);
            }

            writer.Complete();
        }
        catch (Exception ex)
        {
            writer.Complete(ex);
            throw;
        }
    }

    /// <summary>
    /// Counts a decision; per rule (or, for kept outcomes without one and for manual owners, per reason) into <paramref name="byRule"/>,
    /// which the caller folds into <see cref="SimulationResult.ByRule"/> at the end: a million decisions share a few
    /// dozen keys, and a sorted dictionary keyed by a string built per decision costs more than its line's JSON.
    /// </summary>
    private static void Count(SimulationResult result, Dictionary<(string? Rule, string? Because), long> byRule, Decision decision)
    {
        result.Persons++;
        if (decision.Outcome == DecisionOutcome.Assigned)
        {
            result.Assigned++;
        }
        else
        {
            result.Kept++;
        }

        // A manual owner's keep names the rule that stopped at it, but is counted as what it is: nobody was routed.
        (string? Rule, string? Because) key = decision.Rule is { } rule && decision.Because != Decision.ManualOwner
            ? (rule, null)
            : (null, decision.Because);
        byRule[key] = byRule.GetValueOrDefault(key) + 1;
    }

    private static void Reject(SimulationResult result, RejectsWriter writer, InputReject reject)
    {
        result.RejectCount++;
        if (result.Rejects.Count < KeptRejects)
        {
            result.Rejects.Add(reject);
        }

        writer.Write(reject);
    }

    /// <summary>Writes rejected lines as JSON Lines; the file is created only when there is a reject.</summary>
    private sealed class RejectsWriter(string path) : IAsyncDisposable
    {
        private StreamWriter? _writer;

        public void Write(InputReject reject)
        {
            _writer ??= new StreamWriter(path, false, new UTF8Encoding(false));
            using var ms = new MemoryStream();
            using (var w = new Utf8JsonWriter(ms, DecisionJson.WriterOptions))
            {
                w.WriteStartObject();
                w.WriteString("file", reject.File);
                w.WriteNumber("line", reject.Line);
                w.WriteString("reason", reject.Reason);
                w.WriteString("input", reject.Text);
                w.WriteEndObject();
            }

            _writer.WriteLine(Encoding.UTF8.GetString(ms.ToArray()));
        }

        public async ValueTask DisposeAsync()
        {
            if (_writer is not null)
            {
                await _writer.DisposeAsync();
            }
        }
    }
}

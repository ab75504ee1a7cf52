using System.Diagnostics;
using System.Globalization;
using RulesEngine.Models;
using TheModel.Sync.Benchmarks.Baseline;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Benchmarks;

/// <summary>
/// <c>engine</c>: persons per second through our full <see cref="DecisionEngine.Evaluate"/> (single thread, state
/// carried, full decision records) against Microsoft RulesEngine evaluating the same conditions.
/// </summary>
public static class EngineBenchmark
{
    private const int WarmUp = 10_000;
    private const int CrossChecked = 2_000;
    private static readonly TimeSpan MinWarmUp = TimeSpan.FromSeconds(1);

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var configPath = BenchData.ConfigPath(options);
        var loaded = BenchData.LoadConfig(configPath);
        var rules = loaded.Rules;
        var dir = BenchData.EnsureData(options, rules, loaded.Version);
        var (people, accounts) = BenchData.Read(dir);
        if (people.Count == 0)
        {
            throw new BenchmarkFailure("no people to evaluate");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"config: {configPath} ({loaded.Version[..Math.Min(19, loaded.Version.Length)]}); T = {Timestamps.Format(options.At)}; {Environment.ProcessorCount} cores; .NET {Environment.Version}; Server GC {System.Runtime.GCSettings.IsServerGC}; load {Load()}"));

        double? ours = null;
        ScoreSummary[]? summaries = null;
        if (options.Only is null or "ours")
        {
            // Only a summary of the first decisions outlives this call: the records themselves are released before
            // RulesEngine runs, so that its collections do not pay for our heap.
            (ours, summaries) = Ours(options, rules, people, accounts);
        }

        (double ConditionsOnly, double FromPerson)? baseline = null;
        if (options.Only is null or "rulesengine")
        {
            baseline = await BaselineAsync(options, rules, people, accounts, summaries);
        }

        var inv = CultureInfo.InvariantCulture;
        if (ours is { } n && baseline is { } m)
        {
            Console.WriteLine(string.Create(inv, $"info, against RulesEngine on conditions only (inputs built untimed): ratio {n / m.ConditionsOnly:0.0}"));
            Console.WriteLine(string.Create(inv, $"engine: {n:0} persons/s; RulesEngine: {m.FromPerson:0} persons/s; ratio {n / m.FromPerson:0.0}"));
        }
        else if (ours is { } o)
        {
            Console.WriteLine(string.Create(inv, $"engine: {o:0} persons/s"));
        }
        else if (baseline is { } b)
        {
            Console.WriteLine(string.Create(inv, $"RulesEngine: {b.FromPerson:0} persons/s"));
        }

        return 0;
    }

    // ---------------------------------------------------------------- ours

    /// <summary>What the cross-check compares with our decisions.</summary>
    private readonly record struct ScoreSummary(string? Segment, double Fit, double Engagement, double Score);

    private static (double PersonsPerSecond, ScoreSummary[] FirstDecisions) Ours(BenchOptions options, RuleSet rules, List<Person> people, List<Account> accounts)
    {
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine("== ours: DecisionEngine.Evaluate, single thread, full decisions (Why and every RuleTrace.Because built) ==");
        var clock = Stopwatch.StartNew();
        var engine = new DecisionEngine(rules, new AccountMatcher(rules, accounts));
        Console.WriteLine(string.Create(inv, $"engine built (account indexes over {accounts.Count:N0} accounts) in {clock.Elapsed.TotalMilliseconds:0} ms"));

        var footprints = new Footprint[people.Count];
        clock.Restart();
        for (var i = 0; i < people.Count; i++)
        {
            footprints[i] = engine.FootprintOf(people[i]);
        }

        Console.WriteLine(string.Create(inv, $"footprints for seeding (matching every person once, untimed) in {clock.Elapsed.TotalMilliseconds:0} ms"));

        // Warm-up on the first persons (fresh state), so tiered compilation and PGO settle before timing.
        // Rounds over the same first persons until a second has passed: on a loaded machine the tier-1 JIT thread
        // gets little CPU, and one round leaves the first passes in tier-0 code.
        var warm = Math.Min(WarmUp, people.Count);
        var sink = 0L;
        clock.Restart();
        var rounds = 0;
        while (rounds < 10 && (rounds == 0 || clock.Elapsed < MinWarmUp))
        {
            var warmState = Seeded(rules, footprints);
            for (var i = 0; i < warm; i++)
            {
                sink += Touch(Evaluate(engine, warmState, people[i], options.At));
            }

            rounds++;
        }

        Console.WriteLine(string.Create(inv, $"warm-up: {rounds} round(s) over the first {warm:N0} persons in {clock.Elapsed.TotalMilliseconds:0} ms"));

        // Timed: every decision is made in full (explanations formatted) and consumed as simulate consumes it, then
        // dropped; keeping 100,000 records alive would time the garbage collector's copying, not the engine.
        var passes = options.Passes > 0 ? options.Passes : 5;
        var rates = new List<double>();
        var first = new ScoreSummary[Math.Min(CrossChecked, people.Count)];
        for (var pass = 0; pass < passes; pass++)
        {
            var state = Seeded(rules, footprints);
            Collect();
            var gen0 = GC.CollectionCount(0);
            var gen2 = GC.CollectionCount(2);
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var cpu = CpuTime();
            var paused = GC.GetTotalPauseDuration();
            clock.Restart();
            for (var i = 0; i < people.Count; i++)
            {
                var d = Evaluate(engine, state, people[i], options.At);
                sink += Touch(d);
                if (i < first.Length)
                {
                    first[i] = new ScoreSummary(d.Segment, d.Fit, d.Engagement, d.Score);
                }
            }

            var seconds = clock.Elapsed.TotalSeconds;
            var cpuSeconds = (CpuTime() - cpu).TotalSeconds;
            var pauseMs = (GC.GetTotalPauseDuration() - paused).TotalMilliseconds;
            var bytes = GC.GetAllocatedBytesForCurrentThread() - allocated;
            rates.Add(people.Count / seconds);
            Console.WriteLine(string.Create(inv,
                $"pass {pass + 1}: {people.Count:N0} persons in {seconds * 1000:0} ms = {people.Count / seconds:N0} persons/s (process CPU {cpuSeconds * 1000:0} ms = {people.Count / cpuSeconds:N0} persons per CPU-s); {bytes / (double)people.Count:N0} B allocated/person; GCs gen0 {GC.CollectionCount(0) - gen0}, gen2 {GC.CollectionCount(2) - gen2}, paused {pauseMs:0} ms{LastEphemeral()}; load {Load()}"));
        }

        // For the engine owner, not the headline: the same loop keeping every decision record alive.
        var kept = new List<double>();
        var decisions = new Decision[people.Count];
        for (var pass = 0; pass < 2; pass++)
        {
            var state = Seeded(rules, footprints);
            decisions = new Decision[people.Count];
            Collect();
            var heapBefore = GC.GetTotalMemory(false);
            var paused = GC.GetTotalPauseDuration();
            clock.Restart();
            for (var i = 0; i < people.Count; i++)
            {
                var d = Evaluate(engine, state, people[i], options.At);
                sink += Touch(d);
                decisions[i] = d;
            }

            var seconds = clock.Elapsed.TotalSeconds;
            kept.Add(people.Count / seconds);
            Collect();
            Console.WriteLine(string.Create(inv,
                $"info, all decisions kept in memory: {people.Count / seconds:N0} persons/s, GC paused {(GC.GetTotalPauseDuration() - paused).TotalMilliseconds:0} ms, {(GC.GetTotalMemory(false) - heapBefore) / (double)people.Count:N0} B retained/person; load {Load()}"));
        }

        var median = BenchData.Median(rates);
        Describe(decisions);
        Console.WriteLine(string.Create(inv, $"ours: median {median:N0} persons/s over {passes} passes (min {rates.Min():N0}, max {rates.Max():N0}); keeping every decision in memory (info) {kept.Max():N0} persons/s; checksum {sink}"));
        return (median, first);
    }

    private static InMemoryRoutingState Seeded(RuleSet rules, Footprint[] footprints)
    {
        var state = new InMemoryRoutingState(rules);
        foreach (var f in footprints)
        {
            state.Add(f);
        }

        return state;
    }

    /// <summary>What SimulationSession.Evaluate does: evaluate at T, then move the state on.</summary>
    private static Decision Evaluate(DecisionEngine engine, InMemoryRoutingState state, Person person, DateTimeOffset at)
    {
        var decision = engine.Evaluate(person, at, state);
        state.Apply(decision);
        return decision;
    }

    /// <summary>Forces the lazily formatted explanations (every RuleTrace.Because) so that nothing is skipped.</summary>
    private static long Touch(Decision d)
    {
        long n = d.Actions.Count + d.Why.Excluded.Count + d.Why.Score.Count;
        foreach (var trace in d.Why.Rules)
        {
            n += trace.Because?.Length ?? 0;
        }

        return n;
    }

    private static void Describe(Decision[] decisions)
    {
        var assigned = decisions.Count(d => d.Outcome == DecisionOutcome.Assigned);
        var traces = decisions.Sum(d => (long)d.Why.Rules.Count);
        var byRule = decisions.GroupBy(d => d.Rule ?? "(" + d.Because + ")").OrderByDescending(g => g.Count())
            .Select(g => $"{g.Key} {g.Count():N0}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"decisions: {assigned:N0} assigned, {decisions.Length - assigned:N0} kept; {traces / (double)decisions.Length:0.00} rule traces/person; by rule: {string.Join(", ", byRule)}"));
    }

    /// <summary>A full collection before each timed pass, so that one pass does not pay for the garbage of the last.</summary>
    private static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    /// <summary>What the last young-generation collection kept alive and how long it paused.</summary>
    private static string LastEphemeral()
    {
        var info = GC.GetGCMemoryInfo(GCKind.Ephemeral);
        return info.Index == 0
            ? string.Empty
            : string.Create(CultureInfo.InvariantCulture, $" (last gen{info.Generation}: {info.PromotedBytes / 1024.0:N0} KB promoted, {info.PauseDurations[0].TotalMilliseconds:0.00} ms)");
    }

    private static TimeSpan CpuTime()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    /// <summary>The 1-minute load average: on a shared 2-core machine, the figures mean little when it is above 2.</summary>
    internal static string Load()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
    }

    // ---------------------------------------------------------------- RulesEngine

    private static async Task<(double ConditionsOnly, double FromPerson)> BaselineAsync(BenchOptions options, RuleSet rules, List<Person> people, List<Account> accounts, ScoreSummary[]? ours)
    {
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine("== baseline: Microsoft RulesEngine 6.0.1, the same conditions, compiled once, single thread ==");
        var clock = Stopwatch.StartNew();
        var translator = new ConditionTranslator();
        var pipeline = new BaselinePipeline(rules, translator, options.At);
        Console.WriteLine(string.Create(inv, $"translated {pipeline.RuleCount} conditions into {pipeline.Specs.Count(s => s.Rules.Count > 0)} workflows in {clock.Elapsed.TotalMilliseconds:0} ms:"));
        foreach (var spec in pipeline.Specs)
        {
            Console.WriteLine($"  {spec.Name,-11} {spec.Rules.Count} rules");
        }

        foreach (var spec in pipeline.Specs.Where(s => s.Rules.Count > 0))
        {
            Console.WriteLine($"  e.g. {spec.Name}/{spec.Rules[0].Id}: {spec.Expressions[0]}");
        }

        var matcher = new AccountMatcher(rules, accounts);
        var builder = new InputBuilder(rules, matcher, translator, options.At);
        clock.Restart();
        var inputs = new RoutingInput[people.Count];
        var parameters = new RuleParameter[people.Count][];
        for (var i = 0; i < people.Count; i++)
        {
            inputs[i] = builder.Build(people[i]);
            parameters[i] = [new RuleParameter("input1", inputs[i])];
        }

        Console.WriteLine(string.Create(inv, $"inputs precomputed (matching, owner, typed fields, decay factors; untimed) in {clock.Elapsed.TotalMilliseconds:0} ms"));

        // Compile: the first call of each workflow compiles its rules (not timed below). The cross-check runs every workflow.
        clock.Restart();
        var check = new CrossCheck(pipeline, builder, options.At);
        check.Begin(people[0]);
        await pipeline.RunAsync(inputs[0], parameters[0], check);
        Console.WriteLine(string.Create(inv, $"rules compiled (first call of every workflow) in {clock.Elapsed.TotalMilliseconds:0} ms"));

        // Correctness: the same rules hold in RulesEngine as in Core, for the same scope.
        clock.Restart();
        var checkedCount = Math.Min(CrossChecked, people.Count);
        var segmentAgree = 0;
        var scoreAgree = 0;
        for (var i = 1; i < checkedCount; i++)
        {
            check.Begin(people[i]);
            await pipeline.RunAsync(inputs[i], parameters[i], check);
        }

        for (var i = 0; i < checkedCount && ours is not null; i++)
        {
            await pipeline.RunAsync(inputs[i], parameters[i]);
            segmentAgree += inputs[i].Segment == ours[i].Segment ? 1 : 0;
            scoreAgree += inputs[i].Score == ours[i].Score && inputs[i].Fit == ours[i].Fit && inputs[i].Engagement == ours[i].Engagement ? 1 : 0;
        }

        Console.WriteLine(string.Create(inv, $"cross-check on the first {checkedCount:N0} persons (every workflow run for each) in {clock.Elapsed.TotalMilliseconds:0} ms:"));
        foreach (var line in check.Report())
        {
            Console.WriteLine(line);
        }

        Console.WriteLine("  conditions that held at least once: " + string.Join(", ", check.Held.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} {kv.Value}")));
        if (ours is not null)
        {
            Console.WriteLine(string.Create(inv, $"  against our decisions: segment equal for {segmentAgree:N0}, fit/engagement/score equal for {scoreAgree:N0} of {checkedCount:N0}"));
        }

        if (!check.AllAgree)
        {
            foreach (var d in check.Differences)
            {
                Console.WriteLine("  DIFFERS: " + d);
            }

            throw new BenchmarkFailure("RulesEngine and Core disagree on which conditions hold; the translation is wrong, not timing it");
        }

        Console.WriteLine("  agreement: 100%");

        var warm = Math.Min(WarmUp, people.Count);
        var sink = 0L;
        clock.Restart();
        var rounds = 0;
        while (rounds < 10 && (rounds == 0 || clock.Elapsed < MinWarmUp))
        {
            for (var i = 0; i < warm; i++)
            {
                sink += await pipeline.RunAsync(inputs[i], parameters[i]);
            }

            rounds++;
        }

        Console.WriteLine(string.Create(inv, $"warm-up: {rounds} round(s) over the first {warm:N0} persons in {clock.Elapsed.TotalMilliseconds:0} ms"));

        var passes = options.Passes > 0 ? options.Passes : 3;
        var rates = new List<double>();
        for (var pass = 0; pass < passes; pass++)
        {
            Collect();
            var gen0 = GC.CollectionCount(0);
            var gen2 = GC.CollectionCount(2);
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var cpu = CpuTime();
            var paused = GC.GetTotalPauseDuration();
            clock.Restart();
            for (var i = 0; i < people.Count; i++)
            {
                sink += await pipeline.RunAsync(inputs[i], parameters[i]);
            }

            var seconds = clock.Elapsed.TotalSeconds;
            var cpuSeconds = (CpuTime() - cpu).TotalSeconds;
            var pauseMs = (GC.GetTotalPauseDuration() - paused).TotalMilliseconds;
            var bytes = GC.GetAllocatedBytesForCurrentThread() - allocated;
            rates.Add(people.Count / seconds);
            Console.WriteLine(string.Create(inv,
                $"pass {pass + 1}: {people.Count:N0} persons in {seconds * 1000:0} ms = {people.Count / seconds:N0} persons/s (process CPU {cpuSeconds * 1000:0} ms = {people.Count / cpuSeconds:N0} persons per CPU-s); {bytes / (double)people.Count:N0} B allocated/person; GCs gen0 {GC.CollectionCount(0) - gen0}, gen2 {GC.CollectionCount(2) - gen2}, paused {pauseMs:0} ms{LastEphemeral()}; load {Load()}"));
        }

        var median = BenchData.Median(rates);
        Console.WriteLine(string.Create(inv, $"RulesEngine, conditions only (inputs built before timing): median {median:N0} persons/s over {passes} passes (min {rates.Min():N0}, max {rates.Max():N0}); checksum {sink}"));

        // From the person, like ours: each person's input is built when it is evaluated (matching, typed fields,
        // decay factors), as a live RulesEngine pipeline must, since persons arrive one at a time.
        var fromPerson = new List<double>();
        for (var pass = 0; pass < passes; pass++)
        {
            Collect();
            var paused = GC.GetTotalPauseDuration();
            clock.Restart();
            for (var i = 0; i < people.Count; i++)
            {
                var input = builder.Build(people[i]);
                sink += await pipeline.RunAsync(input, [new RuleParameter("input1", input)]);
            }

            var seconds = clock.Elapsed.TotalSeconds;
            fromPerson.Add(people.Count / seconds);
            Console.WriteLine(string.Create(inv,
                $"pass {pass + 1} from the person: {people.Count:N0} persons in {seconds * 1000:0} ms = {people.Count / seconds:N0} persons/s, GC paused {(GC.GetTotalPauseDuration() - paused).TotalMilliseconds:0} ms; load {Load()}"));
        }

        var fromPersonMedian = BenchData.Median(fromPerson);
        Console.WriteLine(string.Create(inv, $"RulesEngine, from the person (input built per person, timed): median {fromPersonMedian:N0} persons/s; checksum {sink}"));
        return (median, fromPersonMedian);
    }
}

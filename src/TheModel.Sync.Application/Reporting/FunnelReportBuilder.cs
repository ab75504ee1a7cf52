using System.Globalization;
using System.Text.Json;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Application.Reporting;

/// <summary>
/// Computes the funnel report from decision log lines (JSON Lines, the live worker's records). Lines are added one at a
/// time and only what each person needs is kept (its stage entries and SLA clocks), so memory grows with people, not
/// with lines. A line that cannot be read is recorded with its number and reason and left out; it never throws.
/// Each person's decisions are taken in the order they are added: the log is appended as decisions are made, so that
/// is the order of <c>at</c> (ties in file order). The definitions are documented in config/README.md's report section.
/// </summary>
public sealed class FunnelReportBuilder
{
    private const string NoTeam = "(none)";
    private const string NoReason = "(none)";
    private const string NoRule = "(none)";
    private const string OverallKey = "all";

    private static readonly Stage[] Chain = [Stage.New, Stage.Mql, Stage.Working, Stage.Sql, Stage.Customer];

    private readonly RuleSet _rules;
    private readonly ReportOptions _options;
    private readonly Dictionary<(string Crm, string Person), PersonTrack> _people = [];
    private readonly List<UnreadableLine> _unreadable = [];
    private readonly List<string> _configVersions = [];
    private readonly Dictionary<string, int> _byRule = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Rule, string Member), int> _byRuleAndMember = [];
    private long _lineNumber;
    private int _decisions;
    private int _assignments;
    private int _queued;
    private int _fallback;
    private DateTimeOffset? _firstAt;
    private DateTimeOffset? _lastAt;

    public FunnelReportBuilder(RuleSet rules, ReportOptions options)
    {
        _rules = rules;
        _options = options;
    }

    /// <summary>The whole report from a log's lines, in order (the first is line 1).</summary>
    public static FunnelReport Build(IEnumerable<string> lines, RuleSet rules, ReportOptions options)
    {
        var builder = new FunnelReportBuilder(rules, options);
        foreach (var line in lines)
        {
            builder.Add(line);
        }

        return builder.Build();
    }

    /// <summary>Reads the next line of the log; blank lines are skipped (but counted, so numbers match the file).</summary>
    public void Add(string line)
    {
        _lineNumber++;
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        if (!LogDecision.TryParse(line, out var decision, out var error))
        {
            _unreadable.Add(new UnreadableLine(_lineNumber, error));
            return;
        }

        Fold(decision);
    }

    private void Fold(LogDecision d)
    {
        _decisions++;
        _firstAt = _firstAt is { } first && first <= d.At ? first : d.At;
        _lastAt = _lastAt is { } last && last >= d.At ? last : d.At;
        if (d.Config is { } config && !_configVersions.Contains(config, StringComparer.Ordinal))
        {
            _configVersions.Add(config);
        }

        var team = d.Team ?? NoTeam;
        var owner = _rules.ResolveOwner(d.Owner);
        var member = owner.Kind == OwnerKind.Member ? owner.Member!.Id : null;
        if (!_people.TryGetValue((d.Crm, d.Person), out var person))
        {
            person = new PersonTrack();
            _people[(d.Crm, d.Person)] = person;
        }

        person.WatchFirstTouch(d);
        if (d.StageBefore is { } before)
        {
            // The first observation of a person in stage new without a time of its own entered new when it was created.
            var fallback = person.HasObservation || before != Stage.New ? d.At : d.CreatedAt ?? d.At;
            person.Observe(before, d.StageEnteredAtBefore, fallback, team, member, d.RecycleReason);
        }

        person.Observe(d.Stage, d.StageEnteredAt, d.At, team, member, d.RecycleReason);
        foreach (var sla in d.Slas)
        {
            person.ObserveSla(sla, d, team, member);
        }

        if (d.Assigned && InWindowOfOptions(d.At))
        {
            CountAssignment(d, owner, member);
        }
    }

    private bool InWindowOfOptions(DateTimeOffset at) =>
        (_options.From is not { } from || at >= from) && (_options.To is not { } to || at < to);

    private void CountAssignment(LogDecision d, OwnerRef owner, string? member)
    {
        _assignments++;
        var rule = d.Rule ?? NoRule;
        _byRule[rule] = _byRule.GetValueOrDefault(rule) + 1;
        if (owner.Kind != OwnerKind.Member)
        {
            _queued++;
        }

        if (d.Rule is not null && _rules.Routing.FirstOrDefault(r => r.Id == d.Rule) is { } routingRule && routingRule.When.IsAlways)
        {
            _fallback++;
        }

        if (d.Rule is not null && member is not null)
        {
            _byRuleAndMember[(d.Rule, member)] = _byRuleAndMember.GetValueOrDefault((d.Rule, member)) + 1;
        }
    }

    /// <summary>The report over everything added so far.</summary>
    public FunnelReport Build()
    {
        var period = _options.Period ?? _rules.Report.Period;
        var windowStart = _options.From ?? _firstAt?.AddHours(-1);
        var windowEnd = _options.To ?? _lastAt;
        var slices = new Dictionary<string, SliceCounts>(StringComparer.Ordinal);
        var periods = new SortedDictionary<string, SliceCounts>(StringComparer.Ordinal);
        var teams = new SortedDictionary<string, SliceCounts>(StringComparer.Ordinal);
        var members = new SortedDictionary<string, SliceCounts>(StringComparer.Ordinal);
        var overall = new SliceCounts();
        var recycles = new SortedDictionary<string, RecycleCounts>(StringComparer.Ordinal);
        var slas = new Dictionary<(string Sla, string? Team, string? Member), SlaCounts>();

        var people = _people.Values.ToList();
        var entriesByPerson = people.Select(p => p.EntriesUpTo(_options.To)).ToList();
        for (var personIndex = 0; personIndex < people.Count; personIndex++)
        {
            var person = people[personIndex];
            var entries = entriesByPerson[personIndex];
            for (var i = 0; i < entries.Count; i++)
            {
                var e = entries[i];
                if (windowStart is { } start && e.At < start)
                {
                    continue;
                }

                double? stay = i + 1 < entries.Count && entries[i + 1].At >= e.At ? (entries[i + 1].At - e.At).TotalSeconds : null;
                overall.Add(e.Stage, personIndex, i, stay);
                Slice(periods, PeriodKey(e.At, period)).Add(e.Stage, personIndex, i, stay);
                Slice(teams, e.Team).Add(e.Stage, personIndex, i, stay);
                if (e.Member is { } m)
                {
                    Slice(members, m).Add(e.Stage, personIndex, i, stay);
                }

                if (e.Stage == Stage.Nurture)
                {
                    CountRecycle(recycles, entries, i);
                }
            }

            foreach (var assignment in person.Slas)
            {
                if ((windowStart is { } start && assignment.OwnerSetAt < start) || (_options.To is { } to && assignment.OwnerSetAt >= to))
                {
                    continue;
                }

                CountSla(slas, assignment, entries, windowEnd);
            }
        }

        var pairs = ConversionPairs();
        FunnelSlice ToSlice(string key, SliceCounts counts) => counts.ToSlice(key, pairs, entriesByPerson);

        var overallSlice = ToSlice(OverallKey, overall);
        var bottleneck = FindBottleneck(overallSlice.Conversions);
        return new FunnelReport(
            windowStart,
            windowEnd,
            ReportSettings.PeriodNames[(int)period],
            _decisions,
            _people.Count,
            [.. _configVersions],
            overallSlice,
            [.. periods.Select(kv => ToSlice(kv.Key, kv.Value))],
            [.. teams.Select(kv => ToSlice(kv.Key, kv.Value))],
            [.. members.Select(kv => ToSlice(kv.Key, kv.Value))],
            SlaRows(slas),
            new RecycleSummary([.. recycles.Select(kv => new RecycleRow(kv.Key, kv.Value.Recycled, kv.Value.Rechecked, kv.Value.BackToMql, kv.Value.ThenSql))]),
            Routing(),
            bottleneck,
            bottleneck?.Sentence ?? NoBottleneckSentence(overallSlice.Conversions),
            [.. _unreadable]);
    }

    private static SliceCounts Slice(SortedDictionary<string, SliceCounts> slices, string key)
    {
        if (!slices.TryGetValue(key, out var slice))
        {
            slice = new SliceCounts();
            slices[key] = slice;
        }

        return slice;
    }

    public static string PeriodKey(DateTimeOffset at, ReportPeriod period)
    {
        var day = DateOnly.FromDateTime(at.UtcDateTime);
        var start = period switch
        {
            ReportPeriod.Day => day,
            ReportPeriod.Month => new DateOnly(day.Year, day.Month, 1),
            _ => day.AddDays(-(((int)day.DayOfWeek + 6) % 7)),
        };
        return start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    /// <summary>The chain's consecutive pairs, then every benchmarked pair that is not one of them.</summary>
    private List<(Stage From, Stage To, double? Benchmark)> ConversionPairs()
    {
        var benchmarks = _rules.Report.Benchmarks;
        double? BenchmarkOf(Stage from, Stage to) => benchmarks.FirstOrDefault(b => b.From == from && b.To == to)?.Rate;
        var pairs = new List<(Stage From, Stage To, double? Benchmark)>();
        for (var i = 0; i + 1 < Chain.Length; i++)
        {
            pairs.Add((Chain[i], Chain[i + 1], BenchmarkOf(Chain[i], Chain[i + 1])));
        }

        foreach (var b in benchmarks)
        {
            if (!pairs.Any(p => p.From == b.From && p.To == b.To))
            {
                pairs.Add((b.From, b.To, b.Rate));
            }
        }

        return pairs;
    }

    internal static int ChainIndex(Stage stage) => Array.IndexOf(Chain, stage);

    private static void CountRecycle(SortedDictionary<string, RecycleCounts> recycles, IReadOnlyList<StageEntry> entries, int index)
    {
        var reason = entries[index].RecycleReason ?? NoReason;
        if (!recycles.TryGetValue(reason, out var counts))
        {
            counts = new RecycleCounts();
            recycles[reason] = counts;
        }

        counts.Recycled++;
        var rechecked = false;
        var backAt = -1;
        var thenSql = false;
        for (var j = index + 1; j < entries.Count; j++)
        {
            var stage = entries[j].Stage;
            rechecked |= stage != Stage.Nurture;
            if (backAt < 0 && ChainIndex(stage) >= ChainIndex(Stage.Mql))
            {
                backAt = j;
            }

            if (backAt >= 0 && ChainIndex(stage) >= ChainIndex(Stage.Sql))
            {
                thenSql = true;
            }
        }

        counts.Rechecked += rechecked ? 1 : 0;
        counts.BackToMql += backAt >= 0 ? 1 : 0;
        counts.ThenSql += thenSql ? 1 : 0;
    }

    private static void CountSla(
        Dictionary<(string Sla, string? Team, string? Member), SlaCounts> rows, SlaTrack a, IReadOnlyList<StageEntry> entries, DateTimeOffset? end)
    {
        var movedOnInTime = a.Deadline is { } deadline && entries.FirstOrDefault(e => e.At > a.OwnerSetAt) is { } next && next.At < deadline;
        var state = a.Met || movedOnInTime ? SlaOutcome.Met
            : a.Breached || (a.Deadline is { } d && end is { } last && d < last) ? SlaOutcome.Missed
            : SlaOutcome.Pending;
        Row(rows, (a.Sla, null, null)).Add(state, a.FirstTouchSeconds);
        Row(rows, (a.Sla, a.Team, null)).Add(state, a.FirstTouchSeconds);
        if (a.Member is not null)
        {
            Row(rows, (a.Sla, a.Team, a.Member)).Add(state, a.FirstTouchSeconds);
        }
    }

    private static SlaCounts Row(Dictionary<(string Sla, string? Team, string? Member), SlaCounts> rows, (string, string?, string?) key)
    {
        if (!rows.TryGetValue(key, out var row))
        {
            row = new SlaCounts();
            rows[key] = row;
        }

        return row;
    }

    /// <summary>Per SLA: its total (no team, no member) first, then its teams, each followed by its members.</summary>
    private static List<SlaRow> SlaRows(Dictionary<(string Sla, string? Team, string? Member), SlaCounts> rows) =>
        [.. rows
            .OrderBy(kv => kv.Key.Sla, StringComparer.Ordinal)
            .ThenBy(kv => kv.Key.Team is null ? 0 : 1)
            .ThenBy(kv => kv.Key.Team, StringComparer.Ordinal)
            .ThenBy(kv => kv.Key.Member is null ? 0 : 1)
            .ThenBy(kv => kv.Key.Member, StringComparer.Ordinal)
            .Select(kv => new SlaRow(kv.Key.Sla, kv.Key.Team, kv.Key.Member, kv.Value.Met, kv.Value.Missed, kv.Value.Pending, Percentile(kv.Value.FirstTouches, 0.5)))];

    private RoutingSummary Routing()
    {
        var byRule = _byRule
            .OrderByDescending(kv => kv.Value)
            .ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new RuleCount(kv.Key, kv.Value))
            .ToList();
        var total = _assignments;
        return new RoutingSummary(
            total,
            byRule,
            total == 0 ? 0 : (double)_queued / total,
            total == 0 ? 0 : (double)_fallback / total,
            Shares());
    }

    /// <summary>Each team a rule rotates over, per strategy: every active member's assignments by those rules against its promise.</summary>
    private List<ShareRow> Shares()
    {
        var rows = new List<ShareRow>();
        var groups = _rules.Routing
            .Where(r => r.Assign.Kind == TargetKind.Team && r.Assign.Team is not null)
            .GroupBy(r => (Team: r.Assign.Team!, Strategy: r.Assign.Strategy == RoutingStrategy.Sticky ? r.Assign.Then : r.Assign.Strategy))
            .OrderBy(g => g.Key.Team.Index)
            .ThenBy(g => g.Key.Strategy);
        foreach (var group in groups)
        {
            var active = group.Key.Team.Members.Where(m => m.Active).ToList();
            var ruleIds = group.Select(r => r.Id).ToList();
            var counts = active.Select(m => ruleIds.Sum(id => _byRuleAndMember.GetValueOrDefault((id, m.Id)))).ToList();
            var total = counts.Sum();
            var promised = Promised(group.Key.Strategy, active);
            for (var i = 0; i < active.Count; i++)
            {
                rows.Add(new ShareRow(
                    group.Key.Team.Id, group.Key.Strategy.Name(), active[i].Id, counts[i], total == 0 ? 0 : (double)counts[i] / total, promised[i]));
            }
        }

        return rows;
    }

    private static List<double> Promised(RoutingStrategy strategy, List<Member> active)
    {
        double Share(double part, double whole) => whole <= 0 ? 0 : part / whole;
        return strategy switch
        {
            RoutingStrategy.WeightedRoundRobin => [.. active.Select(m => Share(m.Weight, active.Sum(a => a.Weight)))],
            RoutingStrategy.LeastLoaded => [.. active.Select(m => Share(m.MaxOpen ?? 0, active.Sum(a => a.MaxOpen ?? 0)))],
            _ => [.. active.Select(_ => Share(1, active.Count))],
        };
    }

    private static Bottleneck? FindBottleneck(IReadOnlyList<Conversion> conversions)
    {
        Conversion? worst = null;
        var worstGap = 0.0;
        foreach (var c in conversions)
        {
            if (c is not { Benchmark: { } benchmark, Rate: { } rate } || c.Entered < 1 || benchmark <= 0 || rate >= benchmark)
            {
                continue;
            }

            var gap = (benchmark - rate) / benchmark;
            if (gap > worstGap)
            {
                worst = c;
                worstGap = gap;
            }
        }

        if (worst is null)
        {
            return null;
        }

        var sentence = string.Create(
            CultureInfo.InvariantCulture,
            $"The bottleneck is {StageLabel(worst.From)} → {StageLabel(worst.To)}: {Percent(worst.Rate!.Value)} of {worst.Entered} " +
            $"{(worst.Entered == 1 ? "person who" : "people who")} entered {StageLabel(worst.From)} reached {StageLabel(worst.To)} or later " +
            $"({worst.Converted}), against a benchmark of {Percent(worst.Benchmark!.Value)}.");
        return new Bottleneck(worst.From, worst.To, worst.Rate.Value, worst.Benchmark.Value, worst.Entered, worst.Converted, sentence);
    }

    private static string NoBottleneckSentence(IReadOnlyList<Conversion> conversions) =>
        conversions.Any(c => c.Benchmark is not null && c.Entered >= 1)
            ? "No bottleneck: every benchmarked conversion is at or above its benchmark."
            : "No bottleneck: nobody entered a stage that has a benchmark.";

    /// <summary>THE MODEL calls its last chain stage won; the canonical name stays customer everywhere else.</summary>
    public static string StageLabel(string stage) => stage == "customer" ? "won" : stage;

    /// <summary>A rate as the report prints it: 12.1%, 40%.</summary>
    public static string Percent(double rate) =>
        (Math.Round(rate * 100, 1, MidpointRounding.AwayFromZero)).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    /// <summary>Nearest rank: the smallest value with at least <paramref name="p"/> of the values at or below it.</summary>
    internal static double? Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return null;
        }

        values.Sort();
        var rank = (int)Math.Ceiling(p * values.Count);
        return values[Math.Clamp(rank, 1, values.Count) - 1];
    }

    private enum SlaOutcome
    {
        Met,
        Missed,
        Pending,
    }

    private sealed class SlaCounts
    {
        public int Met { get; private set; }

        public int Missed { get; private set; }

        public int Pending { get; private set; }

        public List<double> FirstTouches { get; } = [];

        public void Add(SlaOutcome outcome, double? firstTouch)
        {
            switch (outcome)
            {
                case SlaOutcome.Met:
                    Met++;
                    break;
                case SlaOutcome.Missed:
                    Missed++;
                    break;
                default:
                    Pending++;
                    break;
            }

            if (firstTouch is { } seconds)
            {
                FirstTouches.Add(seconds);
            }
        }
    }

    private sealed class RecycleCounts
    {
        public int Recycled { get; set; }

        public int Rechecked { get; set; }

        public int BackToMql { get; set; }

        public int ThenSql { get; set; }
    }

    /// <summary>One slice's counted entries: per stage, each person's first entry (for conversions) and the completed stays.</summary>
    private sealed class SliceCounts
    {
        private readonly Dictionary<int, int>[] _firstEntry = [.. Enumerable.Range(0, 7).Select(_ => new Dictionary<int, int>())];
        private readonly List<double>[] _stays = [.. Enumerable.Range(0, 7).Select(_ => new List<double>())];

        public void Add(Stage stage, int person, int entryIndex, double? stay)
        {
            _firstEntry[(int)stage].TryAdd(person, entryIndex);
            if (stay is { } seconds)
            {
                _stays[(int)stage].Add(seconds);
            }
        }

        public FunnelSlice ToSlice(string key, List<(Stage From, Stage To, double? Benchmark)> pairs, List<IReadOnlyList<StageEntry>> entries)
        {
            var stages = new List<StageRow>();
            for (var s = 0; s < 7; s++)
            {
                stages.Add(new StageRow(((Stage)s).Name(), _firstEntry[s].Count, _stays[s].Count, Percentile(_stays[s], 0.5), Percentile(_stays[s], 0.9)));
            }

            var conversions = new List<Conversion>();
            foreach (var (from, to, benchmark) in pairs)
            {
                var entered = _firstEntry[(int)from];
                var target = ChainIndex(to);
                var converted = entered.Count(kv => entries[kv.Key].Skip(kv.Value + 1).Any(e => ChainIndex(e.Stage) >= target));
                conversions.Add(new Conversion(
                    from.Name(), to.Name(), entered.Count, converted, entered.Count == 0 ? null : (double)converted / entered.Count, benchmark));
            }

            return new FunnelSlice(key, stages, conversions);
        }
    }
}

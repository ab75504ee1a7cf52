namespace TheModel.Sync.Application.Reporting;

/// <summary>
/// The funnel computed from a decision log (the <c>report</c> verb's result): what the terminal table and the HTML
/// page show. Stages are canonical names (<c>new</c>, <c>mql</c>, <c>working</c>, <c>sql</c>, <c>customer</c>,
/// <c>nurture</c>, <c>disqualified</c>); durations are in seconds.
/// </summary>
public sealed record FunnelReport(
    DateTimeOffset? From,
    DateTimeOffset? To,
    int Decisions,
    int People,
    IReadOnlyList<string> ConfigVersions,
    FunnelSlice Overall,
    IReadOnlyList<FunnelSlice> Periods,
    IReadOnlyList<FunnelSlice> Teams,
    IReadOnlyList<FunnelSlice> Members,
    IReadOnlyList<SlaRow> Slas,
    RecycleSummary Recycles,
    RoutingSummary Routing,
    Bottleneck? Bottleneck);

/// <summary>The funnel for one slice: everyone, one period (a day or week), one team or one member.</summary>
public sealed record FunnelSlice(
    string Key,
    IReadOnlyList<StageRow> Stages,
    IReadOnlyList<Conversion> Conversions);

/// <summary>People entering a stage in the slice, and how long stays in it lasted (completed stays only).</summary>
public sealed record StageRow(string Stage, int Entered, int StaysCompleted, double? MedianSeconds, double? P90Seconds);

/// <summary>
/// Of the people who entered <see cref="From"/>, how many later reached <see cref="To"/> or a later stage of THE
/// MODEL's chain (new → mql → working → sql → customer); <see cref="Benchmark"/> when the config sets one.
/// </summary>
public sealed record Conversion(string From, string To, int Entered, int Converted, double? Rate, double? Benchmark);

/// <summary>One SLA for one team and member (null for the totals): assignments whose clock met, missed or is still running.</summary>
public sealed record SlaRow(string Sla, string? Team, string? Member, int Met, int Missed, int Pending, double? MedianFirstTouchSeconds);

/// <summary>People recycled (entered <c>nurture</c>) by reason, and how many came back (mql) and went on (sql).</summary>
public sealed record RecycleSummary(IReadOnlyList<RecycleRow> ByReason);

public sealed record RecycleRow(string Reason, int Recycled, int Rechecked, int BackToMql, int ThenSql);

/// <summary>Assignments by rule, queue and fallback rates, and each rotating team's members against their promised share.</summary>
public sealed record RoutingSummary(
    int Assignments,
    IReadOnlyList<(string Rule, int Count)> ByRule,
    double QueueRate,
    double FallbackRate,
    IReadOnlyList<ShareRow> Shares);

public sealed record ShareRow(string Team, string Strategy, string Member, int Assigned, double Share, double PromisedShare);

/// <summary>The stage whose conversion falls furthest below its benchmark, and the sentence that names it.</summary>
public sealed record Bottleneck(string From, string To, double Rate, double Benchmark, int Entered, int Converted, string Sentence);

using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Application.Reporting;

/// <summary>
/// The funnel computed from a decision log (the <c>report</c> verb's result): what the terminal table and the HTML
/// page show. Stages are canonical names (<c>new</c>, <c>mql</c>, <c>working</c>, <c>sql</c>, <c>customer</c>,
/// <c>nurture</c>, <c>disqualified</c>); durations are in seconds; rates, shares and benchmarks are fractions (0.4 for
/// 40%). <see cref="From"/> and <see cref="To"/> are the window the numbers cover: --from (else an hour before the log's
/// first decision) and --to (else the log's last decision); null only for an empty log.
/// </summary>
public sealed record FunnelReport(
    DateTimeOffset? From,
    DateTimeOffset? To,
    string Period,
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
    Bottleneck? Bottleneck,
    string BottleneckSentence,
    IReadOnlyList<UnreadableLine> UnreadableLines);

/// <summary>A decision log line that could not be read (1-based line number), left out of every number.</summary>
public sealed record UnreadableLine(long Line, string Reason);

/// <summary>
/// The funnel for one slice: everyone (key <c>all</c>), one period (key: its first day, yyyy-MM-dd), one team (its id,
/// <c>(none)</c> for decisions without one) or one member (its id).
/// </summary>
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
    IReadOnlyList<RuleCount> ByRule,
    double QueueRate,
    double FallbackRate,
    IReadOnlyList<ShareRow> Shares);

/// <summary>Assignments decided by one routing rule (<c>(none)</c> for assignments without a rule).</summary>
public sealed record RuleCount(string Rule, int Count);

public sealed record ShareRow(string Team, string Strategy, string Member, int Assigned, double Share, double PromisedShare);

/// <summary>The stage whose conversion falls furthest below its benchmark, and the sentence that names it.</summary>
public sealed record Bottleneck(string From, string To, double Rate, double Benchmark, int Entered, int Converted, string Sentence);

/// <summary>
/// What the report covers: decisions and entries from <see cref="From"/> up to but not including <see cref="To"/>
/// (either open; the same half-open window as <c>export-log</c>), sliced by
/// <see cref="Period"/> (the config's <c>report.period</c> when null).
/// </summary>
public sealed record ReportOptions(DateTimeOffset? From = null, DateTimeOffset? To = null, ReportPeriod? Period = null);

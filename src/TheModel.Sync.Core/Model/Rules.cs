using TheModel.Sync.Core.Conditions;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Core.Model;

public enum MatchStrategy : byte
{
    Domain,
    CompanyName,
}

public enum TieBreak : byte
{
    CustomerFirst,
    MostEmployees,
    Oldest,
}

public sealed class MatchingOptions
{
    public IReadOnlyList<MatchStrategy> Strategies { get; init; } = [MatchStrategy.Domain, MatchStrategy.CompanyName];

    public NamedList? IgnoreDomains { get; init; }

    public double MinSimilarity { get; init; } = 0.9;

    public IReadOnlyList<TieBreak> TieBreaks { get; init; } = [];
}

public sealed class Segment
{
    public required string Id { get; init; }

    public required Condition When { get; init; }
}

public sealed class Decay
{
    public required FieldRef From { get; init; }

    public required TimeSpan HalfLife { get; init; }
}

public sealed class ScoreRule
{
    public required string Id { get; init; }

    public required Condition When { get; init; }

    public required double Points { get; init; }

    public Decay? Decay { get; init; }
}

public sealed class Scoring
{
    public IReadOnlyList<ScoreRule> Fit { get; init; } = [];

    public IReadOnlyList<ScoreRule> Engagement { get; init; } = [];

    /// <summary>The MQL promotion condition; null when the config has none.</summary>
    public Condition? Mql { get; init; }
}

/// <summary>A canonical field written by a <c>set:</c> (stage, recycle_reason, recheck_at, fields.NAME).</summary>
public sealed class FieldAssignment
{
    public required FieldRef Field { get; init; }

    /// <summary>The value; for <c>recheck_at</c> an instant, unless <see cref="RelativeToNow"/> is set.</summary>
    public required Value Value { get; init; }

    /// <summary>For <c>recheck_at: 30d</c>: the evaluation time plus this duration.</summary>
    public TimeSpan? RelativeToNow { get; init; }
}

public enum TargetKind : byte
{
    AccountOwner,
    PreviousOwner,
    CurrentOwner,
    Member,
    Queue,
    Team,
}

public enum RoutingStrategy : byte
{
    RoundRobin,
    WeightedRoundRobin,
    LeastLoaded,
    Sticky,
}

public static class RoutingStrategies
{
    public static IReadOnlyList<string> Names { get; } = ["round_robin", "weighted_round_robin", "least_loaded", "sticky"];

    public static string Name(this RoutingStrategy s) => Names[(int)s];
}

public enum HoursMode : byte
{
    Prefer,
    Strict,
}

public sealed class Assignment
{
    public required TargetKind Kind { get; init; }

    public Member? Member { get; init; }

    public OwnerQueue? Queue { get; init; }

    public Team? Team { get; init; }

    public RoutingStrategy Strategy { get; init; } = RoutingStrategy.RoundRobin;

    /// <summary>For <c>sticky</c>: the strategy when no sticky member is a candidate (round robin when not given).</summary>
    public RoutingStrategy Then { get; init; } = RoutingStrategy.RoundRobin;

    public HoursMode Hours { get; init; } = HoursMode.Prefer;

    public bool ExcludePreviousOwners { get; init; }
}

public sealed class RoutingRule
{
    public required string Id { get; init; }

    public required int Index { get; init; }

    public required Condition When { get; init; }

    public required Assignment Assign { get; init; }

    public IReadOnlyList<FieldAssignment> Set { get; init; } = [];

    public bool OverrideManual { get; init; }
}

/// <summary>A text with <c>{person.company}</c>-style holes, filled from canonical fields.</summary>
public sealed class Template
{
    public Template(string source, IReadOnlyList<object> parts)
    {
        Source = source;
        Parts = parts;
    }

    public string Source { get; }

    /// <summary>Literal strings and <see cref="FieldRef"/>s, in order.</summary>
    public IReadOnlyList<object> Parts { get; }

    public override string ToString() => Source;
}

public enum TaskOwnerKind : byte
{
    Owner,
    CurrentOwner,
    PreviousOwner,
    AccountOwner,
    Member,
}

public sealed class TaskTemplate
{
    public required TaskOwnerKind Owner { get; init; }

    public Member? Member { get; init; }

    public required Template Subject { get; init; }

    public TimeSpan? Due { get; init; }
}

public enum ClockKind : byte
{
    Wall,
    BusinessHours,
}

public sealed class SlaBreachAction
{
    public TaskTemplate? Task { get; init; }

    /// <summary>Reassign on breach: routing again, at most <see cref="ReassignMax"/> times per stage entry.</summary>
    public bool Reassign { get; init; }

    public bool ExcludePreviousOwners { get; init; }

    public int ReassignMax { get; init; } = 1;
}

public sealed class SlaRule
{
    public required string Id { get; init; }

    public required Condition Applies { get; init; }

    public required Condition MetWhen { get; init; }

    public required TimeSpan Within { get; init; }

    public ClockKind Clock { get; init; } = ClockKind.Wall;

    public IReadOnlyList<SlaBreachAction> OnBreach { get; init; } = [];
}

public enum RecycleTrigger : byte
{
    /// <summary>Fires on evaluation when <c>when</c> holds.</summary>
    None,
    OpportunityLost,
    AccountChurned,
}

public sealed class RecycleRule
{
    public required string Id { get; init; }

    public RecycleTrigger On { get; init; }

    public required Condition When { get; init; }

    public IReadOnlyList<FieldAssignment> Set { get; init; } = [];

    public required TimeSpan RecheckAfter { get; init; }

    public IReadOnlyList<FieldAssignment> RecheckSet { get; init; } = [];

    public TaskTemplate? RecheckTask { get; init; }

    /// <summary>The recycle reasons this rule names in its <c>when</c> or <c>set</c> (to find the rule for a recheck without <c>recycle_rule</c>).</summary>
    public IReadOnlyList<string> NamedReasons { get; init; } = [];
}

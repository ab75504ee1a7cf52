using TheModel.Sync.Core.Conditions;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Core.Engine;

public enum DecisionOutcome : byte
{
    /// <summary>The owner changed, to a member or a queue.</summary>
    Assigned,

    /// <summary>The owner stays.</summary>
    Kept,
}

public enum ActionType : byte
{
    Set,
    Assign,
    Task,
}

/// <summary>One effect of an evaluation, in the order it happened, naming the rule that caused it.</summary>
public sealed record DecisionAction
{
    public required ActionType Type { get; init; }

    public required string Rule { get; init; }

    /// <summary>For <see cref="ActionType.Set"/>: the canonical field.</summary>
    public string? Field { get; init; }

    /// <summary>For <see cref="ActionType.Set"/>: the value (missing = cleared).</summary>
    public Value Value { get; init; }

    /// <summary>For assign and task: a member id or queue key.</summary>
    public string? Owner { get; init; }

    public string? Subject { get; init; }

    public DateTimeOffset? Due { get; init; }
}

/// <summary>Why a routing rule did or did not decide. Immutable: the engine hands the same trace to many decisions.</summary>
public sealed class RuleTrace
{
    private readonly ConditionFailure _failure;

    // Set once the failure is first described (a benign race: every thread writes the same text).
    private string? _because;

    public RuleTrace(RoutingRule rule, bool applied, string? because)
    {
        Rule = rule;
        Applied = applied;
        _because = because;
    }

    public RuleTrace(RoutingRule rule, ConditionFailure failure)
    {
        Rule = rule;
        _failure = failure;
    }

    public RoutingRule Rule { get; }

    public bool Applied { get; }

    internal ConditionFailure Failure => _failure;

    /// <summary>Formatted on demand so that evaluation does not build strings nobody reads.</summary>
    public string? Because => _because ?? (Applied ? null : _because = _failure.Because());
}

public enum ExclusionReason : byte
{
    Inactive,
    Away,
    AtCapacity,
    OffHours,
    PreviousOwner,
}

public static class ExclusionReasons
{
    private static readonly string[] Names = ["inactive", "away", "at_capacity", "off_hours", "previous_owner"];

    public static string Name(this ExclusionReason r) => Names[(int)r];
}

public readonly record struct Exclusion(Member Member, ExclusionReason Reason, string Rule);

public readonly record struct ScorePart(ScoreRule Rule, bool IsFit, double Points);

public enum SlaState : byte
{
    Met,
    Pending,
    Breached,
    NoClock,
    AlreadyHandled,
}

public readonly record struct SlaTrace(SlaRule Sla, SlaState State, DateTimeOffset? Deadline);

/// <summary>What of the person the shared routing state counts: its account, owner, stage and when the owner was set.</summary>
public readonly record struct Footprint(string? AccountId, Member? Owner, Stage Stage, long OwnerSetTicks)
{
    public bool CountsAsOpen => Owner is not null && Owner.Team.Works.Contains(Stage);
}

/// <summary>How the team rotation moves with this decision (applied atomically by the state store).</summary>
public sealed class RotationUpdate
{
    public required Team Team { get; init; }

    /// <summary>Round robin: the member the rotation chose (the pointer moves to it).</summary>
    public Member? RoundRobinChosen { get; init; }

    /// <summary>The pointer before, for a compare-and-set store.</summary>
    public string? RoundRobinBefore { get; init; }

    /// <summary>Weighted round robin: the candidates' new current values.</summary>
    public IReadOnlyList<(Member Member, long Before, long After)>? Weights { get; init; }
}

/// <summary>The explanation every decision carries (section 13's <c>why</c>).</summary>
public sealed class Explanation
{
    public List<RuleTrace> Rules { get; } = [];

    public List<Exclusion> Excluded { get; } = [];

    public List<ScorePart> Score { get; } = [];

    public List<SlaTrace> Sla { get; } = [];

    public List<string> Notes { get; } = [];

    /// <summary>Why routing ran (null when no trigger held).</summary>
    public string? Trigger { get; set; }

    /// <summary>How the account was found: <c>domain</c>, <c>company_name</c> or <c>account_id</c>.</summary>
    public string? MatchedBy { get; set; }

    public string? MatchDetail { get; set; }
}

/// <summary>The decision for one person at one time: the record of section 13 plus what the state store needs.</summary>
public sealed class Decision
{
    /// <summary>
    /// <see cref="Because"/> of a person kept because a human changed its owner in the CRM; <see cref="Rule"/> names the
    /// rule whose <c>when</c> held and that has no <c>override: manual</c>.
    /// </summary>
    public const string ManualOwner = "manual_owner";

    public required string PersonId { get; init; }

    public required DateTimeOffset At { get; init; }

    public required string ConfigVersion { get; init; }

    public DecisionOutcome Outcome { get; set; } = DecisionOutcome.Kept;

    public OwnerRef Owner { get; set; }

    public OwnerRef OwnerBefore { get; set; }

    public Team? Team => Owner.Member?.Team;

    public string? Rule { get; set; }

    /// <summary>For kept outcomes: <c>owned</c>, <c>manual_owner</c>, <c>no_rule_applied</c> or the reason a rule kept the owner.</summary>
    public string? Because { get; set; }

    public Stage Stage { get; set; }

    public DateTimeOffset? StageEnteredAt { get; set; }

    public DateTimeOffset? OwnerSetAt { get; set; }

    public string? RecycleReason { get; set; }

    public string? RecycleRule { get; set; }

    public DateTimeOffset? RecheckAt { get; set; }

    public Account? Account { get; set; }

    public string? Segment { get; set; }

    public double Score { get; set; }

    public double Fit { get; set; }

    public double Engagement { get; set; }

    public List<DecisionAction> Actions { get; } = [];

    public Explanation Why { get; } = new();

    public Footprint Before { get; set; }

    public Footprint After { get; set; }

    public RotationUpdate? Rotation { get; set; }

    // Made on first use: most decisions breach no SLA, and simulate never reads these.
    private List<string>? _slaReassigns;
    private List<string>? _slaBreachesHandled;

    /// <summary>SLA reassigns this decision made (for the worker's per-stage-entry count).</summary>
    public List<string> SlaReassigns => _slaReassigns ??= [];

    /// <summary>SLA breaches whose <c>on_breach</c> ran in this decision.</summary>
    public List<string> SlaBreachesHandled => _slaBreachesHandled ??= [];
}

/// <summary>What the worker remembers between evaluations of a person; <c>simulate</c> has none.</summary>
public sealed class EvaluationHistory
{
    /// <summary>SLA ids whose <c>on_breach</c> already ran for the current assignment.</summary>
    public IReadOnlySet<string> BreachesHandled { get; init; } = new HashSet<string>();

    /// <summary>Reassigns per SLA id during the current stage entry.</summary>
    public IReadOnlyDictionary<string, int> Reassigns { get; init; } = new Dictionary<string, int>();

    public static EvaluationHistory None { get; } = new();
}

public enum RecycleEventKind : byte
{
    OpportunityLost,
    AccountChurned,
}

/// <summary>An event that recycle rules with <c>on:</c> react to (live worker only).</summary>
public sealed record RecycleEvent(RecycleEventKind Kind, Opportunity? Opportunity = null);

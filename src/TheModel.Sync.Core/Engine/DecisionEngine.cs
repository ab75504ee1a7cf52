using TheModel.Sync.Core.Conditions;
using TheModel.Sync.Core.Matching;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Core.Engine;

/// <summary>
/// Evaluates one person at a time T (section 12): account and score, MQL promotion, recycle entry, recheck, SLAs,
/// routing. A pure function of (person, rule set, accounts, routing state, T, history): it reads the state and
/// returns the decision with the state changes it implies; the caller applies them.
/// </summary>
public sealed class DecisionEngine
{
    public const string MqlRuleId = "mql";

    private readonly RuleSet _rules;
    private readonly AccountMatcher _accounts;
    private readonly OwnerRouter _router;
    private readonly Func<Account, Opportunity?>? _lostOpportunity;

    // The rule set's lists as arrays: walking an IReadOnlyList with foreach boxes its enumerator on every evaluation.
    private readonly Segment[] _segments;
    private readonly ScoreRule[] _fit;
    private readonly ScoreRule[] _engagement;
    private readonly RecycleRule[] _recycle;
    private readonly SlaRule[] _slas;

    // The note an engagement rule leaves when its decay has no start, by rule position: formatted once, not per person.
    private readonly string?[] _zeroPointNotes;

    /// <param name="lostOpportunity">
    /// The account's most recent lost opportunity, which a recheck's <c>set</c> and <c>task</c> see as
    /// <c>opportunity.*</c> (a recheck comes months after the event that recycled the person); null when unknown.
    /// </param>
    public DecisionEngine(RuleSet rules, AccountMatcher accounts, Func<Account, Opportunity?>? lostOpportunity = null)
    {
        _rules = rules;
        _accounts = accounts;
        _router = new OwnerRouter(rules);
        _lostOpportunity = lostOpportunity;
        _segments = [.. rules.Segments];
        _fit = [.. rules.Scoring.Fit];
        _engagement = [.. rules.Scoring.Engagement];
        _recycle = [.. rules.Recycle];
        _slas = [.. rules.Slas];
        _zeroPointNotes = new string?[_engagement.Length];
    }

    public RuleSet Rules => _rules;

    public AccountMatcher Accounts => _accounts;

    /// <summary>The person as the routing state counts it before any evaluation (to seed the state from input).</summary>
    public Footprint FootprintOf(Person person)
    {
        var domain = DomainNames.Derive(person.Website, person.Email, person.Domain);
        var match = _accounts.Match(person, domain);
        var owner = _rules.ResolveOwner(person.Owner);
        return new Footprint(match.Account?.Id, owner.Member, person.Stage ?? Stage.New, person.OwnerSetAt?.UtcTicks ?? long.MinValue);
    }

    // One scope per thread, taken while an evaluation runs (a nested evaluation, should a callback start one, makes
    // its own): no decision keeps its scope, so it need not be allocated per person.
    [ThreadStatic]
    private static EvaluationScope? t_scope;

    public Decision Evaluate(Person person, DateTimeOffset at, IRoutingState state, EvaluationHistory? history = null, RecycleEvent? recycleEvent = null)
    {
        history ??= EvaluationHistory.None;
        var scope = t_scope;
        if (scope is null)
        {
            scope = new EvaluationScope(person, at);
        }
        else
        {
            t_scope = null;
            scope.Reset(person, at);
        }

        var decision = Evaluate(scope, person, at, state, history, recycleEvent);
        t_scope = scope;
        return decision;
    }

    private Decision Evaluate(EvaluationScope scope, Person person, DateTimeOffset at, IRoutingState state, EvaluationHistory history, RecycleEvent? recycleEvent)
    {
        var decision = new Decision { PersonId = person.Id, At = at, ConfigVersion = _rules.Version };

        // Step 1: domain, account, segment, score.
        scope.Domain = DomainNames.Derive(person.Website, person.Email, person.Domain);
        var match = _accounts.Match(person, scope.Domain);
        scope.Account = match.Account;
        scope.AccountOwner = match.Owner;
        decision.Why.MatchedBy = match.By;
        decision.Why.MatchDetail = match.Detail;
        if (match.Account is null && match.Detail is not null)
        {
            decision.Why.Notes.Add(match.Detail);
        }

        scope.Owner = _rules.ResolveOwner(person.Owner);
        decision.OwnerBefore = scope.Owner;
        decision.Before = new Footprint(match.Account?.Id, scope.Owner.Member, scope.Stage, person.OwnerSetAt?.UtcTicks ?? long.MinValue);
        if (recycleEvent?.Opportunity is { } opportunity)
        {
            scope.Opportunity = opportunity;
        }

        ComputeSegment(scope);
        ComputeScore(scope, decision);

        // Step 2: MQL promotion.
        if (scope.Stage == Stage.New && _rules.Scoring.Mql is { } mql && mql.Holds(scope))
        {
            SetStage(scope, decision, Stage.Mql, MqlRuleId);
        }

        // Step 3 and 4: recycle entry, then recheck.
        RecycleEntry(scope, decision, recycleEvent);
        Recheck(scope, decision);

        // Step 5: SLAs.
        var reassign = CheckSlas(scope, decision, history);

        // Step 6: routing.
        _router.Route(scope, decision, state, reassign);

        decision.Stage = scope.Stage;
        decision.StageEnteredAt = scope.StageEnteredAt;
        decision.RecycleReason = scope.RecycleReason;
        decision.RecycleRule = scope.RecycleRule;
        decision.RecheckAt = scope.RecheckAt;
        decision.OwnerSetAt = scope.OwnerSetAt;
        decision.Owner = scope.Owner;
        decision.Account = scope.Account;
        decision.Segment = scope.Segment;
        decision.After = new Footprint(match.Account?.Id, scope.Owner.Member, scope.Stage, scope.OwnerSetAt?.UtcTicks ?? long.MinValue);
        return decision;
    }

    private void ComputeSegment(EvaluationScope scope)
    {
        foreach (var segment in _segments)
        {
            if (segment.When.Holds(scope))
            {
                scope.Segment = segment.Id;
                return;
            }
        }
    }

    private void ComputeScore(EvaluationScope scope, Decision decision)
    {
        double fit = 0;
        foreach (var rule in _fit)
        {
            if (rule.When.Holds(scope))
            {
                fit += rule.Points;
                decision.Why.Score.Add(new ScorePart(rule, true, rule.Points));
            }
        }

        double engagement = 0;
        for (var i = 0; i < _engagement.Length; i++)
        {
            var rule = _engagement[i];
            if (!rule.When.Holds(scope))
            {
                continue;
            }

            var points = rule.Points;
            if (rule.Decay is { } decay)
            {
                var from = scope.Get(decay.From);
                if (from.TryTicks(out var ticks))
                {
                    var age = Math.Max(0, scope.AtTicks - ticks);
                    points *= Math.Pow(0.5, (double)age / decay.HalfLife.Ticks);
                }
                else
                {
                    points = 0;
                    decision.Why.Notes.Add(_zeroPointNotes[i] ??= $"engagement rule {rule.Id} counts zero points: {decay.From.Path} is missing");
                }
            }

            engagement += points;
            decision.Why.Score.Add(new ScorePart(rule, false, points));
        }

        scope.Fit = fit;
        scope.Engagement = engagement;
        var score = Math.Round(fit + engagement, MidpointRounding.AwayFromZero);

        // A small negative sum rounds to -0, which would print as "-0": the score is the integer 0.
        scope.Score = score == 0 ? 0 : score;
        scope.Scored = true;
        decision.Fit = fit;
        decision.Engagement = engagement;
        decision.Score = scope.Score;
    }

    internal static void SetStage(EvaluationScope scope, Decision decision, Stage stage, string rule)
    {
        if (scope.Stage != stage)
        {
            scope.Stage = stage;
            scope.StageEnteredAt = scope.At;
        }

        decision.Actions.Add(new DecisionAction { Type = ActionType.Set, Rule = rule, Field = "stage", Value = Value.Of(stage.Name()) });
    }

    /// <summary>Applies a <c>set:</c> (section 14: stage, recycle_reason, recheck_at, fields.NAME).</summary>
    internal static void ApplySet(EvaluationScope scope, Decision decision, IReadOnlyList<FieldAssignment> set, string rule)
    {
        for (var i = 0; i < set.Count; i++)
        {
            var a = set[i];
            var field = a.Field;
            switch (field.Id)
            {
                case FieldId.Stage:
                    Stages.TryParse(a.Value.AsString, out var stage);
                    SetStage(scope, decision, stage, rule);
                    continue;
                case FieldId.RecycleReason:
                    scope.RecycleReason = a.Value.Kind == ValueKind.String ? a.Value.AsString : null;
                    decision.Actions.Add(new DecisionAction { Type = ActionType.Set, Rule = rule, Field = "recycle_reason", Value = a.Value });
                    continue;
                case FieldId.RecheckAt:
                    var when = a.RelativeToNow is { } d ? Timestamps.Plus(scope.At, d) : a.Value.Kind == ValueKind.Time ? a.Value.AsTime : (DateTimeOffset?)null;
                    scope.RecheckAt = when;
                    decision.Actions.Add(new DecisionAction { Type = ActionType.Set, Rule = rule, Field = "recheck_at", Value = Value.Of(when) });
                    continue;
                default:
                    scope.SetCustomField(field.CustomName!, a.Value);
                    decision.Actions.Add(new DecisionAction { Type = ActionType.Set, Rule = rule, Field = "fields." + field.CustomName, Value = a.Value });
                    continue;
            }
        }
    }

    private void RecycleEntry(EvaluationScope scope, Decision decision, RecycleEvent? recycleEvent)
    {
        // A rule has fired for the current stage entry when recheck_at is set and later than stage_entered_at.
        var fired = scope.RecheckAt is { } recheck && (scope.StageEnteredAt is not { } entered || recheck > entered);
        foreach (var rule in _recycle)
        {
            if (rule.On == RecycleTrigger.None)
            {
                if (fired)
                {
                    continue;
                }
            }
            else if (recycleEvent is null || !Matches(rule.On, recycleEvent.Kind))
            {
                continue;
            }

            if (!rule.When.Holds(scope))
            {
                continue;
            }

            ApplySet(scope, decision, rule.Set, rule.Id);
            var from = scope.StageEnteredAt ?? scope.At;
            scope.RecheckAt = Timestamps.Plus(from, rule.RecheckAfter);
            scope.RecycleRule = rule.Id;
            scope.RecycleTrigger = $"recycle rule {rule.Id} fired";
            decision.Actions.Add(new DecisionAction { Type = ActionType.Set, Rule = rule.Id, Field = "recheck_at", Value = Value.Of(scope.RecheckAt) });
            decision.Actions.Add(new DecisionAction { Type = ActionType.Set, Rule = rule.Id, Field = "recycle_rule", Value = Value.Of(rule.Id) });
            return;
        }
    }

    private static bool Matches(RecycleTrigger on, RecycleEventKind kind) =>
        (on == RecycleTrigger.OpportunityLost && kind == RecycleEventKind.OpportunityLost) ||
        (on == RecycleTrigger.AccountChurned && kind == RecycleEventKind.AccountChurned);

    private void Recheck(EvaluationScope scope, Decision decision)
    {
        if (scope.Stage != Stage.Nurture || scope.RecheckAt is not { } recheck || recheck > scope.At)
        {
            return;
        }

        var rule = FindRecheckRule(scope);
        var ruleId = rule?.Id ?? "recheck";
        if (scope.Opportunity is null && scope.Account is { } account && _lostOpportunity is not null)
        {
            scope.Opportunity = _lostOpportunity(account);
        }

        if (rule is null)
        {
            decision.Why.Notes.Add(scope.RecycleRule is { } named
                ? $"recheck: recycle rule '{named}' is not in this config; nothing applied"
                : $"recheck: no recycle rule names reason '{scope.RecycleReason}'; nothing applied");
        }
        else
        {
            ApplySet(scope, decision, rule.RecheckSet, rule.Id);
            scope.RecycleTrigger = $"the recheck of recycle rule {rule.Id} ran";
            if (rule.RecheckTask is { } task)
            {
                AddTask(scope, decision, task, rule.Id, _rules);
            }
        }

        scope.RecheckAt = null;
        decision.Actions.Add(new DecisionAction { Type = ActionType.Set, Rule = ruleId, Field = "recheck_at", Value = Value.Missing });
    }

    private RecycleRule? FindRecheckRule(EvaluationScope scope)
    {
        if (!string.IsNullOrEmpty(scope.RecycleRule))
        {
            return _rules.Recycle.FirstOrDefault(r => r.Id == scope.RecycleRule);
        }

        if (scope.RecycleReason is { } reason)
        {
            return _rules.Recycle.FirstOrDefault(r =>
                r.On == RecycleTrigger.None && r.NamedReasons.Contains(reason, StringComparer.OrdinalIgnoreCase));
        }

        return null;
    }

    /// <summary>Step 5. Returns the reassign request of the first breached SLA that may still reassign, or null.</summary>
    private SlaBreachAction? CheckSlas(EvaluationScope scope, Decision decision, EvaluationHistory history)
    {
        SlaBreachAction? reassign = null;
        foreach (var sla in _slas)
        {
            if (!sla.Applies.Holds(scope) || scope.Owner.Kind != OwnerKind.Member)
            {
                continue;
            }

            if (sla.MetWhen.Holds(scope))
            {
                decision.Why.Sla.Add(new SlaTrace(sla, SlaState.Met, null));
                continue;
            }

            DateTimeOffset? start = (scope.OwnerSetAt, scope.StageEnteredAt) switch
            {
                ({ } o, { } s) => o > s ? o : s,
                ({ } o, null) => o,
                (null, { } s) => s,
                _ => null,
            };
            if (start is null)
            {
                decision.Why.Sla.Add(new SlaTrace(sla, SlaState.NoClock, null));
                continue;
            }

            var owner = scope.Owner.Member!;
            DateTimeOffset? deadline = sla.Clock == ClockKind.Wall
                ? Timestamps.Plus(start.Value, sla.Within)
                : owner.Calendar?.AddWorkingTime(start.Value, sla.Within);
            if (deadline is null || scope.At <= deadline.Value)
            {
                decision.Why.Sla.Add(new SlaTrace(sla, SlaState.Pending, deadline));
                continue;
            }

            if (history.BreachesHandled.Contains(sla.Id))
            {
                decision.Why.Sla.Add(new SlaTrace(sla, SlaState.AlreadyHandled, deadline));
                continue;
            }

            decision.Why.Sla.Add(new SlaTrace(sla, SlaState.Breached, deadline));
            decision.SlaBreachesHandled.Add(sla.Id);
            foreach (var action in sla.OnBreach)
            {
                if (action.Task is { } task)
                {
                    AddTask(scope, decision, task, sla.Id, _rules);
                }
                else if (action.Reassign)
                {
                    var done = history.Reassigns.GetValueOrDefault(sla.Id);
                    if (done >= action.ReassignMax)
                    {
                        decision.Why.Notes.Add($"SLA {sla.Id}: reassign skipped, already reassigned {done} of at most {action.ReassignMax} times in this stage");
                    }
                    else if (reassign is null)
                    {
                        reassign = action;
                        decision.SlaReassigns.Add(sla.Id);
                        decision.Why.Trigger ??= $"SLA {sla.Id} was breached at {Timestamps.Format(deadline.Value)} and asks for a reassign";
                    }
                }
            }
        }

        return reassign;
    }

    internal static void AddTask(EvaluationScope scope, Decision decision, TaskTemplate task, string rule, RuleSet rules)
    {
        var owner = task.Owner switch
        {
            TaskOwnerKind.Owner or TaskOwnerKind.CurrentOwner => scope.Owner.Member,
            TaskOwnerKind.PreviousOwner => OwnerRouter.PreviousOwner(scope, rules),
            TaskOwnerKind.AccountOwner => scope.AccountOwner.Member,
            _ => task.Member,
        };
        var subject = TemplateRenderer.Render(task.Subject, scope);
        if (owner is null)
        {
            decision.Why.Notes.Add($"task \"{subject}\" of {rule} not created: its owner ({OwnerName(task)}) resolves to no member");
            return;
        }

        decision.Actions.Add(new DecisionAction
        {
            Type = ActionType.Task,
            Rule = rule,
            Owner = owner.Id,
            Subject = subject,
            Due = task.Due is { } due ? Timestamps.Plus(scope.At, due) : null,
        });
    }

    private static string OwnerName(TaskTemplate task) => task.Owner switch
    {
        TaskOwnerKind.Owner => "owner",
        TaskOwnerKind.CurrentOwner => "current_owner",
        TaskOwnerKind.PreviousOwner => "previous_owner",
        TaskOwnerKind.AccountOwner => "account_owner",
        _ => task.Member?.Id ?? "?",
    };
}

using System.Globalization;
using System.Runtime.CompilerServices;
using TheModel.Sync.Core.Conditions;
using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Core.Engine;

/// <summary>Step 6 of section 12: whether routing runs, which rule decides, and who gets the person (section 8 and 14).</summary>
internal sealed class OwnerRouter
{
    private const string ServiceWriter = Records.Person.ServiceWriter;

    private readonly RuleSet _rules;

    // An array: walking the IReadOnlyList with foreach would box its enumerator on every routing.
    private readonly RoutingRule[] _routing;

    [ThreadStatic]
    private static List<Member>? t_eligible;

    [ThreadStatic]
    private static List<Member>? t_candidates;

    [ThreadStatic]
    private static List<Member>? t_tied;

    // Per routing rule, the traces of its failed `when`s by (failing node, value seen): a decision shares the trace of
    // an earlier one that failed the same way, so neither the trace nor its text is made again. Direct-mapped and
    // lock-free like Condition's text cache; tables are made for the rules that fail.
    private const int FailureTraceSlots = 256;
    private readonly RuleTrace?[]?[] _failureTraces;
    private readonly RuleTrace?[] _manualTraces;

    public OwnerRouter(RuleSet rules)
    {
        _rules = rules;
        _routing = [.. rules.Routing];
        _failureTraces = new RuleTrace?[]?[_routing.Length];
        _manualTraces = new RuleTrace?[_routing.Length];
    }

    public void Route(EvaluationScope scope, Decision decision, IRoutingState state, SlaBreachAction? reassign)
    {
        var trigger = reassign is not null ? decision.Why.Trigger : Trigger(scope);
        if (trigger is null)
        {
            decision.Outcome = DecisionOutcome.Kept;
            decision.Because = "owned";
            return;
        }

        decision.Why.Trigger = trigger;
        var traces = decision.Why.Rules;
        if (traces.Capacity < _routing.Length)
        {
            // Room for a trace per rule at once, instead of growing the list twice on the way down the rules.
            traces.Capacity = _routing.Length;
        }

        var manual = IsManualOwner(scope);
        foreach (var rule in _routing)
        {
            var failure = default(ConditionFailure);
            if (!rule.When.Holds(scope, ref failure))
            {
                decision.Why.Rules.Add(FailureTrace(rule, failure));
                continue;
            }

            if (manual && !rule.OverrideManual)
            {
                // A trigger held and this rule stopped the routing: the decision names it (section 13: the rule is
                // null only when no trigger held), as a no-churn keep names the rule that kept the owner.
                decision.Why.Rules.Add(ManualTrace(rule));
                decision.Outcome = DecisionOutcome.Kept;
                decision.Because = Decision.ManualOwner;
                decision.Rule = rule.Id;
                return;
            }

            var excludePrevious = rule.Assign.ExcludePreviousOwners || (reassign?.ExcludePreviousOwners ?? false);
            var result = Resolve(rule, scope, decision, state, excludePrevious);
            if (!result.Applies)
            {
                decision.Why.Rules.Add(new RuleTrace(rule, false, result.Because));
                continue;
            }

            decision.Why.Rules.Add(new RuleTrace(rule, true, result.Because));
            DecisionEngine.ApplySet(scope, decision, rule.Set, rule.Id);
            decision.Rule = rule.Id;
            if (result.Target == scope.Owner)
            {
                decision.Outcome = DecisionOutcome.Kept;
                decision.Because = result.Because;
                return;
            }

            decision.Outcome = DecisionOutcome.Assigned;
            decision.Rotation = result.Rotation;
            decision.Actions.Add(new DecisionAction { Type = ActionType.Assign, Rule = rule.Id, Owner = result.Target.Name });
            scope.Owner = result.Target;
            scope.OwnerSetAt = scope.At;
            return;
        }

        decision.Outcome = DecisionOutcome.Kept;
        decision.Because = "no_rule_applied";
    }

    private const string ManualOwnerText =
        "the owner was changed by hand after this service's last write and the stage has not changed since; the rule has no override: manual";

    /// <summary>The rule's position in this rule set, or -1 for a rule of another (then nothing is shared).</summary>
    private int RuleSlot(RoutingRule rule) =>
        rule.Index >= 0 && rule.Index < _routing.Length && ReferenceEquals(_routing[rule.Index], rule) ? rule.Index : -1;

    private RuleTrace ManualTrace(RoutingRule rule)
    {
        var slot = RuleSlot(rule);
        return slot < 0 ? new RuleTrace(rule, false, ManualOwnerText) : _manualTraces[slot] ??= new RuleTrace(rule, false, ManualOwnerText);
    }

    private RuleTrace FailureTrace(RoutingRule rule, in ConditionFailure failure)
    {
        var index = RuleSlot(rule);
        if (index < 0)
        {
            return new RuleTrace(rule, failure);
        }

        var table = Volatile.Read(ref _failureTraces[index]);
        if (table is null)
        {
            table = new RuleTrace?[FailureTraceSlots];
            table = Interlocked.CompareExchange(ref _failureTraces[index], table, null) ?? table;
        }

        var hash = failure.Actual.GetHashCode() ^ (failure.Node is null ? 0 : RuntimeHelpers.GetHashCode(failure.Node));
        ref var slot = ref table[hash & (FailureTraceSlots - 1)];
        var cached = Volatile.Read(ref slot);
        if (cached is not null)
        {
            var seen = cached.Failure;
            if (ReferenceEquals(seen.Node, failure.Node) && ReferenceEquals(seen.FirstAlternative, failure.FirstAlternative) &&
                seen.Actual.Equals(failure.Actual))
            {
                return cached;
            }
        }

        var trace = new RuleTrace(rule, failure);
        Volatile.Write(ref slot, trace);
        return trace;
    }

    private static string? Trigger(EvaluationScope scope)
    {
        var owner = scope.Owner;
        switch (owner.Kind)
        {
            case OwnerKind.None:
                return "the person has no owner";
            case OwnerKind.Queue:
                return $"the owner is queue {owner.Queue!.Key}";
            case OwnerKind.External:
                return "the owner is not a member or queue of this config (external)";
        }

        if (!owner.Member!.Active)
        {
            return $"the owner {owner.Member.Id} is not an active member";
        }

        if (scope.StageEnteredAt is { } entered && scope.OwnerSetAt is { } set && entered > set)
        {
            return "the stage was entered after the owner was set";
        }

        // Section 8: a recycle rule asks for routing when it fires (entry or recheck), even without a stage change
        // the other triggers would see (owner_set_at missing, or a rule that only sets fields).
        return scope.RecycleTrigger;
    }

    /// <summary>A human changed the owner after this service's last write, and the stage has not changed since.</summary>
    private static bool IsManualOwner(EvaluationScope scope)
    {
        var by = scope.Person.OwnerSetBy;
        if (string.IsNullOrWhiteSpace(by) || string.Equals(by, ServiceWriter, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return !(scope.StageEnteredAt is { } entered && scope.OwnerSetAt is { } set && entered > set);
    }

    internal static Member? PreviousOwner(EvaluationScope scope, RuleSet rules)
    {
        if (scope.Owner.Member is { } current)
        {
            return current;
        }

        var previous = PreviousMembers(scope, rules);
        return previous.Count > 0 ? previous[^1] : null;
    }

    private static List<Member> PreviousMembers(EvaluationScope scope, RuleSet rules)
    {
        if (scope.PreviousMembers is { } cached)
        {
            return cached;
        }

        var list = new List<Member>();
        if (scope.Person.PreviousOwners is { } ids)
        {
            foreach (var id in ids)
            {
                if (rules.ResolveOwner(id).Member is { } m)
                {
                    list.Add(m);
                }
            }
        }

        scope.PreviousMembers = list;
        return list;
    }

    private bool IsPreviousOwner(EvaluationScope scope, Member m) =>
        scope.Owner.Member == m || (scope.Person.PreviousOwners is { Count: > 0 } && PreviousMembers(scope, _rules).Contains(m));

    private readonly record struct Resolution(bool Applies, OwnerRef Target, string Because, RotationUpdate? Rotation)
    {
        public static Resolution No(string because) => new(false, default, because, null);
    }

    private Resolution Resolve(RoutingRule rule, EvaluationScope scope, Decision decision, IRoutingState state, bool excludePrevious)
    {
        var assign = rule.Assign;
        Member? named;
        string what;
        switch (assign.Kind)
        {
            case TargetKind.Queue:
                return new Resolution(true, OwnerRef.ForQueue(assign.Queue!),
                    scope.Owner.Queue == assign.Queue ? $"the person is already in queue {assign.Queue!.Key}" : $"to queue {assign.Queue!.Key}", null);
            case TargetKind.Team:
                return ResolveTeam(rule, scope, decision, state, excludePrevious);
            case TargetKind.AccountOwner:
                what = "account owner";
                if (scope.Account is null)
                {
                    return Resolution.No("no account matched, so there is no account owner");
                }

                if (scope.AccountOwner.Kind != OwnerKind.Member)
                {
                    return Resolution.No(scope.AccountOwner.Kind == OwnerKind.None
                        ? $"account {scope.Account.Id} has no owner"
                        : $"the owner of account {scope.Account.Id} is {scope.AccountOwner.Name}, not a member");
                }

                named = scope.AccountOwner.Member;
                break;
            case TargetKind.PreviousOwner:
                what = "previous owner";
                named = PreviousOwner(scope, _rules);
                if (named is null)
                {
                    return Resolution.No("neither the owner nor any of previous_owners is a member");
                }

                break;
            case TargetKind.CurrentOwner:
                what = "current owner";
                named = scope.Owner.Member;
                if (named is null)
                {
                    return Resolution.No($"the current owner ({scope.Owner}) is not a member");
                }

                break;
            default:
                what = "member";
                named = assign.Member!;
                break;
        }

        ExclusionReason? reason = !named!.Active ? ExclusionReason.Inactive
            : named.IsAwayAt(scope.At) ? ExclusionReason.Away
            : excludePrevious && IsPreviousOwner(scope, named) ? ExclusionReason.PreviousOwner
            : null;
        if (reason is { } r)
        {
            decision.Why.Excluded.Add(new Exclusion(named, r, rule.Id));
            return Resolution.No($"{what} {named.Id} is excluded: {r.Name()}");
        }

        return new Resolution(true, OwnerRef.ForMember(named),
            scope.Owner.Member == named ? $"{what} {named.Id} is already the owner" : $"to {what} {named.Id}", null);
    }

    private static int OpenExcludingSelf(Member m, IRoutingState state, Decision decision) =>
        state.OpenCount(m) - (decision.Before.Owner == m && decision.Before.CountsAsOpen ? 1 : 0);

    private Resolution ResolveTeam(RoutingRule rule, EvaluationScope scope, Decision decision, IRoutingState state, bool excludePrevious)
    {
        var assign = rule.Assign;
        var team = assign.Team!;
        var eligible = t_eligible ??= [];
        var candidates = t_candidates ??= [];
        eligible.Clear();
        candidates.Clear();
        var strict = assign.Hours == HoursMode.Strict;
        var anyInHours = false;
        var members = team.Members;
        for (var i = 0; i < members.Count; i++)
        {
            var m = members[i];
            ExclusionReason? reason = null;
            var inHours = true;
            if (!m.Active)
            {
                reason = ExclusionReason.Inactive;
            }
            else if (m.IsAwayAt(scope.At))
            {
                reason = ExclusionReason.Away;
            }
            else if (excludePrevious && IsPreviousOwner(scope, m))
            {
                reason = ExclusionReason.PreviousOwner;
            }
            else if (m.MaxOpen is { } max && OpenExcludingSelf(m, state, decision) >= max)
            {
                reason = ExclusionReason.AtCapacity;
            }
            else
            {
                inHours = m.Calendar?.IsWorkingAt(scope.At) ?? true;
                if (strict && !inHours)
                {
                    reason = ExclusionReason.OffHours;
                }
            }

            if (reason is { } r)
            {
                decision.Why.Excluded.Add(new Exclusion(m, r, rule.Id));
                continue;
            }

            eligible.Add(m);
            if (inHours)
            {
                candidates.Add(m);
                anyInHours = true;
            }
        }

        if (eligible.Count == 0)
        {
            return Resolution.No($"no eligible member in team {team.Id}");
        }

        if (scope.Owner.Member is { } current && eligible.Contains(current))
        {
            return new Resolution(true, scope.Owner, $"the current owner {current.Id} is an eligible member of team {team.Id}", null);
        }

        if (!anyInHours)
        {
            candidates.AddRange(eligible);
        }
        else if (candidates.Count < eligible.Count)
        {
            foreach (var m in eligible)
            {
                if (!candidates.Contains(m))
                {
                    decision.Why.Excluded.Add(new Exclusion(m, ExclusionReason.OffHours, rule.Id));
                }
            }
        }

        var strategy = assign.Strategy;
        if (strategy == RoutingStrategy.Sticky)
        {
            var sticky = StickyMember(scope, team, state, decision);
            if (sticky is { Member: var m, Count: var count } && candidates.Contains(m))
            {
                return new Resolution(true, OwnerRef.ForMember(m),
                    string.Create(CultureInfo.InvariantCulture, $"sticky: {m.Id} owns {count} other person(s) at account {scope.Account!.Id}"), null);
            }

            strategy = assign.Then;
        }

        return Choose(strategy, team, candidates, state, decision);
    }

    private static (Member Member, int Count)? StickyMember(EvaluationScope scope, Team team, IRoutingState state, Decision decision)
    {
        if (scope.Account is null)
        {
            return null;
        }

        Member? best = null;
        var bestCount = 0;
        var bestLatest = long.MinValue;
        var members = team.Members;
        for (var i = 0; i < members.Count; i++)
        {
            var m = members[i];
            var (count, latest) = state.Ownership(scope.Account.Id, m, decision.Before);
            if (count > bestCount || (count == bestCount && count > 0 && latest > bestLatest))
            {
                best = m;
                bestCount = count;
                bestLatest = latest;
            }
        }

        return best is null ? null : (best, bestCount);
    }

    private static Resolution Choose(RoutingStrategy strategy, Team team, List<Member> candidates, IRoutingState state, Decision decision)
    {
        switch (strategy)
        {
            case RoutingStrategy.WeightedRoundRobin:
                return Weighted(team, candidates, state);
            case RoutingStrategy.LeastLoaded:
                return LeastLoaded(team, candidates, state, decision);
            default:
                return RoundRobin(team, candidates, state, "round_robin");
        }
    }

    private static Resolution RoundRobin(Team team, List<Member> candidates, IRoutingState state, string label)
    {
        var last = state.LastChosen(team);
        var start = 0;
        if (last is not null)
        {
            for (var i = 0; i < team.Members.Count; i++)
            {
                if (team.Members[i].Id == last)
                {
                    start = i + 1;
                    break;
                }
            }
        }

        var n = team.Members.Count;
        for (var i = 0; i < n; i++)
        {
            var m = team.Members[(start + i) % n];
            if (candidates.Contains(m))
            {
                var because = last is null ? $"{label}: {m.Id} is first" : $"{label}: {m.Id} is next after {last}";
                return new Resolution(true, OwnerRef.ForMember(m), because,
                    new RotationUpdate { Team = team, RoundRobinChosen = m, RoundRobinBefore = last });
            }
        }

        return Resolution.No($"no candidate in team {team.Id}");
    }

    private static Resolution Weighted(Team team, List<Member> candidates, IRoutingState state)
    {
        long total = 0;
        foreach (var m in candidates)
        {
            total += m.Weight;
        }

        var updates = new (Member Member, long Before, long After)[candidates.Count];
        var bestIndex = -1;
        long bestValue = long.MinValue;
        for (var i = 0; i < candidates.Count; i++)
        {
            var m = candidates[i];
            var before = state.CurrentWeight(m);
            var grown = before + m.Weight;
            updates[i] = (m, before, grown);
            if (grown > bestValue)
            {
                bestValue = grown;
                bestIndex = i;
            }
        }

        var chosen = updates[bestIndex];
        updates[bestIndex] = (chosen.Member, chosen.Before, chosen.After - total);
        return new Resolution(true, OwnerRef.ForMember(chosen.Member),
            string.Create(CultureInfo.InvariantCulture, $"weighted_round_robin: {chosen.Member.Id} had the largest current value ({bestValue}, weight {chosen.Member.Weight} of {total})"),
            new RotationUpdate { Team = team, Weights = updates });
    }

    private static Resolution LeastLoaded(Team team, List<Member> candidates, IRoutingState state, Decision decision)
    {
        var tied = t_tied ??= [];
        tied.Clear();
        long bestOpen = 0;
        long bestMax = 1;
        foreach (var m in candidates)
        {
            long open = OpenExcludingSelf(m, state, decision);
            long max = Math.Max(1, m.MaxOpen ?? 1);
            if (tied.Count == 0)
            {
                tied.Add(m);
                bestOpen = open;
                bestMax = max;
                continue;
            }

            // open/max compared by cross-multiplication: exact, no floating-point ties.
            var cmp = (open * bestMax).CompareTo(bestOpen * max);
            if (cmp < 0)
            {
                tied.Clear();
                tied.Add(m);
                bestOpen = open;
                bestMax = max;
            }
            else if (cmp == 0)
            {
                tied.Add(m);
            }
        }

        if (tied.Count == 1)
        {
            return new Resolution(true, OwnerRef.ForMember(tied[0]),
                string.Create(CultureInfo.InvariantCulture, $"least_loaded: {tied[0].Id} has the lowest load ({bestOpen}/{bestMax})"), null);
        }

        var tie = RoundRobin(team, tied, state, "least_loaded tie broken by round_robin");
        return tie;
    }
}

using TheModel.Sync.Config.Yaml;
using TheModel.Sync.Core.Conditions;
using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Config.Compilation;

/// <summary><c>routing:</c> (section 8): rules with a condition, an assign target, an optional set and override.</summary>
internal static class RoutingCompiler
{
    // Keys written one level off (section 14: hours, exclude and then belong inside assign; override sits on the rule).
    private static readonly Dictionary<string, string> InsideAssign = new(StringComparer.Ordinal)
    {
        ["to"] = "belongs inside `assign:`, e.g. `assign: { to: account_owner }`",
        ["queue"] = "belongs inside `assign:`, e.g. `assign: { to: queue, queue: unassigned }`",
        ["team"] = "belongs inside `assign:`, e.g. `assign: { team: sr, strategy: round_robin }`",
        ["strategy"] = "belongs inside `assign:`, e.g. `assign: { team: sr, strategy: round_robin }`",
        ["then"] = "belongs inside `assign:`, e.g. `assign: { team: ebr, strategy: sticky, then: round_robin }`",
        ["hours"] = "belongs inside `assign:`, e.g. `assign: { team: sr, strategy: round_robin, hours: strict }`",
        ["exclude"] = "belongs inside `assign:`, e.g. `assign: { team: sr, strategy: round_robin, exclude: [previous_owners] }`",
    };

    private static readonly Dictionary<string, string> BesideWhen = new(StringComparer.Ordinal)
    {
        ["override"] = "belongs on the rule beside `when:`, e.g. `- { id: vip, when: {}, override: manual, assign: { ... } }`",
        ["set"] = "belongs on the rule beside `when:`, e.g. `- { id: c, when: {}, set: { stage: disqualified }, assign: { ... } }`",
        ["when"] = "belongs on the rule, beside `assign:`",
    };

    private static readonly string[] TargetWords = ["account_owner", "previous_owner", "current_owner", "queue"];
    private static readonly string[] HoursModes = ["prefer", "strict"];
    private static readonly string[] Overrides = ["manual"];

    public static List<RoutingRule> Compile(CompileContext context, YamlNode section)
    {
        var rules = new List<RoutingRule>();
        if (context.Sequence(section) is not { } items)
        {
            return rules;
        }

        for (var index = 0; index < items.Items.Count; index++)
        {
            if (context.Mapping(items.Items[index]) is not { } mapping)
            {
                continue;
            }

            context.CheckKeys(mapping, KnownKeys.RoutingRule, "routing rule", InsideAssign);
            var idNode = CompileContext.Get(mapping, "id");
            var id = idNode is null ? null : context.Id(idNode);
            var label = id is null ? "routing rule" : $"routing rule '{id}'";
            var ok = context.Require(mapping, label, "id", "when", "assign");

            Condition? when = null;
            if (CompileContext.Get(mapping, "when") is { } whenNode)
            {
                when = ConditionCompiler.Compile(context, whenNode, ConditionRules.Default);
            }

            var set = new List<FieldAssignment>();
            if (CompileContext.Get(mapping, "set") is { } setNode)
            {
                set = SetCompiler.Compile(context, setNode, label);
            }

            Assignment? assign = null;
            if (CompileContext.Get(mapping, "assign") is { } assignNode)
            {
                assign = CompileAssign(context, assignNode, label);
            }

            var overrideManual = false;
            if (CompileContext.Get(mapping, "override") is { } overrideNode)
            {
                overrideManual = context.Choice(overrideNode, "override", Overrides) == 0;
            }

            RoutingRule? rule = null;
            if (ok && id is not null && when is not null && assign is not null)
            {
                rule = new RoutingRule { Id = id, Index = index, When = when, Assign = assign, Set = set, OverrideManual = overrideManual };
                rules.Add(rule);
            }

            if (id is not null && idNode is not null)
            {
                context.RoutingRules.Declare(context, idNode, id, rule);
            }
        }

        return rules;
    }

    private static Assignment? CompileAssign(CompileContext context, YamlNode node, string label)
    {
        if (context.Mapping(node) is not { } mapping)
        {
            return null;
        }

        context.CheckKeys(mapping, KnownKeys.Assign, "assign", BesideWhen);
        var to = CompileContext.Get(mapping, "to");
        var teamNode = CompileContext.Get(mapping, "team");
        var ok = true;

        if (to is not null && teamNode is not null)
        {
            context.Error(CompileContext.KeyNode(mapping, "team")!, ErrorCodes.BadAssign, "assign names both 'to' and 'team'; give one of them");
            return null;
        }

        if (to is null && teamNode is null)
        {
            if (!context.IsMisspelled(mapping, "to") && !context.IsMisspelled(mapping, "team"))
            {
                context.Error(mapping, ErrorCodes.MissingKey, $"the assign of {label} is missing 'to' or 'team'");
            }

            return null;
        }

        if (teamNode is null)
        {
            foreach (var key in new[] { "strategy", "then", "hours" })
            {
                if (CompileContext.KeyNode(mapping, key) is { } keyNode)
                {
                    context.Error(keyNode, ErrorCodes.BadAssign, $"'{key}' applies to team targets only; it needs 'team'");
                    ok = false;
                }
            }
        }

        var excludePrevious = false;
        if (CompileContext.Get(mapping, "exclude") is { } excludeNode)
        {
            var exclude = Exclude(context, excludeNode);
            excludePrevious = exclude ?? false;
            ok &= exclude is not null;
        }

        var queueNode = CompileContext.Get(mapping, "queue");
        if (to is not null)
        {
            var target = Targets.Read(context, to, "target", TargetWords, queueMessage: key =>
                $"to: '{key}' is a queue; write to: queue, queue: {key}");
            if (!target.Ok)
            {
                return null;
            }

            var isQueue = target.Keyword == 3;
            if (!isQueue && queueNode is not null)
            {
                context.Error(CompileContext.KeyNode(mapping, "queue")!, ErrorCodes.BadAssign, "'queue' is only for to: queue");
                return null;
            }

            if (isQueue)
            {
                if (queueNode is null)
                {
                    context.Error(to, ErrorCodes.BadAssign, "to: queue needs 'queue:' naming the queue");
                    return null;
                }

                return context.Resolve(context.Queues, queueNode, ErrorCodes.UnknownQueue, out var queue) && queue is not null && ok
                    ? new Assignment { Kind = TargetKind.Queue, Queue = queue, ExcludePreviousOwners = excludePrevious }
                    : null;
            }

            var kind = target.Keyword switch
            {
                0 => TargetKind.AccountOwner,
                1 => TargetKind.PreviousOwner,
                2 => TargetKind.CurrentOwner,
                _ => TargetKind.Member,
            };
            return ok ? new Assignment { Kind = kind, Member = target.Member, ExcludePreviousOwners = excludePrevious } : null;
        }

        if (queueNode is not null)
        {
            context.Error(CompileContext.KeyNode(mapping, "queue")!, ErrorCodes.BadAssign, "'queue' is only for to: queue");
            ok = false;
        }

        var strategy = RoutingStrategy.RoundRobin;
        var strategyKnown = true;
        var strategyNode = CompileContext.Get(mapping, "strategy");
        if (strategyNode is not null)
        {
            var index = context.Choice(strategyNode, "strategy", RoutingStrategies.Names);
            strategyKnown = index >= 0;
            ok &= strategyKnown;
            strategy = strategyKnown ? (RoutingStrategy)index : strategy;
        }

        var then = RoutingStrategy.RoundRobin;
        var thenNode = CompileContext.Get(mapping, "then");
        if (thenNode is not null)
        {
            if (strategy != RoutingStrategy.Sticky)
            {
                // With an unreadable strategy there is no telling whether 'then' belongs; its own error says enough.
                if (strategyKnown)
                {
                    context.Error(CompileContext.KeyNode(mapping, "then")!, ErrorCodes.BadAssign, "'then' is only for strategy: sticky");
                }

                ok = false;
            }
            else
            {
                var index = context.Choice(thenNode, "strategy", RoutingStrategies.Names);
                if (index == (int)RoutingStrategy.Sticky)
                {
                    context.Error(thenNode, ErrorCodes.BadAssign,
                        "then: sticky is not allowed; 'then' names the strategy used when no sticky member is a candidate");
                    index = -1;
                }

                ok &= index >= 0;
                then = index >= 0 ? (RoutingStrategy)index : then;
            }
        }

        var hours = HoursMode.Prefer;
        if (CompileContext.Get(mapping, "hours") is { } hoursNode)
        {
            var index = context.Choice(hoursNode, "hours", HoursModes);
            ok &= index >= 0;
            hours = index >= 0 ? (HoursMode)index : hours;
        }

        if (!context.Resolve(context.Teams, teamNode!, ErrorCodes.UnknownTeam, out var team) || team is null)
        {
            return null;
        }

        if (strategy == RoutingStrategy.LeastLoaded && strategyNode is not null)
        {
            ok &= CheckCapacity(context, strategyNode, team);
        }
        else if (strategy == RoutingStrategy.Sticky && then == RoutingStrategy.LeastLoaded && thenNode is not null)
        {
            ok &= CheckCapacity(context, thenNode, team);
        }

        return ok
            ? new Assignment { Kind = TargetKind.Team, Team = team, Strategy = strategy, Then = then, Hours = hours, ExcludePreviousOwners = excludePrevious }
            : null;
    }

    /// <summary><c>exclude: [previous_owners]</c>, the only exclusion the language has; null when invalid.</summary>
    public static bool? Exclude(CompileContext context, YamlNode node)
    {
        if (context.Sequence(node) is not { } sequence)
        {
            return null;
        }

        var ok = true;
        foreach (var item in sequence.Items)
        {
            if (context.Text(item) is not { } text)
            {
                ok = false;
            }
            else if (text != "previous_owners")
            {
                context.Error(item, ErrorCodes.BadAssign, $"exclude can only list previous_owners, got '{text}'");
                ok = false;
            }
        }

        return ok ? sequence.Items.Count > 0 : null;
    }

    /// <summary>least_loaded divides by max_open, so every member of the team needs one (TM0042).</summary>
    private static bool CheckCapacity(CompileContext context, YamlNode at, Team team)
    {
        if (team.Members.FirstOrDefault(m => m.MaxOpen is null) is { } missing)
        {
            context.Error(at, ErrorCodes.LeastLoadedWithoutCapacity,
                $"least_loaded needs max_open on every member of team '{team.Id}'; '{missing.Id}' has none");
            return false;
        }

        return true;
    }
}

using TheModel.Sync.Config.Yaml;
using TheModel.Sync.Core.Conditions;
using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Config.Compilation;

/// <summary><c>sla:</c> (section 9).</summary>
internal static class SlaCompiler
{
    private static readonly string[] Clocks = ["wall", "business_hours"];

    public static List<SlaRule> Compile(CompileContext context, YamlNode section, IReadOnlyList<Team> teams)
    {
        var rules = new List<SlaRule>();
        if (context.Sequence(section) is not { } items)
        {
            return rules;
        }

        var ids = new SymbolTable<SlaRule>("sla");
        foreach (var item in items.Items)
        {
            if (context.Mapping(item) is not { } mapping)
            {
                continue;
            }

            context.CheckKeys(mapping, KnownKeys.Sla, "sla");
            var idNode = CompileContext.Get(mapping, "id");
            var id = idNode is null ? null : context.Id(idNode);
            var label = id is null ? "sla" : $"sla '{id}'";
            var ok = context.Require(mapping, label, "id", "applies", "met_when", "within");
            if (id is not null)
            {
                ok &= ids.Declare(context, idNode!, id, null);
            }

            Condition? applies = null;
            if (CompileContext.Get(mapping, "applies") is { } appliesNode)
            {
                applies = ConditionCompiler.Compile(context, appliesNode, ConditionRules.Default);
            }

            Condition? metWhen = null;
            if (CompileContext.Get(mapping, "met_when") is { } metNode)
            {
                metWhen = ConditionCompiler.Compile(context, metNode, ConditionRules.Default);
            }

            TimeSpan? within = null;
            if (CompileContext.Get(mapping, "within") is { } withinNode)
            {
                within = context.Duration(withinNode);
            }

            var clock = ClockKind.Wall;
            if (CompileContext.Get(mapping, "clock") is { } clockNode)
            {
                var index = context.Choice(clockNode, "clock", Clocks);
                ok &= index >= 0;
                clock = index >= 0 ? (ClockKind)index : clock;
                if (clock == ClockKind.BusinessHours)
                {
                    ok &= CheckCalendars(context, clockNode, teams);
                }
            }

            var onBreach = new List<SlaBreachAction>();
            if (CompileContext.Get(mapping, "on_breach") is { } breachNode)
            {
                ok &= CompileBreach(context, breachNode, onBreach);
            }

            if (ok && id is not null && applies is not null && metWhen is not null && within is { } w)
            {
                rules.Add(new SlaRule { Id = id, Applies = applies, MetWhen = metWhen, Within = w, Clock = clock, OnBreach = onBreach });
            }
        }

        return rules;
    }

    /// <summary>Business hours are the owner's calendar, else the team's; every member must have one (TM0045).</summary>
    private static bool CheckCalendars(CompileContext context, YamlNode at, IReadOnlyList<Team> teams)
    {
        foreach (var team in teams)
        {
            foreach (var member in team.Members)
            {
                if (member.Calendar is null && !context.MembersWithUnresolvedCalendar.Contains(member))
                {
                    context.Error(at, ErrorCodes.BusinessHoursWithoutCalendar,
                        $"clock: business_hours needs a calendar for every member; '{member.Id}' (team {team.Id}) has none");
                    return false;
                }
            }
        }

        return true;
    }

    private static bool CompileBreach(CompileContext context, YamlNode node, List<SlaBreachAction> actions)
    {
        if (context.Sequence(node) is not { } items)
        {
            return false;
        }

        var ok = true;
        foreach (var item in items.Items)
        {
            if (context.Mapping(item) is not { } mapping)
            {
                ok = false;
                continue;
            }

            context.CheckKeys(mapping, KnownKeys.SlaBreach, "on_breach");
            var taskNode = CompileContext.Get(mapping, "task");
            var reassignNode = CompileContext.Get(mapping, "reassign");
            if (taskNode is null && reassignNode is null)
            {
                if (!context.IsMisspelled(mapping, "task") && !context.IsMisspelled(mapping, "reassign"))
                {
                    context.Error(mapping, ErrorCodes.MissingKey, "on_breach item is missing 'task' or 'reassign'");
                }

                ok = false;
                continue;
            }

            if (taskNode is not null && reassignNode is not null)
            {
                // One action per item keeps the order of on_breach visible: the task, then the reassign.
                context.Error(mapping, ErrorCodes.WrongShape, "an on_breach item holds one action, task or reassign; write them as two items");
                ok = false;
                continue;
            }

            TaskTemplate? task = null;
            if (taskNode is not null)
            {
                task = TaskCompiler.Compile(context, taskNode, allowOpportunity: false);
                ok &= task is not null;
            }

            var excludePrevious = false;
            var max = 1;
            if (reassignNode is not null && context.Mapping(reassignNode) is { } reassign)
            {
                context.CheckKeys(reassign, KnownKeys.Reassign, "reassign");
                if (CompileContext.Get(reassign, "exclude") is { } excludeNode)
                {
                    var exclude = RoutingCompiler.Exclude(context, excludeNode);
                    ok &= exclude is not null;
                    excludePrevious = exclude ?? false;
                }

                if (CompileContext.Get(reassign, "max") is { } maxNode)
                {
                    var value = context.Integer(maxNode, "reassign max", 1);
                    ok &= value is not null;
                    max = (int)(value ?? 1);
                }
            }
            else if (reassignNode is not null)
            {
                ok = false;
            }

            actions.Add(new SlaBreachAction { Task = task, Reassign = reassignNode is not null, ExcludePreviousOwners = excludePrevious, ReassignMax = max });
        }

        return ok;
    }
}

using TheModel.Sync.Config.Yaml;
using TheModel.Sync.Core.Conditions;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Config.Compilation;

/// <summary><c>recycle:</c> (section 10): THE MODEL's loop back to nurture and the recheck after it.</summary>
internal static class RecycleCompiler
{
    private static readonly string[] Events = ["opportunity_lost", "account_churned"];

    public static List<RecycleRule> Compile(CompileContext context, YamlNode section)
    {
        var rules = new List<RecycleRule>();
        if (context.Sequence(section) is not { } items)
        {
            return rules;
        }

        var ids = new SymbolTable<RecycleRule>("recycle rule");
        foreach (var item in items.Items)
        {
            if (context.Mapping(item) is not { } mapping)
            {
                continue;
            }

            context.CheckKeys(mapping, KnownKeys.Recycle, "recycle rule");
            var idNode = CompileContext.Get(mapping, "id");
            var id = idNode is null ? null : context.Id(idNode);
            var label = id is null ? "recycle rule" : $"recycle rule '{id}'";
            var ok = context.Require(mapping, label, "id", "recheck_after");
            if (id is not null)
            {
                ok &= ids.Declare(context, idNode!, id, null);
            }

            var trigger = RecycleTrigger.None;
            if (CompileContext.Get(mapping, "on") is { } onNode)
            {
                var index = context.Choice(onNode, "recycle event", Events);
                ok &= index >= 0;
                trigger = index >= 0 ? (RecycleTrigger)(index + 1) : trigger;
            }

            var allowOpportunity = trigger == RecycleTrigger.OpportunityLost;
            var predicates = new List<Predicate>();
            var when = Condition.Always;
            if (CompileContext.Get(mapping, "when") is { } whenNode)
            {
                var compiled = ConditionCompiler.Compile(context, whenNode, new ConditionRules { AllowOpportunity = allowOpportunity, Predicates = predicates });
                ok &= compiled is not null;
                when = compiled ?? when;
            }

            var reasons = new List<string>();
            foreach (var predicate in predicates)
            {
                if (predicate.Field is { Scope: FieldScope.Person, Id: FieldId.RecycleReason } && predicate.Op is PredicateOp.Eq or PredicateOp.In)
                {
                    reasons.AddRange(predicate.Operands.Where(o => o.Kind == ValueKind.String).Select(o => o.AsString));
                }
            }

            var set = new List<FieldAssignment>();
            if (CompileContext.Get(mapping, "set") is { } setNode)
            {
                set = SetCompiler.Compile(context, setNode, label, reasons);
            }

            TimeSpan? recheckAfter = null;
            if (CompileContext.Get(mapping, "recheck_after") is { } afterNode)
            {
                recheckAfter = context.Duration(afterNode);
            }

            var recheckSet = new List<FieldAssignment>();
            TaskTemplate? recheckTask = null;
            if (CompileContext.Get(mapping, "on_recheck") is { } recheckNode && context.Mapping(recheckNode) is { } recheck)
            {
                context.CheckKeys(recheck, KnownKeys.OnRecheck, "on_recheck");
                if (CompileContext.Get(recheck, "set") is { } recheckSetNode)
                {
                    recheckSet = SetCompiler.Compile(context, recheckSetNode, $"the on_recheck of {label}");
                }

                if (CompileContext.Get(recheck, "task") is { } taskNode)
                {
                    recheckTask = TaskCompiler.Compile(context, taskNode, allowOpportunity);
                    ok &= recheckTask is not null;
                }
            }

            if (ok && id is not null && recheckAfter is { } after)
            {
                rules.Add(new RecycleRule
                {
                    Id = id,
                    On = trigger,
                    When = when,
                    Set = set,
                    RecheckAfter = after,
                    RecheckSet = recheckSet,
                    RecheckTask = recheckTask,
                    NamedReasons = reasons.Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
                });
            }
        }

        return rules;
    }
}

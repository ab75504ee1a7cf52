using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Matching;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Benchmarks.Baseline;

/// <summary>
/// Builds the per-person RulesEngine input before timing, as a RulesEngine user would: the domain derived, the
/// account matched, the owner resolved (all with Core, which RulesEngine has no equivalent of), then every canonical
/// field copied into a typed property, the custom fields the rules name into their slots, and the engagement decay
/// factors computed (arithmetic, not conditions).
/// </summary>
internal sealed class InputBuilder(RuleSet rules, AccountMatcher matcher, ConditionTranslator translator, DateTimeOffset at)
{
    private readonly FieldRef[] _personCustom = [.. translator.PersonCustom.Select(n => Resolve("fields." + n))];
    private readonly FieldRef[] _accountCustom = [.. translator.AccountCustom.Select(n => Resolve("account.fields." + n))];

    /// <summary>The scope our engine would see right after step 1's matching (before segment and score).</summary>
    public EvaluationScope MatchedScope(Person person)
    {
        var scope = new EvaluationScope(person, at);
        scope.Domain = DomainNames.Derive(person.Website, person.Email, person.Domain);
        var match = matcher.Match(person, scope.Domain);
        scope.Account = match.Account;
        scope.AccountOwner = match.Owner;
        scope.Owner = rules.ResolveOwner(person.Owner);
        return scope;
    }

    public RoutingInput Build(Person person)
    {
        var scope = MatchedScope(person);
        var x = new RoutingInput { AtTicks = at.UtcTicks };
        foreach (var slot in InputSlots.All)
        {
            slot.Fill(x, scope.Get(slot.Field));
        }

        x.C = [.. _personCustom.Select(f => FieldView.From(scope.Get(f)))];
        x.AC = [.. _accountCustom.Select(f => FieldView.From(scope.Get(f)))];

        var engagement = rules.Scoring.Engagement;
        x.Decay = new double[engagement.Count];
        for (var i = 0; i < engagement.Count; i++)
        {
            x.Decay[i] = 1;
            if (engagement[i].Decay is { } decay)
            {
                x.Decay[i] = scope.Get(decay.From).TryTicks(out var ticks)
                    ? Math.Pow(0.5, (double)Math.Max(0, scope.AtTicks - ticks) / decay.HalfLife.Ticks)
                    : 0;
            }
        }

        var owner = scope.Owner;
        x.OwnerIsMember = owner.Kind == OwnerKind.Member;
        x.OwnerTrigger = owner.Kind != OwnerKind.Member || !owner.Member!.Active;
        x.Initial = new RoutingInput.InitialState(x.Stage, x.StageU, x.StageEnteredAt, x.RecycleReason, x.RecycleReasonU, x.RecycleRule, x.RecycleRuleU, x.RecheckAt);
        return x;
    }

    private static FieldRef Resolve(string path) =>
        CanonicalFields.TryResolve(path, out var f) ? f : throw new BenchmarkFailure($"cannot resolve {path}");
}

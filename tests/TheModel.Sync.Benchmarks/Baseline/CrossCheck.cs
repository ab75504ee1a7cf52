using RulesEngine.Models;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Benchmarks.Baseline;

/// <summary>
/// For each workflow a person runs through: the rules whose expressions held in RulesEngine against the rules whose
/// Core conditions hold (<c>Condition.Holds</c>) on an <see cref="EvaluationScope"/> carrying the same state
/// (matched account, segment, score, stage and recycle fields as the glue had them at that point).
/// </summary>
internal sealed class CrossCheck(BaselinePipeline pipeline, InputBuilder builder, DateTimeOffset at) : IWorkflowObserver
{
    private readonly Dictionary<string, (long Agree, long Differ)> _byWorkflow = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _held = new(StringComparer.Ordinal);
    private EvaluationScope? _matched;
    private Person? _person;

    public List<string> Differences { get; } = [];

    public long Persons { get; private set; }

    public void Begin(Person person)
    {
        _person = person;
        _matched = builder.MatchedScope(person);
        Persons++;
    }

    public void Seen(string workflow, RoutingInput input, List<RuleResultTree> results)
    {
        var spec = pipeline.Spec(workflow);
        var scope = ScopeFor(input);
        var re = new bool[spec.Rules.Count];
        foreach (var r in results)
        {
            var i = int.Parse(r.Rule.RuleName, System.Globalization.CultureInfo.InvariantCulture);
            re[i] = r.IsSuccess;
            if (!string.IsNullOrEmpty(r.ExceptionMessage))
            {
                Differences.Add($"{_person!.Id} {workflow}/{spec.Rules[i].Id}: RulesEngine error: {r.ExceptionMessage}");
            }
        }

        var same = true;
        for (var i = 0; i < spec.Rules.Count; i++)
        {
            var core = spec.Rules[i].When.Holds(scope);
            if (core)
            {
                var key = workflow + "/" + spec.Rules[i].Id;
                _held[key] = _held.GetValueOrDefault(key) + 1;
            }

            if (core != re[i])
            {
                same = false;
                if (Differences.Count < 20)
                {
                    Differences.Add($"{_person!.Id} {workflow}/{spec.Rules[i].Id}: Core {core}, RulesEngine {re[i]}; expression: {spec.Expressions[i]}");
                }
            }
        }

        var (agree, differ) = _byWorkflow.GetValueOrDefault(workflow);
        _byWorkflow[workflow] = same ? (agree + 1, differ) : (agree, differ + 1);
    }

    public bool AllAgree => Differences.Count == 0 && _byWorkflow.Values.All(v => v.Differ == 0);

    public IEnumerable<string> Report()
    {
        foreach (var (workflow, (agree, differ)) in _byWorkflow)
        {
            yield return $"  {workflow,-11} rule sets equal for {agree:N0} of {agree + differ:N0} persons";
        }
    }

    /// <summary>How many of the checked persons each rule's condition held for (to show the check is not vacuous).</summary>
    public IReadOnlyDictionary<string, long> Held => _held;

    private EvaluationScope ScopeFor(RoutingInput x)
    {
        var m = _matched!;
        var s = new EvaluationScope(_person!, at)
        {
            Domain = m.Domain,
            Account = m.Account,
            AccountOwner = m.AccountOwner,
            Owner = m.Owner,
            Segment = x.Segment,
            RecycleReason = x.RecycleReason,
            RecycleRule = x.RecycleRule,
            StageEnteredAt = Time(x.StageEnteredAt),
            RecheckAt = Time(x.RecheckAt),
        };
        Stages.TryParse(x.Stage, out var stage);
        s.Stage = stage;
        if (x.Score is { } score)
        {
            s.Scored = true;
            s.Score = score;
            s.Fit = x.Fit ?? 0;
            s.Engagement = x.Engagement ?? 0;
        }

        return s;
    }

    private static DateTimeOffset? Time(long? ticks) => ticks is { } t ? new DateTimeOffset(t, TimeSpan.Zero) : null;
}

using System.Globalization;
using RulesEngine.HelperFunctions;
using RulesEngine.Models;
using TheModel.Sync.Core.Conditions;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Benchmarks.Baseline;

/// <summary>Sees every workflow's results with the input as it stood when the workflow ran (the cross-check).</summary>
internal interface IWorkflowObserver
{
    void Seen(string workflow, RoutingInput input, List<RuleResultTree> results);
}

/// <summary>
/// The RulesEngine side: one workflow per section of the config whose conditions our engine evaluates (segments, fit,
/// engagement, mql, recycle entry, SLA applies/met_when, routing <c>when</c>s), each rule's expression translated from
/// the compiled Core condition. Between workflows, plain C# glue does what RulesEngine cannot express as a condition
/// list: first matching segment, sums of points (decay factors precomputed), MQL promotion, recycle entry and recheck
/// bookkeeping, and the routing trigger. Routing's member choice, capacity, calendars, SLA deadlines, actions and
/// explanations are not done on this side at all.
/// </summary>
internal sealed class BaselinePipeline
{
    public const string Segments = "segments";
    public const string Fit = "fit";
    public const string Engagement = "engagement";
    public const string Mql = "mql";
    public const string Recycle = "recycle";
    public const string Sla = "sla";
    public const string Routing = "routing";

    private const string NewStage = "new";
    private const string NurtureStage = "nurture";

    private readonly RulesEngine.RulesEngine _engine;
    private readonly Dictionary<string, WorkflowSpec> _specs;
    private readonly string[] _segmentIds;
    private readonly string[] _segmentIdsU;
    private readonly double[] _fitPoints;
    private readonly double[] _engagementPoints;
    private readonly RecycleRule[] _entryRules;
    private readonly SetPlan[] _entryPlans;
    private readonly IReadOnlyList<RecycleRule> _allRecycle;
    private readonly Dictionary<RecycleRule, SetPlan> _recheckPlans = [];
    private readonly long _atTicks;

    public sealed record WorkflowSpec(string Name, IReadOnlyList<(string Id, Condition When)> Rules, IReadOnlyList<string> Expressions);

    public BaselinePipeline(RuleSet rules, ConditionTranslator translator, DateTimeOffset at)
    {
        _atTicks = at.UtcTicks;
        var scoring = rules.Scoring;
        _entryRules = [.. rules.Recycle.Where(r => r.On == RecycleTrigger.None)];
        var sections = new List<(string Name, List<(string Id, Condition When)> Rules)>
        {
            (Segments, [.. rules.Segments.Select(s => (s.Id, s.When))]),
            (Fit, [.. scoring.Fit.Select(r => (r.Id, r.When))]),
            (Engagement, [.. scoring.Engagement.Select(r => (r.Id, r.When))]),
            (Mql, scoring.Mql is { } mql ? [("mql", mql)] : []),
            (Recycle, [.. _entryRules.Select(r => (r.Id, r.When))]),
            (Sla, [.. rules.Slas.SelectMany(s => new[] { ("applies:" + s.Id, s.Applies), ("met_when:" + s.Id, s.MetWhen) })]),
            (Routing, [.. rules.Routing.Select(r => (r.Id, r.When))]),
        };

        _specs = new Dictionary<string, WorkflowSpec>(StringComparer.Ordinal);
        var workflows = new List<Workflow>();
        foreach (var (name, list) in sections)
        {
            var expressions = list.Select(r => translator.Translate(r.When)).ToList();
            _specs[name] = new WorkflowSpec(name, list, expressions);
            if (list.Count == 0)
            {
                continue;
            }

            workflows.Add(new Workflow
            {
                WorkflowName = name,
                Rules = [.. expressions.Select((e, i) => new Rule
                {
                    RuleName = i.ToString(CultureInfo.InvariantCulture),
                    RuleExpressionType = RuleExpressionType.LambdaExpression,
                    Expression = e,
                })],
            });
        }

        var settings = new ReSettings
        {
            CustomTypes = [typeof(BLists), typeof(BRegex), typeof(BSets), typeof(BConv)],
            CacheConfig = new MemCacheConfig { SizeLimit = 1000 },
            UseFastExpressionCompiler = true,
            AutoExecuteActions = false,
            EnableFormattedErrorMessage = false,
            EnableScopedParams = false,
        };
        _engine = new RulesEngine.RulesEngine([.. workflows], settings);

        _segmentIds = [.. rules.Segments.Select(s => s.Id)];
        _segmentIdsU = [.. _segmentIds.Select(s => s.ToUpperInvariant())];
        _fitPoints = [.. scoring.Fit.Select(r => r.Points)];
        _engagementPoints = [.. scoring.Engagement.Select(r => r.Points)];
        _entryPlans = [.. _entryRules.Select(r => SetPlan.Of(r.Set))];
        _allRecycle = rules.Recycle;
        foreach (var r in rules.Recycle)
        {
            _recheckPlans[r] = SetPlan.Of(r.RecheckSet);
        }
    }

    public IEnumerable<WorkflowSpec> Specs => _specs.Values;

    public WorkflowSpec Spec(string name) => _specs[name];

    public int RuleCount => _specs.Values.Sum(s => s.Rules.Count);

    /// <summary>
    /// Runs one person through the workflows. Gated like our engine (MQL only for stage new, recycle entry only when no
    /// rule has fired for the stage entry, SLAs only with a member owner, routing only when a trigger holds) unless an
    /// observer is given, in which case every workflow runs (the glue still applies only what the gates allow).
    /// Returns a small number derived from the results, so that nothing is optimized away.
    /// </summary>
    public async ValueTask<int> RunAsync(RoutingInput x, RuleParameter[] parameters, IWorkflowObserver? observer = null)
    {
        var all = observer is not null;
        x.Reset();
        var check = 0;

        if (_segmentIds.Length > 0)
        {
            var results = await _engine.ExecuteAllRulesAsync(Segments, parameters);
            observer?.Seen(Segments, x, results);
            var i = First(results);
            if (i >= 0)
            {
                x.Segment = _segmentIds[i];
                x.SegmentU = _segmentIdsU[i];
            }

            check += i;
        }

        double fit = 0;
        if (_fitPoints.Length > 0)
        {
            var results = await _engine.ExecuteAllRulesAsync(Fit, parameters);
            observer?.Seen(Fit, x, results);
            foreach (var r in results)
            {
                if (r.IsSuccess)
                {
                    fit += _fitPoints[Index(r)];
                }
            }
        }

        double engagement = 0;
        if (_engagementPoints.Length > 0)
        {
            var results = await _engine.ExecuteAllRulesAsync(Engagement, parameters);
            observer?.Seen(Engagement, x, results);
            foreach (var r in results)
            {
                if (r.IsSuccess)
                {
                    var i = Index(r);
                    engagement += _engagementPoints[i] * x.Decay[i];
                }
            }
        }

        x.Fit = fit;
        x.Engagement = engagement;
        x.Score = Math.Round(fit + engagement, MidpointRounding.AwayFromZero);

        // Step 2: MQL promotion.
        var isNew = x.Stage == NewStage;
        if (_specs[Mql].Rules.Count > 0 && (all || isNew))
        {
            var results = await _engine.ExecuteAllRulesAsync(Mql, parameters);
            observer?.Seen(Mql, x, results);
            if (isNew && First(results) == 0)
            {
                SetStage(x, "mql", "MQL");
                check += 7;
            }
        }

        // Step 3: recycle entry, once per stage entry.
        var fired = x.RecheckAt is { } recheck && (x.StageEnteredAt is not { } entered || recheck > entered);
        if (_entryRules.Length > 0 && (all || !fired))
        {
            var results = await _engine.ExecuteAllRulesAsync(Recycle, parameters);
            observer?.Seen(Recycle, x, results);
            var i = First(results);
            if (!fired && i >= 0)
            {
                var rule = _entryRules[i];
                _entryPlans[i].Apply(x, _atTicks);
                x.RecheckAt = (x.StageEnteredAt ?? _atTicks) + rule.RecheckAfter.Ticks;
                x.RecycleRule = rule.Id;
                x.RecycleRuleU = rule.Id.ToUpperInvariant();
                check += 11;
            }
        }

        // Step 4: recheck (no conditions: bookkeeping only).
        if (x.Stage == NurtureStage && x.RecheckAt is { } due && due <= _atTicks)
        {
            if (FindRecheckRule(x) is { } rule)
            {
                _recheckPlans[rule].Apply(x, _atTicks);
            }

            x.RecheckAt = null;
        }

        // Step 5: SLA conditions (deadlines are calendar arithmetic, not conditions: not done here).
        if (_specs[Sla].Rules.Count > 0 && (all || x.OwnerIsMember))
        {
            var results = await _engine.ExecuteAllRulesAsync(Sla, parameters);
            observer?.Seen(Sla, x, results);
            check += First(results);
        }

        // Step 6: routing conditions, when a trigger holds.
        var trigger = x.OwnerTrigger || (x.StageEnteredAt is { } se && x.OwnerSetAt is { } os && se > os);
        if (_specs[Routing].Rules.Count > 0 && (all || trigger))
        {
            var results = await _engine.ExecuteAllRulesAsync(Routing, parameters);
            observer?.Seen(Routing, x, results);
            check += First(results) * 3;
        }

        return check;
    }

    private RecycleRule? FindRecheckRule(RoutingInput x)
    {
        if (!string.IsNullOrEmpty(x.RecycleRule))
        {
            return _allRecycle.FirstOrDefault(r => r.Id == x.RecycleRule);
        }

        return x.RecycleReason is { } reason
            ? _allRecycle.FirstOrDefault(r => r.On == RecycleTrigger.None && r.NamedReasons.Contains(reason, StringComparer.OrdinalIgnoreCase))
            : null;
    }

    private static void SetStage(RoutingInput x, string stage, string stageU)
    {
        if (x.Stage != stage)
        {
            x.Stage = stage;
            x.StageU = stageU;
            x.StageEnteredAt = x.AtTicks;
        }
    }

    private static int Index(RuleResultTree r) => int.Parse(r.Rule.RuleName, NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>The first rule (in config order) whose expression held, or -1.</summary>
    private static int First(List<RuleResultTree> results)
    {
        var first = int.MaxValue;
        foreach (var r in results)
        {
            if (r.IsSuccess)
            {
                first = Math.Min(first, Index(r));
            }
        }

        return first == int.MaxValue ? -1 : first;
    }

    /// <summary>A <c>set:</c> of stage, recycle_reason and recheck_at, in order (custom fields are not supported here).</summary>
    private sealed class SetPlan
    {
        private readonly List<(FieldId Field, string? Text, string? Upper, long? Relative, long? Absolute)> _steps = [];

        public static SetPlan Of(IReadOnlyList<FieldAssignment> set)
        {
            var plan = new SetPlan();
            foreach (var a in set)
            {
                var text = a.Value.Kind == ValueKind.String ? a.Value.AsString : null;
                switch (a.Field.Id)
                {
                    case FieldId.Stage:
                        Stages.TryParse(text, out var stage);
                        plan._steps.Add((FieldId.Stage, stage.Name(), stage.Name().ToUpperInvariant(), null, null));
                        break;
                    case FieldId.RecycleReason:
                        plan._steps.Add((FieldId.RecycleReason, text, text?.ToUpperInvariant(), null, null));
                        break;
                    case FieldId.RecheckAt:
                        plan._steps.Add((FieldId.RecheckAt, null, null, a.RelativeToNow?.Ticks,
                            a.Value.Kind == ValueKind.Time ? a.Value.UtcTicks : null));
                        break;
                    default:
                        throw new NotSupportedException($"set: {a.Field.Path} (custom fields set by rules are not modelled on the RulesEngine side)");
                }
            }

            return plan;
        }

        public void Apply(RoutingInput x, long atTicks)
        {
            foreach (var (field, text, upper, relative, absolute) in _steps)
            {
                switch (field)
                {
                    case FieldId.Stage:
                        SetStage(x, text!, upper!);
                        break;
                    case FieldId.RecycleReason:
                        x.RecycleReason = text;
                        x.RecycleReasonU = upper;
                        break;
                    default:
                        x.RecheckAt = relative is { } r ? atTicks + r : absolute;
                        break;
                }
            }
        }
    }
}

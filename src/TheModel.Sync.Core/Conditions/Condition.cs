using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Core.Conditions;

/// <summary>Where a condition failed: the predicate that did not hold and the value it saw.</summary>
public struct ConditionFailure
{
    public Condition? Node;
    public Value Actual;

    /// <summary>For <c>any:</c>, the node that failed in its first alternative (<see cref="Actual"/> is what it saw).</summary>
    public Condition? FirstAlternative;

    public readonly string Describe() => Node switch
    {
        null => "the condition did not hold",
        AnyCondition when FirstAlternative is { } first => AnyCondition.Describe(first.DescribeFailure(Actual)),
        _ => Node.DescribeFailure(Actual),
    };

    /// <summary>The explanation a routing rule records: <c>when did not hold: …</c>, formatted once per value seen.</summary>
    public readonly string Because() => Node switch
    {
        null => "when did not hold",
        AnyCondition when FirstAlternative is { } first => first.BecauseText(Actual, anyPrefix: true),
        _ => Node.BecauseText(Actual, anyPrefix: false),
    };
}

/// <summary>A compiled condition (section 5). Evaluation is allocation-free; failures are described only when asked.</summary>
public abstract class Condition
{
    public abstract bool Holds(EvaluationScope scope, ref ConditionFailure failure);

    public bool Holds(EvaluationScope scope)
    {
        var ignored = default(ConditionFailure);
        return Holds(scope, ref ignored);
    }

    /// <summary>Why this node did not hold, in words, given the value it saw.</summary>
    public abstract string DescribeFailure(Value actual);

    private const int BecauseCacheSize = 1024;
    private readonly Dictionary<(Value, bool), string> _because = [];

    /// <summary>
    /// <c>when did not hold: </c> plus <see cref="DescribeFailure"/>, remembered per value seen: most failures repeat
    /// (a stage, a missing field), and every decision record carries them. Bounded so that memory stays flat.
    /// </summary>
    public string BecauseText(Value actual, bool anyPrefix)
    {
        var key = (actual, anyPrefix);
        lock (_because)
        {
            if (_because.TryGetValue(key, out var cached))
            {
                return cached;
            }
        }

        var text = "when did not hold: " + (anyPrefix ? AnyCondition.Describe(DescribeFailure(actual)) : DescribeFailure(actual));
        lock (_because)
        {
            if (_because.Count >= BecauseCacheSize)
            {
                _because.Clear();
            }

            _because[key] = text;
        }

        return text;
    }

    /// <summary>Every field the condition reads (to check, for example, that segments do not read the score).</summary>
    public abstract IEnumerable<FieldRef> Fields();

    /// <summary>True for the empty condition <c>{}</c>.</summary>
    public virtual bool IsAlways => false;

    public static Condition Always { get; } = new AllCondition([]);
}

public sealed class AllCondition(IReadOnlyList<Condition> items) : Condition
{
    private readonly Condition[] _items = [.. items];

    public IReadOnlyList<Condition> Items => _items;

    public override bool IsAlways => _items.Length == 0;

    public override bool Holds(EvaluationScope scope, ref ConditionFailure failure)
    {
        foreach (var c in _items)
        {
            if (!c.Holds(scope, ref failure))
            {
                return false;
            }
        }

        return true;
    }

    public override string DescribeFailure(Value actual) => "not all conditions held";

    public override IEnumerable<FieldRef> Fields() => _items.SelectMany(i => i.Fields());
}

public sealed class AnyCondition(IReadOnlyList<Condition> items) : Condition
{
    private readonly Condition[] _items = [.. items];

    public IReadOnlyList<Condition> Items => _items;

    public override bool Holds(EvaluationScope scope, ref ConditionFailure failure)
    {
        var first = default(ConditionFailure);
        for (var i = 0; i < _items.Length; i++)
        {
            var f = default(ConditionFailure);
            if (_items[i].Holds(scope, ref f))
            {
                return true;
            }

            if (i == 0)
            {
                first = f;
            }
        }

        failure.Node = this;
        failure.FirstAlternative = first.FirstAlternative ?? first.Node;
        failure.Actual = first.Actual;
        return false;
    }

    internal static string Describe(string firstAlternative) => $"none of the alternatives held (the first: {firstAlternative})";

    public override string DescribeFailure(Value actual) => "none of the alternatives held";

    public override IEnumerable<FieldRef> Fields() => _items.SelectMany(i => i.Fields());
}

public sealed class NotCondition(Condition inner) : Condition
{
    public Condition Inner => inner;

    public override bool Holds(EvaluationScope scope, ref ConditionFailure failure)
    {
        var ignored = default(ConditionFailure);
        if (!inner.Holds(scope, ref ignored))
        {
            return true;
        }

        failure.Node = this;
        failure.Actual = default;
        failure.FirstAlternative = null;
        return false;
    }

    public override string DescribeFailure(Value actual) => "the negated condition held";

    public override IEnumerable<FieldRef> Fields() => inner.Fields();
}

public enum PredicateOp : byte
{
    Eq,
    Ne,
    In,
    NotIn,
    Gt,
    Gte,
    Lt,
    Lte,
    Between,
    Exists,
    Contains,
    StartsWith,
    EndsWith,
    Matches,
    InList,
    OlderThan,
    NewerThan,
}

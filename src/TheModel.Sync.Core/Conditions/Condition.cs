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

    private const string BecausePrefix = "when did not hold: ";

    /// <summary>
    /// <paramref name="prefix"/> + <see cref="DescribeFailure(Value)"/> + <paramref name="suffix"/>; a node whose
    /// failures are many-valued (a predicate naming the value it saw) builds it as one string.
    /// </summary>
    internal virtual string DescribeFailure(string prefix, Value actual, string suffix) => prefix + DescribeFailure(actual) + suffix;

    // A power of two: a value's slot is its hash's low bits.
    private const int BecauseCacheSize = 1024;

    // Direct-mapped and lock-free: a slot holds one immutable entry, replaced whole (reference writes are atomic), so
    // readers on other threads see either the old entry or the new one. A collision only costs a second formatting.
    private BecauseEntry?[]? _because;

    private sealed class BecauseEntry(Value actual, bool anyPrefix, string text)
    {
        public readonly Value Actual = actual;
        public readonly bool AnyPrefix = anyPrefix;
        public readonly string Text = text;
    }

    /// <summary>
    /// <c>when did not hold: </c> plus <see cref="DescribeFailure"/>, remembered per value seen: most failures repeat
    /// (a stage, a missing field), and every decision record carries them. Bounded so that memory stays flat.
    /// </summary>
    public string BecauseText(Value actual, bool anyPrefix)
    {
        var slots = Volatile.Read(ref _because);
        if (slots is null)
        {
            // Only conditions that fail in routing get a table; two threads racing here each make one, and one wins.
            slots = new BecauseEntry?[BecauseCacheSize];
            slots = Interlocked.CompareExchange(ref _because, slots, null) ?? slots;
        }

        var slot = (actual.GetHashCode() ^ (anyPrefix ? 0x5bd1e995 : 0)) & (BecauseCacheSize - 1);
        var entry = Volatile.Read(ref slots[slot]);
        if (entry is not null && entry.AnyPrefix == anyPrefix && entry.Actual.Equals(actual))
        {
            return entry.Text;
        }

        var text = anyPrefix
            ? DescribeFailure(AnyCondition.BecausePrefix, actual, AnyCondition.BecauseSuffix)
            : DescribeFailure(BecausePrefix, actual, string.Empty);
        Volatile.Write(ref slots[slot], new BecauseEntry(actual, anyPrefix, text));
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

    internal const string BecausePrefix = "when did not hold: none of the alternatives held (the first: ";
    internal const string BecauseSuffix = ")";

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

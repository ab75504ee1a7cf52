using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Core.Conditions;

/// <summary>One field and one operator (section 5). A missing field satisfies only <c>exists: false</c>, <c>ne</c> and <c>not_in</c>.</summary>
public sealed class Predicate : Condition
{
    private readonly Value[] _operands;
    private readonly HashSet<string>? _stringSet;

    // The operands as explanations write them, made on the first failure described.
    private string[]? _operandTexts;
    private string? _operandList;

    private Predicate(FieldRef field, PredicateOp op, Value[] operands, Regex? regex, NamedList? list, TimeSpan duration, bool exists)
    {
        Field = field;
        Op = op;
        _operands = operands;
        Regex = regex;
        List = list;
        Duration = duration;
        ExistsExpected = exists;
        if (op is PredicateOp.In or PredicateOp.NotIn && operands.Length > 4 && operands.All(o => o.Kind == ValueKind.String) &&
            field.Type is FieldType.String or FieldType.Stage)
        {
            _stringSet = new HashSet<string>(operands.Select(o => o.AsString), StringComparer.OrdinalIgnoreCase);
        }
    }

    public FieldRef Field { get; }

    public PredicateOp Op { get; }

    public IReadOnlyList<Value> Operands => _operands;

    public Regex? Regex { get; }

    public NamedList? List { get; }

    public TimeSpan Duration { get; }

    public bool ExistsExpected { get; }

    public static Predicate Compare(FieldRef field, PredicateOp op, Value operand) => new(field, op, [operand], null, null, default, false);

    public static Predicate Set(FieldRef field, PredicateOp op, IReadOnlyList<Value> operands) => new(field, op, [.. operands], null, null, default, false);

    public static Predicate Between(FieldRef field, Value low, Value high) => new(field, PredicateOp.Between, [low, high], null, null, default, false);

    public static Predicate Exists(FieldRef field, bool expected) => new(field, PredicateOp.Exists, [], null, null, default, expected);

    public static Predicate Text(FieldRef field, PredicateOp op, string text) => new(field, op, [Value.Of(text)], null, null, default, false);

    public static Predicate Matches(FieldRef field, Regex regex) => new(field, PredicateOp.Matches, [], regex, null, default, false);

    public static Predicate InList(FieldRef field, NamedList list) => new(field, PredicateOp.InList, [], null, list, default, false);

    public static Predicate Age(FieldRef field, PredicateOp op, TimeSpan duration) => new(field, op, [], null, null, duration, false);

    public override IEnumerable<FieldRef> Fields() => [Field];

    public override bool Holds(EvaluationScope scope, ref ConditionFailure failure)
    {
        var v = scope.Get(Field);
        if (Evaluate(v, scope.AtTicks))
        {
            return true;
        }

        failure.Node = this;
        failure.Actual = v;
        failure.FirstAlternative = null;
        return false;
    }

    private bool Evaluate(in Value v, long atTicks)
    {
        if (v.IsMissing)
        {
            return Op switch
            {
                PredicateOp.Exists => !ExistsExpected,
                PredicateOp.Ne or PredicateOp.NotIn => true,
                _ => false,
            };
        }

        switch (Op)
        {
            case PredicateOp.Exists:
                return ExistsExpected;
            case PredicateOp.Eq:
                return Value.LooseEquals(v, _operands[0]);
            case PredicateOp.Ne:
                return !Value.LooseEquals(v, _operands[0]);
            case PredicateOp.In:
                return InSet(v);
            case PredicateOp.NotIn:
                return !InSet(v);
            case PredicateOp.Gt:
                return Value.TryCompare(v, _operands[0], out var c1) && c1 > 0;
            case PredicateOp.Gte:
                return Value.TryCompare(v, _operands[0], out var c2) && c2 >= 0;
            case PredicateOp.Lt:
                return Value.TryCompare(v, _operands[0], out var c3) && c3 < 0;
            case PredicateOp.Lte:
                return Value.TryCompare(v, _operands[0], out var c4) && c4 <= 0;
            case PredicateOp.Between:
                return Value.TryCompare(v, _operands[0], out var lo) && lo >= 0 &&
                       Value.TryCompare(v, _operands[1], out var hi) && hi <= 0;
            case PredicateOp.Contains or PredicateOp.StartsWith or PredicateOp.EndsWith or PredicateOp.Matches or PredicateOp.InList:
                return AnyText(v);
            case PredicateOp.OlderThan:
                return v.TryTicks(out var t1) && t1 < atTicks - Duration.Ticks;
            case PredicateOp.NewerThan:
                return v.TryTicks(out var t2) && t2 > atTicks - Duration.Ticks;
            default:
                return false;
        }
    }

    private bool InSet(in Value v)
    {
        if (_stringSet is not null && v.Kind == ValueKind.String)
        {
            return _stringSet.Contains(v.AsString);
        }

        foreach (var o in _operands)
        {
            if (Value.LooseEquals(v, o))
            {
                return true;
            }
        }

        return false;
    }

    private bool AnyText(in Value v)
    {
        if (v.Kind == ValueKind.List)
        {
            foreach (var item in v.AsList)
            {
                if (TextHolds(item))
                {
                    return true;
                }
            }

            return false;
        }

        return TextHolds(v.Kind == ValueKind.String ? v.AsString : v.ToString());
    }

    private bool TextHolds(string s) => Op switch
    {
        PredicateOp.Contains => s.Contains(_operands[0].AsString, StringComparison.OrdinalIgnoreCase),
        PredicateOp.StartsWith => s.StartsWith(_operands[0].AsString, StringComparison.OrdinalIgnoreCase),
        PredicateOp.EndsWith => s.EndsWith(_operands[0].AsString, StringComparison.OrdinalIgnoreCase),
        PredicateOp.Matches => SafeMatch(s),
        PredicateOp.InList => List!.Contains(s),
        _ => false,
    };

    private bool SafeMatch(string s)
    {
        try
        {
            return Regex!.IsMatch(s);
        }
        catch (RegexMatchTimeoutException)
        {
            // A pathological pattern must not stall routing: a timed-out match counts as no match.
            return false;
        }
    }

    public override string DescribeFailure(Value actual) => DescribeFailure(string.Empty, actual, string.Empty);

    // Explanations name the value seen, so a routing rule on a domain or a company formats one text per person: it is
    // built in one buffer, with the operands' texts (fixed per predicate) formatted once.
    internal override string DescribeFailure(string prefix, Value actual, string suffix)
    {
        var text = new DefaultInterpolatedStringHandler(0, 0, CultureInfo.InvariantCulture, stackalloc char[256]);
        text.AppendLiteral(prefix);
        text.AppendLiteral(Field.Path);
        if (actual.IsMissing && Op != PredicateOp.Exists)
        {
            text.AppendLiteral(" is missing");
        }
        else if (Op == PredicateOp.Exists && ExistsExpected)
        {
            text.AppendLiteral(" is missing");
        }
        else
        {
            text.AppendLiteral(" is ");
            AppendValue(ref text, actual);
            switch (Op)
            {
                case PredicateOp.Exists:
                    text.AppendLiteral(", expected it missing");
                    break;
                case PredicateOp.Eq:
                    Append(ref text, ", not ", OperandText(0));
                    break;
                case PredicateOp.In:
                    Append(ref text, ", not one of [", OperandList(), "]");
                    break;
                case PredicateOp.NotIn:
                    Append(ref text, ", one of the excluded [", OperandList(), "]");
                    break;
                case PredicateOp.Gt:
                    Append(ref text, ", not > ", OperandText(0));
                    break;
                case PredicateOp.Gte:
                    Append(ref text, ", not >= ", OperandText(0));
                    break;
                case PredicateOp.Lt:
                    Append(ref text, ", not < ", OperandText(0));
                    break;
                case PredicateOp.Lte:
                    Append(ref text, ", not <= ", OperandText(0));
                    break;
                case PredicateOp.Between:
                    Append(ref text, ", not between ", OperandText(0), " and ");
                    text.AppendLiteral(OperandText(1));
                    break;
                case PredicateOp.Contains:
                    Append(ref text, ", does not contain ", OperandText(0));
                    break;
                case PredicateOp.StartsWith:
                    Append(ref text, ", does not start with ", OperandText(0));
                    break;
                case PredicateOp.EndsWith:
                    Append(ref text, ", does not end with ", OperandText(0));
                    break;
                case PredicateOp.Matches:
                    Append(ref text, ", does not match /", Regex!.ToString(), "/");
                    break;
                case PredicateOp.InList:
                    Append(ref text, ", not in list ", List!.Id);
                    break;
                case PredicateOp.OlderThan:
                    Append(ref text, ", not older than ", Durations.Format(Duration));
                    break;
                case PredicateOp.NewerThan:
                    Append(ref text, ", not newer than ", Durations.Format(Duration));
                    break;
            }
        }

        text.AppendLiteral(suffix);
        return text.ToStringAndClear();
    }

    private static void Append(ref DefaultInterpolatedStringHandler text, string a, string b, string c = "")
    {
        text.AppendLiteral(a);
        text.AppendLiteral(b);
        text.AppendLiteral(c);
    }

    /// <summary>As <see cref="Value.ToString"/> writes it, without the intermediate strings for a quoted text.</summary>
    private static void AppendValue(ref DefaultInterpolatedStringHandler text, Value v)
    {
        if (v.Kind == ValueKind.String)
        {
            text.AppendLiteral("\"");
            text.AppendLiteral(v.AsString);
            text.AppendLiteral("\"");
        }
        else
        {
            text.AppendLiteral(v.ToString());
        }
    }

    private string OperandText(int i) => (_operandTexts ??= Array.ConvertAll(_operands, o => o.ToString()))[i];

    private string OperandList() =>
        _operandList ??= string.Join(", ", _operands.Select(o => o.Kind == ValueKind.String ? o.AsString : o.ToString()));

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Field.Path} {Op}");
}

using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using TheModel.Sync.Core.Conditions;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Benchmarks.Baseline;

/// <summary>
/// Translates compiled Core conditions into RulesEngine lambda expressions (System.Linq.Dynamic.Core syntax) over a
/// <see cref="RoutingInput"/> named <c>input1</c>, keeping the language's semantics (section 5 and 14): a missing
/// field satisfies only <c>exists: false</c>, <c>ne</c> and <c>not_in</c>; string equality ignores case (compared on
/// upper-cased copies); a string compares with a number, boolean or instant by parsing it; <c>older_than</c> and
/// <c>newer_than</c> are strict and relative to T; <c>in_list</c>, <c>matches</c> and long <c>in</c> lists go through
/// the static helpers in <see cref="BLists"/>, <see cref="BRegex"/> and <see cref="BSets"/>.
/// </summary>
internal sealed class ConditionTranslator
{
    private const string In = "input1";
    private const int DynamicKind = -1;

    // Long string operand lists go to a HashSet (Core switches at more than 4; a chain of == is as fast up to about 8).
    private const int SetThreshold = 8;

    private readonly Dictionary<string, int> _personCustom = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _accountCustom = new(StringComparer.Ordinal);
    private readonly Dictionary<NamedList, int> _lists = [];
    private readonly Dictionary<Regex, int> _regexes = [];

    public ConditionTranslator()
    {
        BLists.Clear();
        BRegex.Clear();
        BSets.Clear();
    }

    /// <summary>Custom field names by slot: <c>input1.C[i]</c> is <c>fields.{PersonCustom[i]}</c>.</summary>
    public IReadOnlyList<string> PersonCustom => [.. _personCustom.OrderBy(kv => kv.Value).Select(kv => kv.Key)];

    public IReadOnlyList<string> AccountCustom => [.. _accountCustom.OrderBy(kv => kv.Value).Select(kv => kv.Key)];

    public string Translate(Condition condition) => condition switch
    {
        AllCondition all => all.Items.Count == 0 ? "true" : "(" + string.Join(" && ", all.Items.Select(Translate)) + ")",
        AnyCondition any => any.Items is { Count: > 0 } items ? "(" + string.Join(" || ", items.Select(Translate)) + ")" : "false",
        NotCondition not => "!(" + Translate(not.Inner) + ")",
        Predicate p => Predicate(p),
        _ => throw new NotSupportedException($"condition type {condition.GetType().Name}"),
    };

    /// <summary>How an expression reaches one field: whether it is present, and its views by kind.</summary>
    private sealed record Access(int Kind, string Present, string? Raw, string? S, string? N, string? T, string? B, string? Items, string? RawItems, string? KindExpr);

    private string Predicate(Predicate p)
    {
        var a = AccessOf(p.Field);
        if (p.Op == PredicateOp.Exists)
        {
            return p.ExistsExpected ? "(" + a.Present + ")" : "!(" + a.Present + ")";
        }

        var body = a.Kind == DynamicKind ? DynamicBody(a, p) : Body(a, a.Kind, p);
        return p.Op is PredicateOp.Ne or PredicateOp.NotIn
            ? $"(!({a.Present}) || {body})"
            : $"({a.Present} && {body})";
    }

    /// <summary>A custom field's kind is known only per person: one branch per kind the predicate can hold for.</summary>
    private string DynamicBody(Access a, Predicate p)
    {
        var branches = new List<string>();
        foreach (var kind in new[] { FieldView.StringKind, FieldView.NumberKind, FieldView.BoolKind, FieldView.TimeKind, FieldView.ListKind })
        {
            var body = Body(a, kind, p);
            if (body != "false")
            {
                branches.Add(string.Create(CultureInfo.InvariantCulture, $"({a.KindExpr} == {kind} && {body})"));
            }
        }

        return branches.Count == 0 ? "false" : "(" + string.Join(" || ", branches) + ")";
    }

    /// <summary>The predicate for a present value of a known kind (Ne and NotIn come back negated, ready for the missing case).</summary>
    private string Body(Access a, int kind, Predicate p)
    {
        var ops = p.Operands;
        switch (p.Op)
        {
            case PredicateOp.Eq:
                return Eq(a, kind, ops[0]);
            case PredicateOp.Ne:
                return Not(Eq(a, kind, ops[0]));
            case PredicateOp.In:
                return InSet(a, kind, ops);
            case PredicateOp.NotIn:
                return Not(InSet(a, kind, ops));
            case PredicateOp.Gt:
                return Compare(a, kind, ops[0], ">");
            case PredicateOp.Gte:
                return Compare(a, kind, ops[0], ">=");
            case PredicateOp.Lt:
                return Compare(a, kind, ops[0], "<");
            case PredicateOp.Lte:
                return Compare(a, kind, ops[0], "<=");
            case PredicateOp.Between:
                return And(Compare(a, kind, ops[0], ">="), Compare(a, kind, ops[1], "<="));
            case PredicateOp.OlderThan or PredicateOp.NewerThan:
                var ticks = TicksOf(a, kind);
                if (ticks is null)
                {
                    return "false";
                }

                var cmp = p.Op == PredicateOp.OlderThan ? "<" : ">";
                return string.Create(CultureInfo.InvariantCulture, $"{ticks} {cmp} {In}.AtTicks - {p.Duration.Ticks}");
            default:
                return Text(a, kind, p);
        }
    }

    private static string Not(string e) => e == "false" ? "true" : e == "true" ? "false" : "!(" + e + ")";

    private static string And(string x, string y) => x == "false" || y == "false" ? "false" : $"({x} && {y})";

    private static string Or(IEnumerable<string> items)
    {
        var list = items.Where(i => i != "false").ToList();
        return list.Count == 0 ? "false" : list.Contains("true") ? "true" : list.Count == 1 ? list[0] : "(" + string.Join(" || ", list) + ")";
    }

    private static string InSet(Access a, int kind, IReadOnlyList<Value> operands)
    {
        if (kind == FieldView.StringKind && operands.Count > SetThreshold && operands.All(o => o.Kind == ValueKind.String))
        {
            var set = BSets.Register(operands.Select(o => o.AsString.ToUpperInvariant()));
            return string.Create(CultureInfo.InvariantCulture, $"BSets.Contains({set}, {a.S})");
        }

        return Or(operands.Select(o => Eq(a, kind, o)));
    }

    /// <summary>Value.LooseEquals(value, operand) for a present value of the given kind.</summary>
    private static string Eq(Access a, int kind, Value o)
    {
        switch (kind)
        {
            case FieldView.StringKind:
                return o.Kind switch
                {
                    ValueKind.String => $"{a.S} == {Str(o.AsString.ToUpperInvariant())}",
                    ValueKind.Number => $"{a.N} == {Num(o.AsNumber)}",
                    ValueKind.Bool => $"{a.B} == {Bool(o.AsBool)}",
                    ValueKind.Time => $"{a.T} == {Long(o.UtcTicks)}",
                    _ => "false",
                };
            case FieldView.NumberKind:
                return o.Kind switch
                {
                    ValueKind.Number => $"{a.N} == {Num(o.AsNumber)}",
                    ValueKind.String => o.TryNumber(out var n) ? $"{a.N} == {Num(n)}" : "false",
                    ValueKind.Bool => $"{a.N} == {Num(o.AsBool ? 1 : 0)}",
                    _ => "false",
                };
            case FieldView.BoolKind:
                return o.Kind switch
                {
                    ValueKind.Bool => $"{a.B} == {Bool(o.AsBool)}",
                    ValueKind.String => o.TryBool(out var b) ? $"{a.B} == {Bool(b)}" : "false",
                    ValueKind.Number => o.AsNumber == 1 ? $"{a.B} == true" : o.AsNumber == 0 ? $"{a.B} == false" : "false",
                    _ => "false",
                };
            case FieldView.TimeKind:
                return o.Kind switch
                {
                    ValueKind.Time => $"{a.T} == {Long(o.UtcTicks)}",
                    ValueKind.String => o.TryTicks(out var t) ? $"{a.T} == {Long(t)}" : "false",
                    _ => "false",
                };
            case FieldView.ListKind:
                return o.Kind switch
                {
                    ValueKind.String => $"BConv.AnyEq({a.Items}, {Str(o.AsString.ToUpperInvariant())})",
                    ValueKind.Number => $"BConv.AnyNum({a.RawItems}, {Num(o.AsNumber)})",
                    ValueKind.Bool => $"BConv.AnyBool({a.RawItems}, {Bool(o.AsBool)})",
                    ValueKind.Time => $"BConv.AnyTicks({a.RawItems}, {Long(o.UtcTicks)})",
                    _ => "false",
                };
            default:
                throw new NotSupportedException($"kind {kind}");
        }
    }

    /// <summary>Value.TryCompare(value, operand) OP 0 for a present value of the given kind.</summary>
    private static string Compare(Access a, int kind, Value o, string op)
    {
        if (kind == FieldView.TimeKind || o.Kind == ValueKind.Time)
        {
            var left = TicksOf(a, kind);
            return left is not null && o.TryTicks(out var t) ? $"{left} {op} {Long(t)}" : "false";
        }

        if (kind == FieldView.NumberKind || o.Kind == ValueKind.Number)
        {
            var left = kind is FieldView.StringKind or FieldView.NumberKind or FieldView.BoolKind ? a.N : null;
            return left is not null && o.TryNumber(out var n) ? $"{left} {op} {Num(n)}" : "false";
        }

        return kind == FieldView.StringKind && o.Kind == ValueKind.String
            ? $"BConv.Cmp({a.S}, {Str(o.AsString.ToUpperInvariant())}) {op} 0"
            : "false";
    }

    private static string? TicksOf(Access a, int kind) => kind is FieldView.TimeKind or FieldView.StringKind ? a.T : null;

    /// <summary>contains, starts_with, ends_with (ignoring case), matches, in_list: on the text, or on any item of a list.</summary>
    private string Text(Access a, int kind, Predicate p)
    {
        var operand = p.Op is PredicateOp.Contains or PredicateOp.StartsWith or PredicateOp.EndsWith
            ? Str(p.Operands[0].AsString.ToUpperInvariant())
            : null;
        if (kind == FieldView.ListKind)
        {
            return p.Op switch
            {
                PredicateOp.Contains => $"BConv.AnyHas({a.Items}, {operand})",
                PredicateOp.StartsWith => $"BConv.AnyStarts({a.Items}, {operand})",
                PredicateOp.EndsWith => $"BConv.AnyEnds({a.Items}, {operand})",
                PredicateOp.Matches => string.Create(CultureInfo.InvariantCulture, $"BRegex.AnyMatch({a.RawItems}, {RegexIndex(p.Regex!)})"),
                PredicateOp.InList => string.Create(CultureInfo.InvariantCulture, $"BLists.AnyContains({ListIndex(p.List!)}, {a.RawItems})"),
                _ => throw new NotSupportedException($"operator {p.Op}"),
            };
        }

        if (a.Raw is null || a.S is null)
        {
            throw new NotSupportedException($"{p.Field.Path}: {p.Op} on a {p.Field.Type} field");
        }

        return p.Op switch
        {
            PredicateOp.Contains => kind == FieldView.StringKind && a.Kind != DynamicKind ? $"{a.S}.Contains({operand})" : $"BConv.Has({a.S}, {operand})",
            PredicateOp.StartsWith => $"BConv.Starts({a.S}, {operand})",
            PredicateOp.EndsWith => $"BConv.Ends({a.S}, {operand})",
            PredicateOp.Matches => string.Create(CultureInfo.InvariantCulture, $"BRegex.IsMatch({a.Raw}, {RegexIndex(p.Regex!)})"),
            PredicateOp.InList => string.Create(CultureInfo.InvariantCulture, $"BLists.Contains({ListIndex(p.List!)}, {a.Raw})"),
            _ => throw new NotSupportedException($"operator {p.Op}"),
        };
    }

    private int ListIndex(NamedList list)
    {
        if (!_lists.TryGetValue(list, out var i))
        {
            i = BLists.Register(list.Entries, list.IsDomainList);
            _lists[list] = i;
        }

        return i;
    }

    private int RegexIndex(Regex regex)
    {
        if (!_regexes.TryGetValue(regex, out var i))
        {
            i = BRegex.Register(regex);
            _regexes[regex] = i;
        }

        return i;
    }

    private Access AccessOf(FieldRef field)
    {
        if (field.Scope == FieldScope.Opportunity)
        {
            throw new NotSupportedException($"{field.Path}: opportunity fields need recycle events, which this benchmark does not run");
        }

        if (field.Id == FieldId.Custom)
        {
            var slots = field.Scope == FieldScope.Account ? _accountCustom : _personCustom;
            if (!slots.TryGetValue(field.CustomName!, out var slot))
            {
                slot = slots.Count;
                slots[field.CustomName!] = slot;
            }

            var v = string.Create(CultureInfo.InvariantCulture, $"{In}.{(field.Scope == FieldScope.Account ? "AC" : "C")}[{slot}]");
            return new Access(DynamicKind, $"{v}.K != 0", $"{v}.Raw", $"{v}.S", $"{v}.N", $"{v}.T", $"{v}.B", $"{v}.Items", $"{v}.RawItems", $"{v}.K");
        }

        var p = $"{In}.{InputSlots.PropertyName(field)}";
        var present = $"{p} != null";
        return InputSlots.KindOf(field.Type) switch
        {
            FieldView.StringKind => new Access(FieldView.StringKind, present, p, p + "U", $"BConv.Num({p})", $"BConv.Ticks({p})", $"BConv.Bool({p})", null, null, null),
            FieldView.NumberKind => new Access(FieldView.NumberKind, present, $"BConv.NumText({p})", $"BConv.NumText({p})", p, null, null, null, null, null),
            FieldView.TimeKind => new Access(FieldView.TimeKind, present, null, null, null, p, null, null, null, null),
            FieldView.BoolKind => new Access(FieldView.BoolKind, present, $"({p} == true ? \"true\" : \"false\")", $"({p} == true ? \"TRUE\" : \"FALSE\")",
                $"({p} == true ? 1.0 : 0.0)", null, p, null, null, null),
            _ => new Access(FieldView.ListKind, present, null, null, null, null, null, p + "U", p, null),
        };
    }

    private static string Str(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case < ' ':
                    throw new NotSupportedException("control characters in a string operand");
                default:
                    sb.Append(c);
                    break;
            }
        }

        return sb.Append('"').ToString();
    }

    private static string Num(double n)
    {
        if (!double.IsFinite(n))
        {
            throw new NotSupportedException($"number operand {n}");
        }

        var s = n.ToString("R", CultureInfo.InvariantCulture);
        if (!s.Contains('.', StringComparison.Ordinal) && !s.Contains('E', StringComparison.Ordinal))
        {
            s += ".0";
        }

        return n < 0 ? "(" + s + ")" : s;
    }

    private static string Long(long t) => t.ToString(CultureInfo.InvariantCulture);

    private static string Bool(bool b) => b ? "true" : "false";
}

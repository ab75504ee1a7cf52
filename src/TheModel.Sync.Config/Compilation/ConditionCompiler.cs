using System.Text.RegularExpressions;
using TheModel.Sync.Config.Yaml;
using TheModel.Sync.Core.Conditions;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Config.Compilation;

/// <summary>What a condition may read where it stands, and who is reading (for the messages).</summary>
internal sealed class ConditionRules
{
    public static ConditionRules Default { get; } = new();

    /// <summary>Set where the score is not computed yet (segments, score rules): "segment 'hot'".</summary>
    public string? EarlyReader { get; init; }

    /// <summary>Why the score cannot be read there: "segments are computed before the score".</summary>
    public string? EarlyReason { get; init; }

    /// <summary><c>opportunity.*</c> exists only in recycle rules with <c>on: opportunity_lost</c>.</summary>
    public bool AllowOpportunity { get; init; }

    /// <summary>Receives every predicate compiled (recycle rules collect the reasons they name).</summary>
    public List<Predicate>? Predicates { get; init; }
}

/// <summary>
/// Conditions (section 5): a mapping is the AND of its entries; <c>any</c>, <c>all</c>, <c>not</c> combine; a scalar
/// predicate is <c>eq</c>, a list is <c>in</c>, a mapping is several operators ANDed. Operands are checked against
/// the field's type here, so that evaluation never meets a value it cannot compare.
/// </summary>
internal static class ConditionCompiler
{
    private static readonly string[] OperatorNames =
    [
        "eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "between", "exists", "contains", "starts_with", "ends_with",
        "matches", "in_list", "older_than", "newer_than",
    ];

    private static readonly PredicateOp[] Operators =
    [
        PredicateOp.Eq, PredicateOp.Ne, PredicateOp.In, PredicateOp.NotIn, PredicateOp.Gt, PredicateOp.Gte, PredicateOp.Lt,
        PredicateOp.Lte, PredicateOp.Between, PredicateOp.Exists, PredicateOp.Contains, PredicateOp.StartsWith,
        PredicateOp.EndsWith, PredicateOp.Matches, PredicateOp.InList, PredicateOp.OlderThan, PredicateOp.NewerThan,
    ];

    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    public static Condition? Compile(CompileContext context, YamlNode node, ConditionRules rules)
    {
        if (context.Mapping(node) is not { } mapping)
        {
            return null;
        }

        if (mapping.Entries.Count == 0)
        {
            return Condition.Always;
        }

        var items = new List<Condition>();
        var ok = true;
        foreach (var (key, value) in mapping.Entries)
        {
            var item = key.Text switch
            {
                "any" => Group(context, key, value, rules, any: true),
                "all" => Group(context, key, value, rules, any: false),
                "not" => Compile(context, value, rules) is { } inner ? new NotCondition(inner) : null,
                "<<" => Merge(context, key),
                _ => Field(context, key, value, rules),
            };
            if (item is null)
            {
                ok = false;
            }
            else
            {
                items.Add(item);
            }
        }

        return ok ? new AllCondition(items) : null;
    }

    private static Condition? Merge(CompileContext context, YamlScalar key)
    {
        context.IsMergeKey(key, "condition");
        return null;
    }

    private static Condition? Group(CompileContext context, YamlScalar key, YamlNode value, ConditionRules rules, bool any)
    {
        if (context.Sequence(value) is not { } sequence)
        {
            return null;
        }

        if (sequence.Items.Count == 0)
        {
            context.Error(value, ErrorCodes.WrongShape, $"'{key.Text}' needs at least one condition");
            return null;
        }

        var items = new List<Condition>();
        var ok = true;
        foreach (var item in sequence.Items)
        {
            if (Compile(context, item, rules) is { } condition)
            {
                items.Add(condition);
            }
            else
            {
                ok = false;
            }
        }

        return !ok ? null : any ? new AnyCondition(items) : new AllCondition(items);
    }

    private static Condition? Field(CompileContext context, YamlScalar key, YamlNode value, ConditionRules rules)
    {
        if (FieldNames.Resolve(context, key, key.Text, rules.AllowOpportunity) is not { } field)
        {
            return null;
        }

        if (rules.EarlyReader is not null && field.Scope == FieldScope.Person && field.Id is FieldId.Score or FieldId.Fit or FieldId.Engagement)
        {
            context.Error(key, ErrorCodes.ScoreReadTooEarly, $"{rules.EarlyReader} reads '{key.Text}', but {rules.EarlyReason}");
            return null;
        }

        switch (value)
        {
            case YamlScalar scalar:
                return Collect(rules, Operand(context, field, "eq", scalar) is { } operand ? Predicate.Compare(field, PredicateOp.Eq, operand) : null);
            case YamlSequence sequence:
                return Collect(rules, SetPredicate(context, field, "in", PredicateOp.In, sequence));
            case YamlMapping { Entries.Count: 0 }:
                context.Error(value, ErrorCodes.WrongShape, $"expected a value, a list or operators for '{field.Path}', got an empty mapping");
                return null;
            case YamlMapping operators:
                var predicates = new List<Condition>();
                var ok = true;
                foreach (var (opKey, opValue) in operators.Entries)
                {
                    if (Operator(context, field, opKey, opValue, rules) is { } predicate)
                    {
                        predicates.Add(predicate);
                    }
                    else
                    {
                        ok = false;
                    }
                }

                return !ok ? null : predicates.Count == 1 ? predicates[0] : new AllCondition(predicates);
            default:
                return null;
        }
    }

    private static Predicate? Collect(ConditionRules rules, Predicate? predicate)
    {
        if (predicate is not null)
        {
            rules.Predicates?.Add(predicate);
        }

        return predicate;
    }

    private static Predicate? Operator(CompileContext context, FieldRef field, YamlScalar key, YamlNode value, ConditionRules rules)
    {
        if (key.Text == "<<")
        {
            context.IsMergeKey(key, "condition");
            return null;
        }

        var index = Array.IndexOf(OperatorNames, key.Text);
        if (index < 0)
        {
            context.Error(key, ErrorCodes.UnknownOperator,
                $"unknown operator '{key.Text}' for '{field.Path}'{Suggestions.Hint(key.Text, OperatorNames)}");
            return null;
        }

        var name = key.Text;
        var op = Operators[index];
        return Collect(rules, op switch
        {
            PredicateOp.In or PredicateOp.NotIn => value is YamlSequence sequence
                ? SetPredicate(context, field, name, op, sequence)
                : Mismatch(context, value, $"'{name}' needs a list"),
            PredicateOp.Between => Between(context, field, value),
            PredicateOp.Exists => value is YamlScalar { Kind: ScalarKind.Bool } flag && flag.TryGetBool(out var expected)
                ? Predicate.Exists(field, expected)
                : Mismatch(context, value, "'exists' needs true or false"),
            PredicateOp.Contains or PredicateOp.StartsWith or PredicateOp.EndsWith or PredicateOp.Matches or PredicateOp.InList =>
                TextOperator(context, field, name, op, value),
            PredicateOp.OlderThan or PredicateOp.NewerThan => AgeOperator(context, field, name, op, value),
            _ => Comparison(context, field, name, op, value),
        });
    }

    private static Predicate? Mismatch(CompileContext context, YamlNode at, string message)
    {
        context.Error(at, ErrorCodes.OperandMismatch, message);
        return null;
    }

    private static bool IsOrderable(FieldRef field) => field.Type is FieldType.Number or FieldType.Time or FieldType.String or FieldType.Dynamic;

    private static bool IsTextual(FieldRef field) => field.Type is FieldType.String or FieldType.List or FieldType.Dynamic;

    private static Predicate? Comparison(CompileContext context, FieldRef field, string name, PredicateOp op, YamlNode value)
    {
        if (op is not (PredicateOp.Eq or PredicateOp.Ne) && !IsOrderable(field))
        {
            return Mismatch(context, value, $"'{name}' on '{field.Path}' needs a number, timestamp or string field");
        }

        if (value is not YamlScalar scalar)
        {
            return Mismatch(context, value, $"'{name}' needs a single value, got {CompileContext.Describe(value)}");
        }

        return Operand(context, field, name, scalar) is { } operand ? Predicate.Compare(field, op, operand) : null;
    }

    private static Predicate? SetPredicate(CompileContext context, FieldRef field, string name, PredicateOp op, YamlSequence sequence)
    {
        var operands = new List<Value>();
        var ok = true;
        foreach (var item in sequence.Items)
        {
            if (item is not YamlScalar scalar)
            {
                Mismatch(context, item, $"'{name}' needs a list of values, got {CompileContext.Describe(item)} in it");
                ok = false;
            }
            else if (Operand(context, field, name, scalar) is { } operand)
            {
                operands.Add(operand);
            }
            else
            {
                ok = false;
            }
        }

        return ok ? Predicate.Set(field, op, operands) : null;
    }

    private static Predicate? Between(CompileContext context, FieldRef field, YamlNode value)
    {
        if (!IsOrderable(field))
        {
            return Mismatch(context, value, $"'between' on '{field.Path}' needs a number, timestamp or string field");
        }

        if (value is not YamlSequence { Items.Count: 2 } pair || pair.Items[0] is not YamlScalar lowNode || pair.Items[1] is not YamlScalar highNode)
        {
            return Mismatch(context, value, "'between' needs a list of two values [low, high]");
        }

        var low = Operand(context, field, "between", lowNode);
        var high = Operand(context, field, "between", highNode);
        if (low is not { } lo || high is not { } hi)
        {
            return null;
        }

        if (Value.TryCompare(lo, hi, out var order) && order > 0)
        {
            return Mismatch(context, value, $"'between' needs low <= high, got [{lowNode.Text}, {highNode.Text}]");
        }

        return Predicate.Between(field, lo, hi);
    }

    private static Predicate? TextOperator(CompileContext context, FieldRef field, string name, PredicateOp op, YamlNode value)
    {
        if (!IsTextual(field))
        {
            return Mismatch(context, value, $"'{name}' on '{field.Path}' needs a string field");
        }

        if (value is not YamlScalar { IsNull: false } scalar)
        {
            return value is YamlScalar
                ? Mismatch(context, value, "null is not a value to compare with; use { exists: false }")
                : Mismatch(context, value, $"'{name}' needs a single value, got {CompileContext.Describe(value)}");
        }

        switch (op)
        {
            case PredicateOp.Matches:
                try
                {
                    return Predicate.Matches(field, new Regex(scalar.Text, RegexOptions.CultureInvariant | RegexOptions.Compiled, MatchTimeout));
                }
                catch (ArgumentException e)
                {
                    context.Error(value, ErrorCodes.BadRegex, $"invalid regular expression '{scalar.Text}': {e.Message}");
                    return null;
                }

            case PredicateOp.InList:
                return context.Resolve(context.Lists, value, ErrorCodes.UnknownList, out var list) && list is not null
                    ? Predicate.InList(field, list)
                    : null;
            default:
                return Predicate.Text(field, op, scalar.Text);
        }
    }

    private static Predicate? AgeOperator(CompileContext context, FieldRef field, string name, PredicateOp op, YamlNode value)
    {
        if (field.Type is not (FieldType.Time or FieldType.Dynamic))
        {
            return Mismatch(context, value, $"'{name}' on '{field.Path}' needs a timestamp field");
        }

        return context.Duration(value) is { } duration ? Predicate.Age(field, op, duration) : null;
    }

    /// <summary>One operand, typed by its field: numbers on number fields, timestamps on time fields, known names on names.</summary>
    private static Value? Operand(CompileContext context, FieldRef field, string name, YamlScalar scalar)
    {
        if (scalar.IsNull)
        {
            context.Error(scalar, ErrorCodes.OperandMismatch, "null is not a value to compare with; use { exists: false }");
            return null;
        }

        var text = scalar.Text;
        switch (field.Type)
        {
            case FieldType.Number:
                if (CompileContext.TryNumber(scalar, out var number))
                {
                    return Value.Of(number);
                }

                context.Error(scalar, ErrorCodes.OperandMismatch, $"'{name}' on '{field.Path}' needs a number, got '{text}'");
                return null;
            case FieldType.Bool:
                if (scalar.Kind == ScalarKind.Bool && scalar.TryGetBool(out var flag))
                {
                    return Value.Of(flag);
                }

                context.Error(scalar, ErrorCodes.OperandMismatch, $"'{name}' on '{field.Path}' needs true or false, got '{text}'");
                return null;
            case FieldType.Time:
                if (Timestamps.TryParse(text, out var time))
                {
                    return Value.Of(time);
                }

                context.Error(scalar, ErrorCodes.OperandMismatch, $"'{name}' on '{field.Path}' needs a timestamp, got '{text}'");
                return null;
            case FieldType.Stage:
                return TeamCompiler.StageName(context, scalar) is { } stage ? Value.Of(stage.Name()) : null;
            case FieldType.Dynamic:
                return scalar.Kind switch
                {
                    ScalarKind.Int or ScalarKind.Float when CompileContext.TryNumber(scalar, out var n) => Value.Of(n),
                    ScalarKind.Bool when scalar.TryGetBool(out var b) => Value.Of(b),
                    _ => Value.Of(text),
                };
            default:
                return CheckName(context, field, scalar) ? Value.Of(text) : null;
        }
    }

    /// <summary>Fields whose values are names the config defines: owners, account types, segments.</summary>
    private static bool CheckName(CompileContext context, FieldRef field, YamlScalar scalar)
    {
        var text = scalar.Text;
        switch (field.Id)
        {
            case FieldId.Owner when field.Scope != FieldScope.Opportunity:
            case FieldId.PreviousOwners:
                if (context.Members.Contains(text) || context.Queues.Contains(text) || text == "external")
                {
                    return true;
                }

                var owners = context.Members.Ids.Concat(context.Queues.Ids).Append("external");
                context.Error(scalar, ErrorCodes.UnknownMember,
                    $"unknown owner '{text}'; owners are member ids, queue keys or external{Suggestions.Hint(text, owners)}");
                return false;
            case FieldId.AccountType:
                if (Account.Types.Contains(text, StringComparer.Ordinal))
                {
                    return true;
                }

                context.Error(scalar, ErrorCodes.UnknownValue, CompileContext.UnknownChoice("account type", text, Account.Types));
                return false;
            case FieldId.Segment:
                if (context.Segments.Contains(text))
                {
                    return true;
                }

                var hint = string.Equals(text, "none", StringComparison.OrdinalIgnoreCase)
                    ? "; a person without a segment has none: use { exists: false }"
                    : Suggestions.Hint(text, context.Segments.Ids);
                context.Error(scalar, ErrorCodes.UnknownSegment, $"unknown segment '{text}'{hint}");
                return false;
            default:
                return true;
        }
    }
}

using System.Text.RegularExpressions;
using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Simulators.Salesforce.Soql;

/// <summary>
/// A query checked against the org's schema: the selected fields in their canonical names, a filter and an order.
/// Filter semantics follow SOQL: text compares ignoring case, ids compare ordinally in their 18-character form
/// (15-character literals are widened), <c>!=</c> and <c>NOT IN</c> also match empty fields, and range operators
/// never match an empty field.
/// </summary>
internal sealed class SoqlPlan
{
    private const string CustomFieldHint =
        "If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.";

    private readonly Func<IReadOnlyDictionary<string, object?>, bool> _filter;
    private readonly RowComparer _comparer;

    private SoqlPlan(
        ObjectDef sobject,
        IReadOnlyList<FieldDef> select,
        Func<IReadOnlyDictionary<string, object?>, bool> filter,
        RowComparer comparer,
        int? limit)
    {
        Object = sobject;
        Select = select;
        _filter = filter;
        _comparer = comparer;
        Limit = limit;
    }

    public ObjectDef Object { get; }

    public IReadOnlyList<FieldDef> Select { get; }

    public int? Limit { get; }

    /// <exception cref="SoqlException">An unknown object or field, a literal of the wrong type, or an operator the field does not support.</exception>
    public static SoqlPlan Bind(SoqlQuery query, Func<string, ObjectDef?> findObject)
    {
        var sobject = findObject(query.From.Name) ?? throw SoqlException.At(query.Text, query.From.Offset, "INVALID_TYPE",
            $"sObject type '{query.From.Name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.");

        var select = new List<FieldDef>();
        foreach (var name in query.Select)
        {
            var field = Field(query, sobject, name);
            if (select.Contains(field))
            {
                throw SoqlException.At(query.Text, name.Offset, "MALFORMED_QUERY", $"duplicate field selected: {field.Name}");
            }

            select.Add(field);
        }

        var filter = query.Where is null ? (_ => true) : Compile(query, sobject, query.Where);
        var keys = query.OrderBy.Select(o => (Field(query, sobject, o.Field), o.Descending, o.NullsFirst)).ToList();
        return new SoqlPlan(sobject, select, filter, new RowComparer(keys), query.Limit);
    }

    /// <summary>The matching rows in query order, cut to the LIMIT.</summary>
    public List<T> Run<T>(IEnumerable<T> rows, Func<T, IReadOnlyDictionary<string, object?>> fields)
    {
        var matching = rows.Where(r => _filter(fields(r)));
        if (_comparer.HasKeys)
        {
            matching = matching.OrderBy(fields, _comparer).ToList();
        }

        if (Limit is { } limit)
        {
            matching = matching.Take(limit);
        }

        return [.. matching];
    }

    private static FieldDef Field(SoqlQuery query, ObjectDef sobject, SoqlName name)
    {
        if (name.Name.Contains('.', StringComparison.Ordinal))
        {
            var relationship = name.Name[..name.Name.IndexOf('.', StringComparison.Ordinal)];
            throw SoqlException.At(query.Text, name.Offset, "INVALID_FIELD",
                $"Didn't understand relationship '{relationship}' in field path. The simulator does not follow relationships; select the id field instead.");
        }

        return sobject.Find(name.Name) ?? throw SoqlException.At(query.Text, name.Offset, "INVALID_FIELD",
            $"No such column '{name.Name}' on entity '{sobject.Name}'. {CustomFieldHint}");
    }

    private static Func<IReadOnlyDictionary<string, object?>, bool> Compile(SoqlQuery query, ObjectDef sobject, SoqlCondition condition)
    {
        switch (condition)
        {
            case SoqlAnd and:
            {
                var terms = and.Terms.Select(t => Compile(query, sobject, t)).ToArray();
                return row => terms.All(t => t(row));
            }

            case SoqlOr or:
            {
                var terms = or.Terms.Select(t => Compile(query, sobject, t)).ToArray();
                return row => terms.Any(t => t(row));
            }

            case SoqlNot not:
            {
                var term = Compile(query, sobject, not.Term);
                return row => !term(row);
            }

            case SoqlComparison comparison:
                return CompileComparison(query, sobject, comparison);
            case SoqlIn list:
            {
                var field = Field(query, sobject, list.Field);
                var values = list.Values.Select(v => Literal(query, field, v)).ToArray();
                return row =>
                {
                    var value = row.GetValueOrDefault(field.Name);
                    var found = values.Any(v => v is null ? value is null : value is not null && Compare(field, value, v) == 0);
                    return found != list.Negated;
                };
            }

            default:
                throw new InvalidOperationException($"Unhandled condition {condition.GetType().Name}.");
        }
    }

    private static Func<IReadOnlyDictionary<string, object?>, bool> CompileComparison(SoqlQuery query, ObjectDef sobject, SoqlComparison comparison)
    {
        var field = Field(query, sobject, comparison.Field);
        var op = comparison.Operator;
        if (op == "LIKE")
        {
            if (field.Type is not (SalesforceFieldType.Text or SalesforceFieldType.Any or SalesforceFieldType.Id or SalesforceFieldType.Reference)
                || comparison.Value.Kind != SoqlLiteralKind.String)
            {
                throw SoqlException.At(query.Text, comparison.Value.Offset, "INVALID_QUERY_FILTER_OPERATOR",
                    $"invalid operator on {TypeName(field)} field: LIKE ({field.Name})");
            }

            var pattern = LikePattern((string)comparison.Value.Value!);
            return row => row.GetValueOrDefault(field.Name) is string text && pattern.IsMatch(text);
        }

        if (field.Type == SalesforceFieldType.Boolean && op is not ("=" or "!="))
        {
            throw SoqlException.At(query.Text, comparison.Value.Offset, "INVALID_QUERY_FILTER_OPERATOR",
                $"invalid operator on boolean field: {op} ({field.Name})");
        }

        var literal = Literal(query, field, comparison.Value);
        return op switch
        {
            "=" => row => literal is null
                ? row.GetValueOrDefault(field.Name) is null
                : row.GetValueOrDefault(field.Name) is { } v && Compare(field, v, literal) == 0,
            "!=" => row => literal is null
                ? row.GetValueOrDefault(field.Name) is not null
                : row.GetValueOrDefault(field.Name) is not { } v || Compare(field, v, literal) is not 0,
            _ => row => literal is not null && row.GetValueOrDefault(field.Name) is { } v && Compare(field, v, literal) is { } c && op switch
            {
                "<" => c < 0,
                "<=" => c <= 0,
                ">" => c > 0,
                _ => c >= 0,
            },
        };
    }

    /// <summary>The literal as a stored value of the field's type; ids widened to 18 characters.</summary>
    private static object? Literal(SoqlQuery query, FieldDef field, SoqlLiteral literal)
    {
        if (literal.Kind == SoqlLiteralKind.Null)
        {
            return null;
        }

        var expected = field.Type switch
        {
            SalesforceFieldType.Id or SalesforceFieldType.Reference or SalesforceFieldType.Text => SoqlLiteralKind.String,
            SalesforceFieldType.Boolean => SoqlLiteralKind.Boolean,
            SalesforceFieldType.Integer or SalesforceFieldType.Number => SoqlLiteralKind.Number,
            SalesforceFieldType.Date => SoqlLiteralKind.Date,
            SalesforceFieldType.DateTime => SoqlLiteralKind.DateTime,
            _ => literal.Kind,
        };
        if (literal.Kind != expected)
        {
            var quoted = expected == SoqlLiteralKind.String ? "be" : "not be";
            throw SoqlException.At(query.Text, literal.Offset, "INVALID_QUERY_FILTER_OPERATOR",
                $"value of filter criterion for field '{field.Name}' must be of type {TypeName(field)} and should {quoted} enclosed in quotes");
        }

        if (field.IsIdLike)
        {
            var text = (string)literal.Value!;
            if (text.Length == 0)
            {
                return text;
            }

            if (!SalesforceIds.TryCanonical(text, out var id))
            {
                throw SoqlException.At(query.Text, literal.Offset, "INVALID_QUERY_FILTER_OPERATOR", $"invalid ID field: {text}");
            }

            return id;
        }

        return literal.Value;
    }

    internal static int? Compare(FieldDef field, object value, object literal) => (value, literal) switch
    {
        (string a, string b) => field.IsIdLike ? string.CompareOrdinal(a, b) : string.Compare(a, b, StringComparison.OrdinalIgnoreCase),
        (long a, long b) => a.CompareTo(b),
        (long a, decimal b) => ((decimal)a).CompareTo(b),
        (decimal a, long b) => a.CompareTo(b),
        (decimal a, decimal b) => a.CompareTo(b),
        (bool a, bool b) => a.CompareTo(b),
        (DateOnly a, DateOnly b) => a.CompareTo(b),
        (DateTimeOffset a, DateTimeOffset b) => a.CompareTo(b),
        (string a, DateTimeOffset b) when SalesforceValues.TryParseDateTime(a, out var parsed) => parsed.CompareTo(b),
        (string a, DateOnly b) when SalesforceValues.TryParseDate(a, out var parsed) => parsed.CompareTo(b),
        _ => null,
    };

    private static string TypeName(FieldDef field) => field.Type switch
    {
        SalesforceFieldType.Id or SalesforceFieldType.Reference => "id",
        SalesforceFieldType.Boolean => "boolean",
        SalesforceFieldType.Integer => "integer",
        SalesforceFieldType.Number => "double",
        SalesforceFieldType.Date => "date",
        SalesforceFieldType.DateTime => "dateTime",
        _ => "string",
    };

    private static Regex LikePattern(string pattern)
    {
        var regex = new System.Text.StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length && pattern[i + 1] is '%' or '_')
            {
                regex.Append(Regex.Escape(pattern[++i].ToString()));
            }
            else
            {
                regex.Append(c switch
                {
                    '%' => ".*",
                    '_' => ".",
                    _ => Regex.Escape(c.ToString()),
                });
            }
        }

        return new Regex(regex.Append('$').ToString(), RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant);
    }

    private sealed class RowComparer(List<(FieldDef Field, bool Descending, bool NullsFirst)> keys)
        : IComparer<IReadOnlyDictionary<string, object?>>
    {
        public bool HasKeys => keys.Count > 0;

        public int Compare(IReadOnlyDictionary<string, object?>? x, IReadOnlyDictionary<string, object?>? y)
        {
            foreach (var (field, descending, nullsFirst) in keys)
            {
                var a = x?.GetValueOrDefault(field.Name);
                var b = y?.GetValueOrDefault(field.Name);
                int result;
                if (a is null || b is null)
                {
                    result = a is null ? (b is null ? 0 : (nullsFirst ? -1 : 1)) : (nullsFirst ? 1 : -1);
                }
                else
                {
                    result = SoqlPlan.Compare(field, a, b) ?? string.CompareOrdinal(a.ToString(), b.ToString());
                    if (descending)
                    {
                        result = -result;
                    }
                }

                if (result != 0)
                {
                    return result;
                }
            }

            return 0;
        }
    }
}

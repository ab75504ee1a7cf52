namespace TheModel.Sync.Simulators.Salesforce.Soql;

/// <summary>A parsed query of the SOQL subset the simulator serves.</summary>
internal sealed record SoqlQuery(
    string Text,
    IReadOnlyList<SoqlName> Select,
    SoqlName From,
    SoqlCondition? Where,
    IReadOnlyList<SoqlOrder> OrderBy,
    int? Limit);

/// <summary>A field or object name with its offset in the query text, for error messages that point at it.</summary>
internal sealed record SoqlName(string Name, int Offset);

internal abstract record SoqlCondition;

internal sealed record SoqlAnd(IReadOnlyList<SoqlCondition> Terms) : SoqlCondition;

internal sealed record SoqlOr(IReadOnlyList<SoqlCondition> Terms) : SoqlCondition;

internal sealed record SoqlNot(SoqlCondition Term) : SoqlCondition;

/// <summary><c>Field op literal</c>; <see cref="Operator"/> is one of <c>= != &lt; &lt;= &gt; &gt;= LIKE</c> (<c>&lt;&gt;</c> is read as <c>!=</c>).</summary>
internal sealed record SoqlComparison(SoqlName Field, string Operator, SoqlLiteral Value) : SoqlCondition;

internal sealed record SoqlIn(SoqlName Field, bool Negated, IReadOnlyList<SoqlLiteral> Values) : SoqlCondition;

internal enum SoqlLiteralKind : byte
{
    String,
    Number,
    Boolean,
    Null,
    Date,
    DateTime,
}

/// <summary>A literal: string, decimal, bool, null, <see cref="DateOnly"/> or UTC <see cref="DateTimeOffset"/>.</summary>
internal sealed record SoqlLiteral(SoqlLiteralKind Kind, object? Value, int Offset, string Text);

internal sealed record SoqlOrder(SoqlName Field, bool Descending, bool NullsFirst);

/// <summary>A query the org refuses: <c>MALFORMED_QUERY</c>, <c>INVALID_FIELD</c>, <c>INVALID_TYPE</c> or <c>INVALID_QUERY_FILTER_OPERATOR</c>.</summary>
internal sealed class SoqlException(string errorCode, string message) : Exception(message)
{
    public string ErrorCode { get; } = errorCode;

    /// <summary>The real API echoes the query with a caret under the offending token, then the reason.</summary>
    public static SoqlException At(string query, int offset, string errorCode, string reason)
    {
        var row = 1;
        var lineStart = 0;
        for (var i = 0; i < offset && i < query.Length; i++)
        {
            if (query[i] == '\n')
            {
                row++;
                lineStart = i + 1;
            }
        }

        var column = offset - lineStart + 1;
        var lineEnd = query.IndexOf('\n', lineStart);
        var line = lineEnd < 0 ? query[lineStart..] : query[lineStart..lineEnd];
        var caret = new string(' ', Math.Max(0, column - 1)) + "^";
        return new SoqlException(errorCode, $"\n{line}\n{caret}\nERROR at Row:{row}:Column:{column}\n{reason}");
    }
}

using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace TheModel.Sync.Simulators.Salesforce.Soql;

/// <summary>
/// Parses <c>SELECT f1, f2 FROM Obj [WHERE cond] [ORDER BY f [ASC|DESC] [NULLS FIRST|LAST], ...] [LIMIT n]</c>, where
/// cond combines <c>= != &lt;&gt; &lt; &lt;= &gt; &gt;= LIKE</c>, <c>[NOT] IN (...)</c>, <c>AND</c>, <c>OR</c>, <c>NOT</c> and
/// parentheses. Like SOQL, AND and OR may not be mixed at one level without parentheses. Anything else is
/// <c>MALFORMED_QUERY</c>. Names are checked later, against the org's schema.
/// </summary>
internal sealed partial class SoqlParser
{
    // Words that cannot be a field or object name here; Group stays usable as the sObject it is.
    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "SELECT", "FROM", "WHERE", "ORDER", "BY", "LIMIT", "AND", "OR", "NOT", "IN", "LIKE", "ASC", "DESC", "NULLS",
        "TRUE", "FALSE", "NULL",
    };

    private readonly string _text;
    private readonly List<Token> _tokens;
    private int _position;

    private SoqlParser(string text)
    {
        _text = text;
        _tokens = Tokenize(text);
    }

    private enum TokenKind : byte
    {
        Identifier,
        String,
        Number,
        Date,
        DateTime,
        Comma,
        LeftParen,
        RightParen,
        Operator,
        End,
    }

    public static SoqlQuery Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new SoqlParser(text).ParseQuery();
    }

    private Token Current => _tokens[_position];

    private SoqlQuery ParseQuery()
    {
        ExpectKeyword("SELECT");
        var select = new List<SoqlName> { ExpectName() };
        while (Current.Kind == TokenKind.Comma)
        {
            _position++;
            select.Add(ExpectName());
        }

        ExpectKeyword("FROM");
        var from = ExpectName();
        SoqlCondition? where = null;
        if (IsKeyword("WHERE"))
        {
            _position++;
            where = ParseCondition();
        }

        var orderBy = new List<SoqlOrder>();
        if (IsKeyword("ORDER"))
        {
            _position++;
            ExpectKeyword("BY");
            orderBy.Add(ParseOrder());
            while (Current.Kind == TokenKind.Comma)
            {
                _position++;
                orderBy.Add(ParseOrder());
            }
        }

        int? limit = null;
        if (IsKeyword("LIMIT"))
        {
            _position++;
            var token = Current;
            if (token.Kind != TokenKind.Number
                || !int.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                throw Unexpected(token);
            }

            _position++;
            limit = value;
        }

        if (Current.Kind != TokenKind.End)
        {
            throw Unexpected(Current);
        }

        return new SoqlQuery(_text, select, from, where, orderBy, limit);
    }

    private SoqlOrder ParseOrder()
    {
        var field = ExpectName();
        var descending = false;
        if (IsKeyword("ASC") || IsKeyword("DESC"))
        {
            descending = IsKeyword("DESC");
            _position++;
        }

        var nullsFirst = !descending;
        if (IsKeyword("NULLS"))
        {
            _position++;
            if (!IsKeyword("FIRST") && !IsKeyword("LAST"))
            {
                throw Unexpected(Current);
            }

            nullsFirst = IsKeyword("FIRST");
            _position++;
        }

        return new SoqlOrder(field, descending, nullsFirst);
    }

    private SoqlCondition ParseCondition()
    {
        var first = ParseUnary();
        string? connector = null;
        var terms = new List<SoqlCondition> { first };
        while (IsKeyword("AND") || IsKeyword("OR"))
        {
            var word = Current.Text.ToUpperInvariant();
            if (connector is not null && connector != word)
            {
                // SOQL needs parentheses to mix AND and OR: "a AND b OR c" is ambiguous and refused.
                throw Unexpected(Current);
            }

            connector = word;
            _position++;
            terms.Add(ParseUnary());
        }

        return connector switch
        {
            null => first,
            "AND" => new SoqlAnd(terms),
            _ => new SoqlOr(terms),
        };
    }

    private SoqlCondition ParseUnary()
    {
        if (IsKeyword("NOT"))
        {
            _position++;
            return new SoqlNot(ParseUnary());
        }

        if (Current.Kind == TokenKind.LeftParen)
        {
            _position++;
            var inner = ParseCondition();
            Expect(TokenKind.RightParen);
            return inner;
        }

        var field = ExpectName();
        var token = Current;
        if (token.Kind == TokenKind.Operator)
        {
            _position++;
            var op = token.Text == "<>" ? "!=" : token.Text;
            return new SoqlComparison(field, op, ParseLiteral());
        }

        if (IsKeyword("LIKE"))
        {
            _position++;
            return new SoqlComparison(field, "LIKE", ParseLiteral());
        }

        var negated = false;
        if (IsKeyword("NOT"))
        {
            negated = true;
            _position++;
        }

        if (!IsKeyword("IN"))
        {
            throw Unexpected(Current);
        }

        _position++;
        Expect(TokenKind.LeftParen);
        var values = new List<SoqlLiteral> { ParseLiteral() };
        while (Current.Kind == TokenKind.Comma)
        {
            _position++;
            values.Add(ParseLiteral());
        }

        Expect(TokenKind.RightParen);
        return new SoqlIn(field, negated, values);
    }

    private SoqlLiteral ParseLiteral()
    {
        var token = Current;
        _position++;
        switch (token.Kind)
        {
            case TokenKind.String:
                return new SoqlLiteral(SoqlLiteralKind.String, token.Value, token.Offset, token.Text);
            case TokenKind.Number:
                return new SoqlLiteral(SoqlLiteralKind.Number, token.Value, token.Offset, token.Text);
            case TokenKind.Date:
                return new SoqlLiteral(SoqlLiteralKind.Date, token.Value, token.Offset, token.Text);
            case TokenKind.DateTime:
                return new SoqlLiteral(SoqlLiteralKind.DateTime, token.Value, token.Offset, token.Text);
            case TokenKind.Identifier when token.Text.Equals("TRUE", StringComparison.OrdinalIgnoreCase):
                return new SoqlLiteral(SoqlLiteralKind.Boolean, true, token.Offset, token.Text);
            case TokenKind.Identifier when token.Text.Equals("FALSE", StringComparison.OrdinalIgnoreCase):
                return new SoqlLiteral(SoqlLiteralKind.Boolean, false, token.Offset, token.Text);
            case TokenKind.Identifier when token.Text.Equals("NULL", StringComparison.OrdinalIgnoreCase):
                return new SoqlLiteral(SoqlLiteralKind.Null, null, token.Offset, token.Text);
            default:
                _position--;
                throw Unexpected(token);
        }
    }

    private SoqlName ExpectName()
    {
        var token = Current;
        if (token.Kind != TokenKind.Identifier || Keywords.Contains(token.Text))
        {
            throw Unexpected(token);
        }

        _position++;
        return new SoqlName(token.Text, token.Offset);
    }

    private void ExpectKeyword(string keyword)
    {
        if (!IsKeyword(keyword))
        {
            throw Unexpected(Current);
        }

        _position++;
    }

    private void Expect(TokenKind kind)
    {
        if (Current.Kind != kind)
        {
            throw Unexpected(Current);
        }

        _position++;
    }

    private bool IsKeyword(string keyword) =>
        Current.Kind == TokenKind.Identifier && Current.Text.Equals(keyword, StringComparison.OrdinalIgnoreCase);

    private SoqlException Unexpected(Token token) => token.Kind == TokenKind.End
        ? SoqlException.At(_text, Math.Max(0, _text.Length - 1), "MALFORMED_QUERY", "unexpected token: <EOF>")
        : SoqlException.At(_text, token.Offset, "MALFORMED_QUERY", $"unexpected token: '{token.Text}'");

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            var start = i;
            if (char.IsAsciiLetter(c) || c == '_')
            {
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '.'))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Identifier, text[start..i], null, start));
                continue;
            }

            if (char.IsAsciiDigit(c) || (c == '-' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                tokens.Add(ReadNumberOrDate(text, ref i));
                continue;
            }

            switch (c)
            {
                case '\'':
                    tokens.Add(ReadString(text, ref i));
                    continue;
                case ',':
                    tokens.Add(new Token(TokenKind.Comma, ",", null, i++));
                    continue;
                case '(':
                    tokens.Add(new Token(TokenKind.LeftParen, "(", null, i++));
                    continue;
                case ')':
                    tokens.Add(new Token(TokenKind.RightParen, ")", null, i++));
                    continue;
                case '=':
                    tokens.Add(new Token(TokenKind.Operator, "=", null, i++));
                    continue;
                case '!' when i + 1 < text.Length && text[i + 1] == '=':
                    tokens.Add(new Token(TokenKind.Operator, "!=", null, i));
                    i += 2;
                    continue;
                case '<' or '>':
                    var op = i + 1 < text.Length && (text[i + 1] == '=' || (c == '<' && text[i + 1] == '>'))
                        ? text.Substring(i, 2)
                        : c.ToString();
                    tokens.Add(new Token(TokenKind.Operator, op, null, i));
                    i += op.Length;
                    continue;
            }

            throw SoqlException.At(text, i, "MALFORMED_QUERY", $"unexpected token: '{c}'");
        }

        tokens.Add(new Token(TokenKind.End, string.Empty, null, text.Length));
        return tokens;
    }

    private static Token ReadNumberOrDate(string text, ref int i)
    {
        var start = i;
        var dateTime = DateTimeAt().Match(text, i);
        if (dateTime.Success)
        {
            i += dateTime.Length;
            if (!SalesforceValues.TryBuildDateTime(dateTime, out var value) || EndsInWordCharacter(text, i))
            {
                throw SoqlException.At(text, start, "MALFORMED_QUERY", $"line 1:{start} no viable alternative at character '{text[start]}'");
            }

            return new Token(TokenKind.DateTime, dateTime.Value, value, start);
        }

        var date = DateAt().Match(text, i);
        if (date.Success && !EndsInWordCharacter(text, i + date.Length))
        {
            i += date.Length;
            if (!SalesforceValues.TryBuildDate(date, out var value))
            {
                throw SoqlException.At(text, start, "MALFORMED_QUERY", $"unexpected token: '{date.Value}'");
            }

            return new Token(TokenKind.Date, date.Value, value, start);
        }

        var number = NumberAt().Match(text, i);
        i += number.Length;
        if (EndsInWordCharacter(text, i))
        {
            var end = i;
            while (end < text.Length && !char.IsWhiteSpace(text[end]) && text[end] is not (',' or ')'))
            {
                end++;
            }

            throw SoqlException.At(text, start, "MALFORMED_QUERY", $"unexpected token: '{text[start..end]}'");
        }

        return new Token(TokenKind.Number, number.Value, decimal.Parse(number.Value, NumberStyles.Float, CultureInfo.InvariantCulture), start);
    }

    private static bool EndsInWordCharacter(string text, int i) =>
        i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or ':' or '-' or '+' or '.');

    private static Token ReadString(string text, ref int i)
    {
        var start = i;
        var value = new StringBuilder();
        i++;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\'')
            {
                i++;
                return new Token(TokenKind.String, text[start..i], value.ToString(), start);
            }

            if (c == '\\')
            {
                if (i + 1 >= text.Length)
                {
                    break;
                }

                var escaped = text[i + 1];
                value.Append(escaped switch
                {
                    'n' => "\n",
                    'r' => "\r",
                    't' => "\t",
                    'b' => "\b",
                    'f' => "\f",
                    '\'' or '"' or '\\' => escaped.ToString(),
                    // LIKE keeps its escaped wildcards escaped; the matcher reads them.
                    '%' or '_' => "\\" + escaped,
                    _ => throw SoqlException.At(text, i, "MALFORMED_QUERY",
                        $"Invalid string literal '{text[start..Math.Min(text.Length, i + 2)]}'. Illegal character sequence '\\{escaped}' in string literal."),
                });
                i += 2;
                continue;
            }

            value.Append(c);
            i++;
        }

        throw SoqlException.At(text, start, "MALFORMED_QUERY", $"unexpected token: '{text[start..]}' (the string is not closed)");
    }

    [GeneratedRegex(@"\G" + SalesforceValues.DateTimePattern, RegexOptions.CultureInvariant)]
    private static partial Regex DateTimeAt();

    [GeneratedRegex(@"\G" + SalesforceValues.DatePattern, RegexOptions.CultureInvariant)]
    private static partial Regex DateAt();

    [GeneratedRegex(@"\G-?[0-9]+(\.[0-9]+)?", RegexOptions.CultureInvariant)]
    private static partial Regex NumberAt();

    private readonly record struct Token(TokenKind Kind, string Text, object? Value, int Offset);
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace TheModel.Sync.Simulators.Salesforce;

/// <summary>
/// Field values as the org stores them (string, bool, long, decimal, <see cref="DateOnly"/>, UTC <see cref="DateTimeOffset"/>)
/// and their JSON, SOAP and SOQL forms.
/// </summary>
internal static partial class SalesforceValues
{
    /// <summary>What SOQL and JSON writes accept: <c>2024-05-01T12:00:00Z</c>, optional fraction, <c>Z</c>, <c>+hh:mm</c> or <c>+hhmm</c>.</summary>
    public const string DateTimePattern = @"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})";

    public const string DatePattern = @"(\d{4})-(\d{2})-(\d{2})";

    public static string FormatDateTime(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture);

    public static string FormatDate(DateOnly value) => value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Timestamps the org stamps itself have whole seconds, so equal SystemModstamps are common, as in a real org.</summary>
    public static DateTimeOffset TruncateToSeconds(DateTimeOffset value) =>
        new(value.UtcTicks - (value.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    public static bool TryParseDateTime(string text, out DateTimeOffset value)
    {
        var match = WholeDateTime().Match(text);
        return TryBuildDateTime(match, out value);
    }

    public static bool TryBuildDateTime(Match match, out DateTimeOffset value)
    {
        value = default;
        if (!match.Success)
        {
            return false;
        }

        try
        {
            var zone = match.Groups[8].Value;
            var offset = TimeSpan.Zero;
            if (zone != "Z")
            {
                var digits = zone.Replace(":", string.Empty, StringComparison.Ordinal);
                offset = new TimeSpan(Int(digits.AsSpan(1, 2)), Int(digits.AsSpan(3, 2)), 0);
                if (zone[0] == '-')
                {
                    offset = -offset;
                }
            }

            var local = new DateTimeOffset(
                Int(match.Groups[1].ValueSpan), Int(match.Groups[2].ValueSpan), Int(match.Groups[3].ValueSpan),
                Int(match.Groups[4].ValueSpan), Int(match.Groups[5].ValueSpan), Int(match.Groups[6].ValueSpan), offset);
            var fraction = match.Groups[7].Value;
            if (fraction.Length > 0)
            {
                // Salesforce keeps milliseconds; anything finer is dropped.
                var millis = Int(fraction.PadRight(3, '0').AsSpan(0, 3));
                local = local.AddMilliseconds(millis);
            }

            value = local.ToUniversalTime();
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    public static bool TryParseDate(string text, out DateOnly value)
    {
        value = default;
        var match = WholeDate().Match(text);
        return match.Success && TryBuildDate(match, out value);
    }

    public static bool TryBuildDate(Match match, out DateOnly value)
    {
        value = default;
        try
        {
            value = new DateOnly(Int(match.Groups[1].ValueSpan), Int(match.Groups[2].ValueSpan), Int(match.Groups[3].ValueSpan));
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    /// <summary>The REST JSON form of a stored value.</summary>
    public static JsonNode? ToJson(FieldDef field, object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        long l => field.Type == SalesforceFieldType.Number ? JsonValue.Create(WithDecimalPoint(l)) : JsonValue.Create(l),
        decimal d => field.Type == SalesforceFieldType.Integer && d == decimal.Truncate(d)
            ? JsonValue.Create((long)d)
            : JsonValue.Create(field.Type == SalesforceFieldType.Number ? WithDecimalPoint(d) : d),
        DateOnly date => JsonValue.Create(FormatDate(date)),
        DateTimeOffset time => JsonValue.Create(FormatDateTime(time)),
        _ => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };

    /// <summary>The text of a stored value inside an Outbound Message (SOAP datetimes end in <c>Z</c>).</summary>
    public static string ToSoapText(object value) => value switch
    {
        bool b => b ? "true" : "false",
        DateOnly date => FormatDate(date),
        DateTimeOffset time => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    /// <summary>
    /// The stored value for a JSON value written through the API. Id and reference values stay raw text: they are
    /// checked per record later. A value of the wrong shape fails the whole request, as Salesforce's deserializer does.
    /// </summary>
    /// <exception cref="RestException">JSON_PARSER_ERROR for a value the field's type cannot hold.</exception>
    public static object? FromJson(FieldDef field, JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }

        if (node is not JsonValue value)
        {
            throw ParserError(field, node.ToJsonString(), node is JsonArray ? "START_ARRAY" : "START_OBJECT");
        }

        var kind = value.GetValueKind();
        var raw = kind == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
        var token = kind switch
        {
            JsonValueKind.String => "VALUE_STRING",
            JsonValueKind.Number => raw.Contains('.', StringComparison.Ordinal) ? "VALUE_NUMBER_FLOAT" : "VALUE_NUMBER_INT",
            _ => kind == JsonValueKind.True ? "VALUE_TRUE" : "VALUE_FALSE",
        };

        switch (field.Type)
        {
            case SalesforceFieldType.Id:
            case SalesforceFieldType.Reference:
            case SalesforceFieldType.Text:
                return raw;
            case SalesforceFieldType.Boolean:
                if (kind is JsonValueKind.True or JsonValueKind.False)
                {
                    return kind == JsonValueKind.True;
                }

                if (kind == JsonValueKind.String && bool.TryParse(raw, out var flag))
                {
                    return flag;
                }

                break;
            case SalesforceFieldType.Integer:
                if (kind is JsonValueKind.Number or JsonValueKind.String
                    && long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
                {
                    return whole;
                }

                break;
            case SalesforceFieldType.Number:
                if (kind is JsonValueKind.Number or JsonValueKind.String
                    && decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                {
                    return number;
                }

                break;
            case SalesforceFieldType.Date:
                if (kind == JsonValueKind.String && TryParseDate(raw, out var date))
                {
                    return date;
                }

                break;
            case SalesforceFieldType.DateTime:
                if (kind == JsonValueKind.String && TryParseDateTime(raw, out var time))
                {
                    return time;
                }

                break;
            case SalesforceFieldType.Any:
                return kind switch
                {
                    JsonValueKind.String => raw,
                    JsonValueKind.Number => decimal.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture),
                    _ => kind == JsonValueKind.True,
                };
        }

        throw ParserError(field, raw, token);
    }

    /// <summary>The stored value for a value given by a test or the sandbox (seeding, UI edits).</summary>
    /// <exception cref="ArgumentException">The value does not fit the field's type.</exception>
    public static object? FromClr(string sobject, FieldDef field, object? value)
    {
        object? result = (field.Type, value) switch
        {
            (_, null) => null,
            (SalesforceFieldType.Id or SalesforceFieldType.Reference, string id) =>
                Core.Model.SalesforceIds.TryCanonical(id, out var canonical) ? canonical : null,
            (SalesforceFieldType.Text, string s) => s,
            (SalesforceFieldType.Text, IFormattable f) => f.ToString(null, CultureInfo.InvariantCulture),
            (SalesforceFieldType.Boolean, bool b) => b,
            (SalesforceFieldType.Boolean, string s) when bool.TryParse(s, out var b) => b,
            (SalesforceFieldType.Integer, int i) => (long)i,
            (SalesforceFieldType.Integer, long l) => l,
            (SalesforceFieldType.Integer, decimal d) when d == decimal.Truncate(d) => (long)d,
            (SalesforceFieldType.Integer, string s) when long.TryParse(s, CultureInfo.InvariantCulture, out var l) => l,
            (SalesforceFieldType.Number or SalesforceFieldType.Any, int i) => (decimal)i,
            (SalesforceFieldType.Number or SalesforceFieldType.Any, long l) => (decimal)l,
            (SalesforceFieldType.Number or SalesforceFieldType.Any, decimal d) => d,
            (SalesforceFieldType.Number or SalesforceFieldType.Any, double d) => (decimal)d,
            (SalesforceFieldType.Number, string s) when decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            (SalesforceFieldType.Date, DateOnly d) => d,
            (SalesforceFieldType.Date, DateTimeOffset t) => DateOnly.FromDateTime(t.UtcDateTime),
            (SalesforceFieldType.Date, string s) when TryParseDate(s, out var d) => d,
            (SalesforceFieldType.DateTime or SalesforceFieldType.Any, DateTimeOffset t) => t.ToUniversalTime(),
            (SalesforceFieldType.DateTime or SalesforceFieldType.Any, DateTime t) => new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)),
            (SalesforceFieldType.DateTime, string s) when TryParseDateTime(s, out var t) => t,
            (SalesforceFieldType.Any, string s) => s,
            (SalesforceFieldType.Any, bool b) => b,
            (SalesforceFieldType.Any, DateOnly d) => d,
            _ => throw new ArgumentException(
                $"{sobject}.{field.Name} is {field.Type}; cannot store {value.GetType().Name} value '{value}'.", nameof(value)),
        };

        if (result is null && value is not null)
        {
            throw new ArgumentException($"{sobject}.{field.Name} must be a 15- or 18-character id, was '{value}'.", nameof(value));
        }

        return result;
    }

    private static decimal WithDecimalPoint(decimal value) => value.Scale == 0 ? value * 1.0m : value;

    private static int Int(ReadOnlySpan<char> digits) => int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);

    private static RestException ParserError(FieldDef field, string raw, string token)
    {
        var typeName = field.Type switch
        {
            SalesforceFieldType.Boolean => "boolean",
            SalesforceFieldType.Integer => "int",
            SalesforceFieldType.Number => "double",
            SalesforceFieldType.Date => "date",
            SalesforceFieldType.DateTime => "datetime",
            _ => "string",
        };
        return new RestException(400, "JSON_PARSER_ERROR",
            $"Cannot deserialize instance of {typeName} from {token} value {raw} or request may be missing a required field");
    }

    [GeneratedRegex("^" + DateTimePattern + "$", RegexOptions.CultureInvariant)]
    private static partial Regex WholeDateTime();

    [GeneratedRegex("^" + DatePattern + "$", RegexOptions.CultureInvariant)]
    private static partial Regex WholeDate();
}

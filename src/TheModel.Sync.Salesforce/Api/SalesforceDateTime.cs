using System.Globalization;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Salesforce.Api;

/// <summary>Salesforce dateTime text: REST writes <c>2013-05-20T20:49:32.000+0000</c> (offset without a colon, facts S-1).</summary>
internal static class SalesforceDateTime
{
    /// <summary>An unquoted SOQL dateTime literal in UTC with milliseconds, e.g. <c>2024-05-01T12:00:00.000Z</c> (facts S-3).</summary>
    public static string ToSoqlLiteral(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Parses a dateTime with its offset in any of <c>+0000</c>, <c>+00:00</c> or <c>Z</c> form; a date-only value is refused.</summary>
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        if (text is null || text.Length < 20 || text[10] != 'T')
        {
            return false;
        }

        // "+0000" → "+00:00": Core's parser (like ISO 8601's extended form) wants the colon.
        if (text.Length >= 24 && text[^5] is '+' or '-' && char.IsAsciiDigit(text[^4]) && char.IsAsciiDigit(text[^1]) && text[^3] != ':')
        {
            text = string.Concat(text.AsSpan(0, text.Length - 2), ":", text.AsSpan(text.Length - 2));
        }

        return Timestamps.TryParse(text, out value);
    }
}

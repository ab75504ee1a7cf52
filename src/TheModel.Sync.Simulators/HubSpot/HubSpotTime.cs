using System.Globalization;

namespace TheModel.Sync.Simulators.HubSpot;

/// <summary>HubSpot's date-time text: ISO 8601 in UTC with milliseconds (<c>2024-05-02T09:30:12.345Z</c>).</summary>
internal static class HubSpotTime
{
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Reads epoch milliseconds (as HubSpot accepts in writes and filters) or an ISO 8601 date or date-time (UTC unless it says otherwise).</summary>
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms))
        {
            if (ms < -62_135_596_800_000 || ms > 253_402_300_799_999)
            {
                return false;
            }

            value = DateTimeOffset.FromUnixTimeMilliseconds(ms);
            return true;
        }

        // ISO text starts with a four-digit year and a dash; free text that DateTimeOffset would guess at is not a date.
        if (text.Length < 10 || text[4] != '-')
        {
            return false;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
    }
}

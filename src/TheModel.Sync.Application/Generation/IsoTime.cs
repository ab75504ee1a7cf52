using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Application.Generation;

/// <summary>The zone a generated record's timestamps are written in.</summary>
internal enum Zone : byte
{
    Utc,
    Tokyo,
    NewYork,
}

/// <summary>
/// Instants as Unix seconds, written as ISO 8601 with the offset of the record's zone (<c>2026-11-29T10:15:00+09:00</c>,
/// <c>2026-07-01T09:00:00-04:00</c>, <c>2026-11-29T01:15:00Z</c>). Integer arithmetic only, so the text is the same on
/// every machine and no time-zone database is consulted.
/// </summary>
internal static class IsoTime
{
    public const long Minute = 60;
    public const long Hour = 3600;
    public const long Day = 86_400;

    /// <summary>Marks a missing instant.</summary>
    public const long None = long.MinValue;

    /// <summary>The longest text <see cref="Format"/> writes.</summary>
    public const int MaxLength = 25;

    public static Zone ZoneOf(string? country) => country switch
    {
        "JP" => Zone.Tokyo,
        "US" => Zone.NewYork,
        _ => Zone.Utc,
    };

    /// <summary>The offset from UTC in minutes at an instant: Tokyo +9h; New York -5h, -4h under US daylight saving.</summary>
    public static int OffsetMinutes(long unixSeconds, Zone zone) => zone switch
    {
        Zone.Tokyo => 9 * 60,
        Zone.NewYork => IsUsDaylightSaving(unixSeconds) ? -4 * 60 : -5 * 60,
        _ => 0,
    };

    /// <summary>Writes the instant and returns the number of characters written (at most <see cref="MaxLength"/>).</summary>
    public static int Format(long unixSeconds, Zone zone, Span<char> destination) =>
        Timestamps.Format(DateTimeOffset.FromUnixTimeSeconds(unixSeconds).ToOffset(TimeSpan.FromMinutes(OffsetMinutes(unixSeconds, zone))), destination);

    public static string Format(long unixSeconds, Zone zone)
    {
        Span<char> buffer = stackalloc char[MaxLength];
        var n = Format(unixSeconds, zone, buffer);
        return new string(buffer[..n]);
    }

    /// <summary>Local midnight of the instant's local date in its zone, as Unix seconds (for dates such as close dates).</summary>
    public static long StartOfLocalDay(long unixSeconds, Zone zone)
    {
        var offset = OffsetMinutes(unixSeconds, zone) * Minute;
        var days = FloorDiv(unixSeconds + offset, Day);
        var midnightLocal = days * Day;
        var result = midnightLocal - offset;

        // The offset at midnight can differ from the one at the instant (daylight saving): settle on midnight's own.
        return midnightLocal - (OffsetMinutes(result, zone) * Minute);
    }

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    /// <summary>US rule since 2007: from the second Sunday of March 2:00 EST to the first Sunday of November 2:00 EDT.</summary>
    private static bool IsUsDaylightSaving(long unixSeconds)
    {
        var (year, _, _) = CivilFromDays(FloorDiv(unixSeconds - (5 * Hour), Day));
        var march = DaysFromCivil(year, 3, 1);
        var start = ((march + ((7 - Weekday(march)) % 7) + 7) * Day) + (7 * Hour);
        var november = DaysFromCivil(year, 11, 1);
        var end = ((november + ((7 - Weekday(november)) % 7)) * Day) + (6 * Hour);
        return unixSeconds >= start && unixSeconds < end;
    }

    /// <summary>0 = Sunday.</summary>
    private static int Weekday(long days) => (int)(((days % 7) + 11) % 7);

    // Howard Hinnant's civil calendar algorithms (proleptic Gregorian, days since 1970-01-01).
    internal static (int Year, int Month, int Day) CivilFromDays(long z)
    {
        z += 719_468;
        var era = (z >= 0 ? z : z - 146_096) / 146_097;
        var doe = z - (era * 146_097);
        var yoe = (doe - (doe / 1460) + (doe / 36_524) - (doe / 146_096)) / 365;
        var y = yoe + (era * 400);
        var doy = doe - ((365 * yoe) + (yoe / 4) - (yoe / 100));
        var mp = ((5 * doy) + 2) / 153;
        var d = doy - (((153 * mp) + 2) / 5) + 1;
        var m = mp < 10 ? mp + 3 : mp - 9;
        return ((int)(y + (m <= 2 ? 1 : 0)), (int)m, (int)d);
    }

    internal static long DaysFromCivil(int year, int month, int day)
    {
        long y = month <= 2 ? year - 1 : year;
        var era = (y >= 0 ? y : y - 399) / 400;
        var yoe = y - (era * 400);
        var doy = ((153 * (month > 2 ? month - 3 : month + 9)) + 2) / 5 + day - 1;
        var doe = (yoe * 365) + (yoe / 4) - (yoe / 100) + doy;
        return (era * 146_097) + doe - 719_468;
    }
}

using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace TheModel.Sync.Core.Calendars;

/// <summary>
/// Parsing helpers for the calendar parts of the config. Each returns false with a message meant for the
/// operator who wrote the config (quoting their text), never an exception; on success the message is empty.
/// </summary>
public static class CalendarParsing
{
    private const string DayList = "mon, tue, wed, thu, fri, sat, sun";

    // Monday first: ranges such as mon-fri run in this order, and wrapping past sun is refused.
    private static readonly string[] DayKeys = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

    private static readonly DayOfWeek[] WeekOrder =
    [
        DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday,
        DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday,
    ];

    /// <summary>
    /// Parses "HH:MM-HH:MM", e.g. "09:00-18:00". "24:00" is allowed as the end only, and the end must be after
    /// the start; an overnight shift is two ranges on consecutive days.
    /// </summary>
    public static bool TryParseTimeRange(string text, out TimeRange range, out string error)
    {
        range = default;
        var quoted = text ?? string.Empty;
        var parts = quoted.Split('-');
        if (parts.Length != 2
            || !TryParseClock(parts[0].Trim(), out var start)
            || !TryParseClock(parts[1].Trim(), out var end))
        {
            error = $"invalid time range '{quoted}': expected HH:MM-HH:MM, e.g. 09:00-18:00";
            return false;
        }

        if (start == TimeRange.EndOfDay)
        {
            error = $"invalid time range '{quoted}': 24:00 can only end a range, e.g. 18:00-24:00";
            return false;
        }

        if (end < start)
        {
            error = $"time range '{quoted}' ends before it starts; split an overnight shift into "
                + $"{TimeRange.Format(start)}-24:00 and 00:00-{TimeRange.Format(end)}";
            return false;
        }

        if (end == start)
        {
            error = $"time range '{quoted}' is empty; its end must be after its start";
            return false;
        }

        range = new TimeRange(start, end);
        error = string.Empty;
        return true;
    }

    /// <summary>
    /// Parses day keys: "mon".."sun", ranges such as "mon-fri" (not wrapping past sun), and comma lists of
    /// either, case-insensitively. The days come back once each, Monday first.
    /// </summary>
    public static bool TryParseDays(string text, out IReadOnlyList<DayOfWeek> days, out string error)
    {
        days = [];
        var quoted = text ?? string.Empty;
        var chosen = new bool[7];
        foreach (var rawItem in quoted.Split(','))
        {
            var item = rawItem.Trim();
            var bounds = item.Split('-');
            if (item.Length == 0 || bounds.Length > 2 || Array.Exists(bounds, bound => bound.Trim().Length == 0))
            {
                error = $"invalid days '{quoted}': expected a day such as mon, a range such as mon-fri, or a list such as mon,wed,fri";
                return false;
            }

            var first = bounds[0].Trim();
            var last = bounds[^1].Trim();
            if (!TryParseDayKey(first, out var from, out error) || !TryParseDayKey(last, out var to, out error))
            {
                return false;
            }

            if (to < from)
            {
                error = $"day range '{item}' wraps past sun; write it as {DayRangeText(from, 6)},{DayRangeText(0, to)}";
                return false;
            }

            for (var index = from; index <= to; index++)
            {
                chosen[index] = true;
            }
        }

        var result = new List<DayOfWeek>(7);
        for (var index = 0; index < 7; index++)
        {
            if (chosen[index])
            {
                result.Add(WeekOrder[index]);
            }
        }

        days = result.AsReadOnly();
        error = string.Empty;
        return true;
    }

    /// <summary>Parses an ISO date "2026-12-28" or an inclusive range "2026-12-28..2027-01-04".</summary>
    public static bool TryParseDateOrRange(string text, out DateRange range, out string error)
    {
        range = default;
        var quoted = text ?? string.Empty;
        var separator = quoted.IndexOf("..", StringComparison.Ordinal);
        var firstText = (separator < 0 ? quoted : quoted[..separator]).Trim();
        var lastText = (separator < 0 ? quoted : quoted[(separator + 2)..]).Trim();

        if (!TryParseDate(firstText, out var first, out error) || !TryParseDate(lastText, out var last, out error))
        {
            return false;
        }

        if (last < first)
        {
            error = $"date range '{quoted}' ends before it starts";
            return false;
        }

        range = new DateRange(first, last);
        error = string.Empty;
        return true;
    }

    /// <summary>Finds a time zone by its IANA name, e.g. "Asia/Tokyo". Windows names are refused so configs stay portable.</summary>
    public static bool TryFindZone(string id, [MaybeNullWhen(false)] out TimeZoneInfo zone, out string error)
    {
        zone = null;
        var quoted = id ?? string.Empty;

        // The id becomes a path under the zoneinfo folder, so anything but an IANA-shaped name is refused first.
        if (IsIanaShaped(quoted)
            && TimeZoneInfo.TryFindSystemTimeZoneById(quoted, out var found)
            && found.HasIanaId)
        {
            zone = found;
            error = string.Empty;
            return true;
        }

        error = $"unknown time zone '{quoted}'; use an IANA name such as Asia/Tokyo or America/New_York";
        return false;
    }

    private static bool TryParseClock(string text, out TimeSpan time)
    {
        time = default;
        if (text.Length != 5 || text[2] != ':'
            || !IsDigit(text[0]) || !IsDigit(text[1]) || !IsDigit(text[3]) || !IsDigit(text[4]))
        {
            return false;
        }

        var hours = ((text[0] - '0') * 10) + (text[1] - '0');
        var minutes = ((text[3] - '0') * 10) + (text[4] - '0');
        if (minutes > 59 || hours > 24 || (hours == 24 && minutes != 0))
        {
            return false;
        }

        time = new TimeSpan(hours, minutes, 0);
        return true;
    }

    private static bool IsDigit(char c) => c is >= '0' and <= '9';

    private static bool TryParseDayKey(string key, out int index, out string error)
    {
        for (index = 0; index < DayKeys.Length; index++)
        {
            if (string.Equals(DayKeys[index], key, StringComparison.OrdinalIgnoreCase))
            {
                error = string.Empty;
                return true;
            }
        }

        index = -1;
        error = $"unknown day '{key}'; days are {DayList}";
        return false;
    }

    private static string DayRangeText(int from, int to) =>
        from == to ? DayKeys[from] : $"{DayKeys[from]}-{DayKeys[to]}";

    private static bool TryParseDate(string text, out DateOnly date, out string error)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            error = string.Empty;
            return true;
        }

        error = $"invalid date '{text}': expected YYYY-MM-DD";
        return false;
    }

    private static bool IsIanaShaped(string id)
    {
        if (id.Length == 0 || id[0] == '/' || id[^1] == '/' || id.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '/' or '_' or '-' or '+'))
            {
                return false;
            }
        }

        return true;
    }
}

using System.Collections.ObjectModel;

namespace TheModel.Sync.Core.Calendars;

/// <summary>
/// Working hours in one time zone: weekly intervals of local time, minus holidays.
/// Immutable and safe to share between threads.
/// </summary>
/// <remarks>
/// A local interval [start, end) on a date is the real span from the instant of its start to the
/// instant of its end, so an interval that contains a clock change has its real length. A start or
/// end that falls in a spring-forward gap is the first instant after the gap; one that falls in a
/// repeated fall-back hour is its first occurrence.
/// </remarks>
public sealed class BusinessCalendar
{
    private const long TicksPerDay = TimeSpan.TicksPerDay;

    // Deadlines further out than this are treated as never reached instead of being searched for forever.
    private const int SearchDays = 3653;

    // Keeps date arithmetic one day clear of DateOnly/DateTime limits (intervals may end at 24:00).
    private static readonly int FirstUsableDay = DateOnly.MinValue.DayNumber + 2;
    private static readonly int LastUsableDay = DateOnly.MaxValue.DayNumber - 2;

    // Indexed by (int)DayOfWeek; each day's ranges sorted by start, overlaps merged.
    private readonly TimeRange[][] _hours;
    private readonly ReadOnlyCollection<TimeRange>[] _hoursView;

    // Merged holiday ranges as DayNumbers, sorted by start, for a binary search that does not allocate.
    private readonly int[] _holidayStarts;
    private readonly int[] _holidayEnds;

    public BusinessCalendar(
        string id,
        TimeZoneInfo zone,
        IReadOnlyDictionary<DayOfWeek, IReadOnlyList<TimeRange>> weeklyHours,
        IReadOnlyList<DateRange> holidays)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(weeklyHours);
        ArgumentNullException.ThrowIfNull(holidays);

        Id = id;
        Zone = zone;

        _hours = new TimeRange[7][];
        Array.Fill(_hours, []);
        foreach (var (day, ranges) in weeklyHours)
        {
            if (!Enum.IsDefined(day))
            {
                throw new ArgumentException($"calendar '{id}': {(int)day} is not a day of the week", nameof(weeklyHours));
            }

            _hours[(int)day] = NormalizeHours(id, day, ranges ?? []);
        }

        _hoursView = Array.ConvertAll(_hours, ranges => new ReadOnlyCollection<TimeRange>(ranges));
        HasWorkingHours = Array.Exists(_hours, ranges => ranges.Length > 0);

        var merged = NormalizeHolidays(id, holidays);
        Holidays = merged.AsReadOnly();
        _holidayStarts = Array.ConvertAll(merged, range => range.Start.DayNumber);
        _holidayEnds = Array.ConvertAll(merged, range => range.End.DayNumber);
    }

    public string Id { get; }

    public TimeZoneInfo Zone { get; }

    /// <summary>False when no weekday has any interval: such a calendar is never working.</summary>
    public bool HasWorkingHours { get; }

    /// <summary>Holidays sorted by start, with overlapping or adjacent ranges merged.</summary>
    public IReadOnlyList<DateRange> Holidays { get; }

    /// <summary>The intervals of a weekday, sorted by start, with overlapping or touching intervals merged.</summary>
    public IReadOnlyList<TimeRange> HoursOn(DayOfWeek day) =>
        Enum.IsDefined(day) ? _hoursView[(int)day] : throw new ArgumentOutOfRangeException(nameof(day));

    /// <summary>The date in the calendar's zone.</summary>
    public DateOnly LocalDate(DateTimeOffset instant) =>
        DateOnly.FromDayNumber((int)(ZoneClock.LocalTicks(Zone, instant.UtcTicks) / TicksPerDay));

    public bool IsHoliday(DateOnly localDate) => IsHolidayDay(localDate.DayNumber);

    /// <summary>
    /// True when the instant is inside some interval of its local weekday and its local date is not a holiday.
    /// Called in hot loops: it does not allocate and costs two offset look-ups.
    /// </summary>
    public bool IsWorkingAt(DateTimeOffset instant)
    {
        if (!HasWorkingHours)
        {
            return false;
        }

        var utc = instant.UtcTicks;
        var offset = ZoneClock.OffsetAt(Zone, utc);

        // Only the second pass through a repeated (fall-back) hour can make the wall clock disagree with
        // the real intervals, and that needs the offset to have dropped within the last day.
        if (ZoneClock.OffsetAt(Zone, utc - TicksPerDay) > offset)
        {
            return IsWorkingExact(utc);
        }

        var local = Math.Clamp(utc + offset, 0, DateTime.MaxValue.Ticks);
        var dayNumber = (int)(local / TicksPerDay);
        var timeOfDay = local % TicksPerDay;
        var ranges = _hours[WeekdayIndex(dayNumber)];
        foreach (var range in ranges)
        {
            if (timeOfDay < range.Start.Ticks)
            {
                return false;
            }

            if (timeOfDay < range.End.Ticks)
            {
                return !IsHolidayDay(dayNumber);
            }
        }

        return false;
    }

    /// <summary>
    /// Adds <paramref name="duration"/> of working time to <paramref name="start"/>. Outside working hours the
    /// clock starts at the next working interval; the result is the instant at which that much working time
    /// has elapsed (an interval's end when the time runs out exactly there), in the calendar's offset.
    /// Elapsed time is real time, so intervals that contain a clock change count their real length.
    /// </summary>
    /// <returns>Null when the calendar has no working hours, or the deadline lies more than about ten years out.</returns>
    public DateTimeOffset? AddWorkingTime(DateTimeOffset start, TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        if (!HasWorkingHours)
        {
            return null;
        }

        var cursor = start.UtcTicks;
        var remaining = duration.Ticks;

        // Earlier dates need no look: their intervals end by this date's midnight, which is never after start.
        var startDay = Math.Max((int)(ZoneClock.LocalTicks(Zone, cursor) / TicksPerDay), FirstUsableDay);
        var lastDay = Math.Min(startDay + SearchDays, LastUsableDay);

        for (var day = startDay; day <= lastDay; day++)
        {
            var ranges = _hours[WeekdayIndex(day)];
            if (ranges.Length == 0 || IsHolidayDay(day))
            {
                continue;
            }

            var midnight = day * TicksPerDay;
            foreach (var range in ranges)
            {
                var end = ZoneClock.ToUtcTicks(Zone, midnight + range.End.Ticks);
                if (end <= cursor)
                {
                    continue;
                }

                var from = Math.Max(cursor, ZoneClock.ToUtcTicks(Zone, midnight + range.Start.Ticks));
                var available = end - from;
                if (remaining <= available)
                {
                    return ToZoned(from + remaining);
                }

                remaining -= available;
                cursor = end;
            }
        }

        return null;
    }

    private bool IsWorkingExact(long utc)
    {
        // Earlier dates' intervals end by this date's midnight, which is not after the instant; the next date's
        // can only have opened already if the clock was turned back across midnight, so it is checked too.
        var localDay = Math.Max((int)(ZoneClock.LocalTicks(Zone, utc) / TicksPerDay), FirstUsableDay);
        var lastDay = Math.Min(localDay + 1, LastUsableDay);
        for (var day = localDay; day <= lastDay; day++)
        {
            if (IsHolidayDay(day))
            {
                continue;
            }

            var midnight = day * TicksPerDay;
            foreach (var range in _hours[WeekdayIndex(day)])
            {
                if (ZoneClock.ToUtcTicks(Zone, midnight + range.Start.Ticks) > utc)
                {
                    break;
                }

                if (utc < ZoneClock.ToUtcTicks(Zone, midnight + range.End.Ticks))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private bool IsHolidayDay(int dayNumber)
    {
        var starts = _holidayStarts;
        if (starts.Length == 0)
        {
            return false;
        }

        var index = Array.BinarySearch(starts, dayNumber);
        if (index >= 0)
        {
            return true;
        }

        // Not a start: the only candidate is the last range starting before the day.
        var candidate = ~index - 1;
        return candidate >= 0 && _holidayEnds[candidate] >= dayNumber;
    }

    private DateTimeOffset? ToZoned(long utcTicks)
    {
        if (utcTicks < 0 || utcTicks > DateTime.MaxValue.Ticks)
        {
            return null;
        }

        var offset = ZoneClock.OffsetAt(Zone, utcTicks);
        var local = utcTicks + offset;

        // DateTimeOffset only holds whole-minute offsets (old local mean times have seconds); fall back to UTC.
        if (offset % TimeSpan.TicksPerMinute != 0 || local < 0 || local > DateTime.MaxValue.Ticks)
        {
            return new DateTimeOffset(utcTicks, TimeSpan.Zero);
        }

        return new DateTimeOffset(local, TimeSpan.FromTicks(offset));
    }

    // DayNumber 0 (0001-01-01) was a Monday.
    private static int WeekdayIndex(int dayNumber) => (dayNumber + 1) % 7;

    private static TimeRange[] NormalizeHours(string id, DayOfWeek day, IReadOnlyList<TimeRange> ranges)
    {
        var sorted = new List<TimeRange>(ranges.Count);
        foreach (var range in ranges)
        {
            if (!range.IsValid)
            {
                throw new ArgumentException(
                    $"calendar '{id}': time range {range} on {day} must lie within 00:00-24:00 and end after it starts",
                    "weeklyHours");
            }

            sorted.Add(range);
        }

        sorted.Sort((a, b) => a.Start.CompareTo(b.Start));

        // Touching intervals merge too, so one stretch of work is never split at a seam.
        var merged = new List<TimeRange>(sorted.Count);
        foreach (var range in sorted)
        {
            if (merged.Count > 0 && range.Start <= merged[^1].End)
            {
                var last = merged[^1];
                merged[^1] = last with { End = range.End > last.End ? range.End : last.End };
            }
            else
            {
                merged.Add(range);
            }
        }

        return [.. merged];
    }

    private static DateRange[] NormalizeHolidays(string id, IReadOnlyList<DateRange> holidays)
    {
        var sorted = new List<DateRange>(holidays.Count);
        foreach (var range in holidays)
        {
            if (range.End < range.Start)
            {
                throw new ArgumentException($"calendar '{id}': holiday {range} ends before it starts", nameof(holidays));
            }

            sorted.Add(range);
        }

        sorted.Sort((a, b) => a.Start.CompareTo(b.Start));

        var merged = new List<DateRange>(sorted.Count);
        foreach (var range in sorted)
        {
            if (merged.Count > 0 && range.Start.DayNumber <= merged[^1].End.DayNumber + 1)
            {
                var last = merged[^1];
                merged[^1] = last with { End = range.End > last.End ? range.End : last.End };
            }
            else
            {
                merged.Add(range);
            }
        }

        return [.. merged];
    }
}

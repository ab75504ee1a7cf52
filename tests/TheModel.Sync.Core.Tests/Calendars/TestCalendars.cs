using System.Globalization;
using TheModel.Sync.Core.Calendars;

namespace TheModel.Sync.Core.Tests.Calendars;

/// <summary>Calendars built directly (not through CalendarParsing) so calendar tests do not depend on the parser.</summary>
internal static class TestCalendars
{
    public static readonly TimeZoneInfo Tokyo = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");
    public static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    public static readonly DayOfWeek[] Weekdays =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    public static readonly DayOfWeek[] EveryDay = Enum.GetValues<DayOfWeek>();

    /// <summary>mon-fri 09:00-18:00 in Asia/Tokyo; year-end break 2026-12-29..2027-01-03 and 2027-01-11 off.</summary>
    public static BusinessCalendar TokyoOffice() => Create(
        Tokyo,
        Weekdays,
        [Hours(9, 0, 18, 0)],
        new DateRange(new DateOnly(2026, 12, 29), new DateOnly(2027, 1, 3)),
        new DateRange(new DateOnly(2027, 1, 11), new DateOnly(2027, 1, 11)));

    /// <summary>mon-fri 09:00-17:00 in America/New_York; 2026-07-03 and 2026-11-26 off.</summary>
    public static BusinessCalendar NewYorkOffice() => Create(
        NewYork,
        Weekdays,
        [Hours(9, 0, 17, 0)],
        new DateRange(new DateOnly(2026, 7, 3), new DateOnly(2026, 7, 3)),
        new DateRange(new DateOnly(2026, 11, 26), new DateOnly(2026, 11, 26)));

    /// <summary>The same interval every day of the week in America/New_York, so DST Sundays are working days.</summary>
    public static BusinessCalendar NewYorkDaily(int startHour, int startMinute, int endHour, int endMinute) =>
        Create(NewYork, EveryDay, [Hours(startHour, startMinute, endHour, endMinute)]);

    public static BusinessCalendar Create(
        TimeZoneInfo zone,
        IEnumerable<DayOfWeek> days,
        IReadOnlyList<TimeRange> ranges,
        params DateRange[] holidays)
    {
        var hours = days.ToDictionary(day => day, _ => ranges);
        return new BusinessCalendar("test", zone, hours, holidays);
    }

    public static TimeRange Hours(int startHour, int startMinute, int endHour, int endMinute) =>
        new(new TimeSpan(startHour, startMinute, 0), new TimeSpan(endHour, endMinute, 0));

    public static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture);

    public static DateOnly Date(string iso) => DateOnly.ParseExact(iso, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}

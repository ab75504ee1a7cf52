using TheModel.Sync.Core.Calendars;
using static TheModel.Sync.Core.Tests.Calendars.TestCalendars;

namespace TheModel.Sync.Core.Tests.Calendars;

public sealed class CalendarParsingTests
{
    private const string TimeFormatHint = "expected HH:MM-HH:MM, e.g. 09:00-18:00";
    private const string DayList = "days are mon, tue, wed, thu, fri, sat, sun";
    private const string DaysHint = "expected a day such as mon, a range such as mon-fri, or a list such as mon,wed,fri";
    private const string ZoneHint = "use an IANA name such as Asia/Tokyo or America/New_York";

    [Theory]
    [InlineData("09:00-18:00", 9, 0, 18, 0)]
    [InlineData("00:00-24:00", 0, 0, 24, 0)]
    [InlineData("22:00-24:00", 22, 0, 24, 0)]
    [InlineData("00:00-06:00", 0, 0, 6, 0)]
    [InlineData(" 09:30 - 17:45 ", 9, 30, 17, 45)]
    [InlineData("12:00-12:01", 12, 0, 12, 1)]
    [InlineData("23:59-24:00", 23, 59, 24, 0)]
    public void TryParseTimeRange_Valid_ReturnsRange(string text, int startHour, int startMinute, int endHour, int endMinute)
    {
        var ok = CalendarParsing.TryParseTimeRange(text, out var range, out var error);

        Assert.True(ok, error);
        Assert.Equal(Hours(startHour, startMinute, endHour, endMinute), range);
        Assert.Equal(string.Empty, error);
    }

    [Theory]
    [InlineData("9-18", "invalid time range '9-18': " + TimeFormatHint)]
    [InlineData("9:00-18:00", "invalid time range '9:00-18:00': " + TimeFormatHint)]
    [InlineData("09:00", "invalid time range '09:00': " + TimeFormatHint)]
    [InlineData("", "invalid time range '': " + TimeFormatHint)]
    [InlineData("09:00-18:00-20:00", "invalid time range '09:00-18:00-20:00': " + TimeFormatHint)]
    [InlineData("09:00 to 18:00", "invalid time range '09:00 to 18:00': " + TimeFormatHint)]
    [InlineData("09:00\u201318:00", "invalid time range '09:00\u201318:00': " + TimeFormatHint)]
    [InlineData("25:00-26:00", "invalid time range '25:00-26:00': " + TimeFormatHint)]
    [InlineData("09:60-18:00", "invalid time range '09:60-18:00': " + TimeFormatHint)]
    [InlineData("09:00-24:30", "invalid time range '09:00-24:30': " + TimeFormatHint)]
    [InlineData("ab:cd-ef:gh", "invalid time range 'ab:cd-ef:gh': " + TimeFormatHint)]
    [InlineData("24:00-24:00", "invalid time range '24:00-24:00': 24:00 can only end a range, e.g. 18:00-24:00")]
    [InlineData("22:00-06:00", "time range '22:00-06:00' ends before it starts; split an overnight shift into 22:00-24:00 and 00:00-06:00")]
    [InlineData("18:30-09:15", "time range '18:30-09:15' ends before it starts; split an overnight shift into 18:30-24:00 and 00:00-09:15")]
    [InlineData("09:00-09:00", "time range '09:00-09:00' is empty; its end must be after its start")]
    public void TryParseTimeRange_Invalid_ReturnsOperatorMessage(string text, string expected)
    {
        var ok = CalendarParsing.TryParseTimeRange(text, out var range, out var error);

        Assert.False(ok);
        Assert.Equal(expected, error);
        Assert.Equal(default, range);
    }

    [Fact]
    public void TryParseTimeRange_Null_ReturnsFormatMessage()
    {
        var ok = CalendarParsing.TryParseTimeRange(null!, out _, out var error);

        Assert.False(ok);
        Assert.Equal("invalid time range '': " + TimeFormatHint, error);
    }

    [Theory]
    [InlineData("mon", new[] { DayOfWeek.Monday })]
    [InlineData("MON", new[] { DayOfWeek.Monday })]
    [InlineData("Sun", new[] { DayOfWeek.Sunday })]
    [InlineData("mon-fri", new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday })]
    [InlineData("sat-sun", new[] { DayOfWeek.Saturday, DayOfWeek.Sunday })]
    [InlineData("mon-sun", new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday })]
    [InlineData("wed-wed", new[] { DayOfWeek.Wednesday })]
    [InlineData("mon,wed,fri", new[] { DayOfWeek.Monday, DayOfWeek.Wednesday, DayOfWeek.Friday })]
    [InlineData("fri,mon", new[] { DayOfWeek.Monday, DayOfWeek.Friday })]   // returned in week order
    [InlineData("mon,mon", new[] { DayOfWeek.Monday })]                    // once each
    [InlineData("mon-wed,fri", new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Friday })]
    [InlineData(" Tue - Thu , sat ", new[] { DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Saturday })]
    public void TryParseDays_Valid_ReturnsDaysInWeekOrder(string text, DayOfWeek[] expected)
    {
        var ok = CalendarParsing.TryParseDays(text, out var days, out var error);

        Assert.True(ok, error);
        Assert.Equal(expected, days);
        Assert.Equal(string.Empty, error);
    }

    [Theory]
    [InlineData("mun", "unknown day 'mun'; " + DayList)]
    [InlineData("monday", "unknown day 'monday'; " + DayList)]
    [InlineData("mon-fry", "unknown day 'fry'; " + DayList)]
    [InlineData("mon,wed,Frii", "unknown day 'Frii'; " + DayList)]
    [InlineData("fri-mon", "day range 'fri-mon' wraps past sun; write it as fri-sun,mon")]
    [InlineData("sun-mon", "day range 'sun-mon' wraps past sun; write it as sun,mon")]
    [InlineData("sat-tue", "day range 'sat-tue' wraps past sun; write it as sat-sun,mon-tue")]
    [InlineData("", "invalid days '': " + DaysHint)]
    [InlineData("mon,,fri", "invalid days 'mon,,fri': " + DaysHint)]
    [InlineData("mon-", "invalid days 'mon-': " + DaysHint)]
    [InlineData("mon-wed-fri", "invalid days 'mon-wed-fri': " + DaysHint)]
    public void TryParseDays_Invalid_ReturnsOperatorMessage(string text, string expected)
    {
        var ok = CalendarParsing.TryParseDays(text, out var days, out var error);

        Assert.False(ok);
        Assert.Equal(expected, error);
        Assert.Empty(days);
    }

    [Theory]
    [InlineData("2026-12-28", "2026-12-28", "2026-12-28")]
    [InlineData("2026-12-28..2027-01-04", "2026-12-28", "2027-01-04")]
    [InlineData("2027-01-01..2027-01-01", "2027-01-01", "2027-01-01")]
    [InlineData(" 2026-12-28 .. 2027-01-04 ", "2026-12-28", "2027-01-04")]
    [InlineData("2028-02-29", "2028-02-29", "2028-02-29")]
    public void TryParseDateOrRange_Valid_ReturnsInclusiveRange(string text, string start, string end)
    {
        var ok = CalendarParsing.TryParseDateOrRange(text, out var range, out var error);

        Assert.True(ok, error);
        Assert.Equal(new DateRange(Date(start), Date(end)), range);
        Assert.Equal(string.Empty, error);
    }

    [Theory]
    [InlineData("2026-13-01", "invalid date '2026-13-01': expected YYYY-MM-DD")]
    [InlineData("2026-02-29", "invalid date '2026-02-29': expected YYYY-MM-DD")]
    [InlineData("28/12/2026", "invalid date '28/12/2026': expected YYYY-MM-DD")]
    [InlineData("2026-1-5", "invalid date '2026-1-5': expected YYYY-MM-DD")]
    [InlineData("", "invalid date '': expected YYYY-MM-DD")]
    [InlineData("2026-12-28..2026-13-01", "invalid date '2026-13-01': expected YYYY-MM-DD")]
    [InlineData("2026-12-28..", "invalid date '': expected YYYY-MM-DD")]
    [InlineData("2026-12-28..2027-01-04..2027-01-05", "invalid date '2027-01-04..2027-01-05': expected YYYY-MM-DD")]
    [InlineData("2027-01-04..2026-12-28", "date range '2027-01-04..2026-12-28' ends before it starts")]
    public void TryParseDateOrRange_Invalid_ReturnsOperatorMessage(string text, string expected)
    {
        var ok = CalendarParsing.TryParseDateOrRange(text, out var range, out var error);

        Assert.False(ok);
        Assert.Equal(expected, error);
        Assert.Equal(default, range);
    }

    [Theory]
    [InlineData("Asia/Tokyo", 9)]
    [InlineData("America/New_York", -5)]
    [InlineData("Europe/London", 0)]
    [InlineData("Etc/UTC", 0)]
    public void TryFindZone_IanaName_ReturnsZone(string id, int baseOffsetHours)
    {
        var ok = CalendarParsing.TryFindZone(id, out var zone, out var error);

        Assert.True(ok, error);
        Assert.NotNull(zone);
        Assert.Equal(TimeSpan.FromHours(baseOffsetHours), zone.BaseUtcOffset);
        Assert.Equal(string.Empty, error);
    }

    [Theory]
    [InlineData("Asia/Tokio")]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("Tokyo Standard Time")]                 // a Windows name, not portable
    [InlineData("")]
    [InlineData("../../../etc/passwd")]
    [InlineData("/usr/share/zoneinfo/Asia/Tokyo")]
    [InlineData("Asia/Tokyo/")]
    public void TryFindZone_Unknown_ReturnsOperatorMessage(string id)
    {
        var ok = CalendarParsing.TryFindZone(id, out var zone, out var error);

        Assert.False(ok);
        Assert.Null(zone);
        Assert.Equal($"unknown time zone '{id}'; {ZoneHint}", error);
    }

    [Fact]
    public void TryFindZone_AsiaTokio_ReturnsExactMessage()
    {
        CalendarParsing.TryFindZone("Asia/Tokio", out _, out var error);

        Assert.Equal("unknown time zone 'Asia/Tokio'; use an IANA name such as Asia/Tokyo or America/New_York", error);
    }

    [Fact]
    public void TryFindZone_Found_BehavesLikeTheNamedZone()
    {
        CalendarParsing.TryFindZone("America/New_York", out var zone, out _);

        Assert.NotNull(zone);
        Assert.Equal(TimeSpan.FromHours(-4), zone.GetUtcOffset(At("2026-07-01T12:00:00+00:00")));
        Assert.Equal(TimeSpan.FromHours(-5), zone.GetUtcOffset(At("2026-01-15T12:00:00+00:00")));
    }
}

using TheModel.Sync.Core.Calendars;
using static TheModel.Sync.Core.Tests.Calendars.TestCalendars;

namespace TheModel.Sync.Core.Tests.Calendars;

public sealed class BusinessCalendarTests
{
    [Theory]
    [InlineData("2026-03-02T09:00:00+09:00", true)]   // Monday, opening instant is inside
    [InlineData("2026-03-02T08:59:59+09:00", false)]
    [InlineData("2026-03-02T17:59:59+09:00", true)]
    [InlineData("2026-03-02T18:00:00+09:00", false)]  // closing instant is outside: [start, end)
    [InlineData("2026-03-02T00:00:00+00:00", true)]   // 09:00 JST given in UTC
    [InlineData("2026-03-01T23:59:59+00:00", false)]  // 08:59:59 JST Monday
    [InlineData("2026-03-02T09:00:00+00:00", false)]  // 18:00 JST
    [InlineData("2026-03-01T19:00:00-05:00", true)]   // 09:00 JST Monday given in New York time
    [InlineData("2026-03-06T17:30:00+09:00", true)]   // Friday
    [InlineData("2026-03-07T12:00:00+09:00", false)]  // Saturday
    [InlineData("2026-03-08T12:00:00+09:00", false)]  // Sunday
    [InlineData("2026-12-28T12:00:00+09:00", true)]   // Monday before the year-end break
    [InlineData("2026-12-29T12:00:00+09:00", false)]  // first day of the break
    [InlineData("2026-12-31T09:00:00+09:00", false)]  // inside the break
    [InlineData("2027-01-04T09:00:00+09:00", true)]   // first Monday after the break
    [InlineData("2027-01-11T10:00:00+09:00", false)]  // single-date holiday
    [InlineData("2027-01-12T10:00:00+09:00", true)]
    public void IsWorkingAt_TokyoOffice_MatchesHoursWeekendsAndHolidays(string instant, bool expected)
    {
        var calendar = TokyoOffice();

        Assert.Equal(expected, calendar.IsWorkingAt(At(instant)));
    }

    [Theory]
    [InlineData("2026-07-01T09:00:00-04:00", true)]   // Wednesday, summer time
    [InlineData("2026-07-01T08:59:59-04:00", false)]
    [InlineData("2026-07-01T16:59:59-04:00", true)]
    [InlineData("2026-07-01T17:00:00-04:00", false)]
    [InlineData("2026-07-01T13:00:00+00:00", true)]   // 09:00 EDT
    [InlineData("2026-07-01T12:59:59+00:00", false)]
    [InlineData("2026-07-02T05:59:59+09:00", true)]   // 16:59:59 EDT given in Tokyo time
    [InlineData("2026-07-02T06:00:00+09:00", false)]  // 17:00 EDT
    [InlineData("2026-01-15T14:00:00+00:00", true)]   // 09:00 EST, winter
    [InlineData("2026-01-15T13:59:59+00:00", false)]
    [InlineData("2026-01-15T21:59:59+00:00", true)]
    [InlineData("2026-01-15T22:00:00+00:00", false)]  // 17:00 EST
    [InlineData("2026-07-03T12:00:00-04:00", false)]  // holiday (Friday)
    [InlineData("2026-07-04T12:00:00-04:00", false)]  // Saturday
    [InlineData("2026-07-05T12:00:00-04:00", false)]  // Sunday
    [InlineData("2026-11-25T12:00:00-05:00", true)]
    [InlineData("2026-11-26T12:00:00-05:00", false)]  // holiday (Thursday)
    [InlineData("2026-03-09T09:00:00-04:00", true)]   // Monday after spring-forward
    [InlineData("2026-03-09T13:30:00+00:00", true)]   // 09:30 EDT; read as EST it would be 08:30
    [InlineData("2026-11-02T09:00:00-05:00", true)]   // Monday after fall-back
    [InlineData("2026-11-02T13:30:00+00:00", false)]  // 08:30 EST; read as EDT it would be 09:30
    public void IsWorkingAt_NewYorkOffice_MatchesHoursWeekendsAndHolidays(string instant, bool expected)
    {
        var calendar = NewYorkOffice();

        Assert.Equal(expected, calendar.IsWorkingAt(At(instant)));
    }

    [Theory]
    [InlineData("2026-03-08T00:59:59-05:00", false)]
    [InlineData("2026-03-08T01:00:00-05:00", true)]
    [InlineData("2026-03-08T01:59:59-05:00", true)]   // last second before the clocks jump
    [InlineData("2026-03-08T03:00:00-04:00", true)]   // first instant after the gap
    [InlineData("2026-03-08T03:59:59-04:00", true)]
    [InlineData("2026-03-08T04:00:00-04:00", false)]
    [InlineData("2026-11-01T00:59:59-04:00", false)]
    [InlineData("2026-11-01T01:00:00-04:00", true)]   // first pass through 01:00
    [InlineData("2026-11-01T01:30:00-04:00", true)]
    [InlineData("2026-11-01T01:30:00-05:00", true)]   // second pass through 01:30
    [InlineData("2026-11-01T03:59:59-05:00", true)]
    [InlineData("2026-11-01T04:00:00-05:00", false)]
    [InlineData("2026-11-02T01:00:00-05:00", true)]   // the day after fall-back
    [InlineData("2026-11-02T04:00:00-05:00", false)]
    public void IsWorkingAt_IntervalContainingDstTransition_FollowsTheRealClock(string instant, bool expected)
    {
        var calendar = NewYorkDaily(1, 0, 4, 0);

        Assert.Equal(expected, calendar.IsWorkingAt(At(instant)));
    }

    [Theory]
    [InlineData("2026-11-01T01:10:00-04:00", false)]  // before the first 01:30
    [InlineData("2026-11-01T01:30:00-04:00", true)]   // start is the first occurrence of 01:30
    [InlineData("2026-11-01T01:10:00-05:00", true)]   // repeated hour, already past the first 01:30
    [InlineData("2026-11-01T03:59:59-05:00", true)]
    [InlineData("2026-11-01T04:00:00-05:00", false)]
    public void IsWorkingAt_IntervalStartingInRepeatedHour_StartsAtFirstOccurrence(string instant, bool expected)
    {
        var calendar = NewYorkDaily(1, 30, 4, 0);

        Assert.Equal(expected, calendar.IsWorkingAt(At(instant)));
    }

    [Theory]
    [InlineData("2026-11-01T00:00:00-04:00", true)]
    [InlineData("2026-11-01T01:15:00-04:00", true)]
    [InlineData("2026-11-01T01:29:59-04:00", true)]
    [InlineData("2026-11-01T01:30:00-04:00", false)]  // end is the first occurrence of 01:30
    [InlineData("2026-11-01T01:15:00-05:00", false)]  // repeated hour comes after the end
    [InlineData("2026-11-02T01:15:00-05:00", true)]
    public void IsWorkingAt_IntervalEndingInRepeatedHour_EndsAtFirstOccurrence(string instant, bool expected)
    {
        var calendar = NewYorkDaily(0, 0, 1, 30);

        Assert.Equal(expected, calendar.IsWorkingAt(At(instant)));
    }

    [Theory]
    [InlineData("2026-03-08T01:59:59-05:00", false)]
    [InlineData("2026-03-08T03:00:00-04:00", true)]   // 02:30 does not exist; the interval opens after the gap
    [InlineData("2026-03-08T04:59:59-04:00", true)]
    [InlineData("2026-03-08T05:00:00-04:00", false)]
    [InlineData("2026-03-09T02:29:59-04:00", false)]
    [InlineData("2026-03-09T02:30:00-04:00", true)]
    public void IsWorkingAt_IntervalStartingInSpringForwardGap_OpensAfterTheGap(string instant, bool expected)
    {
        var calendar = NewYorkDaily(2, 30, 5, 0);

        Assert.Equal(expected, calendar.IsWorkingAt(At(instant)));
    }

    [Theory]
    [InlineData("2026-11-01T08:59:59-05:00", false)]
    [InlineData("2026-11-01T09:00:00-05:00", true)]
    [InlineData("2026-11-01T17:59:59-05:00", true)]
    [InlineData("2026-11-01T18:00:00-05:00", false)]
    [InlineData("2026-11-01T14:00:00+00:00", true)]   // 09:00 EST
    [InlineData("2026-11-01T13:30:00+00:00", false)]  // 08:30 EST
    public void IsWorkingAt_DayAfterFallBack_UsesStandardTime(string instant, bool expected)
    {
        var calendar = NewYorkDaily(9, 0, 18, 0);

        Assert.Equal(expected, calendar.IsWorkingAt(At(instant)));
    }

    [Theory]
    [InlineData("2026-03-02T21:59:59+09:00", false)]
    [InlineData("2026-03-02T22:00:00+09:00", true)]
    [InlineData("2026-03-02T23:59:59+09:00", true)]
    [InlineData("2026-03-03T00:00:00+09:00", true)]   // midnight belongs to the next day's 00:00-06:00
    [InlineData("2026-03-03T05:59:59+09:00", true)]
    [InlineData("2026-03-03T06:00:00+09:00", false)]
    public void IsWorkingAt_OvernightShiftSplitAtMidnight_IsContinuous(string instant, bool expected)
    {
        var calendar = Create(Tokyo, EveryDay, [Hours(0, 0, 6, 0), Hours(22, 0, 24, 0)]);

        Assert.Equal(expected, calendar.IsWorkingAt(At(instant)));
    }

    [Theory]
    [InlineData("2026-12-31T14:59:59+00:00", true)]   // 23:59:59 JST on 2026-12-31
    [InlineData("2026-12-31T15:00:00+00:00", false)]  // 00:00 JST on the 2027-01-01 holiday, still 2026 in UTC
    [InlineData("2027-01-01T14:59:59+00:00", false)]
    [InlineData("2027-01-01T15:00:00+00:00", true)]   // 00:00 JST on 2027-01-02
    public void IsWorkingAt_HolidayInZone_IsReadByLocalDateNotUtcDate(string instant, bool expected)
    {
        var calendar = Create(
            Tokyo,
            EveryDay,
            [Hours(0, 0, 24, 0)],
            new DateRange(Date("2027-01-01"), Date("2027-01-01")));

        Assert.Equal(expected, calendar.IsWorkingAt(At(instant)));
    }

    [Fact]
    public void IsWorkingAt_NoWorkingHours_IsFalse()
    {
        var calendar = new BusinessCalendar("none", Tokyo, new Dictionary<DayOfWeek, IReadOnlyList<TimeRange>>(), []);

        Assert.False(calendar.IsWorkingAt(At("2026-03-02T12:00:00+09:00")));
        Assert.False(calendar.HasWorkingHours);
    }

    [Fact]
    public void IsWorkingAt_ManyCalls_DoesNotAllocate()
    {
        var tokyo = TokyoOffice();
        var newYork = NewYorkDaily(1, 0, 4, 0);
        var instants = new[]
        {
            At("2026-03-02T12:00:00+09:00"),
            At("2026-12-30T12:00:00+09:00"),
            At("2026-03-08T03:30:00-04:00"),
            At("2026-11-01T01:30:00-05:00"),
        };
        var working = 0;
        foreach (var instant in instants)
        {
            working += (tokyo.IsWorkingAt(instant) ? 1 : 0) + (newYork.IsWorkingAt(instant) ? 1 : 0);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            foreach (var instant in instants)
            {
                working += (tokyo.IsWorkingAt(instant) ? 1 : 0) + (newYork.IsWorkingAt(instant) ? 1 : 0);
            }
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0L, allocated);
        Assert.Equal(3 * 10_001, working); // Tokyo noon Monday, New York 03:30 EDT and 01:30 EST
    }

    [Theory]
    [InlineData("2026-06-30T14:59:59+00:00", "2026-06-30")]
    [InlineData("2026-06-30T15:00:00+00:00", "2026-07-01")]
    [InlineData("2026-06-30T23:59:59+09:00", "2026-06-30")]
    [InlineData("2026-07-01T00:00:00+09:00", "2026-07-01")]
    [InlineData("2026-06-30T10:00:00-05:00", "2026-07-01")]  // 00:00 JST given in another offset
    [InlineData("2026-12-31T15:00:00+00:00", "2027-01-01")]
    public void LocalDate_Tokyo_TurnsAtLocalMidnight(string instant, string expected)
    {
        var calendar = TokyoOffice();

        Assert.Equal(Date(expected), calendar.LocalDate(At(instant)));
    }

    [Theory]
    [InlineData("2026-07-01T03:59:59+00:00", "2026-06-30")]  // 23:59:59 EDT
    [InlineData("2026-07-01T04:00:00+00:00", "2026-07-01")]
    [InlineData("2026-01-15T04:59:59+00:00", "2026-01-14")]  // 23:59:59 EST
    [InlineData("2026-01-15T05:00:00+00:00", "2026-01-15")]
    [InlineData("2026-01-15T13:59:59+09:00", "2026-01-14")]  // the same instants given in Tokyo time
    [InlineData("2026-01-15T14:00:00+09:00", "2026-01-15")]
    [InlineData("2026-03-08T04:59:59+00:00", "2026-03-07")]  // midnight before spring-forward is still EST
    [InlineData("2026-03-08T05:00:00+00:00", "2026-03-08")]
    [InlineData("2026-03-09T03:59:59+00:00", "2026-03-08")]  // midnight after spring-forward is EDT
    [InlineData("2026-03-09T04:00:00+00:00", "2026-03-09")]
    [InlineData("2026-11-01T03:59:59+00:00", "2026-10-31")]  // midnight before fall-back is EDT
    [InlineData("2026-11-01T04:00:00+00:00", "2026-11-01")]
    [InlineData("2026-11-02T04:59:59+00:00", "2026-11-01")]  // midnight after fall-back is EST
    [InlineData("2026-11-02T05:00:00+00:00", "2026-11-02")]
    public void LocalDate_NewYork_TurnsAtLocalMidnightInEitherOffset(string instant, string expected)
    {
        var calendar = NewYorkOffice();

        Assert.Equal(Date(expected), calendar.LocalDate(At(instant)));
    }

    [Fact]
    public void LocalDate_EdgesOfRepresentableTime_AreClampedNotThrown()
    {
        Assert.Equal(DateOnly.MinValue, NewYorkOffice().LocalDate(DateTimeOffset.MinValue));
        Assert.Equal(DateOnly.MaxValue, TokyoOffice().LocalDate(DateTimeOffset.MaxValue));
        Assert.False(TokyoOffice().IsWorkingAt(DateTimeOffset.MaxValue)); // 9999-12-31 is a Friday, but this is past 18:00
    }

    [Theory]
    [InlineData("2026-12-28", false)]
    [InlineData("2026-12-29", true)]   // first day of a range
    [InlineData("2027-01-01", true)]
    [InlineData("2027-01-03", true)]   // last day of a range
    [InlineData("2027-01-04", false)]
    [InlineData("2027-01-10", false)]
    [InlineData("2027-01-11", true)]   // single date
    [InlineData("2027-01-12", false)]
    public void IsHoliday_RangesAndSingleDates_AreInclusive(string date, bool expected)
    {
        var calendar = TokyoOffice();

        Assert.Equal(expected, calendar.IsHoliday(Date(date)));
    }

    [Fact]
    public void Constructor_UnsortedOverlappingHolidays_AreMerged()
    {
        var calendar = Create(
            Tokyo,
            Weekdays,
            [Hours(9, 0, 18, 0)],
            new DateRange(Date("2027-01-10"), Date("2027-01-10")),
            new DateRange(Date("2027-01-02"), Date("2027-01-03")),
            new DateRange(Date("2026-12-31"), Date("2027-01-01")),
            new DateRange(Date("2027-01-02"), Date("2027-01-02")));

        Assert.Equal(
            [new DateRange(Date("2026-12-31"), Date("2027-01-03")), new DateRange(Date("2027-01-10"), Date("2027-01-10"))],
            calendar.Holidays);
        Assert.True(calendar.IsHoliday(Date("2027-01-02")));
        Assert.False(calendar.IsHoliday(Date("2027-01-04")));
    }

    [Fact]
    public void Constructor_OverlappingAndTouchingHours_AreMergedPerDay()
    {
        var calendar = Create(Tokyo, [DayOfWeek.Monday], [Hours(12, 0, 13, 0), Hours(9, 0, 12, 0), Hours(11, 0, 18, 0)]);

        Assert.Equal([Hours(9, 0, 18, 0)], calendar.HoursOn(DayOfWeek.Monday));
        Assert.Empty(calendar.HoursOn(DayOfWeek.Tuesday));
        Assert.True(calendar.HasWorkingHours);
    }

    [Theory]
    [InlineData(18, 0, 9, 0)]    // ends before it starts
    [InlineData(9, 0, 9, 0)]     // empty
    [InlineData(-1, 0, 9, 0)]    // before midnight
    [InlineData(9, 0, 24, 1)]    // past 24:00
    public void Constructor_InvalidTimeRange_Throws(int startHour, int startMinute, int endHour, int endMinute)
    {
        var hours = new Dictionary<DayOfWeek, IReadOnlyList<TimeRange>>
        {
            [DayOfWeek.Monday] = [Hours(startHour, startMinute, endHour, endMinute)],
        };

        var exception = Assert.Throws<ArgumentException>(() => new BusinessCalendar("bad", Tokyo, hours, []));

        Assert.Contains("calendar 'bad'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_HolidayEndingBeforeItStarts_Throws()
    {
        var hours = new Dictionary<DayOfWeek, IReadOnlyList<TimeRange>> { [DayOfWeek.Monday] = [Hours(9, 0, 18, 0)] };
        DateRange[] holidays = [new DateRange(Date("2027-01-04"), Date("2026-12-28"))];

        var exception = Assert.Throws<ArgumentException>(() => new BusinessCalendar("bad", Tokyo, hours, holidays));

        Assert.Contains("2027-01-04..2026-12-28", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_Properties_AreKept()
    {
        var calendar = TokyoOffice();

        Assert.Equal("test", calendar.Id);
        Assert.Same(Tokyo, calendar.Zone);
        Assert.Equal([Hours(9, 0, 18, 0)], calendar.HoursOn(DayOfWeek.Friday));
        Assert.Empty(calendar.HoursOn(DayOfWeek.Saturday));
    }

    [Theory]
    [InlineData("2026-12-28", "2026-12-28", "2026-12-28", true)]
    [InlineData("2026-12-28", "2027-01-04", "2026-12-28", true)]
    [InlineData("2026-12-28", "2027-01-04", "2027-01-04", true)]
    [InlineData("2026-12-28", "2027-01-04", "2027-01-01", true)]
    [InlineData("2026-12-28", "2027-01-04", "2026-12-27", false)]
    [InlineData("2026-12-28", "2027-01-04", "2027-01-05", false)]
    public void DateRange_Contains_IsInclusive(string start, string end, string date, bool expected)
    {
        var range = new DateRange(Date(start), Date(end));

        Assert.Equal(expected, range.Contains(Date(date)));
    }

    [Fact]
    public void TimeRange_ToString_UsesConfigSpelling()
    {
        Assert.Equal("09:00-18:00", Hours(9, 0, 18, 0).ToString());
        Assert.Equal("22:30-24:00", Hours(22, 30, 24, 0).ToString());
        Assert.Equal("2026-12-28..2027-01-04", new DateRange(Date("2026-12-28"), Date("2027-01-04")).ToString());
        Assert.Equal("2027-01-01", DateRange.Single(Date("2027-01-01")).ToString());
    }
}

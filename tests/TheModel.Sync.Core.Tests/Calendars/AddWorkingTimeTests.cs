using TheModel.Sync.Core.Calendars;
using static TheModel.Sync.Core.Tests.Calendars.TestCalendars;

namespace TheModel.Sync.Core.Tests.Calendars;

public sealed class AddWorkingTimeTests
{
    [Theory]
    [InlineData("2026-03-02T10:00:00+09:00", 3, "2026-03-02T13:00:00+09:00")]   // within a day
    [InlineData("2026-03-02T09:00:00+09:00", 9, "2026-03-02T18:00:00+09:00")]   // runs out exactly at closing
    [InlineData("2026-03-02T17:59:00+09:00", 0.5, "2026-03-03T09:29:00+09:00")] // one minute today, the rest tomorrow
    [InlineData("2026-03-02T16:00:00+09:00", 4, "2026-03-03T11:00:00+09:00")]   // across the night
    [InlineData("2026-03-06T17:00:00+09:00", 2, "2026-03-09T10:00:00+09:00")]   // Friday to Monday
    [InlineData("2026-03-02T09:00:00+09:00", 45, "2026-03-06T18:00:00+09:00")]  // a whole working week
    [InlineData("2026-03-02T09:00:00+09:00", 46, "2026-03-09T10:00:00+09:00")]
    [InlineData("2026-12-28T17:00:00+09:00", 2, "2027-01-04T10:00:00+09:00")]   // across the year-end break
    [InlineData("2027-01-08T17:30:00+09:00", 1, "2027-01-12T09:30:00+09:00")]   // Friday, Monday holiday, Tuesday
    public void AddWorkingTime_TokyoOffice_CountsOnlyWorkingHours(string start, double hours, string expected)
    {
        var calendar = TokyoOffice();

        var deadline = calendar.AddWorkingTime(At(start), TimeSpan.FromHours(hours));

        AssertInstantAndOffset(At(expected), deadline);
    }

    [Theory]
    [InlineData("2026-03-02T07:00:00+09:00", 1, "2026-03-02T10:00:00+09:00")]   // before opening
    [InlineData("2026-03-02T18:00:00+09:00", 1, "2026-03-03T10:00:00+09:00")]   // exactly at closing
    [InlineData("2026-03-02T20:00:00+09:00", 1, "2026-03-03T10:00:00+09:00")]   // evening
    [InlineData("2026-03-07T12:00:00+09:00", 1, "2026-03-09T10:00:00+09:00")]   // Saturday
    [InlineData("2026-12-30T12:00:00+09:00", 1, "2027-01-04T10:00:00+09:00")]   // inside a holiday
    [InlineData("2026-03-02T20:00:00+09:00", 0, "2026-03-03T09:00:00+09:00")]   // zero waits for the next opening
    [InlineData("2026-03-02T11:15:00+09:00", 0, "2026-03-02T11:15:00+09:00")]   // zero inside hours is the start
    [InlineData("2026-03-01T22:00:00+00:00", 1, "2026-03-02T10:00:00+09:00")]   // 07:00 JST given in UTC
    public void AddWorkingTime_StartOutsideHours_ClockStartsAtNextInterval(string start, double hours, string expected)
    {
        var calendar = TokyoOffice();

        var deadline = calendar.AddWorkingTime(At(start), TimeSpan.FromHours(hours));

        AssertInstantAndOffset(At(expected), deadline);
    }

    [Theory]
    [InlineData("2026-07-01T16:00:00-04:00", 2, "2026-07-02T10:00:00-04:00")]
    [InlineData("2026-07-02T16:00:00-04:00", 2, "2026-07-06T10:00:00-04:00")]   // Thursday, then Friday holiday and weekend
    [InlineData("2026-11-25T16:00:00-05:00", 2, "2026-11-27T10:00:00-05:00")]   // Thanksgiving skipped
    [InlineData("2026-03-06T16:00:00-05:00", 2, "2026-03-09T10:00:00-04:00")]   // weekend with spring-forward
    [InlineData("2026-10-30T16:00:00-04:00", 2, "2026-11-02T10:00:00-05:00")]   // weekend with fall-back
    [InlineData("2026-03-06T21:00:00+00:00", 2, "2026-03-09T10:00:00-04:00")]   // 16:00 EST given in UTC
    public void AddWorkingTime_NewYorkOffice_SkipsWeekendsHolidaysAndFollowsDst(string start, double hours, string expected)
    {
        var calendar = NewYorkOffice();

        var deadline = calendar.AddWorkingTime(At(start), TimeSpan.FromHours(hours));

        AssertInstantAndOffset(At(expected), deadline);
    }

    [Theory]
    [InlineData("2026-03-07T17:00:00-05:00", 2, "2026-03-08T10:00:00-04:00")]   // night of spring-forward
    [InlineData("2026-03-08T09:00:00-04:00", 9, "2026-03-08T18:00:00-04:00")]   // the DST day still has 9 hours
    [InlineData("2026-10-31T17:00:00-04:00", 2, "2026-11-01T10:00:00-05:00")]   // night of fall-back
    [InlineData("2026-11-01T09:00:00-05:00", 9, "2026-11-01T18:00:00-05:00")]
    public void AddWorkingTime_DailyHoursAroundDst_KeepsWallClockHours(string start, double hours, string expected)
    {
        var calendar = NewYorkDaily(9, 0, 18, 0);

        var deadline = calendar.AddWorkingTime(At(start), TimeSpan.FromHours(hours));

        AssertInstantAndOffset(At(expected), deadline);
    }

    [Theory]
    // Spring-forward: 01:00 EST (06:00Z) to 04:00 EDT (08:00Z) is two real hours.
    [InlineData("2026-03-08T01:00:00-05:00", 2, "2026-03-08T04:00:00-04:00")]
    [InlineData("2026-03-08T01:00:00-05:00", 2.5, "2026-03-09T01:30:00-04:00")]
    [InlineData("2026-03-08T00:00:00-05:00", 1.5, "2026-03-08T03:30:00-04:00")]
    [InlineData("2026-03-07T01:00:00-05:00", 6, "2026-03-09T02:00:00-04:00")]   // 3h + 2h + 1h
    // Fall-back: 01:00 EDT (05:00Z) to 04:00 EST (09:00Z) is four real hours.
    [InlineData("2026-11-01T01:00:00-04:00", 3.5, "2026-11-01T03:30:00-05:00")]
    [InlineData("2026-11-01T01:00:00-04:00", 4, "2026-11-01T04:00:00-05:00")]
    [InlineData("2026-11-01T01:00:00-04:00", 4.5, "2026-11-02T01:30:00-05:00")]
    [InlineData("2026-11-01T01:30:00-05:00", 2, "2026-11-01T03:30:00-05:00")]   // starting in the repeated hour
    [InlineData("2026-11-01T01:30:00-05:00", 3, "2026-11-02T01:30:00-05:00")]
    [InlineData("2026-10-31T01:00:00-04:00", 8, "2026-11-02T02:00:00-05:00")]   // 3h + 4h + 1h
    public void AddWorkingTime_DstTransitionInsideInterval_CountsRealElapsedTime(string start, double hours, string expected)
    {
        var calendar = NewYorkDaily(1, 0, 4, 0);

        var deadline = calendar.AddWorkingTime(At(start), TimeSpan.FromHours(hours));

        AssertInstantAndOffset(At(expected), deadline);
    }

    [Theory]
    [InlineData("2026-03-08T00:00:00-05:00", 5, "2026-03-08T06:00:00-04:00")]   // 00:00-06:00 is five real hours
    [InlineData("2026-03-08T00:00:00-05:00", 6, "2026-03-09T01:00:00-04:00")]
    [InlineData("2026-11-01T00:00:00-04:00", 7, "2026-11-01T06:00:00-05:00")]   // and seven on fall-back day
    [InlineData("2026-11-01T00:00:00-04:00", 8, "2026-11-02T01:00:00-05:00")]
    public void AddWorkingTime_MidnightToSixOnDstDays_HasRealLength(string start, double hours, string expected)
    {
        var calendar = NewYorkDaily(0, 0, 6, 0);

        var deadline = calendar.AddWorkingTime(At(start), TimeSpan.FromHours(hours));

        AssertInstantAndOffset(At(expected), deadline);
    }

    [Fact]
    public void AddWorkingTime_IntervalStartingInGap_OpensAtFirstInstantAfterGap()
    {
        var calendar = NewYorkDaily(2, 30, 5, 0);

        var deadline = calendar.AddWorkingTime(new DateTimeOffset(2026, 3, 8, 0, 0, 0, TimeSpan.FromHours(-5)), TimeSpan.FromHours(1));

        AssertInstantAndOffset(new DateTimeOffset(2026, 3, 8, 4, 0, 0, TimeSpan.FromHours(-4)), deadline);
    }

    [Fact]
    public void AddWorkingTime_IntervalEndingInRepeatedHour_EndsAtFirstOccurrence()
    {
        var calendar = NewYorkDaily(0, 0, 1, 30);

        // 00:00 EDT to the first 01:30 is 1.5 hours; the next interval opens at 00:00 EST on November 2.
        var deadline = calendar.AddWorkingTime(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.FromHours(-4)), TimeSpan.FromHours(2));

        AssertInstantAndOffset(new DateTimeOffset(2026, 11, 2, 0, 30, 0, TimeSpan.FromHours(-5)), deadline);
    }

    [Fact]
    public void AddWorkingTime_OvernightShiftSplitAtMidnight_RunsStraightThrough()
    {
        var calendar = Create(Tokyo, [DayOfWeek.Monday], [Hours(22, 0, 24, 0)]);
        var withTuesday = Create(
            Tokyo,
            [DayOfWeek.Monday, DayOfWeek.Tuesday],
            [Hours(0, 0, 6, 0), Hours(22, 0, 24, 0)]);

        var mondayOnly = calendar.AddWorkingTime(At("2026-03-02T23:00:00+09:00"), TimeSpan.FromHours(2));
        var straight = withTuesday.AddWorkingTime(At("2026-03-02T23:00:00+09:00"), TimeSpan.FromHours(2));

        AssertInstantAndOffset(At("2026-03-09T23:00:00+09:00"), mondayOnly);
        AssertInstantAndOffset(At("2026-03-03T01:00:00+09:00"), straight);
    }

    [Fact]
    public void AddWorkingTime_OverlappingIntervals_AreNotCountedTwice()
    {
        var calendar = Create(Tokyo, Weekdays, [Hours(9, 0, 13, 0), Hours(12, 0, 18, 0)]);

        var deadline = calendar.AddWorkingTime(At("2026-03-02T09:00:00+09:00"), TimeSpan.FromHours(10));

        AssertInstantAndOffset(At("2026-03-03T10:00:00+09:00"), deadline);
    }

    [Fact]
    public void AddWorkingTime_NoWorkingHours_ReturnsNull()
    {
        var calendar = new BusinessCalendar("none", Tokyo, new Dictionary<DayOfWeek, IReadOnlyList<TimeRange>>(), []);

        Assert.Null(calendar.AddWorkingTime(At("2026-03-02T09:00:00+09:00"), TimeSpan.FromHours(1)));
        Assert.Null(calendar.AddWorkingTime(At("2026-03-02T09:00:00+09:00"), TimeSpan.Zero));
    }

    [Fact]
    public void AddWorkingTime_EveryWorkingDayAHolidayForTwentyYears_ReturnsNull()
    {
        var calendar = Create(
            Tokyo,
            [DayOfWeek.Monday],
            [Hours(9, 0, 18, 0)],
            new DateRange(Date("2026-01-01"), Date("2045-12-31")));

        Assert.Null(calendar.AddWorkingTime(At("2026-03-02T09:00:00+09:00"), TimeSpan.FromHours(1)));
    }

    [Fact]
    public void AddWorkingTime_MoreThanTenYearsOfWork_ReturnsNull()
    {
        var calendar = Create(Tokyo, EveryDay, [Hours(0, 0, 24, 0)]);

        var nineYears = calendar.AddWorkingTime(At("2026-01-01T00:00:00+09:00"), TimeSpan.FromDays(9 * 365));
        var elevenYears = calendar.AddWorkingTime(At("2026-01-01T00:00:00+09:00"), TimeSpan.FromDays(11 * 365));
        var forever = calendar.AddWorkingTime(At("2026-01-01T00:00:00+09:00"), TimeSpan.MaxValue);

        // Nine 365-day years from 2026-01-01 pass the leap days of 2028 and 2032, so they end two days short of 2035.
        AssertInstantAndOffset(At("2034-12-30T00:00:00+09:00"), nineYears);
        Assert.Null(elevenYears);
        Assert.Null(forever);
    }

    [Fact]
    public void AddWorkingTime_NegativeDuration_Throws()
    {
        var calendar = TokyoOffice();

        Assert.Throws<ArgumentOutOfRangeException>(() => calendar.AddWorkingTime(At("2026-03-02T09:00:00+09:00"), TimeSpan.FromHours(-1)));
    }

    [Fact]
    public void AddWorkingTime_Result_IsInCalendarOffsetWhateverTheInputOffset()
    {
        var calendar = NewYorkOffice();

        var deadline = calendar.AddWorkingTime(At("2026-07-01T22:00:00+09:00"), TimeSpan.FromHours(1));

        // 22:00 JST is 09:00 EDT.
        Assert.Equal(new DateTimeOffset(2026, 7, 1, 10, 0, 0, TimeSpan.FromHours(-4)), deadline);
        Assert.Equal(TimeSpan.FromHours(-4), deadline?.Offset);
    }

    [Fact]
    public void AddWorkingTime_NearEndOfRepresentableTime_ReturnsNullInsteadOfThrowing()
    {
        var calendar = Create(NewYork, EveryDay, [Hours(0, 0, 24, 0)]);

        Assert.Null(calendar.AddWorkingTime(DateTimeOffset.MaxValue, TimeSpan.FromHours(1)));
        Assert.Null(calendar.AddWorkingTime(new DateTimeOffset(9999, 12, 20, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromDays(30)));
    }

    private static void AssertInstantAndOffset(DateTimeOffset expected, DateTimeOffset? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.UtcDateTime, actual.Value.UtcDateTime);
        Assert.Equal(expected.Offset, actual.Value.Offset);
    }
}

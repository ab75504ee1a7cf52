using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Core.Tests.Records;

public sealed class TimestampsTests
{
    public static TheoryData<string, DateTimeOffset> Valid => new()
    {
        { "2026-11-30", new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero) },
        { "2026-11-30T10:00:00Z", new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero) },
        { "2026-11-30T10:00:00+09:00", new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.FromHours(9)) },
        { "2026-11-30T10:00:00-05:30", new DateTimeOffset(2026, 11, 30, 10, 0, 0, new TimeSpan(-5, -30, 0)) },
        { "2026-11-30T10:00:00.25Z", new DateTimeOffset(2026, 11, 30, 10, 0, 0, 250, TimeSpan.Zero) },
        { "2026-11-30T10:00:00.1234567+01:00", new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.FromHours(1)).AddTicks(1_234_567) },
        { "2024-02-29T23:59:59Z", new DateTimeOffset(2024, 2, 29, 23, 59, 59, TimeSpan.Zero) },
        { " 2026-11-30T10:00:00Z ", new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero) },
        { "2026-11-30t10:00:00z", new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero) },   // the general parser's path
        { "2026-11-30T10:00+09:00", new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.FromHours(9)) },   // no seconds
        { "2026-11-30T10:00Z", new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero) },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void TryParse_Iso8601WithOffset_ReadsTheInstantAndOffset(string text, DateTimeOffset expected)
    {
        Assert.True(Timestamps.TryParse(text, out var value));
        Assert.Equal(expected, value);
        Assert.Equal(expected.Offset, value.Offset);
    }

    [Theory]
    [InlineData("")]
    [InlineData("tomorrow")]
    [InlineData("2026-11-30T10:00:00")]        // no offset: a different instant on every machine
    [InlineData("2026-02-30")]
    [InlineData("2025-02-29T10:00:00Z")]
    [InlineData("2026-13-01T10:00:00Z")]
    [InlineData("2026-11-30T24:00:00Z")]
    [InlineData("2026-11-30T10:60:00Z")]
    [InlineData("2026-11-30T10:00:00+15:00")]
    [InlineData("2026-11-30T10:00:00.Z")]
    [InlineData("30/11/2026")]
    [InlineData("01/02/2027 00:00 +00:00")]    // month first or day first depends on who reads it
    [InlineData("11/30/2026 10:00 +09:00")]
    [InlineData("2026/11/30 10:00:00+09:00")]
    [InlineData("Monday, 30 November 2026 10:00 +09:00")]
    [InlineData("11/29/2026 9:00 PM +09:00")]
    [InlineData("2026-11-30 00:00:00Z")]       // a space for the T is not ISO 8601
    [InlineData("2026-11-30 10:00:00+09:00")]
    [InlineData("2026-11-30T10:00:00+0900")]   // the basic-form offset
    [InlineData("0001-01-01T00:00:00+14:00")]  // the instant would be before year 1
    [InlineData("9999-12-31T23:00:00-05:00")]  // and after year 9999
    public void TryParse_NotAnInstant_False(string text) => Assert.False(Timestamps.TryParse(text, out _));

    [Theory]
    [InlineData("2026-11-30T10:00:00+09:00")]
    [InlineData("2026-11-30T10:00:00Z")]
    [InlineData("2026-11-30T10:00:00.123-05:00")]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("9999-12-31T23:59:59+14:00")]
    public void Format_RoundTripsItsOwnShape(string text)
    {
        Assert.True(Timestamps.TryParse(text, out var value));
        Assert.Equal(text, Timestamps.Format(value));
    }

    [Fact]
    public void Plus_PastTheLastInstant_HeldThere()
    {
        var late = new DateTimeOffset(9999, 12, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(DateTimeOffset.MaxValue, Timestamps.Plus(late, TimeSpan.FromDays(90)));
        Assert.Equal(late.AddDays(20), Timestamps.Plus(late, TimeSpan.FromDays(20)));
        var east = new DateTimeOffset(9999, 12, 31, 20, 0, 0, TimeSpan.FromHours(9));
        Assert.Equal(DateTimeOffset.MaxValue, Timestamps.Plus(east, TimeSpan.FromHours(5)));
    }

    [Fact]
    public void Format_MatchesTheGeneralFormatter()
    {
        var t = new DateTimeOffset(2026, 3, 8, 1, 59, 7, 45, TimeSpan.FromMinutes(-300));
        Assert.Equal(t.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", System.Globalization.CultureInfo.InvariantCulture), Timestamps.Format(t));
    }
}

using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Salesforce.Api;
using TheModel.Sync.Salesforce.Writing;

namespace TheModel.Sync.Salesforce.Tests.Writing;

public sealed class WriteItemTests
{
    [Theory]
    [InlineData("Working", "Working", true)]
    [InlineData("Working", "working", false)]
    [InlineData(null, null, true)]
    [InlineData(null, "", true)]
    [InlineData("", null, true)]
    [InlineData(null, "x", false)]
    [InlineData("x", null, false)]
    [InlineData("005000000000001", "005000000000001AAA", true)]
    [InlineData("005000000000001AAA", "005000000000001aaa", true)]
    [InlineData("005000000000001", "005000000000002AAA", false)]
    [InlineData("00500000000000a", "00500000000000A", false)]
    [InlineData("2026-01-05T08:00:00.000+0000", "2026-01-05T08:00:00Z", true)]
    [InlineData("2026-01-05T17:00:00.000+0900", "2026-01-05T08:00:00.000Z", true)]
    [InlineData("2026-01-05T08:00:00.000+0000", "2026-01-05T08:00:01Z", false)]
    [InlineData("2026-01-05", "2026-01-05T00:00:00Z", false)]
    [InlineData("5", "5.0", false)]
    public void SameValue_Table(string? known, string? wanted, bool same) =>
        Assert.Equal(same, WriteItem.SameValue(known, wanted));

    [Theory]
    [InlineData("2013-05-20T20:49:32.000+0000", "2013-05-20T20:49:32+00:00")]
    [InlineData("2013-05-20T20:49:32.123-0130", "2013-05-20T22:19:32.123+00:00")]
    [InlineData("2013-05-20T20:49:32Z", "2013-05-20T20:49:32+00:00")]
    [InlineData("2013-05-20T20:49:32+0000", "2013-05-20T20:49:32+00:00")]
    [InlineData("2013-05-20T20:49:32.5+09:00", "2013-05-20T11:49:32.5+00:00")]
    public void SalesforceDateTime_TryParse_ReadsEveryOffsetForm(string text, string instant)
    {
        Assert.True(SalesforceDateTime.TryParse(text, out var value));
        Assert.Equal(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture), value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("2013-05-20")]
    [InlineData("2013-05-20T20:49:32")]
    [InlineData("yesterday")]
    [InlineData("2013-05-20T20:49:32.000+00")]
    public void SalesforceDateTime_TryParse_RefusesNonInstants(string? text) =>
        Assert.False(SalesforceDateTime.TryParse(text, out _));

    [Fact]
    public void SalesforceDateTime_ToSoqlLiteral_IsUtcWithMilliseconds() =>
        Assert.Equal(
            "2024-05-01T03:00:00.120Z",
            SalesforceDateTime.ToSoqlLiteral(new DateTimeOffset(2024, 5, 1, 12, 0, 0, 120, TimeSpan.FromHours(9)).AddTicks(9999)));

    [Fact]
    public void ForTask_DueDate_IsTheDayInDuesOwnOffset()
    {
        var due = new DateTimeOffset(2026, 1, 7, 8, 0, 0, TimeSpan.FromHours(9));
        var task = new TaskCreate("t", "00Q000000000001", null, "006000000000001", "005000000000001", "Call", due);

        var item = WriteItem.ForTask(0, task, CrmSchema.Default(CrmKind.Salesforce)).Item!;

        Assert.Equal("2026-01-07", item.Fields.Single(f => f.Key == "ActivityDate").Value);
        Assert.DoesNotContain(item.Fields, f => f.Key == "WhatId");
    }
}

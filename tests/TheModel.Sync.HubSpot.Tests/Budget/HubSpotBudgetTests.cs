using System.Globalization;
using System.Text.Json.Nodes;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;
using TheModel.Sync.HubSpot.Api;
using TheModel.Sync.HubSpot.Budget;
using TheModel.Sync.HubSpot.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace TheModel.Sync.HubSpot.Tests.Budget;

/// <remarks>
/// The budget is what keeps the worker a good neighbour in a HubSpot account: it must never draw a burst 429 in
/// normal operation, must wait the right time after each of the three 429 shapes, and must stop — not retry — at
/// the daily limit. The emulators count limit violations on the same fake clock the connector waits on.
/// </remarks>
public sealed class HubSpotBudgetTests
{
    private const string ReadPath = "/crm/v3/objects/contacts/batch/read";
    private const string OwnersPath = "/crm/v3/owners";

    private static readonly DateTimeOffset Start = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ReadAsync_300CallsInARow_StaysBelowTheBurstLimitWithoutA429()
    {
        await using var host = HubSpotTestHost.Start();
        var burst = new BurstEmulator(host.Time, max: 100);
        host.Server.Given(Request.Create().WithPath(ReadPath).UsingPost()).RespondWith(Response.Create().WithCallback(_ => burst.Handle(EmptyBatch)));

        // Small clock steps, so that compute time between calls cannot by itself space them out below the limit.
        await host.RunAsync((c, ct) => c.ReadAsync(CrmObject.Person, Ids(30_000), ct), TimeSpan.FromMilliseconds(10));

        Assert.Equal(0, burst.Violations);
        Assert.Equal(300, burst.Served);
        Assert.InRange(burst.PeakInWindow, 80, 99);
        Assert.True(host.Time.GetUtcNow() - Start >= TimeSpan.FromSeconds(30));
        Assert.True(host.Budget.LimiterWaits > 0);
    }

    [Fact]
    public async Task ReadAsync_AnotherClientUsesHalfTheWindow_FollowsTheRemainingHeaderWithoutA429()
    {
        await using var host = HubSpotTestHost.Start();
        var burst = new BurstEmulator(host.Time, max: 100, others: 50);
        host.Server.Given(Request.Create().WithPath(ReadPath).UsingPost()).RespondWith(Response.Create().WithCallback(_ => burst.Handle(EmptyBatch)));

        await host.RunAsync((c, ct) => c.ReadAsync(CrmObject.Person, Ids(15_000), ct), TimeSpan.FromMilliseconds(10));

        Assert.Equal(0, burst.Violations);
        Assert.Equal(150, burst.Served);
        Assert.InRange(burst.PeakInWindow, 80, 99);
        Assert.True(host.Budget.LimiterWaits > 0);
    }

    [Fact]
    public async Task Call_TenSecondly429_WaitsTheBurstIntervalThenRetries()
    {
        await using var host = HubSpotTestHost.Start();
        var times = new List<DateTimeOffset>();
        host.Server.Given(Request.Create().WithPath(ReadPath).UsingPost()).RespondWith(Response.Create().WithCallback(Replies.Sequence(
            () => Stamp(times, host.Time, 429, Replies.TenSecondly),
            () => Stamp(times, host.Time, 200, Replies.Batch([Replies.Object("1")])))));

        var records = await host.RunAsync((c, ct) => c.ReadAsync(CrmObject.Person, ["1"], ct));

        Assert.Equal("1", Assert.Single(records).Id);
        Assert.Equal(2, times.Count);
        Assert.True(times[1] - times[0] >= TimeSpan.FromSeconds(10), $"waited {times[1] - times[0]}");
        Assert.Contains("429 (TenSecondly)", Assert.Single(host.Logs.Messages(4102)), StringComparison.Ordinal);
        Assert.Equal(2, host.Connector.Budget.CallsMade);
    }

    [Fact]
    public async Task Search_Secondly429_WaitsAboutOneSecondThenRetries()
    {
        await using var host = HubSpotTestHost.Start();
        var times = new List<DateTimeOffset>();
        const string path = "/crm/v3/objects/contacts/search";
        host.Server.Given(Request.Create().WithPath(path).UsingPost()).RespondWith(Response.Create().WithCallback(Replies.Sequence(
            () => Stamp(times, host.Time, 429, Replies.SearchSecondly),
            () => Stamp(times, host.Time, 200, """{"total":0,"results":[]}"""))));

        var result = await host.RunAsync((c, ct) => c.PollAsync(CrmObject.Person, Watermark.Start, 10, ct));

        Assert.Empty(result.Records);
        Assert.Equal(2, times.Count);
        var waited = times[1] - times[0];
        Assert.True(waited >= TimeSpan.FromSeconds(1) && waited < TimeSpan.FromSeconds(5), $"waited {waited}");
        Assert.Contains("429 (SearchSecondly)", Assert.Single(host.Logs.Messages(4102)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_Daily429_PausesTheBudgetWithoutRetryingAndLaterCallsSendNothing()
    {
        await using var host = HubSpotTestHost.Start();
        host.Server.Given(Request.Create().WithPath(OwnersPath).UsingGet())
            .RespondWith(Response.Create().WithCallback(_ => Replies.Json(429, Replies.Daily, Daily(remaining: 0))));

        var first = await Assert.ThrowsAsync<HubSpotBudgetPausedException>(() => host.RunAsync((c, ct) => c.ReadOwnersAsync(ct)));
        var second = await Assert.ThrowsAsync<HubSpotBudgetPausedException>(() => host.RunAsync((c, ct) => c.ReadOwnersAsync(ct), TimeSpan.FromSeconds(1)));

        Assert.Single(host.Requests());
        Assert.StartsWith("HubSpot calls are paused: HubSpot answered 429 DAILY (You have reached your daily limit.)", first.Message, StringComparison.Ordinal);
        Assert.Equal(first.Reason, second.Reason);
        var budget = host.Connector.Budget;
        Assert.True(budget.Paused);
        Assert.Equal("HubSpot answered 429 DAILY (You have reached your daily limit.)", budget.PauseReason);
        Assert.Equal(1, host.Budget.Pauses);
        Assert.Single(host.Logs.Messages(4103));
        var outcomes = await host.RunAsync((c, ct) => c.WriteAsync(new WritePlan([new RecordUpdate("k", CrmObject.Person, "512", new Dictionary<string, string?> { ["hubspot_owner_id"] = "7" })], []), ct));
        Assert.Equal(WriteStatus.Failed, Assert.Single(outcomes).Status);
        Assert.StartsWith("HubSpot calls are paused", outcomes[0].Error, StringComparison.Ordinal);
        Assert.Single(host.Requests());
    }

    [Fact]
    public async Task Budget_PausedThenAProbeSeesARenewedAllocation_Resumes()
    {
        await using var host = HubSpotTestHost.Start();
        host.Server.Given(Request.Create().WithPath(OwnersPath).UsingGet()).RespondWith(Response.Create().WithCallback(Replies.Sequence(
            () => Replies.Json(429, Replies.Daily, Daily(remaining: 0)),
            () => Replies.Json(200, """{"results":[]}""", Daily(remaining: 249_999)))));
        await Assert.ThrowsAsync<HubSpotBudgetPausedException>(() => host.RunAsync((c, ct) => c.ReadOwnersAsync(ct)));

        host.Time.Advance(TimeSpan.FromMinutes(15));
        var owners = await host.RunAsync((c, ct) => c.ReadOwnersAsync(ct));

        Assert.Empty(owners);
        Assert.False(host.Connector.Budget.Paused);
        Assert.Equal(1, host.Connector.Budget.DailyUsed);
        Assert.Single(host.Logs.Messages(4105));
        Assert.Single(host.Logs.Messages(4104));
        Assert.Equal(3, host.Requests().Count);
    }

    [Fact]
    public async Task ReadAsync_ShareOfTheDailyAllocationSpent_PausesAtTheCap()
    {
        await using var host = HubSpotTestHost.Start(("DailyBudgetShare", "0.001"));
        var burst = new BurstEmulator(host.Time, daily: 10_000);
        host.Server.Given(Request.Create().WithPath(ReadPath).UsingPost()).RespondWith(Response.Create().WithCallback(_ => burst.Handle(EmptyBatch)));

        var error = await Assert.ThrowsAsync<HubSpotBudgetPausedException>(() => host.RunAsync((c, ct) => c.ReadAsync(CrmObject.Person, Ids(1_500), ct)));

        Assert.Equal(10, burst.Served);
        Assert.Equal(
            "the account has used 10 of its 10000 calls today, at or over the DailyBudgetShare 0.001 cap of 10 (every instance and app counted)",
            error.Reason);
        Assert.InRange(error.NextProbeAt, Start.AddMinutes(15), host.Time.GetUtcNow().AddMinutes(15));
        Assert.Equal(new ApiBudgetSnapshot(CrmKind.HubSpot, 10, 10, 10_000, 10, true, error.Reason), host.Connector.Budget);
    }

    [Fact]
    public async Task ReadAsync_OtherInstancesSpentTheShare_PausesOnTheAccountsOwnCount()
    {
        // This process has made one call, but the account (other replicas on the same token) has used 126,000 of
        // 250,000 today: over half, the share configured.
        await using var host = HubSpotTestHost.Start(("DailyBudgetShare", "0.5"));
        host.Server.Given(Request.Create().WithPath(ReadPath).UsingPost())
            .RespondWith(Response.Create().WithCallback(_ => Replies.Json(200, EmptyBatch(), Daily(remaining: 124_000))));

        var error = await Assert.ThrowsAsync<HubSpotBudgetPausedException>(() => host.RunAsync((c, ct) => c.ReadAsync(CrmObject.Person, Ids(250), ct)));

        Assert.Single(host.Server.LogEntries);
        Assert.Equal(
            "the account has used 126000 of its 250000 calls today, at or over the DailyBudgetShare 0.5 cap of 125000 (every instance and app counted)",
            error.Reason);
        Assert.Equal(1, host.Connector.Budget.DailyUsed);
    }

    [Fact]
    public async Task ReadAsync_AccountBelowTheShare_KeepsCalling()
    {
        await using var host = HubSpotTestHost.Start(("DailyBudgetShare", "0.5"));
        host.Server.Given(Request.Create().WithPath(ReadPath).UsingPost())
            .RespondWith(Response.Create().WithCallback(_ => Replies.Json(200, EmptyBatch(), Daily(remaining: 126_000))));

        await host.RunAsync((c, ct) => c.ReadAsync(CrmObject.Person, Ids(250), ct));

        Assert.Equal(3, host.Server.LogEntries.Count());
        Assert.False(host.Connector.Budget.Paused);
    }

    [Fact]
    public async Task AcquireAsync_PausedAtTheCapWithoutAnyHeaders_StartsANewDayAfter24Hours()
    {
        await using var host = HubSpotTestHost.Start(("DailyBudgetShare", "0.00001"), ("AssumedDailyLimit", "100000"));
        var budget = host.Budget;
        await budget.AcquireAsync(HubSpotCall.Read, CancellationToken.None);
        await Assert.ThrowsAsync<HubSpotBudgetPausedException>(() => budget.AcquireAsync(HubSpotCall.Read, CancellationToken.None).AsTask());

        host.Time.Advance(TimeSpan.FromHours(24));
        await budget.AcquireAsync(HubSpotCall.Read, CancellationToken.None);

        Assert.False(budget.Snapshot().Paused);
        Assert.Equal(1, budget.Snapshot().DailyUsed);
        Assert.Equal(2, budget.Snapshot().CallsMade);
    }

    private static Dictionary<string, string> Daily(long remaining) => new()
    {
        ["X-HubSpot-RateLimit-Daily"] = "250000",
        ["X-HubSpot-RateLimit-Daily-Remaining"] = remaining.ToString(CultureInfo.InvariantCulture),
    };

    private static string EmptyBatch() => Replies.Batch([]);

    private static string[] Ids(int count) => [.. Enumerable.Range(1, count).Select(i => i.ToString(CultureInfo.InvariantCulture))];

    private static WireMock.IResponseMessage Stamp(List<DateTimeOffset> times, TimeProvider time, int status, string body)
    {
        lock (times)
        {
            times.Add(time.GetUtcNow());
        }

        return Replies.Json(status, body);
    }
}

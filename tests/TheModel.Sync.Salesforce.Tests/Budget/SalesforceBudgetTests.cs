using TheModel.Sync.Application.Crm;
using TheModel.Sync.Salesforce.Tests.Connector;
using WireMock.RequestBuilders;

namespace TheModel.Sync.Salesforce.Tests.Budget;

/// <remarks>
/// The budget is the org's usage from <c>Sforce-Limit-Info</c> against DailyBudgetShare × allocation. At the cap the
/// next call waits (on the fake clock) and a probe re-reads the usage every BudgetProbeInterval; a 403
/// REQUEST_LIMIT_EXCEEDED pauses the same way and the refused request is sent again once a probe gets through.
/// </remarks>
public sealed class SalesforceBudgetTests
{
    private const string EmptyQuery = """{"totalSize":0,"done":true,"records":[]}""";
    private const string Probe = "SELECT Id FROM User LIMIT 1";
    private const string LimitExceeded = """[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]""";

    [Fact]
    public async Task Budget_AfterACall_ReportsUsageLimitAndCap()
    {
        await using var h = SalesforceHarness.Start();
        h.StubToken();
        h.StubJson("GET", SalesforceHarness.DataPath + "/query", 200, EmptyQuery, "api-usage=18/5000; api-bursts=1/750");

        Assert.Equal(new ApiBudgetSnapshot(TheModel.Sync.Core.Model.CrmKind.Salesforce, 0, null, null, 0, false, null), h.Connector.Budget);
        await h.Connector.PollAsync(CrmObject.Account, Watermark.Start, 200, CancellationToken.None);

        Assert.Equal(new ApiBudgetSnapshot(TheModel.Sync.Core.Model.CrmKind.Salesforce, 1, 18, 5000, 1250, false, null), h.Connector.Budget);
    }

    [Fact]
    public async Task Call_AtTheCap_PausesUntilAProbeShowsRoomThenSends()
    {
        await using var h = SalesforceHarness.Start();
        h.StubToken();
        h.Server.Given(Request.Create().WithPath(SalesforceHarness.DataPath + "/query").UsingGet().WithParam("q", Probe))
            .AtPriority(1)
            .RespondWith(SalesforceHarness.Json(200, EmptyQuery, "api-usage=240/1000"));
        h.StubJson("GET", SalesforceHarness.DataPath + "/query", 200, EmptyQuery, "api-usage=250/1000");

        await h.Connector.PollAsync(CrmObject.Person, Watermark.Start, 200, CancellationToken.None);
        Assert.Single(h.Requests());
        var snapshot = h.Connector.Budget;
        Assert.True(snapshot.Paused);
        Assert.Equal("API usage 250 of 1000 reached the cap of 250 (DailyBudgetShare 0.25)", snapshot.PauseReason);

        var poll = h.Connector.PollAsync(CrmObject.Account, Watermark.Start, 200, CancellationToken.None);
        await h.Time.WaitForTimersAsync(TimeSpan.FromMinutes(1), 1);
        Assert.Equal(1, h.Budget.Pauses);
        h.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(poll.IsCompleted);
        Assert.Single(h.Requests());

        h.Time.Advance(TimeSpan.FromSeconds(1));
        await poll.WaitAsync(TimeSpan.FromSeconds(20));

        var requests = h.Requests();
        Assert.Equal(3, requests.Count);
        Assert.Equal(Probe, SalesforceHarness.Soql(requests[1]));
        Assert.EndsWith("FROM Account WHERE SystemModstamp >= 1970-01-01T00:00:00.000Z AND SystemModstamp < 2026-01-05T08:59:55.000Z ORDER BY SystemModstamp, Id LIMIT 200", SalesforceHarness.Soql(requests[2]), StringComparison.Ordinal);
        Assert.Equal(1, h.Budget.Pauses);
    }

    [Fact]
    public async Task Call_StillAtTheCap_KeepsProbingAtTheInterval()
    {
        await using var h = SalesforceHarness.Start((s, _) => s["Salesforce:DailyBudgetShare"] = "0.5");
        h.StubToken();
        h.Server.Given(Request.Create().WithPath(SalesforceHarness.DataPath + "/query").UsingGet().WithParam("q", Probe))
            .InScenario("usage").WillSetStateTo("still")
            .AtPriority(1)
            .RespondWith(SalesforceHarness.Json(200, EmptyQuery, "api-usage=600/1000"));
        h.Server.Given(Request.Create().WithPath(SalesforceHarness.DataPath + "/query").UsingGet().WithParam("q", Probe))
            .InScenario("usage").WhenStateIs("still")
            .AtPriority(1)
            .RespondWith(SalesforceHarness.Json(200, EmptyQuery, "api-usage=400/1000"));
        h.StubJson("GET", SalesforceHarness.DataPath + "/query", 200, EmptyQuery, "api-usage=500/1000");
        await h.Connector.PollAsync(CrmObject.Account, Watermark.Start, 200, CancellationToken.None);

        var poll = h.Connector.PollAsync(CrmObject.Account, Watermark.Start, 200, CancellationToken.None);
        await h.Time.WaitForTimersAsync(TimeSpan.FromMinutes(1), 1);
        h.Time.Advance(TimeSpan.FromMinutes(1));
        await h.Time.WaitForTimersAsync(TimeSpan.FromMinutes(1), 2);
        Assert.False(poll.IsCompleted);
        Assert.True(h.Connector.Budget.Paused);
        h.Time.Advance(TimeSpan.FromMinutes(1));
        await poll.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal([false, true, true, false], h.Requests().Select(r => SalesforceHarness.Soql(r) == Probe).ToArray());
        Assert.Equal(1, h.Budget.Pauses);

        // The poll's own answer (500 of 1,000) puts usage back at the cap: the next call will pause again.
        Assert.Equal(500, h.Connector.Budget.DailyUsed);
        Assert.True(h.Connector.Budget.Paused);
    }

    [Fact]
    public async Task RequestLimitExceeded_PausesThenResendsTheRefusedRequest()
    {
        await using var h = SalesforceHarness.Start();
        h.StubToken();
        h.Server.Given(Request.Create().WithPath(SalesforceHarness.DataPath + "/query").UsingGet().WithParam("q", Probe))
            .AtPriority(1)
            .RespondWith(SalesforceHarness.Json(200, EmptyQuery, "api-usage=90/1000"));
        h.Server.Given(Request.Create().WithPath(SalesforceHarness.DataPath + "/query").UsingGet())
            .InScenario("limit").WillSetStateTo("lifted")
            .AtPriority(5)
            .RespondWith(SalesforceHarness.Json(403, LimitExceeded, "api-usage=100/100"));
        h.Server.Given(Request.Create().WithPath(SalesforceHarness.DataPath + "/query").UsingGet())
            .InScenario("limit").WhenStateIs("lifted")
            .AtPriority(5)
            .RespondWith(SalesforceHarness.Json(200, EmptyQuery, "api-usage=91/1000"));

        var poll = h.Connector.PollAsync(CrmObject.Account, Watermark.Start, 200, CancellationToken.None);
        await h.Time.WaitForTimersAsync(TimeSpan.FromMinutes(1), 1);
        Assert.Equal("Salesforce answered REQUEST_LIMIT_EXCEEDED (the org's API limit is used up)", h.Connector.Budget.PauseReason);
        h.Time.Advance(TimeSpan.FromMinutes(1));
        var result = await poll.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Empty(result.Records);
        var requests = h.Requests();
        Assert.Equal(3, requests.Count);
        Assert.Equal(Probe, SalesforceHarness.Soql(requests[1]));
        Assert.Equal(requests[0].RequestMessage!.RawQuery, requests[2].RequestMessage!.RawQuery);
        Assert.False(h.Connector.Budget.Paused);
    }

    [Fact]
    public async Task PausedCall_Cancelled_StopsWaiting()
    {
        await using var h = SalesforceHarness.Start();
        h.StubToken();
        h.StubJson("GET", SalesforceHarness.DataPath + "/query", 200, EmptyQuery, "api-usage=999/1000");
        await h.Connector.PollAsync(CrmObject.Account, Watermark.Start, 200, CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var poll = h.Connector.PollAsync(CrmObject.Account, Watermark.Start, 200, cancel.Token);
        await SalesforceHarness.WaitUntilAsync(() => h.Budget.Pauses == 1, "the call pauses");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => poll);
        Assert.Single(h.Requests());
    }

    [Fact]
    public async Task Forbidden_ForAnotherReason_IsNotAPause()
    {
        await using var h = SalesforceHarness.Start();
        h.StubToken();
        h.StubJson("GET", SalesforceHarness.DataPath + "/query", 403, """[{"message":"insufficient access rights on object id","errorCode":"INSUFFICIENT_ACCESS"}]""");

        var error = await Assert.ThrowsAnyAsync<HttpRequestException>(() => h.Connector.ReadOwnersAsync(CancellationToken.None));

        Assert.Contains("HTTP 403: INSUFFICIENT_ACCESS: insufficient access rights on object id", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, h.Budget.Pauses);
    }
}

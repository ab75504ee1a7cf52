using System.Net;
using System.Text.Json.Nodes;
using TheModel.Sync.Simulators.Faults;

namespace TheModel.Sync.Simulators.Tests.Salesforce;

public sealed class SalesforceLimitAndFaultTests
{
    [Fact]
    public async Task Rest_EveryResponse_CarriesSforceLimitInfoWithTheCountSoFar()
    {
        await using var host = await SalesforceTestHost.StartAsync(o => o.DailyApiLimit = 5000);

        var first = await host.QueryAsync("SELECT Id FROM Lead");
        var notFound = await host.GetAsync("sobjects/Lead/00QSm0000000099AAA");
        var malformed = await host.QueryAsync("SELECT FROM Lead");

        Assert.Equal("api-usage=1/5000", Assert.Single(first.Response.Headers.GetValues("Sforce-Limit-Info")));
        Assert.Equal(HttpStatusCode.NotFound, notFound.Status);
        Assert.Equal("api-usage=2/5000", Assert.Single(notFound.Response.Headers.GetValues("Sforce-Limit-Info")));
        Assert.Equal("api-usage=3/5000", Assert.Single(malformed.Response.Headers.GetValues("Sforce-Limit-Info")));
        Assert.False(notFound.Response.Headers.Contains("Retry-After"));
    }

    [Fact]
    public async Task Rest_UsageAtTheDailyLimit_Answers403RequestLimitExceeded()
    {
        await using var host = await SalesforceTestHost.StartAsync(o => o.DailyApiLimit = 100);
        host.Simulator.SetApiUsage(99);

        var last = await host.QueryAsync("SELECT Id FROM Lead");
        var refused = await host.QueryAsync("SELECT Id FROM Lead");

        Assert.Equal(HttpStatusCode.OK, last.Status);
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Equal("""[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]""", refused.Body!.ToJsonString());
        Assert.Equal("api-usage=100/100", Assert.Single(refused.Response.Headers.GetValues("Sforce-Limit-Info")));
        Assert.Equal(100, host.Simulator.ApiCallsUsed);
    }

    [Fact]
    public async Task Limits_Resource_ReportsDailyApiRequests()
    {
        await using var host = await SalesforceTestHost.StartAsync(o => o.DailyApiLimit = 15000);
        host.Simulator.SetApiUsage(14000);

        var (_, body, _) = await host.GetAsync("limits");

        Assert.Equal(15000, body!["DailyApiRequests"]!["Max"]!.GetValue<long>());
        Assert.Equal(999, body["DailyApiRequests"]!["Remaining"]!.GetValue<long>());
    }

    [Theory]
    [InlineData(FaultKind.ServerError)]
    [InlineData(FaultKind.RateLimit)]
    public async Task Fault_ServerErrorOrRateLimit_Answers503WithoutApplying(FaultKind kind)
    {
        await using var host = await SalesforceTestHost.StartAsync();
        host.Simulator.Faults.FailNext(1, kind, "/sobjects/Lead");

        var (status, body, _) = await host.SendAsync(HttpMethod.Post, "sobjects/Lead", new { LastName = "Hopper", Company = "Navy" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("SERVER_UNAVAILABLE", body![0]!["errorCode"]!.GetValue<string>());
        Assert.Empty(host.Simulator.All("Lead"));
        Assert.Equal(0, host.Simulator.ApiCallsUsed);
    }

    [Fact]
    public async Task Fault_LostResponse_AppliesTheWriteThenAnswers500()
    {
        await using var host = await SalesforceTestHost.StartAsync();
        host.Simulator.Faults.FailNext(1, FaultKind.LostResponse, "/sobjects/Lead");

        var (status, body, _) = await host.SendAsync(HttpMethod.Post, "sobjects/Lead", new { LastName = "Hopper", Company = "Navy" });

        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Equal("UNKNOWN_EXCEPTION", body![0]!["errorCode"]!.GetValue<string>());
        Assert.Equal("Hopper", Assert.Single(host.Simulator.All("Lead"))["LastName"]);
    }

    [Fact]
    public async Task Fault_Timeout_HoldsUntilTheClockPassesTheDelayThenAnswers503()
    {
        await using var host = await SalesforceTestHost.StartAsync();
        host.Simulator.Faults.TimeoutDelay = TimeSpan.FromSeconds(30);
        host.Simulator.Faults.FailNext(1, FaultKind.Timeout, "/query");

        var pending = host.QueryAsync("SELECT Id FROM Lead");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!pending.IsCompleted && DateTime.UtcNow < deadline)
        {
            host.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20);
        }

        var (status, _, _) = await pending;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal(1, host.Simulator.Faults.Timeouts);
    }

    [Fact]
    public async Task VersionsRoot_NeedsNoTokenAndCarriesNoLimitHeader()
    {
        await using var host = await SalesforceTestHost.StartAsync(authenticate: false);

        var (status, body, response) = await host.GetAsync("/services/data");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("/services/data/v62.0", body![0]!["url"]!.GetValue<string>());
        Assert.False(response.Headers.Contains("Sforce-Limit-Info"));
    }

    [Fact]
    public async Task Rest_OtherApiVersion_Answers404()
    {
        await using var host = await SalesforceTestHost.StartAsync();

        var (status, body, _) = await host.GetAsync("/services/data/v99.0/limits");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("NOT_FOUND", body![0]!["errorCode"]!.GetValue<string>());
    }

    [Fact]
    public async Task EndpointCounts_CountEachEndpointTemplate()
    {
        await using var host = await SalesforceTestHost.StartAsync();
        var lead = host.InsertLead();

        await host.QueryAsync("SELECT Id FROM Lead");
        await host.GetAsync($"sobjects/Lead/{lead}");
        await host.SendAsync(HttpMethod.Patch, $"sobjects/Lead/{lead}", new JsonObject { ["Status"] = "Working - Contacted" });

        Assert.Equal(1, host.Simulator.CountOf("POST oauth2/token"));
        Assert.Equal(1, host.Simulator.CountOf("GET query"));
        Assert.Equal(1, host.Simulator.CountOf("GET sobjects/Lead/{id}"));
        Assert.Equal(1, host.Simulator.CountOf("PATCH sobjects/Lead/{id}"));
        Assert.Equal(3, host.Simulator.ApiCallsUsed);
    }
}

using TheModel.Sync.Application.Crm;
using TheModel.Sync.HubSpot.Api;
using TheModel.Sync.Simulators.Faults;
using TheModel.Sync.Simulators.HubSpot;

namespace TheModel.Sync.HubSpot.Tests.AgainstSimulator;

/// <remarks>
/// Write-back while the simulator misbehaves: 5xx answers with and without the write applied, a token revoked
/// mid-run and a daily allocation running out. The bar is the portal's final state: every change made, every task
/// exactly once.
/// </remarks>
public sealed class FaultsAgainstSimulatorTests
{
    private const string TaskCreates = "POST /crm/v3/objects/tasks/batch/create";
    private const string TaskSearch = "POST /crm/v3/objects/tasks/search";

    [Fact]
    public async Task WriteAsync_ServerErrorsAndLostResponses_WritesEverythingExactlyOnce()
    {
        await using var host = await SimulatorHost.StartAsync();
        var data = SampleData.People(300);
        var routing = RoutingPlan.For(host.Simulator, data, host.Seed(data, spread: true));
        host.Simulator.Faults.ServerErrorRate = 0.2;
        host.Simulator.Faults.LostResponseRate = 0.2;

        var outcomes = await host.RunAsync((c, ct) => c.WriteAsync(routing.Plan, ct));

        Assert.All(outcomes, o => Assert.Equal(WriteStatus.Written, o.Status));
        PortalAssert.RoutedExactlyOnce(host.Simulator, routing.People, outcomes.Skip(300).ToList());
        Assert.True(host.Simulator.Faults.ServerErrors > 0, "no 5xx was injected");
        Assert.True(host.Simulator.Faults.LostResponses > 0, "no response was lost");
    }

    [Fact]
    public async Task WriteAsync_EveryAttemptOfATaskCreateLosesItsAnswer_FindsTheTasksByKeyAndCreatesNoDuplicate()
    {
        await using var host = await SimulatorHost.StartAsync();
        var data = SampleData.People(150);
        var routing = RoutingPlan.For(host.Simulator, data, host.Seed(data, spread: true));

        // The first batch of 100 is applied on every attempt and answered 500 each time (4 attempts by default).
        host.Simulator.Faults.FailNext(4, FaultKind.LostResponse, "/tasks/batch/create");

        var outcomes = await host.RunAsync((c, ct) => c.WriteAsync(new WritePlan([], routing.Plan.Tasks), ct));

        Assert.All(outcomes, o => Assert.Equal(WriteStatus.Written, o.Status));
        PortalAssert.RoutedExactlyOnce(host.Simulator, routing.People.Select(p => p with { Fields = new Dictionary<string, string?>() }), outcomes);
        Assert.Equal(5, host.Calls(TaskCreates));

        // 100 keys do not fit in one search body of at most 3,000 characters.
        Assert.Equal(2, host.Calls(TaskSearch));
        Assert.All(host.Simulator.Requests.Where(r => r.Path.EndsWith("/search", StringComparison.Ordinal)), r => Assert.Equal(200, r.Status));
    }

    /// <remarks>
    /// HubSpot private-app tokens do not expire and cannot be refreshed (facts H-1); a revoked one stays revoked. So
    /// the connector stops at the first 401 with a message for the operator, and a rerun with the new token from a
    /// configuration reload finishes the work without repeating any of it.
    /// </remarks>
    [Fact]
    public async Task WriteAsync_TokenRevokedMidRun_StopsAtTheFirst401AndARerunWithTheNewTokenWritesEachTaskOnce()
    {
        await using var host = await SimulatorHost.StartAsync();
        var data = SampleData.People(300);
        var routing = RoutingPlan.For(host.Simulator, data, host.Seed(data, spread: true));
        var taskBatches = 0;
        host.AfterResponse = (request, _) =>
        {
            if (request.RequestUri!.AbsolutePath.EndsWith("/tasks/batch/create", StringComparison.Ordinal) && ++taskBatches == 1)
            {
                host.Simulator.SetAccessTokens([SimulatorHost.SecondToken]);
            }
        };

        var error = await Assert.ThrowsAsync<HubSpotApiException>(() => host.RunAsync((c, ct) => c.WriteAsync(routing.Plan, ct)));

        Assert.True(error.IsAuthentication);
        Assert.StartsWith("HubSpot batch/create of tasks failed: 401 INVALID_AUTHENTICATION: Authentication credentials not found.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Check HubSpot:AccessToken", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, host.Simulator.Counters.Unauthorized);
        Assert.Equal(100, host.Simulator.All("tasks").Count);

        host.ChangeToken(SimulatorHost.SecondToken);
        var outcomes = await host.RunAsync((c, ct) => c.WriteAsync(routing.Plan, ct));

        Assert.All(outcomes, o => Assert.Equal(WriteStatus.Written, o.Status));
        PortalAssert.RoutedExactlyOnce(host.Simulator, routing.People, outcomes.Skip(300).ToList());
        Assert.Equal(1, host.Simulator.Counters.Unauthorized);
        Assert.DoesNotContain(host.Logs.Entries, e => e.Message.Contains(SimulatorHost.SecondToken, StringComparison.Ordinal));
    }

    [Fact]
    public async Task WriteAsync_DailyAllocationRunsOut_PausesWithoutA429AndWritesTheRestOnceTheDayTurns()
    {
        // The whole allocation is this worker's to spend (share 1): what stops it is the account running out.
        await using var host = await SimulatorHost.StartAsync(
            (time, properties) => new HubSpotSimulatorOptions
            {
                TimeProvider = time,
                AdditionalProperties = properties,
                DailyLimit = 1_000,
            },
            ("DailyBudgetShare", "1"));
        var data = SampleData.People(300);
        var routing = RoutingPlan.For(host.Simulator, data, host.Seed(data, spread: true));
        host.Simulator.SetDailyUsage(997);

        var first = await host.RunAsync((c, ct) => c.WriteAsync(routing.Plan, ct));

        // Three calls were left: the three contact batches. The last answer said 0 remaining, so no task batch went out.
        Assert.All(first.Take(300), o => Assert.Equal(WriteStatus.Written, o.Status));
        Assert.All(first.Skip(300), o => Assert.Equal(WriteStatus.Failed, o.Status));
        Assert.StartsWith(
            "HubSpot calls are paused: the account's daily allocation is used up (X-HubSpot-RateLimit-Daily-Remaining: 0).",
            first[^1].Error,
            StringComparison.Ordinal);
        Assert.True(host.Connector.Budget.Paused);
        Assert.Empty(host.Simulator.All("tasks"));
        Assert.Equal(0, host.Simulator.Counters.RateLimited);
        Assert.Equal(3, host.TotalCalls);

        // Retried before the day turns: nothing is sent.
        var rest = RoutingPlan.NotDone(routing.Plan, first);
        var early = await host.RunAsync((c, ct) => c.WriteAsync(rest, ct));
        Assert.All(early, o => Assert.Equal(WriteStatus.Failed, o.Status));
        Assert.Equal(3, host.TotalCalls);

        // Past midnight in the portal's time zone (UTC) the probe call finds a fresh allocation and the rest goes out.
        host.Time.SetUtcNow(new DateTimeOffset(2026, 11, 28, 0, 30, 0, TimeSpan.Zero));
        var late = await host.RunAsync((c, ct) => c.WriteAsync(rest, ct));

        Assert.All(late, o => Assert.Equal(WriteStatus.Written, o.Status));
        Assert.False(host.Connector.Budget.Paused);
        PortalAssert.RoutedExactlyOnce(host.Simulator, routing.People, late);
        Assert.Equal(6, host.TotalCalls);
        Assert.Equal(0, host.Simulator.Counters.RateLimited);
    }
}

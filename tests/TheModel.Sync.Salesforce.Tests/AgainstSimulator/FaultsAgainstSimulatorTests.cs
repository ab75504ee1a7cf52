using TheModel.Sync.Application.Crm;
using TheModel.Sync.Simulators.Salesforce;

namespace TheModel.Sync.Salesforce.Tests.AgainstSimulator;

/// <remarks>
/// The connector against the simulator's faults: row locks, 503s and lost responses (applied, then 500), revoked
/// sessions and an exhausted API allocation. Whatever happens on the way, the org must end up with every change and
/// exactly one Task per key; waits run on the worker's fake clock.
/// </remarks>
public sealed class FaultsAgainstSimulatorTests
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Write_RowLocksInjected_LockedRecordsRetriedAndEverythingWrittenOnce()
    {
        await using var h = await SimulatorHarness.StartAsync(settings: s => s["Salesforce:WriteAttempts"] = "8");
        var leads = h.SeedLeads(300);
        h.Simulator.Faults.LockRowRate = 0.15;

        var outcomes = await h.RunWithClockAsync(
            () => h.Connector.WriteAsync(RoutingPlans.OwnerStageAndTask("evt-lock", leads, SimulatorHarness.OrgStart), CancellationToken.None),
            TimeSpan.FromMilliseconds(500));

        Assert.All(outcomes, o => Assert.Equal(WriteStatus.Written, o.Status));
        Assert.True(h.Simulator.Faults.LockedRows > 20, $"only {h.Simulator.Faults.LockedRows} rows were locked");
        Assert.True(h.Simulator.ApiCallsUsed > 1);
        AssertEverythingWrittenOnce(h.Simulator, "evt-lock", leads);
    }

    [Fact]
    public async Task Write_ServerErrorsAndLostResponses_EverythingWrittenExactlyOnceWithoutDuplicateTasks()
    {
        await using var h = await SimulatorHarness.StartAsync();
        var leads = h.SeedLeads(600);
        h.Simulator.Faults.ServerErrorRate = 0.2;
        h.Simulator.Faults.LostResponseRate = 0.3;

        var outcomes = await h.RunWithClockAsync(
            () => h.Connector.WriteAsync(RoutingPlans.OwnerStageAndTask("evt-5xx", leads, SimulatorHarness.OrgStart), CancellationToken.None),
            TimeSpan.FromMilliseconds(500));

        Assert.All(outcomes, o => Assert.Equal(WriteStatus.Written, o.Status));
        Assert.True(h.Simulator.Faults.ServerErrors > 0, "no 503 was injected");
        Assert.True(h.Simulator.Faults.LostResponses > 0, "no response was lost");
        AssertEverythingWrittenOnce(h.Simulator, "evt-5xx", leads);

        // Reads go through the same faults and still see every lead once.
        var (records, _) = await h.RunWithClockAsync(
            () => PollingAgainstSimulatorTests.DrainAsync(h.Connector, Watermark.Start, maxRecords: 2000),
            TimeSpan.FromMilliseconds(500));
        Assert.Equal(leads.Order(StringComparer.Ordinal), records.Select(r => r.Id));
    }

    [Fact]
    public async Task Write_RequestsHeldPastTheAttemptTimeout_AbandonedRetriedAndWrittenOnce()
    {
        await using var h = await SimulatorHarness.StartAsync(settings: s => s["Salesforce:RequestTimeout"] = "00:00:05");
        var leads = h.SeedLeads(200);
        h.Simulator.Faults.TimeoutRate = 0.4;

        var outcomes = await h.RunWithClockAsync(
            () => h.Connector.WriteAsync(RoutingPlans.OwnerStageAndTask("evt-hold", leads, SimulatorHarness.OrgStart), CancellationToken.None),
            TimeSpan.FromMilliseconds(500));

        Assert.All(outcomes, o => Assert.Equal(WriteStatus.Written, o.Status));
        Assert.True(h.Simulator.Faults.Timeouts > 0, "no request was held");
        AssertEverythingWrittenOnce(h.Simulator, "evt-hold", leads);
    }

    [Fact]
    public async Task Write_SessionsRevokedBetweenCalls_OneRefreshThenSuccess()
    {
        await using var h = await SimulatorHarness.StartAsync();
        var leads = h.SeedLeads(600);
        await h.Connector.PollAsync(CrmObject.Person, Watermark.Start, 200, CancellationToken.None);
        Assert.Equal(1, h.Simulator.TokenCalls);

        h.Simulator.ExpireTokens();
        var outcomes = await h.Connector.WriteAsync(RoutingPlans.OwnerStageAndTask("evt-401", leads, SimulatorHarness.OrgStart), CancellationToken.None);

        Assert.All(outcomes, o => Assert.Equal(WriteStatus.Written, o.Status));
        Assert.Equal(2, h.Simulator.TokenCalls);
        Assert.Single(h.Simulator.Requests, r => r.Status == 401);
        AssertEverythingWrittenOnce(h.Simulator, "evt-401", leads);
    }

    [Fact]
    public async Task ConcurrentCalls_SessionsRevoked_ShareOneRefresh()
    {
        await using var h = await SimulatorHarness.StartAsync();
        var leads = h.SeedLeads(300);
        await h.Connector.PollAsync(CrmObject.Person, Watermark.Start, 200, CancellationToken.None);

        h.Simulator.ExpireTokens();
        var write = h.Connector.WriteAsync(RoutingPlans.OwnerStageAndTask("evt-par", leads, SimulatorHarness.OrgStart), CancellationToken.None);
        var polls = Enumerable.Range(0, 4).Select(_ => h.Connector.PollAsync(CrmObject.Person, Watermark.Start, 300, CancellationToken.None)).ToList();
        await Task.WhenAll(polls);

        Assert.All(await write, o => Assert.Equal(WriteStatus.Written, o.Status));
        Assert.All(polls, p => Assert.Equal(300, p.Result.Records.Count));
        Assert.Equal(2, h.Simulator.TokenCalls);
        AssertEverythingWrittenOnce(h.Simulator, "evt-par", leads);
    }

    [Fact]
    public async Task Write_OrgAllocationUsedUp_PausesThenWritesEverythingOnceTheAllocationReturns()
    {
        await using var h = await SimulatorHarness.StartAsync(settings: s => s["Salesforce:DailyBudgetShare"] = "1");
        var leads = h.SeedLeads(100);
        await h.Connector.PollAsync(CrmObject.Person, Watermark.Start, 200, CancellationToken.None);
        h.Simulator.SetApiUsage(h.Simulator.DailyApiLimit);

        var write = h.Connector.WriteAsync(RoutingPlans.OwnerStageAndTask("evt-403", leads, SimulatorHarness.OrgStart), CancellationToken.None);
        await h.WorkerTime.WaitForTimersAsync(ProbeInterval, 1);
        Assert.Equal("Salesforce answered REQUEST_LIMIT_EXCEEDED (the org's API limit is used up)", h.Connector.Budget.PauseReason);
        h.WorkerTime.Advance(ProbeInterval);
        await h.WorkerTime.WaitForTimersAsync(ProbeInterval, 2);
        Assert.False(write.IsCompleted);
        Assert.Empty(h.Simulator.All("Task"));

        // The rolling 24 hours move on: calls from a day ago drop out of the count.
        h.Simulator.SetApiUsage(50_000);
        h.WorkerTime.Advance(ProbeInterval);
        var outcomes = await write.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.All(outcomes, o => Assert.Equal(WriteStatus.Written, o.Status));
        AssertEverythingWrittenOnce(h.Simulator, "evt-403", leads);
        Assert.Equal(2, h.Simulator.Requests.Count(r => r.Status == 403));
        Assert.Equal(1, h.Budget.Pauses);
        Assert.False(h.Connector.Budget.Paused);
        Assert.Equal(50_002, h.Connector.Budget.DailyUsed);
    }

    [Fact]
    public async Task Write_AtTheWorkersShareOfTheAllocation_WaitsWithoutCallingUntilUsageFalls()
    {
        await using var h = await SimulatorHarness.StartAsync();
        var leads = h.SeedLeads(100);
        h.Simulator.SetApiUsage(24_999);
        await h.Connector.PollAsync(CrmObject.Person, Watermark.Start, 200, CancellationToken.None);
        Assert.Equal("API usage 25000 of 100000 reached the cap of 25000 (DailyBudgetShare 0.25)", h.Connector.Budget.PauseReason);
        var callsBefore = h.DataCalls;

        var write = h.Connector.WriteAsync(RoutingPlans.OwnerStageAndTask("evt-cap", leads, SimulatorHarness.OrgStart), CancellationToken.None);
        await h.WorkerTime.WaitForTimersAsync(ProbeInterval, 1);
        Assert.Equal(callsBefore, h.DataCalls);
        h.WorkerTime.Advance(ProbeInterval);
        await h.WorkerTime.WaitForTimersAsync(ProbeInterval, 2);
        Assert.False(write.IsCompleted);
        Assert.Empty(h.Simulator.All("Task"));

        h.Simulator.SetApiUsage(10_000);
        h.WorkerTime.Advance(ProbeInterval);
        var outcomes = await write.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.All(outcomes, o => Assert.Equal(WriteStatus.Written, o.Status));
        AssertEverythingWrittenOnce(h.Simulator, "evt-cap", leads);

        // Two probes (the first still at the cap), then the write itself.
        Assert.Equal(callsBefore + 3, h.DataCalls);
        Assert.Equal(1, h.Budget.Pauses);
    }

    /// <summary>Every lead carries its planned owner and stage, and every task key exists on exactly one Task, created once.</summary>
    private static void AssertEverythingWrittenOnce(SalesforceSimulator simulator, string basis, IReadOnlyList<string> leads)
    {
        for (var i = 0; i < leads.Count; i++)
        {
            var lead = simulator.Get("Lead", leads[i])!;
            Assert.Equal(RoutingPlans.OwnerFor(i), lead["OwnerId"]);
            Assert.Equal(RoutingPlans.StatusFor(i), lead["Status"]);
        }

        var keyField = RoutingPlans.Schema.TaskKeyField;
        var tasks = simulator.All("Task");
        var perKey = tasks.GroupBy(t => (string)t[keyField]!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        Assert.Equal(leads.Count, tasks.Count);
        for (var i = 0; i < leads.Count; i++)
        {
            var task = Assert.Single(perKey[RoutingPlans.TaskKey(basis, leads[i])]);
            Assert.Equal(leads[i], task["WhoId"]);
            Assert.Equal(RoutingPlans.OwnerFor(i), task["OwnerId"]);
        }

        // Every Lead write, retries included, kept the owner it sent.
        Assert.All(simulator.AutoAssignments.Where(a => a.SObject == "Lead"), a =>
        {
            Assert.Equal("FALSE", a.HeaderValue);
            Assert.False(a.RuleRan);
        });

        // A retried upsert finds the task its lost first attempt created: one create per task, never two.
        var creates = simulator.AutoAssignments.Where(a => a.SObject == "Task" && a.IsCreate).GroupBy(a => a.RecordId).ToList();
        Assert.Equal(leads.Count, creates.Count);
        Assert.All(creates, g => Assert.Single(g));
    }
}

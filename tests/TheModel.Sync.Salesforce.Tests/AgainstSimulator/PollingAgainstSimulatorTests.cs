using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Salesforce.Tests.AgainstSimulator;

/// <remarks>
/// Incremental polls of Leads against the simulated org. Salesforce stamps SystemModstamp in whole seconds, and
/// everything seeded in one test lands in the org clock's current second, so every page boundary here falls inside a
/// run of equal timestamps: the (SystemModstamp, Id) watermark must neither skip nor repeat a record there.
/// </remarks>
public sealed class PollingAgainstSimulatorTests
{
    [Fact]
    public async Task Poll_FromStartInSteps_ReadsEverySeededLeadExactlyOnceWithItsValues()
    {
        await using var h = await SimulatorHarness.StartAsync();
        var seeded = h.SeedLeads(1200);

        var (records, polls) = await DrainAsync(h.Connector, Watermark.Start, maxRecords: 500);

        Assert.Equal(3, polls);
        Assert.Equal(seeded.Order(StringComparer.Ordinal), records.Select(r => r.Id));
        Assert.All(records, r => Assert.Equal(SimulatorHarness.OrgStart, r.ModifiedAt));
        foreach (var record in records.Where((_, i) => i % 97 == 0))
        {
            var stored = h.Simulator.Get("Lead", record.Id)!;
            Assert.Equal(stored["Status"], record["Status"]);
            Assert.Equal(stored["OwnerId"], record["OwnerId"]);
            Assert.Equal(stored["Email"], record["Email"]);
        }

        // One query per poll, each answered in a single page of the poll's size; no queryMore was needed.
        Assert.Equal(3, h.Simulator.CountOf("GET query"));
        Assert.Equal(0, h.Simulator.CountOf("GET query/{locator}"));
        Assert.Equal(1, h.Simulator.TokenCalls);
    }

    [Fact]
    public async Task Poll_LargerThanTheQueryBatch_FollowsNextRecordsUrlThroughEveryPage()
    {
        await using var h = await SimulatorHarness.StartAsync(settings: s => s["Salesforce:QueryBatchSize"] = "200");
        var seeded = h.SeedLeads(1100);

        var first = await h.Connector.PollAsync(CrmObject.Person, Watermark.Start, 1000, CancellationToken.None);
        var second = await h.Connector.PollAsync(CrmObject.Person, first.Next, 1000, CancellationToken.None);

        Assert.True(first.HasMore);
        Assert.False(second.HasMore);
        Assert.Equal(seeded.Order(StringComparer.Ordinal), first.Records.Concat(second.Records).Select(r => r.Id));
        Assert.Equal(new Watermark(SimulatorHarness.OrgStart, first.Records[^1].Id), first.Next);
        Assert.Equal(2, h.Simulator.CountOf("GET query"));

        // 1,000 rows at batchSize 200 is four queryMore pages; the second poll's 100 rows fit the first page.
        Assert.Equal(4, h.Simulator.CountOf("GET query/{locator}"));
        Assert.All(
            h.Simulator.Requests.Where(r => r.Path.Contains("/query", StringComparison.Ordinal)),
            r => Assert.Equal("batchSize=200", r.Header("Sforce-Query-Options")));
    }

    [Fact]
    public async Task Poll_MoreThanTwoPagesWithinOneSecond_PagesByIdWithoutSkipsOrRepeats()
    {
        await using var h = await SimulatorHarness.StartAsync();
        h.InsertLeads(30, "Earlier");
        var (earlier, _) = await DrainAsync(h.Connector, Watermark.Start, maxRecords: 200);
        var watermark = new Watermark(earlier[^1].ModifiedAt, earlier[^1].Id);

        h.OrgTime.Advance(TimeSpan.FromSeconds(1));
        var burst = h.InsertLeads(450, "Burst");
        h.Simulator.ClearRequestLog();
        var (records, polls) = await DrainAsync(h.Connector, watermark, maxRecords: 200);

        Assert.Equal(3, polls);
        Assert.Equal(burst, records.Select(r => r.Id));
        Assert.All(records, r => Assert.Equal(SimulatorHarness.OrgStart.AddSeconds(1), r.ModifiedAt));

        // The second and third queries resume inside the burst's second, after the last id read.
        var queries = h.Simulator.Requests.Where(r => r.Path.Contains("/query?q=", StringComparison.Ordinal)).Select(r => r.Path).ToList();
        Assert.Equal(3, queries.Count);
        Assert.Contains($"SystemModstamp = 2026-11-30T09:00:01.000Z AND Id > '{burst[199]}'", queries[1], StringComparison.Ordinal);
        Assert.Contains($"SystemModstamp = 2026-11-30T09:00:01.000Z AND Id > '{burst[399]}'", queries[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Poll_AfterUiChangesAndApiWrites_ReturnsOnlyTheChangedLeads()
    {
        await using var h = await SimulatorHarness.StartAsync();
        var seeded = h.SeedLeads(300);
        var (initial, _) = await DrainAsync(h.Connector, Watermark.Start, maxRecords: 2000);
        var watermark = new Watermark(initial[^1].ModifiedAt, initial[^1].Id);

        h.OrgTime.Advance(TimeSpan.FromSeconds(5));
        var touched = seeded.Where((_, i) => i % 25 == 3).ToList();
        foreach (var id in touched)
        {
            h.Simulator.Touch("Lead", id, new Dictionary<string, object?> { ["Status"] = "Nurture" });
        }

        h.OrgTime.Advance(TimeSpan.FromSeconds(2));
        var written = seeded[7];
        var outcomes = await h.Connector.WriteAsync(
            new WritePlan([RoutingPlans.Update("later", 7, written, SimulatorHarness.OrgStart)], []), CancellationToken.None);
        Assert.Equal(WriteStatus.Written, Assert.Single(outcomes).Status);

        var changed = await h.Connector.PollAsync(CrmObject.Person, watermark, 2000, CancellationToken.None);
        var again = await h.Connector.PollAsync(CrmObject.Person, changed.Next, 2000, CancellationToken.None);

        Assert.Equal([.. touched.Order(StringComparer.Ordinal), written], changed.Records.Select(r => r.Id));
        Assert.All(changed.Records.Take(touched.Count), r => Assert.Equal("Nurture", r["Status"]));
        Assert.Equal(SimulatorHarness.OrgStart.AddSeconds(5), changed.Records[0].ModifiedAt);
        Assert.Equal(RoutingPlans.OwnerFor(7), changed.Records[^1]["OwnerId"]);
        Assert.Equal(new Watermark(SimulatorHarness.OrgStart.AddSeconds(7), written), changed.Next);
        Assert.False(changed.HasMore);
        Assert.Empty(again.Records);
        Assert.Equal(changed.Next, again.Next);
    }

    [Fact]
    public async Task Poll_WhileTheOrgsSecondIsCurrent_LeavesItToTheNextPollSoALaterChangeInItIsNotLost()
    {
        await using var h = await SimulatorHarness.StartAsync();
        var earlier = h.InsertLeads(5, "Earlier");

        // The clocks agree: the worker polls while the org is still stamping records with the current second.
        h.OrgTime.Advance(SimulatorHarness.WorkerLead);
        var current = h.InsertLeads(10, "Current");
        var first = await h.Connector.PollAsync(CrmObject.Person, Watermark.Start, 100, CancellationToken.None);

        // Same second, lower id than the newest: a watermark at (this second, current[^1]) would pass over it for good.
        h.Simulator.Touch("Lead", current[2], new Dictionary<string, object?> { ["Status"] = "Nurture" });
        h.OrgTime.Advance(TimeSpan.FromSeconds(10));
        h.WorkerTime.Advance(TimeSpan.FromSeconds(10));
        var second = await h.Connector.PollAsync(CrmObject.Person, first.Next, 100, CancellationToken.None);

        Assert.Equal(earlier, first.Records.Select(r => r.Id));
        Assert.Equal(current, second.Records.Select(r => r.Id));
        Assert.Equal("Nurture", second.Records[2]["Status"]);
        Assert.Contains(
            "AND SystemModstamp < 2026-11-30T09:00:55.000Z ORDER BY",
            h.Simulator.Requests.First(r => r.Path.Contains("/query?q=", StringComparison.Ordinal)).Path,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Poll_AccountsAndOpportunities_ReadsEverySeededRecordWithTheConfigsFields()
    {
        await using var h = await SimulatorHarness.StartAsync();
        var seeded = h.Seed(1);

        var accounts = await h.Connector.PollAsync(CrmObject.Account, Watermark.Start, 2000, CancellationToken.None);
        var opportunities = await h.Connector.PollAsync(CrmObject.Opportunity, Watermark.Start, 2000, CancellationToken.None);

        Assert.Equal(seeded.Accounts.Values.Order(StringComparer.Ordinal), accounts.Records.Select(r => r.Id));
        Assert.Equal(seeded.Opportunities, opportunities.Records.Count);
        var account = accounts.Records[0];
        Assert.Equal(h.Simulator.Get("Account", account.Id)!["Name"], account["Name"]);
        var opportunity = opportunities.Records.First(r => r["AccountId"] is not null);
        var stored = h.Simulator.Get("Opportunity", opportunity.Id)!;
        Assert.Equal(stored["StageName"], opportunity["StageName"]);
        Assert.Equal(((DateOnly)stored["CloseDate"]!).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), opportunity["CloseDate"]);
        Assert.Contains(opportunity["IsClosed"], new[] { "true", "false" });
    }

    [Fact]
    public async Task Read_TwelveHundredIds_SplitIntoQueriesUnderTheUrlLimitAndReturnsEachOnce()
    {
        await using var h = await SimulatorHarness.StartAsync();
        var seeded = h.SeedLeads(1200);
        var wanted = seeded.Select(id => id[..15]).Append(SalesforceIds.To18("00QSm00000ZZZZZ")).Append("not-an-id").ToList();

        var records = await h.Connector.ReadAsync(CrmObject.Person, wanted, CancellationToken.None);

        Assert.Equal(seeded.Order(StringComparer.Ordinal), records.Select(r => r.Id).Order(StringComparer.Ordinal));
        var queries = h.Simulator.Requests.Where(r => r.Path.Contains("/query?q=", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, queries.Count);
        Assert.All(queries, q => Assert.Equal(200, q.Status));
    }

    [Fact]
    public async Task ReadOwners_SeededOrg_ReturnsTheConfigsMembersAndQueues()
    {
        await using var h = await SimulatorHarness.StartAsync();
        h.Seed(1);

        var owners = await h.Connector.ReadOwnersAsync(CancellationToken.None);

        foreach (var member in SampleModel.Rules.Members.Where(m => m.SalesforceId is not null))
        {
            var owner = Assert.Single(owners, o => o.Id == SalesforceIds.To18(member.SalesforceId![..15]));
            Assert.Equal($"{member.Id}@sales.example", owner.Email);
            Assert.Equal(member.Active, owner.Active);
            Assert.False(owner.IsQueue);
        }

        var queues = owners.Where(o => o.IsQueue).ToList();
        Assert.Equal(["nurture-pool", "unassigned"], queues.Select(q => q.Name).Order(StringComparer.Ordinal));
        Assert.Contains(owners, o => o.Id == h.Simulator.IntegrationUserId && !o.IsQueue);
    }

    /// <summary>Polls from <paramref name="since"/> until a poll says there is no more, as the worker's poller does.</summary>
    internal static async Task<(List<CrmRecord> Records, int Polls)> DrainAsync(ICrmConnector connector, Watermark since, int maxRecords)
    {
        var records = new List<CrmRecord>();
        var polls = 0;
        while (true)
        {
            var result = await connector.PollAsync(CrmObject.Person, since, maxRecords, CancellationToken.None);
            polls++;
            records.AddRange(result.Records);
            since = result.Next;
            if (!result.HasMore)
            {
                return (records, polls);
            }

            Assert.True(polls < 100, "the poll never reported the end");
        }
    }
}

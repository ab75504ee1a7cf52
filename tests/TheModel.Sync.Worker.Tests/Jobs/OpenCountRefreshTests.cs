using Microsoft.Extensions.Time.Testing;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Application.Pipeline;
using TheModel.Sync.Application.Pipeline.InProcess;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;
using TheModel.Sync.Worker.Jobs;
using TheModel.Sync.Worker.Reload;
using TheModel.Sync.Worker.Tests.Support;
using static TheModel.Sync.Worker.Tests.Support.WorkerTestHost;

namespace TheModel.Sync.Worker.Tests.Jobs;

public sealed class OpenCountRefreshTests
{
    // The sample config: aiko is in sr-jp (SR: works mql, working), ren in ebr (works new, mql, working), mia in csm.
    private const string AikoHubSpot = "41234567";
    private const string AikoSalesforce = "0055g00000AbCdAAAV";
    private const string RenHubSpot = "41234573";
    private const string MiaHubSpot = "41234582";

    [Fact]
    public async Task RefreshOpenCounts_PeopleOwnedInBothCrms_OpenCountsEqualTheCrmsCountsWhateverTheWorkerDecided()
    {
        await using var host = await StartAsync();
        var rules = host.Service<RoutingConfigProvider>().Current.Rules;
        var routing = host.Service<IRoutingStore>();

        // Counts the worker's own decisions left, none of which the CRMs bear out any more.
        await routing.SetOpenCountsAsync(rules, new Dictionary<string, int> { ["aiko"] = 9, ["yui"] = 4, ["ren"] = 2 }, default);

        // HubSpot: aiko has two MQLs and one working, plus an SQL and a new lead her team does not work.
        HubSpotPerson(host, "h1", AikoHubSpot, "marketingqualifiedlead", null);
        HubSpotPerson(host, "h2", AikoHubSpot, "marketingqualifiedlead", null);
        HubSpotPerson(host, "h3", AikoHubSpot, "marketingqualifiedlead", "IN_PROGRESS");
        HubSpotPerson(host, "h4", AikoHubSpot, "salesqualifiedlead", null);
        HubSpotPerson(host, "h5", AikoHubSpot, "lead", "NEW");

        // ren's team works new: a contact whose stage fields match no mapping is new, so it counts; nurture does not.
        HubSpotPerson(host, "h6", RenHubSpot, "subscriber", null);
        HubSpotPerson(host, "h7", RenHubSpot, "lead", "BAD_TIMING");
        HubSpotPerson(host, "h8", MiaHubSpot, "customer", null);

        // Salesforce: two more of aiko's in MQL and working; a qualified one is an AE's stage.
        SalesforcePerson(host, "00Q000000000001AAA", AikoSalesforce, "MQL");
        SalesforcePerson(host, "00Q000000000002AAA", AikoSalesforce, "Working - Contacted");
        SalesforcePerson(host, "00Q000000000003AAA", AikoSalesforce, "Qualified");

        var refresh = await host.Service<RosterChecker>().RefreshOpenCountsAsync(default);

        Assert.NotNull(refresh);
        Assert.True(refresh.Applied);
        var state = await routing.SnapshotAsync(rules, default);
        Assert.Equal(5, state.OpenCount(rules.FindMember("aiko")!));
        Assert.Equal(0, state.OpenCount(rules.FindMember("yui")!));
        Assert.Equal(1, state.OpenCount(rules.FindMember("ren")!));
        Assert.Equal(1, state.OpenCount(rules.FindMember("mia")!));
        Assert.Equal(5, refresh.Counts["aiko"]);
        Assert.Contains(new OpenCountChange("aiko", 9, 5), refresh.Changes);
        Assert.Contains(new OpenCountChange("yui", 4, 0), refresh.Changes);
        Assert.Contains(new OpenCountChange("ren", 2, 1), refresh.Changes);
        Assert.DoesNotContain(refresh.Changes, c => c.Member == "haruto");
        Assert.Contains("aiko: 9 -> 5", host.Logs.Text, StringComparison.Ordinal);

        // Inactive members are not counted, so their counts are left as they were.
        Assert.False(refresh.Counts.ContainsKey("olivia"));
    }

    [Fact]
    public async Task RefreshOpenCounts_SampleConfig_ReadsEachCrmOncePerDistinctStageFilter()
    {
        await using var host = await StartAsync();

        await host.Service<RosterChecker>().RefreshOpenCountsAsync(default);

        // HubSpot: SR teams (mql, working) share one read, AEs (sql) one, CSMs (customer) one; the EBR team works new,
        // so its read has no stage filter.
        var hubSpot = host.HubSpot.OwnedReads;
        Assert.Equal(4, hubSpot.Count);
        var sr = Assert.Single(hubSpot, r => r.Stages?.Values.SequenceEqual(["marketingqualifiedlead"]) == true);
        Assert.Equal("lifecyclestage", sr.Stages!.Field);
        Assert.Equal(["41234567", "41234568", "41234569", "41234570", "41234571"], sr.Owners.Order(StringComparer.Ordinal));
        Assert.Equal(["41234573", "41234574"], Assert.Single(hubSpot, r => r.Stages is null).Owners.Order(StringComparer.Ordinal));
        Assert.Single(hubSpot, r => r.Stages?.Values.SequenceEqual(["salesqualifiedlead"]) == true);
        Assert.Single(hubSpot, r => r.Stages?.Values.SequenceEqual(["customer"]) == true);

        // Salesforce maps no customer stage: the CSMs can hold nobody open there, so nobody is asked for.
        var salesforce = host.Salesforce.OwnedReads;
        Assert.Equal(3, salesforce.Count);
        Assert.Single(salesforce, r => r.Stages?.Field == "Status" && r.Stages.Values.SequenceEqual(["MQL", "Working - Contacted"]));
    }

    [Fact]
    public async Task RefreshOpenCounts_OneCrmFails_OldCountsKeptAndTheFailureLogged()
    {
        await using var host = await StartAsync();
        var rules = host.Service<RoutingConfigProvider>().Current.Rules;
        var routing = host.Service<IRoutingStore>();
        await routing.SetOpenCountsAsync(rules, new Dictionary<string, int> { ["aiko"] = 3 }, default);
        HubSpotPerson(host, "h1", AikoHubSpot, "marketingqualifiedlead", null);
        host.Salesforce.FailAllCalls = new HttpRequestException("Salesforce is down");

        var refresh = await host.Service<RosterChecker>().RefreshOpenCountsAsync(default);

        Assert.NotNull(refresh);
        Assert.False(refresh.Applied);
        Assert.Equal([CrmKind.Salesforce], refresh.Failed);
        Assert.Equal(3, (await routing.SnapshotAsync(rules, default)).OpenCount(rules.FindMember("aiko")!));
        Assert.Contains("Open counts not refreshed: Salesforce could not be read", host.Logs.Text, StringComparison.Ordinal);

        // The next run, with the CRM back, puts the counts right.
        host.Salesforce.FailAllCalls = null;
        var next = await host.Service<RosterChecker>().RefreshOpenCountsAsync(default);
        Assert.True(next!.Applied);
        Assert.Equal(1, (await routing.SnapshotAsync(rules, default)).OpenCount(rules.FindMember("aiko")!));
    }

    [Fact]
    public async Task RefreshOpenCounts_AnotherInstanceHoldsTheLease_SkippedWithoutReading()
    {
        var time = new FakeTimeProvider(Monday10Tokyo);
        var shared = new InProcessStores(time);
        await using var host = await StartAsync(s => (s.SharedStores, s.Time) = (shared, time));
        await shared.TryAcquireAsync(RosterChecker.OpenCountsLeaseName, "other-instance", TimeSpan.FromMinutes(5), default);

        var refresh = await host.Service<RosterChecker>().RefreshOpenCountsAsync(default);

        Assert.Null(refresh);
        Assert.Empty(host.HubSpot.OwnedReads);
        Assert.Empty(host.Salesforce.OwnedReads);
    }

    [Fact]
    public async Task RosterRefreshJob_SchedulesEnabled_RunsTheOpenCountRefreshAfterTheChecks()
    {
        await using var host = await StartAsync(s => s.Settings["Worker:SchedulesEnabled"] = "true");
        HubSpotPerson(host, "h1", AikoHubSpot, "marketingqualifiedlead", null);

        await EventuallyAsync(async () => await host.MetricAsync("themodel_job_runs_total{job=\"roster-open\",result=\"ok\"}") >= 1, "the open-count refresh");

        var rules = host.Service<RoutingConfigProvider>().Current.Rules;
        Assert.True(await host.MetricAsync("themodel_job_runs_total{job=\"roster-refresh\",result=\"ok\"}") >= 2);
        Assert.Equal(1, (await host.Service<IRoutingStore>().SnapshotAsync(rules, default)).OpenCount(rules.FindMember("aiko")!));
    }

    [Theory]
    [InlineData("sr-jp", CrmKind.HubSpot, "lifecyclestage", "marketingqualifiedlead")]
    [InlineData("sr-jp", CrmKind.Salesforce, "Status", "MQL|Working - Contacted")]
    [InlineData("ae-smb", CrmKind.Salesforce, "Status", "Qualified")]
    [InlineData("csm", CrmKind.HubSpot, "lifecyclestage", "customer")]
    public async Task ReadFor_SampleTeams_FiltersOnTheFieldEveryWorkedStageNames(string team, CrmKind crm, string field, string values)
    {
        await using var host = await StartAsync();
        var rules = host.Service<RoutingConfigProvider>().Current.Rules;

        var read = OwnedCounter.ReadFor(rules.FindTeam(team)!.Works, rules.Crms.Single(c => c.Crm == crm));

        Assert.True(read.Needed);
        Assert.Equal(field, read.Filter!.Field);
        Assert.Equal(values.Split('|'), read.Filter.Values);
    }

    [Fact]
    public void ReadFor_WorkedStagesShareNoField_ReadsEveryOwnedPerson()
    {
        var mapping = new CrmMapping
        {
            Crm = CrmKind.HubSpot,
            Stages =
            [
                (Stage.Mql, [new("lifecyclestage", "marketingqualifiedlead")]),
                (Stage.Working, [new("hs_lead_status", "IN_PROGRESS")]),
            ],
        };

        Assert.Equal(OwnedRead.All, OwnedCounter.ReadFor(StageSet.Of([Stage.Mql, Stage.Working]), mapping));
        Assert.Equal(OwnedRead.All, OwnedCounter.ReadFor(StageSet.Of([Stage.New, Stage.Mql]), mapping));
        Assert.Equal(OwnedRead.None, OwnedCounter.ReadFor(StageSet.Of([Stage.Sql]), mapping));
        Assert.Equal(OwnedRead.None, OwnedCounter.ReadFor(StageSet.Of([Stage.Sql]), null));
    }

    private static void HubSpotPerson(WorkerTestHost host, string id, string owner, string? lifecycle, string? status) =>
        host.HubSpot.People[id] = new Dictionary<string, string?>
        {
            ["hubspot_owner_id"] = owner,
            ["lifecyclestage"] = lifecycle,
            ["hs_lead_status"] = status,
        };

    private static void SalesforcePerson(WorkerTestHost host, string id, string owner, string status) =>
        host.Salesforce.People[id] = new Dictionary<string, string?> { ["OwnerId"] = owner, ["Status"] = status };
}

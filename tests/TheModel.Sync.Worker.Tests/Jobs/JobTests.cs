using Microsoft.Extensions.Time.Testing;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Application.Pipeline;
using TheModel.Sync.Application.Pipeline.InProcess;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Worker.Host;
using TheModel.Sync.Worker.Jobs;
using TheModel.Sync.Worker.Reload;
using TheModel.Sync.Worker.Tests.Support;
using static TheModel.Sync.Worker.Tests.Support.WorkerTestHost;

namespace TheModel.Sync.Worker.Tests.Jobs;

public sealed class JobTests
{
    private static CrmRecord Record(string id, DateTimeOffset modified, params (string Field, string? Value)[] fields) =>
        new(id, fields.ToDictionary(f => f.Field, f => f.Value, StringComparer.Ordinal), modified);

    [Fact]
    public async Task PersonPoll_TwoHostsOnOneStore_OnlyOneHoldsTheLeaseUntilItStops()
    {
        var time = new FakeTimeProvider(Monday10Tokyo);
        var shared = new InProcessStores(time);
        await using var a = await StartAsync(s => (s.SharedStores, s.Time) = (shared, time));
        await using var b = await StartAsync(s => (s.SharedStores, s.Time) = (shared, time));
        a.HubSpot.Pollable[CrmObject.Person] = [Record("201", time.GetUtcNow().AddMinutes(-1), ("email", "x@y.example"))];
        b.HubSpot.Pollable[CrmObject.Person] = [Record("201", time.GetUtcNow().AddMinutes(-1), ("email", "x@y.example"))];

        var first = await a.Service<CrmPoller>().PollAsync(CrmKind.HubSpot, CrmObject.Person, default);
        var second = await b.Service<CrmPoller>().PollAsync(CrmKind.HubSpot, CrmObject.Person, default);
        var again = await a.Service<CrmPoller>().PollAsync(CrmKind.HubSpot, CrmObject.Person, default);

        Assert.Equal(new PollRun(PollOutcome.Polled, 1), first);
        Assert.Equal(PollOutcome.Skipped, second.Outcome);
        Assert.Equal(0, b.HubSpot.Polls);

        // Held leases are renewed, and the shared watermark means nothing is polled twice.
        Assert.Equal(new PollRun(PollOutcome.Polled, 0), again);

        // A graceful stop hands the lease back at once.
        await a.StopAsync();
        var takeover = await b.Service<CrmPoller>().PollAsync(CrmKind.HubSpot, CrmObject.Person, default);
        Assert.Equal(new PollRun(PollOutcome.Polled, 0), takeover);
    }

    [Fact]
    public async Task PersonPoll_LeaseHolderDied_TakenOverAfterTheTtl()
    {
        var time = new FakeTimeProvider(Monday10Tokyo);
        var shared = new InProcessStores(time);
        await using var b = await StartAsync(s => (s.SharedStores, s.Time) = (shared, time));
        await shared.TryAcquireAsync(CrmPoller.LeaseName(CrmKind.HubSpot, CrmObject.Person), "crashed-instance", TimeSpan.FromSeconds(90), default);

        Assert.Equal(PollOutcome.Skipped, (await b.Service<CrmPoller>().PollAsync(CrmKind.HubSpot, CrmObject.Person, default)).Outcome);
        time.Advance(TimeSpan.FromSeconds(91));
        Assert.Equal(PollOutcome.Polled, (await b.Service<CrmPoller>().PollAsync(CrmKind.HubSpot, CrmObject.Person, default)).Outcome);
    }

    [Fact]
    public async Task PersonPoll_ChangedPeople_QueuedAsPollEventsFromTheLookback()
    {
        await using var host = await StartAsync();
        await host.Service<EventConsumer>().StopAsync(default);
        var now = host.Time.GetUtcNow();
        host.HubSpot.Pollable[CrmObject.Person] =
        [
            Record("300", now.AddHours(-2), ("email", "old@y.example")),
            Record("301", now.AddMinutes(-3), ("email", "new@y.example")),
        ];

        var run = await host.Service<CrmPoller>().PollAsync(CrmKind.HubSpot, CrmObject.Person, default);

        Assert.Equal(1, run.Records);
        var queued = Assert.Single(await host.Service<IEventQueue>().ReadAsync("t", 10, TimeSpan.Zero, default));
        Assert.Equal($"poll:HubSpot:301:{now.AddMinutes(-3).ToUnixTimeMilliseconds()}", queued.Event.DedupeKey);
        Assert.Equal(EventOrigin.Poll, queued.Event.Origin);
        var mark = await host.Service<IWatermarkStore>().GetAsync(CrmKind.HubSpot, CrmObject.Person, default);
        Assert.Equal(new Watermark(now.AddMinutes(-3), "301"), mark);
    }

    [Fact]
    public async Task AccountPoll_Accounts_FillTheCatalogAndTheMatcher()
    {
        await using var host = await StartAsync();
        var provider = host.Service<RoutingConfigProvider>();
        var before = provider.Current;
        host.HubSpot.Pollable[CrmObject.Account] =
        [
            Record("9001", Monday10Tokyo.AddDays(-30), ("name", "NewCo"), ("domain", "newco.example")),
            Record("9002", Monday10Tokyo.AddDays(-3), ("name", "Widgets"), ("domain", "widgets.example")),
        ];

        var run = await host.Service<CrmPoller>().PollAsync(CrmKind.HubSpot, CrmObject.Account, default);

        Assert.Equal(2, run.Records);
        Assert.Equal(2, host.Service<CrmCatalog>().AccountCount);
        Assert.NotSame(before, provider.Current);
        Assert.Equal(2, provider.Current.Engine.Accounts.Count);
        Assert.NotNull(provider.Current.Engine.Accounts.FindById("9002"));

        // A poll that changes nothing leaves the matcher as it is (not rebuilt per event or per empty poll).
        var current = provider.Current;
        Assert.Equal(0, (await host.Service<CrmPoller>().PollAsync(CrmKind.HubSpot, CrmObject.Account, default)).Records);
        Assert.Same(current, provider.Current);
    }

    [Fact]
    public async Task AccountPoll_MorePagesThanThePeoplePageCap_WholeCatalogLoadedInOneRun()
    {
        await using var host = await StartAsync(s => (s.Settings["Worker:PollPageSize"], s.Settings["Worker:MaxPollPagesPerRun"]) = ("1", "1"));
        host.HubSpot.Pollable[CrmObject.Account] = [.. Enumerable.Range(1, 3).Select(i => Record($"900{i}", Monday10Tokyo.AddDays(-i), ("name", $"Co {i}")))];

        var run = await host.Service<CrmPoller>().PollAsync(CrmKind.HubSpot, CrmObject.Account, default);

        Assert.Equal(3, run.Records);
        Assert.Equal(3, host.Service<RoutingConfigProvider>().Current.Engine.Accounts.Count);
    }

    [Fact]
    public async Task PersonPoll_MorePagesThanTheCap_OneRunStopsAtTheCapAndTheNextContinues()
    {
        await using var host = await StartAsync(s => (s.Settings["Worker:PollPageSize"], s.Settings["Worker:MaxPollPagesPerRun"]) = ("1", "2"));
        host.HubSpot.Pollable[CrmObject.Person] = [.. Enumerable.Range(1, 3).Select(i => Record($"40{i}", Monday10Tokyo.AddMinutes(-i)))];
        var poller = host.Service<CrmPoller>();

        Assert.Equal(2, (await poller.PollAsync(CrmKind.HubSpot, CrmObject.Person, default)).Records);
        Assert.Equal(1, (await poller.PollAsync(CrmKind.HubSpot, CrmObject.Person, default)).Records);
    }

    [Fact]
    public async Task OpportunityPoll_FirstRunThenChanges_HistoryQueuesNothingAndLaterChangesAreQueued()
    {
        await using var host = await StartAsync();
        await host.Service<EventConsumer>().StopAsync(default);
        var now = host.Time.GetUtcNow();
        host.Salesforce.Pollable[CrmObject.Opportunity] =
        [
            Record("006000000000001AAA", now.AddDays(-400), ("IsClosed", "true"), ("IsWon", "false"), ("StageName", "Closed Lost")),
            Record("006000000000002AAA", now.AddDays(-2), ("IsClosed", "true"), ("IsWon", "true"), ("StageName", "Closed Won")),
            Record("006000000000005AAA", now.AddHours(-3), ("IsClosed", "true"), ("IsWon", "false"), ("StageName", "Closed Lost")),
            Record("006000000000003AAA", now.AddMinutes(-10), ("IsClosed", "true"), ("IsWon", "false"), ("StageName", "Closed Lost")),
        ];
        var marks = host.Service<IRecordMarks>();
        var queue = host.Service<IEventQueue>();
        var poller = host.Service<CrmPoller>();

        await poller.PollAsync(CrmKind.Salesforce, CrmObject.Opportunity, default);

        // What was there before the worker's first poll is history: nothing queued; losses older than a day marked.
        Assert.Empty(await queue.ReadAsync("t", 10, TimeSpan.Zero, default));
        Assert.True(await marks.IsMarkedAsync(RecycleEvents.MarkKey(CrmKind.Salesforce, CrmObject.Opportunity, "006000000000001AAA"), default));
        Assert.False(await marks.IsMarkedAsync(RecycleEvents.MarkKey(CrmKind.Salesforce, CrmObject.Opportunity, "006000000000002AAA"), default));
        Assert.False(await marks.IsMarkedAsync(RecycleEvents.MarkKey(CrmKind.Salesforce, CrmObject.Opportunity, "006000000000005AAA"), default));
        Assert.Equal(now.AddMinutes(-10), (await host.Service<IWatermarkStore>().GetAsync(CrmKind.Salesforce, CrmObject.Opportunity, default))?.ModifiedAt);

        // Then deals change: each change is queued.
        host.Time.Advance(TimeSpan.FromMinutes(5));
        host.Salesforce.Pollable[CrmObject.Opportunity].Add(Record("006000000000004AAA", host.Time.GetUtcNow(), ("IsClosed", "false"), ("IsWon", "false"), ("StageName", "Prospecting")));
        host.Salesforce.Pollable[CrmObject.Opportunity].Add(Record("006000000000005AAA", host.Time.GetUtcNow(), ("IsClosed", "true"), ("IsWon", "false"), ("StageName", "Closed Lost")));
        await poller.PollAsync(CrmKind.Salesforce, CrmObject.Opportunity, default);

        var queued = await queue.ReadAsync("t", 10, TimeSpan.Zero, default);
        Assert.Equal(["006000000000004AAA", "006000000000005AAA"], queued.Select(q => q.Event.RecordId));
        Assert.All(queued, q => Assert.Equal((CrmObject.Opportunity, EventOrigin.Poll), (q.Event.Object, q.Event.Origin)));
    }

    [Fact]
    public async Task AccountPoll_SecondInstanceLoadsTheCatalogLater_QueuesOnlyWhatIsNewerThanTheSharedWatermark()
    {
        var time = new FakeTimeProvider(Monday10Tokyo);
        var shared = new InProcessStores(time);
        await using var a = await StartAsync(s => (s.SharedStores, s.Time) = (shared, time));
        await a.Service<EventConsumer>().StopAsync(default);
        var old = Record("400", Monday10Tokyo.AddDays(-2), ("name", "Old KK"), ("type", "Prospect"));
        a.HubSpot.Pollable[CrmObject.Account] = [old];
        await a.Service<CrmPoller>().PollAsync(CrmKind.HubSpot, CrmObject.Account, default);
        var earlier = Record("500", Monday10Tokyo.AddMinutes(-30), ("name", "Earlier KK"), ("type", "Former customer"));
        var churned = Record("501", Monday10Tokyo.AddMinutes(-10), ("name", "Gone KK"), ("type", "Former customer"));
        a.HubSpot.Pollable[CrmObject.Account] = [old, earlier, churned];
        await a.Service<CrmPoller>().PollAsync(CrmKind.HubSpot, CrmObject.Account, default);
        var queue = a.Service<IEventQueue>();
        Assert.Equal(["500", "501"], (await queue.ReadAsync("t", 10, TimeSpan.Zero, default)).Select(q => q.Event.RecordId));

        // Three hours on, a second instance starts and reads every account from the beginning.
        time.Advance(TimeSpan.FromHours(3));
        await using var b = await StartAsync(s => (s.SharedStores, s.Time) = (shared, time));
        await b.Service<EventConsumer>().StopAsync(default);
        var newer = Record("502", time.GetUtcNow().AddMinutes(-1), ("name", "Left Inc"), ("type", "Former customer"));
        b.HubSpot.Pollable[CrmObject.Account] = [old, earlier, churned, newer];
        await b.Service<CrmPoller>().PollAsync(CrmKind.HubSpot, CrmObject.Account, default);

        // 501 sits at the shared watermark (queued again; a shared queue drops it), 500 behind it (instance a took it).
        var queued = await b.Service<IEventQueue>().ReadAsync("t", 10, TimeSpan.Zero, default);
        Assert.Equal(["501", "502"], queued.Select(q => q.Event.RecordId).Order(StringComparer.Ordinal));

        // Only a day behind the watermark is a churn history: 500's event may still be in instance a's queue.
        var marks = b.Service<IRecordMarks>();
        Assert.False(await marks.IsMarkedAsync(RecycleEvents.MarkKey(CrmKind.HubSpot, CrmObject.Account, "500"), default));
    }

    [Fact]
    public async Task Poll_CrmWithoutConnector_NoConnector()
    {
        await using var host = await StartAsync(s => s.WithSalesforce = false);

        var run = await host.Service<CrmPoller>().PollAsync(CrmKind.Salesforce, CrmObject.Opportunity, default);

        Assert.Equal(PollOutcome.NoConnector, run.Outcome);
        Assert.Equal(0, host.Salesforce.Polls);
    }

    [Fact]
    public async Task DueSweep_DueSlaItem_QueuesOneSweepEvent()
    {
        await using var host = await StartAsync();
        await host.Service<EventConsumer>().StopAsync(default);
        var due = host.Service<IDueSchedule>();
        var now = host.Time.GetUtcNow();
        await due.ScheduleAsync(EventProcessor.SlaDueKind, "HubSpot:101", now.AddMinutes(-1), default);
        await due.ScheduleAsync(EventProcessor.RecheckDueKind, "Salesforce:00Q000000000001AAA", now.AddDays(1), default);

        var claimed = await host.Service<DueSweeper>().SweepAsync(default);

        Assert.Equal(1, claimed);
        var queued = Assert.Single(await host.Service<IEventQueue>().ReadAsync("t", 10, TimeSpan.Zero, default));
        Assert.Equal($"sla:HubSpot:101:{now.ToUnixTimeMilliseconds()}", queued.Event.DedupeKey);
        Assert.Equal((CrmKind.HubSpot, "101", EventOrigin.Sweep), (queued.Event.Crm, queued.Event.RecordId, queued.Event.Origin));
        Assert.Equal(0, await host.Service<DueSweeper>().SweepAsync(default));
    }

    [Theory]
    [InlineData("HubSpot:101", true)]
    [InlineData("Salesforce:00Q000000000001AAA", true)]
    [InlineData("hubspot:101", false)]
    [InlineData("HubSpot:", false)]
    [InlineData("101", false)]
    [InlineData("7:101", false)]
    public void ToEvent_Item_ParsedOnlyWhenCrmAndIdArePresent(string item, bool valid) =>
        Assert.Equal(valid, DueSweeper.ToEvent(EventProcessor.RecheckDueKind, item, Monday10Tokyo) is not null);

    [Fact]
    public async Task RosterCheck_OwnersMissingOrInactive_ReportedPerMember()
    {
        await using var host = await StartAsync();
        var rules = host.Service<RoutingConfigProvider>().Current.Rules;
        var withIds = rules.Members.Where(m => m.Active && m.HubSpotId is not null).ToList();
        Assert.True(withIds.Count >= 3);
        host.HubSpot.Owners.Add(new CrmOwner(withIds[0].HubSpotId!, null, null, Active: false, IsQueue: false));
        foreach (var m in withIds.Skip(2))
        {
            host.HubSpot.Owners.Add(new CrmOwner(m.HubSpotId!, null, null, Active: true, IsQueue: false));
        }

        var problems = await host.Service<RosterChecker>().CheckAsync(CrmKind.HubSpot, default);

        Assert.NotNull(problems);
        Assert.Contains(problems, p => p.Who.Contains($"'{withIds[0].Id}'", StringComparison.Ordinal) && p.Problem.EndsWith("is inactive there", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Who.Contains($"'{withIds[1].Id}'", StringComparison.Ordinal) && p.Problem.EndsWith("is not a user or queue there", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Who.Contains($"'{withIds[2].Id}'", StringComparison.Ordinal));
        Assert.Contains("Roster check (HubSpot)", host.Logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schedules_Enabled_QuartzRunsThePollsAtStart()
    {
        await using var host = await StartAsync(s => s.Settings["Worker:SchedulesEnabled"] = "true");

        await EventuallyAsync(() => host.HubSpot.Polls >= 3 && host.Salesforce.Polls >= 3, "the person, account and opportunity polls of both CRMs");
        await EventuallyAsync(async () => await host.MetricAsync("themodel_job_runs_total{job=\"due-sweep\",result=\"ok\"}") >= 1, "the due sweep");
    }
}

using Microsoft.Extensions.Time.Testing;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Application.Pipeline;
using TheModel.Sync.Application.Pipeline.InProcess;
using TheModel.Sync.Application.Tests.Support;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Application.Tests.Pipeline;

/// <summary>
/// The recycle rules' on: events live (the sample config's closed-lost: loss reason timing or budget → nurture,
/// lost_timing; churned: → nurture, churned): a deal or company event is read, its people are queued once, and their
/// evaluations see the event.
/// </summary>
public sealed class RecycleEventTests
{
    private static readonly DateTimeOffset Monday10Tokyo = new(2026, 11, 30, 1, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Monday10Tokyo);
    private readonly FakeCrm _crm = new(CrmKind.HubSpot);
    private readonly InProcessEventQueue _queue;
    private readonly InProcessStores _stores;
    private readonly EventProcessor _processor;
    private readonly List<RecycleFanOut> _fanOuts = [];

    public RecycleEventTests()
    {
        _queue = new InProcessEventQueue(_time);
        _stores = new InProcessStores(_time);
        var context = new FixedRoutingContext(Configs.Sample(), []);
        _processor = new EventProcessor([_crm], context, context, _queue, _stores, _stores, _stores, _stores, _stores, _stores, _time)
        {
            RecycleFanOuts = _fanOuts.Add,
        };
        _crm.People["101"] = Sql("kenta@bigco.example");
        _crm.People["102"] = Sql("yui@bigco.example");
        _crm.Others["9001"] = Deal(closed: true, won: false, reason: "timing", closeDate: "2026-11-29");
        _crm.PeopleOfRecord["9001"] = ["101", "102", "404"];
    }

    private static Dictionary<string, string?> Sql(string email) => new()
    {
        ["email"] = email,
        ["company"] = "BigCo",
        ["country"] = "JP",
        ["numemployees"] = "40",
        ["lifecyclestage"] = "salesqualifiedlead",
        ["hubspot_owner_id"] = "41234567",
        ["themodel_stage_entered_at"] = "2026-11-01T00:00:00.000Z",
        ["themodel_owner_set_at"] = "2026-11-01T00:00:00.000Z",
    };

    private static Dictionary<string, string?> Deal(bool closed, bool won, string? reason, string closeDate) => new()
    {
        ["dealstage"] = closed ? (won ? "closedwon" : "closedlost") : "qualifiedtobuy",
        ["hs_is_closed"] = closed ? "true" : "false",
        ["hs_is_closed_won"] = won ? "true" : "false",
        ["closed_lost_reason"] = reason,
        ["closedate"] = closeDate + "T00:00:00.000Z",
        ["amount"] = "12000",
    };

    private static CrmEvent DealChanged(string key, string id = "9001", CrmObject obj = CrmObject.Opportunity) =>
        new(key, CrmKind.HubSpot, obj, id, obj == CrmObject.Opportunity ? "deal.propertyChange" : "company.propertyChange", Monday10Tokyo, EventOrigin.Webhook);

    private async Task<BatchResult> RunOnceAsync()
    {
        var batch = await _queue.ReadAsync("c1", 100, TimeSpan.Zero, default);
        return await _processor.ProcessAsync(batch, default);
    }

    [Fact]
    public async Task ProcessAsync_DealClosedLostForTiming_QueuesItsPeopleWhoseDecisionsRecycleThemOnce()
    {
        await _queue.EnqueueAsync([DealChanged("d-1")], default);

        var first = await RunOnceAsync();

        Assert.Equal(EventResult.Done, Assert.Single(first.Results.Values));
        Assert.Empty(first.Decisions);
        var read = Assert.Single(_crm.PeopleOfReads);
        Assert.Equal((CrmObject.Opportunity, "9001"), (read.Object, read.RecordId));
        Assert.Equal(3, (await _queue.StatsAsync(default)).Pending);
        Assert.Equal(3, Assert.Single(_fanOuts).People);

        var second = await RunOnceAsync();

        Assert.Equal(2, second.Decisions.Count);
        foreach (var d in second.Decisions)
        {
            Assert.Equal(Stage.Nurture, d.Decision.Stage);
            Assert.Equal("lost_timing", d.Decision.RecycleReason);
            Assert.Equal("closed-lost", d.Decision.RecycleRule);
            Assert.Equal(RecycleEvents.OpportunityLost, d.Event.Kind);
            Assert.Contains("\"event\":\"opportunity_lost\"", d.Json, StringComparison.Ordinal);
        }

        Assert.Equal("BAD_TIMING", _crm.People["101"]["hs_lead_status"]);
        Assert.Equal("lost_timing", _crm.People["102"]["themodel_recycle_reason"]);
        Assert.Equal(EventResult.Ignored, second.Results.Values.Single(r => r != EventResult.Done));

        // The same loss seen again (a poll, a repeated webhook): nobody is queued twice.
        await _queue.EnqueueAsync([DealChanged("d-2"), DealChanged("poll-d")], default);
        var again = await RunOnceAsync();
        Assert.All(again.Results.Values, r => Assert.Equal(EventResult.Ignored, r));
        Assert.Single(_crm.PeopleOfReads);
        Assert.Equal(0, (await _queue.StatsAsync(default)).Pending);
    }

    [Fact]
    public async Task ProcessAsync_LossReasonTheRuleDoesNotName_PeopleAreDecidedButNotRecycled()
    {
        _crm.Others["9001"] = Deal(closed: true, won: false, reason: "competitor", closeDate: "2026-11-29");
        await _queue.EnqueueAsync([DealChanged("d-1")], default);

        await RunOnceAsync();
        var second = await RunOnceAsync();

        Assert.Equal(2, second.Decisions.Count);
        Assert.All(second.Decisions, d => Assert.Equal(Stage.Sql, d.Decision.Stage));
        Assert.Equal("salesqualifiedlead", _crm.People["101"]["lifecyclestage"]);
    }

    [Fact]
    public async Task ProcessAsync_TwoDealsOfThePeopleLostTogether_TheOneTheRuleNamesRecyclesThem()
    {
        _crm.Others["9000"] = Deal(closed: true, won: false, reason: "competitor", closeDate: "2026-11-29");
        _crm.PeopleOfRecord["9000"] = ["101", "102"];
        await _queue.EnqueueAsync([DealChanged("d-0", "9000"), DealChanged("d-1")], default);

        await RunOnceAsync();
        var second = await RunOnceAsync();

        Assert.Equal(2, second.Decisions.Count);
        Assert.All(second.Decisions, d => Assert.Equal(("closed-lost", Stage.Nurture), (d.Decision.RecycleRule, d.Decision.Stage)));
        Assert.Equal(0, (await _queue.StatsAsync(default)).Pending);
    }

    [Fact]
    public async Task ProcessAsync_ManyDealsLostAtOnce_OnePeopleLookupAndPollCopiesNeedNoRead()
    {
        var polled = new List<CrmEvent>();
        for (var i = 0; i < 30; i++)
        {
            var id = (9100 + i).ToString(System.Globalization.CultureInfo.InvariantCulture);
            _crm.PeopleOfRecord[id] = [i % 2 == 0 ? "101" : "102"];
            polled.Add(new CrmEvent($"poll-{id}", CrmKind.HubSpot, CrmObject.Opportunity, id, "poll", Monday10Tokyo, EventOrigin.Poll,
                Deal(closed: true, won: false, reason: "timing", closeDate: "2026-11-29")));
        }

        await _queue.EnqueueAsync(polled, default);
        var reads = _crm.ReadCalls;

        var first = await RunOnceAsync();

        Assert.All(first.Results.Values, r => Assert.Equal(EventResult.Done, r));
        Assert.Equal(1, _crm.PeopleOfCalls);
        Assert.Equal(30, _crm.PeopleOfReads.Count);
        Assert.Equal(reads, _crm.ReadCalls);
        Assert.Equal(30, _fanOuts.Count);
    }

    [Fact]
    public async Task ProcessAsync_DealsOfAccountsNotYetInTheIndex_AccountsReadInOneCallForTheirDomains()
    {
        var polled = new List<CrmEvent>();
        foreach (var (deal, company, domain) in new[] { ("9201", "77", "bigco.example"), ("9202", "78", "smallco.example"), ("9203", "77", "bigco.example") })
        {
            _crm.Others[company] = new Dictionary<string, string?> { ["name"] = company, ["domain"] = domain, ["type"] = "Prospect" };
            var fields = Deal(closed: true, won: false, reason: "timing", closeDate: "2026-11-29");
            fields[CrmSchema.HubSpotDealCompanyField] = company;
            polled.Add(new CrmEvent($"poll-{deal}", CrmKind.HubSpot, CrmObject.Opportunity, deal, "poll", Monday10Tokyo, EventOrigin.Poll, fields));
        }

        await _queue.EnqueueAsync(polled, default);
        var reads = _crm.ReadCalls;

        await RunOnceAsync();

        Assert.Equal(reads + 1, _crm.ReadCalls);
        Assert.Equal(
            [("9201", "77", "bigco.example"), ("9202", "78", "smallco.example"), ("9203", "77", "bigco.example")],
            _crm.PeopleOfReads.Select(r => (r.RecordId, r.AccountId, Assert.Single(r.Domains))).OrderBy(r => r.RecordId, StringComparer.Ordinal));
    }

    [Fact]
    public async Task ProcessAsync_WonOrOpenDeal_QueuesNobody()
    {
        _crm.Others["9001"] = Deal(closed: true, won: true, reason: null, closeDate: "2026-11-29");
        await _queue.EnqueueAsync([DealChanged("d-1")], default);

        var result = await RunOnceAsync();

        Assert.Equal(EventResult.Ignored, Assert.Single(result.Results.Values));
        Assert.Empty(_crm.PeopleOfReads);
        Assert.Equal(0, (await _queue.StatsAsync(default)).Pending);
    }

    [Fact]
    public async Task ProcessAsync_DealReopenedThenLostAgain_RecyclesAgain()
    {
        await _queue.EnqueueAsync([DealChanged("d-1")], default);
        await RunOnceAsync();
        await RunOnceAsync();

        _crm.Others["9001"] = Deal(closed: false, won: false, reason: null, closeDate: "2026-12-20");
        await _queue.EnqueueAsync([DealChanged("d-2")], default);
        await RunOnceAsync();
        Assert.False(await _stores.IsMarkedAsync(RecycleEvents.MarkKey(CrmKind.HubSpot, CrmObject.Opportunity, "9001"), default));

        _time.Advance(TimeSpan.FromDays(20));
        _crm.Others["9001"] = Deal(closed: true, won: false, reason: "budget", closeDate: "2026-12-20");
        await _queue.EnqueueAsync([DealChanged("d-3")], default);
        await RunOnceAsync();

        Assert.Equal(2, _crm.PeopleOfReads.Count);
        Assert.Equal(3, (await _queue.StatsAsync(default)).Pending);
    }

    [Fact]
    public async Task ProcessAsync_CompanyBecameFormerCustomer_RecyclesItsPeopleAsChurned()
    {
        _crm.Others["77"] = new Dictionary<string, string?> { ["name"] = "BigCo", ["domain"] = "bigco.example", ["type"] = "Former customer" };
        _crm.PeopleOfRecord["77"] = ["101"];
        await _queue.EnqueueAsync([DealChanged("c-1", "77", CrmObject.Account)], default);

        await RunOnceAsync();
        var second = await RunOnceAsync();

        var decision = Assert.Single(second.Decisions);
        Assert.Equal(Stage.Nurture, decision.Decision.Stage);
        Assert.Equal("churned", decision.Decision.RecycleReason);
        var read = Assert.Single(_crm.PeopleOfReads);
        Assert.Equal("77", read.AccountId);
        Assert.Equal(["bigco.example"], read.Domains);
    }

    [Fact]
    public async Task ProcessAsync_AccountWebsiteIsAFreeMailProvider_NoDomainToSearchBy()
    {
        _crm.Others["78"] = new Dictionary<string, string?> { ["name"] = "Sole trader", ["website"] = "https://gmail.com", ["type"] = "Former customer" };
        await _queue.EnqueueAsync([DealChanged("c-1", "78", CrmObject.Account)], default);

        await RunOnceAsync();

        Assert.Empty(Assert.Single(_crm.PeopleOfReads).Domains);
    }

    [Fact]
    public async Task ProcessAsync_PersonReadJustNow_RecycleEventStillDecides()
    {
        // A person the worker has just decided (its memo's read time is after the deal's event time).
        await _queue.EnqueueAsync([new CrmEvent("p-1", CrmKind.HubSpot, CrmObject.Person, "101", "contact.propertyChange", Monday10Tokyo, EventOrigin.Webhook)], default);
        await RunOnceAsync();
        _time.Advance(TimeSpan.FromMinutes(1));
        await _queue.EnqueueAsync([DealChanged("d-1")], default);

        await RunOnceAsync();
        var second = await RunOnceAsync();

        Assert.Contains(second.Decisions, d => d.Event.RecordId == "101" && d.Decision.Stage == Stage.Nurture);
    }

    [Fact]
    public async Task ProcessAsync_FindingThePeopleFails_RetriesAndMarksNothing()
    {
        _crm.PeopleOfRecord.Clear();
        _crm.FailPeopleOf = true;
        await _queue.EnqueueAsync([DealChanged("d-1")], default);

        var result = await RunOnceAsync();

        Assert.Equal(EventResult.Retry, Assert.Single(result.Results.Values));
        Assert.False(await _stores.IsMarkedAsync(RecycleEvents.MarkKey(CrmKind.HubSpot, CrmObject.Opportunity, "9001"), default));
        Assert.Contains(result.Problems, p => p.Contains("9001", StringComparison.Ordinal));
    }
}

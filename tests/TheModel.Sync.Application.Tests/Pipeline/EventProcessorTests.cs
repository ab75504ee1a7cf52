using Microsoft.Extensions.Time.Testing;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Application.Pipeline;
using TheModel.Sync.Application.Pipeline.InProcess;
using TheModel.Sync.Application.Tests.Support;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Application.Tests.Pipeline;

public sealed class EventProcessorTests
{
    // Monday 2026-11-30 10:00 in Tokyo: the Japanese SR team is at work.
    private static readonly DateTimeOffset Monday10Tokyo = new(2026, 11, 30, 1, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Monday10Tokyo);
    private readonly FakeCrm _crm = new(CrmKind.HubSpot);
    private readonly InProcessEventQueue _queue;
    private readonly InProcessStores _stores;
    private readonly EventProcessor _processor;

    public EventProcessorTests()
    {
        _queue = new InProcessEventQueue(_time);
        _stores = new InProcessStores(_time);
        var context = new FixedRoutingContext(Configs.Sample(), []);
        _processor = new EventProcessor([_crm], context, context, _queue, _stores, _stores, _stores, _stores, _stores, _stores, _time);
        _crm.People["101"] = new Dictionary<string, string?>
        {
            ["email"] = "kenta@newco.example",
            ["company"] = "NewCo",
            ["jobtitle"] = "CTO",
            ["country"] = "JP",
            ["numemployees"] = "50",
            ["lifecyclestage"] = "lead",
            ["hs_lead_status"] = "NEW",
            ["last_form"] = "Demo request",
            ["last_form_at"] = "2026-11-30T00:00:00.000Z",
        };
    }

    private static CrmEvent Created(string id, string key) =>
        new(key, CrmKind.HubSpot, CrmObject.Person, id, "contact.creation", Monday10Tokyo, EventOrigin.Webhook);

    private async Task<(BatchResult Result, IReadOnlyList<QueuedEvent> Batch)> RunOnceAsync()
    {
        var batch = await _queue.ReadAsync("c1", 100, TimeSpan.Zero, default);
        return (await _processor.ProcessAsync(batch, default), batch);
    }

    [Fact]
    public async Task ProcessAsync_NewInboundLead_AssignsWritesOwnerAndStageLogsAndAcknowledges()
    {
        await _queue.EnqueueAsync([Created("101", "evt-1")], default);

        var (result, _) = await RunOnceAsync();

        Assert.Equal(EventResult.Done, Assert.Single(result.Results.Values));
        Assert.Equal("41234567", _crm.People["101"]["hubspot_owner_id"]);
        Assert.Equal("marketingqualifiedlead", _crm.People["101"]["lifecyclestage"]);
        Assert.Equal("inbound-mql-jp", Assert.Single(result.Decisions).Decision.Rule);
        Assert.Single(await _stores.ReadAsync(10, default));
        var stats = await _queue.StatsAsync(default);
        Assert.Equal((0, 0), (stats.Pending, stats.Unacknowledged));
    }

    [Fact]
    public async Task ProcessAsync_CrmWithoutConnector_DeadLettersTheWholeBatchWithTheReason()
    {
        var events = Enumerable.Range(0, 50)
            .Select(i => new CrmEvent($"sf-{i}", CrmKind.Salesforce, CrmObject.Person, $"00Q{i}", "outbound.Lead", Monday10Tokyo, EventOrigin.OutboundMessage))
            .ToList();
        await _queue.EnqueueAsync(events, default);

        var (result, _) = await RunOnceAsync();

        Assert.Equal(50, result.Results.Count);
        Assert.All(result.Results.Values, r => Assert.Equal(EventResult.DeadLettered, r));
        var dead = await _queue.DeadLettersAsync(100, default);
        Assert.Equal(50, dead.Count);
        Assert.All(dead, d => Assert.Equal("no Salesforce connector is configured", d.Reason));
        var stats = await _queue.StatsAsync(default);
        Assert.Equal((0, 0, 50), (stats.Pending, stats.Unacknowledged, stats.DeadLetters));
    }

    [Fact]
    public async Task EnqueueAsync_SameDedupeKeyTwice_QueuesOnce()
    {
        Assert.Equal(1, await _queue.EnqueueAsync([Created("101", "evt-1")], default));
        Assert.Equal(0, await _queue.EnqueueAsync([Created("101", "evt-1"), Created("101", "evt-1")], default));
    }

    [Fact]
    public async Task ProcessAsync_ResponseLostAfterTheWrite_ReplayWritesTheSamePlanWithNoSecondOwnerChange()
    {
        await _queue.EnqueueAsync([Created("101", "evt-1")], default);
        _crm.LoseNextResponse = true;

        var (first, _) = await RunOnceAsync();
        Assert.Equal(EventResult.Retry, Assert.Single(first.Results.Values));

        _time.Advance(TimeSpan.FromMinutes(5));
        var reclaimed = await _queue.ReclaimAsync("c2", TimeSpan.FromMinutes(1), 10, default);
        var second = await _processor.ProcessAsync(reclaimed, default);

        Assert.Equal(EventResult.Done, Assert.Single(second.Results.Values));
        Assert.Single(_crm.OwnerChanges);
        Assert.Equal(2, reclaimed.Single().Deliveries);
    }

    [Fact]
    public async Task ProcessAsync_SlaBreachSweepReplayed_CreatesTheTaskOnceAndReassignsOnce()
    {
        await _queue.EnqueueAsync([Created("101", "evt-1")], default);
        await RunOnceAsync();
        var due = await _stores.ClaimDueAsync(EventProcessor.SlaDueKind, Monday10Tokyo.AddHours(5), 10, default);
        Assert.Equal("HubSpot:101", Assert.Single(due));

        _time.Advance(TimeSpan.FromHours(5));
        var sweep = new CrmEvent("sla:HubSpot:101:1", CrmKind.HubSpot, CrmObject.Person, "101", "sla", _time.GetUtcNow(), EventOrigin.Sweep);
        await _queue.EnqueueAsync([sweep], default);
        _crm.LoseNextResponse = true;
        var (breach, _) = await RunOnceAsync();
        Assert.Equal(EventResult.Retry, Assert.Single(breach.Results.Values));

        _time.Advance(TimeSpan.FromMinutes(5));
        var replay = await _processor.ProcessAsync(await _queue.ReclaimAsync("c2", TimeSpan.FromMinutes(1), 10, default), default);

        Assert.Equal(EventResult.Done, Assert.Single(replay.Results.Values));
        var task = Assert.Single(_crm.TasksByKey.Values.SelectMany(t => t));
        Assert.Equal("SLA missed: first touch for NewCo", task.Subject);
        Assert.Equal("41234567", task.OwnerId);
        Assert.Equal(2, _crm.OwnerChanges.Count);
        Assert.NotEqual("41234567", _crm.OwnerChanges[1].Owner);
    }

    [Fact]
    public async Task ProcessAsync_CrmRefusesTheWrite_DeadLettersWithTheCrmMessage()
    {
        _crm.RejectPerson = "101";
        await _queue.EnqueueAsync([Created("101", "evt-1")], default);

        var (result, _) = await RunOnceAsync();

        Assert.Equal(EventResult.DeadLettered, Assert.Single(result.Results.Values));
        var dead = Assert.Single(await _queue.DeadLettersAsync(10, default));
        Assert.Equal("the CRM refused the write: FIELD_CUSTOM_VALIDATION_EXCEPTION: Company is required", dead.Reason);
    }

    [Fact]
    public async Task ProcessAsync_WriteKeepsFailing_RetriesThenDeadLettersAfterMaxDeliveries()
    {
        _crm.FailWrites = 100;
        await _queue.EnqueueAsync([Created("101", "evt-1")], default);
        var (first, _) = await RunOnceAsync();
        Assert.Equal(EventResult.Retry, Assert.Single(first.Results.Values));

        BatchResult last = first;
        for (var i = 0; i < 4; i++)
        {
            _time.Advance(TimeSpan.FromMinutes(5));
            last = await _processor.ProcessAsync(await _queue.ReclaimAsync("c1", TimeSpan.FromMinutes(1), 10, default), default);
        }

        Assert.Equal(EventResult.DeadLettered, Assert.Single(last.Results.Values));
        Assert.EndsWith("(after 5 deliveries)", Assert.Single(await _queue.DeadLettersAsync(10, default)).Reason, StringComparison.Ordinal);
        Assert.Equal(0, (await _queue.StatsAsync(default)).Unacknowledged);
    }

    [Fact]
    public async Task ProcessAsync_ManyLeadsAtOnce_OneWriteCallAndTheRotationAdvancesPerPerson()
    {
        for (var i = 0; i < 6; i++)
        {
            _crm.People[$"20{i}"] = new Dictionary<string, string?>(_crm.People["101"]) { ["email"] = $"p{i}@newco{i}.example" };
        }

        await _queue.EnqueueAsync([.. Enumerable.Range(0, 6).Select(i => Created($"20{i}", $"e{i}"))], default);
        var (result, _) = await RunOnceAsync();

        Assert.All(result.Results.Values, r => Assert.Equal(EventResult.Done, r));
        Assert.Equal(1, _crm.WriteCalls);
        var owners = _crm.OwnerChanges.Select(c => c.Owner).ToList();
        Assert.Equal(6, owners.Count);
        Assert.True(owners.Distinct().Count() >= 2, string.Join(",", owners));
    }

    [Fact]
    public async Task ProcessAsync_EventForAnUnknownPerson_IsAcknowledgedWithoutADecision()
    {
        await _queue.EnqueueAsync([Created("999", "evt-9")], default);

        var (result, _) = await RunOnceAsync();

        Assert.Equal(EventResult.Ignored, Assert.Single(result.Results.Values));
        Assert.Empty(result.Decisions);
        Assert.Equal(0, (await _queue.StatsAsync(default)).Unacknowledged);
    }

    [Fact]
    public async Task ProcessAsync_NoticeOfAChangeTheLastReadSaw_AcknowledgedWithoutARead()
    {
        await _queue.EnqueueAsync([Created("101", "evt-1")], default);
        await RunOnceAsync();
        _time.Advance(TimeSpan.FromMinutes(1));

        // A second notice (another property set when the contact was created) delivered after the worker read it.
        var echo = new CrmEvent("evt-2", CrmKind.HubSpot, CrmObject.Person, "101", "contact.propertyChange", Monday10Tokyo.AddSeconds(-30), EventOrigin.Webhook);
        var later = new CrmEvent("evt-3", CrmKind.HubSpot, CrmObject.Person, "101", "contact.propertyChange", _time.GetUtcNow(), EventOrigin.Webhook);
        await _queue.EnqueueAsync([echo], default);
        var (stale, _) = await RunOnceAsync();
        await _queue.EnqueueAsync([later], default);
        var (fresh, _) = await RunOnceAsync();

        Assert.Equal(EventResult.Ignored, Assert.Single(stale.Results.Values));
        Assert.Equal(EventResult.Done, Assert.Single(fresh.Results.Values));
        Assert.Equal(2, _crm.ReadCalls);
    }

    [Fact]
    public async Task ProcessAsync_RepQualifiesTheLeadInTheCrm_StageDatedAndTheSqlGoesToAnAe()
    {
        await _queue.EnqueueAsync([Created("101", "evt-1")], default);
        await RunOnceAsync();
        var srOwner = _crm.People["101"]["hubspot_owner_id"];
        var mqlEntered = _crm.People["101"]["themodel_stage_entered_at"];

        // An hour later the SR qualifies the lead in HubSpot: only the lifecycle stage changes, the worker's date stays.
        _time.Advance(TimeSpan.FromHours(1));
        _crm.People["101"]["lifecyclestage"] = "salesqualifiedlead";
        _crm.People["101"]["hs_lead_status"] = null;
        var changed = new CrmEvent("evt-2", CrmKind.HubSpot, CrmObject.Person, "101", "contact.propertyChange", _time.GetUtcNow(), EventOrigin.Webhook);
        await _queue.EnqueueAsync([changed], default);
        var (result, _) = await RunOnceAsync();

        var decision = Assert.Single(result.Decisions).Decision;
        Assert.Equal("sql-other", decision.Rule);
        Assert.Equal("ae-smb", decision.Team?.Id);
        Assert.Equal(_time.GetUtcNow(), decision.StageEnteredAt);
        Assert.NotEqual(srOwner, _crm.People["101"]["hubspot_owner_id"]);
        Assert.NotEqual(mqlEntered, _crm.People["101"]["themodel_stage_entered_at"]);
        Assert.Equal(CrmWritePlanner.FormatTime(_time.GetUtcNow()), _crm.People["101"]["themodel_stage_entered_at"]);
    }

    [Fact]
    public async Task ProcessAsync_StageUnchangedSinceTheWorkerSawIt_KeepsItsDateAndWritesNothing()
    {
        await _queue.EnqueueAsync([Created("101", "evt-1")], default);
        await RunOnceAsync();
        var writes = _crm.OwnerChanges.Count;
        var entered = _crm.People["101"]["themodel_stage_entered_at"];

        _time.Advance(TimeSpan.FromHours(1));
        _crm.People["101"]["jobtitle"] = "CEO";
        await _queue.EnqueueAsync([new CrmEvent("evt-2", CrmKind.HubSpot, CrmObject.Person, "101", "contact.propertyChange", _time.GetUtcNow(), EventOrigin.Webhook)], default);
        var (result, _) = await RunOnceAsync();

        Assert.Equal(DecisionOutcome.Kept, Assert.Single(result.Decisions).Decision.Outcome);
        Assert.Equal(entered, _crm.People["101"]["themodel_stage_entered_at"]);
        Assert.Equal(writes, _crm.OwnerChanges.Count);
    }
}

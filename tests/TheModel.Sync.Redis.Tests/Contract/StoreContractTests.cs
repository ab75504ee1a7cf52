using TheModel.Sync.Application.Crm;
using TheModel.Sync.Application.Pipeline;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;
using TheModel.Sync.Redis.Tests.Support;

namespace TheModel.Sync.Redis.Tests.Contract;

/// <summary>
/// The behaviour every implementation of the pipeline ports must share, run against the in-process stores and the
/// Redis stores alike: what the embedded default does on one instance, Redis must do across several.
/// </summary>
/// <remarks>
/// Time-based behaviour (dedupe windows, idle entries, expiries) is driven through <see cref="PassAsync"/>: a fake
/// clock moves for the in-process stores, while Redis's own clock has to run for real, so its subclass uses a short
/// span and the assertions that follow poll with a deadline.
/// </remarks>
public abstract class StoreContractTests
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 30, 1, 0, 0, TimeSpan.Zero);

    /// <summary>A span for TTLs and idle times: long enough that nothing lapses between two calls, short enough to wait for.</summary>
    protected abstract TimeSpan Short { get; }

    /// <summary>The clock the stores under test read.</summary>
    protected abstract TimeProvider Clock { get; }

    /// <summary>Lets <paramref name="span"/> pass on the stores' clock.</summary>
    protected abstract Task PassAsync(TimeSpan span);

    protected abstract IEventQueue Queue(TimeSpan dedupeTtl);

    protected IEventQueue Queue() => Queue(TimeSpan.FromHours(48));

    protected abstract IPlanJournal Journal(TimeSpan retention);

    protected abstract IWatermarkStore Watermarks();

    protected abstract ILeaseStore Leases();

    protected abstract IDueSchedule Due();

    protected abstract IDecisionLog Log(int retention);

    protected abstract IPersonMemory Memory();

    /// <summary>A routing store on the shared state: a second call stands for a second worker instance.</summary>
    protected abstract IRoutingStore Routing();

    /// <summary>Record marks on the shared state: a second call stands for a second worker instance.</summary>
    protected abstract IRecordMarks Marks();

    private static CrmEvent Event(string key, string record = "p1") =>
        new(key, CrmKind.HubSpot, CrmObject.Person, record, "contact.propertyChange", T0, EventOrigin.Webhook);

    // ---- event queue -------------------------------------------------------------------------------------------

    [Fact]
    public async Task EnqueueAsync_SameDedupeKeyTwice_QueuedOnce()
    {
        var queue = Queue();

        Assert.Equal(1, await queue.EnqueueAsync([Event("a")], default));
        Assert.Equal(1, await queue.EnqueueAsync([Event("a"), Event("b"), Event("b")], default));

        var read = await queue.ReadAsync("c1", 10, TimeSpan.Zero, default);
        Assert.Equal(["a", "b"], read.Select(e => e.Event.DedupeKey));
    }

    [Fact]
    public async Task EnqueueAsync_SameKeyAfterDedupeWindow_QueuedAgain()
    {
        var queue = Queue(Short);
        Assert.Equal(1, await queue.EnqueueAsync([Event("a")], default));
        Assert.Equal(0, await queue.EnqueueAsync([Event("a")], default));

        await PassAsync(Short);

        await Eventually.HoldsAsync(() => queue.EnqueueAsync([Event("a")], default), n => n == 1, "a second enqueue of 'a' after the dedupe window");
        var read = await queue.ReadAsync("c1", 10, TimeSpan.Zero, default);
        Assert.Equal(["a", "a"], read.Select(e => e.Event.DedupeKey));
        Assert.NotEqual(read[0].EntryId, read[1].EntryId);
    }

    [Fact]
    public async Task ReadAsync_QueuedEvent_ComesBackWithEveryFieldAndOneDelivery()
    {
        var queue = Queue();
        var sent = new CrmEvent(
            "sf:notification:04l5g00000AbCdE",
            CrmKind.Salesforce,
            CrmObject.Account,
            "0015g00000XyZaBAAV",
            "outbound.updated",
            new DateTimeOffset(2026, 11, 30, 10, 15, 30, 123, TimeSpan.FromHours(9)),
            EventOrigin.OutboundMessage,
            new Dictionary<string, string?> { ["Name"] = "Rival KK", ["Industry"] = null, ["メモ"] = "日本語" });
        await queue.EnqueueAsync([sent], default);

        var got = Assert.Single(await queue.ReadAsync("c1", 10, TimeSpan.Zero, default));

        Assert.False(string.IsNullOrEmpty(got.EntryId));
        Assert.Equal(1, got.Deliveries);
        AssertSameEvent(sent, got.Event);
    }

    [Fact]
    public async Task ReadAsync_MoreQueuedThanMax_HandsEachOutOnceInOrder()
    {
        var queue = Queue();
        await queue.EnqueueAsync([Event("a"), Event("b"), Event("c"), Event("d"), Event("e")], default);

        var first = await queue.ReadAsync("c1", 3, TimeSpan.Zero, default);
        var second = await queue.ReadAsync("c2", 3, TimeSpan.Zero, default);
        var third = await queue.ReadAsync("c1", 3, TimeSpan.Zero, default);

        Assert.Equal(["a", "b", "c"], first.Select(e => e.Event.DedupeKey));
        Assert.Equal(["d", "e"], second.Select(e => e.Event.DedupeKey));
        Assert.Empty(third);
    }

    [Fact]
    public async Task ReadAsync_EventArrivesWhileWaiting_ReturnsIt()
    {
        var queue = Queue();
        var reading = queue.ReadAsync("c1", 10, TimeSpan.FromSeconds(30), default);

        await queue.EnqueueAsync([Event("late")], default);

        var got = await reading.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal("late", Assert.Single(got).Event.DedupeKey);
    }

    [Fact]
    public async Task ReclaimAsync_EntryHeldPastMinIdle_GoesToTheNewConsumerWithDeliveriesCounted()
    {
        var queue = Queue();
        await queue.EnqueueAsync([Event("a")], default);
        var read = Assert.Single(await queue.ReadAsync("c1", 10, TimeSpan.Zero, default));

        Assert.Empty(await queue.ReclaimAsync("c2", Short, 10, default));
        await PassAsync(Short);
        var second = await Eventually.HoldsAsync(() => queue.ReclaimAsync("c2", Short, 10, default), r => r.Count > 0, "a reclaim by c2");
        await PassAsync(Short);
        var third = await Eventually.HoldsAsync(() => queue.ReclaimAsync("c3", Short, 10, default), r => r.Count > 0, "a reclaim by c3");

        var two = Assert.Single(second);
        Assert.Equal((read.EntryId, 2), (two.EntryId, two.Deliveries));
        AssertSameEvent(read.Event, two.Event);
        var three = Assert.Single(third);
        Assert.Equal((read.EntryId, 3), (three.EntryId, three.Deliveries));
    }

    [Fact]
    public async Task AcknowledgeAsync_AcknowledgedEntries_NeverComeBack()
    {
        var queue = Queue();
        await queue.EnqueueAsync([Event("a"), Event("b")], default);
        var read = await queue.ReadAsync("c1", 10, TimeSpan.Zero, default);

        await queue.AcknowledgeAsync(read, default);
        await PassAsync(Short);

        Assert.Empty(await queue.ReclaimAsync("c2", TimeSpan.Zero, 10, default));
        Assert.Empty(await queue.ReadAsync("c2", 10, TimeSpan.Zero, default));
        var stats = await queue.StatsAsync(default);
        Assert.Equal((0L, 0L, 0L), (stats.Pending, stats.Unacknowledged, stats.DeadLetters));
    }

    [Fact]
    public async Task DeadLetterAsync_PendingEntry_IsListedWithItsReasonAndNotRedelivered()
    {
        var queue = Queue();
        await queue.EnqueueAsync([Event("a"), Event("b")], default);
        var read = await queue.ReadAsync("c1", 10, TimeSpan.Zero, default);
        var before = Clock.GetUtcNow();

        await queue.DeadLetterAsync(read[0], "the CRM refused the write: INVALID_EMAIL_ADDRESS", default);
        await queue.DeadLetterAsync(read[0], "a second time", default);

        var letter = Assert.Single(await queue.DeadLettersAsync(10, default));
        Assert.Equal((read[0].EntryId, "the CRM refused the write: INVALID_EMAIL_ADDRESS", 1), (letter.EntryId, letter.Reason, letter.Deliveries));
        AssertSameEvent(read[0].Event, letter.Event);
        Assert.InRange(letter.At, before.AddSeconds(-1), Clock.GetUtcNow().AddSeconds(1));
        var stats = await queue.StatsAsync(default);
        Assert.Equal((0L, 1L, 1L), (stats.Pending, stats.Unacknowledged, stats.DeadLetters));

        await PassAsync(Short);
        var reclaimed = await Eventually.HoldsAsync(() => queue.ReclaimAsync("c2", Short, 10, default), r => r.Count > 0, "a reclaim of the live entry");
        Assert.Equal("b", Assert.Single(reclaimed).Event.DedupeKey);
    }

    [Fact]
    public async Task ReclaimAsync_ConsumerDiedHoldingEntries_NothingUnacknowledgedIsLost()
    {
        var queue = Queue();
        var keys = Enumerable.Range(1, 50).Select(i => $"e{i:00}").ToList();
        await queue.EnqueueAsync([.. keys.Select(k => Event(k))], default);
        var acknowledged = new List<string>();

        // c1 takes 20 and dies after acknowledging half of them; c2 works through the rest.
        var c1 = await queue.ReadAsync("c1", 20, TimeSpan.Zero, default);
        await queue.AcknowledgeAsync([.. c1.Take(10)], default);
        acknowledged.AddRange(c1.Take(10).Select(e => e.Event.DedupeKey));
        var c2 = await queue.ReadAsync("c2", 100, TimeSpan.Zero, default);
        await queue.AcknowledgeAsync(c2, default);
        acknowledged.AddRange(c2.Select(e => e.Event.DedupeKey));
        await PassAsync(Short);
        var orphans = await Eventually.HoldsAsync(() => queue.ReclaimAsync("c2", Short, 100, default), r => r.Count > 0, "a reclaim of c1's entries");
        await queue.AcknowledgeAsync(orphans, default);
        acknowledged.AddRange(orphans.Select(e => e.Event.DedupeKey));

        Assert.Equal(c1.Skip(10).Select(e => e.EntryId), orphans.Select(e => e.EntryId));
        Assert.Equal(keys, acknowledged.Order(StringComparer.Ordinal));
        var stats = await queue.StatsAsync(default);
        Assert.Equal((0L, 0L, 0L, TimeSpan.Zero), (stats.Pending, stats.Unacknowledged, stats.DeadLetters, stats.OldestAge));
    }

    [Fact]
    public async Task StatsAsync_EntriesInEveryState_CountsEachAndAgesTheOldest()
    {
        var queue = Queue();
        var empty = await queue.StatsAsync(default);
        Assert.Equal(new QueueStats(0, 0, 0, TimeSpan.Zero), empty);
        var before = Clock.GetUtcNow();
        await queue.EnqueueAsync([Event("a"), Event("b"), Event("c"), Event("d")], default);
        var read = await queue.ReadAsync("c1", 2, TimeSpan.Zero, default);
        await queue.DeadLetterAsync(read[0], "refused", default);

        await PassAsync(Short);
        var stats = await queue.StatsAsync(default);

        Assert.Equal((2L, 1L, 1L), (stats.Pending, stats.Unacknowledged, stats.DeadLetters));
        var elapsed = Clock.GetUtcNow() - before;
        Assert.InRange(stats.OldestAge, elapsed - TimeSpan.FromSeconds(1), elapsed + TimeSpan.FromMilliseconds(50));
        Assert.True(stats.OldestAge >= Short - TimeSpan.FromMilliseconds(50), $"oldest age {stats.OldestAge} after {Short} passed");
    }

    // ---- plan journal ------------------------------------------------------------------------------------------

    [Fact]
    public async Task PlanJournal_PutThenGet_ReturnsThePlanAndTheLastPutWins()
    {
        var journal = Journal(TimeSpan.FromDays(3));
        var plan = new StoredPlan(
            CrmKind.Salesforce,
            [new RecordUpdate("upd:evt-1", CrmObject.Person, "00Q5g00000AbCdEAAV", new Dictionary<string, string?> { ["OwnerId"] = "0055g00000AbCdAAAV", ["Status"] = "MQL", ["Recycle_Reason__c"] = null }, new Dictionary<string, string?> { ["Status"] = "Open - Not Contacted" })],
            [new TaskCreate("task:evt-1", "00Q5g00000AbCdEAAV", null, null, "0055g00000AbCdAAAV", "Call within 1 business hour", T0.AddHours(1))],
            """{"person":"00Q5g00000AbCdEAAV"}""");

        Assert.Null(await journal.GetAsync("evt-1", default));
        await journal.PutAsync("evt-1", plan, default);
        AssertSamePlan(plan, await journal.GetAsync("evt-1", default));

        var replaced = plan with { Updates = [], Tasks = [], DecisionJson = string.Empty };
        await journal.PutAsync("evt-1", replaced, default);
        AssertSamePlan(replaced, await journal.GetAsync("evt-1", default));
        Assert.Null(await journal.GetAsync("evt-2", default));
    }

    [Fact]
    public async Task PlanJournal_AfterRetention_PlanIsGone()
    {
        var journal = Journal(Short);
        await journal.PutAsync("evt-1", new StoredPlan(CrmKind.HubSpot, [], [], "{}"), default);
        Assert.NotNull(await journal.GetAsync("evt-1", default));

        await PassAsync(Short);

        await Eventually.HoldsAsync(() => journal.GetAsync("evt-1", default), p => p is null, "the plan's expiry");
    }

    // ---- record marks ------------------------------------------------------------------------------------------

    [Fact]
    public async Task MarkAsync_ThenUnmark_SeenByEveryInstanceUntilUnmarked()
    {
        var first = Marks();
        var second = Marks();
        Assert.False(await second.IsMarkedAsync("opportunity_lost:hubspot:9001", default));

        await first.MarkAsync(["opportunity_lost:hubspot:9001", "account_churned:salesforce:001A"], default);
        await first.MarkAsync(["opportunity_lost:hubspot:9001"], default);

        Assert.True(await second.IsMarkedAsync("opportunity_lost:hubspot:9001", default));
        Assert.True(await second.IsMarkedAsync("account_churned:salesforce:001A", default));
        Assert.False(await second.IsMarkedAsync("opportunity_lost:hubspot:9002", default));

        await second.UnmarkAsync("opportunity_lost:hubspot:9001", default);
        await second.UnmarkAsync("never:marked", default);

        Assert.False(await first.IsMarkedAsync("opportunity_lost:hubspot:9001", default));
        Assert.True(await first.IsMarkedAsync("account_churned:salesforce:001A", default));
    }

    [Fact]
    public async Task MarkAsync_ManyKeysAtOnce_AllMarked()
    {
        var marks = Marks();
        var keys = Enumerable.Range(0, 2500).Select(i => $"opportunity_lost:salesforce:{i}").ToList();

        await marks.MarkAsync(keys, default);

        Assert.True(await marks.IsMarkedAsync("opportunity_lost:salesforce:0", default));
        Assert.True(await marks.IsMarkedAsync("opportunity_lost:salesforce:2499", default));
    }

    // ---- watermarks --------------------------------------------------------------------------------------------

    [Fact]
    public async Task Watermarks_SetPerCrmAndObject_ReadBackSeparatelyAndOverwritten()
    {
        var store = Watermarks();
        var sf = new Watermark(new DateTimeOffset(2026, 11, 30, 1, 2, 3, 456, TimeSpan.Zero), "00Q5g00000AbCdEAAV");
        var hs = new Watermark(new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.Zero), null);

        Assert.Null(await store.GetAsync(CrmKind.Salesforce, CrmObject.Person, default));
        await store.SetAsync(CrmKind.Salesforce, CrmObject.Person, sf, default);
        await store.SetAsync(CrmKind.HubSpot, CrmObject.Person, hs, default);

        Assert.Equal(sf, await store.GetAsync(CrmKind.Salesforce, CrmObject.Person, default));
        Assert.Equal(hs, await store.GetAsync(CrmKind.HubSpot, CrmObject.Person, default));
        Assert.Null(await store.GetAsync(CrmKind.Salesforce, CrmObject.Account, default));
        var later = sf with { LastId = "00Q5g00000AbCdFAAV" };
        await store.SetAsync(CrmKind.Salesforce, CrmObject.Person, later, default);
        Assert.Equal(later, await store.GetAsync(CrmKind.Salesforce, CrmObject.Person, default));
    }

    // ---- leases ------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Leases_HeldByOne_OthersRefusedUntilTheHolderReleases()
    {
        var leases = Leases();
        var ttl = TimeSpan.FromMinutes(1);

        Assert.True(await leases.TryAcquireAsync("poll:salesforce", "worker-a", ttl, default));
        Assert.False(await leases.TryAcquireAsync("poll:salesforce", "worker-b", ttl, default));
        Assert.True(await leases.TryAcquireAsync("poll:salesforce", "worker-a", ttl, default));
        Assert.True(await leases.TryAcquireAsync("poll:hubspot", "worker-b", ttl, default));

        await leases.ReleaseAsync("poll:salesforce", "worker-b", default);
        Assert.False(await leases.TryAcquireAsync("poll:salesforce", "worker-b", ttl, default));
        await leases.ReleaseAsync("poll:salesforce", "worker-a", default);
        Assert.True(await leases.TryAcquireAsync("poll:salesforce", "worker-b", ttl, default));
    }

    [Fact]
    public async Task Leases_HolderStopsRenewing_LeaseLapsesForOthers()
    {
        var leases = Leases();
        Assert.True(await leases.TryAcquireAsync("poll:salesforce", "worker-a", Short, default));
        Assert.False(await leases.TryAcquireAsync("poll:salesforce", "worker-b", Short, default));

        await PassAsync(Short);

        await Eventually.HoldsAsync(() => leases.TryAcquireAsync("poll:salesforce", "worker-b", TimeSpan.FromMinutes(1), default), ok => ok, "worker-b taking the lapsed lease");
        Assert.False(await leases.TryAcquireAsync("poll:salesforce", "worker-a", Short, default));
    }

    [Fact]
    public async Task Leases_HolderRenews_LeaseOutlivesItsFirstTtl()
    {
        var leases = Leases();
        Assert.True(await leases.TryAcquireAsync("poll:salesforce", "worker-a", Short, default));
        await PassAsync(Short / 2);

        Assert.True(await leases.TryAcquireAsync("poll:salesforce", "worker-a", Short * 10, default));
        await PassAsync(Short);

        Assert.False(await leases.TryAcquireAsync("poll:salesforce", "worker-b", Short, default));
    }

    // ---- due schedule ------------------------------------------------------------------------------------------

    [Fact]
    public async Task ClaimDueAsync_MixedDueTimes_ClaimsOnlyDueItemsInDueOrderOnce()
    {
        var due = Due();
        await due.ScheduleAsync("sla", "HubSpot:late", T0.AddMinutes(1), default);
        await due.ScheduleAsync("sla", "HubSpot:early", T0.AddMinutes(-1), default);
        await due.ScheduleAsync("sla", "HubSpot:now", T0, default);
        await due.ScheduleAsync("recheck", "HubSpot:other-kind", T0.AddDays(-1), default);

        Assert.Equal(["HubSpot:early", "HubSpot:now"], await due.ClaimDueAsync("sla", T0, 10, default));
        Assert.Empty(await due.ClaimDueAsync("sla", T0, 10, default));
        Assert.Equal(["HubSpot:late"], await due.ClaimDueAsync("sla", T0.AddMinutes(1), 10, default));
        Assert.Equal(["HubSpot:other-kind"], await due.ClaimDueAsync("recheck", T0, 10, default));
    }

    [Fact]
    public async Task ScheduleAsync_SameItemAgainAndCancel_MovesAndRemovesIt()
    {
        var due = Due();
        await due.ScheduleAsync("sla", "x", T0.AddHours(1), default);
        await due.ScheduleAsync("sla", "x", T0.AddMinutes(-5), default);
        await due.ScheduleAsync("sla", "y", T0.AddMinutes(-5), default);
        await due.ScheduleAsync("sla", "z", T0.AddMinutes(-6), default);
        await due.CancelAsync("sla", "y", default);
        await due.CancelAsync("sla", "never-scheduled", default);

        Assert.Equal(["z"], await due.ClaimDueAsync("sla", T0, 1, default));
        Assert.Equal(["x"], await due.ClaimDueAsync("sla", T0, 10, default));
        Assert.Empty(await due.ClaimDueAsync("sla", T0.AddDays(1), 10, default));
    }

    [Fact]
    public async Task ClaimDueAsync_TwoClaimersRacing_EachItemGoesToExactlyOne()
    {
        var due = Due();
        var items = Enumerable.Range(0, 1000).Select(i => $"item-{i:0000}").ToList();
        await Task.WhenAll(items.Select((item, i) => due.ScheduleAsync("sla", item, T0.AddMilliseconds(-i), default)));

        async Task<List<string>> ClaimAllAsync()
        {
            var mine = new List<string>();
            while (true)
            {
                var batch = await due.ClaimDueAsync("sla", T0, 7, default);
                Assert.InRange(batch.Count, 0, 7);
                if (batch.Count == 0)
                {
                    return mine;
                }

                mine.AddRange(batch);
            }
        }

        var claims = await Task.WhenAll(Task.Run(ClaimAllAsync), Task.Run(ClaimAllAsync));

        Assert.Empty(claims[0].Intersect(claims[1]));
        Assert.Equal(items, claims[0].Concat(claims[1]).Order(StringComparer.Ordinal));
    }

    // ---- decision log ------------------------------------------------------------------------------------------

    [Fact]
    public async Task DecisionLog_ReadAsync_ReturnsTheNewestOldestFirst()
    {
        var log = Log(100);
        Assert.Empty(await log.ReadAsync(10, default));
        await log.AppendAsync(["1", "2", "3"], default);
        await log.AppendAsync(["4", "5"], default);

        Assert.Equal(["3", "4", "5"], await log.ReadAsync(3, default));
        Assert.Equal(["1", "2", "3", "4", "5"], await log.ReadAsync(100, default));
    }

    [Fact]
    public async Task DecisionLog_BeyondRetention_KeepsAtLeastTheNewestInOrder()
    {
        var log = Log(100);
        var lines = Enumerable.Range(1, 1000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        foreach (var chunk in lines.Chunk(50))
        {
            await log.AppendAsync(chunk, default);
        }

        var kept = await log.ReadAsync(5000, default);

        // The Redis log trims whole stream nodes (approximate MAXLEN), so it may keep somewhat more than the cap.
        Assert.InRange(kept.Count, 100, 999);
        Assert.Equal(lines.Skip(lines.Count - kept.Count), kept);
    }

    [Fact]
    public async Task DecisionLog_ReadPageAsync_Empty_NoLinesAndNoCursor()
    {
        var log = Log(100);

        var page = await log.ReadPageAsync(null, 10, null, null, default);

        Assert.Empty(page.Lines);
        Assert.Null(page.Next);
    }

    [Theory]
    [InlineData(10, 3)]
    [InlineData(9, 3)]
    [InlineData(3, 5)]
    [InlineData(1, 1)]
    public async Task DecisionLog_ReadPageAsync_PagesThroughTheWholeLogOnceInOrder(int count, int pageSize)
    {
        var log = Log(1000);
        var lines = Enumerable.Range(1, count).Select(i => $"line {i}").ToList();
        foreach (var chunk in lines.Chunk(4))
        {
            await log.AppendAsync(chunk, default);
        }

        var pages = await ReadAllPagesAsync(log, pageSize, null, null);

        Assert.Equal(lines, pages.SelectMany(p => p));
        Assert.All(pages.SkipLast(1), p => Assert.Equal(pageSize, p.Count));
        Assert.Equal((count + pageSize - 1) / pageSize, pages.Count);
    }

    [Fact]
    public async Task DecisionLog_ReadPageAsync_FromAndTo_ReadOnlyTheLinesAppendedInBetween()
    {
        var log = Log(1000);
        await log.AppendAsync(["a1", "a2"], default);
        await PassAsync(Short);
        var afterA = Clock.GetUtcNow();
        await PassAsync(Short);
        await log.AppendAsync(["b1", "b2", "b3"], default);
        await PassAsync(Short);
        var afterB = Clock.GetUtcNow();
        await PassAsync(Short);
        await log.AppendAsync(["c1"], default);

        Assert.Equal(["b1", "b2", "b3", "c1"], (await ReadAllPagesAsync(log, 2, afterA, null)).SelectMany(p => p));
        Assert.Equal(["a1", "a2"], (await ReadAllPagesAsync(log, 2, null, afterA)).SelectMany(p => p));
        Assert.Equal(["b1", "b2", "b3"], (await ReadAllPagesAsync(log, 1, afterA, afterB)).SelectMany(p => p));
        Assert.Empty((await ReadAllPagesAsync(log, 10, afterB, afterA)).SelectMany(p => p));
    }

    [Fact]
    public async Task DecisionLog_ReadPageAsync_CursorOfTrimmedLines_GoesOnFromTheOldestKept()
    {
        var log = Log(100);
        await log.AppendAsync(["1", "2", "3", "4"], default);
        var first = await log.ReadPageAsync(null, 2, null, null, default);
        Assert.Equal(["1", "2"], first.Lines);
        foreach (var chunk in Enumerable.Range(5, 1000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Chunk(50))
        {
            await log.AppendAsync(chunk, default);
        }

        var kept = await log.ReadAsync(5000, default);
        var next = await log.ReadPageAsync(first.Next, 3, null, null, default);

        Assert.Equal(kept.Take(3), next.Lines);
        Assert.NotEqual("3", next.Lines[0]);
    }

    [Theory]
    [InlineData("not-a-cursor")]
    [InlineData("12x")]
    public async Task DecisionLog_ReadPageAsync_ForeignCursor_RefusedNamingIt(string cursor)
    {
        var log = Log(100);
        await log.AppendAsync(["1"], default);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => log.ReadPageAsync(cursor, 10, null, null, default));

        Assert.Contains($"'{cursor}'", ex.Message, StringComparison.Ordinal);
    }

    private static async Task<List<IReadOnlyList<string>>> ReadAllPagesAsync(IDecisionLog log, int pageSize, DateTimeOffset? from, DateTimeOffset? to)
    {
        var pages = new List<IReadOnlyList<string>>();
        string? cursor = null;
        do
        {
            var page = await log.ReadPageAsync(cursor, pageSize, from, to, default);
            Assert.True(pages.Count < 1000, "the pages never ended");
            if (page.Lines.Count > 0 || pages.Count == 0)
            {
                pages.Add(page.Lines);
            }

            cursor = page.Next;
        }
        while (cursor is not null);

        return pages;
    }

    // ---- person memory -----------------------------------------------------------------------------------------

    [Fact]
    public async Task PersonMemory_FunnelFields_ComeBackAsPut()
    {
        var memory = Memory();
        var full = new PersonMemo("41234567", T0, [], new Dictionary<string, int>(), T0.AddMinutes(1), Stage.Working, T0.AddHours(-2), T0.AddHours(-3), ["sr-first-touch"]);
        var bare = PersonMemo.Empty;

        await memory.PutAsync(CrmKind.HubSpot, new Dictionary<string, PersonMemo> { ["p1"] = full, ["p2"] = bare }, default);
        var got = await memory.GetAsync(CrmKind.HubSpot, ["p1", "p2"], default);

        Assert.Equal(
            (full.ReadAt, full.StageSeen, full.StageSeenEnteredAt, full.SlaCountedFor),
            (got["p1"].ReadAt, got["p1"].StageSeen, got["p1"].StageSeenEnteredAt, got["p1"].SlaCountedFor));
        Assert.Equal(["sr-first-touch"], got["p1"].SlaCounted!);
        Assert.Equal(((Stage?)null, (DateTimeOffset?)null, (DateTimeOffset?)null), (got["p2"].StageSeen, got["p2"].StageSeenEnteredAt, got["p2"].SlaCountedFor));
        Assert.Empty(got["p2"].SlaCounted ?? []);
    }

    [Fact]
    public async Task PersonMemory_PutThenGet_ReturnsKnownPeoplePerCrm()
    {
        var memory = Memory();
        var p1 = new PersonMemo("0055g00000AbCdAAAV", T0, ["first-touch"], new Dictionary<string, int> { ["first-touch"] = 1 });
        var p2 = new PersonMemo(null, null, [], new Dictionary<string, int>());

        Assert.Empty(await memory.GetAsync(CrmKind.Salesforce, ["p1"], default));
        await memory.PutAsync(CrmKind.Salesforce, new Dictionary<string, PersonMemo> { ["p1"] = p1, ["p2"] = p2 }, default);

        var got = await memory.GetAsync(CrmKind.Salesforce, ["p1", "p2", "p3"], default);
        Assert.Equal(["p1", "p2"], got.Keys.Order(StringComparer.Ordinal));
        AssertSameMemo(p1, got["p1"]);
        AssertSameMemo(p2, got["p2"]);
        Assert.Empty(await memory.GetAsync(CrmKind.HubSpot, ["p1"], default));

        var changed = p1 with { OwnerWritten = "0055g00000AbCdBAAV", BreachesHandled = [] };
        await memory.PutAsync(CrmKind.Salesforce, new Dictionary<string, PersonMemo> { ["p1"] = changed }, default);
        AssertSameMemo(changed, (await memory.GetAsync(CrmKind.Salesforce, ["p1"], default))["p1"]);
    }

    // ---- routing store -----------------------------------------------------------------------------------------

    private static RuleSet Rules => Samples.Rules;

    private static Member M(string id) => Rules.FindMember(id) ?? throw new InvalidOperationException($"no member {id} in the sample");

    private static Team TeamOf(string id) => Rules.FindTeam(id) ?? throw new InvalidOperationException($"no team {id} in the sample");

    private static long Ticks(int minutes) => T0.AddMinutes(minutes).UtcTicks;

    private static Decision Decide(string person, Footprint before, Footprint after, RotationUpdate? rotation = null) =>
        new() { PersonId = person, At = T0, ConfigVersion = Rules.Version, Before = before, After = after, Rotation = rotation };

    private static Footprint Unowned(string? account) => new(account, null, Stage.New, long.MinValue);

    [Fact]
    public async Task TryApplyAsync_TwoInstancesTakeTheSameRoundRobinTurn_ExactlyOneWins()
    {
        var a = Routing();
        var b = Routing();
        var sa = await a.SnapshotAsync(Rules, default);
        var sb = await b.SnapshotAsync(Rules, default);
        var csm = TeamOf("csm");
        Assert.Null(sa.LastChosen(csm));
        Assert.Null(sb.LastChosen(csm));
        var turn = new RotationUpdate { Team = csm, RoundRobinChosen = M("yamamoto"), RoundRobinBefore = null };

        var first = await a.TryApplyAsync(Decide("p1", Unowned(null), new Footprint(null, M("yamamoto"), Stage.Customer, Ticks(1)), turn), default);
        var second = await b.TryApplyAsync(Decide("p2", Unowned(null), new Footprint(null, M("yamamoto"), Stage.Customer, Ticks(1)), turn), default);

        Assert.Equal((true, false), (first, second));
        var now = await b.SnapshotAsync(Rules, default);
        Assert.Equal("yamamoto", now.LastChosen(csm));
        Assert.Equal(1, now.OpenCount(M("yamamoto")));
        var next = new RotationUpdate { Team = csm, RoundRobinChosen = M("mia"), RoundRobinBefore = "yamamoto" };
        Assert.True(await b.TryApplyAsync(Decide("p2", Unowned(null), new Footprint(null, M("mia"), Stage.Customer, Ticks(2)), next), default));
        Assert.Equal("mia", (await a.SnapshotAsync(Rules, default)).LastChosen(csm));
    }

    [Fact]
    public async Task TryApplyAsync_EngineDecisionsOnTwoSnapshots_LoserWinsTheNextTurnOnAFreshSnapshot()
    {
        var engine = new DecisionEngine(Rules, new AccountMatcher(Rules, []));
        var a = Routing();
        var b = Routing();
        var customer1 = new Person { Id = "p1", Email = "kenji@client-one.example", Country = "JP", Stage = Stage.Customer };
        var customer2 = new Person { Id = "p2", Email = "mai@client-two.example", Country = "JP", Stage = Stage.Customer };

        var d1 = engine.Evaluate(customer1, T0, await a.SnapshotAsync(Rules, default));
        var d2 = engine.Evaluate(customer2, T0, await b.SnapshotAsync(Rules, default));
        Assert.NotNull(d1.Rotation?.RoundRobinChosen);
        Assert.Equal(d1.Rotation!.RoundRobinBefore, d2.Rotation?.RoundRobinBefore);

        Assert.True(await a.TryApplyAsync(d1, default));
        Assert.False(await b.TryApplyAsync(d2, default));
        var retry = engine.Evaluate(customer2, T0, await b.SnapshotAsync(Rules, default));
        Assert.Equal(d1.Rotation.RoundRobinChosen!.Id, retry.Rotation?.RoundRobinBefore);
        Assert.True(await b.TryApplyAsync(retry, default));

        var state = await a.SnapshotAsync(Rules, default);
        Assert.Equal(retry.Rotation!.RoundRobinChosen!.Id, state.LastChosen(TeamOf("csm")));
        var owners = new[] { d1.Owner.Member!, retry.Owner.Member! };
        Assert.Equal(2, owners.Distinct().Sum(state.OpenCount));
    }

    [Fact]
    public async Task TryApplyAsync_WeightedTurnOnTwoSnapshots_ExactlyOneWinsAndWeightsMove()
    {
        var engine = new DecisionEngine(Rules, new AccountMatcher(Rules, []));
        var a = Routing();
        var b = Routing();
        var mql = new Person { Id = "p1", Email = "kenta@newco.example", Country = "JP", Stage = Stage.Mql };

        var d1 = engine.Evaluate(mql, T0, await a.SnapshotAsync(Rules, default));
        var d2 = engine.Evaluate(mql, T0, await b.SnapshotAsync(Rules, default));
        Assert.NotNull(d1.Rotation?.Weights);

        Assert.True(await a.TryApplyAsync(d1, default));
        Assert.False(await b.TryApplyAsync(d2, default));

        var state = await b.SnapshotAsync(Rules, default);
        foreach (var (member, _, after) in d1.Rotation!.Weights!)
        {
            Assert.Equal(after, state.CurrentWeight(member));
        }

        Assert.Equal(1, state.OpenCount(d1.Owner.Member!));
    }

    [Fact]
    public async Task TryApplyAsync_StaleWeights_Refused()
    {
        var routing = Routing();
        await routing.SnapshotAsync(Rules, default);
        var team = TeamOf("sr-jp");
        var fresh = new RotationUpdate { Team = team, Weights = [(M("aiko"), 0, -2), (M("haruto"), 0, 1), (M("yui"), 0, 1)] };
        var stale = new RotationUpdate { Team = team, Weights = [(M("aiko"), 0, -2), (M("haruto"), 1, 2), (M("yui"), 0, 1)] };
        var nextFromFresh = new RotationUpdate { Team = team, Weights = [(M("aiko"), -2, 0), (M("haruto"), 1, -2), (M("yui"), 1, 2)] };

        Assert.False(await routing.TryApplyAsync(Decide("p1", Unowned(null), Unowned(null), stale), default));
        Assert.True(await routing.TryApplyAsync(Decide("p1", Unowned(null), Unowned(null), fresh), default));
        Assert.False(await routing.TryApplyAsync(Decide("p2", Unowned(null), Unowned(null), fresh), default));
        Assert.True(await routing.TryApplyAsync(Decide("p2", Unowned(null), Unowned(null), nextFromFresh), default));

        var state = await routing.SnapshotAsync(Rules, default);
        Assert.Equal((0L, -2L, 2L), (state.CurrentWeight(M("aiko")), state.CurrentWeight(M("haruto")), state.CurrentWeight(M("yui"))));
    }

    [Fact]
    public async Task TryApplyAsync_FootprintsMove_OpenCountsAndOwnershipFollow()
    {
        var routing = Routing();
        await routing.SnapshotAsync(Rules, default);
        var aiko = M("aiko");
        var haruto = M("haruto");
        var p1Assigned = new Footprint("acc-1", aiko, Stage.Mql, Ticks(1));
        var p2Assigned = new Footprint("acc-1", aiko, Stage.Mql, Ticks(2));

        Assert.True(await routing.TryApplyAsync(Decide("p1", Unowned("acc-1"), p1Assigned), default));
        Assert.True(await routing.TryApplyAsync(Decide("p2", Unowned("acc-1"), p2Assigned), default));
        var two = await routing.SnapshotAsync(Rules, default);
        Assert.Equal(2, two.OpenCount(aiko));
        Assert.Equal((2, Ticks(2)), two.Ownership("acc-1", aiko, default));
        Assert.Equal((1, Ticks(1)), two.Ownership("acc-1", aiko, p2Assigned));
        Assert.Equal((1, Ticks(2)), two.Ownership("acc-1", aiko, p1Assigned));
        Assert.Equal((2, Ticks(2)), two.Ownership("acc-1", aiko, p2Assigned with { Owner = haruto }));
        Assert.Equal((2, Ticks(2)), two.Ownership("acc-1", aiko, p2Assigned with { AccountId = "acc-2" }));
        Assert.Equal((0, long.MinValue), two.Ownership("acc-2", aiko, default));

        // p1 moves to haruto and starts working; p2 becomes an SQL (not a stage SR works), still aiko's.
        var p1Moved = new Footprint("acc-1", haruto, Stage.Working, Ticks(3));
        Assert.True(await routing.TryApplyAsync(Decide("p1", p1Assigned, p1Moved), default));
        Assert.True(await routing.TryApplyAsync(Decide("p2", p2Assigned, p2Assigned with { Stage = Stage.Sql }), default));

        var moved = await routing.SnapshotAsync(Rules, default);
        Assert.Equal((0, 1), (moved.OpenCount(aiko), moved.OpenCount(haruto)));
        Assert.Equal((1, Ticks(2)), moved.Ownership("acc-1", aiko, default));
        Assert.Equal((1, Ticks(3)), moved.Ownership("acc-1", haruto, default));
        Assert.Equal((0, long.MinValue), moved.Ownership("acc-1", haruto, p1Moved));
    }

    [Fact]
    public async Task TryApplyAsync_TwoPersonsWithTheSameOwnerSetTime_CountedTwiceAndLeftOutOnce()
    {
        var routing = Routing();
        await routing.SnapshotAsync(Rules, default);
        var ren = M("ren");
        var same = new Footprint("acc-1", ren, Stage.New, Ticks(5));
        var earlier = new Footprint("acc-1", ren, Stage.New, Ticks(4));

        Assert.True(await routing.TryApplyAsync(Decide("p1", Unowned("acc-1"), same), default));
        Assert.True(await routing.TryApplyAsync(Decide("p2", Unowned("acc-1"), same), default));
        Assert.True(await routing.TryApplyAsync(Decide("p3", Unowned("acc-1"), earlier), default));

        var state = await routing.SnapshotAsync(Rules, default);
        Assert.Equal(3, state.OpenCount(ren));
        Assert.Equal((3, Ticks(5)), state.Ownership("acc-1", ren, default));
        Assert.Equal((2, Ticks(5)), state.Ownership("acc-1", ren, same));
        Assert.Equal((2, Ticks(5)), state.Ownership("acc-1", ren, earlier));

        Assert.True(await routing.TryApplyAsync(Decide("p1", same, Unowned("acc-1")), default));
        Assert.True(await routing.TryApplyAsync(Decide("p2", same, Unowned("acc-1")), default));
        var after = await routing.SnapshotAsync(Rules, default);
        Assert.Equal((1, Ticks(4)), after.Ownership("acc-1", ren, default));
        Assert.Equal((0, long.MinValue), after.Ownership("acc-1", ren, earlier));
    }

    [Fact]
    public async Task TryApplyAsync_NothingChanges_AppliesWithoutEffect()
    {
        var routing = Routing();
        await routing.SnapshotAsync(Rules, default);
        var kept = new Footprint("acc-1", M("sato"), Stage.Sql, Ticks(1));
        Assert.True(await routing.TryApplyAsync(Decide("p1", Unowned("acc-1"), kept), default));

        Assert.True(await routing.TryApplyAsync(Decide("p1", kept, kept), default));

        var state = await routing.SnapshotAsync(Rules, default);
        Assert.Equal(1, state.OpenCount(M("sato")));
        Assert.Equal((1, Ticks(1)), state.Ownership("acc-1", M("sato"), default));
    }

    [Fact]
    public async Task ResetAsync_NewFootprints_ReplaceCountsAndOwnershipAndKeepTheRotations()
    {
        var routing = Routing();
        await routing.SnapshotAsync(Rules, default);
        var rr = new RotationUpdate { Team = TeamOf("csm"), RoundRobinChosen = M("yamamoto"), RoundRobinBefore = null };
        var weighted = new RotationUpdate { Team = TeamOf("sr-jp"), Weights = [(M("aiko"), 0, -2), (M("haruto"), 0, 1), (M("yui"), 0, 1)] };
        Assert.True(await routing.TryApplyAsync(Decide("p1", Unowned("acc-1"), new Footprint("acc-1", M("yamamoto"), Stage.Customer, Ticks(1)), rr), default));
        Assert.True(await routing.TryApplyAsync(Decide("p2", Unowned("acc-1"), new Footprint("acc-1", M("aiko"), Stage.Mql, Ticks(2)), weighted), default));

        await routing.ResetAsync(
            Rules,
            [
                new Footprint("acc-2", M("mia"), Stage.Customer, Ticks(5)),
                new Footprint("acc-2", M("mia"), Stage.Customer, Ticks(6)),
                new Footprint(null, M("haruto"), Stage.Mql, Ticks(7)),
                new Footprint("acc-3", M("haruto"), Stage.Nurture, Ticks(8)),
                Unowned("acc-4"),
            ],
            default);

        var state = await routing.SnapshotAsync(Rules, default);
        Assert.Equal((0, 0, 2, 1), (state.OpenCount(M("yamamoto")), state.OpenCount(M("aiko")), state.OpenCount(M("mia")), state.OpenCount(M("haruto"))));
        Assert.Equal((0, long.MinValue), state.Ownership("acc-1", M("yamamoto"), default));
        Assert.Equal((0, long.MinValue), state.Ownership("acc-1", M("aiko"), default));
        Assert.Equal((2, Ticks(6)), state.Ownership("acc-2", M("mia"), default));
        Assert.Equal((1, Ticks(8)), state.Ownership("acc-3", M("haruto"), default));
        Assert.Equal("yamamoto", state.LastChosen(TeamOf("csm")));
        Assert.Equal((-2L, 1L, 1L), (state.CurrentWeight(M("aiko")), state.CurrentWeight(M("haruto")), state.CurrentWeight(M("yui"))));
    }

    [Fact]
    public async Task SetOpenCountsAsync_SomeMembers_ReplacesTheirCountsOnlyAndKeepsOwnershipAndRotations()
    {
        var routing = Routing();
        await routing.SnapshotAsync(Rules, default);
        var weighted = new RotationUpdate { Team = TeamOf("sr-jp"), Weights = [(M("aiko"), 0, -2), (M("haruto"), 0, 1), (M("yui"), 0, 1)] };
        Assert.True(await routing.TryApplyAsync(Decide("p1", Unowned("acc-1"), new Footprint("acc-1", M("aiko"), Stage.Mql, Ticks(1)), weighted), default));
        Assert.True(await routing.TryApplyAsync(Decide("p2", Unowned("acc-1"), new Footprint("acc-1", M("haruto"), Stage.Working, Ticks(2))), default));
        Assert.True(await routing.TryApplyAsync(Decide("p3", Unowned("acc-2"), new Footprint("acc-2", M("sato"), Stage.Sql, Ticks(3))), default));

        await routing.SetOpenCountsAsync(Rules, new Dictionary<string, int> { ["aiko"] = 7, ["sato"] = 0, ["no-such-member"] = 3 }, default);

        var state = await routing.SnapshotAsync(Rules, default);
        Assert.Equal((7, 1, 0), (state.OpenCount(M("aiko")), state.OpenCount(M("haruto")), state.OpenCount(M("sato"))));
        Assert.Equal((1, Ticks(1)), state.Ownership("acc-1", M("aiko"), default));
        Assert.Equal((1, Ticks(2)), state.Ownership("acc-1", M("haruto"), default));
        Assert.Equal((1, Ticks(3)), state.Ownership("acc-2", M("sato"), default));
        Assert.Equal((-2L, 1L), (state.CurrentWeight(M("aiko")), state.CurrentWeight(M("haruto"))));
    }

    [Fact]
    public async Task SetOpenCountsAsync_ThenDecisions_MoveTheNewCounts()
    {
        var routing = Routing();
        await routing.SnapshotAsync(Rules, default);
        await routing.SetOpenCountsAsync(Rules, new Dictionary<string, int> { ["aiko"] = 5, ["haruto"] = 2 }, default);

        // A person the refresh counted for aiko moves to haruto; a new one comes to aiko.
        var p1 = new Footprint("acc-1", M("aiko"), Stage.Mql, Ticks(1));
        Assert.True(await routing.TryApplyAsync(Decide("p1", p1, p1 with { Owner = M("haruto") }), default));
        Assert.True(await routing.TryApplyAsync(Decide("p2", Unowned("acc-1"), new Footprint("acc-1", M("aiko"), Stage.Working, Ticks(2))), default));

        var state = await routing.SnapshotAsync(Rules, default);
        Assert.Equal((5, 3), (state.OpenCount(M("aiko")), state.OpenCount(M("haruto"))));
    }

    [Fact]
    public async Task SetOpenCountsAsync_NegativeCount_RefusedNamingTheMemberAndNothingWritten()
    {
        var routing = Routing();
        await routing.SnapshotAsync(Rules, default);

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            routing.SetOpenCountsAsync(Rules, new Dictionary<string, int> { ["aiko"] = 4, ["haruto"] = -1 }, default));

        Assert.StartsWith("The open count of member 'haruto' must be 0 or more, was -1.", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, (await routing.SnapshotAsync(Rules, default)).OpenCount(M("aiko")));
    }

    [Fact]
    public async Task SnapshotAsync_ConfigReloaded_RotationsCarryOverByTeamAndMemberId()
    {
        var routing = Routing();
        await routing.SnapshotAsync(Rules, default);
        var rr = new RotationUpdate { Team = TeamOf("csm"), RoundRobinChosen = M("mia"), RoundRobinBefore = null };
        var weighted = new RotationUpdate { Team = TeamOf("sr-jp"), Weights = [(M("aiko"), 0, -2), (M("haruto"), 0, 1), (M("yui"), 0, 1)] };
        Assert.True(await routing.TryApplyAsync(Decide("p1", Unowned(null), Unowned(null), rr), default));
        Assert.True(await routing.TryApplyAsync(Decide("p2", Unowned(null), Unowned(null), weighted), default));
        var reloaded = Samples.Reload();
        Assert.NotSame(Rules, reloaded);

        var state = await routing.SnapshotAsync(reloaded, default);

        Assert.Equal("mia", state.LastChosen(reloaded.FindTeam("csm")!));
        Assert.Equal(-2L, state.CurrentWeight(reloaded.FindMember("aiko")!));
        Assert.Equal(1L, state.CurrentWeight(reloaded.FindMember("yui")!));
    }

    [Fact]
    public async Task SnapshotAsync_ConfigReloaded_OpenCountsAndAccountOwnershipCarryOverByMemberId()
    {
        var routing = Routing();
        await routing.SnapshotAsync(Rules, default);
        Assert.True(await routing.TryApplyAsync(Decide("p1", Unowned("acc-1"), new Footprint("acc-1", M("aiko"), Stage.Mql, Ticks(1))), default));
        Assert.True(await routing.TryApplyAsync(Decide("p2", Unowned("acc-1"), new Footprint("acc-1", M("aiko"), Stage.Working, Ticks(2))), default));
        Assert.True(await routing.TryApplyAsync(Decide("p3", Unowned("acc-2"), new Footprint("acc-2", M("sato"), Stage.Sql, Ticks(3))), default));
        var reloaded = Samples.Reload();

        var state = await routing.SnapshotAsync(reloaded, default);

        // A reload is not a reason to forget what members hold: capacity and least_loaded would start from zero.
        var aiko = reloaded.FindMember("aiko")!;
        var sato = reloaded.FindMember("sato")!;
        Assert.Equal((2, 1), (state.OpenCount(aiko), state.OpenCount(sato)));
        Assert.Equal((2, Ticks(2)), state.Ownership("acc-1", aiko, default));
        Assert.Equal((1, Ticks(3)), state.Ownership("acc-2", sato, default));

        // And the counts go on moving under the new config's members.
        Assert.True(await routing.TryApplyAsync(Decide("p1", new Footprint("acc-1", aiko, Stage.Mql, Ticks(1)), new Footprint("acc-1", aiko, Stage.Sql, Ticks(1))), default));
        Assert.Equal(1, (await routing.SnapshotAsync(reloaded, default)).OpenCount(aiko));
    }

    // ---- comparisons of values whose records hold collections (compared by reference otherwise) -----------------

    private static void AssertSameEvent(CrmEvent expected, CrmEvent actual)
    {
        Assert.Equal(expected with { Fields = null }, actual with { Fields = null });
        Assert.Equal(expected.OccurredAt.Offset, actual.OccurredAt.Offset);
        Assert.Equal(expected.Fields?.OrderBy(f => f.Key, StringComparer.Ordinal), actual.Fields?.OrderBy(f => f.Key, StringComparer.Ordinal));
    }

    private static void AssertSamePlan(StoredPlan expected, StoredPlan? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal((expected.Crm, expected.DecisionJson), (actual.Crm, actual.DecisionJson));
        Assert.Equal(expected.Tasks, actual.Tasks);
        Assert.Equal(expected.Updates.Count, actual.Updates.Count);
        foreach (var (e, a) in expected.Updates.Zip(actual.Updates))
        {
            Assert.Equal(e with { Fields = a.Fields, Known = a.Known }, a);
            Assert.Equal(e.Fields.OrderBy(f => f.Key, StringComparer.Ordinal), a.Fields.OrderBy(f => f.Key, StringComparer.Ordinal));
            Assert.Equal(e.Known?.OrderBy(f => f.Key, StringComparer.Ordinal), a.Known?.OrderBy(f => f.Key, StringComparer.Ordinal));
        }
    }

    private static void AssertSameMemo(PersonMemo expected, PersonMemo actual)
    {
        Assert.Equal((expected.OwnerWritten, expected.OwnerWrittenAt), (actual.OwnerWritten, actual.OwnerWrittenAt));
        Assert.Equal(expected.BreachesHandled, actual.BreachesHandled);
        Assert.Equal(expected.Reassigns.OrderBy(r => r.Key, StringComparer.Ordinal), actual.Reassigns.OrderBy(r => r.Key, StringComparer.Ordinal));
    }
}

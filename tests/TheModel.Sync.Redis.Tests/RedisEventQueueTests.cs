using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Application.Pipeline;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Redis.Tests.Support;

namespace TheModel.Sync.Redis.Tests;

/// <summary>What only the Redis queue has to get right: the stream's shape, entries that do not decode, a lost group.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisEventQueueTests(RedisFixture redis)
{
    private readonly string _prefix = RedisFixture.NewPrefix();

    private RedisKeys Keys => new(_prefix);

    private IDatabase Db => redis.Redis.GetDatabase();

    private RedisEventQueue Queue(string? prefix = null, TimeSpan? dedupeTtl = null) => new(
        redis.Redis,
        new RedisStoreOptions { Configuration = redis.Configuration, KeyPrefix = prefix ?? _prefix, DedupeTtl = dedupeTtl ?? TimeSpan.FromHours(48) },
        TimeProvider.System,
        NullLogger<RedisEventQueue>.Instance);

    private static CrmEvent Event(string key) =>
        new(key, CrmKind.Salesforce, CrmObject.Person, "00Q5g00000AbCdEAAV", "outbound.updated", new DateTimeOffset(2026, 11, 30, 1, 0, 0, TimeSpan.Zero), EventOrigin.OutboundMessage);

    [Fact]
    public async Task EnqueueAsync_NewEvent_WritesTheEntryAndADedupeKeyThatExpiresWithTheWindow()
    {
        await Queue(dedupeTtl: TimeSpan.FromHours(48)).EnqueueAsync([Event("sf:n-1")], default);

        Assert.Equal(1, await Db.StreamLengthAsync(Keys.Events));
        var ttl = await Db.KeyTimeToLiveAsync(Keys.Seen("sf:n-1"));
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromHours(47), TimeSpan.FromHours(48));
        var entry = Assert.Single(await Db.StreamRangeAsync(Keys.Events));
        Assert.Contains("\"crm\":\"Salesforce\"", (string)entry["event"]!, StringComparison.Ordinal);
        Assert.Contains("\"origin\":\"OutboundMessage\"", (string)entry["event"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcknowledgeAsync_AcknowledgedEntries_LeaveTheStreamAndTheRestStay()
    {
        var queue = Queue();
        await queue.EnqueueAsync([Event("a"), Event("b"), Event("c")], default);
        var read = await queue.ReadAsync("c1", 3, TimeSpan.Zero, default);

        await queue.AcknowledgeAsync([read[0]], default);
        await queue.AcknowledgeAsync([read[0]], default);

        var left = await Db.StreamRangeAsync(Keys.Events);
        Assert.Equal([read[1].EntryId, read[2].EntryId], left.Select(e => e.Id.ToString()));
        var stats = await queue.StatsAsync(default);
        Assert.Equal((0L, 2L), (stats.Pending, stats.Unacknowledged));
    }

    [Fact]
    public async Task EnqueueAsync_SameKeyUnderAnotherPrefix_QueuedInBoth()
    {
        Assert.Equal(1, await Queue().EnqueueAsync([Event("shared")], default));
        Assert.Equal(1, await Queue(RedisFixture.NewPrefix()).EnqueueAsync([Event("shared")], default));
    }

    [Fact]
    public async Task ReadAsync_EntryThatDoesNotDecode_DeadLetteredAndNeverHandedOut()
    {
        var queue = Queue();
        await queue.EnqueueAsync([Event("before")], default);
        var bad = await Db.StreamAddAsync(Keys.Events, "event", "{\"dedupeKey\": 12");
        await queue.EnqueueAsync([Event("after")], default);

        var read = await queue.ReadAsync("c1", 10, TimeSpan.Zero, default);

        Assert.Equal(["before", "after"], read.Select(e => e.Event.DedupeKey));
        var letter = Assert.Single(await queue.DeadLettersAsync(10, default));
        Assert.Equal(bad.ToString(), letter.EntryId);
        Assert.StartsWith("the queue entry could not be decoded: ", letter.Reason, StringComparison.Ordinal);
        Assert.Equal("undecodable", letter.Event.Kind);
        Assert.Equal("{\"dedupeKey\": 12", letter.Event.Fields!["raw"]);
        var stats = await queue.StatsAsync(default);
        Assert.Equal((0L, 2L, 1L), (stats.Pending, stats.Unacknowledged, stats.DeadLetters));
    }

    [Fact]
    public async Task ReadAsync_ConsumerGroupLost_CreatesItAgainAndReadsEveryEntry()
    {
        var queue = Queue();
        await queue.EnqueueAsync([Event("a")], default);
        Assert.Single(await queue.ReadAsync("c1", 10, TimeSpan.Zero, default));

        // What a flush or a restart without persistence does to the group (the stream survives here).
        Assert.True(await Db.StreamDeleteConsumerGroupAsync(Keys.Events, "workers"));
        await queue.EnqueueAsync([Event("b")], default);

        var read = await queue.ReadAsync("c1", 10, TimeSpan.Zero, default);
        Assert.Equal(["a", "b"], read.Select(e => e.Event.DedupeKey));
    }

    [Fact]
    public async Task ReclaimAsync_MoreIdleEntriesThanMax_LaterCallsGetTheRest()
    {
        var queue = Queue();
        await queue.EnqueueAsync([.. Enumerable.Range(0, 25).Select(i => Event($"e{i:00}"))], default);
        await queue.ReadAsync("c1", 25, TimeSpan.Zero, default);

        var taken = new List<string>();
        for (var call = 0; call < 3; call++)
        {
            var batch = await queue.ReclaimAsync("c2", TimeSpan.Zero, 10, default);
            Assert.InRange(batch.Count, 0, 10);
            taken.AddRange(batch.Select(e => e.Event.DedupeKey));
        }

        Assert.Equal(25, taken.Distinct().Count());
    }
}

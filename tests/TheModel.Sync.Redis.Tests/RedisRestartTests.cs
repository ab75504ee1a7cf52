using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Application.Pipeline;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Redis.Tests.Support;

namespace TheModel.Sync.Redis.Tests;

/// <summary>
/// Durability across a Redis crash: with the AOF on and an fsync per write, an event that was queued and handed out
/// but not acknowledged is still there after the server is killed and started again, and so is its dedupe key.
/// </summary>
public sealed class RedisRestartTests
{
    [Fact]
    public async Task ReclaimAsync_ServerCrashedAndRestartedWithAof_ReturnsTheUnacknowledgedEntry()
    {
        await using var server = await RedisServer.StartAsync(appendOnly: true);
        var options = new RedisStoreOptions { Configuration = server.Configuration, KeyPrefix = RedisFixture.NewPrefix() };
        var sent = new CrmEvent("hs:evt-1", CrmKind.HubSpot, CrmObject.Person, "101", "contact.creation", new DateTimeOffset(2026, 11, 30, 1, 0, 0, TimeSpan.Zero), EventOrigin.Webhook);
        string entryId;
        await using (var before = await ConnectionMultiplexer.ConnectAsync(RedisServiceCollectionExtensions.ConnectionOptions(server.Configuration)))
        {
            var queue = new RedisEventQueue(before, options, TimeProvider.System, NullLogger<RedisEventQueue>.Instance);
            await queue.EnqueueAsync([sent, sent with { DedupeKey = "hs:evt-2" }], default);
            var read = await queue.ReadAsync("worker-a", 10, TimeSpan.Zero, default);
            await queue.AcknowledgeAsync([read[1]], default);
            entryId = read[0].EntryId;
        }

        await server.CrashAndRestartAsync();

        await using var after = await ConnectionMultiplexer.ConnectAsync(RedisServiceCollectionExtensions.ConnectionOptions(server.Configuration));
        var restarted = new RedisEventQueue(after, options, TimeProvider.System, NullLogger<RedisEventQueue>.Instance);
        var reclaimed = Assert.Single(await restarted.ReclaimAsync("worker-b", TimeSpan.Zero, 10, default));
        Assert.Equal((entryId, "hs:evt-1", 2), (reclaimed.EntryId, reclaimed.Event.DedupeKey, reclaimed.Deliveries));
        Assert.Equal(0, await restarted.EnqueueAsync([sent], default));
        var stats = await restarted.StatsAsync(default);
        Assert.Equal((0L, 1L), (stats.Pending, stats.Unacknowledged));
    }
}

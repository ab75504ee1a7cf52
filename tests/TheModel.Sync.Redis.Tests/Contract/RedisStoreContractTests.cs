using Microsoft.Extensions.Logging.Abstractions;
using TheModel.Sync.Application.Pipeline;
using TheModel.Sync.Redis.Tests.Support;

namespace TheModel.Sync.Redis.Tests.Contract;

/// <summary>
/// The shared contract against the Redis stores on a real server. Each test has its own key prefix; every store a
/// test asks for is a new object on that prefix, as a second worker instance would be.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisStoreContractTests(RedisFixture redis) : StoreContractTests
{
    private readonly string _prefix = RedisFixture.NewPrefix();

    // Redis expires keys and ages pending entries on its own clock, which cannot be faked: a second is long enough
    // that nothing lapses between two calls of a test, and short enough to wait for.
    protected override TimeSpan Short => TimeSpan.FromSeconds(1);

    protected override TimeProvider Clock => TimeProvider.System;

    protected override Task PassAsync(TimeSpan span) => Task.Delay(span);

    private RedisStoreOptions Options(TimeSpan? dedupeTtl = null, TimeSpan? planRetention = null, int? logLength = null) => new()
    {
        Configuration = redis.Configuration,
        KeyPrefix = _prefix,
        DedupeTtl = dedupeTtl ?? TimeSpan.FromHours(48),
        PlanRetention = planRetention ?? TimeSpan.FromDays(3),
        DecisionLogMaxLength = logLength ?? 1_000_000,
        EmptyReadPollInterval = TimeSpan.FromMilliseconds(20),
    };

    protected override IEventQueue Queue(TimeSpan dedupeTtl) =>
        new RedisEventQueue(redis.Redis, Options(dedupeTtl: dedupeTtl), TimeProvider.System, NullLogger<RedisEventQueue>.Instance);

    protected override IPlanJournal Journal(TimeSpan retention) => new RedisPlanJournal(redis.Redis, Options(planRetention: retention));

    protected override IWatermarkStore Watermarks() => new RedisWatermarkStore(redis.Redis, Options());

    protected override ILeaseStore Leases() => new RedisLeaseStore(redis.Redis, Options());

    protected override IDueSchedule Due() => new RedisDueSchedule(redis.Redis, Options());

    protected override IDecisionLog Log(int retention) => new RedisDecisionLog(redis.Redis, Options(logLength: retention));

    protected override IPersonMemory Memory() => new RedisPersonMemory(redis.Redis, Options());

    protected override IRoutingStore Routing() => new RedisRoutingStore(redis.Redis, Options());

    protected override IRecordMarks Marks() => new RedisRecordMarks(redis.Redis, Options());
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TheModel.Sync.Application.Pipeline;
using TheModel.Sync.Application.Pipeline.InProcess;
using TheModel.Sync.Redis.Tests.Support;

namespace TheModel.Sync.Redis.Tests;

[Collection(RedisCollection.Name)]
public sealed class RedisServiceCollectionExtensionsTests(RedisFixture redis)
{
    [Fact]
    public async Task AddRedisStores_ValidOptions_EveryPortOnOneSharedMultiplexerReplacingTheInProcessDefaults()
    {
        var services = new ServiceCollection().AddLogging();
        var inProcess = new InProcessStores(TimeProvider.System);
        services.AddSingleton<IEventQueue>(new InProcessEventQueue(TimeProvider.System));
        services.AddSingleton<IRoutingStore>(inProcess);
        services.AddSingleton<IStoreHealth>(inProcess);

        services.AddRedisStores(new RedisStoreOptions { Configuration = redis.Configuration, KeyPrefix = RedisFixture.NewPrefix() });
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.IsType<RedisEventQueue>(provider.GetRequiredService<IEventQueue>());
        Assert.IsType<RedisPlanJournal>(provider.GetRequiredService<IPlanJournal>());
        Assert.IsType<RedisWatermarkStore>(provider.GetRequiredService<IWatermarkStore>());
        Assert.IsType<RedisLeaseStore>(provider.GetRequiredService<ILeaseStore>());
        Assert.IsType<RedisDueSchedule>(provider.GetRequiredService<IDueSchedule>());
        Assert.IsType<RedisDecisionLog>(provider.GetRequiredService<IDecisionLog>());
        Assert.IsType<RedisPersonMemory>(provider.GetRequiredService<IPersonMemory>());
        Assert.IsType<RedisRoutingStore>(provider.GetRequiredService<IRoutingStore>());
        Assert.Single(provider.GetServices<IEventQueue>());
        Assert.Same(provider.GetRequiredService<IConnectionMultiplexer>(), provider.GetRequiredService<IConnectionMultiplexer>());
        var health = provider.GetRequiredService<IStoreHealth>();
        Assert.True(health.IsDurable);
        Assert.Null(await health.CheckAsync(default));
    }

    [Fact]
    public void AddRedisStores_InvalidOptions_ThrowsWithEveryProblem()
    {
        var options = new RedisStoreOptions { Configuration = string.Empty, DedupeTtl = TimeSpan.FromHours(1) };

        var ex = Assert.Throws<OptionsValidationException>(() => new ServiceCollection().AddRedisStores(options));

        Assert.Equal(2, ex.Failures.Count());
        Assert.Contains("Redis:DedupeTtl must be at least 1.00:00:00 (the CRMs retry a delivery for 24 h), was 01:00:00.", ex.Failures);
    }

    [Theory]
    [InlineData("127.0.0.1:6379", false)]
    [InlineData("127.0.0.1:6379,abortConnect=true", true)]
    public void ConnectionOptions_AbortConnect_FalseUnlessTheOperatorAsks(string configuration, bool abort)
    {
        Assert.Equal(abort, RedisServiceCollectionExtensions.ConnectionOptions(configuration).AbortOnConnectFail);
    }

    [Fact]
    public async Task CheckAsync_ServerGone_SaysWhatIsWrong()
    {
        var server = await RedisServer.StartAsync();
        await using (server)
        {
            await using var connection = await ConnectionMultiplexer.ConnectAsync(RedisServiceCollectionExtensions.ConnectionOptions(server.Configuration));
            var health = new RedisStoreHealth(connection);
            Assert.Null(await health.CheckAsync(default));

            await server.StopAsync();

            var problem = await Eventually.HoldsAsync(() => health.CheckAsync(default), p => p is not null, "the health check noticing the server is gone") ?? string.Empty;
            Assert.True(
                problem.StartsWith($"not connected to Redis at 127.0.0.1:{server.Port}", StringComparison.Ordinal) || problem.StartsWith("Redis did not answer PING: ", StringComparison.Ordinal),
                problem);
        }
    }
}

using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace TheModel.Sync.Redis.Tests.Support;

/// <summary>One server and one multiplexer for every test in the <c>redis</c> collection; tests keep apart by key prefix.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    private RedisServer? _server;
    private ConnectionMultiplexer? _redis;

    internal RedisServer Server => _server ?? throw new InvalidOperationException("the fixture has not started");

    public IConnectionMultiplexer Redis => _redis ?? throw new InvalidOperationException("the fixture has not started");

    public string Configuration => Server.Configuration;

    /// <summary>A prefix no other test uses.</summary>
    public static string NewPrefix() => $"test:{Guid.NewGuid():N}:";

    public async Task InitializeAsync()
    {
        _server = await RedisServer.StartAsync();
        _redis = await ConnectionMultiplexer.ConnectAsync(RedisServiceCollectionExtensions.ConnectionOptions(_server.Configuration));
    }

    public async Task DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisFixture>
{
    public const string Name = "redis";
}

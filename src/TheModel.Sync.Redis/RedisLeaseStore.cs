using StackExchange.Redis;
using TheModel.Sync.Application.Pipeline;

namespace TheModel.Sync.Redis;

/// <summary>
/// Leases as keys holding the holder's name with a server-side expiry: Redis's clock decides when a lease lapses, so
/// instances with drifting clocks still agree.
/// </summary>
internal sealed class RedisLeaseStore : ILeaseStore
{
    // SET NX PX for a free lease and compare-and-renew for the holder, in one script: a separate SET NX followed by a
    // renew would cost the holder two round trips on every renewal.
    private const string AcquireScript = """
        local holder = redis.call('GET', KEYS[1])
        if holder == false or holder == ARGV[1] then
          redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
          return 1
        end
        return 0
        """;

    private const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('DEL', KEYS[1])
        end
        return 0
        """;

    private readonly IDatabase _db;
    private readonly RedisKeys _keys;

    public RedisLeaseStore(IConnectionMultiplexer redis, RedisStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        _db = redis.GetDatabase();
        _keys = new RedisKeys(options.KeyPrefix);
    }

    public async Task<bool> TryAcquireAsync(string name, string holder, TimeSpan ttl, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(holder);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        var taken = await _db.ScriptEvaluateAsync(AcquireScript, [_keys.Lease(name)], [holder, StoredJson.CeilingMilliseconds(ttl)]).ConfigureAwait(false);
        return (long)taken == 1;
    }

    public Task ReleaseAsync(string name, string holder, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(holder);
        return _db.ScriptEvaluateAsync(ReleaseScript, [_keys.Lease(name)], [holder]);
    }
}

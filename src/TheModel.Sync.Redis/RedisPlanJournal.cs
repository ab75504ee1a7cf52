using StackExchange.Redis;
using TheModel.Sync.Application.Pipeline;

namespace TheModel.Sync.Redis;

/// <summary>Write plans by dedupe key, one string each, expiring after the retention (longer than any redelivery).</summary>
internal sealed class RedisPlanJournal : IPlanJournal
{
    private readonly IDatabase _db;
    private readonly RedisKeys _keys;
    private readonly TimeSpan _retention;

    public RedisPlanJournal(IConnectionMultiplexer redis, RedisStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        _db = redis.GetDatabase();
        _keys = new RedisKeys(options.KeyPrefix);
        _retention = options.PlanRetention;
    }

    public async Task<StoredPlan?> GetAsync(string dedupeKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dedupeKey);
        var key = _keys.Plan(dedupeKey);
        var value = await _db.StringGetAsync(key).ConfigureAwait(false);
        return value.IsNull ? null : StoredJson.Read(value, RedisJson.Default.StoredPlan, "write plan", key);
    }

    public Task PutAsync(string dedupeKey, StoredPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dedupeKey);
        ArgumentNullException.ThrowIfNull(plan);
        return _db.StringSetAsync(_keys.Plan(dedupeKey), StoredJson.Write(plan, RedisJson.Default.StoredPlan), _retention, When.Always);
    }
}

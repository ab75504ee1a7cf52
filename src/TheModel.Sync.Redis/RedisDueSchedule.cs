using StackExchange.Redis;
using TheModel.Sync.Application.Pipeline;

namespace TheModel.Sync.Redis;

/// <summary>
/// Due times as one sorted set per kind (score = Unix milliseconds). The due time is rounded up and "now" down, so an
/// item is never claimed before it is due (at most a millisecond late).
/// </summary>
internal sealed class RedisDueSchedule : IDueSchedule
{
    // Range and removal in one script, so two instances claiming at once never both get an item.
    private const string ClaimScript = """
        local items = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
        for _, item in ipairs(items) do
          redis.call('ZREM', KEYS[1], item)
        end
        return items
        """;

    private readonly IDatabase _db;
    private readonly RedisKeys _keys;

    public RedisDueSchedule(IConnectionMultiplexer redis, RedisStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        _db = redis.GetDatabase();
        _keys = new RedisKeys(options.KeyPrefix);
    }

    public Task ScheduleAsync(string kind, string item, DateTimeOffset due, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(item);
        var dueMs = (due.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond;
        return _db.SortedSetAddAsync(_keys.Due(kind), item, dueMs);
    }

    public Task CancelAsync(string kind, string item, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(item);
        return _db.SortedSetRemoveAsync(_keys.Due(kind), item);
    }

    public async Task<IReadOnlyList<string>> ClaimDueAsync(string kind, DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        if (max <= 0)
        {
            return [];
        }

        var claimed = await _db.ScriptEvaluateAsync(ClaimScript, [_keys.Due(kind)], [now.ToUnixTimeMilliseconds(), max]).ConfigureAwait(false);
        return (string[])claimed!;
    }
}

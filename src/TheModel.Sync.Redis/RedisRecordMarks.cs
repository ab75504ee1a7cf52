using StackExchange.Redis;
using TheModel.Sync.Application.Pipeline;

namespace TheModel.Sync.Redis;

/// <summary>Marks in one hash (field: the key): one round trip per check, a pipeline of HSETs per batch of marks.</summary>
internal sealed class RedisRecordMarks : IRecordMarks
{
    private const int Chunk = 1000;

    private readonly IDatabase _db;
    private readonly RedisKeys _keys;

    public RedisRecordMarks(IConnectionMultiplexer redis, RedisStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        _db = redis.GetDatabase();
        _keys = new RedisKeys(options.KeyPrefix);
    }

    public Task<bool> IsMarkedAsync(string key, CancellationToken cancellationToken) =>
        _db.HashExistsAsync(_keys.Marks, key);

    public async Task MarkAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var chunk in keys.Chunk(Chunk))
        {
            cancellationToken.ThrowIfCancellationRequested();
            await _db.HashSetAsync(_keys.Marks, [.. chunk.Select(k => new HashEntry(k, 1))]).ConfigureAwait(false);
        }
    }

    public Task UnmarkAsync(string key, CancellationToken cancellationToken) =>
        _db.HashDeleteAsync(_keys.Marks, key);
}

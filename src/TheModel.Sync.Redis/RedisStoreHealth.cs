using StackExchange.Redis;
using TheModel.Sync.Application.Pipeline;

namespace TheModel.Sync.Redis;

/// <summary>Ready when Redis answers a PING; durable, since the queue and the state outlive the process.</summary>
internal sealed class RedisStoreHealth : IStoreHealth
{
    private readonly IConnectionMultiplexer _redis;

    public RedisStoreHealth(IConnectionMultiplexer redis)
    {
        ArgumentNullException.ThrowIfNull(redis);
        _redis = redis;
    }

    public bool IsDurable => true;

    public async Task<string?> CheckAsync(CancellationToken cancellationToken)
    {
        if (!_redis.IsConnected)
        {
            return $"not connected to Redis at {string.Join(", ", _redis.GetEndPoints().Select(e => e.ToString()))}";
        }

        try
        {
            await _redis.GetDatabase().PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return $"Redis did not answer PING: {ex.Message}";
        }
    }
}

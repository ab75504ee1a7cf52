using StackExchange.Redis;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Application.Pipeline;
using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Redis;

/// <summary>Poll positions in one hash (field <c>crm:object</c>): a handful of values, read and written whole.</summary>
internal sealed class RedisWatermarkStore : IWatermarkStore
{
    private readonly IDatabase _db;
    private readonly RedisKeys _keys;

    public RedisWatermarkStore(IConnectionMultiplexer redis, RedisStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        _db = redis.GetDatabase();
        _keys = new RedisKeys(options.KeyPrefix);
    }

    public async Task<Watermark?> GetAsync(CrmKind crm, CrmObject obj, CancellationToken cancellationToken)
    {
        var value = await _db.HashGetAsync(_keys.Watermarks, RedisKeys.WatermarkField(crm, obj)).ConfigureAwait(false);
        return value.IsNull ? null : StoredJson.Read(value, RedisJson.Default.Watermark, $"{crm} {obj} watermark", _keys.Watermarks);
    }

    public Task SetAsync(CrmKind crm, CrmObject obj, Watermark watermark, CancellationToken cancellationToken) =>
        _db.HashSetAsync(_keys.Watermarks, RedisKeys.WatermarkField(crm, obj), StoredJson.Write(watermark, RedisJson.Default.Watermark));
}

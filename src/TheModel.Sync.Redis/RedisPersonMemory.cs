using StackExchange.Redis;
using TheModel.Sync.Application.Pipeline;
using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Redis;

/// <summary>
/// Person memos in one hash per CRM (field = person id). Not a key per person with a TTL: the memo holds the owner
/// this service last wrote, which the manual-owner guard needs for as long as the person keeps that owner (months),
/// so an expiry would silently turn a human's later change into one the router may override. A batch of people is
/// one <c>HMGET</c> or <c>HSET</c>; memory grows with the people routed (a memo is ~100-200 bytes).
/// </summary>
internal sealed class RedisPersonMemory : IPersonMemory
{
    private readonly IDatabase _db;
    private readonly RedisKeys _keys;

    public RedisPersonMemory(IConnectionMultiplexer redis, RedisStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        _db = redis.GetDatabase();
        _keys = new RedisKeys(options.KeyPrefix);
    }

    public async Task<IReadOnlyDictionary<string, PersonMemo>> GetAsync(CrmKind crm, IReadOnlyCollection<string> personIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(personIds);
        var found = new Dictionary<string, PersonMemo>(StringComparer.Ordinal);
        if (personIds.Count == 0)
        {
            return found;
        }

        var ids = personIds.ToArray();
        var key = _keys.PersonMemory(crm);
        var values = await _db.HashGetAsync(key, Array.ConvertAll(ids, id => (RedisValue)id)).ConfigureAwait(false);
        for (var i = 0; i < ids.Length; i++)
        {
            if (!values[i].IsNull)
            {
                found[ids[i]] = StoredJson.Read(values[i], RedisJson.Default.PersonMemo, $"memo of person {ids[i]}", key);
            }
        }

        return found;
    }

    public Task PutAsync(CrmKind crm, IReadOnlyDictionary<string, PersonMemo> memos, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(memos);
        if (memos.Count == 0)
        {
            return Task.CompletedTask;
        }

        var entries = memos.Select(m => new HashEntry(m.Key, StoredJson.Write(m.Value, RedisJson.Default.PersonMemo))).ToArray();
        return _db.HashSetAsync(_keys.PersonMemory(crm), entries);
    }
}

using System.Globalization;
using StackExchange.Redis;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Redis;

/// <summary>
/// Every key the store uses, all under one prefix. Keys that one Lua script touches together share a hash tag
/// (<c>{queue}</c>, <c>{routing}</c>) so that the scripts stay valid on a Redis Cluster, where a script may only
/// touch keys of one slot.
/// </summary>
internal sealed class RedisKeys
{
    private readonly RedisKey _prefix;

    public RedisKeys(string prefix)
    {
        _prefix = prefix;
        Events = _prefix.Append("{queue}:events");
        DeadLetters = _prefix.Append("{queue}:dead");
        Watermarks = _prefix.Append("watermarks");
        Marks = _prefix.Append("marks");
        Decisions = _prefix.Append("decisions");
        RoundRobin = _prefix.Append("{routing}:round-robin");
        Weights = _prefix.Append("{routing}:weights");
        OpenCounts = _prefix.Append("{routing}:open");
        OwnershipIndex = _prefix.Append("{routing}:owned");
    }

    /// <summary>The event stream (consumer group on it).</summary>
    public RedisKey Events { get; }

    /// <summary>The dead-letter stream.</summary>
    public RedisKey DeadLetters { get; }

    /// <summary>Hash: <c>crm:object</c> → watermark JSON.</summary>
    public RedisKey Watermarks { get; }

    /// <summary>Hash: transition key → 1 (see <c>IRecordMarks</c>).</summary>
    public RedisKey Marks { get; }

    /// <summary>Stream of decision JSON lines, capped.</summary>
    public RedisKey Decisions { get; }

    /// <summary>Hash: team id → member id the round robin chose last.</summary>
    public RedisKey RoundRobin { get; }

    /// <summary>Hash: member id → smooth weighted round robin current value.</summary>
    public RedisKey Weights { get; }

    /// <summary>Hash: member id → open count.</summary>
    public RedisKey OpenCounts { get; }

    /// <summary>Set of the ownership keys that exist, so a reset can remove them without scanning the keyspace.</summary>
    public RedisKey OwnershipIndex { get; }

    /// <summary>The marker that an event with this dedupe key was queued (same slot as the stream).</summary>
    public RedisKey Seen(string dedupeKey) => _prefix.Append("{queue}:seen:").Append(dedupeKey);

    public RedisKey Plan(string dedupeKey) => _prefix.Append("plan:").Append(dedupeKey);

    public RedisKey Lease(string name) => _prefix.Append("lease:").Append(name);

    public RedisKey Due(string kind) => _prefix.Append("due:").Append(kind);

    public RedisKey PersonMemory(CrmKind crm) => _prefix.Append(crm == CrmKind.Salesforce ? "memo:salesforce" : "memo:hubspot");

    /// <summary>
    /// Hash for one (account, member): owner_set ticks → how many persons have that value. The account id's length
    /// goes first so that no pair of ids can spell the same key.
    /// </summary>
    public RedisKey Ownership(string accountId, string memberId) =>
        _prefix.Append(string.Create(CultureInfo.InvariantCulture, $"{{routing}}:own:{accountId.Length}:{accountId}:{memberId}"));

    public static RedisValue WatermarkField(CrmKind crm, CrmObject obj) => $"{crm}:{obj}";
}

using System.Text.Json;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using TheModel.Sync.Application.Pipeline;

namespace TheModel.Sync.Redis;

/// <summary>
/// The event queue on a Redis stream with one consumer group. An entry stays in the stream until it is acknowledged
/// (then deleted) or dead-lettered (moved to the dead-letter stream); the stream is never trimmed by length, because
/// <c>MAXLEN</c> evicts entries whether or not they were acknowledged. Dedupe keys live next to the stream and are
/// written by the same script as the entry, so a crash leaves both or neither.
/// </summary>
internal sealed class RedisEventQueue : IEventQueue
{
    private const string EventField = "event";

    // SET NX PX then XADD per event, in one script: Redis runs a script whole (and its AOF record is one MULTI/EXEC
    // block that a truncated file drops entirely), so there is never a dedupe key without its entry, which would
    // silently swallow the sender's retry of an event we never queued.
    private const string EnqueueScript = """
        local added = 0
        for i = 2, #KEYS do
          if redis.call('SET', KEYS[i], '1', 'NX', 'PX', ARGV[1]) then
            redis.call('XADD', KEYS[1], '*', 'event', ARGV[i])
            added = added + 1
          end
        end
        return added
        """;

    // XAUTOCLAIM returns entries without their delivery counts, so each claimed entry's count is read back from the
    // PEL in the same script. A bounded number of rounds keeps one call from walking a huge PEL while holding Redis.
    private const string ReclaimScript = """
        local out = {}
        local cursor = ARGV[4]
        local wanted = tonumber(ARGV[5])
        for round = 1, 16 do
          local r = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], cursor, 'COUNT', wanted - #out)
          cursor = r[1]
          for _, e in ipairs(r[2]) do
            if e[2] then
              local p = redis.call('XPENDING', KEYS[1], ARGV[1], e[1], e[1], 1)
              local deliveries = 1
              if p[1] then deliveries = p[1][4] end
              out[#out + 1] = { e[1], e[2], deliveries }
            end
          end
          if cursor == '0-0' or #out >= wanted then break end
        end
        return { cursor, out }
        """;

    // Deletes only what this call acknowledged: an id the group does not hold as pending is left alone.
    private const string AcknowledgeScript = """
        local acked = 0
        for i = 2, #ARGV do
          if redis.call('XACK', KEYS[1], ARGV[1], ARGV[i]) == 1 then
            redis.call('XDEL', KEYS[1], ARGV[i])
            acked = acked + 1
          end
        end
        return acked
        """;

    private const string DeadLetterScript = """
        if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 1 then
          redis.call('XADD', KEYS[2], '*', 'id', ARGV[2], 'event', ARGV[3], 'reason', ARGV[4], 'deliveries', ARGV[5], 'at', ARGV[6])
          redis.call('XDEL', KEYS[1], ARGV[2])
          return 1
        end
        return 0
        """;

    // Acknowledged entries are deleted, so the stream holds exactly the undelivered and the unacknowledged ones.
    private const string StatsScript = """
        local length = redis.call('XLEN', KEYS[1])
        local pending = redis.call('XPENDING', KEYS[1], ARGV[1])
        local dead = redis.call('XLEN', KEYS[2])
        local first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)
        local oldest = ''
        if first[1] then oldest = first[1][1] end
        return { length, pending[1], dead, oldest }
        """;

    private readonly IDatabase _db;
    private readonly RedisKeys _keys;
    private readonly RedisValue _group;
    private readonly TimeSpan _dedupeTtl;
    private readonly TimeSpan _pollInterval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private volatile bool _groupReady;
    private string _reclaimCursor = "0-0";

    public RedisEventQueue(IConnectionMultiplexer redis, RedisStoreOptions options, TimeProvider time, ILogger<RedisEventQueue> logger)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        _db = redis.GetDatabase();
        _keys = new RedisKeys(options.KeyPrefix);
        _group = options.ConsumerGroup;
        _dedupeTtl = options.DedupeTtl;
        _pollInterval = options.EmptyReadPollInterval;
        _time = time;
        _logger = logger;
    }

    public async Task<int> EnqueueAsync(IReadOnlyList<CrmEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return 0;
        }

        var keys = new RedisKey[events.Count + 1];
        var args = new RedisValue[events.Count + 1];
        keys[0] = _keys.Events;
        args[0] = StoredJson.CeilingMilliseconds(_dedupeTtl);
        for (var i = 0; i < events.Count; i++)
        {
            keys[i + 1] = _keys.Seen(events[i].DedupeKey);
            args[i + 1] = StoredJson.Write(events[i], RedisJson.Default.CrmEvent);
        }

        var added = await _db.ScriptEvaluateAsync(EnqueueScript, keys, args).ConfigureAwait(false);
        return (int)added;
    }

    public async Task<IReadOnlyList<QueuedEvent>> ReadAsync(string consumer, int max, TimeSpan wait, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumer);
        if (max <= 0)
        {
            return [];
        }

        var started = _time.GetTimestamp();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var entries = await InGroupAsync(() => _db.StreamReadGroupAsync(_keys.Events, _group, consumer, StreamPosition.NewMessages, max)).ConfigureAwait(false);
            if (entries.Length > 0)
            {
                var read = new List<QueuedEvent>(entries.Length);
                foreach (var entry in entries)
                {
                    if (await DecodeOrDeadLetterAsync(entry.Id.ToString(), entry[EventField], 1).ConfigureAwait(false) is { } queued)
                    {
                        read.Add(queued);
                    }
                }

                if (read.Count > 0)
                {
                    return read;
                }

                continue;
            }

            // No blocking XREADGROUP on a multiplexed connection: wait on the clock and ask again.
            var left = wait - _time.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                return [];
            }

            await Task.Delay(left < _pollInterval ? left : _pollInterval, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<QueuedEvent>> ReclaimAsync(string consumer, TimeSpan minIdle, int max, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumer);
        if (max <= 0)
        {
            return [];
        }

        var taken = new List<QueuedEvent>();
        var start = Volatile.Read(ref _reclaimCursor);
        var idleMs = (long)Math.Max(0, minIdle.TotalMilliseconds);

        // The cursor carries on where the last call stopped, so entries deep in a long PEL get their turn; one wrap
        // back to the start covers the entries the cursor had passed.
        for (var pass = 0; pass < 2 && taken.Count < max; pass++)
        {
            var result = (RedisResult[])(await InGroupAsync(() => _db.ScriptEvaluateAsync(
                ReclaimScript,
                [_keys.Events],
                [_group, consumer, idleMs, start, max - taken.Count])).ConfigureAwait(false))!;
            var next = (string)result[0]!;
            Volatile.Write(ref _reclaimCursor, next);
            foreach (var item in (RedisResult[])result[1]!)
            {
                var parts = (RedisResult[])item!;
                var id = (string)parts[0]!;
                var fields = (RedisValue[])parts[1]!;
                var deliveries = (int)parts[2];
                if (await DecodeOrDeadLetterAsync(id, FieldValue(fields, EventField), deliveries).ConfigureAwait(false) is { } queued)
                {
                    taken.Add(queued);
                }
            }

            if (start == "0-0" || next != "0-0")
            {
                break;
            }

            start = "0-0";
        }

        return taken;
    }

    public async Task AcknowledgeAsync(IReadOnlyList<QueuedEvent> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }

        var args = new RedisValue[entries.Count + 1];
        args[0] = _group;
        for (var i = 0; i < entries.Count; i++)
        {
            args[i + 1] = entries[i].EntryId;
        }

        await InGroupAsync(() => _db.ScriptEvaluateAsync(AcknowledgeScript, [_keys.Events], args)).ConfigureAwait(false);
    }

    public Task DeadLetterAsync(QueuedEvent entry, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(reason);
        return DeadLetterAsync(entry.EntryId, StoredJson.Write(entry.Event, RedisJson.Default.CrmEvent), reason, entry.Deliveries);
    }

    public async Task<IReadOnlyList<DeadLetter>> DeadLettersAsync(int max, CancellationToken cancellationToken)
    {
        if (max <= 0)
        {
            return [];
        }

        // An operator's view: a replica's copy is good enough and spares the primary.
        var entries = await _db.StreamRangeAsync(_keys.DeadLetters, "-", "+", max, Order.Ascending, CommandFlags.PreferReplica).ConfigureAwait(false);
        var letters = new List<DeadLetter>(entries.Length);
        foreach (var entry in entries)
        {
            var id = (string)entry["id"]!;
            var raw = entry[EventField];
            // An entry dead-lettered because it did not decode keeps its raw text for the operator to read.
            var letter = TryDecode(raw, out var decoded, out _)
                ? decoded!
                : new CrmEvent(id, default, default, string.Empty, "undecodable", StoredJson.EntryTime(id), default, new Dictionary<string, string?> { ["raw"] = raw.ToString() });
            letters.Add(new DeadLetter(
                id,
                letter,
                (string)entry["reason"]!,
                (int)entry["deliveries"],
                DateTimeOffset.FromUnixTimeMilliseconds((long)entry["at"])));
        }

        return letters;
    }

    public async Task<QueueStats> StatsAsync(CancellationToken cancellationToken)
    {
        var result = (RedisResult[])(await InGroupAsync(() => _db.ScriptEvaluateAsync(StatsScript, [_keys.Events, _keys.DeadLetters], [_group])).ConfigureAwait(false))!;
        var length = (long)result[0];
        var unacknowledged = (long)result[1];
        var dead = (long)result[2];
        var oldest = (string)result[3]!;
        var age = oldest.Length == 0 ? TimeSpan.Zero : _time.GetUtcNow() - StoredJson.EntryTime(oldest);
        return new QueueStats(length - unacknowledged, unacknowledged, dead, age < TimeSpan.Zero ? TimeSpan.Zero : age);
    }

    private async Task DeadLetterAsync(string entryId, RedisValue payload, string reason, int deliveries)
    {
        var at = _time.GetUtcNow().ToUnixTimeMilliseconds();
        await InGroupAsync(() => _db.ScriptEvaluateAsync(
            DeadLetterScript,
            [_keys.Events, _keys.DeadLetters],
            [_group, entryId, payload, reason, deliveries, at])).ConfigureAwait(false);
    }

    /// <summary>An entry that does not decode cannot be processed by anyone: it goes to the dead letters, never back to a reader.</summary>
    private async Task<QueuedEvent?> DecodeOrDeadLetterAsync(string entryId, RedisValue payload, int deliveries)
    {
        if (TryDecode(payload, out var e, out var problem))
        {
            return new QueuedEvent(entryId, e!, deliveries, StoredJson.EntryTime(entryId));
        }

        RedisLog.EntryUndecodable(_logger, entryId, problem!);
        await DeadLetterAsync(entryId, payload.IsNull ? RedisValue.EmptyString : payload, $"the queue entry could not be decoded: {problem}", deliveries).ConfigureAwait(false);
        return null;
    }

    private static bool TryDecode(RedisValue payload, out CrmEvent? e, out string? problem)
    {
        e = null;
        problem = null;
        if (payload.IsNullOrEmpty)
        {
            problem = "it has no event field";
            return false;
        }

        try
        {
            e = JsonSerializer.Deserialize((byte[])payload!, RedisJson.Default.CrmEvent);
            problem = e is null ? "the event is JSON null" : null;
        }
        catch (JsonException ex)
        {
            problem = ex.Message;
        }

        return e is not null;
    }

    private static RedisValue FieldValue(RedisValue[] flat, string name)
    {
        for (var i = 0; i + 1 < flat.Length; i += 2)
        {
            if (flat[i] == name)
            {
                return flat[i + 1];
            }
        }

        return RedisValue.Null;
    }

    /// <summary>
    /// Runs a command that needs the consumer group, creating the group first; when Redis lost it (a flush, a restart
    /// without persistence) it is created again and the command retried once.
    /// </summary>
    private async Task<T> InGroupAsync<T>(Func<Task<T>> command)
    {
        await EnsureGroupAsync(recreating: false).ConfigureAwait(false);
        try
        {
            return await command().ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Message.Contains("NOGROUP", StringComparison.Ordinal))
        {
            _groupReady = false;
            await EnsureGroupAsync(recreating: true).ConfigureAwait(false);
            return await command().ConfigureAwait(false);
        }
    }

    private async Task EnsureGroupAsync(bool recreating)
    {
        if (_groupReady)
        {
            return;
        }

        try
        {
            // From the start of the stream, not "$": events queued before any worker created the group must be read.
            await _db.StreamCreateConsumerGroupAsync(_keys.Events, _group, StreamPosition.Beginning, createStream: true).ConfigureAwait(false);
            if (recreating)
            {
                RedisLog.ConsumerGroupRecreated(_logger, _group.ToString(), _keys.Events.ToString());
            }
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // Another instance created it first.
        }

        _groupReady = true;
    }
}

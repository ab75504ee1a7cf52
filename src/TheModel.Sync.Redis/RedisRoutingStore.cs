using System.Collections.Concurrent;
using System.Globalization;
using StackExchange.Redis;
using TheModel.Sync.Application.Pipeline;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Redis;

/// <summary>
/// The shared routing state in Redis, addressed by team and member ids (not the rule set's indexes, so a config
/// reload keeps every value that still has an owner): round-robin pointers, weighted current values and open counts
/// in three hashes, and per (account, member) a hash of owner_set ticks → how many persons have that value, which
/// answers "how many, and the latest, leaving one person out" exactly as <see cref="InMemoryRoutingState"/> does.
/// A decision is committed by one script that compares the rotation first, so two instances never hand out one turn.
/// </summary>
internal sealed class RedisRoutingStore : IRoutingStore
{
    private const string SnapshotScript = """
        return { redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2]), redis.call('HGETALL', KEYS[3]) }
        """;

    // KEYS: round-robin, weights, open, ownership index, then the ownership keys the footprints name.
    // ARGV: team, pointer check (0 none, 1 expect no pointer, 2 expect ARGV[3]), pointer before, pointer chosen,
    // weight count n, n × (member, before, after), footprints-differ flag, then Before and After as
    // (member or '', counts as open, ownership key index or 0, owner_set ticks).
    // Values are compared as the strings they were written as, never as Lua numbers (doubles).
    private const string ApplyScript = """
        local mode = ARGV[2]
        if mode ~= '0' then
          local last = redis.call('HGET', KEYS[1], ARGV[1])
          if mode == '1' then
            if last then return 0 end
          elseif last ~= ARGV[3] then
            return 0
          end
        end
        local n = tonumber(ARGV[5])
        local i = 6
        for _ = 1, n do
          if (redis.call('HGET', KEYS[2], ARGV[i]) or '0') ~= ARGV[i + 1] then return 0 end
          i = i + 3
        end
        local function footprint(at, sign)
          local member = ARGV[at]
          if member == '' then return end
          if ARGV[at + 1] == '1' then redis.call('HINCRBY', KEYS[3], member, sign) end
          local k = tonumber(ARGV[at + 2])
          if k == 0 then return end
          local key, ticks = KEYS[k], ARGV[at + 3]
          if sign > 0 then
            redis.call('HINCRBY', key, ticks, 1)
            redis.call('SADD', KEYS[4], key)
          elseif redis.call('HEXISTS', key, ticks) == 1 then
            if redis.call('HINCRBY', key, ticks, -1) <= 0 then
              redis.call('HDEL', key, ticks)
              if redis.call('EXISTS', key) == 0 then redis.call('SREM', KEYS[4], key) end
            end
          end
        end
        if ARGV[i] == '1' then
          footprint(i + 1, -1)
          footprint(i + 5, 1)
        end
        if mode ~= '0' then redis.call('HSET', KEYS[1], ARGV[1], ARGV[4]) end
        i = 6
        for _ = 1, n do
          redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 2])
          i = i + 3
        end
        return 1
        """;

    // KEYS: open, ownership index, then the new ownership keys. ARGV: open pair count m, m × (member, count), then
    // per ownership key its field count f and f × (ticks, persons). The old ownership keys come from the index (same
    // hash slot as the declared keys), so no keyspace scan is needed.
    private const string ResetScript = """
        for _, key in ipairs(redis.call('SMEMBERS', KEYS[2])) do
          redis.call('DEL', key)
        end
        redis.call('DEL', KEYS[1], KEYS[2])
        local i = 1
        local m = tonumber(ARGV[i])
        i = i + 1
        for _ = 1, m do
          redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
          i = i + 2
        end
        for k = 3, #KEYS do
          local f = tonumber(ARGV[i])
          i = i + 1
          for _ = 1, f do
            redis.call('HSET', KEYS[k], ARGV[i], ARGV[i + 1])
            i = i + 2
          end
          redis.call('SADD', KEYS[2], KEYS[k])
        end
        return 1
        """;

    private readonly IDatabase _db;
    private readonly RedisKeys _keys;

    public RedisRoutingStore(IConnectionMultiplexer redis, RedisStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        _db = redis.GetDatabase();
        _keys = new RedisKeys(options.KeyPrefix);
    }

    public async Task<IRoutingState> SnapshotAsync(RuleSet rules, CancellationToken cancellationToken)
    {
        var result = (RedisResult[])(await _db.ScriptEvaluateAsync(SnapshotScript, [_keys.RoundRobin, _keys.Weights, _keys.OpenCounts]).ConfigureAwait(false))!;
        var pointers = new Dictionary<string, string>(StringComparer.Ordinal);
        var weights = new Dictionary<string, long>(StringComparer.Ordinal);
        var open = new Dictionary<string, int>(StringComparer.Ordinal);
        ReadPairs(result[0], (k, v) => pointers[k] = v);
        ReadPairs(result[1], (k, v) => weights[k] = long.Parse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
        ReadPairs(result[2], (k, v) => open[k] = int.Parse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
        return new Snapshot(_db, _keys, pointers, weights, open);
    }

    public async Task<bool> TryApplyAsync(Decision decision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var keys = new List<RedisKey>(6) { _keys.RoundRobin, _keys.Weights, _keys.OpenCounts, _keys.OwnershipIndex };
        var args = new List<RedisValue>(16);
        var rotation = decision.Rotation;
        args.Add(rotation?.Team.Id ?? string.Empty);
        if (rotation?.RoundRobinChosen is { } chosen)
        {
            args.Add(rotation.RoundRobinBefore is null ? "1" : "2");
            args.Add(rotation.RoundRobinBefore ?? string.Empty);
            args.Add(chosen.Id);
        }
        else
        {
            args.Add("0");
            args.Add(string.Empty);
            args.Add(string.Empty);
        }

        var weights = rotation?.Weights ?? [];
        args.Add(weights.Count);
        foreach (var (member, before, after) in weights)
        {
            args.Add(member.Id);
            args.Add(StoredJson.Invariant(before));
            args.Add(StoredJson.Invariant(after));
        }

        args.Add(decision.Before != decision.After ? "1" : "0");
        AddFootprint(decision.Before, keys, args);
        AddFootprint(decision.After, keys, args);
        var applied = await _db.ScriptEvaluateAsync(ApplyScript, [.. keys], [.. args]).ConfigureAwait(false);
        return (long)applied == 1;
    }

    public async Task ResetAsync(RuleSet rules, IEnumerable<Footprint> footprints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(footprints);
        var open = new Dictionary<string, int>(StringComparer.Ordinal);
        var owned = new Dictionary<(string Account, string Member), Dictionary<long, int>>();
        foreach (var f in footprints)
        {
            if (f.Owner is null)
            {
                continue;
            }

            if (f.CountsAsOpen)
            {
                open[f.Owner.Id] = open.GetValueOrDefault(f.Owner.Id) + 1;
            }

            if (f.AccountId is { } account)
            {
                if (!owned.TryGetValue((account, f.Owner.Id), out var ticks))
                {
                    ticks = [];
                    owned[(account, f.Owner.Id)] = ticks;
                }

                ticks[f.OwnerSetTicks] = ticks.GetValueOrDefault(f.OwnerSetTicks) + 1;
            }
        }

        var keys = new List<RedisKey>(owned.Count + 2) { _keys.OpenCounts, _keys.OwnershipIndex };
        var args = new List<RedisValue>(1 + (open.Count * 2) + (owned.Count * 3)) { open.Count };
        foreach (var (member, count) in open)
        {
            args.Add(member);
            args.Add(count);
        }

        foreach (var ((account, member), ticks) in owned)
        {
            keys.Add(_keys.Ownership(account, member));
            args.Add(ticks.Count);
            foreach (var (at, persons) in ticks)
            {
                args.Add(StoredJson.Invariant(at));
                args.Add(persons);
            }
        }

        await _db.ScriptEvaluateAsync(ResetScript, [.. keys], [.. args]).ConfigureAwait(false);
    }

    /// <summary>One HSET of every pair: a single command, so no snapshot sees some members' new counts and not others'.</summary>
    public async Task SetOpenCountsAsync(RuleSet rules, IReadOnlyDictionary<string, int> open, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(open);
        OpenCounts.ThrowIfNegative(open);
        var entries = open
            .Where(p => rules.FindMember(p.Key) is not null)
            .Select(p => new HashEntry(p.Key, p.Value))
            .ToArray();
        if (entries.Length > 0)
        {
            await _db.HashSetAsync(_keys.OpenCounts, entries).ConfigureAwait(false);
        }
    }

    private void AddFootprint(in Footprint f, List<RedisKey> keys, List<RedisValue> args)
    {
        if (f.Owner is null)
        {
            args.Add(string.Empty);
            args.Add("0");
            args.Add(0);
            args.Add(string.Empty);
            return;
        }

        args.Add(f.Owner.Id);
        args.Add(f.CountsAsOpen ? "1" : "0");
        if (f.AccountId is { } account)
        {
            var key = _keys.Ownership(account, f.Owner.Id);
            var index = keys.IndexOf(key);
            if (index < 0)
            {
                keys.Add(key);
                index = keys.Count - 1;
            }

            args.Add(index + 1);
        }
        else
        {
            args.Add(0);
        }

        args.Add(StoredJson.Invariant(f.OwnerSetTicks));
    }

    private static void ReadPairs(RedisResult flat, Action<string, string> add)
    {
        var values = (RedisValue[])flat!;
        for (var i = 0; i + 1 < values.Length; i += 2)
        {
            add(values[i]!, values[i + 1]!);
        }
    }

    /// <summary>
    /// Rotations and counts as they were at the snapshot; ownership is read on first use per (account, member), with
    /// a synchronous call (the engine's interface is synchronous and asks for a few pairs per decision), and kept for
    /// the rest of this snapshot's life.
    /// </summary>
    private sealed class Snapshot(
        IDatabase db,
        RedisKeys keys,
        Dictionary<string, string> pointers,
        Dictionary<string, long> weights,
        Dictionary<string, int> open) : IRoutingState
    {
        private readonly ConcurrentDictionary<(string Account, string Member), OwnershipTicks> _ownership = new();

        public string? LastChosen(Team team) => pointers.GetValueOrDefault(team.Id);

        public long CurrentWeight(Member member) => weights.GetValueOrDefault(member.Id);

        public int OpenCount(Member member) => open.GetValueOrDefault(member.Id);

        public (int Count, long LatestOwnerSetTicks) Ownership(string accountId, Member member, in Footprint exclude)
        {
            var ticks = _ownership.GetOrAdd((accountId, member.Id), static (pair, state) => state.Load(pair), this);
            var skip = exclude.Owner?.Id == member.Id && exclude.AccountId == accountId;
            return ticks.Stats(skip ? exclude.OwnerSetTicks : null);
        }

        private OwnershipTicks Load((string Account, string Member) pair) =>
            OwnershipTicks.From(db.HashGetAll(keys.Ownership(pair.Account, pair.Member)));
    }
}

/// <summary>One (account, member)'s owner_set ticks with how many persons have each, sorted ascending.</summary>
internal sealed class OwnershipTicks
{
    private readonly long[] _ticks;
    private readonly int[] _persons;
    private readonly int _total;

    private OwnershipTicks(long[] ticks, int[] persons)
    {
        _ticks = ticks;
        _persons = persons;
        _total = persons.Sum();
    }

    public static OwnershipTicks From(HashEntry[] entries)
    {
        var ticks = new long[entries.Length];
        var persons = new int[entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            ticks[i] = long.Parse((string)entries[i].Name!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            persons[i] = (int)entries[i].Value;
        }

        Array.Sort(ticks, persons);
        return new OwnershipTicks(ticks, persons);
    }

    /// <summary>Count and latest ticks, leaving out one person with <paramref name="without"/> when one has it.</summary>
    public (int Count, long Latest) Stats(long? without)
    {
        if (_total <= 0)
        {
            return (0, long.MinValue);
        }

        var last = _ticks.Length - 1;
        if (without is { } w && Array.BinarySearch(_ticks, w) is var at && at >= 0 && _persons[at] > 0)
        {
            var count = _total - 1;
            if (count == 0)
            {
                return (0, long.MinValue);
            }

            // Leaving out one person at the latest value leaves the next one down (which may have the same value).
            var latest = at == last && _persons[last] == 1 ? _ticks[last - 1] : _ticks[last];
            return (count, latest);
        }

        return (_total, _ticks[last]);
    }
}

using System.Globalization;
using StackExchange.Redis;
using TheModel.Sync.Application.Pipeline;

namespace TheModel.Sync.Redis;

/// <summary>
/// The decision log as a stream capped with an approximate <c>MAXLEN</c> (Redis trims whole nodes, which is cheap;
/// the log may briefly hold a little more than the cap, never less).
/// </summary>
internal sealed class RedisDecisionLog : IDecisionLog
{
    private const string LineField = "d";

    // One script per batch keeps a batch's lines together and in order among other instances' appends.
    private const string AppendScript = """
        for i = 2, #ARGV do
          redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'd', ARGV[i])
        end
        return #ARGV - 1
        """;

    private readonly IDatabase _db;
    private readonly RedisKeys _keys;
    private readonly long _maxLength;

    public RedisDecisionLog(IConnectionMultiplexer redis, RedisStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        _db = redis.GetDatabase();
        _keys = new RedisKeys(options.KeyPrefix);
        _maxLength = options.DecisionLogMaxLength;
    }

    public async Task AppendAsync(IReadOnlyList<string> decisionJson, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decisionJson);
        if (decisionJson.Count == 0)
        {
            return;
        }

        var args = new RedisValue[decisionJson.Count + 1];
        args[0] = _maxLength;
        for (var i = 0; i < decisionJson.Count; i++)
        {
            args[i + 1] = decisionJson[i];
        }

        await _db.ScriptEvaluateAsync(AppendScript, [_keys.Decisions], args).ConfigureAwait(false);
    }

    /// <summary>The newest lines, oldest first; read from a replica when there is one (the log is for people, not for decisions).</summary>
    public async Task<IReadOnlyList<string>> ReadAsync(int max, CancellationToken cancellationToken)
    {
        if (max <= 0)
        {
            return [];
        }

        var newestFirst = await _db.StreamRangeAsync(_keys.Decisions, "-", "+", max, Order.Descending, CommandFlags.PreferReplica).ConfigureAwait(false);
        var lines = new string[newestFirst.Length];
        for (var i = 0; i < newestFirst.Length; i++)
        {
            lines[newestFirst.Length - 1 - i] = (string)newestFirst[i][LineField]!;
        }

        return lines;
    }

    /// <summary>
    /// A page by <c>XRANGE</c>: stream ids start with the append time in milliseconds, so a time bound is an id bound,
    /// and the cursor is the last id read (the next page starts after it, exclusive). One line more than asked for is
    /// read to know whether the range goes on without a further round trip at the end.
    /// </summary>
    public async Task<DecisionLogPage> ReadPageAsync(string? after, int max, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken)
    {
        if (after is not null && !StreamIds.IsValid(after))
        {
            throw new ArgumentException($"'{after}' is not a decision log cursor (a stream id such as 1764254634033-0)", nameof(after));
        }

        if (max <= 0)
        {
            return new DecisionLogPage([], null);
        }

        // After the cursor, unless the cursor lies before `from` (then from `from`, inclusive).
        var start = from is { } f && (after is null || StreamIds.Before(after, StreamIds.Millis(f)))
            ? StreamIds.Millis(f).ToString(CultureInfo.InvariantCulture)
            : after is not null ? "(" + after : "-";

        // `to` is exclusive: everything up to the millisecond before it.
        var end = to is { } t ? (StreamIds.Millis(t) - 1).ToString(CultureInfo.InvariantCulture) : "+";
        if (to is { } upper && StreamIds.Millis(upper) <= 0)
        {
            return new DecisionLogPage([], null);
        }

        var entries = await _db.StreamRangeAsync(_keys.Decisions, start, end, max + 1, Order.Ascending, CommandFlags.PreferReplica).ConfigureAwait(false);
        var count = Math.Min(entries.Length, max);
        var lines = new string[count];
        for (var i = 0; i < count; i++)
        {
            lines[i] = (string)entries[i][LineField]!;
        }

        return new DecisionLogPage(lines, entries.Length > max ? (string)entries[max - 1].Id! : null);
    }

    /// <summary>Stream ids (<c>milliseconds-sequence</c>) as cursors and time bounds.</summary>
    private static class StreamIds
    {
        public static long Millis(DateTimeOffset at) => Math.Max(0, at.ToUnixTimeMilliseconds());

        public static bool IsValid(string id)
        {
            var dash = id.IndexOf('-', StringComparison.Ordinal);
            return dash > 0
                && ulong.TryParse(id.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out _)
                && ulong.TryParse(id.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _);
        }

        /// <summary>Whether the id was appended before <paramref name="millis"/> (a cursor older than a <c>from</c> bound).</summary>
        public static bool Before(string id, long millis) =>
            long.Parse(id.AsSpan(0, id.IndexOf('-', StringComparison.Ordinal)), NumberStyles.None, CultureInfo.InvariantCulture) < millis;
    }
}

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
}

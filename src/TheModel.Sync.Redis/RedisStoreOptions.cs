namespace TheModel.Sync.Redis;

/// <summary>How the Redis state store connects and how long it keeps what it keeps.</summary>
public sealed class RedisStoreOptions
{
    /// <summary>The StackExchange.Redis configuration string, e.g. <c>localhost:6379</c>. Required.</summary>
    /// <remarks><c>abortConnect</c> defaults to false here (unless the string says otherwise), so the worker starts and
    /// reconnects in the background while Redis is down instead of failing on the first connect.</remarks>
    public string Configuration { get; set; } = string.Empty;

    /// <summary>Put in front of every key, so several deployments can share one Redis.</summary>
    /// <value>Defaults to <c>themodel:</c>.</value>
    public string KeyPrefix { get; set; } = "themodel:";

    /// <summary>How long an event's dedupe key is remembered: longer than the senders retry a delivery (24 h).</summary>
    /// <value>Defaults to 48 hours.</value>
    public TimeSpan DedupeTtl { get; set; } = TimeSpan.FromHours(48);

    /// <summary>How long a journaled write plan is kept for replays after a crash.</summary>
    /// <value>Defaults to 3 days.</value>
    public TimeSpan PlanRetention { get; set; } = TimeSpan.FromDays(3);

    /// <summary>
    /// About how many decisions the decision log keeps. Trimming is approximate (whole stream nodes), so a little
    /// more may be kept, never less.
    /// </summary>
    /// <value>Defaults to 1,000,000.</value>
    public long DecisionLogMaxLength { get; set; } = 1_000_000;

    /// <summary>The consumer group the worker instances share on the event stream.</summary>
    /// <value>Defaults to <c>workers</c>.</value>
    public string ConsumerGroup { get; set; } = "workers";

    /// <summary>
    /// How often an empty read asks again while it waits for events. StackExchange.Redis cannot issue a blocking
    /// <c>XREADGROUP</c> on its shared connection, so a waiting read polls at this interval instead.
    /// </summary>
    /// <value>Defaults to 100 milliseconds.</value>
    public TimeSpan EmptyReadPollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    internal RedisStoreOptions Copy() => (RedisStoreOptions)MemberwiseClone();
}

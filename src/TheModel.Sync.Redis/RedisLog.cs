using Microsoft.Extensions.Logging;

namespace TheModel.Sync.Redis;

/// <summary>Every log event of the Redis store, with stable ids (19xx). Event payloads are never parameters (they hold emails).</summary>
internal static partial class RedisLog
{
    [LoggerMessage(1901, LogLevel.Warning, "Consumer group {Group} was missing on {Stream} (Redis lost its data or was flushed); created it again from the start of the stream")]
    public static partial void ConsumerGroupRecreated(ILogger logger, string group, string stream);

    [LoggerMessage(1902, LogLevel.Error, "Queue entry {EntryId} could not be decoded and was moved to the dead letters: {Reason}")]
    public static partial void EntryUndecodable(ILogger logger, string entryId, string reason);
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using StackExchange.Redis;

namespace TheModel.Sync.Redis;

/// <summary>Reading and writing the JSON values the store keeps, and the times hidden in stream entry ids.</summary>
internal static class StoredJson
{
    public static RedisValue Write<T>(T value, JsonTypeInfo<T> type) => JsonSerializer.SerializeToUtf8Bytes(value, type);

    /// <summary>
    /// Reads a stored value; a value that does not parse is a fault worth stopping for (it was written by this code),
    /// so it throws with the key rather than passing as absent.
    /// </summary>
    public static T Read<T>(RedisValue value, JsonTypeInfo<T> type, string what, RedisKey key)
    {
        try
        {
            return JsonSerializer.Deserialize((byte[])value!, type)
                ?? throw new InvalidDataException($"stored {what} under '{key}' is JSON null");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"stored {what} under '{key}' is not valid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>The server time a stream entry was added, from its id (<c>milliseconds-sequence</c>).</summary>
    public static DateTimeOffset EntryTime(string entryId)
    {
        var dash = entryId.IndexOf('-', StringComparison.Ordinal);
        var ms = long.Parse(dash < 0 ? entryId : entryId[..dash], NumberStyles.None, CultureInfo.InvariantCulture);
        return DateTimeOffset.FromUnixTimeMilliseconds(ms);
    }

    public static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Whole milliseconds for a TTL, rounded up so that a positive span never becomes 0 (which Redis refuses).</summary>
    public static long CeilingMilliseconds(TimeSpan span) => (span.Ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond;
}

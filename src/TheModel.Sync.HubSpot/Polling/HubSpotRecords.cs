using System.Globalization;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.HubSpot.Api;

namespace TheModel.Sync.HubSpot.Polling;

/// <summary>Wire objects to <see cref="CrmRecord"/>s: the id and every property as HubSpot sent it (strings or null).</summary>
internal static class HubSpotRecords
{
    /// <summary>
    /// The properties to ask HubSpot for: the schema's read fields without <see cref="CrmSchema.HubSpotDealCompanyField"/>,
    /// which is an association the connector reads itself, not a property.
    /// </summary>
    public static IReadOnlyList<string> PropertiesToRead(CrmSchema schema, CrmObject obj)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return [.. schema.ReadFields(obj).Where(f => f != CrmSchema.HubSpotDealCompanyField)];
    }

    public static CrmRecord ToRecord(HubSpotObject item, string modifiedField) =>
        new(item.Id, new Dictionary<string, string?>(item.Properties, StringComparer.Ordinal), ModifiedAt(item, modifiedField));

    /// <summary>
    /// The record's modification time at millisecond precision (what search filters compare): the property, written
    /// as ISO 8601 or epoch milliseconds, else <c>updatedAt</c>, else the epoch.
    /// </summary>
    public static DateTimeOffset ModifiedAt(HubSpotObject item, string modifiedField)
    {
        ArgumentNullException.ThrowIfNull(item);
        var value = item.Properties.GetValueOrDefault(modifiedField);
        var parsed = ParseTimestamp(value) ?? item.UpdatedAt ?? DateTimeOffset.UnixEpoch;
        return DateTimeOffset.FromUnixTimeMilliseconds(parsed.ToUnixTimeMilliseconds());
    }

    public static DateTimeOffset? ParseTimestamp(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds))
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
            ? parsed
            : null;
    }

    /// <summary>Epoch milliseconds as HubSpot's search filters take them: a string.</summary>
    public static string Milliseconds(DateTimeOffset value) => value.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>ISO 8601 UTC with milliseconds, as HubSpot writes datetimes (<c>2024-05-03T09:00:00.000Z</c>).</summary>
    public static string IsoMilliseconds(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}

using System.Text.Json;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Salesforce.Api;

namespace TheModel.Sync.Salesforce.Polling;

/// <summary>
/// Turns a query record into a <see cref="CrmRecord"/>: <c>attributes</c> dropped, values as invariant strings
/// (numbers as sent, booleans <c>true</c>/<c>false</c>, datetimes as returned), relationship fields flattened to
/// <c>Owner.Name</c>, and ids in their 18-character form.
/// </summary>
internal static class SalesforceRecordReader
{
    private const string AttributesProperty = "attributes";

    /// <summary>The record; with <paramref name="requireModified"/>, one without a readable <paramref name="modifiedField"/> is an error (a poll could not order it).</summary>
    public static CrmRecord Read(JsonElement record, string modifiedField, bool requireModified = false)
    {
        var fields = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        Flatten(record, prefix: null, fields);
        var id = fields.TryGetValue("Id", out var rawId) && rawId is not null
            ? rawId
            : throw new InvalidDataException("Salesforce returned a record without an Id.");
        DateTimeOffset modifiedAt;
        if (fields.TryGetValue(modifiedField, out var modified) && SalesforceDateTime.TryParse(modified, out var at))
        {
            modifiedAt = at;
        }
        else if (requireModified)
        {
            throw new InvalidDataException($"Salesforce returned record {id} without a readable {modifiedField}, was '{modified}'.");
        }
        else
        {
            modifiedAt = DateTimeOffset.UnixEpoch;
        }

        return new CrmRecord(id, fields, modifiedAt);
    }

    private static void Flatten(JsonElement value, string? prefix, Dictionary<string, string?> fields)
    {
        foreach (var property in value.EnumerateObject())
        {
            if (property.NameEquals(AttributesProperty))
            {
                continue;
            }

            var name = prefix is null ? property.Name : prefix + "." + property.Name;
            var field = property.Value;
            switch (field.ValueKind)
            {
                case JsonValueKind.Object:
                    Flatten(field, name, fields);
                    break;
                case JsonValueKind.String:
                    fields[name] = AsId(property.Name, field.GetString()!);
                    break;
                case JsonValueKind.True:
                    fields[name] = "true";
                    break;
                case JsonValueKind.False:
                    fields[name] = "false";
                    break;
                case JsonValueKind.Null or JsonValueKind.Undefined:
                    fields[name] = null;
                    break;
                default:
                    // Numbers keep Salesforce's own invariant text ("50000.0"); arrays stay JSON.
                    fields[name] = field.GetRawText();
                    break;
            }
        }
    }

    /// <summary>REST returns 18-character ids; a 15-character one in an id field is widened so ids always compare alike.</summary>
    private static string AsId(string field, string value) =>
        value.Length == 15 && field.EndsWith("Id", StringComparison.Ordinal) && SalesforceIds.TryCanonical(value, out var id)
            ? id
            : value;
}

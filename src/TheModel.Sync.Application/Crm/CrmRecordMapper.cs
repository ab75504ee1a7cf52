using System.Globalization;
using TheModel.Sync.Application.Input;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Application.Crm;

/// <summary>
/// Turns CRM records into canonical records through a <see cref="CrmSchema"/> and the config's stage mapping,
/// with the same checks as input files (a value that does not fit its canonical field is an error naming both).
/// </summary>
public static class CrmRecordMapper
{
    private static readonly HashSet<string> NumberFields = new(StringComparer.Ordinal) { "employees", "annual_revenue", "touches", "amount" };

    private static readonly HashSet<string> BoolFields = new(StringComparer.Ordinal) { "is_closed", "is_won" };

    /// <summary>
    /// The person a CRM record describes (with <paramref name="ownerSetBy"/> and, when the CRM has none, <paramref name="ownerSetAt"/>
    /// from what the worker remembers). <paramref name="unmatchedStage"/> is set when the record's stage fields
    /// match no mapped stage (section 3: the person is <c>new</c> and the caller logs the values once).
    /// </summary>
    public static bool TryPerson(
        CrmRecord record,
        CrmSchema schema,
        CrmMapping? mapping,
        out Person? person,
        out string? error,
        out string? unmatchedStage,
        string? ownerSetBy = null,
        DateTimeOffset? ownerSetAt = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(schema);
        var values = new List<KeyValuePair<string, RawValue>>(schema.PersonFields.Count + 3)
        {
            new("id", RawValue.OfString(record.Id)),
            new("crm", RawValue.OfString(schema.Crm == CrmKind.Salesforce ? "salesforce" : "hubspot")),
        };
        Collect(record, schema.PersonFields, values, skipStage: true);
        if (ownerSetBy is not null)
        {
            values.Add(new("owner_set_by", RawValue.OfString(ownerSetBy)));
        }

        if (ownerSetAt is { } setAt && !values.Exists(v => v.Key == "owner_set_at"))
        {
            values.Add(new("owner_set_at", RawValue.OfString(Timestamps.Format(setAt))));
        }

        unmatchedStage = null;
        if (mapping is not null && mapping.Stages.Count > 0)
        {
            var stage = mapping.ReadStage(field => record[field]);
            if (stage is { } s)
            {
                values.Add(new("stage", RawValue.OfString(s.Name())));
            }
            else
            {
                unmatchedStage = string.Join(", ", schema.StageFields.Select(f => $"{f}={record[f] ?? "(empty)"}"));
            }
        }

        var ok = RecordBuilders.TryPerson(values, out person, out error);
        if (!ok)
        {
            error = $"{schema.PersonObjectName} {record.Id}: {error}";
        }

        return ok;
    }

    public static bool TryAccount(CrmRecord record, CrmSchema schema, out Account? account, out string? error)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(schema);
        var values = new List<KeyValuePair<string, RawValue>>(schema.AccountFields.Count + 1) { new("id", RawValue.OfString(record.Id)) };
        Collect(record, schema.AccountFields, values, skipStage: false);
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i].Key == "type")
            {
                var type = AccountType(values[i].Value.Text, record["lifecyclestage"]);
                values[i] = new("type", type is null ? RawValue.Null : RawValue.OfString(type));
            }
        }

        var ok = RecordBuilders.TryAccount(values, out account, out error);
        if (!ok)
        {
            error = $"{schema.ObjectName(CrmObject.Account)} {record.Id}: {error}";
        }

        return ok;
    }

    public static bool TryOpportunity(CrmRecord record, CrmSchema schema, out Opportunity? opportunity, out string? error)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(schema);
        var values = new List<KeyValuePair<string, RawValue>>(schema.OpportunityFields.Count + 1) { new("id", RawValue.OfString(record.Id)) };
        Collect(record, schema.OpportunityFields, values, skipStage: false);
        var ok = RecordBuilders.TryOpportunity(values, out opportunity, out error);
        if (!ok)
        {
            error = $"{schema.ObjectName(CrmObject.Opportunity)} {record.Id}: {error}";
        }

        return ok;
    }

    /// <summary>
    /// The canonical account type for a CRM's value: Salesforce's Account <c>Type</c> picklist ("Customer - Direct",
    /// "Channel Partner / Reseller", ...) or HubSpot's company <c>type</c> with <c>lifecyclestage</c>.
    /// </summary>
    public static string? AccountType(string? crmType, string? lifecycleStage = null)
    {
        if (string.Equals(lifecycleStage, "customer", StringComparison.OrdinalIgnoreCase))
        {
            return "customer";
        }

        if (string.IsNullOrWhiteSpace(crmType))
        {
            return null;
        }

        var t = crmType.ToLowerInvariant();
        return t.Contains("former", StringComparison.Ordinal) ? "former_customer"
            : t.Contains("customer", StringComparison.Ordinal) ? "customer"
            : t.Contains("partner", StringComparison.Ordinal) || t.Contains("reseller", StringComparison.Ordinal) ? "partner"
            : t.Contains("prospect", StringComparison.Ordinal) ? "prospect"
            : null;
    }

    /// <summary>
    /// A CRM date-time as an instant: Salesforce writes offsets without a colon (<c>+0000</c>), HubSpot ISO or epoch
    /// milliseconds. Null when the text is none of these.
    /// </summary>
    public static DateTimeOffset? ParseTime(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (text.Length is >= 10 and <= 14 && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }

        return DateTimeOffset.TryParse(NormalizeOffset(text), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t
            : null;
    }

    private static string NormalizeOffset(string text)
    {
        // "2013-05-20T20:49:32.000+0000" -> "...+00:00"
        var n = text.Length;
        if (n > 5 && (text[n - 5] == '+' || text[n - 5] == '-') && char.IsAsciiDigit(text[n - 1]) && text[n - 3] != ':'
            && text.IndexOf('T', StringComparison.Ordinal) > 0)
        {
            return string.Concat(text.AsSpan(0, n - 2), ":", text.AsSpan(n - 2));
        }

        return text;
    }

    private static void Collect(CrmRecord record, IReadOnlyDictionary<string, string> map, List<KeyValuePair<string, RawValue>> values, bool skipStage)
    {
        foreach (var (canonical, field) in map)
        {
            if (canonical == "id" || (skipStage && canonical == "stage"))
            {
                continue;
            }

            var text = record[field];
            if (string.IsNullOrEmpty(text))
            {
                continue;
            }

            values.Add(new(canonical, Raw(canonical, text)));
        }
    }

    private static RawValue Raw(string canonical, string text)
    {
        if (NumberFields.Contains(canonical)
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
        {
            return RawValue.OfNumber(n, text);
        }

        if (BoolFields.Contains(canonical) && bool.TryParse(text, out var b))
        {
            return RawValue.OfBool(b);
        }

        if (canonical.EndsWith("_at", StringComparison.Ordinal) && ParseTime(text) is { } t)
        {
            return RawValue.OfString(Timestamps.Format(t));
        }

        return RawValue.OfString(text);
    }
}

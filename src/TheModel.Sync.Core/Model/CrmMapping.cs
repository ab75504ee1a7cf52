using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Core.Model;

public enum CrmKind : byte
{
    Salesforce,
    HubSpot,
}

/// <summary>How one CRM's records map onto canonical records (section 3's <c>crm:</c>).</summary>
public sealed class CrmMapping
{
    public required CrmKind Crm { get; init; }

    /// <summary>Salesforce only: <c>Lead</c> or <c>Contact</c>.</summary>
    public string? PersonObject { get; init; }

    /// <summary>Each mapped canonical stage and the field values that represent it, in the order listed.</summary>
    public IReadOnlyList<(Stage Stage, IReadOnlyList<KeyValuePair<string, string>> Values)> Stages { get; init; } = [];

    /// <summary>Canonical field path to CRM field name (extends the connector's defaults).</summary>
    public IReadOnlyDictionary<string, string> Fields { get; init; } = new Dictionary<string, string>();

    public bool CanWrite(Stage stage) => Stages.Any(s => s.Stage == stage);

    /// <summary>
    /// Section 3: the stage whose values all match, preferring the most specific mapping, then the order listed.
    /// Null when none matches (the caller treats the record as <c>new</c> and logs the value once).
    /// </summary>
    public Stage? ReadStage(Func<string, string?> fieldValue)
    {
        Stage? best = null;
        var bestCount = -1;
        foreach (var (stage, values) in Stages)
        {
            if (values.Count <= bestCount)
            {
                continue;
            }

            var all = true;
            foreach (var (field, expected) in values)
            {
                if (!string.Equals(fieldValue(field), expected, StringComparison.OrdinalIgnoreCase))
                {
                    all = false;
                    break;
                }
            }

            if (all)
            {
                best = stage;
                bestCount = values.Count;
            }
        }

        return best;
    }
}

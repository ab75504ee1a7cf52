using TheModel.Sync.Config.Yaml;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Config.Compilation;

/// <summary>
/// <c>crm: { salesforce: {...}, hubspot: {...} }</c> (section 3): stage mappings, field mappings and holding queues.
/// Queues of both CRMs merge by key into one <see cref="OwnerQueue"/>.
/// </summary>
internal static class CrmCompiler
{
    private static readonly string[] PersonObjects = ["Lead", "Contact"];

    public static List<CrmMapping> Compile(CompileContext context, YamlNode? section)
    {
        var result = new List<CrmMapping>();
        var queues = new List<QueueDraft>();
        if (section is not null && context.Mapping(section) is { } crm)
        {
            context.CheckKeys(crm, KnownKeys.Crm, "crm");
            if (CompileContext.Get(crm, "salesforce") is { } salesforce)
            {
                CompileOne(context, salesforce, CrmKind.Salesforce, queues, result);
            }

            if (CompileContext.Get(crm, "hubspot") is { } hubspot)
            {
                CompileOne(context, hubspot, CrmKind.HubSpot, queues, result);
            }
        }

        foreach (var draft in queues)
        {
            var queue = new OwnerQueue { Key = draft.Key, SalesforceId = draft.SalesforceId, HubSpotId = draft.HubSpotId };
            context.Queues.Declare(context, draft.At, draft.Key, queue);
        }

        return result;
    }

    private static void CompileOne(CompileContext context, YamlNode node, CrmKind kind, List<QueueDraft> queues, List<CrmMapping> result)
    {
        var name = kind == CrmKind.Salesforce ? "salesforce" : "hubspot";
        if (context.Mapping(node) is not { } mapping)
        {
            return;
        }

        context.CheckKeys(mapping, kind == CrmKind.Salesforce ? KnownKeys.CrmSalesforce : KnownKeys.CrmHubSpot, $"crm.{name}");

        string? personObject = null;
        if (kind == CrmKind.Salesforce)
        {
            // Lead is Salesforce's own default object for people who are not yet customers.
            personObject = "Lead";
            if (CompileContext.Get(mapping, "person_object") is { } objectNode)
            {
                var index = context.Choice(objectNode, "person_object", PersonObjects);
                personObject = index >= 0 ? PersonObjects[index] : personObject;
            }
        }

        var stages = new List<(Stage, IReadOnlyList<KeyValuePair<string, string>>)>();
        if (CompileContext.Get(mapping, "stages") is { } stagesNode)
        {
            if (ReadStages(context, stagesNode, name, stages))
            {
                context.CrmStages.Add((name, StageSet.Of(stages.Select(s => s.Item1))));
            }
        }
        else
        {
            // Allowed, so that a config for simulate can define this CRM's queues alone; but connected live, every record
            // the CRM sends would read as stage new: a warning says so. The write checks (TM0044) see no stage for it.
            context.Diagnostics.AddWarning(mapping, ErrorCodes.MissingKey,
                $"crm.{name} has no 'stages': every record {name} sends would read as stage new, and no stage can be written to it; map the stages before connecting it");
            context.CrmStages.Add((name, default));
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (CompileContext.Get(mapping, "fields") is { } fieldsNode)
        {
            ReadFields(context, fieldsNode, name, fields);
        }

        if (CompileContext.Get(mapping, "queues") is { } queuesNode)
        {
            ReadQueues(context, queuesNode, kind, name, queues);
        }

        result.Add(new CrmMapping { Crm = kind, PersonObject = personObject, Stages = stages, Fields = fields });
    }

    private static bool ReadStages(
        CompileContext context, YamlNode node, string crm, List<(Stage, IReadOnlyList<KeyValuePair<string, string>>)> stages)
    {
        if (context.Mapping(node) is not { } mapping)
        {
            return false;
        }

        foreach (var (key, value) in mapping.Entries)
        {
            if (context.IsMergeKey(key, $"crm.{crm}.stages"))
            {
                continue;
            }

            var known = Stages.TryParse(key.Text, out var stage) && Stages.AllNames.Contains(key.Text, StringComparer.Ordinal);
            if (!known)
            {
                context.Error(key, ErrorCodes.UnknownStage, $"unknown stage '{key.Text}'{Suggestions.Hint(key.Text, Stages.AllNames)}");
            }

            if (context.Mapping(value) is not { } values)
            {
                continue;
            }

            if (values.Entries.Count == 0)
            {
                // An empty mapping would match every record, so it could never mean one stage.
                context.Error(value, ErrorCodes.WrongShape, $"expected a mapping of CRM fields to values for stage '{key.Text}', got an empty mapping");
                continue;
            }

            var pairs = new List<KeyValuePair<string, string>>();
            foreach (var (field, fieldValue) in values.Entries)
            {
                if (context.IsMergeKey(field, $"crm.{crm}.stages.{key.Text}"))
                {
                    continue;
                }

                if (fieldValue is YamlScalar { IsNull: false } scalar)
                {
                    pairs.Add(new(field.Text, scalar.Text));
                }
                else
                {
                    context.Error(fieldValue, ErrorCodes.WrongShape, $"expected a string, got {CompileContext.Describe(fieldValue)}");
                }
            }

            if (known)
            {
                // Reading takes the first of equally specific matches (section 3), comparing values without case: a
                // stage mapped to the same values as one listed before it is written, then read back as the other.
                foreach (var (earlier, earlierPairs) in stages)
                {
                    if (earlierPairs.Count == pairs.Count && earlierPairs.All(e => pairs.Any(p =>
                            string.Equals(p.Key, e.Key, StringComparison.OrdinalIgnoreCase) && string.Equals(p.Value, e.Value, StringComparison.OrdinalIgnoreCase))))
                    {
                        context.Diagnostics.AddWarning(value, ErrorCodes.ShadowedStageMapping,
                            $"stage '{key.Text}' maps to the same values as '{earlier.Name()}' in crm.{crm}.stages: a record written as {key.Text} reads back as {earlier.Name()}; add a field that tells them apart");
                        break;
                    }
                }

                stages.Add((stage, pairs));
            }
        }

        return true;
    }

    private static void ReadFields(CompileContext context, YamlNode node, string crm, Dictionary<string, string> fields)
    {
        if (context.Mapping(node) is not { } mapping)
        {
            return;
        }

        foreach (var (key, value) in mapping.Entries)
        {
            if (context.IsMergeKey(key, $"crm.{crm}.fields"))
            {
                continue;
            }

            if (!CanonicalFields.TryResolve(key.Text, out _))
            {
                context.Error(key, ErrorCodes.UnknownField, FieldNames.Unknown(key.Text));
            }

            if (context.Text(value) is { } crmField)
            {
                fields[key.Text] = crmField;
            }
        }
    }

    private static void ReadQueues(CompileContext context, YamlNode node, CrmKind kind, string crm, List<QueueDraft> queues)
    {
        if (context.Mapping(node) is not { } mapping)
        {
            return;
        }

        foreach (var (key, value) in mapping.Entries)
        {
            if (context.IsMergeKey(key, $"crm.{crm}.queues"))
            {
                continue;
            }

            var id = context.Id(key) ?? key.Text;
            if (id == "external")
            {
                context.Error(key, ErrorCodes.IdClash, "queue key 'external' is reserved: it names owners that are neither a member nor a queue");
            }

            var draft = queues.Find(q => q.Key == id);
            if (draft is null)
            {
                draft = new QueueDraft(id, key);
                queues.Add(draft);
            }

            if (kind == CrmKind.Salesforce)
            {
                if (TeamCompiler.SalesforceId(context, value) is { } sf)
                {
                    draft.SalesforceId = sf;
                    context.SalesforceIds.Declare(context, value, sf, draft);
                }
            }
            else if (TeamCompiler.HubSpotId(context, value) is { } hs)
            {
                draft.HubSpotId = hs;
                context.HubSpotIds.Declare(context, value, hs, draft);
            }
        }
    }

    private sealed class QueueDraft(string key, YamlNode at)
    {
        public string Key { get; } = key;

        public YamlNode At { get; } = at;

        public string? SalesforceId { get; set; }

        public string? HubSpotId { get; set; }
    }
}

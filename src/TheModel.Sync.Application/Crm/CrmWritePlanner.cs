using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Application.Crm;

/// <summary>What one decision asks of one CRM: at most one update of the person record, and the tasks to create.</summary>
public sealed record PersonWrite(RecordUpdate? Update, IReadOnlyList<TaskCreate> Tasks, IReadOnlyList<string> Skipped)
{
    public bool IsEmpty => Update is null && Tasks.Count == 0;
}

/// <summary>
/// Plans the CRM writes for a decision (section 14's effects): the owner (as the member's or queue's CRM id),
/// the stage (as the mapped field values), the recycle fields and <c>set:</c> fields, and the tasks. A change
/// the CRM cannot take (a stage without a mapping, a member without an id in that CRM) is skipped and named.
/// </summary>
public static class CrmWritePlanner
{
    /// <param name="decision">The decision.</param>
    /// <param name="before">The person as evaluated (its stage and owner are the "before").</param>
    /// <param name="schema">Field names for the CRM.</param>
    /// <param name="mapping">The config's mapping for the CRM (stage values), or null when the config has none.</param>
    /// <param name="personRecordId">The person's id in the CRM.</param>
    /// <param name="known">The person record's current CRM values, when read: unchanged fields are then not sent.</param>
    /// <param name="idempotencyBase">What makes the writes of this decision unique (the event or sweep item id):
    /// replaying it produces the same task keys, so no second task is created.</param>
    public static PersonWrite Plan(
        Decision decision,
        Person before,
        CrmSchema schema,
        CrmMapping? mapping,
        string personRecordId,
        IReadOnlyDictionary<string, string?>? known,
        string idempotencyBase,
        DateTimeOffset? stageChangeDatedAt = null)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(schema);
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        var skipped = new List<string>();

        if (decision.Outcome == DecisionOutcome.Assigned)
        {
            var crmId = CrmId(decision.Owner, schema.Crm);
            if (crmId is null)
            {
                skipped.Add($"owner {decision.Owner}: no {CrmName(schema.Crm)} id in the config");
            }
            else
            {
                fields[schema.OwnerField] = crmId;
                Put(fields, schema, "owner_set_at", decision.OwnerSetAt is { } t ? FormatTime(t) : null);
            }
        }

        var stageBefore = before.Stage ?? Stage.New;
        if (decision.Stage != stageBefore)
        {
            var values = mapping?.Stages.FirstOrDefault(s => s.Stage == decision.Stage).Values;
            if (values is null || values.Count == 0)
            {
                skipped.Add($"stage {decision.Stage.Name()}: not mapped for {CrmName(schema.Crm)}");
            }
            else
            {
                foreach (var (field, value) in values)
                {
                    fields[field] = value;
                }

                Put(fields, schema, "stage_entered_at", decision.StageEnteredAt is { } entered ? FormatTime(entered) : null);
            }
        }
        else if (stageChangeDatedAt is { } dated && decision.StageEnteredAt == dated)
        {
            // A stage a human set in the CRM, dated by the worker: the CRM keeps the date too.
            Put(fields, schema, "stage_entered_at", FormatTime(dated));
        }

        foreach (var action in decision.Actions)
        {
            if (action.Type != ActionType.Set || action.Field is null or "stage")
            {
                continue;
            }

            var field = action.Field.StartsWith("fields.", StringComparison.Ordinal)
                ? schema.PersonFields.GetValueOrDefault(action.Field) ?? CrmSchema.CustomFieldName(schema.Crm, action.Field[7..])
                : schema.PersonFields.GetValueOrDefault(action.Field);
            if (field is null)
            {
                skipped.Add($"{action.Field}: no {CrmName(schema.Crm)} field mapped");
                continue;
            }

            fields[field] = Format(action.Value);
        }

        var tasks = new List<TaskCreate>();
        var taskIndex = 0;
        foreach (var action in decision.Actions)
        {
            if (action.Type != ActionType.Task)
            {
                continue;
            }

            var taskOwner = ResolveTaskOwner(decision, action.Owner);
            if (taskOwner.Kind == OwnerKind.Queue && schema.Crm == CrmKind.Salesforce)
            {
                skipped.Add($"task '{action.Subject}': owner {taskOwner.Name} is a queue; Salesforce tasks are owned by users");
                continue;
            }

            // CRMs refuse inactive users as owners; the task would only be dead-lettered.
            if (taskOwner.Member is { Active: false } inactive)
            {
                skipped.Add($"task '{action.Subject}': owner {inactive.Id} is inactive");
                continue;
            }

            var owner = CrmId(taskOwner, schema.Crm);
            if (owner is null)
            {
                skipped.Add($"task '{action.Subject}': owner {action.Owner} has no {CrmName(schema.Crm)} id");
                continue;
            }

            tasks.Add(new TaskCreate(
                TaskKey(idempotencyBase, personRecordId, action.Rule, taskIndex++),
                personRecordId,
                SameCrmAccount(decision.Account?.Id, schema.Crm),
                null,
                owner,
                action.Subject ?? action.Rule,
                action.Due ?? decision.At));
        }

        var update = fields.Count == 0
            ? null
            : new RecordUpdate(UpdateKey(idempotencyBase, personRecordId), CrmObject.Person, personRecordId, fields, known);
        return new PersonWrite(update, tasks, skipped);
    }

    /// <summary>
    /// The task idempotency key: short (Salesforce external ids and HubSpot unique values are text), stable for a
    /// replay of the same decision basis, different for different people, rules and tasks.
    /// </summary>
    public static string TaskKey(string idempotencyBase, string personRecordId, string rule, int index)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{idempotencyBase}\n{personRecordId}\n{rule}\n{index}"), hash);
        return "tm-" + Convert.ToHexStringLower(hash[..12]);
    }

    /// <summary>
    /// The matched account's id when it is a record of this CRM (the account index holds both CRMs' accounts, and a
    /// HubSpot task cannot be associated with a Salesforce Account): HubSpot ids are numeric, Salesforce ids are not.
    /// </summary>
    private static string? SameCrmAccount(string? accountId, CrmKind crm) =>
        accountId is null ? null
        : crm == CrmKind.HubSpot ? (accountId.All(char.IsAsciiDigit) ? accountId : null)
        : SalesforceIds.LooksLikeId(accountId) && !accountId.All(char.IsAsciiDigit) ? accountId : null;

    private static string UpdateKey(string idempotencyBase, string personRecordId) => $"{idempotencyBase}/{personRecordId}";

    private static OwnerRef ResolveTaskOwner(Decision decision, string? owner) =>
        owner is null ? decision.Owner
        : decision.Owner.Name == owner ? decision.Owner
        : decision.Owner.Member?.Team.Members.FirstOrDefault(m => m.Id == owner) is { } m ? OwnerRef.ForMember(m)
        : decision.OwnerBefore.Name == owner ? decision.OwnerBefore
        : OwnerRef.None;

    private static string? CrmId(OwnerRef owner, CrmKind crm) => owner.Kind switch
    {
        OwnerKind.Member => crm == CrmKind.Salesforce ? owner.Member!.SalesforceId : owner.Member!.HubSpotId,
        OwnerKind.Queue => crm == CrmKind.Salesforce ? owner.Queue!.SalesforceId : owner.Queue!.HubSpotId,
        _ => null,
    };

    private static void Put(Dictionary<string, string?> fields, CrmSchema schema, string canonical, string? value)
    {
        if (schema.PersonFields.TryGetValue(canonical, out var field))
        {
            fields[field] = value;
        }
    }

    private static string CrmName(CrmKind crm) => crm == CrmKind.Salesforce ? "Salesforce" : "HubSpot";

    /// <summary>A canonical value as CRM text: numbers invariant, booleans lower case, instants ISO 8601 UTC with milliseconds.</summary>
    public static string? Format(in Value value) => value.Kind switch
    {
        ValueKind.Missing => null,
        ValueKind.String => value.AsString,
        ValueKind.Number => value.AsNumber.ToString("0.##########", CultureInfo.InvariantCulture),
        ValueKind.Bool => value.AsBool ? "true" : "false",
        ValueKind.Time => FormatTime(value.AsTime),
        ValueKind.List => string.Join(';', value.AsList),
        _ => null,
    };

    public static string FormatTime(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}

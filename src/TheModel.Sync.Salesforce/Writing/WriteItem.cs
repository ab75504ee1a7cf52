using System.Globalization;
using System.Text.Json.Nodes;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Salesforce.Api;

namespace TheModel.Sync.Salesforce.Writing;

internal enum WriteKind : byte
{
    /// <summary>sObject Collections update by <c>Id</c>.</summary>
    Update,

    /// <summary>sObject Collections upsert of a Task by its idempotency key.</summary>
    TaskUpsert,
}

/// <summary>One plan item that needs a call: what to send, and where its outcome goes.</summary>
internal sealed class WriteItem
{
    public const string TaskObject = "Task";
    public const string ContactObject = "Contact";

    private WriteItem(int index, string key, WriteKind kind, string sObject, string identity, IReadOnlyList<KeyValuePair<string, string?>> fields)
    {
        Index = index;
        Key = key;
        Kind = kind;
        SObject = sObject;
        Identity = identity;
        Fields = fields;
    }

    /// <summary>Position in the plan (updates first, then tasks): where the outcome goes.</summary>
    public int Index { get; }

    public string Key { get; }

    public WriteKind Kind { get; }

    public string SObject { get; }

    /// <summary>The 18-character record id for updates, the idempotency key for tasks: never twice in one collection.</summary>
    public string Identity { get; }

    public IReadOnlyList<KeyValuePair<string, string?>> Fields { get; }

    /// <summary>The last transient error, reported if the attempts run out.</summary>
    public string? LastError { get; set; }

    /// <summary>
    /// The fields of <paramref name="update"/> that differ from what the caller knows the record holds; when none do,
    /// the outcome is <see cref="WriteStatus.Unchanged"/> and no call is needed.
    /// </summary>
    public static (WriteItem? Item, WriteOutcome? Outcome) ForUpdate(int index, RecordUpdate update, CrmSchema schema)
    {
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(schema);
        if (!SalesforceIds.TryCanonical(update.RecordId, out var id))
        {
            return (null, new WriteOutcome(update.Key, WriteStatus.Rejected, $"MALFORMED_ID: '{update.RecordId}' is not a 15- or 18-character Salesforce id"));
        }

        var fields = new List<KeyValuePair<string, string?>>(update.Fields.Count);
        foreach (var (field, wanted) in update.Fields)
        {
            if (update.Known is not null && update.Known.TryGetValue(field, out var known) && SameValue(known, wanted))
            {
                continue;
            }

            fields.Add(new(field, wanted));
        }

        return fields.Count == 0
            ? (null, new WriteOutcome(update.Key, WriteStatus.Unchanged))
            : (new WriteItem(index, update.Key, WriteKind.Update, schema.ObjectName(update.Object), id, fields), null);
    }

    /// <summary>
    /// The Task to upsert by <see cref="CrmSchema.TaskKeyField"/>. <c>WhatId</c> (the opportunity) is set only when
    /// persons are Contacts: a Task whose <c>WhoId</c> is a Lead may not have one (facts S-9).
    /// </summary>
    public static (WriteItem? Item, WriteOutcome? Outcome) ForTask(int index, TaskCreate task, CrmSchema schema)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(schema);
        if (string.IsNullOrWhiteSpace(task.Key))
        {
            return (null, new WriteOutcome(task.Key ?? string.Empty, WriteStatus.Rejected, "MISSING_KEY: a task needs an idempotency key"));
        }

        var fields = new List<KeyValuePair<string, string?>>(9) { new("WhoId", task.PersonId) };
        if (schema.PersonObjectName == ContactObject && !string.IsNullOrEmpty(task.OpportunityId))
        {
            fields.Add(new("WhatId", task.OpportunityId));
        }

        fields.Add(new("OwnerId", task.OwnerId));
        fields.Add(new("Subject", task.Subject));

        // The due day as the caller sees it (in Due's own offset): ActivityDate is a date, not shifted for time zones.
        fields.Add(new("ActivityDate", task.Due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        fields.Add(new("Status", "Not Started"));
        fields.Add(new("Priority", "Normal"));
        fields.Add(new(schema.TaskKeyField, task.Key));
        return (new WriteItem(index, task.Key, WriteKind.TaskUpsert, TaskObject, task.Key, fields), null);
    }

    /// <summary>
    /// Whether a known value already is the wanted one: ids by their 18-character form, datetimes as instants,
    /// anything else ordinally. Empty and null are the same (Salesforce stores an empty text field as null).
    /// </summary>
    public static bool SameValue(string? known, string? wanted)
    {
        if (string.IsNullOrEmpty(known) || string.IsNullOrEmpty(wanted))
        {
            return string.IsNullOrEmpty(known) && string.IsNullOrEmpty(wanted);
        }

        if (string.Equals(known, wanted, StringComparison.Ordinal))
        {
            return true;
        }

        if (SalesforceIds.TryCanonical(known, out var knownId) && SalesforceIds.TryCanonical(wanted, out var wantedId))
        {
            return string.Equals(knownId, wantedId, StringComparison.Ordinal);
        }

        return SalesforceDateTime.TryParse(known, out var knownAt)
            && SalesforceDateTime.TryParse(wanted, out var wantedAt)
            && knownAt == wantedAt;
    }

    /// <summary>The record as a collection element: <c>attributes.type</c>, then <c>Id</c> (updates), then the fields.</summary>
    public JsonObject ToJson()
    {
        var record = new JsonObject { ["attributes"] = new JsonObject { ["type"] = SObject } };
        if (Kind == WriteKind.Update)
        {
            record["Id"] = Identity;
        }

        foreach (var (field, value) in Fields)
        {
            record[field] = value;
        }

        return record;
    }
}

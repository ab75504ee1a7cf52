using System.Text.Json.Nodes;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Simulators.Faults;
using TheModel.Sync.Simulators.Salesforce.Soql;

namespace TheModel.Sync.Simulators.Salesforce;

/// <summary>One stored record. Its field map is replaced, never edited in place, so undo can restore the old map.</summary>
internal sealed class SObjectRecord(ObjectDef type, string id, Dictionary<string, object?> fields)
{
    public ObjectDef Type { get; } = type;

    public string Id { get; } = id;

    public Dictionary<string, object?> Fields { get; set; } = fields;

    public bool IsDeleted => Fields.GetValueOrDefault("IsDeleted") is true;
}

/// <summary>A record body from a request, its values already typed. <see cref="Id"/> is the raw <c>Id</c>/<c>id</c> when one was sent.</summary>
internal sealed record ParsedRecord(Dictionary<string, object?> Values, IReadOnlyList<string> UnknownFields, string? Id, bool HasId);

/// <summary>Who writes and how: the <c>Sforce-Auto-Assign</c> value in force, the acting user, API or UI.</summary>
internal sealed record WriteContext(string? AutoAssignHeader, string UserId, bool FromApi, FaultPlan? Faults);

/// <summary>
/// The simulated org's data: records of every sObject, ids, the external-id index and the write rules (validation,
/// defaults, derived fields, assignment rules, timestamps). Not thread-safe: every caller holds <see cref="Gate"/>.
/// Writes made inside <see cref="Begin"/>/<see cref="Commit"/> are journaled so allOrNone can roll them back.
/// </summary>
internal sealed class SalesforceOrg
{
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private readonly TimeProvider _time;
    private readonly Dictionary<string, ObjectDef> _objects;
    private readonly Dictionary<string, SObjectRecord> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<SObjectRecord>> _byType = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, string>> _externalIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _idCounters = new(StringComparer.Ordinal);
    private readonly List<AutoAssignObservation> _assignments = [];
    private readonly string? _adminUserId;

    // The Outbound Message option: whether the integration's own API writes reach RecordChanged too.
    private readonly bool _notifyApiWrites;
    private List<JournalEntry>? _journal;

    public SalesforceOrg(SalesforceSimulatorOptions options, Action<SObjectRecord> recordChanged)
    {
        _time = options.TimeProvider;
        _notifyApiWrites = options.OutboundOnApiWrites;
        _objects = SObjectSchema.Build(options.CustomFields);
        RecordChanged = recordChanged;
        OrganizationId = options.OrganizationId is null ? NewId("00D") : SalesforceIds.To18(options.OrganizationId[..15]);
        AssignmentRuleOwnerId = options.AssignmentRuleOwnerId is null ? null : SalesforceIds.To18(options.AssignmentRuleOwnerId[..15]);
        IntegrationUserId = Insert(SObjectSchema.User, new Dictionary<string, object?>
        {
            ["FirstName"] = "Integration",
            ["LastName"] = "User",
            ["Username"] = options.Username,
            ["Email"] = options.Username,
        });
        _adminUserId = Insert(SObjectSchema.User, new Dictionary<string, object?>
        {
            ["FirstName"] = "Admin",
            ["LastName"] = "User",
            ["Username"] = "admin@" + OrganizationId.ToLowerInvariant() + ".example",
            ["Email"] = "admin@themodel.example",
        });
    }

    public Lock Gate { get; } = new();

    public string OrganizationId { get; }

    /// <summary>The user the API acts as (JWT <c>sub</c>, client-credentials "Run As").</summary>
    public string IntegrationUserId { get; }

    /// <summary>The user behind seeded records and "UI" edits, so the integration can tell its own writes from people's.</summary>
    public string AdminUserId => _adminUserId!;

    public string? AssignmentRuleOwnerId { get; set; }

    public IReadOnlyList<AutoAssignObservation> Assignments => _assignments;

    /// <summary>Called (after commit) for every create, update and delete of a record.</summary>
    private Action<SObjectRecord> RecordChanged { get; }

    public ObjectDef? FindObject(string name) => _objects.GetValueOrDefault(name);

    public ObjectDef RequireObject(string name) => FindObject(name)
        ?? throw new ArgumentException($"Unknown sObject '{name}'; the simulator has {string.Join(", ", _objects.Keys)}.", nameof(name));

    /// <summary>The record with this 15- or 18-character id (deleted ones included), or null.</summary>
    public SObjectRecord? Find(string? id) =>
        SalesforceIds.TryCanonical(id, out var canonical) ? _byId.GetValueOrDefault(canonical) : null;

    public IEnumerable<SObjectRecord> Records(ObjectDef type) =>
        _byType.TryGetValue(type.Name, out var list) ? list : [];

    public DateTimeOffset Now() => SalesforceValues.TruncateToSeconds(_time.GetUtcNow());

    // ---- transactions ----

    public void Begin()
    {
        if (_journal is not null)
        {
            throw new InvalidOperationException("A transaction is already open.");
        }

        _journal = [];
    }

    public int Savepoint() => _journal?.Count ?? throw new InvalidOperationException("No transaction is open.");

    public void RollbackTo(int savepoint)
    {
        var journal = _journal ?? throw new InvalidOperationException("No transaction is open.");
        for (var i = journal.Count - 1; i >= savepoint; i--)
        {
            journal[i].Undo?.Invoke();
            journal.RemoveAt(i);
        }
    }

    public void Commit()
    {
        var journal = _journal ?? throw new InvalidOperationException("No transaction is open.");
        _journal = null;
        foreach (var entry in journal)
        {
            entry.Effect?.Invoke();
        }
    }

    public void Rollback()
    {
        RollbackTo(0);
        _journal = null;
    }

    // ---- request bodies ----

    /// <summary>Types a JSON record body for <paramref name="type"/>; <c>attributes</c> is skipped.</summary>
    /// <exception cref="RestException">JSON_PARSER_ERROR when a value does not fit its field.</exception>
    public static ParsedRecord Parse(ObjectDef type, JsonObject body)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        var unknown = new List<string>();
        string? id = null;
        var hasId = false;
        foreach (var (name, node) in body)
        {
            if (name == "attributes")
            {
                continue;
            }

            var field = type.Find(name);
            if (field is null)
            {
                unknown.Add(name);
            }
            else if (field.Type == SalesforceFieldType.Id)
            {
                hasId = true;
                id = SalesforceValues.FromJson(field, node) as string;
            }
            else
            {
                values[field.Name] = SalesforceValues.FromJson(field, node);
            }
        }

        return new ParsedRecord(values, unknown, id, hasId);
    }

    // ---- API writes ----

    public SaveResult Create(ObjectDef type, ParsedRecord record, WriteContext context)
    {
        if (record.HasId)
        {
            return SaveResult.Fail(null, "INVALID_FIELD_FOR_INSERT_UPDATE", "Record ID: cannot specify Id in an insert call", "Id");
        }

        if (FieldErrors(type, record, creating: true) is { } fieldError)
        {
            return fieldError;
        }

        var fields = Defaults(type, context.UserId);
        foreach (var (name, value) in record.Values)
        {
            fields[name] = value;
        }

        if (ValidateValues(type, null, fields) is { } invalid)
        {
            return invalid;
        }

        if (DrawLockRow(context, ParentOf(fields) ?? context.UserId) is { } locked)
        {
            return locked;
        }

        var sentOwner = fields.GetValueOrDefault("OwnerId") as string;
        ApplyAssignmentRule(type, fields, context);
        var now = Now();
        fields["CreatedDate"] = now;
        fields["CreatedById"] = context.UserId;
        Stamp(fields, now, context.UserId);
        Derive(type, fields);
        var id = NewId(type.KeyPrefix);
        fields["Id"] = id;
        AddRecord(new SObjectRecord(type, id, fields), notify: !context.FromApi || _notifyApiWrites);
        Observe(type, id, context, sentOwner, fields, isCreate: true);
        return SaveResult.Ok(id);
    }

    public SaveResult Update(ObjectDef type, ParsedRecord record, WriteContext context)
    {
        if (!record.HasId || string.IsNullOrEmpty(record.Id))
        {
            return SaveResult.Fail(null, "MISSING_ARGUMENT", "Id not specified in an update call");
        }

        var existing = FindForWrite(type, record.Id, out var failure);
        if (existing is null)
        {
            return failure!;
        }

        if (FieldErrors(type, record, creating: false) is { } fieldError)
        {
            return fieldError with { Id = existing.Id };
        }

        var fields = new Dictionary<string, object?>(existing.Fields, StringComparer.Ordinal);
        foreach (var (name, value) in record.Values)
        {
            fields[name] = value;
        }

        if (ValidateValues(type, existing.Id, fields) is { } invalid)
        {
            return invalid with { Id = existing.Id };
        }

        if (DrawLockRow(context, existing.Id) is { } locked)
        {
            return locked with { Id = existing.Id };
        }

        var sentOwner = record.Values.GetValueOrDefault("OwnerId") as string;
        ApplyAssignmentRule(type, fields, context);
        Stamp(fields, Now(), context.UserId);
        Derive(type, fields);
        ReplaceFields(existing, fields, notify: !context.FromApi || _notifyApiWrites);
        Observe(type, existing.Id, context, sentOwner, fields, isCreate: false);
        return SaveResult.Ok(existing.Id);
    }

    /// <summary>Creates or updates by an external-id field: the value matches case-sensitively.</summary>
    public SaveResult Upsert(ObjectDef type, FieldDef key, ParsedRecord record, WriteContext context)
    {
        if (key.Type == SalesforceFieldType.Id)
        {
            return record.HasId && !string.IsNullOrEmpty(record.Id)
                ? Update(type, record, context) with { Created = false }
                : Create(type, record with { HasId = false }, context) with { Created = true };
        }

        if (record.Values.GetValueOrDefault(key.Name) is not string value || value.Length == 0)
        {
            return SaveResult.Fail(null, "MISSING_ARGUMENT", $"{key.Name} not specified");
        }

        if (record.HasId)
        {
            return SaveResult.Fail(null, "INVALID_FIELD_FOR_INSERT_UPDATE", "Record ID: cannot specify Id in an upsert call", "Id");
        }

        var index = _externalIds.GetValueOrDefault(IndexKey(type, key.Name));
        if (index is not null && index.TryGetValue(value, out var id))
        {
            var result = Update(type, record with { Id = id, HasId = true }, context);
            return result with { Created = result.Success ? false : null };
        }

        var created = Create(type, record, context);
        return created with { Created = created.Success ? true : null };
    }

    public SaveResult Remove(ObjectDef type, string rawId)
    {
        var existing = FindForWrite(type, rawId, out var failure);
        if (existing is null)
        {
            return failure!;
        }

        var fields = new Dictionary<string, object?>(existing.Fields, StringComparer.Ordinal) { ["IsDeleted"] = true };
        Stamp(fields, Now(), IntegrationUserId);
        ReplaceFields(existing, fields, notify: false);
        return SaveResult.Ok(existing.Id);
    }

    // ---- seeding and "UI" changes ----

    /// <summary>Stores a record as given (no required-field or reference checks); stamps the dates not given.</summary>
    public string Insert(string sobject, IReadOnlyDictionary<string, object?> values)
    {
        var type = RequireObject(sobject);
        var fields = Defaults(type, AdminUserIdOrNull() ?? string.Empty);
        foreach (var (name, value) in values)
        {
            var field = type.Find(name) ?? throw UnknownField(type, name);
            fields[field.Name] = SalesforceValues.FromClr(type.Name, field, value);
        }

        string id;
        if (fields.GetValueOrDefault("Id") is string given)
        {
            if (!given.StartsWith(type.KeyPrefix, StringComparison.Ordinal) || _byId.ContainsKey(given))
            {
                throw new ArgumentException($"Id '{given}' must start with {type.KeyPrefix} for {type.Name} and not be in use.", nameof(values));
            }

            id = given;
        }
        else
        {
            id = NewId(type.KeyPrefix);
            fields["Id"] = id;
        }

        if (type.HasOwner && fields.GetValueOrDefault("OwnerId") is null && AdminUserIdOrNull() is { } admin)
        {
            fields["OwnerId"] = admin;
        }

        var now = Now();
        // Seeded history stays consistent: CreatedDate <= LastModifiedDate <= SystemModstamp unless told otherwise.
        var created = fields.GetValueOrDefault("CreatedDate") ?? fields.GetValueOrDefault("LastModifiedDate") ?? fields.GetValueOrDefault("SystemModstamp") ?? now;
        var modified = fields.GetValueOrDefault("LastModifiedDate") ?? fields.GetValueOrDefault("SystemModstamp") ?? created;
        fields["CreatedDate"] = created;
        fields["LastModifiedDate"] = modified;
        fields["SystemModstamp"] = fields.GetValueOrDefault("SystemModstamp") ?? modified;
        fields["CreatedById"] = fields.GetValueOrDefault("CreatedById") ?? AdminUserIdOrNull() ?? id;
        fields["LastModifiedById"] = fields.GetValueOrDefault("LastModifiedById") ?? fields["CreatedById"];
        Derive(type, fields);
        if (DuplicateExternalId(type, id, fields) is { } duplicate)
        {
            throw new ArgumentException($"{type.Name}: {duplicate.Errors[0].Message}.", nameof(values));
        }

        AddRecord(new SObjectRecord(type, id, fields), notify: true);
        return id;
    }

    /// <summary>A change "made by a user in the UI": new values, fresh timestamps, and the object's Outbound Message.</summary>
    public void Touch(string sobject, string id, IReadOnlyDictionary<string, object?> values)
    {
        var type = RequireObject(sobject);
        var record = RequireLive(type, id);
        var fields = new Dictionary<string, object?>(record.Fields, StringComparer.Ordinal);
        foreach (var (name, value) in values)
        {
            var field = type.Find(name) ?? throw UnknownField(type, name);
            if (field.Type == SalesforceFieldType.Id)
            {
                throw new ArgumentException($"{type.Name}.Id cannot be changed.", nameof(values));
            }

            fields[field.Name] = SalesforceValues.FromClr(type.Name, field, value);
        }

        Stamp(fields, Now(), AdminUserId);
        Derive(type, fields);
        if (DuplicateExternalId(type, record.Id, fields) is { } duplicate)
        {
            throw new ArgumentException($"{type.Name}: {duplicate.Errors[0].Message}.", nameof(values));
        }

        ReplaceFields(record, fields, notify: true);
    }

    /// <summary>Moves a record to the recycle bin: reads and writes then answer <c>ENTITY_IS_DELETED</c>.</summary>
    public void Delete(string sobject, string id)
    {
        var type = RequireObject(sobject);
        var record = RequireLive(type, id);
        var fields = new Dictionary<string, object?>(record.Fields, StringComparer.Ordinal) { ["IsDeleted"] = true };
        Stamp(fields, Now(), AdminUserId);
        ReplaceFields(record, fields, notify: false);
    }

    // ---- reads ----

    /// <summary>The REST JSON of a record: <c>attributes</c> first, then the given fields (all when null), nulls included.</summary>
    public JsonObject Render(SObjectRecord record, string apiVersion, IEnumerable<FieldDef>? fields = null)
    {
        var json = new JsonObject
        {
            ["attributes"] = new JsonObject
            {
                ["type"] = record.Type.Name,
                ["url"] = $"/services/data/{apiVersion}/sobjects/{record.Type.Name}/{record.Id}",
            },
        };
        foreach (var field in fields ?? record.Type.Fields)
        {
            json[field.Name] = SalesforceValues.ToJson(field, record.Fields.GetValueOrDefault(field.Name));
        }

        return json;
    }

    /// <summary>Runs a SOQL query over the live records (and the recycle bin's for queryAll).</summary>
    /// <exception cref="SoqlException">The query is malformed or names something the org does not have.</exception>
    public List<JsonObject> Query(string soql, string apiVersion, bool includeDeleted = false)
    {
        var plan = SoqlPlan.Bind(SoqlParser.Parse(soql), FindObject);
        var rows = plan.Run(Records(plan.Object).Where(r => includeDeleted || !r.IsDeleted), r => r.Fields);
        return [.. rows.Select(r => Render(r, apiVersion, plan.Select))];
    }

    public static IReadOnlyDictionary<string, object?> Snapshot(SObjectRecord record) =>
        new Dictionary<string, object?>(record.Fields, StringComparer.Ordinal);

    // ---- rules ----

    private SObjectRecord? FindForWrite(ObjectDef type, string rawId, out SaveResult? failure)
    {
        failure = null;
        if (!SalesforceIds.TryCanonical(rawId, out var id) || !id.StartsWith(type.KeyPrefix, StringComparison.Ordinal))
        {
            failure = SaveResult.Fail(null, "MALFORMED_ID", $"{type.Name} ID: id value of incorrect type: {rawId}", "Id");
            return null;
        }

        var record = _byId.GetValueOrDefault(id);
        if (record is null)
        {
            failure = SaveResult.Fail(id, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id");
            return null;
        }

        if (record.IsDeleted)
        {
            failure = SaveResult.Fail(id, "ENTITY_IS_DELETED", "entity is deleted");
            return null;
        }

        if (type.Name == SObjectSchema.Lead && record.Fields.GetValueOrDefault("IsConverted") is true)
        {
            failure = SaveResult.Fail(id, "CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead");
            return null;
        }

        return record;
    }

    private static SaveResult? FieldErrors(ObjectDef type, ParsedRecord record, bool creating)
    {
        if (record.UnknownFields.Count > 0)
        {
            return SaveResult.Fail(null, "INVALID_FIELD", $"No such column '{record.UnknownFields[0]}' on sobject of type {type.Name}");
        }

        var readOnly = record.Values.Keys
            .Where(name => type.Find(name) is { } f && !(creating ? f.Createable : f.Updateable))
            .ToArray();
        return readOnly.Length == 0
            ? null
            : SaveResult.Fail(null, "INVALID_FIELD_FOR_INSERT_UPDATE",
                $"Unable to create/update fields: {string.Join(", ", readOnly)}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.",
                readOnly);
    }

    /// <summary>Required fields, id formats, referenced records and unique external ids; canonicalises ids in place.</summary>
    private SaveResult? ValidateValues(ObjectDef type, string? id, Dictionary<string, object?> fields)
    {
        var missing = type.Fields
            .Where(f => f.Required && fields.GetValueOrDefault(f.Name) is null or "")
            .Select(f => f.Name)
            .ToArray();
        if (missing.Length > 0)
        {
            return SaveResult.Fail(null, "REQUIRED_FIELD_MISSING", $"Required fields are missing: [{string.Join(", ", missing)}]", missing);
        }

        foreach (var field in type.Fields)
        {
            if (field.Type != SalesforceFieldType.Reference || fields.GetValueOrDefault(field.Name) is not string raw)
            {
                continue;
            }

            if (raw.Length == 0)
            {
                fields[field.Name] = null;
                continue;
            }

            if (!SalesforceIds.TryCanonical(raw, out var reference))
            {
                return SaveResult.Fail(null, "MALFORMED_ID", $"{field.Name}: id value of incorrect type: {raw}", field.Name);
            }

            fields[field.Name] = reference;
            if (ReferenceError(type, field, reference) is { } error)
            {
                return error;
            }
        }

        return DuplicateExternalId(type, id, fields);
    }

    private SaveResult? ReferenceError(ObjectDef type, FieldDef field, string reference)
    {
        var target = _byId.GetValueOrDefault(reference);
        if (field.Name is "CreatedById" or "LastModifiedById")
        {
            return null;
        }

        var allowed = field.Name switch
        {
            // A queue may own Leads (and Cases); every other owner must be a user.
            "OwnerId" => type.Name == SObjectSchema.Lead ? [SObjectSchema.User, SObjectSchema.Group] : new[] { SObjectSchema.User },
            "WhoId" => [SObjectSchema.Lead, SObjectSchema.Contact],
            "WhatId" => [SObjectSchema.Account, SObjectSchema.Opportunity],
            "AccountId" => [SObjectSchema.Account],
            _ => null,
        };
        if (target is null || target.IsDeleted || (allowed is not null && !allowed.Contains(target.Type.Name)))
        {
            return SaveResult.Fail(null, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id");
        }

        if (field.Name == "OwnerId" && target.Type.Name == SObjectSchema.Group
            && !string.Equals(target.Fields.GetValueOrDefault("Type") as string, "Queue", StringComparison.Ordinal))
        {
            return SaveResult.Fail(null, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id");
        }

        if (field.Name == "OwnerId" && target.Type.Name == SObjectSchema.User && target.Fields.GetValueOrDefault("IsActive") is false)
        {
            return SaveResult.Fail(null, "INACTIVE_OWNER_OR_USER",
                $"operation performed with inactive user [{reference}] as owner of {type.Name.ToLowerInvariant()}");
        }

        return null;
    }

    private SaveResult? DuplicateExternalId(ObjectDef type, string? id, Dictionary<string, object?> fields)
    {
        foreach (var field in type.Fields)
        {
            if (field.IsExternalId
                && fields.GetValueOrDefault(field.Name) is string { Length: > 0 } value
                && _externalIds.GetValueOrDefault(IndexKey(type, field.Name)) is { } index
                && index.TryGetValue(value, out var holder)
                && holder != id)
            {
                return SaveResult.Fail(null, "DUPLICATE_VALUE", $"duplicate value found: {field.Name} duplicates value on record with id: {holder}");
            }
        }

        return null;
    }

    private static SaveResult? DrawLockRow(WriteContext context, string lockedId) =>
        context.Faults?.DrawLockRow() == true
            ? SaveResult.Fail(null, "UNABLE_TO_LOCK_ROW", $"unable to obtain exclusive access to this record or 1 records: {lockedId}")
            : null;

    private static string? ParentOf(Dictionary<string, object?> fields) =>
        fields.GetValueOrDefault("WhatId") as string ?? fields.GetValueOrDefault("WhoId") as string
        ?? fields.GetValueOrDefault("AccountId") as string ?? fields.GetValueOrDefault("OwnerId") as string;

    /// <summary>
    /// <c>Sforce-Auto-Assign</c> defaults to TRUE when absent; only FALSE (any case) keeps the OwnerId that was sent.
    /// TRUE or an AssignmentRule id runs the org's rule.
    /// </summary>
    private void ApplyAssignmentRule(ObjectDef type, Dictionary<string, object?> fields, WriteContext context)
    {
        if (RuleRuns(type, context) && AssignmentRuleOwnerId is { } owner)
        {
            fields["OwnerId"] = owner;
        }
    }

    private bool RuleRuns(ObjectDef type, WriteContext context) =>
        type.RunsAssignmentRules && AssignmentRuleOwnerId is not null
        && !string.Equals(context.AutoAssignHeader?.Trim(), "FALSE", StringComparison.OrdinalIgnoreCase);

    private void Observe(ObjectDef type, string id, WriteContext context, string? sentOwner, Dictionary<string, object?> fields, bool isCreate) =>
        _assignments.Add(new AutoAssignObservation(
            type.Name, id, context.AutoAssignHeader, RuleRuns(type, context), sentOwner, fields.GetValueOrDefault("OwnerId") as string, isCreate));

    private static Dictionary<string, object?> Defaults(ObjectDef type, string userId)
    {
        var fields = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var field in type.Fields)
        {
            if (field.Default is not null)
            {
                fields[field.Name] = field.Default;
            }
        }

        if (type.HasOwner && userId.Length > 0)
        {
            fields["OwnerId"] = userId;
        }

        return fields;
    }

    private static void Stamp(Dictionary<string, object?> fields, DateTimeOffset now, string userId)
    {
        fields["LastModifiedDate"] = now;
        fields["SystemModstamp"] = now;
        fields["LastModifiedById"] = userId;
    }

    /// <summary>Read-only fields the org computes: Name, IsClosed/IsWon from the stage, Task.AccountId from WhatId or the Contact.</summary>
    private void Derive(ObjectDef type, Dictionary<string, object?> fields)
    {
        switch (type.Name)
        {
            case SObjectSchema.Lead or SObjectSchema.Contact or SObjectSchema.User:
                var name = $"{fields.GetValueOrDefault("FirstName")} {fields.GetValueOrDefault("LastName")}".Trim();
                fields["Name"] = name.Length == 0 ? null : name;
                break;
            case SObjectSchema.Opportunity:
                var stage = fields.GetValueOrDefault("StageName") as string;
                fields["IsWon"] = stage == "Closed Won";
                fields["IsClosed"] = stage is "Closed Won" or "Closed Lost";
                break;
            case SObjectSchema.Task:
                fields["IsClosed"] = fields.GetValueOrDefault("Status") as string == "Completed";
                fields["IsHighPriority"] = fields.GetValueOrDefault("Priority") as string == "High";
                var what = Find(fields.GetValueOrDefault("WhatId") as string);
                var who = Find(fields.GetValueOrDefault("WhoId") as string);
                fields["AccountId"] = what?.Type.Name switch
                {
                    SObjectSchema.Account => what.Id,
                    SObjectSchema.Opportunity => what.Fields.GetValueOrDefault("AccountId"),
                    _ => who?.Type.Name == SObjectSchema.Contact ? who.Fields.GetValueOrDefault("AccountId") : null,
                };
                break;
        }
    }

    private void AddRecord(SObjectRecord record, bool notify)
    {
        _byId[record.Id] = record;
        if (!_byType.TryGetValue(record.Type.Name, out var list))
        {
            _byType[record.Type.Name] = list = [];
        }

        list.Add(record);
        Index(record, null, record.Fields);
        Journal(
            () =>
            {
                Index(record, record.Fields, null);
                _byId.Remove(record.Id);
                list.Remove(record);
            },
            notify ? () => RecordChanged(record) : null);
    }

    private void ReplaceFields(SObjectRecord record, Dictionary<string, object?> fields, bool notify)
    {
        var before = record.Fields;
        Index(record, before, fields);
        record.Fields = fields;
        Journal(
            () =>
            {
                Index(record, record.Fields, before);
                record.Fields = before;
            },
            notify ? () => RecordChanged(record) : null);
    }

    private void Journal(Action undo, Action? effect)
    {
        if (_journal is null)
        {
            effect?.Invoke();
        }
        else
        {
            _journal.Add(new JournalEntry(undo, effect));
        }
    }

    /// <summary>Moves the record's external-id keys from <paramref name="before"/> to <paramref name="after"/>; deleted records hold none.</summary>
    private void Index(SObjectRecord record, Dictionary<string, object?>? before, Dictionary<string, object?>? after)
    {
        foreach (var field in record.Type.Fields)
        {
            if (!field.IsExternalId)
            {
                continue;
            }

            var key = IndexKey(record.Type, field.Name);
            if (!_externalIds.TryGetValue(key, out var index))
            {
                _externalIds[key] = index = new Dictionary<string, string>(StringComparer.Ordinal);
            }

            if (before is not null && before.GetValueOrDefault("IsDeleted") is not true && before.GetValueOrDefault(field.Name) is string old
                && index.GetValueOrDefault(old) == record.Id)
            {
                index.Remove(old);
            }

            if (after is not null && after.GetValueOrDefault("IsDeleted") is not true && after.GetValueOrDefault(field.Name) is string { Length: > 0 } value)
            {
                index[value] = record.Id;
            }
        }
    }

    private static string IndexKey(ObjectDef type, string field) => type.Name + "." + field;

    private SObjectRecord RequireLive(ObjectDef type, string id)
    {
        var record = Find(id);
        if (record is null || record.Type != type)
        {
            throw new KeyNotFoundException($"No {type.Name} with id '{id}'.");
        }

        return record.IsDeleted ? throw new InvalidOperationException($"{type.Name} '{id}' is deleted.") : record;
    }

    private string? AdminUserIdOrNull() => _adminUserId;

    private static ArgumentException UnknownField(ObjectDef type, string name) =>
        new($"{type.Name} has no field '{name}'; known fields: {string.Join(", ", type.Fields.Select(f => f.Name))} (any name ending in __c is accepted).", nameof(name));

    /// <summary>A fresh 18-character id: prefix, a simulator "pod" marker and a base-62 counter, so ids sort by creation.</summary>
    public string NewId(string prefix)
    {
        var next = _idCounters.GetValueOrDefault(prefix) + 1;
        _idCounters[prefix] = next;
        Span<char> digits = stackalloc char[10];
        var n = next;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            digits[i] = Base62[(int)(n % 62)];
            n /= 62;
        }

        return SalesforceIds.To18(prefix + "Sm" + new string(digits));
    }

    private readonly record struct JournalEntry(Action? Undo, Action? Effect);
}

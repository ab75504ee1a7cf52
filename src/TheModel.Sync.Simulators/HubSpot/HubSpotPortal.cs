using System.Globalization;

namespace TheModel.Sync.Simulators.HubSpot;

/// <summary>Who made a change: the portal's UI (and seeding), or an API client. Webhook events tell them apart.</summary>
internal enum ChangeOrigin : byte
{
    Ui,
    Api,
}

/// <summary>One live or archived CRM object. Only touched inside <see cref="HubSpotPortal.Enter"/>.</summary>
internal sealed class StoredObject
{
    public StoredObject(string type, long id, DateTimeOffset createdAt)
    {
        Type = type;
        Id = id;
        IdText = id.ToString(CultureInfo.InvariantCulture);
        CreatedAt = createdAt;
        UpdatedAt = createdAt;
    }

    public string Type { get; }

    public long Id { get; }

    public string IdText { get; }

    public Dictionary<string, string?> Properties { get; } = new(StringComparer.Ordinal);

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>When the last write happened on the simulator's clock (seeded dates may say otherwise); search indexing counts from here.</summary>
    public DateTimeOffset WrittenAt { get; set; }

    public bool Archived { get; set; }

    public DateTimeOffset? ArchivedAt { get; set; }
}

/// <summary>
/// Receives the portal's changes (the webhook dispatcher). The change methods run while the portal's lock is held
/// and must not call back; <see cref="Publish"/> runs after it is released and releases what was raised so far.
/// </summary>
internal interface IHubSpotChangeSink
{
    void Publish();

    void ObjectCreated(StoredObject record, ChangeOrigin origin, DateTimeOffset at);

    void PropertyChanged(StoredObject record, string property, string? value, ChangeOrigin origin, DateTimeOffset at);

    void ObjectArchived(StoredObject record, ChangeOrigin origin, DateTimeOffset at);

    void AssociationAdded(HubSpotAssociation association, ChangeOrigin origin, DateTimeOffset at);
}

/// <summary>
/// The simulated portal's state: objects, unique-value indexes, associations and owners. Every member whose name
/// ends in <c>Locked</c> expects the caller to be inside <see cref="Enter"/>; the others enter themselves.
/// </summary>
internal sealed class HubSpotPortal
{
    private readonly TimeProvider _time;
    private readonly Dictionary<string, SortedDictionary<long, StoredObject>> _objects = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Type, string Property), Dictionary<string, long>> _unique = [];
    private readonly Dictionary<(string Type, long Id), List<HubSpotAssociation>> _associations = [];
    private readonly List<HubSpotOwner> _owners = [];
    private readonly Lock _gate = new();
    private long _nextId;
    private long _nextOwnerId = 41629779;
    private long _nextUserId = 9586504;

    public HubSpotPortal(TimeProvider time, HubSpotPropertySchema schema, long firstObjectId)
    {
        _time = time;
        Schema = schema;
        _nextId = firstObjectId;
        foreach (var type in HubSpotObjectTypes.All)
        {
            _objects[type] = [];
            foreach (var property in schema.UniqueProperties(type))
            {
                _unique[(type, property.Name)] = new Dictionary<string, long>(StringComparer.Ordinal);
            }
        }
    }

    /// <summary>
    /// Takes the portal's lock; leaving the scope releases it and then hands the changes made inside to the
    /// webhook sink as one unit, so the events of one call (a create and its property values, a whole batch)
    /// travel together.
    /// </summary>
    public PortalScope Enter() => new(this, _gate);

    public HubSpotPropertySchema Schema { get; }

    public IHubSpotChangeSink? Changes { get; set; }

    public DateTimeOffset Now => _time.GetUtcNow();

    // ---- seeding and inspection (take the lock) ----

    public string SeedCreate(string objectType, IReadOnlyDictionary<string, string?> properties)
    {
        var type = RequireType(objectType);
        ArgumentNullException.ThrowIfNull(properties);
        using (Enter())
        {
            var problems = new List<PropertyProblem>();
            var values = NormalizeLocked(type, properties, fromApi: false, problems);
            problems.AddRange(MissingRequired(type, values, existing: null));
            ThrowIfProblems(type, problems);
            if (FindConflictLocked(type, values, selfId: null) is { } conflict)
            {
                throw new InvalidOperationException($"{HubSpotErrors.ConflictMessage(type, conflict.ExistingId.ToString(CultureInfo.InvariantCulture))} (property {conflict.Property}).");
            }

            return CreateLocked(type, values, ChangeOrigin.Ui).IdText;
        }
    }

    public void SeedTouch(string objectType, string id, IReadOnlyDictionary<string, string?> properties)
    {
        var type = RequireType(objectType);
        ArgumentNullException.ThrowIfNull(properties);
        using (Enter())
        {
            var record = RequireLive(type, id);
            var problems = new List<PropertyProblem>();
            var values = NormalizeLocked(type, properties, fromApi: false, problems);
            problems.AddRange(MissingRequired(type, values, record));
            ThrowIfProblems(type, problems);
            if (FindConflictLocked(type, values, record.Id) is { } conflict)
            {
                throw new InvalidOperationException($"{HubSpotErrors.ConflictMessage(type, conflict.ExistingId.ToString(CultureInfo.InvariantCulture))} (property {conflict.Property}).");
            }

            UpdateLocked(record, values, ChangeOrigin.Ui, alwaysTouch: true);
        }
    }

    public void SeedArchive(string objectType, string id)
    {
        var type = RequireType(objectType);
        using (Enter())
        {
            ArchiveLocked(RequireLive(type, id), ChangeOrigin.Ui);
        }
    }

    public void SeedAssociate(string fromType, string fromId, string toType, string toId, int typeId)
    {
        var from = RequireType(fromType);
        var to = RequireType(toType);
        if (!HubSpotAssociationTypes.IsValid(from, to, typeId))
        {
            throw new ArgumentException($"Association type {typeId} does not lead from {from} to {to}.", nameof(typeId));
        }

        using (Enter())
        {
            var source = RequireLive(from, fromId);
            var target = RequireLive(to, toId);
            AssociateLocked(source, target, typeId, "HUBSPOT_DEFINED", ChangeOrigin.Ui);
        }
    }

    public HubSpotRecord? Get(string objectType, string id)
    {
        var type = RequireType(objectType);
        using (Enter())
        {
            return FindLocked(type, id) is { } record ? Snapshot(record) : null;
        }
    }

    public IReadOnlyList<HubSpotRecord> All(string objectType)
    {
        var type = RequireType(objectType);
        using (Enter())
        {
            return [.. _objects[type].Values.Select(Snapshot)];
        }
    }

    public IReadOnlyList<HubSpotAssociation> AssociationsOf(string objectType, string id)
    {
        var type = RequireType(objectType);
        using (Enter())
        {
            return long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var key) && _associations.TryGetValue((type, key), out var list)
                ? [.. list]
                : [];
        }
    }

    public HubSpotOwner AddOwner(string? email, string? firstName, string? lastName, bool archived, IReadOnlyList<HubSpotTeam>? teams, string type, string? id = null)
    {
        if (type is not ("PERSON" or "QUEUE"))
        {
            throw new ArgumentException($"Owner type must be PERSON or QUEUE, was \"{type}\".", nameof(type));
        }

        using (Enter())
        {
            var now = Now;
            if (id is not null && _owners.Exists(o => o.Id == id))
            {
                throw new ArgumentException($"An owner with id {id} already exists.", nameof(id));
            }

            var owner = new HubSpotOwner(
                id ?? (_nextOwnerId++).ToString(CultureInfo.InvariantCulture),
                _nextUserId++,
                email,
                firstName,
                lastName,
                archived,
                teams ?? [],
                type,
                now,
                now);
            _owners.Add(owner);
            return owner;
        }
    }

    public HubSpotOwner SetOwnerArchived(string ownerId, bool archived)
    {
        using (Enter())
        {
            var index = _owners.FindIndex(o => o.Id == ownerId);
            if (index < 0)
            {
                throw new KeyNotFoundException($"No owner with id \"{ownerId}\".");
            }

            _owners[index] = _owners[index] with { Archived = archived, UpdatedAt = Now };
            return _owners[index];
        }
    }

    public IReadOnlyList<HubSpotOwner> Owners()
    {
        using (Enter())
        {
            return [.. _owners];
        }
    }

    // ---- primitives (caller holds the lock) ----

    public IEnumerable<StoredObject> ObjectsLocked(string type) => _objects[type].Values;

    public StoredObject? FindLocked(string type, string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var key) && _objects[type].TryGetValue(key, out var record)
            ? record
            : null;

    /// <summary>Looks a record up by <paramref name="idProperty"/> (<c>hs_object_id</c> or a unique property), live or archived.</summary>
    public StoredObject? FindByLocked(string type, string? idProperty, string id)
    {
        if (string.IsNullOrEmpty(idProperty) || idProperty == "hs_object_id")
        {
            return FindLocked(type, id);
        }

        if (!_unique.TryGetValue((type, idProperty), out var index))
        {
            throw HubSpotApiException.Validation($"Property \"{idProperty}\" is not a unique property of {type}, so it cannot be used as idProperty.");
        }

        var key = NormalizeUniqueKey(idProperty, id);
        if (index.TryGetValue(key, out var found))
        {
            return _objects[type][found];
        }

        // The index holds live records only; an archived record is still readable with archived=true.
        return _objects[type].Values.FirstOrDefault(r => r.Archived && r.Properties.GetValueOrDefault(idProperty) == key);
    }

    public bool IsUniqueLocked(string type, string property) => _unique.ContainsKey((type, property));

    /// <summary>
    /// Checks names and values and returns them in stored form: dates as ISO ms UTC, emails lower-case, <c>""</c>
    /// as null (HubSpot clears a value given <c>""</c>). Problems go to <paramref name="problems"/>.
    /// </summary>
    public Dictionary<string, string?> NormalizeLocked(string type, IReadOnlyDictionary<string, string?> properties, bool fromApi, List<PropertyProblem> problems)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (name, raw) in properties)
        {
            var property = Schema.Find(type, name);
            if (property is null)
            {
                problems.Add(new PropertyProblem(name, "PROPERTY_DOESNT_EXIST", $"Property \"{name}\" does not exist"));
                continue;
            }

            if (fromApi && property.ReadOnly)
            {
                problems.Add(new PropertyProblem(name, "READ_ONLY_VALUE", $"{name} is a read only property; its value cannot be set."));
                continue;
            }

            var value = string.IsNullOrEmpty(raw) ? null : raw;
            if (value is not null && property.Type == HubSpotPropertyType.DateTime)
            {
                if (!HubSpotTime.TryParse(value, out var instant))
                {
                    problems.Add(new PropertyProblem(name, "INVALID_DATE", $"{value} is not a valid date-time for {name}; use epoch milliseconds or ISO 8601."));
                    continue;
                }

                value = HubSpotTime.Format(instant);
            }

            if (value is not null && name == "email")
            {
                value = value.Trim().ToLowerInvariant();
                var at = value.IndexOf('@', StringComparison.Ordinal);
                if (at <= 0 || at != value.LastIndexOf('@') || at == value.Length - 1 || value.Any(char.IsWhiteSpace))
                {
                    problems.Add(new PropertyProblem(name, "INVALID_EMAIL", $"Email address {raw} is invalid"));
                    continue;
                }
            }

            values[name] = value;
        }

        return values;
    }

    /// <summary>Tasks need <c>hs_timestamp</c> (facts H-6), on create and after any update.</summary>
    public static IEnumerable<PropertyProblem> MissingRequired(string type, IReadOnlyDictionary<string, string?> values, StoredObject? existing)
    {
        if (type != HubSpotObjectTypes.Tasks)
        {
            yield break;
        }

        var timestamp = values.TryGetValue("hs_timestamp", out var given) ? given : existing?.Properties.GetValueOrDefault("hs_timestamp");
        if (timestamp is null)
        {
            yield return new PropertyProblem("hs_timestamp", "REQUIRED", "hs_timestamp is required");
        }
    }

    /// <summary>The HubSpot error for <paramref name="problems"/>: missing required properties first, in HubSpot's own wording.</summary>
    public static HubSpotApiException ProblemsToException(string type, IReadOnlyList<PropertyProblem> problems)
    {
        var missing = problems.Where(p => p.Code == "REQUIRED").Select(p => p.Name).ToArray();
        if (missing.Length > 0)
        {
            return HubSpotApiException.Validation(
                $"Error creating {HubSpotObjectTypes.Singular(type).ToUpperInvariant()}. Some required properties were not set.",
                context: HubSpotErrors.Context("properties", missing));
        }

        return HubSpotErrors.InvalidProperties(problems);
    }

    /// <summary>The first unique-value clash of <paramref name="values"/> with another live record.</summary>
    public (string Property, long ExistingId)? FindConflictLocked(string type, IReadOnlyDictionary<string, string?> values, long? selfId)
    {
        foreach (var (name, value) in values)
        {
            if (value is not null && _unique.TryGetValue((type, name), out var index) && index.TryGetValue(NormalizeUniqueKey(name, value), out var existing) && existing != selfId)
            {
                return (name, existing);
            }
        }

        return null;
    }

    public StoredObject CreateLocked(string type, IReadOnlyDictionary<string, string?> values, ChangeOrigin origin)
    {
        var now = Now;
        var record = new StoredObject(type, _nextId++, now) { WrittenAt = now };
        foreach (var (name, value) in values)
        {
            record.Properties[name] = value;
        }

        // Seeding may back-date a record; the API cannot write these.
        var created = ReadDate(record, HubSpotObjectTypes.CreatedProperty(type)) ?? now;
        var modified = ReadDate(record, HubSpotObjectTypes.ModifiedProperty(type)) ?? ReadDate(record, "hs_lastmodifieddate") ?? created;
        record.CreatedAt = created;
        StampModified(record, modified);
        record.Properties[HubSpotObjectTypes.CreatedProperty(type)] = HubSpotTime.Format(created);
        record.Properties["hs_object_id"] = record.IdText;
        DeriveDealFlags(record);
        _objects[type][record.Id] = record;
        IndexUnique(record);

        if (Changes is { } sink)
        {
            sink.ObjectCreated(record, origin, now);
            foreach (var (name, value) in record.Properties)
            {
                if (value is not null)
                {
                    sink.PropertyChanged(record, name, value, origin, now);
                }
            }
        }

        return record;
    }

    /// <summary>Applies <paramref name="values"/>; the modified dates move when something changed (or always, for a UI touch).</summary>
    public bool UpdateLocked(StoredObject record, IReadOnlyDictionary<string, string?> values, ChangeOrigin origin, bool alwaysTouch = false)
    {
        var now = Now;
        var changed = new List<string>();
        UnindexUnique(record);
        foreach (var (name, value) in values)
        {
            if (record.Properties.GetValueOrDefault(name) != value)
            {
                record.Properties[name] = value;
                changed.Add(name);
            }
        }

        if (changed.Contains("dealstage"))
        {
            DeriveDealFlags(record);
        }

        IndexUnique(record);
        if (changed.Count == 0 && !alwaysTouch)
        {
            return false;
        }

        StampModified(record, now);
        record.WrittenAt = now;
        if (Changes is { } sink)
        {
            foreach (var name in changed)
            {
                sink.PropertyChanged(record, name, record.Properties[name], origin, now);
            }
        }

        return true;
    }

    public void ArchiveLocked(StoredObject record, ChangeOrigin origin)
    {
        if (record.Archived)
        {
            return;
        }

        var now = Now;
        UnindexUnique(record);
        record.Archived = true;
        record.ArchivedAt = now;
        record.WrittenAt = now;
        Changes?.ObjectArchived(record, origin, now);
    }

    /// <summary>Adds the association and its inverse (HubSpot keeps both directions); adding it twice is harmless.</summary>
    public HubSpotAssociation AssociateLocked(StoredObject from, StoredObject to, int typeId, string category, ChangeOrigin origin)
    {
        var forward = new HubSpotAssociation(from.Type, from.IdText, to.Type, to.IdText, typeId, category);
        var added = AddEdge((from.Type, from.Id), forward);
        if (HubSpotAssociationTypes.Inverse(from.Type, to.Type, typeId) is { } inverse)
        {
            AddEdge((to.Type, to.Id), new HubSpotAssociation(to.Type, to.IdText, from.Type, from.IdText, inverse, category));
        }

        if (added)
        {
            Changes?.AssociationAdded(forward, origin, Now);
        }

        return forward;
    }

    public IReadOnlyList<HubSpotAssociation> AssociationsLocked(StoredObject record) =>
        _associations.TryGetValue((record.Type, record.Id), out var list) ? list : [];

    public IReadOnlyList<HubSpotOwner> OwnersLocked() => _owners;

    public static HubSpotRecord Snapshot(StoredObject record) => new(
        record.Type,
        record.IdText,
        new Dictionary<string, string?>(record.Properties, StringComparer.Ordinal),
        record.CreatedAt,
        record.UpdatedAt,
        record.Archived,
        record.ArchivedAt);

    private bool AddEdge((string, long) key, HubSpotAssociation edge)
    {
        if (!_associations.TryGetValue(key, out var list))
        {
            _associations[key] = list = [];
        }

        if (list.Contains(edge))
        {
            return false;
        }

        list.Add(edge);
        return true;
    }

    private static void StampModified(StoredObject record, DateTimeOffset modified)
    {
        record.UpdatedAt = modified;
        var text = HubSpotTime.Format(modified);
        record.Properties["hs_lastmodifieddate"] = text;
        if (record.Type == HubSpotObjectTypes.Contacts)
        {
            record.Properties["lastmodifieddate"] = text;
        }
    }

    private static DateTimeOffset? ReadDate(StoredObject record, string property) =>
        HubSpotTime.TryParse(record.Properties.GetValueOrDefault(property), out var value) ? value : null;

    // HubSpot calculates these from the stage's probability; the default pipeline's closed stages stand in for that.
    private static void DeriveDealFlags(StoredObject record)
    {
        if (record.Type != HubSpotObjectTypes.Deals || !record.Properties.TryGetValue("dealstage", out var stage))
        {
            return;
        }

        record.Properties["hs_is_closed"] = stage is "closedwon" or "closedlost" ? "true" : "false";
        record.Properties["hs_is_closed_won"] = stage is "closedwon" ? "true" : "false";
    }

    private void IndexUnique(StoredObject record)
    {
        if (record.Archived)
        {
            return;
        }

        foreach (var ((type, property), index) in _unique)
        {
            if (type == record.Type && record.Properties.GetValueOrDefault(property) is { } value)
            {
                index[NormalizeUniqueKey(property, value)] = record.Id;
            }
        }
    }

    private void UnindexUnique(StoredObject record)
    {
        foreach (var ((type, property), index) in _unique)
        {
            if (type == record.Type && record.Properties.GetValueOrDefault(property) is { } value
                && index.TryGetValue(NormalizeUniqueKey(property, value), out var owner) && owner == record.Id)
            {
                index.Remove(NormalizeUniqueKey(property, value));
            }
        }
    }

    // Emails compare case-insensitively (HubSpot stores them lower-case); other unique values are exact.
    private static string NormalizeUniqueKey(string property, string value) =>
        property == "email" ? value.Trim().ToLowerInvariant() : value;

    private StoredObject RequireLive(string type, string id) =>
        FindLocked(type, id) is { Archived: false } record
            ? record
            : throw new KeyNotFoundException($"No live {HubSpotObjectTypes.Singular(type)} with id \"{id}\".");

    private static string RequireType(string objectType) =>
        HubSpotObjectTypes.Normalize(objectType)
        ?? throw new ArgumentException($"Unknown object type \"{objectType}\"; use contacts, companies, deals or tasks.", nameof(objectType));

    private static void ThrowIfProblems(string type, List<PropertyProblem> problems)
    {
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Cannot write {type}: " + string.Join("; ", problems.Select(p => $"{p.Name}: {p.Message}")));
        }
    }

}

/// <summary>The portal's lock, held for one operation; see <see cref="HubSpotPortal.Enter"/>.</summary>
internal ref struct PortalScope
{
    private readonly HubSpotPortal _portal;
    private Lock.Scope _scope;

    public PortalScope(HubSpotPortal portal, Lock gate)
    {
        _portal = portal;
        _scope = gate.EnterScope();
    }

    public void Dispose()
    {
        _scope.Dispose();
        _portal.Changes?.Publish();
    }
}

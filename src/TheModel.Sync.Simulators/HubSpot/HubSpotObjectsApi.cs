using System.Globalization;
using System.Text.Json.Nodes;

namespace TheModel.Sync.Simulators.HubSpot;

/// <summary>The CRM object endpoints: list, read, create, update, archive and the five batch calls (facts H-2).</summary>
internal sealed class HubSpotObjectsApi
{
    private const int DefaultListLimit = 10;
    private const int MaxListLimit = 100;

    private readonly HubSpotPortal _portal;

    public HubSpotObjectsApi(HubSpotPortal portal) => _portal = portal;

    /// <summary>The plural object type of the route, or a 400 in HubSpot's words.</summary>
    public static string ObjectType(ApiRequest request, string routeValue = "type")
    {
        var raw = request.Route(routeValue);
        return HubSpotObjectTypes.Normalize(raw) ?? throw HubSpotApiException.Validation($"Unable to infer object type from: {raw}");
    }

    public ApiResult List(ApiRequest request)
    {
        var type = ObjectType(request);
        var limit = Math.Min(request.QueryInt("limit", DefaultListLimit), MaxListLimit);
        if (limit == 0)
        {
            limit = DefaultListLimit;
        }

        var afterText = request.Query("after");
        long after = 0;
        if (afterText is not null && !long.TryParse(afterText, NumberStyles.None, CultureInfo.InvariantCulture, out after))
        {
            throw HubSpotApiException.Validation($"after must be a cursor returned by a previous page, was \"{afterText}\".");
        }

        var archived = request.QueryFlag("archived");
        var properties = request.QueryList("properties");
        var associations = request.QueryList("associations");
        using (_portal.Enter())
        {
            // The cursor is the id of the next record to return: ids only grow, so it stays valid across writes.
            var page = _portal.ObjectsLocked(type).Where(r => r.Id >= after && r.Archived == archived).Take(limit + 1).ToList();
            var results = new JsonArray();
            foreach (var record in page.Take(limit))
            {
                results.Add(HubSpotRender.Record(_portal, record, properties, associations: associations));
            }

            var body = new JsonObject { ["results"] = results };
            if (page.Count > limit)
            {
                body["paging"] = HubSpotRender.Paging(request, page[limit].IdText);
            }

            return new ApiResult(200, body);
        }
    }

    public ApiResult Read(ApiRequest request)
    {
        var type = ObjectType(request);
        var id = request.Route("id");
        var archived = request.QueryFlag("archived");
        var idProperty = request.Query("idProperty");
        using (_portal.Enter())
        {
            var record = _portal.FindByLocked(type, idProperty, id);
            if (record is null || record.Archived != archived)
            {
                throw HubSpotApiException.ObjectNotFound(id);
            }

            return new ApiResult(200, HubSpotRender.Record(_portal, record, request.QueryList("properties"), associations: request.QueryList("associations")));
        }
    }

    public ApiResult Create(ApiRequest request)
    {
        var type = ObjectType(request);
        var body = request.BodyObject();
        var properties = ApiJson.Properties(body);
        using (_portal.Enter())
        {
            var problems = new List<PropertyProblem>();
            var values = _portal.NormalizeLocked(type, properties, fromApi: true, problems);
            problems.AddRange(HubSpotPortal.MissingRequired(type, values, existing: null));
            if (problems.Count > 0)
            {
                throw HubSpotPortal.ProblemsToException(type, problems);
            }

            var links = ReadAssociations(type, body);
            if (_portal.FindConflictLocked(type, values, selfId: null) is { } conflict)
            {
                throw HubSpotApiException.Conflict(type, conflict.ExistingId.ToString(CultureInfo.InvariantCulture));
            }

            var record = _portal.CreateLocked(type, values, ChangeOrigin.Api);
            Link(record, links);
            return new ApiResult(201, HubSpotRender.Record(_portal, record, null, allSet: true));
        }
    }

    public ApiResult Update(ApiRequest request)
    {
        var type = ObjectType(request);
        var id = request.Route("id");
        var properties = ApiJson.Properties(request.BodyObject());
        using (_portal.Enter())
        {
            var record = _portal.FindByLocked(type, request.Query("idProperty"), id);
            if (record is null || record.Archived)
            {
                throw HubSpotApiException.ObjectNotFound(id);
            }

            var problems = new List<PropertyProblem>();
            var values = _portal.NormalizeLocked(type, properties, fromApi: true, problems);
            problems.AddRange(HubSpotPortal.MissingRequired(type, values, record));
            if (problems.Count > 0)
            {
                throw HubSpotPortal.ProblemsToException(type, problems);
            }

            if (_portal.FindConflictLocked(type, values, record.Id) is { } conflict)
            {
                throw HubSpotApiException.Conflict(type, conflict.ExistingId.ToString(CultureInfo.InvariantCulture));
            }

            _portal.UpdateLocked(record, values, ChangeOrigin.Api);
            return new ApiResult(200, HubSpotRender.Record(_portal, record, null, allSet: true));
        }
    }

    /// <summary>Archiving is idempotent: an unknown or already archived id also answers 204.</summary>
    public ApiResult Archive(ApiRequest request)
    {
        var type = ObjectType(request);
        using (_portal.Enter())
        {
            if (_portal.FindLocked(type, request.Route("id")) is { } record)
            {
                _portal.ArchiveLocked(record, ChangeOrigin.Api);
            }
        }

        return ApiResult.NoContent;
    }

    public ApiResult BatchRead(ApiRequest request)
    {
        var type = ObjectType(request);
        var body = request.BodyObject();
        var inputs = ApiJson.Inputs(body);
        var properties = ApiJson.Names(body, "properties");
        var idProperty = ApiJson.Text(body["idProperty"], "idProperty");
        var archived = request.QueryFlag("archived");
        var started = request.Now;
        using (_portal.Enter())
        {
            var results = new JsonArray();
            var missing = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (input, i) in inputs.Select((input, i) => (input, i)))
            {
                var id = ApiJson.Text(input["id"], $"inputs[{i}].id") ?? throw HubSpotApiException.Validation($"Invalid input JSON: inputs[{i}].id is required.");
                if (!seen.Add(id))
                {
                    continue;
                }

                var record = _portal.FindByLocked(type, idProperty, id);
                if (record is null || record.Archived != archived)
                {
                    missing.Add(id);
                    continue;
                }

                results.Add(HubSpotRender.Record(_portal, record, properties));
            }

            var errors = missing.Count > 0 ? new List<JsonObject> { NotFound(type, missing) } : [];
            return new ApiResult(errors.Count > 0 ? 207 : 200, HubSpotRender.Batch(results, errors, started, _portal.Now));
        }
    }

    /// <summary>
    /// Batch create. When every input carries an <c>objectWriteTraceId</c> the good inputs are created and the bad
    /// ones come back as 207 errors naming their trace id (facts H-2, H6); otherwise the batch is all or nothing.
    /// </summary>
    public ApiResult BatchCreate(ApiRequest request)
    {
        var type = ObjectType(request);
        var inputs = ApiJson.Inputs(request.BodyObject());
        var started = request.Now;
        var traces = inputs.Select((input, i) => ApiJson.Text(input["objectWriteTraceId"], $"inputs[{i}].objectWriteTraceId")).ToList();
        var traced = inputs.Count > 0 && traces.All(t => !string.IsNullOrEmpty(t));
        using (_portal.Enter())
        {
            var prepared = new List<(Dictionary<string, string?> Values, List<(StoredObject Target, int TypeId, string Category)> Links)>();
            var errors = new List<JsonObject>();
            var results = new JsonArray();
            for (var i = 0; i < inputs.Count; i++)
            {
                HubSpotApiException? failure = null;
                Dictionary<string, string?> values = [];
                List<(StoredObject, int, string)> links = [];
                try
                {
                    var problems = new List<PropertyProblem>();
                    values = _portal.NormalizeLocked(type, ApiJson.Properties(inputs[i]), fromApi: true, problems);
                    problems.AddRange(HubSpotPortal.MissingRequired(type, values, existing: null));
                    if (problems.Count > 0)
                    {
                        throw HubSpotPortal.ProblemsToException(type, problems);
                    }

                    links = ReadAssociations(type, inputs[i]);
                }
                catch (HubSpotApiException ex)
                {
                    failure = ex;
                }

                if (!traced)
                {
                    if (failure is not null)
                    {
                        throw failure;
                    }

                    prepared.Add((values, links));
                    continue;
                }

                var trace = traces[i]!;
                if (failure is null && _portal.FindConflictLocked(type, values, selfId: null) is { } conflict)
                {
                    var existing = conflict.ExistingId.ToString(CultureInfo.InvariantCulture);
                    errors.Add(HubSpotErrors.StandardError(
                        HubSpotErrors.Conflict,
                        HubSpotErrors.ConflictMessage(type, existing),
                        new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal) { ["objectWriteTraceId"] = [trace], ["id"] = [existing] }));
                    continue;
                }

                if (failure is not null)
                {
                    errors.Add(HubSpotErrors.StandardError(failure.Category, failure.Message, HubSpotErrors.Context("objectWriteTraceId", trace), failure.Details));
                    continue;
                }

                var record = _portal.CreateLocked(type, values, ChangeOrigin.Api);
                Link(record, links);
                var json = HubSpotRender.Record(_portal, record, null, allSet: true);
                json["objectWriteTraceId"] = trace;
                results.Add(json);
            }

            if (!traced)
            {
                CheckAtomicConflicts(type, prepared.Select(p => p.Values).ToList());
                foreach (var (values, links) in prepared)
                {
                    var record = _portal.CreateLocked(type, values, ChangeOrigin.Api);
                    Link(record, links);
                    results.Add(HubSpotRender.Record(_portal, record, null, allSet: true));
                }
            }

            return new ApiResult(errors.Count > 0 ? 207 : 201, HubSpotRender.Batch(results, errors, started, _portal.Now));
        }
    }

    public ApiResult BatchUpdate(ApiRequest request)
    {
        var type = ObjectType(request);
        var inputs = ApiJson.Inputs(request.BodyObject());
        var started = request.Now;
        using (_portal.Enter())
        {
            var ids = inputs.Select((input, i) => ApiJson.Text(input["id"], $"inputs[{i}].id") ?? throw HubSpotApiException.Validation($"Invalid input JSON: inputs[{i}].id is required.")).ToList();
            RejectDuplicateIds(ids);
            var results = new JsonArray();
            var errors = new List<JsonObject>();
            var missing = new List<string>();
            for (var i = 0; i < inputs.Count; i++)
            {
                var input = inputs[i];
                var id = ids[i];
                var trace = ApiJson.Text(input["objectWriteTraceId"], $"inputs[{i}].objectWriteTraceId");
                var record = _portal.FindByLocked(type, ApiJson.Text(input["idProperty"], $"inputs[{i}].idProperty"), id);
                if (record is null || record.Archived)
                {
                    missing.Add(id);
                    continue;
                }

                var problems = new List<PropertyProblem>();
                var values = _portal.NormalizeLocked(type, ApiJson.Properties(input), fromApi: true, problems);
                problems.AddRange(HubSpotPortal.MissingRequired(type, values, record));
                if (problems.Count > 0)
                {
                    var failure = HubSpotPortal.ProblemsToException(type, problems);
                    errors.Add(HubSpotErrors.StandardError(failure.Category, failure.Message, InputContext(id, trace), failure.Details));
                    continue;
                }

                if (_portal.FindConflictLocked(type, values, record.Id) is { } conflict)
                {
                    var existing = conflict.ExistingId.ToString(CultureInfo.InvariantCulture);
                    errors.Add(HubSpotErrors.StandardError(HubSpotErrors.Conflict, HubSpotErrors.ConflictMessage(type, existing), InputContext(id, trace)));
                    continue;
                }

                _portal.UpdateLocked(record, values, ChangeOrigin.Api);
                var json = HubSpotRender.Record(_portal, record, null, allSet: true);
                if (trace is not null)
                {
                    json["objectWriteTraceId"] = trace;
                }

                results.Add(json);
            }

            if (missing.Count > 0)
            {
                errors.Insert(0, NotFound(type, missing));
            }

            return new ApiResult(errors.Count > 0 ? 207 : 200, HubSpotRender.Batch(results, errors, started, _portal.Now));
        }
    }

    /// <summary>Upsert by a unique property: an existing live record is updated, otherwise one is created with that value.</summary>
    public ApiResult BatchUpsert(ApiRequest request)
    {
        var type = ObjectType(request);
        var inputs = ApiJson.Inputs(request.BodyObject());
        var started = request.Now;
        using (_portal.Enter())
        {
            var keys = new List<(string Id, string IdProperty)>();
            for (var i = 0; i < inputs.Count; i++)
            {
                var id = ApiJson.Text(inputs[i]["id"], $"inputs[{i}].id") ?? throw HubSpotApiException.Validation($"Invalid input JSON: inputs[{i}].id is required.");
                var idProperty = ApiJson.Text(inputs[i]["idProperty"], $"inputs[{i}].idProperty")
                    ?? throw HubSpotApiException.Validation($"Invalid input JSON: inputs[{i}].idProperty is required for upsert.");
                if (!_portal.IsUniqueLocked(type, idProperty))
                {
                    throw HubSpotApiException.Validation($"Property \"{idProperty}\" is not a unique property of {type}, so it cannot be used as idProperty.");
                }

                keys.Add((id, idProperty));
            }

            RejectDuplicateIds([.. keys.Select(k => k.IdProperty + "\n" + (k.IdProperty == "email" ? k.Id.ToLowerInvariant() : k.Id))], keys.Select(k => k.Id).ToList());
            var results = new JsonArray();
            var errors = new List<JsonObject>();
            for (var i = 0; i < inputs.Count; i++)
            {
                var (id, idProperty) = keys[i];
                var trace = ApiJson.Text(inputs[i]["objectWriteTraceId"], $"inputs[{i}].objectWriteTraceId");
                var properties = ApiJson.Properties(inputs[i]);
                var existing = _portal.FindByLocked(type, idProperty, id) is { Archived: false } live ? live : null;
                if (existing is null)
                {
                    properties[idProperty] = id;
                }

                var problems = new List<PropertyProblem>();
                var values = _portal.NormalizeLocked(type, properties, fromApi: true, problems);
                problems.AddRange(HubSpotPortal.MissingRequired(type, values, existing));
                if (problems.Count > 0)
                {
                    var failure = HubSpotPortal.ProblemsToException(type, problems);
                    errors.Add(HubSpotErrors.StandardError(failure.Category, failure.Message, InputContext(id, trace), failure.Details));
                    continue;
                }

                if (_portal.FindConflictLocked(type, values, existing?.Id) is { } conflict)
                {
                    var other = conflict.ExistingId.ToString(CultureInfo.InvariantCulture);
                    errors.Add(HubSpotErrors.StandardError(HubSpotErrors.Conflict, HubSpotErrors.ConflictMessage(type, other), InputContext(id, trace)));
                    continue;
                }

                StoredObject record;
                if (existing is null)
                {
                    record = _portal.CreateLocked(type, values, ChangeOrigin.Api);
                }
                else
                {
                    _portal.UpdateLocked(existing, values, ChangeOrigin.Api);
                    record = existing;
                }

                var json = HubSpotRender.Record(_portal, record, null, allSet: true);
                json["new"] = existing is null;
                results.Add(json);
            }

            return new ApiResult(errors.Count > 0 ? 207 : 200, HubSpotRender.Batch(results, errors, started, _portal.Now));
        }
    }

    /// <summary>Batch archive answers 204 whatever the ids (unknown ones are skipped).</summary>
    public ApiResult BatchArchive(ApiRequest request)
    {
        var type = ObjectType(request);
        var inputs = ApiJson.Inputs(request.BodyObject());
        using (_portal.Enter())
        {
            for (var i = 0; i < inputs.Count; i++)
            {
                var id = ApiJson.Text(inputs[i]["id"], $"inputs[{i}].id") ?? throw HubSpotApiException.Validation($"Invalid input JSON: inputs[{i}].id is required.");
                if (_portal.FindLocked(type, id) is { } record)
                {
                    _portal.ArchiveLocked(record, ChangeOrigin.Api);
                }
            }
        }

        return ApiResult.NoContent;
    }

    /// <summary>The inline <c>associations</c> of a create: each type id must start at this object type and its target must exist.</summary>
    private List<(StoredObject Target, int TypeId, string Category)> ReadAssociations(string type, JsonObject input)
    {
        var links = new List<(StoredObject, int, string)>();
        var items = ApiJson.Array(input, "associations");
        if (items is null)
        {
            return links;
        }

        for (var i = 0; i < items.Count; i++)
        {
            var item = ApiJson.Object(items[i], $"associations[{i}]");
            var toId = ApiJson.Text(ApiJson.Object(item["to"], $"associations[{i}].to")["id"], $"associations[{i}].to.id")
                ?? throw HubSpotApiException.Validation($"Invalid input JSON: associations[{i}].to.id is required.");
            var types = ApiJson.Array(item, "types");
            if (types is null || types.Count == 0)
            {
                throw HubSpotApiException.Validation($"Invalid input JSON: associations[{i}].types must list at least one association type.");
            }

            for (var j = 0; j < types.Count; j++)
            {
                var spec = ApiJson.Object(types[j], $"associations[{i}].types[{j}]");
                var category = ApiJson.Text(spec["associationCategory"], "associationCategory") ?? "HUBSPOT_DEFINED";
                var typeIdText = ApiJson.Text(spec["associationTypeId"], "associationTypeId");
                if (!int.TryParse(typeIdText, NumberStyles.None, CultureInfo.InvariantCulture, out var typeId))
                {
                    throw HubSpotApiException.Validation($"Invalid input JSON: associations[{i}].types[{j}].associationTypeId must be an integer, was \"{typeIdText}\".");
                }

                var toType = category == "HUBSPOT_DEFINED" ? HubSpotAssociationTypes.TargetOf(type, typeId) : null;
                if (toType is null)
                {
                    throw HubSpotApiException.Validation($"Association type {typeId} ({category}) is not defined from {HubSpotObjectTypes.Singular(type)}.");
                }

                var target = _portal.FindLocked(toType, toId);
                if (target is null || target.Archived)
                {
                    throw HubSpotApiException.Validation(
                        $"Cannot associate with {HubSpotObjectTypes.Singular(toType)} {toId}: it does not exist.",
                        context: HubSpotErrors.Context("id", toId));
                }

                links.Add((target, typeId, category));
            }
        }

        return links;
    }

    private void Link(StoredObject record, List<(StoredObject Target, int TypeId, string Category)> links)
    {
        foreach (var (target, typeId, category) in links)
        {
            _portal.AssociateLocked(record, target, typeId, category, ChangeOrigin.Api);
        }
    }

    /// <summary>All-or-nothing create: any clash with a live record is a 409; two inputs with the same unique value are a 400.</summary>
    private void CheckAtomicConflicts(string type, List<Dictionary<string, string?>> batch)
    {
        var seen = new Dictionary<(string, string), int>();
        for (var i = 0; i < batch.Count; i++)
        {
            if (_portal.FindConflictLocked(type, batch[i], selfId: null) is { } conflict)
            {
                throw HubSpotApiException.Conflict(type, conflict.ExistingId.ToString(CultureInfo.InvariantCulture));
            }

            foreach (var (name, value) in batch[i])
            {
                if (value is not null && _portal.IsUniqueLocked(type, name) && !seen.TryAdd((name, value), i))
                {
                    throw HubSpotApiException.Validation($"Duplicate value \"{value}\" for unique property {name} in batch inputs {seen[(name, value)]} and {i}.");
                }
            }
        }
    }

    private static void RejectDuplicateIds(IReadOnlyList<string> keys, IReadOnlyList<string>? shown = null)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var duplicates = keys.Select((key, i) => (key, i)).Where(k => !seen.Add(k.key)).Select(k => (shown ?? keys)[k.i]).Distinct().ToList();
        if (duplicates.Count > 0)
        {
            throw HubSpotApiException.Validation($"Duplicate IDs found in batch input: [{string.Join(", ", duplicates)}]. IDs must be unique");
        }
    }

    private static JsonObject NotFound(string type, IReadOnlyList<string> ids) => HubSpotErrors.StandardError(
        HubSpotErrors.ObjectNotFound,
        $"Could not get some {HubSpotObjectTypes.Singular(type).ToUpperInvariant()} objects, they may be deleted or not exist. Check that ids are valid.",
        new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal) { ["ids"] = ids });

    private static Dictionary<string, IReadOnlyList<string>> InputContext(string id, string? trace)
    {
        var context = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal) { ["ids"] = [id] };
        if (trace is not null)
        {
            context["objectWriteTraceId"] = [trace];
        }

        return context;
    }
}

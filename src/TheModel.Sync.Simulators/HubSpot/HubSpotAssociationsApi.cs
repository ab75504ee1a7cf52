using System.Globalization;
using System.Text.Json.Nodes;

namespace TheModel.Sync.Simulators.HubSpot;

/// <summary>The v4 association endpoints (facts H-6): default (unlabelled) and typed associations after the fact, and reading them back, one record or a batch at a time.</summary>
internal sealed class HubSpotAssociationsApi
{
    /// <summary>
    /// Associations per page of a list and per input of a batch read, and the default <c>limit</c>: 500, which the
    /// vendor's clients describe for the list ("Limit 1000 per call" in one SDK's comment; the page size is not in
    /// crm-api-facts.md).
    /// </summary>
    public const int AssociationsPageLimit = 500;

    private readonly HubSpotPortal _portal;

    public HubSpotAssociationsApi(HubSpotPortal portal) => _portal = portal;

    /// <summary><c>PUT /crm/v4/objects/{fromType}/{fromId}/associations/default/{toType}/{toId}</c>.</summary>
    public ApiResult PutDefault(ApiRequest request)
    {
        var fromType = HubSpotObjectsApi.ObjectType(request, "fromType");
        var toType = HubSpotObjectsApi.ObjectType(request, "toType");
        var typeId = DefaultType(fromType, toType);
        using (_portal.Enter())
        {
            var from = Live(fromType, request.Route("fromId"));
            var to = Live(toType, request.Route("toId"));
            _portal.AssociateLocked(from, to, typeId, "HUBSPOT_DEFINED", ChangeOrigin.Api);
            return new ApiResult(200, HubSpotRender.Batch([DefaultResult(from, to, typeId)], [], request.Now, _portal.Now));
        }
    }

    /// <summary><c>POST /crm/v4/associations/{fromType}/{toType}/batch/associate/default</c>.</summary>
    public ApiResult BatchDefault(ApiRequest request)
    {
        var fromType = HubSpotObjectsApi.ObjectType(request, "fromType");
        var toType = HubSpotObjectsApi.ObjectType(request, "toType");
        var typeId = DefaultType(fromType, toType);
        var inputs = ApiJson.Inputs(request.BodyObject());
        using (_portal.Enter())
        {
            var results = new JsonArray();
            var errors = new List<JsonObject>();
            for (var i = 0; i < inputs.Count; i++)
            {
                var (fromId, toId) = Ends(inputs[i], i);
                if (Pair(fromType, fromId, toType, toId, errors) is not { } pair)
                {
                    continue;
                }

                var (from, to) = pair;

                _portal.AssociateLocked(from, to, typeId, "HUBSPOT_DEFINED", ChangeOrigin.Api);
                results.Add(DefaultResult(from, to, typeId));
            }

            return new ApiResult(errors.Count > 0 ? 207 : 200, HubSpotRender.Batch(results, errors, request.Now, _portal.Now));
        }
    }

    /// <summary><c>POST /crm/v4/associations/{fromType}/{toType}/batch/create</c> with explicit association types.</summary>
    public ApiResult BatchCreate(ApiRequest request)
    {
        var fromType = HubSpotObjectsApi.ObjectType(request, "fromType");
        var toType = HubSpotObjectsApi.ObjectType(request, "toType");
        var inputs = ApiJson.Inputs(request.BodyObject());
        using (_portal.Enter())
        {
            var results = new JsonArray();
            var errors = new List<JsonObject>();
            for (var i = 0; i < inputs.Count; i++)
            {
                var (fromId, toId) = Ends(inputs[i], i);
                var specs = ReadTypes(inputs[i], i);
                var invalid = specs.Where(s => s.Category != "HUBSPOT_DEFINED" || !HubSpotAssociationTypes.IsValid(fromType, toType, s.TypeId)).ToList();
                if (invalid.Count > 0)
                {
                    errors.Add(HubSpotErrors.StandardError(
                        HubSpotErrors.ValidationError,
                        $"Association type {invalid[0].TypeId} ({invalid[0].Category}) is not defined from {HubSpotObjectTypes.Singular(fromType)} to {HubSpotObjectTypes.Singular(toType)}.",
                        HubSpotErrors.Context("fromObjectId", fromId)));
                    continue;
                }

                if (Pair(fromType, fromId, toType, toId, errors) is not { } pair)
                {
                    continue;
                }

                var (from, to) = pair;

                foreach (var (category, typeId) in specs)
                {
                    _portal.AssociateLocked(from, to, typeId, category, ChangeOrigin.Api);
                }

                results.Add(new JsonObject
                {
                    ["fromObjectTypeId"] = HubSpotObjectTypes.TypeId(fromType),
                    ["fromObjectId"] = from.Id,
                    ["toObjectTypeId"] = HubSpotObjectTypes.TypeId(toType),
                    ["toObjectId"] = to.Id,
                    ["labels"] = new JsonArray(),
                });
            }

            return new ApiResult(errors.Count > 0 ? 207 : 201, HubSpotRender.Batch(results, errors, request.Now, _portal.Now));
        }
    }

    /// <summary>
    /// <c>GET /crm/v4/objects/{fromType}/{fromId}/associations/{toType}?limit=&amp;after=</c>: one item per associated
    /// record with every association type that links them, in id order, <see cref="AssociationsPageLimit"/> at most a
    /// page; <c>paging.next.after</c> only when more follow.
    /// </summary>
    public ApiResult List(ApiRequest request)
    {
        var fromType = HubSpotObjectsApi.ObjectType(request, "fromType");
        var toType = HubSpotObjectsApi.ObjectType(request, "toType");
        var limit = request.QueryInt("limit", AssociationsPageLimit);
        if (limit <= 0)
        {
            limit = AssociationsPageLimit;
        }

        limit = Math.Min(limit, AssociationsPageLimit);
        var after = Cursor(request.Query("after"), "after");
        using (_portal.Enter())
        {
            var from = Live(fromType, request.Route("fromId"));
            var (results, next) = Page(from, toType, after, limit);
            var body = new JsonObject { ["results"] = results };
            if (next is not null)
            {
                body["paging"] = HubSpotRender.Paging(request, next);
            }

            return new ApiResult(200, body);
        }
    }

    /// <summary>
    /// <c>POST /crm/v4/associations/{fromType}/{toType}/batch/read</c> with <c>{inputs:[{id, after?}]}</c>: per input
    /// <c>{from:{id}, to:[…], paging?}</c>, a page of <see cref="AssociationsPageLimit"/> each. An unknown or archived
    /// id, and one with no associations of that type, is left out of <c>results</c> and named in a 207's
    /// <c>errors</c> (the second with subCategory <c>crm.associations.NO_ASSOCIATIONS_FOUND</c>).
    /// </summary>
    public ApiResult BatchRead(ApiRequest request)
    {
        var fromType = HubSpotObjectsApi.ObjectType(request, "fromType");
        var toType = HubSpotObjectsApi.ObjectType(request, "toType");
        var inputs = ApiJson.Inputs(request.BodyObject());
        var started = request.Now;
        using (_portal.Enter())
        {
            var results = new JsonArray();
            var errors = new List<JsonObject>();
            var missing = new List<string>();
            for (var i = 0; i < inputs.Count; i++)
            {
                var id = ApiJson.Text(inputs[i]["id"], $"inputs[{i}].id") ?? throw HubSpotApiException.Validation($"Invalid input JSON: inputs[{i}].id is required.");
                var after = Cursor(ApiJson.Text(inputs[i]["after"], $"inputs[{i}].after"), $"inputs[{i}].after");
                if (_portal.FindLocked(fromType, id) is not { Archived: false } from)
                {
                    missing.Add(id);
                    continue;
                }

                var (to, next) = Page(from, toType, after, AssociationsPageLimit);
                if (to.Count == 0)
                {
                    var error = HubSpotErrors.StandardError(
                        HubSpotErrors.ObjectNotFound,
                        $"No {HubSpotObjectTypes.Singular(toType)} is associated with {HubSpotObjectTypes.Singular(fromType)} {from.IdText}.",
                        HubSpotErrors.Context("fromObjectId", from.IdText));
                    error["subCategory"] = "crm.associations.NO_ASSOCIATIONS_FOUND";
                    errors.Add(error);
                    continue;
                }

                var item = new JsonObject { ["from"] = new JsonObject { ["id"] = from.IdText }, ["to"] = to };
                if (next is not null)
                {
                    item["paging"] = new JsonObject { ["next"] = new JsonObject { ["after"] = next } };
                }

                results.Add(item);
            }

            if (missing.Count > 0)
            {
                errors.Insert(0, HubSpotErrors.StandardError(
                    HubSpotErrors.ObjectNotFound,
                    $"Could not get some {HubSpotObjectTypes.Singular(fromType).ToUpperInvariant()} objects, they may be deleted or not exist. Check that ids are valid.",
                    new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal) { ["ids"] = missing }));
            }

            return new ApiResult(errors.Count > 0 ? 207 : 200, HubSpotRender.Batch(results, errors, started, _portal.Now));
        }
    }

    /// <summary>
    /// The associated records of one type from <paramref name="from"/>, from the id <paramref name="after"/> on, in id
    /// order: at most <paramref name="limit"/>, and the cursor of the next page when there is one.
    /// </summary>
    private (JsonArray Results, string? Next) Page(StoredObject from, string toType, long after, int limit)
    {
        var groups = _portal.AssociationsLocked(from)
            .Where(a => a.ToType == toType)
            .GroupBy(a => long.Parse(a.ToId, CultureInfo.InvariantCulture))
            .Where(g => g.Key >= after)
            .OrderBy(g => g.Key)
            .Take(limit + 1)
            .ToList();
        var results = new JsonArray();
        foreach (var group in groups.Take(limit))
        {
            var types = new JsonArray();
            foreach (var edge in group)
            {
                types.Add(new JsonObject { ["category"] = edge.Category, ["typeId"] = edge.TypeId, ["label"] = Label(edge.TypeId) });
            }

            results.Add(new JsonObject { ["toObjectId"] = group.Key, ["associationTypes"] = types });
        }

        var next = groups.Count > limit ? groups[limit].Key.ToString(CultureInfo.InvariantCulture) : null;
        return (results, next);
    }

    /// <summary>An <c>after</c> cursor: the simulator's are the id the next page starts at; anything else is a 400.</summary>
    private static long Cursor(string? text, string name)
    {
        if (text is null)
        {
            return 0;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var after)
            ? after
            : throw HubSpotApiException.Validation($"{name} must be a cursor returned by a previous page, was \"{text}\".");
    }

    /// <summary>HubSpot names the primary association types; the unlabelled ones have a null label.</summary>
    private static string? Label(int typeId) => typeId is HubSpotAssociationTypes.PrimaryContactToCompany or HubSpotAssociationTypes.PrimaryDealToCompany
        ? "Primary"
        : null;

    private static int DefaultType(string fromType, string toType) =>
        HubSpotAssociationTypes.Default(fromType, toType)
        ?? throw HubSpotApiException.Validation($"There is no default association from {HubSpotObjectTypes.Singular(fromType)} to {HubSpotObjectTypes.Singular(toType)}.");

    private StoredObject Live(string type, string id) =>
        _portal.FindLocked(type, id) is { Archived: false } record ? record : throw HubSpotApiException.ObjectNotFound(id);

    private (StoredObject From, StoredObject To)? Pair(string fromType, string fromId, string toType, string toId, List<JsonObject> errors)
    {
        var from = _portal.FindLocked(fromType, fromId);
        var to = _portal.FindLocked(toType, toId);
        var missing = new List<string>();
        if (from is null || from.Archived)
        {
            missing.Add(fromId);
        }

        if (to is null || to.Archived)
        {
            missing.Add(toId);
        }

        if (missing.Count > 0)
        {
            errors.Add(HubSpotErrors.StandardError(
                HubSpotErrors.ObjectNotFound,
                $"No {HubSpotObjectTypes.Singular(fromType)} {fromId} or no {HubSpotObjectTypes.Singular(toType)} {toId} to associate.",
                new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal) { ["ids"] = missing }));
            return null;
        }

        return (from!, to!);
    }

    private static (string FromId, string ToId) Ends(JsonObject input, int i)
    {
        var from = ApiJson.Text(ApiJson.Object(input["from"], $"inputs[{i}].from")["id"], $"inputs[{i}].from.id");
        var to = ApiJson.Text(ApiJson.Object(input["to"], $"inputs[{i}].to")["id"], $"inputs[{i}].to.id");
        return from is null || to is null
            ? throw HubSpotApiException.Validation($"Invalid input JSON: inputs[{i}] needs from.id and to.id.")
            : (from, to);
    }

    private static List<(string Category, int TypeId)> ReadTypes(JsonObject input, int i)
    {
        var types = ApiJson.Array(input, "types");
        if (types is null || types.Count == 0)
        {
            throw HubSpotApiException.Validation($"Invalid input JSON: inputs[{i}].types must list at least one association type.");
        }

        var specs = new List<(string, int)>();
        for (var j = 0; j < types.Count; j++)
        {
            var spec = ApiJson.Object(types[j], $"inputs[{i}].types[{j}]");
            var category = ApiJson.Text(spec["associationCategory"], "associationCategory") ?? "HUBSPOT_DEFINED";
            var typeIdText = ApiJson.Text(spec["associationTypeId"], "associationTypeId");
            if (!int.TryParse(typeIdText, NumberStyles.None, CultureInfo.InvariantCulture, out var typeId))
            {
                throw HubSpotApiException.Validation($"Invalid input JSON: inputs[{i}].types[{j}].associationTypeId must be an integer, was \"{typeIdText}\".");
            }

            specs.Add((category, typeId));
        }

        return specs;
    }

    private static JsonObject DefaultResult(StoredObject from, StoredObject to, int typeId) => new()
    {
        ["from"] = new JsonObject { ["id"] = from.IdText },
        ["to"] = new JsonObject { ["id"] = to.IdText },
        ["associationSpec"] = new JsonObject { ["associationCategory"] = "HUBSPOT_DEFINED", ["associationTypeId"] = typeId },
    };
}

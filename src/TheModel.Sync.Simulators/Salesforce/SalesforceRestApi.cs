using System.Globalization;
using System.Text.Json.Nodes;
using TheModel.Sync.Simulators.Faults;
using TheModel.Sync.Simulators.Salesforce.Soql;

namespace TheModel.Sync.Simulators.Salesforce;

/// <summary>API calls used in the rolling 24 hours against the allocation.</summary>
internal sealed class ApiUsageCounter(long limit)
{
    private long _used;

    public long Limit { get; } = limit;

    public long Used => Interlocked.Read(ref _used);

    public long Increment() => Interlocked.Increment(ref _used);

    public void Set(long used) => Interlocked.Exchange(ref _used, used);

    public string Header => $"api-usage={Used}/{Limit}";
}

/// <summary>
/// The REST resources under <c>/services/data/vXX.X/</c>: query and queryMore, sObject rows, sObject Collections and
/// Composite. Every call runs synchronously under the org's lock inside one org transaction; Composite runs its
/// subrequests through <see cref="Dispatch"/> like top-level requests.
/// </summary>
internal sealed partial class SalesforceRestApi
{
    public const int MaxCollectionRecords = 200;
    public const int MaxChunks = 10;
    public const int MaxSubrequests = 25;
    public const int MaxCollectionOrQuerySubrequests = 5;
    public const int DefaultBatchSize = 2000;
    public const int MinBatchSize = 200;

    private const string RolledBackMessage = "Record rolled back because not all records were valid and the request was using AllOrNone header";
    private const string HaltedMessage = "The transaction was rolled back since another operation in the same transaction failed.";
    private const string NotFoundMessage = "The requested resource does not exist";

    private readonly SalesforceOrg _org;
    private readonly string _version;
    private readonly FaultPlan _faults;
    private readonly ApiUsageCounter _usage;
    private readonly Action<string> _countEndpoint;
    private readonly Action<RestRequest, RestResponse, string> _logSubrequest;
    private readonly QueryCursors _cursors = new();

    public SalesforceRestApi(
        SalesforceOrg org,
        string version,
        FaultPlan faults,
        ApiUsageCounter usage,
        Action<string> countEndpoint,
        Action<RestRequest, RestResponse, string> logSubrequest)
    {
        _org = org;
        _version = version;
        _faults = faults;
        _usage = usage;
        _countEndpoint = countEndpoint;
        _logSubrequest = logSubrequest;
    }

    /// <summary>Answers one call. Top-level calls may be Composite; subrequests may not. The caller holds the org's lock.</summary>
    public RestResponse Dispatch(RestRequest request, string userId, bool topLevel)
    {
        try
        {
            return Route(request, userId, topLevel);
        }
        catch (RestException e)
        {
            return e.ToResponse();
        }
    }

    private RestResponse Route(RestRequest request, string userId, bool topLevel)
    {
        var method = request.Method;
        switch (request.Path)
        {
            case ["limits"]:
                Count(method, "limits");
                return Allow(method, "GET") ?? Limits();
            case ["query" or "queryAll"]:
                Count(method, request.Path[0]);
                return Allow(method, "GET") ?? Query(request, request.Path[0] == "queryAll");
            case ["query" or "queryAll", var locator]:
                Count(method, request.Path[0] + "/{locator}");
                return Allow(method, "GET") ?? QueryMore(request, locator);
            case ["sobjects", var type]:
                Count(method, $"sobjects/{type}");
                return Allow(method, "POST") ?? CreateOne(request, userId, RequireType(type));
            case ["sobjects", var type, "describe"]:
                Count(method, $"sobjects/{type}/describe");
                return Allow(method, "GET") ?? Describe(RequireType(type));
            case ["sobjects", var type, var id]:
                Count(method, $"sobjects/{type}/{{id}}");
                return Allow(method, "GET", "PATCH", "DELETE") ?? method switch
                {
                    "GET" => ReadOne(request, RequireType(type), id),
                    "PATCH" => UpdateOne(request, userId, RequireType(type), id),
                    _ => DeleteOne(RequireType(type), id),
                };
            case ["sobjects", var type, var field, var value]:
                Count(method, $"sobjects/{type}/{field}/{{value}}");
                return Allow(method, "PATCH") ?? UpsertOne(request, userId, RequireType(type), field, value);
            case ["composite", "sobjects"]:
                Count(method, "composite/sobjects");
                return Allow(method, "POST", "PATCH") ?? WriteCollection(request, userId, method == "POST" ? CollectionWrite.Create : CollectionWrite.Update, null, null);
            case ["composite", "sobjects", var type]:
                Count(method, $"composite/sobjects/{type}");
                return Allow(method, "GET", "POST") ?? ReadCollection(request, RequireType(type));
            case ["composite", "sobjects", var type, var field]:
                Count(method, $"composite/sobjects/{type}/{field}");
                return Allow(method, "PATCH") ?? WriteCollection(request, userId, CollectionWrite.Upsert, RequireType(type), field);
            case ["composite"] when topLevel:
                Count(method, "composite");
                return Allow(method, "POST") ?? Composite(request, userId);
            default:
                return RestResponse.Error(404, "NOT_FOUND", NotFoundMessage);
        }
    }

    private void Count(string method, string template) => _countEndpoint($"{method} {template}");

    private static RestResponse? Allow(string method, params string[] allowed) =>
        allowed.Contains(method, StringComparer.Ordinal)
            ? null
            : RestResponse.Error(405, "METHOD_NOT_ALLOWED", $"HTTP Method '{method}' not allowed. Allowed are {string.Join(",", allowed)}");

    private ObjectDef RequireType(string name) =>
        _org.FindObject(name) ?? throw new RestException(404, "NOT_FOUND", NotFoundMessage);

    private string Url(ObjectDef type, string id) => $"/services/data/{_version}/sobjects/{type.Name}/{id}";

    // ---- limits and query ----

    private RestResponse Limits() => RestResponse.Json(200, new JsonObject
    {
        ["DailyApiRequests"] = new JsonObject { ["Max"] = _usage.Limit, ["Remaining"] = Math.Max(0, _usage.Limit - _usage.Used) },
    });

    private RestResponse Query(RestRequest request, bool includeDeleted)
    {
        var soql = request.QueryValue("q");
        if (string.IsNullOrWhiteSpace(soql))
        {
            throw new RestException(400, "MALFORMED_QUERY", "A query string has to be specified");
        }

        List<JsonObject> rows;
        try
        {
            rows = _org.Query(soql, _version, includeDeleted);
        }
        catch (SoqlException e)
        {
            throw new RestException(400, e.ErrorCode, e.Message);
        }

        var batch = BatchSize(request);
        if (rows.Count <= batch)
        {
            return Page(null, rows, 0, batch);
        }

        var locator = _org.NewId("01g");
        _cursors.Open(locator, rows);
        return Page(locator, rows, 0, batch);
    }

    private RestResponse QueryMore(RestRequest request, string locatorAndOffset)
    {
        var dash = locatorAndOffset.LastIndexOf('-');
        var rows = dash > 0 ? _cursors.Find(locatorAndOffset[..dash]) : null;
        if (rows is null || !int.TryParse(locatorAndOffset.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            throw new RestException(400, "INVALID_QUERY_LOCATOR", "invalid query locator");
        }

        return Page(locatorAndOffset[..dash], rows, offset, BatchSize(request));
    }

    private RestResponse Page(string? locator, List<JsonObject> rows, int offset, int batch)
    {
        var end = Math.Min(rows.Count, offset + batch);
        var body = new JsonObject { ["totalSize"] = rows.Count, ["done"] = end >= rows.Count };
        if (end < rows.Count)
        {
            body["nextRecordsUrl"] = $"/services/data/{_version}/query/{locator}-{end}";
        }

        var records = new JsonArray();
        for (var i = Math.Min(offset, end); i < end; i++)
        {
            records.Add(rows[i].DeepClone());
        }

        body["records"] = records;
        return RestResponse.Json(200, body);
    }

    /// <summary><c>Sforce-Query-Options: batchSize=N</c>, held to 200–2,000; absent or unreadable means 2,000.</summary>
    private static int BatchSize(RestRequest request)
    {
        var header = request.Header("Sforce-Query-Options");
        if (header is null)
        {
            return DefaultBatchSize;
        }

        foreach (var part in header.Split([',', ';'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=');
            if (equals > 0 && part[..equals].Trim().Equals("batchSize", StringComparison.OrdinalIgnoreCase)
                && int.TryParse(part[(equals + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var size))
            {
                return Math.Clamp(size, MinBatchSize, DefaultBatchSize);
            }
        }

        return DefaultBatchSize;
    }

    /// <summary>A subset of the describe result: enough to read field types and picklist values (e.g. Lead Status).</summary>
    private static RestResponse Describe(ObjectDef type)
    {
        var fields = new JsonArray();
        foreach (var field in type.Fields)
        {
            var picklist = new JsonArray();
            foreach (var value in field.Picklist ?? [])
            {
                picklist.Add(new JsonObject
                {
                    ["active"] = true,
                    ["defaultValue"] = Equals(field.Default, value),
                    ["label"] = value,
                    ["value"] = value,
                });
            }

            fields.Add(new JsonObject
            {
                ["name"] = field.Name,
                ["type"] = DescribeType(field),
                ["createable"] = field.Createable,
                ["updateable"] = field.Updateable,
                ["nillable"] = !field.Required && field.Type != SalesforceFieldType.Boolean && field.Type != SalesforceFieldType.Id,
                ["externalId"] = field.IsExternalId,
                ["unique"] = field.IsExternalId,
                ["caseSensitive"] = field.IsExternalId,
                ["custom"] = ObjectDef.IsCustomName(field.Name),
                ["picklistValues"] = picklist,
            });
        }

        return RestResponse.Json(200, new JsonObject
        {
            ["name"] = type.Name,
            ["keyPrefix"] = type.KeyPrefix,
            ["createable"] = true,
            ["updateable"] = true,
            ["queryable"] = true,
            ["fields"] = fields,
        });
    }

    private static string DescribeType(FieldDef field) => field.Type switch
    {
        SalesforceFieldType.Id => "id",
        SalesforceFieldType.Reference => "reference",
        SalesforceFieldType.Boolean => "boolean",
        SalesforceFieldType.Integer => "int",
        SalesforceFieldType.Number => field.Name is "AnnualRevenue" or "Amount" ? "currency" : field.Name == "Probability" ? "percent" : "double",
        SalesforceFieldType.Date => "date",
        SalesforceFieldType.DateTime => "datetime",
        _ when field.Picklist is not null => "picklist",
        _ => field.Name switch
        {
            "Email" => "email",
            "Phone" => "phone",
            "Website" => "url",
            _ => "string",
        },
    };

    // ---- single records ----

    private RestResponse ReadOne(RestRequest request, ObjectDef type, string id)
    {
        var record = _org.Find(id);
        if (record is null || record.Type != type)
        {
            throw new RestException(404, "NOT_FOUND", NotFoundMessage);
        }

        if (record.IsDeleted)
        {
            throw new RestException(404, "ENTITY_IS_DELETED", "entity is deleted", []);
        }

        return RestResponse.Json(200, _org.Render(record, _version, Fields(type, request.QueryValue("fields"))));
    }

    private RestResponse CreateOne(RestRequest request, string userId, ObjectDef type)
    {
        var record = ParseBody(type, request.Body);
        RejectUnknownFields(type, record);
        var result = _org.Create(type, record, Context(request, userId));
        return result.Success
            ? new RestResponse(201, result.ToJson(), new Dictionary<string, string> { ["Location"] = Url(type, result.Id!) })
            : RecordFailure(result);
    }

    private RestResponse UpdateOne(RestRequest request, string userId, ObjectDef type, string id)
    {
        var existing = _org.Find(id);
        if (existing is null || existing.Type != type)
        {
            throw new RestException(404, "NOT_FOUND", NotFoundMessage);
        }

        if (existing.IsDeleted)
        {
            throw new RestException(404, "ENTITY_IS_DELETED", "entity is deleted", []);
        }

        var record = ParseBody(type, request.Body);
        RejectUnknownFields(type, record);
        var result = _org.Update(type, record with { Id = existing.Id, HasId = true }, Context(request, userId));
        return result.Success ? RestResponse.NoContent() : RecordFailure(result);
    }

    private RestResponse DeleteOne(ObjectDef type, string id)
    {
        var existing = _org.Find(id);
        if (existing is null || existing.Type != type)
        {
            throw new RestException(404, "NOT_FOUND", NotFoundMessage);
        }

        var result = _org.Remove(type, existing.Id);
        return result.Success ? RestResponse.NoContent() : RecordFailure(result);
    }

    private RestResponse UpsertOne(RestRequest request, string userId, ObjectDef type, string fieldName, string value)
    {
        var key = ExternalIdField(type, fieldName);
        var record = ParseBody(type, request.Body);
        RejectUnknownFields(type, record);
        var values = new Dictionary<string, object?>(record.Values, StringComparer.Ordinal);
        if (key.Type == SalesforceFieldType.Id)
        {
            record = record with { Id = value, HasId = true };
        }
        else
        {
            values[key.Name] = value;
        }

        var result = _org.Upsert(type, key, record with { Values = values }, Context(request, userId));
        if (!result.Success)
        {
            return RecordFailure(result);
        }

        return result.Created == true
            ? new RestResponse(201, result.ToJson(), new Dictionary<string, string> { ["Location"] = Url(type, result.Id!) })
            : RestResponse.Json(200, result.ToJson());
    }

    private FieldDef ExternalIdField(ObjectDef type, string name) =>
        type.Find(name) is { } field && (field.IsExternalId || field.Type == SalesforceFieldType.Id)
            ? field
            : throw new RestException(404, "NOT_FOUND", $"Provided external ID field does not exist or is not accessible: {name}");

    private static ParsedRecord ParseBody(ObjectDef type, JsonNode? body) => body is JsonObject json
        ? SalesforceOrg.Parse(type, json)
        : throw new RestException(400, "JSON_PARSER_ERROR", "The request body must be a JSON object of field values.");

    /// <summary>Single-record REST rejects an unknown field for the whole request (Collections report it per record).</summary>
    private static void RejectUnknownFields(ObjectDef type, ParsedRecord record)
    {
        if (record.UnknownFields.Count > 0)
        {
            throw new RestException(400, "INVALID_FIELD", $"No such column '{record.UnknownFields[0]}' on sobject of type {type.Name}");
        }
    }

    private static RestResponse RecordFailure(SaveResult result)
    {
        var error = result.Errors[0];
        var status = error.StatusCode is "ENTITY_IS_DELETED" or "NOT_FOUND" ? 404 : 400;
        return RestResponse.Error(status, error.StatusCode, error.Message, error.Fields);
    }

    private WriteContext Context(RestRequest request, string userId) =>
        new(request.Header("Sforce-Auto-Assign"), userId, FromApi: true, _faults);

    private static List<FieldDef>? Fields(ObjectDef type, string? list)
    {
        if (string.IsNullOrWhiteSpace(list))
        {
            return null;
        }

        var fields = new List<FieldDef>();
        foreach (var name in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var field = type.Find(name) ?? throw new RestException(400, "INVALID_FIELD",
                $"No such column '{name}' on entity '{type.Name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.");
            if (!fields.Contains(field))
            {
                fields.Add(field);
            }
        }

        return fields;
    }
}

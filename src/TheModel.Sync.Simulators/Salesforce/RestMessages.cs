using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TheModel.Sync.Simulators.Salesforce;

/// <summary>A request-level failure, answered with the REST error array (facts file S-7).</summary>
internal sealed class RestException(int status, string errorCode, string message, IReadOnlyList<string>? fields = null)
    : Exception(message)
{
    public int Status { get; } = status;

    public string ErrorCode { get; } = errorCode;

    public IReadOnlyList<string>? Fields { get; } = fields;

    public RestResponse ToResponse() => RestResponse.Error(Status, ErrorCode, Message, Fields);
}

/// <summary>
/// One REST call inside the org: a top-level HTTP request or a Composite subrequest. <see cref="Path"/> is the part
/// after <c>/services/data/vXX.X/</c>, already split and unescaped.
/// </summary>
internal sealed record RestRequest(
    string Method,
    IReadOnlyList<string> Path,
    IReadOnlyDictionary<string, string> Query,
    IReadOnlyDictionary<string, string> Headers,
    JsonNode? Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public string? QueryValue(string name) => Query.TryGetValue(name, out var value) ? value : null;

    public bool IsWrite => Method is not ("GET" or "HEAD");
}

/// <summary>The answer to a <see cref="RestRequest"/>: status, JSON body (null for 204) and extra headers.</summary>
internal sealed record RestResponse(int Status, JsonNode? Body, IReadOnlyDictionary<string, string> Headers)
{
    private static readonly IReadOnlyDictionary<string, string> NoHeaders = new Dictionary<string, string>();

    public static RestResponse Json(int status, JsonNode? body) => new(status, body, NoHeaders);

    public static RestResponse NoContent() => new(204, null, NoHeaders);

    /// <summary>The top-level REST error body: <c>[{"message","errorCode","fields"?}]</c>.</summary>
    public static RestResponse Error(int status, string errorCode, string message, IReadOnlyList<string>? fields = null) =>
        Json(status, ErrorArray(errorCode, message, fields));

    public static JsonArray ErrorArray(string errorCode, string message, IReadOnlyList<string>? fields = null)
    {
        var error = new JsonObject { ["message"] = message, ["errorCode"] = errorCode };
        if (fields is not null)
        {
            error["fields"] = new JsonArray([.. fields.Select(f => (JsonNode?)JsonValue.Create(f))]);
        }

        return [error];
    }
}

/// <summary>A per-record error of a SaveResult: sObject Collections name the code <c>statusCode</c>, not <c>errorCode</c>.</summary>
internal sealed record RecordError(string StatusCode, string Message, IReadOnlyList<string> Fields)
{
    public JsonObject ToJson() => new()
    {
        ["statusCode"] = StatusCode,
        ["message"] = Message,
        ["fields"] = new JsonArray([.. Fields.Select(f => (JsonNode?)JsonValue.Create(f))]),
    };
}

/// <summary>The outcome of writing one record (a SaveResult or UpsertResult).</summary>
internal sealed record SaveResult(string? Id, IReadOnlyList<RecordError> Errors, bool? Created = null)
{
    public bool Success => Errors.Count == 0;

    public static SaveResult Ok(string id, bool? created = null) => new(id, [], created);

    public static SaveResult Fail(string? id, string statusCode, string message, params string[] fields) =>
        new(id, [new RecordError(statusCode, message, fields)]);

    public JsonObject ToJson()
    {
        var json = new JsonObject();
        if (Id is not null)
        {
            json["id"] = Id;
        }

        json["success"] = Success;
        json["errors"] = new JsonArray([.. Errors.Select(e => (JsonNode)e.ToJson())]);
        if (Created is { } created)
        {
            json["created"] = created;
        }

        return json;
    }
}

internal static class SalesforceJson
{
    /// <summary>Writes <c>+0000</c> and non-ASCII text as they are, like the real API, instead of <c>\u002B</c> escapes.</summary>
    public static JsonSerializerOptions Options { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Serialize(JsonNode? node) => node is null ? string.Empty : node.ToJsonString(Options);
}

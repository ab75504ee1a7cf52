using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace TheModel.Sync.Simulators.HubSpot;

/// <summary>What an endpoint answers: a status and an optional JSON body.</summary>
internal readonly record struct ApiResult(int Status, JsonNode? Body)
{
    public static ApiResult NoContent { get; } = new(204, null);
}

/// <summary>One endpoint: whether it writes (so a lost-response fault may apply it), whether it is search, and its handler.</summary>
internal sealed record HubSpotOperation(bool IsWrite, bool IsSearch, Func<ApiRequest, ApiResult> Handler);

/// <summary>One API request as the handlers see it: route values, query, the raw body and the time it arrived.</summary>
internal sealed class ApiRequest
{
    private JsonNode? _body;
    private bool _parsed;

    public ApiRequest(HttpContext context, string body, DateTimeOffset now)
    {
        Context = context;
        Body = body;
        Now = now;
    }

    public HttpContext Context { get; }

    public string Body { get; }

    public DateTimeOffset Now { get; }

    public string Route(string name) => Context.Request.RouteValues[name] as string ?? string.Empty;

    /// <summary>A query parameter; repeated parameters are joined with commas (HubSpot takes both forms for <c>properties</c>).</summary>
    public string? Query(string name) => Context.Request.Query.TryGetValue(name, out var values) && values.Count > 0 ? values.ToString() : null;

    public bool QueryFlag(string name)
    {
        var text = Query(name);
        if (text is null)
        {
            return false;
        }

        return bool.TryParse(text, out var value)
            ? value
            : throw HubSpotApiException.Validation($"Query parameter {name} must be true or false, was \"{text}\".");
    }

    public int QueryInt(string name, int fallback)
    {
        var text = Query(name);
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw HubSpotApiException.Validation($"Query parameter {name} must be a non-negative integer, was \"{text}\".");
    }

    /// <summary>Comma-separated names from the query, or null when the parameter is absent.</summary>
    public IReadOnlyList<string>? QueryList(string name) =>
        Query(name) is { } text ? [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)] : null;

    /// <summary>The body as a JSON object; a missing, malformed or non-object body is a 400.</summary>
    public JsonObject BodyObject()
    {
        if (!_parsed)
        {
            _parsed = true;
            try
            {
                _body = Body.Length == 0 ? null : JsonNode.Parse(Body);
            }
            catch (JsonException ex)
            {
                var line = (ex.LineNumber ?? 0) + 1;
                var column = (ex.BytePositionInLine ?? 0) + 1;
                throw HubSpotApiException.Validation($"Invalid input JSON on line {line}, column {column}: {ex.Message}");
            }
        }

        return _body as JsonObject ?? throw HubSpotApiException.Validation("Invalid input JSON: the request body must be a JSON object.");
    }
}

/// <summary>Readers for request JSON that turn a wrong shape into a 400 naming the field.</summary>
internal static class ApiJson
{
    public const int MaxBatchInputs = 100;

    public static JsonArray? Array(JsonObject parent, string name) => parent[name] switch
    {
        null => null,
        JsonArray array => array,
        _ => throw HubSpotApiException.Validation($"Invalid input JSON: {name} must be an array."),
    };

    public static JsonObject Object(JsonNode? node, string what) =>
        node as JsonObject ?? throw HubSpotApiException.Validation($"Invalid input JSON: {what} must be an object.");

    /// <summary>A scalar as text: strings as they are, numbers as written, booleans in lower case; null stays null.</summary>
    public static string? Text(JsonNode? node, string what)
    {
        if (node is null)
        {
            return null;
        }

        if (node is JsonValue value)
        {
            return value.GetValueKind() switch
            {
                JsonValueKind.String => value.GetValue<string>(),
                JsonValueKind.Number => value.ToJsonString(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                JsonValueKind.Null => null,
                _ => throw HubSpotApiException.Validation($"Invalid input JSON: {what} must be a string."),
            };
        }

        throw HubSpotApiException.Validation($"Invalid input JSON: {what} must be a string, was {node.GetValueKind()}.");
    }

    /// <summary>A <c>properties</c> object of name to string (or null).</summary>
    public static Dictionary<string, string?> Properties(JsonObject parent, bool required = true)
    {
        var node = parent["properties"];
        if (node is null)
        {
            return required ? throw HubSpotApiException.Validation("Invalid input JSON: properties is required.") : new(StringComparer.Ordinal);
        }

        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (name, value) in Object(node, "properties"))
        {
            values[name] = Text(value, $"properties.{name}");
        }

        return values;
    }

    /// <summary>A string array such as <c>properties</c> in a batch read or a search; null when absent.</summary>
    public static IReadOnlyList<string>? Names(JsonObject parent, string name) =>
        Array(parent, name) is { } array ? [.. array.Select((item, i) => Text(item, $"{name}[{i}]") ?? string.Empty).Where(s => s.Length > 0)] : null;

    /// <summary>The <c>inputs</c> of a batch: present, objects, at most 100.</summary>
    public static IReadOnlyList<JsonObject> Inputs(JsonObject body)
    {
        var inputs = Array(body, "inputs") ?? throw HubSpotApiException.Validation("Invalid input JSON: inputs is required.");
        if (inputs.Count > MaxBatchInputs)
        {
            throw HubSpotApiException.Validation(
                $"Batch input is limited to {MaxBatchInputs} inputs, got {inputs.Count}.",
                context: HubSpotErrors.Context("inputs", inputs.Count.ToString(CultureInfo.InvariantCulture)));
        }

        return [.. inputs.Select((item, i) => Object(item, $"inputs[{i}]"))];
    }
}

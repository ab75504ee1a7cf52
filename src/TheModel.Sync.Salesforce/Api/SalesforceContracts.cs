using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace TheModel.Sync.Salesforce.Api;

/// <summary>The JSON settings for every Salesforce body: names are spelled out on the contracts, nulls in records are kept.</summary>
internal static class SalesforceJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

/// <summary>A successful token response (facts S-2); <c>issued_at</c> and <c>signature</c> are tolerated but unused.</summary>
internal sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("instance_url")] string? InstanceUrl,
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("token_type")] string? TokenType);

/// <summary>The OAuth error body (facts S-2).</summary>
internal sealed record TokenError(
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("error_description")] string? Description);

/// <summary>One page of a query (facts S-3).</summary>
internal sealed record QueryPage(
    [property: JsonPropertyName("totalSize")] long TotalSize,
    [property: JsonPropertyName("done")] bool Done,
    [property: JsonPropertyName("nextRecordsUrl")] string? NextRecordsUrl,
    [property: JsonPropertyName("records")] IReadOnlyList<JsonElement>? Records);

/// <summary>The body of an sObject Collections create, update or upsert (facts S-5).</summary>
internal sealed record CollectionRequest(
    [property: JsonPropertyName("allOrNone")] bool AllOrNone,
    [property: JsonPropertyName("records")] IReadOnlyList<JsonObject> Records);

/// <summary>A Composite request (facts S-6).</summary>
internal sealed record CompositeRequest(
    [property: JsonPropertyName("allOrNone")] bool AllOrNone,
    [property: JsonPropertyName("collateSubrequests")] bool CollateSubrequests,
    [property: JsonPropertyName("compositeRequest")] IReadOnlyList<CompositeSubrequest> Subrequests);

internal sealed record CompositeSubrequest(
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("referenceId")] string ReferenceId,
    [property: JsonPropertyName("body")] CollectionRequest Body,
    [property: JsonPropertyName("httpHeaders")] IReadOnlyDictionary<string, string> HttpHeaders);

internal sealed record CompositeResponse(
    [property: JsonPropertyName("compositeResponse")] IReadOnlyList<CompositeSubresponse>? Responses);

internal sealed record CompositeSubresponse(
    [property: JsonPropertyName("body")] JsonElement Body,
    [property: JsonPropertyName("httpStatusCode")] int HttpStatusCode,
    [property: JsonPropertyName("referenceId")] string? ReferenceId);

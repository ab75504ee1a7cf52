using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;

namespace TheModel.Sync.Simulators.Salesforce;

/// <summary>Composite (facts file S-6): up to 25 subrequests run in order through <see cref="Dispatch"/>, with references and allOrNone.</summary>
internal sealed partial class SalesforceRestApi
{
    private RestResponse Composite(RestRequest request, string userId)
    {
        if (request.Body is not JsonObject body || body["compositeRequest"] is not JsonArray array || array.Count == 0)
        {
            throw new RestException(400, "JSON_PARSER_ERROR", "The body must be an object with a non-empty compositeRequest array.");
        }

        if (array.Count > MaxSubrequests)
        {
            throw new RestException(400, "LIMIT_EXCEEDED",
                $"A composite request may have at most {MaxSubrequests} subrequests; this one has {array.Count}.");
        }

        var allOrNone = body["allOrNone"] is JsonValue flag && flag.GetValueKind() == JsonValueKind.True;
        var subrequests = new List<Subrequest>();
        var referenceIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in array)
        {
            var sub = Subrequest.Read(node);
            if (!referenceIds.Add(sub.ReferenceId))
            {
                throw new RestException(400, "JSON_PARSER_ERROR", $"Duplicate referenceId '{sub.ReferenceId}': each subrequest needs its own.");
            }

            subrequests.Add(sub);
        }

        var heavy = subrequests.Count(s => s.IsCollectionOrQuery(_version));
        if (heavy > MaxCollectionOrQuerySubrequests)
        {
            throw new RestException(400, "LIMIT_EXCEEDED",
                $"A composite request may have at most {MaxCollectionOrQuerySubrequests} sObject Collections or query subrequests; this one has {heavy}.");
        }

        var savepoint = _org.Savepoint();
        var entries = new JsonObject[subrequests.Count];
        var statuses = new int[subrequests.Count];
        var results = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        var halted = false;
        for (var i = 0; i < subrequests.Count; i++)
        {
            var sub = subrequests[i];
            if (halted)
            {
                entries[i] = Halted(sub.ReferenceId, HaltedMessage);
                statuses[i] = 400;
                continue;
            }

            RestResponse response;
            if (!TrySubstitute(sub, results, out var url, out var subBody, out var unresolved))
            {
                response = RestResponse.Error(400, "PROCESSING_HALTED", unresolved!);
                entries[i] = Entry(sub.ReferenceId, response);
            }
            else
            {
                var inner = BuildSubrequest(sub, url, subBody, request.Headers);
                response = inner is null ? RestResponse.Error(404, "NOT_FOUND", NotFoundMessage) : Dispatch(inner, userId, topLevel: false);
                _logSubrequest(inner ?? new RestRequest(sub.Method, [url], new Dictionary<string, string>(), request.Headers, subBody), response, sub.ReferenceId);
                entries[i] = Entry(sub.ReferenceId, response);
            }

            statuses[i] = response.Status;
            if (response.Status < 400)
            {
                results[sub.ReferenceId] = response.Body;
            }
            else if (allOrNone)
            {
                _org.RollbackTo(savepoint);
                halted = true;
                for (var j = 0; j < i; j++)
                {
                    if (statuses[j] < 400)
                    {
                        entries[j] = Halted(subrequests[j].ReferenceId, HaltedMessage);
                        statuses[j] = 400;
                    }
                }
            }
        }

        return RestResponse.Json(200, new JsonObject { ["compositeResponse"] = new JsonArray([.. entries]) });
    }

    private static JsonObject Entry(string referenceId, RestResponse response)
    {
        var headers = new JsonObject();
        foreach (var (name, value) in response.Headers)
        {
            headers[name] = value;
        }

        return new JsonObject
        {
            ["body"] = response.Body,
            ["httpHeaders"] = headers,
            ["httpStatusCode"] = response.Status,
            ["referenceId"] = referenceId,
        };
    }

    private static JsonObject Halted(string referenceId, string message) =>
        Entry(referenceId, RestResponse.Json(400, new JsonArray(new JsonObject { ["errorCode"] = "PROCESSING_HALTED", ["message"] = message })));

    /// <summary>Turns a subrequest URL into a request; null when it is not under this org's <c>/services/data/vXX.X/</c>.</summary>
    private RestRequest? BuildSubrequest(Subrequest sub, string url, JsonNode? body, IReadOnlyDictionary<string, string> outerHeaders)
    {
        var question = url.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? url : url[..question];
        var prefix = $"/services/data/{_version}/";
        if (!path.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var segments = path[prefix.Length..].TrimEnd('/').Split('/').Select(Uri.UnescapeDataString).ToList();
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        if (question >= 0)
        {
            foreach (var (name, values) in QueryHelpers.ParseQuery(url[question..]))
            {
                query[name] = values.ToString();
            }
        }

        var headers = new Dictionary<string, string>(outerHeaders, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in sub.Headers)
        {
            headers[name] = value;
        }

        return new RestRequest(sub.Method, segments, query, headers, body);
    }

    /// <summary>Replaces <c>@{ref.path}</c> in the URL and in every string of the body with earlier successful results.</summary>
    private static bool TrySubstitute(
        Subrequest sub, Dictionary<string, JsonNode?> results, out string url, out JsonNode? body, out string? unresolved)
    {
        string? failure = null;
        string Replace(string text) => Reference().Replace(text, match =>
        {
            var value = failure is null ? Resolve(results, match.Groups[1].Value, match.Groups[2].Value) : null;
            if (value is null)
            {
                failure ??= $"Invalid reference specified. No value for {match.Groups[1].Value}.{match.Groups[2].Value} found in {match.Groups[1].Value}.";
                return match.Value;
            }

            return value;
        });

        JsonNode? Walk(JsonNode? node) => node switch
        {
            JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Walk(p.Value)))),
            JsonArray a => new JsonArray([.. a.Select(Walk)]),
            JsonValue v when v.GetValueKind() == JsonValueKind.String => JsonValue.Create(Replace(v.GetValue<string>())),
            _ => node?.DeepClone(),
        };

        url = Replace(sub.Url);
        body = Walk(sub.Body);
        unresolved = failure;
        return failure is null;
    }

    private static string? Resolve(Dictionary<string, JsonNode?> results, string referenceId, string path)
    {
        if (!results.TryGetValue(referenceId, out var node))
        {
            return null;
        }

        foreach (Match step in PathStep().Matches(path))
        {
            node = step.Groups[1].Success
                ? (node as JsonObject)?[step.Groups[1].Value]
                : node is JsonArray array && int.TryParse(step.Groups[2].Value, CultureInfo.InvariantCulture, out var index) && index < array.Count
                    ? array[index]
                    : null;
            if (node is null)
            {
                return null;
            }
        }

        return node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : node?.ToJsonString();
    }

    [GeneratedRegex(@"@\{([A-Za-z0-9_]+)\.([^}]+)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Reference();

    [GeneratedRegex(@"([^.\[\]]+)|\[([0-9]+)\]", RegexOptions.CultureInvariant)]
    private static partial Regex PathStep();

    private sealed partial record Subrequest(string Method, string Url, string ReferenceId, JsonNode? Body, IReadOnlyDictionary<string, string> Headers)
    {
        public static Subrequest Read(JsonNode? node)
        {
            if (node is not JsonObject json
                || Text(json, "method") is not { } method
                || Text(json, "url") is not { } url
                || Text(json, "referenceId") is not { } referenceId)
            {
                throw new RestException(400, "JSON_PARSER_ERROR",
                    $"Each subrequest needs method, url and referenceId; got {node?.ToJsonString() ?? "null"}.");
            }

            if (!ReferenceIdPattern().IsMatch(referenceId))
            {
                throw new RestException(400, "JSON_PARSER_ERROR",
                    $"referenceId '{referenceId}' must start with a letter and hold only letters, digits and underscores.");
            }

            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (json["httpHeaders"] is JsonObject headerObject)
            {
                foreach (var (name, value) in headerObject)
                {
                    headers[name] = value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : value?.ToJsonString() ?? string.Empty;
                }
            }

            return new Subrequest(method.ToUpperInvariant(), url, referenceId, json["body"], headers);
        }

        public bool IsCollectionOrQuery(string version)
        {
            var prefix = $"/services/data/{version}/";
            var path = Url.StartsWith(prefix, StringComparison.Ordinal) ? Url[prefix.Length..] : Url;
            return path.StartsWith("composite/sobjects", StringComparison.Ordinal)
                || path.StartsWith("query", StringComparison.Ordinal);
        }

        private static string? Text(JsonObject json, string name) =>
            json[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

        [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
        private static partial Regex ReferenceIdPattern();
    }
}

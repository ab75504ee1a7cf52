using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace TheModel.Sync.HubSpot.Tests.Support;

/// <summary>HubSpot-shaped answers (crm-api-facts.md Part 2): the bodies and headers the connector must handle.</summary>
internal static class Replies
{
    public const string Unauthorized = """{"status":"error","message":"Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview","correlationId":"4f1e2d3c-5b6a-4798-8a9b-0c1d2e3f4a5b","category":"INVALID_AUTHENTICATION"}""";
    public const string TenSecondly = """{"status":"error","message":"You have reached your ten_secondly_rolling limit.","errorType":"RATE_LIMIT","correlationId":"5a7f3c1e-9b2d-4e8a-a1f0-3c6d7e8f9a0b","policyName":"TEN_SECONDLY_ROLLING"}""";
    public const string Daily = """{"status":"error","message":"You have reached your daily limit.","errorType":"RATE_LIMIT","correlationId":"c033cdaa-2c40-4a64-ae48-b4cec88dad24","policyName":"DAILY","requestId":"3d3e35b7-0dae-4b9f-a6e3-9c230cbcf8dd"}""";
    public const string SearchSecondly = """{"status":"error","message":"You have reached your secondly limit.","correlationId":"0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0","category":"RATE_LIMITS"}""";
    public const string PagingTooFar = """{"status":"error","message":"Paging beyond 10000 results is not supported.","correlationId":"6e5d4c3b-2a19-4807-b6a5-948372615049","category":"VALIDATION_ERROR"}""";

    public static IResponseMessage Json(int status, string json, IReadOnlyDictionary<string, string>? headers = null)
    {
        var all = new Dictionary<string, WireMockList<string>>(StringComparer.OrdinalIgnoreCase)
        {
            ["Content-Type"] = new("application/json;charset=utf-8"),
        };
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            all[name] = new WireMockList<string>(value);
        }

        return new ResponseMessage
        {
            StatusCode = status,
            Headers = all,
            BodyData = new BodyData { BodyAsString = json, DetectedBodyType = BodyType.String, Encoding = Encoding.UTF8 },
        };
    }

    /// <summary>Answers with each reply in turn, then keeps giving the last one (a small state machine; no WireMock scenarios).</summary>
    public static Func<IRequestMessage, IResponseMessage> Sequence(params Func<IResponseMessage>[] replies)
    {
        var served = -1;
        return _ => replies[Math.Min(Interlocked.Increment(ref served), replies.Length - 1)]();
    }

    public static IResponseBuilder JsonResponse(int status, string json) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json;charset=utf-8").WithBody(json);

    public static string Iso(long ms) =>
        DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static JsonObject Object(string id, params (string Name, string? Value)[] properties)
    {
        var props = new JsonObject { ["hs_object_id"] = id };
        foreach (var (name, value) in properties)
        {
            props[name] = value;
        }

        return new JsonObject
        {
            ["id"] = id,
            ["properties"] = props,
            ["createdAt"] = "2026-11-01T10:00:00.000Z",
            ["updatedAt"] = "2026-11-02T09:30:12.345Z",
            ["archived"] = false,
        };
    }

    /// <summary>A 200/201/207 batch body; <paramref name="errors"/> make it the 207 shape with <c>numErrors</c>.</summary>
    public static string Batch(IEnumerable<JsonObject> results, params JsonObject[] errors)
    {
        var body = new JsonObject
        {
            ["status"] = "COMPLETE",
            ["results"] = new JsonArray([.. results]),
            ["startedAt"] = "2026-11-27T12:00:00.000Z",
            ["completedAt"] = "2026-11-27T12:00:00.120Z",
        };
        if (errors.Length > 0)
        {
            body["numErrors"] = errors.Length;
            body["errors"] = new JsonArray([.. errors]);
        }

        return body.ToJsonString();
    }

    /// <summary>
    /// A v4 association batch read answer (deals to companies): each input's companies with the unlabelled type 341
    /// (and the primary type 5 for <paramref name="primaryOf"/>'s pick), and for inputs with none the 207 error HubSpot
    /// gives (OBJECT_NOT_FOUND, NO_ASSOCIATIONS_FOUND).
    /// </summary>
    public static IResponseMessage DealCompanies(IRequestMessage request, Func<string, IReadOnlyList<long>> companiesOf, Func<string, long?>? primaryOf = null)
    {
        var results = new List<JsonObject>();
        var errors = new List<JsonObject>();
        foreach (var input in JsonNode.Parse(request.Body!)!["inputs"]!.AsArray())
        {
            var id = (string)input!["id"]!;
            var companies = companiesOf(id);
            if (companies.Count == 0)
            {
                var error = Error("OBJECT_NOT_FOUND", $"No company is associated with deal {id}.", "fromObjectId", id);
                error["subCategory"] = "crm.associations.NO_ASSOCIATIONS_FOUND";
                errors.Add(error);
                continue;
            }

            var to = new JsonArray();
            foreach (var company in companies)
            {
                var types = new JsonArray(new JsonObject { ["category"] = "HUBSPOT_DEFINED", ["typeId"] = 341, ["label"] = null });
                if (primaryOf?.Invoke(id) == company)
                {
                    types.Add(new JsonObject { ["category"] = "HUBSPOT_DEFINED", ["typeId"] = 5, ["label"] = "Primary" });
                }

                to.Add(new JsonObject { ["toObjectId"] = company, ["associationTypes"] = types });
            }

            results.Add(new JsonObject { ["from"] = new JsonObject { ["id"] = id }, ["to"] = to });
        }

        return Json(errors.Count > 0 ? 207 : 200, Batch(results, [.. errors]));
    }

    public static JsonObject Error(string category, string message, string contextKey, params string[] values) => new()
    {
        ["status"] = "error",
        ["category"] = category,
        ["message"] = message,
        ["context"] = new JsonObject { [contextKey] = new JsonArray([.. values.Select(v => (JsonNode)v)]) },
        ["errors"] = new JsonArray(),
        ["links"] = new JsonObject(),
    };
}

/// <summary>
/// A stateful stand-in for CRM search over one object type: filters (EQ, GT, GTE, LT, LTE, IN), one ascending sort,
/// <c>after</c> offsets, the 10,000-result ceiling (400) and the 5-per-second limit (429) on the fake clock. Records
/// sharing a timestamp come back in a scrambled id order, as nothing in the vendor contract orders them.
/// </summary>
internal sealed class SearchEmulator
{
    public const int Ceiling = 10_000;

    private readonly Lock _gate = new();
    private readonly string _modified;
    private readonly List<(long Id, long Ms)> _records;
    private readonly TimeProvider _time;
    private readonly List<DateTimeOffset> _recent = [];

    public SearchEmulator(string modifiedProperty, IEnumerable<(long Id, long Ms)> records, TimeProvider time)
    {
        _modified = modifiedProperty;
        _records = [.. records];
        _time = time;
    }

    public List<JsonNode> Bodies { get; } = [];

    public int CeilingViolations { get; private set; }

    public int SecondlyViolations { get; private set; }

    public SearchEmulator Register(WireMockServer server, string objectType)
    {
        server.Given(Request.Create().WithPath($"/crm/v3/objects/{objectType}/search").UsingPost())
            .RespondWith(Response.Create().WithCallback(Handle));
        return this;
    }

    private IResponseMessage Handle(IRequestMessage request)
    {
        lock (_gate)
        {
            var body = JsonNode.Parse(request.Body!)!;
            Bodies.Add(body);
            var now = _time.GetUtcNow();
            _recent.RemoveAll(t => t <= now - TimeSpan.FromSeconds(1));
            if (_recent.Count >= 5)
            {
                SecondlyViolations++;
                return Replies.Json(429, Replies.SearchSecondly);
            }

            _recent.Add(now);
            var limit = (int)body["limit"]!;
            var after = body["after"] is { } a ? int.Parse((string)a!, CultureInfo.InvariantCulture) : 0;
            if (after + limit > Ceiling)
            {
                CeilingViolations++;
                return Replies.Json(400, Replies.PagingTooFar);
            }

            var groups = body["filterGroups"]!.AsArray();
            var matching = _records.Where(r => groups.Count == 0 || groups.Any(g => g!["filters"]!.AsArray().All(f => Matches(r, f!)))).ToList();
            var sort = (string?)body["sorts"]?[0]?["propertyName"];
            matching = sort == "hs_object_id"
                ? [.. matching.OrderBy(r => r.Id)]
                : [.. matching.OrderBy(r => r.Ms).ThenBy(r => r.Id * 2_654_435_761 % 1_000_003)];
            var page = matching.Skip(after).Take(limit).Select(r => Replies.Object(
                r.Id.ToString(CultureInfo.InvariantCulture),
                (_modified, Replies.Iso(r.Ms)),
                ("createdate", "2026-01-01T00:00:00.000Z")));
            var reply = new JsonObject { ["total"] = matching.Count, ["results"] = new JsonArray([.. page]) };
            if (after + limit < matching.Count)
            {
                var next = (after + limit).ToString(CultureInfo.InvariantCulture);
                reply["paging"] = new JsonObject { ["next"] = new JsonObject { ["after"] = next, ["link"] = "?after=" + next } };
            }

            return Replies.Json(200, reply.ToJsonString());
        }
    }

    private bool Matches((long Id, long Ms) record, JsonNode filter)
    {
        var property = (string)filter["propertyName"]!;
        var value = property == "hs_object_id" ? record.Id : property == _modified ? record.Ms : (long?)null;
        if (value is null)
        {
            return false;
        }

        var op = (string)filter["operator"]!;
        if (op == "IN")
        {
            return filter["values"]!.AsArray().Any(v => long.Parse((string)v!, CultureInfo.InvariantCulture) == value);
        }

        var operand = long.Parse((string)filter["value"]!, CultureInfo.InvariantCulture);
        return op switch
        {
            "EQ" => value == operand,
            "GT" => value > operand,
            "GTE" => value >= operand,
            "LT" => value < operand,
            "LTE" => value <= operand,
            _ => throw new InvalidOperationException($"Unsupported operator {op}"),
        };
    }
}

/// <summary>
/// The ten-secondly burst limit of crm-api-facts.md H-8 on the fake clock: a rolling window of <c>max</c> requests
/// (less <c>others</c>, calls another client of the same app keeps making), <c>X-HubSpot-RateLimit-*</c> headers on
/// every answer and a TEN_SECONDLY_ROLLING 429 when the window is full.
/// </summary>
internal sealed class BurstEmulator(TimeProvider time, long max = 100, long others = 0, long daily = 250_000)
{
    private readonly Lock _gate = new();
    private readonly List<DateTimeOffset> _window = [];
    private readonly long _daily = daily;
    private long _dailyRemaining = daily;

    public int Served { get; private set; }

    public int Violations { get; private set; }

    public int PeakInWindow { get; private set; }

    public long DailyRemaining
    {
        get => _dailyRemaining;
        set => _dailyRemaining = value;
    }

    public IResponseMessage Handle(Func<string> body, int status = 200)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            _window.RemoveAll(t => t <= now - TimeSpan.FromSeconds(10));
            var used = _window.Count + others;
            if (used >= max)
            {
                Violations++;
                return Replies.Json(429, Replies.TenSecondly, Headers(0));
            }

            _window.Add(now);
            Served++;
            PeakInWindow = Math.Max(PeakInWindow, _window.Count + (int)others);
            _dailyRemaining--;
            return Replies.Json(status, body(), Headers(max - used - 1));
        }
    }

    private Dictionary<string, string> Headers(long remaining) => new()
    {
        ["X-HubSpot-RateLimit-Daily"] = _daily.ToString(CultureInfo.InvariantCulture),
        ["X-HubSpot-RateLimit-Daily-Remaining"] = _dailyRemaining.ToString(CultureInfo.InvariantCulture),
        ["X-HubSpot-RateLimit-Interval-Milliseconds"] = "10000",
        ["X-HubSpot-RateLimit-Max"] = max.ToString(CultureInfo.InvariantCulture),
        ["X-HubSpot-RateLimit-Remaining"] = remaining.ToString(CultureInfo.InvariantCulture),
    };
}

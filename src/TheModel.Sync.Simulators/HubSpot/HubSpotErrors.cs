using System.Text.Json;
using System.Text.Json.Nodes;

namespace TheModel.Sync.Simulators.HubSpot;

/// <summary>One <c>errors[]</c> item of an error body (the spec's <c>ErrorDetail</c>).</summary>
internal sealed record HubSpotErrorDetail(string Message, string? Code = null, string? In = null);

/// <summary>
/// A request the simulator refuses: thrown by the handlers and rendered by the pipeline in HubSpot's error shape
/// (facts H-9), with the request's correlation id.
/// </summary>
internal sealed class HubSpotApiException : Exception
{
    public HubSpotApiException(int status, string category, string message, IReadOnlyDictionary<string, IReadOnlyList<string>>? context = null, IReadOnlyList<HubSpotErrorDetail>? details = null)
        : base(message)
    {
        Status = status;
        Category = category;
        Context = context;
        Details = details;
    }

    public int Status { get; }

    public string Category { get; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>>? Context { get; }

    public IReadOnlyList<HubSpotErrorDetail>? Details { get; }

    public static HubSpotApiException Validation(string message, IReadOnlyList<HubSpotErrorDetail>? details = null, IReadOnlyDictionary<string, IReadOnlyList<string>>? context = null) =>
        new(400, HubSpotErrors.ValidationError, message, context, details);

    /// <summary>The read/update 404 with its two spaces (facts H-9).</summary>
    public static HubSpotApiException ObjectNotFound(string id) =>
        new(404, HubSpotErrors.ObjectNotFound, "Object not found.  objectId are usually numeric.", HubSpotErrors.Context("id", id));

    public static HubSpotApiException Conflict(string type, string existingId) =>
        new(409, HubSpotErrors.Conflict, HubSpotErrors.ConflictMessage(type, existingId));
}

/// <summary>Builders for HubSpot's error bodies (facts H-1, H-8, H-9).</summary>
internal static class HubSpotErrors
{
    public const string ValidationError = "VALIDATION_ERROR";
    public const string ObjectNotFound = "OBJECT_NOT_FOUND";
    public const string Conflict = "CONFLICT";

    public const string AuthenticationMessage =
        "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview";

    public const string TenSecondlyMessage = "You have reached your ten_secondly_rolling limit.";
    public const string DailyMessage = "You have reached your daily limit.";
    public const string SecondlyMessage = "You have reached your secondly limit.";

    public static string ConflictMessage(string type, string existingId)
    {
        var singular = HubSpotObjectTypes.Singular(type);
        return $"{char.ToUpperInvariant(singular[0])}{singular[1..]} already exists. Existing ID: {existingId}";
    }

    public static Dictionary<string, IReadOnlyList<string>> Context(string key, params string[] values) =>
        new(StringComparer.Ordinal) { [key] = values };

    /// <summary>The generic error body: status, message, correlationId, errors, context, category.</summary>
    public static JsonObject Body(string category, string message, string correlationId, IReadOnlyDictionary<string, IReadOnlyList<string>>? context = null, IReadOnlyList<HubSpotErrorDetail>? details = null)
    {
        var body = new JsonObject
        {
            ["status"] = "error",
            ["message"] = message,
            ["correlationId"] = correlationId,
        };
        if (details is { Count: > 0 })
        {
            body["errors"] = Details(details);
        }

        if (context is not null)
        {
            body["context"] = ContextNode(context);
        }

        body["category"] = category;
        return body;
    }

    public static JsonObject Body(HubSpotApiException error, string correlationId) =>
        Body(error.Category, error.Message, correlationId, error.Context, error.Details);

    /// <summary>A <c>StandardError</c> item of a 207 body; the spec marks status, category, message, errors, context and links required.</summary>
    public static JsonObject StandardError(string category, string message, IReadOnlyDictionary<string, IReadOnlyList<string>> context, IReadOnlyList<HubSpotErrorDetail>? details = null) => new()
    {
        ["status"] = "error",
        ["category"] = category,
        ["message"] = message,
        ["errors"] = Details(details ?? []),
        ["context"] = ContextNode(context),
        ["links"] = new JsonObject(),
    };

    public static JsonObject TenSecondly(string correlationId) => new()
    {
        ["status"] = "error",
        ["message"] = TenSecondlyMessage,
        ["errorType"] = "RATE_LIMIT",
        ["correlationId"] = correlationId,
        ["policyName"] = "TEN_SECONDLY_ROLLING",
    };

    public static JsonObject Daily(string correlationId) => new()
    {
        ["status"] = "error",
        ["message"] = DailyMessage,
        ["errorType"] = "RATE_LIMIT",
        ["correlationId"] = correlationId,
        ["policyName"] = "DAILY",
        ["requestId"] = Guid.NewGuid().ToString(),
    };

    public static JsonObject Secondly(string correlationId) => new()
    {
        ["status"] = "error",
        ["message"] = SecondlyMessage,
        ["correlationId"] = correlationId,
        ["category"] = "RATE_LIMITS",
    };

    /// <summary>
    /// A property-level validation failure in HubSpot's recorded wording: the message embeds a JSON list of
    /// <c>{isValid, message, error, name}</c>, and <c>errors[]</c> repeats each message with its code.
    /// </summary>
    public static HubSpotApiException InvalidProperties(IReadOnlyList<PropertyProblem> problems) =>
        HubSpotApiException.Validation(InvalidPropertiesMessage(problems), [.. problems.Select(p => new HubSpotErrorDetail(p.Message, p.Code, p.Name))]);

    public static string InvalidPropertiesMessage(IReadOnlyList<PropertyProblem> problems)
    {
        var list = new JsonArray();
        foreach (var problem in problems)
        {
            list.Add(new JsonObject
            {
                ["isValid"] = false,
                ["message"] = problem.Message,
                ["error"] = problem.Code,
                ["name"] = problem.Name,
            });
        }

        return "Property values were not valid: " + list.ToJsonString(CompactJson);
    }

    internal static JsonSerializerOptions CompactJson { get; } = new() { WriteIndented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static JsonArray Details(IReadOnlyList<HubSpotErrorDetail> details)
    {
        var array = new JsonArray();
        foreach (var detail in details)
        {
            var item = new JsonObject { ["message"] = detail.Message };
            if (detail.In is not null)
            {
                item["in"] = detail.In;
            }

            if (detail.Code is not null)
            {
                item["code"] = detail.Code;
            }

            array.Add(item);
        }

        return array;
    }

    private static JsonObject ContextNode(IReadOnlyDictionary<string, IReadOnlyList<string>> context)
    {
        var node = new JsonObject();
        foreach (var (key, values) in context)
        {
            node[key] = new JsonArray([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);
        }

        return node;
    }
}

/// <summary>Why one property value was refused: <paramref name="Code"/> is HubSpot's error code (<c>PROPERTY_DOESNT_EXIST</c>, <c>INVALID_EMAIL</c>…).</summary>
internal sealed record PropertyProblem(string Name, string Code, string Message);

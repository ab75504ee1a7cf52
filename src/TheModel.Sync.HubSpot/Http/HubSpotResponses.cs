using TheModel.Sync.Application.Http;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TheModel.Sync.HubSpot.Http;

/// <summary>The <c>X-HubSpot-RateLimit-*</c> headers (facts file H-8); each is <see langword="null"/> when missing or unparseable.</summary>
public sealed record HubSpotRateLimits(
    long? DailyLimit,
    long? DailyRemaining,
    int? IntervalMilliseconds,
    long? IntervalMax,
    long? IntervalRemaining);

/// <summary>A HubSpot error body (facts file H-9). The vendor says every field is optional.</summary>
/// <param name="Details">The <c>errors[].message</c> values.</param>
public sealed record HubSpotError(
    string? Status,
    string Message,
    string? Category,
    string? CorrelationId,
    string? PolicyName,
    string? ErrorType,
    IReadOnlyList<string> Details);

/// <summary>Which HubSpot limit a response hit.</summary>
public enum HubSpotLimitKind
{
    /// <summary>Not a 429.</summary>
    None,

    /// <summary>The per-app 10-second burst limit (<c>TEN_SECONDLY_ROLLING</c>); also the fallback for an unrecognised 429.</summary>
    TenSecondly,

    /// <summary>The account's daily limit (<c>DAILY</c>); resets at midnight in the account's time zone.</summary>
    Daily,

    /// <summary>The search API's per-second limit (no <c>policyName</c>).</summary>
    SearchSecondly,
}

/// <summary>Pure parsers for HubSpot response headers and error bodies.</summary>
public static class HubSpotResponses
{
    /// <summary>Daily allocation (private apps).</summary>
    public const string DailyHeader = "X-HubSpot-RateLimit-Daily";
    /// <summary>Daily calls remaining (private apps).</summary>
    public const string DailyRemainingHeader = "X-HubSpot-RateLimit-Daily-Remaining";
    /// <summary>Burst window length, usually 10000.</summary>
    public const string IntervalMillisecondsHeader = "X-HubSpot-RateLimit-Interval-Milliseconds";
    /// <summary>Burst allocation per window.</summary>
    public const string IntervalMaxHeader = "X-HubSpot-RateLimit-Max";
    /// <summary>Burst calls remaining in the window.</summary>
    public const string IntervalRemainingHeader = "X-HubSpot-RateLimit-Remaining";

    private const string SearchSecondlyMessage = "You have reached your secondly limit.";
    private const int MaxRawMessageLength = 200;

    /// <summary>Reads the rate-limit headers through <paramref name="header"/> (name → value or <see langword="null"/>).</summary>
    public static HubSpotRateLimits ParseRateLimitHeaders(Func<string, string?> header)
    {
        ArgumentNullException.ThrowIfNull(header);

        var interval = ParseLong(header(IntervalMillisecondsHeader));
        return new HubSpotRateLimits(
            ParseLong(header(DailyHeader)),
            ParseLong(header(DailyRemainingHeader)),
            interval is >= 0 and <= int.MaxValue ? (int)interval.Value : null,
            ParseLong(header(IntervalMaxHeader)),
            ParseLong(header(IntervalRemainingHeader)));
    }

    /// <summary>Parses an error body; a non-JSON (or non-object) body becomes <see cref="HubSpotError.Message"/> = its first 200 characters.</summary>
    public static HubSpotError ParseError(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                var details = new List<string>();
                if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
                {
                    foreach (var error in errors.EnumerateArray())
                    {
                        if (error.ValueKind == JsonValueKind.Object && ReadString(error, "message") is { } detail)
                        {
                            details.Add(detail);
                        }
                    }
                }

                return new HubSpotError(
                    ReadString(root, "status"),
                    ReadString(root, "message") ?? string.Empty,
                    ReadString(root, "category"),
                    ReadString(root, "correlationId"),
                    ReadString(root, "policyName"),
                    ReadString(root, "errorType"),
                    details);
            }
        }
        catch (JsonException)
        {
        }

        return new HubSpotError(null, Truncate(body), null, null, null, null, []);
    }

    /// <summary>
    /// Classifies a 429 by its body: <c>TEN_SECONDLY_ROLLING</c>, <c>DAILY</c>, or the policy-less search secondly message.
    /// Any other 429 falls back to <see cref="HubSpotLimitKind.TenSecondly"/> so the caller still backs off.
    /// </summary>
    public static HubSpotLimitKind ClassifyRateLimit(int status, HubSpotError error)
    {
        ArgumentNullException.ThrowIfNull(error);

        if (status != 429)
        {
            return HubSpotLimitKind.None;
        }

        if (string.Equals(error.PolicyName, "DAILY", StringComparison.OrdinalIgnoreCase))
        {
            return HubSpotLimitKind.Daily;
        }

        if (string.Equals(error.PolicyName, "TEN_SECONDLY_ROLLING", StringComparison.OrdinalIgnoreCase))
        {
            return HubSpotLimitKind.TenSecondly;
        }

        if (string.IsNullOrEmpty(error.PolicyName)
            && string.Equals(error.Message.Trim(), SearchSecondlyMessage, StringComparison.Ordinal))
        {
            return HubSpotLimitKind.SearchSecondly;
        }

        return HubSpotLimitKind.TenSecondly;
    }

    private static long? ParseLong(string? value) =>
        long.TryParse(value?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var result) ? result : null;

    private static string? ReadString(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Truncate(ReadOnlySpan<byte> body) => ResponseText.Preview(body, MaxRawMessageLength);
}

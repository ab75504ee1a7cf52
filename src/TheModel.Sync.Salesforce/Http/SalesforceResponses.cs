using TheModel.Sync.Application.Http;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TheModel.Sync.Salesforce.Http;

/// <summary>Rolling-24-hour API usage from <c>Sforce-Limit-Info</c> (facts file S-8).</summary>
/// <param name="Used">Calls used in the rolling 24 hours.</param>
/// <param name="Limit">The org's allocation.</param>
public readonly record struct ApiUsage(long Used, long Limit);

/// <summary>One REST error (facts file S-7).</summary>
/// <param name="ErrorCode"><c>errorCode</c> (top-level REST) or <c>statusCode</c> (sObject Collections); empty when absent.</param>
/// <param name="Message"><c>message</c>; empty when absent.</param>
/// <param name="Fields"><c>fields</c>; empty when absent.</param>
public sealed record SalesforceError(string ErrorCode, string Message, IReadOnlyList<string> Fields);

/// <summary>What a client must do with a failed Salesforce response.</summary>
public enum SalesforceFailureKind
{
    /// <summary>Retry with back-off (row lock, 5xx).</summary>
    Transient,

    /// <summary>Refresh the access token, then retry once.</summary>
    SessionExpired,

    /// <summary>API allocation exhausted (<c>REQUEST_LIMIT_EXCEEDED</c>); stop calling until usage falls.</summary>
    LimitExceeded,

    /// <summary>Do not retry: the request or record is at fault.</summary>
    Permanent,
}

/// <summary>Pure parsers for Salesforce REST response headers and error bodies.</summary>
public static class SalesforceResponses
{
    /// <summary>The error code used when the body is not the documented JSON shape.</summary>
    public const string UnparseableErrorCode = "UNPARSEABLE";

    private const int MaxRawMessageLength = 200;

    /// <summary>
    /// Parses <c>Sforce-Limit-Info</c>, e.g. <c>api-usage=18/5000</c> or <c>api-usage=10018/100000; api-bursts=1/750</c>.
    /// Other parts (<c>api-bursts</c>, <c>per-app-api-usage</c>) are ignored.
    /// </summary>
    /// <returns><see langword="false"/> when the header is absent or has no well-formed <c>api-usage</c> part.</returns>
    public static bool TryParseLimitInfo(string? header, out ApiUsage usage)
    {
        usage = default;
        if (string.IsNullOrWhiteSpace(header))
        {
            return false;
        }

        foreach (var part in header.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=');
            if (equals <= 0 || !part.AsSpan(0, equals).Trim().Equals("api-usage", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var value = part.AsSpan(equals + 1).Trim();
            var slash = value.IndexOf('/');
            if (slash <= 0
                || !long.TryParse(value[..slash], NumberStyles.None, CultureInfo.InvariantCulture, out var used)
                || !long.TryParse(value[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var limit))
            {
                return false;
            }

            usage = new ApiUsage(used, limit);
            return true;
        }

        return false;
    }

    /// <summary>
    /// Parses an error body: the documented JSON array, a single error object, or anything else
    /// (→ one <see cref="UnparseableErrorCode"/> error carrying the first 200 characters).
    /// </summary>
    public static IReadOnlyList<SalesforceError> ParseErrors(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            switch (root.ValueKind)
            {
                case JsonValueKind.Array:
                    var errors = new List<SalesforceError>();
                    foreach (var item in root.EnumerateArray())
                    {
                        if (item.ValueKind == JsonValueKind.Object)
                        {
                            errors.Add(ReadError(item));
                        }
                    }

                    return errors;
                case JsonValueKind.Object:
                    return [ReadError(root)];
            }
        }
        catch (JsonException)
        {
        }

        return [new SalesforceError(UnparseableErrorCode, Truncate(body), [])];
    }

    /// <summary>Classifies a failed response. Error codes win over the status; unknown failures are permanent.</summary>
    public static SalesforceFailureKind Classify(int status, IReadOnlyList<SalesforceError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);

        if (status == 401 || HasCode(errors, "INVALID_SESSION_ID"))
        {
            return SalesforceFailureKind.SessionExpired;
        }

        if (HasCode(errors, "REQUEST_LIMIT_EXCEEDED"))
        {
            return SalesforceFailureKind.LimitExceeded;
        }

        if (HasCode(errors, "UNABLE_TO_LOCK_ROW") || status is 500 or 502 or 503 or 504)
        {
            return SalesforceFailureKind.Transient;
        }

        return SalesforceFailureKind.Permanent;
    }

    private static bool HasCode(IReadOnlyList<SalesforceError> errors, string code)
    {
        foreach (var error in errors)
        {
            if (string.Equals(error.ErrorCode, code, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static SalesforceError ReadError(JsonElement item)
    {
        var code = ReadString(item, "errorCode") ?? ReadString(item, "statusCode") ?? string.Empty;
        var message = ReadString(item, "message") ?? string.Empty;
        var fields = new List<string>();
        if (item.TryGetProperty("fields", out var array) && array.ValueKind == JsonValueKind.Array)
        {
            foreach (var field in array.EnumerateArray())
            {
                if (field.ValueKind == JsonValueKind.String)
                {
                    fields.Add(field.GetString()!);
                }
            }
        }

        return new SalesforceError(code, message, fields);
    }

    private static string? ReadString(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Truncate(ReadOnlySpan<byte> body) => ResponseText.Preview(body, MaxRawMessageLength);
}

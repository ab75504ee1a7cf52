using System.Text;
using TheModel.Sync.HubSpot.Http;

namespace TheModel.Sync.HubSpot.Api;

/// <summary>
/// A HubSpot call that failed after the resilience handler's retries: an error answer (with its parsed body), or no
/// answer at all (<see cref="StatusCode"/> is null: connection failure, timeout, open circuit).
/// </summary>
internal sealed class HubSpotApiException : Exception
{
    private HubSpotApiException(string message, int? statusCode, HubSpotError? error, Exception? inner)
        : base(message, inner)
    {
        StatusCode = statusCode;
        Error = error;
    }

    public int? StatusCode { get; }

    public HubSpotError? Error { get; }

    public string? Category => Error?.Category;

    /// <summary>401 or 403: the token is wrong, revoked or lacks a scope; nothing will work until an operator fixes it.</summary>
    public bool IsAuthentication => StatusCode is 401 or 403;

    /// <summary>The request may have been applied even though no success came back (no answer, 408 or a 5xx).</summary>
    public bool OutcomeUnknown => StatusCode is null or 408 or >= 500;

    public static HubSpotApiException FromResponse(string operation, int statusCode, string? body)
    {
        var error = HubSpotResponses.ParseError(Encoding.UTF8.GetBytes(body ?? string.Empty));
        var text = new StringBuilder()
            .Append("HubSpot ").Append(operation).Append(" failed: ").Append(statusCode);
        if (error.Category is { Length: > 0 } category)
        {
            text.Append(' ').Append(category);
        }
        else if (error.PolicyName is { Length: > 0 } policy)
        {
            text.Append(' ').Append(policy);
        }

        if (error.Message.Length > 0)
        {
            text.Append(": ").Append(error.Message);
        }

        foreach (var detail in error.Details)
        {
            text.Append(" / ").Append(detail);
        }

        if (error.CorrelationId is { Length: > 0 } correlation)
        {
            text.Append(" (correlation id ").Append(correlation).Append(')');
        }

        if (statusCode is 401 or 403)
        {
            text.Append(". Check HubSpot:AccessToken: it must be a valid private app token with the crm.objects.* and crm.objects.owners.read scopes.");
        }

        return new HubSpotApiException(text.ToString(), statusCode, error, null);
    }

    public static HubSpotApiException FromTransport(string operation, Exception inner) =>
        new($"HubSpot {operation} got no answer: {inner.GetType().Name}: {inner.Message}", null, null, inner);
}

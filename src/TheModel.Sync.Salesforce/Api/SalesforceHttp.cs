using System.Net;
using System.Text;
using System.Text.Json;
using TheModel.Sync.Salesforce.Http;

namespace TheModel.Sync.Salesforce.Api;

/// <summary>Reads raw Salesforce responses: JSON bodies on success, the error array (facts S-7) otherwise.</summary>
internal static class SalesforceHttp
{
    private const int MaxContextLength = 300;

    /// <summary>The body as <typeparamref name="T"/>; a non-success status or an unreadable body becomes a <see cref="SalesforceApiException"/>.</summary>
    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, string operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw Failure(response.StatusCode, body, operation);
        }

        try
        {
            return JsonSerializer.Deserialize<T>(body, SalesforceJson.Options)
                ?? throw new JsonException("the body was null");
        }
        catch (JsonException e)
        {
            throw new SalesforceApiException(
                $"Salesforce {operation} answered HTTP {(int)response.StatusCode} with a body that is not the documented shape ({e.Message}).",
                response.StatusCode,
                SalesforceResponses.UnparseableErrorCode);
        }
    }

    /// <summary>"HTTP 400 MALFORMED_QUERY: unexpected token" for a failed response body.</summary>
    public static SalesforceApiException Failure(HttpStatusCode status, ReadOnlySpan<byte> body, string operation)
    {
        var errors = SalesforceResponses.ParseErrors(body);
        var code = errors.Count > 0 ? errors[0].ErrorCode : string.Empty;
        return new SalesforceApiException(
            $"Salesforce {operation} failed with HTTP {(int)status}: {Describe(errors)}",
            status,
            code);
    }

    /// <summary>"CODE: message; CODE2: message2", the form outcomes and exceptions carry.</summary>
    public static string Describe(IReadOnlyList<SalesforceError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count == 0)
        {
            return "no error details";
        }

        var text = new StringBuilder();
        foreach (var error in errors)
        {
            if (text.Length > 0)
            {
                text.Append("; ");
            }

            text.Append(error.ErrorCode.Length > 0 ? error.ErrorCode : "UNKNOWN").Append(": ").Append(error.Message);
        }

        return text.ToString();
    }

    /// <summary>Long SOQL (an <c>IN</c> list of hundreds of ids) shortened for messages.</summary>
    public static string Shorten(string text) =>
        text.Length <= MaxContextLength ? text : string.Concat(text.AsSpan(0, MaxContextLength), "…");
}

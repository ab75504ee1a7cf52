using System.Net;

namespace TheModel.Sync.Salesforce.Api;

/// <summary>
/// A Salesforce REST call that failed after the pipeline's retries. It is an <see cref="HttpRequestException"/> so the
/// worker can handle it like any other HTTP failure (status included) without knowing this assembly's types.
/// </summary>
internal sealed class SalesforceApiException : HttpRequestException
{
    public SalesforceApiException(string message, HttpStatusCode? statusCode, string errorCode)
        : base(message, inner: null, statusCode)
    {
        ErrorCode = errorCode;
    }

    /// <summary>The first <c>errorCode</c> of the body (e.g. <c>MALFORMED_QUERY</c>); empty when there was none.</summary>
    public string ErrorCode { get; }
}

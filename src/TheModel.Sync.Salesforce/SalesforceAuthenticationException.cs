namespace TheModel.Sync.Salesforce;

/// <summary>
/// Salesforce refused to issue an access token (facts S-2: <c>{"error","error_description"}</c>). Retrying will not help
/// until the connected app, user or key is fixed. The message carries the OAuth error, never a secret.
/// </summary>
public sealed class SalesforceAuthenticationException : Exception
{
    public SalesforceAuthenticationException()
    {
    }

    public SalesforceAuthenticationException(string message)
        : base(message)
    {
    }

    public SalesforceAuthenticationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SalesforceAuthenticationException(string message, string? error, int? statusCode)
        : base(message)
    {
        Error = error;
        StatusCode = statusCode;
    }

    /// <summary>The OAuth <c>error</c> code, e.g. <c>invalid_grant</c>; null when the body had none.</summary>
    public string? Error { get; }

    /// <summary>The token endpoint's HTTP status; null when the failure was not an HTTP answer.</summary>
    public int? StatusCode { get; }
}

namespace TheModel.Sync.Salesforce.Auth;

/// <summary>
/// One access token and the instance it is valid for. Not a record on purpose: a generated <c>ToString</c> would
/// print the token into any log line that formats the session.
/// </summary>
internal sealed class SalesforceSession(string accessToken, Uri instanceUrl)
{
    /// <summary>
    /// The base address the data clients are built with. Requests are written against it and moved onto the current
    /// token's <c>instance_url</c> just before they are sent, because the instance is only known after login.
    /// </summary>
    public static readonly Uri PlaceholderBaseAddress = new("http://salesforce-instance.invalid/");

    public string AccessToken { get; } = accessToken;

    public Uri InstanceUrl { get; } = instanceUrl;

    /// <summary>The same path and query on this session's instance.</summary>
    public Uri Resolve(Uri requestUri)
    {
        ArgumentNullException.ThrowIfNull(requestUri);
        var pathAndQuery = requestUri.IsAbsoluteUri ? requestUri.PathAndQuery : requestUri.OriginalString;
        return new Uri(InstanceUrl.GetLeftPart(UriPartial.Authority) + pathAndQuery, UriKind.Absolute);
    }

    public override string ToString() => $"Salesforce session on {InstanceUrl.Authority}";
}

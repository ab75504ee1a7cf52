namespace TheModel.Sync.Salesforce;

/// <summary>How the connector obtains its access token (facts file S-2).</summary>
public enum SalesforceAuthFlow
{
    /// <summary>OAuth 2.0 JWT bearer: an RS256 assertion signed with the connected app's private key.</summary>
    JwtBearer,

    /// <summary>OAuth 2.0 client credentials: the connected app's key and secret; runs as the app's "Run As" user.</summary>
    ClientCredentials,
}

/// <summary>
/// Settings of the Salesforce connector, bound from the <c>Salesforce</c> configuration section and validated on
/// start. Secrets (<see cref="ClientSecret"/>, <see cref="PrivateKeyPem"/>) never appear in logs or messages.
/// </summary>
public sealed class SalesforceOptions
{
    /// <summary>The production login host; sandboxes use <c>https://test.salesforce.com</c> or the My Domain URL.</summary>
    public const string DefaultLoginUrl = "https://login.salesforce.com";

    /// <summary>Base of the token endpoint (<c>{LoginUrl}/services/oauth2/token</c>); the client-credentials flow needs the My Domain URL.</summary>
    /// <value>Default <c>https://login.salesforce.com</c>.</value>
    public string LoginUrl { get; set; } = DefaultLoginUrl;

    /// <value>Default <see cref="SalesforceAuthFlow.JwtBearer"/>.</value>
    public SalesforceAuthFlow AuthFlow { get; set; } = SalesforceAuthFlow.JwtBearer;

    /// <summary>The connected app's consumer key: the JWT <c>iss</c>, or <c>client_id</c> for client credentials.</summary>
    public string? ClientId { get; set; }

    /// <summary>The connected app's consumer secret (client credentials only).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The integration user's username: the JWT <c>sub</c> (JWT bearer only).</summary>
    public string? Username { get; set; }

    /// <summary>The PEM private key (PKCS#1 or PKCS#8) whose certificate is on the connected app (JWT bearer; or <see cref="PrivateKeyPath"/>).</summary>
    public string? PrivateKeyPem { get; set; }

    /// <summary>A file holding the PEM private key (JWT bearer; or <see cref="PrivateKeyPem"/>).</summary>
    public string? PrivateKeyPath { get; set; }

    /// <summary>The JWT <c>aud</c>.</summary>
    /// <value>Default: <see cref="LoginUrl"/>.</value>
    public string? Audience { get; set; }

    /// <value>Default <c>v62.0</c> (Winter '25).</value>
    public string ApiVersion { get; set; } = "v62.0";

    /// <summary>When set, a token issued for any other org is refused (protects against writing into the wrong org).</summary>
    public string? OrganizationId { get; set; }

    /// <summary>
    /// The share of the org's rolling-24-hour API allocation this worker may use; at the cap, calls pause until
    /// usage falls (other integrations share the allocation).
    /// </summary>
    /// <value>Default 0.25.</value>
    public double DailyBudgetShare { get; set; } = 0.25;

    /// <summary>How long one HTTP attempt may take before it is abandoned and retried (the resilience attempt timeout).</summary>
    /// <value>Default 60 seconds: a Composite of 1,000 records with triggers can take tens of seconds.</value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How many times a record that fails transiently (row lock, 5xx subrequest) is sent at most, the first included.</summary>
    /// <value>Default 5.</value>
    public int WriteAttempts { get; set; } = 5;

    /// <summary>The wait before the second write attempt; it doubles for each further attempt (at most one minute).</summary>
    /// <value>Default 2 seconds.</value>
    public TimeSpan WriteRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>While paused at the budget cap (or after <c>REQUEST_LIMIT_EXCEEDED</c>), how often one cheap query re-reads the usage.</summary>
    /// <value>Default 5 minutes.</value>
    public TimeSpan BudgetProbeInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How far behind the worker's clock a poll stops reading. SystemModstamp has whole seconds and is stamped when a
    /// transaction starts, so a second that is still current (or a transaction still committing) can gain records after a
    /// poll read it; a watermark inside that second would then pass over any of them with a lower Id, for good. Records
    /// modified within the current second and this long before it are left to a later poll.
    /// </summary>
    /// <value>Default 5 seconds; 0 still leaves out the current second.</value>
    public TimeSpan PollSettleTime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The <c>Sforce-Query-Options: batchSize</c> for reads (200 to 2,000); polls ask for no more than they need.</summary>
    /// <value>Default 2,000.</value>
    public int QueryBatchSize { get; set; } = 2000;

    /// <summary>The JWT audience in effect.</summary>
    internal string EffectiveAudience => string.IsNullOrWhiteSpace(Audience) ? LoginUrl : Audience;
}

namespace TheModel.Sync.HubSpot;

/// <summary>
/// How the worker reaches one HubSpot account (bound from the <c>HubSpot</c> configuration section and validated on
/// start). Timeouts: each attempt of a call is cut off after <see cref="RequestTimeout"/>; a whole call (every attempt
/// and the waits between them) after <c>WriteAttempts × (RequestTimeout + 10 s)</c>. Waits for the local rate limiters
/// happen before that clock starts and end only with the caller's cancellation token.
/// </summary>
public sealed class HubSpotOptions
{
    /// <summary>The API host.</summary>
    /// <value>Defaults to <c>https://api.hubapi.com</c>.</value>
    public string BaseUrl { get; set; } = "https://api.hubapi.com";

    /// <summary>The private app (or service key) token sent as <c>Authorization: Bearer</c>; never logged.</summary>
    public string AccessToken { get; set; } = string.Empty;

    /// <summary>
    /// The path of the CRM objects family: the classic <c>/crm/v3/objects</c> or a date-versioned one such as
    /// <c>/crm/objects/2026-03</c> (same request and response shapes).
    /// </summary>
    /// <value>Defaults to <c>/crm/v3/objects</c>.</value>
    public string ObjectsPath { get; set; } = "/crm/v3/objects";

    /// <summary>The app's client secret, the key of webhook signatures (used by the webhook endpoint, not by this client).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>
    /// The share of the account's daily allocation this worker may spend (the allocation is shared by every app in the
    /// account). The cap is checked against this process's own count and against the account's reported usage (every
    /// instance and app included), so it holds for several instances together. At the cap calls pause until HubSpot
    /// reports a new day.
    /// </summary>
    /// <value>Defaults to 0.25.</value>
    public double DailyBudgetShare { get; set; } = 0.25;

    /// <summary>
    /// The daily allocation assumed until a response's <c>X-HubSpot-RateLimit-Daily</c> header tells the real one.
    /// </summary>
    /// <value>Defaults to 250,000 (the smallest private-app allocation).</value>
    public long AssumedDailyLimit { get; set; } = 250_000;

    /// <summary>
    /// Requests per burst window kept unused below <c>X-HubSpot-RateLimit-Max</c> (100 is assumed until a response
    /// tells), so that clock skew and in-flight requests never draw a ten-secondly 429.
    /// </summary>
    /// <value>Defaults to 10.</value>
    public int BurstHeadroom { get; set; } = 10;

    /// <summary>Search requests per rolling second; HubSpot allows 5 per account across all search endpoints.</summary>
    /// <value>Defaults to 4.</value>
    public int SearchPerSecond { get; set; } = 4;

    /// <summary>The timeout of one attempt of one call.</summary>
    /// <value>Defaults to 10 seconds.</value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts per call (reads and writes) before it counts as failed; retries only transient failures.</summary>
    /// <value>Defaults to 4 (the first attempt and 3 retries).</value>
    public int WriteAttempts { get; set; } = 4;

    /// <summary>While the daily budget is paused, how often one call may go through to learn whether the day has turned.</summary>
    /// <value>Defaults to 15 minutes.</value>
    public TimeSpan DailyProbeInterval { get; set; } = TimeSpan.FromMinutes(15);
}

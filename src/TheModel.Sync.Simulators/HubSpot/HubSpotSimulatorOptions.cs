namespace TheModel.Sync.Simulators.HubSpot;

/// <summary>The HubSpot subscription tier; it sets the private-app limits (facts H-8).</summary>
public enum HubSpotTier : byte
{
    Free,
    Starter,
    Professional,
    Enterprise,
}

/// <summary>How a <see cref="HubSpotSimulator"/> behaves. Validated when the simulator is constructed.</summary>
public sealed class HubSpotSimulatorOptions
{
    /// <summary>The token the simulator accepts unless <see cref="AccessTokens"/> says otherwise.</summary>
    public const string DefaultAccessToken = "pat-na1-00000000-0000-4000-8000-000000000000";

    /// <summary>The clock behind every timestamp, rate window, search index delay and webhook backoff.</summary>
    /// <value>Default: <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Bearer tokens the API accepts (change them at run time with <see cref="HubSpotSimulator.SetAccessTokens"/>).</summary>
    public IReadOnlyList<string> AccessTokens { get; init; } = [DefaultAccessToken];

    /// <value>Default: <see cref="HubSpotTier.Professional"/> (190 per 10 s, 625,000 a day).</value>
    public HubSpotTier Tier { get; init; } = HubSpotTier.Professional;

    /// <summary>Overrides the tier's 10-second burst allocation (for example 250 with the API limit increase pack).</summary>
    public int? BurstLimit { get; init; }

    /// <summary>Overrides the tier's daily allocation.</summary>
    public long? DailyLimit { get; init; }

    /// <summary>The daily counter resets at midnight in this zone (HubSpot uses the account's time zone).</summary>
    /// <value>Default: UTC.</value>
    public TimeZoneInfo PortalTimeZone { get; init; } = TimeZoneInfo.Utc;

    /// <summary>Search requests allowed in any one second, across all object types.</summary>
    /// <value>Default: 5.</value>
    public int SearchPerSecond { get; init; } = 5;

    /// <summary>Records modified more recently than this are not yet visible to search.</summary>
    /// <value>Default: zero (search sees every write at once).</value>
    public TimeSpan SearchIndexDelay { get; init; }

    /// <value>Default: 62515.</value>
    public long PortalId { get; init; } = 62515;

    /// <value>Default: 54321.</value>
    public long AppId { get; init; } = 54321;

    /// <summary>First id handed out to a CRM object; ids then increase by one across all object types.</summary>
    /// <value>Default: 1001.</value>
    public long FirstObjectId { get; init; } = 1001;

    /// <summary>Extra property names per object type (<c>contacts</c>, <c>companies</c>, <c>deals</c>, <c>tasks</c>), beyond the built-in ones and any <c>themodel_*</c> name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> AdditionalProperties { get; init; } =
        new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);

    /// <summary>The date-versioned path families served next to <c>/crm/v3/objects</c> (<c>/crm/objects/{version}/{type}</c>).</summary>
    /// <value>Default: <c>2026-03</c>.</value>
    public IReadOnlyList<string> DateVersions { get; init; } = ["2026-03"];

    /// <summary>Webhook delivery; <see langword="null"/> turns webhooks off.</summary>
    public HubSpotWebhookOptions? Webhooks { get; init; }

    /// <summary>The request log keeps this many of the latest requests.</summary>
    /// <value>Default: 10,000.</value>
    public int MaxLoggedRequests { get; init; } = 10_000;

    /// <summary>Fault draws are seeded from this so a run is repeatable.</summary>
    public int FaultSeed { get; init; } = 1;

    internal int EffectiveBurstLimit => BurstLimit ?? (Tier is HubSpotTier.Free or HubSpotTier.Starter ? 100 : 190);

    internal long EffectiveDailyLimit => DailyLimit ?? Tier switch
    {
        HubSpotTier.Free or HubSpotTier.Starter => 250_000,
        HubSpotTier.Professional => 625_000,
        _ => 1_000_000,
    };

    internal void Validate()
    {
        var errors = new List<string>();
        ArgumentNullException.ThrowIfNull(TimeProvider);
        ArgumentNullException.ThrowIfNull(PortalTimeZone);
        if (AccessTokens is null || AccessTokens.Count == 0 || AccessTokens.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add("AccessTokens must hold at least one token and no blank ones.");
        }

        if (BurstLimit is <= 0)
        {
            errors.Add($"BurstLimit must be positive, was {BurstLimit}.");
        }

        if (DailyLimit is <= 0)
        {
            errors.Add($"DailyLimit must be positive, was {DailyLimit}.");
        }

        if (SearchPerSecond <= 0)
        {
            errors.Add($"SearchPerSecond must be positive, was {SearchPerSecond}.");
        }

        if (SearchIndexDelay < TimeSpan.Zero)
        {
            errors.Add($"SearchIndexDelay must not be negative, was {SearchIndexDelay}.");
        }

        if (MaxLoggedRequests < 0)
        {
            errors.Add($"MaxLoggedRequests must not be negative, was {MaxLoggedRequests}.");
        }

        if (FirstObjectId <= 0)
        {
            errors.Add($"FirstObjectId must be positive, was {FirstObjectId}.");
        }

        foreach (var type in AdditionalProperties?.Keys ?? [])
        {
            if (HubSpotObjectTypes.Normalize(type) is null)
            {
                errors.Add($"AdditionalProperties has an unknown object type \"{type}\"; use contacts, companies, deals or tasks.");
            }
        }

        foreach (var version in DateVersions ?? [])
        {
            if (version.Length != 7 || version[4] != '-' || !version.Remove(4, 1).All(char.IsAsciiDigit))
            {
                errors.Add($"DateVersions entries look like 2026-03, was \"{version}\".");
            }
        }

        if (Webhooks is not null)
        {
            Webhooks.Validate(errors);
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid HubSpot simulator options: " + string.Join(" ", errors));
        }
    }
}

/// <summary>One webhook subscription of the simulated app (facts H-7).</summary>
/// <param name="Id">The <c>subscriptionId</c> sent in events.</param>
/// <param name="SubscriptionType">For example <c>contact.creation</c>, <c>contact.propertyChange</c>, <c>deal.propertyChange</c>, <c>company.creation</c>.</param>
/// <param name="PropertyName">For <c>*.propertyChange</c>: the one property this subscription watches.</param>
public sealed record HubSpotWebhookSubscription(long Id, string SubscriptionType, string? PropertyName = null);

/// <summary>How the simulator delivers webhook events to the app's target URL.</summary>
public sealed class HubSpotWebhookOptions
{
    /// <summary>Where events are POSTed; may also be set later with <see cref="HubSpotSimulator.SetWebhookTarget"/>. Events wait until it is set.</summary>
    public Uri? TargetUrl { get; init; }

    /// <summary>The app's client secret, the key of the v1 and v3 signatures.</summary>
    public string ClientSecret { get; init; } = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy";

    public IReadOnlyList<HubSpotWebhookSubscription> Subscriptions { get; init; } = [];

    /// <summary>Whether changes made through the REST API also raise events (as HubSpot does); seeding and UI changes always do.</summary>
    /// <value>Default: <see langword="false"/>.</value>
    public bool EmitForApiChanges { get; init; }

    /// <summary>An answer slower than this counts as a failure and is retried.</summary>
    /// <value>Default: 5 s (facts H-7).</value>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Retries after the first attempt; <c>attemptNumber</c> runs from 0 to this.</summary>
    /// <value>Default: 10 (facts H-7).</value>
    public int MaxRetries { get; init; } = 10;

    /// <summary>The first retry waits about this long; each further retry doubles it, up to <see cref="RetryMaxDelay"/>, plus up to 25% jitter.</summary>
    /// <value>Default: 1 s (HubSpot spreads retries over 24 h; a simulator wants them sooner).</value>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <value>Default: 60 s.</value>
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>At most this many events in one request.</summary>
    /// <value>Default: 100.</value>
    public int MaxEventsPerRequest { get; init; } = 100;

    /// <summary>At most this many requests in flight at once.</summary>
    /// <value>Default: 10 (facts H-7).</value>
    public int MaxConcurrentRequests { get; init; } = 10;

    /// <summary>Shuffle events inside a request and pick waiting requests in random order.</summary>
    public bool ShuffleOrder { get; init; }

    /// <summary>Share of successful deliveries sent a second time (HubSpot does not promise exactly-once).</summary>
    public double DuplicateRate { get; init; }

    /// <summary>Seeds shuffling, duplication and jitter.</summary>
    public int Seed { get; init; } = 7;

    /// <summary>The <c>sourceId</c> of changes made through <see cref="HubSpotSimulator.Create"/> and <see cref="HubSpotSimulator.Touch"/>.</summary>
    public string UiSourceId { get; init; } = "userId:882761034";

    internal void Validate(List<string> errors)
    {
        if (string.IsNullOrEmpty(ClientSecret))
        {
            errors.Add("Webhooks.ClientSecret must not be empty.");
        }

        if (TargetUrl is { IsAbsoluteUri: false })
        {
            errors.Add($"Webhooks.TargetUrl must be absolute, was \"{TargetUrl}\".");
        }

        if (ResponseTimeout <= TimeSpan.Zero)
        {
            errors.Add($"Webhooks.ResponseTimeout must be positive, was {ResponseTimeout}.");
        }

        if (MaxRetries < 0)
        {
            errors.Add($"Webhooks.MaxRetries must not be negative, was {MaxRetries}.");
        }

        if (RetryBaseDelay < TimeSpan.Zero || RetryMaxDelay < RetryBaseDelay)
        {
            errors.Add($"Webhooks.RetryBaseDelay must be between zero and RetryMaxDelay, was {RetryBaseDelay} (max {RetryMaxDelay}).");
        }

        if (MaxEventsPerRequest is < 1 or > 100)
        {
            errors.Add($"Webhooks.MaxEventsPerRequest must be 1 to 100, was {MaxEventsPerRequest}.");
        }

        if (MaxConcurrentRequests < 1)
        {
            errors.Add($"Webhooks.MaxConcurrentRequests must be positive, was {MaxConcurrentRequests}.");
        }

        if (DuplicateRate is < 0 or > 1)
        {
            errors.Add($"Webhooks.DuplicateRate must be between 0 and 1, was {DuplicateRate}.");
        }

        foreach (var subscription in Subscriptions ?? [])
        {
            var dot = subscription.SubscriptionType.IndexOf('.', StringComparison.Ordinal);
            var objectName = dot > 0 ? subscription.SubscriptionType[..dot] : string.Empty;
            if (HubSpotObjectTypes.FromWebhookName(objectName) is null)
            {
                errors.Add($"Webhook subscription {subscription.Id} has type \"{subscription.SubscriptionType}\"; expected contact.*, company.* or deal.*.");
            }

            if (subscription.SubscriptionType.EndsWith(".propertyChange", StringComparison.Ordinal) && string.IsNullOrEmpty(subscription.PropertyName))
            {
                errors.Add($"Webhook subscription {subscription.Id} ({subscription.SubscriptionType}) needs a PropertyName.");
            }

            // HubSpot refuses subscriptions to these two (facts H-7).
            if (subscription.PropertyName is "hs_lastmodifieddate" or "num_unique_conversion_events")
            {
                errors.Add($"Webhook subscription {subscription.Id} watches {subscription.PropertyName}, which HubSpot does not allow.");
            }
        }

        if (Subscriptions is not null && Subscriptions.Select(s => s.Id).Distinct().Count() != Subscriptions.Count)
        {
            errors.Add("Webhook subscription ids must be unique.");
        }
    }
}

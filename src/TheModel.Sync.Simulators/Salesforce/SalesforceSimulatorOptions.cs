using System.Security.Cryptography;

namespace TheModel.Sync.Simulators.Salesforce;

/// <summary>The value types the simulated org knows; they decide how values are parsed, compared and rendered.</summary>
public enum SalesforceFieldType : byte
{
    /// <summary>The record's own 18-character id.</summary>
    Id,

    /// <summary>An id of another record (OwnerId, WhoId, AccountId, ...).</summary>
    Reference,

    /// <summary>Text, email, phone, URL and picklist values.</summary>
    Text,

    Boolean,

    /// <summary>Whole numbers (NumberOfEmployees), rendered without a decimal point.</summary>
    Integer,

    /// <summary>Double, currency and percent values, rendered with at least one decimal (<c>15000.0</c>).</summary>
    Number,

    /// <summary>Date-only values rendered <c>YYYY-MM-DD</c>.</summary>
    Date,

    /// <summary>UTC date-times rendered <c>2013-05-20T20:49:32.000+0000</c>.</summary>
    DateTime,

    /// <summary>An undeclared custom field: stores whatever JSON scalar was written and compares it as found.</summary>
    Any,
}

/// <summary>A custom field (<c>__c</c>) the org declares with a type; undeclared <c>__c</c> fields are accepted as <see cref="SalesforceFieldType.Any"/>.</summary>
/// <param name="SObject">The sObject it belongs to, e.g. <c>Task</c>.</param>
/// <param name="Name">The API name, ending in <c>__c</c>.</param>
/// <param name="Type">How values are parsed, compared and rendered.</param>
/// <param name="IsExternalId">Unique, case-sensitive, and usable as the key of an upsert.</param>
public sealed record SalesforceCustomField(string SObject, string Name, SalesforceFieldType Type, bool IsExternalId = false);

/// <summary>Settings of a <see cref="SalesforceSimulator"/>. Every default is stated on its property.</summary>
public sealed class SalesforceSimulatorOptions
{
    /// <summary>The JWT audiences a real org accepts for production and sandbox logins.</summary>
    public static IReadOnlyList<string> StandardAudiences { get; } = ["https://login.salesforce.com", "https://test.salesforce.com"];

    /// <summary>The custom fields of the THE MODEL package: its stamps on Lead and Opportunity and the Task key.</summary>
    public static IReadOnlyList<SalesforceCustomField> TheModelCustomFields { get; } =
    [
        new("Lead", "TheModel_Stage_Entered_At__c", SalesforceFieldType.DateTime),
        new("Lead", "TheModel_Recycle_Reason__c", SalesforceFieldType.Text),
        new("Lead", "TheModel_Recycle_Rule__c", SalesforceFieldType.Text),
        new("Lead", "TheModel_Recheck_At__c", SalesforceFieldType.DateTime),
        new("Lead", "TheModel_Owner_Set_At__c", SalesforceFieldType.DateTime),
        new("Lead", "TheModel_Last_Touch_At__c", SalesforceFieldType.DateTime),
        new("Lead", "TheModel_Touches__c", SalesforceFieldType.Number),
        new("Contact", "TheModel_Stage_Entered_At__c", SalesforceFieldType.DateTime),
        new("Contact", "TheModel_Recycle_Reason__c", SalesforceFieldType.Text),
        new("Contact", "TheModel_Recycle_Rule__c", SalesforceFieldType.Text),
        new("Contact", "TheModel_Recheck_At__c", SalesforceFieldType.DateTime),
        new("Contact", "TheModel_Owner_Set_At__c", SalesforceFieldType.DateTime),
        new("Contact", "TheModel_Last_Touch_At__c", SalesforceFieldType.DateTime),
        new("Contact", "TheModel_Touches__c", SalesforceFieldType.Number),
        new("Opportunity", "TheModel_Loss_Reason__c", SalesforceFieldType.Text),
        new("Task", "TheModel_Key__c", SalesforceFieldType.Text, IsExternalId: true),
    ];

    /// <summary>The clock for timestamps, token expiry, fault delays and Outbound Message retries. Default: the system clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>The REST version served under <c>/services/data/</c>. Default <c>v62.0</c>; other versions answer 404.</summary>
    public string ApiVersion { get; set; } = "v62.0";

    /// <summary>The rolling-24-hour API allocation (the second number of <c>Sforce-Limit-Info</c>). Default 100,000.</summary>
    public long DailyApiLimit { get; set; } = 100_000;

    /// <summary>The loopback port to listen on. Default 0: any free port (read <see cref="SalesforceSimulator.BaseUrl"/>).</summary>
    public int Port { get; set; }

    /// <summary>The connected app's consumer key: the JWT <c>iss</c> and the client-credentials <c>client_id</c>.</summary>
    public string ClientId { get; set; } = "3MVG9SimulatedConnectedAppKey";

    /// <summary>The consumer secret; null turns the client-credentials flow off (no "Run As" user).</summary>
    public string? ClientSecret { get; set; } = "simulated-consumer-secret";

    /// <summary>The integration user's username: the JWT <c>sub</c> and the client-credentials "Run As" user.</summary>
    public string Username { get; set; } = "integration@themodel.example";

    /// <summary>The certificate or public key (PEM: CERTIFICATE, PUBLIC KEY or RSA PUBLIC KEY) that verifies JWT assertions.</summary>
    public string? JwtPublicKeyPem { get; set; }

    /// <summary>The public key that verifies JWT assertions, when not given as <see cref="JwtPublicKeyPem"/>. Not disposed by the simulator.</summary>
    public RSA? JwtPublicKey { get; set; }

    /// <summary>Accepted JWT <c>aud</c> values. Default <see cref="StandardAudiences"/>: like a real org, the instance URL is not one.</summary>
    public IList<string> JwtAudiences { get; } = [.. StandardAudiences];

    /// <summary>How long an access token works. Default 2 hours (the default session timeout).</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(2);

    /// <summary>The <c>scope</c> of token responses. Default <c>api</c>.</summary>
    public string TokenScope { get; set; } = "api";

    /// <summary>The org's 18-character id (<c>00D…</c>). Default: a generated one.</summary>
    public string? OrganizationId { get; set; }

    /// <summary>
    /// The user or queue the org's assignment rule gives Leads and Accounts created or updated without
    /// <c>Sforce-Auto-Assign: FALSE</c>. Default null: no rule, the OwnerId sent is kept.
    /// </summary>
    public string? AssignmentRuleOwnerId { get; set; }

    /// <summary>Custom fields with a declared type. Default <see cref="TheModelCustomFields"/>.</summary>
    public IList<SalesforceCustomField> CustomFields { get; } = [.. TheModelCustomFields];

    /// <summary>How many requests the request log keeps (oldest dropped first). Default 10,000.</summary>
    public int RequestLogCapacity { get; set; } = 10_000;

    /// <summary>Seeds the generator behind Outbound Message duplicates and shuffling. Default 1.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Where Outbound Messages are POSTed. Default null: no Outbound Message is configured.</summary>
    public Uri? OutboundEndpoint { get; set; }

    /// <summary>The sObject whose creates and updates send an Outbound Message. Default <c>Lead</c>.</summary>
    public string OutboundObject { get; set; } = "Lead";

    /// <summary>The fields sent in each notification's sObject (<c>Id</c> is always sent first).</summary>
    public IList<string> OutboundFields { get; } = ["OwnerId", "Status", "Email", "Company", "SystemModstamp"];

    /// <summary>
    /// Whether writes through the API also send Outbound Messages. Default false: only <see cref="SalesforceSimulator.Insert"/>
    /// and <see cref="SalesforceSimulator.Touch"/> (changes "made in the UI") do, so the integration's own writes do not echo.
    /// </summary>
    public bool OutboundOnApiWrites { get; set; }

    /// <summary>The wait before the first retry of a failed delivery; it doubles per attempt. Default 15 seconds.</summary>
    public TimeSpan OutboundInitialRetryDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The longest wait between retries. Default 2 hours (the documented cap).</summary>
    public TimeSpan OutboundMaxRetryDelay { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Notifications not delivered within this age are dropped. Default 24 hours.</summary>
    public TimeSpan OutboundMaxAge { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long one delivery may take before it counts as failed. Default 60 seconds.</summary>
    public TimeSpan OutboundAttemptTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Share (0–1) of acknowledged notifications queued once more and delivered again later. Default 0.</summary>
    public double OutboundDuplicateRate { get; set; }

    /// <summary>Whether pending notifications are sent in a shuffled order rather than the order they were queued. Default false.</summary>
    public bool OutboundOutOfOrder { get; set; }

    /// <summary>Every problem with these options, each naming the option and its bad value; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (TimeProvider is null)
        {
            errors.Add("TimeProvider must be set, was null.");
        }

        if (ApiVersion is null || !System.Text.RegularExpressions.Regex.IsMatch(ApiVersion, @"^v[0-9]{2}\.0$"))
        {
            errors.Add($"ApiVersion must look like 'v62.0', was '{ApiVersion}'.");
        }

        if (DailyApiLimit <= 0)
        {
            errors.Add($"DailyApiLimit must be positive, was {DailyApiLimit}.");
        }

        if (Port is < 0 or > 65535)
        {
            errors.Add($"Port must be 0-65535, was {Port}.");
        }

        if (string.IsNullOrWhiteSpace(ClientId))
        {
            errors.Add("ClientId must be set, was empty.");
        }

        if (string.IsNullOrWhiteSpace(Username))
        {
            errors.Add("Username must be set, was empty.");
        }

        if (TokenLifetime <= TimeSpan.Zero)
        {
            errors.Add($"TokenLifetime must be positive, was {TokenLifetime}.");
        }

        if (OrganizationId is not null && !IsIdWithPrefix(OrganizationId, "00D"))
        {
            errors.Add($"OrganizationId must be an 18-character id starting with 00D, was '{OrganizationId}'.");
        }

        if (AssignmentRuleOwnerId is not null
            && !IsIdWithPrefix(AssignmentRuleOwnerId, "005") && !IsIdWithPrefix(AssignmentRuleOwnerId, "00G"))
        {
            errors.Add($"AssignmentRuleOwnerId must be a user (005) or queue (00G) id, was '{AssignmentRuleOwnerId}'.");
        }

        foreach (var field in CustomFields)
        {
            if (!field.Name.EndsWith("__c", StringComparison.Ordinal))
            {
                errors.Add($"CustomFields: '{field.SObject}.{field.Name}' must end in __c.");
            }

            if (field.IsExternalId && field.Type != SalesforceFieldType.Text)
            {
                errors.Add($"CustomFields: external id '{field.SObject}.{field.Name}' must be Text, was {field.Type}.");
            }
        }

        if (RequestLogCapacity < 0)
        {
            errors.Add($"RequestLogCapacity must not be negative, was {RequestLogCapacity}.");
        }

        if (OutboundEndpoint is not null && !OutboundEndpoint.IsAbsoluteUri)
        {
            errors.Add($"OutboundEndpoint must be an absolute URL, was '{OutboundEndpoint}'.");
        }

        if (OutboundInitialRetryDelay <= TimeSpan.Zero || OutboundMaxRetryDelay < OutboundInitialRetryDelay)
        {
            errors.Add($"OutboundInitialRetryDelay must be positive and at most OutboundMaxRetryDelay, was {OutboundInitialRetryDelay} and {OutboundMaxRetryDelay}.");
        }

        if (OutboundAttemptTimeout <= TimeSpan.Zero || OutboundMaxAge <= TimeSpan.Zero)
        {
            errors.Add($"OutboundAttemptTimeout and OutboundMaxAge must be positive, were {OutboundAttemptTimeout} and {OutboundMaxAge}.");
        }

        if (OutboundDuplicateRate is < 0 or > 1 || double.IsNaN(OutboundDuplicateRate))
        {
            errors.Add($"OutboundDuplicateRate must be between 0 and 1, was {OutboundDuplicateRate}.");
        }

        return errors;
    }

    private static bool IsIdWithPrefix(string id, string prefix) =>
        Core.Model.SalesforceIds.TryCanonical(id, out var canonical) && canonical.StartsWith(prefix, StringComparison.Ordinal);
}

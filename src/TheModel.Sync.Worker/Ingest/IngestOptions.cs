using Microsoft.Extensions.Options;
using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Worker.Ingest;

/// <summary>
/// What the HubSpot webhook endpoint needs from the <c>HubSpot</c> section (the connector reads the same section
/// for its own settings). An empty <see cref="ClientSecret"/> means HubSpot webhooks are not accepted.
/// </summary>
internal sealed class HubSpotWebhookOptions
{
    public const string Section = "HubSpot";

    /// <summary>The app's client secret, the v3 signature key. Never logged.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>
    /// The URL HubSpot is configured to call, when it differs from the one this process sees (behind a proxy or
    /// ingress that rewrites the scheme, host or path). The signature covers the URL, so it must be the exact one.
    /// </summary>
    public string? WebhookUrl { get; set; }

    public bool IsConfigured => !string.IsNullOrEmpty(ClientSecret);
}

/// <summary>What the Outbound Message endpoint needs from the <c>Salesforce</c> section.</summary>
internal sealed class SalesforceOutboundOptions
{
    public const string Section = "Salesforce";

    /// <summary>The org's id (15 or 18 characters); messages for any other org are refused. Empty: not accepted.</summary>
    public string? OrganizationId { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(OrganizationId);
}

internal sealed class HubSpotWebhookOptionsValidator : IValidateOptions<HubSpotWebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, HubSpotWebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(options.WebhookUrl))
        {
            return ValidateOptionsResult.Success;
        }

        return Uri.TryCreate(options.WebhookUrl, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"HubSpot:WebhookUrl must be an absolute http or https URL, was '{options.WebhookUrl}'");
    }
}

internal sealed class SalesforceOutboundOptionsValidator : IValidateOptions<SalesforceOutboundOptions>
{
    public ValidateOptionsResult Validate(string? name, SalesforceOutboundOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.IsConfigured || SalesforceIds.TryCanonical(options.OrganizationId!.Trim(), out _))
        {
            return ValidateOptionsResult.Success;
        }

        return ValidateOptionsResult.Fail($"Salesforce:OrganizationId must be a 15- or 18-character Salesforce id, was '{options.OrganizationId}'");
    }
}

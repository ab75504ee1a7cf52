using Refit;

namespace TheModel.Sync.HubSpot.Api;

/// <summary>The owners endpoint (crm-api-facts.md H-5): read-only, paged, active and archived owners listed separately.</summary>
internal interface IHubSpotOwnersApi
{
    /// <param name="archived"><c>"true"</c> lists deactivated owners, <c>"false"</c> active ones.</param>
    [Get("/crm/v3/owners")]
    Task<OwnersPage> ListAsync(
        int limit,
        string? after,
        string archived,
        [Property(HubSpotCalls.OptionKey)] HubSpotCall call,
        CancellationToken cancellationToken);
}

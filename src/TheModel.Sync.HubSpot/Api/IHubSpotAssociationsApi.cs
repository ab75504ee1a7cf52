using Refit;

namespace TheModel.Sync.HubSpot.Api;

/// <summary>
/// The v4 associations endpoints (crm-api-facts.md H-6) for associating existing records after the fact; tasks the
/// connector creates carry their associations inline instead.
/// </summary>
internal interface IHubSpotAssociationsApi
{
    /// <summary>Labelled (typed) associations, at most 100 inputs.</summary>
    [Post("/crm/v4/associations/{fromType}/{toType}/batch/create")]
    Task<BatchResponse> BatchCreateAsync(
        string fromType,
        string toType,
        [Body] AssociationBatchRequest request,
        [Property(HubSpotCalls.OptionKey)] HubSpotCall call,
        CancellationToken cancellationToken);

    /// <summary>Default (unlabelled) associations, at most 100 inputs.</summary>
    [Post("/crm/v4/associations/{fromType}/{toType}/batch/associate/default")]
    Task<BatchResponse> BatchAssociateDefaultAsync(
        string fromType,
        string toType,
        [Body] DefaultAssociationBatchRequest request,
        [Property(HubSpotCalls.OptionKey)] HubSpotCall call,
        CancellationToken cancellationToken);
}

using Refit;

namespace TheModel.Sync.HubSpot.Api;

/// <summary>
/// The v4 associations endpoints (crm-api-facts.md H-6): associating existing records after the fact (tasks the
/// connector creates carry their associations inline instead), and reading many records' associations back at once.
/// </summary>
internal interface IHubSpotAssociationsApi
{
    /// <summary>
    /// Many records' associations to one object type: 200, or 207 whose <c>errors</c> name the ids that are unknown or
    /// have none. An input's further associations come with its <c>after</c>.
    /// </summary>
    [Post("/crm/v4/associations/{fromType}/{toType}/batch/read")]
    Task<AssociationBatchReadResponse> BatchReadAsync(
        string fromType,
        string toType,
        [Body] AssociationBatchReadRequest request,
        [Property(HubSpotCalls.OptionKey)] HubSpotCall call,
        CancellationToken cancellationToken);

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

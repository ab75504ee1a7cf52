using Refit;

namespace TheModel.Sync.HubSpot.Api;

/// <summary>
/// The CRM objects endpoints (crm-api-facts.md H-2, H-3), relative to <see cref="HubSpotOptions.ObjectsPath"/>, so the
/// same client serves <c>/crm/v3/objects</c> and the date-versioned family. Every batch takes at most 100 inputs.
/// </summary>
internal interface IHubSpotObjectsApi
{
    /// <summary>Answers 200, or 207 when some ids are missing (they are left out of <c>results</c>).</summary>
    [Post("/{objectType}/batch/read")]
    Task<BatchResponse> BatchReadAsync(
        string objectType,
        [Body] BatchReadRequest request,
        [Property(HubSpotCalls.OptionKey)] HubSpotCall call,
        CancellationToken cancellationToken);

    /// <summary>Answers 200, or 207 with <c>numErrors</c>/<c>errors[]</c> for the inputs that failed.</summary>
    [Post("/{objectType}/batch/update")]
    Task<BatchResponse> BatchUpdateAsync(
        string objectType,
        [Body] BatchUpdateRequest request,
        [Property(HubSpotCalls.OptionKey)] HubSpotCall call,
        CancellationToken cancellationToken);

    /// <summary>Answers 201, or 207 with <c>errors[]</c> matched to inputs through <c>objectWriteTraceId</c>.</summary>
    [Post("/{objectType}/batch/create")]
    Task<BatchResponse> BatchCreateAsync(
        string objectType,
        [Body] BatchCreateRequest request,
        [Property(HubSpotCalls.OptionKey)] HubSpotCall call,
        CancellationToken cancellationToken);

    /// <summary>Pages of at most 200; 400 past the 10,000th result; limited to 5 requests per second per account.</summary>
    [Post("/{objectType}/search")]
    Task<SearchResponse> SearchAsync(
        string objectType,
        [Body] SearchRequest request,
        [Property(HubSpotCalls.OptionKey)] HubSpotCall call,
        CancellationToken cancellationToken);
}

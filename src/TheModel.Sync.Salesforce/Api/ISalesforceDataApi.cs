using Refit;

namespace TheModel.Sync.Salesforce.Api;

/// <summary>
/// The REST resources the connector uses (facts S-3, S-5, S-6). Paths are written against
/// <see cref="Auth.SalesforceSession.PlaceholderBaseAddress"/> and moved onto the token's instance by the session
/// handler. Responses are returned raw so that Salesforce's error arrays reach the caller intact.
/// </summary>
internal interface ISalesforceDataApi
{
    /// <summary>SOQL; the query text is sent percent-encoded (spaces as <c>%20</c>).</summary>
    [Get("/services/data/{version}/query")]
    Task<HttpResponseMessage> QueryAsync(
        string version,
        [AliasAs("q")] string soql,
        [Header("Sforce-Query-Options")] string queryOptions,
        CancellationToken cancellationToken);

    /// <summary>The next page: <paramref name="nextRecordsUrl"/> is the response's <c>nextRecordsUrl</c> without its leading slash.</summary>
    [Get("/{**nextRecordsUrl}")]
    Task<HttpResponseMessage> QueryMoreAsync(
        string nextRecordsUrl,
        [Header("Sforce-Query-Options")] string queryOptions,
        CancellationToken cancellationToken);

    /// <summary>Up to 25 subrequests (at most 5 collections) in one API call; the header stops assignment rules overwriting owners.</summary>
    [Post("/services/data/{version}/composite")]
    [Headers("Sforce-Auto-Assign: FALSE")]
    Task<HttpResponseMessage> CompositeAsync(
        string version,
        [Body] CompositeRequest request,
        [Property(SalesforceRequestOptions.IdempotentKey)] bool idempotent,
        CancellationToken cancellationToken);

    /// <summary>sObject Collections update: up to 200 records with <c>attributes.type</c> and <c>Id</c>.</summary>
    [Patch("/services/data/{version}/composite/sobjects")]
    [Headers("Sforce-Auto-Assign: FALSE")]
    Task<HttpResponseMessage> UpdateCollectionAsync(
        string version,
        [Body] CollectionRequest request,
        [Property(SalesforceRequestOptions.IdempotentKey)] bool idempotent,
        CancellationToken cancellationToken);

    /// <summary>sObject Collections upsert by an external id field: up to 200 records of one type.</summary>
    [Patch("/services/data/{version}/composite/sobjects/{sObject}/{externalIdField}")]
    [Headers("Sforce-Auto-Assign: FALSE")]
    Task<HttpResponseMessage> UpsertCollectionAsync(
        string version,
        string sObject,
        string externalIdField,
        [Body] CollectionRequest request,
        [Property(SalesforceRequestOptions.IdempotentKey)] bool idempotent,
        CancellationToken cancellationToken);
}

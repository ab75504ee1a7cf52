namespace TheModel.Sync.Salesforce.Api;

/// <summary>Per-request flags the HTTP pipeline reads.</summary>
internal static class SalesforceRequestOptions
{
    /// <summary>
    /// Set (to <see langword="true"/>) on a POST or PATCH whose repetition cannot change the outcome: absolute field
    /// values, upserts by external id. Only such writes are retried by the resilience handler.
    /// </summary>
    public const string IdempotentKey = "TheModel.Salesforce.Idempotent";

    private static readonly HttpRequestOptionsKey<bool> Idempotent = new(IdempotentKey);

    public static bool IsMarkedIdempotent(HttpRequestMessage request) =>
        request.Options.TryGetValue(Idempotent, out var idempotent) && idempotent;

    public static void MarkIdempotent(HttpRequestMessage request) => request.Options.Set(Idempotent, true);
}

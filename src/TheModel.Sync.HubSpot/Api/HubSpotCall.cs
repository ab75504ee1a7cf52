namespace TheModel.Sync.HubSpot.Api;

/// <summary>
/// What a request is, as far as retries and rate limits care. Every Refit method takes one as a
/// <c>[Property(HubSpotCall.OptionKey)]</c> argument, so the mark travels in <see cref="HttpRequestMessage.Options"/>.
/// </summary>
internal enum HubSpotCall : byte
{
    /// <summary>A GET; counts against the burst limit.</summary>
    Read,

    /// <summary>A read sent as POST (<c>batch/read</c>); safe to repeat; counts against the burst limit.</summary>
    ReadByPost,

    /// <summary>A CRM search: safe to repeat; exempt from the burst limit, limited per second instead.</summary>
    Search,

    /// <summary>
    /// A write that gives the same result when repeated: <c>batch/update</c> with absolute values, task
    /// <c>batch/create</c> carrying the unique <c>themodel_key</c>, association creates.
    /// </summary>
    IdempotentWrite,

    /// <summary>A write that must never be repeated blindly: never retried by the resilience handler.</summary>
    Write,
}

internal static class HubSpotCalls
{
    /// <summary>The <see cref="HttpRequestMessage.Options"/> key of the <see cref="HubSpotCall"/> mark.</summary>
    public const string OptionKey = "TheModel.HubSpot.Call";

    private static readonly HttpRequestOptionsKey<HubSpotCall> Key = new(OptionKey);

    /// <summary>The request's mark; an unmarked request counts as a non-idempotent <see cref="HubSpotCall.Write"/> unless it is a GET.</summary>
    public static HubSpotCall Of(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Options.TryGetValue(Key, out var call))
        {
            return call;
        }

        return request.Method == HttpMethod.Get ? HubSpotCall.Read : HubSpotCall.Write;
    }

    /// <summary>True when repeating the request cannot do anything twice.</summary>
    public static bool IsIdempotent(this HubSpotCall call) => call != HubSpotCall.Write;

    public static bool IsSearch(this HubSpotCall call) => call == HubSpotCall.Search;
}

using Refit;

namespace TheModel.Sync.Salesforce.Api;

/// <summary>The OAuth token endpoint on <see cref="SalesforceOptions.LoginUrl"/> (facts S-2).</summary>
internal interface ISalesforceTokenApi
{
    /// <summary>Form-encoded; both flows post here. The answer is read by the caller so OAuth errors keep their body.</summary>
    [Post("/services/oauth2/token")]
    Task<HttpResponseMessage> RequestTokenAsync(
        [Body(BodySerializationMethod.UrlEncoded)] IReadOnlyDictionary<string, string> form,
        CancellationToken cancellationToken);
}

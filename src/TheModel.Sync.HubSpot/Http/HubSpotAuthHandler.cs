using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace TheModel.Sync.HubSpot.Http;

/// <summary>Adds <c>Authorization: Bearer &lt;token&gt;</c> to every attempt; the token is read per request so a reload can rotate it.</summary>
internal sealed class HubSpotAuthHandler(IOptionsMonitor<HubSpotOptions> options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.CurrentValue.AccessToken);
        return base.SendAsync(request, cancellationToken);
    }
}

using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;

namespace TheModel.Sync.Salesforce.Auth;

/// <summary>
/// Puts each request on the current token's instance with <c>Authorization: Bearer</c>. An expired or revoked session
/// (HTTP 401, <c>INVALID_SESSION_ID</c>, facts S-2) renews the token and resends the request once; a second 401 is
/// returned as is, so a token that is refused straight away cannot loop.
/// </summary>
internal sealed class SalesforceSessionHandler(SalesforceTokenProvider tokens, ILogger<SalesforceSessionHandler> logger) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        // The resend after a 401 (and the resilience handler's retries) send this content again.
        if (request.Content is not null)
        {
            await request.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        }

        var session = await tokens.GetSessionAsync(cancellationToken).ConfigureAwait(false);
        Authorize(request, session);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        var path = request.RequestUri!.AbsolutePath;
        SalesforceLog.SessionRejected(logger, request.Method.Method, path);
        response.Dispose();
        session = await tokens.RenewAsync(session, cancellationToken).ConfigureAwait(false);
        Authorize(request, session);
        response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            SalesforceLog.SessionRejectedAfterRenewal(logger, request.Method.Method, path);
        }

        return response;
    }

    private static void Authorize(HttpRequestMessage request, SalesforceSession session)
    {
        request.RequestUri = session.Resolve(request.RequestUri!);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.AccessToken);
    }
}

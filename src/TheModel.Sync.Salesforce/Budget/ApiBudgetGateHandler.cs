using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TheModel.Sync.Salesforce.Auth;
using TheModel.Sync.Salesforce.Http;

namespace TheModel.Sync.Salesforce.Budget;

/// <summary>
/// The outermost handler: before each call, waits while the budget is at its cap; when Salesforce answers
/// <c>403 REQUEST_LIMIT_EXCEEDED</c> (facts S-7, S-8), pauses the same way and then resends the request.
/// </summary>
internal sealed class ApiBudgetGateHandler : DelegatingHandler
{
    /// <summary>The cheapest call that reports usage (any REST call costs one call and carries the header).</summary>
    public const string ProbeSoql = "SELECT Id FROM User LIMIT 1";

    private const string LimitExceededCode = "REQUEST_LIMIT_EXCEEDED";

    private readonly SalesforceApiBudget _budget;
    private readonly ILogger<ApiBudgetGateHandler> _logger;
    private readonly Uri _probeUri;

    public ApiBudgetGateHandler(SalesforceApiBudget budget, IOptions<SalesforceOptions> options, ILogger<ApiBudgetGateHandler> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _budget = budget;
        _logger = logger;
        _probeUri = new Uri(
            SalesforceSession.PlaceholderBaseAddress,
            $"/services/data/{options.Value.ApiVersion}/query?q={Uri.EscapeDataString(ProbeSoql)}");
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Content is not null)
        {
            await request.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        }

        while (true)
        {
            await _budget.WaitForRoomAsync(ProbeAsync, cancellationToken).ConfigureAwait(false);
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!await IsLimitExceededAsync(response, cancellationToken).ConfigureAwait(false))
            {
                return response;
            }

            SalesforceLog.RequestLimitExceeded(_logger, request.Method.Method, request.RequestUri!.AbsolutePath);
            _budget.RecordLimitExceeded();
            response.Dispose();
        }
    }

    private async Task<bool> ProbeAsync(CancellationToken cancellationToken)
    {
        using var probe = new HttpRequestMessage(HttpMethod.Get, _probeUri);
        using var response = await base.SendAsync(probe, cancellationToken).ConfigureAwait(false);
        return await IsLimitExceededAsync(response, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<bool> IsLimitExceededAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode != HttpStatusCode.Forbidden)
        {
            return false;
        }

        // Buffered, so the caller can still read the body of a 403 that is about something else.
        await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return SalesforceResponses.ParseErrors(body).Any(e => e.ErrorCode == LimitExceededCode);
    }
}

using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using TheModel.Sync.HubSpot.Api;
using TheModel.Sync.HubSpot.Budget;

namespace TheModel.Sync.HubSpot.Http;

/// <summary>
/// Inside the resilience handler, so it sees every attempt: counts retries against the budget, feeds it each
/// response's rate-limit headers and turns the three 429 shapes (crm-api-facts.md H-8) into the right wait. A
/// ten-secondly 429 gets <c>Retry-After</c> = the burst interval and a search 429 one second, which the retry strategy
/// honours (<c>ShouldRetryAfterHeader</c>); a DAILY 429 pauses the budget and throws, so no retry storm follows.
/// </summary>
internal sealed class HubSpotResponseObserver(HubSpotBudget budget, ILogger<HubSpotResponseObserver> logger) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var call = HubSpotCalls.Of(request);
        if (request.Options.TryGetValue(AttemptCounter.Key, out var attempts) && attempts.Next() > 1)
        {
            budget.CountRetry(call);
        }

        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var limits = HubSpotResponses.ParseRateLimitHeaders(name => Header(response, name));
        if ((int)response.StatusCode != 429)
        {
            budget.Observe(limits);
            return response;
        }

        // The 429 first, so that a DAILY one pauses with its own reason rather than as "Daily-Remaining: 0".
        await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var error = HubSpotResponses.ParseError(body);
        var kind = HubSpotResponses.ClassifyRateLimit(429, error);
        var (backoff, paused) = budget.OnRateLimited(kind, error);
        budget.Observe(limits);
        HubSpotLog.RateLimited(
            logger,
            kind.ToString(),
            request.Method.Method,
            request.RequestUri?.AbsolutePath,
            (long)backoff.TotalMilliseconds,
            error.CorrelationId ?? Header(response, "X-HubSpot-Correlation-Id"));
        if (paused is not null)
        {
            response.Dispose();
            throw paused;
        }

        response.Headers.RetryAfter = new RetryConditionHeaderValue(backoff);
        return response;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}

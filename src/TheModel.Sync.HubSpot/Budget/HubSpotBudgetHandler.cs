using TheModel.Sync.HubSpot.Api;

namespace TheModel.Sync.HubSpot.Budget;

/// <summary>
/// The outermost handler: holds each call until the budget lets it go (or throws while the daily budget is paused).
/// It sits outside the resilience handler so that limiter waits never eat into the attempt or total timeouts.
/// </summary>
internal sealed class HubSpotBudgetHandler(HubSpotBudget budget) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await budget.AcquireAsync(HubSpotCalls.Of(request), cancellationToken).ConfigureAwait(false);
        request.Options.Set(AttemptCounter.Key, new AttemptCounter());
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>Counts the attempts of one call, so that the inner handler can tell retries from first attempts.</summary>
internal sealed class AttemptCounter
{
    public static readonly HttpRequestOptionsKey<AttemptCounter> Key = new("TheModel.HubSpot.Attempts");

    private int _count;

    public int Next() => Interlocked.Increment(ref _count);
}

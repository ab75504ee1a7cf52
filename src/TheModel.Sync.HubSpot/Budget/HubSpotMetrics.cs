using System.Diagnostics.Metrics;

namespace TheModel.Sync.HubSpot.Budget;

/// <summary>The HubSpot connector's counters (meter <c>TheModel.Sync.HubSpot</c>).</summary>
internal sealed class HubSpotMetrics
{
    public const string MeterName = "TheModel.Sync.HubSpot";

    private readonly Counter<long> _requests;
    private readonly Counter<long> _rateLimited;
    private readonly Counter<long> _pauses;
    private readonly Counter<long> _limiterWaits;

    public HubSpotMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>("themodel.hubspot.requests", "{request}", "HTTP attempts sent to HubSpot, retries included.");
        _rateLimited = meter.CreateCounter<long>("themodel.hubspot.rate_limited", "{response}", "429 answers from HubSpot, by limit.");
        _pauses = meter.CreateCounter<long>("themodel.hubspot.budget.pauses", "{pause}", "Times the daily budget paused HubSpot calls.");
        _limiterWaits = meter.CreateCounter<long>("themodel.hubspot.limiter.waits", "{wait}", "Calls held by the local burst or search limiter.");
    }

    public void Request(string kind) => _requests.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void RateLimited(string limit) => _rateLimited.Add(1, new KeyValuePair<string, object?>("limit", limit));

    public void Paused() => _pauses.Add(1);

    public void LimiterWait(string limiter) => _limiterWaits.Add(1, new KeyValuePair<string, object?>("limiter", limiter));
}

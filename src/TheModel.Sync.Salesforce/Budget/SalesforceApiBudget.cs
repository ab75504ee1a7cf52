using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Salesforce.Http;

namespace TheModel.Sync.Salesforce.Budget;

/// <summary>
/// The org's rolling-24-hour API usage as Salesforce last reported it (<c>Sforce-Limit-Info</c>, facts S-8), and the
/// share of it this worker may use. The org's usage (not a local count) is compared with the cap, so other
/// integrations and other worker instances are accounted for.
/// </summary>
/// <remarks>
/// At the cap, or after <c>REQUEST_LIMIT_EXCEEDED</c>, calls <em>pause</em> rather than fail: the caller's call waits
/// (cancellable) while one probe every <see cref="SalesforceOptions.BudgetProbeInterval"/> re-reads the usage, and it
/// continues once usage has fallen below the cap. Throwing instead would push a retry schedule onto every caller;
/// pausing is back-pressure the pipeline gets for free, and <see cref="Snapshot"/> shows the pause to health checks.
/// </remarks>
internal sealed class SalesforceApiBudget : IDisposable
{
    private readonly Lock _sync = new();
    private readonly SemaphoreSlim _probing = new(1, 1);
    private readonly double _share;
    private readonly TimeSpan _probeInterval;
    private readonly TimeProvider _time;
    private readonly ILogger<SalesforceApiBudget> _logger;
    private readonly Meter _meter;
    private readonly Counter<long> _callCounter;
    private readonly Counter<long> _pauseCounter;
    private long _calls;
    private long _pauses;
    private ApiUsage? _usage;
    private bool _limitExceeded;

    public SalesforceApiBudget(
        IOptions<SalesforceOptions> options,
        TimeProvider time,
        IMeterFactory meters,
        ILogger<SalesforceApiBudget> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(meters);
        _share = options.Value.DailyBudgetShare;
        _probeInterval = options.Value.BudgetProbeInterval;
        _time = time;
        _logger = logger;
        _meter = meters.Create("TheModel.Sync.Salesforce");
        _callCounter = _meter.CreateCounter<long>("themodel.sync.salesforce.api.calls", description: "Salesforce REST calls made (attempts included).");
        _pauseCounter = _meter.CreateCounter<long>("themodel.sync.salesforce.budget.pauses", description: "Times Salesforce calls paused at the budget cap or the org limit.");
    }

    /// <summary>How many times calls have paused.</summary>
    public long Pauses => Interlocked.Read(ref _pauses);

    /// <summary>Counts one REST response and takes the usage it reports.</summary>
    public void RecordResponse(string? limitInfo)
    {
        Interlocked.Increment(ref _calls);
        _callCounter.Add(1);
        if (SalesforceResponses.TryParseLimitInfo(limitInfo, out var usage))
        {
            lock (_sync)
            {
                _usage = usage;
            }
        }
    }

    /// <summary>Salesforce refused a call for the org's limit: pause until a probe gets through.</summary>
    public void RecordLimitExceeded()
    {
        lock (_sync)
        {
            _limitExceeded = true;
        }
    }

    /// <summary>Usage as last reported; <c>DailyCap</c> is 0 until a first response has revealed the allocation.</summary>
    public ApiBudgetSnapshot Snapshot()
    {
        lock (_sync)
        {
            var reason = PauseReasonLocked();
            return new ApiBudgetSnapshot(
                CrmKind.Salesforce,
                Interlocked.Read(ref _calls),
                _usage?.Used,
                _usage?.Limit,
                _usage is { } usage ? Cap(usage.Limit) : 0,
                reason is not null,
                reason);
        }
    }

    /// <summary>
    /// Returns at once while under the cap. Otherwise waits, one caller probing at a time with
    /// <paramref name="probe"/> (which answers whether the org limit is still exceeded), until usage is under the cap.
    /// </summary>
    public async Task WaitForRoomAsync(Func<CancellationToken, Task<bool>> probe, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(probe);
        if (CurrentPauseReason() is null)
        {
            return;
        }

        await _probing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var reason = CurrentPauseReason();
            if (reason is null)
            {
                return;
            }

            var pausedAt = _time.GetUtcNow();
            Interlocked.Increment(ref _pauses);
            _pauseCounter.Add(1);
            SalesforceLog.BudgetPaused(_logger, reason, _probeInterval);
            while (reason is not null)
            {
                await Task.Delay(_probeInterval, _time, cancellationToken).ConfigureAwait(false);
                var stillExceeded = await probe(cancellationToken).ConfigureAwait(false);
                lock (_sync)
                {
                    _limitExceeded = stillExceeded;
                }

                reason = CurrentPauseReason();
            }

            var snapshot = Snapshot();
            SalesforceLog.BudgetResumed(_logger, _time.GetUtcNow() - pausedAt, snapshot.DailyUsed, snapshot.DailyLimit, snapshot.DailyCap);
        }
        finally
        {
            _probing.Release();
        }
    }

    public void Dispose()
    {
        _probing.Dispose();
        _meter.Dispose();
    }

    private string? CurrentPauseReason()
    {
        lock (_sync)
        {
            return PauseReasonLocked();
        }
    }

    private string? PauseReasonLocked()
    {
        if (_limitExceeded)
        {
            return "Salesforce answered REQUEST_LIMIT_EXCEEDED (the org's API limit is used up)";
        }

        if (_usage is { } usage && usage.Used >= Cap(usage.Limit))
        {
            return string.Create(
                CultureInfo.InvariantCulture,
                $"API usage {usage.Used} of {usage.Limit} reached the cap of {Cap(usage.Limit)} (DailyBudgetShare {_share})");
        }

        return null;
    }

    private long Cap(long limit) => (long)Math.Floor(limit * _share);
}

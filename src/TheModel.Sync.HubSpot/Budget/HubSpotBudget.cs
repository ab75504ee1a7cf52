using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;
using TheModel.Sync.HubSpot.Api;
using TheModel.Sync.HubSpot.Http;

namespace TheModel.Sync.HubSpot.Budget;

/// <summary>
/// The process-wide HubSpot call budget (crm-api-facts.md H-8), fed by the <c>X-HubSpot-RateLimit-*</c> headers of
/// every response:
/// <list type="bullet">
/// <item>Burst: calls in the rolling interval (usually 10 s) stay below <c>Max − BurstHeadroom</c>, less what other
/// clients of the same app were seen to use (<c>Max − Remaining</c> beyond our own calls, for one interval).</item>
/// <item>Search: at most <c>SearchPerSecond</c> per rolling second, apart from the burst count (search is exempt).</item>
/// <item>Daily: this worker's calls since the day turned stay under <c>DailyBudgetShare × Daily</c>. At the cap, on
/// <c>Daily-Remaining: 0</c> or on a DAILY 429 calls pause: they throw <see cref="HubSpotBudgetPausedException"/>
/// rather than wait, except one call per <c>DailyProbeInterval</c> that goes out to learn whether the day turned. A
/// rise of <c>Daily-Remaining</c> by more than 1% of the allocation marks a new day (HubSpot renews it at midnight in the
/// account's time zone, which the client cannot know); without headers the day turns 24 h after it started.</item>
/// </list>
/// Every wait uses the injected <see cref="TimeProvider"/>. The counts are per process, but the daily cap also holds
/// against the account's own count (<c>Daily − Daily-Remaining</c>, every instance and app included), so instances
/// sharing one token stay within one share between them.
/// </summary>
internal sealed class HubSpotBudget
{
    /// <summary>The burst allocation assumed until a response tells (the smallest private-app allocation).</summary>
    public const long AssumedBurstMax = 100;

    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(10);

    /// <summary>The wait after a search 429 (the official SDK waits 1 s × attempt).</summary>
    public static readonly TimeSpan SearchBackoff = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan SearchWindow = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan DayLength = TimeSpan.FromHours(24);

    private readonly Lock _gate = new();
    private readonly IOptionsMonitor<HubSpotOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<HubSpotBudget> _logger;
    private readonly HubSpotMetrics _metrics;

    private readonly List<DateTimeOffset> _burstSends = [];
    private readonly List<DateTimeOffset> _searchSends = [];
    private TimeSpan _interval = DefaultInterval;
    private long _burstMax = AssumedBurstMax;
    private long _othersInWindow;
    private DateTimeOffset _othersUntil;
    private DateTimeOffset _burstBlockedUntil;
    private DateTimeOffset _searchBlockedUntil;

    private long? _dailyLimit;
    private long? _dailyRemaining;
    private long _callsToday;
    private long _callsMade;
    private DateTimeOffset _dayStartedAt;
    private string? _pauseReason;
    private DateTimeOffset _nextProbeAt;
    private int _waiting;

    public HubSpotBudget(IOptionsMonitor<HubSpotOptions> options, TimeProvider time, ILogger<HubSpotBudget> logger, HubSpotMetrics metrics)
    {
        _options = options;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _dayStartedAt = time.GetUtcNow();
    }

    /// <summary>Times the budget paused since start.</summary>
    public int Pauses { get; private set; }

    /// <summary>Times a limiter held a call since start.</summary>
    public int LimiterWaits { get; private set; }

    /// <summary>Calls being held by a limiter right now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    public ApiBudgetSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new ApiBudgetSnapshot(CrmKind.HubSpot, _callsMade, _callsToday, _dailyLimit, DailyCap(), _pauseReason is not null, _pauseReason);
        }
    }

    /// <summary>
    /// Waits until <paramref name="call"/> may go out, then counts it. Throws <see cref="HubSpotBudgetPausedException"/>
    /// at once while the daily budget is paused (apart from the one probe call per <c>DailyProbeInterval</c>).
    /// </summary>
    public async ValueTask AcquireAsync(HubSpotCall call, CancellationToken cancellationToken)
    {
        var probing = false;
        while (true)
        {
            TimeSpan wait;
            lock (_gate)
            {
                var now = _time.GetUtcNow();
                var options = _options.CurrentValue;
                if (now - _dayStartedAt >= DayLength)
                {
                    StartNewDay(now, "24 hours passed without a renewal seen in the headers");
                }

                if (_pauseReason is null && _callsToday >= DailyCap())
                {
                    Pause(
                        now,
                        string.Create(
                            CultureInfo.InvariantCulture,
                            $"this worker's share of the daily allocation is spent ({_callsToday} of {DailyCap()} calls: DailyBudgetShare {options.DailyBudgetShare} of {_dailyLimit ?? options.AssumedDailyLimit})"));
                }

                if (_pauseReason is not null && !probing)
                {
                    if (now < _nextProbeAt)
                    {
                        throw new HubSpotBudgetPausedException(_pauseReason, _nextProbeAt);
                    }

                    probing = true;
                    _nextProbeAt = now + options.DailyProbeInterval;
                    HubSpotLog.BudgetProbe(_logger);
                }

                wait = call.IsSearch() ? SearchWait(now, options) : BurstWait(now, options);
                if (wait <= TimeSpan.Zero)
                {
                    Count(call, now);
                    return;
                }

                LimiterWaits++;
            }

            _metrics.LimiterWait(call.IsSearch() ? "search" : "burst");
            Interlocked.Increment(ref _waiting);
            try
            {
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _waiting);
            }
        }
    }

    /// <summary>Counts a retry the resilience handler sends: it reaches HubSpot like any call, but is spaced by its own backoff.</summary>
    public void CountRetry(HubSpotCall call)
    {
        lock (_gate)
        {
            Count(call, _time.GetUtcNow());
        }
    }

    /// <summary>Takes in the rate-limit headers of one response (search responses carry none).</summary>
    public void Observe(HubSpotRateLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (limits.IntervalMilliseconds is > 0 and var interval)
            {
                _interval = TimeSpan.FromMilliseconds(interval);
            }

            if (limits.IntervalMax is > 0 and var max)
            {
                _burstMax = max;
            }

            if (limits.IntervalRemaining is { } remaining)
            {
                Trim(_burstSends, now - _interval);
                _othersInWindow = Math.Max(0, _burstMax - remaining - _burstSends.Count);
                _othersUntil = now + _interval;
            }

            if (limits.DailyLimit is > 0 and var daily)
            {
                _dailyLimit = daily;
            }

            if (limits.DailyRemaining is { } dailyRemaining)
            {
                var renewal = Math.Max(100, (_dailyLimit ?? _options.CurrentValue.AssumedDailyLimit) / 100);
                if (_dailyRemaining is { } previous && dailyRemaining > previous + renewal)
                {
                    HubSpotLog.NewDay(_logger, dailyRemaining, _dailyLimit);
                    StartNewDay(now, "HubSpot reports a renewed daily allocation");
                }

                _dailyRemaining = dailyRemaining;
                if (dailyRemaining <= 0 && _pauseReason is null)
                {
                    Pause(now, "the account's daily allocation is used up (X-HubSpot-RateLimit-Daily-Remaining: 0)");
                }
                else if (_pauseReason is null && _dailyLimit is { } limit && limit - dailyRemaining >= DailyCap())
                {
                    // The account's own count includes every instance of this worker (each counts only its own calls)
                    // and the other apps: the share holds however many instances share the token.
                    var options = _options.CurrentValue;
                    Pause(
                        now,
                        string.Create(
                            CultureInfo.InvariantCulture,
                            $"the account has used {limit - dailyRemaining} of its {limit} calls today, at or over the DailyBudgetShare {options.DailyBudgetShare} cap of {DailyCap()} (every instance and app counted)"));
                }
            }
        }
    }

    /// <summary>
    /// Reacts to a 429 and returns how long the next attempt should wait: the burst interval for
    /// <c>TEN_SECONDLY_ROLLING</c> (and unrecognised 429s), 1 s for the search limit. A DAILY 429 pauses the budget and
    /// returns the exception to throw so that no retry follows.
    /// </summary>
    public (TimeSpan Backoff, HubSpotBudgetPausedException? Paused) OnRateLimited(HubSpotLimitKind kind, HubSpotError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            _metrics.RateLimited(kind.ToString());
            switch (kind)
            {
                case HubSpotLimitKind.Daily:
                    _dailyRemaining = 0;
                    if (_pauseReason is null)
                    {
                        Pause(now, $"HubSpot answered 429 DAILY ({error.Message})");
                    }
                    else
                    {
                        _nextProbeAt = now + _options.CurrentValue.DailyProbeInterval;
                    }

                    return (TimeSpan.Zero, new HubSpotBudgetPausedException(_pauseReason!, _nextProbeAt));
                case HubSpotLimitKind.SearchSecondly:
                    _searchBlockedUntil = now + SearchBackoff;
                    return (SearchBackoff, null);
                default:
                    _burstBlockedUntil = now + _interval;
                    return (_interval, null);
            }
        }
    }

    private long DailyCap()
    {
        var options = _options.CurrentValue;
        return (long)Math.Floor(options.DailyBudgetShare * (_dailyLimit ?? options.AssumedDailyLimit));
    }

    private void Count(HubSpotCall call, DateTimeOffset now)
    {
        _callsMade++;
        _callsToday++;
        (call.IsSearch() ? _searchSends : _burstSends).Add(now);
        _metrics.Request(call switch
        {
            HubSpotCall.Search => "search",
            HubSpotCall.Read or HubSpotCall.ReadByPost => "read",
            _ => "write",
        });
    }

    private TimeSpan BurstWait(DateTimeOffset now, HubSpotOptions options)
    {
        Trim(_burstSends, now - _interval);
        var others = now < _othersUntil ? _othersInWindow : 0;
        var allowed = Math.Max(1, _burstMax - options.BurstHeadroom - others);
        var wait = _burstBlockedUntil - now;
        if (_burstSends.Count >= allowed)
        {
            // Either enough of our own calls leave the window, or the estimate of other clients' calls expires.
            var untilOurs = _burstSends[(int)(_burstSends.Count - allowed)] + _interval - now;
            var untilOthers = others > 0 ? _othersUntil - now : TimeSpan.MaxValue;
            var relief = untilOurs < untilOthers ? untilOurs : untilOthers;
            wait = relief > wait ? relief : wait;
            HubSpotLog.BurstWait(_logger, (long)wait.TotalMilliseconds, _burstSends.Count, (long)_interval.TotalMilliseconds, allowed);
        }

        return wait;
    }

    private TimeSpan SearchWait(DateTimeOffset now, HubSpotOptions options)
    {
        Trim(_searchSends, now - SearchWindow);
        var wait = _searchBlockedUntil - now;
        if (_searchSends.Count >= options.SearchPerSecond)
        {
            var relief = _searchSends[_searchSends.Count - options.SearchPerSecond] + SearchWindow - now;
            wait = relief > wait ? relief : wait;
            HubSpotLog.SearchWait(_logger, (long)wait.TotalMilliseconds, options.SearchPerSecond);
        }

        return wait;
    }

    private static void Trim(List<DateTimeOffset> sends, DateTimeOffset cutoff)
    {
        var expired = 0;
        while (expired < sends.Count && sends[expired] <= cutoff)
        {
            expired++;
        }

        sends.RemoveRange(0, expired);
    }

    private void Pause(DateTimeOffset now, string reason)
    {
        _pauseReason = reason;
        _nextProbeAt = now + _options.CurrentValue.DailyProbeInterval;
        Pauses++;
        _metrics.Paused();
        HubSpotLog.BudgetPaused(_logger, reason, _nextProbeAt);
    }

    private void StartNewDay(DateTimeOffset now, string reason)
    {
        _callsToday = 0;
        _dayStartedAt = now;
        if (_pauseReason is not null)
        {
            _pauseReason = null;
            HubSpotLog.BudgetResumed(_logger, reason);
        }
    }
}

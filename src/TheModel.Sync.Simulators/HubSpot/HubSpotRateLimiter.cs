namespace TheModel.Sync.Simulators.HubSpot;

internal enum RateLimitVerdict : byte
{
    Allowed,
    TenSecondly,
    Daily,
    SearchSecondly,
}

/// <summary>The limiter's answer and the numbers behind the <c>X-HubSpot-RateLimit-*</c> headers.</summary>
internal readonly record struct RateLimitDecision(RateLimitVerdict Verdict, long DailyLimit, long DailyRemaining, int BurstMax, int BurstRemaining);

/// <summary>
/// HubSpot's private-app limits (facts H-3, H-8): a rolling 10-second burst window for non-search calls, a daily
/// allocation that resets at midnight in the portal's time zone, and a separate rolling one-second window for
/// search, which does not count toward the burst. Refused calls count toward nothing.
/// </summary>
internal sealed class HubSpotRateLimiter
{
    public const int IntervalMilliseconds = 10_000;

    private static readonly TimeSpan BurstWindow = TimeSpan.FromMilliseconds(IntervalMilliseconds);
    private static readonly TimeSpan SearchWindow = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly Queue<DateTimeOffset> _burst = new();
    private readonly Queue<DateTimeOffset> _search = new();
    private readonly int _burstMax;
    private readonly long _dailyLimit;
    private readonly int _searchPerSecond;
    private readonly TimeZoneInfo _zone;
    private DateOnly _day;
    private long _dailyUsed;
    private long _counted;

    public HubSpotRateLimiter(int burstMax, long dailyLimit, int searchPerSecond, TimeZoneInfo zone)
    {
        _burstMax = burstMax;
        _dailyLimit = dailyLimit;
        _searchPerSecond = searchPerSecond;
        _zone = zone;
    }

    public long CountedCalls
    {
        get
        {
            lock (_gate)
            {
                return _counted;
            }
        }
    }

    public long DailyUsage(DateTimeOffset now)
    {
        lock (_gate)
        {
            RollDay(now);
            return _dailyUsed;
        }
    }

    public void SetDailyUsage(long used, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(used);
        lock (_gate)
        {
            RollDay(now);
            _dailyUsed = used;
        }
    }

    public RateLimitDecision Acquire(bool isSearch, DateTimeOffset now)
    {
        lock (_gate)
        {
            RollDay(now);
            Trim(_burst, now - BurstWindow);
            Trim(_search, now - SearchWindow);

            var verdict = RateLimitVerdict.Allowed;
            if (_dailyUsed >= _dailyLimit)
            {
                verdict = RateLimitVerdict.Daily;
            }
            else if (isSearch)
            {
                if (_search.Count >= _searchPerSecond)
                {
                    verdict = RateLimitVerdict.SearchSecondly;
                }
                else
                {
                    _search.Enqueue(now);
                }
            }
            else if (_burst.Count >= _burstMax)
            {
                verdict = RateLimitVerdict.TenSecondly;
            }
            else
            {
                _burst.Enqueue(now);
            }

            if (verdict == RateLimitVerdict.Allowed)
            {
                _dailyUsed++;
                _counted++;
            }

            return new RateLimitDecision(verdict, _dailyLimit, Math.Max(0, _dailyLimit - _dailyUsed), _burstMax, Math.Max(0, _burstMax - _burst.Count));
        }
    }

    // A call made at exactly the window's start has left it: "rolling 10 seconds" means (now - 10 s, now].
    private static void Trim(Queue<DateTimeOffset> window, DateTimeOffset start)
    {
        while (window.Count > 0 && window.Peek() <= start)
        {
            window.Dequeue();
        }
    }

    private void RollDay(DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, _zone).DateTime);
        if (today != _day)
        {
            _day = today;
            _dailyUsed = 0;
        }
    }
}

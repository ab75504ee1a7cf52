namespace TheModel.Sync.Simulators.Faults;

/// <summary>What a simulator does to one request instead of (or after) serving it normally.</summary>
public enum FaultKind : byte
{
    None,

    /// <summary>Answer 503 without applying anything.</summary>
    ServerError,

    /// <summary>Apply the request, then answer 500: the client cannot know whether its write happened.</summary>
    LostResponse,

    /// <summary>Hold the request for <see cref="FaultPlan.TimeoutDelay"/> (or until the client gives up), applying nothing.</summary>
    Timeout,

    /// <summary>Answer 429 in the vendor's shape (HubSpot: the ten-secondly body; Salesforce has no 429, so 503).</summary>
    RateLimit,
}

/// <summary>
/// The faults a test asks a simulator for: rates drawn from a seeded generator (so a run is repeatable),
/// plus scripted faults for the next matching requests. Thread-safe; change it at any time during a test.
/// </summary>
public sealed class FaultPlan
{
    private readonly Lock _gate = new();
    private readonly List<(FaultKind Kind, string? PathContains, int Remaining)> _scripted = [];
    private Random _random;

    public FaultPlan(int seed = 1) => _random = new Random(seed);

    /// <summary>Added to every answer.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Share of API requests answered 503 without effect.</summary>
    public double ServerErrorRate { get; set; }

    /// <summary>Share of write requests applied and then answered 500.</summary>
    public double LostResponseRate { get; set; }

    /// <summary>Share of API requests held for <see cref="TimeoutDelay"/>.</summary>
    public double TimeoutRate { get; set; }

    public TimeSpan TimeoutDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Share of API requests answered 429 (HubSpot) regardless of the real counters.</summary>
    public double RateLimitRate { get; set; }

    /// <summary>Salesforce: share of records in a write answered <c>UNABLE_TO_LOCK_ROW</c>.</summary>
    public double LockRowRate { get; set; }

    /// <summary>Faults drawn so far, by kind (lock-row failures counted per record).</summary>
    public int ServerErrors { get; private set; }

    public int LostResponses { get; private set; }

    public int Timeouts { get; private set; }

    public int RateLimits { get; private set; }

    public int LockedRows { get; private set; }

    public void Reseed(int seed)
    {
        lock (_gate)
        {
            _random = new Random(seed);
        }
    }

    /// <summary>The next <paramref name="count"/> requests whose path contains <paramref name="pathContains"/> get <paramref name="kind"/>.</summary>
    public void FailNext(int count, FaultKind kind, string? pathContains = null)
    {
        lock (_gate)
        {
            _scripted.Add((kind, pathContains, count));
        }
    }

    /// <summary>Decides the fault for one API request. <paramref name="isWrite"/> allows <see cref="FaultKind.LostResponse"/>.</summary>
    public FaultKind Draw(string path, bool isWrite)
    {
        lock (_gate)
        {
            for (var i = 0; i < _scripted.Count; i++)
            {
                var (kind, contains, remaining) = _scripted[i];
                if (contains is null || path.Contains(contains, StringComparison.Ordinal))
                {
                    _scripted[i] = (kind, contains, remaining - 1);
                    if (remaining - 1 <= 0)
                    {
                        _scripted.RemoveAt(i);
                    }

                    return Count(kind);
                }
            }

            var roll = _random.NextDouble();
            if ((roll -= ServerErrorRate) < 0)
            {
                return Count(FaultKind.ServerError);
            }

            if (isWrite && (roll -= LostResponseRate) < 0)
            {
                return Count(FaultKind.LostResponse);
            }

            if ((roll -= TimeoutRate) < 0)
            {
                return Count(FaultKind.Timeout);
            }

            return (roll -= RateLimitRate) < 0 ? Count(FaultKind.RateLimit) : FaultKind.None;
        }
    }

    /// <summary>Whether one record of a write is refused with a row lock.</summary>
    public bool DrawLockRow()
    {
        lock (_gate)
        {
            if (LockRowRate > 0 && _random.NextDouble() < LockRowRate)
            {
                LockedRows++;
                return true;
            }

            return false;
        }
    }

    private FaultKind Count(FaultKind kind)
    {
        switch (kind)
        {
            case FaultKind.ServerError: ServerErrors++; break;
            case FaultKind.LostResponse: LostResponses++; break;
            case FaultKind.Timeout: Timeouts++; break;
            case FaultKind.RateLimit: RateLimits++; break;
        }

        return kind;
    }
}

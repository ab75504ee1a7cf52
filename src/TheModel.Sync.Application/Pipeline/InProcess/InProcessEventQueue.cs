namespace TheModel.Sync.Application.Pipeline.InProcess;

/// <summary>
/// The event queue held in this process: the embedded default for one instance. Same contract as the Redis stream
/// (dedupe window, consumer ownership, reclaim, dead letters) but nothing survives a restart.
/// </summary>
public sealed class InProcessEventQueue : IEventQueue
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _dedupeWindow;
    private readonly Dictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private readonly Queue<(string EntryId, CrmEvent Event, DateTimeOffset At)> _new = new();
    private readonly Dictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly List<DeadLetter> _dead = [];
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _sequence;
    private DateTimeOffset _nextPrune;

    public InProcessEventQueue(TimeProvider time, TimeSpan? dedupeWindow = null)
    {
        _time = time;
        _dedupeWindow = dedupeWindow ?? TimeSpan.FromHours(48);
        _nextPrune = time.GetUtcNow() + TimeSpan.FromMinutes(10);
    }

    public Task<int> EnqueueAsync(IReadOnlyList<CrmEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var now = _time.GetUtcNow();
        var added = 0;
        TaskCompletionSource? signal = null;
        lock (_gate)
        {
            PruneSeen(now);
            foreach (var e in events)
            {
                if (_seen.TryGetValue(e.DedupeKey, out var until) && until > now)
                {
                    continue;
                }

                _seen[e.DedupeKey] = now + _dedupeWindow;
                _new.Enqueue(($"{now.ToUnixTimeMilliseconds()}-{++_sequence}", e, now));
                added++;
            }

            if (added > 0)
            {
                signal = _arrived;
                _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        signal?.TrySetResult();
        return Task.FromResult(added);
    }

    public async Task<IReadOnlyList<QueuedEvent>> ReadAsync(string consumer, int max, TimeSpan wait, CancellationToken cancellationToken)
    {
        Task arrived;
        lock (_gate)
        {
            if (_new.Count > 0 || wait <= TimeSpan.Zero)
            {
                return TakeNew(consumer, max);
            }

            arrived = _arrived.Task;
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(wait, _time, cts.Token);
        await Task.WhenAny(arrived, delay).ConfigureAwait(false);
        await cts.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return TakeNew(consumer, max);
        }
    }

    public Task<IReadOnlyList<QueuedEvent>> ReclaimAsync(string consumer, TimeSpan minIdle, int max, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var taken = new List<QueuedEvent>();
        lock (_gate)
        {
            foreach (var (id, p) in _pending.OrderBy(p => p.Value.Entry.EnqueuedAt).ThenBy(p => p.Key, StringComparer.Ordinal).ToList())
            {
                if (taken.Count >= max)
                {
                    break;
                }

                if (now - p.DeliveredAt < minIdle)
                {
                    continue;
                }

                var entry = p.Entry with { Deliveries = p.Entry.Deliveries + 1 };
                _pending[id] = new Pending(entry, consumer, now);
                taken.Add(entry);
            }
        }

        return Task.FromResult<IReadOnlyList<QueuedEvent>>(taken);
    }

    public Task AcknowledgeAsync(IReadOnlyList<QueuedEvent> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        lock (_gate)
        {
            foreach (var e in entries)
            {
                _pending.Remove(e.EntryId);
            }
        }

        return Task.CompletedTask;
    }

    public Task DeadLetterAsync(QueuedEvent entry, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_gate)
        {
            if (_pending.Remove(entry.EntryId))
            {
                _dead.Add(new DeadLetter(entry.EntryId, entry.Event, reason, entry.Deliveries, _time.GetUtcNow()));
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<DeadLetter>> DeadLettersAsync(int max, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<DeadLetter>>(_dead.Take(max).ToList());
        }
    }

    public Task<QueueStats> StatsAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            var oldest = _new.Count > 0 ? _new.Peek().At : (DateTimeOffset?)null;
            foreach (var p in _pending.Values)
            {
                if (oldest is null || p.Entry.EnqueuedAt < oldest)
                {
                    oldest = p.Entry.EnqueuedAt;
                }
            }

            return Task.FromResult(new QueueStats(_new.Count, _pending.Count, _dead.Count, oldest is { } o ? now - o : TimeSpan.Zero));
        }
    }

    private List<QueuedEvent> TakeNew(string consumer, int max)
    {
        var now = _time.GetUtcNow();
        var taken = new List<QueuedEvent>(Math.Min(max, _new.Count));
        while (taken.Count < max && _new.TryDequeue(out var item))
        {
            var entry = new QueuedEvent(item.EntryId, item.Event, 1, item.At);
            _pending[item.EntryId] = new Pending(entry, consumer, now);
            taken.Add(entry);
        }

        return taken;
    }

    private void PruneSeen(DateTimeOffset now)
    {
        if (now < _nextPrune)
        {
            return;
        }

        _nextPrune = now + TimeSpan.FromMinutes(10);
        foreach (var (key, until) in _seen.ToList())
        {
            if (until <= now)
            {
                _seen.Remove(key);
            }
        }
    }

    private sealed record Pending(QueuedEvent Entry, string Consumer, DateTimeOffset DeliveredAt);
}

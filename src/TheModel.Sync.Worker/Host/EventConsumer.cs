using Microsoft.Extensions.Options;
using TheModel.Sync.Application.Pipeline;
using TheModel.Sync.Worker.Operations;

namespace TheModel.Sync.Worker.Host;

/// <summary>
/// Told about every batch the consumer finishes (the sandbox's live table, a test's probe). Called on the consumer's
/// loop: keep it quick, and do not throw.
/// </summary>
internal interface IBatchObserver
{
    void OnBatch(IReadOnlyList<QueuedEvent> batch, BatchResult result);
}

/// <summary>This process's name among the instances sharing the queue and leases: machine, process id and a random part.</summary>
internal sealed record InstanceIdentity(string Name)
{
    public static InstanceIdentity Create() =>
        new($"{Environment.MachineName}-{Environment.ProcessId}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4))}");
}

/// <summary>
/// Takes queued events in batches and hands them to the <see cref="EventProcessor"/>. Every
/// <see cref="WorkerOptions.ReclaimInterval"/> it also takes over entries another consumer has held longer than
/// <see cref="WorkerOptions.ReclaimMinIdle"/> (a crashed instance's, or this one's own retries). On shutdown the
/// batch in hand is finished; if the host's shutdown timeout runs out first it is abandoned unacknowledged, and an
/// instance reclaims it later.
/// </summary>
internal sealed partial class EventConsumer : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly IEventQueue _queue;
    private readonly EventProcessor _processor;
    private readonly WorkerOptions _options;
    private readonly WorkerMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<EventConsumer> _logger;
    private readonly IBatchObserver[] _observers;
    private readonly FunnelRecorder _funnel;
    private readonly CancellationTokenSource _abort = new();
    private long _batches;

    public EventConsumer(
        IEventQueue queue,
        EventProcessor processor,
        InstanceIdentity identity,
        IOptions<WorkerOptions> options,
        WorkerMetrics metrics,
        TimeProvider time,
        ILogger<EventConsumer> logger,
        IEnumerable<IBatchObserver> observers)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(options);
        _queue = queue;
        _processor = processor;
        ConsumerName = identity.Name;
        _options = options.Value;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _observers = [.. observers];
        _funnel = new FunnelRecorder(metrics, time.GetUtcNow());
    }

    public string ConsumerName { get; }

    /// <summary>Batches processed so far (for tests and the sandbox's progress line).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // The host's shutdown timeout ending is the signal to give up the batch in hand.
        using var giveUp = cancellationToken.Register(_abort.Cancel);
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _abort.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Log.Started(_logger, ConsumerName, _options.ReadBatchSize);
        var nextReclaim = _time.GetUtcNow();
        var backoff = TimeSpan.Zero;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (_time.GetUtcNow() >= nextReclaim)
                {
                    nextReclaim = _time.GetUtcNow() + _options.ReclaimInterval;
                    var reclaimed = await _queue.ReclaimAsync(ConsumerName, _options.ReclaimMinIdle, _options.ReadBatchSize, stoppingToken);
                    if (reclaimed.Count > 0)
                    {
                        Log.Reclaimed(_logger, reclaimed.Count);
                        await ProcessAsync(reclaimed);
                    }
                }

                var batch = await ReadBatchAsync(stoppingToken);
                if (batch.Count > 0)
                {
                    await ProcessAsync(batch);
                }

                backoff = TimeSpan.Zero;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested || _abort.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The batch stays unacknowledged and is reclaimed; wait a little so a store outage is not a busy loop.
                backoff = backoff == TimeSpan.Zero ? TimeSpan.FromSeconds(1) : TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
                Log.LoopFailed(_logger, DurationText.Format(backoff), ex);
                try
                {
                    await Task.Delay(backoff, _time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        Log.Stopped(_logger, ConsumerName);
    }

    /// <summary>A batch: whatever arrives within the read wait, then more for up to the batch window, up to the size.</summary>
    private async Task<IReadOnlyList<QueuedEvent>> ReadBatchAsync(CancellationToken stoppingToken)
    {
        var first = await _queue.ReadAsync(ConsumerName, _options.ReadBatchSize, _options.ReadWait, stoppingToken);
        if (first.Count == 0 || first.Count >= _options.ReadBatchSize || _options.BatchWindow <= TimeSpan.Zero)
        {
            return first;
        }

        var batch = new List<QueuedEvent>(_options.ReadBatchSize);
        batch.AddRange(first);
        var opened = _time.GetTimestamp();
        while (batch.Count < _options.ReadBatchSize && !stoppingToken.IsCancellationRequested)
        {
            var left = _options.BatchWindow - _time.GetElapsedTime(opened);
            if (left <= TimeSpan.Zero)
            {
                break;
            }

            try
            {
                batch.AddRange(await _queue.ReadAsync(ConsumerName, _options.ReadBatchSize - batch.Count, left, stoppingToken));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Shutting down: the entries already taken are processed (or reclaimed later).
                break;
            }
        }

        return batch;
    }

    private async Task ProcessAsync(IReadOnlyList<QueuedEvent> batch)
    {
        // Not the stopping token: a batch that has begun is finished unless the shutdown timeout runs out.
        var result = await _processor.ProcessAsync(batch, _abort.Token);
        Interlocked.Increment(ref _batches);
        var now = _time.GetUtcNow();
        foreach (var entry in batch)
        {
            if (result.Results.TryGetValue(entry.EntryId, out var r))
            {
                var crm = WorkerMetrics.Label(entry.Event.Crm);
                _metrics.EventsProcessed.WithLabels(crm, WorkerMetrics.Label(r)).Inc();
                if (r == EventResult.DeadLettered)
                {
                    _metrics.DeadLettered.WithLabels(crm).Inc();
                }
            }
        }

        foreach (var d in result.Decisions)
        {
            // Before the decision counter: a reader that sees the decision counted sees its funnel series too.
            _funnel.Record(d);
            _metrics.Decisions.WithLabels(d.Decision.Rule ?? "none", d.Decision.Outcome == Core.Engine.DecisionOutcome.Assigned ? "assigned" : "kept").Inc();
            if (d.Writes > 0)
            {
                _metrics.EventToWrite.WithLabels(WorkerMetrics.Label(d.Event.Crm)).Observe(Math.Max(0, (now - d.Event.OccurredAt).TotalSeconds));
            }
        }

        foreach (var problem in result.Problems)
        {
            Log.Problem(_logger, problem);
        }

        foreach (var observer in _observers)
        {
            try
            {
                observer.OnBatch(batch, result);
            }
            catch (Exception ex)
            {
                Log.ObserverFailed(_logger, observer.GetType().Name, ex);
            }
        }

        Log.BatchDone(_logger, batch.Count, result.Decisions.Count, result.Results.Count(r => r.Value == EventResult.Retry), result.Results.Count(r => r.Value == EventResult.DeadLettered));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Consumer {Consumer} started (batches of {BatchSize})")]
        public static partial void Started(ILogger logger, string consumer, int batchSize);

        [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Consumer {Consumer} stopped")]
        public static partial void Stopped(ILogger logger, string consumer);

        [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Took over {Count} queue entries idle past the reclaim time")]
        public static partial void Reclaimed(ILogger logger, int count);

        [LoggerMessage(EventId = 3004, Level = LogLevel.Debug, Message = "Batch of {Count}: {Decisions} decisions, {Retries} to retry, {DeadLettered} dead-lettered")]
        public static partial void BatchDone(ILogger logger, int count, int decisions, int retries, int deadLettered);

        [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "{Problem}")]
        public static partial void Problem(ILogger logger, string problem);

        [LoggerMessage(EventId = 3007, Level = LogLevel.Error, Message = "Batch observer {Observer} failed")]
        public static partial void ObserverFailed(ILogger logger, string observer, Exception exception);

        [LoggerMessage(EventId = 3006, Level = LogLevel.Error, Message = "Consumer loop failed; retrying in {Backoff}")]
        public static partial void LoopFailed(ILogger logger, string backoff, Exception exception);
    }
}

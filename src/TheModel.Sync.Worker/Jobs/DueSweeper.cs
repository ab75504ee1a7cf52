using System.Globalization;
using Microsoft.Extensions.Options;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Application.Pipeline;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Worker.Host;
using TheModel.Sync.Worker.Operations;

namespace TheModel.Sync.Worker.Jobs;

/// <summary>
/// Claims the SLA deadlines and recycle rechecks that are due and queues a <see cref="EventOrigin.Sweep"/> event per
/// person, which the processor evaluates like any other (breach handling, recycle return). A claim hands an item to
/// one instance only, so every instance sweeps without a lease. Items are <c>&lt;Crm&gt;:&lt;personId&gt;</c>.
/// </summary>
internal sealed partial class DueSweeper(
    IDueSchedule due,
    IEventQueue queue,
    IOptions<WorkerOptions> options,
    WorkerMetrics metrics,
    TimeProvider time,
    ILogger<DueSweeper> logger)
{
    private static readonly string[] Kinds = [EventProcessor.SlaDueKind, EventProcessor.RecheckDueKind];

    private readonly WorkerOptions _options = options.Value;

    /// <summary>Queues every item due now; returns how many were claimed.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        foreach (var kind in Kinds)
        {
            while (true)
            {
                var now = time.GetUtcNow();
                var items = await due.ClaimDueAsync(kind, now, _options.SweepBatchSize, cancellationToken);
                if (items.Count == 0)
                {
                    break;
                }

                total += items.Count;
                var events = new List<CrmEvent>(items.Count);
                foreach (var item in items)
                {
                    if (ToEvent(kind, item, now) is { } e)
                    {
                        events.Add(e);
                    }
                    else
                    {
                        Log.BadItem(logger, kind, item);
                    }
                }

                try
                {
                    var queued = await queue.EnqueueAsync(events, cancellationToken);
                    metrics.CountEnqueued(events, queued);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A claim removes the items: put them back so the next sweep tries again, rather than losing a deadline.
                    foreach (var item in items)
                    {
                        await due.ScheduleAsync(kind, item, now, CancellationToken.None);
                    }

                    throw;
                }

                Log.Swept(logger, items.Count, kind);
                if (items.Count < _options.SweepBatchSize)
                {
                    break;
                }
            }
        }

        return total;
    }

    /// <summary>
    /// The sweep event for a due item. The schedule hands out items without their due time, so the claim time stands
    /// in for it in the dedupe key: an item is claimed once per due time, so claims never share a key.
    /// </summary>
    internal static CrmEvent? ToEvent(string kind, string item, DateTimeOffset claimedAt)
    {
        var colon = item.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == item.Length - 1 || !Enum.TryParse<CrmKind>(item.AsSpan(0, colon), ignoreCase: false, out var crm) || !Enum.IsDefined(crm))
        {
            return null;
        }

        return new CrmEvent(
            string.Create(CultureInfo.InvariantCulture, $"{kind}:{item}:{claimedAt.ToUnixTimeMilliseconds()}"),
            crm,
            CrmObject.Person,
            item[(colon + 1)..],
            kind,
            claimedAt,
            EventOrigin.Sweep);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Queued {Count} due {Kind} items")]
        public static partial void Swept(ILogger logger, int count, string kind);

        [LoggerMessage(EventId = 5102, Level = LogLevel.Error, Message = "Due {Kind} item {Item} is not <Crm>:<personId>; dropped")]
        public static partial void BadItem(ILogger logger, string kind, string item);
    }
}

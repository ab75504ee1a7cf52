using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Options;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Application.Pipeline;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;
using TheModel.Sync.Worker.Host;
using TheModel.Sync.Worker.Operations;
using TheModel.Sync.Worker.Reload;

namespace TheModel.Sync.Worker.Jobs;

/// <summary>What one poll run did.</summary>
internal enum PollOutcome
{
    /// <summary>The records after the watermark were read (possibly none).</summary>
    Polled,

    /// <summary>Another instance holds this poll's lease.</summary>
    Skipped,

    /// <summary>No connector is configured for the CRM.</summary>
    NoConnector,
}

internal sealed record PollRun(PollOutcome Outcome, int Records);

/// <summary>
/// Incremental polls, one CRM and object at a time, in pages from a watermark.
/// People: one instance at a time (a lease per CRM and object), the watermark shared in <see cref="IWatermarkStore"/>,
/// each changed person queued as a <see cref="EventOrigin.Poll"/> event (webhooks are the fast path; this is the
/// net under them). Accounts and opportunities: on every instance, from an in-process watermark starting at the
/// beginning, because they fill this process's account catalog, which the matcher reads; the catalog's index is
/// rebuilt once per run that changed it. Their changes also become events (a lost deal or churned account recycles
/// its people): those after the shared watermark of their CRM and object (at the first run ever, none: what is there
/// is history) are queued, deduplicated across instances by the queue; records already lost or churned more than a
/// day before that are marked as acted on without an event, so an old loss recycles nobody even when the record is
/// edited later.
/// </summary>
internal sealed partial class CrmPoller(
    CrmConnectorSet connectors,
    IWatermarkStore watermarks,
    HeldLeases leases,
    IEventQueue queue,
    IRecordMarks marks,
    RoutingConfigProvider config,
    CrmCatalog catalog,
    IOptions<WorkerOptions> options,
    WorkerMetrics metrics,
    TimeProvider time,
    ILogger<CrmPoller> logger)
{
    /// <summary>
    /// How much older than the last change taken as an event a record must be to count as history. Records just
    /// behind the watermark may still have their events in the queue (another instance moved the watermark past them
    /// moments ago); marking them would make those events find the mark and recycle nobody.
    /// </summary>
    private static readonly TimeSpan HistoryMargin = TimeSpan.FromDays(1);

    private readonly WorkerOptions _options = options.Value;
    private readonly ConcurrentDictionary<(CrmKind, CrmObject), Watermark> _local = new();

    public static string LeaseName(CrmKind crm, CrmObject obj) =>
        $"poll:{WorkerMetrics.Label(crm)}:{WorkerMetrics.Label(obj)}";

    public async Task<PollRun> PollAsync(CrmKind crm, CrmObject obj, CancellationToken cancellationToken)
    {
        if (connectors.Find(crm) is not { } connector)
        {
            return new PollRun(PollOutcome.NoConnector, 0);
        }

        var shared = obj == CrmObject.Person;
        var lease = LeaseName(crm, obj);
        var ttl = HeldLeases.TtlFor(_options.PollInterval);
        if (shared && !await leases.TryHoldAsync(lease, ttl, cancellationToken))
        {
            Log.Skipped(logger, lease);
            return new PollRun(PollOutcome.Skipped, 0);
        }

        var watermark = shared
            ? await watermarks.GetAsync(crm, obj, cancellationToken) ?? new Watermark(time.GetUtcNow() - _options.PersonPollLookback, null)
            : _local.GetValueOrDefault((crm, obj), Watermark.Start);
        var total = 0;
        var catalogChanged = false;

        // People: a bounded run, the rest next time (the lease is not held for long). The catalog: every page, so the
        // first load of a large CRM completes in one run instead of over hours of intervals.
        try
        {
            for (var page = 0; !shared || page < _options.MaxPollPagesPerRun; page++)
            {
                var result = await connector.PollAsync(obj, watermark, _options.PollPageSize, cancellationToken);
                total += result.Records.Count;
                catalogChanged |= await TakeAsync(crm, obj, result.Records, cancellationToken);
                var moved = result.Next != watermark;
                watermark = result.Next;
                if (shared)
                {
                    await watermarks.SetAsync(crm, obj, watermark, cancellationToken);
                }
                else
                {
                    _local[(crm, obj)] = watermark;
                }

                if (!result.HasMore || !moved)
                {
                    // A "more" without progress would loop forever on the same page.
                    break;
                }

                if (shared && !await leases.TryHoldAsync(lease, ttl, cancellationToken))
                {
                    // Another instance took over (this one stalled past the TTL): it continues from the stored watermark.
                    break;
                }
            }
        }
        finally
        {
            // The account index is rebuilt once per run that changed the catalog (a rebuild is a pass over every
            // account), also when a later page failed: the pages already taken are in the catalog and past the watermark.
            if (catalogChanged)
            {
                config.RefreshAccounts();
            }
        }

        if (total > 0)
        {
            Log.Polled(logger, total, WorkerMetrics.Label(obj), crm.ToString(), watermark.ToString());
        }

        return new PollRun(PollOutcome.Polled, total);
    }

    /// <summary>Queues the people, or puts the accounts and opportunities in the catalog; true when the catalog changed.</summary>
    private async Task<bool> TakeAsync(CrmKind crm, CrmObject obj, IReadOnlyList<CrmRecord> records, CancellationToken ct)
    {
        if (records.Count == 0)
        {
            return false;
        }

        switch (obj)
        {
            case CrmObject.Person:
                var events = records
                    .Select(r => new CrmEvent(
                        string.Create(CultureInfo.InvariantCulture, $"poll:{crm}:{r.Id}:{r.ModifiedAt.ToUnixTimeMilliseconds()}"),
                        crm,
                        CrmObject.Person,
                        r.Id,
                        "poll",
                        r.ModifiedAt,
                        EventOrigin.Poll,
                        r.Fields))
                    .ToList();
                var queued = await queue.EnqueueAsync(events, ct);
                metrics.CountEnqueued(events, queued);
                return false;
            case CrmObject.Account:
                var schema = config.For(crm);
                var accounts = new List<Account>(records.Count);
                foreach (var r in records)
                {
                    if (CrmRecordMapper.TryAccount(r, schema, out var account, out var error))
                    {
                        accounts.Add(account!);
                    }
                    else
                    {
                        Log.Unusable(logger, error!);
                    }
                }

                await QueueChangesAsync(crm, obj, records, accounts.Where(RecycleEvents.IsChurned).Select(a => a.Id), ct);
                return catalog.Upsert(accounts);
            case CrmObject.Opportunity:
                var opportunitySchema = config.For(crm);
                var opportunities = new List<Opportunity>(records.Count);
                foreach (var r in records)
                {
                    if (CrmRecordMapper.TryOpportunity(r, opportunitySchema, out var opportunity, out var error))
                    {
                        opportunities.Add(opportunity!);
                    }
                    else
                    {
                        Log.Unusable(logger, error!);
                    }
                }

                await QueueChangesAsync(crm, obj, records, opportunities.Where(RecycleEvents.IsLost).Select(o => o.Id), ct);
                return catalog.Upsert(opportunities);
            default:
                throw new ArgumentOutOfRangeException(nameof(obj), obj, "only people, accounts and opportunities are polled");
        }
    }

    /// <summary>
    /// Queues the changes of accounts or opportunities not yet taken as events (after the shared watermark), and marks
    /// the older ones that are already in their recycle state as acted on; then moves the shared watermark on.
    /// </summary>
    private async Task QueueChangesAsync(CrmKind crm, CrmObject obj, IReadOnlyList<CrmRecord> records, IEnumerable<string> inRecycleState, CancellationToken ct)
    {
        var taken = await watermarks.GetAsync(crm, obj, ct);
        // The first run ever takes what is already there as history: a deal lost before the worker was switched on
        // recycles nobody (webhooks still bring the losses that happen from now on).
        var cutoff = taken?.ModifiedAt ?? time.GetUtcNow();
        var inState = inRecycleState.ToHashSet(StringComparer.Ordinal);
        var events = new List<CrmEvent>();
        var history = new List<string>();
        foreach (var r in records)
        {
            // At the cutoff itself: queued again (the queue drops what it has seen), never taken for history.
            if (r.ModifiedAt >= cutoff)
            {
                events.Add(new CrmEvent(
                    string.Create(CultureInfo.InvariantCulture, $"poll:{crm}:{WorkerMetrics.Label(obj)}:{r.Id}:{r.ModifiedAt.ToUnixTimeMilliseconds()}"),
                    crm,
                    obj,
                    r.Id,
                    "poll",
                    r.ModifiedAt,
                    EventOrigin.Poll,
                    r.Fields));
            }
            else if (r.ModifiedAt < cutoff - HistoryMargin && inState.Contains(r.Id))
            {
                history.Add(RecycleEvents.MarkKey(crm, obj, r.Id));
            }
        }

        if (history.Count > 0)
        {
            await marks.MarkAsync(history, ct);
        }

        if (events.Count > 0)
        {
            var queued = await queue.EnqueueAsync(events, ct);
            metrics.CountEnqueued(events, queued);
        }

        var newest = records.Max(r => r.ModifiedAt);
        if (taken is null || newest > taken.Value.ModifiedAt)
        {
            await watermarks.SetAsync(crm, obj, new Watermark(newest, null), ct);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5001, Level = LogLevel.Debug, Message = "Poll {Lease} skipped: another instance holds the lease")]
        public static partial void Skipped(ILogger logger, string lease);

        [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Polled {Count} {Object} records from {Crm}; watermark {Watermark}")]
        public static partial void Polled(ILogger logger, int count, string @object, string crm, string watermark);

        [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Polled record not usable: {Error}")]
        public static partial void Unusable(ILogger logger, string error);
    }
}

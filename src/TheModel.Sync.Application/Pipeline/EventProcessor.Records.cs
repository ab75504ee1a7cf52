using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Matching;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Application.Pipeline;

/// <summary>Opportunity and account events: a lost deal or a churned account recycles its people (see <see cref="RecycleEvents"/>).</summary>
public sealed partial class EventProcessor
{
    private static readonly HashSet<string> FreeMail = new(FreeMailDomains.All, StringComparer.OrdinalIgnoreCase);

    /// <summary>Called once per lost opportunity or churned account whose people were queued (metrics, logs).</summary>
    public Action<RecycleFanOut>? RecycleFanOuts { get; init; }

    private async Task ProcessRecordEventsAsync(
        ICrmConnector connector,
        List<QueuedEvent> events,
        Dictionary<string, EventResult> results,
        List<string> problems,
        CancellationToken ct)
    {
        var crm = connector.Crm;
        var context = _context.Current;
        var schema = _schemas.For(crm);
        var fanOuts = new List<FanOut>();
        foreach (var byObject in events.GroupBy(e => e.Event.Object))
        {
            var obj = byObject.Key;
            if (obj is not (CrmObject.Opportunity or CrmObject.Account))
            {
                MarkAll(byObject, EventResult.Ignored, results);
                continue;
            }

            var byRecord = byObject.GroupBy(e => e.Event.RecordId, StringComparer.Ordinal).ToList();
            var records = await CurrentRecordsAsync(connector, schema, obj, byRecord, results, problems, ct).ConfigureAwait(false);
            if (records is null)
            {
                continue;
            }

            foreach (var same in byRecord)
            {
                var entries = same.ToList();
                if (!records.TryGetValue(same.Key, out var record))
                {
                    // Deleted since: nothing to recycle.
                    MarkAll(entries, EventResult.Ignored, results);
                    continue;
                }

                var (outcome, failure, fanOut) = await ClassifyAsync(schema, obj, record, entries, ct).ConfigureAwait(false);
                if (fanOut is not null)
                {
                    fanOuts.Add(fanOut);
                }
                else if (outcome == EventResult.DeadLettered)
                {
                    foreach (var e in entries)
                    {
                        await DeadLetterAsync(e, failure!, results, ct).ConfigureAwait(false);
                    }
                }
                else
                {
                    MarkAll(entries, outcome, results);
                }
            }
        }

        if (fanOuts.Count > 0)
        {
            await FanOutAsync(connector, context, schema, fanOuts, results, problems, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The records as they are now, not as an event saw them, so a late or reordered notice cannot undo a newer
    /// state: a poll's own copy when every event of the record came from a poll (it is as fresh as a read), else read
    /// from the CRM in one call. Null when the read failed (the events are retried).
    /// </summary>
    private async Task<Dictionary<string, CrmRecord>?> CurrentRecordsAsync(
        ICrmConnector connector,
        CrmSchema schema,
        CrmObject obj,
        List<IGrouping<string, QueuedEvent>> byRecord,
        Dictionary<string, EventResult> results,
        List<string> problems,
        CancellationToken ct)
    {
        var current = new Dictionary<string, CrmRecord>(StringComparer.Ordinal);
        var toRead = new List<string>();
        foreach (var same in byRecord)
        {
            if (same.All(e => e.Event.Origin == EventOrigin.Poll && e.Event.Fields is not null))
            {
                var newest = same.MaxBy(e => e.Event.OccurredAt)!.Event;
                current[same.Key] = new CrmRecord(same.Key, newest.Fields!, newest.OccurredAt);
            }
            else
            {
                toRead.Add(same.Key);
            }
        }

        if (toRead.Count == 0)
        {
            return current;
        }

        try
        {
            foreach (var r in await connector.ReadAsync(obj, toRead, ct).ConfigureAwait(false))
            {
                current[r.Id] = r;
            }

            return current;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            problems.Add($"{connector.Crm} read of {toRead.Count} {schema.ObjectName(obj)} records failed: {ex.Message}");
            foreach (var e in byRecord.SelectMany(g => g))
            {
                await RetryOrDeadLetterAsync(e, $"reading the {schema.ObjectName(obj)} record failed: {ex.Message}", results, ct).ConfigureAwait(false);
            }

            return null;
        }
    }

    /// <summary>A record that has just entered its recycle state and was not yet acted on: its people are to be queued.</summary>
    private sealed record FanOut(CrmObject Object, CrmRecord Record, string Key, string? AccountId, Account? Account, string? Stamp, List<QueuedEvent> Entries);

    private async Task<(EventResult Outcome, string? Failure, FanOut? FanOut)> ClassifyAsync(
        CrmSchema schema, CrmObject obj, CrmRecord record, List<QueuedEvent> entries, CancellationToken ct)
    {
        var key = RecycleEvents.MarkKey(schema.Crm, obj, record.Id);
        string? accountId;
        string? stamp = null;
        Account? account = null;
        if (obj == CrmObject.Opportunity)
        {
            if (!CrmRecordMapper.TryOpportunity(record, schema, out var opportunity, out var error))
            {
                return (EventResult.DeadLettered, error, null);
            }

            if (!RecycleEvents.IsLost(opportunity!))
            {
                await _marks.UnmarkAsync(key, ct).ConfigureAwait(false);
                return (EventResult.Ignored, null, null);
            }

            accountId = opportunity!.Account;
            stamp = RecycleEvents.LossStamp(opportunity);
        }
        else
        {
            if (!CrmRecordMapper.TryAccount(record, schema, out account, out var error))
            {
                return (EventResult.DeadLettered, error, null);
            }

            if (!RecycleEvents.IsChurned(account!))
            {
                await _marks.UnmarkAsync(key, ct).ConfigureAwait(false);
                return (EventResult.Ignored, null, null);
            }

            accountId = record.Id;
        }

        return await _marks.IsMarkedAsync(key, ct).ConfigureAwait(false)
            ? (EventResult.Ignored, null, null)
            : (EventResult.Done, null, new FanOut(obj, record, key, accountId, account, stamp, entries));
    }

    /// <summary>
    /// Finds the people of every record in one connector call, queues a person event for each, then marks the
    /// records. The events are queued before the marks: a crash in between queues them again, and the queue's dedupe
    /// drops them.
    /// </summary>
    private async Task FanOutAsync(
        ICrmConnector connector, RoutingContext context, CrmSchema schema, List<FanOut> fanOuts, Dictionary<string, EventResult> results, List<string> problems, CancellationToken ct)
    {
        var crm = connector.Crm;
        IReadOnlyDictionary<string, IReadOnlyList<string>> people;
        try
        {
            var accounts = await AccountsAsync(connector, context, schema, fanOuts, ct).ConfigureAwait(false);
            var asks = fanOuts.Select(f => new PeopleOf(f.Object, f.Record.Id, f.AccountId, Domains(accounts.GetValueOrDefault(f.AccountId ?? string.Empty)))).ToList();

            people = await connector.ReadPeopleOfAsync(asks, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var failure = $"finding the people of {fanOuts.Count} lost or churned record(s) ({string.Join(", ", fanOuts.Take(5).Select(f => f.Record.Id))}) failed: {ex.Message}";
            problems.Add($"{crm} {failure}");
            foreach (var e in fanOuts.SelectMany(f => f.Entries))
            {
                await RetryOrDeadLetterAsync(e, failure, results, ct).ConfigureAwait(false);
            }

            return;
        }

        foreach (var f in fanOuts)
        {
            var cause = f.Entries[0].Event;
            var personEvents = (people.GetValueOrDefault(f.Record.Id) ?? []).Distinct(StringComparer.Ordinal)
                .Select(p => RecycleEvents.PersonEvent(crm, f.Object, f.Record, f.Stamp, p, cause))
                .ToList();
            foreach (var chunk in personEvents.Chunk(RecycleEvents.EnqueueChunk))
            {
                await _queue.EnqueueAsync(chunk, ct).ConfigureAwait(false);
            }

            await _marks.MarkAsync([f.Key], ct).ConfigureAwait(false);
            RecycleFanOuts?.Invoke(new RecycleFanOut(crm, f.Object, f.Record.Id, personEvents.Count));
            MarkAll(f.Entries, EventResult.Done, results);
        }
    }

    private static void MarkAll(IEnumerable<QueuedEvent> entries, EventResult result, Dictionary<string, EventResult> results)
    {
        foreach (var e in entries)
        {
            results[e.EntryId] = result;
        }
    }

    /// <summary>
    /// The accounts of the records: a churned account itself, else from the account index, else read from the CRM
    /// (in one call for all of them: an account created moments ago is not in the index until the next catalog poll).
    /// </summary>
    private static async Task<Dictionary<string, Account>> AccountsAsync(
        ICrmConnector connector, RoutingContext context, CrmSchema schema, List<FanOut> fanOuts, CancellationToken ct)
    {
        var accounts = new Dictionary<string, Account>(StringComparer.Ordinal);
        var missing = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in fanOuts)
        {
            if (f.AccountId is not { } id || accounts.ContainsKey(id))
            {
                continue;
            }

            if ((f.Account ?? context.Engine.Accounts.FindById(id)) is { } known)
            {
                accounts[id] = known;
                missing.Remove(id);
            }
            else
            {
                missing.Add(id);
            }
        }

        if (missing.Count > 0)
        {
            foreach (var record in await connector.ReadAsync(CrmObject.Account, missing, ct).ConfigureAwait(false))
            {
                if (CrmRecordMapper.TryAccount(record, schema, out var mapped, out _))
                {
                    accounts[record.Id] = mapped!;
                }
            }
        }

        return accounts;
    }

    /// <summary>
    /// The account's web domain to find Leads by; none without an account, or when it is a free-mail provider (bad
    /// data: it would take every person mailing from there).
    /// </summary>
    private static IReadOnlyList<string> Domains(Account? account) =>
        account is not null && AccountMatcher.DomainOf(account) is { } domain && !FreeMail.Contains(domain) ? [domain] : [];
}

/// <summary>A lost opportunity or churned account whose <see cref="People"/> persons were queued for recycling.</summary>
public sealed record RecycleFanOut(CrmKind Crm, CrmObject Object, string RecordId, int People);

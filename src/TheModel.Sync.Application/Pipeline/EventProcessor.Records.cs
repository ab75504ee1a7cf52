using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Matching;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Application.Pipeline;

/// <summary>Opportunity and account events: a lost deal or a churned account recycles its people (see <see cref="RecycleEvents"/>).</summary>
public sealed partial class EventProcessor
{
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
        foreach (var byObject in events.GroupBy(e => e.Event.Object))
        {
            var obj = byObject.Key;
            if (obj is not (CrmObject.Opportunity or CrmObject.Account))
            {
                foreach (var e in byObject)
                {
                    results[e.EntryId] = EventResult.Ignored;
                }

                continue;
            }

            // The record as it is now, not as the event saw it: a late or reordered notice cannot undo a newer state.
            var ids = byObject.Select(e => e.Event.RecordId).Distinct(StringComparer.Ordinal).ToList();
            IReadOnlyList<CrmRecord> records;
            try
            {
                records = await connector.ReadAsync(obj, ids, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                problems.Add($"{crm} read of {ids.Count} {schema.ObjectName(obj)} records failed: {ex.Message}");
                foreach (var e in byObject)
                {
                    await RetryOrDeadLetterAsync(e, $"reading the {schema.ObjectName(obj)} record failed: {ex.Message}", results, ct).ConfigureAwait(false);
                }

                continue;
            }

            var byId = records.ToDictionary(r => r.Id, StringComparer.Ordinal);
            foreach (var same in byObject.GroupBy(e => e.Event.RecordId, StringComparer.Ordinal))
            {
                var entries = same.ToList();
                if (!byId.TryGetValue(same.Key, out var record))
                {
                    // Deleted since: nothing to recycle.
                    MarkAll(entries, EventResult.Ignored, results);
                    continue;
                }

                string? failure;
                EventResult outcome;
                try
                {
                    (outcome, failure) = await RecycleFromAsync(connector, context, schema, obj, record, entries[0].Event, ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    (outcome, failure) = (EventResult.Retry, $"finding the people of {schema.ObjectName(obj)} {record.Id} failed: {ex.Message}");
                    problems.Add($"{crm} {failure}");
                }

                foreach (var e in entries)
                {
                    switch (outcome)
                    {
                        case EventResult.Retry:
                            await RetryOrDeadLetterAsync(e, failure!, results, ct).ConfigureAwait(false);
                            break;
                        case EventResult.DeadLettered:
                            await DeadLetterAsync(e, failure!, results, ct).ConfigureAwait(false);
                            break;
                        default:
                            results[e.EntryId] = outcome;
                            break;
                    }
                }
            }
        }
    }

    private static void MarkAll(List<QueuedEvent> entries, EventResult result, Dictionary<string, EventResult> results)
    {
        foreach (var e in entries)
        {
            results[e.EntryId] = result;
        }
    }

    /// <summary>
    /// Queues a person event for each person of a record that has just entered its recycle state, then marks it. The
    /// events are queued before the mark: a crash in between queues them again, and the queue's dedupe drops them.
    /// </summary>
    private async Task<(EventResult Outcome, string? Failure)> RecycleFromAsync(
        ICrmConnector connector, RoutingContext context, CrmSchema schema, CrmObject obj, CrmRecord record, CrmEvent cause, CancellationToken ct)
    {
        var crm = connector.Crm;
        var key = RecycleEvents.MarkKey(crm, obj, record.Id);
        string? accountId;
        string? stamp = null;
        Account? account = null;
        if (obj == CrmObject.Opportunity)
        {
            if (!CrmRecordMapper.TryOpportunity(record, schema, out var opportunity, out var error))
            {
                return (EventResult.DeadLettered, error);
            }

            if (!RecycleEvents.IsLost(opportunity!))
            {
                await _marks.UnmarkAsync(key, ct).ConfigureAwait(false);
                return (EventResult.Ignored, null);
            }

            accountId = opportunity!.Account;
            stamp = RecycleEvents.LossStamp(opportunity);
        }
        else
        {
            if (!CrmRecordMapper.TryAccount(record, schema, out account, out var error))
            {
                return (EventResult.DeadLettered, error);
            }

            if (!RecycleEvents.IsChurned(account!))
            {
                await _marks.UnmarkAsync(key, ct).ConfigureAwait(false);
                return (EventResult.Ignored, null);
            }

            accountId = record.Id;
        }

        if (await _marks.IsMarkedAsync(key, ct).ConfigureAwait(false))
        {
            return (EventResult.Ignored, null);
        }

        var domains = await AccountDomainsAsync(connector, context, schema, accountId, account, ct).ConfigureAwait(false);
        var people = await connector.ReadPeopleOfAsync(new PeopleOf(obj, record.Id, accountId, domains), ct).ConfigureAwait(false);
        var personEvents = people.Distinct(StringComparer.Ordinal)
            .Select(p => RecycleEvents.PersonEvent(crm, obj, record, stamp, p, cause))
            .ToList();
        foreach (var chunk in personEvents.Chunk(RecycleEvents.EnqueueChunk))
        {
            await _queue.EnqueueAsync(chunk, ct).ConfigureAwait(false);
        }

        await _marks.MarkAsync([key], ct).ConfigureAwait(false);
        RecycleFanOuts?.Invoke(new RecycleFanOut(crm, obj, record.Id, personEvents.Count));
        return (EventResult.Done, null);
    }

    /// <summary>The account's web domain, from the account index, else read from the CRM; none when there is no account.</summary>
    private static async Task<IReadOnlyList<string>> AccountDomainsAsync(
        ICrmConnector connector, RoutingContext context, CrmSchema schema, string? accountId, Account? known, CancellationToken ct)
    {
        if (accountId is null)
        {
            return [];
        }

        var account = known ?? context.Engine.Accounts.FindById(accountId);
        if (account is null)
        {
            var read = await connector.ReadAsync(CrmObject.Account, [accountId], ct).ConfigureAwait(false);
            if (read.Count > 0 && CrmRecordMapper.TryAccount(read[0], schema, out var mapped, out _))
            {
                account = mapped;
            }
        }

        // An account whose website is a free-mail provider (bad data) would take every person mailing from there.
        return account is not null && AccountMatcher.DomainOf(account) is { } domain && !FreeMail.Contains(domain) ? [domain] : [];
    }

    private static readonly HashSet<string> FreeMail = new(FreeMailDomains.All, StringComparer.OrdinalIgnoreCase);

    /// <summary>Called once per lost opportunity or churned account whose people were queued (metrics, logs).</summary>
    public Action<RecycleFanOut>? RecycleFanOuts { get; init; }
}

/// <summary>A lost opportunity or churned account whose <see cref="People"/> persons were queued for recycling.</summary>
public sealed record RecycleFanOut(CrmKind Crm, CrmObject Object, string RecordId, int People);

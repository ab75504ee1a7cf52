using System.Diagnostics;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Application.Output;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Application.Pipeline;

/// <summary>The config and account index decisions are made with; swapped whole on a reload or an account refresh.</summary>
public sealed record RoutingContext(RuleSet Rules, DecisionEngine Engine)
{
    public CrmMapping? Mapping(CrmKind crm) => Rules.Crms.FirstOrDefault(c => c.Crm == crm);
}

public interface IRoutingContextSource
{
    RoutingContext Current { get; }
}

/// <summary>What happened to one queued event.</summary>
public enum EventResult : byte
{
    /// <summary>Decided and written (or nothing to write): acknowledged.</summary>
    Done,

    /// <summary>Not a person event, or the record is gone: acknowledged without a decision.</summary>
    Ignored,

    /// <summary>A write failed for now: left unacknowledged for a later delivery.</summary>
    Retry,

    /// <summary>Refused for good, or out of deliveries: moved to the dead letters with the reason.</summary>
    DeadLettered,
}

/// <summary>A decision the processor made, for the log, the metrics and the sandbox's live table.</summary>
/// <remarks>
/// <see cref="Person"/> is the person as read just before the decision; <see cref="MemoBefore"/> what the worker
/// remembered of it then, null for a person it had never decided on (the funnel metrics tell CRM-made stage changes
/// and first sightings by these).
/// </remarks>
public sealed record ProcessedDecision(CrmEvent Event, Decision Decision, string Json, int Writes, TimeSpan EventToWrite, Person? Person = null, PersonMemo? MemoBefore = null);

/// <summary>The outcome of one batch.</summary>
public sealed record BatchResult(IReadOnlyDictionary<string, EventResult> Results, IReadOnlyList<ProcessedDecision> Decisions, IReadOnlyList<string> Problems);

/// <summary>
/// The pipeline's middle: a batch of queued events grouped per person, the people read from the CRM in one call,
/// evaluated against the shared routing state (compare-and-set, re-evaluated on a lost race), the writes planned and
/// journaled before they are sent, written in as few calls as the CRM allows, logged, then acknowledged. A replay of
/// an event whose plan is journaled sends the same writes again instead of deciding again, which the writes' own
/// idempotency (absolute values, keyed tasks) turns into no second effect.
/// </summary>
public sealed partial class EventProcessor
{
    private const int MaxRaces = 8;

    /// <summary>Clock difference between the CRM's event times and this worker's allowed for when judging an event already read.</summary>
    private static readonly TimeSpan StaleMargin = TimeSpan.FromSeconds(2);

    private readonly IReadOnlyDictionary<CrmKind, ICrmConnector> _connectors;
    private readonly ICrmSchemaSource _schemas;
    private readonly IRoutingContextSource _context;
    private readonly IEventQueue _queue;
    private readonly IPlanJournal _journal;
    private readonly IPersonMemory _memory;
    private readonly IRoutingStore _routing;
    private readonly IDueSchedule _due;
    private readonly IDecisionLog _log;
    private readonly IRecordMarks _marks;
    private readonly TimeProvider _time;

    public EventProcessor(
        IEnumerable<ICrmConnector> connectors,
        ICrmSchemaSource schemas,
        IRoutingContextSource context,
        IEventQueue queue,
        IPlanJournal journal,
        IPersonMemory memory,
        IRoutingStore routing,
        IDueSchedule due,
        IDecisionLog log,
        IRecordMarks marks,
        TimeProvider time)
    {
        _connectors = connectors.ToDictionary(c => c.Crm);
        _schemas = schemas;
        _context = context;
        _queue = queue;
        _journal = journal;
        _memory = memory;
        _routing = routing;
        _due = due;
        _log = log;
        _marks = marks;
        _time = time;
    }

    /// <summary>Deliveries after which a still-failing event is dead-lettered.</summary>
    public int MaxDeliveries { get; init; } = 5;

    public const string SlaDueKind = "sla";

    public const string RecheckDueKind = "recheck";

    public async Task<BatchResult> ProcessAsync(IReadOnlyList<QueuedEvent> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        // Each CRM's share of the batch is read, decided and written at the same time as the other's: they share no
        // calls, and the slower CRM alone sets the batch's latency.
        var groups = batch.GroupBy(e => e.Event.Crm).ToList();
        var parts = await Task.WhenAll(groups.Select(group => ProcessGroupAsync(group.Key, [.. group], cancellationToken))).ConfigureAwait(false);
        var results = new Dictionary<string, EventResult>(StringComparer.Ordinal);
        var decisions = new List<ProcessedDecision>();
        var problems = new List<string>();
        foreach (var (r, d, p) in parts)
        {
            foreach (var (k, v) in r)
            {
                results[k] = v;
            }

            decisions.AddRange(d);
            problems.AddRange(p);
        }

        return new BatchResult(results, decisions, problems);
    }

    private async Task<(Dictionary<string, EventResult> Results, List<ProcessedDecision> Decisions, List<string> Problems)> ProcessGroupAsync(
        CrmKind crm, List<QueuedEvent> events, CancellationToken cancellationToken)
    {
        var results = new Dictionary<string, EventResult>(StringComparer.Ordinal);
        var decisions = new List<ProcessedDecision>();
        var problems = new List<string>();
        if (!_connectors.TryGetValue(crm, out var connector))
        {
            // The whole batch at once (one pipelined burst on Redis, not a round trip per event): a CRM left without a
            // connector must not slow the consumer down to the store's latency.
            var reason = $"no {crm} connector is configured";
            await Task.WhenAll(events.Select(e => _queue.DeadLetterAsync(e, reason, cancellationToken))).ConfigureAwait(false);
            foreach (var e in events)
            {
                results[e.EntryId] = EventResult.DeadLettered;
            }
        }
        else
        {
            await ProcessCrmAsync(connector, events, results, decisions, problems, cancellationToken).ConfigureAwait(false);
        }

        return (results, decisions, problems);
    }

    private async Task ProcessCrmAsync(
        ICrmConnector connector,
        List<QueuedEvent> events,
        Dictionary<string, EventResult> results,
        List<ProcessedDecision> decisions,
        List<string> problems,
        CancellationToken ct)
    {
        var crm = connector.Crm;
        var context = _context.Current;
        var schema = _schemas.For(crm);
        var mapping = context.Mapping(crm);

        // Person events lead to decisions; opportunity and account events may queue person events (a lost deal, a
        // churned account), which later batches decide.
        var personEvents = new List<QueuedEvent>();
        var recordEvents = new List<QueuedEvent>();
        foreach (var e in events)
        {
            (e.Event.Object == CrmObject.Person ? personEvents : recordEvents).Add(e);
        }

        if (recordEvents.Count > 0)
        {
            await ProcessRecordEventsAsync(connector, recordEvents, results, problems, ct).ConfigureAwait(false);
        }

        // Replays: events whose plan was journaled before a crash send that plan again.
        var plans = new Dictionary<string, (QueuedEvent Entry, StoredPlan Plan, Decision? Decision, Stopwatch? Clock)>(StringComparer.Ordinal);
        var fresh = new List<QueuedEvent>();
        foreach (var e in personEvents)
        {
            var stored = await _journal.GetAsync(e.Event.DedupeKey, ct).ConfigureAwait(false);
            if (stored is not null)
            {
                plans[e.EntryId] = (e, stored, null, null);
            }
            else
            {
                fresh.Add(e);
            }
        }

        // One person, one decision per batch: later events of the same person ride on the first one's decision.
        var byPerson = fresh.GroupBy(e => e.Event.RecordId, StringComparer.Ordinal).ToList();
        var memos = byPerson.Count > 0
            ? await _memory.GetAsync(crm, [.. byPerson.Select(g => g.Key)], ct).ConfigureAwait(false)
            : new Dictionary<string, PersonMemo>();

        // A change the last evaluation already read (the CRM's notice arrived after the worker had read the record)
        // needs no new read: acknowledged as seen. Deadlines and rechecks always count.
        byPerson.RemoveAll(group =>
        {
            if (memos.GetValueOrDefault(group.Key)?.ReadAt is not { } readAt
                || group.Any(e => e.Event.Origin == EventOrigin.Sweep || RecycleEvents.IsRecycle(e.Event) || e.Event.OccurredAt + StaleMargin >= readAt))
            {
                return false;
            }

            foreach (var e in group)
            {
                results[e.EntryId] = EventResult.Ignored;
            }

            return true;
        });

        var ids = byPerson.Select(g => g.Key).ToList();
        IReadOnlyList<CrmRecord> records = [];
        var now = _time.GetUtcNow();
        if (ids.Count > 0)
        {
            try
            {
                records = await connector.ReadAsync(CrmObject.Person, ids, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                problems.Add($"{crm} read of {ids.Count} people failed: {ex.Message}");
                foreach (var e in byPerson.SelectMany(g => g))
                {
                    await RetryOrDeadLetterAsync(e, $"reading the person failed: {ex.Message}", results, ct).ConfigureAwait(false);
                }

                byPerson.Clear();
            }
        }

        var recordById = records.ToDictionary(r => r.Id, StringComparer.Ordinal);
        var newMemos = new Dictionary<string, PersonMemo>(StringComparer.Ordinal);
        var before = new Dictionary<string, (Person Person, PersonMemo? Memo)>(StringComparer.Ordinal);

        foreach (var group in byPerson)
        {
            var first = group.First();
            if (!recordById.TryGetValue(group.Key, out var record))
            {
                foreach (var e in group)
                {
                    results[e.EntryId] = EventResult.Ignored;
                }

                continue;
            }

            var memo = memos.GetValueOrDefault(group.Key) ?? PersonMemo.Empty;
            var (setBy, setAt) = OwnerSetBy(record[schema.OwnerField], memo);
            if (!CrmRecordMapper.TryPerson(record, schema, mapping, out var person, out var error, out _, setBy, setAt))
            {
                foreach (var e in group)
                {
                    await DeadLetterAsync(e, error!, results, ct).ConfigureAwait(false);
                }

                continue;
            }

            var stageDatedAt = StageChangeDate(person!, memo, first.Event, now);
            if (stageDatedAt is { } dated && schema.PersonFields.TryGetValue("stage_entered_at", out var enteredField))
            {
                var fields = new Dictionary<string, string?>(record.Fields, StringComparer.Ordinal) { [enteredField] = CrmWritePlanner.FormatTime(dated) };
                if (CrmRecordMapper.TryPerson(record with { Fields = fields }, schema, mapping, out var redated, out _, out _, setBy, setAt))
                {
                    person = redated;
                }
            }

            // A lost deal or churned account riding in the group is what the recycle rules' on: see.
            var (recycleCause, recycle) = await ChooseRecycleAsync(context, person!, now, group, schema, ct).ConfigureAwait(false);

            var clock = Stopwatch.StartNew();
            var decision = await DecideAsync(context, person!, now, memo, recycle, ct).ConfigureAwait(false);
            var write = CrmWritePlanner.Plan(decision, person!, schema, mapping, record.Id, record.Fields, first.Event.DedupeKey, stageDatedAt);
            foreach (var skipped in write.Skipped)
            {
                problems.Add($"{crm} {record.Id}: {skipped}");
            }

            var json = DecisionJson.ToJson(decision, new DecisionLogContext(
                crm == CrmKind.Salesforce ? "salesforce" : "hubspot",
                recycleCause?.Kind ?? first.Event.Kind,
                person!.Stage ?? Stage.New,
                person.StageEnteredAt,
                person.Touches ?? 0,
                person.LastTouchAt,
                person.CreatedAt));
            var plan = new StoredPlan(crm, write.Update is { } u ? [u] : [], write.Tasks, json);
            await _journal.PutAsync(first.Event.DedupeKey, plan, ct).ConfigureAwait(false);
            plans[first.EntryId] = (first, plan, decision, clock);
            before[first.EntryId] = (person, memos.GetValueOrDefault(group.Key));
            foreach (var e in group.Skip(1))
            {
                plans[e.EntryId] = (e, StoredPlanEmpty(crm), null, null);
            }

            newMemos[record.Id] = NextMemo(memo, decision, write, record, schema, now);
            var timers = write.Update is null ? decision : await AfterStateAsync(context, record, write.Update, schema, mapping, now, ct).ConfigureAwait(false) ?? decision;
            await ScheduleAsync(crm, record.Id, timers, ct).ConfigureAwait(false);
        }

        // One write call sequence for the whole batch.
        var updates = plans.Values.SelectMany(p => p.Plan.Updates).ToList();
        var tasks = plans.Values.SelectMany(p => p.Plan.Tasks).ToList();
        IReadOnlyList<WriteOutcome> outcomes = [];
        if (updates.Count + tasks.Count > 0)
        {
            try
            {
                outcomes = await connector.WriteAsync(new WritePlan(updates, tasks), ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                problems.Add($"{crm} write failed: {ex.Message}");
                outcomes = [.. updates.Select(u => new WriteOutcome(u.Key, WriteStatus.Failed, ex.Message)), .. tasks.Select(t => new WriteOutcome(t.Key, WriteStatus.Failed, ex.Message))];
            }
        }

        var outcomeByKey = new Dictionary<string, WriteOutcome>(StringComparer.Ordinal);
        foreach (var o in outcomes)
        {
            outcomeByKey[o.Key] = o;
        }

        var logLines = new List<string>();
        var writtenMemos = new Dictionary<string, PersonMemo>(StringComparer.Ordinal);
        foreach (var (entryId, (entry, plan, decision, clock)) in plans)
        {
            var itemOutcomes = plan.Updates.Select(u => outcomeByKey.GetValueOrDefault(u.Key))
                .Concat(plan.Tasks.Select(t => outcomeByKey.GetValueOrDefault(t.Key)))
                .ToList();
            var rejected = itemOutcomes.FirstOrDefault(o => o?.Status == WriteStatus.Rejected);
            var failed = itemOutcomes.FirstOrDefault(o => o is null || o.Status == WriteStatus.Failed);
            if (rejected is not null)
            {
                await DeadLetterAsync(entry, $"the CRM refused the write: {rejected.Error}", results, ct).ConfigureAwait(false);
                continue;
            }

            if (failed is not null)
            {
                await RetryOrDeadLetterAsync(entry, $"the write failed: {failed?.Error ?? "no outcome"}", results, ct).ConfigureAwait(false);
                continue;
            }

            results[entryId] = EventResult.Done;
            if (plan.DecisionJson.Length > 0)
            {
                logLines.Add(plan.DecisionJson);
            }

            if (decision is not null)
            {
                var writes = itemOutcomes.Count(o => o!.Status == WriteStatus.Written);
                var (person, memoBefore) = before.GetValueOrDefault(entryId);
                decisions.Add(new ProcessedDecision(entry.Event, decision, plan.DecisionJson, writes, clock?.Elapsed ?? TimeSpan.Zero, person, memoBefore));
                if (newMemos.TryGetValue(entry.Event.RecordId, out var m))
                {
                    writtenMemos[entry.Event.RecordId] = m;
                }
            }
        }

        if (writtenMemos.Count > 0)
        {
            await _memory.PutAsync(crm, writtenMemos, ct).ConfigureAwait(false);
        }

        if (logLines.Count > 0)
        {
            await _log.AppendAsync(logLines, ct).ConfigureAwait(false);
        }

        var ack = events.Where(e => results.GetValueOrDefault(e.EntryId) is EventResult.Done or EventResult.Ignored).ToList();
        if (ack.Count > 0)
        {
            await _queue.AcknowledgeAsync(ack, ct).ConfigureAwait(false);
        }
    }

    private static StoredPlan StoredPlanEmpty(CrmKind crm) => new(crm, [], [], string.Empty);

    /// <summary>
    /// The lost deal or churned account the person's evaluation sees, among those queued for it in this batch (two
    /// deals of one account lost together, say). A person takes one recycle per stage entry, so it is the first whose
    /// rule fires (tried on the current state without moving it), else the first.
    /// </summary>
    private async Task<(CrmEvent? Cause, RecycleEvent? Recycle)> ChooseRecycleAsync(
        RoutingContext context, Person person, DateTimeOffset at, IEnumerable<QueuedEvent> group, CrmSchema schema, CancellationToken ct)
    {
        var candidates = new List<(CrmEvent Cause, RecycleEvent Recycle)>();
        foreach (var e in group)
        {
            if (RecycleEvents.Read(e.Event, schema) is { } r)
            {
                candidates.Add((e.Event, r));
            }
        }

        if (candidates.Count <= 1)
        {
            return candidates.Count == 0 ? (null, null) : candidates[0];
        }

        var state = await _routing.SnapshotAsync(context.Rules, ct).ConfigureAwait(false);
        foreach (var c in candidates)
        {
            var trial = context.Engine.Evaluate(person, at, state, recycleEvent: c.Recycle);
            if (trial.Actions.Any(a => a.Field == "recycle_rule"))
            {
                return c;
            }
        }

        return candidates[0];
    }

    private async Task<Decision> DecideAsync(RoutingContext context, Person person, DateTimeOffset at, PersonMemo memo, RecycleEvent? recycle, CancellationToken ct)
    {
        var history = new EvaluationHistory
        {
            BreachesHandled = memo.BreachesHandled.ToHashSet(StringComparer.Ordinal),
            Reassigns = memo.Reassigns,
        };
        for (var attempt = 0; ; attempt++)
        {
            var state = await _routing.SnapshotAsync(context.Rules, ct).ConfigureAwait(false);
            var decision = context.Engine.Evaluate(person, at, state, history, recycle);
            if (await _routing.TryApplyAsync(decision, ct).ConfigureAwait(false) || attempt >= MaxRaces)
            {
                return decision;
            }
        }
    }

    /// <summary>
    /// A stage changed in the CRM by a person keeps the stage_entered_at the worker wrote for the earlier stage (nothing
    /// in the CRM updates that field), so the change would look as old as the earlier stage: no routing trigger (an SQL
    /// would never reach an AE), no SLA clock, no time in stage. When the stage read differs from the one the worker
    /// last saw and the CRM holds no later date, the change is dated: the record's last modification or the event's
    /// time, whichever is later, but after the worker's last read (which still saw the old stage) and not in the
    /// future. When the stage is the one the worker last saw and the CRM still holds an older date, the worker's own
    /// date for it stands. Null: the CRM's date is right.
    /// </summary>
    private static DateTimeOffset? StageChangeDate(Person person, PersonMemo memo, CrmEvent cause, DateTimeOffset now)
    {
        if (memo.StageSeen is not { } seen)
        {
            return null;
        }

        var stage = person.Stage ?? Stage.New;
        if (stage == seen)
        {
            return memo.StageSeenEnteredAt is { } kept && person.StageEnteredAt is { } crm && crm < kept ? kept : null;
        }

        if (person.StageEnteredAt is { } entered && (memo.StageSeenEnteredAt is not { } before || entered > before))
        {
            return null;
        }

        var changed = person.UpdatedAt is { } updated && updated > cause.OccurredAt ? updated : cause.OccurredAt;
        if (memo.ReadAt is { } readAt && changed <= readAt)
        {
            changed = readAt + TimeSpan.FromMilliseconds(1);
        }

        return changed > now ? now : changed;
    }

    /// <summary>
    /// Section 8's manual guard needs to know who set the CRM's owner: this service when it is the owner it last
    /// wrote, a human when it differs; unknown (no guard) when this service never wrote one.
    /// </summary>
    private static (string? By, DateTimeOffset? At) OwnerSetBy(string? crmOwner, PersonMemo memo)
    {
        if (memo.OwnerWritten is not { } written)
        {
            return (null, null);
        }

        var same = string.Equals(Canonical(crmOwner), Canonical(written), StringComparison.Ordinal);
        return (same ? Person.ServiceWriter : "crm-user", memo.OwnerWrittenAt);
    }

    private static string? Canonical(string? id) =>
        id is { Length: 15 } && SalesforceIds.LooksLikeId(id) ? SalesforceIds.To18(id) : id;

    private static PersonMemo NextMemo(PersonMemo memo, Decision decision, PersonWrite write, CrmRecord record, CrmSchema schema, DateTimeOffset readAt)
    {
        var owner = write.Update?.Fields.GetValueOrDefault(schema.OwnerField) ?? (memo.OwnerWritten is null ? null : record[schema.OwnerField]);
        var newAssignment = decision.Outcome == DecisionOutcome.Assigned;
        var breaches = newAssignment ? [] : memo.BreachesHandled.ToList();
        breaches.AddRange(decision.SlaBreachesHandled.Where(b => !breaches.Contains(b)));
        var reassigns = new Dictionary<string, int>(memo.Reassigns, StringComparer.Ordinal);
        foreach (var sla in decision.SlaReassigns)
        {
            reassigns[sla] = reassigns.GetValueOrDefault(sla) + 1;
        }

        return memo.WithSlaResultsCounted(decision) with
        {
            OwnerWritten = owner,
            OwnerWrittenAt = newAssignment ? decision.At : memo.OwnerWrittenAt,
            BreachesHandled = breaches,
            Reassigns = reassigns,
            ReadAt = readAt,
            StageSeen = decision.Stage,
            StageSeenEnteredAt = decision.StageEnteredAt,
        };
    }

    /// <summary>
    /// The person as the write leaves it, evaluated at the same time without moving any state: its SLA clocks
    /// (which start with the assignment this decision made) and recheck time are what the sweeps wait for.
    /// </summary>
    private async Task<Decision?> AfterStateAsync(RoutingContext context, CrmRecord record, RecordUpdate update, CrmSchema schema, CrmMapping? mapping, DateTimeOffset at, CancellationToken ct)
    {
        var fields = new Dictionary<string, string?>(record.Fields, StringComparer.Ordinal);
        foreach (var (k, v) in update.Fields)
        {
            fields[k] = v;
        }

        if (!CrmRecordMapper.TryPerson(record with { Fields = fields }, schema, mapping, out var after, out _, out _, Person.ServiceWriter))
        {
            return null;
        }

        var state = await _routing.SnapshotAsync(context.Rules, ct).ConfigureAwait(false);
        return context.Engine.Evaluate(after!, at, state);
    }

    private async Task ScheduleAsync(CrmKind crm, string personId, Decision decision, CancellationToken ct)
    {
        var item = $"{crm}:{personId}";
        DateTimeOffset? next = null;
        foreach (var sla in decision.Why.Sla)
        {
            if (sla.State == SlaState.Pending && sla.Deadline is { } d && (next is null || d < next))
            {
                next = d;
            }
        }

        if (next is { } due)
        {
            await _due.ScheduleAsync(SlaDueKind, item, due, ct).ConfigureAwait(false);
        }
        else
        {
            await _due.CancelAsync(SlaDueKind, item, ct).ConfigureAwait(false);
        }

        if (decision.RecheckAt is { } recheck && decision.Stage == Stage.Nurture)
        {
            await _due.ScheduleAsync(RecheckDueKind, item, recheck, ct).ConfigureAwait(false);
        }
        else
        {
            await _due.CancelAsync(RecheckDueKind, item, ct).ConfigureAwait(false);
        }
    }

    private async Task RetryOrDeadLetterAsync(QueuedEvent entry, string reason, Dictionary<string, EventResult> results, CancellationToken ct)
    {
        if (entry.Deliveries >= MaxDeliveries)
        {
            await DeadLetterAsync(entry, $"{reason} (after {entry.Deliveries} deliveries)", results, ct).ConfigureAwait(false);
            return;
        }

        results[entry.EntryId] = EventResult.Retry;
    }

    private async Task DeadLetterAsync(QueuedEvent entry, string reason, Dictionary<string, EventResult> results, CancellationToken ct)
    {
        await _queue.DeadLetterAsync(entry, reason, ct).ConfigureAwait(false);
        results[entry.EntryId] = EventResult.DeadLettered;
    }
}

/// <summary>A routing context that does not change (tests, <c>sandbox</c> before reloads), with schemas built from its rules.</summary>
public sealed class FixedRoutingContext : IRoutingContextSource, ICrmSchemaSource
{
    private readonly CrmSchema _salesforce;
    private readonly CrmSchema _hubSpot;

    public FixedRoutingContext(RuleSet rules, IReadOnlyList<Account> accounts, IReadOnlyList<Opportunity>? opportunities = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var lost = Simulation.SimulationSession.LatestLostByAccount(opportunities ?? []);
        Current = new RoutingContext(rules, new DecisionEngine(rules, new AccountMatcher(rules, accounts), lost.Count == 0 ? null : a => lost.GetValueOrDefault(a.Id)));
        _salesforce = CrmSchema.For(rules, CrmKind.Salesforce);
        _hubSpot = CrmSchema.For(rules, CrmKind.HubSpot);
    }

    public RoutingContext Current { get; }

    public CrmSchema For(CrmKind crm) => crm == CrmKind.Salesforce ? _salesforce : _hubSpot;
}

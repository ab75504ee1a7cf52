using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Application.Pipeline;

/// <summary>Where an event came from.</summary>
public enum EventOrigin : byte
{
    /// <summary>A HubSpot webhook delivery.</summary>
    Webhook,

    /// <summary>A Salesforce Outbound Message notification.</summary>
    OutboundMessage,

    /// <summary>An incremental poll saw the record change.</summary>
    Poll,

    /// <summary>A due SLA deadline or recycle recheck.</summary>
    Sweep,
}

/// <summary>
/// Something happened to a CRM record that may need a decision. <see cref="DedupeKey"/> is what makes two deliveries
/// the same event (HubSpot's event id and subscription, Salesforce's notification id, a poll's record and timestamp).
/// </summary>
public sealed record CrmEvent(
    string DedupeKey,
    CrmKind Crm,
    CrmObject Object,
    string RecordId,
    string Kind,
    DateTimeOffset OccurredAt,
    EventOrigin Origin,
    IReadOnlyDictionary<string, string?>? Fields = null);

/// <summary>An event as the queue hands it out: its entry id and how many times it has been delivered.</summary>
public sealed record QueuedEvent(string EntryId, CrmEvent Event, int Deliveries, DateTimeOffset EnqueuedAt);

/// <summary>A dead-lettered event and why.</summary>
public sealed record DeadLetter(string EntryId, CrmEvent Event, string Reason, int Deliveries, DateTimeOffset At);

public sealed record QueueStats(long Pending, long Unacknowledged, long DeadLetters, TimeSpan OldestAge);

/// <summary>
/// The durable event queue (Redis Streams with a consumer group in production). Entries leave it only when
/// acknowledged after their outcome is written, or when moved to the dead letters with a reason.
/// </summary>
public interface IEventQueue
{
    /// <summary>Queues the events not seen before (by dedupe key, remembered longer than senders retry); returns how many were new.</summary>
    Task<int> EnqueueAsync(IReadOnlyList<CrmEvent> events, CancellationToken cancellationToken);

    /// <summary>Hands up to <paramref name="max"/> new entries to <paramref name="consumer"/>, waiting up to <paramref name="wait"/> for one.</summary>
    Task<IReadOnlyList<QueuedEvent>> ReadAsync(string consumer, int max, TimeSpan wait, CancellationToken cancellationToken);

    /// <summary>Takes over entries another consumer (crashed, or this one before a restart) has held longer than <paramref name="minIdle"/>.</summary>
    Task<IReadOnlyList<QueuedEvent>> ReclaimAsync(string consumer, TimeSpan minIdle, int max, CancellationToken cancellationToken);

    Task AcknowledgeAsync(IReadOnlyList<QueuedEvent> entries, CancellationToken cancellationToken);

    /// <summary>Moves an entry to the dead letters with its reason and acknowledges it.</summary>
    Task DeadLetterAsync(QueuedEvent entry, string reason, CancellationToken cancellationToken);

    Task<IReadOnlyList<DeadLetter>> DeadLettersAsync(int max, CancellationToken cancellationToken);

    Task<QueueStats> StatsAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Remembers, per event, the writes planned for it before they are sent, so that a replay after a crash sends the
/// same writes (idempotent by construction) instead of deciding again: no second owner change, no second task.
/// </summary>
public interface IPlanJournal
{
    Task<StoredPlan?> GetAsync(string dedupeKey, CancellationToken cancellationToken);

    Task PutAsync(string dedupeKey, StoredPlan plan, CancellationToken cancellationToken);
}

/// <summary>The writes one event's decision needs in one CRM, with the decision's summary for the log.</summary>
public sealed record StoredPlan(CrmKind Crm, IReadOnlyList<RecordUpdate> Updates, IReadOnlyList<TaskCreate> Tasks, string DecisionJson);

/// <summary>Poll positions per CRM and object.</summary>
public interface IWatermarkStore
{
    Task<Watermark?> GetAsync(CrmKind crm, CrmObject obj, CancellationToken cancellationToken);

    Task SetAsync(CrmKind crm, CrmObject obj, Watermark watermark, CancellationToken cancellationToken);
}

/// <summary>Leases that keep a piece of periodic work (one poller) on one instance at a time.</summary>
public interface ILeaseStore
{
    /// <summary>Takes or renews the lease when free or already held by <paramref name="holder"/>.</summary>
    Task<bool> TryAcquireAsync(string name, string holder, TimeSpan ttl, CancellationToken cancellationToken);

    Task ReleaseAsync(string name, string holder, CancellationToken cancellationToken);
}

/// <summary>Due times (SLA deadlines, recycle rechecks), each claimed by exactly one instance when due.</summary>
public interface IDueSchedule
{
    Task ScheduleAsync(string kind, string item, DateTimeOffset due, CancellationToken cancellationToken);

    Task CancelAsync(string kind, string item, CancellationToken cancellationToken);

    /// <summary>Removes and returns up to <paramref name="max"/> items due at or before <paramref name="now"/>; an item goes to one caller only.</summary>
    Task<IReadOnlyList<string>> ClaimDueAsync(string kind, DateTimeOffset now, int max, CancellationToken cancellationToken);
}

/// <summary>
/// Transitions already acted on, by key (for example "this opportunity's loss has recycled its people"), kept until
/// the record leaves that state, so an event that fires once per transition fires once however many instances,
/// deliveries and polls see the record in that state. Kept without expiry: a lost opportunity stays lost for years.
/// </summary>
public interface IRecordMarks
{
    Task<bool> IsMarkedAsync(string key, CancellationToken cancellationToken);

    /// <summary>Marks every key (already marked ones stay marked).</summary>
    Task MarkAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken);

    Task UnmarkAsync(string key, CancellationToken cancellationToken);
}

/// <summary>The decision log: one JSON line per decision, kept for the report and live explain.</summary>
public interface IDecisionLog
{
    Task AppendAsync(IReadOnlyList<string> decisionJson, CancellationToken cancellationToken);

    Task<IReadOnlyList<string>> ReadAsync(int max, CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="max"/> lines, oldest first, after the <paramref name="after"/> cursor (null: from the
    /// start), appended at or after <paramref name="from"/> and before <paramref name="to"/> (each null: unbounded).
    /// The times are when the lines were appended (a few milliseconds after each decision's <c>at</c>). Pass the
    /// page's <see cref="DecisionLogPage.Next"/> to read on; it is null once the page reached the end of the range.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="after"/> is not a cursor this log handed out.</exception>
    Task<DecisionLogPage> ReadPageAsync(string? after, int max, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken);
}

/// <summary>A page of the decision log and the cursor to read the next one with (null at the end of the range).</summary>
public sealed record DecisionLogPage(IReadOnlyList<string> Lines, string? Next);

/// <summary>
/// What the worker remembers about one person between evaluations: the owner it last wrote (to tell a human's
/// change from its own, section 8's manual guard), the SLA history of the current assignment, and when it last read
/// the record (a notice of a change that happened before that read needs no new read). For the funnel metrics it also
/// keeps the stage it last saw or wrote and when that stage was entered (a different stage at the next read is a
/// change made in the CRM), which SLA results (met, breached) it has counted for which assignment (a met SLA shows
/// in every later decision of that assignment and must count once), and the SLA clocks still running with their
/// deadlines (a person who leaves the SLA's stage in time met it, though no later decision shows that SLA).
/// </summary>
public sealed record PersonMemo(
    string? OwnerWritten,
    DateTimeOffset? OwnerWrittenAt,
    IReadOnlyList<string> BreachesHandled,
    IReadOnlyDictionary<string, int> Reassigns,
    DateTimeOffset? ReadAt = null,
    Stage? StageSeen = null,
    DateTimeOffset? StageSeenEnteredAt = null,
    DateTimeOffset? SlaCountedFor = null,
    IReadOnlyList<string>? SlaCounted = null,
    IReadOnlyDictionary<string, DateTimeOffset>? SlaPending = null)
{
    public static PersonMemo Empty { get; } = new(null, null, [], new Dictionary<string, int>());

    /// <summary>The decision's SLA results (met, breached) not counted yet for the assignment they belong to.</summary>
    public IReadOnlyList<SlaTrace> UncountedSlaResults(Decision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var counted = CountedSoFar(decision);
        return [.. decision.Why.Sla.Where(s => s.State is SlaState.Met or SlaState.Breached && !counted.Contains(s.Sla.Id, StringComparer.Ordinal))];
    }

    /// <summary>
    /// SLAs whose clock ran at the last decision and that no longer apply (the person left the SLA's stage, or was
    /// handed on): met when the person left at or before the deadline, missed after it. <paramref name="leftAt"/> is
    /// when the person left (the stage change's date).
    /// </summary>
    public IReadOnlyList<(string Sla, bool Met)> SlasLeft(Decision decision, DateTimeOffset leftAt)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (SlaPending is null || SlaPending.Count == 0)
        {
            return [];
        }

        var counted = SlaCounted ?? [];
        return [.. SlaPending
            .Where(p => !decision.Why.Sla.Any(s => string.Equals(s.Sla.Id, p.Key, StringComparison.Ordinal)) && !counted.Contains(p.Key, StringComparer.Ordinal))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => (p.Key, leftAt <= p.Value))];
    }

    /// <summary>This memo with the decision's SLA results counted: a decision that assigns starts a new assignment with none counted.</summary>
    public PersonMemo WithSlaResultsCounted(Decision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var pending = decision.Why.Sla
            .Where(s => s.State == SlaState.Pending && s.Deadline is not null)
            .ToDictionary(s => s.Sla.Id, s => s.Deadline!.Value, StringComparer.Ordinal);
        if (decision.Outcome == DecisionOutcome.Assigned)
        {
            return this with { SlaCountedFor = decision.OwnerSetAt, SlaCounted = [], SlaPending = pending };
        }

        var counted = CountedSoFar(decision);
        return this with { SlaCountedFor = decision.OwnerSetAt, SlaCounted = [.. counted.Union(UncountedSlaResults(decision).Select(s => s.Sla.Id), StringComparer.Ordinal)], SlaPending = pending };
    }

    // A decision that keeps the owner reports the SLAs of the assignment in force (its owner_set_at); one that assigns
    // reports those of the assignment it ends, which is the one this memo last counted for.
    private IReadOnlyList<string> CountedSoFar(Decision decision) =>
        decision.Outcome == DecisionOutcome.Assigned || SlaCountedFor == decision.OwnerSetAt ? SlaCounted ?? [] : [];
}

public interface IPersonMemory
{
    Task<IReadOnlyDictionary<string, PersonMemo>> GetAsync(CrmKind crm, IReadOnlyCollection<string> personIds, CancellationToken cancellationToken);

    Task PutAsync(CrmKind crm, IReadOnlyDictionary<string, PersonMemo> memos, CancellationToken cancellationToken);
}

/// <summary>
/// The shared routing state (rotations, open counts, account ownership). Decisions are made on a snapshot and
/// committed with a compare-and-set: when another instance moved a rotation in between, the commit fails and the
/// person is evaluated again, so two instances never hand out the same turn.
/// </summary>
public interface IRoutingStore
{
    Task<IRoutingState> SnapshotAsync(RuleSet rules, CancellationToken cancellationToken);

    /// <summary>Applies the decision's rotation and footprint change if the rotation is as the snapshot saw it.</summary>
    Task<bool> TryApplyAsync(Decision decision, CancellationToken cancellationToken);

    /// <summary>Replaces the counts with the given footprints (a roster refresh from the CRMs).</summary>
    Task ResetAsync(RuleSet rules, IEnumerable<Footprint> footprints, CancellationToken cancellationToken);

    /// <summary>
    /// Sets the open counts of the members named in <paramref name="open"/> (by member id) in one atomic step; other
    /// members' counts, account ownership and rotations are untouched. Ids that are not members of
    /// <paramref name="rules"/> are ignored. Decisions applied afterwards move the new counts.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative.</exception>
    Task SetOpenCountsAsync(RuleSet rules, IReadOnlyDictionary<string, int> open, CancellationToken cancellationToken);
}

/// <summary>Whether the state store answers (for <c>/readyz</c>).</summary>
public interface IStoreHealth
{
    /// <summary>Null when healthy, else what is wrong in words.</summary>
    Task<string?> CheckAsync(CancellationToken cancellationToken);

    /// <summary>False for the in-process store: nothing survives a restart and only one instance may run.</summary>
    bool IsDurable { get; }
}

/// <summary>Checks shared by the <see cref="IRoutingStore.SetOpenCountsAsync"/> implementations.</summary>
public static class OpenCounts
{
    /// <summary>Refuses a negative count before anything is written, naming the member and the value.</summary>
    public static void ThrowIfNegative(IReadOnlyDictionary<string, int> open)
    {
        ArgumentNullException.ThrowIfNull(open);
        foreach (var (member, count) in open)
        {
            if (count < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(open), count, $"The open count of member '{member}' must be 0 or more, was {count}.");
            }
        }
    }
}

using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Application.Crm;

/// <summary>The kinds of CRM object the worker reads and writes, named by their canonical role.</summary>
public enum CrmObject : byte
{
    /// <summary>Salesforce Lead or Contact (per <c>crm.salesforce.person_object</c>); HubSpot contact.</summary>
    Person,

    /// <summary>Salesforce Account; HubSpot company.</summary>
    Account,

    /// <summary>Salesforce Opportunity; HubSpot deal.</summary>
    Opportunity,

    /// <summary>Salesforce Task; HubSpot task.</summary>
    Task,
}

/// <summary>
/// One record as the CRM holds it: the CRM's own field names and its values as strings (HubSpot sends
/// every value as a string; Salesforce values are rendered with invariant culture, datetimes as ISO 8601).
/// A null value means the field is empty. Ids are Salesforce 18-character ids or HubSpot numeric strings.
/// </summary>
public sealed record CrmRecord(string Id, IReadOnlyDictionary<string, string?> Fields, DateTimeOffset ModifiedAt)
{
    public string? this[string field] => Fields.TryGetValue(field, out var v) ? v : null;
}

/// <summary>
/// How far an incremental poll has read: every record with a modification time before
/// <see cref="ModifiedAt"/>, and those at exactly that time with an id up to <see cref="LastId"/>, have been
/// seen. Ties on the timestamp are broken by id so that paging never skips or repeats a record. Ids compare
/// by length, then ordinally: numerically for HubSpot's numeric ids, ordinally for Salesforce's 18-character ones.
/// </summary>
public readonly record struct Watermark(DateTimeOffset ModifiedAt, string? LastId)
{
    public static Watermark Start { get; } = new(DateTimeOffset.UnixEpoch, null);

    /// <summary>True when <paramref name="modifiedAt"/>/<paramref name="id"/> is after this watermark.</summary>
    public bool IsNew(DateTimeOffset modifiedAt, string id) =>
        modifiedAt > ModifiedAt || (modifiedAt == ModifiedAt && CompareIds(id, LastId) > 0);

    /// <summary>The id order polls use: shorter first, then ordinal (null before everything).</summary>
    public static int CompareIds(string? a, string? b)
    {
        if (a is null || b is null)
        {
            return a is null ? (b is null ? 0 : -1) : 1;
        }

        return a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b);
    }

    public override string ToString() => $"{ModifiedAt:O}/{LastId}";
}

/// <summary>One step of an incremental poll: the records after the watermark, in (modified, id) order.</summary>
public sealed record PollResult(IReadOnlyList<CrmRecord> Records, Watermark Next, bool HasMore);

/// <summary>
/// Narrows a read of owned persons to those whose <see cref="Field"/> holds one of <see cref="Values"/> (compared
/// ignoring case, as the stage mapping reads them). A superset is fine: the caller maps every record's stage exactly.
/// </summary>
public sealed record StageFilter(string Field, IReadOnlyList<string> Values);

/// <summary>
/// Whose persons to find when an opportunity is lost or an account churns (the recycle rules' <c>on:</c> events):
/// <see cref="Object"/> is <see cref="CrmObject.Opportunity"/> or <see cref="CrmObject.Account"/> and
/// <see cref="RecordId"/> its id in this CRM; <see cref="AccountId"/> the account the opportunity belongs to (the
/// record itself for an account; null when unknown) and <see cref="Domains"/> that account's web domains, lower
/// case, for CRMs that link persons to accounts only by their email domain (Salesforce Leads).
/// </summary>
public sealed record PeopleOf(CrmObject Object, string RecordId, string? AccountId, IReadOnlyList<string> Domains);

/// <summary>A CRM user or queue a record can be owned by.</summary>
public sealed record CrmOwner(string Id, string? Email, string? Name, bool Active, bool IsQueue);

/// <summary>
/// Field values to give one existing record. <see cref="Known"/> holds the values the caller last read for
/// those fields (null when it did not read them): a field whose known value equals the wanted one is not sent,
/// and a record with nothing left to send costs no call.
/// </summary>
public sealed record RecordUpdate(
    string Key,
    CrmObject Object,
    string RecordId,
    IReadOnlyDictionary<string, string?> Fields,
    IReadOnlyDictionary<string, string?>? Known = null);

/// <summary>
/// A follow-up task to create exactly once. <see cref="Key"/> is the idempotency key (stored in the CRM's
/// external-id / unique property), so a retried create never makes a second task.
/// </summary>
public sealed record TaskCreate(
    string Key,
    string PersonId,
    string? AccountId,
    string? OpportunityId,
    string OwnerId,
    string Subject,
    DateTimeOffset Due);

/// <summary>What one call to <see cref="ICrmConnector.WriteAsync"/> should do; updates before tasks.</summary>
public sealed record WritePlan(IReadOnlyList<RecordUpdate> Updates, IReadOnlyList<TaskCreate> Tasks)
{
    public static WritePlan Empty { get; } = new([], []);

    public int Count => Updates.Count + Tasks.Count;
}

public enum WriteStatus : byte
{
    /// <summary>The CRM accepted the change (or, for a task, already had it from an earlier attempt).</summary>
    Written,

    /// <summary>The record already had every value: nothing was sent.</summary>
    Unchanged,

    /// <summary>The CRM refused it for good (validation, deleted record): retrying would not help.</summary>
    Rejected,

    /// <summary>Still failing after the connector's retries (lock, 5xx, 429, timeout): retry later or dead-letter.</summary>
    Failed,
}

/// <summary>The result for one item of a plan, in plan order, keyed by the item's <c>Key</c>.</summary>
public sealed record WriteOutcome(string Key, WriteStatus Status, string? Error = null, string? CrmId = null)
{
    public bool IsDone => Status is WriteStatus.Written or WriteStatus.Unchanged;
}

/// <summary>API usage against the allocation the connector may use.</summary>
public sealed record ApiBudgetSnapshot(
    CrmKind Crm,
    long CallsMade,
    long? DailyUsed,
    long? DailyLimit,
    long DailyCap,
    bool Paused,
    string? PauseReason);

/// <summary>
/// Where connectors get the current <see cref="CrmSchema"/> (the worker swaps it on a config reload);
/// asked on every call, so keep it cheap.
/// </summary>
public interface ICrmSchemaSource
{
    CrmSchema For(CrmKind crm);
}

/// <summary>The built-in defaults only: used until a config is loaded, and by tests.</summary>
public sealed class DefaultCrmSchemaSource : ICrmSchemaSource
{
    private readonly CrmSchema _salesforce = CrmSchema.Default(CrmKind.Salesforce);
    private readonly CrmSchema _hubSpot = CrmSchema.Default(CrmKind.HubSpot);

    public CrmSchema For(CrmKind crm) => crm == CrmKind.Salesforce ? _salesforce : _hubSpot;
}

/// <summary>The port through which the pipeline reads and writes one CRM.</summary>
public interface ICrmConnector
{
    CrmKind Crm { get; }

    /// <summary>Reads the next records modified after <paramref name="since"/> (at most <paramref name="maxRecords"/>).</summary>
    Task<PollResult> PollAsync(CrmObject obj, Watermark since, int maxRecords, CancellationToken cancellationToken);

    /// <summary>Reads records by id in as few calls as the CRM allows; ids not found are absent from the result.</summary>
    Task<IReadOnlyList<CrmRecord>> ReadAsync(CrmObject obj, IReadOnlyCollection<string> ids, CancellationToken cancellationToken);

    /// <summary>Writes a plan in as few calls as the CRM allows; one outcome per item, updates first, then tasks.</summary>
    Task<IReadOnlyList<WriteOutcome>> WriteAsync(WritePlan plan, CancellationToken cancellationToken);

    /// <summary>The CRM's users (and, for Salesforce, queues) that can own records.</summary>
    Task<IReadOnlyList<CrmOwner>> ReadOwnersAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Every person owned by one of <paramref name="ownerIds"/> (CRM owner ids; Salesforce ids of 15 or 18 characters),
    /// narrowed by <paramref name="stages"/> when given, each with its id, owner field and stage fields (the fields
    /// the mapper needs to count it), each person once. Reads as many pages and queries as it takes.
    /// </summary>
    Task<IReadOnlyList<CrmRecord>> ReadOwnedAsync(IReadOnlyCollection<string> ownerIds, StageFilter? stages, CancellationToken cancellationToken);

    /// <summary>
    /// For each of <paramref name="records"/> (by <see cref="PeopleOf.RecordId"/>), the ids of the persons it concerns,
    /// as this CRM links them, each once: HubSpot the contacts associated with the deal and with its companies (or
    /// with the company); Salesforce the Contacts of the account when persons are Contacts, else the Leads whose email
    /// is at one of the account's domains. In as few calls as the CRM allows (a mass update closing hundreds of deals
    /// must not cost calls per deal), reading as many pages as it takes. A record with no persons maps to an empty list.
    /// </summary>
    Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> ReadPeopleOfAsync(IReadOnlyList<PeopleOf> records, CancellationToken cancellationToken);

    ApiBudgetSnapshot Budget { get; }
}

public static class CrmConnectorExtensions
{
    /// <summary>The persons of one opportunity or account (see <see cref="ICrmConnector.ReadPeopleOfAsync"/>).</summary>
    public static async Task<IReadOnlyList<string>> ReadPeopleOfAsync(this ICrmConnector connector, PeopleOf of, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connector);
        ArgumentNullException.ThrowIfNull(of);
        var found = await connector.ReadPeopleOfAsync([of], cancellationToken).ConfigureAwait(false);
        return found.GetValueOrDefault(of.RecordId) ?? [];
    }
}

using System.Globalization;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Application.Pipeline;

/// <summary>
/// The recycle rules' <c>on: opportunity_lost</c> and <c>on: account_churned</c> in the live worker. An opportunity or
/// account event is read fresh from the CRM; when the record has just entered the state (closed and not won; account
/// type <c>former_customer</c>) and was not marked for it, every person the CRM links to it gets a person event of
/// this kind, carrying the record's fields, and the record is marked; the person's evaluation then sees the
/// <see cref="RecycleEvent"/>. A record that leaves the state is unmarked, so losing or churning again fires again.
/// </summary>
public static class RecycleEvents
{
    public const string OpportunityLost = "opportunity_lost";

    public const string AccountChurned = "account_churned";

    /// <summary>Person events queued per call: an enterprise account can have thousands of people.</summary>
    internal const int EnqueueChunk = 500;

    /// <summary>The mark that says the record's entry into the state has been acted on.</summary>
    public static string MarkKey(CrmKind crm, CrmObject obj, string recordId) =>
        $"{(obj == CrmObject.Opportunity ? OpportunityLost : AccountChurned)}:{(crm == CrmKind.Salesforce ? "salesforce" : "hubspot")}:{recordId}";

    /// <summary>A person event the fan-out queued (always decided, however recently the person was read).</summary>
    public static bool IsRecycle(CrmEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Object == CrmObject.Person && e.Kind is OpportunityLost or AccountChurned;
    }

    public static bool IsLost(Opportunity opportunity)
    {
        ArgumentNullException.ThrowIfNull(opportunity);
        return opportunity.IsClosed == true && opportunity.IsWon != true;
    }

    public static bool IsChurned(Account account)
    {
        ArgumentNullException.ThrowIfNull(account);
        return string.Equals(account.Type, "former_customer", StringComparison.Ordinal);
    }

    /// <summary>
    /// The person event for one person of a lost opportunity or churned account. The dedupe key names the record, the
    /// loss (its close date: a deal reopened and lost again on another day fires again) and the person, so a fan-out
    /// repeated after a crash, or by a second instance, queues nothing twice.
    /// </summary>
    public static CrmEvent PersonEvent(CrmKind crm, CrmObject from, CrmRecord record, string? lossStamp, string personId, CrmEvent cause)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(cause);
        var kind = from == CrmObject.Opportunity ? OpportunityLost : AccountChurned;
        return new CrmEvent(
            $"{MarkKey(crm, from, record.Id)}:{lossStamp ?? "-"}:{personId}",
            crm,
            CrmObject.Person,
            personId,
            kind,
            cause.OccurredAt,
            cause.Origin,
            new Dictionary<string, string?>(record.Fields, StringComparer.Ordinal) { [RecordIdField] = record.Id });
    }

    /// <summary>The close date as the dedupe key's loss stamp.</summary>
    public static string? LossStamp(Opportunity opportunity)
    {
        ArgumentNullException.ThrowIfNull(opportunity);
        return opportunity.CloseDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The engine's view of a person event the fan-out queued: the kind, with the opportunity mapped from the fields it
    /// carries; null for any other event, or when the carried fields no longer map (the event still decides, as a
    /// plain evaluation).
    /// </summary>
    public static RecycleEvent? Read(CrmEvent e, CrmSchema schema)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(schema);
        if (!IsRecycle(e))
        {
            return null;
        }

        if (e.Kind == AccountChurned)
        {
            return new RecycleEvent(RecycleEventKind.AccountChurned);
        }

        if (e.Fields?.GetValueOrDefault(RecordIdField) is not { } id)
        {
            return null;
        }

        var record = new CrmRecord(id, e.Fields, e.OccurredAt);
        return CrmRecordMapper.TryOpportunity(record, schema, out var opportunity, out _)
            ? new RecycleEvent(RecycleEventKind.OpportunityLost, opportunity)
            : null;
    }

    /// <summary>Where a person event carries the id of the opportunity or account it came from (not a CRM field name).</summary>
    internal const string RecordIdField = "themodel:record";
}

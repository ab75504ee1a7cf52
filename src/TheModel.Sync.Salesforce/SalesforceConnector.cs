using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Salesforce.Budget;
using TheModel.Sync.Salesforce.Polling;
using TheModel.Sync.Salesforce.Writing;

namespace TheModel.Sync.Salesforce;

/// <summary>The Salesforce side of the pipeline: SOQL reads, batched collection writes, and the API budget they share.</summary>
internal sealed class SalesforceConnector(SalesforceReader reader, SalesforcePeopleReader people, SalesforceWriter writer, SalesforceApiBudget budget) : ICrmConnector
{
    public CrmKind Crm => CrmKind.Salesforce;

    public ApiBudgetSnapshot Budget => budget.Snapshot();

    public Task<PollResult> PollAsync(CrmObject obj, Watermark since, int maxRecords, CancellationToken cancellationToken) =>
        reader.PollAsync(obj, since, maxRecords, cancellationToken);

    public Task<IReadOnlyList<CrmRecord>> ReadAsync(CrmObject obj, IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        reader.ReadAsync(obj, ids, cancellationToken);

    public Task<IReadOnlyList<WriteOutcome>> WriteAsync(WritePlan plan, CancellationToken cancellationToken) =>
        writer.WriteAsync(plan, cancellationToken);

    public Task<IReadOnlyList<CrmOwner>> ReadOwnersAsync(CancellationToken cancellationToken) =>
        reader.ReadOwnersAsync(cancellationToken);

    public Task<IReadOnlyList<CrmRecord>> ReadOwnedAsync(IReadOnlyCollection<string> ownerIds, StageFilter? stages, CancellationToken cancellationToken) =>
        reader.ReadOwnedAsync(ownerIds, stages, cancellationToken);

    public Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> ReadPeopleOfAsync(IReadOnlyList<PeopleOf> records, CancellationToken cancellationToken) =>
        people.ReadPeopleOfAsync(records, cancellationToken);
}

using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;
using TheModel.Sync.HubSpot.Budget;
using TheModel.Sync.HubSpot.Polling;
using TheModel.Sync.HubSpot.Writing;

namespace TheModel.Sync.HubSpot;

/// <summary>
/// The pipeline's port to HubSpot. Calls fail with <c>HubSpotApiException</c> (an error answer or none, after the
/// resilience handler's retries; 401/403 say to check the token) and, while the daily budget is paused, with
/// <c>HubSpotBudgetPausedException</c> before anything is sent — callers check <see cref="Budget"/>.Paused.
/// <see cref="WriteAsync"/> reports per-item outcomes instead and throws only for bad credentials.
/// </summary>
internal sealed class HubSpotConnector(
    HubSpotPoller poller,
    HubSpotReader reader,
    HubSpotAssociationReader associations,
    HubSpotWriter writer,
    HubSpotBudget budget) : ICrmConnector
{
    public CrmKind Crm => CrmKind.HubSpot;

    public ApiBudgetSnapshot Budget => budget.Snapshot();

    public Task<PollResult> PollAsync(CrmObject obj, Watermark since, int maxRecords, CancellationToken cancellationToken) =>
        poller.PollAsync(obj, since, maxRecords, cancellationToken);

    public Task<IReadOnlyList<CrmRecord>> ReadAsync(CrmObject obj, IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        reader.ReadAsync(obj, ids, cancellationToken);

    public Task<IReadOnlyList<WriteOutcome>> WriteAsync(WritePlan plan, CancellationToken cancellationToken) =>
        writer.WriteAsync(plan, cancellationToken);

    public Task<IReadOnlyList<CrmOwner>> ReadOwnersAsync(CancellationToken cancellationToken) =>
        reader.ReadOwnersAsync(cancellationToken);

    public Task<IReadOnlyList<CrmRecord>> ReadOwnedAsync(IReadOnlyCollection<string> ownerIds, StageFilter? stages, CancellationToken cancellationToken) =>
        reader.ReadOwnedAsync(ownerIds, stages, cancellationToken);

    public Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> ReadPeopleOfAsync(IReadOnlyList<PeopleOf> records, CancellationToken cancellationToken) =>
        associations.ReadPeopleOfAsync(records, cancellationToken);
}

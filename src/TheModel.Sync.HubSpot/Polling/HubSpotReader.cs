using Microsoft.Extensions.Logging;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;
using TheModel.Sync.HubSpot.Api;

namespace TheModel.Sync.HubSpot.Polling;

/// <summary>Reads records by id (<c>batch/read</c>, 100 per call) and the owners list (active, then archived).</summary>
internal sealed class HubSpotReader(
    IHubSpotObjectsApi objects,
    IHubSpotOwnersApi owners,
    ICrmSchemaSource schemas,
    ILogger<HubSpotReader> logger)
{
    public const int BatchSize = 100;
    public const int OwnersPageSize = 100;

    public async Task<IReadOnlyList<CrmRecord>> ReadAsync(CrmObject obj, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var schema = schemas.For(CrmKind.HubSpot);
        var objectType = schema.ObjectName(obj);
        var modifiedField = schema.ModifiedField(obj);
        var properties = schema.ReadFields(obj);
        var records = new List<CrmRecord>(ids.Count);
        foreach (var chunk in ids.Distinct(StringComparer.Ordinal).Chunk(BatchSize))
        {
            var request = new BatchReadRequest(properties, [.. chunk.Select(id => new ObjectIdInput(id))]);
            var operation = $"batch/read of {objectType}";
            var response = await HubSpotApi.CallAsync(
                operation,
                ct => objects.BatchReadAsync(objectType, request, HubSpotCall.ReadByPost, ct),
                cancellationToken).ConfigureAwait(false);
            records.AddRange(response.Results.Select(item => HubSpotRecords.ToRecord(item, modifiedField)));

            // Missing ids come back as OBJECT_NOT_FOUND errors in a 207; they are simply absent from the result.
            var unexpected = response.Errors?.Where(e => e.Category != "OBJECT_NOT_FOUND").ToList() ?? [];
            if (unexpected.Count > 0)
            {
                HubSpotLog.BatchErrors(logger, operation, unexpected.Count, chunk.Length, string.Join(", ", unexpected.Select(e => $"{e.Category}: {e.Message}")));
            }
        }

        return records;
    }

    public async Task<IReadOnlyList<CrmOwner>> ReadOwnersAsync(CancellationToken cancellationToken)
    {
        var result = new List<CrmOwner>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var archived in (bool[])[false, true])
        {
            string? after = null;
            do
            {
                var flag = archived ? "true" : "false";
                var page = await HubSpotApi.CallAsync(
                    $"owners list (archived={flag})",
                    ct => owners.ListAsync(OwnersPageSize, after, flag, HubSpotCall.Read, ct),
                    cancellationToken).ConfigureAwait(false);
                foreach (var owner in page.Results)
                {
                    if (seen.Add(owner.Id))
                    {
                        result.Add(ToOwner(owner, active: !archived && !owner.Archived));
                    }
                }

                after = page.Results.Count == 0 ? null : page.Paging?.Next?.After;
            }
            while (after is not null);
        }

        return result;
    }

    /// <summary>The owner <c>id</c> (what <c>hubspot_owner_id</c> holds), never the <c>userId</c>.</summary>
    private static CrmOwner ToOwner(HubSpotOwner owner, bool active)
    {
        var name = $"{owner.FirstName} {owner.LastName}".Trim();
        return new CrmOwner(
            owner.Id,
            string.IsNullOrWhiteSpace(owner.Email) ? null : owner.Email,
            name.Length == 0 ? null : name,
            active,
            string.Equals(owner.Type, "QUEUE", StringComparison.OrdinalIgnoreCase));
    }
}

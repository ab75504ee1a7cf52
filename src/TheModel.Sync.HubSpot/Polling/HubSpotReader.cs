using Microsoft.Extensions.Logging;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;
using TheModel.Sync.HubSpot.Api;

namespace TheModel.Sync.HubSpot.Polling;

/// <summary>
/// Reads records by id (<c>batch/read</c>, 100 per call; deals with their company from an association batch read),
/// the owners list (active, then archived), and the persons a set of owners holds (CRM search).
/// </summary>
internal sealed class HubSpotReader(
    IHubSpotObjectsApi objects,
    IHubSpotOwnersApi owners,
    HubSpotAssociationReader associations,
    ICrmSchemaSource schemas,
    ILogger<HubSpotReader> logger)
{
    public const int BatchSize = 100;
    public const int OwnersPageSize = 100;

    /// <summary>
    /// Owner ids per owned-persons search: the documented search limits name no cap on an <c>IN</c> list, so this
    /// stays at the batch size.
    /// </summary>
    public const int OwnersPerSearch = 100;

    /// <summary>
    /// Characters of owner ids (each with its quotes and comma) per search: the body may hold 3,000 characters
    /// (crm-api-facts.md H-3) and the rest of it (properties, the stage values, the id filter) is left 1,200.
    /// </summary>
    public const int OwnerIdCharactersPerSearch = 1_800;

    /// <summary>Results one search query can reach by paging with <c>after</c> (crm-api-facts.md H-3).</summary>
    public const int MaxReachable = 10_000;

    public async Task<IReadOnlyList<CrmRecord>> ReadAsync(CrmObject obj, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var schema = schemas.For(CrmKind.HubSpot);
        var objectType = schema.ObjectName(obj);
        var modifiedField = schema.ModifiedField(obj);
        var properties = HubSpotRecords.PropertiesToRead(schema, obj);
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

        return obj == CrmObject.Opportunity
            ? await associations.WithCompaniesAsync(records, cancellationToken).ConfigureAwait(false)
            : records;
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

    /// <summary>
    /// The contacts owned by <paramref name="ownerIds"/> (narrowed by <paramref name="stages"/>): a search per chunk of
    /// owners, <c>hubspot_owner_id IN (…) AND &lt;stage field&gt; IN (…)</c>, 200 a page in <c>hs_object_id</c> order.
    /// Each page is a new query after the last id read (<c>hs_object_id GT last</c>) rather than an <c>after</c>
    /// offset: no query ever pages towards the 10,000-result ceiling however many persons an owner holds, and a person
    /// reassigned between two pages cannot shift the others past a page boundary unread.
    /// </summary>
    public async Task<IReadOnlyList<CrmRecord>> ReadOwnedAsync(IReadOnlyCollection<string> ownerIds, StageFilter? stages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ownerIds);
        var schema = schemas.For(CrmKind.HubSpot);
        var objectType = schema.ObjectName(CrmObject.Person);
        var modifiedField = schema.ModifiedField(CrmObject.Person);
        var properties = new SortedSet<string>(StringComparer.Ordinal) { schema.OwnerField, modifiedField };
        properties.UnionWith(schema.StageFields);
        var stageFilter = StageFilterOf(stages);
        if (stageFilter is not null)
        {
            properties.Add(stageFilter.PropertyName);
        }

        var owners = ownerIds.Where(id => !string.IsNullOrWhiteSpace(id)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (owners.Count == 0 || stages is { Values.Count: 0 })
        {
            return [];
        }

        var records = new Dictionary<string, CrmRecord>(StringComparer.Ordinal);
        foreach (var chunk in ChunkOwners(owners))
        {
            string? lastId = null;
            var pages = 0;
            var read = 0;
            while (true)
            {
                List<SearchFilter> filters = [new(schema.OwnerField, "IN", Values: chunk)];
                if (stageFilter is not null)
                {
                    filters.Add(stageFilter);
                }

                if (lastId is not null)
                {
                    filters.Add(new SearchFilter(HubSpotPoller.IdProperty, "GT", lastId));
                }

                var request = new SearchRequest(
                    [new SearchFilterGroup(filters)],
                    [new SearchSort(HubSpotPoller.IdProperty, "ASCENDING")],
                    [.. properties],
                    HubSpotPoller.PageSize);
                var page = await HubSpotApi.CallAsync(
                    $"search of owned {objectType}",
                    ct => objects.SearchAsync(objectType, request, HubSpotCall.Search, ct),
                    cancellationToken).ConfigureAwait(false);
                if (pages == 0 && page.Total > MaxReachable)
                {
                    HubSpotLog.OwnedPastCeiling(logger, objectType, page.Total, chunk.Count);
                }

                pages++;
                foreach (var item in page.Results)
                {
                    var record = HubSpotRecords.ToRecord(item, modifiedField);
                    records[record.Id] = record;
                    read++;
                }

                if (page.Results.Count == 0 || page.Paging?.Next is null)
                {
                    break;
                }

                lastId = page.Results[^1].Id;
            }

            HubSpotLog.OwnedRead(logger, objectType, read, chunk.Count, pages);
        }

        return [.. records.Values];
    }

    /// <summary>Owner ids in chunks of at most <see cref="OwnersPerSearch"/> and <see cref="OwnerIdCharactersPerSearch"/>.</summary>
    internal static IEnumerable<List<string>> ChunkOwners(IEnumerable<string> owners)
    {
        var chunk = new List<string>();
        var used = 0;
        foreach (var id in owners)
        {
            var cost = id.Length + 3;
            if (chunk.Count > 0 && (chunk.Count == OwnersPerSearch || used + cost > OwnerIdCharactersPerSearch))
            {
                yield return chunk;
                chunk = [];
                used = 0;
            }

            chunk.Add(id);
            used += cost;
        }

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }

    /// <summary>
    /// The search filter for a stage filter. Enumeration values in an <c>IN</c> filter are matched in lowercase
    /// (crm-api-facts.md H-3) while the config may spell them as HubSpot shows them (<c>NEW</c>), so both are sent.
    /// </summary>
    internal static SearchFilter? StageFilterOf(StageFilter? stages)
    {
        if (stages is null || stages.Values.Count == 0)
        {
            return null;
        }

        var values = stages.Values.SelectMany(v => (string[])[v, v.ToLowerInvariant()]).Distinct(StringComparer.Ordinal).ToList();
        return new SearchFilter(stages.Field, "IN", Values: values);
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

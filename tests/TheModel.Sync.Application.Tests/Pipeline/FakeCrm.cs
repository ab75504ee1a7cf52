using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Application.Tests.Pipeline;

/// <summary>A CRM held in a dictionary: applies writes, counts owner changes and tasks per key, fails on request.</summary>
internal sealed class FakeCrm(CrmKind crm) : ICrmConnector
{
    private readonly Lock _gate = new();

    public Dictionary<string, Dictionary<string, string?>> People { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, List<TaskCreate>> TasksByKey { get; } = new(StringComparer.Ordinal);

    /// <summary>Opportunities and accounts by id (people are in <see cref="People"/>).</summary>
    public Dictionary<string, Dictionary<string, string?>> Others { get; } = new(StringComparer.Ordinal);

    /// <summary>The person ids <see cref="ReadPeopleOfAsync"/> answers per opportunity or account id.</summary>
    public Dictionary<string, List<string>> PeopleOfRecord { get; } = new(StringComparer.Ordinal);

    public List<PeopleOf> PeopleOfReads { get; } = [];

    public int PeopleOfCalls { get; private set; }

    /// <summary>Makes <see cref="ReadPeopleOfAsync"/> throw, as a CRM outage would.</summary>
    public bool FailPeopleOf { get; set; }

    public List<(string Person, string? Owner)> OwnerChanges { get; } = [];

    public int WriteCalls { get; private set; }

    public int ReadCalls { get; private set; }

    /// <summary>Fail this many upcoming writes whole (transient).</summary>
    public int FailWrites { get; set; }

    /// <summary>Apply, then fail: the caller cannot know the writes happened.</summary>
    public bool LoseNextResponse { get; set; }

    public string? RejectPerson { get; set; }

    public CrmKind Crm => crm;

    public ApiBudgetSnapshot Budget => new(crm, WriteCalls, null, null, long.MaxValue, false, null);

    public Task<PollResult> PollAsync(CrmObject obj, Watermark since, int maxRecords, CancellationToken cancellationToken) =>
        Task.FromResult(new PollResult([], since, false));

    public Task<IReadOnlyList<CrmRecord>> ReadAsync(CrmObject obj, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ReadCalls++;
            var held = obj == CrmObject.Person ? People : Others;
            return Task.FromResult<IReadOnlyList<CrmRecord>>(ids.Where(held.ContainsKey)
                .Select(id => new CrmRecord(id, new Dictionary<string, string?>(held[id]), DateTimeOffset.UnixEpoch)).ToList());
        }
    }

    public Task<IReadOnlyList<CrmRecord>> ReadOwnedAsync(IReadOnlyCollection<string> ownerIds, StageFilter? stages, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the pipeline tests do not read owned persons");

    public Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> ReadPeopleOfAsync(IReadOnlyList<PeopleOf> records, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            PeopleOfCalls++;
            PeopleOfReads.AddRange(records);
            if (FailPeopleOf)
            {
                throw new HttpRequestException("503 Service Unavailable");
            }

            return Task.FromResult<IReadOnlyDictionary<string, IReadOnlyList<string>>>(records.ToDictionary(
                r => r.RecordId, r => (IReadOnlyList<string>)[.. PeopleOfRecord.GetValueOrDefault(r.RecordId) ?? []], StringComparer.Ordinal));
        }
    }

    public Task<IReadOnlyList<WriteOutcome>> WriteAsync(WritePlan plan, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            WriteCalls++;
            if (FailWrites > 0)
            {
                FailWrites--;
                return Task.FromResult<IReadOnlyList<WriteOutcome>>([.. plan.Updates.Select(u => new WriteOutcome(u.Key, WriteStatus.Failed, "503 unavailable")), .. plan.Tasks.Select(t => new WriteOutcome(t.Key, WriteStatus.Failed, "503 unavailable"))]);
            }

            var outcomes = new List<WriteOutcome>();
            foreach (var u in plan.Updates)
            {
                if (u.RecordId == RejectPerson)
                {
                    outcomes.Add(new WriteOutcome(u.Key, WriteStatus.Rejected, "FIELD_CUSTOM_VALIDATION_EXCEPTION: Company is required"));
                    continue;
                }

                var person = People[u.RecordId];
                var ownerField = crm == CrmKind.Salesforce ? "OwnerId" : "hubspot_owner_id";
                if (u.Fields.TryGetValue(ownerField, out var owner) && person.GetValueOrDefault(ownerField) != owner)
                {
                    OwnerChanges.Add((u.RecordId, owner));
                }

                foreach (var (k, v) in u.Fields)
                {
                    person[k] = v;
                }

                outcomes.Add(new WriteOutcome(u.Key, WriteStatus.Written));
            }

            foreach (var t in plan.Tasks)
            {
                if (!TasksByKey.TryGetValue(t.Key, out var list))
                {
                    list = [];
                    TasksByKey[t.Key] = list;
                    list.Add(t);
                }

                outcomes.Add(new WriteOutcome(t.Key, WriteStatus.Written, CrmId: "task-" + t.Key));
            }

            if (LoseNextResponse)
            {
                LoseNextResponse = false;
                throw new HttpRequestException("500 after apply");
            }

            return Task.FromResult<IReadOnlyList<WriteOutcome>>(outcomes);
        }
    }

    public Task<IReadOnlyList<CrmOwner>> ReadOwnersAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<CrmOwner>>([]);
}

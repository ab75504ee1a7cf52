using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Worker.Tests.Support;

/// <summary>
/// A CRM held in memory: people read by id and written in place, records to poll per object, owners, and a switch
/// that makes every call fail (an expired credential, an outage).
/// </summary>
internal sealed class FakeConnector(CrmKind crm) : ICrmConnector
{
    private readonly Lock _gate = new();
    private int _failWrites;
    private int _polls;

    public CrmKind Crm => crm;

    public Dictionary<string, Dictionary<string, string?>> People { get; } = new(StringComparer.Ordinal);

    public Dictionary<CrmObject, List<CrmRecord>> Pollable { get; } = [];

    public List<CrmOwner> Owners { get; } = [];

    public List<(string Person, string? Owner)> OwnerChanges { get; } = [];

    public Dictionary<string, TaskCreate> Tasks { get; } = new(StringComparer.Ordinal);

    /// <summary>Thrown by every call while set.</summary>
    public Exception? FailAllCalls { get; set; }

    public int Polls => Volatile.Read(ref _polls);

    public ApiBudgetSnapshot Budget => new(crm, 42, 1000, 15000, 5000, false, null);

    public string OwnerField => crm == CrmKind.Salesforce ? "OwnerId" : "hubspot_owner_id";

    /// <summary>Fails this many upcoming writes whole, as a transient outage would.</summary>
    public void FailNextWrites(int count) => Volatile.Write(ref _failWrites, count);

    public string? Field(string person, string field)
    {
        lock (_gate)
        {
            return People.TryGetValue(person, out var p) ? p.GetValueOrDefault(field) : null;
        }
    }

    public int OwnerChangeCount
    {
        get
        {
            lock (_gate)
            {
                return OwnerChanges.Count;
            }
        }
    }

    public Task<PollResult> PollAsync(CrmObject obj, Watermark since, int maxRecords, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        Interlocked.Increment(ref _polls);
        lock (_gate)
        {
            var all = Pollable.GetValueOrDefault(obj) ?? [];
            var after = all.Where(r => since.IsNew(r.ModifiedAt, r.Id))
                .OrderBy(r => r.ModifiedAt).ThenBy(r => r.Id, Comparer<string>.Create((a, b) => Watermark.CompareIds(a, b)))
                .ToList();
            var page = after.Take(maxRecords).ToList();
            var next = page.Count == 0 ? since : new Watermark(page[^1].ModifiedAt, page[^1].Id);
            return Task.FromResult(new PollResult(page, next, after.Count > page.Count));
        }
    }

    public Task<IReadOnlyList<CrmRecord>> ReadAsync(CrmObject obj, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<CrmRecord>>(ids.Where(People.ContainsKey)
                .Select(id => new CrmRecord(id, new Dictionary<string, string?>(People[id]), DateTimeOffset.UnixEpoch))
                .ToList());
        }
    }

    /// <summary>While set, a write signals <see cref="WriteStarted"/> and waits for this gate (a slow CRM).</summary>
    public TaskCompletionSource? WriteGate { get; set; }

    public TaskCompletionSource WriteStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task<IReadOnlyList<WriteOutcome>> WriteAsync(WritePlan plan, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        if (WriteGate is { } gate)
        {
            WriteStarted.TrySetResult();
            await gate.Task.WaitAsync(cancellationToken);
        }

        return Apply(plan);
    }

    private IReadOnlyList<WriteOutcome> Apply(WritePlan plan)
    {
        lock (_gate)
        {
            if (_failWrites > 0)
            {
                _failWrites--;
                return [.. plan.Updates.Select(u => new WriteOutcome(u.Key, WriteStatus.Failed, "503 unavailable")), .. plan.Tasks.Select(t => new WriteOutcome(t.Key, WriteStatus.Failed, "503 unavailable"))];
            }

            var outcomes = new List<WriteOutcome>();
            foreach (var u in plan.Updates)
            {
                var person = People[u.RecordId];
                if (u.Fields.TryGetValue(OwnerField, out var owner) && person.GetValueOrDefault(OwnerField) != owner)
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
                Tasks.TryAdd(t.Key, t);
                outcomes.Add(new WriteOutcome(t.Key, WriteStatus.Written, CrmId: "task-" + t.Key));
            }

            return outcomes;
        }
    }

    public Task<IReadOnlyList<CrmOwner>> ReadOwnersAsync(CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<CrmOwner>>([.. Owners]);
        }
    }

    /// <summary>The owned-persons reads asked for: owner ids and stage filter.</summary>
    public List<(IReadOnlyCollection<string> Owners, StageFilter? Stages)> OwnedReads { get; } = [];

    /// <summary>The person ids <see cref="ReadPeopleOfAsync"/> answers per opportunity or account id.</summary>
    public Dictionary<string, List<string>> PeopleOfRecord { get; } = new(StringComparer.Ordinal);

    public Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> ReadPeopleOfAsync(IReadOnlyList<PeopleOf> records, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyDictionary<string, IReadOnlyList<string>>>(records.ToDictionary(
                r => r.RecordId, r => (IReadOnlyList<string>)[.. PeopleOfRecord.GetValueOrDefault(r.RecordId) ?? []], StringComparer.Ordinal));
        }
    }

    public Task<IReadOnlyList<CrmRecord>> ReadOwnedAsync(IReadOnlyCollection<string> ownerIds, StageFilter? stages, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        lock (_gate)
        {
            OwnedReads.Add(([.. ownerIds], stages));
            return Task.FromResult<IReadOnlyList<CrmRecord>>(People
                .Where(p => p.Value.GetValueOrDefault(OwnerField) is { } owner && ownerIds.Contains(owner, StringComparer.Ordinal))
                .Where(p => stages is null || stages.Values.Contains(p.Value.GetValueOrDefault(stages.Field) ?? string.Empty, StringComparer.OrdinalIgnoreCase))
                .Select(p => new CrmRecord(p.Key, new Dictionary<string, string?>(p.Value), DateTimeOffset.UnixEpoch))
                .ToList());
        }
    }

    private void ThrowIfFailing()
    {
        if (FailAllCalls is { } ex)
        {
            throw ex;
        }
    }
}

using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Application.Pipeline.InProcess;

/// <summary>
/// Every state port held in this process (the embedded default when no Redis is configured): one instance, the same
/// contract as the Redis implementation, nothing durable.
/// </summary>
public sealed class InProcessStores : IPlanJournal, IWatermarkStore, ILeaseStore, IDueSchedule, IDecisionLog, IPersonMemory, IRoutingStore, IStoreHealth, IRecordMarks
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly Dictionary<string, (StoredPlan Plan, DateTimeOffset Until)> _plans = new(StringComparer.Ordinal);
    private readonly Dictionary<(CrmKind, CrmObject), Watermark> _watermarks = [];
    private readonly Dictionary<string, (string Holder, DateTimeOffset Until)> _leases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedSet<(DateTimeOffset Due, string Item)>> _due = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Kind, string Item), DateTimeOffset> _dueIndex = [];
    private readonly List<(DateTimeOffset At, string Line)> _log = [];
    private readonly int _logRetention;

    // Lines ever trimmed from the front: a line's sequence number (its cursor) is its index plus this, so a cursor
    // stays valid while older lines are dropped.
    private long _logTrimmed;
    private readonly Dictionary<(CrmKind, string), PersonMemo> _memos = [];
    private readonly HashSet<string> _marks = new(StringComparer.Ordinal);
    private InMemoryRoutingState? _routing;
    private RuleSet? _routingRules;

    public InProcessStores(TimeProvider time, int decisionLogRetention = 100_000)
    {
        _time = time;
        _logRetention = decisionLogRetention;
    }

    public bool IsDurable => false;

    public Task<string?> CheckAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    /// <summary>How long a plan is kept for replays: longer than any redelivery of its event.</summary>
    public TimeSpan PlanRetention { get; init; } = TimeSpan.FromDays(3);

    public Task<bool> IsMarkedAsync(string key, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_marks.Contains(key));
        }
    }

    public Task MarkAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        lock (_gate)
        {
            _marks.UnionWith(keys);
        }

        return Task.CompletedTask;
    }

    public Task UnmarkAsync(string key, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _marks.Remove(key);
        }

        return Task.CompletedTask;
    }

    public Task<StoredPlan?> GetAsync(string dedupeKey, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_plans.TryGetValue(dedupeKey, out var p) && p.Until > _time.GetUtcNow() ? p.Plan : null);
        }
    }

    public Task PutAsync(string dedupeKey, StoredPlan plan, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _plans[dedupeKey] = (plan, _time.GetUtcNow() + PlanRetention);
        }

        return Task.CompletedTask;
    }

    public Task<Watermark?> GetAsync(CrmKind crm, CrmObject obj, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_watermarks.TryGetValue((crm, obj), out var w) ? w : (Watermark?)null);
        }
    }

    public Task SetAsync(CrmKind crm, CrmObject obj, Watermark watermark, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _watermarks[(crm, obj)] = watermark;
        }

        return Task.CompletedTask;
    }

    public Task<bool> TryAcquireAsync(string name, string holder, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (_leases.TryGetValue(name, out var lease) && lease.Until > now && lease.Holder != holder)
            {
                return Task.FromResult(false);
            }

            _leases[name] = (holder, now + ttl);
            return Task.FromResult(true);
        }
    }

    public Task ReleaseAsync(string name, string holder, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_leases.TryGetValue(name, out var lease) && lease.Holder == holder)
            {
                _leases.Remove(name);
            }
        }

        return Task.CompletedTask;
    }

    public Task ScheduleAsync(string kind, string item, DateTimeOffset due, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            RemoveDue(kind, item);
            if (!_due.TryGetValue(kind, out var set))
            {
                set = [];
                _due[kind] = set;
            }

            set.Add((due, item));
            _dueIndex[(kind, item)] = due;
        }

        return Task.CompletedTask;
    }

    public Task CancelAsync(string kind, string item, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            RemoveDue(kind, item);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> ClaimDueAsync(string kind, DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        var claimed = new List<string>();
        lock (_gate)
        {
            if (_due.TryGetValue(kind, out var set))
            {
                while (claimed.Count < max && set.Count > 0 && set.Min.Due <= now)
                {
                    var min = set.Min;
                    set.Remove(min);
                    _dueIndex.Remove((kind, min.Item));
                    claimed.Add(min.Item);
                }
            }
        }

        return Task.FromResult<IReadOnlyList<string>>(claimed);
    }

    public Task AppendAsync(IReadOnlyList<string> decisionJson, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decisionJson);
        lock (_gate)
        {
            var at = _time.GetUtcNow();
            _log.AddRange(decisionJson.Select(line => (at, line)));
            if (_log.Count > _logRetention)
            {
                var drop = _log.Count - _logRetention;
                _log.RemoveRange(0, drop);
                _logTrimmed += drop;
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> ReadAsync(int max, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<string>>(_log.Skip(Math.Max(0, _log.Count - max)).Select(e => e.Line).ToList());
        }
    }

    public Task<DecisionLogPage> ReadPageAsync(string? after, int max, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken)
    {
        long? afterSeq = null;
        if (after is not null)
        {
            if (!long.TryParse(after, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
            {
                throw new ArgumentException($"'{after}' is not a decision log cursor (a line number)", nameof(after));
            }

            afterSeq = parsed;
        }

        lock (_gate)
        {
            var index = afterSeq is { } seq ? (int)Math.Clamp(seq + 1 - _logTrimmed, 0, _log.Count) : 0;

            // Appends read the clock in order, so the times only grow: the first line at or after `from` ends the skip.
            while (from is { } f && index < _log.Count && _log[index].At < f)
            {
                index++;
            }

            var lines = new List<string>(Math.Clamp(max, 0, 4096));
            while (lines.Count < max && index < _log.Count && (to is not { } t || _log[index].At < t))
            {
                lines.Add(_log[index].Line);
                index++;
            }

            var atEnd = lines.Count < max || index >= _log.Count || (to is { } end && _log[index].At >= end);
            var next = atEnd ? null : (_logTrimmed + index - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Task.FromResult(new DecisionLogPage(lines, next));
        }
    }

    public Task<IReadOnlyDictionary<string, PersonMemo>> GetAsync(CrmKind crm, IReadOnlyCollection<string> personIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(personIds);
        var found = new Dictionary<string, PersonMemo>(StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (var id in personIds)
            {
                if (_memos.TryGetValue((crm, id), out var memo))
                {
                    found[id] = memo;
                }
            }
        }

        return Task.FromResult<IReadOnlyDictionary<string, PersonMemo>>(found);
    }

    public Task PutAsync(CrmKind crm, IReadOnlyDictionary<string, PersonMemo> memos, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(memos);
        lock (_gate)
        {
            foreach (var (id, memo) in memos)
            {
                _memos[(crm, id)] = memo;
            }
        }

        return Task.CompletedTask;
    }

    public Task<IRoutingState> SnapshotAsync(RuleSet rules, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IRoutingState>(new LockedView(this, Routing(rules)));
        }
    }

    public Task<bool> TryApplyAsync(Decision decision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decision);
        lock (_gate)
        {
            var state = _routing ?? throw new InvalidOperationException("no routing snapshot was taken");
            if (decision.Rotation is { } r)
            {
                if (r.RoundRobinChosen is not null && state.LastChosen(r.Team) != r.RoundRobinBefore)
                {
                    return Task.FromResult(false);
                }

                if (r.Weights is { } weights && weights.Any(w => state.CurrentWeight(w.Member) != w.Before))
                {
                    return Task.FromResult(false);
                }
            }

            state.Apply(decision);
            return Task.FromResult(true);
        }
    }

    public Task ResetAsync(RuleSet rules, IEnumerable<Footprint> footprints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(footprints);
        lock (_gate)
        {
            // Counts and ownership are replaced; the rotations are not counts and carry over (as in the Redis store).
            var fresh = new InMemoryRoutingState(rules);
            CarryRotations(fresh, rules);
            foreach (var f in footprints)
            {
                fresh.Add(f);
            }

            _routing = fresh;
            _routingRules = rules;
        }

        return Task.CompletedTask;
    }

    public Task SetOpenCountsAsync(RuleSet rules, IReadOnlyDictionary<string, int> open, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(open);
        OpenCounts.ThrowIfNegative(open);
        lock (_gate)
        {
            var state = Routing(rules);
            foreach (var (id, count) in open)
            {
                if (rules.FindMember(id) is { } member)
                {
                    state.SetOpenCount(member, count);
                }
            }
        }

        return Task.CompletedTask;
    }

    private InMemoryRoutingState Routing(RuleSet rules)
    {
        if (_routing is null || !ReferenceEquals(_routingRules, rules))
        {
            // A new config: teams and members may have moved; rotations and counts follow the members by id.
            var fresh = new InMemoryRoutingState(rules);
            CarryRotations(fresh, rules);
            if (_routing is not null && _routingRules is not null)
            {
                fresh.CarryCounts(_routing, _routingRules, rules);
            }

            _routing = fresh;
            _routingRules = rules;
        }

        return _routing;
    }

    /// <summary>
    /// Moves the round-robin pointers (by team id) and weighted current values (by member id) of the current state
    /// into <paramref name="fresh"/>, so neither a roster refresh nor a config reload restarts the rotations.
    /// </summary>
    private void CarryRotations(InMemoryRoutingState fresh, RuleSet rules)
    {
        if (_routing is null || _routingRules is null)
        {
            return;
        }

        foreach (var team in rules.Teams)
        {
            var old = _routingRules.FindTeam(team.Id);
            if (old is not null)
            {
                fresh.SetLastChosen(team, _routing.LastChosen(old));
            }

            foreach (var member in team.Members)
            {
                if (_routingRules.FindMember(member.Id) is { } was)
                {
                    fresh.SetCurrentWeight(member, _routing.CurrentWeight(was));
                }
            }
        }
    }

    private void RemoveDue(string kind, string item)
    {
        if (_dueIndex.Remove((kind, item), out var due) && _due.TryGetValue(kind, out var set))
        {
            set.Remove((due, item));
        }
    }

    /// <summary>Reads the live state under the store's lock, so a snapshot never sees half an update.</summary>
    private sealed class LockedView(InProcessStores owner, InMemoryRoutingState state) : IRoutingState
    {
        public string? LastChosen(Team team)
        {
            lock (owner._gate)
            {
                return state.LastChosen(team);
            }
        }

        public long CurrentWeight(Member member)
        {
            lock (owner._gate)
            {
                return state.CurrentWeight(member);
            }
        }

        public int OpenCount(Member member)
        {
            lock (owner._gate)
            {
                return state.OpenCount(member);
            }
        }

        public (int Count, long LatestOwnerSetTicks) Ownership(string accountId, Member member, in Footprint exclude)
        {
            lock (owner._gate)
            {
                return state.Ownership(accountId, member, exclude);
            }
        }
    }
}

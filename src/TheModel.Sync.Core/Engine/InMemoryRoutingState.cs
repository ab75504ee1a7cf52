using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Core.Engine;

/// <summary>
/// Routing state held in this process: the embedded default, and what <c>simulate</c> carries from one person to the next.
/// Its size grows with members and accounts, not with persons (a person's footprint adds one timestamp to a bucket).
/// </summary>
public sealed class InMemoryRoutingState : IRoutingState
{
    private readonly string?[] _lastChosen;
    private readonly long[] _weights;
    private readonly int[] _open;
    private readonly Dictionary<(string Account, int Member), OwnershipBucket> _ownership = [];

    public InMemoryRoutingState(RuleSet rules)
    {
        _lastChosen = new string?[rules.Teams.Count];
        _weights = new long[rules.Members.Count];
        _open = new int[rules.Members.Count];
    }

    public string? LastChosen(Team team) => _lastChosen[team.Index];

    public long CurrentWeight(Member member) => _weights[member.Index];

    public int OpenCount(Member member) => _open[member.Index];

    public (int Count, long LatestOwnerSetTicks) Ownership(string accountId, Member member, in Footprint exclude)
    {
        if (!_ownership.TryGetValue((accountId, member.Index), out var bucket))
        {
            return (0, long.MinValue);
        }

        var skip = exclude.Owner == member && exclude.AccountId == accountId;
        return bucket.Stats(skip ? exclude.OwnerSetTicks : null);
    }

    /// <summary>Counts a person as it stands (used to seed the state from an input file or a CRM read).</summary>
    public void Add(in Footprint f)
    {
        if (f.Owner is null)
        {
            return;
        }

        if (f.CountsAsOpen)
        {
            _open[f.Owner.Index]++;
        }

        if (f.AccountId is { } account)
        {
            var key = (account, f.Owner.Index);
            if (!_ownership.TryGetValue(key, out var bucket))
            {
                bucket = new OwnershipBucket();
                _ownership[key] = bucket;
            }

            bucket.Add(f.OwnerSetTicks);
        }
    }

    public void Remove(in Footprint f)
    {
        if (f.Owner is null)
        {
            return;
        }

        if (f.CountsAsOpen)
        {
            _open[f.Owner.Index]--;
        }

        if (f.AccountId is { } account && _ownership.TryGetValue((account, f.Owner.Index), out var bucket))
        {
            bucket.Remove(f.OwnerSetTicks);
        }
    }

    /// <summary>Moves the state on by one decision: the person's old footprint out, the new one in, the rotation forward.</summary>
    public void Apply(Decision decision)
    {
        if (decision.Before != decision.After)
        {
            Remove(decision.Before);
            Add(decision.After);
        }

        if (decision.Rotation is { } r)
        {
            if (r.RoundRobinChosen is { } chosen)
            {
                _lastChosen[r.Team.Index] = chosen.Id;
            }

            if (r.Weights is { } weights)
            {
                foreach (var (member, _, after) in weights)
                {
                    _weights[member.Index] = after;
                }
            }
        }
    }

    /// <summary>Sets a team's round-robin pointer (config tests and fixtures).</summary>
    public void SetLastChosen(Team team, string? memberId) => _lastChosen[team.Index] = memberId;

    /// <summary>Sets a member's smooth weighted round-robin current value (carried over a reload or a roster refresh).</summary>
    public void SetCurrentWeight(Member member, long value) => _weights[member.Index] = value;

    /// <summary>Sets a member's open count (a roster refresh that counted the member's people in the CRMs).</summary>
    public void SetOpenCount(Member member, int count)
    {
        ArgumentNullException.ThrowIfNull(member);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _open[member.Index] = count;
    }

    /// <summary>
    /// Takes over the counts of <paramref name="previous"/> (made under <paramref name="previousRules"/>): each member's
    /// open count and account ownership, matched by member id, so a config reload keeps what members hold (as the Redis
    /// store does, whose counts are kept by member id). Members the new config dropped take theirs with them; a change
    /// to a team's <c>works</c> stages applies to people as they are next decided.
    /// </summary>
    public void CarryCounts(InMemoryRoutingState previous, RuleSet previousRules, RuleSet rules)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(previousRules);
        ArgumentNullException.ThrowIfNull(rules);
        foreach (var member in rules.Members)
        {
            if (previousRules.FindMember(member.Id) is { } was)
            {
                _open[member.Index] = previous._open[was.Index];
            }
        }

        foreach (var ((account, index), bucket) in previous._ownership)
        {
            if (rules.FindMember(previousRules.Members[index].Id) is { } member)
            {
                _ownership[(account, member.Index)] = bucket.Copy();
            }
        }
    }

    private sealed class OwnershipBucket
    {
        // Sorted ascending; persons per account and member are few, so a sorted list beats a tree.
        private readonly List<long> _ticks = [];

        public OwnershipBucket Copy()
        {
            var copy = new OwnershipBucket();
            copy._ticks.AddRange(_ticks);
            return copy;
        }

        public void Add(long ticks)
        {
            var i = _ticks.BinarySearch(ticks);
            _ticks.Insert(i < 0 ? ~i : i, ticks);
        }

        public void Remove(long ticks)
        {
            var i = _ticks.BinarySearch(ticks);
            if (i >= 0)
            {
                _ticks.RemoveAt(i);
            }
        }

        public (int Count, long Latest) Stats(long? without)
        {
            var count = _ticks.Count;
            if (count == 0)
            {
                return (0, long.MinValue);
            }

            if (without is { } w && _ticks.BinarySearch(w) >= 0)
            {
                count--;
                if (count == 0)
                {
                    return (0, long.MinValue);
                }

                // Removing one copy of the latest leaves the one below it (which may equal it).
                var latest = _ticks[^1] == w ? _ticks[^2] : _ticks[^1];
                return (count, latest);
            }

            return (count, _ticks[^1]);
        }
    }
}

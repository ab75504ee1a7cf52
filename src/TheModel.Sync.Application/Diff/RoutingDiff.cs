using TheModel.Sync.Application.Simulation;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Application.Diff;

/// <summary>A person whose resulting owner or deciding rule differs between the two configs.</summary>
public sealed record MovedPerson(long Line, string Person, string? BaseOwner, string? HeadOwner, string? BaseRule, string? HeadRule)
{
    public bool OwnerChanged => !string.Equals(BaseOwner, HeadOwner, StringComparison.Ordinal);
}

/// <summary>Totals of one side of a diff.</summary>
public sealed class DiffSide
{
    public required string Version { get; init; }

    /// <summary>Persons each owner (member id or queue key) ends up with.</summary>
    public SortedDictionary<string, long> ByOwner { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, long> ByTeam { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, long> ByRule { get; } = new(StringComparer.Ordinal);

    public long Assigned { get; set; }

    public long ToQueue { get; set; }

    /// <summary>Decided by a rule whose <c>when</c> is empty (a catch-all).</summary>
    public long ByCatchAll { get; set; }

    /// <summary>Assignments per rotating team and member (round robin, weighted round robin, least loaded).</summary>
    public Dictionary<string, SortedDictionary<string, long>> Rotations { get; } = new(StringComparer.Ordinal);

    internal RuleSet Rules { get; init; } = null!;

    /// <summary>
    /// Jain's fairness index of a rotating team's assignments, each member's count divided by its weight, over its active
    /// members: 1.0 when every member got exactly its share, 1/n when one member got everything. Null without assignments.
    /// </summary>
    public double? Fairness(string teamId)
    {
        var team = Rules.FindTeam(teamId);
        if (team is null || !Rotations.TryGetValue(teamId, out var counts))
        {
            return null;
        }

        double sum = 0, squares = 0;
        var n = 0;
        foreach (var m in team.Members)
        {
            if (!m.Active)
            {
                continue;
            }

            var x = counts.GetValueOrDefault(m.Id) / (double)m.Weight;
            sum += x;
            squares += x * x;
            n++;
        }

        return n == 0 || squares == 0 ? null : sum * sum / (n * squares);
    }
}

public sealed class DiffResult
{
    public required DiffSide Base { get; init; }

    public required DiffSide Head { get; init; }

    public long Persons { get; set; }

    public long Moved { get; set; }

    public long RuleOnly { get; set; }

    /// <summary>Person ids on more than one line of the people file, with how many times (each line is compared).</summary>
    public List<(string Id, int Times)> DuplicateIds { get; } = [];

    public List<InputReject> Rejects { get; } = [];

    public long RejectCount { get; set; }

    public required DateTimeOffset At { get; init; }

    /// <summary>Teams any rule of either side rotates over.</summary>
    public SortedSet<string> RotatingTeams { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// <c>diff</c>: the same persons under two configs, each with its own state carried from person to person as
/// <c>simulate</c> does, compared person by person.
/// </summary>
public static class RoutingDiff
{
    public static DiffResult Run(
        RuleSet baseRules,
        RuleSet headRules,
        string peoplePath,
        IReadOnlyList<Account> accounts,
        IReadOnlyList<Opportunity> opportunities,
        DateTimeOffset at,
        Action<MovedPerson> onMoved,
        Action<long, long>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var left = new SimulationSession(baseRules, accounts, opportunities);
        var right = new SimulationSession(headRules, accounts, opportunities);
        long total = 0;
        var duplicates = new DuplicateIds(new FileInfo(peoplePath).Length);
        foreach (var (person, _) in PersonSource.ReadPersons(peoplePath))
        {
            if (person is not null)
            {
                left.Seed(person);
                right.Seed(person);
                duplicates.Enter(person.Id);
                total++;
            }
        }

        var counting = duplicates.HasCandidates;

        var result = new DiffResult
        {
            Base = new DiffSide { Version = baseRules.Version, Rules = baseRules },
            Head = new DiffSide { Version = headRules.Version, Rules = headRules },
            At = at,
        };
        foreach (var rules in new[] { baseRules, headRules })
        {
            foreach (var rule in rules.Routing)
            {
                if (rule.Assign.Kind == TargetKind.Team)
                {
                    result.RotatingTeams.Add(rule.Assign.Team!.Id);
                }
            }
        }

        long line = 0;
        foreach (var (person, reject) in PersonSource.ReadPersons(peoplePath))
        {
            cancellationToken.ThrowIfCancellationRequested();
            line++;
            if (reject is not null)
            {
                result.RejectCount++;
                if (result.Rejects.Count < 1000)
                {
                    result.Rejects.Add(reject);
                }

                continue;
            }

            if (counting)
            {
                duplicates.Count(person!.Id);
            }

            var b = left.Evaluate(person!, at);
            var h = right.Evaluate(person!, at);
            Count(result.Base, b);
            Count(result.Head, h);
            result.Persons++;
            var ownerChanged = !string.Equals(b.Owner.Name, h.Owner.Name, StringComparison.Ordinal);
            var ruleChanged = !string.Equals(b.Rule, h.Rule, StringComparison.Ordinal);
            if (ownerChanged)
            {
                result.Moved++;
            }
            else if (ruleChanged)
            {
                result.RuleOnly++;
            }

            if (ownerChanged || ruleChanged)
            {
                onMoved(new MovedPerson(line, person!.Id, b.Owner.Name, h.Owner.Name, b.Rule, h.Rule));
            }

            if (result.Persons % 4096 == 0)
            {
                progress?.Invoke(result.Persons, total);
            }
        }

        progress?.Invoke(result.Persons, total);
        result.DuplicateIds.AddRange(duplicates.Found());
        return result;
    }

    private static void Count(DiffSide side, Decision d)
    {
        if (d.Owner.Name is { } owner)
        {
            side.ByOwner[owner] = side.ByOwner.GetValueOrDefault(owner) + 1;
        }

        var team = d.Team?.Id ?? (d.Owner.Kind == OwnerKind.Queue ? "(queue)" : "(none)");
        side.ByTeam[team] = side.ByTeam.GetValueOrDefault(team) + 1;
        // A manual owner's keep names the rule that stopped at it, but is counted as what it is: nobody was routed.
        var manual = d.Because == Decision.ManualOwner;
        var rule = manual ? "(" + d.Because + ")" : d.Rule ?? "(" + d.Because + ")";
        side.ByRule[rule] = side.ByRule.GetValueOrDefault(rule) + 1;
        if (d.Outcome == DecisionOutcome.Assigned)
        {
            side.Assigned++;
        }

        if (d.Owner.Kind == OwnerKind.Queue)
        {
            side.ToQueue++;
        }

        if (!manual && d.Rule is { } ruleId && side.Rules.Routing.FirstOrDefault(r => r.Id == ruleId) is { } decided)
        {
            if (decided.When.IsAlways)
            {
                side.ByCatchAll++;
            }

            if (d.Outcome == DecisionOutcome.Assigned && decided.Assign.Kind == TargetKind.Team && d.Owner.Member is { } m)
            {
                if (!side.Rotations.TryGetValue(m.Team.Id, out var counts))
                {
                    counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
                    side.Rotations[m.Team.Id] = counts;
                }

                counts[m.Id] = counts.GetValueOrDefault(m.Id) + 1;
            }
        }
    }
}

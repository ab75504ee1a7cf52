using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Application.Simulation;

/// <summary>
/// One rule set evaluating a file of persons in order, with state carried from one person to the next as it would be
/// live (section 13): rotations, members' open counts and account ownership, seeded from the input itself.
/// </summary>
public sealed class SimulationSession
{
    private readonly InMemoryRoutingState _state;

    public SimulationSession(RuleSet rules, IReadOnlyList<Account> accounts, IReadOnlyList<Opportunity>? opportunities = null)
    {
        var lost = LatestLostByAccount(opportunities ?? []);
        Engine = new DecisionEngine(rules, new AccountMatcher(rules, accounts), lost.Count == 0 ? null : a => lost.GetValueOrDefault(a.Id));
        _state = new InMemoryRoutingState(rules);
    }

    /// <summary>Each account's most recent closed, not won opportunity (by close date, then file order).</summary>
    public static Dictionary<string, Opportunity> LatestLostByAccount(IReadOnlyList<Opportunity> opportunities)
    {
        var lost = new Dictionary<string, Opportunity>(StringComparer.Ordinal);
        foreach (var o in opportunities)
        {
            if (o.Account is not { } account || o.IsClosed != true || o.IsWon == true)
            {
                continue;
            }

            if (!lost.TryGetValue(account, out var known) || (o.CloseDate ?? DateTimeOffset.MinValue) > (known.CloseDate ?? DateTimeOffset.MinValue))
            {
                lost[account] = o;
            }
        }

        return lost;
    }

    public DecisionEngine Engine { get; }

    public InMemoryRoutingState State => _state;

    /// <summary>Counts a person as the input has it (the first pass over the file).</summary>
    public void Seed(Person person)
    {
        if (Counts(person.Owner))
        {
            _state.Add(Engine.FootprintOf(person));
        }
    }

    /// <summary>
    /// Whether a person with this owner counts in the state at all: only members' persons do (open counts and account
    /// ownership are per member), so the others need no account match.
    /// </summary>
    public bool Counts(string? owner) => Engine.Rules.ResolveOwner(owner).Member is not null;

    /// <summary>Evaluates a person at T and moves the state on.</summary>
    public Decision Evaluate(Person person, DateTimeOffset at)
    {
        var decision = Engine.Evaluate(person, at, _state);
        _state.Apply(decision);
        return decision;
    }
}

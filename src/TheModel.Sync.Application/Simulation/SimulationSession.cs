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

    public SimulationSession(RuleSet rules, IReadOnlyList<Account> accounts)
    {
        Engine = new DecisionEngine(rules, new AccountMatcher(rules, accounts));
        _state = new InMemoryRoutingState(rules);
    }

    public DecisionEngine Engine { get; }

    public InMemoryRoutingState State => _state;

    /// <summary>Counts a person as the input has it (the first pass over the file).</summary>
    public void Seed(Person person) => _state.Add(Engine.FootprintOf(person));

    /// <summary>Evaluates a person at T and moves the state on.</summary>
    public Decision Evaluate(Person person, DateTimeOffset at)
    {
        var decision = Engine.Evaluate(person, at, _state);
        _state.Apply(decision);
        return decision;
    }
}

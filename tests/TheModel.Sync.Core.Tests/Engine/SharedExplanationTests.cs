using System.Reflection;
using TheModel.Sync.Core.Conditions;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;
using TheModel.Sync.Core.Tests.Support;
using static TheModel.Sync.Core.Tests.Support.TestRules;

namespace TheModel.Sync.Core.Tests.Engine;

/// <summary>
/// What the engine remembers between evaluations (explanation texts and traces per rule set, the per-thread scope)
/// must never show in a decision: an engine that has decided many people answers as a fresh one does.
/// </summary>
public sealed class SharedExplanationTests
{
    private static readonly DateTimeOffset T = Monday10Tokyo;

    private static RuleSet Rules()
    {
        var rules = new TestRules();
        var sr = rules.Team("sr", TeamRole.SR, Tokyo, new M("a"), new M("b"), new M("c", Active: false));
        var ae = rules.Team("ae", TeamRole.AE, NewYork, new M("d", MaxOpen: 3), new M("e"));
        var queue = rules.Queue("unassigned");
        var pool = rules.Queue("pool");
        var competitors = new NamedList("competitors", isDomainList: true, ["rival.example"]);
        rules.Segment("big", Predicate.Compare(F("employees"), PredicateOp.Gte, Value.Of(1000)));
        rules.Fit("jp", Eq("country", "JP"), 10);
        rules.Route("competitors", Predicate.InList(F("domain"), competitors), ToQueue(pool));
        rules.Route("company", new AnyCondition([Eq("company", "Acme"), Eq("company", "Globex")]), To(TargetKind.PreviousOwner));
        rules.Route("big", Eq("segment", "big"), ToTeam(ae, RoutingStrategy.LeastLoaded));
        rules.Route("recycled", Predicate.Set(F("stage"), PredicateOp.In, [Value.Of("nurture"), Value.Of("disqualified")]), ToQueue(pool));
        rules.Route("mql", Eq("stage", "mql"), ToTeam(sr, RoutingStrategy.RoundRobin));
        rules.Route("fallback", Always, ToQueue(queue));
        return rules.Build();
    }

    private static List<Person> People(int n)
    {
        var random = new Random(7);
        string?[] owners = [null, "a", "b", "c", "d", "unassigned", "pool", "someone"];
        Stage?[] stages = [null, Stage.New, Stage.Mql, Stage.Nurture, Stage.Sql, Stage.Disqualified];
        string?[] companies = [null, "Acme", "Globex", "Initech"];
        var people = new List<Person>();
        for (var i = 0; i < n; i++)
        {
            var domain = random.Next(5) == 0 ? "rival.example" : $"d{random.Next(400)}.example";
            people.Add(Persons.New(
                id: "p" + i,
                email: $"x@{domain}",
                stage: stages[random.Next(stages.Length)],
                owner: owners[random.Next(owners.Length)],
                ownerSetAt: T.AddDays(-random.Next(1, 30)),
                stageEnteredAt: random.Next(3) == 0 ? T.AddDays(-random.Next(0, 40)) : null,
                company: companies[random.Next(companies.Length)],
                employees: random.Next(3) == 0 ? 5000 : random.Next(10, 900),
                country: random.Next(2) == 0 ? "JP" : "US",
                previousOwners: random.Next(3) == 0 ? ["b", "nobody"] : null,
                ownerSetBy: random.Next(6) == 0 ? "jane" : "service"));
        }

        return people;
    }

    private static string Describe(Decision d) => string.Join(" | ",
        d.Outcome, d.Owner.Name, d.Rule, d.Because, d.Stage, d.Segment, d.Score, d.Why.Trigger,
        string.Join(";", d.Why.Rules.Select(r => $"{r.Rule.Id}:{r.Applied}:{r.Because}")),
        string.Join(";", d.Why.Excluded.Select(e => $"{e.Member.Id}:{e.Reason}:{e.Rule}")),
        string.Join(";", d.Why.Notes),
        string.Join(";", d.Actions.Select(a => $"{a.Type}:{a.Rule}:{a.Field}:{a.Value}:{a.Owner}")));

    [Fact]
    public void Evaluate_AfterManyPeople_AnswersAsAFreshEngineOnAFreshThread()
    {
        var people = People(600);
        var shared = Rules();
        var engine = new DecisionEngine(shared, new AccountMatcher(shared, []));
        var state = new InMemoryRoutingState(shared);

        var fresh = Rules();
        var freshState = new InMemoryRoutingState(fresh);
        var texts = new List<string>();
        var expected = new List<string>();
        foreach (var p in people)
        {
            var d = engine.Evaluate(p, T, state);
            state.Apply(d);
            texts.Add(Describe(d));

            // New conditions (their text caches), a new engine (its trace and text tables), a new thread (its scope).
            var rules = Rules();
            Decision? reference = null;
            var thread = new Thread(() => reference = new DecisionEngine(rules, new AccountMatcher(rules, [])).Evaluate(p, T, new StateView(freshState, fresh)));
            thread.Start();
            thread.Join();
            freshState.Apply(Translate(reference!, fresh));
            expected.Add(Describe(reference!));
        }

        Assert.Equal(expected, texts);
        Assert.Contains(texts, t => t.Contains("is excluded", StringComparison.Ordinal) || t.Contains("off_hours", StringComparison.Ordinal) || t.Contains("round_robin", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("none of the alternatives held", StringComparison.Ordinal));
    }

    [Fact]
    public void Reset_LeavesNothingOfTheLastPerson()
    {
        var rules = Rules();
        var first = Persons.New(stage: Stage.Mql, owner: "a", recycleReason: "timing", recycleRule: "r", recheckAt: T, ownerSetAt: T, stageEnteredAt: T,
            fields: new Dictionary<string, Value> { ["x"] = Value.Of("1") });
        var second = Persons.New(company: "Acme");
        var scope = new EvaluationScope(first, T)
        {
            Owner = rules.ResolveOwner("a"),
            Domain = "acme.example",
            Account = new Account { Id = "acc" },
            AccountOwner = rules.ResolveOwner("b"),
            Opportunity = new Opportunity { Id = "o" },
            Segment = "big",
            Fit = 1,
            Engagement = 2,
            Score = 3,
            Scored = true,
            Stage = Stage.Sql,
        };
        scope.SetCustomField("x", Value.Of("overridden"));
        scope.SetCustomField("y", Value.Of("set"));

        scope.Reset(second, T.AddDays(1));
        var fresh = new EvaluationScope(second, T.AddDays(1));
        foreach (var property in typeof(EvaluationScope).GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            Assert.Equal(property.GetValue(fresh), property.GetValue(scope));
        }

        Assert.True(scope.GetCustomField("x").IsMissing);
        Assert.True(scope.GetCustomField("y").IsMissing);
    }

    [Fact]
    public void BecauseText_ManyValuesAndThreads_AlwaysTheTextOfThatValue()
    {
        var predicate = Predicate.InList(F("domain"), new NamedList("competitors", isDomainList: true, ["rival.example"]));
        var values = Enumerable.Range(0, 5000).Select(i => i % 7 == 0 ? Value.Missing : Value.Of($"d{i % 2500}.example")).ToArray();
        Parallel.For(0, 4, worker =>
        {
            for (var round = 0; round < 3; round++)
            {
                for (var i = 0; i < values.Length; i++)
                {
                    var v = values[(i * (worker + 1)) % values.Length];
                    var any = (i + worker) % 3 == 0;
                    var expected = "when did not hold: " + (any ? AnyCondition.Describe(predicate.DescribeFailure(v)) : predicate.DescribeFailure(v));
                    Assert.Equal(expected, predicate.BecauseText(v, any));
                }
            }
        });
    }

    [Fact]
    public void ValueOfInstant_SharesOffsetBoxes_WithoutChangingEquality()
    {
        var tokyo = new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.FromHours(9));
        var utc = tokyo.ToUniversalTime();
        Assert.Equal(Value.Of(tokyo), Value.Of(tokyo.AddMinutes(0)));
        Assert.NotEqual(Value.Of(tokyo), Value.Of(utc));
        Assert.Equal(tokyo, Value.Of(tokyo).AsTime);
        Assert.Equal(TimeSpan.FromHours(9), Value.Of(tokyo).AsTime.Offset);
        Assert.Equal(TimeSpan.FromHours(-14), Value.Of(tokyo.ToOffset(TimeSpan.FromHours(-14))).AsTime.Offset);
        Assert.Equal("2026-11-30T10:00:00+09:00", Value.Of(tokyo).ToString());
    }

    /// <summary>Decisions of a fresh rule set, moved onto the reference state's members (same ids).</summary>
    private static Decision Translate(Decision d, RuleSet into)
    {
        Footprint Map(Footprint f) => f with { Owner = f.Owner is null ? null : into.FindMember(f.Owner.Id) };
        var copy = new Decision { PersonId = d.PersonId, At = d.At, ConfigVersion = d.ConfigVersion, Before = Map(d.Before), After = Map(d.After) };
        if (d.Rotation is { } r)
        {
            copy.Rotation = new RotationUpdate
            {
                Team = into.FindTeam(r.Team.Id)!,
                RoundRobinChosen = r.RoundRobinChosen is null ? null : into.FindMember(r.RoundRobinChosen.Id),
                RoundRobinBefore = r.RoundRobinBefore,
                Weights = r.Weights?.Select(w => (into.FindMember(w.Member.Id)!, w.Before, w.After)).ToList(),
            };
        }

        return copy;
    }

    /// <summary>The reference state read through another rule set's members and teams (matched by id).</summary>
    private sealed class StateView(InMemoryRoutingState state, RuleSet stateRules) : IRoutingState
    {
        public string? LastChosen(Team team) => state.LastChosen(stateRules.FindTeam(team.Id)!);

        public long CurrentWeight(Member member) => state.CurrentWeight(stateRules.FindMember(member.Id)!);

        public int OpenCount(Member member) => state.OpenCount(stateRules.FindMember(member.Id)!);

        public (int Count, long LatestOwnerSetTicks) Ownership(string accountId, Member member, in Footprint exclude) =>
            state.Ownership(accountId, stateRules.FindMember(member.Id)!, exclude with { Owner = exclude.Owner is null ? null : stateRules.FindMember(exclude.Owner.Id) });
    }
}

using TheModel.Sync.Core.Calendars;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;
using TheModel.Sync.Core.Tests.Support;
using static TheModel.Sync.Core.Tests.Support.TestRules;

namespace TheModel.Sync.Core.Tests.Engine;

public sealed class RoutingStrategyTests
{
    private static (EngineHarness Harness, Team Team) OneTeam(RoutingStrategy strategy, params M[] members)
    {
        var rules = new TestRules();
        var team = rules.Team("sr", TeamRole.SR, Tokyo, members);
        rules.Route("all", Always, ToTeam(team, strategy));
        return (new EngineHarness(rules.Build()), team);
    }

    private static string Assign(EngineHarness h, DateTimeOffset? at = null) => h.Run(Persons.New(), at).Owner.Name!;

    [Fact]
    public void RoundRobin_NoHistory_CyclesInListedOrder()
    {
        var (h, _) = OneTeam(RoutingStrategy.RoundRobin, new M("a"), new M("b"), new M("c"));
        var sequence = Enumerable.Range(0, 7).Select(_ => Assign(h)).ToArray();
        Assert.Equal(["a", "b", "c", "a", "b", "c", "a"], sequence);
    }

    [Fact]
    public void RoundRobin_AwayMember_IsSkippedAndRotationContinuesAfterChosen()
    {
        var away = new DateRange(new DateOnly(2026, 11, 30), new DateOnly(2026, 11, 30));
        var (h, _) = OneTeam(RoutingStrategy.RoundRobin, new M("a"), new M("b", Away: [away]), new M("c"));
        Assert.Equal(["a", "c", "a", "c"], Enumerable.Range(0, 4).Select(_ => Assign(h)).ToArray());
        // The next day b is back, and the rotation goes on from the member chosen last (c): a, b, c.
        var tuesday = Monday10Tokyo.AddDays(1);
        Assert.Equal(["a", "b", "c"], Enumerable.Range(0, 3).Select(_ => Assign(h, tuesday)).ToArray());
    }

    [Fact]
    public void WeightedRoundRobin_Weights511_FollowsSmoothSequence()
    {
        var (h, _) = OneTeam(RoutingStrategy.WeightedRoundRobin, new M("a", 5), new M("b"), new M("c"));
        Assert.Equal(["a", "a", "b", "a", "c", "a", "a"], Enumerable.Range(0, 7).Select(_ => Assign(h)).ToArray());
    }

    [Theory]
    [InlineData(new[] { 3, 2, 1 })]
    [InlineData(new[] { 1, 1, 1, 1 })]
    [InlineData(new[] { 7, 3 })]
    [InlineData(new[] { 5, 1, 1, 2, 1 })]
    public void WeightedRoundRobin_10000Assignments_SharesMatchWeights(int[] weights)
    {
        var members = weights.Select((w, i) => new M("m" + i, w)).ToArray();
        var (h, _) = OneTeam(RoutingStrategy.WeightedRoundRobin, members);
        var counts = new Dictionary<string, int>();
        for (var i = 0; i < 10_000; i++)
        {
            var owner = Assign(h);
            counts[owner] = counts.GetValueOrDefault(owner) + 1;
        }

        var total = weights.Sum();
        for (var i = 0; i < weights.Length; i++)
        {
            var expected = 10_000.0 * weights[i] / total;
            // Smooth weighted round robin is exact over every full cycle: the error is below one assignment.
            Assert.InRange(counts.GetValueOrDefault("m" + i), Math.Floor(expected) - 1, Math.Ceiling(expected) + 1);
        }
    }

    [Fact]
    public void LeastLoaded_LowestRatioWins_SingleWinnerDoesNotMoveRotation()
    {
        var rules = new TestRules();
        var team = rules.Team("ae", TeamRole.AE, Tokyo, new M("a", MaxOpen: 10), new M("b", MaxOpen: 20), new M("c", MaxOpen: 10));
        rules.Route("sql", Always, ToTeam(team, RoutingStrategy.LeastLoaded));
        var h = new EngineHarness(rules.Build());
        // a owns 3 of 10 (0.3), b owns 4 of 20 (0.2), c owns 5 of 10 (0.5).
        foreach (var (owner, n) in new[] { ("a", 3), ("b", 4), ("c", 5) })
        {
            for (var i = 0; i < n; i++)
            {
                h.Seed(Persons.New(stage: Stage.Sql, owner: owner, ownerSetAt: Monday10Tokyo.AddDays(-1), stageEnteredAt: Monday10Tokyo.AddDays(-2)));
            }
        }

        var d = h.Run(Persons.New(stage: Stage.Sql));
        Assert.Equal("b", d.Owner.Name);
        Assert.Null(d.Rotation);
        Assert.Equal(5, h.State.OpenCount(h.Rules.FindMember("b")!));
    }

    [Fact]
    public void LeastLoaded_Tie_BrokenByRoundRobinWhichMoves()
    {
        var (h, team) = OneTeam(RoutingStrategy.LeastLoaded, new M("a", MaxOpen: 10), new M("b", MaxOpen: 10), new M("c", MaxOpen: 10));
        h.State.SetLastChosen(team, "a");
        var d = h.Run(Persons.New(stage: Stage.Mql));
        Assert.Equal("b", d.Owner.Name);
        Assert.Equal("b", h.State.LastChosen(team));
    }

    [Fact]
    public void LeastLoaded_AtCapacityMemberExcluded_WithReason()
    {
        var (h, _) = OneTeam(RoutingStrategy.LeastLoaded, new M("a", MaxOpen: 1), new M("b", MaxOpen: 5));
        h.Seed(Persons.New(stage: Stage.Mql, owner: "a", ownerSetAt: Monday10Tokyo.AddDays(-1)));
        h.Seed(Persons.New(stage: Stage.Mql, owner: "b", ownerSetAt: Monday10Tokyo.AddDays(-1)));
        h.Seed(Persons.New(stage: Stage.Mql, owner: "b", ownerSetAt: Monday10Tokyo.AddDays(-1)));
        var d = h.Run(Persons.New(stage: Stage.Mql));
        Assert.Equal("b", d.Owner.Name);
        var excluded = Assert.Single(d.Why.Excluded);
        Assert.Equal(("a", ExclusionReason.AtCapacity), (excluded.Member.Id, excluded.Reason));
    }

    [Fact]
    public void Sticky_MemberOwningMostAtAccount_Wins()
    {
        var rules = new TestRules();
        var team = rules.Team("ebr", TeamRole.EBR, Tokyo, new M("a"), new M("b"), new M("c"));
        rules.Route("abm", Always, ToTeam(team, RoutingStrategy.Sticky));
        var accounts = new[] { new Account { Id = "acc", Name = "Acme", Domain = "acme.example" } };
        var h = new EngineHarness(rules.Build(), accounts);
        var t = Monday10Tokyo.AddDays(-3);
        h.Seed(Persons.New(email: "x@acme.example", owner: "b", ownerSetAt: t));
        h.Seed(Persons.New(email: "y@acme.example", owner: "c", ownerSetAt: t.AddHours(1)));
        h.Seed(Persons.New(email: "z@acme.example", owner: "c", ownerSetAt: t.AddHours(2)));
        var d = h.Run(Persons.New(email: "new@acme.example"));
        Assert.Equal("c", d.Owner.Name);
        Assert.Null(d.Rotation);
    }

    [Fact]
    public void Sticky_TieOnCount_GoesToMostRecentOwnerSetAt()
    {
        var rules = new TestRules();
        var team = rules.Team("ebr", TeamRole.EBR, Tokyo, new M("a"), new M("b"));
        rules.Route("abm", Always, ToTeam(team, RoutingStrategy.Sticky));
        var h = new EngineHarness(rules.Build(), [new Account { Id = "acc", Domain = "acme.example" }]);
        var t = Monday10Tokyo.AddDays(-3);
        h.Seed(Persons.New(email: "x@acme.example", owner: "a", ownerSetAt: t));
        h.Seed(Persons.New(email: "y@acme.example", owner: "b", ownerSetAt: t.AddMinutes(1)));
        Assert.Equal("b", h.Run(Persons.New(email: "n@acme.example")).Owner.Name);
    }

    [Fact]
    public void Sticky_StickyMemberAway_FallsBackToThenStrategy()
    {
        var rules = new TestRules();
        var away = new DateRange(new DateOnly(2026, 11, 30), new DateOnly(2026, 12, 1));
        var team = rules.Team("ebr", TeamRole.EBR, Tokyo, new M("a"), new M("b", Away: [away]), new M("c"));
        rules.Route("abm", Always, ToTeam(team, RoutingStrategy.Sticky, then: RoutingStrategy.RoundRobin));
        var h = new EngineHarness(rules.Build(), [new Account { Id = "acc", Domain = "acme.example" }]);
        h.Seed(Persons.New(email: "x@acme.example", owner: "b", ownerSetAt: Monday10Tokyo.AddDays(-1)));
        var d = h.Run(Persons.New(email: "n@acme.example"));
        Assert.Equal("a", d.Owner.Name);
        Assert.NotNull(d.Rotation);
    }

    [Fact]
    public void Sticky_ThePersonItselfDoesNotCount()
    {
        var rules = new TestRules();
        var team = rules.Team("ebr", TeamRole.EBR, Tokyo, new M("a"), new M("b"));
        rules.Route("abm", Always, ToTeam(team, RoutingStrategy.Sticky));
        var h = new EngineHarness(rules.Build(), [new Account { Id = "acc", Domain = "acme.example" }]);
        // The person is owned by an external user; the only ownership at the account is b's one other person.
        h.Seed(Persons.New(email: "x@acme.example", owner: "b", ownerSetAt: Monday10Tokyo.AddDays(-1)));
        var d = h.Run(Persons.New(email: "me@acme.example", owner: "0055g00000ZzZz9AAA"));
        Assert.Equal("b", d.Owner.Name);
    }

    [Fact]
    public void NoChurn_CurrentOwnerEligible_KeptWithRuleAndNoRotationMove()
    {
        var (h, team) = OneTeam(RoutingStrategy.RoundRobin, new M("a"), new M("b"));
        var p = Persons.New(stage: Stage.Mql, owner: "b", ownerSetAt: Monday10Tokyo.AddDays(-2), stageEnteredAt: Monday10Tokyo.AddDays(-1));
        var d = h.Run(p);
        Assert.Equal(DecisionOutcome.Kept, d.Outcome);
        Assert.Equal("all", d.Rule);
        Assert.Equal("b", d.Owner.Name);
        Assert.DoesNotContain(d.Actions, a => a.Type == ActionType.Assign);
        Assert.Null(h.State.LastChosen(team));
        Assert.Equal(p.OwnerSetAt, d.OwnerSetAt);
    }

    [Fact]
    public void HoursPrefer_MembersInHoursPreferred_OthersWhenNoneIs()
    {
        var rules = new TestRules();
        var team = rules.Team("sr", TeamRole.SR, null, new M("ny", Calendar: NewYork), new M("tk", Calendar: Tokyo));
        rules.Route("all", Always, ToTeam(team, RoutingStrategy.RoundRobin));
        var h = new EngineHarness(rules.Build());
        // Monday 10:00 in Tokyo is Sunday night in New York: tk is preferred.
        var d1 = h.Run(Persons.New());
        Assert.Equal("tk", d1.Owner.Name);
        Assert.Contains(d1.Why.Excluded, e => e.Member.Id == "ny" && e.Reason == ExclusionReason.OffHours);
        // Saturday 03:00 UTC: neither works, so both are candidates and the rotation goes on after tk.
        var saturday = new DateTimeOffset(2026, 12, 5, 3, 0, 0, TimeSpan.Zero);
        Assert.Equal("ny", h.Run(Persons.New(), saturday).Owner.Name);
    }

    [Fact]
    public void HoursStrict_NoMemberInHours_RuleDoesNotApply()
    {
        var rules = new TestRules();
        var team = rules.Team("sr", TeamRole.SR, NewYork, new M("a"), new M("b"));
        var q = rules.Queue("unassigned");
        rules.Route("strict", Always, ToTeam(team, RoutingStrategy.RoundRobin, HoursMode.Strict));
        rules.Route("fallback", Always, ToQueue(q));
        var h = new EngineHarness(rules.Build());
        var d = h.Run(Persons.New());
        Assert.Equal("fallback", d.Rule);
        Assert.Equal("unassigned", d.Owner.Name);
        Assert.Equal("no eligible member in team sr", d.Why.Rules[0].Because);
        Assert.All(d.Why.Excluded, e => Assert.Equal(ExclusionReason.OffHours, e.Reason));
    }

    [Fact]
    public void RotationBelongsToTeam_SharedByRules()
    {
        var rules = new TestRules();
        var team = rules.Team("sr", TeamRole.SR, Tokyo, new M("a"), new M("b"), new M("c"));
        rules.Route("jp", Eq("country", "JP"), ToTeam(team, RoutingStrategy.RoundRobin));
        rules.Route("other", Always, ToTeam(team, RoutingStrategy.RoundRobin));
        var h = new EngineHarness(rules.Build());
        Assert.Equal("a", h.Run(Persons.New(country: "JP")).Owner.Name);
        Assert.Equal("b", h.Run(Persons.New(country: "US")).Owner.Name);
        Assert.Equal("c", h.Run(Persons.New(country: "JP")).Owner.Name);
    }

    [Fact]
    public void ExcludePreviousOwners_SkipsOwnerAndHistory()
    {
        var rules = new TestRules();
        var team = rules.Team("sr", TeamRole.SR, Tokyo, new M("a"), new M("b"), new M("c"));
        rules.Route("all", Always, ToTeam(team, RoutingStrategy.RoundRobin, excludePrevious: true));
        var h = new EngineHarness(rules.Build());
        var d = h.Run(Persons.New(owner: "unknown-user", previousOwners: ["a", "b"]));
        Assert.Equal("c", d.Owner.Name);
        Assert.Equal(2, d.Why.Excluded.Count(e => e.Reason == ExclusionReason.PreviousOwner));
    }
}

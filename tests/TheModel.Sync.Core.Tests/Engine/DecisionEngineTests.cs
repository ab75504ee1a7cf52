using TheModel.Sync.Core.Conditions;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;
using TheModel.Sync.Core.Tests.Support;
using static TheModel.Sync.Core.Tests.Support.TestRules;

namespace TheModel.Sync.Core.Tests.Engine;

public sealed class DecisionEngineTests
{
    private static readonly DateTimeOffset T = Monday10Tokyo;

    private static Template Text(string s) => new(s, [s]);

    [Fact]
    public void Score_DecayHalvesPointsEachHalfLife_AndRoundsHalvesAwayFromZero()
    {
        var rules = new TestRules();
        rules.Fit("half", Always, 0.5);
        rules.Engagement("demo", Eq("fields.form", "Demo"), 40, new Decay { From = F("fields.form_at"), HalfLife = TimeSpan.FromDays(14) });
        rules.Engagement("stale", Eq("fields.form", "Demo"), 10, new Decay { From = F("fields.missing_at"), HalfLife = TimeSpan.FromDays(1) });
        var h = new EngineHarness(rules.Build());
        var p = Persons.New(fields: new Dictionary<string, Value> { ["form"] = Value.Of("Demo"), ["form_at"] = Value.Of(T.AddDays(-14)) });
        var d = h.Run(p);
        Assert.Equal(0.5, d.Fit);
        Assert.Equal(20, d.Engagement, 10);
        Assert.Equal(21, d.Score);   // 20.5 rounds away from zero
        Assert.Contains(d.Why.Score, s => s.Rule.Id == "stale" && s.Points == 0);
        Assert.Contains(d.Why.Notes, n => n.Contains("fields.missing_at is missing", StringComparison.Ordinal));
    }

    [Fact]
    public void Score_FutureTimestamp_AgeNeverBelowZero()
    {
        var rules = new TestRules();
        rules.Engagement("demo", Always, 40, new Decay { From = F("fields.at"), HalfLife = TimeSpan.FromDays(14) });
        var d = new EngineHarness(rules.Build()).Run(Persons.New(fields: new Dictionary<string, Value> { ["at"] = Value.Of(T.AddDays(3)) }));
        Assert.Equal(40, d.Engagement);
    }

    [Fact]
    public void Score_SmallNegativeSum_IsZeroNotNegativeZero()
    {
        // -1 point decayed over three half-lives is -0.125: round(-0.125) is -0 as a double, which prints as "-0".
        var rules = new TestRules();
        rules.Engagement("cooling", Always, -1, new Decay { From = F("fields.at"), HalfLife = TimeSpan.FromDays(1) });
        var d = new EngineHarness(rules.Build()).Run(Persons.New(fields: new Dictionary<string, Value> { ["at"] = Value.Of(T.AddDays(-3)) }));
        Assert.Equal(-0.125, d.Engagement);
        Assert.Equal(0, d.Score);
        Assert.False(double.IsNegative(d.Score));
    }

    [Fact]
    public void Mql_PromotesNewOnly_AndSetsStageEnteredAt()
    {
        var rules = new TestRules { Mql = Predicate.Compare(F("score"), PredicateOp.Gte, Value.Of(10)) };
        rules.Fit("x", Always, 10);
        var h = new EngineHarness(rules.Build());
        var d = h.Run(Persons.New(stageEnteredAt: T.AddDays(-5)));
        Assert.Equal(Stage.Mql, d.Stage);
        Assert.Equal(T, d.StageEnteredAt);
        Assert.Equal(new DecisionAction { Type = ActionType.Set, Rule = "mql", Field = "stage", Value = Value.Of("mql") }, d.Actions[0]);
        var working = h.Run(Persons.New(stage: Stage.Working));
        Assert.Equal(Stage.Working, working.Stage);
    }

    [Fact]
    public void NoTrigger_OwnedByActiveMember_KeptOwned()
    {
        var rules = new TestRules();
        var team = rules.Team("sr", TeamRole.SR, Tokyo, new M("a"), new M("b"));
        rules.Route("all", Always, ToTeam(team, RoutingStrategy.RoundRobin));
        var d = new EngineHarness(rules.Build()).Run(Persons.New(owner: "b", ownerSetAt: T.AddDays(-1), stageEnteredAt: T.AddDays(-2)));
        Assert.Equal((DecisionOutcome.Kept, "owned", (string?)null), (d.Outcome, d.Because, d.Rule));
        Assert.Null(d.Why.Trigger);
        Assert.Empty(d.Why.Rules);
    }

    [Fact]
    public void AwayButActiveOwner_IsNotATrigger()
    {
        var rules = new TestRules();
        var away = new TheModel.Sync.Core.Calendars.DateRange(new DateOnly(2026, 11, 30), new DateOnly(2026, 11, 30));
        var team = rules.Team("sr", TeamRole.SR, Tokyo, new M("a", Away: [away]), new M("b"));
        rules.Route("all", Always, ToTeam(team, RoutingStrategy.RoundRobin));
        var d = new EngineHarness(rules.Build()).Run(Persons.New(owner: "a", ownerSetAt: T.AddDays(-1)));
        Assert.Equal("owned", d.Because);
        Assert.Equal("a", d.Owner.Name);
    }

    [Theory]
    [InlineData(null, "the person has no owner")]
    [InlineData("unassigned", "the owner is queue unassigned")]
    [InlineData("someone-else", "the owner is not a member or queue of this config (external)")]
    [InlineData("off", "the owner off is not an active member")]
    public void Triggers_Table(string? owner, string trigger)
    {
        var rules = new TestRules();
        var team = rules.Team("sr", TeamRole.SR, Tokyo, new M("a"), new M("off", Active: false));
        var q = rules.Queue("unassigned");
        rules.Route("all", Always, ToTeam(team, RoutingStrategy.RoundRobin));
        var d = new EngineHarness(rules.Build()).Run(Persons.New(owner: owner, ownerSetAt: T.AddDays(-1)));
        Assert.Equal(trigger, d.Why.Trigger);
        Assert.Equal("a", d.Owner.Name);
        Assert.Equal(DecisionOutcome.Assigned, d.Outcome);
        Assert.Equal(T, d.OwnerSetAt);
    }

    [Fact]
    public void ManualOwner_NotRerouted_UnlessRuleOverrides()
    {
        var rules = new TestRules();
        var team = rules.Team("sr", TeamRole.SR, Tokyo, new M("a"));
        rules.Route("all", Always, ToTeam(team, RoutingStrategy.RoundRobin));
        var manual = Persons.New(owner: "crm-user-9", ownerSetBy: "jane", ownerSetAt: T.AddHours(-1), stageEnteredAt: T.AddHours(-2));
        var d = new EngineHarness(rules.Build()).Run(manual);
        Assert.Equal((DecisionOutcome.Kept, "manual_owner"), (d.Outcome, d.Because));
        Assert.Equal("external", d.Owner.Name);

        // A trigger held (the owner is external) and rule "all" stopped at the manual owner: the decision names it.
        Assert.Equal("all", d.Rule);
        Assert.Empty(d.Actions);

        var overriding = new TestRules();
        var team2 = overriding.Team("sr", TeamRole.SR, Tokyo, new M("a"));
        overriding.Route("all", Always, ToTeam(team2, RoutingStrategy.RoundRobin), overrideManual: true);
        Assert.Equal("a", new EngineHarness(overriding.Build()).Run(manual).Owner.Name);

        // Once the stage changes after the manual change, the guard no longer holds.
        var moved = Persons.New(owner: "crm-user-9", ownerSetBy: "jane", ownerSetAt: T.AddHours(-2), stageEnteredAt: T.AddHours(-1));
        Assert.Equal("a", new EngineHarness(rules.Build()).Run(moved).Owner.Name);
    }

    [Fact]
    public void NamedTarget_AwayOrExcluded_RuleDoesNotApply()
    {
        var rules = new TestRules();
        var away = new TheModel.Sync.Core.Calendars.DateRange(new DateOnly(2026, 11, 29), new DateOnly(2026, 12, 2));
        var team = rules.Team("csm", TeamRole.CSM, Tokyo, new M("a", Away: [away]), new M("b"));
        var q = rules.Queue("unassigned");
        rules.Route("owner-a", Always, To(TargetKind.Member, team.Members[0]));
        rules.Route("prev", Always, new Assignment { Kind = TargetKind.PreviousOwner, ExcludePreviousOwners = true });
        rules.Route("fallback", Always, ToQueue(q));
        var d = new EngineHarness(rules.Build()).Run(Persons.New(owner: "somebody", previousOwners: ["b"]));
        Assert.Equal("fallback", d.Rule);
        Assert.Equal("member a is excluded: away", d.Why.Rules[0].Because);
        Assert.Equal("previous owner b is excluded: previous_owner", d.Why.Rules[1].Because);
    }

    [Fact]
    public void AccountOwner_RoutesToTheAccountsOwner()
    {
        var rules = new TestRules();
        rules.Team("csm", TeamRole.CSM, Tokyo, new M("a"), new M("b"));
        rules.Route("customer", Eq("account.type", "customer"), To(TargetKind.AccountOwner));
        var accounts = new[] { new Account { Id = "acc", Domain = "acme.example", Type = "customer", Owner = "b" } };
        var d = new EngineHarness(rules.Build(), accounts).Run(Persons.New(email: "x@sub.acme.example"));
        Assert.Equal(("customer", "b", "acc"), (d.Rule, d.Owner.Name, d.Account?.Id));
    }

    [Fact]
    public void QueueTarget_AlreadyInQueue_Kept()
    {
        var rules = new TestRules();
        var q = rules.Queue("unassigned");
        rules.Route("fallback", Always, ToQueue(q));
        var d = new EngineHarness(rules.Build()).Run(Persons.New(owner: "unassigned"));
        Assert.Equal((DecisionOutcome.Kept, "fallback"), (d.Outcome, d.Rule));
        Assert.Empty(d.Actions);
    }

    [Fact]
    public void RuleSet_HappensBeforeAssign_AndStageChangeMovesStageEnteredAt()
    {
        var rules = new TestRules();
        var q = rules.Queue("unassigned");
        rules.Route("competitor", Always, ToQueue(q), false,
            new FieldAssignment { Field = F("stage"), Value = Value.Of("disqualified") },
            new FieldAssignment { Field = F("recycle_reason"), Value = Value.Of("competitor") });
        var d = new EngineHarness(rules.Build()).Run(Persons.New(stage: Stage.Mql, stageEnteredAt: T.AddDays(-1)));
        Assert.Equal([ActionType.Set, ActionType.Set, ActionType.Assign], d.Actions.Select(a => a.Type));
        Assert.Equal((Stage.Disqualified, "competitor", (DateTimeOffset?)T), (d.Stage, d.RecycleReason, d.StageEnteredAt));
    }

    [Fact]
    public void NoRuleApplies_KeptNoRuleApplied()
    {
        var rules = new TestRules();
        rules.Team("sr", TeamRole.SR, Tokyo, new M("a"));
        rules.Route("jp", Eq("country", "JP"), To(TargetKind.CurrentOwner));
        var d = new EngineHarness(rules.Build()).Run(Persons.New(country: "US"));
        Assert.Equal((DecisionOutcome.Kept, "no_rule_applied", (string?)null), (d.Outcome, d.Because, d.Rule));
        Assert.Equal("when did not hold: country is \"US\", not \"JP\"", d.Why.Rules[0].Because);
    }

    private static RecycleRule NotNow(TaskTemplate? task = null) => new()
    {
        Id = "not-now",
        When = new AllCondition([Eq("stage", "nurture"), Eq("recycle_reason", "timing")]),
        RecheckAfter = TimeSpan.FromDays(90),
        RecheckSet = [new FieldAssignment { Field = F("stage"), Value = Value.Of("mql") }],
        RecheckTask = task,
        NamedReasons = ["timing"],
    };

    [Fact]
    public void RecycleEntry_FiresOncePerStageEntry()
    {
        var rules = new TestRules();
        rules.Recycle(NotNow());
        var h = new EngineHarness(rules.Build());
        var entered = T.AddDays(-10);
        var d = h.Run(Persons.New(stage: Stage.Nurture, recycleReason: "timing", stageEnteredAt: entered));
        Assert.Equal(entered.AddDays(90), d.RecheckAt);
        Assert.Equal("not-now", d.RecycleRule);
        // Evaluated again with recheck_at set after the stage entry: it has fired, nothing changes.
        var again = h.Run(Persons.New(stage: Stage.Nurture, recycleReason: "timing", stageEnteredAt: entered, recheckAt: entered.AddDays(90), recycleRule: "not-now"));
        Assert.Empty(again.Actions);
    }

    [Fact]
    public void RecycleEntry_NearTheLastDate_RecheckHeldAtTheLastInstant_NoThrow()
    {
        var rules = new TestRules();
        rules.Recycle(NotNow());
        var late = new DateTimeOffset(9999, 12, 31, 10, 0, 0, TimeSpan.Zero);
        var d = new EngineHarness(rules.Build()).Engine.Evaluate(
            Persons.New(stage: Stage.Nurture, recycleReason: "timing", stageEnteredAt: late.AddDays(-30)), late, new InMemoryRoutingState(rules.Build()));
        Assert.Equal(DateTimeOffset.MaxValue, d.RecheckAt);
    }

    [Fact]
    public void RecycleFiring_TriggersRouting_EvenWithoutOwnerSetAt()
    {
        // Section 8: "an SLA or recycle rule asks for it". The owner is an active member and owner_set_at is missing,
        // so no other trigger holds; the recycle entry (and, later, its recheck) routes the person anyway.
        var rules = new TestRules();
        rules.Team("sr", TeamRole.SR, Tokyo, new M("a"));
        var pool = rules.Queue("pool");
        rules.Route("recycled", Eq("stage", "nurture"), ToQueue(pool));
        rules.Recycle(new RecycleRule
        {
            Id = "quiet",
            When = Predicate.Compare(F("touches"), PredicateOp.Gte, Value.Of(6)),
            Set = [new FieldAssignment { Field = F("stage"), Value = Value.Of("nurture") }],
            RecheckAfter = TimeSpan.FromDays(60),
        });
        var h = new EngineHarness(rules.Build());
        var d = h.Run(Persons.New(stage: Stage.Working, owner: "a", touches: 6));
        Assert.Equal((DecisionOutcome.Assigned, "pool", "recycled"), (d.Outcome, d.Owner.Name, d.Rule));
        Assert.Equal("recycle rule quiet fired", d.Why.Trigger);

        // Without a recycle firing, the same owned person is kept as owned: the trigger is the firing, not the stage.
        var calm = h.Run(Persons.New(stage: Stage.Working, owner: "a", touches: 1));
        Assert.Equal((DecisionOutcome.Kept, "owned", (string?)null), (calm.Outcome, calm.Because, calm.Rule));

        // A recheck that runs routes too.
        var notNow = new TestRules();
        var sr = notNow.Team("sr", TeamRole.SR, Tokyo, new M("a"), new M("b"));
        notNow.Route("mql", Eq("stage", "mql"), ToTeam(sr, RoutingStrategy.RoundRobin, excludePrevious: true));
        notNow.Recycle(NotNow());
        var rechecked = new EngineHarness(notNow.Build()).Run(Persons.New(stage: Stage.Nurture, recycleReason: "timing", recycleRule: "not-now",
            recheckAt: T.AddDays(-1), owner: "a"));
        Assert.Equal("the recheck of recycle rule not-now ran", rechecked.Why.Trigger);
        Assert.Equal(("b", "mql"), (rechecked.Owner.Name, rechecked.Rule));
    }

    [Fact]
    public void Recheck_Due_AppliesOnRecheckOfRecordedRule_TaskToPreviousOwner_ClearsRecheck()
    {
        var rules = new TestRules();
        rules.Team("sr", TeamRole.SR, Tokyo, new M("a"), new M("b"));
        rules.Recycle(NotNow(new TaskTemplate { Owner = TaskOwnerKind.PreviousOwner, Subject = Text("Recheck"), Due = TimeSpan.FromDays(2) }));
        var p = Persons.New(stage: Stage.Nurture, recycleReason: "timing", recycleRule: "not-now", stageEnteredAt: T.AddDays(-100),
            recheckAt: T.AddDays(-10), owner: "pool", previousOwners: ["a", "b"]);
        var d = new EngineHarness(rules.Build()).Run(p);
        Assert.Equal(Stage.Mql, d.Stage);
        Assert.Null(d.RecheckAt);
        var task = Assert.Single(d.Actions, a => a.Type == ActionType.Task);
        Assert.Equal(("b", "Recheck", (DateTimeOffset?)T.AddDays(2)), (task.Owner, task.Subject, task.Due));
        Assert.Equal(ActionType.Set, d.Actions[^1].Type);
        Assert.Equal(("recheck_at", true), (d.Actions[^1].Field, d.Actions[^1].Value.IsMissing));
    }

    [Fact]
    public void Recheck_WithoutRecycleRule_FindsRuleByReason_UnknownRuleAppliesNothing()
    {
        var rules = new TestRules();
        rules.Recycle(NotNow());
        var h = new EngineHarness(rules.Build());
        var byReason = h.Run(Persons.New(stage: Stage.Nurture, recycleReason: "timing", stageEnteredAt: T.AddDays(-100), recheckAt: T.AddDays(-1)));
        Assert.Equal(Stage.Mql, byReason.Stage);
        var unknown = h.Run(Persons.New(stage: Stage.Nurture, recycleReason: "x", recycleRule: "gone", stageEnteredAt: T.AddDays(-100), recheckAt: T.AddDays(-1)));
        Assert.Equal(Stage.Nurture, unknown.Stage);
        Assert.Null(unknown.RecheckAt);
        Assert.Contains(unknown.Why.Notes, n => n.Contains("'gone' is not in this config", StringComparison.Ordinal));
    }

    [Fact]
    public void RecycleOnEvent_OnlyWithTheEvent()
    {
        var rules = new TestRules();
        rules.Recycle(new RecycleRule
        {
            Id = "closed-lost",
            On = RecycleTrigger.OpportunityLost,
            When = Predicate.Set(F("opportunity.loss_reason"), PredicateOp.In, [Value.Of("timing"), Value.Of("budget")]),
            Set = [new FieldAssignment { Field = F("stage"), Value = Value.Of("nurture") }],
            RecheckAfter = TimeSpan.FromDays(180),
        });
        var h = new EngineHarness(rules.Build());
        var p = Persons.New(stage: Stage.Sql);
        Assert.Equal(Stage.Sql, h.Engine.Evaluate(p, T, h.State).Stage);
        var lost = new RecycleEvent(RecycleEventKind.OpportunityLost, new Opportunity { Id = "o1", LossReason = "budget" });
        var d = h.Engine.Evaluate(p, T, h.State, recycleEvent: lost);
        Assert.Equal((Stage.Nurture, (DateTimeOffset?)T.AddDays(180)), (d.Stage, d.RecheckAt));
        var wrongReason = new RecycleEvent(RecycleEventKind.OpportunityLost, new Opportunity { Id = "o2", LossReason = "competitor" });
        Assert.Equal(Stage.Sql, h.Engine.Evaluate(p, T, h.State, recycleEvent: wrongReason).Stage);
    }

    [Fact]
    public void Recheck_TaskSeesTheAccountsLatestLostOpportunity()
    {
        var rules = new TestRules();
        rules.Team("ae", TeamRole.AE, Tokyo, new M("kenji"));
        rules.Recycle(new RecycleRule
        {
            Id = "closed-lost",
            On = RecycleTrigger.OpportunityLost,
            When = Always,
            RecheckAfter = TimeSpan.FromDays(180),
            RecheckTask = new TaskTemplate
            {
                Owner = TaskOwnerKind.AccountOwner,
                Subject = new Template("Re-engage {account.name}: lost on {opportunity.close_date}",
                    ["Re-engage ", F("account.name"), ": lost on ", F("opportunity.close_date")]),
            },
        });
        var account = new Account { Id = "acc", Name = "Acme", Domain = "acme.example", Owner = "kenji" };
        var lost = new Opportunity { Id = "o1", Account = "acc", IsClosed = true, IsWon = false, CloseDate = new DateTimeOffset(2026, 5, 29, 0, 0, 0, TimeSpan.Zero) };
        var built = rules.Build();
        var engine = new DecisionEngine(built, new AccountMatcher(built, [account]), a => a.Id == "acc" ? lost : null);
        var p = Persons.New(email: "x@acme.example", stage: Stage.Nurture, recycleRule: "closed-lost", stageEnteredAt: T.AddDays(-200), recheckAt: T.AddDays(-1));
        var d = engine.Evaluate(p, T, new InMemoryRoutingState(built));
        var task = Assert.Single(d.Actions, a => a.Type == ActionType.Task);
        Assert.Equal(("kenji", "Re-engage Acme: lost on 2026-05-29"), (task.Owner, task.Subject));
    }

    private static SlaRule FirstTouch(ClockKind clock) => new()
    {
        Id = "first-touch",
        Applies = Eq("stage", "mql"),
        MetWhen = Predicate.Compare(F("touches"), PredicateOp.Gte, Value.Of(1)),
        Within = TimeSpan.FromHours(4),
        Clock = clock,
        OnBreach =
        [
            new SlaBreachAction { Task = new TaskTemplate { Owner = TaskOwnerKind.Owner, Subject = new Template("SLA missed: {person.company}", ["SLA missed: ", F("person.company")]) } },
            new SlaBreachAction { Reassign = true, ExcludePreviousOwners = true, ReassignMax = 2 },
        ],
    };

    [Fact]
    public void Sla_Breached_TaskToOwnerBeforeReassign_ExcludingOwner()
    {
        var rules = new TestRules();
        var team = rules.Team("sr", TeamRole.SR, Tokyo, new M("a"), new M("b"));
        rules.Route("mql", Eq("stage", "mql"), ToTeam(team, RoutingStrategy.RoundRobin));
        rules.Sla(FirstTouch(ClockKind.BusinessHours));
        var friday = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.FromHours(9));
        var p = Persons.New(stage: Stage.Mql, owner: "a", ownerSetAt: friday, stageEnteredAt: friday, company: "Acme");
        var d = new EngineHarness(rules.Build()).Run(p);
        Assert.Equal(SlaState.Breached, d.Why.Sla[0].State);
        Assert.Equal(friday.AddHours(4), d.Why.Sla[0].Deadline);
        Assert.Equal([ActionType.Task, ActionType.Assign], d.Actions.Select(a => a.Type));
        Assert.Equal(("a", "SLA missed: Acme"), (d.Actions[0].Owner, d.Actions[0].Subject));
        Assert.Equal("b", d.Owner.Name);
        Assert.Equal(["first-touch"], d.SlaReassigns);
    }

    [Fact]
    public void Sla_BusinessClock_WeekendDoesNotCount_WallClockDoes()
    {
        var friday = new DateTimeOffset(2026, 11, 27, 16, 0, 0, TimeSpan.FromHours(9));
        var p = Persons.New(stage: Stage.Mql, owner: "a", ownerSetAt: friday, stageEnteredAt: friday);
        foreach (var (clock, expected) in new[] { (ClockKind.BusinessHours, SlaState.Pending), (ClockKind.Wall, SlaState.Breached) })
        {
            var rules = new TestRules();
            var team = rules.Team("sr", TeamRole.SR, Tokyo, new M("a"), new M("b"));
            rules.Route("mql", Always, ToTeam(team, RoutingStrategy.RoundRobin));
            rules.Sla(FirstTouch(clock));
            var d = new EngineHarness(rules.Build()).Run(p, new DateTimeOffset(2026, 11, 30, 10, 30, 0, TimeSpan.FromHours(9)));
            Assert.Equal(expected, d.Why.Sla[0].State);
        }
    }

    [Fact]
    public void Sla_History_BreachHandledAndReassignMax_AreRespected()
    {
        var rules = new TestRules();
        var team = rules.Team("sr", TeamRole.SR, Tokyo, new M("a"), new M("b"));
        rules.Route("mql", Always, ToTeam(team, RoutingStrategy.RoundRobin));
        rules.Sla(FirstTouch(ClockKind.Wall));
        var h = new EngineHarness(rules.Build());
        var p = Persons.New(stage: Stage.Mql, owner: "a", ownerSetAt: T.AddDays(-1), stageEnteredAt: T.AddDays(-1));
        var handled = h.Engine.Evaluate(p, T, h.State, new EvaluationHistory { BreachesHandled = new HashSet<string> { "first-touch" } });
        Assert.Equal((SlaState.AlreadyHandled, "owned"), (handled.Why.Sla[0].State, handled.Because));
        var maxed = h.Engine.Evaluate(p, T, h.State, new EvaluationHistory { Reassigns = new Dictionary<string, int> { ["first-touch"] = 2 } });
        Assert.Equal([ActionType.Task], maxed.Actions.Select(a => a.Type));
        Assert.Equal("a", maxed.Owner.Name);
    }

    [Fact]
    public void Task_OwnerResolvesToNoMember_NotCreated_WhySaysSo()
    {
        var rules = new TestRules();
        rules.Recycle(NotNow(new TaskTemplate { Owner = TaskOwnerKind.AccountOwner, Subject = Text("Re-engage") }));
        var d = new EngineHarness(rules.Build()).Run(Persons.New(stage: Stage.Nurture, recycleReason: "timing", stageEnteredAt: T.AddDays(-100), recheckAt: T.AddDays(-1)));
        Assert.DoesNotContain(d.Actions, a => a.Type == ActionType.Task);
        Assert.Contains(d.Why.Notes, n => n == "task \"Re-engage\" of not-now not created: its owner (account_owner) resolves to no member");
    }

    [Fact]
    public void Evaluate_SameInputsSameDecision()
    {
        var rules = new TestRules();
        var team = rules.Team("sr", TeamRole.SR, Tokyo, new M("a", 3), new M("b", 2), new M("c"));
        rules.Route("all", Always, ToTeam(team, RoutingStrategy.WeightedRoundRobin));
        var built = rules.Build();
        string[] RunOnce()
        {
            var h = new EngineHarness(built);
            return Enumerable.Range(0, 50).Select(i => h.Run(Persons.New(id: "p" + i)).Owner.Name!).ToArray();
        }

        Assert.Equal(RunOnce(), RunOnce());
    }
}

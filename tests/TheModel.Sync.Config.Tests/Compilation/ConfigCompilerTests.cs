using TheModel.Sync.Core.Conditions;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Config.Tests.Compilation;

/// <summary>What the sample config compiles to: the Core model the engine will run.</summary>
public sealed class ConfigCompilerTests
{
    private static readonly LoadedConfig Sample = Load(SampleConfig.Text);

    private static LoadedConfig Load(string text)
    {
        var result = ConfigLoader.LoadFromText([(SampleConfig.FileName, text)]);
        Assert.Equal(string.Empty, string.Join("\n", result.Diagnostics));
        return result.Config!;
    }

    [Fact]
    public void Compile_Teams_KeepOrderIndexesAndDefaults()
    {
        var rules = Sample.Rules;

        Assert.Equal(["sr", "ebr", "ae-ent", "ae-smb"], rules.Teams.Select(t => t.Id));
        Assert.Equal(["aiko", "sato", "tanaka", "kenji", "mei", "ren"], rules.Members.Select(m => m.Id));
        Assert.Equal([0, 1, 2, 3, 4, 5], rules.Members.Select(m => m.Index));
        Assert.Equal([0, 1], rules.FindTeam("sr")!.Members.Select(m => m.Position));
        Assert.Equal([0, 1], rules.FindTeam("ae-ent")!.Members.Select(m => m.Position));
        Assert.Equal(TeamRole.EBR, rules.FindTeam("ebr")!.Role);
        Assert.Equal(TeamRoles.DefaultWorks(TeamRole.EBR), rules.FindTeam("ebr")!.Works);
        Assert.Equal(StageSet.Of([Stage.Mql, Stage.Working]), rules.FindTeam("sr")!.Works);
        Assert.Equal("tokyo", rules.FindTeam("sr")!.Calendar!.Id);
    }

    [Fact]
    public void Compile_Member_ReadsEveryField()
    {
        var aiko = Sample.Rules.FindMember("aiko")!;
        var sato = Sample.Rules.FindMember("sato")!;

        Assert.Equal("0055g00000AbCdEAAV", aiko.SalesforceId);
        Assert.Equal("41234567", aiko.HubSpotId);
        Assert.Equal(2, aiko.Weight);
        Assert.Equal(60, aiko.MaxOpen);
        Assert.Equal("2026-12-28..2027-01-04", Assert.Single(aiko.Away).ToString());
        Assert.True(aiko.Active);
        Assert.Equal(1, sato.Weight);
        Assert.Null(sato.MaxOpen);
        Assert.Null(sato.OwnCalendar);
        Assert.Equal("tokyo", sato.Calendar!.Id);
    }

    [Fact]
    public void Compile_FifteenCharacterSalesforceId_StoredAsEighteen()
    {
        var text = SampleConfig.Text.Replace("salesforce: 0055g00000AbCdEAAV", "salesforce: 0055g00000AbCdE", StringComparison.Ordinal);

        var aiko = Load(text).Rules.FindMember("aiko")!;

        Assert.Equal("0055g00000AbCdEAAV", aiko.SalesforceId);
    }

    [Fact]
    public void Compile_Queues_MergeBothCrmsByKey()
    {
        var queue = Assert.Single(Sample.Rules.Queues);

        Assert.Equal("unassigned", queue.Key);
        Assert.Equal("00G5g000004XyZaEAK", queue.SalesforceId);
        Assert.Equal("90001", queue.HubSpotId);
        Assert.Equal(OwnerKind.Queue, Sample.Rules.ResolveOwner("90001").Kind);
    }

    [Fact]
    public void Compile_Crm_StagesFieldsAndPersonObject()
    {
        var salesforce = Sample.Rules.Crms.Single(c => c.Crm == CrmKind.Salesforce);
        var hubspot = Sample.Rules.Crms.Single(c => c.Crm == CrmKind.HubSpot);

        Assert.Equal("Lead", salesforce.PersonObject);
        Assert.Equal(6, salesforce.Stages.Count);
        Assert.False(salesforce.CanWrite(Stage.Customer));
        Assert.True(hubspot.CanWrite(Stage.Customer));
        Assert.Equal("Intent_Topic__c", salesforce.Fields["fields.intent"]);
        Assert.Equal(Stage.Working, hubspot.ReadStage(f => f == "lifecyclestage" ? "marketingqualifiedlead" : "IN_PROGRESS"));
    }

    [Fact]
    public void Compile_Lists_DomainsAndBuiltin()
    {
        var abm = Sample.Rules.Lists.Single(l => l.Id == "abm-tier1");
        var freeMail = Sample.Rules.Lists.Single(l => l.Id == "free-mail");

        Assert.True(abm.Contains("jp.bigco.example"));
        Assert.False(abm.Contains("rival.example"));
        Assert.True(freeMail.Contains("gmail.com"));
        Assert.Same(freeMail, Sample.Rules.Matching.IgnoreDomains);
    }

    [Fact]
    public void Compile_Matching_ReadsStrategiesAndTieBreaks()
    {
        var matching = Sample.Rules.Matching;

        Assert.Equal([MatchStrategy.Domain, MatchStrategy.CompanyName], matching.Strategies);
        Assert.Equal(0.9, matching.MinSimilarity);
        Assert.Equal([TieBreak.CustomerFirst, TieBreak.MostEmployees, TieBreak.Oldest], matching.TieBreaks);
    }

    [Fact]
    public void Compile_NoMatchingSection_UsesDefaults()
    {
        var matching = Load(SampleConfig.WithSection("matching", string.Empty)).Rules.Matching;

        Assert.Equal([MatchStrategy.Domain, MatchStrategy.CompanyName], matching.Strategies);
        Assert.Equal(0.9, matching.MinSimilarity);
        Assert.Empty(matching.TieBreaks);
        Assert.Null(matching.IgnoreDomains);
    }

    [Fact]
    public void Compile_Segments_EvaluateAsWritten()
    {
        var segments = Sample.Rules.Segments;
        var person = new Person { Id = "p1", Employees = 5000 };
        var scope = new EvaluationScope(person, new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.FromHours(9)));

        Assert.Equal(["enterprise", "mid-market", "smb"], segments.Select(s => s.Id));
        Assert.True(segments[0].When.Holds(scope));
        Assert.False(segments[1].When.Holds(scope));
        Assert.True(segments[2].When.IsAlways);
    }

    [Fact]
    public void Compile_Scoring_RulesDecayAndMql()
    {
        var scoring = Sample.Rules.Scoring;
        var demo = Assert.Single(scoring.Engagement);

        Assert.Equal(["big-company", "target-country", "free-mail"], scoring.Fit.Select(r => r.Id));
        Assert.Equal([30.0, 10.0, -20.0], scoring.Fit.Select(r => r.Points));
        Assert.Equal("fields.last_form_at", demo.Decay!.From.Path);
        Assert.Equal(TimeSpan.FromDays(14), demo.Decay.HalfLife);
        Assert.NotNull(scoring.Mql);
    }

    [Fact]
    public void Compile_Routing_TargetsAndStrategies()
    {
        var routing = Sample.Rules.Routing;
        var sticky = routing.Single(r => r.Id == "target-accounts").Assign;
        var competitors = routing.Single(r => r.Id == "competitors");

        Assert.Equal(
            ["customer-contact", "target-accounts", "inbound-mql", "sql-enterprise", "sql-other", "competitors", "fallback"],
            routing.Select(r => r.Id));
        Assert.Equal(Enumerable.Range(0, 7), routing.Select(r => r.Index));
        Assert.Equal(TargetKind.AccountOwner, routing[0].Assign.Kind);
        Assert.Equal((TargetKind.Team, RoutingStrategy.Sticky, RoutingStrategy.RoundRobin, "ebr"), (sticky.Kind, sticky.Strategy, sticky.Then, sticky.Team!.Id));
        Assert.Equal(RoutingStrategy.LeastLoaded, routing.Single(r => r.Id == "sql-enterprise").Assign.Strategy);
        Assert.Equal((TargetKind.Queue, "unassigned"), (competitors.Assign.Kind, competitors.Assign.Queue!.Key));
        Assert.Equal(["stage=\"disqualified\"", "recycle_reason=\"competitor\""], competitors.Set.Select(s => $"{s.Field.Path}={s.Value}"));
    }

    [Fact]
    public void Compile_Sla_ClockTaskAndReassign()
    {
        var sla = Assert.Single(Sample.Rules.Slas);

        Assert.Equal(("sr-first-touch", TimeSpan.FromHours(4), ClockKind.BusinessHours), (sla.Id, sla.Within, sla.Clock));
        Assert.Equal(2, sla.OnBreach.Count);
        var task = sla.OnBreach[0].Task!;
        Assert.Equal(TaskOwnerKind.Owner, task.Owner);
        Assert.Equal("SLA missed: first touch for ", task.Subject.Parts[0]);
        Assert.Equal("person.company", Assert.IsType<FieldRef>(task.Subject.Parts[1]).Path);
        Assert.Equal((true, true, 2), (sla.OnBreach[1].Reassign, sla.OnBreach[1].ExcludePreviousOwners, sla.OnBreach[1].ReassignMax));
    }

    [Fact]
    public void Compile_Recycle_TriggersReasonsAndRecheck()
    {
        var recycle = Sample.Rules.Recycle;
        var notNow = recycle.Single(r => r.Id == "not-now");
        var noResponse = recycle.Single(r => r.Id == "no-response");
        var lost = recycle.Single(r => r.Id == "closed-lost");
        var churned = recycle.Single(r => r.Id == "churned");

        Assert.Equal(["timing"], notNow.NamedReasons);
        Assert.Equal(["no_response"], noResponse.NamedReasons);
        Assert.Empty(lost.NamedReasons); // it compares opportunity.loss_reason, not recycle_reason
        Assert.Equal(TimeSpan.FromDays(90), notNow.RecheckAfter);
        Assert.Equal("stage=\"mql\"", $"{Assert.Single(notNow.RecheckSet).Field.Path}={notNow.RecheckSet[0].Value}");
        Assert.Equal((TaskOwnerKind.PreviousOwner, TimeSpan.FromDays(2)), (notNow.RecheckTask!.Owner, notNow.RecheckTask.Due!.Value));
        Assert.Equal(RecycleTrigger.OpportunityLost, lost.On);
        Assert.Equal("opportunity.close_date", lost.RecheckTask!.Subject.Parts.OfType<FieldRef>().Last().Path);
        Assert.Equal(RecycleTrigger.AccountChurned, churned.On);
        Assert.True(churned.When.IsAlways);
        Assert.Null(churned.RecheckTask!.Due);
    }

    [Fact]
    public void Compile_Tests_PersonsAndExpectations()
    {
        var first = Sample.Tests[0];
        var second = Sample.Tests[1];

        Assert.Equal("enterprise SQL goes to an enterprise AE", first.Name);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.FromHours(9)), first.At);
        Assert.Equal((5000.0, Stage.Sql, "inbound"), (first.Person.Employees!.Value, first.Person.Stage!.Value, first.Person.Source!));
        Assert.Equal(["rule: sql-enterprise", "team: ae-ent"], first.Expect.Select(e => e.ToString()));
        Assert.Equal("config/routing.yaml", first.Position.File);
        Assert.Null(second.At);
        Assert.Equal(Value.Of(false), Assert.Single(second.Expect).Expected);
    }

    [Fact]
    public void Compile_Version_IsSha256OfTheFiles()
    {
        Assert.Matches("^sha256:[0-9a-f]{64}$", Sample.Version);
        Assert.Equal(Sample.Version, Sample.Rules.Version);
        Assert.Equal(Sample.Version, Load(SampleConfig.Text).Version);
        Assert.NotEqual(Sample.Version, Load(SampleConfig.Text + "\n").Version);
        Assert.Equal([SampleConfig.FileName], Sample.Files);
    }

    [Fact]
    public void Compile_Conditions_ScalarIsEqualityAndListIsMembership()
    {
        var rule = Sample.Rules.Routing.Single(r => r.Id == "target-accounts");
        var all = Assert.IsType<AllCondition>(rule.When);
        var stage = all.Items.OfType<Predicate>().Single(p => p.Field.Path == "stage");
        var matched = all.Items.OfType<Predicate>().Single(p => p.Field.Path == "account.matched");

        Assert.Equal(PredicateOp.In, stage.Op);
        Assert.Equal([Value.Of("new"), Value.Of("mql")], stage.Operands);
        Assert.Equal((PredicateOp.Eq, Value.Of(true)), (matched.Op, matched.Operands[0]));
    }
    [Fact]
    public void Compile_Set_RelativeRecheckCustomFieldsAndClearing()
    {
        var text = SampleConfig.Text.Replace(
            "set: { stage: disqualified, recycle_reason: competitor }",
            "set: { stage: disqualified, recycle_reason: competitor, recheck_at: 30d, fields.tier: 2, fields.note: null }",
            StringComparison.Ordinal);

        var set = Load(text).Rules.Routing.Single(r => r.Id == "competitors").Set;

        Assert.Equal(TimeSpan.FromDays(30), set[2].RelativeToNow);
        Assert.Equal(("tier", Value.Of(2.0)), (set[3].Field.CustomName, set[3].Value));
        Assert.True(set[4].Value.IsMissing);
    }

    [Fact]
    public void Compile_RecheckAtTimestamp_IsAnInstant()
    {
        var text = SampleConfig.Text.Replace(
            "set: { stage: nurture, recycle_reason: no_response }",
            "set: { stage: nurture, recycle_reason: no_response, recheck_at: 2027-01-05 }",
            StringComparison.Ordinal);

        var set = Load(text).Rules.Recycle.Single(r => r.Id == "no-response").Set;

        Assert.Null(set[2].RelativeToNow);
        Assert.Equal(Value.Of(new DateTimeOffset(2027, 1, 5, 0, 0, 0, TimeSpan.Zero)), set[2].Value);
    }
}

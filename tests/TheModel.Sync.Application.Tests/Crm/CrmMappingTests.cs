using TheModel.Sync.Application.Crm;
using TheModel.Sync.Application.Tests.Support;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Application.Tests.Crm;

public sealed class CrmMappingTests
{
    private static readonly RuleSet Rules = Configs.Sample();

    private static CrmMapping Mapping(CrmKind crm) => Rules.Crms.Single(c => c.Crm == crm);

    private static CrmSchema Schema(CrmKind crm) => CrmSchema.For(Mapping(crm));

    private static CrmRecord Record(string id, params (string Field, string? Value)[] fields) =>
        new(id, fields.ToDictionary(f => f.Field, f => f.Value), DateTimeOffset.UnixEpoch);

    [Fact]
    public void TryPerson_SalesforceLead_MapsFieldsStageAndOwner()
    {
        var record = Record(
            "00Q000000000001AAA",
            ("Email", "kenta@newco.example"),
            ("Company", "NewCo"),
            ("Status", "MQL"),
            ("OwnerId", "0055g00000AbCdA"),
            ("NumberOfEmployees", "50"),
            ("SystemModstamp", "2026-11-30T01:00:00.000+0000"),
            ("Recycle_Reason__c", "not-now"));

        Assert.True(CrmRecordMapper.TryPerson(record, Schema(CrmKind.Salesforce), Mapping(CrmKind.Salesforce), out var person, out var error, out var unmatched), error);

        Assert.Null(unmatched);
        Assert.Equal("00Q000000000001AAA", person!.Id);
        Assert.Equal("salesforce", person.Crm);
        Assert.Equal(Stage.Mql, person.Stage);
        Assert.Equal(50, person.Employees);
        Assert.Equal("not-now", person.RecycleReason);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 1, 0, 0, TimeSpan.Zero), person.UpdatedAt);
        Assert.Equal("aiko", Rules.ResolveOwner(person.Owner).Name);
    }

    [Fact]
    public void TryPerson_HubSpotContactMatchingTwoStages_TakesTheMostSpecific()
    {
        var record = Record("512", ("email", "a@b.example"), ("lifecyclestage", "marketingqualifiedlead"), ("hs_lead_status", "IN_PROGRESS"), ("numemployees", "12"));

        Assert.True(CrmRecordMapper.TryPerson(record, Schema(CrmKind.HubSpot), Mapping(CrmKind.HubSpot), out var person, out var error, out _), error);

        Assert.Equal(Stage.Working, person!.Stage);
        Assert.Equal(12, person.Employees);
    }

    [Fact]
    public void TryPerson_StageValuesMatchingNoMapping_LeavesStageEmptyAndNamesTheValues()
    {
        var record = Record("00Q000000000001AAA", ("Status", "Something Custom"));

        Assert.True(CrmRecordMapper.TryPerson(record, Schema(CrmKind.Salesforce), Mapping(CrmKind.Salesforce), out var person, out _, out var unmatched));

        Assert.Null(person!.Stage);
        Assert.Equal("Status=Something Custom", unmatched);
    }

    [Fact]
    public void TryPerson_ValueThatDoesNotFitItsField_FailsNamingRecordAndField()
    {
        var record = Record("00Q000000000001AAA", ("TheModel_Touches__c", "many"));

        Assert.False(CrmRecordMapper.TryPerson(record, Schema(CrmKind.Salesforce), Mapping(CrmKind.Salesforce), out _, out var error, out _));

        Assert.StartsWith("Lead 00Q000000000001AAA: ", error, StringComparison.Ordinal);
        Assert.Contains("touches", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryAccount_HubSpotCustomerCompany_IsCustomer()
    {
        var record = Record("77", ("name", "BigCo"), ("domain", "bigco.example"), ("type", "PROSPECT"), ("lifecyclestage", "customer"));
        var schema = Schema(CrmKind.HubSpot);

        Assert.True(CrmRecordMapper.TryAccount(record, schema, out var account, out var error), error);

        Assert.Equal("bigco.example", account!.Domain);
    }

    [Theory]
    [InlineData("Customer - Direct", null, "customer")]
    [InlineData("Channel Partner / Reseller", null, "partner")]
    [InlineData("Prospect", null, "prospect")]
    [InlineData("Former Customer", null, "former_customer")]
    [InlineData("PARTNER", null, "partner")]
    [InlineData("PROSPECT", "customer", "customer")]
    [InlineData("Other", null, null)]
    [InlineData(null, null, null)]
    public void AccountType_CrmValues_MapToCanonicalTypes(string? type, string? lifecycle, string? expected) =>
        Assert.Equal(expected, CrmRecordMapper.AccountType(type, lifecycle));

    [Theory]
    [InlineData("2013-05-20T20:49:32.000+0000", "2013-05-20T20:49:32Z")]
    [InlineData("2013-05-20T20:49:32.000-0500", "2013-05-21T01:49:32Z")]
    [InlineData("2024-05-02T09:30:12.345Z", "2024-05-02T09:30:12.345Z")]
    [InlineData("1462216307945", "2016-05-02T19:11:47.945Z")]
    [InlineData("2024-05-02", "2024-05-02T00:00:00Z")]
    public void ParseTime_CrmFormats_ParseToTheInstant(string text, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), CrmRecordMapper.ParseTime(text));

    [Fact]
    public void ParseTime_NotATime_IsNull() => Assert.Null(CrmRecordMapper.ParseTime("soon"));

    private static Decision Assigned(string ownerId, Stage stage)
    {
        var owner = Rules.ResolveOwner(ownerId);
        var at = new DateTimeOffset(2026, 11, 30, 1, 0, 0, TimeSpan.Zero);
        var decision = new Decision { PersonId = "p1", At = at, ConfigVersion = "test" };
        decision.Outcome = DecisionOutcome.Assigned;
        decision.Owner = owner;
        decision.OwnerSetAt = at;
        decision.Stage = stage;
        decision.StageEnteredAt = at;
        decision.Rule = "inbound-mql-jp";
        return decision;
    }

    [Fact]
    public void Plan_AssignmentStageChangeAndTask_WritesOwnerStageAndOneTaskInSalesforceTerms()
    {
        var decision = Assigned("aiko", Stage.Mql);
        decision.Actions.Add(new DecisionAction { Type = ActionType.Set, Rule = "r", Field = "recycle_reason", Value = Value.Of("not-now") });
        decision.Actions.Add(new DecisionAction { Type = ActionType.Task, Rule = "sla-first-touch", Owner = "aiko", Subject = "Call NewCo", Due = decision.At.AddDays(1) });
        var before = new Person { Id = "00Q000000000001AAA", Stage = Stage.New };

        var write = CrmWritePlanner.Plan(decision, before, Schema(CrmKind.Salesforce), Mapping(CrmKind.Salesforce), before.Id, null, "evt-1");

        Assert.Empty(write.Skipped);
        var fields = write.Update!.Fields;
        Assert.Equal("0055g00000AbCdAAAV", fields["OwnerId"]);
        Assert.Equal("MQL", fields["Status"]);
        Assert.Equal("not-now", fields["Recycle_Reason__c"]);
        Assert.Equal("2026-11-30T01:00:00.000Z", fields["TheModel_Owner_Set_At__c"]);
        Assert.Equal("2026-11-30T01:00:00.000Z", fields["TheModel_Stage_Entered_At__c"]);
        var task = Assert.Single(write.Tasks);
        Assert.Equal("0055g00000AbCdAAAV", task.OwnerId);
        Assert.Equal("Call NewCo", task.Subject);
        Assert.Equal(before.Id, task.PersonId);
        Assert.Equal(CrmWritePlanner.TaskKey("evt-1", before.Id, "sla-first-touch", 0), task.Key);
    }

    [Fact]
    public void Plan_HubSpotStageWithTwoFields_WritesBothAndTheHubSpotOwnerId()
    {
        var decision = Assigned("emma", Stage.Working);
        var before = new Person { Id = "512", Stage = Stage.Mql };

        var write = CrmWritePlanner.Plan(decision, before, Schema(CrmKind.HubSpot), Mapping(CrmKind.HubSpot), "512", null, "evt-2");

        Assert.Equal("41234570", write.Update!.Fields["hubspot_owner_id"]);
        Assert.Equal("marketingqualifiedlead", write.Update.Fields["lifecyclestage"]);
        Assert.Equal("IN_PROGRESS", write.Update.Fields["hs_lead_status"]);
    }

    [Fact]
    public void Plan_KeptOwnerSameStage_PlansNothing()
    {
        var decision = new Decision { PersonId = "p1", At = DateTimeOffset.UnixEpoch, ConfigVersion = "test" };
        decision.Stage = Stage.Mql;

        var write = CrmWritePlanner.Plan(decision, new Person { Id = "p1", Stage = Stage.Mql }, Schema(CrmKind.HubSpot), Mapping(CrmKind.HubSpot), "512", null, "evt-3");

        Assert.True(write.IsEmpty);
    }

    [Fact]
    public void Plan_StageWithoutMapping_IsSkippedAndNamed()
    {
        var decision = Assigned("aiko", Stage.Customer);

        var write = CrmWritePlanner.Plan(decision, new Person { Id = "p1" }, Schema(CrmKind.Salesforce), Mapping(CrmKind.Salesforce), "00Q000000000001AAA", null, "evt-4");

        Assert.Contains("stage customer: not mapped for Salesforce", write.Skipped);
        Assert.False(write.Update!.Fields.ContainsKey("Status"));
    }

    [Fact]
    public void TaskKey_DiffersByBasePersonRuleAndIndex_AndIsStable()
    {
        var key = CrmWritePlanner.TaskKey("e", "p", "r", 0);

        Assert.Equal(key, CrmWritePlanner.TaskKey("e", "p", "r", 0));
        Assert.Equal(27, key.Length);
        Assert.Equal(5, new[] { key, CrmWritePlanner.TaskKey("e2", "p", "r", 0), CrmWritePlanner.TaskKey("e", "p2", "r", 0), CrmWritePlanner.TaskKey("e", "p", "r2", 0), CrmWritePlanner.TaskKey("e", "p", "r", 1) }.Distinct().Count());
    }

    [Fact]
    public void Plan_TaskForAnInactiveMember_IsSkippedAndNamed()
    {
        var decision = Assigned("aiko", Stage.Mql);
        decision.Actions.Add(new DecisionAction { Type = ActionType.Task, Rule = "sla", Owner = "olivia", Subject = "Call", Due = decision.At });
        var before = new Person { Id = "00Q000000000001AAA", Stage = Stage.New, Owner = "olivia" };
        decision.OwnerBefore = Rules.ResolveOwner("olivia");

        var write = CrmWritePlanner.Plan(decision, before, Schema(CrmKind.Salesforce), Mapping(CrmKind.Salesforce), before.Id, null, "evt-5");

        Assert.Empty(write.Tasks);
        Assert.Contains("task 'Call': owner olivia is inactive", write.Skipped);
    }
}

using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Salesforce.Tests.Connector;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace TheModel.Sync.Salesforce.Tests.Writing;

/// <remarks>
/// Write-back against WireMock: only differences are sent; updates and task upserts travel as sObject Collections,
/// five to a Composite (1,000 records per API call); every SaveResult goes back to its item; row locks and other
/// transient per-record errors are re-packed and retried after a back-off on the fake clock; permanent errors are
/// rejected with Salesforce's code and message; whole-call failures fail their items.
/// </remarks>
public sealed class SalesforceWriteTests
{
    private const string CollectionsPath = SalesforceHarness.DataPath + "/composite/sobjects";
    private const string UpsertPath = SalesforceHarness.DataPath + "/composite/sobjects/Task/TheModel_Key__c";
    private const string CompositePath = SalesforceHarness.DataPath + "/composite";
    private const string ServerUnavailable = """[{"message":"Server unavailable","errorCode":"SERVER_UNAVAILABLE"}]""";
    private static readonly DateTimeOffset Due = new(2026, 1, 7, 9, 0, 0, TimeSpan.FromHours(9));
    private static readonly string Owner = SalesforceIds.To18("005000000000001");
    private static readonly string Opportunity = SalesforceIds.To18("006000000000001");

    [Fact]
    public async Task Write_EveryKnownValueAlreadyWanted_MakesNoCallAtAll()
    {
        await using var h = SalesforceHarness.Start();
        var plan = new WritePlan(
            [
                Update("k1", LeadId(1), new() { ["OwnerId"] = Owner, ["Status"] = "Working" }, new() { ["OwnerId"] = Owner[..15], ["Status"] = "Working" }),
                Update("k2", LeadId(2), new() { ["TheModel_Recheck_At__c"] = "2026-02-01T00:00:00Z" }, new() { ["TheModel_Recheck_At__c"] = "2026-02-01T09:00:00.000+0900" }),
                Update("k3", LeadId(3), new() { ["TheModel_Recycle_Reason__c"] = "" }, new() { ["TheModel_Recycle_Reason__c"] = null }),
            ],
            []);

        var outcomes = await h.Connector.WriteAsync(plan, CancellationToken.None);

        Assert.Equal(
            [new WriteOutcome("k1", WriteStatus.Unchanged), new WriteOutcome("k2", WriteStatus.Unchanged), new WriteOutcome("k3", WriteStatus.Unchanged)],
            outcomes);
        Assert.Empty(h.Server.LogEntries);
    }

    [Fact]
    public async Task Write_OneUpdate_PatchesOnlyTheDifferencesWithAutoAssignOff()
    {
        await using var h = SalesforceHarness.Start();
        h.StubToken();
        StubCollections(h);
        var plan = new WritePlan(
            [Update("k1", LeadId(1)[..15], new() { ["OwnerId"] = Owner, ["Status"] = "Working", ["TheModel_Touches__c"] = "3" }, new() { ["Status"] = "Working", ["TheModel_Touches__c"] = "2" })],
            []);

        var outcomes = await h.Connector.WriteAsync(plan, CancellationToken.None);

        Assert.Equal([new WriteOutcome("k1", WriteStatus.Written)], outcomes);
        var request = Assert.Single(h.Requests());
        Assert.Equal("PATCH", request.RequestMessage!.Method);
        Assert.Equal(CollectionsPath, request.RequestMessage.Path);
        Assert.Equal("FALSE", SalesforceHarness.Header(request, "Sforce-Auto-Assign"));
        Assert.Equal("Bearer " + SalesforceHarness.AccessToken, SalesforceHarness.Header(request, "Authorization"));
        Assert.StartsWith("application/json", SalesforceHarness.Header(request, "Content-Type"), StringComparison.Ordinal);
        AssertJson(
            $$"""{"allOrNone":false,"records":[{"attributes":{"type":"Lead"},"Id":"{{LeadId(1)}}","OwnerId":"{{Owner}}","TheModel_Touches__c":"3"}]}""",
            request.RequestMessage.Body!);
    }

    [Fact]
    public async Task Write_UpdateAndTask_OneCompositeWithTwoCollectionsAndHeadersEverywhere()
    {
        await using var h = SalesforceHarness.Start();
        h.StubToken();
        StubComposite(h);
        var plan = new WritePlan(
            [Update("u1", LeadId(1), new() { ["OwnerId"] = Owner, ["TheModel_Recycle_Reason__c"] = null })],
            [new TaskCreate("t1", LeadId(1), AccountId: null, Opportunity, Owner, "Call within 1 day", Due)]);

        var outcomes = await h.Connector.WriteAsync(plan, CancellationToken.None);

        Assert.Equal(
            [new WriteOutcome("u1", WriteStatus.Written), new WriteOutcome("t1", WriteStatus.Written, CrmId: FakeSaveResults.TaskId("t1"))],
            outcomes);
        var request = Assert.Single(h.Requests());
        Assert.Equal("POST", request.RequestMessage!.Method);
        Assert.Equal(CompositePath, request.RequestMessage.Path);
        Assert.Equal("FALSE", SalesforceHarness.Header(request, "Sforce-Auto-Assign"));
        AssertJson(
            $$$"""
            {"allOrNone":false,"collateSubrequests":false,"compositeRequest":[
              {"method":"PATCH","url":"/services/data/v62.0/composite/sobjects","referenceId":"update0",
               "body":{"allOrNone":false,"records":[{"attributes":{"type":"Lead"},"Id":"{{{LeadId(1)}}}","OwnerId":"{{{Owner}}}","TheModel_Recycle_Reason__c":null}]},
               "httpHeaders":{"Sforce-Auto-Assign":"FALSE"}},
              {"method":"PATCH","url":"/services/data/v62.0/composite/sobjects/Task/TheModel_Key__c","referenceId":"taskUpsert1",
               "body":{"allOrNone":false,"records":[{"attributes":{"type":"Task"},"WhoId":"{{{LeadId(1)}}}","OwnerId":"{{{Owner}}}",
                 "Subject":"Call within 1 day","ActivityDate":"2026-01-07","Status":"Not Started","Priority":"Normal","TheModel_Key__c":"t1"}]},
               "httpHeaders":{"Sforce-Auto-Assign":"FALSE"}}]}
            """,
            request.RequestMessage.Body!);
    }

    [Fact]
    public async Task Write_TaskForAContact_CarriesTheOpportunityAsWhatId()
    {
        await using var h = SalesforceHarness.Start(services: s => s.AddSingleton<ICrmSchemaSource>(new ContactSchema()));
        h.StubToken();
        StubUpsert(h);
        var contact = SalesforceIds.To18("003000000000001");
        var plan = new WritePlan([], [new TaskCreate("t1", contact, SalesforceIds.To18("001000000000001"), Opportunity, Owner, "Follow up", Due)]);

        var outcomes = await h.Connector.WriteAsync(plan, CancellationToken.None);

        Assert.Equal([new WriteOutcome("t1", WriteStatus.Written, CrmId: FakeSaveResults.TaskId("t1"))], outcomes);
        var request = Assert.Single(h.Requests());
        Assert.Equal(UpsertPath, request.RequestMessage!.Path);
        Assert.Equal("FALSE", SalesforceHarness.Header(request, "Sforce-Auto-Assign"));
        AssertJson(
            $$"""
            {"allOrNone":false,"records":[{"attributes":{"type":"Task"},"WhoId":"{{contact}}","WhatId":"{{Opportunity}}","OwnerId":"{{Owner}}",
              "Subject":"Follow up","ActivityDate":"2026-01-07","Status":"Not Started","Priority":"Normal","TheModel_Key__c":"t1"}]}
            """,
            request.RequestMessage.Body!);
    }

    [Fact]
    public async Task Write_ThousandUpdates_TravelInOneCompositeOfFiveCollections()
    {
        await using var h = SalesforceHarness.Start();
        h.StubToken();
        StubComposite(h);
        var plan = new WritePlan(Enumerable.Range(1, 1000).Select(i => Update($"k{i}", LeadId(i), new() { ["Status"] = "Working" })).ToList(), []);

        var outcomes = await h.Connector.WriteAsync(plan, CancellationToken.None);

        Assert.All(outcomes, o => Assert.Equal(WriteStatus.Written, o.Status));
        Assert.Equal(plan.Updates.Select(u => u.Key), outcomes.Select(o => o.Key));
        var request = Assert.Single(h.Requests());
        Assert.Equal(CompositePath, request.RequestMessage!.Path);
        var subrequests = JsonNode.Parse(request.RequestMessage.Body!)!["compositeRequest"]!.AsArray();
        Assert.Equal(5, subrequests.Count);
        Assert.All(subrequests, s => Assert.Equal(200, s!["body"]!["records"]!.AsArray().Count));
    }

    [Fact]
    public async Task Write_TenThousandPeopleWithAnUpdateAndATaskEach_TakesTwentyCalls()
    {
        await using var h = SalesforceHarness.Start();
        h.StubToken();
        StubComposite(h);
        var plan = new WritePlan(
            Enumerable.Range(1, 10_000).Select(i => Update($"u{i}", LeadId(i), new() { ["OwnerId"] = Owner, ["Status"] = "Working" })).ToList(),
            Enumerable.Range(1, 10_000).Select(i => new TaskCreate($"t{i}", LeadId(i), null, null, Owner, "Call", Due)).ToList());

        var outcomes = await h.Connector.WriteAsync(plan, CancellationToken.None);

        Assert.Equal(20_000, outcomes.Count);
        Assert.All(outcomes, o => Assert.Equal(WriteStatus.Written, o.Status));
        Assert.Equal(20, h.Requests().Count);
        Assert.All(h.Requests(), r => Assert.Equal(CompositePath, r.RequestMessage!.Path));
        Assert.Equal(20, h.Connector.Budget.CallsMade);
    }

    [Fact]
    public async Task Write_RowLockedOnce_RetriesOnlyThatRecordAfterTheBackOff()
    {
        await using var h = SalesforceHarness.Start();
        h.StubToken();
        var locked = LeadId(2);
        StubComposite(h, fail: r => r["Id"]?.GetValue<string>() == locked ? LockRow(locked) : null);
        StubCollections(h);
        var plan = new WritePlan(
            [Update("k1", LeadId(1), new() { ["Status"] = "Working" }), Update("k2", locked, new() { ["Status"] = "Working" })],
            [new TaskCreate("t1", LeadId(1), null, null, Owner, "Call", Due)]);

        var outcomes = await h.RunWithClockAsync(() => h.Connector.WriteAsync(plan, CancellationToken.None), TimeSpan.FromMilliseconds(250));

        Assert.Equal(
            [new WriteOutcome("k1", WriteStatus.Written), new WriteOutcome("k2", WriteStatus.Written), new WriteOutcome("t1", WriteStatus.Written, CrmId: FakeSaveResults.TaskId("t1"))],
            outcomes);
        var requests = h.Requests();
        Assert.Equal([CompositePath, CollectionsPath], requests.Select(r => r.RequestMessage!.Path));
        AssertJson(
            $$"""{"allOrNone":false,"records":[{"attributes":{"type":"Lead"},"Id":"{{locked}}","Status":"Working"}]}""",
            requests[1].RequestMessage!.Body!);
        Assert.Equal(1, h.Time.TimersCreated(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task Write_RowStaysLocked_FailsAfterWriteAttemptsWithTheLastMessage()
    {
        await using var h = SalesforceHarness.Start((s, _) => s["Salesforce:WriteAttempts"] = "3");
        h.StubToken();
        StubCollections(h, fail: r => LockRow(r["Id"]!.GetValue<string>()));
        var plan = new WritePlan([Update("k1", LeadId(1), new() { ["Status"] = "Working" })], []);

        var outcomes = await h.RunWithClockAsync(() => h.Connector.WriteAsync(plan, CancellationToken.None), TimeSpan.FromMilliseconds(250));

        Assert.Equal(
            [new WriteOutcome("k1", WriteStatus.Failed, $"UNABLE_TO_LOCK_ROW: unable to obtain exclusive access to this record or 1 records: {LeadId(1)}")],
            outcomes);
        Assert.Equal(3, h.Requests().Count);
        Assert.Equal(1, h.Time.TimersCreated(TimeSpan.FromSeconds(1)));
        Assert.Equal(1, h.Time.TimersCreated(TimeSpan.FromSeconds(2)));
    }

    [Theory]
    [InlineData("FIELD_CUSTOM_VALIDATION_EXCEPTION", "Status cannot move back to Open")]
    [InlineData("ENTITY_IS_DELETED", "entity is deleted")]
    [InlineData("INVALID_FIELD", "No such column 'Foo__c' on sobject of type Lead")]
    [InlineData("CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead")]
    public async Task Write_PermanentRecordError_IsRejectedWithCodeAndMessageAndNotRetried(string code, string message)
    {
        await using var h = SalesforceHarness.Start();
        h.StubToken();
        StubCollections(h, fail: r => r["Id"]!.GetValue<string>() == LeadId(2) ? FakeSaveResults.Error(code, message) : null);
        var plan = new WritePlan(
            [Update("k1", LeadId(1), new() { ["Status"] = "Working" }), Update("k2", LeadId(2), new() { ["Status"] = "Working" })],
            []);

        var outcomes = await h.Connector.WriteAsync(plan, CancellationToken.None);

        Assert.Equal(
            [new WriteOutcome("k1", WriteStatus.Written), new WriteOutcome("k2", WriteStatus.Rejected, $"{code}: {message}")],
            outcomes);
        Assert.Single(h.Requests());
    }

    [Fact]
    public async Task Write_AllOrNoneStyleResults_RejectsTheCulpritAndResendsTheRolledBack()
    {
        await using var h = SalesforceHarness.Start();
        h.StubToken();
        h.Server.Given(Request.Create().WithPath(CollectionsPath).UsingPatch())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(req =>
                FakeSaveResults.Collection(req.Body!, r => JsonNode.Parse(req.Body!)!["records"]!.AsArray().Count < 3
                    ? null
                    : r["Id"]!.GetValue<string>() == LeadId(2)
                        ? FakeSaveResults.Error("REQUIRED_FIELD_MISSING", "Required fields are missing: [LastName]")
                        : FakeSaveResults.Error("ALL_OR_NONE_OPERATION_ROLLED_BACK", "Record rolled back because not all records were valid and the request was using AllOrNone header"))));
        var plan = new WritePlan(
            [Update("k1", LeadId(1), new() { ["Status"] = "Working" }), Update("k2", LeadId(2), new() { ["Status"] = "Working" }), Update("k3", LeadId(3), new() { ["Status"] = "Working" })],
            []);

        var outcomes = await h.RunWithClockAsync(() => h.Connector.WriteAsync(plan, CancellationToken.None), TimeSpan.FromMilliseconds(250));

        Assert.Equal(
            [
                new WriteOutcome("k1", WriteStatus.Written),
                new WriteOutcome("k2", WriteStatus.Rejected, "REQUIRED_FIELD_MISSING: Required fields are missing: [LastName]"),
                new WriteOutcome("k3", WriteStatus.Written),
            ],
            outcomes);
        var requests = h.Requests();
        Assert.Equal(2, requests.Count);
        Assert.Equal([LeadId(1), LeadId(3)], JsonNode.Parse(requests[1].RequestMessage!.Body!)!["records"]!.AsArray().Select(r => r!["Id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Write_SubrequestServerError_ResendsThatCollectionsRecordsOnly()
    {
        await using var h = SalesforceHarness.Start();
        h.StubToken();
        StubComposite(h, subrequest: id => id == "taskUpsert1" ? (503, ServerUnavailable) : null);
        StubUpsert(h);
        var plan = new WritePlan(
            [Update("k1", LeadId(1), new() { ["Status"] = "Working" })],
            [new TaskCreate("t1", LeadId(1), null, null, Owner, "Call", Due)]);

        var outcomes = await h.RunWithClockAsync(() => h.Connector.WriteAsync(plan, CancellationToken.None), TimeSpan.FromMilliseconds(250));

        Assert.Equal(
            [new WriteOutcome("k1", WriteStatus.Written), new WriteOutcome("t1", WriteStatus.Written, CrmId: FakeSaveResults.TaskId("t1"))],
            outcomes);
        Assert.Equal([CompositePath, UpsertPath], h.Requests().Select(r => r.RequestMessage!.Path));
    }

    [Fact]
    public async Task Write_SubrequestRefused_RejectsEachOfItsRecords()
    {
        await using var h = SalesforceHarness.Start();
        h.StubToken();
        StubComposite(h, subrequest: id => id == "update0" ? (400, """[{"message":"Json Deserialization failed on token 'x'","errorCode":"JSON_PARSER_ERROR"}]""") : null);
        var plan = new WritePlan(
            [Update("k1", LeadId(1), new() { ["Status"] = "Working" }), Update("k2", LeadId(2), new() { ["Status"] = "Working" })],
            [new TaskCreate("t1", LeadId(1), null, null, Owner, "Call", Due)]);

        var outcomes = await h.Connector.WriteAsync(plan, CancellationToken.None);

        Assert.Equal(
            [
                new WriteOutcome("k1", WriteStatus.Rejected, "JSON_PARSER_ERROR: Json Deserialization failed on token 'x'"),
                new WriteOutcome("k2", WriteStatus.Rejected, "JSON_PARSER_ERROR: Json Deserialization failed on token 'x'"),
                new WriteOutcome("t1", WriteStatus.Written, CrmId: FakeSaveResults.TaskId("t1")),
            ],
            outcomes);
        Assert.Single(h.Requests());
    }

    [Fact]
    public async Task Write_SubrequestHalted_IsSentAgain()
    {
        await using var h = SalesforceHarness.Start();
        h.StubToken();
        StubComposite(h, subrequest: id => id == "update0"
            ? (400, """[{"errorCode":"PROCESSING_HALTED","message":"The transaction was rolled back since another operation in the same transaction failed."}]""")
            : null);
        StubCollections(h);
        var plan = new WritePlan(
            [Update("k1", LeadId(1), new() { ["Status"] = "Working" })],
            [new TaskCreate("t1", LeadId(1), null, null, Owner, "Call", Due)]);

        var outcomes = await h.RunWithClockAsync(() => h.Connector.WriteAsync(plan, CancellationToken.None), TimeSpan.FromMilliseconds(250));

        Assert.All(outcomes, o => Assert.Equal(WriteStatus.Written, o.Status));
        Assert.Equal([CompositePath, CollectionsPath], h.Requests().Select(r => r.RequestMessage!.Path));
    }

    [Fact]
    public async Task Write_AnswerNotTheDocumentedShape_FailsTheItems()
    {
        await using var h = SalesforceHarness.Start();
        h.StubToken();
        h.StubJson("PATCH", CollectionsPath, 200, "<html>maintenance</html>");
        var plan = new WritePlan([Update("k1", LeadId(1), new() { ["Status"] = "Working" })], []);

        var outcome = Assert.Single(await h.Connector.WriteAsync(plan, CancellationToken.None));

        Assert.Equal(WriteStatus.Failed, outcome.Status);
        Assert.StartsWith("Salesforce sObject Collections write answered HTTP 200 with a body that is not the documented shape", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_FewerResultsThanRecords_FailsThatCollection()
    {
        await using var h = SalesforceHarness.Start();
        h.StubToken();
        h.StubJson("PATCH", CollectionsPath, 200, $$"""[{"id":"{{LeadId(1)}}","success":true,"errors":[]}]""");
        var plan = new WritePlan(
            [Update("k1", LeadId(1), new() { ["Status"] = "Working" }), Update("k2", LeadId(2), new() { ["Status"] = "Working" })],
            []);

        var outcomes = await h.Connector.WriteAsync(plan, CancellationToken.None);

        Assert.All(outcomes, o => Assert.Equal(new WriteOutcome(o.Key, WriteStatus.Failed, "Salesforce returned 1 results for 2 records"), o));
    }

    [Fact]
    public async Task Write_ServerUnavailableOnce_IsRetriedBecauseTheWriteIsMarkedIdempotent()
    {
        await using var h = SalesforceHarness.Start();
        h.StubToken();
        h.Server.Given(Request.Create().WithPath(CollectionsPath).UsingPatch())
            .InScenario("flaky").WillSetStateTo("up")
            .RespondWith(SalesforceHarness.Json(503, ServerUnavailable));
        h.Server.Given(Request.Create().WithPath(CollectionsPath).UsingPatch())
            .InScenario("flaky").WhenStateIs("up")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(req => FakeSaveResults.Collection(req.Body!)));
        var plan = new WritePlan([Update("k1", LeadId(1), new() { ["Status"] = "Working" })], []);

        var outcomes = await h.RunWithClockAsync(() => h.Connector.WriteAsync(plan, CancellationToken.None), TimeSpan.FromMilliseconds(250));

        Assert.Equal([new WriteOutcome("k1", WriteStatus.Written)], outcomes);
        var requests = h.Requests();
        Assert.Equal(2, requests.Count);
        Assert.Equal(requests[0].RequestMessage!.Body, requests[1].RequestMessage!.Body);
    }

    [Fact]
    public async Task Write_CompositeKeepsFailing_FailsItsItemsWithTheReasonAfterThePipelineRetries()
    {
        await using var h = SalesforceHarness.Start();
        h.StubToken();
        h.StubJson("POST", CompositePath, 503, ServerUnavailable);
        var plan = new WritePlan(
            [Update("k1", LeadId(1), new() { ["Status"] = "Working" })],
            [new TaskCreate("t1", LeadId(1), null, null, Owner, "Call", Due)]);

        var outcomes = await h.RunWithClockAsync(() => h.Connector.WriteAsync(plan, CancellationToken.None), TimeSpan.FromMilliseconds(500));

        const string reason = "Salesforce Composite write failed with HTTP 503: SERVER_UNAVAILABLE: Server unavailable";
        Assert.Equal([new WriteOutcome("k1", WriteStatus.Failed, reason), new WriteOutcome("t1", WriteStatus.Failed, reason)], outcomes);
        Assert.Equal(4, h.Requests().Count);
    }

    [Fact]
    public async Task Write_MixedObjects_GroupsByTypeButAnswersInPlanOrder()
    {
        await using var h = SalesforceHarness.Start();
        h.StubToken();
        StubCollections(h);
        var account = SalesforceIds.To18("001000000000001");
        var plan = new WritePlan(
            [
                Update("lead1", LeadId(1), new() { ["OwnerId"] = Owner }),
                new RecordUpdate("account", CrmObject.Account, account, new Dictionary<string, string?> { ["OwnerId"] = Owner }),
                Update("lead2", LeadId(2), new() { ["OwnerId"] = Owner }),
            ],
            []);

        var outcomes = await h.Connector.WriteAsync(plan, CancellationToken.None);

        Assert.Equal(["lead1", "account", "lead2"], outcomes.Select(o => o.Key));
        Assert.All(outcomes, o => Assert.Equal(WriteStatus.Written, o.Status));
        var records = JsonNode.Parse(Assert.Single(h.Requests()).RequestMessage!.Body!)!["records"]!.AsArray();
        Assert.Equal([account, LeadId(1), LeadId(2)], records.Select(r => r!["Id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Write_SameRecordTwice_GoesInSeparateCollections()
    {
        await using var h = SalesforceHarness.Start();
        h.StubToken();
        StubComposite(h);
        var plan = new WritePlan(
            [Update("a", LeadId(1), new() { ["OwnerId"] = Owner }), Update("b", LeadId(1)[..15], new() { ["Status"] = "Working" })],
            []);

        var outcomes = await h.Connector.WriteAsync(plan, CancellationToken.None);

        Assert.All(outcomes, o => Assert.Equal(WriteStatus.Written, o.Status));
        var subrequests = JsonNode.Parse(Assert.Single(h.Requests()).RequestMessage!.Body!)!["compositeRequest"]!.AsArray();
        Assert.Equal([1, 1], subrequests.Select(s => s!["body"]!["records"]!.AsArray().Count));
    }

    [Fact]
    public async Task Write_BadIdOrKey_IsRejectedWithoutACall()
    {
        await using var h = SalesforceHarness.Start();
        var plan = new WritePlan(
            [Update("k1", "00Qnot-an-id", new() { ["Status"] = "Working" })],
            [new TaskCreate(" ", LeadId(1), null, null, Owner, "Call", Due)]);

        var outcomes = await h.Connector.WriteAsync(plan, CancellationToken.None);

        Assert.Equal(
            [
                new WriteOutcome("k1", WriteStatus.Rejected, "MALFORMED_ID: '00Qnot-an-id' is not a 15- or 18-character Salesforce id"),
                new WriteOutcome(" ", WriteStatus.Rejected, "MISSING_KEY: a task needs an idempotency key"),
            ],
            outcomes);
        Assert.Empty(h.Server.LogEntries);
    }

    [Fact]
    public async Task Write_EmptyPlan_ReturnsNothingAndCallsNothing()
    {
        await using var h = SalesforceHarness.Start();

        Assert.Empty(await h.Connector.WriteAsync(WritePlan.Empty, CancellationToken.None));
        Assert.Empty(h.Server.LogEntries);
    }

    internal static string LeadId(int n) => SalesforceIds.To18("00Q" + n.ToString("D12", CultureInfo.InvariantCulture));

    private static RecordUpdate Update(string key, string id, Dictionary<string, string?> fields, Dictionary<string, string?>? known = null) =>
        new(key, CrmObject.Person, id, fields, known);

    private static string LockRow(string id) =>
        FakeSaveResults.Error("UNABLE_TO_LOCK_ROW", $"unable to obtain exclusive access to this record or 1 records: {id}");

    private static void StubCollections(SalesforceHarness h, Func<JsonObject, string?>? fail = null) =>
        h.Server.Given(Request.Create().WithPath(CollectionsPath).UsingPatch())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithHeader("Sforce-Limit-Info", "api-usage=10/100000")
                .WithBody(req => FakeSaveResults.Collection(req.Body!, fail)));

    private static void StubUpsert(SalesforceHarness h) =>
        h.Server.Given(Request.Create().WithPath(UpsertPath).UsingPatch())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody(req => FakeSaveResults.Collection(req.Body!)));

    private static void StubComposite(SalesforceHarness h, Func<JsonObject, string?>? fail = null, Func<string, (int Status, string Body)?>? subrequest = null) =>
        h.Server.Given(Request.Create().WithPath(CompositePath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithHeader("Sforce-Limit-Info", "api-usage=10/100000")
                .WithBody(req => FakeSaveResults.Composite(req.Body!, fail, subrequest)));

    private static void AssertJson(string expected, string actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual)), $"Expected {expected}{Environment.NewLine}but was {actual}");

    private sealed class ContactSchema : ICrmSchemaSource
    {
        private readonly CrmSchema _schema = CrmSchema.For(new CrmMapping { Crm = CrmKind.Salesforce, PersonObject = "Contact" });

        public CrmSchema For(CrmKind crm) => _schema;
    }
}

using System.Globalization;
using System.Text.Json.Nodes;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.HubSpot.Api;
using TheModel.Sync.HubSpot.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace TheModel.Sync.HubSpot.Tests.Writing;

public sealed class HubSpotWriterTests
{
    private const string UpdatePath = "/crm/v3/objects/contacts/batch/update";
    private const string CreatePath = "/crm/v3/objects/tasks/batch/create";
    private const string TaskSearchPath = "/crm/v3/objects/tasks/search";

    private static readonly DateTimeOffset Due = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task WriteAsync_EveryKnownValueEqualsTheWantedOne_ReportsUnchangedWithoutACall()
    {
        await using var host = HubSpotTestHost.Start();
        var plan = new WritePlan(
            [
                Update("k1", "512", Fields(("hubspot_owner_id", "41629779"), ("lifecyclestage", "lead")), Fields(("hubspot_owner_id", "41629779"), ("lifecyclestage", "lead"))),
                Update("k2", "513", Fields(("hs_lead_status", null)), Fields(("hs_lead_status", ""))),
                Update("k3", "514", Fields(("hs_lead_status", "")), Fields(("hs_lead_status", null))),
            ],
            []);

        var outcomes = await host.RunAsync((c, ct) => c.WriteAsync(plan, ct));

        Assert.All(outcomes, o => Assert.Equal(WriteStatus.Unchanged, o.Status));
        Assert.Equal(["k1", "k2", "k3"], outcomes.Select(o => o.Key));
        Assert.Empty(host.Requests());
    }

    [Fact]
    public async Task WriteAsync_Updates_SendOnlyTheDifferencesPerObjectTypeAndReportWrittenInPlanOrder()
    {
        await using var host = HubSpotTestHost.Start();
        host.Server.Given(Request.Create().WithPath(UpdatePath).UsingPost()).RespondWith(Response.Create().WithCallback(EchoUpdate));
        host.Server.Given(Request.Create().WithPath("/crm/v3/objects/companies/batch/update").UsingPost()).RespondWith(Response.Create().WithCallback(EchoUpdate));
        var plan = new WritePlan(
            [
                Update("k1", "512", Fields(("hubspot_owner_id", "41629779"), ("lifecyclestage", "lead")), Fields(("hubspot_owner_id", "100"), ("lifecyclestage", "lead"))),
                new RecordUpdate("k2", CrmObject.Account, "900", Fields(("hubspot_owner_id", "41629779"))),
                Update("k3", "513", Fields(("hs_lead_status", null), ("themodel_recycle_reason", "no_response")), Fields(("hs_lead_status", "OPEN"))),
            ],
            []);

        var outcomes = await host.RunAsync((c, ct) => c.WriteAsync(plan, ct));

        Assert.Equal(["k1", "k2", "k3"], outcomes.Select(o => o.Key));
        Assert.All(outcomes, o => Assert.Equal(WriteStatus.Written, o.Status));
        Assert.Equal(["512", "900", "513"], outcomes.Select(o => o.CrmId));
        var contacts = Assert.Single(host.Requests(UpdatePath));
        Assert.Equal("Bearer " + HubSpotTestHost.Token, contacts.RequestMessage!.Headers!["Authorization"].Single());
        AssertJson(
            """
            {"inputs":[
              {"id":"512","properties":{"hubspot_owner_id":"41629779"}},
              {"id":"513","properties":{"hs_lead_status":"","themodel_recycle_reason":"no_response"}}]}
            """,
            HubSpotTestHost.Body(contacts));
        var companies = Assert.Single(host.Requests("/companies/batch/update"));
        AssertJson("""{"inputs":[{"id":"900","properties":{"hubspot_owner_id":"41629779"}}]}""", HubSpotTestHost.Body(companies));
    }

    [Fact]
    public async Task WriteAsync_TwoUpdatesOfOneRecord_MergeIntoOneInputWithOneOutcomeEach()
    {
        await using var host = HubSpotTestHost.Start();
        host.Server.Given(Request.Create().WithPath(UpdatePath).UsingPost()).RespondWith(Response.Create().WithCallback(EchoUpdate));
        var plan = new WritePlan(
            [Update("owner", "512", Fields(("hubspot_owner_id", "7"))), Update("stage", "512", Fields(("lifecyclestage", "salesqualifiedlead")))],
            []);

        var outcomes = await host.RunAsync((c, ct) => c.WriteAsync(plan, ct));

        Assert.Equal([("owner", WriteStatus.Written), ("stage", WriteStatus.Written)], outcomes.Select(o => (o.Key, o.Status)));
        AssertJson(
            """{"inputs":[{"id":"512","properties":{"hubspot_owner_id":"7","lifecyclestage":"salesqualifiedlead"}}]}""",
            HubSpotTestHost.Body(Assert.Single(host.Requests(UpdatePath))));
    }

    [Fact]
    public async Task WriteAsync_250Updates_SendsBatchesOfAtMost100()
    {
        await using var host = HubSpotTestHost.Start();
        host.Server.Given(Request.Create().WithPath(UpdatePath).UsingPost()).RespondWith(Response.Create().WithCallback(EchoUpdate));
        var plan = new WritePlan([.. Enumerable.Range(1, 250).Select(i => Update($"k{i}", Id(i), Fields(("hubspot_owner_id", "7"))))], []);

        var outcomes = await host.RunAsync((c, ct) => c.WriteAsync(plan, ct));

        Assert.Equal([100, 100, 50], host.Requests(UpdatePath).Select(r => HubSpotTestHost.Body(r)["inputs"]!.AsArray().Count));
        Assert.All(outcomes, o => Assert.Equal(WriteStatus.Written, o.Status));
    }

    [Fact]
    public async Task WriteAsync_BatchUpdateAnswers207_MapsEachErrorBackThroughItsContextIds()
    {
        await using var host = HubSpotTestHost.Start();
        var body = Replies.Batch(
            [Replies.Object("512", ("hubspot_owner_id", "7")), Replies.Object("515", ("hubspot_owner_id", "7"))],
            Replies.Error("OBJECT_NOT_FOUND", "Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid.", "ids", "999"),
            Replies.Error("VALIDATION_ERROR", "Property values were not valid: hubspot_owner_id 1 is not a valid owner id", "ids", "513"),
            Replies.Error("INTERNAL_ERROR", "Something went wrong", "ids", "514"));
        host.Server.Given(Request.Create().WithPath(UpdatePath).UsingPost()).RespondWith(Replies.JsonResponse(207, body));
        var plan = new WritePlan([.. new[] { "512", "999", "513", "514", "515" }.Select(id => Update("k" + id, id, Fields(("hubspot_owner_id", "7"))))], []);

        var outcomes = await host.RunAsync((c, ct) => c.WriteAsync(plan, ct));

        Assert.Equal(
            [
                new WriteOutcome("k512", WriteStatus.Written, null, "512"),
                new WriteOutcome("k999", WriteStatus.Rejected, "OBJECT_NOT_FOUND: Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid.", "999"),
                new WriteOutcome("k513", WriteStatus.Rejected, "VALIDATION_ERROR: Property values were not valid: hubspot_owner_id 1 is not a valid owner id", "513"),
                new WriteOutcome("k514", WriteStatus.Failed, "INTERNAL_ERROR: Something went wrong", "514"),
                new WriteOutcome("k515", WriteStatus.Written, null, "515"),
            ],
            outcomes);
        Assert.Single(host.Requests(UpdatePath));
        Assert.Single(host.Logs.Messages(4106));
    }

    [Fact]
    public async Task WriteAsync_WholeBatchRefused_SplitsUntilTheRefusedInputIsAlone()
    {
        await using var host = HubSpotTestHost.Start();
        host.Server.Given(Request.Create().WithPath(UpdatePath).UsingPost()).RespondWith(Response.Create().WithCallback(request =>
            request.Body!.Contains("\"13\"", StringComparison.Ordinal)
                ? Replies.Json(400, """{"status":"error","message":"Property values were not valid","errors":[{"message":"13 is not a valid email","in":"email"}],"category":"VALIDATION_ERROR","correlationId":"a43683b0-5717-4ceb-80b4-104d02915d8c"}""")
                : EchoUpdate(request)));
        var plan = new WritePlan([.. new[] { "11", "12", "13", "14" }.Select(id => Update("k" + id, id, Fields(("email", id))))], []);

        var outcomes = await host.RunAsync((c, ct) => c.WriteAsync(plan, ct));

        Assert.Equal(
            [WriteStatus.Written, WriteStatus.Written, WriteStatus.Rejected, WriteStatus.Written],
            outcomes.Select(o => o.Status));
        Assert.Equal(
            "HubSpot batch/update of contacts failed: 400 VALIDATION_ERROR: Property values were not valid / 13 is not a valid email (correlation id a43683b0-5717-4ceb-80b4-104d02915d8c)",
            outcomes[2].Error);
        Assert.Equal([4, 2, 2, 1, 1], host.Requests(UpdatePath).Select(r => HubSpotTestHost.Body(r)["inputs"]!.AsArray().Count));
    }

    [Fact]
    public async Task WriteAsync_BatchUpdateKeepsFailingWith5xx_RetriesThenReportsFailed()
    {
        await using var host = HubSpotTestHost.Start();
        host.Server.Given(Request.Create().WithPath(UpdatePath).UsingPost()).RespondWith(Replies.JsonResponse(503, """{"status":"error","message":"Service unavailable","category":"SERVICE_UNAVAILABLE","correlationId":"x"}"""));
        var plan = new WritePlan([Update("k1", "512", Fields(("hubspot_owner_id", "7")))], []);

        var outcomes = await host.RunAsync((c, ct) => c.WriteAsync(plan, ct));

        var outcome = Assert.Single(outcomes);
        Assert.Equal(WriteStatus.Failed, outcome.Status);
        Assert.Equal("HubSpot batch/update of contacts failed: 503 SERVICE_UNAVAILABLE: Service unavailable (correlation id x)", outcome.Error);
        Assert.Equal(4, host.Requests(UpdatePath).Count);
    }

    [Fact]
    public async Task WriteAsync_InvalidToken_ThrowsInsteadOfReportingOutcomes()
    {
        await using var host = HubSpotTestHost.Start();
        host.Server.Given(Request.Create().WithPath(UpdatePath).UsingPost()).RespondWith(Replies.JsonResponse(401, Replies.Unauthorized));
        var plan = new WritePlan([Update("k1", "512", Fields(("hubspot_owner_id", "7")))], [Task("t1")]);

        var error = await Assert.ThrowsAsync<HubSpotApiException>(() => host.RunAsync((c, ct) => c.WriteAsync(plan, ct)));

        Assert.Equal(401, error.StatusCode);
        Assert.Contains("INVALID_AUTHENTICATION", error.Message, StringComparison.Ordinal);
        Assert.Single(host.Requests());
        Assert.Single(host.Logs.Messages(4111));
    }

    [Fact]
    public async Task WriteAsync_Tasks_SendOneBatchCreateWithTheTaskPropertiesKeyAndInlineAssociations()
    {
        await using var host = HubSpotTestHost.Start();
        host.Server.Given(Request.Create().WithPath(CreatePath).UsingPost()).RespondWith(Response.Create().WithCallback(request => EchoCreate(request, 201)));
        var plan = new WritePlan([], [Task("rule-7:512:1", account: "900", opportunity: "77"), Task("rule-7:513:1", person: "513")]);

        var outcomes = await host.RunAsync((c, ct) => c.WriteAsync(plan, ct));

        Assert.Equal(
            [new WriteOutcome("rule-7:512:1", WriteStatus.Written, null, "5001"), new WriteOutcome("rule-7:513:1", WriteStatus.Written, null, "5002")],
            outcomes);
        var create = Assert.Single(host.Requests(CreatePath));
        Assert.Equal("Bearer " + HubSpotTestHost.Token, create.RequestMessage!.Headers!["Authorization"].Single());
        AssertJson(
            """
            {"inputs":[
              {"properties":{"hs_timestamp":"2026-11-30T09:00:00.000Z","hs_task_subject":"Call the new lead","hs_task_status":"NOT_STARTED",
                             "hs_task_priority":"MEDIUM","hs_task_type":"TODO","hubspot_owner_id":"41629779","themodel_key":"rule-7:512:1"},
               "associations":[
                 {"to":{"id":"512"},"types":[{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":204}]},
                 {"to":{"id":"900"},"types":[{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":192}]},
                 {"to":{"id":"77"},"types":[{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":216}]}],
               "objectWriteTraceId":"rule-7:512:1"},
              {"properties":{"hs_timestamp":"2026-11-30T09:00:00.000Z","hs_task_subject":"Call the new lead","hs_task_status":"NOT_STARTED",
                             "hs_task_priority":"MEDIUM","hs_task_type":"TODO","hubspot_owner_id":"41629779","themodel_key":"rule-7:513:1"},
               "associations":[{"to":{"id":"513"},"types":[{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":204}]}],
               "objectWriteTraceId":"rule-7:513:1"}]}
            """,
            HubSpotTestHost.Body(create));
    }

    [Fact]
    public async Task WriteAsync_TaskAlreadyExists_ReportsWrittenOnceWithTheExistingId()
    {
        await using var host = HubSpotTestHost.Start();
        var body = Replies.Batch(
            [Replies.Object("5001", ("themodel_key", "t1"))],
            Replies.Error("CONFLICT", "Task already exists. Existing ID: 123", "objectWriteTraceId", "t2"),
            Replies.Error("VALIDATION_ERROR", "Property values were not valid: hubspot_owner_id 1 is not a valid owner id", "objectWriteTraceId", "t3"));
        host.Server.Given(Request.Create().WithPath(CreatePath).UsingPost()).RespondWith(Replies.JsonResponse(207, body));
        var plan = new WritePlan([], [Task("t1"), Task("t2"), Task("t3"), Task("t2")]);

        var outcomes = await host.RunAsync((c, ct) => c.WriteAsync(plan, ct));

        Assert.Equal(
            [
                new WriteOutcome("t1", WriteStatus.Written, null, "5001"),
                new WriteOutcome("t2", WriteStatus.Written, null, "123"),
                new WriteOutcome("t3", WriteStatus.Rejected, "VALIDATION_ERROR: Property values were not valid: hubspot_owner_id 1 is not a valid owner id"),
                new WriteOutcome("t2", WriteStatus.Written, null, "123"),
            ],
            outcomes);
        Assert.Equal(3, HubSpotTestHost.Body(Assert.Single(host.Requests(CreatePath)))["inputs"]!.AsArray().Count);
    }

    [Fact]
    public async Task WriteAsync_LoneTaskCreateAnswered409_ReportsWrittenWithTheExistingId()
    {
        await using var host = HubSpotTestHost.Start();
        host.Server.Given(Request.Create().WithPath(CreatePath).UsingPost()).RespondWith(Replies.JsonResponse(
            409, """{"status":"error","message":"Task already exists. Existing ID: 77","correlationId":"1f2e3d4c-5b6a-7980-a1b2-c3d4e5f60718","category":"CONFLICT"}"""));

        var outcomes = await host.RunAsync((c, ct) => c.WriteAsync(new WritePlan([], [Task("t1")]), ct));

        Assert.Equal(new WriteOutcome("t1", WriteStatus.Written, null, "77"), Assert.Single(outcomes));
        Assert.Single(host.Requests(CreatePath));
    }

    [Fact]
    public async Task WriteAsync_TaskCreateLostItsAnswer_RetriesAndCountsTheConflictAsWritten()
    {
        await using var host = HubSpotTestHost.Start();
        host.Server.Given(Request.Create().WithPath(CreatePath).UsingPost()).RespondWith(Response.Create().WithCallback(Replies.Sequence(
            () => Replies.Json(500, """{"status":"error","message":"internal error","category":"INTERNAL_ERROR","correlationId":"y"}"""),
            () => Replies.Json(207, Replies.Batch([], Replies.Error("CONFLICT", "Task already exists. Existing ID: 4242", "objectWriteTraceId", "t1"))))));

        var outcomes = await host.RunAsync((c, ct) => c.WriteAsync(new WritePlan([], [Task("t1")]), ct));

        Assert.Equal(new WriteOutcome("t1", WriteStatus.Written, null, "4242"), Assert.Single(outcomes));
        var attempts = host.Requests(CreatePath);
        Assert.Equal(2, attempts.Count);
        Assert.Equal(attempts[0].RequestMessage!.Body, attempts[1].RequestMessage!.Body);
    }

    [Fact]
    public async Task WriteAsync_TaskCreateOutcomeStaysUnknown_ReconcilesBySearchingTheKeys()
    {
        await using var host = HubSpotTestHost.Start();
        host.Server.Given(Request.Create().WithPath(CreatePath).UsingPost()).RespondWith(Replies.JsonResponse(502, "<html>Bad gateway</html>"));
        var found = new JsonObject { ["total"] = 1, ["results"] = new JsonArray(Replies.Object("6001", ("themodel_key", "t2"))) };
        host.Server.Given(Request.Create().WithPath(TaskSearchPath).UsingPost()).RespondWith(Replies.JsonResponse(200, found.ToJsonString()));

        var outcomes = await host.RunAsync((c, ct) => c.WriteAsync(new WritePlan([], [Task("t1"), Task("t2")]), ct));

        Assert.Equal(
            [
                new WriteOutcome("t1", WriteStatus.Failed, "HubSpot batch/create of tasks failed: 502: <html>Bad gateway</html>"),
                new WriteOutcome("t2", WriteStatus.Written, null, "6001"),
            ],
            outcomes);
        Assert.Equal(4, host.Requests(CreatePath).Count);
        AssertJson(
            """{"filterGroups":[{"filters":[{"propertyName":"themodel_key","operator":"IN","values":["t1","t2"]}]}],"properties":["themodel_key"],"limit":100}""",
            HubSpotTestHost.Body(Assert.Single(host.Requests(TaskSearchPath))));
        Assert.Single(host.Logs.Messages(4107));
    }

    [Fact]
    public async Task WriteAsync_10000PeopleWithOneUpdateAndOneTaskEach_Makes200Calls()
    {
        await using var host = HubSpotTestHost.Start();
        host.Server.Given(Request.Create().WithPath(UpdatePath).UsingPost()).RespondWith(Response.Create().WithCallback(EchoUpdate));
        host.Server.Given(Request.Create().WithPath(CreatePath).UsingPost()).RespondWith(Response.Create().WithCallback(request => EchoCreate(request, 201)));
        var plan = new WritePlan(
            [.. Enumerable.Range(1, 10_000).Select(i => Update($"u{i}", Id(i), Fields(("hubspot_owner_id", "7"), ("lifecyclestage", "lead")), Fields(("lifecyclestage", "lead"))))],
            [.. Enumerable.Range(1, 10_000).Select(i => Task($"t{i}", person: Id(i)))]);

        var outcomes = await host.RunAsync((c, ct) => c.WriteAsync(plan, ct), TimeSpan.FromSeconds(1));

        Assert.Equal(20_000, outcomes.Count);
        Assert.All(outcomes, o => Assert.Equal(WriteStatus.Written, o.Status));
        Assert.Equal(plan.Updates.Select(u => u.Key).Concat(plan.Tasks.Select(t => t.Key)), outcomes.Select(o => o.Key));
        Assert.Equal(100, host.Requests(UpdatePath).Count);
        Assert.Equal(100, host.Requests(CreatePath).Count);
        Assert.Equal(200, host.Requests().Count);
    }

    private static RecordUpdate Update(string key, string id, Dictionary<string, string?> fields, Dictionary<string, string?>? known = null) =>
        new(key, CrmObject.Person, id, fields, known);

    private static TaskCreate Task(string key, string person = "512", string? account = null, string? opportunity = null) =>
        new(key, person, account, opportunity, "41629779", "Call the new lead", Due);

    private static Dictionary<string, string?> Fields(params (string Name, string? Value)[] fields) =>
        fields.ToDictionary(f => f.Name, f => f.Value, StringComparer.Ordinal);

    private static string Id(int i) => (100_000 + i).ToString(CultureInfo.InvariantCulture);

    /// <summary>batch/update answered 200 with every input in <c>results</c>.</summary>
    private static WireMock.IResponseMessage EchoUpdate(WireMock.IRequestMessage request)
    {
        var inputs = JsonNode.Parse(request.Body!)!["inputs"]!.AsArray();
        var results = inputs.Select(i => Replies.Object((string)i!["id"]!, [.. i["properties"]!.AsObject().Select(p => (p.Key, (string?)p.Value))]));
        return Replies.Json(200, Replies.Batch(results));
    }

    /// <summary>batch/create answered with one new task per input, ids from 5001, carrying its <c>themodel_key</c>.</summary>
    private static WireMock.IResponseMessage EchoCreate(WireMock.IRequestMessage request, int status)
    {
        var inputs = JsonNode.Parse(request.Body!)!["inputs"]!.AsArray();
        var results = inputs.Select((input, i) => Replies.Object(
            (5001 + i).ToString(CultureInfo.InvariantCulture),
            ("themodel_key", (string?)input!["properties"]!["themodel_key"])));
        return Replies.Json(status, Replies.Batch(results));
    }

    private static void AssertJson(string expected, JsonNode actual)
    {
        var want = JsonNode.Parse(expected)!;
        Assert.True(JsonNode.DeepEquals(want, actual), $"Expected {want.ToJsonString()}\nActual   {actual.ToJsonString()}");
    }
}

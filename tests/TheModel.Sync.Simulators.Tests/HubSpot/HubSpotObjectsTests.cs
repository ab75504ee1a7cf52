using System.Text.Json.Nodes;
using TheModel.Sync.Simulators.HubSpot;

namespace TheModel.Sync.Simulators.Tests.HubSpot;

public class HubSpotObjectsTests
{
    private const string At = "2026-05-02T09:30:12.345Z";

    [Fact]
    public async Task Create_Contact_Answers201WithStringPropertiesAndClockDates()
    {
        await using var hs = await HubSpotHarness.StartAsync();

        var answer = await hs.PostAsync("crm/v3/objects/contacts", """{"properties":{"email":"Ada@Example.com","firstname":"Ada","annualrevenue":"1000000"}}""");

        Assert.Equal(201, answer.Code);
        var body = answer.Body;
        var id = body["id"]!.GetValue<string>();
        Assert.True(long.TryParse(id, out _), id);
        var properties = body["properties"]!.AsObject();
        Assert.Equal("ada@example.com", properties["email"]!.GetValue<string>());
        Assert.Equal("1000000", properties["annualrevenue"]!.GetValue<string>());
        Assert.Equal(id, properties["hs_object_id"]!.GetValue<string>());
        Assert.Equal(At, properties["createdate"]!.GetValue<string>());
        Assert.Equal(At, properties["lastmodifieddate"]!.GetValue<string>());
        Assert.Equal(At, properties["hs_lastmodifieddate"]!.GetValue<string>());
        Assert.Equal(At, body["createdAt"]!.GetValue<string>());
        Assert.Equal(At, body["updatedAt"]!.GetValue<string>());
        Assert.False(body["archived"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Create_TwoObjects_IdsIncrease()
    {
        await using var hs = await HubSpotHarness.StartAsync();

        var first = long.Parse(hs.Simulator.Create("companies", new Dictionary<string, string?> { ["name"] = "A" }));
        var second = long.Parse(hs.Simulator.Create("deals", new Dictionary<string, string?> { ["dealname"] = "B" }));

        Assert.True(second > first);
    }

    [Fact]
    public async Task Read_DefaultProperties_ReturnsTheTypesDefaultsWithNulls()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var id = hs.CreateContact("a@b.com");

        var answer = await hs.GetAsync($"crm/v3/objects/contacts/{id}");

        Assert.Equal(200, answer.Code);
        var properties = answer.Body["properties"]!.AsObject();
        Assert.Equal(["createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"], properties.Select(p => p.Key).Order());
        Assert.Null(properties["firstname"]);
    }

    [Fact]
    public async Task Read_UnknownPropertyRequested_IsIgnored()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var id = hs.CreateContact("a@b.com", ("lifecyclestage", "lead"));

        var answer = await hs.GetAsync($"crm/v3/objects/contacts/{id}?properties=lifecyclestage,no_such_thing");

        Assert.Equal(200, answer.Code);
        var properties = answer.Body["properties"]!.AsObject();
        Assert.Equal("lead", properties["lifecyclestage"]!.GetValue<string>());
        Assert.False(properties.ContainsKey("no_such_thing"));
    }

    [Fact]
    public async Task Update_UnknownProperty_Answers400PropertyDoesNotExist()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var id = hs.CreateContact("a@b.com");

        var answer = await hs.SendAsync(HttpMethod.Patch, $"crm/v3/objects/contacts/{id}", """{"properties":{"x":"1"}}""");

        Assert.Equal(400, answer.Code);
        Assert.Equal("VALIDATION_ERROR", answer.Body["category"]!.GetValue<string>());
        Assert.Equal(
            """Property values were not valid: [{"isValid":false,"message":"Property \"x\" does not exist","error":"PROPERTY_DOESNT_EXIST","name":"x"}]""",
            answer.Body["message"]!.GetValue<string>());
        Assert.Equal("Property \"x\" does not exist", answer.Body["errors"]![0]!["message"]!.GetValue<string>());
        Assert.True(Guid.TryParse(answer.Body["correlationId"]!.GetValue<string>(), out _));
    }

    [Fact]
    public async Task Update_ThemodelCustomProperty_IsAccepted()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var id = hs.CreateContact("a@b.com");

        var answer = await hs.SendAsync(HttpMethod.Patch, $"crm/v3/objects/contacts/{id}", """{"properties":{"themodel_recycle_reason":"no_response","hubspot_owner_id":"41629779"}}""");

        Assert.Equal(200, answer.Code);
        Assert.Equal("no_response", hs.Simulator.Get("contacts", id)!["themodel_recycle_reason"]);
    }

    [Fact]
    public async Task Update_ChangedValue_MovesModifiedDatesToNow()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var id = hs.CreateContact("a@b.com");
        hs.FakeClock.Advance(TimeSpan.FromMinutes(5));

        await hs.SendAsync(HttpMethod.Patch, $"crm/v3/objects/contacts/{id}", """{"properties":{"lifecyclestage":"lead"}}""");

        var record = hs.Simulator.Get("contacts", id)!;
        Assert.Equal("2026-05-02T09:35:12.345Z", record["lastmodifieddate"]);
        Assert.Equal("2026-05-02T09:35:12.345Z", record["hs_lastmodifieddate"]);
        Assert.Equal(At, record["createdate"]);
    }

    [Fact]
    public async Task Update_ReadOnlyProperty_Answers400()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var id = hs.CreateContact("a@b.com");

        var answer = await hs.SendAsync(HttpMethod.Patch, $"crm/v3/objects/contacts/{id}", """{"properties":{"hs_object_id":"5"}}""");

        Assert.Equal(400, answer.Code);
        Assert.Contains("READ_ONLY_VALUE", answer.Body["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_EmptyString_ClearsTheValue()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var id = hs.CreateContact("a@b.com", ("lifecyclestage", "lead"));

        await hs.SendAsync(HttpMethod.Patch, $"crm/v3/objects/contacts/{id}", """{"properties":{"lifecyclestage":""}}""");

        Assert.Null(hs.Simulator.Get("contacts", id)!["lifecyclestage"]);
    }

    [Fact]
    public async Task Update_DealToClosedWon_DerivesClosedFlags()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var id = hs.Simulator.Create("deals", new Dictionary<string, string?> { ["dealname"] = "D", ["dealstage"] = "qualifiedtobuy" });

        await hs.SendAsync(HttpMethod.Patch, $"crm/v3/objects/deals/{id}", """{"properties":{"dealstage":"closedwon"}}""");

        var deal = hs.Simulator.Get("deals", id)!;
        Assert.Equal("true", deal["hs_is_closed"]);
        Assert.Equal("true", deal["hs_is_closed_won"]);
    }

    [Fact]
    public async Task Archive_ThenRead_Answers404UnlessArchivedTrue()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var id = hs.CreateContact("a@b.com");

        var delete = await hs.SendAsync(HttpMethod.Delete, $"crm/v3/objects/contacts/{id}");
        var read = await hs.GetAsync($"crm/v3/objects/contacts/{id}");
        var archived = await hs.GetAsync($"crm/v3/objects/contacts/{id}?archived=true");

        Assert.Equal(204, delete.Code);
        Assert.Equal(404, read.Code);
        Assert.Equal("Object not found.  objectId are usually numeric.", read.Body["message"]!.GetValue<string>());
        Assert.Equal("OBJECT_NOT_FOUND", read.Body["category"]!.GetValue<string>());
        Assert.Equal(id, read.Body["context"]!["id"]![0]!.GetValue<string>());
        Assert.True(archived.Body["archived"]!.GetValue<bool>());
    }

    [Fact]
    public async Task List_Paging_WalksAllRecordsInIdOrder()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var ids = Enumerable.Range(0, 5).Select(i => hs.CreateContact($"p{i}@x.com")).ToList();

        var seen = new List<string>();
        string? after = null;
        var pages = 0;
        do
        {
            var answer = await hs.GetAsync("crm/v3/objects/contacts?limit=2" + (after is null ? string.Empty : "&after=" + after));
            seen.AddRange(answer.Body["results"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()));
            after = answer.Body["paging"]?["next"]?["after"]?.GetValue<string>();
            pages++;
        }
        while (after is not null);

        Assert.Equal(ids, seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task Create_TaskWithoutTimestamp_Answers400RequiredProperty()
    {
        await using var hs = await HubSpotHarness.StartAsync();

        var answer = await hs.PostAsync("crm/v3/objects/tasks", """{"properties":{"hs_task_subject":"Call"}}""");

        Assert.Equal(400, answer.Code);
        Assert.Equal("Error creating TASK. Some required properties were not set.", answer.Body["message"]!.GetValue<string>());
        Assert.Equal("hs_timestamp", answer.Body["context"]!["properties"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_TaskWithEpochTimestamp_StoresIsoMilliseconds()
    {
        await using var hs = await HubSpotHarness.StartAsync();

        var answer = await hs.PostAsync("crm/v3/objects/tasks", """{"properties":{"hs_timestamp":"1714726800000","hs_task_subject":"Call"}}""");

        Assert.Equal(201, answer.Code);
        Assert.Equal("2024-05-03T09:00:00.000Z", answer.Body["properties"]!["hs_timestamp"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_TaskWithAssociations_LinksBothDirections()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var contact = hs.CreateContact("a@b.com");
        var company = hs.Simulator.Create("companies", new Dictionary<string, string?> { ["name"] = "Acme" });
        var deal = hs.Simulator.Create("deals", new Dictionary<string, string?> { ["dealname"] = "Big" });
        var json = $$"""
            {"properties":{"hs_timestamp":"2024-05-03T09:00:00.000Z","hs_task_subject":"Call new lead","hs_task_status":"NOT_STARTED","hs_task_priority":"HIGH","hubspot_owner_id":"41629779"},
             "associations":[
               {"to":{"id":"{{contact}}"},"types":[{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":204}]},
               {"to":{"id":"{{company}}"},"types":[{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":192}]},
               {"to":{"id":"{{deal}}"},"types":[{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":216}]}]}
            """;

        var answer = await hs.PostAsync("crm/v3/objects/tasks", json);

        Assert.Equal(201, answer.Code);
        var task = answer.Body["id"]!.GetValue<string>();
        Assert.Equal(
            [("contacts", contact, 204), ("companies", company, 192), ("deals", deal, 216)],
            hs.Simulator.AssociationsOf("tasks", task).Select(a => (a.ToType, a.ToId, a.TypeId)));
        Assert.Contains(hs.Simulator.AssociationsOf("contacts", contact), a => a.ToType == "tasks" && a.ToId == task && a.TypeId == 203);
    }

    [Theory]
    [InlineData(279, "Association type 279 (HUBSPOT_DEFINED) is not defined from task.")]
    [InlineData(204, "Cannot associate with contact 999999: it does not exist.")]
    public async Task Create_TaskWithBadAssociation_Answers400(int typeId, string message)
    {
        await using var hs = await HubSpotHarness.StartAsync();

        var answer = await hs.PostAsync("crm/v3/objects/tasks", $$"""
            {"properties":{"hs_timestamp":"2024-05-03T09:00:00Z"},"associations":[{"to":{"id":"999999"},"types":[{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":{{typeId}}}]}]}
            """);

        Assert.Equal(400, answer.Code);
        Assert.Equal(message, answer.Body["message"]!.GetValue<string>());
        Assert.Empty(hs.Simulator.All("tasks"));
    }

    [Fact]
    public async Task Create_TaskWithExistingKey_Answers409Conflict()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var existing = hs.Simulator.Create("tasks", new Dictionary<string, string?> { ["hs_timestamp"] = "2024-05-03T09:00:00Z", ["themodel_key"] = "k1" });

        var answer = await hs.PostAsync("crm/v3/objects/tasks", """{"properties":{"hs_timestamp":"2024-05-03T09:00:00Z","themodel_key":"k1"}}""");

        Assert.Equal(409, answer.Code);
        Assert.Equal("error", answer.Body["status"]!.GetValue<string>());
        Assert.Equal($"Task already exists. Existing ID: {existing}", answer.Body["message"]!.GetValue<string>());
        Assert.Equal("CONFLICT", answer.Body["category"]!.GetValue<string>());
        Assert.True(Guid.TryParse(answer.Body["correlationId"]!.GetValue<string>(), out _));
        Assert.Single(hs.Simulator.All("tasks"));
    }

    [Fact]
    public async Task Create_ContactWithExistingEmailInOtherCase_Answers409()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var existing = hs.CreateContact("ada@example.com");

        var answer = await hs.PostAsync("crm/v3/objects/contacts", """{"properties":{"email":"ADA@example.com"}}""");

        Assert.Equal(409, answer.Code);
        Assert.Equal($"Contact already exists. Existing ID: {existing}", answer.Body["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_KeyOfArchivedTask_IsAllowed()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var old = hs.Simulator.Create("tasks", new Dictionary<string, string?> { ["hs_timestamp"] = "2024-05-03T09:00:00Z", ["themodel_key"] = "k1" });
        hs.Simulator.Archive("tasks", old);

        var answer = await hs.PostAsync("crm/v3/objects/tasks", """{"properties":{"hs_timestamp":"2024-05-03T09:00:00Z","themodel_key":"k1"}}""");

        Assert.Equal(201, answer.Code);
    }

    [Fact]
    public async Task BatchCreate_EveryInputTraced_CreatesOthersAndReports207Conflict()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var existing = hs.Simulator.Create("tasks", new Dictionary<string, string?> { ["hs_timestamp"] = "2024-05-03T09:00:00Z", ["themodel_key"] = "k2" });

        var answer = await hs.PostAsync("crm/v3/objects/tasks/batch/create", """
            {"inputs":[
              {"properties":{"hs_timestamp":"2024-05-03T09:00:00Z","themodel_key":"k1"},"objectWriteTraceId":"t1"},
              {"properties":{"hs_timestamp":"2024-05-03T09:00:00Z","themodel_key":"k2"},"objectWriteTraceId":"t2"},
              {"properties":{"hs_timestamp":"2024-05-03T09:00:00Z","themodel_key":"k3"},"objectWriteTraceId":"t3"}]}
            """);

        Assert.Equal(207, answer.Code);
        var body = answer.Body;
        Assert.Equal("COMPLETE", body["status"]!.GetValue<string>());
        Assert.Equal(1, body["numErrors"]!.GetValue<int>());
        Assert.Equal(["t1", "t3"], body["results"]!.AsArray().Select(r => r!["objectWriteTraceId"]!.GetValue<string>()));
        var error = body["errors"]![0]!.AsObject();
        Assert.Equal("error", error["status"]!.GetValue<string>());
        Assert.Equal("CONFLICT", error["category"]!.GetValue<string>());
        Assert.Equal($"Task already exists. Existing ID: {existing}", error["message"]!.GetValue<string>());
        Assert.Equal("""{"objectWriteTraceId":["t2"],"id":["{{existing}}"]}""".Replace("{{existing}}", existing, StringComparison.Ordinal), error["context"]!.ToJsonString());
        Assert.NotNull(error["errors"]);
        Assert.NotNull(error["links"]);
        Assert.Equal(At, body["startedAt"]!.GetValue<string>());
        Assert.Equal(At, body["completedAt"]!.GetValue<string>());
        Assert.Equal(3, hs.Simulator.All("tasks").Count);
    }

    [Fact]
    public async Task BatchCreate_WithoutTraceIds_Answers409AndCreatesNothing()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var existing = hs.Simulator.Create("tasks", new Dictionary<string, string?> { ["hs_timestamp"] = "2024-05-03T09:00:00Z", ["themodel_key"] = "k2" });

        var answer = await hs.PostAsync("crm/v3/objects/tasks/batch/create", """
            {"inputs":[
              {"properties":{"hs_timestamp":"2024-05-03T09:00:00Z","themodel_key":"k1"},"objectWriteTraceId":"t1"},
              {"properties":{"hs_timestamp":"2024-05-03T09:00:00Z","themodel_key":"k2"}}]}
            """);

        Assert.Equal(409, answer.Code);
        Assert.Equal($"Task already exists. Existing ID: {existing}", answer.Body["message"]!.GetValue<string>());
        Assert.Single(hs.Simulator.All("tasks"));
    }

    [Fact]
    public async Task BatchCreate_AllGood_Answers201WithAssociations()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var contact = hs.CreateContact("a@b.com");

        var answer = await hs.PostAsync("crm/v3/objects/tasks/batch/create", $$"""
            {"inputs":[{"properties":{"hs_timestamp":"2024-05-03T09:00:00Z","themodel_key":"k1"},
                        "associations":[{"to":{"id":"{{contact}}"},"types":[{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":204}]}]}]}
            """);

        Assert.Equal(201, answer.Code);
        Assert.Null(answer.Body["numErrors"]);
        var task = answer.Body["results"]![0]!["id"]!.GetValue<string>();
        Assert.Equal(204, Assert.Single(hs.Simulator.AssociationsOf("tasks", task)).TypeId);
    }

    [Theory]
    [InlineData("create", 100, 201)]
    [InlineData("create", 101, 400)]
    [InlineData("read", 101, 400)]
    [InlineData("update", 101, 400)]
    [InlineData("upsert", 101, 400)]
    [InlineData("archive", 101, 400)]
    public async Task Batch_InputCount_LimitedTo100(string operation, int count, int expected)
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var inputs = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            inputs.Add(operation switch
            {
                "create" => new JsonObject { ["properties"] = new JsonObject { ["firstname"] = $"n{i}" } },
                "upsert" => new JsonObject { ["id"] = $"u{i}@x.com", ["idProperty"] = "email", ["properties"] = new JsonObject() },
                "update" => new JsonObject { ["id"] = $"{i}", ["properties"] = new JsonObject() },
                _ => new JsonObject { ["id"] = $"{i}" },
            });
        }

        var answer = await hs.PostAsync($"crm/v3/objects/contacts/batch/{operation}", new JsonObject { ["inputs"] = inputs }.ToJsonString());

        Assert.Equal(expected, answer.Code);
        if (expected == 400)
        {
            Assert.Equal("VALIDATION_ERROR", answer.Body["category"]!.GetValue<string>());
            Assert.Contains("101", answer.Body["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task BatchRead_UnknownIds_Answers207ObjectNotFound()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var id = hs.CreateContact("a@b.com");

        var answer = await hs.PostAsync("crm/v3/objects/contacts/batch/read", $$"""{"inputs":[{"id":"{{id}}"},{"id":"999"},{"id":"998"}],"properties":["email"]}""");

        Assert.Equal(207, answer.Code);
        Assert.Equal(1, answer.Body["numErrors"]!.GetValue<int>());
        var error = answer.Body["errors"]![0]!;
        Assert.Equal("OBJECT_NOT_FOUND", error["category"]!.GetValue<string>());
        Assert.Equal("""{"ids":["999","998"]}""", error["context"]!.ToJsonString());
        Assert.Equal("a@b.com", answer.Body["results"]![0]!["properties"]!["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task BatchRead_ByEmailIdProperty_FindsTheContact()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var id = hs.CreateContact("a@b.com");

        var answer = await hs.PostAsync("crm/v3/objects/contacts/batch/read", """{"inputs":[{"id":"A@b.com"}],"idProperty":"email","properties":["email"]}""");

        Assert.Equal(200, answer.Code);
        Assert.Equal(id, answer.Body["results"]![0]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task BatchUpdate_BadPropertyAndUnknownId_Answers207AndAppliesTheRest()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var good = hs.CreateContact("a@b.com");
        var bad = hs.CreateContact("c@d.com");

        var answer = await hs.PostAsync("crm/v3/objects/contacts/batch/update", $$$"""
            {"inputs":[{"id":"{{{good}}}","properties":{"lifecyclestage":"lead"}},
                       {"id":"{{{bad}}}","properties":{"nope":"1"}},
                       {"id":"999","properties":{"lifecyclestage":"lead"}}]}
            """);

        Assert.Equal(207, answer.Code);
        Assert.Equal(2, answer.Body["numErrors"]!.GetValue<int>());
        var errors = answer.Body["errors"]!.AsArray();
        Assert.Equal(["OBJECT_NOT_FOUND", "VALIDATION_ERROR"], errors.Select(e => e!["category"]!.GetValue<string>()));
        Assert.Equal(bad, errors[1]!["context"]!["ids"]![0]!.GetValue<string>());
        Assert.Equal("lead", hs.Simulator.Get("contacts", good)!["lifecyclestage"]);
        Assert.Single(answer.Body["results"]!.AsArray());
    }

    [Fact]
    public async Task BatchUpdate_DuplicateIds_Answers400()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var id = hs.CreateContact("a@b.com");

        var answer = await hs.PostAsync("crm/v3/objects/contacts/batch/update", $$$"""{"inputs":[{"id":"{{{id}}}","properties":{}},{"id":"{{{id}}}","properties":{}}]}""");

        Assert.Equal(400, answer.Code);
        Assert.StartsWith("Duplicate IDs found in batch input", answer.Body["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BatchUpsert_ByTaskKey_UpdatesExistingAndCreatesNew()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var existing = hs.Simulator.Create("tasks", new Dictionary<string, string?> { ["hs_timestamp"] = "2024-05-03T09:00:00Z", ["themodel_key"] = "k1" });

        var answer = await hs.PostAsync("crm/v3/objects/tasks/batch/upsert", """
            {"inputs":[{"id":"k1","idProperty":"themodel_key","properties":{"hs_task_subject":"updated"}},
                       {"id":"k2","idProperty":"themodel_key","properties":{"hs_timestamp":"2024-05-03T09:00:00Z","hs_task_subject":"new"}}]}
            """);

        Assert.Equal(200, answer.Code);
        var results = answer.Body["results"]!.AsArray();
        Assert.Equal([false, true], results.Select(r => r!["new"]!.GetValue<bool>()));
        Assert.Equal(existing, results[0]!["id"]!.GetValue<string>());
        Assert.Equal("k2", results[1]!["properties"]!["themodel_key"]!.GetValue<string>());
        Assert.Equal("updated", hs.Simulator.Get("tasks", existing)!["hs_task_subject"]);
    }

    [Fact]
    public async Task BatchArchive_KnownAndUnknownIds_Answers204()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var id = hs.CreateContact("a@b.com");

        var answer = await hs.PostAsync("crm/v3/objects/contacts/batch/archive", $$"""{"inputs":[{"id":"{{id}}"},{"id":"999"}]}""");

        Assert.Equal(204, answer.Code);
        Assert.True(hs.Simulator.Get("contacts", id)!.Archived);
    }

    [Fact]
    public async Task DateVersionedPath_ServesTheSameObjects()
    {
        await using var hs = await HubSpotHarness.StartAsync();

        var created = await hs.PostAsync("crm/objects/2026-03/contacts", """{"properties":{"email":"a@b.com"}}""");
        var read = await hs.GetAsync($"crm/v3/objects/contacts/{created.Body["id"]!.GetValue<string>()}");

        Assert.Equal(201, created.Code);
        Assert.Equal(200, read.Code);
        Assert.Equal(1, hs.Simulator.Counters.CallsByEndpoint["POST /crm/objects/2026-03/contacts"]);
        Assert.Equal(1, hs.Simulator.Counters.CallsByEndpoint["GET /crm/v3/objects/contacts/{id}"]);
    }

    [Fact]
    public async Task UnknownObjectType_Answers400()
    {
        await using var hs = await HubSpotHarness.StartAsync();

        var answer = await hs.GetAsync("crm/v3/objects/widgets");

        Assert.Equal(400, answer.Code);
        Assert.Equal("Unable to infer object type from: widgets", answer.Body["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task MalformedJson_Answers400ValidationError()
    {
        await using var hs = await HubSpotHarness.StartAsync();

        var answer = await hs.PostAsync("crm/v3/objects/contacts", "{\"properties\":");

        Assert.Equal(400, answer.Code);
        Assert.StartsWith("Invalid input JSON", answer.Body["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Seeding_UnknownProperty_ThrowsNamingIt()
    {
        await using var hs = await HubSpotHarness.StartAsync();

        var error = Assert.Throws<ArgumentException>(() => hs.Simulator.Create("contacts", new Dictionary<string, string?> { ["favourite_colour"] = "red" }));

        Assert.Contains("favourite_colour", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Seeding_BackdatedModifiedDate_IsKept()
    {
        await using var hs = await HubSpotHarness.StartAsync();

        var id = hs.Simulator.Create("companies", new Dictionary<string, string?> { ["name"] = "Old", ["hs_lastmodifieddate"] = "2024-01-01T00:00:00Z" });

        var company = hs.Simulator.Get("companies", id)!;
        Assert.Equal("2024-01-01T00:00:00.000Z", company["hs_lastmodifieddate"]);
        Assert.Equal(At, company["createdate"]);
    }

    [Fact]
    public async Task Touch_MovesModifiedDateEvenWithoutChanges()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var id = hs.CreateContact("a@b.com");
        hs.FakeClock.Advance(TimeSpan.FromSeconds(1));

        hs.Simulator.Touch("contacts", id, new Dictionary<string, string?>());

        Assert.Equal("2026-05-02T09:30:13.345Z", hs.Simulator.Get("contacts", id)!["lastmodifieddate"]);
    }
}

using System.Net;
using System.Text.Json.Nodes;

namespace TheModel.Sync.Simulators.Tests.Salesforce;

public sealed class SalesforceRecordTests
{
    [Fact]
    public async Task Post_ValidLead_Answers201WithSaveResultAndStampsWholeSeconds()
    {
        await using var host = await SalesforceTestHost.StartAsync();
        host.Time.Advance(TimeSpan.FromMilliseconds(750));

        var (status, body, response) = await host.SendAsync(HttpMethod.Post, "sobjects/Lead", new JsonObject
        {
            ["LastName"] = "Hopper",
            ["Company"] = "Navy",
            ["NumberOfEmployees"] = 10,
        });

        Assert.Equal(HttpStatusCode.Created, status);
        var id = body!["id"]!.GetValue<string>();
        Assert.Equal($$"""{"id":"{{id}}","success":true,"errors":[]}""", body.ToJsonString());
        Assert.Equal($"/services/data/v62.0/sobjects/Lead/{id}", response.Headers.Location!.ToString());
        var stored = host.Simulator.Get("Lead", id)!;
        Assert.Equal(SalesforceTestHost.Start, stored["SystemModstamp"]);
        Assert.Equal(SalesforceTestHost.Start, stored["CreatedDate"]);
        Assert.Equal("Open - Not Contacted", stored["Status"]);
        Assert.Equal(host.Simulator.IntegrationUserId, stored["OwnerId"]);
        Assert.Equal(host.Simulator.IntegrationUserId, stored["LastModifiedById"]);
        Assert.Equal(10L, stored["NumberOfEmployees"]);
    }

    [Fact]
    public async Task Get_WithFifteenCharacterId_ReturnsTheRecordWithItsEighteenCharacterId()
    {
        await using var host = await SalesforceTestHost.StartAsync();
        var id = host.InsertLead("Lovelace", "Analytical Engines", new() { ["Email"] = "ada@example.com" });

        var (status, body, _) = await host.GetAsync($"sobjects/Lead/{id[..15]}?fields=Id,Email,LastName");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(
            $$"""{"attributes":{"type":"Lead","url":"/services/data/v62.0/sobjects/Lead/{{id}}"},"Id":"{{id}}","Email":"ada@example.com","LastName":"Lovelace"}""",
            body!.ToJsonString());
    }

    [Fact]
    public async Task Get_WithoutFields_ReturnsEveryFieldIncludingNulls()
    {
        await using var host = await SalesforceTestHost.StartAsync();
        var id = host.InsertLead();

        var (_, body, _) = await host.GetAsync($"sobjects/Lead/{id}");

        var record = body!.AsObject();
        Assert.True(record.ContainsKey("Email"));
        Assert.Null(record["Email"]);
        Assert.Equal("Lovelace", record["Name"]!.GetValue<string>());
        Assert.False(record["IsDeleted"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Get_DeletedRecord_Answers404EntityIsDeleted()
    {
        await using var host = await SalesforceTestHost.StartAsync();
        var id = host.InsertLead();
        host.Simulator.Delete("Lead", id);

        var (status, body, _) = await host.GetAsync($"sobjects/Lead/{id}");
        var (patchStatus, patchBody, _) = await host.SendAsync(HttpMethod.Patch, $"sobjects/Lead/{id}", new JsonObject { ["Status"] = "x" });

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("""[{"message":"entity is deleted","errorCode":"ENTITY_IS_DELETED","fields":[]}]""", body!.ToJsonString());
        Assert.Equal(HttpStatusCode.NotFound, patchStatus);
        Assert.Equal("ENTITY_IS_DELETED", patchBody![0]!["errorCode"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_UnknownId_Answers404NotFound()
    {
        await using var host = await SalesforceTestHost.StartAsync();

        var (status, body, _) = await host.GetAsync("sobjects/Lead/00QSm00000009ZZ");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("""[{"message":"The requested resource does not exist","errorCode":"NOT_FOUND"}]""", body!.ToJsonString());
    }

    [Fact]
    public async Task Patch_ChangesFields_Answers204AndMovesSystemModstamp()
    {
        await using var host = await SalesforceTestHost.StartAsync();
        var id = host.InsertLead();
        host.Time.Advance(TimeSpan.FromSeconds(42.4));

        var (status, body, _) = await host.SendAsync(HttpMethod.Patch, $"sobjects/Lead/{id[..15]}", new JsonObject
        {
            ["Status"] = "Working - Contacted",
            ["TheModel_Owner_Set_At__c"] = "2026-03-02T09:30:57.123Z",
            ["TheModel_Touches__c"] = 3,
        });

        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Null(body);
        var stored = host.Simulator.Get("Lead", id)!;
        Assert.Equal("Working - Contacted", stored["Status"]);
        Assert.Equal(SalesforceTestHost.Start.AddSeconds(42), stored["SystemModstamp"]);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 9, 30, 57, 123, TimeSpan.Zero), stored["TheModel_Owner_Set_At__c"]);
        Assert.Equal(3m, stored["TheModel_Touches__c"]);
    }

    [Theory]
    [InlineData("""{"Favourite_Colour":"blue"}""", "INVALID_FIELD", "No such column 'Favourite_Colour' on sobject of type Lead")]
    [InlineData("""{"SystemModstamp":"2026-01-01T00:00:00Z"}""", "INVALID_FIELD_FOR_INSERT_UPDATE", null)]
    [InlineData("""{"LastName":null}""", "REQUIRED_FIELD_MISSING", "Required fields are missing: [LastName]")]
    [InlineData("""{"OwnerId":"nonsense"}""", "MALFORMED_ID", null)]
    [InlineData("""{"OwnerId":"001Sm0000000009"}""", "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id")]
    [InlineData("""{"NumberOfEmployees":"many"}""", "JSON_PARSER_ERROR", null)]
    [InlineData("""{"TheModel_Recheck_At__c":"tomorrow"}""", "JSON_PARSER_ERROR", null)]
    public async Task Patch_InvalidValues_Answers400WithTheErrorArray(string json, string errorCode, string? message)
    {
        await using var host = await SalesforceTestHost.StartAsync();
        var id = host.InsertLead();

        var (status, body, _) = await host.SendAsync(HttpMethod.Patch, $"sobjects/Lead/{id}", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(errorCode, body![0]!["errorCode"]!.GetValue<string>());
        if (message is not null)
        {
            Assert.Equal(message, body[0]!["message"]!.GetValue<string>());
        }

        Assert.Equal("Lovelace", host.Simulator.Get("Lead", id)!["LastName"]);
    }

    [Fact]
    public async Task Patch_ConvertedLead_IsRefused()
    {
        await using var host = await SalesforceTestHost.StartAsync();
        var id = host.InsertLead(extra: new() { ["IsConverted"] = true });

        var (status, body, _) = await host.SendAsync(HttpMethod.Patch, $"sobjects/Lead/{id}", new JsonObject { ["Status"] = "Working - Contacted" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("CANNOT_UPDATE_CONVERTED_LEAD", body![0]!["errorCode"]!.GetValue<string>());
    }

    [Fact]
    public async Task Patch_OwnerIsInactiveUser_IsRefused()
    {
        await using var host = await SalesforceTestHost.StartAsync();
        var id = host.InsertLead();
        var inactive = host.Simulator.AddUser("Gone Person", isActive: false);

        var (status, body, _) = await host.SendAsync(HttpMethod.Patch, $"sobjects/Lead/{id}", new JsonObject { ["OwnerId"] = inactive });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INACTIVE_OWNER_OR_USER", body![0]!["errorCode"]!.GetValue<string>());
    }

    [Fact]
    public async Task Patch_QueueOwner_IsAllowedForLeadsOnly()
    {
        await using var host = await SalesforceTestHost.StartAsync();
        var lead = host.InsertLead();
        var account = host.Simulator.Insert("Account", new Dictionary<string, object?> { ["Name"] = "Acme" });
        var queue = host.Simulator.AddQueue("Inbound");

        var (leadStatus, _, _) = await host.SendAsync(HttpMethod.Patch, $"sobjects/Lead/{lead}", new JsonObject { ["OwnerId"] = queue[..15] },
            new Dictionary<string, string> { ["Sforce-Auto-Assign"] = "FALSE" });
        var (accountStatus, _, _) = await host.SendAsync(HttpMethod.Patch, $"sobjects/Account/{account}", new JsonObject { ["OwnerId"] = queue },
            new Dictionary<string, string> { ["Sforce-Auto-Assign"] = "FALSE" });

        Assert.Equal(HttpStatusCode.NoContent, leadStatus);
        Assert.Equal(queue, host.Simulator.Get("Lead", lead)!["OwnerId"]);
        Assert.Equal(HttpStatusCode.BadRequest, accountStatus);
    }

    [Fact]
    public async Task Opportunity_ClosedWonStage_DerivesIsClosedAndIsWon()
    {
        await using var host = await SalesforceTestHost.StartAsync();
        var id = host.Simulator.Insert("Opportunity", new Dictionary<string, object?>
        {
            ["Name"] = "Big deal",
            ["StageName"] = "Negotiation/Review",
            ["CloseDate"] = new DateOnly(2026, 6, 30),
            ["Amount"] = 15000,
        });

        await host.SendAsync(HttpMethod.Patch, $"sobjects/Opportunity/{id}", new JsonObject { ["StageName"] = "Closed Won" });
        var (_, body, _) = await host.GetAsync($"sobjects/Opportunity/{id}?fields=IsClosed,IsWon,CloseDate,Amount");

        Assert.True(body!["IsClosed"]!.GetValue<bool>());
        Assert.True(body["IsWon"]!.GetValue<bool>());
        Assert.Equal("2026-06-30", body["CloseDate"]!.GetValue<string>());
        Assert.Contains("\"Amount\":15000.0", body.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Task_WhatIdOpportunity_DerivesAccountId()
    {
        await using var host = await SalesforceTestHost.StartAsync();
        var account = host.Simulator.Insert("Account", new Dictionary<string, object?> { ["Name"] = "Acme" });
        var opportunity = host.Simulator.Insert("Opportunity", new Dictionary<string, object?>
        {
            ["Name"] = "Deal", ["StageName"] = "Prospecting", ["CloseDate"] = "2026-05-01", ["AccountId"] = account,
        });

        var (status, body, _) = await host.SendAsync(HttpMethod.Post, "sobjects/Task", new JsonObject
        {
            ["WhatId"] = opportunity, ["Subject"] = "Call", ["ActivityDate"] = "2026-03-05", ["TheModel_Key__c"] = "k1",
        });

        Assert.Equal(HttpStatusCode.Created, status);
        var task = host.Simulator.Get("Task", body!["id"]!.GetValue<string>())!;
        Assert.Equal(account, task["AccountId"]);
        Assert.Equal(new DateOnly(2026, 3, 5), task["ActivityDate"]);
        Assert.Equal("Not Started", task["Status"]);
    }

    [Fact]
    public async Task Post_UnknownSObject_Answers404()
    {
        await using var host = await SalesforceTestHost.StartAsync();

        var (status, _, _) = await host.SendAsync(HttpMethod.Post, "sobjects/Widget", new JsonObject { ["Name"] = "x" });

        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task Describe_Lead_ListsFieldTypesAndStatusPicklist()
    {
        await using var host = await SalesforceTestHost.StartAsync();

        var (status, body, _) = await host.GetAsync("sobjects/Lead/describe");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("00Q", body!["keyPrefix"]!.GetValue<string>());
        var fields = body["fields"]!.AsArray().ToDictionary(f => f!["name"]!.GetValue<string>(), f => f!);
        Assert.Equal("picklist", fields["Status"]["type"]!.GetValue<string>());
        Assert.Equal(
            ["Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted"],
            fields["Status"]["picklistValues"]!.AsArray().Select(v => v!["value"]!.GetValue<string>()).ToArray());
        Assert.True(fields["Status"]["picklistValues"]![0]!["defaultValue"]!.GetValue<bool>());
        Assert.Equal("datetime", fields["SystemModstamp"]["type"]!.GetValue<string>());
        Assert.False(fields["SystemModstamp"]["updateable"]!.GetValue<bool>());
        Assert.Equal("reference", fields["OwnerId"]["type"]!.GetValue<string>());
        Assert.True(fields["TheModel_Owner_Set_At__c"]["custom"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Seeding_UnknownFieldOrDeletedRecord_ThrowsWithTheName()
    {
        await using var host = await SalesforceTestHost.StartAsync();
        var lead = host.InsertLead();
        host.Simulator.Delete("Lead", lead);

        var unknown = Assert.Throws<ArgumentException>(() => host.Simulator.Insert("Lead", new Dictionary<string, object?> { ["Shoe"] = 1 }));
        var wrongType = Assert.Throws<ArgumentException>(() => host.Simulator.Insert("Lead", new Dictionary<string, object?> { ["NumberOfEmployees"] = "lots" }));

        Assert.StartsWith("Lead has no field 'Shoe'", unknown.Message, StringComparison.Ordinal);
        Assert.StartsWith("Lead.NumberOfEmployees is Integer; cannot store String value 'lots'", wrongType.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => host.Simulator.Touch("Lead", lead, new Dictionary<string, object?> { ["Status"] = "x" }));
        Assert.True((bool)host.Simulator.Get("Lead", lead)!["IsDeleted"]!);
        Assert.Empty(host.Simulator.All("Lead"));
    }

    [Fact]
    public void Options_Invalid_AreAllReportedWithTheirValues()
    {
        var options = new TheModel.Sync.Simulators.Salesforce.SalesforceSimulatorOptions
        {
            ApiVersion = "62",
            DailyApiLimit = 0,
            OrganizationId = "001000000000001AAA",
            OutboundDuplicateRate = 2,
        };

        var error = Assert.Throws<ArgumentException>(() => new TheModel.Sync.Simulators.Salesforce.SalesforceSimulator(options));

        Assert.Contains("ApiVersion must look like 'v62.0', was '62'.", error.Message, StringComparison.Ordinal);
        Assert.Contains("DailyApiLimit must be positive, was 0.", error.Message, StringComparison.Ordinal);
        Assert.Contains("OrganizationId must be an 18-character id starting with 00D, was '001000000000001AAA'.", error.Message, StringComparison.Ordinal);
        Assert.Contains("OutboundDuplicateRate must be between 0 and 1, was 2.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ids_GivenOrganizationId_IsUsedAndRecordIdsCarryTheirChecksum()
    {
        await using var host = await SalesforceTestHost.StartAsync(o => o.OrganizationId = "00D000000000001");

        Assert.Equal("00D000000000001EAA", host.Simulator.OrganizationId);
        var lead = host.InsertLead();
        Assert.Equal(TheModel.Sync.Core.Model.SalesforceIds.To18(lead[..15]), lead);
    }

    [Fact]
    public async Task UpsertOne_ByExternalId_Answers201ThenUpdates200()
    {
        await using var host = await SalesforceTestHost.StartAsync();

        var first = await host.SendAsync(HttpMethod.Patch, "sobjects/Task/TheModel_Key__c/route-42", new JsonObject { ["Subject"] = "Call" });
        var second = await host.SendAsync(HttpMethod.Patch, "sobjects/Task/TheModel_Key__c/route-42", new JsonObject { ["Subject"] = "Call again" });

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.True(first.Body!["created"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.False(second.Body!["created"]!.GetValue<bool>());
        Assert.Equal(first.Body["id"]!.GetValue<string>(), second.Body["id"]!.GetValue<string>());
        Assert.Equal("Call again", Assert.Single(host.Simulator.All("Task"))["Subject"]);
    }
}

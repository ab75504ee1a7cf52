using System.Net;
using System.Text.Json.Nodes;

namespace TheModel.Sync.Simulators.Tests.Salesforce;

public sealed class SalesforceCollectionsTests
{
    [Fact]
    public async Task Create_MixedResults_Answers200WithOrderedSaveResults()
    {
        await using var host = await SalesforceTestHost.StartAsync();

        var (status, body, _) = await host.SendAsync(HttpMethod.Post, "composite/sobjects", Records(
            Record("Lead", ("LastName", "One"), ("Company", "A")),
            Record("Lead", ("LastName", "Two")),
            Record("Task", ("Subject", "Call"), ("TheModel_Key__c", "k-1")),
            Record("Lead", ("LastName", "Three"), ("Company", "C"), ("Shoe_Size", 44))));

        Assert.Equal(HttpStatusCode.OK, status);
        var results = body!.AsArray();
        Assert.Equal(4, results.Count);
        Assert.True(results[0]!["success"]!.GetValue<bool>());
        Assert.StartsWith("00Q", results[0]!["id"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(
            """{"success":false,"errors":[{"statusCode":"REQUIRED_FIELD_MISSING","message":"Required fields are missing: [Company]","fields":["Company"]}]}""",
            results[1]!.ToJsonString());
        Assert.StartsWith("00T", results[2]!["id"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("INVALID_FIELD", results[3]!["errors"]![0]!["statusCode"]!.GetValue<string>());
        Assert.Equal("No such column 'Shoe_Size' on sobject of type Lead", results[3]!["errors"]![0]!["message"]!.GetValue<string>());
        Assert.Single(host.Simulator.All("Lead"));
        Assert.Single(host.Simulator.All("Task"));
    }

    [Fact]
    public async Task Create_201Records_Answers400()
    {
        await using var host = await SalesforceTestHost.StartAsync();
        var records = Enumerable.Range(0, 201).Select(i => Record("Task", ("Subject", $"T{i}"))).ToArray();

        var (status, body, _) = await host.SendAsync(HttpMethod.Post, "composite/sobjects", Records(records));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("EXCEEDED_ID_LIMIT", body![0]!["errorCode"]!.GetValue<string>());
        Assert.Empty(host.Simulator.All("Task"));
    }

    [Fact]
    public async Task Create_200Records_AreAllCreated()
    {
        await using var host = await SalesforceTestHost.StartAsync();
        var records = Enumerable.Range(0, 200).Select(i => Record("Task", ("Subject", $"T{i}"))).ToArray();

        var (status, body, _) = await host.SendAsync(HttpMethod.Post, "composite/sobjects", Records(records));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.All(body!.AsArray(), r => Assert.True(r!["success"]!.GetValue<bool>()));
        Assert.Equal(200, host.Simulator.All("Task").Count);
    }

    [Fact]
    public async Task Create_ElevenChunks_Answers400ButTenAreFine()
    {
        await using var host = await SalesforceTestHost.StartAsync();
        JsonObject Alternating(int chunks) => Records([.. Enumerable.Range(0, chunks).Select(i => i % 2 == 0
            ? Record("Task", ("Subject", $"T{i}"))
            : Record("Account", ("Name", $"A{i}")))]);

        var eleven = await host.SendAsync(HttpMethod.Post, "composite/sobjects", Alternating(11));
        var ten = await host.SendAsync(HttpMethod.Post, "composite/sobjects", Alternating(10));

        Assert.Equal(HttpStatusCode.BadRequest, eleven.Status);
        Assert.Equal("LIMIT_EXCEEDED", eleven.Body![0]!["errorCode"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, ten.Status);
        Assert.Equal(5, host.Simulator.All("Account").Count);
    }

    [Fact]
    public async Task Update_AllOrNoneWithOneFailure_RollsBackTheOthers()
    {
        await using var host = await SalesforceTestHost.StartAsync();
        var a = host.InsertLead("A");
        var b = host.InsertLead("B");
        var stampBefore = host.Simulator.Get("Lead", a)!["SystemModstamp"];
        host.Time.Advance(TimeSpan.FromMinutes(1));

        var body = Records(
            Record("Lead", ("id", a), ("Status", "Working - Contacted")),
            Record("Lead", ("id", b), ("Company", null)));
        body["allOrNone"] = true;
        var (status, result, _) = await host.SendAsync(HttpMethod.Patch, "composite/sobjects", body);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(
            $$"""[{"id":"{{a}}","success":false,"errors":[{"statusCode":"ALL_OR_NONE_OPERATION_ROLLED_BACK","message":"Record rolled back because not all records were valid and the request was using AllOrNone header","fields":[]}]},{"id":"{{b}}","success":false,"errors":[{"statusCode":"REQUIRED_FIELD_MISSING","message":"Required fields are missing: [Company]","fields":["Company"]}]}]""",
            result!.ToJsonString());
        Assert.Equal("Open - Not Contacted", host.Simulator.Get("Lead", a)!["Status"]);
        Assert.Equal(stampBefore, host.Simulator.Get("Lead", a)!["SystemModstamp"]);
    }

    [Fact]
    public async Task Create_AllOrNoneWithOneFailure_LeavesNothingBehind()
    {
        await using var host = await SalesforceTestHost.StartAsync();
        var body = Records(
            Record("Task", ("Subject", "ok"), ("TheModel_Key__c", "k-1")),
            Record("Task", ("Subject", "bad"), ("WhoId", "garbage")));
        body["allOrNone"] = true;

        var (_, result, _) = await host.SendAsync(HttpMethod.Post, "composite/sobjects", body);

        Assert.Equal("ALL_OR_NONE_OPERATION_ROLLED_BACK", result![0]!["errors"]![0]!["statusCode"]!.GetValue<string>());
        Assert.Null(result[0]!["id"]);
        Assert.Equal("MALFORMED_ID", result[1]!["errors"]![0]!["statusCode"]!.GetValue<string>());
        Assert.Empty(host.Simulator.All("Task"));

        // The rolled-back key is free again.
        var (_, retry, _) = await host.SendAsync(HttpMethod.Post, "composite/sobjects", Records(Record("Task", ("Subject", "ok"), ("TheModel_Key__c", "k-1"))));
        Assert.True(retry![0]!["success"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Update_LockRowFault_FailsOnlyTheDrawnRecords()
    {
        await using var host = await SalesforceTestHost.StartAsync();
        var ids = Enumerable.Range(0, 40).Select(i => host.InsertLead($"L{i}")).ToList();
        host.Simulator.Faults.LockRowRate = 0.25;

        var (status, body, _) = await host.SendAsync(HttpMethod.Patch, "composite/sobjects",
            Records([.. ids.Select(id => Record("Lead", ("id", id), ("Status", "Working - Contacted")))]));

        Assert.Equal(HttpStatusCode.OK, status);
        var locked = body!.AsArray().Where(r => !r!["success"]!.GetValue<bool>()).ToList();
        Assert.NotEmpty(locked);
        Assert.True(locked.Count < ids.Count);
        Assert.Equal(host.Simulator.Faults.LockedRows, locked.Count);
        foreach (var result in locked)
        {
            var id = result!["id"]!.GetValue<string>();
            Assert.Equal("UNABLE_TO_LOCK_ROW", result["errors"]![0]!["statusCode"]!.GetValue<string>());
            Assert.Equal($"unable to obtain exclusive access to this record or 1 records: {id}", result["errors"]![0]!["message"]!.GetValue<string>());
            Assert.Equal("Open - Not Contacted", host.Simulator.Get("Lead", id)!["Status"]);
        }
    }

    [Fact]
    public async Task Update_DeletedOrConvertedOrMissingId_FailPerRecord()
    {
        await using var host = await SalesforceTestHost.StartAsync();
        var deleted = host.InsertLead("D");
        host.Simulator.Delete("Lead", deleted);
        var converted = host.InsertLead("C", extra: new() { ["IsConverted"] = true });
        var fine = host.InsertLead("F");

        var (_, body, _) = await host.SendAsync(HttpMethod.Patch, "composite/sobjects", Records(
            Record("Lead", ("id", deleted), ("Status", "x")),
            Record("Lead", ("id", converted), ("Status", "x")),
            Record("Lead", ("Status", "x")),
            Record("Lead", ("id", fine[..15]), ("Status", "x"))));

        var codes = body!.AsArray().Select(r => r!["success"]!.GetValue<bool>() ? "ok" : r["errors"]![0]!["statusCode"]!.GetValue<string>());
        Assert.Equal(["ENTITY_IS_DELETED", "CANNOT_UPDATE_CONVERTED_LEAD", "MISSING_ARGUMENT", "ok"], codes.ToArray());
        Assert.Equal(fine, body[3]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Upsert_ByTaskKey_ReportsCreatedTrueThenFalse()
    {
        await using var host = await SalesforceTestHost.StartAsync();
        var lead = host.InsertLead();

        var first = await host.SendAsync(HttpMethod.Patch, "composite/sobjects/Task/TheModel_Key__c", Records(
            Record("Task", ("TheModel_Key__c", "route:1"), ("WhoId", lead), ("Subject", "Call"), ("ActivityDate", "2026-03-03")),
            Record("Task", ("TheModel_Key__c", "ROUTE:1"), ("WhoId", lead), ("Subject", "Call"))));
        var second = await host.SendAsync(HttpMethod.Patch, "composite/sobjects/Task/TheModel_Key__c", Records(
            Record("Task", ("TheModel_Key__c", "route:1"), ("Subject", "Call back"))));

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.All(first.Body!.AsArray(), r => Assert.True(r!["created"]!.GetValue<bool>()));
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(
            $$"""[{"id":"{{first.Body[0]!["id"]!.GetValue<string>()}}","success":true,"errors":[],"created":false}]""",
            second.Body!.ToJsonString());
        Assert.Equal(2, host.Simulator.All("Task").Count);
        Assert.Equal("Call back", host.Simulator.Get("Task", first.Body[0]!["id"]!.GetValue<string>())!["Subject"]);
    }

    [Fact]
    public async Task Upsert_SameKeyTwiceInOneRequest_FailsBoth()
    {
        await using var host = await SalesforceTestHost.StartAsync();

        var (_, body, _) = await host.SendAsync(HttpMethod.Patch, "composite/sobjects/Task/TheModel_Key__c", Records(
            Record("Task", ("TheModel_Key__c", "dup"), ("Subject", "a")),
            Record("Task", ("TheModel_Key__c", "dup"), ("Subject", "b")),
            Record("Task", ("TheModel_Key__c", "solo"), ("Subject", "c"))));

        Assert.Equal(["DUPLICATE_EXTERNAL_ID", "DUPLICATE_EXTERNAL_ID"], body!.AsArray().Take(2).Select(r => r!["errors"]![0]!["statusCode"]!.GetValue<string>()).ToArray());
        Assert.True(body[2]!["success"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Upsert_FieldThatIsNotAnExternalId_Answers404()
    {
        await using var host = await SalesforceTestHost.StartAsync();

        var (status, body, _) = await host.SendAsync(HttpMethod.Patch, "composite/sobjects/Task/Subject", Records(Record("Task", ("Subject", "a"))));

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("Provided external ID field does not exist or is not accessible: Subject", body![0]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_DuplicateTaskKeyAgainstStoredRecord_IsDuplicateValue()
    {
        await using var host = await SalesforceTestHost.StartAsync();
        var existing = host.Simulator.Insert("Task", new Dictionary<string, object?> { ["Subject"] = "x", ["TheModel_Key__c"] = "k" });

        var (_, body, _) = await host.SendAsync(HttpMethod.Post, "composite/sobjects", Records(Record("Task", ("Subject", "y"), ("TheModel_Key__c", "k"))));

        Assert.Equal("DUPLICATE_VALUE", body![0]!["errors"]![0]!["statusCode"]!.GetValue<string>());
        Assert.Equal($"duplicate value found: TheModel_Key__c duplicates value on record with id: {existing}", body[0]!["errors"]![0]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_ValueOfTheWrongType_FailsTheWholeRequest()
    {
        await using var host = await SalesforceTestHost.StartAsync();

        var (status, body, _) = await host.SendAsync(HttpMethod.Post, "composite/sobjects", Records(
            Record("Task", ("Subject", "fine")),
            Record("Task", ("ActivityDate", "next tuesday"))));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("JSON_PARSER_ERROR", body![0]!["errorCode"]!.GetValue<string>());
        Assert.Empty(host.Simulator.All("Task"));
    }

    [Fact]
    public async Task Retrieve_ByIds_ReturnsRecordsInOrderAndNullForMissing()
    {
        await using var host = await SalesforceTestHost.StartAsync();
        var a = host.InsertLead("A");
        var b = host.InsertLead("B");
        host.Simulator.Delete("Lead", b);

        var (status, body, _) = await host.GetAsync($"composite/sobjects/Lead?ids={b},{a[..15]}&fields=LastName,Status");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Null(body![0]);
        Assert.Equal("A", body[1]!["LastName"]!.GetValue<string>());
        Assert.Equal(a, body[1]!["attributes"]!["url"]!.GetValue<string>()[^18..]);
    }

    [Fact]
    public async Task Create_ConcurrentRequests_AllLandWithDistinctIds()
    {
        await using var host = await SalesforceTestHost.StartAsync();

        var calls = Enumerable.Range(0, 20).Select(c => host.SendAsync(HttpMethod.Post, "composite/sobjects",
            Records([.. Enumerable.Range(0, 10).Select(i => Record("Task", ("Subject", $"T{c}-{i}"), ("TheModel_Key__c", $"k{c}-{i}")))])));
        var results = await Task.WhenAll(calls);

        Assert.All(results, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        var ids = results.SelectMany(r => r.Body!.AsArray()).Select(r => r!["id"]!.GetValue<string>()).ToList();
        Assert.Equal(200, ids.Distinct().Count());
        Assert.Equal(200, host.Simulator.All("Task").Count);
        Assert.Equal(20, host.Simulator.ApiCallsUsed);
    }

    internal static JsonObject Records(params JsonObject[] records) => new()
    {
        ["allOrNone"] = false,
        ["records"] = new JsonArray([.. records]),
    };

    internal static JsonObject Record(string type, params (string Field, object? Value)[] fields)
    {
        var record = new JsonObject { ["attributes"] = new JsonObject { ["type"] = type } };
        foreach (var (field, value) in fields)
        {
            record[field] = value is null ? null : JsonValue.Create(value);
        }

        return record;
    }
}

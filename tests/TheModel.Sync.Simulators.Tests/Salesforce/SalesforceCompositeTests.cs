using System.Net;
using System.Text.Json.Nodes;
using static TheModel.Sync.Simulators.Tests.Salesforce.SalesforceCollectionsTests;

namespace TheModel.Sync.Simulators.Tests.Salesforce;

public sealed class SalesforceCompositeTests
{
    private const string Data = "/services/data/v62.0/";

    [Fact]
    public async Task Composite_26Subrequests_Answers400AndAppliesNothing()
    {
        await using var host = await SalesforceTestHost.StartAsync();
        var subrequests = Enumerable.Range(0, 26).Select(i => Sub("POST", Data + "sobjects/Account", $"a{i}", new JsonObject { ["Name"] = $"A{i}" }));

        var (status, body, _) = await host.SendAsync(HttpMethod.Post, "composite", Composite(false, [.. subrequests]));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("LIMIT_EXCEEDED", body![0]!["errorCode"]!.GetValue<string>());
        Assert.Empty(host.Simulator.All("Account"));
    }

    [Fact]
    public async Task Composite_25Subrequests_AreAllRun()
    {
        await using var host = await SalesforceTestHost.StartAsync();
        var subrequests = Enumerable.Range(0, 25).Select(i => Sub("POST", Data + "sobjects/Account", $"a{i}", new JsonObject { ["Name"] = $"A{i}" }));

        var (status, body, _) = await host.SendAsync(HttpMethod.Post, "composite", Composite(false, [.. subrequests]));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.All(body!["compositeResponse"]!.AsArray(), r => Assert.Equal(201, r!["httpStatusCode"]!.GetValue<int>()));
        Assert.Equal(25, host.Simulator.All("Account").Count);
    }

    [Fact]
    public async Task Composite_SixCollectionOrQuerySubrequests_Answers400ButFiveAreFine()
    {
        await using var host = await SalesforceTestHost.StartAsync();
        JsonObject[] Heavy(int count) => [.. Enumerable.Range(0, count).Select(i => i % 2 == 0
            ? Sub("GET", Data + "query?q=SELECT+Id+FROM+Lead", $"q{i}")
            : Sub("POST", Data + "composite/sobjects", $"c{i}", Records(Record("Task", ("Subject", $"T{i}")))))];

        var six = await host.SendAsync(HttpMethod.Post, "composite", Composite(false, Heavy(6)));
        var five = await host.SendAsync(HttpMethod.Post, "composite", Composite(false, [.. Heavy(5), Sub("POST", Data + "sobjects/Account", "acc", new JsonObject { ["Name"] = "A" })]));

        Assert.Equal(HttpStatusCode.BadRequest, six.Status);
        Assert.Equal("LIMIT_EXCEEDED", six.Body![0]!["errorCode"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, five.Status);
        Assert.Equal(2, host.Simulator.All("Task").Count);
    }

    [Fact]
    public async Task Composite_References_ResolveEarlierResultsAndCountOneApiCall()
    {
        await using var host = await SalesforceTestHost.StartAsync();

        var (status, body, _) = await host.SendAsync(HttpMethod.Post, "composite", Composite(false,
            Sub("POST", Data + "sobjects/Account", "refAccount", new JsonObject { ["Name"] = "Acme" }),
            Sub("POST", Data + "sobjects/Contact", "refContact", new JsonObject { ["LastName"] = "Smith", ["AccountId"] = "@{refAccount.id}" }),
            Sub("GET", Data + "query?q=SELECT+Id,AccountId+FROM+Contact+WHERE+AccountId+=+'@{refAccount.id}'", "refQuery"),
            Sub("PATCH", Data + "sobjects/Contact/@{refQuery.records[0].Id}", "refUpdate", new JsonObject { ["Title"] = "CTO" })));

        Assert.Equal(HttpStatusCode.OK, status);
        var responses = body!["compositeResponse"]!.AsArray();
        Assert.Equal([201, 201, 200, 204], responses.Select(r => r!["httpStatusCode"]!.GetValue<int>()).ToArray());
        Assert.Equal(["refAccount", "refContact", "refQuery", "refUpdate"], responses.Select(r => r!["referenceId"]!.GetValue<string>()).ToArray());
        var accountId = responses[0]!["body"]!["id"]!.GetValue<string>();
        Assert.Equal($"/services/data/v62.0/sobjects/Account/{accountId}", responses[0]!["httpHeaders"]!["Location"]!.GetValue<string>());
        Assert.Null(responses[3]!["body"]);
        var contact = Assert.Single(host.Simulator.All("Contact"));
        Assert.Equal(accountId, contact["AccountId"]);
        Assert.Equal("CTO", contact["Title"]);
        Assert.Equal(1, host.Simulator.ApiCallsUsed);
        Assert.Equal(1, host.Simulator.CountOf("POST composite"));
        Assert.Equal(2, host.Simulator.CountOf("POST sobjects/Account") + host.Simulator.CountOf("POST sobjects/Contact"));
        var logged = host.Simulator.Requests.Where(r => r.IsSubrequest).ToList();
        Assert.Equal(4, logged.Count);
        Assert.Contains(accountId, logged[1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Composite_FailureWithoutAllOrNone_HaltsOnlyDependents()
    {
        await using var host = await SalesforceTestHost.StartAsync();

        var (_, body, _) = await host.SendAsync(HttpMethod.Post, "composite", Composite(false,
            Sub("POST", Data + "sobjects/Lead", "refBad", new JsonObject { ["LastName"] = "NoCompany" }),
            Sub("POST", Data + "sobjects/Task", "refDependent", new JsonObject { ["Subject"] = "Call", ["WhoId"] = "@{refBad.id}" }),
            Sub("POST", Data + "sobjects/Account", "refIndependent", new JsonObject { ["Name"] = "Acme" })));

        var responses = body!["compositeResponse"]!.AsArray();
        Assert.Equal(400, responses[0]!["httpStatusCode"]!.GetValue<int>());
        Assert.Equal("REQUIRED_FIELD_MISSING", responses[0]!["body"]![0]!["errorCode"]!.GetValue<string>());
        Assert.Equal(400, responses[1]!["httpStatusCode"]!.GetValue<int>());
        Assert.Equal("PROCESSING_HALTED", responses[1]!["body"]![0]!["errorCode"]!.GetValue<string>());
        Assert.StartsWith("Invalid reference specified. No value for refBad.id found in refBad", responses[1]!["body"]![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(201, responses[2]!["httpStatusCode"]!.GetValue<int>());
        Assert.Single(host.Simulator.All("Account"));
        Assert.Empty(host.Simulator.All("Task"));
    }

    [Fact]
    public async Task Composite_AllOrNoneFailure_RollsBackAndHaltsEverythingElse()
    {
        await using var host = await SalesforceTestHost.StartAsync();
        var lead = host.InsertLead();

        var (status, body, _) = await host.SendAsync(HttpMethod.Post, "composite", Composite(true,
            Sub("POST", Data + "sobjects/Account", "refAccount", new JsonObject { ["Name"] = "Acme" }),
            Sub("PATCH", Data + $"sobjects/Lead/{lead}", "refLead", new JsonObject { ["Status"] = "Working - Contacted" }),
            Sub("POST", Data + "composite/sobjects", "refTasks", Records(Record("Task", ("Subject", "x"), ("Nope", 1)))),
            Sub("POST", Data + "sobjects/Opportunity", "refBad", new JsonObject { ["Name"] = "No stage" }),
            Sub("POST", Data + "sobjects/Account", "refAfter", new JsonObject { ["Name"] = "Later" })));

        Assert.Equal(HttpStatusCode.OK, status);
        var responses = body!["compositeResponse"]!.AsArray();
        const string halted = """[{"errorCode":"PROCESSING_HALTED","message":"The transaction was rolled back since another operation in the same transaction failed."}]""";
        Assert.Equal(halted, responses[0]!["body"]!.ToJsonString());
        Assert.Equal(halted, responses[1]!["body"]!.ToJsonString());
        Assert.Equal(halted, responses[2]!["body"]!.ToJsonString());
        Assert.Equal("REQUIRED_FIELD_MISSING", responses[3]!["body"]![0]!["errorCode"]!.GetValue<string>());
        Assert.Equal(halted, responses[4]!["body"]!.ToJsonString());
        Assert.All(responses, r => Assert.Equal(400, r!["httpStatusCode"]!.GetValue<int>()));
        Assert.Empty(host.Simulator.All("Account"));
        Assert.Empty(host.Simulator.All("Task"));
        Assert.Equal("Open - Not Contacted", host.Simulator.Get("Lead", lead)!["Status"]);
    }

    [Fact]
    public async Task Composite_SubrequestToAnotherVersion_Answers404ForThatSubrequestOnly()
    {
        await using var host = await SalesforceTestHost.StartAsync();

        var (_, body, _) = await host.SendAsync(HttpMethod.Post, "composite", Composite(false,
            Sub("GET", "/services/data/v40.0/limits", "old"),
            Sub("GET", Data + "limits", "current")));

        var responses = body!["compositeResponse"]!.AsArray();
        Assert.Equal(404, responses[0]!["httpStatusCode"]!.GetValue<int>());
        Assert.Equal(200, responses[1]!["httpStatusCode"]!.GetValue<int>());
    }

    internal static JsonObject Composite(bool allOrNone, params JsonObject[] subrequests) => new()
    {
        ["allOrNone"] = allOrNone,
        ["collateSubrequests"] = false,
        ["compositeRequest"] = new JsonArray([.. subrequests]),
    };

    internal static JsonObject Sub(string method, string url, string referenceId, JsonNode? body = null, Dictionary<string, string>? headers = null)
    {
        var sub = new JsonObject { ["method"] = method, ["url"] = url, ["referenceId"] = referenceId };
        if (body is not null)
        {
            sub["body"] = body;
        }

        if (headers is not null)
        {
            sub["httpHeaders"] = new JsonObject(headers.Select(h => KeyValuePair.Create(h.Key, (JsonNode?)JsonValue.Create(h.Value))));
        }

        return sub;
    }
}

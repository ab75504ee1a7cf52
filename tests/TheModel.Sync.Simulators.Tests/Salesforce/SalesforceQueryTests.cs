using System.Net;
using System.Text.Json.Nodes;
using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Simulators.Tests.Salesforce;

public sealed class SalesforceQueryTests
{
    private static readonly DateTimeOffset T0 = SalesforceTestHost.Start;

    public static TheoryData<string, string> Filters => new()
    {
        { "Company = 'acme'", "Alpha,Charlie" },
        { @"Company = 'Delta\'s'", "Delta" },
        { "Company != 'Acme'", "Bravo,Delta" },
        { "NumberOfEmployees > 100", "Bravo,Delta" },
        { "NumberOfEmployees >= 500 AND NumberOfEmployees <= 500", "Bravo" },
        { "NumberOfEmployees != 50", "Bravo,Charlie,Delta" },
        { "NumberOfEmployees < 100", "Alpha" },
        { "Email = null", "Bravo,Charlie" },
        { "Email != NULL", "Alpha,Delta" },
        { "Status IN ('Working - Contacted', 'Closed - Converted')", "Bravo,Charlie,Delta" },
        { "Status NOT IN ('Working - Contacted')", "Alpha,Delta" },
        { "IsConverted = true", "Delta" },
        { "NOT IsConverted = TRUE", "Alpha,Bravo,Charlie" },
        { "SystemModstamp > 2026-03-02T09:30:15Z", "Bravo,Charlie,Delta" },
        { "SystemModstamp > 2026-03-02T10:30:15.000+0000", "Delta" },
        { "SystemModstamp >= 2026-03-02T11:30:15+01:00", "Bravo,Charlie,Delta" },
        { "SystemModstamp = 2026-03-02T10:30:15.000Z", "Bravo,Charlie" },
        { "(Company = 'Acme' OR Company = 'Beta Corp') AND NumberOfEmployees > 10", "Alpha,Bravo" },
        { "Company = 'Acme' OR (Status = 'Working - Contacted' AND NumberOfEmployees = null)", "Alpha,Charlie" },
        { "Company LIKE 'ac%'", "Alpha,Charlie" },
        { "Company LIKE '_eta%'", "Bravo" },
        { "AnnualRevenue = 1000000", "Alpha" },
        { "AnnualRevenue > 1000000.5", "Bravo" },
        { "TheModel_Recheck_At__c < 2026-04-01T00:00:00Z", "Charlie" },
        { "TheModel_Recheck_At__c = null", "Alpha,Bravo,Delta" },
        { "CreatedDate <= 2026-03-02T09:30:15Z", "Alpha" },
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Query_Filter_MatchesLikeSoql(string where, string expected)
    {
        await using var host = await SeededHostAsync();

        var (status, body, _) = await host.QueryAsync($"SELECT LastName FROM Lead WHERE {where} ORDER BY LastName");

        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());
        Assert.Equal(expected, string.Join(",", body!["records"]!.AsArray().Select(r => r!["LastName"]!.GetValue<string>())));
    }

    public static TheoryData<string, string> Refused => new()
    {
        { "SELECT FROM Lead", "MALFORMED_QUERY" },
        { "SELECT Id FRM Lead", "MALFORMED_QUERY" },
        { "SELECT Id FROM Lead WHERE", "MALFORMED_QUERY" },
        { "SELECT Id FROM Lead WHERE Company = 'x' AND Status = 'y' OR Email = null", "MALFORMED_QUERY" },
        { "SELECT Id FROM Lead WHERE Company = 'unterminated", "MALFORMED_QUERY" },
        { @"SELECT Id FROM Lead WHERE Company = 'a\qb'", "MALFORMED_QUERY" },
        { "SELECT Id FROM Lead LIMIT x", "MALFORMED_QUERY" },
        { "SELECT Id FROM Lead WHERE (Company = 'x'", "MALFORMED_QUERY" },
        { "SELECT Id, Id FROM Lead", "MALFORMED_QUERY" },
        { "SELECT COUNT() FROM Lead", "MALFORMED_QUERY" },
        { "SELECT Id FROM Lead GROUP BY Id", "MALFORMED_QUERY" },
        { "SELECT Id FROM Lead LIMIT 5 OFFSET 2", "MALFORMED_QUERY" },
        { "SELECT Id FROM Lead WHERE SystemModstamp > 2026-01-01T00:00:00.000 0000", "MALFORMED_QUERY" },
        { "SELECT Id FROM Lead WHERE SystemModstamp > '2026-01-01T00:00:00Z'", "INVALID_QUERY_FILTER_OPERATOR" },
        { "SELECT Id FROM Lead WHERE SystemModstamp > 2026-01-01", "INVALID_QUERY_FILTER_OPERATOR" },
        { "SELECT Id FROM Lead WHERE NumberOfEmployees > '5'", "INVALID_QUERY_FILTER_OPERATOR" },
        { "SELECT Id FROM Lead WHERE Company = 5", "INVALID_QUERY_FILTER_OPERATOR" },
        { "SELECT Id FROM Lead WHERE Id = 'abc'", "INVALID_QUERY_FILTER_OPERATOR" },
        { "SELECT Id FROM Lead WHERE IsConverted > true", "INVALID_QUERY_FILTER_OPERATOR" },
        { "SELECT Nope FROM Lead", "INVALID_FIELD" },
        { "SELECT Id FROM Lead ORDER BY Nope", "INVALID_FIELD" },
        { "SELECT Owner.Name FROM Lead", "INVALID_FIELD" },
        { "SELECT Id FROM Widget", "INVALID_TYPE" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Query_UnsupportedOrWrongSoql_Answers400WithTheVendorCode(string soql, string errorCode)
    {
        await using var host = await SeededHostAsync();

        var (status, body, _) = await host.QueryAsync(soql);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(errorCode, body![0]!["errorCode"]!.GetValue<string>());
    }

    [Fact]
    public async Task Query_MalformedMessage_EchoesTheQueryWithACaret()
    {
        await using var host = await SalesforceTestHost.StartAsync();

        var (_, body, _) = await host.QueryAsync("SELECT Id FRM Lead");

        Assert.Equal("\nSELECT Id FRM Lead\n          ^\nERROR at Row:1:Column:11\nunexpected token: 'FRM'", body![0]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Query_Records_CarryAttributesAndVendorValueFormats()
    {
        await using var host = await SeededHostAsync();

        var (_, body, _) = await host.QueryAsync("SELECT Id, SystemModstamp, NumberOfEmployees, AnnualRevenue, IsConverted, Email FROM Lead WHERE LastName = 'Alpha'");

        var record = body!["records"]![0]!;
        var id = record["Id"]!.GetValue<string>();
        Assert.Equal(18, id.Length);
        Assert.StartsWith("00Q", id, StringComparison.Ordinal);
        Assert.Equal(SalesforceIds.To18(id[..15]), id);
        Assert.Equal(
            $$"""{"attributes":{"type":"Lead","url":"/services/data/v62.0/sobjects/Lead/{{id}}"},"Id":"{{id}}","SystemModstamp":"2026-03-02T09:30:15.000+0000","NumberOfEmployees":50,"AnnualRevenue":1000000.0,"IsConverted":false,"Email":"alpha@acme.example"}""",
            record.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        Assert.Equal(1, body["totalSize"]!.GetValue<int>());
        Assert.True(body["done"]!.GetValue<bool>());
        Assert.Null(body["nextRecordsUrl"]);
    }

    [Fact]
    public async Task Query_FieldNamesInAnyCase_ComeBackInTheirApiSpelling()
    {
        await using var host = await SeededHostAsync();

        var (_, body, _) = await host.QueryAsync("select id, lastname from LEAD where lastname = 'Alpha'");

        var record = body!["records"]![0]!.AsObject();
        Assert.Equal(["attributes", "Id", "LastName"], record.Select(p => p.Key).ToArray());
    }

    [Fact]
    public async Task Query_BatchSizeHeader_PagesThroughNextRecordsUrl()
    {
        await using var host = await SalesforceTestHost.StartAsync();
        for (var i = 0; i < 450; i++)
        {
            host.InsertLead($"Lead{i:D3}");
        }

        var headers = new Dictionary<string, string> { ["Sforce-Query-Options"] = "batchSize=200" };
        var pages = new List<JsonNode>();
        var (status, page, _) = await host.QueryAsync("SELECT Id, LastName FROM Lead ORDER BY LastName", headers);
        Assert.Equal(HttpStatusCode.OK, status);
        pages.Add(page!);
        while (page!["nextRecordsUrl"] is { } next)
        {
            Assert.Matches(@"^/services/data/v62\.0/query/01g[A-Za-z0-9]{15}-\d+$", next.GetValue<string>());
            (_, page, _) = await host.GetAsync(next.GetValue<string>(), headers);
            pages.Add(page!);
        }

        Assert.Equal([200, 200, 50], pages.Select(p => p["records"]!.AsArray().Count).ToArray());
        Assert.All(pages, p => Assert.Equal(450, p["totalSize"]!.GetValue<int>()));
        Assert.Equal([false, false, true], pages.Select(p => p["done"]!.GetValue<bool>()).ToArray());
        var names = pages.SelectMany(p => p["records"]!.AsArray()).Select(r => r!["LastName"]!.GetValue<string>()).ToList();
        Assert.Equal(Enumerable.Range(0, 450).Select(i => $"Lead{i:D3}"), names);
        Assert.Equal(2, host.Simulator.CountOf("GET query/{locator}"));
        Assert.Equal(3, host.Simulator.ApiCallsUsed);
    }

    [Theory]
    [InlineData(null, 2000)]
    [InlineData("batchSize=100", 200)]
    [InlineData("batchSize=5000", 2000)]
    [InlineData("batchSize=750", 750)]
    public async Task Query_BatchSize_IsHeldBetween200And2000(string? option, int expectedFirstPage)
    {
        await using var host = await SalesforceTestHost.StartAsync();
        for (var i = 0; i < 2100; i++)
        {
            host.InsertLead($"L{i}");
        }

        var headers = option is null ? null : new Dictionary<string, string> { ["Sforce-Query-Options"] = option };
        var (_, body, _) = await host.QueryAsync("SELECT Id FROM Lead", headers);

        Assert.Equal(expectedFirstPage, body!["records"]!.AsArray().Count);
        Assert.Equal(2100, body["totalSize"]!.GetValue<int>());
    }

    [Fact]
    public async Task QueryMore_UnknownLocator_AnswersInvalidQueryLocator()
    {
        await using var host = await SalesforceTestHost.StartAsync();

        var (status, body, _) = await host.GetAsync("query/01gSm0000000123AAA-2000");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_QUERY_LOCATOR", body![0]!["errorCode"]!.GetValue<string>());
    }

    [Fact]
    public async Task Query_WatermarkWithEqualTimestamps_ResumesAfterTheLastIdSeen()
    {
        await using var host = await SalesforceTestHost.StartAsync();
        var ids = Enumerable.Range(0, 5).Select(i => host.InsertLead($"Tie{i}")).ToList();
        host.Time.Advance(TimeSpan.FromMilliseconds(900));
        var later = host.InsertLead("SameSecond");
        ids.Add(later);
        Assert.Equal(ids.OrderBy(i => i, StringComparer.Ordinal), ids);

        var stamp = "2026-03-02T09:30:15.000+0000";
        var soql = $"SELECT Id, OwnerId, Status, SystemModstamp FROM Lead WHERE SystemModstamp > {stamp} " +
                   $"OR (SystemModstamp = {stamp} AND Id > '{ids[2]}') ORDER BY SystemModstamp, Id LIMIT 2000";
        var (status, body, _) = await host.QueryAsync(soql);

        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());
        Assert.Equal(ids.Skip(3), body!["records"]!.AsArray().Select(r => r!["Id"]!.GetValue<string>()));
        Assert.All(body["records"]!.AsArray(), r => Assert.Equal(stamp, r!["SystemModstamp"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Query_FifteenCharacterIds_MatchTheirEighteenCharacterForms()
    {
        await using var host = await SalesforceTestHost.StartAsync();
        var a = host.InsertLead("A");
        var b = host.InsertLead("B");
        host.InsertLead("C");

        var (_, inBody, _) = await host.QueryAsync($"SELECT Id FROM Lead WHERE Id IN ('{a[..15]}', '{b.ToLowerInvariant()[..15].ToUpperInvariant()}', '{b}') ORDER BY Id");
        var (_, eqBody, _) = await host.QueryAsync($"SELECT Id FROM Lead WHERE Id = '{a[..15]}'");

        Assert.Equal([a, b], inBody!["records"]!.AsArray().Select(r => r!["Id"]!.GetValue<string>()).ToArray());
        Assert.Equal(a, eqBody!["records"]![0]!["Id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Query_UsersAndQueues_AreListed()
    {
        await using var host = await SalesforceTestHost.StartAsync();
        var ada = host.Simulator.AddUser("Ada Lovelace", "ada@themodel.example");
        host.Simulator.AddUser("Old Timer", "old@themodel.example", isActive: false);
        var queue = host.Simulator.AddQueue("EMEA Inbound");

        var (_, users, _) = await host.QueryAsync("SELECT Id, Name, Email, IsActive FROM User");
        var (_, groups, _) = await host.QueryAsync("SELECT Id, Name FROM Group WHERE Type = 'Queue'");

        var byName = users!["records"]!.AsArray().ToDictionary(r => r!["Name"]!.GetValue<string>(), r => r!);
        Assert.Equal(["Integration User", "Admin User", "Ada Lovelace", "Old Timer"], byName.Keys.ToArray());
        Assert.Equal(ada, byName["Ada Lovelace"]["Id"]!.GetValue<string>());
        Assert.False(byName["Old Timer"]["IsActive"]!.GetValue<bool>());
        Assert.StartsWith("005", ada, StringComparison.Ordinal);
        var onlyQueue = Assert.Single(groups!["records"]!.AsArray());
        Assert.Equal(queue, onlyQueue!["Id"]!.GetValue<string>());
        Assert.StartsWith("00G", queue, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_DeletedRecords_AreLeftOutButQueryAllShowsThem()
    {
        await using var host = await SalesforceTestHost.StartAsync();
        var kept = host.InsertLead("Kept");
        var gone = host.InsertLead("Gone");
        host.Simulator.Delete("Lead", gone);

        var (_, query, _) = await host.QueryAsync("SELECT Id FROM Lead");
        var (_, queryAll, _) = await host.GetAsync("queryAll?q=" + Uri.EscapeDataString("SELECT Id, IsDeleted FROM Lead WHERE IsDeleted = true"));

        Assert.Equal(kept, Assert.Single(query!["records"]!.AsArray())!["Id"]!.GetValue<string>());
        Assert.Equal(gone, Assert.Single(queryAll!["records"]!.AsArray())!["Id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Query_PlusSignSentUnencoded_IsReadAsASpaceAndRefused()
    {
        await using var host = await SalesforceTestHost.StartAsync();

        var (status, body, _) = await host.GetAsync("query?q=SELECT+Id+FROM+Lead+WHERE+SystemModstamp+>+2026-01-01T00:00:00.000+0000");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("MALFORMED_QUERY", body![0]!["errorCode"]!.GetValue<string>());
    }

    private static async Task<SalesforceTestHost> SeededHostAsync()
    {
        var host = await SalesforceTestHost.StartAsync();
        host.InsertLead("Alpha", "Acme", new()
        {
            ["Status"] = "Open - Not Contacted",
            ["NumberOfEmployees"] = 50,
            ["AnnualRevenue"] = 1000000m,
            ["Email"] = "alpha@acme.example",
            ["SystemModstamp"] = T0,
        });
        host.InsertLead("Bravo", "Beta Corp", new()
        {
            ["Status"] = "Working - Contacted",
            ["NumberOfEmployees"] = 500,
            ["AnnualRevenue"] = 2500000.75m,
            ["SystemModstamp"] = T0.AddHours(1),
        });
        host.InsertLead("Charlie", "acme", new()
        {
            ["Status"] = "Working - Contacted",
            ["TheModel_Recheck_At__c"] = new DateTimeOffset(2026, 3, 20, 8, 0, 0, TimeSpan.Zero),
            ["SystemModstamp"] = T0.AddHours(1),
        });
        host.InsertLead("Delta", "Delta's", new()
        {
            ["Status"] = "Closed - Converted",
            ["IsConverted"] = true,
            ["NumberOfEmployees"] = 5000,
            ["Email"] = "d@delta.example",
            ["SystemModstamp"] = T0.AddHours(2),
        });
        return host;
    }
}

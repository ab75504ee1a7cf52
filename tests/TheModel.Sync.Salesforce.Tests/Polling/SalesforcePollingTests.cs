using System.Net;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Salesforce.Tests.Connector;
using WireMock.RequestBuilders;

namespace TheModel.Sync.Salesforce.Tests.Polling;

/// <remarks>
/// Incremental polls are SOQL on SystemModstamp with ties broken by Id, up to the settled cutoff (PollSettleTime
/// before the clock, whole seconds). The tests pin the exact SOQL of the first and later polls, paging through
/// nextRecordsUrl with the batch-size header, and that a page boundary inside a run of equal timestamps neither skips
/// nor repeats a record.
/// </remarks>
public sealed class SalesforcePollingTests
{
    private static readonly DateTimeOffset T1 = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset T2 = T1.AddSeconds(1);
    private static readonly string Lead1 = SalesforceIds.To18("00Q000000000001");
    private static readonly string Lead2 = SalesforceIds.To18("00Q000000000002");
    private static readonly string Lead3 = SalesforceIds.To18("00Q000000000003");
    private static readonly string Lead4 = SalesforceIds.To18("00Q000000000004");

    private static readonly string AccountFields = string.Join(", ", CrmSchema.Default(CrmKind.Salesforce).ReadFields(CrmObject.Account));

    [Fact]
    public async Task Poll_FromStart_SendsSoqlWithoutIdClauseAndBatchSizeHeader()
    {
        await using var h = SalesforceHarness.Start();
        h.StubToken();
        h.StubJson("GET", SalesforceHarness.DataPath + "/query", 200, Page(done: true, null));

        var result = await h.Connector.PollAsync(CrmObject.Account, Watermark.Start, 500, CancellationToken.None);

        var request = Assert.Single(h.Requests());
        Assert.Equal(
            $"SELECT {AccountFields} FROM Account WHERE SystemModstamp >= 1970-01-01T00:00:00.000Z AND SystemModstamp < 2026-01-05T08:59:55.000Z ORDER BY SystemModstamp, Id LIMIT 500",
            SalesforceHarness.Soql(request));
        Assert.Equal(SalesforceHarness.DataPath + "/query", request.RequestMessage!.Path);
        Assert.Contains("%20FROM%20Account%20WHERE%20SystemModstamp%20%3E%3D%201970-01-01T00%3A00%3A00.000Z%20", request.RequestMessage.RawQuery, StringComparison.Ordinal);
        Assert.Equal("batchSize=500", SalesforceHarness.Header(request, "Sforce-Query-Options"));
        Assert.Empty(result.Records);
        Assert.Equal(Watermark.Start, result.Next);
        Assert.False(result.HasMore);
    }

    [Fact]
    public async Task Poll_FromAWatermark_BreaksTheTimestampTieById()
    {
        await using var h = SalesforceHarness.Start();
        h.StubToken();
        h.StubJson("GET", SalesforceHarness.DataPath + "/query", 200, Page(done: true, null));

        await h.Connector.PollAsync(CrmObject.Person, new Watermark(T1.AddTicks(1234567), Lead2[..15]), 50, CancellationToken.None);

        var soql = SalesforceHarness.Soql(Assert.Single(h.Requests()));
        Assert.EndsWith(
            $" FROM Lead WHERE (SystemModstamp > 2026-01-05T08:00:00.123Z OR (SystemModstamp = 2026-01-05T08:00:00.123Z AND Id > '{Lead2}')) AND SystemModstamp < 2026-01-05T08:59:55.000Z ORDER BY SystemModstamp, Id LIMIT 50",
            soql,
            StringComparison.Ordinal);
        Assert.Equal("batchSize=200", SalesforceHarness.Header(Assert.Single(h.Requests()), "Sforce-Query-Options"));
    }

    [Fact]
    public async Task Poll_WatermarkWithinTheSettleTime_MakesNoCall()
    {
        await using var h = SalesforceHarness.Start((s, _) => s["Salesforce:PollSettleTime"] = "00:00:10");
        var since = new Watermark(new DateTimeOffset(2026, 1, 5, 8, 59, 50, TimeSpan.Zero), Lead2);

        var result = await h.Connector.PollAsync(CrmObject.Person, since, 50, CancellationToken.None);

        Assert.Empty(result.Records);
        Assert.Equal(since, result.Next);
        Assert.False(result.HasMore);
        Assert.Empty(h.Server.LogEntries);
    }

    [Fact]
    public async Task Poll_PagesAtAnEqualTimestamp_NeitherSkipNorRepeat()
    {
        await using var h = SalesforceHarness.Start();
        h.StubToken();
        h.Server.Given(Request.Create().WithPath(SalesforceHarness.DataPath + "/query").UsingGet()
                .WithParam("q", new WireMock.Matchers.WildcardMatcher("* >= 1970-01-01T00:00:00.000Z *")))
            .RespondWith(SalesforceHarness.Json(200, Page(done: true, null, Lead(Lead1, T1), Lead(Lead2, T1))));
        h.Server.Given(Request.Create().WithPath(SalesforceHarness.DataPath + "/query").UsingGet()
                .WithParam("q", new WireMock.Matchers.WildcardMatcher($"* WHERE (SystemModstamp > 2026-01-05T08:00:00.000Z OR (SystemModstamp = 2026-01-05T08:00:00.000Z AND Id > '{Lead2}')) AND *")))
            .RespondWith(SalesforceHarness.Json(200, Page(done: true, null, Lead(Lead3, T1), Lead(Lead4, T2))));

        var first = await h.Connector.PollAsync(CrmObject.Person, Watermark.Start, 2, CancellationToken.None);
        var second = await h.Connector.PollAsync(CrmObject.Person, first.Next, 2, CancellationToken.None);

        Assert.True(first.HasMore);
        Assert.Equal(new Watermark(T1, Lead2), first.Next);
        Assert.Equal(new Watermark(T2, Lead4), second.Next);
        Assert.Equal([Lead1, Lead2, Lead3, Lead4], first.Records.Concat(second.Records).Select(r => r.Id));
        Assert.Equal([T1, T1, T1, T2], first.Records.Concat(second.Records).Select(r => r.ModifiedAt));
    }

    [Fact]
    public async Task Poll_ServerRepeatsTheWatermarkRecord_DropsIt()
    {
        await using var h = SalesforceHarness.Start();
        h.StubToken();
        h.StubJson("GET", SalesforceHarness.DataPath + "/query", 200, Page(done: true, null, Lead(Lead1, T1), Lead(Lead2, T1), Lead(Lead3, T1)));

        var result = await h.Connector.PollAsync(CrmObject.Person, new Watermark(T1, Lead2), 3, CancellationToken.None);

        Assert.Equal([Lead3], result.Records.Select(r => r.Id));
        Assert.Equal(new Watermark(T1, Lead3), result.Next);
        Assert.True(result.HasMore);
    }

    [Fact]
    public async Task Poll_MoreThanOnePage_FollowsNextRecordsUrlWithTheSameHeader()
    {
        await using var h = SalesforceHarness.Start();
        h.StubToken();
        h.StubJson("GET", SalesforceHarness.DataPath + "/query", 200, Page(done: false, "/services/data/v62.0/query/01gRO0000016PIAYA2-2000", Lead(Lead1, T1), Lead(Lead2, T1)));
        h.StubJson("GET", SalesforceHarness.DataPath + "/query/01gRO0000016PIAYA2-2000", 200, Page(done: false, "/services/data/v62.0/query/01gRO0000016PIAYA2-4000", Lead(Lead3, T1)));
        h.StubJson("GET", SalesforceHarness.DataPath + "/query/01gRO0000016PIAYA2-4000", 200, Page(done: true, null, Lead(Lead4, T2)));

        var result = await h.Connector.PollAsync(CrmObject.Person, Watermark.Start, 5000, CancellationToken.None);

        var requests = h.Requests();
        Assert.Equal(
            [SalesforceHarness.DataPath + "/query", SalesforceHarness.DataPath + "/query/01gRO0000016PIAYA2-2000", SalesforceHarness.DataPath + "/query/01gRO0000016PIAYA2-4000"],
            requests.Select(r => r.RequestMessage!.Path));
        Assert.All(requests, r => Assert.Equal("batchSize=2000", SalesforceHarness.Header(r, "Sforce-Query-Options")));
        Assert.Equal([Lead1, Lead2, Lead3, Lead4], result.Records.Select(r => r.Id));
        Assert.False(result.HasMore);
        Assert.Equal(new Watermark(T2, Lead4), result.Next);
    }

    [Fact]
    public async Task Poll_NextRecordsUrlOffTheApi_IsNotFollowed()
    {
        await using var h = SalesforceHarness.Start();
        h.StubToken();
        h.StubJson("GET", SalesforceHarness.DataPath + "/query", 200, Page(done: false, "https://elsewhere.example/steal", Lead(Lead1, T1)));

        var error = await Assert.ThrowsAnyAsync<HttpRequestException>(() => h.Connector.PollAsync(CrmObject.Person, Watermark.Start, 10, CancellationToken.None));

        Assert.Contains("nextRecordsUrl outside /services/data/", error.Message, StringComparison.Ordinal);
        Assert.Single(h.Requests());
    }

    [Fact]
    public async Task Poll_Record_IsRenderedAsInvariantStringsWith18CharIds()
    {
        await using var h = SalesforceHarness.Start();
        h.StubToken();
        var owner15 = "005000000000001";
        h.StubJson("GET", SalesforceHarness.DataPath + "/query", 200, Page(done: true, null, $$"""
            {"attributes":{"type":"Lead","url":"/services/data/v62.0/sobjects/Lead/{{Lead1}}"},
             "Id":"{{Lead1[..15]}}","OwnerId":"{{owner15}}","NumberOfEmployees":250,"AnnualRevenue":1500000.0,
             "IsConverted":false,"HasOptedOutOfEmail":true,"Email":null,"Company":"Acme 株式会社",
             "Owner":{"attributes":{"type":"User"},"Name":"Pat Lee"},
             "SystemModstamp":"2026-01-05T08:00:00.000+0000","TheModel_Recheck_At__c":"2026-02-01T00:00:00.000+0000"}
            """));

        var record = Assert.Single((await h.Connector.PollAsync(CrmObject.Person, Watermark.Start, 10, CancellationToken.None)).Records);

        Assert.Equal(Lead1, record.Id);
        Assert.Equal(T1, record.ModifiedAt);
        Assert.Equal(SalesforceIds.To18(owner15), record["OwnerId"]);
        Assert.Equal("250", record["NumberOfEmployees"]);
        Assert.Equal("1500000.0", record["AnnualRevenue"]);
        Assert.Equal("false", record["IsConverted"]);
        Assert.Equal("true", record["HasOptedOutOfEmail"]);
        Assert.Null(record["Email"]);
        Assert.True(record.Fields.ContainsKey("Email"));
        Assert.Equal("Acme 株式会社", record["Company"]);
        Assert.Equal("Pat Lee", record["Owner.Name"]);
        Assert.Equal("2026-02-01T00:00:00.000+0000", record["TheModel_Recheck_At__c"]);
        Assert.Equal("2026-01-05T08:00:00.000+0000", record["SystemModstamp"]);
        Assert.False(record.Fields.ContainsKey("attributes"));
        Assert.DoesNotContain(record.Fields.Keys, k => k.Contains("attributes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Poll_RecordWithoutSystemModstamp_IsAnError()
    {
        await using var h = SalesforceHarness.Start();
        h.StubToken();
        h.StubJson("GET", SalesforceHarness.DataPath + "/query", 200, Page(done: true, null, $$"""{"Id":"{{Lead1}}"}"""));

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => h.Connector.PollAsync(CrmObject.Person, Watermark.Start, 10, CancellationToken.None));

        Assert.Equal($"Salesforce returned record {Lead1} without a readable SystemModstamp, was ''.", error.Message);
    }

    [Fact]
    public async Task Poll_MalformedQuery_ThrowsWithTheSalesforceError()
    {
        await using var h = SalesforceHarness.Start();
        h.StubToken();
        h.StubJson("GET", SalesforceHarness.DataPath + "/query", 400, """[{"message":"No such column 'Foo__c' on entity 'Lead'.","errorCode":"INVALID_FIELD"}]""");

        var error = await Assert.ThrowsAnyAsync<HttpRequestException>(() => h.Connector.PollAsync(CrmObject.Person, Watermark.Start, 10, CancellationToken.None));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.StartsWith("Salesforce query 'SELECT ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("' failed with HTTP 400: INVALID_FIELD: No such column 'Foo__c' on entity 'Lead'.", error.Message, StringComparison.Ordinal);
        Assert.Single(h.Requests());
    }

    [Fact]
    public async Task Poll_ServerError_IsRetriedByTheResiliencePipeline()
    {
        await using var h = SalesforceHarness.Start();
        h.StubToken();
        h.Server.Given(Request.Create().WithPath(SalesforceHarness.DataPath + "/query").UsingGet())
            .InScenario("flaky").WillSetStateTo("up")
            .RespondWith(SalesforceHarness.Json(503, """[{"message":"Server unavailable","errorCode":"SERVER_UNAVAILABLE"}]"""));
        h.Server.Given(Request.Create().WithPath(SalesforceHarness.DataPath + "/query").UsingGet())
            .InScenario("flaky").WhenStateIs("up")
            .RespondWith(SalesforceHarness.Json(200, Page(done: true, null, Lead(Lead1, T1))));

        var result = await h.RunWithClockAsync(() => h.Connector.PollAsync(CrmObject.Person, Watermark.Start, 10, CancellationToken.None), TimeSpan.FromSeconds(1));

        Assert.Equal([Lead1], result.Records.Select(r => r.Id));
        Assert.Equal(2, h.Requests().Count);
    }

    [Fact]
    public async Task Read_ManyIds_SplitsIntoQueriesUnder16KbAndNormalizesIds()
    {
        await using var h = SalesforceHarness.Start();
        h.StubToken();
        h.StubJson("GET", SalesforceHarness.DataPath + "/query", 200, Page(done: true, null));
        var ids = Enumerable.Range(1, 1500).Select(i => SalesforceIds.To18("001" + i.ToString("D12", System.Globalization.CultureInfo.InvariantCulture))).ToList();
        var asked = ids.Select((id, i) => i % 2 == 0 ? id[..15] : id).Append("not-an-id").Append(ids[0]).ToList();

        await h.Connector.ReadAsync(CrmObject.Account, asked, CancellationToken.None);

        var requests = h.Requests();
        Assert.Equal(3, requests.Count);
        Assert.All(requests, r => Assert.True(r.RequestMessage!.AbsoluteUrl.Length < 16_000, $"URL of {r.RequestMessage.AbsoluteUrl.Length} characters"));
        var queried = requests.SelectMany(r => InList(SalesforceHarness.Soql(r))).ToList();
        Assert.Equal(ids.Order(StringComparer.Ordinal), queried.Order(StringComparer.Ordinal));
        Assert.StartsWith($"SELECT {AccountFields} FROM Account WHERE Id IN ('{ids[0]}','{ids[1]}',", SalesforceHarness.Soql(requests[0]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_RecordsFound_AreReturnedAndMissingOnesAbsent()
    {
        await using var h = SalesforceHarness.Start();
        h.StubToken();
        h.StubJson("GET", SalesforceHarness.DataPath + "/query", 200, Page(done: true, null, Lead(Lead1, T1)));

        var records = await h.Connector.ReadAsync(CrmObject.Person, [Lead1, Lead2], CancellationToken.None);

        Assert.Equal([Lead1], records.Select(r => r.Id));
        Assert.EndsWith($" FROM Lead WHERE Id IN ('{Lead1}','{Lead2}')", SalesforceHarness.Soql(Assert.Single(h.Requests())), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_NoValidIds_MakesNoCall()
    {
        await using var h = SalesforceHarness.Start();

        Assert.Empty(await h.Connector.ReadAsync(CrmObject.Person, ["x", ""], CancellationToken.None));
        Assert.Empty(h.Server.LogEntries);
    }

    [Fact]
    public async Task ReadOwners_UsersAndQueues_AreBothListed()
    {
        await using var h = SalesforceHarness.Start();
        h.StubToken();
        var user1 = SalesforceIds.To18("005000000000001");
        var user2 = SalesforceIds.To18("005000000000002");
        var queue = SalesforceIds.To18("00G000000000001");
        h.Server.Given(Request.Create().WithPath(SalesforceHarness.DataPath + "/query").UsingGet().WithParam("q", "SELECT Id, Name, Email, IsActive FROM User"))
            .RespondWith(SalesforceHarness.Json(200, Page(done: true, null,
                $$"""{"attributes":{"type":"User"},"Id":"{{user1}}","Name":"Pat Lee","Email":"pat@acme.example","IsActive":true}""",
                $$"""{"attributes":{"type":"User"},"Id":"{{user2}}","Name":"Sam Roe","Email":"sam@acme.example","IsActive":false}""")));
        h.Server.Given(Request.Create().WithPath(SalesforceHarness.DataPath + "/query").UsingGet().WithParam("q", "SELECT Id, Name FROM Group WHERE Type = 'Queue'"))
            .RespondWith(SalesforceHarness.Json(200, Page(done: true, null,
                $$"""{"attributes":{"type":"Group"},"Id":"{{queue[..15]}}","Name":"Inbound JP"}""")));

        var owners = await h.Connector.ReadOwnersAsync(CancellationToken.None);

        Assert.Equal(
            [
                new CrmOwner(user1, "pat@acme.example", "Pat Lee", true, false),
                new CrmOwner(user2, "sam@acme.example", "Sam Roe", false, false),
                new CrmOwner(queue, null, "Inbound JP", true, true),
            ],
            owners);
        Assert.Equal(2, h.Requests().Count);
    }

    internal static string Lead(string id, DateTimeOffset modified) =>
        $$"""{"attributes":{"type":"Lead","url":"/services/data/v62.0/sobjects/Lead/{{id}}"},"Id":"{{id}}","Status":"Open - Not Contacted","SystemModstamp":"{{SalesforceHarness.Ts(modified)}}"}""";

    internal static string Page(bool done, string? next, params string[] records) =>
        $$"""{"totalSize":{{records.Length}},"done":{{(done ? "true" : "false")}},{{(next is null ? string.Empty : $"\"nextRecordsUrl\":\"{next}\",")}}"records":[{{string.Join(",", records)}}]}""";

    private static IEnumerable<string> InList(string soql)
    {
        var start = soql.IndexOf("IN (", StringComparison.Ordinal) + 4;
        return soql[start..^1].Split(',').Select(s => s.Trim('\''));
    }
}

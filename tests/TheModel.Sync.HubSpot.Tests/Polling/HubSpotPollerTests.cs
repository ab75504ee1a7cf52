using System.Globalization;
using System.Text.Json.Nodes;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;
using TheModel.Sync.HubSpot.Api;
using TheModel.Sync.HubSpot.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace TheModel.Sync.HubSpot.Tests.Polling;

/// <remarks>
/// Guards the two ways search-based polling goes wrong: paging past the 10,000-result ceiling (HubSpot answers 400)
/// and looping or skipping when many records share one timestamp (search sorts by one property only, so their ids
/// come back in no order). The emulator scrambles ties and enforces both limits on the fake clock.
/// </remarks>
public sealed class HubSpotPollerTests
{
    private static readonly long T0 = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static readonly CrmSchema Schema = CrmSchema.Default(CrmKind.HubSpot);

    [Theory]
    [InlineData(CrmObject.Person, "contacts", "lastmodifieddate")]
    [InlineData(CrmObject.Account, "companies", "hs_lastmodifieddate")]
    [InlineData(CrmObject.Opportunity, "deals", "hs_lastmodifieddate")]
    [InlineData(CrmObject.Task, "tasks", "hs_lastmodifieddate")]
    public async Task PollAsync_OnePage_SendsTheExactSearchAndMapsRecords(CrmObject obj, string objectType, string modified)
    {
        await using var host = HubSpotTestHost.Start();
        var page = new JsonObject
        {
            ["total"] = 2,
            ["results"] = new JsonArray(
                Replies.Object("512", (modified, "2026-11-02T09:30:12.345Z"), ("email", "a@example.com"), ("jobtitle", null)),
                Replies.Object("513", (modified, "2026-11-02T09:30:12.346Z"))),
        };
        host.Server.Given(Request.Create().WithPath($"/crm/v3/objects/{objectType}/search").UsingPost())
            .RespondWith(Replies.JsonResponse(200, page.ToJsonString()));
        host.Server.Given(Request.Create().WithPath("/crm/v4/associations/deals/companies/batch/read").UsingPost())
            .RespondWith(Response.Create().WithCallback(r => Replies.DealCompanies(r, id => id == "512" ? [9001] : [])));
        var since = new Watermark(DateTimeOffset.FromUnixTimeMilliseconds(T0), "7");

        var result = await host.RunAsync((c, ct) => c.PollAsync(obj, since, 500, ct));

        var request = Assert.Single(host.Requests("/search"));
        Assert.Equal($"/crm/v3/objects/{objectType}/search", request.RequestMessage!.Path);
        Assert.Equal("POST", request.RequestMessage.Method);
        Assert.Equal("Bearer " + HubSpotTestHost.Token, request.RequestMessage.Headers!["Authorization"].Single());
        var expected = new JsonObject
        {
            ["filterGroups"] = Json($$"""[{"filters":[{"propertyName":"{{modified}}","operator":"GTE","value":"{{T0}}"}]}]"""),
            ["sorts"] = Json($$"""[{"propertyName":"{{modified}}","direction":"ASCENDING"}]"""),
            ["properties"] = new JsonArray([.. Schema.ReadFields(obj).Where(f => f != CrmSchema.HubSpotDealCompanyField).Select(f => (JsonNode)f)]),
            ["limit"] = 200,
        };
        AssertJson(expected, HubSpotTestHost.Body(request));
        Assert.DoesNotContain(CrmSchema.HubSpotDealCompanyField, request.RequestMessage.Body, StringComparison.Ordinal);
        if (obj == CrmObject.Opportunity)
        {
            // The deal's company comes from one association batch read of the polled deals, never from a property.
            var associations = Assert.Single(host.Requests("/crm/v4/associations/deals/companies/batch/read"));
            Assert.Equal("""{"inputs":[{"id":"512"},{"id":"513"}]}""", associations.RequestMessage!.Body);
            Assert.Equal(["9001", null], result.Records.Select(r => r[CrmSchema.HubSpotDealCompanyField]));
        }
        else
        {
            Assert.Single(host.Requests());
            Assert.All(result.Records, r => Assert.False(r.Fields.ContainsKey(CrmSchema.HubSpotDealCompanyField)));
        }

        Assert.Equal(["512", "513"], result.Records.Select(r => r.Id));
        Assert.Equal("a@example.com", result.Records[0]["email"]);
        Assert.True(result.Records[0].Fields.ContainsKey("jobtitle"));
        Assert.Null(result.Records[0]["jobtitle"]);
        Assert.Equal(DateTimeOffset.Parse("2026-11-02T09:30:12.346Z", CultureInfo.InvariantCulture), result.Records[1].ModifiedAt);
        Assert.Equal(new Watermark(result.Records[1].ModifiedAt, "513"), result.Next);
        Assert.False(result.HasMore);
    }

    [Fact]
    public async Task PollAsync_10500Matches_StartsEveryPageAfterTheLastCompleteTimestampAndReadsEachRecordOnce()
    {
        await using var host = HubSpotTestHost.Start();

        // Three records per millisecond, so timestamp groups straddle page boundaries.
        var records = Enumerable.Range(1, 10_500).Select(i => ((long)i, T0 + 1 + ((i - 1) / 3))).ToList();
        var search = new SearchEmulator("lastmodifieddate", records, host.Time).Register(host.Server, "contacts");
        var since = new Watermark(DateTimeOffset.FromUnixTimeMilliseconds(T0), null);

        var result = await host.RunAsync((c, ct) => c.PollAsync(CrmObject.Person, since, 20_000, ct));

        Assert.Equal(0, search.CeilingViolations);
        Assert.Equal(0, search.SecondlyViolations);
        Assert.Equal(records.Select(r => r.Item1.ToString(CultureInfo.InvariantCulture)), result.Records.Select(r => r.Id));
        Assert.False(result.HasMore);
        Assert.Equal("10500", result.Next.LastId);
        Assert.All(search.Bodies, b => Assert.Null(b["after"]));

        // A page of 200 holds 66 whole milliseconds and 2 records of the 67th, which the next page reads again whole.
        Assert.Equal("GTE", Operator(search.Bodies[0], 0));
        for (var page = 1; page < search.Bodies.Count; page++)
        {
            Assert.Equal("GT", Operator(search.Bodies[page], 0));
            Assert.Equal(Ms(T0 + (66 * page)), (string)search.Bodies[page]["filterGroups"]![0]!["filters"]![0]!["value"]!);
        }

        Assert.Equal(54, search.Bodies.Count);

        // Four searches a second at most: 54 searches take at least 13 seconds of (fake) time.
        Assert.True(host.Time.GetUtcNow() - new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero) >= TimeSpan.FromSeconds(13));
    }

    [Fact]
    public async Task PollAsync_450RecordsShareOneTimestamp_ReadsThatTimestampByIdThenContinuesAfterIt()
    {
        await using var host = HubSpotTestHost.Start();
        var tie = T0 + 100;
        var records = SharedTimestampRecords(tie);
        var search = new SearchEmulator("lastmodifieddate", records, host.Time).Register(host.Server, "contacts");
        var since = new Watermark(DateTimeOffset.FromUnixTimeMilliseconds(T0), null);

        var result = await host.RunAsync((c, ct) => c.PollAsync(CrmObject.Person, since, 5_000, ct));

        Assert.Equal(ExpectedOrder(records), result.Records.Select(r => r.Id));
        Assert.False(result.HasMore);
        var tieQuery = Assert.Single(search.Bodies, b => Operator(b, 0) == "EQ" && Operator(b, 1) is null);
        AssertJson(Json($$"""[{"filters":[{"propertyName":"lastmodifieddate","operator":"EQ","value":"{{tie}}"}]}]"""), tieQuery["filterGroups"]!);
        AssertJson(Json("""[{"propertyName":"hs_object_id","direction":"ASCENDING"}]"""), tieQuery["sorts"]!);

        // The tie's next pages start after the last id released: its 200th and 400th ids.
        var afterIds = search.Bodies.Where(b => Operator(b, 1) == "GT").Select(b => (string)b["filterGroups"]![0]!["filters"]![1]!["value"]!);
        Assert.Equal([Ms(20_000 + (200 * 7)), Ms(20_000 + (400 * 7))], afterIds);
        var continued = search.Bodies[^1];
        AssertJson(Json($$"""[{"filters":[{"propertyName":"lastmodifieddate","operator":"GT","value":"{{tie}}"}]}]"""), continued["filterGroups"]!);
        Assert.All(search.Bodies, b => Assert.Null(b["after"]));

        // Two pages by time, three by id at the shared timestamp, one after it.
        Assert.Equal(6, search.Bodies.Count);
    }

    [Fact]
    public async Task PollAsync_SharedTimestampAcrossSmallPolls_ResumesAfterTheLastIdWithoutRepeatsOrGaps()
    {
        await using var host = HubSpotTestHost.Start();
        var tie = T0 + 100;
        var records = SharedTimestampRecords(tie);
        var search = new SearchEmulator("lastmodifieddate", records, host.Time).Register(host.Server, "contacts");
        var watermark = new Watermark(DateTimeOffset.FromUnixTimeMilliseconds(T0), null);
        var seen = new List<string>();

        for (var poll = 0; poll < 20; poll++)
        {
            var since = watermark;
            var result = await host.RunAsync((c, ct) => c.PollAsync(CrmObject.Person, since, 100, ct));
            Assert.True(result.Records.Count <= 100);
            seen.AddRange(result.Records.Select(r => r.Id));
            watermark = result.Next;
            if (!result.HasMore)
            {
                break;
            }
        }

        Assert.Equal(ExpectedOrder(records), seen);
        Assert.Equal(0, search.CeilingViolations);
        Assert.Contains(search.Bodies, b => Operator(b, 0) == "EQ" && Operator(b, 1) == "GT"
            && (string)b["filterGroups"]![0]!["filters"]![1]!["propertyName"]! == "hs_object_id");
    }

    [Fact]
    public async Task PollAsync_MoreRecordsShareOneTimestampThanTheCeiling_StartsEachPageAfterTheLastIdWithoutOffsets()
    {
        await using var host = HubSpotTestHost.Start();
        var tie = T0 + 5;
        var records = Enumerable.Range(1, 10_300).Select(i => ((long)i * 3, tie)).ToList();
        var search = new SearchEmulator("hs_lastmodifieddate", records, host.Time).Register(host.Server, "deals");
        host.Server.Given(Request.Create().WithPath("/crm/v4/associations/deals/companies/batch/read").UsingPost())
            .RespondWith(Response.Create().WithCallback(r => Replies.DealCompanies(r, _ => [])));

        var result = await host.RunAsync((c, ct) => c.PollAsync(CrmObject.Opportunity, new Watermark(DateTimeOffset.FromUnixTimeMilliseconds(T0), null), 20_000, ct));

        Assert.Equal(records.Select(r => r.Item1.ToString(CultureInfo.InvariantCulture)), result.Records.Select(r => r.Id));
        Assert.Equal(0, search.CeilingViolations);
        Assert.All(search.Bodies, b => Assert.Null(b["after"]));
        var afterIds = search.Bodies.Where(b => Operator(b, 0) == "EQ" && Operator(b, 1) == "GT").Select(b => (string)b["filterGroups"]![0]!["filters"]![1]!["value"]!);
        Assert.Equal(Enumerable.Range(1, 51).Select(page => Ms(page * 200 * 3)), afterIds);
        Assert.False(result.HasMore);
    }

    [Fact]
    public async Task PollAsync_WatermarkInsideATimestamp_SkipsIdsUpToItAndOrdersTheRestNumerically()
    {
        await using var host = HubSpotTestHost.Start();
        var tie = T0 + 50;
        (long, long)[] records = [(5, tie), (7, tie), (9, tie), (11, tie), (100, tie + 1), (4, T0 + 10)];
        new SearchEmulator("lastmodifieddate", records, host.Time).Register(host.Server, "contacts");

        var result = await host.RunAsync((c, ct) => c.PollAsync(CrmObject.Person, new Watermark(DateTimeOffset.FromUnixTimeMilliseconds(tie), "7"), 10, ct));

        Assert.Equal(["9", "11", "100"], result.Records.Select(r => r.Id));
        Assert.Equal("100", result.Next.LastId);
    }

    [Fact]
    public async Task PollAsync_MaxRecordsInsideATimestampGroup_StopsWithAWatermarkThatResumesExactly()
    {
        await using var host = HubSpotTestHost.Start();
        (long, long)[] records = [(30, T0 + 1), (10, T0 + 1), (20, T0 + 1), (40, T0 + 2)];
        new SearchEmulator("lastmodifieddate", records, host.Time).Register(host.Server, "contacts");

        var first = await host.RunAsync((c, ct) => c.PollAsync(CrmObject.Person, Watermark.Start, 2, ct));
        var second = await host.RunAsync((c, ct) => c.PollAsync(CrmObject.Person, first.Next, 2, ct));

        Assert.Equal(["10", "20"], first.Records.Select(r => r.Id));
        Assert.True(first.HasMore);
        Assert.Equal(new Watermark(DateTimeOffset.FromUnixTimeMilliseconds(T0 + 1), "20"), first.Next);
        Assert.Equal(["30", "40"], second.Records.Select(r => r.Id));
        Assert.False(second.HasMore);
    }

    [Fact]
    public async Task PollAsync_NothingNew_ReturnsTheSameWatermark()
    {
        await using var host = HubSpotTestHost.Start();
        new SearchEmulator("lastmodifieddate", [], host.Time).Register(host.Server, "contacts");
        var since = new Watermark(DateTimeOffset.FromUnixTimeMilliseconds(T0), "12");

        var result = await host.RunAsync((c, ct) => c.PollAsync(CrmObject.Person, since, 10, ct));

        Assert.Empty(result.Records);
        Assert.Equal(since, result.Next);
        Assert.False(result.HasMore);
    }

    [Fact]
    public async Task PollAsync_InvalidToken_ThrowsAClearErrorWithoutRetryingOrLoggingTheToken()
    {
        await using var host = HubSpotTestHost.Start();
        host.Server.Given(Request.Create().WithPath("/crm/v3/objects/contacts/search").UsingPost())
            .RespondWith(Replies.JsonResponse(401, Replies.Unauthorized));

        var error = await Assert.ThrowsAsync<HubSpotApiException>(() =>
            host.RunAsync((c, ct) => c.PollAsync(CrmObject.Person, Watermark.Start, 10, ct)));

        Assert.StartsWith(
            "HubSpot search of contacts failed: 401 INVALID_AUTHENTICATION: Authentication credentials not found.",
            error.Message,
            StringComparison.Ordinal);
        Assert.Contains("(correlation id 4f1e2d3c-5b6a-4798-8a9b-0c1d2e3f4a5b). Check HubSpot:AccessToken", error.Message, StringComparison.Ordinal);
        Assert.True(error.IsAuthentication);
        Assert.Single(host.Requests());
        Assert.DoesNotContain(host.Logs.Entries, e => e.Message.Contains(HubSpotTestHost.Token, StringComparison.Ordinal));
    }

    private static List<(long Id, long Ms)> SharedTimestampRecords(long tie) =>
    [
        .. Enumerable.Range(1, 50).Select(i => ((long)(10_000 + i), T0 + i)),
        .. Enumerable.Range(1, 450).Select(i => ((long)(20_000 + (i * 7)), tie)),
        .. Enumerable.Range(1, 50).Select(i => ((long)(30_000 + i), tie + i)),
    ];

    private static IEnumerable<string> ExpectedOrder(IEnumerable<(long Id, long Ms)> records) =>
        records.OrderBy(r => r.Ms).ThenBy(r => r.Id).Select(r => r.Id.ToString(CultureInfo.InvariantCulture));

    private static string? Operator(JsonNode body, int filter) =>
        body["filterGroups"]![0]!["filters"]!.AsArray().Count > filter ? (string?)body["filterGroups"]![0]!["filters"]![filter]!["operator"] : null;

    private static string Ms(long ms) => ms.ToString(CultureInfo.InvariantCulture);

    private static JsonNode Json(string json) => JsonNode.Parse(json)!;

    private static void AssertJson(JsonNode expected, JsonNode actual) =>
        Assert.True(JsonNode.DeepEquals(expected, actual), $"Expected {expected.ToJsonString()}\nActual   {actual.ToJsonString()}");
}

using System.Text.Json.Nodes;
using TheModel.Sync.Simulators.HubSpot;

namespace TheModel.Sync.Simulators.Tests.HubSpot;

public class HubSpotSearchTests
{
    // Five contacts; their emails name them in the expectations below.
    private static void Seed(HubSpotHarness hs)
    {
        hs.CreateContact("ann@acme.com", ("firstname", "Ann"), ("annualrevenue", "900"), ("lifecyclestage", "lead"), ("createdate", "2024-01-01T00:00:00Z"));
        hs.CreateContact("bob@acme.com", ("firstname", "Bob"), ("annualrevenue", "1000"), ("lifecyclestage", "customer"), ("createdate", "2024-02-01T00:00:00Z"));
        hs.CreateContact("cat@other.org", ("firstname", "Cat"), ("annualrevenue", "25000"), ("lifecyclestage", "lead"), ("createdate", "2024-03-01T00:00:00Z"));
        hs.CreateContact("dan@other.org", ("firstname", "Dan Smith"), ("lifecyclestage", "opportunity"), ("createdate", "2024-04-01T00:00:00Z"));
        hs.CreateContact("eve@acme.com", ("firstname", "Eve"), ("annualrevenue", "1000.5"), ("createdate", "2024-05-01T00:00:00Z"));
    }

    [Theory]
    [InlineData("""[{"filters":[{"propertyName":"lifecyclestage","operator":"EQ","value":"LEAD"}]}]""", "ann,cat")]
    [InlineData("""[{"filters":[{"propertyName":"lifecyclestage","operator":"NEQ","value":"lead"}]}]""", "bob,dan")]
    [InlineData("""[{"filters":[{"propertyName":"annualrevenue","operator":"LT","value":"1000"}]}]""", "ann")]
    [InlineData("""[{"filters":[{"propertyName":"annualrevenue","operator":"LTE","value":"1000"}]}]""", "ann,bob")]
    [InlineData("""[{"filters":[{"propertyName":"annualrevenue","operator":"GT","value":"1000"}]}]""", "cat,eve")]
    [InlineData("""[{"filters":[{"propertyName":"annualrevenue","operator":"GTE","value":1000}]}]""", "bob,cat,eve")]
    [InlineData("""[{"filters":[{"propertyName":"annualrevenue","operator":"BETWEEN","value":"950","highValue":"1000.5"}]}]""", "bob,eve")]
    [InlineData("""[{"filters":[{"propertyName":"lifecyclestage","operator":"IN","values":["customer","opportunity"]}]}]""", "bob,dan")]
    [InlineData("""[{"filters":[{"propertyName":"lifecyclestage","operator":"NOT_IN","values":["lead"]}]}]""", "bob,dan")]
    [InlineData("""[{"filters":[{"propertyName":"annualrevenue","operator":"HAS_PROPERTY"}]}]""", "ann,bob,cat,eve")]
    [InlineData("""[{"filters":[{"propertyName":"lifecyclestage","operator":"NOT_HAS_PROPERTY"}]}]""", "eve")]
    [InlineData("""[{"filters":[{"propertyName":"email","operator":"CONTAINS_TOKEN","value":"*@other.org"}]}]""", "cat,dan")]
    [InlineData("""[{"filters":[{"propertyName":"firstname","operator":"CONTAINS_TOKEN","value":"smith"}]}]""", "dan")]
    [InlineData("""[{"filters":[{"propertyName":"firstname","operator":"NOT_CONTAINS_TOKEN","value":"smith"}]}]""", "ann,bob,cat,eve")]
    [InlineData("""[{"filters":[{"propertyName":"createdate","operator":"GTE","value":"1709251200000"}]}]""", "cat,dan,eve")]
    [InlineData("""[{"filters":[{"propertyName":"createdate","operator":"BETWEEN","value":"2024-02-01T00:00:00.000Z","highValue":"1709251200000"}]}]""", "bob,cat")]
    [InlineData("""[{"filters":[{"propertyName":"createdate","operator":"LT","value":"2024-02-01"}]}]""", "ann")]
    [InlineData("""[{"filters":[{"propertyName":"lifecyclestage","operator":"EQ","value":"lead"},{"propertyName":"annualrevenue","operator":"GT","value":"1000"}]}]""", "cat")]
    [InlineData("""[{"filters":[{"propertyName":"firstname","operator":"EQ","value":"ann"}]},{"filters":[{"propertyName":"firstname","operator":"EQ","value":"eve"}]}]""", "ann,eve")]
    [InlineData("""[]""", "ann,bob,cat,dan,eve")]
    public async Task Search_Filters_MatchHubSpotSemantics(string filterGroups, string expected)
    {
        await using var hs = await HubSpotHarness.StartAsync();
        Seed(hs);

        var answer = await hs.PostAsync("crm/v3/objects/contacts/search", $$"""{"filterGroups":{{filterGroups}},"properties":["email"],"limit":100}""");

        Assert.Equal(200, answer.Code);
        var names = answer.Body["results"]!.AsArray().Select(r => r!["properties"]!["email"]!.GetValue<string>().Split('@')[0]);
        Assert.Equal(expected, string.Join(",", names));
        Assert.Equal(expected.Split(',').Length, answer.Body["total"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("""{"sorts":[{"propertyName":"annualrevenue","direction":"DESCENDING"}]}""", "cat,eve,bob,ann,dan")]
    [InlineData("""{"sorts":[{"propertyName":"annualrevenue","direction":"ASCENDING"}]}""", "ann,bob,eve,cat,dan")]
    [InlineData("""{"sorts":["-createdate"]}""", "eve,dan,cat,bob,ann")]
    [InlineData("""{"sorts":["firstname","-createdate"]}""", "ann,bob,cat,dan,eve")]
    public async Task Search_Sort_HonoursTheFirstSortOnly(string sorts, string expected)
    {
        await using var hs = await HubSpotHarness.StartAsync();
        Seed(hs);
        var body = JsonNode.Parse(sorts)!.AsObject();
        body["properties"] = new JsonArray("email");

        var answer = await hs.PostAsync("crm/v3/objects/contacts/search", body.ToJsonString());

        Assert.Equal(expected, string.Join(",", answer.Body["results"]!.AsArray().Select(r => r!["properties"]!["email"]!.GetValue<string>().Split('@')[0])));
    }

    [Fact]
    public async Task Search_DefaultContactProperties_AreTheDocumentedSix()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        Seed(hs);

        var answer = await hs.PostAsync("crm/v3/objects/contacts/search", "{}");

        var properties = answer.Body["results"]![0]!["properties"]!.AsObject();
        Assert.Equal(["createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"], properties.Select(p => p.Key).Order());
    }

    [Fact]
    public async Task Search_Paging_UsesNumericOffsetsAndTotal()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        for (var i = 0; i < 25; i++)
        {
            hs.CreateContact($"p{i}@x.com");
        }

        var afters = new List<string?>();
        var seen = 0;
        string? after = null;
        do
        {
            var answer = await hs.PostAsync("crm/v3/objects/contacts/search", after is null ? """{"limit":10}""" : $$"""{"limit":10,"after":"{{after}}"}""");
            Assert.Equal(25, answer.Body["total"]!.GetValue<int>());
            seen += answer.Body["results"]!.AsArray().Count;
            after = answer.Body["paging"]?["next"]?["after"]?.GetValue<string>();
            afters.Add(after);
        }
        while (after is not null);

        Assert.Equal(["10", "20", null], afters);
        Assert.Equal(25, seen);
    }

    [Fact]
    public async Task Search_DefaultLimit_IsTen()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        for (var i = 0; i < 12; i++)
        {
            hs.CreateContact($"p{i}@x.com");
        }

        var answer = await hs.PostAsync("crm/v3/objects/contacts/search", "{}");

        Assert.Equal(10, answer.Body["results"]!.AsArray().Count);
        Assert.Equal("10", answer.Body["paging"]!["next"]!["after"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(9800, 200, 200)]
    [InlineData(9801, 200, 400)]
    [InlineData(10000, 10, 400)]
    public async Task Search_PagingPast10000_Answers400(int after, int limit, int expected)
    {
        await using var hs = await HubSpotHarness.StartAsync();

        var answer = await hs.PostAsync("crm/v3/objects/contacts/search", $$"""{"limit":{{limit}},"after":"{{after}}"}""");

        Assert.Equal(expected, answer.Code);
        if (expected == 400)
        {
            Assert.Equal("VALIDATION_ERROR", answer.Body["category"]!.GetValue<string>());
            Assert.StartsWith("Paging past 10000 results is not supported", answer.Body["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("""{"limit":201}""", "limit must be at most 200, was 201.")]
    [InlineData("""{"filterGroups":[{},{},{},{},{},{}]}""", "Too many filter groups: 6 given, at most 5 are allowed.")]
    [InlineData("""{"filterGroups":[{"filters":[F,F,F,F,F,F,F]}]}""", "Too many filters in filterGroups[0]: 7 given, at most 6 are allowed in one group.")]
    [InlineData("""{"filterGroups":[{"filters":[F,F,F,F,F,F]},{"filters":[F,F,F,F,F,F]},{"filters":[F,F,F,F,F,F]},{"filters":[F]}]}""", "Too many filters: more than 18 across all filter groups.")]
    [InlineData("""{"filterGroups":[{"filters":[{"propertyName":"email","operator":"LIKE","value":"x"}]}]}""", "Unknown operator \"LIKE\" in filterGroups[0].filters[0]; use one of EQ, NEQ, LT, LTE, GT, GTE, BETWEEN, IN, NOT_IN, HAS_PROPERTY, NOT_HAS_PROPERTY, CONTAINS_TOKEN, NOT_CONTAINS_TOKEN.")]
    [InlineData("""{"filterGroups":[{"filters":[{"propertyName":"hs_lastmodifieddatex","operator":"EQ","value":"x"}]}]}""", "Property \"hs_lastmodifieddatex\" does not exist")]
    public async Task Search_OverTheLimits_Answers400(string body, string message)
    {
        await using var hs = await HubSpotHarness.StartAsync();

        var answer = await hs.PostAsync("crm/v3/objects/contacts/search", body.Replace("F", """{"propertyName":"email","operator":"HAS_PROPERTY"}""", StringComparison.Ordinal));

        Assert.Equal(400, answer.Code);
        Assert.Equal(message, answer.Body["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Search_BodyOver3000Characters_Answers400()
    {
        await using var hs = await HubSpotHarness.StartAsync();

        var answer = await hs.PostAsync("crm/v3/objects/contacts/search", $$"""{"query":"{{new string('x', 3000)}}"}""");

        Assert.Equal(400, answer.Code);
    }

    [Fact]
    public async Task Search_SixthRequestInOneSecond_Answers429SecondlyWithoutRateHeaders()
    {
        await using var hs = await HubSpotHarness.StartAsync();

        var statuses = new List<int>();
        ApiAnswer last = null!;
        for (var i = 0; i < 6; i++)
        {
            last = await hs.PostAsync("crm/v3/objects/contacts/search", "{}");
            statuses.Add(last.Code);
        }

        Assert.Equal([200, 200, 200, 200, 200, 429], statuses);
        Assert.Equal("You have reached your secondly limit.", last.Body["message"]!.GetValue<string>());
        Assert.Equal("RATE_LIMITS", last.Body["category"]!.GetValue<string>());
        Assert.Equal("error", last.Body["status"]!.GetValue<string>());
        Assert.Null(last.Body["policyName"]);
        Assert.Null(last.Header("X-HubSpot-RateLimit-Max"));
        Assert.NotNull(last.Header("X-HubSpot-Correlation-Id"));
        Assert.Equal(1, hs.Simulator.Counters.SearchRateLimited);

        hs.FakeClock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(200, (await hs.PostAsync("crm/v3/objects/tasks/search", "{}")).Code);
    }

    [Fact]
    public async Task Search_DoesNotSpendTheTenSecondBurst()
    {
        await using var hs = await HubSpotHarness.StartAsync(o => new HubSpotSimulatorOptions { TimeProvider = o.TimeProvider, BurstLimit = 3 });

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(200, (await hs.PostAsync("crm/v3/objects/contacts/search", "{}")).Code);
        }

        var list = await hs.GetAsync("crm/v3/objects/contacts");
        Assert.Equal(200, list.Code);
        Assert.Equal("2", list.Header("X-HubSpot-RateLimit-Remaining"));
    }

    [Fact]
    public async Task Search_IndexDelay_HidesFreshWritesUntilItPasses()
    {
        await using var hs = await HubSpotHarness.StartAsync(o => new HubSpotSimulatorOptions { TimeProvider = o.TimeProvider, SearchIndexDelay = TimeSpan.FromSeconds(5) });
        await hs.PostAsync("crm/v3/objects/contacts", """{"properties":{"email":"new@x.com"}}""");

        var before = await hs.PostAsync("crm/v3/objects/contacts/search", "{}");
        hs.FakeClock.Advance(TimeSpan.FromSeconds(5));
        var after = await hs.PostAsync("crm/v3/objects/contacts/search", "{}");

        Assert.Equal(0, before.Body["total"]!.GetValue<int>());
        Assert.Equal(1, after.Body["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Search_ArchivedRecords_AreNotFound()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var id = hs.CreateContact("a@b.com");
        hs.Simulator.Archive("contacts", id);

        var answer = await hs.PostAsync("crm/v3/objects/contacts/search", "{}");

        Assert.Equal(0, answer.Body["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Search_PollByModifiedDate_FindsTouchedRecordsInOrder()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var a = hs.Simulator.Create("companies", new Dictionary<string, string?> { ["name"] = "A" });
        var b = hs.Simulator.Create("companies", new Dictionary<string, string?> { ["name"] = "B" });
        var cursor = hs.FakeClock.GetUtcNow().AddMilliseconds(1).ToUnixTimeMilliseconds();
        hs.FakeClock.Advance(TimeSpan.FromSeconds(2));
        hs.Simulator.Touch("companies", b, new Dictionary<string, string?> { ["name"] = "B2" });
        hs.FakeClock.Advance(TimeSpan.FromSeconds(2));
        hs.Simulator.Touch("companies", a, new Dictionary<string, string?> { ["name"] = "A2" });

        var answer = await hs.PostAsync("crm/v3/objects/companies/search", $$"""
            {"filterGroups":[{"filters":[{"propertyName":"hs_lastmodifieddate","operator":"GTE","value":"{{cursor}}"}]}],
             "sorts":[{"propertyName":"hs_lastmodifieddate","direction":"ASCENDING"}],"properties":["name","hs_lastmodifieddate"],"limit":200}
            """);

        Assert.Equal([b, a], answer.Body["results"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()));
    }
}

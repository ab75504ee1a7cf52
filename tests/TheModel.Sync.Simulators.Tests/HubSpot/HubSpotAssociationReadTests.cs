using System.Globalization;
using System.Text.Json.Nodes;
using TheModel.Sync.Simulators.HubSpot;

namespace TheModel.Sync.Simulators.Tests.HubSpot;

/// <remarks>
/// Reading associations back through v4: the list of one record's associations (paged with <c>limit</c>/<c>after</c>)
/// and the batch read, whose shape the connector's deal-to-company lookup depends on.
/// </remarks>
public sealed class HubSpotAssociationReadTests
{
    [Fact]
    public async Task V4List_MoreThanAPage_PagesOf500InIdOrderUntilNoPaging()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var company = Company(hs, "Big");
        var contacts = Enumerable.Range(0, 520).Select(i => hs.CreateContact($"p{i}@big.example")).ToList();

        // Associated in reverse creation order: the list still comes back in id order.
        foreach (var contact in Enumerable.Reverse(contacts))
        {
            hs.Simulator.Associate("companies", company, "contacts", contact, HubSpotAssociationTypes.CompanyToContact);
        }

        var first = await hs.GetAsync($"crm/v4/objects/companies/{company}/associations/contacts");
        var after = first.Body["paging"]!["next"]!["after"]!.GetValue<string>();
        var second = await hs.GetAsync($"crm/v4/objects/companies/{company}/associations/contacts?after={after}");

        Assert.Equal(200, first.Code);
        Assert.Equal(500, first.Body["results"]!.AsArray().Count);
        Assert.Equal(20, second.Body["results"]!.AsArray().Count);
        Assert.Null(second.Body["paging"]);
        Assert.Equal(contacts, Ids(first.Body["results"]!).Concat(Ids(second.Body["results"]!)));
        Assert.Contains("after=" + after, first.Body["paging"]!["next"]!["link"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task V4List_LimitAbove500OrSmall_IsCappedOrHonoured()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var company = Company(hs, "Big");
        foreach (var i in Enumerable.Range(0, 510))
        {
            hs.Simulator.Associate("companies", company, "contacts", hs.CreateContact($"p{i}@big.example"), HubSpotAssociationTypes.CompanyToContact);
        }

        var capped = await hs.GetAsync($"crm/v4/objects/companies/{company}/associations/contacts?limit=1000");
        var small = await hs.GetAsync($"crm/v4/objects/companies/{company}/associations/contacts?limit=7");

        Assert.Equal(500, capped.Body["results"]!.AsArray().Count);
        Assert.Equal(7, small.Body["results"]!.AsArray().Count);
        Assert.NotNull(small.Body["paging"]);
    }

    [Fact]
    public async Task V4List_CursorNotFromAPage_Answers400()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var company = Company(hs, "Acme");

        var answer = await hs.GetAsync($"crm/v4/objects/companies/{company}/associations/contacts?after=abc");

        Assert.Equal(400, answer.Code);
        Assert.Contains("\"abc\"", answer.Body["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task V4BatchRead_UnknownAndUnassociatedIds_Answers207WithTheOthersInVendorShape()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var deal = Deal(hs, "Renewal");
        var lonely = Deal(hs, "No company");
        var first = Company(hs, "Acme");
        var primary = Company(hs, "Acme Holdings");
        hs.Simulator.Associate("deals", deal, "companies", primary, HubSpotAssociationTypes.DealToCompany);
        hs.Simulator.Associate("deals", deal, "companies", primary, HubSpotAssociationTypes.PrimaryDealToCompany);
        hs.Simulator.Associate("deals", deal, "companies", first, HubSpotAssociationTypes.DealToCompany);

        var answer = await hs.PostAsync("crm/v4/associations/deals/companies/batch/read", $$"""
            {"inputs":[{"id":"{{deal}}"},{"id":"{{lonely}}"},{"id":"999999"}]}
            """);

        Assert.Equal(207, answer.Code);
        Assert.Equal("COMPLETE", answer.Body["status"]!.GetValue<string>());
        Assert.NotNull(answer.Body["startedAt"]);
        Assert.NotNull(answer.Body["completedAt"]);
        var result = Assert.Single(answer.Body["results"]!.AsArray())!;
        Assert.Equal(deal, result["from"]!["id"]!.GetValue<string>());
        Assert.Null(result["paging"]);
        var to = result["to"]!.AsArray();
        Assert.Equal([first, primary], Ids(to));
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""[{"category":"HUBSPOT_DEFINED","typeId":341,"label":null},{"category":"HUBSPOT_DEFINED","typeId":5,"label":"Primary"}]"""),
            to[1]!["associationTypes"]));
        Assert.Equal(2, answer.Body["numErrors"]!.GetValue<int>());
        var errors = answer.Body["errors"]!.AsArray();
        Assert.All(errors, e => Assert.Equal("OBJECT_NOT_FOUND", e!["category"]!.GetValue<string>()));
        Assert.Equal("999999", errors[0]!["context"]!["ids"]![0]!.GetValue<string>());
        Assert.Equal(lonely, errors[1]!["context"]!["fromObjectId"]![0]!.GetValue<string>());
        Assert.Equal("crm.associations.NO_ASSOCIATIONS_FOUND", errors[1]!["subCategory"]!.GetValue<string>());
    }

    [Fact]
    public async Task V4BatchRead_EveryIdAssociated_Answers200WithoutErrors()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var deals = Enumerable.Range(0, 3).Select(i => Deal(hs, "D" + i)).ToList();
        var company = Company(hs, "Acme");
        foreach (var deal in deals)
        {
            hs.Simulator.Associate("deals", deal, "companies", company, HubSpotAssociationTypes.DealToCompany);
        }

        var inputs = string.Join(',', deals.Select(d => $$"""{"id":"{{d}}"}"""));
        var answer = await hs.PostAsync("crm/v4/associations/deals/companies/batch/read", $$"""{"inputs":[{{inputs}}]}""");

        Assert.Equal(200, answer.Code);
        Assert.Null(answer.Body["errors"]);
        Assert.Equal(deals, answer.Body["results"]!.AsArray().Select(r => r!["from"]!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task V4BatchRead_InputWithAfter_ReadsThatInputsNextPage()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var company = Company(hs, "Big");
        var contacts = Enumerable.Range(0, 503).Select(i => hs.CreateContact($"p{i}@big.example")).ToList();
        foreach (var contact in contacts)
        {
            hs.Simulator.Associate("companies", company, "contacts", contact, HubSpotAssociationTypes.CompanyToContact);
        }

        var first = await hs.PostAsync("crm/v4/associations/companies/contacts/batch/read", $$"""{"inputs":[{"id":"{{company}}"}]}""");
        var after = first.Body["results"]![0]!["paging"]!["next"]!["after"]!.GetValue<string>();
        var second = await hs.PostAsync("crm/v4/associations/companies/contacts/batch/read", $$"""{"inputs":[{"id":"{{company}}","after":"{{after}}"}]}""");

        Assert.Equal(500, first.Body["results"]![0]!["to"]!.AsArray().Count);
        Assert.Equal(contacts[500..], Ids(second.Body["results"]![0]!["to"]!));
        Assert.Null(second.Body["results"]![0]!["paging"]);
    }

    [Fact]
    public async Task V4BatchRead_MoreThan100Inputs_Answers400()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var inputs = string.Join(',', Enumerable.Range(1, 101).Select(i => $$"""{"id":"{{i}}"}"""));

        var answer = await hs.PostAsync("crm/v4/associations/deals/companies/batch/read", $$"""{"inputs":[{{inputs}}]}""");

        Assert.Equal(400, answer.Code);
        Assert.Equal("VALIDATION_ERROR", answer.Body["category"]!.GetValue<string>());
    }

    private static string Company(HubSpotHarness hs, string name) =>
        hs.Simulator.Create("companies", new Dictionary<string, string?> { ["name"] = name });

    private static string Deal(HubSpotHarness hs, string name) =>
        hs.Simulator.Create("deals", new Dictionary<string, string?> { ["dealname"] = name, ["dealstage"] = "appointmentscheduled" });

    private static List<string> Ids(JsonNode results) =>
        [.. results.AsArray().Select(r => r!["toObjectId"]!.GetValue<long>().ToString(CultureInfo.InvariantCulture))];
}

using System.Globalization;
using System.Text.Json.Nodes;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Simulators.HubSpot;

namespace TheModel.Sync.HubSpot.Tests.AgainstSimulator;

/// <remarks>
/// What the connector reads through associations, against the simulator's v4 endpoints: the contacts of a lost deal
/// or churned company (the recycle rules' <c>on:</c> events), and the company every deal it reads carries in
/// <see cref="CrmSchema.HubSpotDealCompanyField"/>, which must never reach HubSpot as a property name.
/// </remarks>
public sealed class AssociationsAgainstSimulatorTests
{
    private const string DealContactsBatch = "POST /crm/v4/associations/deals/contacts/batch/read";
    private const string DealCompaniesBatch = "POST /crm/v4/associations/deals/companies/batch/read";
    private const string CompanyContactsBatch = "POST /crm/v4/associations/companies/contacts/batch/read";

    [Fact]
    public async Task ReadPeopleOfAsync_DealReadMomentsAgo_ItsCompaniesAreNotReadAgainUntilTheyAreStale()
    {
        await using var host = await SimulatorHost.StartAsync();
        var sim = host.Simulator;
        var contact = Contact(sim, "buyer@acme.example");
        var deal = Deal(sim, "Lost renewal");
        var company = Company(sim, "Acme");
        sim.Associate("deals", deal, "companies", company, HubSpotAssociationTypes.DealToCompany);
        sim.Associate("companies", company, "contacts", contact, HubSpotAssociationTypes.CompanyToContact);

        var read = await host.RunAsync((c, ct) => c.ReadAsync(CrmObject.Opportunity, [deal], ct));
        var people = await host.RunAsync((c, ct) => c.ReadPeopleOfAsync(new PeopleOf(CrmObject.Opportunity, deal, company, []), ct));

        Assert.Equal(company, Assert.Single(read)[CrmSchema.HubSpotDealCompanyField]);
        Assert.Equal([contact], people);
        Assert.Equal(1, host.Calls(DealCompaniesBatch));

        // Later, the deal's companies may have changed: read again.
        host.Time.Advance(TimeSpan.FromSeconds(11));
        await host.RunAsync((c, ct) => c.ReadPeopleOfAsync(new PeopleOf(CrmObject.Opportunity, deal, company, []), ct));
        Assert.Equal(2, host.Calls(DealCompaniesBatch));
    }

    [Fact]
    public async Task ReadPeopleOfAsync_DealWithTwoContactsAndACompanyWithThree_ReturnsTheFourOnceInIdOrder()
    {
        await using var host = await SimulatorHost.StartAsync();
        var sim = host.Simulator;
        var contacts = Enumerable.Range(0, 5).Select(i => Contact(sim, $"p{i}@acme.example")).ToList();
        var deal = Deal(sim, "Lost renewal");
        var company = Company(sim, "Acme");
        sim.Associate("deals", deal, "contacts", contacts[3], HubSpotAssociationTypes.DealToContact);
        sim.Associate("deals", deal, "contacts", contacts[1], HubSpotAssociationTypes.DealToContact);
        sim.Associate("deals", deal, "companies", company, HubSpotAssociationTypes.DealToCompany);
        foreach (var shared in (int[])[1, 0, 2])
        {
            sim.Associate("companies", company, "contacts", contacts[shared], HubSpotAssociationTypes.CompanyToContact);
        }

        var people = await host.RunAsync((c, ct) => c.ReadPeopleOfAsync(new PeopleOf(CrmObject.Opportunity, deal, company, ["acme.example"]), ct));

        Assert.Equal([contacts[0], contacts[1], contacts[2], contacts[3]], people);
        Assert.Equal(1, host.Calls(DealContactsBatch));
        Assert.Equal(1, host.Calls(DealCompaniesBatch));
        Assert.Equal(1, host.Calls(CompanyContactsBatch));
        Assert.Equal(3, host.TotalCalls);
        Assert.All(sim.Requests, r => Assert.Equal(200, r.Status));
    }

    [Fact]
    public async Task ReadPeopleOfAsync_DealWithTwoCompaniesAndAnAccountIdItNoLongerLists_ReadsEveryCompany()
    {
        await using var host = await SimulatorHost.StartAsync();
        var sim = host.Simulator;
        var deal = Deal(sim, "Multi");
        var (first, second, former) = (Company(sim, "One"), Company(sim, "Two"), Company(sim, "Former"));
        sim.Associate("deals", deal, "companies", first, HubSpotAssociationTypes.DealToCompany);
        sim.Associate("deals", deal, "companies", second, HubSpotAssociationTypes.DealToCompany);
        var a = Contact(sim, "a@one.example");
        var b = Contact(sim, "b@two.example");
        var c = Contact(sim, "c@former.example");
        sim.Associate("companies", first, "contacts", a, HubSpotAssociationTypes.CompanyToContact);
        sim.Associate("companies", second, "contacts", b, HubSpotAssociationTypes.CompanyToContact);
        sim.Associate("companies", former, "contacts", c, HubSpotAssociationTypes.CompanyToContact);

        var people = await host.RunAsync((cr, ct) => cr.ReadPeopleOfAsync(new PeopleOf(CrmObject.Opportunity, deal, former, []), ct));

        Assert.Equal([a, b, c], people);
        Assert.Equal(1, host.Calls(CompanyContactsBatch));
        Assert.Equal(3, Inputs(sim.Requests[^1]).Count);
    }

    [Fact]
    public async Task ReadPeopleOfAsync_CompanyWithMoreContactsThanAPage_FollowsAfterAndReturnsEveryContact()
    {
        await using var host = await SimulatorHost.StartAsync();
        var sim = host.Simulator;
        var company = Company(sim, "Big");
        var contacts = Enumerable.Range(0, 520).Select(i => Contact(sim, $"p{i}@big.example")).ToList();
        foreach (var contact in contacts)
        {
            sim.Associate("contacts", contact, "companies", company, HubSpotAssociationTypes.ContactToCompany);
        }

        var people = await host.RunAsync((c, ct) => c.ReadPeopleOfAsync(new PeopleOf(CrmObject.Account, company, company, ["big.example"]), ct));

        Assert.Equal(contacts, people);
        Assert.Equal(2, host.Calls(CompanyContactsBatch));
        Assert.Equal(2, host.TotalCalls);
        var next = Assert.Single(Inputs(sim.Requests[^1]));
        Assert.Equal(company, (string?)next["id"]);
        Assert.NotNull((string?)next["after"]);
    }

    [Fact]
    public async Task ReadPeopleOfAsync_DeletedDealOrNonHubSpotId_ReturnsNoneAndLogsIt()
    {
        await using var host = await SimulatorHost.StartAsync();
        var sim = host.Simulator;
        var deal = Deal(sim, "Gone");
        sim.Archive("deals", deal);

        var gone = await host.RunAsync((c, ct) => c.ReadPeopleOfAsync(new PeopleOf(CrmObject.Opportunity, deal, null, []), ct));
        var foreign = await host.RunAsync((c, ct) => c.ReadPeopleOfAsync(new PeopleOf(CrmObject.Account, "001000000000001AAA", null, []), ct));

        Assert.Empty(gone);
        Assert.Empty(foreign);
        Assert.Equal(2, host.TotalCalls);
        Assert.All(sim.Requests, r => Assert.Equal(207, r.Status));
        Assert.Equal(3, host.Logs.Messages(4117).Count);
    }

    [Fact]
    public async Task ReadPeopleOfAsync_HundredFiftyLostDeals_SixBatchReadsAndEachDealGetsItsOwnContacts()
    {
        await using var host = await SimulatorHost.StartAsync();
        var sim = host.Simulator;
        var asks = new List<PeopleOf>();
        var expected = new Dictionary<string, IReadOnlyList<string>>();
        var extra = Company(sim, "Former");
        var extraContact = Contact(sim, "x@former.example");
        sim.Associate("companies", extra, "contacts", extraContact, HubSpotAssociationTypes.CompanyToContact);
        for (var i = 0; i < 150; i++)
        {
            var deal = Deal(sim, $"Stale {i}");
            var company = Company(sim, $"Co{i}");
            var (own, colleague, shared) = (Contact(sim, $"own{i}@co.example"), Contact(sim, $"colleague{i}@co.example"), Contact(sim, $"shared{i}@co.example"));
            sim.Associate("deals", deal, "companies", company, HubSpotAssociationTypes.DealToCompany);
            sim.Associate("deals", deal, "contacts", own, HubSpotAssociationTypes.DealToContact);
            sim.Associate("deals", deal, "contacts", shared, HubSpotAssociationTypes.DealToContact);
            sim.Associate("companies", company, "contacts", shared, HubSpotAssociationTypes.CompanyToContact);
            sim.Associate("companies", company, "contacts", colleague, HubSpotAssociationTypes.CompanyToContact);

            // The first deal's account as the caller knows it is a company the deal no longer lists: read as well.
            asks.Add(new PeopleOf(CrmObject.Opportunity, deal, i == 0 ? extra : company, []));
            expected[deal] = i == 0 ? [extraContact, own, colleague, shared] : [own, colleague, shared];
        }

        var people = await host.RunAsync((c, ct) => c.ReadPeopleOfAsync(asks, ct));

        Assert.Equal(expected, people);
        Assert.Equal(2, host.Calls(DealContactsBatch));
        Assert.Equal(2, host.Calls(DealCompaniesBatch));
        Assert.Equal(2, host.Calls(CompanyContactsBatch));
        Assert.Equal(6, host.TotalCalls);
        Assert.All(sim.Requests, r => Assert.Equal(200, r.Status));
        Assert.Equal([100, 50, 100, 50, 100, 51], sim.Requests.Select(r => Inputs(r).Count));
    }

    [Fact]
    public async Task ReadPeopleOfAsync_MixedDealsCompaniesAndUnknownIds_EveryRecordAnsweredInFourCalls()
    {
        await using var host = await SimulatorHost.StartAsync();
        var sim = host.Simulator;
        var (sold, big, empty) = (Company(sim, "Sold"), Company(sim, "Big"), Company(sim, "Empty"));
        var buyer = Contact(sim, "buyer@sold.example");
        var colleague = Contact(sim, "colleague@sold.example");
        sim.Associate("companies", sold, "contacts", colleague, HubSpotAssociationTypes.CompanyToContact);
        var bigContacts = Enumerable.Range(0, 520).Select(i => Contact(sim, $"p{i}@big.example")).ToList();
        foreach (var contact in bigContacts)
        {
            sim.Associate("companies", big, "contacts", contact, HubSpotAssociationTypes.CompanyToContact);
        }

        var lost = Deal(sim, "Lost");
        sim.Associate("deals", lost, "contacts", buyer, HubSpotAssociationTypes.DealToContact);
        sim.Associate("deals", lost, "companies", sold, HubSpotAssociationTypes.DealToCompany);
        var lonely = Deal(sim, "No associations");
        var deleted = Deal(sim, "Deleted");
        sim.Archive("deals", deleted);
        var asks = new List<PeopleOf>
        {
            new(CrmObject.Opportunity, lost, null, []),
            new(CrmObject.Opportunity, lonely, null, []),
            new(CrmObject.Opportunity, deleted, null, []),
            new(CrmObject.Account, big, big, []),
            new(CrmObject.Account, empty, empty, []),
            new(CrmObject.Account, "001000000000001AAA", null, []),
            new(CrmObject.Account, sold, sold, []),
        };

        var people = await host.RunAsync((c, ct) => c.ReadPeopleOfAsync(asks, ct));

        var expected = new Dictionary<string, IReadOnlyList<string>>
        {
            [lost] = [buyer, colleague],
            [lonely] = [],
            [deleted] = [],
            [big] = bigContacts,
            [empty] = [],
            ["001000000000001AAA"] = [],
            [sold] = [colleague],
        };
        Assert.Equal(expected, people);
        Assert.Equal(1, host.Calls(DealContactsBatch));
        Assert.Equal(1, host.Calls(DealCompaniesBatch));
        Assert.Equal(2, host.Calls(CompanyContactsBatch));
        Assert.Equal(4, host.TotalCalls);
        var next = Assert.Single(Inputs(sim.Requests[^1]));
        Assert.Equal(big, (string?)next["id"]);
        Assert.Empty(host.Logs.Messages(4106));
    }

    [Fact]
    public async Task ReadPeopleOfAsync_NoRecords_MakesNoCall()
    {
        await using var host = await SimulatorHost.StartAsync();

        var people = await host.RunAsync((c, ct) => c.ReadPeopleOfAsync(new List<PeopleOf>(), ct));

        Assert.Empty(people);
        Assert.Equal(0, host.TotalCalls);
    }

    [Fact]
    public async Task ReadPeopleOfAsync_ATaskAmongTheRecords_ThrowsNamingItBeforeAnyCall()
    {
        await using var host = await SimulatorHost.StartAsync();
        var deal = Deal(host.Simulator, "Lost");

        var e = await Assert.ThrowsAsync<ArgumentException>(() => host.RunAsync((c, ct) => c.ReadPeopleOfAsync([new PeopleOf(CrmObject.Opportunity, deal, null, []), new PeopleOf(CrmObject.Task, "77", null, [])], ct)));

        Assert.Contains("Task", e.Message, StringComparison.Ordinal);
        Assert.Contains("77", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, host.TotalCalls);
    }

    [Fact]
    public async Task PollAndRead_Deals_CarryTheirPrimaryOrLowestCompanyAndNeverAskForThePseudoField()
    {
        await using var host = await SimulatorHost.StartAsync();
        var sim = host.Simulator;
        var (low, high) = (Company(sim, "Low"), Company(sim, "High"));
        var twoCompanies = Deal(sim, "Two companies");
        var primaryHigh = Deal(sim, "Primary is the higher id");
        var none = Deal(sim, "No company");
        sim.Associate("deals", twoCompanies, "companies", high, HubSpotAssociationTypes.DealToCompany);
        sim.Associate("deals", twoCompanies, "companies", low, HubSpotAssociationTypes.DealToCompany);
        sim.Associate("deals", primaryHigh, "companies", low, HubSpotAssociationTypes.DealToCompany);
        sim.Associate("deals", primaryHigh, "companies", high, HubSpotAssociationTypes.DealToCompany);
        sim.Associate("deals", primaryHigh, "companies", high, HubSpotAssociationTypes.PrimaryDealToCompany);
        var expected = new Dictionary<string, string?> { [twoCompanies] = low, [primaryHigh] = high, [none] = null };

        var polled = await host.RunAsync((c, ct) => c.PollAsync(CrmObject.Opportunity, Watermark.Start, 100, ct));
        var read = await host.RunAsync((c, ct) => c.ReadAsync(CrmObject.Opportunity, [none, primaryHigh, twoCompanies], ct));

        Assert.Equal(expected, polled.Records.ToDictionary(r => r.Id, r => r[CrmSchema.HubSpotDealCompanyField]));
        Assert.Equal(expected, read.ToDictionary(r => r.Id, r => r[CrmSchema.HubSpotDealCompanyField]));
        Assert.Equal(2, host.Calls(DealCompaniesBatch));
        Assert.All(sim.Requests.Where(r => r.Path.Contains("/batch/read", StringComparison.Ordinal)), r => Assert.Contains(r.Status, new[] { 200, 207 }));
        Assert.All(sim.Requests, r => Assert.DoesNotContain(CrmSchema.HubSpotDealCompanyField, r.QueryString + r.Body, StringComparison.Ordinal));
    }

    [Fact]
    public async Task PollAsync_SeededDeals_EachCarriesTheCompanyTheSeederAssociated()
    {
        await using var host = await SimulatorHost.StartAsync();
        host.Seed(SampleData.People(60), spread: true);
        var deals = host.Simulator.All("deals");
        var companyOf = deals.ToDictionary(
            d => d.Id,
            d => host.Simulator.AssociationsOf("deals", d.Id).Where(a => a.ToType == "companies").Select(a => a.ToId).MinBy(id => long.Parse(id, CultureInfo.InvariantCulture)));

        var polled = await host.RunAsync((c, ct) => c.PollAsync(CrmObject.Opportunity, Watermark.Start, 1_000, ct));

        Assert.Equal(deals.Count, polled.Records.Count);
        Assert.All(polled.Records, r => Assert.Equal(companyOf.GetValueOrDefault(r.Id), r[CrmSchema.HubSpotDealCompanyField]));
        Assert.Contains(polled.Records, r => r[CrmSchema.HubSpotDealCompanyField] is not null);
        Assert.Equal((deals.Count + 99) / 100, host.Calls(DealCompaniesBatch));
        Assert.All(host.Simulator.Requests, r => Assert.DoesNotContain(CrmSchema.HubSpotDealCompanyField, r.QueryString + r.Body, StringComparison.Ordinal));
    }

    private static List<JsonObject> Inputs(HubSpotLoggedRequest request) =>
        [.. JsonNode.Parse(request.Body)!["inputs"]!.AsArray().Select(i => i!.AsObject())];

    private static string Contact(HubSpotSimulator sim, string email) =>
        sim.Create("contacts", new Dictionary<string, string?> { ["email"] = email });

    private static string Company(HubSpotSimulator sim, string name) =>
        sim.Create("companies", new Dictionary<string, string?> { ["name"] = name, ["domain"] = name.ToLowerInvariant() + ".example" });

    private static string Deal(HubSpotSimulator sim, string name) =>
        sim.Create("deals", new Dictionary<string, string?> { ["dealname"] = name, ["dealstage"] = "closedlost", ["pipeline"] = "default" });
}

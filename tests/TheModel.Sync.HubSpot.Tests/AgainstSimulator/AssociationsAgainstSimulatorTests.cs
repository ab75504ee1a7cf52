using System.Globalization;
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
    private const string DealContacts = "GET /crm/v4/objects/deals/{fromId}/associations/contacts";
    private const string DealCompanyList = "GET /crm/v4/objects/deals/{fromId}/associations/companies";
    private const string CompanyContacts = "GET /crm/v4/objects/companies/{fromId}/associations/contacts";
    private const string DealCompaniesBatch = "POST /crm/v4/associations/deals/companies/batch/read";

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
        Assert.Equal(1, host.Calls(DealContacts));
        Assert.Equal(1, host.Calls(DealCompanyList));
        Assert.Equal(1, host.Calls(CompanyContacts));
        Assert.Equal(3, host.TotalCalls);
        Assert.All(sim.Requests, r => Assert.Equal("?limit=500", r.QueryString));
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
        Assert.Equal(3, host.Calls(CompanyContacts));
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
        Assert.Equal(2, host.Calls(CompanyContacts));
        Assert.Equal(2, host.TotalCalls);
        Assert.StartsWith("?limit=500&after=", sim.Requests[^1].QueryString, StringComparison.Ordinal);
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
        Assert.Equal(3, host.Logs.Messages(4117).Count);
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

    private static string Contact(HubSpotSimulator sim, string email) =>
        sim.Create("contacts", new Dictionary<string, string?> { ["email"] = email });

    private static string Company(HubSpotSimulator sim, string name) =>
        sim.Create("companies", new Dictionary<string, string?> { ["name"] = name, ["domain"] = name.ToLowerInvariant() + ".example" });

    private static string Deal(HubSpotSimulator sim, string name) =>
        sim.Create("deals", new Dictionary<string, string?> { ["dealname"] = name, ["dealstage"] = "closedlost", ["pipeline"] = "default" });
}

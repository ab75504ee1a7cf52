using System.Globalization;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Salesforce.Tests.AgainstSimulator;

/// <remarks>
/// The persons of a lost opportunity or churned account (the recycle rules' <c>on:</c> events) against the
/// simulator's SOQL: Leads by the domain of their email (whole labels only, converted ones left out, wildcards and
/// quotes in a domain escaped, domains split to keep URLs short, queryMore followed), and Contacts by AccountId, the
/// opportunity's account looked up when the caller does not know it.
/// </remarks>
public sealed class PeopleOfAgainstSimulatorTests
{
    [Fact]
    public async Task ReadPeopleOfAsync_Leads_MatchTheDomainAndItsSubdomainsOnlyAndSkipConvertedLeads()
    {
        await using var h = await SimulatorHarness.StartAsync();
        var expected = new List<string>
        {
            Lead(h, "ann@acme.com"),
            Lead(h, "bob@sub.acme.com"),
            Lead(h, "CAROL@ACME.COM"),
            Lead(h, "dan@deep.sub.acme.com"),
            Lead(h, "eve@a_b.example"),
            Lead(h, "o'neil@o'brien.example"),
        };
        Lead(h, "mallory@acme.com.evil.example");
        Lead(h, "nat@notacme.com");
        Lead(h, "acme.com@other.example");
        Lead(h, "oscar@other.example");
        Lead(h, "pat@axb.example");
        Lead(h, "converted@acme.com", converted: true);

        var people = await h.Connector.ReadPeopleOfAsync(
            new PeopleOf(CrmObject.Account, Account(h, "Acme"), null, ["acme.com", " A_B.example ", "o'brien.example", "acme.com"]),
            CancellationToken.None);

        Assert.Equal(expected.Order(StringComparer.Ordinal), people);
        var query = Assert.Single(Queries(h));
        Assert.Equal(200, query.Status);
        Assert.EndsWith(
            "FROM Lead WHERE IsConverted = false AND (Email LIKE '%@a\\_b.example' OR Email LIKE '%.a\\_b.example'"
                + " OR Email LIKE '%@acme.com' OR Email LIKE '%.acme.com'"
                + " OR Email LIKE '%@o\\'brien.example' OR Email LIKE '%.o\\'brien.example') ORDER BY Id",
            Soql(query),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadPeopleOfAsync_MoreLeadsThanAPage_FollowsQueryMore()
    {
        await using var h = await SimulatorHarness.StartAsync(settings: s => s["Salesforce:QueryBatchSize"] = "200");
        var expected = Enumerable.Range(0, 450).Select(i => Lead(h, $"p{i}@big.example")).Order(StringComparer.Ordinal).ToList();
        Lead(h, "someone@small.example");

        var people = await h.Connector.ReadPeopleOfAsync(new PeopleOf(CrmObject.Opportunity, Opportunity(h, null), null, ["big.example"]), CancellationToken.None);

        Assert.Equal(expected, people);
        Assert.Single(Queries(h));
        Assert.Equal(2, h.Simulator.Requests.Count(r => r.Path.Contains("/query/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ReadPeopleOfAsync_SixHundredDomains_SplitIntoQueriesUnderTheUrlLimit()
    {
        await using var h = await SimulatorHarness.StartAsync();
        var domains = Enumerable.Range(0, 600).Select(i => string.Create(CultureInfo.InvariantCulture, $"subsidiary-{i:D3}.example")).ToList();
        var first = Lead(h, "first@" + domains[0]);
        var last = Lead(h, "last@team." + domains[^1]);

        var people = await h.Connector.ReadPeopleOfAsync(new PeopleOf(CrmObject.Account, Account(h, "Group"), null, domains), CancellationToken.None);

        Assert.Equal(new[] { first, last }.Order(StringComparer.Ordinal), people);
        var queries = Queries(h);
        Assert.True(queries.Count >= 2, $"{queries.Count} queries");
        Assert.All(queries, q => Assert.True(q.Path.Length < 16_000, $"a query URL of {q.Path.Length} characters"));
        Assert.All(queries, q => Assert.Equal(200, q.Status));
    }

    [Fact]
    public async Task ReadPeopleOfAsync_LeadsWithoutDomains_MakesNoCall()
    {
        await using var h = await SimulatorHarness.StartAsync();
        var account = Account(h, "Nameless");

        var people = await h.Connector.ReadPeopleOfAsync(new PeopleOf(CrmObject.Opportunity, Opportunity(h, account), account, [" ", ""]), CancellationToken.None);

        Assert.Empty(people);
        Assert.Equal(0, h.DataCalls);
    }

    [Fact]
    public async Task ReadPeopleOfAsync_ContactsOfAnAccount_ReadsThemByAccountIdGivenIn15Characters()
    {
        await using var h = await SimulatorHarness.StartAsync(schemas: ContactSchemas.Instance);
        var acme = Account(h, "Acme");
        var other = Account(h, "Other");
        var expected = Enumerable.Range(0, 3).Select(i => Contact(h, acme, $"c{i}@acme.com")).Order(StringComparer.Ordinal).ToList();
        Contact(h, other, "x@acme.com");
        Contact(h, null, "y@acme.com");

        var people = await h.Connector.ReadPeopleOfAsync(new PeopleOf(CrmObject.Account, acme[..15], null, ["acme.com"]), CancellationToken.None);

        Assert.Equal(expected, people);
        Assert.EndsWith($"FROM Contact WHERE AccountId IN ('{acme}') ORDER BY Id", Soql(Assert.Single(Queries(h))), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadPeopleOfAsync_ContactsOfAnOpportunityWithoutAccountId_LooksTheAccountUpFirst()
    {
        await using var h = await SimulatorHarness.StartAsync(schemas: ContactSchemas.Instance);
        var acme = Account(h, "Acme");
        var contact = Contact(h, acme, "buyer@acme.com");
        Contact(h, Account(h, "Other"), "someone@other.example");
        var opportunity = Opportunity(h, acme);

        var people = await h.Connector.ReadPeopleOfAsync(new PeopleOf(CrmObject.Opportunity, opportunity, null, []), CancellationToken.None);

        Assert.Equal([contact], people);
        var queries = Queries(h).Select(Soql).ToList();
        Assert.Equal(2, queries.Count);
        Assert.EndsWith($"SELECT Id, AccountId FROM Opportunity WHERE Id IN ('{opportunity}')", queries[0], StringComparison.Ordinal);
        Assert.EndsWith($"SELECT Id, AccountId FROM Contact WHERE AccountId IN ('{acme}') ORDER BY Id", queries[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadPeopleOfAsync_ContactsOfAnOpportunityWithoutAnAccount_ReturnsNoneAfterTheLookup()
    {
        await using var h = await SimulatorHarness.StartAsync(schemas: ContactSchemas.Instance);
        Contact(h, Account(h, "Acme"), "buyer@acme.com");

        var people = await h.Connector.ReadPeopleOfAsync(new PeopleOf(CrmObject.Opportunity, Opportunity(h, null), null, ["acme.com"]), CancellationToken.None);

        Assert.Empty(people);
        Assert.Single(Queries(h));
    }

    [Fact]
    public async Task ReadPeopleOfAsync_ContactsOfAnIdThatIsNotASalesforceId_MakesNoCall()
    {
        await using var h = await SimulatorHarness.StartAsync(schemas: ContactSchemas.Instance);

        var people = await h.Connector.ReadPeopleOfAsync(new PeopleOf(CrmObject.Account, "x' OR Name != '", null, []), CancellationToken.None);
        var fromOpportunity = await h.Connector.ReadPeopleOfAsync(new PeopleOf(CrmObject.Opportunity, "12345", null, []), CancellationToken.None);

        Assert.Empty(people);
        Assert.Empty(fromOpportunity);
        Assert.Equal(0, h.DataCalls);
    }

    [Fact]
    public async Task ReadPeopleOfAsync_FiftyOpportunitiesOnTwentyAccounts_OneLeadQueryGivesEachItsDomainsLeads()
    {
        await using var h = await SimulatorHarness.StartAsync();
        var leadsOfAccount = new List<List<string>>();
        for (var a = 0; a < 20; a++)
        {
            var domain = string.Create(CultureInfo.InvariantCulture, $"acct{a}.example");
            leadsOfAccount.Add([Lead(h, $"buyer@{domain}"), Lead(h, $"ops@eu.{domain.ToUpperInvariant()}")]);
            Lead(h, $"lookalike@not{domain}");
            Lead(h, $"{domain}@elsewhere.example");
            Lead(h, $"spoof@{domain}.evil.example");
        }

        // Two accounts share a group domain: its Lead belongs to both.
        var group = Lead(h, "cfo@group.example");
        var accounts = Enumerable.Range(0, 20).Select(a => Account(h, $"Acct{a}")).ToList();
        var asks = new List<PeopleOf>();
        var expected = new Dictionary<string, IReadOnlyList<string>>();
        for (var o = 0; o < 50; o++)
        {
            var a = o % 20;
            List<string> domains = [string.Create(CultureInfo.InvariantCulture, $"ACCT{a}.example ")];
            var leads = new List<string>(leadsOfAccount[a]);
            if (a is 3 or 4)
            {
                domains.Add("group.example");
                leads.Add(group);
            }

            var opportunity = Opportunity(h, accounts[a]);
            asks.Add(new PeopleOf(CrmObject.Opportunity, opportunity, accounts[a], domains));
            expected[opportunity] = [.. leads.Order(StringComparer.Ordinal)];
        }

        var people = await h.Connector.ReadPeopleOfAsync(asks, CancellationToken.None);

        Assert.Equal(expected, people);
        var query = Assert.Single(Queries(h));
        Assert.Equal(1, h.DataCalls);
        Assert.StartsWith("SELECT Id, Email FROM Lead WHERE IsConverted = false AND (", Soql(query)[(Soql(query).IndexOf("q=", StringComparison.Ordinal) + 2)..], StringComparison.Ordinal);
        Assert.Equal(21, Soql(query).Split(" LIKE '%@").Length - 1);
    }

    [Fact]
    public async Task ReadPeopleOfAsync_ContactsOfSeveralAccounts_OneQueryGivesEachAccountItsOwn()
    {
        await using var h = await SimulatorHarness.StartAsync(schemas: ContactSchemas.Instance);
        var accounts = Enumerable.Range(0, 6).Select(a => Account(h, $"Acct{a}")).ToList();
        var expected = new Dictionary<string, IReadOnlyList<string>>();
        for (var a = 0; a < accounts.Count; a++)
        {
            var contacts = Enumerable.Range(0, a).Select(c => Contact(h, accounts[a], $"c{c}@acct{a}.example")).ToList();
            expected[accounts[a]] = [.. contacts.Order(StringComparer.Ordinal)];
        }

        Contact(h, null, "loner@acct1.example");
        Contact(h, Account(h, "Not asked"), "other@acct1.example");

        var people = await h.Connector.ReadPeopleOfAsync([.. accounts.Select(a => new PeopleOf(CrmObject.Account, a, a, []))], CancellationToken.None);

        Assert.Equal(expected, people);
        var query = Soql(Assert.Single(Queries(h)));
        Assert.EndsWith($"SELECT Id, AccountId FROM Contact WHERE AccountId IN ({string.Join(',', accounts.Select(a => $"'{a}'"))}) ORDER BY Id", query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadPeopleOfAsync_ContactsOfAMixedList_OneOpportunityLookupAndOneContactQuery()
    {
        await using var h = await SimulatorHarness.StartAsync(schemas: ContactSchemas.Instance);
        var (acme, globex, initech) = (Account(h, "Acme"), Account(h, "Globex"), Account(h, "Initech"));
        var acmeContacts = new[] { Contact(h, acme, "a1@acme.com"), Contact(h, acme, "a2@acme.com") }.Order(StringComparer.Ordinal).ToList();
        var globexContact = Contact(h, globex, "g@globex.com");
        var initechContact = Contact(h, initech, "i@initech.com");
        var (knownAccount, lookedUp, sameAccount, noAccount) = (Opportunity(h, acme), Opportunity(h, globex), Opportunity(h, globex), Opportunity(h, null));
        var asks = new List<PeopleOf>
        {
            new(CrmObject.Opportunity, knownAccount, acme[..15], ["acme.com"]),
            new(CrmObject.Opportunity, lookedUp, null, []),
            new(CrmObject.Opportunity, sameAccount[..15], null, []),
            new(CrmObject.Opportunity, noAccount, null, []),
            new(CrmObject.Opportunity, "not-an-id", null, []),
            new(CrmObject.Account, initech, null, []),
            new(CrmObject.Account, acme, acme, []),
        };

        var people = await h.Connector.ReadPeopleOfAsync(asks, CancellationToken.None);

        var expected = new Dictionary<string, IReadOnlyList<string>>
        {
            [knownAccount] = acmeContacts,
            [lookedUp] = [globexContact],
            [sameAccount[..15]] = [globexContact],
            [noAccount] = [],
            ["not-an-id"] = [],
            [initech] = [initechContact],
            [acme] = acmeContacts,
        };
        Assert.Equal(expected, people);
        var queries = Queries(h).Select(Soql).ToList();
        Assert.Equal(2, queries.Count);
        Assert.EndsWith($"SELECT Id, AccountId FROM Opportunity WHERE Id IN ({string.Join(',', new[] { lookedUp, sameAccount, noAccount }.Order(StringComparer.Ordinal).Select(o => $"'{o}'"))})", queries[0], StringComparison.Ordinal);
        Assert.EndsWith($"FROM Contact WHERE AccountId IN ({string.Join(',', new[] { acme, globex, initech }.Order(StringComparer.Ordinal).Select(a => $"'{a}'"))}) ORDER BY Id", queries[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadPeopleOfAsync_LeadsOfAMixedList_OneQueryAndEmptyListsForRecordsWithoutDomains()
    {
        await using var h = await SimulatorHarness.StartAsync();
        var acmeLead = Lead(h, "buyer@acme.com");
        var initechLead = Lead(h, "it@hq.initech.com");
        var account = Account(h, "Acme");
        var (withDomain, withoutDomain) = (Opportunity(h, account), Opportunity(h, null));
        var initech = Account(h, "Initech");

        var people = await h.Connector.ReadPeopleOfAsync(
            [
                new PeopleOf(CrmObject.Opportunity, withDomain, account, ["acme.com"]),
                new PeopleOf(CrmObject.Opportunity, withoutDomain, null, []),
                new PeopleOf(CrmObject.Account, initech, initech, ["initech.com"]),
                new PeopleOf(CrmObject.Account, account, account, ["acme.com", "initech.com"]),
            ],
            CancellationToken.None);

        var expected = new Dictionary<string, IReadOnlyList<string>>
        {
            [withDomain] = [acmeLead],
            [withoutDomain] = [],
            [initech] = [initechLead],
            [account] = [.. new[] { acmeLead, initechLead }.Order(StringComparer.Ordinal)],
        };
        Assert.Equal(expected, people);
        Assert.Single(Queries(h));
    }

    [Fact]
    public async Task ReadPeopleOfAsync_ContactsOfSevenHundredAccounts_SplitIntoTwoQueriesUnderTheUrlLimit()
    {
        await using var h = await SimulatorHarness.StartAsync(schemas: ContactSchemas.Instance);
        var accounts = Enumerable.Range(0, 700).Select(a => Account(h, string.Create(CultureInfo.InvariantCulture, $"Acct{a}"))).ToList();
        var sorted = accounts.Order(StringComparer.Ordinal).ToList();
        var first = Contact(h, sorted[0], "first@one.example");
        var last = Contact(h, sorted[^1], "last@two.example");

        var people = await h.Connector.ReadPeopleOfAsync([.. accounts.Select(a => new PeopleOf(CrmObject.Account, a, a, []))], CancellationToken.None);

        Assert.Equal(700, people.Count);
        Assert.Equal([first], people[sorted[0]]);
        Assert.Equal([last], people[sorted[^1]]);
        Assert.Equal(698, people.Values.Count(p => p.Count == 0));
        var queries = Queries(h);
        Assert.Equal(2, queries.Count);
        Assert.All(queries, q => Assert.True(q.Path.Length < 16_000, $"a query URL of {q.Path.Length} characters"));
    }

    private static string Lead(SimulatorHarness h, string email, bool converted = false)
    {
        var fields = new Dictionary<string, object?> { ["LastName"] = email.Split('@')[0], ["Company"] = "Lead Co", ["Email"] = email };
        if (converted)
        {
            fields["IsConverted"] = true;
        }

        return h.Simulator.Insert("Lead", fields);
    }

    private static string Contact(SimulatorHarness h, string? accountId, string email) =>
        h.Simulator.Insert("Contact", new Dictionary<string, object?> { ["LastName"] = email.Split('@')[0], ["Email"] = email, ["AccountId"] = accountId });

    private static string Account(SimulatorHarness h, string name) =>
        h.Simulator.Insert("Account", new Dictionary<string, object?> { ["Name"] = name });

    private static string Opportunity(SimulatorHarness h, string? accountId) =>
        h.Simulator.Insert("Opportunity", new Dictionary<string, object?>
        {
            ["Name"] = "Lost deal",
            ["StageName"] = "Closed Lost",
            ["CloseDate"] = new DateOnly(2026, 11, 1),
            ["AccountId"] = accountId,
        });

    private static List<Simulators.Salesforce.SimulatedRequest> Queries(SimulatorHarness h) =>
        [.. h.Simulator.Requests.Where(r => r.Path.Contains("/query?q=", StringComparison.Ordinal))];

    private static string Soql(Simulators.Salesforce.SimulatedRequest request) => Uri.UnescapeDataString(request.Path.Replace('+', ' '));

    /// <summary>Salesforce persons as Contacts (<c>crm.salesforce.person_object: Contact</c>) with the default field names.</summary>
    private sealed class ContactSchemas : ICrmSchemaSource
    {
        public static readonly ContactSchemas Instance = new();

        private readonly CrmSchema _salesforce = CrmSchema.For(new CrmMapping { Crm = CrmKind.Salesforce, PersonObject = "Contact" });

        private readonly CrmSchema _hubSpot = CrmSchema.For(SampleModel.Rules, CrmKind.HubSpot);

        public CrmSchema For(CrmKind crm) => crm == CrmKind.Salesforce ? _salesforce : _hubSpot;
    }
}

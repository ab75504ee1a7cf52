using TheModel.Sync.Application.Crm;
using TheModel.Sync.Application.Generation;
using TheModel.Sync.Application.Simulation;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;
using TheModel.Sync.Simulators.HubSpot;
using TheModel.Sync.Simulators.Salesforce;

namespace TheModel.Sync.Simulators.Seeding;

/// <summary>Canonical records loaded from <c>generate</c> output.</summary>
public sealed record SeedData(IReadOnlyList<Person> People, IReadOnlyList<Account> Accounts, IReadOnlyList<Opportunity> Opportunities)
{
    public static SeedData Load(GeneratedFiles files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var rejects = new List<InputReject>();
        var people = PersonSource.ReadPersons(files.People).Where(p => p.Person is not null).Select(p => p.Person!).ToList();
        var accounts = PersonSource.ReadAccounts(files.Accounts, rejects);
        var opportunities = PersonSource.ReadOpportunities(files.Opportunities, rejects);
        if (rejects.Count > 0)
        {
            throw new InvalidOperationException($"generate output has {rejects.Count} bad records; first: {rejects[0].File}:{rejects[0].Line}: {rejects[0].Reason}");
        }

        return new SeedData(people, accounts, opportunities);
    }

    /// <summary>Runs <c>generate</c> for the config into <paramref name="directory"/> and loads the result.</summary>
    public static SeedData Generate(RuleSet rules, int people, int accounts, int seed, string directory, DateTimeOffset? anchor = null)
    {
        var options = new GeneratorOptions { People = people, Accounts = accounts, Seed = seed, Anchor = anchor ?? new GeneratorOptions().Anchor };
        return Load(DataGenerator.Generate(rules, options, directory));
    }
}

/// <summary>Which simulator id each generated record got.</summary>
public sealed record SeedResult(IReadOnlyDictionary<string, string> People, IReadOnlyDictionary<string, string> Accounts, int Opportunities);

/// <summary>
/// Fills the simulated CRMs from canonical records through the same field mapping the connectors read with: the
/// config's members and queues become users/owners with their configured CRM ids, accounts become Accounts or
/// companies, people Leads (or Contacts) or contacts with their mapped stage, opportunities Opportunities or deals.
/// </summary>
public static class SimulatorSeeder
{
    /// <summary>
    /// The custom properties a HubSpot portal needs for a config (the rules' unmapped <c>fields.NAME</c>), for
    /// <see cref="HubSpotSimulatorOptions.AdditionalProperties"/>; a real portal has them created by its admin.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> HubSpotProperties(RuleSet rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var schema = CrmSchema.For(rules, CrmKind.HubSpot);
        return new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            ["contacts"] = [.. schema.PersonFields.Where(f => f.Key.StartsWith("fields.", StringComparison.Ordinal)).Select(f => f.Value).Distinct()],
            ["companies"] = [.. schema.AccountFields.Where(f => f.Key.StartsWith("fields.", StringComparison.Ordinal)).Select(f => f.Value).Distinct()],
        };
    }

    public static SeedResult Seed(SalesforceSimulator simulator, RuleSet rules, SeedData data)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(data);
        var schema = CrmSchema.For(rules, CrmKind.Salesforce);
        var mapping = rules.Crms.FirstOrDefault(c => c.Crm == CrmKind.Salesforce);
        foreach (var member in rules.Members)
        {
            if (member.SalesforceId is { } id)
            {
                simulator.Insert("User", new Dictionary<string, object?>
                {
                    ["Id"] = id, ["LastName"] = member.Id, ["Email"] = $"{member.Id}@sales.example", ["Username"] = $"{member.Id}@sales.example", ["IsActive"] = member.Active,
                });
            }
        }

        foreach (var queue in rules.Queues)
        {
            if (queue.SalesforceId is { } id)
            {
                simulator.Insert("Group", new Dictionary<string, object?> { ["Id"] = id, ["Name"] = queue.Key, ["Type"] = "Queue" });
            }
        }

        var accounts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var account in data.Accounts)
        {
            accounts[account.Id] = simulator.Insert("Account", Objects(CrmRecordWriter.Account(account, schema, rules)));
        }

        var opportunities = 0;
        foreach (var opportunity in data.Opportunities)
        {
            var accountId = opportunity.Account is { } a ? accounts.GetValueOrDefault(a) : null;
            simulator.Insert("Opportunity", Objects(CrmRecordWriter.Opportunity(opportunity, schema, rules, accountId)));
            opportunities++;
        }

        var people = new Dictionary<string, string>(StringComparer.Ordinal);
        var contacts = schema.PersonObjectName == "Contact";
        foreach (var person in data.People)
        {
            var fields = Objects(CrmRecordWriter.Person(person, schema, mapping, rules));
            if (contacts && person.AccountId is { } account && accounts.TryGetValue(account, out var accountId))
            {
                fields["AccountId"] = accountId;
            }

            people[person.Id] = simulator.Insert(schema.PersonObjectName, fields);
        }

        return new SeedResult(people, accounts, opportunities);
    }

    public static SeedResult Seed(HubSpotSimulator simulator, RuleSet rules, SeedData data)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(data);
        var schema = CrmSchema.For(rules, CrmKind.HubSpot);
        var mapping = rules.Crms.FirstOrDefault(c => c.Crm == CrmKind.HubSpot);
        var known = simulator.Owners.Select(o => o.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var member in rules.Members)
        {
            if (member.HubSpotId is { } id && known.Add(id))
            {
                simulator.AddOwnerWithId(id, $"{member.Id}@sales.example", member.Id, member.Team.Id, archived: !member.Active);
            }
        }

        foreach (var queue in rules.Queues)
        {
            if (queue.HubSpotId is { } id && known.Add(id))
            {
                simulator.AddOwnerWithId(id, null, queue.Key, "queue", type: "QUEUE");
            }
        }

        var accounts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var account in data.Accounts)
        {
            accounts[account.Id] = simulator.Create("companies", CrmRecordWriter.Account(account, schema, rules));
        }

        var opportunities = 0;
        foreach (var opportunity in data.Opportunities)
        {
            var id = simulator.Create("deals", CrmRecordWriter.Opportunity(opportunity, schema, rules, null));
            if (opportunity.Account is { } a && accounts.TryGetValue(a, out var company))
            {
                simulator.Associate("deals", id, "companies", company, HubSpotAssociationTypes.DealToCompany);
            }

            opportunities++;
        }

        var people = new Dictionary<string, string>(StringComparer.Ordinal);
        var byEmail = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var person in data.People)
        {
            // HubSpot keeps one contact per email: a generated duplicate person is the same contact there.
            if (person.Email is { } email && byEmail.TryGetValue(email, out var existing))
            {
                people[person.Id] = existing;
                continue;
            }

            var id = simulator.Create("contacts", CrmRecordWriter.Person(person, schema, mapping, rules));
            if (person.Email is { } newEmail)
            {
                byEmail[newEmail] = id;
            }

            if (person.AccountId is { } a && accounts.TryGetValue(a, out var company))
            {
                simulator.Associate("contacts", id, "companies", company, HubSpotAssociationTypes.ContactToCompany);
            }

            people[person.Id] = id;
        }

        return new SeedResult(people, accounts, opportunities);
    }

    private static Dictionary<string, object?> Objects(Dictionary<string, string?> fields)
    {
        var result = new Dictionary<string, object?>(fields.Count, StringComparer.Ordinal);
        foreach (var (k, v) in fields)
        {
            result[k] = v;
        }

        return result;
    }
}

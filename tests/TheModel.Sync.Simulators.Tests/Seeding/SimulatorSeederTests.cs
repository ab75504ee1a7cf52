using System.Net;
using Microsoft.Extensions.Time.Testing;
using TheModel.Sync.Config;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Simulators.HubSpot;
using TheModel.Sync.Simulators.Seeding;
using TheModel.Sync.Simulators.Tests.Salesforce;

namespace TheModel.Sync.Simulators.Tests.Seeding;

public sealed class SimulatorSeederTests : IDisposable
{
    private static readonly RuleSet Rules = LoadSample();
    private readonly string _dir = Directory.CreateTempSubdirectory("seed-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static RuleSet LoadSample()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TheModel.Sync.sln")))
        {
            dir = dir.Parent;
        }

        var result = ConfigLoader.Load(Path.Combine(dir!.FullName, "config"));
        Assert.True(result.Succeeded, string.Join('\n', result.Diagnostics));
        return result.Config!.Rules;
    }

    [Fact]
    public async Task Seed_Salesforce_CreatesUsersQueuesAccountsOpportunitiesAndLeadsReadableBySoql()
    {
        var data = SeedData.Generate(Rules, people: 300, accounts: 40, seed: 7, _dir);
        await using var host = await SalesforceTestHost.StartAsync();

        var result = SimulatorSeeder.Seed(host.Simulator, Rules, data);

        Assert.Equal(300, result.People.Count);
        Assert.Equal(300, host.Simulator.All("Lead").Count);
        Assert.Equal(40, host.Simulator.All("Account").Count);
        Assert.Equal(data.Opportunities.Count, host.Simulator.All("Opportunity").Count);
        var aiko = host.Simulator.Get("User", "0055g00000AbCdAAAV");
        Assert.Equal("aiko", aiko!["LastName"]?.ToString());

        var (status, body, _) = await host.SendAsync(HttpMethod.Get, "query?q=" + Uri.EscapeDataString("SELECT Id, Status, OwnerId, NumberOfEmployees FROM Lead WHERE Status = 'MQL'"));
        Assert.Equal(HttpStatusCode.OK, status);
        var expectedMql = data.People.Count(p => p.Stage == Core.Records.Stage.Mql);
        Assert.Equal(expectedMql, body!["totalSize"]!.GetValue<int>());
    }

    [Fact]
    public async Task Seed_HubSpot_CreatesOwnersWithConfiguredIdsCompaniesDealsAndContactsWithAssociations()
    {
        var data = SeedData.Generate(Rules, people: 300, accounts: 40, seed: 7, _dir);
        await using var simulator = new HubSpotSimulator(new HubSpotSimulatorOptions
        {
            TimeProvider = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero)),
            AdditionalProperties = SimulatorSeeder.HubSpotProperties(Rules),
        });
        await simulator.StartAsync();

        var result = SimulatorSeeder.Seed(simulator, Rules, data);

        Assert.Equal(data.People.Select(p => p.Email?.ToLowerInvariant() ?? p.Id).Distinct().Count(), simulator.All("contacts").Count);
        Assert.Equal(40, simulator.All("companies").Count);
        Assert.Contains(simulator.Owners, o => o.Id == "41234567");
        var withAccount = data.People.First(p => p.AccountId is not null);
        var contactId = result.People[withAccount.Id];
        Assert.Contains(simulator.AssociationsOf("contacts", contactId), a => a.ToId == result.Accounts[withAccount.AccountId!]);
        var owned = data.People.First(p => p.Owner == "aiko");
        Assert.Equal("41234567", simulator.Get("contacts", result.People[owned.Id])!.Properties["hubspot_owner_id"]);
    }
}

using System.Collections.Concurrent;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Config;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Simulators.HubSpot;
using TheModel.Sync.Simulators.Seeding;

namespace TheModel.Sync.HubSpot.Tests.AgainstSimulator;

/// <summary>
/// The sample config (config/ at the repository root) and <c>generate</c> output for it, made once per size and
/// shared by the tests (the records are immutable; every test seeds its own simulator).
/// </summary>
internal static class SampleData
{
    private static readonly Lazy<RuleSet> LazyRules = new(Load);
    private static readonly ConcurrentDictionary<int, Lazy<SeedData>> Generated = new();

    public static RuleSet Rules => LazyRules.Value;

    /// <summary>The config's HubSpot stage mapping (<c>crm.hubspot.stages</c>).</summary>
    public static CrmMapping HubSpot => Rules.Crms.Single(c => c.Crm == CrmKind.HubSpot);

    /// <summary>The HubSpot owner ids of the config's active members, in config order.</summary>
    public static IReadOnlyList<string> ActiveOwnerIds =>
        [.. Rules.Members.Where(m => m.Active && m.HubSpotId is not null).Select(m => m.HubSpotId!)];

    /// <summary>
    /// <c>generate</c> output (seed 7) cut to <paramref name="people"/> people with distinct emails, with a tenth as many
    /// accounts. Large runs of <c>generate</c> repeat some emails, which HubSpot (and the simulator) refuses on contacts.
    /// </summary>
    public static SeedData People(int people) => Generated.GetOrAdd(people, n => new Lazy<SeedData>(() => Generate(n))).Value;

    /// <summary>The deal seeded for each company, by company id (the seeder associates deals to companies with type 341).</summary>
    public static Dictionary<string, string> DealsByCompany(HubSpotSimulator simulator)
    {
        var deals = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var deal in simulator.All("deals"))
        {
            foreach (var association in simulator.AssociationsOf("deals", deal.Id).Where(a => a.TypeId == HubSpotAssociationTypes.DealToCompany))
            {
                deals.TryAdd(association.ToId, deal.Id);
            }
        }

        return deals;
    }

    private static SeedData Generate(int people)
    {
        var directory = Directory.CreateTempSubdirectory("hubspot-seed-");
        try
        {
            var data = SeedData.Generate(Rules, people + (people / 20), Math.Max(10, people / 10), seed: 7, directory.FullName);
            var emails = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var unique = data.People.Where(p => p.Email is null || emails.Add(p.Email)).Take(people).ToList();
            Assert.Equal(people, unique.Count);
            return data with { People = unique };
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static RuleSet Load()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TheModel.Sync.sln")))
        {
            dir = dir.Parent;
        }

        var result = ConfigLoader.Load(Path.Combine(dir?.FullName ?? throw new InvalidOperationException("TheModel.Sync.sln not found above the test binaries."), "config"));
        Assert.True(result.Succeeded, string.Join('\n', result.Diagnostics));
        return result.Config!.Rules;
    }
}

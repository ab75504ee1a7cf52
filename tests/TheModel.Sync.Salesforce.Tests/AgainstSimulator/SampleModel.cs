using TheModel.Sync.Application.Crm;
using TheModel.Sync.Config;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Simulators.Seeding;

namespace TheModel.Sync.Salesforce.Tests.AgainstSimulator;

/// <summary>
/// The sample config (<c>config/</c>) and one <c>generate</c> run over it, made once per test run: the same people the
/// worker would route, so the connector reads and writes the field names and values the config maps.
/// </summary>
internal static class SampleModel
{
    /// <summary>The most people any test seeds.</summary>
    public const int MaxPeople = 1200;

    private static readonly Lazy<RuleSet> LazyRules = new(Load);
    private static readonly Lazy<SeedData> LazyData = new(Generate);

    public static RuleSet Rules => LazyRules.Value;

    /// <summary>The Salesforce ids of the config's active members, the owners a routing decision can give.</summary>
    public static IReadOnlyList<string> ActiveOwnerIds =>
        [.. Rules.Members.Where(m => m.Active && m.SalesforceId is not null).Select(m => SalesforceIds.To18(m.SalesforceId![..15]))];

    /// <summary>The first <paramref name="people"/> generated people with every account and opportunity.</summary>
    public static SeedData Data(int people)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(people, MaxPeople);
        var all = LazyData.Value;
        return all with { People = [.. all.People.Take(people)] };
    }

    private static RuleSet Load()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TheModel.Sync.sln")))
        {
            dir = dir.Parent;
        }

        if (dir is null)
        {
            throw new InvalidOperationException($"No TheModel.Sync.sln above {AppContext.BaseDirectory}: the sample config cannot be found.");
        }

        var result = ConfigLoader.Load(Path.Combine(dir.FullName, "config"));
        return result.Succeeded
            ? result.Config!.Rules
            : throw new InvalidOperationException("The sample config does not load:\n" + string.Join('\n', result.Diagnostics));
    }

    private static SeedData Generate()
    {
        var dir = Directory.CreateTempSubdirectory("sf-against-sim-");
        try
        {
            return SeedData.Generate(Rules, MaxPeople, accounts: 60, seed: 11, dir.FullName);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}

/// <summary>The schema source the worker registers: the config's field names, not the built-in defaults.</summary>
internal sealed class ConfigSchemaSource(RuleSet rules) : ICrmSchemaSource
{
    private readonly CrmSchema _salesforce = CrmSchema.For(rules, CrmKind.Salesforce);
    private readonly CrmSchema _hubSpot = CrmSchema.For(rules, CrmKind.HubSpot);

    public CrmSchema For(CrmKind crm) => crm == CrmKind.Salesforce ? _salesforce : _hubSpot;
}

using TheModel.Sync.Application.Generation;
using TheModel.Sync.Application.Simulation;
using TheModel.Sync.Core.Engine;
using Xunit.Abstractions;

namespace TheModel.Sync.Application.Tests.Generation;

/// <summary>
/// The generated data evaluated against the sample config in <c>config/</c>: every routing rule, SLA and recycle rule
/// the sample evaluates without events must fire in a run of 10,000 persons.
/// </summary>
public sealed class DataGeneratorSampleRulesTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Anchor = new(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Generate_TenThousandPeople_EverySampleRuleFires()
    {
        using var dir = new TempDirectory();
        var rules = Support.Configs.Sample();
        var files = DataGenerator.Generate(rules, new GeneratorOptions { People = 10_000, Accounts = 1_000, Seed = 2026 }, dir.Path);

        var rejects = new List<InputReject>();
        var session = new SimulationSession(rules, PersonSource.ReadAccounts(files.Accounts, rejects));
        var persons = PersonSource.ReadPersons(files.People).Select(p => p.Person ?? throw new InvalidOperationException(p.Reject!.Reason)).ToList();
        foreach (var person in persons)
        {
            session.Seed(person);
        }

        var decided = new Dictionary<string, int>(StringComparer.Ordinal);
        var acted = new Dictionary<string, int>(StringComparer.Ordinal);
        var because = new Dictionary<string, int>(StringComparer.Ordinal);
        var matchedBy = new Dictionary<string, int>(StringComparer.Ordinal);
        var slaBreaches = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var person in persons)
        {
            var decision = session.Evaluate(person, Anchor);
            Count(decided, decision.Rule ?? "(none)");
            Count(because, decision.Because ?? "(none)");
            Count(matchedBy, decision.Why.MatchedBy ?? "(unmatched)");
            foreach (var action in decision.Actions)
            {
                Count(acted, action.Rule);
            }

            foreach (var sla in decision.Why.Sla.Where(s => s.State == SlaState.Breached))
            {
                Count(slaBreaches, sla.Sla.Id);
            }
        }

        output.WriteLine("decided: " + Show(decided));
        output.WriteLine("actions: " + Show(acted));
        output.WriteLine("kept because: " + Show(because));
        output.WriteLine("matched by: " + Show(matchedBy));
        output.WriteLine("SLA breaches: " + Show(slaBreaches));
        Assert.Empty(rejects);
        foreach (var rule in rules.Routing)
        {
            Assert.True(decided.GetValueOrDefault(rule.Id) >= 10, $"routing rule {rule.Id} decided {decided.GetValueOrDefault(rule.Id)} persons: {Show(decided)}");
        }

        Assert.True(acted.GetValueOrDefault(DecisionEngine.MqlRuleId) >= 50, $"MQL promotions: {Show(acted)}");
        foreach (var recycle in rules.Recycle.Where(r => r.On == TheModel.Sync.Core.Model.RecycleTrigger.None).Select(r => r.Id))
        {
            Assert.True(acted.GetValueOrDefault(recycle) >= 5, $"recycle rule {recycle}: {Show(acted)}");
        }

        foreach (var sla in rules.Slas)
        {
            Assert.True(slaBreaches.GetValueOrDefault(sla.Id) >= 10, $"SLA {sla.Id} breached {slaBreaches.GetValueOrDefault(sla.Id)} times");
        }

        Assert.True(because.GetValueOrDefault("owned") >= 500, $"kept as owned: {Show(because)}");
        Assert.True(because.GetValueOrDefault("manual_owner") >= 5, $"manual owners: {Show(because)}");
        Assert.True(matchedBy.GetValueOrDefault("domain") >= 5_000, $"matches: {Show(matchedBy)}");
        Assert.True(matchedBy.GetValueOrDefault("company_name") >= 500, $"matches: {Show(matchedBy)}");
        Assert.True(matchedBy.GetValueOrDefault("account_id") >= 500, $"matches: {Show(matchedBy)}");
    }

    private static void Count(Dictionary<string, int> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;

    private static string Show(Dictionary<string, int> counts) =>
        string.Join(", ", counts.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
}

using System.Globalization;
using System.Text.Json;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;
using TheModel.Sync.FunctionalTests.Support;
using TheModel.Sync.Simulators.HubSpot;

namespace TheModel.Sync.FunctionalTests;

/// <summary>
/// THE MODEL's loop back for lost deals, live: a deal lost for timing or budget sends its people to nurture through
/// the sample's <c>closed-lost</c> rule (once), a deal lost to a competitor does not, in both CRMs (HubSpot by its
/// webhook and the deal's company associations, Salesforce by the opportunity poll and the Leads at the account's domain).
/// </summary>
public sealed class LostDealTests
{
    [Fact]
    public async Task Run_DealsLostInBothCrms_TheirPeopleRecycledOnceAndOnlyForTheRuleReasons()
    {
        await using var run = await FunctionalRun.CreateAsync(extraSettings: ["--Worker:CatalogPollInterval=5s"]);
        await run.StartWorkersAsync();
        var world = run.World;
        await world.CreateLeadsAsync(68, perSecond: 30);
        await run.DrainAsync(TimeSpan.FromSeconds(60));
        var problems = await run.ProblemsAsync();
        Assert.True(problems.Count == 0, $"{problems.Count} problem(s) before the deals (log: {run.Worker.LogPath}):\n{string.Join('\n', problems.Take(25))}");

        // HubSpot: a company with two deals; three contacts at it through the company, one through the deal itself.
        var hubSpotLeads = world.Created.Where(l => l.Crm == CrmKind.HubSpot).ToList();
        var company = world.HubSpot.Create("companies", new Dictionary<string, string?> { ["name"] = "Lost Deal KK", ["domain"] = "lostdeal.example" });
        var lostForTiming = world.HubSpot.Create("deals", Deal("Renewal"));
        var lostToCompetitor = world.HubSpot.Create("deals", Deal("Expansion"));
        world.HubSpot.Associate("deals", lostForTiming, "companies", company, HubSpotAssociationTypes.DealToCompany);
        foreach (var lead in hubSpotLeads.Take(3))
        {
            world.HubSpot.Associate("contacts", lead.Id, "companies", company, HubSpotAssociationTypes.ContactToCompany);
        }

        world.HubSpot.Associate("deals", lostForTiming, "contacts", hubSpotLeads[3].Id, HubSpotAssociationTypes.DealToContact);
        world.HubSpot.Associate("deals", lostToCompetitor, "contacts", hubSpotLeads[4].Id, HubSpotAssociationTypes.DealToContact);

        // Salesforce: an account at the email domain of some of the created Leads, with two opportunities.
        var salesforceLeads = world.Created.Where(l => l.Crm == CrmKind.Salesforce).ToList();
        var domain = Domain(world, salesforceLeads[0]);
        var atDomain = salesforceLeads.Where(l => Domain(world, l) == domain).ToList();
        var account = world.Salesforce.Insert("Account", new Dictionary<string, object?> { ["Name"] = "Lost Deal Inc", ["Website"] = "https://www." + domain });
        var lostForBudget = world.Salesforce.Insert("Opportunity", Opportunity(account, "Platform"));
        var lostToOther = world.Salesforce.Insert("Opportunity", Opportunity(account, "Add-on"));

        // The worker sees the new account and opportunities (open) in its catalog first.
        await Task.Delay(TimeSpan.FromSeconds(11));

        world.HubSpot.Touch("deals", lostForTiming, new Dictionary<string, string?> { ["dealstage"] = "closedlost", ["closed_lost_reason"] = "timing" });
        world.HubSpot.Touch("deals", lostToCompetitor, new Dictionary<string, string?> { ["dealstage"] = "closedlost", ["closed_lost_reason"] = "competitor" });
        world.Salesforce.Touch("Opportunity", lostForBudget, Lost("budget"));
        world.Salesforce.Touch("Opportunity", lostToOther, Lost("competitor"));

        var recycled = hubSpotLeads.Take(4).Concat(atDomain).ToList();
        var nurturePool = world.Rules.Queues.Single(q => q.Key == "nurture-pool");
        await FunctionalRun.WaitUntilAsync(
            () => Task.FromResult(recycled.All(l => world.Current(l).Stage == Stage.Nurture)),
            TimeSpan.FromSeconds(60),
            () => Task.FromResult($"not yet in nurture: {string.Join(", ", recycled.Where(l => world.Current(l).Stage != Stage.Nurture).Select(l => $"{l.Crm} {l.Id} ({world.Current(l).Stage?.Name()})"))} (log: {run.Worker.LogPath})"));

        // Edits to the lost deals afterwards recycle nobody again.
        world.HubSpot.Touch("deals", lostForTiming, new Dictionary<string, string?> { ["amount"] = "1" });
        world.Salesforce.Touch("Opportunity", lostForBudget, new Dictionary<string, object?> { ["Amount"] = 1.0 });
        await Task.Delay(TimeSpan.FromSeconds(12));
        await run.DrainAsync(TimeSpan.FromSeconds(60));

        var decisions = await run.DecisionsAsync();
        var byEvent = decisions.Where(d => d.GetProperty("event").GetString() == "opportunity_lost").ToList();
        foreach (var lead in recycled)
        {
            var (owner, stage) = world.Current(lead);
            Assert.Equal(Stage.Nurture, stage);
            Assert.Equal(CrmWorld.Canonical(lead.Crm == CrmKind.Salesforce ? nurturePool.SalesforceId! : nurturePool.HubSpotId!), CrmWorld.Canonical(owner!));
            // Once: one decision recycled it (a Salesforce Lead hears of both of its account's losses).
            var recycles = decisions.Where(d => d.GetProperty("person").GetString() == lead.Id && RecycleRule(d) is not null).ToList();
            Assert.True(recycles.Count == 1, $"{lead.Crm} {lead.Id}: recycled {recycles.Count} times");
            Assert.Equal(("closed-lost", "opportunity_lost"), (RecycleRule(recycles[0]), recycles[0].GetProperty("event").GetString()));
        }

        // People of the deals lost to a competitor were decided with the event, and kept their stage.
        var competitorContact = hubSpotLeads[4];
        Assert.Contains(byEvent, d => d.GetProperty("person").GetString() == competitorContact.Id);
        Assert.NotEqual(Stage.Nurture, world.Current(competitorContact).Stage);
        foreach (var lead in world.Created.Except(recycled))
        {
            Assert.NotEqual(Stage.Nurture, world.Current(lead).Stage);
        }

        Assert.Empty(world.DuplicatedTaskKeys());
        Assert.Equal(0, await run.DeadLettersAsync());
    }

    private static Dictionary<string, string?> Deal(string name) => new()
    {
        ["dealname"] = name,
        ["pipeline"] = "default",
        ["dealstage"] = "qualifiedtobuy",
        ["amount"] = "12000",
        ["closedate"] = "2026-12-31T00:00:00.000Z",
    };

    private static Dictionary<string, object?> Opportunity(string account, string name) => new()
    {
        ["Name"] = name,
        ["AccountId"] = account,
        ["StageName"] = "Prospecting",
        ["CloseDate"] = "2026-12-31",
        ["Amount"] = 12000.0,
    };

    private static Dictionary<string, object?> Lost(string reason) => new()
    {
        ["StageName"] = "Closed Lost",
        ["CloseDate"] = TimeProvider.System.GetUtcNow().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["TheModel_Loss_Reason__c"] = reason,
    };

    private static string Domain(CrmWorld world, CreatedLead lead)
    {
        var email = world.Salesforce.Get("Lead", lead.Id)?.GetValueOrDefault("Email")?.ToString() ?? throw new InvalidOperationException($"lead {lead.Id} has no email");
        return email[(email.IndexOf('@', StringComparison.Ordinal) + 1)..];
    }

    private static string? RecycleRule(JsonElement decision) =>
        decision.TryGetProperty("actions", out var actions)
            ? actions.EnumerateArray().Where(a => a.TryGetProperty("field", out var f) && f.GetString() == "recycle_rule")
                .Select(a => a.GetProperty("value").GetString()).FirstOrDefault()
            : null;
}

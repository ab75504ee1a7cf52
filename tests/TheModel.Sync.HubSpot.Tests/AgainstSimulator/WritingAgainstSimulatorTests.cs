using TheModel.Sync.Application.Crm;

namespace TheModel.Sync.HubSpot.Tests.AgainstSimulator;

/// <remarks>
/// Write-back of owners, stages and follow-up tasks for a few hundred seeded people, checked against the portal the
/// simulator ends up with and the calls it counted.
/// </remarks>
public sealed class WritingAgainstSimulatorTests
{
    private const string ContactUpdates = "POST /crm/v3/objects/contacts/batch/update";
    private const string TaskCreates = "POST /crm/v3/objects/tasks/batch/create";
    private const string ContactReads = "POST /crm/v3/objects/contacts/batch/read";

    [Fact]
    public async Task WriteAsync_OwnerStageAndATaskFor300People_WritesEverythingInCeilUpdatesPlusCeilTasksOver100Calls()
    {
        await using var host = await SimulatorHost.StartAsync();
        var data = SampleData.People(300);
        var routing = RoutingPlan.For(host.Simulator, data, host.Seed(data, spread: true));
        Assert.Contains(routing.People, p => p.DealId is not null);
        Assert.Contains(routing.People, p => p.CompanyId is not null && p.DealId is null);
        Assert.Contains(routing.People, p => p.CompanyId is null);

        var outcomes = await host.RunAsync((c, ct) => c.WriteAsync(routing.Plan, ct));

        Assert.Equal(routing.Plan.Updates.Select(u => u.Key).Concat(routing.Plan.Tasks.Select(t => t.Key)), outcomes.Select(o => o.Key));
        Assert.All(outcomes, o => Assert.Equal(WriteStatus.Written, o.Status));
        PortalAssert.RoutedExactlyOnce(host.Simulator, routing.People, outcomes.Skip(300).ToList());
        Assert.Equal(3, host.Calls(ContactUpdates));
        Assert.Equal(3, host.Calls(TaskCreates));
        Assert.Equal(6, host.TotalCalls);
        Assert.Equal(6, host.Connector.Budget.CallsMade);
    }

    [Fact]
    public async Task WriteAsync_DeletedAndUnknownContacts_RejectsThemWithHubSpotsMessageAndWritesTheRest()
    {
        await using var host = await SimulatorHost.StartAsync();
        var data = SampleData.People(300);
        var routing = RoutingPlan.For(host.Simulator, data, host.Seed(data, spread: true));
        var deleted = routing.People.Take(2).ToList();
        foreach (var person in deleted)
        {
            host.Simulator.Archive("contacts", person.ContactId);
        }

        var unknown = new RecordUpdate("unknown", CrmObject.Person, "99999999", new Dictionary<string, string?> { ["hubspot_owner_id"] = "41234567" });
        var plan = new WritePlan([.. routing.Plan.Updates, unknown], routing.Plan.Tasks);

        var outcomes = await host.RunAsync((c, ct) => c.WriteAsync(plan, ct));

        var rejected = outcomes.Where(o => o.Status != WriteStatus.Written).ToDictionary(o => o.Key, StringComparer.Ordinal);
        string[] rejectedUpdates = [.. deleted.Select(p => $"run-1/{p.ContactId}"), "unknown"];
        Assert.Equal([.. rejectedUpdates, .. deleted.Select(p => p.TaskKey)], rejected.Keys);
        Assert.All(rejected.Values, o => Assert.Equal(WriteStatus.Rejected, o.Status));
        foreach (var key in rejectedUpdates)
        {
            Assert.Equal(
                "OBJECT_NOT_FOUND: Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid.",
                rejected[key].Error);
        }

        foreach (var person in deleted)
        {
            Assert.Equal($"VALIDATION_ERROR: Cannot associate with contact {person.ContactId}: it does not exist.", rejected[person.TaskKey].Error);
            Assert.Null(host.Simulator.Get("contacts", person.ContactId)!["hs_lead_status"]);
        }

        PortalAssert.RoutedExactlyOnce(host.Simulator, routing.People.Skip(2));
        Assert.Equal(4, host.Calls(ContactUpdates));
        Assert.Equal(3, host.Calls(TaskCreates));
        Assert.Equal(7, host.TotalCalls);
    }

    [Fact]
    public async Task WriteAsync_SecondIdenticalPlanWithTheValuesReadBack_CostsNoCall()
    {
        await using var host = await SimulatorHost.StartAsync();
        var data = SampleData.People(300);
        var routing = RoutingPlan.For(host.Simulator, data, host.Seed(data, spread: true));
        await host.RunAsync((c, ct) => c.WriteAsync(new WritePlan(routing.Plan.Updates, []), ct));
        var read = await host.RunAsync((c, ct) => c.ReadAsync(CrmObject.Person, [.. routing.People.Select(p => p.ContactId)], ct));
        Assert.Equal(3, host.Calls(ContactReads));
        var known = read.ToDictionary(r => r.Id, r => r.Fields, StringComparer.Ordinal);
        var again = new WritePlan([.. routing.Plan.Updates.Select(u => u with { Known = known[u.RecordId] })], []);
        var callsBefore = host.TotalCalls;

        var outcomes = await host.RunAsync((c, ct) => c.WriteAsync(again, ct));

        Assert.All(outcomes, o => Assert.Equal(WriteStatus.Unchanged, o.Status));
        Assert.Equal(callsBefore, host.TotalCalls);
        Assert.Equal(3, host.Calls(ContactUpdates));
    }

    [Fact]
    public async Task PollAndWrite_DateVersionedObjectsPath_UseOnlyTheVersionedObjectEndpoints()
    {
        await using var host = await SimulatorHost.StartAsync(settings: ("ObjectsPath", "/crm/objects/2026-03"));
        var data = SampleData.People(50);
        var routing = RoutingPlan.For(host.Simulator, data, host.Seed(data, spread: true));

        var polled = await host.RunAsync((c, ct) => c.PollAsync(CrmObject.Person, Watermark.Start, 100, ct));
        var outcomes = await host.RunAsync((c, ct) => c.WriteAsync(routing.Plan, ct));

        Assert.Equal(50, polled.Records.Count);
        Assert.All(outcomes, o => Assert.Equal(WriteStatus.Written, o.Status));
        PortalAssert.RoutedExactlyOnce(host.Simulator, routing.People);
        Assert.Equal(1, host.Calls("POST /crm/objects/2026-03/contacts/search"));
        Assert.Equal(1, host.Calls("POST /crm/objects/2026-03/contacts/batch/update"));
        Assert.Equal(1, host.Calls("POST /crm/objects/2026-03/tasks/batch/create"));
        Assert.Equal(3, host.TotalCalls);
    }

    [Fact]
    public async Task ReadOwnersAsync_SeededPortal_ReturnsTheConfigsMembersAndQueuesByOwnerId()
    {
        await using var host = await SimulatorHost.StartAsync();
        host.Seed(SampleData.People(50), spread: false);

        var owners = await host.RunAsync((c, ct) => c.ReadOwnersAsync(ct));

        var rules = SampleData.Rules;
        var expected = rules.Members.Select(m => new CrmOwner(m.HubSpotId!, $"{m.Id}@sales.example", $"{m.Id} {m.Team.Id}", m.Active, IsQueue: false))
            .Concat(rules.Queues.Select(q => new CrmOwner(q.HubSpotId!, null, $"{q.Key} queue", Active: true, IsQueue: true)))
            .OrderBy(o => o.Id, StringComparer.Ordinal);
        Assert.Equal(expected, owners.OrderBy(o => o.Id, StringComparer.Ordinal));
        Assert.Contains(owners, o => o.Id == "41234572" && !o.Active);
        Assert.All(host.Simulator.Owners, o => Assert.NotEqual(o.Id, o.UserId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(2, host.Calls("GET /crm/v3/owners"));
    }
}

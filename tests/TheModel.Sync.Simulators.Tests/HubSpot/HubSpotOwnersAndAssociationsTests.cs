using System.Globalization;
using TheModel.Sync.Simulators.HubSpot;

namespace TheModel.Sync.Simulators.Tests.HubSpot;

public class HubSpotOwnersAndAssociationsTests
{
    [Fact]
    public async Task Owners_Paging_ListsActiveOwnersOnly()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var active = Enumerable.Range(0, 5).Select(i => hs.Simulator.AddOwner($"o{i}@x.com", "First", $"Last{i}").Id).ToList();
        hs.Simulator.AddOwner("gone@x.com", "Gone", "User", archived: true);

        var seen = new List<string>();
        string? after = null;
        do
        {
            var answer = await hs.GetAsync("crm/v3/owners?limit=2" + (after is null ? string.Empty : "&after=" + after));
            Assert.Equal(200, answer.Code);
            seen.AddRange(answer.Body["results"]!.AsArray().Select(o => o!["id"]!.GetValue<string>()));
            after = answer.Body["paging"]?["next"]?["after"]?.GetValue<string>();
        }
        while (after is not null);

        Assert.Equal(active, seen);
    }

    [Fact]
    public async Task Owners_ArchivedTrue_ListsDeactivatedOwners()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        hs.Simulator.AddOwner("a@x.com", "A", "A");
        var gone = hs.Simulator.AddOwner("gone@x.com", "Gone", "User", archived: true);

        var answer = await hs.GetAsync("crm/v3/owners?archived=true");

        var owner = Assert.Single(answer.Body["results"]!.AsArray())!;
        Assert.Equal(gone.Id, owner["id"]!.GetValue<string>());
        Assert.True(owner["archived"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Owner_Shape_IdIsAStringAndDiffersFromUserId()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var added = hs.Simulator.AddOwner("email@hubspot.com", "HubSpot", "Test Owner", teams: [new HubSpotTeam("178588", "West Coast Sales", true)]);

        var answer = await hs.GetAsync($"crm/v3/owners/{added.Id}");

        var owner = answer.Body;
        Assert.Equal(added.Id, owner["id"]!.GetValue<string>());
        Assert.Equal(added.UserId, owner["userId"]!.GetValue<long>());
        Assert.NotEqual(added.Id, added.UserId.ToString(CultureInfo.InvariantCulture));
        Assert.Equal("PERSON", owner["type"]!.GetValue<string>());
        Assert.Equal("email@hubspot.com", owner["email"]!.GetValue<string>());
        Assert.Equal("West Coast Sales", owner["teams"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("2026-05-02T09:30:12.345Z", owner["createdAt"]!.GetValue<string>());
    }

    [Fact]
    public async Task Owner_ReadByUserId_NeedsIdPropertyUserId()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var added = hs.Simulator.AddOwner("a@x.com", "A", "A");

        var byId = await hs.GetAsync($"crm/v3/owners/{added.UserId}");
        var byUserId = await hs.GetAsync($"crm/v3/owners/{added.UserId}?idProperty=userId");

        Assert.Equal(404, byId.Code);
        Assert.Equal(added.Id, byUserId.Body["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Owner_Deactivated_Answers404UnlessArchivedTrue()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var added = hs.Simulator.AddOwner("a@x.com", "A", "A");
        hs.Simulator.SetOwnerArchived(added.Id, archived: true);

        var active = await hs.GetAsync($"crm/v3/owners/{added.Id}");
        var archived = await hs.GetAsync($"crm/v3/owners/{added.Id}?archived=true");

        Assert.Equal(404, active.Code);
        Assert.Equal(200, archived.Code);
        Assert.Null(archived.Body["userId"]);
        Assert.Equal(added.UserId, archived.Body["userIdIncludingInactive"]!.GetValue<long>());
    }

    [Fact]
    public async Task V4PutDefault_TaskToContact_Uses204AndItsInverse()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var contact = hs.CreateContact("a@b.com");
        var task = hs.Simulator.Create("tasks", new Dictionary<string, string?> { ["hs_timestamp"] = "2024-05-03T09:00:00Z" });

        var answer = await hs.SendAsync(HttpMethod.Put, $"crm/v4/objects/tasks/{task}/associations/default/contacts/{contact}");

        Assert.Equal(200, answer.Code);
        Assert.Equal("COMPLETE", answer.Body["status"]!.GetValue<string>());
        Assert.Equal(204, answer.Body["results"]![0]!["associationSpec"]!["associationTypeId"]!.GetValue<int>());
        Assert.Equal(204, Assert.Single(hs.Simulator.AssociationsOf("tasks", task)).TypeId);
        Assert.Equal(203, Assert.Single(hs.Simulator.AssociationsOf("contacts", contact)).TypeId);
    }

    [Fact]
    public async Task V4PutDefault_UnknownObject_Answers404()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var contact = hs.CreateContact("a@b.com");

        var answer = await hs.SendAsync(HttpMethod.Put, $"crm/v4/objects/tasks/12345/associations/default/contacts/{contact}");

        Assert.Equal(404, answer.Code);
    }

    [Fact]
    public async Task V4BatchCreate_LabelledTypes_CreatesAndReports207ForBadInputs()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var contact = hs.CreateContact("a@b.com");
        var company = hs.Simulator.Create("companies", new Dictionary<string, string?> { ["name"] = "Acme" });

        var answer = await hs.PostAsync("crm/v4/associations/contacts/companies/batch/create", $$"""
            {"inputs":[
              {"from":{"id":"{{contact}}"},"to":{"id":"{{company}}"},"types":[{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":279},{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":1}]},
              {"from":{"id":"{{contact}}"},"to":{"id":"999"},"types":[{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":279}]},
              {"from":{"id":"{{contact}}"},"to":{"id":"{{company}}"},"types":[{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":204}]}]}
            """);

        Assert.Equal(207, answer.Code);
        Assert.Equal(2, answer.Body["numErrors"]!.GetValue<int>());
        Assert.Equal(["OBJECT_NOT_FOUND", "VALIDATION_ERROR"], answer.Body["errors"]!.AsArray().Select(e => e!["category"]!.GetValue<string>()).Order());
        var result = answer.Body["results"]![0]!;
        Assert.Equal("0-1", result["fromObjectTypeId"]!.GetValue<string>());
        Assert.Equal(long.Parse(company, CultureInfo.InvariantCulture), result["toObjectId"]!.GetValue<long>());
        Assert.Equal([1, 279], hs.Simulator.AssociationsOf("contacts", contact).Select(a => a.TypeId).Order());
        Assert.Equal([2, 280], hs.Simulator.AssociationsOf("companies", company).Select(a => a.TypeId).Order());
    }

    [Fact]
    public async Task V4List_ReturnsTypesPerTarget()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var contact = hs.CreateContact("a@b.com");
        var company = hs.Simulator.Create("companies", new Dictionary<string, string?> { ["name"] = "Acme" });
        hs.Simulator.Associate("contacts", contact, "companies", company, HubSpotAssociationTypes.ContactToCompany);
        hs.Simulator.Associate("contacts", contact, "companies", company, HubSpotAssociationTypes.PrimaryContactToCompany);

        var answer = await hs.GetAsync($"crm/v4/objects/contacts/{contact}/associations/companies");

        var item = Assert.Single(answer.Body["results"]!.AsArray())!;
        Assert.Equal(long.Parse(company, CultureInfo.InvariantCulture), item["toObjectId"]!.GetValue<long>());
        Assert.Equal([279, 1], item["associationTypes"]!.AsArray().Select(t => t!["typeId"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Read_WithAssociationsParameter_ListsAssociatedIds()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var contact = hs.CreateContact("a@b.com");
        var task = hs.Simulator.Create("tasks", new Dictionary<string, string?> { ["hs_timestamp"] = "2024-05-03T09:00:00Z" });
        hs.Simulator.Associate("tasks", task, "contacts", contact, HubSpotAssociationTypes.TaskToContact);

        var answer = await hs.GetAsync($"crm/v3/objects/contacts/{contact}?associations=tasks");

        var link = answer.Body["associations"]!["tasks"]!["results"]![0]!;
        Assert.Equal(task, link["id"]!.GetValue<string>());
        Assert.Equal("contact_to_task", link["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Associate_WrongTypeForPair_Throws()
    {
        await using var hs = await HubSpotHarness.StartAsync();
        var contact = hs.CreateContact("a@b.com");
        var company = hs.Simulator.Create("companies", new Dictionary<string, string?> { ["name"] = "Acme" });

        var error = Assert.Throws<ArgumentException>(() => hs.Simulator.Associate("contacts", contact, "companies", company, 204));

        Assert.Contains("204", error.Message, StringComparison.Ordinal);
    }
}

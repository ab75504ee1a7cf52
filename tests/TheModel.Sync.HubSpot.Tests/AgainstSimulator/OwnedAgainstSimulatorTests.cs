using System.Globalization;
using System.Text.Json.Nodes;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.HubSpot.Polling;

namespace TheModel.Sync.HubSpot.Tests.AgainstSimulator;

/// <remarks>
/// The roster refresh's read of the persons a set of owners holds, against the simulator's search: owner and stage
/// <c>IN</c> filters, 200 a page, and no query paging towards the 10,000-result ceiling.
/// </remarks>
public sealed class OwnedAgainstSimulatorTests
{
    private const string Aiko = "41234567";
    private const string Haruto = "41234568";
    private const string Other = "49999999";

    [Fact]
    public async Task ReadOwnedAsync_OwnersAndStageFilter_ReturnsExactlyTheirContactsInThoseStages()
    {
        await using var host = await SimulatorHost.StartAsync();
        var expected = new List<string>
        {
            Create(host, Aiko, "marketingqualifiedlead", null),
            Create(host, Aiko, "marketingqualifiedlead", "IN_PROGRESS"),
            Create(host, Haruto, "marketingqualifiedlead", "IN_PROGRESS"),
        };
        Create(host, Aiko, "salesqualifiedlead", null);
        Create(host, Aiko, "lead", "NEW");
        Create(host, Aiko, null, null);
        Create(host, Other, "marketingqualifiedlead", null);
        Create(host, null, "marketingqualifiedlead", null);

        var records = await host.RunAsync((c, ct) => c.ReadOwnedAsync([Aiko, Haruto], new StageFilter("lifecyclestage", ["marketingqualifiedlead"]), ct));

        Assert.Equal(expected.Order(StringComparer.Ordinal), records.Select(r => r.Id).Order(StringComparer.Ordinal));

        // The fields the count needs: the owner and every stage field of the mapping.
        var withStatus = records.Single(r => r.Id == expected[1]);
        Assert.Equal(Aiko, withStatus["hubspot_owner_id"]);
        Assert.Equal("marketingqualifiedlead", withStatus["lifecyclestage"]);
        Assert.Equal("IN_PROGRESS", withStatus["hs_lead_status"]);
        var search = JsonNode.Parse(Assert.Single(Searches(host)).Body)!;
        var filters = search["filterGroups"]![0]!["filters"]!.AsArray();
        Assert.Equal("hubspot_owner_id", (string)filters[0]!["propertyName"]!);
        Assert.Equal("IN", (string)filters[0]!["operator"]!);
        Assert.Equal([Aiko, Haruto], filters[0]!["values"]!.AsArray().Select(v => (string)v!));
        Assert.Equal("lifecyclestage", (string)filters[1]!["propertyName"]!);
        Assert.Equal(200, (int)search["limit"]!);
    }

    [Fact]
    public async Task ReadOwnedAsync_NoStageFilter_ReturnsEveryContactOfTheOwners()
    {
        await using var host = await SimulatorHost.StartAsync();
        string[] expected = [Create(host, Aiko, "lead", "NEW"), Create(host, Aiko, null, null), Create(host, Aiko, "customer", null)];
        Create(host, Other, "lead", "NEW");

        var records = await host.RunAsync((c, ct) => c.ReadOwnedAsync([Aiko], null, ct));

        Assert.Equal(expected.Order(StringComparer.Ordinal), records.Select(r => r.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ReadOwnedAsync_StageValuesInUpperCase_MatchedAsHubSpotMatchesEnumerations()
    {
        await using var host = await SimulatorHost.StartAsync();
        var bad = Create(host, Aiko, "lead", "BAD_TIMING");
        Create(host, Aiko, "lead", "NEW");

        var records = await host.RunAsync((c, ct) => c.ReadOwnedAsync([Aiko], new StageFilter("hs_lead_status", ["BAD_TIMING"]), ct));

        Assert.Equal(bad, Assert.Single(records).Id);
        var values = JsonNode.Parse(Assert.Single(Searches(host)).Body)!["filterGroups"]![0]!["filters"]![1]!["values"]!.AsArray().Select(v => (string)v!);
        Assert.Equal(["BAD_TIMING", "bad_timing"], values);
    }

    [Fact]
    public async Task ReadOwnedAsync_MoreThan10000Matches_ReadsEachOnceInIdOrderWithoutPagingPastTheCeiling()
    {
        await using var host = await SimulatorHost.StartAsync();
        var expected = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 10_250; i++)
        {
            expected.Add(Create(host, i % 3 == 0 ? Haruto : Aiko, "marketingqualifiedlead", null));
        }

        Create(host, Other, "marketingqualifiedlead", null);

        var records = await host.RunAsync(
            (c, ct) => c.ReadOwnedAsync([Aiko, Haruto], new StageFilter("lifecyclestage", ["marketingqualifiedlead"]), ct),
            TimeSpan.FromMilliseconds(250));

        Assert.Equal(10_250, records.Count);
        Assert.True(expected.SetEquals(records.Select(r => r.Id)));
        var searches = Searches(host);
        Assert.Equal(52, searches.Count);
        Assert.All(searches, s => Assert.Equal(200, s.Status));
        Assert.All(searches, s => Assert.Null(JsonNode.Parse(s.Body)!["after"]));
        Assert.Contains(host.Logs.Messages(4114), m => m.Contains("10250 match 2 owners", StringComparison.Ordinal));
        Assert.Equal(0, host.Simulator.Counters.SearchRateLimited);
    }

    [Fact]
    public void ChunkOwners_ManyOwners_ChunksOfAtMost100AndBoundedCharacters()
    {
        var owners = Enumerable.Range(0, 250).Select(i => (41_000_000 + i).ToString(CultureInfo.InvariantCulture)).ToList();
        var longOwners = Enumerable.Range(0, 150).Select(i => new string('9', 17) + i.ToString("D3", CultureInfo.InvariantCulture)).ToList();

        var chunks = HubSpotReader.ChunkOwners(owners).ToList();
        var longChunks = HubSpotReader.ChunkOwners(longOwners).ToList();

        Assert.Equal([100, 100, 50], chunks.Select(c => c.Count));
        Assert.Equal(owners, chunks.SelectMany(c => c));
        Assert.All(longChunks, c => Assert.True(c.Sum(id => id.Length + 3) <= HubSpotReader.OwnerIdCharactersPerSearch));
        Assert.Equal(longOwners, longChunks.SelectMany(c => c));
    }

    private static string Create(SimulatorHost host, string? owner, string? lifecycle, string? status) =>
        host.Simulator.Create("contacts", new Dictionary<string, string?>
        {
            ["email"] = $"p{Guid.NewGuid():N}@example.com",
            ["hubspot_owner_id"] = owner,
            ["lifecyclestage"] = lifecycle,
            ["hs_lead_status"] = status,
        });

    private static List<Simulators.HubSpot.HubSpotLoggedRequest> Searches(SimulatorHost host) =>
        [.. host.Simulator.Requests.Where(r => r.Path.EndsWith("/contacts/search", StringComparison.Ordinal))];
}

using System.Globalization;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Salesforce.Tests.AgainstSimulator;

/// <remarks>
/// The roster refresh's read of the Leads a set of owners holds, against the simulator's SOQL: owner and stage
/// <c>IN</c> lists, queryMore paging, and owner lists split to keep each query's URL under the limit.
/// </remarks>
public sealed class OwnedAgainstSimulatorTests
{
    private static string Aiko => Member("aiko");

    private static string Haruto => Member("haruto");

    [Fact]
    public async Task ReadOwnedAsync_OwnersAndStageFilter_ReturnsExactlyTheirLeadsInThoseStagesWithOwnerAndStage()
    {
        await using var h = await SimulatorHarness.StartAsync();
        h.Seed(1);
        var inserted = new List<string>
        {
            Insert(h, Aiko, "MQL"),
            Insert(h, Aiko, "Working - Contacted"),
            Insert(h, Haruto, "MQL"),
        };
        Insert(h, Aiko, "Qualified");
        Insert(h, Aiko, "Open - Not Contacted");
        Insert(h, Member("emma"), "MQL");

        // Haruto's id as 15 characters: the connector asks with the 18-character form the records carry.
        var records = await h.Connector.ReadOwnedAsync(
            [Aiko, Haruto[..15]],
            new StageFilter("Status", ["MQL", "Working - Contacted", "Bob's \"pick\" \\ list"]),
            CancellationToken.None);

        // The seeded person may be one of theirs too: the org's own state is the reference.
        var expected = h.Simulator.All("Lead").Where(IsOwnedInStage).Select(l => (string)l["Id"]!).Order(StringComparer.Ordinal).ToList();
        Assert.Subset(expected.ToHashSet(), inserted.ToHashSet());
        Assert.Equal(expected, records.Select(r => r.Id).Order(StringComparer.Ordinal));
        Assert.All(records, r => Assert.Contains(r["OwnerId"], new[] { Aiko, Haruto }));
        Assert.All(records, r => Assert.Contains(r["Status"], new[] { "MQL", "Working - Contacted" }));
        var query = Assert.Single(Queries(h));
        Assert.Equal(200, query.Status);
        Assert.Contains(
            "WHERE OwnerId IN ('" + Aiko + "','" + Haruto + "') AND Status IN ('MQL','Working - Contacted','Bob\\'s \\\"pick\\\" \\\\ list')",
            Uri.UnescapeDataString(query.Path.Replace('+', ' ')),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadOwnedAsync_MoreLeadsThanAPage_FollowsQueryMoreAndReturnsEachOnce()
    {
        await using var h = await SimulatorHarness.StartAsync(settings: s => s["Salesforce:QueryBatchSize"] = "200");
        h.Seed(1);
        var expected = Enumerable.Range(0, 450).Select(i => Insert(h, i % 2 == 0 ? Aiko : Haruto, "MQL")).ToHashSet(StringComparer.Ordinal);

        var records = await h.Connector.ReadOwnedAsync([Aiko, Haruto], new StageFilter("Status", ["MQL"]), CancellationToken.None);

        var read = records.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(records.Count, read.Count);
        Assert.True(expected.IsSubsetOf(read));
        Assert.True(h.Simulator.Requests.Count(r => r.Path.Contains("/query/", StringComparison.Ordinal)) >= 2);
    }

    [Fact]
    public async Task ReadOwnedAsync_TwelveHundredOwnerIds_SplitIntoQueriesUnderTheUrlLimit()
    {
        await using var h = await SimulatorHarness.StartAsync();
        h.Seed(1);
        var mine = Insert(h, Aiko, "MQL");
        var owners = Enumerable.Range(0, 1_200)
            .Select(i => SalesforceIds.To18("0055g0000Z" + i.ToString("D5", CultureInfo.InvariantCulture)))
            .Append(Aiko)
            .Append("not-an-id")
            .ToList();

        var records = await h.Connector.ReadOwnedAsync(owners, null, CancellationToken.None);

        Assert.Contains(records, r => r.Id == mine);
        Assert.All(records, r => Assert.Equal(Aiko, r["OwnerId"]));
        var queries = Queries(h);
        Assert.Equal(3, queries.Count);
        Assert.All(queries, q => Assert.True(q.Path.Length < 16_000, $"a query URL of {q.Path.Length} characters"));
        Assert.All(queries, q => Assert.Equal(200, q.Status));
    }

    [Fact]
    public async Task ReadOwnedAsync_NoValidOwnerIds_MakesNoCall()
    {
        await using var h = await SimulatorHarness.StartAsync();

        var records = await h.Connector.ReadOwnedAsync(["not-an-id", "41234567"], null, CancellationToken.None);

        Assert.Empty(records);
        Assert.Equal(0, h.DataCalls);
    }

    private static string Member(string id) => SalesforceIds.To18(SampleModel.Rules.FindMember(id)!.SalesforceId![..15]);

    private static string Insert(SimulatorHarness h, string owner, string status) =>
        h.Simulator.Insert("Lead", new Dictionary<string, object?>
        {
            ["LastName"] = "Owned " + Guid.NewGuid().ToString("N")[..8],
            ["Company"] = "Owned Co",
            ["OwnerId"] = owner,
            ["Status"] = status,
        });

    private static bool IsOwnedInStage(IReadOnlyDictionary<string, object?> lead) => lead["OwnerId"] as string is { } owner && (owner == Aiko || owner == Haruto)
            && lead["Status"] as string is "MQL" or "Working - Contacted";

    private static List<Simulators.Salesforce.SimulatedRequest> Queries(SimulatorHarness h) =>
        [.. h.Simulator.Requests.Where(r => r.Path.Contains("/query?q=", StringComparison.Ordinal))];
}

using System.Globalization;
using System.Text.Json.Nodes;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Simulators.HubSpot;
using TheModel.Sync.Simulators.Seeding;

namespace TheModel.Sync.HubSpot.Tests.AgainstSimulator;

/// <remarks>
/// The connector's search-based polling against the simulator's search (one sort property, numeric offsets, 200 a
/// page, HTTP 400 past the 10,000th result, 5 searches a second), with contacts seeded from <c>generate</c> output
/// for the sample config. Every test checks the reads against the simulator's own records and request log.
/// </remarks>
public sealed class PollingAgainstSimulatorTests
{
    private const string ContactSearch = "POST /crm/v3/objects/contacts/search";

    [Fact]
    public async Task PollAsync_FirstPollFromStart_ReadsEverySeededContactExactlyOnceAcrossPages()
    {
        await using var host = await SimulatorHost.StartAsync();
        var seeded = host.Seed(SampleData.People(300), spread: true);

        var result = await host.RunAsync((c, ct) => c.PollAsync(CrmObject.Person, Watermark.Start, 1_000, ct));

        var contacts = ByModification(host.Simulator.All("contacts"));
        Assert.Equal(300, contacts.Count);
        Assert.Equal(seeded.People.Values.Order(StringComparer.Ordinal), result.Records.Select(r => r.Id).Order(StringComparer.Ordinal));
        Assert.Equal(contacts.Select(c => c.Id), result.Records.Select(r => r.Id));
        Assert.False(result.HasMore);
        Assert.Equal(new Watermark(contacts[^1].UpdatedAt, contacts[^1].Id), result.Next);

        // What the connector read is what the portal holds, field by field.
        foreach (var (record, contact) in result.Records.Zip(contacts))
        {
            Assert.Equal(contact["email"], record["email"]);
            Assert.Equal(contact["hubspot_owner_id"], record["hubspot_owner_id"]);
            Assert.Equal(contact["lifecyclestage"], record["lifecyclestage"]);
            Assert.Equal(contact.UpdatedAt, record.ModifiedAt);
        }

        Assert.Equal(2, host.Calls(ContactSearch));
        Assert.All(host.Simulator.Requests, r => Assert.Equal(200, r.Status));
    }

    [Fact]
    public async Task PollAsync_AfterTouchesAndApiUpdates_ReturnsOnlyTheChangedContactsInModificationOrder()
    {
        await using var host = await SimulatorHost.StartAsync();
        host.Seed(SampleData.People(300), spread: true);
        var first = await host.RunAsync((c, ct) => c.PollAsync(CrmObject.Person, Watermark.Start, 1_000, ct));
        var contacts = first.Records;

        // Users edit five contacts in the UI; the connector writes owners to three more and a value one already has.
        host.Time.Advance(TimeSpan.FromMinutes(5));
        string[] touched = [contacts[250].Id, contacts[3].Id, contacts[120].Id, contacts[299].Id, contacts[0].Id];
        foreach (var id in touched)
        {
            host.Simulator.Touch("contacts", id, new Dictionary<string, string?> { ["jobtitle"] = "Edited " + id });
            host.Time.Advance(TimeSpan.FromMilliseconds(3));
        }

        string[] updated = [contacts[200].Id, contacts[10].Id, contacts[77].Id];
        var sameValue = contacts[150];
        var plan = new WritePlan(
        [
            .. updated.Select(id => new RecordUpdate("u/" + id, CrmObject.Person, id, new Dictionary<string, string?> { ["hubspot_owner_id"] = "41234575" })),
            new RecordUpdate("u/same", CrmObject.Person, sameValue.Id, new Dictionary<string, string?> { ["email"] = sameValue["email"] }),
        ], []);
        var outcomes = await host.RunAsync((c, ct) => c.WriteAsync(plan, ct));
        Assert.All(outcomes, o => Assert.Equal(WriteStatus.Written, o.Status));

        var second = await host.RunAsync((c, ct) => c.PollAsync(CrmObject.Person, first.Next, 1_000, ct));

        // One batch stamps its three contacts with one timestamp: they come in id order.
        var updatedInOrder = updated.OrderBy(id => long.Parse(id, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal([.. touched, .. updatedInOrder], second.Records.Select(r => r.Id));
        Assert.All(second.Records.Take(5), r => Assert.Equal("Edited " + r.Id, r["jobtitle"]));
        Assert.All(second.Records.Skip(5), r => Assert.Equal("41234575", r["hubspot_owner_id"]));
        Assert.False(second.HasMore);
        Assert.Equal(new Watermark(host.Simulator.Get("contacts", updatedInOrder[^1])!.UpdatedAt, updatedInOrder[^1]), second.Next);
    }

    [Fact]
    public async Task PollAsync_450ContactsShareOneTimestampAcrossPageBoundaries_ReadsEachOnceInOneBigOrManySmallPolls()
    {
        await using var host = await SimulatorHost.StartAsync();
        var people = SampleData.People(700).People;
        host.Seed(new SeedData([.. people.Take(120)], [], []), spread: true);
        host.Time.Advance(TimeSpan.FromSeconds(1));
        host.Seed(new SeedData([.. people.Skip(120).Take(450)], [], []), spread: false);
        host.Time.Advance(TimeSpan.FromSeconds(1));
        host.Seed(new SeedData([.. people.Skip(570).Take(100)], [], []), spread: true);
        var expected = ByModification(host.Simulator.All("contacts")).Select(c => c.Id).ToList();
        Assert.Equal(450, host.Simulator.All("contacts").GroupBy(c => c.UpdatedAt).Max(g => g.Count()));

        var whole = await host.RunAsync((c, ct) => c.PollAsync(CrmObject.Person, Watermark.Start, 5_000, ct));

        var small = new List<string>();
        var watermark = Watermark.Start;
        for (var poll = 0; poll < 20; poll++)
        {
            var since = watermark;
            var result = await host.RunAsync((c, ct) => c.PollAsync(CrmObject.Person, since, 150, ct));
            Assert.True(result.Records.Count <= 150, $"poll {poll} returned {result.Records.Count} records");
            small.AddRange(result.Records.Select(r => r.Id));
            watermark = result.Next;
            if (!result.HasMore)
            {
                break;
            }
        }

        Assert.Equal(expected, whole.Records.Select(r => r.Id));
        Assert.False(whole.HasMore);
        Assert.Equal(expected, small);
        Assert.All(host.Simulator.Requests, r => Assert.Equal(200, r.Status));
    }

    [Fact]
    public async Task PollAsync_MoreThan10000Contacts_ReadsEachOnceWithoutPagingPastTheCeiling()
    {
        await using var host = await SimulatorHost.StartAsync();
        var seeded = host.Seed(SampleData.People(10_050), spread: true);
        Assert.Equal(10_050, seeded.People.Count);

        var result = await host.RunAsync((c, ct) => c.PollAsync(CrmObject.Person, Watermark.Start, 20_000, ct), TimeSpan.FromMilliseconds(250));

        Assert.Equal(ByModification(host.Simulator.All("contacts")).Select(c => c.Id), result.Records.Select(r => r.Id));
        Assert.False(result.HasMore);
        AssertSearchesStayedUnderTheCeiling(host);
        Assert.Equal(0, host.Simulator.Counters.SearchRateLimited);
    }

    [Fact]
    public async Task PollAsync_MoreThan10000ContactsShareOneTimestamp_ReadsEachOnceWithoutPagingPastTheCeiling()
    {
        await using var host = await SimulatorHost.StartAsync();
        host.Seed(SampleData.People(10_050), spread: false);
        Assert.Single(host.Simulator.All("contacts").GroupBy(c => c.UpdatedAt));

        var result = await host.RunAsync((c, ct) => c.PollAsync(CrmObject.Person, Watermark.Start, 20_000, ct), TimeSpan.FromMilliseconds(250));

        Assert.Equal(ByModification(host.Simulator.All("contacts")).Select(c => c.Id), result.Records.Select(r => r.Id));
        Assert.False(result.HasMore);
        AssertSearchesStayedUnderTheCeiling(host);
    }

    /// <remarks>
    /// With <c>after</c> offsets a record that moves to the end of the ordering while a poll pages shifts every later
    /// record one place forward, so the record at the next page's first offset is never read.
    /// </remarks>
    [Fact]
    public async Task PollAsync_ContactModifiedBetweenPages_ReadsEveryContactOnceWithTheNewValues()
    {
        await using var host = await SimulatorHost.StartAsync();
        host.Seed(SampleData.People(450), spread: true);
        var ordered = ByModification(host.Simulator.All("contacts"));
        var moved = ordered[50].Id;
        TouchAfterSearch(host, searchNumber: 1, moved);

        var result = await host.RunAsync((c, ct) => c.PollAsync(CrmObject.Person, Watermark.Start, 5_000, ct));

        Assert.Empty(ordered.Select(c => c.Id).Except(result.Records.Select(r => r.Id)));
        Assert.Equal([.. ordered.Select(c => c.Id).Where(id => id != moved), moved], result.Records.Select(r => r.Id));
        Assert.Equal("Moved while paging", result.Records[^1]["jobtitle"]);
        Assert.Equal(host.Simulator.Get("contacts", moved)!.UpdatedAt, result.Next.ModifiedAt);
    }

    [Fact]
    public async Task PollAsync_ContactLeavesASharedTimestampBetweenPages_ReadsEveryContactOnce()
    {
        await using var host = await SimulatorHost.StartAsync();
        var people = SampleData.People(700).People;
        host.Seed(new SeedData([.. people.Take(20)], [], []), spread: true);
        host.Time.Advance(TimeSpan.FromSeconds(1));
        host.Seed(new SeedData([.. people.Skip(20).Take(600)], [], []), spread: false);
        var ordered = ByModification(host.Simulator.All("contacts"));
        var tied = ordered.Skip(20).ToList();

        // Search 1 reads 20 contacts and 180 of the tie, search 2 only the tie; search 3 is the tie's first page by id.
        var moved = tied[30].Id;
        TouchAfterSearch(host, searchNumber: 3, moved);

        var result = await host.RunAsync((c, ct) => c.PollAsync(CrmObject.Person, Watermark.Start, 5_000, ct));

        Assert.Empty(ordered.Select(c => c.Id).Except(result.Records.Select(r => r.Id)));
        Assert.Equal([.. ordered.Select(c => c.Id).Where(id => id != moved), moved], result.Records.Select(r => r.Id));
        Assert.Equal("Moved while paging", result.Records[^1]["jobtitle"]);
    }

    private static void TouchAfterSearch(SimulatorHost host, int searchNumber, string contactId)
    {
        var searches = 0;
        host.AfterResponse = (request, _) =>
        {
            if (request.RequestUri!.AbsolutePath.EndsWith("/contacts/search", StringComparison.Ordinal) && Interlocked.Increment(ref searches) == searchNumber)
            {
                host.Time.Advance(TimeSpan.FromSeconds(1));
                host.Simulator.Touch("contacts", contactId, new Dictionary<string, string?> { ["jobtitle"] = "Moved while paging" });
            }
        };
    }

    private static void AssertSearchesStayedUnderTheCeiling(SimulatorHost host)
    {
        var searches = host.Simulator.Requests.Where(r => r.Path.EndsWith("/search", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(searches);
        Assert.All(searches, r => Assert.Equal(200, r.Status));
        foreach (var search in searches)
        {
            var body = JsonNode.Parse(search.Body)!;
            var after = body["after"] is { } a ? int.Parse((string)a!, CultureInfo.InvariantCulture) : 0;
            Assert.True(after + (int)body["limit"]! <= 10_000, $"A search asked for results past the 10,000th: {search.Body}");
        }
    }

    /// <summary>Records in the order polls return them: by modification time, then by numeric id.</summary>
    private static List<HubSpotRecord> ByModification(IEnumerable<HubSpotRecord> records) =>
        [.. records.Where(r => !r.Archived).OrderBy(r => r.UpdatedAt).ThenBy(r => long.Parse(r.Id, CultureInfo.InvariantCulture))];
}

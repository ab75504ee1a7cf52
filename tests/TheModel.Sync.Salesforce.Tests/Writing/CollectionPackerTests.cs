using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Salesforce.Writing;

namespace TheModel.Sync.Salesforce.Tests.Writing;

public sealed class CollectionPackerTests
{
    private static readonly CrmSchema Schema = CrmSchema.Default(CrmKind.Salesforce);

    [Theory]
    [InlineData(1, 0, 1, "1")]
    [InlineData(200, 0, 1, "200")]
    [InlineData(201, 0, 1, "200,1")]
    [InlineData(1000, 0, 1, "200,200,200,200,200")]
    [InlineData(1001, 0, 2, "200,200,200,200,200|1")]
    [InlineData(300, 300, 1, "200,100,200,100")]
    [InlineData(10_000, 10_000, 20, null)]
    public void Pack_Counts_FillCollectionsAndComposites(int updates, int tasks, int calls, string? shape)
    {
        var items = Updates(updates).Concat(Tasks(tasks, start: updates)).ToList();

        var packed = CollectionPacker.Pack(items);

        Assert.Equal(calls, packed.Count);
        if (shape is not null)
        {
            Assert.Equal(shape, string.Join("|", packed.Select(call => string.Join(",", call.Select(c => c.Items.Count)))));
        }

        Assert.Equal(items.Count, packed.Sum(call => call.Sum(c => c.Items.Count)));
        Assert.All(packed, call => Assert.InRange(call.Count, 1, CollectionPacker.MaxCollectionsPerComposite));
    }

    [Fact]
    public void Pack_UpdatesThenTasks_NeverMixedInOneCollection()
    {
        var packed = CollectionPacker.Pack([.. Tasks(3, start: 0), .. Updates(3)]);

        var chunks = Assert.Single(packed);
        Assert.Equal([WriteKind.Update, WriteKind.TaskUpsert], chunks.Select(c => c.Kind));
        Assert.All(chunks, c => Assert.All(c.Items, i => Assert.Equal(c.Kind, i.Kind)));
    }

    [Fact]
    public void Pack_MixedObjects_GroupsThemIntoFewTypeRuns()
    {
        var objects = new[] { CrmObject.Person, CrmObject.Account, CrmObject.Opportunity };
        var items = Enumerable.Range(0, 30)
            .Select(i => WriteItem.ForUpdate(i, new RecordUpdate($"k{i}", objects[i % 3], Id(i), new Dictionary<string, string?> { ["OwnerId"] = "x" }), Schema).Item!)
            .ToList();

        var chunk = Assert.Single(Assert.Single(CollectionPacker.Pack(items)));

        Assert.Equal(["Account", "Lead", "Opportunity"], chunk.Items.Select(i => i.SObject).Distinct());
    }

    [Fact]
    public void Chunking_MoreThanTenTypeRuns_StartsANewCollection()
    {
        // A plan has at most four objects; eleven custom person objects make eleven runs to exercise the guard.
        var items = Enumerable.Range(0, 11)
            .Select(i => WriteItem.ForUpdate(
                i,
                new RecordUpdate($"k{i}", CrmObject.Person, Id(i), new Dictionary<string, string?> { ["X"] = "y" }),
                CrmSchema.For(new CrmMapping { Crm = CrmKind.Salesforce, PersonObject = $"Obj{i:D2}__c" })).Item!)
            .ToList();

        var chunks = Assert.Single(CollectionPacker.Pack(items));

        Assert.Equal([10, 1], chunks.Select(c => c.Items.Count));
    }

    [Fact]
    public void Pack_SameIdentityTwice_SplitsTheCollection()
    {
        var first = WriteItem.ForUpdate(0, new RecordUpdate("a", CrmObject.Person, Id(1), new Dictionary<string, string?> { ["X"] = "1" }), Schema).Item!;
        var second = WriteItem.ForUpdate(1, new RecordUpdate("b", CrmObject.Person, Id(1)[..15], new Dictionary<string, string?> { ["X"] = "2" }), Schema).Item!;

        var chunks = Assert.Single(CollectionPacker.Pack([first, second]));

        Assert.Equal([1, 1], chunks.Select(c => c.Items.Count));
    }

    private static string Id(int n) => SalesforceIds.To18("00Q" + n.ToString("D12", System.Globalization.CultureInfo.InvariantCulture));

    private static IEnumerable<WriteItem> Updates(int count) =>
        Enumerable.Range(0, count).Select(i =>
            WriteItem.ForUpdate(i, new RecordUpdate($"u{i}", CrmObject.Person, Id(i), new Dictionary<string, string?> { ["Status"] = "Working" }), Schema).Item!);

    private static IEnumerable<WriteItem> Tasks(int count, int start) =>
        Enumerable.Range(0, count).Select(i =>
            WriteItem.ForTask(start + i, new TaskCreate($"t{i}", Id(i), null, null, Id(0), "Call", DateTimeOffset.UnixEpoch), Schema).Item!);
}

using System.Text;
using TheModel.Sync.Application.Generation;
using TheModel.Sync.Application.Simulation;
using TheModel.Sync.Application.Tests.Support;

namespace TheModel.Sync.Application.Tests.Simulation;

public sealed class DuplicateIdsTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 10, 0, 0, TimeSpan.FromHours(9));

    [Fact]
    public void DistinctIds_NoneFound_AndFewCandidates()
    {
        // 200,000 ids in the smallest table that size of file gets: false candidates are counted, never reported.
        var check = new DuplicateIds(200_000 * 300);
        for (var i = 0; i < 200_000; i++)
        {
            check.Enter("p" + i);
        }

        for (var i = 0; i < 200_000; i++)
        {
            check.Count("p" + i);
        }

        Assert.Empty(check.Found());
        Assert.False(check.Incomplete);
        Assert.InRange(check.Candidates, 0, 400); // 99 when measured
    }

    [Fact]
    public void AMillionDistinctIds_FalseCandidatesStayFew()
    {
        // A million generated people make a 600 MB file: the table is sized from that.
        var check = new DuplicateIds(600L * 1024 * 1024);
        for (var i = 0; i < 1_000_000; i++)
        {
            check.Enter("p" + i);
        }

        Assert.InRange(check.Candidates, 0, 500); // 118 when measured
    }

    [Fact]
    public void RepeatedIds_FoundWithTheirCounts_InFileOrder_FromTextOrBytes()
    {
        string[] ids = ["a", "p7", "a", "株式会社-1", "p7", "b", "a", "株式会社-1"];
        var check = new DuplicateIds(0);
        for (var i = 0; i < ids.Length; i++)
        {
            if (i % 2 == 0)
            {
                check.Enter(ids[i]);
            }
            else
            {
                check.Enter(Encoding.UTF8.GetBytes(ids[i]));
            }
        }

        Assert.True(check.HasCandidates);
        foreach (var id in ids)
        {
            check.Count(id);
        }

        Assert.Equal([("a", 3), ("p7", 2), ("株式会社-1", 2)], check.Found());
    }

    [Fact]
    public async Task SameIdsOnTwoThreads_EveryOneFound()
    {
        // The first pass enters ids from two slices at once: the atomic word update sees each second entry.
        var check = new DuplicateIds(50_000 * 300);
        await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 50_000; i++)
            {
                check.Enter("id-" + i);
            }
        })));
        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < 50_000; i++)
            {
                check.Count("id-" + i);
            }
        }

        Assert.Equal(50_000, check.Found().Count);
        Assert.All(check.Found(), d => Assert.Equal(2, d.Times));
    }

    [Theory]
    [InlineData("jsonl")]
    [InlineData("csv")]
    public async Task Simulate_PeopleListedTwice_Reported(string format)
    {
        using var dir = new TempDir();
        var rules = Configs.Sample();
        var files = DataGenerator.Generate(rules, new GeneratorOptions { People = 2_000, Accounts = 200, Seed = 3 }, dir.Path, format);
        var lines = File.ReadAllLines(files.People);
        var first = format == "csv" ? 1 : 0;

        // Rows 10 and 20 again at the end, row 10 a third time; the unchanged file has no duplicate.
        File.AppendAllLines(files.People, [lines[first + 9], lines[first + 19], lines[first + 9]]);
        var result = await Simulator.RunAsync(new SimulationOptions { Rules = rules, PeoplePath = files.People, At = At, OutPath = dir.Combine("d.jsonl") }, CancellationToken.None);

        Assert.Equal(2_003, result.Persons);
        Assert.Equal([("p10", 3), ("p20", 2)], result.DuplicateIds);

        File.WriteAllLines(files.People, lines);
        result = await Simulator.RunAsync(new SimulationOptions { Rules = rules, PeoplePath = files.People, At = At, OutPath = dir.Combine("d.jsonl") }, CancellationToken.None);
        Assert.Empty(result.DuplicateIds);
    }
}

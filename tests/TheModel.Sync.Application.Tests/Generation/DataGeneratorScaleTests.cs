using TheModel.Sync.Application.Generation;

namespace TheModel.Sync.Application.Tests.Generation;

/// <summary>Runs alone: it reads the process's live heap, which other tests running beside it would disturb.</summary>
[CollectionDefinition(nameof(GenerationMemoryCollection), DisableParallelization = true)]
public sealed class GenerationMemoryCollection;

[Collection(nameof(GenerationMemoryCollection))]
public sealed class DataGeneratorScaleTests
{
    [Fact]
    public void Generate_HundredThousandPeople_LiveHeapDoesNotGrow()
    {
        using var dir = new TempDirectory();
        var samples = new List<long>();
        var files = DataGenerator.Generate(
            GenerationRules.Roster(),
            new GeneratorOptions { People = 100_000, Accounts = 2_000, Seed = 3 },
            dir.Path,
            (_, _) => samples.Add(GC.GetTotalMemory(forceFullCollection: true)));

        // About six reports: the first after 16k records, the last after all 103k. Keeping the persons (about 1 KB each)
        // would add some 80 MB between them.
        Assert.True(samples.Count >= 5, $"{samples.Count} progress reports");
        var growth = samples.Skip(1).Max() - samples[0];
        Assert.True(growth < 16L * 1024 * 1024, $"live heap grew by {growth / 1024} KB while writing {files.PeopleCount} persons");
        Assert.True(new FileInfo(files.People).Length > 50L * 1024 * 1024);
    }
}

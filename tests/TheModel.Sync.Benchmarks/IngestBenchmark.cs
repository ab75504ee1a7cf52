namespace TheModel.Sync.Benchmarks;

/// <summary>Placeholder until the ingest benchmark lands.</summary>
internal static class IngestBenchmark
{
    public static Task<int> RunAsync(string[] args)
    {
        _ = args;
        Console.Error.WriteLine("ingest: not built yet");
        return Task.FromResult(1);
    }
}

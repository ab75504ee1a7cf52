namespace TheModel.Sync.Benchmarks;

/// <summary>Placeholder until the write-back benchmark lands.</summary>
internal static class WritebackBenchmark
{
    public static Task<int> RunAsync(string[] args)
    {
        _ = args;
        Console.Error.WriteLine("writeback: not built yet");
        return Task.FromResult(1);
    }
}

using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using TheModel.Sync.Benchmarks;

// dotnet run -c Release --project tests/TheModel.Sync.Benchmarks -- MODE [options]
//   engine    ours (DecisionEngine.Evaluate) against Microsoft RulesEngine on the same conditions
//   simulate  the real `themodel-sync simulate` end to end as a child process: wall time and peak RSS
//   json      decision JSON writing alone, on decisions evaluated once and kept: CPU per decision over passes
//   profile   a stopwatch breakdown of where DecisionEngine.Evaluate spends its time
//   names     the company-name fuzzy search alone, over the distinct names simulate sends to it
//   micro     BenchmarkDotNet micro-benchmarks (arguments after `micro` go to BenchmarkSwitcher)
//   writeback routing outcomes for N people written to both simulated CRMs: calls per person, lost, duplicated
//   ingest    signed HubSpot webhook batches posted to a running worker on Redis: events/s and p99 ack
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine(BenchOptions.Usage);
    return args.Length == 0 ? 1 : 0;
}

try
{
    switch (args[0])
    {
        case "engine":
            return await EngineBenchmark.RunAsync(BenchOptions.Parse(args[1..], defaultPeople: 100_000, defaultAccounts: 10_000));
        case "simulate":
            return await SimulateBenchmark.RunAsync(BenchOptions.Parse(args[1..], defaultPeople: 1_000_000, defaultAccounts: 100_000));
        case "json":
            return JsonBenchmark.Run(BenchOptions.Parse(args[1..], defaultPeople: 100_000, defaultAccounts: 10_000));
        case "profile":
            return ProfileBreakdown.Run(BenchOptions.Parse(args[1..], defaultPeople: 100_000, defaultAccounts: 10_000));
        case "names":
            return NameSearchBenchmark.Run(BenchOptions.Parse(args[1..], defaultPeople: 1_000_000, defaultAccounts: 100_000));
        case "writeback":
            return await WritebackBenchmark.RunAsync(args[1..]);
        case "ingest":
            return await IngestBenchmark.RunAsync(args[1..]);
        case "micro":
            var config = DefaultConfig.Instance
                .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance))
                .WithArtifactsPath(Path.Combine(AppContext.BaseDirectory, "BenchmarkDotNet.Artifacts"));
            BenchmarkSwitcher.FromAssembly(typeof(BenchOptions).Assembly).Run(args[1..], config);
            return 0;
        default:
            Console.Error.WriteLine($"unknown mode '{args[0]}'");
            Console.Error.WriteLine(BenchOptions.Usage);
            return 1;
    }
}
catch (BenchmarkFailure e)
{
    Console.Error.WriteLine("error: " + e.Message);
    return 2;
}

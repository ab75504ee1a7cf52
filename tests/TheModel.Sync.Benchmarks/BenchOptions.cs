using System.Globalization;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Benchmarks;

/// <summary>A benchmark cannot go on (bad input, a failed cross-check, a child process that failed).</summary>
public sealed class BenchmarkFailure(string message) : Exception(message);

/// <summary>The command line shared by the modes.</summary>
public sealed class BenchOptions
{
    public const string Usage = """
        usage: dotnet run -c Release --project tests/TheModel.Sync.Benchmarks -- MODE [options]
          engine    [--people 100000] [--accounts 10000] [--seed 1] [--passes 5] [--only ours|rulesengine]
          simulate  [--people 1000000] [--accounts 100000] [--seed 1] [--keep-output] [--build]
          json      [--people 100000] [--accounts 10000] [--seed 1] [--passes 7]
          profile   [--people 100000] [--accounts 10000] [--seed 1] [--passes 3]
          names     [--people 1000000] [--accounts 100000] [--seed 1] [--passes 3]
          micro     [BenchmarkSwitcher arguments, e.g. --filter '*']
          writeback [--people 10000] [--faults 0.05] [--seed 7]
          ingest    [--batch 100,10] [--senders 10] [--duration 20] [--warmup 3] [--paced 2000] [--drain 120] [--build]
        common: --config PATH (default: the repository's config/), --at ISO (default 2026-11-30T10:00:00+09:00),
                --data DIR (use people.jsonl/accounts.jsonl there instead of generating), --fresh (regenerate cached data)
        """;

    public static readonly DateTimeOffset DefaultAt = new(2026, 11, 30, 10, 0, 0, TimeSpan.FromHours(9));

    public int People { get; private set; }

    public int Accounts { get; private set; }

    public int Seed { get; private set; } = 1;

    public int Passes { get; private set; }

    public string? ConfigPath { get; private set; }

    public string? DataDir { get; private set; }

    public bool Fresh { get; private set; }

    public bool KeepOutput { get; private set; }

    public bool Build { get; private set; }

    public string? Only { get; private set; }

    public DateTimeOffset At { get; private set; } = DefaultAt;

    public static BenchOptions Parse(string[] args, int defaultPeople, int defaultAccounts)
    {
        var o = new BenchOptions { People = defaultPeople, Accounts = defaultAccounts };
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new BenchmarkFailure($"{name} needs a value");
            int Int() => int.TryParse(Next(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= 0
                ? v
                : throw new BenchmarkFailure($"{name} needs a non-negative integer");
            switch (name)
            {
                case "--people":
                    o.People = Int();
                    break;
                case "--accounts":
                    o.Accounts = Int();
                    break;
                case "--seed":
                    o.Seed = Int();
                    break;
                case "--passes":
                    o.Passes = Math.Max(1, Int());
                    break;
                case "--config":
                    o.ConfigPath = Next();
                    break;
                case "--data":
                    o.DataDir = Next();
                    break;
                case "--fresh":
                    o.Fresh = true;
                    break;
                case "--keep-output":
                    o.KeepOutput = true;
                    break;
                case "--build":
                    o.Build = true;
                    break;
                case "--only":
                    o.Only = Next() is "ours" or "rulesengine" ? args[i] : throw new BenchmarkFailure("--only takes ours or rulesengine");
                    break;
                case "--at":
                    o.At = Timestamps.TryParse(Next(), out var at) ? at : throw new BenchmarkFailure("--at needs an ISO 8601 time with an offset");
                    break;
                default:
                    throw new BenchmarkFailure($"unknown option '{name}'");
            }
        }

        return o;
    }
}

using System.Globalization;

namespace TheModel.Sync.Benchmarks.Ingest;

/// <summary>The <c>ingest</c> command line.</summary>
internal sealed class IngestOptions
{
    public const string Usage = """
        usage: dotnet run -c Release --project tests/TheModel.Sync.Benchmarks -- ingest [options]
          --batch 100,10     events per request, one load per size; the first is the headline (HubSpot sends at most 100)
          --senders 10       concurrent senders, each with one request in flight (HubSpot's per-account cap is 10)
          --duration 20      measured seconds per load
          --warmup 3         seconds of the same load before measuring (not counted, but must answer 200 too)
          --paced 2000       also offer this many events/s on a schedule (open loop) to the worker at the first batch
                             size, to see the ack time at a given rate rather than at saturation; 0: skip
          --ladder 2000,4000,8000,16000,32000,64000
                             offered rates (events/s, first batch size, open loop) tried in order until one misses
                             p99 <= 50 ms or is not answered in full; the headline is the highest rate that held; none: skip
          --ladder-seconds 10  measured seconds per ladder step
          --drain 120        seconds to wait after a worker load for its consumer to empty the queue
          --config PATH      the routing config the worker loads (default: the repository's config/)
          --build            rebuild the worker (Release) even when the binary exists
        """;

    public IReadOnlyList<int> BatchSizes { get; private set; } = [100, 10];

    public int Senders { get; private set; } = 10;

    public TimeSpan Duration { get; private set; } = TimeSpan.FromSeconds(20);

    public TimeSpan Warmup { get; private set; } = TimeSpan.FromSeconds(3);

    public int PacedEventsPerSecond { get; private set; } = 2_000;

    public TimeSpan Drain { get; private set; } = TimeSpan.FromSeconds(120);

    public IReadOnlyList<int> Ladder { get; private set; } = [2_000, 4_000, 8_000, 16_000, 32_000, 64_000];

    public TimeSpan LadderStep { get; private set; } = TimeSpan.FromSeconds(10);

    public string? ConfigPath { get; private set; }

    public bool Build { get; private set; }

    public static IngestOptions Parse(string[] args)
    {
        var o = new IngestOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new BenchmarkFailure($"{name} needs a value");
            int Positive(string text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0
                ? v
                : throw new BenchmarkFailure($"{name} needs a positive integer, was '{text}'");
            switch (name)
            {
                case "--batch":
                    var sizes = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Positive).ToList();
                    if (sizes.Count == 0 || sizes.Any(s => s > 100))
                    {
                        throw new BenchmarkFailure($"--batch needs sizes from 1 to 100 (the worker refuses more than HubSpot sends), was '{string.Join(',', sizes)}'");
                    }

                    o.BatchSizes = sizes;
                    break;
                case "--senders":
                    o.Senders = Positive(Next());
                    break;
                case "--duration":
                    o.Duration = TimeSpan.FromSeconds(Positive(Next()));
                    break;
                case "--warmup":
                    var warmup = Next();
                    o.Warmup = int.TryParse(warmup, NumberStyles.None, CultureInfo.InvariantCulture, out var w)
                        ? TimeSpan.FromSeconds(w)
                        : throw new BenchmarkFailure($"--warmup needs a whole number of seconds, was '{warmup}'");
                    break;
                case "--paced":
                    var paced = Next();
                    o.PacedEventsPerSecond = int.TryParse(paced, NumberStyles.None, CultureInfo.InvariantCulture, out var r)
                        ? r
                        : throw new BenchmarkFailure($"--paced needs a whole number of events per second (0 to skip), was '{paced}'");
                    break;
                case "--ladder":
                    var ladder = Next();
                    o.Ladder = ladder == "none"
                        ? []
                        : ladder.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Positive).ToList();
                    break;
                case "--ladder-seconds":
                    o.LadderStep = TimeSpan.FromSeconds(Positive(Next()));
                    break;
                case "--drain":
                    o.Drain = TimeSpan.FromSeconds(Positive(Next()));
                    break;
                case "--config":
                    o.ConfigPath = Next();
                    break;
                case "--build":
                    o.Build = true;
                    break;
                case "-h" or "--help":
                    throw new BenchmarkFailure(Usage);
                default:
                    throw new BenchmarkFailure($"unknown ingest option '{name}'\n{Usage}");
            }
        }

        return o;
    }
}

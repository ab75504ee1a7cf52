using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using TheModel.Sync.Application.Output;
using TheModel.Sync.Application.Simulation;
using TheModel.Sync.Application.Tests.Output;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Benchmarks;

/// <summary>
/// <c>json</c>: the decision JSON alone. Evaluates every person once as <c>simulate</c> does (seeded state, file order),
/// keeps the decisions, then times writing them as <c>simulate</c>'s writer stage does, to a null stream, over several
/// passes: by hand (<see cref="DecisionJson"/> today) and through <see cref="Utf8JsonWriter"/> (the original, kept as
/// the tests' oracle), alternately. Each pass prints process CPU per decision; the warm-up passes also hash what they
/// wrote (SHA-256; not the timed passes, as hashing costs about as much as writing), to show identical bytes.
/// </summary>
public static class JsonBenchmark
{
    private const int Batch = 256;

    public static int Run(BenchOptions options)
    {
        var inv = CultureInfo.InvariantCulture;
        var loaded = BenchData.LoadConfig(BenchData.ConfigPath(options));
        var dir = BenchData.EnsureData(options, loaded.Rules, loaded.Version);
        var rejects = new List<InputReject>();
        var accountsPath = Path.Combine(dir, "accounts.jsonl");
        var opportunitiesPath = Path.Combine(dir, "opportunities.jsonl");
        var accounts = File.Exists(accountsPath) ? PersonSource.ReadAccounts(accountsPath, rejects) : [];
        var opportunities = File.Exists(opportunitiesPath) ? PersonSource.ReadOpportunities(opportunitiesPath, rejects) : [];
        var session = new SimulationSession(loaded.Rules, accounts, opportunities);
        var people = new List<Person>();
        foreach (var (person, _) in PersonSource.ReadPersons(Path.Combine(dir, "people.jsonl")))
        {
            if (person is not null)
            {
                people.Add(person);
                session.Seed(person);
            }
        }

        var decisions = people.Select(p => session.Evaluate(p, options.At)).ToArray();
        people.Clear();
        Console.WriteLine(string.Create(inv, $"json: {decisions.Length:N0} decisions kept; {Environment.ProcessorCount} cores; .NET {Environment.Version}"));

        // The writer stage reads each decision moments after it was made, while it is still in the cache; "hot"
        // writes the first thousand decisions over and over, as many lines as "cold", which reads all of them from
        // memory. The two writers alternate within each pass so that both see the same load.
        var hot = Enumerable.Range(0, decisions.Length).Select(i => decisions[i % 1000]).ToArray();
        var passes = options.Passes > 0 ? options.Passes : 7;
        var results = new Dictionary<string, List<double>>();
        for (var pass = 0; pass <= passes; pass++)
        {
            foreach (var (name, input) in new[] { ("cold", decisions), ("hot", hot) })
            {
                foreach (var (writer, write) in new (string, Action<Decision[], Stream>)[] { ("Utf8JsonWriter", WriteWithWriter), ("by hand", WriteByHand) })
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                    var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
                    using var sink = new HashingNullStream(hash: pass == 0 && name == "cold");
                    write(input, sink);
                    var used = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
                    var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
                    var perDecision = used.TotalNanoseconds / 1000 / input.Length;
                    var key = $"{name} {writer}";
                    if (pass > 0)
                    {
                        (results.TryGetValue(key, out var list) ? list : results[key] = []).Add(perDecision);
                    }

                    Console.WriteLine(string.Create(inv,
                        $"{(pass == 0 ? "warm-up" : "pass " + pass)} {key}: cpu {perDecision:0.000} us/decision, {allocated / (double)input.Length:0} B/decision allocated, {sink.Length:N0} bytes, sha256 {sink.Hash()}, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
                }
            }
        }

        // What of it is Core's: the rule traces' because texts are formatted when first read, which is here.
        var because = new List<double>();
        long sum = 0;
        for (var pass = 0; pass < 3; pass++)
        {
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            foreach (var d in decisions)
            {
                foreach (var r in d.Why.Rules)
                {
                    sum += r.Because?.Length ?? 0;
                }
            }

            because.Add((Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalNanoseconds / 1000 / decisions.Length);
        }

        Console.WriteLine(string.Create(inv, $"info: reading every RuleTrace.Because alone (Core) costs {BenchData.Median(because):0.000} us/decision ({sum} chars)"));
        foreach (var (key, values) in results)
        {
            Console.WriteLine(string.Create(inv, $"json {key}: median cpu {BenchData.Median(values):0.000} us/decision, min {values.Min():0.000}"));
        }

        foreach (var name in new[] { "cold", "hot" })
        {
            Console.WriteLine(string.Create(inv,
                $"json {name}: by hand / Utf8JsonWriter = {BenchData.Median(results[name + " by hand"]) / BenchData.Median(results[name + " Utf8JsonWriter"]):0.00} (medians)"));
        }
        return 0;
    }

    /// <summary>What <c>Simulator.WriteAsync</c> does per batch, minus the file.</summary>
    private static void WriteByHand(Decision[] decisions, Stream output)
    {
        var lines = new JsonLineBuffer(1 << 20, rememberTexts: true);
        for (var start = 0; start < decisions.Length; start += Batch)
        {
            var end = Math.Min(decisions.Length, start + Batch);
            for (var i = start; i < end; i++)
            {
                DecisionJson.Write(lines, decisions[i], null);
                lines.Raw("\n"u8);
            }

            output.Write(lines.WrittenSpan);
            lines.Clear();
        }
    }

    /// <summary>What <c>Simulator.WriteAsync</c> did before, through a <see cref="Utf8JsonWriter"/>.</summary>
    private static void WriteWithWriter(Decision[] decisions, Stream output)
    {
        var buffer = new ArrayBufferWriter<byte>(1 << 20);
        var json = new Utf8JsonWriter(buffer, DecisionJson.WriterOptions);
        for (var start = 0; start < decisions.Length; start += Batch)
        {
            var end = Math.Min(decisions.Length, start + Batch);
            for (var i = start; i < end; i++)
            {
                WriterDecisionJson.Write(json, decisions[i], null);
                json.Flush();
                json.Reset();
                buffer.Write("\n"u8);
            }

            output.Write(buffer.WrittenSpan);
            buffer.ResetWrittenCount();
        }
    }

    /// <summary>Discards what is written but hashes it, to prove two builds wrote the same bytes.</summary>
    private sealed class HashingNullStream(bool hash) : Stream
    {
        private readonly IncrementalHash? _hash = hash ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Position;

        public override long Position { get; set; }

        public string Hash() => _hash is null ? "(not hashed)" : Convert.ToHexStringLower(_hash.GetCurrentHash())[..16];

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _hash?.AppendData(buffer);
            Position += buffer.Length;
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _hash?.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using TheModel.Sync.Application.Output;
using TheModel.Sync.Application.Simulation;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Benchmarks;

/// <summary>
/// <c>json</c>: the decision JSON alone. Evaluates every person once as <c>simulate</c> does (seeded state, file order),
/// keeps the decisions, then times writing them as <c>simulate</c>'s writer stage does, to a null stream, over several
/// passes. Each pass prints process CPU per decision; the warm-up pass also hashes what it wrote (SHA-256, untimed
/// passes only, as hashing costs about as much as writing), so two builds can be compared for identical bytes.
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

        var passes = options.Passes > 0 ? options.Passes : 7;
        var cpu = new List<double>();
        for (var pass = 0; pass <= passes; pass++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            using var sink = new HashingNullStream(hash: pass == 0);
            Write(decisions, sink);
            var wall = clock.Elapsed;
            process.Refresh();
            var used = process.TotalProcessorTime - cpuBefore;
            var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            var perDecision = used.TotalNanoseconds / 1000 / decisions.Length;
            if (pass > 0)
            {
                cpu.Add(perDecision);
            }

            Console.WriteLine(string.Create(inv,
                $"{(pass == 0 ? "warm-up" : "pass " + pass)}: cpu {perDecision:0.000} us/decision, wall {wall.TotalNanoseconds / 1000 / decisions.Length:0.000} us/decision, {allocated / (double)decisions.Length:0} B/decision allocated, {sink.Length:N0} bytes, sha256 {sink.Hash()}, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
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
        Console.WriteLine(string.Create(inv, $"json: median cpu {BenchData.Median(cpu):0.000} us/decision, min {cpu.Min():0.000}"));
        return 0;
    }

    /// <summary>What <c>Simulator.WriteAsync</c> does per batch, minus the file.</summary>
    private static void Write(Decision[] decisions, Stream output)
    {
        var lines = new JsonLineBuffer(1 << 20);
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

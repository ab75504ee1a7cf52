using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using TheModel.Sync.Benchmarks.Ingest;

namespace TheModel.Sync.Benchmarks;

/// <summary>
/// <c>ingest</c>: signed HubSpot webhook batches posted by concurrent senders to the real worker (a child process) on
/// a real redis-server with an append-only file, against the same load on a do-nothing Kestrel endpoint in this
/// process (the HTTP floor). Reports events/s and ack-time percentiles; any answer other than 200 fails the run.
/// </summary>
internal static class IngestBenchmark
{
    private const double TargetEventsPerSecond = 2_000;
    private const double TargetP99Ms = 50;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = IngestOptions.Parse(args);
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return await RunAsync(options, cancel.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static async Task<int> RunAsync(IngestOptions options, CancellationToken ct)
    {
        var inv = CultureInfo.InvariantCulture;
        var time = TimeProvider.System;
        var root = BenchData.RepoRoot();
        var configPath = Path.GetFullPath(options.ConfigPath ?? Path.Combine(root, "config"));
        PrintCaveat();
        var workerDll = await Servers.LocateWorkerAsync(root, options.Build, ct);

        var scratch = Path.Combine(Path.GetTempPath(), "themodel-sync-bench", "ingest-" + Environment.ProcessId.ToString(inv));
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(18));

        // Event ids start from the clock so that a second run against a kept Redis would not collide either.
        var batches = new HubSpotBatches(time.GetUtcNow().ToUnixTimeMilliseconds() * 1000);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        ChildProcess? redis = null;
        ChildProcess? worker = null;
        try
        {
            (redis, var redisPort) = await Servers.StartRedisAsync(Path.Combine(scratch, "redis"), time, ct);
            Console.WriteLine($"redis-server: pid {redis.Id}, 127.0.0.1:{redisPort}, --appendonly yes --appendfsync everysec --save \"\", dir {Path.Combine(scratch, "redis")}");
            (worker, var workerBase, var readiness) = await Servers.StartWorkerAsync(workerDll, configPath, redisPort, secret, Path.Combine(scratch, "worker"), http, time, ct);
            Console.WriteLine($"worker: pid {worker.Id}, {workerBase}; /readyz: {readiness}");
            await using var floor = await HttpFloor.StartAsync(ct);
            Console.WriteLine($"floor: {floor.Target} (Kestrel in this process: read the body, answer 200)");
            Console.WriteLine(string.Create(inv,
                $"load: {options.Senders} senders, one request in flight each; {options.Warmup.TotalSeconds:0} s warm-up + {options.Duration.TotalSeconds:0} s measured per load; batches of {string.Join(", ", options.BatchSizes)} events"));
            Console.WriteLine();

            var workerTarget = new Uri(workerBase, "webhooks/hubspot");
            var results = new List<(LoadResult Floor, LoadResult Worker)>();
            var problems = new List<string>();
            foreach (var size in options.BatchSizes)
            {
                var floorResult = await MeasureAsync(new WebhookLoad(floor.Target, secret, batches, time), "floor", size, options, 0, readAcks: false, [], ct);
                var before = await Servers.ReadCountersAsync(http, workerBase, ct);
                var loadStarted = Stopwatch.GetTimestamp();
                var workerResult = await MeasureAsync(new WebhookLoad(workerTarget, secret, batches, time), "worker", size, options, 0, readAcks: true, [worker, redis], ct);
                problems.AddRange(CheckAcks(workerResult));
                await DrainAsync(http, workerBase, before, loadStarted, options.Drain, time, ct);
                results.Add((floorResult, workerResult));
                problems.AddRange(new[] { floorResult, workerResult }.Where(r => r.Errors > 0).Select(r =>
                    string.Create(inv, $"{r.Target} batch {r.BatchSize}: {r.Errors} requests not answered 200, e.g. {string.Join(" | ", r.ErrorSamples)}")));
                Console.WriteLine();
            }

            LoadResult? paced = null;
            if (options.PacedEventsPerSecond > 0)
            {
                var size = options.BatchSizes[0];
                Console.WriteLine(string.Create(inv, $"paced: {options.PacedEventsPerSecond} events/s offered on a schedule, batches of {size}; ack time from each request's scheduled moment"));
                var before = await Servers.ReadCountersAsync(http, workerBase, ct);
                var loadStarted = Stopwatch.GetTimestamp();
                paced = await MeasureAsync(new WebhookLoad(workerTarget, secret, batches, time), "paced", size, options, options.PacedEventsPerSecond, readAcks: true, [worker, redis], ct);
                problems.AddRange(CheckAcks(paced));
                await DrainAsync(http, workerBase, before, loadStarted, options.Drain, time, ct);
                if (paced.Errors > 0)
                {
                    problems.Add(string.Create(inv, $"paced: {paced.Errors} requests not answered 200, e.g. {string.Join(" | ", paced.ErrorSamples)}"));
                }

                Console.WriteLine();
            }

            // The rate the worker sustains within the latency target: offered rates on a schedule (open loop, ack time
            // from each request's scheduled moment, so a worker that falls behind is charged for it), highest first
            // that kept p99 <= 50 ms with every event answered.
            var ladder = new List<LoadResult>();
            LoadResult? held = null;
            foreach (var offered in options.Ladder)
            {
                var size = options.BatchSizes[0];
                Console.WriteLine(string.Create(inv, $"ladder: {offered} events/s offered on a schedule, batches of {size}, {options.LadderStep.TotalSeconds:0} s"));
                var before = await Servers.ReadCountersAsync(http, workerBase, ct);
                var loadStarted = Stopwatch.GetTimestamp();
                var step = await MeasureAsync(new WebhookLoad(workerTarget, secret, batches, time), "ladder", size, options, offered, readAcks: true, [worker, redis], ct, options.LadderStep);
                problems.AddRange(CheckAcks(step));
                await DrainAsync(http, workerBase, before, loadStarted, options.Drain, time, ct);
                ladder.Add(step);
                Console.WriteLine();
                if (step.Errors > 0 || step.EventsPerSecond < offered * 0.95 || step.Percentile(99) > TargetP99Ms)
                {
                    break;
                }

                held = step;
            }

            var counters = await Servers.ReadCountersAsync(http, workerBase, ct);
            Console.WriteLine(string.Create(inv,
                $"worker counters: {counters.Queued:N0} queued, {counters.Processed:N0} processed by the consumer ({counters.DeadLettered:N0} dead-lettered: no HubSpot connector is configured), {counters.Rejected:N0} refused; {worker.Lines:N0} log lines"));
            if (counters.Rejected > 0)
            {
                problems.Add(string.Create(inv, $"the worker counted {counters.Rejected} refused webhook requests"));
            }

            Console.WriteLine("summary (ack = time to the whole 200 answer, ms):");
            Console.WriteLine("  target  batch  requests     events/s   req/s     p50     p90     p99     max  errors");
            foreach (var (f, w) in results)
            {
                Console.WriteLine(Row(f));
                Console.WriteLine(Row(w));
            }

            if (paced is not null)
            {
                Console.WriteLine(Row(paced));
            }

            foreach (var step in ladder)
            {
                Console.WriteLine(Row(step));
            }

            var (headFloor, head) = results[0];
            foreach (var (f, w) in results.Skip(1))
            {
                Console.WriteLine(string.Create(inv,
                    $"batch {w.BatchSize}: worker {w.EventsPerSecond:0} events/s, p99 ack {w.Percentile(99):0.0} ms; floor {f.EventsPerSecond:0} events/s, p99 {f.Percentile(99):0.0} ms; ratio worker/floor {w.EventsPerSecond / f.EventsPerSecond:0.00} (events/s), {w.Percentile(99) / f.Percentile(99):0.0} (p99)"));
            }

            if (paced is not null)
            {
                Console.WriteLine(string.Create(inv,
                    $"paced (batch {paced.BatchSize}): {options.PacedEventsPerSecond} events/s offered, {paced.EventsPerSecond:0} answered; p50 ack {paced.Percentile(50):0.0} ms, p99 ack {paced.Percentile(99):0.0} ms"));
            }

            var saturated = head.EventsPerSecond;
            var saturatedP99 = head.Percentile(99);
            Console.WriteLine(string.Create(inv,
                $"saturation (closed loop, {options.Senders} senders, batch {head.BatchSize}): {saturated:0} events/s, p99 ack {saturatedP99:0.0} ms"));
            Console.WriteLine(string.Create(inv,
                $"floor (batch {head.BatchSize}): {headFloor.EventsPerSecond:0} events/s; p99 ack {headFloor.Percentile(99):0.0} ms; ratio worker/floor {saturated / headFloor.EventsPerSecond:0.00} (events/s), {saturatedP99 / headFloor.Percentile(99):0.0} (p99)"));

            // The headline: the highest rate sustained within the p99 target; without a ladder, the closed loop's figures.
            var rate = held?.EventsPerSecond ?? (options.Ladder.Count == 0 ? saturated : 0);
            var p99 = held?.Percentile(99) ?? (options.Ladder.Count == 0 ? saturatedP99 : ladder.FirstOrDefault()?.Percentile(99) ?? 0);
            if (held is not null)
            {
                var broke = ladder.Count > 0 && !ReferenceEquals(ladder[^1], held) ? ladder[^1] : null;
                Console.WriteLine(string.Create(inv,
                    $"sustained within p99 <= {TargetP99Ms:0} ms: {held.EventsPerSecond:0} events/s (p99 {held.Percentile(99):0.0} ms){(broke is null ? " (the ladder's top step)" : $"; the next step ({broke.EventsPerSecond:0} events/s answered) had p99 {broke.Percentile(99):0.0} ms")}"));
            }

            Console.WriteLine(string.Create(inv,
                $"targets (batch {head.BatchSize}): >= {TargetEventsPerSecond:0} events/s: {(rate >= TargetEventsPerSecond ? "met" : "MISSED")}; p99 ack <= {TargetP99Ms:0} ms: {(p99 <= TargetP99Ms && rate > 0 ? "met" : "MISSED")}"));
            foreach (var p in problems)
            {
                Console.Error.WriteLine("error: " + p);
            }

            Console.WriteLine(string.Create(inv, $"ingest: {rate:0} events/s; p99 ack {p99:0.0} ms"));
            return problems.Count == 0 ? 0 : 2;
        }
        finally
        {
            worker?.Dispose();
            redis?.Dispose();
            try
            {
                Directory.Delete(scratch, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>One load, printed as it finishes, with the CPU each process used during it.</summary>
    private static async Task<LoadResult> MeasureAsync(WebhookLoad load, string name, int batchSize, IngestOptions options, double offered, bool readAcks, IReadOnlyList<ChildProcess> servers, CancellationToken ct, TimeSpan? duration = null)
    {
        var inv = CultureInfo.InvariantCulture;
        using var self = Process.GetCurrentProcess();
        var cpuBefore = servers.Select(s => s.ProcessorTime).Prepend(self.TotalProcessorTime).ToArray();
        var wall = Stopwatch.StartNew();
        var result = await load.RunAsync(name, batchSize, options.Senders, options.Warmup, duration ?? options.Duration, offered, readAcks, ct);
        wall.Stop();
        self.Refresh();
        var cpuAfter = servers.Select(s => s.ProcessorTime).Prepend(self.TotalProcessorTime).ToArray();
        var names = servers.Select(s => s.Name).Prepend("bench").ToArray();
        var cpu = string.Join(", ", names.Select((n, i) => string.Create(inv, $"{n} {(cpuAfter[i] - cpuBefore[i]).TotalSeconds / wall.Elapsed.TotalSeconds * 100:0}%")));
        Console.WriteLine(string.Create(inv,
            $"{name,-6} batch {batchSize,3}: {result.EventsPerSecond,8:0} events/s ({result.RequestsPerSecond:0} req/s, {result.Requests:N0} requests), ack p50 {result.Percentile(50):0.0} / p90 {result.Percentile(90):0.0} / p99 {result.Percentile(99):0.0} / max {result.Percentile(100):0.0} ms, {result.Errors} errors; CPU of one core: {cpu}; load {LoadAverage()}"));
        return result;
    }

    /// <summary>The worker's answers must account for every event sent: all new, the ticket events ignored, none duplicate.</summary>
    private static IEnumerable<string> CheckAcks(LoadResult r)
    {
        var a = r.Acks;
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv,
            $"       answers: {a.Received:N0} received, {a.Queued:N0} queued, {a.Duplicates:N0} duplicates, {a.Ignored:N0} ignored (sent {a.Sent:N0} in 200-answered requests, {a.SentIgnorable:N0} of a type not routed)"));
        if (a.Received != a.Sent || a.Queued != a.Sent - a.SentIgnorable || a.Duplicates != 0 || a.Ignored != a.SentIgnorable)
        {
            yield return string.Create(inv,
                $"batch {r.BatchSize}: the worker's answers do not add up: received {a.Received} of {a.Sent}, queued {a.Queued} of {a.Sent - a.SentIgnorable}, duplicates {a.Duplicates}, ignored {a.Ignored} of {a.SentIgnorable}");
        }
    }

    /// <summary>
    /// Waits for the consumer to empty the queue, so the backlog of one load does not take CPU from the next, and
    /// prints how fast it went through the events the load queued.
    /// </summary>
    private static async Task DrainAsync(HttpClient http, Uri workerBase, WorkerCounters before, long loadStarted, TimeSpan limit, TimeProvider time, CancellationToken ct)
    {
        var inv = CultureInfo.InvariantCulture;
        var drainStarted = Stopwatch.GetTimestamp();
        while (true)
        {
            var now = await Servers.ReadCountersAsync(http, workerBase, ct);
            var empty = now.Pending == 0 && now.Unacknowledged == 0;
            var waited = Stopwatch.GetElapsedTime(drainStarted);
            if (empty || waited > limit)
            {
                var processed = now.Processed - before.Processed;
                var total = Stopwatch.GetElapsedTime(loadStarted);
                Console.WriteLine(empty
                    ? string.Create(inv, $"       consumer: {processed:N0} events processed in {total.TotalSeconds:0.0} s from the load's start ({processed / total.TotalSeconds:0}/s); queue empty {waited.TotalSeconds:0.0} s after the load")
                    : string.Create(inv, $"       consumer: {processed:N0} events processed; queue NOT empty after {waited.TotalSeconds:0} s ({now.Pending:N0} pending, {now.Unacknowledged:N0} unacknowledged): the next load shares the CPU with it"));
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), time, ct);
        }
    }

    private static string Row(LoadResult r) => string.Create(CultureInfo.InvariantCulture,
        $"  {r.Target,-6}  {r.BatchSize,5}  {r.Requests,8}  {r.EventsPerSecond,11:0}  {r.RequestsPerSecond,6:0}  {r.Percentile(50),6:0.0}  {r.Percentile(90),6:0.0}  {r.Percentile(99),6:0.0}  {r.Percentile(100),6:0.0}  {r.Errors,6}");

    private static void PrintCaveat()
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"machine: {Environment.ProcessorCount} cores, shared with other work (load {LoadAverage()}). The senders, the floor, the worker and redis-server all run on these cores, so every figure includes the load generator's own CPU and whatever else was running; compare runs only at similar load."));
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}

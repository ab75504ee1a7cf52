using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace TheModel.Sync.Benchmarks.Ingest;

/// <summary>Starting the real redis-server and the real worker, and asking the worker how it is doing.</summary>
internal static class Servers
{
    public const string RedisServer = "/usr/bin/redis-server";

    /// <summary>
    /// redis-server on a free loopback port with its files in <paramref name="directory"/>, persisting as production
    /// would (append-only file, fsync every second; no RDB snapshots, so a background save cannot land in a window).
    /// Returns once it answers PING.
    /// </summary>
    public static async Task<(ChildProcess Process, int Port)> StartRedisAsync(string directory, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!File.Exists(RedisServer))
        {
            throw new BenchmarkFailure($"{RedisServer} is not installed");
        }

        Directory.CreateDirectory(directory);
        var port = ChildProcess.FreePort();
        var redis = ChildProcess.Start("redis-server", RedisServer,
        [
            "--bind", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--dir", directory,
            "--appendonly", "yes", "--appendfsync", "everysec", "--save", string.Empty, "--daemonize", "no",
        ], directory);
        var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(15);
        while (true)
        {
            if (redis.HasExited)
            {
                throw new BenchmarkFailure($"redis-server exited on start:\n{redis.Tail()}");
            }

            if (await PingsAsync(port, cancellationToken))
            {
                return (redis, port);
            }

            if (time.GetUtcNow() > deadline)
            {
                redis.Dispose();
                throw new BenchmarkFailure($"redis-server did not answer PING on port {port} within 15 s:\n{redis.Tail()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken);
        }
    }

    /// <summary>The Release worker, built when missing or when asked (a failed rebuild falls back to the binary there).</summary>
    public static async Task<string> LocateWorkerAsync(string root, bool build, CancellationToken cancellationToken)
    {
        var worker = Path.Combine(root, "src", "TheModel.Sync.Worker", "bin", "Release", "net10.0", "themodel-sync.dll");
        if (build || !File.Exists(worker))
        {
            Console.WriteLine("building the worker (Release)");
            var info = new ProcessStartInfo("dotnet") { WorkingDirectory = root, UseShellExecute = false };
            foreach (var a in new[] { "build", "-c", "Release", "-nologo", "-v", "q", Path.Combine(root, "src", "TheModel.Sync.Worker", "TheModel.Sync.Worker.csproj") })
            {
                info.ArgumentList.Add(a);
            }

            using var process = Process.Start(info) ?? throw new BenchmarkFailure("cannot start dotnet build");
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0 || !File.Exists(worker))
            {
                if (!File.Exists(worker))
                {
                    throw new BenchmarkFailure($"building the worker failed (exit {process.ExitCode}) and there is no {worker}");
                }

                Console.WriteLine("warning: the worker build failed; measuring the existing binary");
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"worker: {worker}, built {File.GetLastWriteTimeUtc(worker):yyyy-MM-dd HH:mm:ss} UTC"));
        return worker;
    }

    /// <summary>
    /// <c>dotnet themodel-sync.dll run</c> on a free port, on the Redis at <paramref name="redisPort"/>, with HubSpot
    /// webhooks on. Returns once <c>/readyz</c> answers 200 (ok or degraded), with the readiness body.
    /// </summary>
    public static async Task<(ChildProcess Process, Uri BaseUri, string Readiness)> StartWorkerAsync(
        string workerDll, string configPath, int redisPort, string clientSecret, string workingDirectory, HttpClient http, TimeProvider time, CancellationToken cancellationToken)
    {
        var port = ChildProcess.FreePort();
        var baseUri = new Uri($"http://127.0.0.1:{port}/");
        List<string> args =
        [
            workerDll, "run", "--config", configPath, "--urls", baseUri.GetLeftPart(UriPartial.Authority),
            $"--Redis:Configuration=127.0.0.1:{redisPort}", $"--HubSpot:ClientSecret={clientSecret}",
        ];
        Console.WriteLine($"run: dotnet {string.Join(' ', args).Replace(clientSecret, "<secret>", StringComparison.Ordinal)}");
        Directory.CreateDirectory(workingDirectory);
        var worker = ChildProcess.Start("worker", "dotnet", args, workingDirectory, new Dictionary<string, string> { ["CI"] = "true" });
        var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(90);
        var last = "no answer yet";
        while (true)
        {
            if (worker.HasExited)
            {
                throw new BenchmarkFailure($"the worker exited on start:\n{worker.Tail()}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(baseUri, "readyz"), cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return (worker, baseUri, body);
                }

                last = $"HTTP {(int)response.StatusCode}: {body}";
            }
            catch (HttpRequestException ex)
            {
                last = ex.Message;
            }

            if (time.GetUtcNow() > deadline)
            {
                worker.Dispose();
                throw new BenchmarkFailure($"the worker was not ready within 90 s (last /readyz: {last}):\n{worker.Tail()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken);
        }
    }

    /// <summary>The worker's <c>/metrics</c>, each sample summed over the label sets that contain <c>labelFilter</c>.</summary>
    public static async Task<WorkerCounters> ReadCountersAsync(HttpClient http, Uri baseUri, CancellationToken cancellationToken)
    {
        var text = await http.GetStringAsync(new Uri(baseUri, "metrics"), cancellationToken);
        var lines = text.Split('\n').Where(l => l.Length > 0 && l[0] != '#').ToList();
        double Sum(string name, string? labelFilter = null) => lines
            .Where(l => l.StartsWith(name, StringComparison.Ordinal) && (l.Length > name.Length && (l[name.Length] == '{' || l[name.Length] == ' ')))
            .Where(l => labelFilter is null || l.Contains(labelFilter, StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
        return new WorkerCounters(
            Queued: (long)Sum("themodel_events_queued_total"),
            Processed: (long)Sum("themodel_events_processed_total"),
            DeadLettered: (long)Sum("themodel_dead_lettered_total"),
            Pending: (long)Sum("themodel_queue_depth", "state=\"pending\""),
            Unacknowledged: (long)Sum("themodel_queue_depth", "state=\"unacknowledged\""),
            Rejected: (long)Sum("themodel_webhook_rejected_total"));
    }

    private static async Task<bool> PingsAsync(int port, CancellationToken cancellationToken)
    {
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync("127.0.0.1", port, cancellationToken);
            var stream = tcp.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken);
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, cancellationToken);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }
}

/// <summary>What the worker's counters say (cumulative since it started, except the queue depths).</summary>
internal sealed record WorkerCounters(long Queued, long Processed, long DeadLettered, long Pending, long Unacknowledged, long Rejected);

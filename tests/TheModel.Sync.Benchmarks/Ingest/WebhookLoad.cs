using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using TheModel.Sync.HubSpot.Webhooks;

namespace TheModel.Sync.Benchmarks.Ingest;

/// <summary>What one load (one target, one batch size) measured.</summary>
internal sealed record LoadResult(
    string Target,
    int BatchSize,
    int Senders,
    TimeSpan Window,
    long Requests,
    long Events,
    long WarmupRequests,
    long Errors,
    IReadOnlyList<string> ErrorSamples,
    double[] SortedLatenciesMs,
    AckTotals Acks)
{
    public double EventsPerSecond => Events / Window.TotalSeconds;

    public double RequestsPerSecond => Requests / Window.TotalSeconds;

    /// <summary>Nearest-rank percentile of the measured requests' ack times, in ms.</summary>
    public double Percentile(double p)
    {
        if (SortedLatenciesMs.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(p / 100 * SortedLatenciesMs.Length);
        return SortedLatenciesMs[Math.Clamp(rank - 1, 0, SortedLatenciesMs.Length - 1)];
    }
}

/// <summary>The worker's answers summed over every request of a load (warm-up included): what it says it did.</summary>
internal sealed record AckTotals(long Received, long Queued, long Duplicates, long Ignored, long Sent, long SentIgnorable);

/// <summary>
/// A closed-loop load like HubSpot's delivery for one account: <c>senders</c> loops, each with one request in flight,
/// each request a fresh signed batch (v3 signature and timestamp, and the v1 signature HubSpot also sends on CRM
/// event deliveries). The ack time runs from just before the request is sent to the whole answer read; building and
/// signing the body happen before the clock starts. A request counts in the window it completes in.
/// With an offered rate the senders are paced instead (open loop): each sends on a fixed schedule, and the ack time
/// runs from the scheduled moment, so a sender held up by a slow answer counts the wait it caused for the next.
/// </summary>
internal sealed class WebhookLoad(Uri target, string clientSecret, HubSpotBatches batches, TimeProvider time)
{
    private const int MaxErrorSamples = 5;

    public async Task<LoadResult> RunAsync(string name, int batchSize, int senders, TimeSpan warmup, TimeSpan duration, double offeredEventsPerSecond, bool readAcks, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = senders,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var clock = Stopwatch.StartNew();
        var measureFrom = warmup;
        var measureTo = warmup + duration;
        // Paced: each sender sends one batch every `interval`, the senders staggered evenly across it.
        var interval = offeredEventsPerSecond > 0 ? TimeSpan.FromSeconds(senders * batchSize / offeredEventsPerSecond) : TimeSpan.Zero;
        var states = Enumerable.Range(0, senders).Select(i => new SenderState(new Random(1000 + i), interval * i / senders)).ToArray();
        await Task.WhenAll(states.Select(s => Task.Run(() => SendLoopAsync(client, s, batchSize, clock, measureFrom, measureTo, interval, readAcks, cancellationToken), cancellationToken)));

        var latencies = states.SelectMany(s => s.Latencies).ToArray();
        Array.Sort(latencies);
        var acks = new AckTotals(
            states.Sum(s => s.Received), states.Sum(s => s.Queued), states.Sum(s => s.Duplicates), states.Sum(s => s.Ignored),
            states.Sum(s => s.Sent), states.Sum(s => s.SentIgnorable));
        return new LoadResult(
            name, batchSize, senders, duration,
            states.Sum(s => s.Requests), states.Sum(s => s.Events), states.Sum(s => s.WarmupRequests), states.Sum(s => s.Errors),
            [.. states.SelectMany(s => s.ErrorSamples).Take(MaxErrorSamples)], latencies, acks);
    }

    private async Task SendLoopAsync(HttpClient client, SenderState state, int batchSize, Stopwatch clock, TimeSpan measureFrom, TimeSpan measureTo, TimeSpan interval, bool readAcks, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(batchSize * 400);
        var uri = target.AbsoluteUri;
        var scheduled = state.FirstAt;
        while (clock.Elapsed < measureTo && !cancellationToken.IsCancellationRequested)
        {
            if (interval > TimeSpan.Zero)
            {
                var wait = scheduled - clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, cancellationToken);
                }

                if (scheduled >= measureTo)
                {
                    break;
                }
            }

            var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
            var built = batches.Build(batchSize, nowMs, state.Random, buffer);
            var body = built.Bytes;
            var timestamp = nowMs.ToString(CultureInfo.InvariantCulture);
            using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.TryAddWithoutValidation("User-Agent", "HubSpot Connect 2.0");
            request.Headers.TryAddWithoutValidation("X-HubSpot-Signature", HubSpotSignature.ComputeV1(clientSecret, body));
            request.Headers.TryAddWithoutValidation("X-HubSpot-Signature-Version", "v1");
            request.Headers.TryAddWithoutValidation("X-HubSpot-Signature-v3", HubSpotSignature.ComputeV3(clientSecret, "POST", uri, body, timestamp));
            request.Headers.TryAddWithoutValidation("X-HubSpot-Request-Timestamp", timestamp);

            var started = interval > TimeSpan.Zero ? scheduled : clock.Elapsed;
            scheduled += interval;
            HttpStatusCode status;
            byte[] answer;
            try
            {
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
                status = response.StatusCode;
                answer = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                state.Fail($"{ex.GetType().Name}: {ex.Message}");

                // A dead target would otherwise be a busy loop of connection errors.
                await Task.Delay(TimeSpan.FromMilliseconds(50), time, cancellationToken);
                continue;
            }

            var ended = clock.Elapsed;
            if (status != HttpStatusCode.OK)
            {
                state.Fail(string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)status}: {System.Text.Encoding.UTF8.GetString(answer.AsSpan(0, Math.Min(answer.Length, 300)))}"));
                continue;
            }

            state.Sent += batchSize;
            state.SentIgnorable += built.Ignorable;
            if (readAcks)
            {
                state.CountAck(answer);
            }

            if (ended < measureFrom)
            {
                state.WarmupRequests++;
            }
            else if (ended <= measureTo)
            {
                state.Requests++;
                state.Events += batchSize;
                state.Latencies.Add((ended - started).TotalMilliseconds);
            }
        }
    }

    private sealed class SenderState(Random random, TimeSpan firstAt)
    {
        public Random Random { get; } = random;

        /// <summary>When a paced sender sends its first request.</summary>
        public TimeSpan FirstAt { get; } = firstAt;

        public List<double> Latencies { get; } = new(4096);

        public List<string> ErrorSamples { get; } = [];

        public long Requests { get; set; }

        public long Events { get; set; }

        public long WarmupRequests { get; set; }

        public long Errors { get; private set; }

        public long Received { get; private set; }

        public long Queued { get; private set; }

        public long Duplicates { get; private set; }

        public long Ignored { get; private set; }

        public long Sent { get; set; }

        public long SentIgnorable { get; set; }

        public void Fail(string message)
        {
            Errors++;
            if (ErrorSamples.Count < MaxErrorSamples)
            {
                ErrorSamples.Add(message);
            }
        }

        /// <summary>The worker's <c>{"received":…,"queued":…,"duplicates":…,"ignored":…}</c>.</summary>
        public void CountAck(byte[] answer)
        {
            try
            {
                using var doc = JsonDocument.Parse(answer);
                var root = doc.RootElement;
                Received += root.GetProperty("received").GetInt64();
                Queued += root.GetProperty("queued").GetInt64();
                Duplicates += root.GetProperty("duplicates").GetInt64();
                Ignored += root.GetProperty("ignored").GetInt64();
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                Fail("the 200 answer is not the worker's ingest answer: " + System.Text.Encoding.UTF8.GetString(answer.AsSpan(0, Math.Min(answer.Length, 300))));
            }
        }
    }
}

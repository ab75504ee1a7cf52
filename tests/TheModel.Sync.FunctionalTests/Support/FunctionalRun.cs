using System.Diagnostics;
using System.Text.Json;
using StackExchange.Redis;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Records;
using TheModel.Sync.Redis.Tests.Support;

namespace TheModel.Sync.FunctionalTests.Support;

/// <summary>
/// One functional scenario: a redis-server, both simulated CRMs and one or more worker processes on that Redis.
/// Disposing kills every process it started, whatever the test's outcome; the work folder (worker logs, named in
/// assertion messages) is left in the temp folder for diagnostics.
/// </summary>
internal sealed class FunctionalRun : IAsyncDisposable
{
    /// <summary>Short reclaim times so entries a killed worker held come back within the test.</summary>
    private static readonly string[] FastRecovery =
    [
        "--Worker:ReclaimMinIdle=5s",
        "--Worker:ReclaimInterval=1s",
        "--Worker:SweepInterval=5s",
        "--Worker:ReadWait=500ms",
    ];

    private ConnectionMultiplexer? _redisClient;

    private FunctionalRun(string work, RedisServer redis, CrmWorld world, IReadOnlyList<WorkerProcess> workers)
    {
        WorkDirectory = work;
        Redis = redis;
        World = world;
        Workers = workers;
    }

    public string WorkDirectory { get; }

    public RedisServer Redis { get; }

    public CrmWorld World { get; }

    public IReadOnlyList<WorkerProcess> Workers { get; }

    public WorkerProcess Worker => Workers[0];

    /// <summary>Starts Redis, the simulators and <paramref name="workers"/> workers (not yet their processes).</summary>
    /// <param name="workers">1 or 2; with 2, Salesforce sends to the first and HubSpot to the second.</param>
    public static async Task<FunctionalRun> CreateAsync(int workers = 1, bool appendOnly = false, string? configDirectory = null, IReadOnlyList<string>? extraSettings = null, bool disorderly = false)
    {
        var work = Directory.CreateTempSubdirectory("tm-func-").FullName;
        var config = configDirectory ?? RepoConfig();
        var ports = Enumerable.Range(0, workers).Select(_ => Ports.Free()).ToArray();
        var urls = ports.Select(p => new Uri($"http://127.0.0.1:{p}/")).ToArray();
        var redis = await RedisServer.StartAsync(appendOnly);
        CrmWorld world;
        try
        {
            world = await CrmWorld.StartAsync(config, urls[0], urls[^1], work, disorderly);
        }
        catch
        {
            await redis.DisposeAsync();
            throw;
        }

        string[] settings = [.. world.WorkerSettings, $"--Redis:Configuration={redis.Configuration}", .. FastRecovery, .. extraSettings ?? []];
        var processes = ports.Select((p, i) => new WorkerProcess($"worker{i + 1}", p, config, settings, work)).ToList();
        return new FunctionalRun(work, redis, world, processes);
    }

    /// <summary>The repository's <c>config/</c> folder (the sample routing config).</summary>
    public static string RepoConfig()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "config", "routing.yaml");
            if (File.Exists(candidate) && File.Exists(Path.Combine(dir.FullName, "TheModel.Sync.sln")))
            {
                return Path.Combine(dir.FullName, "config");
            }
        }

        throw new InvalidOperationException($"no config/ folder with routing.yaml above {AppContext.BaseDirectory}");
    }

    public async Task StartWorkersAsync()
    {
        foreach (var w in Workers)
        {
            await w.StartAsync();
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="describe"/>'s text at the deadline.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<Task<string>> describe)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(200);
        }

        if (!await condition())
        {
            Assert.Fail($"not reached within {timeout.TotalSeconds:0}s: {await describe()}");
        }
    }

    /// <summary>
    /// Waits until every created lead has a configured owner, both CRMs have delivered everything, and the queue has
    /// nothing pending or unacknowledged (read from a running worker's <c>/metrics</c>).
    /// </summary>
    public Task DrainAsync(TimeSpan timeout) => WaitUntilAsync(
        async () => World.Created.All(World.IsRouted) && await World.DeliveriesIdleAsync() && await QueueEmptyAsync(),
        timeout,
        async () =>
        {
            var unrouted = World.Created.Where(l => !World.IsRouted(l)).ToList();
            var queue = await QueueTextAsync();
            return $"{unrouted.Count} of {World.Created.Count} leads have no configured owner (first: {string.Join(", ", unrouted.Take(5).Select(l => $"{l.Crm} {l.Id} owner={World.Current(l).Owner ?? "(none)"}"))}); "
                + $"Salesforce outbound pending {World.Salesforce.Outbound.Pending}, HubSpot webhooks idle {await World.DeliveriesIdleAsync()}; queue {queue}; logs in {WorkDirectory}";
        });

    public async Task<IDatabase> RedisAsync()
    {
        _redisClient ??= await ConnectionMultiplexer.ConnectAsync($"{Redis.Configuration},abortConnect=false,connectTimeout=2000");
        return _redisClient.GetDatabase();
    }

    public async Task<long> DeadLettersAsync() => await (await RedisAsync()).StreamLengthAsync("themodel:{queue}:dead");

    /// <summary>The newest decision logged for each person id, as the worker(s) wrote them to Redis.</summary>
    public async Task<IReadOnlyList<JsonElement>> DecisionsAsync()
    {
        var entries = await (await RedisAsync()).StreamRangeAsync("themodel:decisions", "-", "+");
        return [.. entries.Select(e => JsonDocument.Parse((string)e["d"]!).RootElement)];
    }

    /// <summary>
    /// Everything the brief calls "exactly once" for the created leads, as problems (empty: all good): each lead routed to
    /// the owner and stage of the last decision logged for it, no owner changed twice by the worker, no task key twice,
    /// no dead letters.
    /// </summary>
    public async Task<List<string>> ProblemsAsync()
    {
        var problems = new List<string>();
        var decisions = await DecisionsAsync();
        var last = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var d in decisions)
        {
            if (d.TryGetProperty("person", out var p) && p.GetString() is { } person)
            {
                last[person] = d;
            }
        }

        var changes = World.OwnerChanges();
        foreach (var lead in World.Created)
        {
            var (owner, stage) = World.Current(lead);
            if (!World.IsRouted(lead))
            {
                problems.Add($"{lead.Crm} {lead.Id}: owner is {owner ?? "(none)"} (created with {lead.InitialOwner ?? "(none)"}), not a configured member or queue");
                continue;
            }

            if (FindDecision(last, lead) is not { } decision)
            {
                problems.Add($"{lead.Crm} {lead.Id}: routed to {owner} but no decision for it is in the decision log");
            }
            else
            {
                var decidedOwner = decision.TryGetProperty("owner", out var o) ? o.GetString() : null;
                var expected = CrmRecordWriter.OwnerId(decidedOwner, lead.Crm, World.Rules);
                if (expected is not null && !string.Equals(CrmWorld.Canonical(expected), CrmWorld.Canonical(owner!), StringComparison.Ordinal))
                {
                    problems.Add($"{lead.Crm} {lead.Id}: owner is {owner}, the last logged decision gave {decidedOwner} ({expected})");
                }

                if (Stages.TryParse(decision.GetProperty("stage").GetString(), out var decidedStage)
                    && decidedStage != Stage.New
                    && World.Mapping(lead.Crm)?.CanWrite(decidedStage) == true
                    && stage != decidedStage)
                {
                    problems.Add($"{lead.Crm} {lead.Id}: stage is {stage?.Name() ?? "unmapped"}, the last logged decision gave {decidedStage.Name()}");
                }
            }

            // Created with an owner no rule gives (the integration user, or none), each lead needs exactly one owner
            // change from the worker; none means the owner came from elsewhere, two means the event was applied twice.
            var written = changes.GetValueOrDefault(lead) ?? [];
            if (written.Count == 0)
            {
                problems.Add($"{lead.Crm} {lead.Id}: owner is {owner} but no owner-changing API write for it is in the CRM's request log");
            }
            else if (written.Count > 1)
            {
                problems.Add($"{lead.Crm} {lead.Id}: the worker changed its owner {written.Count} times ({string.Join(" -> ", written)}) for one creation event");
            }
        }

        problems.AddRange(World.DuplicatedTaskKeys().Select(k => "duplicated task: " + k));
        var dead = await DeadLettersAsync();
        if (dead > 0)
        {
            problems.Add($"{dead} event(s) dead-lettered: {await DeadLetterSampleAsync()}");
        }

        return problems;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var w in Workers)
        {
            await w.DisposeAsync();
        }

        if (_redisClient is not null)
        {
            await _redisClient.DisposeAsync();
        }

        await World.DisposeAsync();
        await Redis.DisposeAsync();
    }

    private static JsonElement? FindDecision(Dictionary<string, JsonElement> last, CreatedLead lead)
    {
        var id = CrmWorld.Canonical(lead.Id);
        foreach (var key in new[] { lead.Id, id, lead.Id.Length == 18 ? lead.Id[..15] : lead.Id })
        {
            if (last.TryGetValue(key, out var d))
            {
                return d;
            }
        }

        var match = last.Keys.FirstOrDefault(k => k.EndsWith(":" + lead.Id, StringComparison.Ordinal) || k.EndsWith(":" + id, StringComparison.Ordinal));
        return match is null ? null : last[match];
    }

    private async Task<bool> QueueEmptyAsync()
    {
        var live = Workers.FirstOrDefault(w => w.IsRunning);
        if (live is null)
        {
            return false;
        }

        try
        {
            return await live.MetricAsync("themodel_queue_depth", "state=\"pending\"") == 0
                && await live.MetricAsync("themodel_queue_depth", "state=\"unacknowledged\"") == 0;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private async Task<string> QueueTextAsync()
    {
        var live = Workers.FirstOrDefault(w => w.IsRunning);
        if (live is null)
        {
            return "(no worker running)";
        }

        try
        {
            return $"pending {await live.MetricAsync("themodel_queue_depth", "state=\"pending\"")}, unacknowledged {await live.MetricAsync("themodel_queue_depth", "state=\"unacknowledged\"")}";
        }
        catch (HttpRequestException ex)
        {
            return "(metrics unreadable: " + ex.Message + ")";
        }
    }

    private async Task<string> DeadLetterSampleAsync()
    {
        var entries = await (await RedisAsync()).StreamRangeAsync("themodel:{queue}:dead", "-", "+", 3);
        return string.Join(" | ", entries.Select(e => string.Join(", ", e.Values.Select(v => $"{v.Name}={v.Value}"))));
    }
}

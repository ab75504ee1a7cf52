using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Application.Pipeline;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;
using TheModel.Sync.Simulators.HubSpot;
using TheModel.Sync.Simulators.Salesforce;
using TheModel.Sync.Simulators.Seeding;
using TheModel.Sync.Worker.Host;
using TheModel.Sync.Worker.Reload;

namespace TheModel.Sync.Worker.Sandbox;

internal sealed record SandboxOptions
{
    public int People { get; init; } = 2000;

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    public double Rate { get; init; } = 20;

    public string? Summary { get; init; }

    public string? Urls { get; init; }

    public string? ConfigDirectory { get; init; }

    public string? DecisionLog { get; init; }

    public int Seed { get; init; } = 42;

    /// <summary>How long to wait after the traffic stops for every event to be decided and written.</summary>
    public TimeSpan Drain { get; init; } = TimeSpan.FromSeconds(60);

    public IReadOnlyList<string> Args { get; init; } = [];
}

/// <summary>What the sandbox reports on exit (the summary file's content).</summary>
internal sealed record SandboxSummary(
    double DurationSeconds,
    int LeadsCreated,
    int Touches,
    int StageChanges,
    IReadOnlyDictionary<string, int> StagesSent,
    IReadOnlyDictionary<string, int> RecyclesSent,
    int DealsLost,
    IReadOnlyDictionary<string, int> RecyclesByRule,
    long EventsReceived,
    long PersonsEvaluated,
    int PersonsRouted,
    IReadOnlyDictionary<string, int> DecisionsByRule,
    IReadOnlyDictionary<string, int> OwnersByTeam,
    IReadOnlyDictionary<string, long> CrmCalls,
    IReadOnlyDictionary<string, long> CrmCallsByEndpoint,
    double CallsPerRoutedPerson,
    IReadOnlyDictionary<string, double> EventToWriteMs,
    long DeadLetters,
    int Lost,
    int Duplicated,
    IReadOnlyList<string> Problems);

/// <summary>
/// <c>sandbox</c>: both simulated CRMs seeded by <c>generate</c>, the whole daemon pointed at them (its connectors at
/// their APIs, their webhooks and Outbound Messages at its endpoints), live traffic for a while, then a summary
/// computed from the simulators' final state.
/// </summary>
internal static class SandboxRun
{
    public static readonly JsonSerializerOptions SummaryJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    public static async Task<(SandboxSummary Summary, int Exit)> RunAsync(SandboxOptions options, TextWriter status, Action<SandboxLive>? onTick, CancellationToken cancellationToken)
    {
        var time = TimeProvider.System;
        var folder = ConfigFolder.Resolve(options.ConfigDirectory);
        var loaded = Cli.CliSupport.LoadConfig(folder.Path, status) ?? throw new SandboxException($"the config in {folder.Path} did not load");
        var rules = loaded.Rules;

        // The operator's own settings (environment, appsettings, --Key=value) win over the sandbox's defaults, and the
        // simulators sign and send with them.
        var user = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddJsonFile(Path.GetFullPath("appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine([.. options.Args])
            .Build();
        var clientSecret = user["HubSpot:ClientSecret"] ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var organizationId = user["Salesforce:OrganizationId"] ?? SalesforceIds.To18("00D5g00000Sandb");
        var urls = options.Urls ?? $"http://127.0.0.1:{FreePort()}";
        var baseUrl = new Uri(urls.Split(';')[0].TrimEnd('/') + "/");

        var work = Directory.CreateTempSubdirectory("themodel-sandbox-").FullName;
        status.WriteLine($"sandbox: generating {options.People} people in {work}");
        var data = SeedData.Generate(rules, options.People, Math.Max(10, options.People / 10), options.Seed, Path.Combine(work, "seed"), time.GetUtcNow());

        var unassigned = rules.Queues.FirstOrDefault()?.SalesforceId;
        var sfOptions = new SalesforceSimulatorOptions
        {
            TimeProvider = time,
            OrganizationId = organizationId,
            OutboundEndpoint = new Uri(baseUrl, "webhooks/salesforce"),
            OutboundInitialRetryDelay = TimeSpan.FromSeconds(2),
            OutboundMaxRetryDelay = TimeSpan.FromSeconds(30),

            // As in a real org: a Lead written without Sforce-Auto-Assign: FALSE would be taken by the assignment rule.
            AssignmentRuleOwnerId = unassigned,
        };
        var sfSchema = CrmSchema.For(rules, CrmKind.Salesforce);
        foreach (var field in sfSchema.PersonFields.Values.Where(f => f.EndsWith("__c", StringComparison.Ordinal) && !f.StartsWith("TheModel_", StringComparison.Ordinal)))
        {
            sfOptions.CustomFields.Add(new SalesforceCustomField(sfSchema.PersonObjectName, field, SalesforceFieldType.Text));
        }

        await using var salesforce = new SalesforceSimulator(sfOptions);
        await using var hubSpot = new HubSpotSimulator(new HubSpotSimulatorOptions
        {
            TimeProvider = time,
            AdditionalProperties = SimulatorSeeder.HubSpotProperties(rules),
            Webhooks = new HubSpotWebhookOptions
            {
                TargetUrl = new Uri(baseUrl, "webhooks/hubspot"),
                ClientSecret = clientSecret,
                RetryBaseDelay = TimeSpan.FromSeconds(1),
                RetryMaxDelay = TimeSpan.FromSeconds(30),
                Subscriptions =
                [
                    new HubSpotWebhookSubscription(1, "contact.creation"),
                    new HubSpotWebhookSubscription(2, "contact.propertyChange", "lifecyclestage"),
                    new HubSpotWebhookSubscription(3, "contact.propertyChange", "hs_lead_status"),
                    new HubSpotWebhookSubscription(4, "contact.propertyChange", CrmSchema.For(rules, CrmKind.HubSpot).PersonFields["touches"]),
                    new HubSpotWebhookSubscription(5, "deal.propertyChange", "dealstage"),
                ],
            },
        });
        await salesforce.StartAsync(cancellationToken);
        await hubSpot.StartAsync(cancellationToken);

        // The CRMs' history is there before the integration is switched on: seeding fires no webhooks.
        salesforce.OutboundMuted = true;
        hubSpot.WebhooksMuted = true;
        var seededSf = SimulatorSeeder.Seed(salesforce, rules, data);
        var seededHs = SimulatorSeeder.Seed(hubSpot, rules, data);
        salesforce.OutboundMuted = false;
        hubSpot.WebhooksMuted = false;
        status.WriteLine($"sandbox: seeded Salesforce ({seededSf.People.Count} leads, {seededSf.Accounts.Count} accounts) and HubSpot ({seededHs.People.Count} contacts, {seededHs.Accounts.Count} companies)");

        var overrides = new Dictionary<string, string?>(StringComparer.Ordinal);
        void Default(string key, string? value)
        {
            if (user[key] is null)
            {
                overrides[key] = value;
            }
        }

        Default("Salesforce:LoginUrl", salesforce.BaseUrl.ToString().TrimEnd('/'));
        Default("Salesforce:AuthFlow", "ClientCredentials");
        Default("Salesforce:ClientId", sfOptions.ClientId);
        Default("Salesforce:ClientSecret", sfOptions.ClientSecret);
        Default("Salesforce:OrganizationId", organizationId);
        Default("HubSpot:BaseUrl", hubSpot.BaseUrl.ToString().TrimEnd('/'));
        Default("HubSpot:AccessToken", HubSpotSimulatorOptions.DefaultAccessToken);
        Default("HubSpot:ClientSecret", clientSecret);
        Default("Worker:SweepInterval", "5s");

        // The simulated org sends Outbound Messages for its person object only: lost opportunities reach the worker
        // through the opportunity poll, which must come round within a short run.
        Default("Worker:CatalogPollInterval", "30s");

        using var recorder = new SandboxRecorder(options.DecisionLog);
        var logPath = Path.Combine(work, "worker.log");
        await using var log = new StreamWriter(logPath) { AutoFlush = true };
        var app = WorkerHost.Build(
            new WorkerHostOptions { ConfigDirectory = folder.Path, Urls = urls, Args = options.Args, LogOutput = TextWriter.Synchronized(log) },
            services => services.AddSingleton<IBatchObserver>(recorder),
            overrides);
        await using (app)
        {
            await app.StartAsync(cancellationToken);
            status.WriteLine($"sandbox: worker listening on {baseUrl} (log: {logPath}); {options.Rate:0.#} leads/s for {options.Duration.TotalSeconds:0}s");

            var driver = new TrafficDriver(salesforce, hubSpot, rules, recorder, time, options.Seed);
            var started = time.GetTimestamp();
            using var ticker = new CancellationTokenSource();
            var live = Task.Run(() => TickAsync(onTick, () => Live(driver, recorder, salesforce, hubSpot, time.GetElapsedTime(started)), ticker.Token), CancellationToken.None);
            await driver.RunAsync(options.Rate, options.Duration, cancellationToken);
            var trafficTime = time.GetElapsedTime(started);

            // Drain: every delivery made and every queued event decided and written (or dead-lettered).
            var queue = app.Services.GetRequiredService<IEventQueue>();
            var drained = await DrainAsync(queue, salesforce, hubSpot, recorder, driver, options.Drain, time);
            await ticker.CancelAsync();
            await live;

            var problems = new List<string>();
            foreach (var letter in await queue.DeadLettersAsync(10, CancellationToken.None))
            {
                problems.Add($"dead letter {letter.Event.Crm} {letter.Event.RecordId} ({letter.Event.Kind}): {letter.Reason}");
            }

            if (!drained)
            {
                problems.Add($"not everything was processed within {options.Drain.TotalSeconds:0}s after the traffic stopped");
            }

            var dead = (await queue.StatsAsync(CancellationToken.None)).DeadLetters;
            var summary = Summarize(driver, recorder, salesforce, hubSpot, rules, dead, trafficTime, problems);
            await app.StopAsync(CancellationToken.None);
            if (options.Summary is { } path)
            {
                await File.WriteAllTextAsync(path, JsonSerializer.Serialize(summary, SummaryJson), CancellationToken.None);
            }

            return (summary, Cli.CliSupport.ExitOk);
        }
    }

    private static async Task TickAsync(Action<SandboxLive>? onTick, Func<SandboxLive> snapshot, CancellationToken cancellationToken)
    {
        if (onTick is null)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                onTick(snapshot());
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }

        onTick(snapshot());
    }

    private static SandboxLive Live(TrafficDriver driver, SandboxRecorder recorder, SalesforceSimulator salesforce, HubSpotSimulator hubSpot, TimeSpan elapsed) =>
        new(elapsed, driver.LeadsCreated, recorder.Snapshot(), salesforce.ApiCallsUsed + salesforce.TokenCalls, hubSpot.Counters.CountedCalls);

    private static async Task<bool> DrainAsync(IEventQueue queue, SalesforceSimulator salesforce, HubSpotSimulator hubSpot, SandboxRecorder recorder, TrafficDriver driver, TimeSpan timeout, TimeProvider time)
    {
        var deadline = time.GetTimestamp();
        while (time.GetElapsedTime(deadline) < timeout)
        {
            var stats = await queue.StatsAsync(CancellationToken.None);
            var deliveriesDone = salesforce.Outbound.Pending == 0 && hubSpot.Counters.WebhookEventsDelivered + hubSpot.Counters.WebhookEventsAbandoned > 0;
            var allDecided = driver.Created.All(c => recorder.LastDecision(c.Crm, c.Id) is not null);
            if (stats.Pending == 0 && stats.Unacknowledged == 0 && deliveriesDone && allDecided)
            {
                return true;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), time);
        }

        return false;
    }

    private static SandboxSummary Summarize(
        TrafficDriver driver,
        SandboxRecorder recorder,
        SalesforceSimulator salesforce,
        HubSpotSimulator hubSpot,
        RuleSet rules,
        long dead,
        TimeSpan trafficTime,
        List<string> problems)
    {
        var snapshot = recorder.Snapshot();
        var sfSchema = CrmSchema.For(rules, CrmKind.Salesforce);
        var hsSchema = CrmSchema.For(rules, CrmKind.HubSpot);

        // Lost: a lead whose required effect is not in the CRM: never decided, or its last decision's owner and stage
        // are not what the CRM holds now.
        var lost = 0;
        foreach (var (crm, id) in driver.Created)
        {
            var decision = recorder.LastDecision(crm, id);
            if (decision is null)
            {
                lost++;
                problems.Add($"{crm} {id}: no decision");
                continue;
            }

            var schema = crm == CrmKind.Salesforce ? sfSchema : hsSchema;
            var current = crm == CrmKind.Salesforce
                ? salesforce.Get(sfSchema.PersonObjectName, id)?.ToDictionary(f => f.Key, f => f.Value?.ToString())
                : hubSpot.Get("contacts", id)?.Properties.ToDictionary(f => f.Key, f => f.Value);
            if (current is null)
            {
                lost++;
                continue;
            }

            var expectedOwner = CrmRecordWriter.OwnerId(decision.Owner.Name, crm, rules);
            if (expectedOwner is not null && !SameId(current.GetValueOrDefault(schema.OwnerField), expectedOwner))
            {
                lost++;
                problems.Add($"{crm} {id}: owner is {current.GetValueOrDefault(schema.OwnerField)}, the decision gave {expectedOwner}");
                continue;
            }

            var mapping = rules.Crms.FirstOrDefault(c => c.Crm == crm);
            var stage = mapping?.ReadStage(f => current.GetValueOrDefault(f));
            if (mapping?.CanWrite(decision.Stage) == true && stage != decision.Stage && decision.Stage != Stage.New)
            {
                lost++;
                problems.Add($"{crm} {id}: stage is {stage?.Name() ?? "unmapped"}, the decision gave {decision.Stage.Name()}");
            }
        }

        // Duplicated: a task created twice for one key, or an event whose effects were written twice.
        var duplicated = recorder.DuplicatedEffects;
        duplicated += salesforce.All("Task").GroupBy(t => t.GetValueOrDefault(CrmSchema.SalesforceTaskKeyField)?.ToString()).Where(g => g.Key is not null).Sum(g => g.Count() - 1);
        duplicated += hubSpot.All("tasks").GroupBy(t => t[CrmSchema.HubSpotTaskKeyProperty]).Where(g => g.Key is not null).Sum(g => g.Count() - 1);

        var sfCalls = salesforce.ApiCallsUsed + salesforce.TokenCalls;
        var hsCalls = hubSpot.Counters.CountedCalls;
        return new SandboxSummary(
            Math.Round(trafficTime.TotalSeconds, 1),
            driver.LeadsCreated,
            driver.Touches,
            driver.StageChanges,
            driver.StagesSent,
            driver.RecyclesSent,
            driver.DealsLost,
            snapshot.RecyclesByRule,
            snapshot.EventsProcessed,
            snapshot.PersonsEvaluated,
            snapshot.PersonsRouted,
            snapshot.DecisionsByRule,
            snapshot.OwnersByTeam,
            new SortedDictionary<string, long>(StringComparer.Ordinal) { ["salesforce"] = sfCalls, ["hubspot"] = hsCalls },
            Endpoints(salesforce, hubSpot),
            snapshot.PersonsRouted == 0 ? 0 : Math.Round((double)(sfCalls + hsCalls) / snapshot.PersonsRouted, 4),
            new SortedDictionary<string, double>(StringComparer.Ordinal) { ["p50"] = snapshot.P50Ms, ["p95"] = snapshot.P95Ms, ["p99"] = snapshot.P99Ms },
            dead,
            lost,
            duplicated,
            problems.Take(20).ToList());
    }

    private static SortedDictionary<string, long> Endpoints(SalesforceSimulator salesforce, HubSpotSimulator hubSpot)
    {
        var all = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (endpoint, count) in salesforce.EndpointCounts)
        {
            all["salesforce " + endpoint] = count;
        }

        foreach (var (endpoint, count) in hubSpot.Counters.CallsByEndpoint)
        {
            all["hubspot " + endpoint] = count;
        }

        return all;
    }

    private static bool SameId(string? a, string b)
    {
        if (a is null)
        {
            return false;
        }

        static string Canonical(string id) => id.Length == 15 && SalesforceIds.LooksLikeId(id) ? SalesforceIds.To18(id) : id;
        return string.Equals(Canonical(a), Canonical(b), StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>What the live table shows each second.</summary>
internal sealed record SandboxLive(TimeSpan Elapsed, int LeadsCreated, SandboxSnapshot Recorder, long SalesforceCalls, long HubSpotCalls);

/// <summary>A sandbox that cannot start; the message is the operator's answer.</summary>
internal sealed class SandboxException(string message) : Exception(message);

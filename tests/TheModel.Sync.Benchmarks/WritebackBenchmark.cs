using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Application.Pipeline;
using TheModel.Sync.Application.Simulation;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;
using TheModel.Sync.Simulators.Faults;
using TheModel.Sync.Simulators.HubSpot;
using TheModel.Sync.Simulators.Salesforce;
using TheModel.Sync.Simulators.Seeding;

namespace TheModel.Sync.Benchmarks;

/// <summary>
/// <c>writeback --people N [--faults 0.05] [--seed S]</c>: the routing outcomes of N people (owner + stage from the
/// engine, plus one follow-up task each) written to both simulated CRMs through the real connectors, once clean and
/// once with transient failures injected. Calls are every HTTP request the connector sent (failed attempts and
/// tokens included), counted by the simulators; lost and duplicated come from the simulators' final state. The
/// baseline in the same run is the naive integration: one call per record write, computed from the same plan.
/// </summary>
internal static class WritebackBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var people = Arg(args, "--people", 10_000);
        var faults = double.Parse(ArgText(args, "--faults") ?? "0.05", CultureInfo.InvariantCulture);
        var seed = Arg(args, "--seed", 7);
        var loaded = BenchData.LoadConfig(Path.Combine(BenchData.RepoRoot(), "config"));
        var rules = loaded.Rules;
        var dir = Directory.CreateTempSubdirectory("writeback-").FullName;
        try
        {
            Console.Error.WriteLine($"writeback: generating {people} people");
            var data = SeedData.Generate(rules, people, Math.Max(10, people / 10), seed, dir);

            // One person per CRM record: generate makes a few duplicate emails, which HubSpot keeps as one contact.
            var distinct = data.People.GroupBy(p => p.Email?.ToLowerInvariant() ?? p.Id).Select(g => g.First()).ToList();
            data = data with { People = distinct };

            // Scenarios: clean; 5% of requests failing transiently (half before, half after the write happened);
            // 5% of Salesforce records refused with UNABLE_TO_LOCK_ROW (HubSpot has no per-record transient failure);
            // and both at once.
            var scenarios = new List<(string Name, double Requests, double Rows)> { ("clean", 0, 0) };
            if (faults > 0)
            {
                scenarios.Add(($"{faults:P0} requests", faults, 0));
                scenarios.Add(($"{faults:P0} locked rows", 0, faults));
                scenarios.Add(($"{faults:P0} requests + {faults:P0} locked rows", faults, faults));
            }

            foreach (var (name, requests, rows) in scenarios)
            {
                var r = await RunOnceAsync(rules, data, requests, rows, seed);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {name}: salesforce {r.SalesforceCalls} calls (naive {r.NaiveSalesforce}: {r.NaiveSalesforce / (double)r.SalesforceCalls:0}x fewer), hubspot {r.HubSpotCalls} calls (naive {r.NaiveHubSpot}: {r.NaiveHubSpot / (double)r.HubSpotCalls:0}x fewer), {r.Elapsed.TotalSeconds:0.0}s; injected: {r.Injected}"));
                if (requests > 0)
                {
                    // Every failed request has to be sent again (a refused one did nothing; a lost answer's write can
                    // only be confirmed by another call), so a client that always succeeds on its next attempt spends
                    // floor + failed calls, and with each request failing independently at rate p no client can
                    // expect fewer than floor / (1 - p).
                    var bound = r.HubSpotFloor / (1 - requests);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  hubspot: floor {r.HubSpotFloor} calls (100 inputs each), {r.HubSpotFailed} failed and sent again, {r.HubSpotCalls - r.HubSpotFloor} calls above the floor; expected minimum for any client at {requests:P0} failing requests {bound:0.0} calls = {bound / data.People.Count:0.#####}/person"));
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"writeback: salesforce {r.SalesforcePerPerson:0.#####} calls/person, hubspot {r.HubSpotPerPerson:0.#####} calls/person, lost {r.Lost}, duplicated {r.Duplicated}"));
            }

            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private sealed record Result(
        double FaultRate,
        long SalesforceCalls,
        long HubSpotCalls,
        double SalesforcePerPerson,
        double HubSpotPerPerson,
        long NaiveSalesforce,
        long NaiveHubSpot,
        int Lost,
        int Duplicated,
        TimeSpan Elapsed,
        string Injected,
        long HubSpotFloor,
        long HubSpotFailed);

    private static async Task<Result> RunOnceAsync(RuleSet rules, SeedData data, double faultRate, double lockRate, int seed)
    {
        var sfOptions = new SalesforceSimulatorOptions { RequestLogCapacity = 1_000_000, DailyApiLimit = 1_000_000, Seed = seed };
        await using var salesforce = new SalesforceSimulator(sfOptions);
        await using var hubSpot = new HubSpotSimulator(new HubSpotSimulatorOptions
        {
            AdditionalProperties = SimulatorSeeder.HubSpotProperties(rules),
            MaxLoggedRequests = 1_000_000,
            Tier = HubSpotTier.Enterprise,
            FaultSeed = seed,
        });
        await salesforce.StartAsync();
        await hubSpot.StartAsync();
        var sfIds = SimulatorSeeder.Seed(salesforce, rules, data);
        var hsIds = SimulatorSeeder.Seed(hubSpot, rules, data);

        // The routing outcomes: the engine's decision for each person, evaluated in order with shared state.
        var session = new SimulationSession(rules, data.Accounts, data.Opportunities);
        foreach (var p in data.People)
        {
            session.Seed(p);
        }

        var at = new DateTimeOffset(2026, 11, 30, 1, 0, 0, TimeSpan.Zero);
        var fallbackOwner = rules.Members.First(m => m.Active && m.SalesforceId is not null && m.HubSpotId is not null);
        var sfPlan = new List<(RecordUpdate? Update, TaskCreate Task, Person Person, string Id)>();
        var hsPlan = new List<(RecordUpdate? Update, TaskCreate Task, Person Person, string Id)>();
        var context = new FixedRoutingContext(rules, data.Accounts);
        foreach (var person in data.People)
        {
            var decision = session.Evaluate(person, at);
            Add(sfPlan, CrmKind.Salesforce, sfIds.People[person.Id]);
            Add(hsPlan, CrmKind.HubSpot, hsIds.People[person.Id]);

            void Add(List<(RecordUpdate?, TaskCreate, Person, string)> plan, CrmKind crm, string id)
            {
                // Every person's outcome is written whole (owner and stage), whether or not the CRM already has it.
                var schema = context.For(crm);
                var mapping = rules.Crms.First(c => c.Crm == crm);
                // An inactive member cannot own records in a CRM: their people go to the fallback member here.
                var member = decision.Owner.Member is { Active: true } m ? m : fallbackOwner;
                var owner = crm == CrmKind.Salesforce ? member.SalesforceId! : member.HubSpotId!;
                var recordOwner = decision.Owner.Queue is { } queue ? CrmRecordWriter.OwnerId(queue.Key, crm, rules) : owner;
                var fields = new Dictionary<string, string?>(StringComparer.Ordinal) { [schema.OwnerField] = recordOwner ?? owner };
                var stage = mapping.CanWrite(decision.Stage) ? decision.Stage : Stage.Mql;
                foreach (var (field, value) in mapping.Stages.First(s => s.Stage == stage).Values)
                {
                    fields[field] = value;
                }

                var update = new RecordUpdate("u:" + id, CrmObject.Person, id, fields);
                var task = new TaskCreate(CrmWritePlanner.TaskKey("writeback-bench", id, "follow-up", 0), id, null, null, owner, $"Follow up with {person.Company ?? person.Email}", at.AddDays(1));
                plan.Add((update, task, person, id));
            }
        }

        var injected = "none";

        if (faultRate > 0 || lockRate > 0)
        {
            // Transient failures at the given rate: half refused before anything happens (503), half applied and then
            // answered 500 (the client cannot know its write happened); Salesforce also locks that share of records.
            foreach (var plan in new[] { salesforce.Faults, hubSpot.Faults })
            {
                plan.ServerErrorRate = faultRate / 2;
                plan.LostResponseRate = faultRate / 2;
            }

            salesforce.Faults.LockRowRate = lockRate;
        }

        using var provider = BuildConnectors(salesforce, sfOptions, hubSpot, context);
        var connectors = provider.GetRequiredService<IEnumerable<ICrmConnector>>().ToDictionary(c => c.Crm);
        // Salesforce counts REST API requests against the allocation; the OAuth token request is not one (reported apart).
        var sfBefore = salesforce.Requests.Count(r => !r.IsSubrequest && !r.Path.Contains("oauth2", StringComparison.Ordinal));
        var tokensBefore = salesforce.TokenCalls;
        var hsBefore = hubSpot.Requests.Count;
        var clock = Stopwatch.StartNew();
        var sfTask = connectors[CrmKind.Salesforce].WriteAsync(new WritePlan([.. sfPlan.Where(p => p.Update is not null).Select(p => p.Update!)], [.. sfPlan.Select(p => p.Task)]), CancellationToken.None);
        var hsTask = connectors[CrmKind.HubSpot].WriteAsync(new WritePlan([.. hsPlan.Where(p => p.Update is not null).Select(p => p.Update!)], [.. hsPlan.Select(p => p.Task)]), CancellationToken.None);
        var outcomes = await Task.WhenAll(sfTask, hsTask);
        clock.Stop();
        var sfCalls = salesforce.Requests.Count(r => !r.IsSubrequest && !r.Path.Contains("oauth2", StringComparison.Ordinal)) - sfBefore;
        var tokenCalls = salesforce.TokenCalls - tokensBefore;
        var hsCalls = hubSpot.Requests.Count - hsBefore;
        if (faultRate > 0 || lockRate > 0)
        {
            injected = string.Create(CultureInfo.InvariantCulture,
                $"salesforce {salesforce.Faults.ServerErrors} 503s, {salesforce.Faults.LostResponses} lost answers, {salesforce.Faults.LockedRows} locked rows; hubspot {hubSpot.Faults.ServerErrors} 5xx, {hubSpot.Faults.LostResponses} lost answers");
        }

        var notDone = outcomes.SelectMany(o => o).Where(o => !o.IsDone).ToList();
        foreach (var o in notDone.Take(5))
        {
            Console.Error.WriteLine($"writeback: not written: {o.Key}: {o.Status} {o.Error}");
        }

        // Lost: a planned owner, stage or task missing from the CRM. Duplicated: a task key or a person with two tasks.
        var lost = 0;
        var duplicated = 0;
        var sfSchema = context.For(CrmKind.Salesforce);
        var sfTasks = salesforce.All("Task").GroupBy(t => t.GetValueOrDefault(CrmSchema.SalesforceTaskKeyField)?.ToString() ?? string.Empty).ToDictionary(g => g.Key, g => g.Count());
        foreach (var (update, task, _, id) in sfPlan)
        {
            var record = salesforce.Get(sfSchema.PersonObjectName, id);
            lost += Missing(update, f => record?.GetValueOrDefault(f)?.ToString()) ? 1 : 0;
            var count = sfTasks.GetValueOrDefault(task.Key);
            lost += count == 0 ? 1 : 0;
            duplicated += Math.Max(0, count - 1);
        }

        duplicated += salesforce.All("Task").GroupBy(t => t.GetValueOrDefault("WhoId")?.ToString()).Sum(g => Math.Max(0, g.Count() - 1));
        var hsTasks = hubSpot.All("tasks").GroupBy(t => t[CrmSchema.HubSpotTaskKeyProperty] ?? string.Empty).ToDictionary(g => g.Key, g => g.Count());
        foreach (var (update, task, _, id) in hsPlan)
        {
            var record = hubSpot.Get("contacts", id);
            lost += Missing(update, f => record?[f]) ? 1 : 0;
            var count = hsTasks.GetValueOrDefault(task.Key);
            lost += count == 0 ? 1 : 0;
            duplicated += Math.Max(0, count - 1);
        }

        var persons = data.People.Count;
        return new Result(
            faultRate,
            sfCalls,
            hsCalls,
            sfCalls / (double)persons,
            hsCalls / (double)persons,
            sfPlan.Count(p => p.Update is not null) + sfPlan.Count,
            hsPlan.Count(p => p.Update is not null) + hsPlan.Count,
            lost,
            duplicated,
            clock.Elapsed,
            $"{injected}; salesforce token requests {tokenCalls}",
            HubSpotFloor(hsPlan.Count(p => p.Update is not null), hsPlan.Count),
            hubSpot.Faults.ServerErrors + hubSpot.Faults.LostResponses);
    }

    /// <summary>The fewest HubSpot calls that can carry the plan: 100 inputs per batch/update and per batch/create.</summary>
    private static long HubSpotFloor(int updates, int tasks) => ((updates + 99) / 100) + ((tasks + 99) / 100);

    private static bool Missing(RecordUpdate? update, Func<string, string?> current)
    {
        if (update is null)
        {
            return false;
        }

        foreach (var (field, wanted) in update.Fields)
        {
            var have = current(field);
            if (string.IsNullOrEmpty(wanted) ? !string.IsNullOrEmpty(have) : !Same(have, wanted))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Same(string? have, string wanted)
    {
        if (have is null)
        {
            return false;
        }

        if (string.Equals(have, wanted, StringComparison.Ordinal))
        {
            return true;
        }

        // Dates come back in the CRM's own format; ids as 18 characters.
        return (CrmRecordMapper.ParseTime(have), CrmRecordMapper.ParseTime(wanted)) is ({ } a, { } b) ? a == b
            : have.Length == 18 && wanted.Length == 15 && have.StartsWith(wanted, StringComparison.Ordinal);
    }

    private static ServiceProvider BuildConnectors(SalesforceSimulator salesforce, SalesforceSimulatorOptions sfOptions, HubSpotSimulator hubSpot, FixedRoutingContext context)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Salesforce:LoginUrl"] = salesforce.BaseUrl.GetLeftPart(UriPartial.Authority),
            ["Salesforce:AuthFlow"] = "ClientCredentials",
            ["Salesforce:ClientId"] = sfOptions.ClientId,
            ["Salesforce:ClientSecret"] = sfOptions.ClientSecret,
            ["Salesforce:ApiVersion"] = salesforce.ApiVersion,
            ["Salesforce:OrganizationId"] = salesforce.OrganizationId,
            ["Salesforce:DailyBudgetShare"] = "1",
            ["Salesforce:WriteRetryDelay"] = "00:00:00.200",
            ["HubSpot:BaseUrl"] = hubSpot.BaseUrl.GetLeftPart(UriPartial.Authority),
            ["HubSpot:AccessToken"] = HubSpotSimulatorOptions.DefaultAccessToken,
            ["HubSpot:DailyBudgetShare"] = "1",
        }).Build();
        var services = new ServiceCollection();
        // Retries of injected failures are expected here; only errors are worth a line.
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Error).AddSimpleConsole());
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ICrmSchemaSource>(context);
        services.AddSalesforce(configuration.GetSection("Salesforce"));
        services.AddHubSpot(configuration.GetSection("HubSpot"));
        return services.BuildServiceProvider();
    }

    private static int Arg(string[] args, string name, int fallback) =>
        ArgText(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private static string? ArgText(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}

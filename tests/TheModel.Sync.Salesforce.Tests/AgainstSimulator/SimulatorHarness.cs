using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Salesforce.Budget;
using TheModel.Sync.Salesforce.Tests.Connector;
using TheModel.Sync.Simulators.Salesforce;
using TheModel.Sync.Simulators.Seeding;

namespace TheModel.Sync.Salesforce.Tests.AgainstSimulator;

/// <summary>
/// The Salesforce simulator on 127.0.0.1 and the connector built the way the worker builds it (ServiceCollection,
/// AddLogging, a TimeProvider, the config's schema source, <c>AddSalesforce(section)</c> from a dictionary), logging in
/// with client credentials at the simulator's token endpoint.
/// </summary>
/// <remarks>
/// Two clocks, as in production: <see cref="OrgTime"/> is the org's (record timestamps, token lifetimes) and only moves
/// when a test moves it; <see cref="WorkerTime"/> is the worker's (back-offs, budget pauses, resilience delays, the
/// poll cutoff), starts <see cref="WorkerLead"/> ahead and is driven by <see cref="RunWithClockAsync{T}"/> while the
/// connector waits.
/// </remarks>
internal sealed class SimulatorHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset OrgStart = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// How far the worker's clock starts ahead of the org's: polls read only seconds that have settled
    /// (<see cref="SalesforceOptions.PollSettleTime"/>), so what a test puts into the org must be that far in the past.
    /// </summary>
    public static readonly TimeSpan WorkerLead = TimeSpan.FromMinutes(1);

    private SimulatorHarness(SalesforceSimulator simulator, FakeTimeProvider orgTime, ObservedTimeProvider workerTime, ServiceProvider services)
    {
        Simulator = simulator;
        OrgTime = orgTime;
        WorkerTime = workerTime;
        Services = services;
    }

    /// <summary>The sample config's <c>unassigned</c> queue (a Group the seeding creates).</summary>
    public static string UnassignedQueueId => SampleModel.Rules.Queues.Single(q => q.Key == "unassigned").SalesforceId!;

    public SalesforceSimulator Simulator { get; }

    public FakeTimeProvider OrgTime { get; }

    public ObservedTimeProvider WorkerTime { get; }

    public ServiceProvider Services { get; }

    public ICrmConnector Connector => Services.GetRequiredKeyedService<ICrmConnector>(CrmKind.Salesforce);

    public SalesforceApiBudget Budget => Services.GetRequiredService<SalesforceApiBudget>();

    /// <summary>
    /// Starts both sides; <paramref name="settings"/> may change or add <c>Salesforce:*</c> keys, and
    /// <paramref name="schemas"/> replaces the sample config's schema (persons as Contacts, for example).
    /// </summary>
    public static async Task<SimulatorHarness> StartAsync(
        Action<SalesforceSimulatorOptions>? simulator = null,
        Action<Dictionary<string, string?>>? settings = null,
        ICrmSchemaSource? schemas = null)
    {
        var orgTime = new FakeTimeProvider(OrgStart);

        // The org's assignment rule hands Leads to the config's "unassigned" queue whenever a write lets it run, so
        // every test proves that the owners the connector writes stick.
        var options = new SalesforceSimulatorOptions { TimeProvider = orgTime, AssignmentRuleOwnerId = UnassignedQueueId };
        simulator?.Invoke(options);
        var sim = new SalesforceSimulator(options);
        await sim.StartAsync();

        var workerTime = new ObservedTimeProvider(OrgStart + WorkerLead);
        var values = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Salesforce:LoginUrl"] = sim.BaseUrl.GetLeftPart(UriPartial.Authority),
            ["Salesforce:AuthFlow"] = "ClientCredentials",
            ["Salesforce:ClientId"] = options.ClientId,
            ["Salesforce:ClientSecret"] = options.ClientSecret,
            ["Salesforce:ApiVersion"] = sim.ApiVersion,
            ["Salesforce:OrganizationId"] = sim.OrganizationId,

            // The attempt timeout runs on the driven fake clock: keep it far beyond what a local call takes.
            ["Salesforce:RequestTimeout"] = "00:10:00",
            ["Salesforce:WriteRetryDelay"] = "00:00:02",
            ["Salesforce:BudgetProbeInterval"] = "00:01:00",
        };
        settings?.Invoke(values);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(workerTime);
        services.AddSingleton(schemas ?? new ConfigSchemaSource(SampleModel.Rules));
        services.AddSalesforce(configuration.GetSection("Salesforce"));
        return new SimulatorHarness(sim, orgTime, workerTime, services.BuildServiceProvider(validateScopes: true));
    }

    /// <summary>Seeds the org with the first <paramref name="people"/> generated people (as Leads), members, queues and accounts.</summary>
    public SeedResult Seed(int people) => SimulatorSeeder.Seed(Simulator, SampleModel.Rules, SampleModel.Data(people));

    /// <summary><see cref="Seed"/>, returning the Lead ids in the order the people were generated.</summary>
    public List<string> SeedLeads(int people)
    {
        var result = Seed(people);
        return [.. SampleModel.Data(people).People.Select(p => result.People[p.Id])];
    }

    /// <summary>Inserts <paramref name="count"/> Leads at the org's current second; returns their ids in creation (= id) order.</summary>
    public List<string> InsertLeads(int count, string prefix = "Lead")
    {
        var ids = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            ids.Add(Simulator.Insert("Lead", new Dictionary<string, object?> { ["LastName"] = $"{prefix}{i}", ["Company"] = $"{prefix} Co {i % 7}" }));
        }

        return ids;
    }

    /// <summary>Top-level data calls the simulator answered (each counts against the allocation; Composite subrequests do not).</summary>
    public int DataCalls => Simulator.Requests.Count(r => !r.IsSubrequest && r.Path.StartsWith("/services/data/", StringComparison.Ordinal));

    /// <summary>
    /// Runs <paramref name="action"/> while moving the worker's clock on by <paramref name="step"/> until it finishes,
    /// for code that waits on the clock (back-offs, budget probes, resilience delays). Bounded by a real-time deadline.
    /// </summary>
    public async Task<T> RunWithClockAsync<T>(Func<Task<T>> action, TimeSpan step)
    {
        var task = action();
        var deadline = Stopwatch.StartNew();
        while (!task.IsCompleted)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException("The operation did not finish within 30 s of real time.");
            }

            await Task.WhenAny(task, Task.Delay(5));
            WorkerTime.Advance(step);
        }

        return await task;
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Simulator.DisposeAsync();
    }
}

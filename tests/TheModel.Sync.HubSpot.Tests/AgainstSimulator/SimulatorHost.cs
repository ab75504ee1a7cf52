using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Application.Pipeline;
using TheModel.Sync.HubSpot.Budget;
using TheModel.Sync.HubSpot.Tests.Support;
using TheModel.Sync.Simulators.HubSpot;
using TheModel.Sync.Simulators.Seeding;

namespace TheModel.Sync.HubSpot.Tests.AgainstSimulator;

/// <summary>
/// The HubSpot simulator and the connector built the way the worker builds it (ServiceCollection, AddLogging,
/// <c>AddHubSpot</c> over a configuration section from a dictionary, a <see cref="TimeProvider"/>, the schema of the
/// sample config), both on one fake clock. <see cref="RunAsync{T}"/> moves the clock only while no request is on the wire, so the connector's limiter,
/// retry and budget waits pass at once and the simulator's rate windows see the same time.
/// </summary>
internal sealed class SimulatorHost : IAsyncDisposable
{
    public const string SecondToken = "pat-na1-99999999-8888-4777-8666-555555555555";

    public static readonly DateTimeOffset StartTime = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan RealDeadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan LimiterStep = TimeSpan.FromMilliseconds(250);

    private readonly IConfigurationRoot _configuration;
    private int _inFlight;

    private SimulatorHost(HubSpotSimulator simulator, FakeTimeProvider time, IReadOnlyDictionary<string, string?> settings)
    {
        Simulator = simulator;
        Time = time;
        var values = new Dictionary<string, string?>
        {
            ["HubSpot:BaseUrl"] = simulator.BaseUrl.ToString(),
            ["HubSpot:AccessToken"] = HubSpotSimulatorOptions.DefaultAccessToken,

            // The clock moves whenever no request is on the wire, also while the first calls are still compiling:
            // a long attempt timeout keeps such real-time pauses from looking like timeouts.
            ["HubSpot:RequestTimeout"] = "00:05:00",
        };
        foreach (var (key, value) in settings)
        {
            values["HubSpot:" + key] = value;
        }

        _configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(Logs));
        services.AddSingleton<TimeProvider>(time);

        // As the worker does: the CRM schema comes from the loaded config (stage fields, custom fields).
        services.AddSingleton<ICrmSchemaSource>(new FixedRoutingContext(SampleData.Rules, []));
        services.AddHubSpot(_configuration.GetSection("HubSpot"));

        // Refit sets each client's primary handler itself, so the test's handler goes in after AddHubSpot.
        services.ConfigureAll<HttpClientFactoryOptions>(options => options.HttpMessageHandlerBuilderActions.Add(builder => builder.PrimaryHandler = new WireHandler(this)));
        Services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public HubSpotSimulator Simulator { get; }

    public FakeTimeProvider Time { get; }

    public ServiceProvider Services { get; }

    public LogCollector Logs { get; } = new();

    public ICrmConnector Connector => Services.GetRequiredService<ICrmConnector>();

    public HubSpotBudget Budget => Services.GetRequiredService<HubSpotBudget>();

    /// <summary>Runs after each response reaches the connector and before it sees it (to change the portal between two calls).</summary>
    public Action<HttpRequestMessage, HttpResponseMessage>? AfterResponse { get; set; }

    /// <param name="simulatorOptions">Options for the simulator, given the shared clock and the sample config's custom properties.</param>
    /// <param name="settings">Connector settings under the <c>HubSpot</c> section, such as <c>("WriteAttempts", "2")</c>.</param>
    public static async Task<SimulatorHost> StartAsync(
        Func<TimeProvider, IReadOnlyDictionary<string, IReadOnlyList<string>>, HubSpotSimulatorOptions>? simulatorOptions = null,
        params (string Key, string? Value)[] settings)
    {
        var time = new FakeTimeProvider(StartTime);
        var properties = SimulatorSeeder.HubSpotProperties(SampleData.Rules);
        var options = simulatorOptions?.Invoke(time, properties)
            ?? new HubSpotSimulatorOptions { TimeProvider = time, AdditionalProperties = properties };
        var simulator = new HubSpotSimulator(options);
        await simulator.StartAsync();
        return new SimulatorHost(simulator, time, settings.ToDictionary(s => s.Key, s => s.Value));
    }

    /// <summary>Seeds the generated records; with <paramref name="spread"/> every record gets its own millisecond, in id order.</summary>
    public SeedResult Seed(SeedData data, bool spread)
    {
        Time.AutoAdvanceAmount = spread ? TimeSpan.FromMilliseconds(1) : TimeSpan.Zero;
        try
        {
            return SimulatorSeeder.Seed(Simulator, SampleData.Rules, data);
        }
        finally
        {
            Time.AutoAdvanceAmount = TimeSpan.Zero;
        }
    }

    /// <summary>Replaces the connector's token the way an operator would: in the configuration, then a reload.</summary>
    public void ChangeToken(string token)
    {
        _configuration["HubSpot:AccessToken"] = token;
        _configuration.Reload();
    }

    /// <summary>Runs <paramref name="work"/>, advancing the fake clock by <paramref name="step"/> whenever nothing is in flight.</summary>
    public async Task<T> RunAsync<T>(Func<ICrmConnector, CancellationToken, Task<T>> work, TimeSpan? step = null)
    {
        using var cancel = new CancellationTokenSource(RealDeadline);
        var task = work(Connector, cancel.Token);
        var watch = Stopwatch.StartNew();
        while (!task.IsCompleted)
        {
            if (watch.Elapsed > RealDeadline)
            {
                throw new TimeoutException($"The work did not finish within {RealDeadline} of real time.");
            }

            await Task.WhenAny(task, Task.Delay(TimeSpan.FromMilliseconds(2)));
            if (!task.IsCompleted && Volatile.Read(ref _inFlight) == 0)
            {
                var small = step ?? TimeSpan.FromMilliseconds(100);
                Time.Advance(Budget.Waiting > 0 && small < LimiterStep ? LimiterStep : small);
            }
        }

        return await task;
    }

    /// <summary>Calls the simulator answered, by endpoint (<c>POST /crm/v3/objects/tasks/batch/create</c>), 401s and 429s included.</summary>
    public int Calls(string endpoint) => Simulator.Counters.CallsByEndpoint.GetValueOrDefault(endpoint);

    public int TotalCalls => Simulator.Counters.CallsByEndpoint.Values.Sum();

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Simulator.DisposeAsync();
    }

    /// <summary>The real socket handler, counting requests on the wire and calling <see cref="AfterResponse"/>.</summary>
    private sealed class WireHandler(SimulatorHost host) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref host._inFlight);
            try
            {
                var response = await base.SendAsync(request, cancellationToken);
                await response.Content.LoadIntoBufferAsync(cancellationToken);
                host.AfterResponse?.Invoke(request, response);
                return response;
            }
            finally
            {
                Interlocked.Decrement(ref host._inFlight);
            }
        }
    }
}

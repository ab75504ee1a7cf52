using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.HubSpot.Budget;
using WireMock.Logging;
using WireMock.Server;
using WireMock.Settings;

namespace TheModel.Sync.HubSpot.Tests.Support;

/// <summary>
/// A WireMock server on 127.0.0.1 port 0 and the connector built the way the worker builds it (ServiceCollection,
/// configuration from a dictionary, <c>AddHubSpot</c>), on a fake clock. <see cref="RunAsync{T}"/> moves the clock
/// only while no HTTP request is in flight, so limiter and retry waits pass instantly and attempt timeouts never fire;
/// in bigger steps while a limiter holds a call, in small ones otherwise so that compute time does not space calls out.
/// </summary>
internal sealed class HubSpotTestHost : IAsyncDisposable
{
    public const string Token = "pat-na1-11111111-2222-3333-4444-555555555555";

    private static readonly TimeSpan RealDeadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan LimiterStep = TimeSpan.FromMilliseconds(250);

    private readonly InFlightCounter _inFlight = new();

    private HubSpotTestHost(Dictionary<string, string?>? settings)
    {
        Server = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
        var values = new Dictionary<string, string?>
        {
            ["HubSpot:BaseUrl"] = Server.Url,
            ["HubSpot:AccessToken"] = Token,

            // The clock moves whenever no request is on the wire, also while the first calls are still compiling:
            // a long attempt timeout keeps such real-time pauses from looking like timeouts.
            ["HubSpot:RequestTimeout"] = "00:05:00",
        };
        foreach (var (key, value) in settings ?? [])
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(Logs));
        services.AddSingleton<TimeProvider>(Time);
        services.AddHubSpot(configuration.GetSection("HubSpot"));

        // Refit sets each client's primary handler itself (overriding ConfigureHttpClientDefaults), so the counting
        // handler goes in after AddHubSpot; without it the clock would also move while requests are in flight.
        services.ConfigureAll<HttpClientFactoryOptions>(options => options.HttpMessageHandlerBuilderActions.Add(builder => builder.PrimaryHandler = new CountingHandler(_inFlight)));
        Services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public WireMockServer Server { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));

    public ServiceProvider Services { get; }

    public LogCollector Logs { get; } = new();

    public ICrmConnector Connector => Services.GetRequiredService<ICrmConnector>();

    public HubSpotBudget Budget => Services.GetRequiredService<HubSpotBudget>();

    public static HubSpotTestHost Start(params (string Key, string? Value)[] settings) =>
        new(settings.ToDictionary(s => "HubSpot:" + s.Key, s => s.Value));

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
            if (!task.IsCompleted && _inFlight.Count == 0)
            {
                var small = step ?? TimeSpan.FromMilliseconds(100);
                Time.Advance(Budget.Waiting > 0 && small < LimiterStep ? LimiterStep : small);
            }
        }

        return await task;
    }

    public Task RunAsync(Func<ICrmConnector, CancellationToken, Task> work, TimeSpan? step = null) =>
        RunAsync(async (c, ct) =>
        {
            await work(c, ct);
            return true;
        }, step);

    public IReadOnlyList<ILogEntry> Requests(string? pathEndsWith = null) =>
        [.. Server.LogEntries
            .Where(e => pathEndsWith is null || e.RequestMessage!.Path.EndsWith(pathEndsWith, StringComparison.Ordinal))
            .OrderBy(e => e.RequestMessage!.DateTime)];

    public static JsonNode Body(ILogEntry entry) => JsonNode.Parse(entry.RequestMessage!.Body!)!;

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        Server.Stop();
        Server.Dispose();
    }

    private sealed class InFlightCounter
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Enter() => Interlocked.Increment(ref _count);

        public void Exit() => Interlocked.Decrement(ref _count);
    }

    private sealed class CountingHandler(InFlightCounter counter) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            counter.Enter();
            try
            {
                var response = await base.SendAsync(request, cancellationToken);
                await response.Content.LoadIntoBufferAsync(cancellationToken);
                return response;
            }
            finally
            {
                counter.Exit();
            }
        }
    }
}

/// <summary>Keeps every log line (event id, level, rendered message) for assertions.</summary>
internal sealed class LogCollector : ILoggerProvider
{
    private readonly ConcurrentQueue<(EventId Id, LogLevel Level, string Message)> _entries = new();

    public IReadOnlyList<(EventId Id, LogLevel Level, string Message)> Entries => [.. _entries];

    public IReadOnlyList<string> Messages(int eventId) => [.. _entries.Where(e => e.Id.Id == eventId).Select(e => e.Message)];

    public ILogger CreateLogger(string categoryName) => new Logger(_entries);

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<(EventId, LogLevel, string)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue((eventId, logLevel, formatter(state, exception)));
    }
}

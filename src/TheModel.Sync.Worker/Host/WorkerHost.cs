using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Prometheus;
using Serilog;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Application.Pipeline;
using TheModel.Sync.Config;
using TheModel.Sync.Worker.Ingest;
using TheModel.Sync.Worker.Jobs;
using TheModel.Sync.Worker.Operations;
using TheModel.Sync.Worker.Reload;

namespace TheModel.Sync.Worker.Host;

/// <summary>How to build the daemon's host; the <c>run</c> and <c>sandbox</c> verbs fill it from their options.</summary>
internal sealed record WorkerHostOptions
{
    public const string DefaultUrls = "http://127.0.0.1:8080";

    /// <summary>The routing config folder (or file); null: <c>./config</c>, else the sample shipped in the executable.</summary>
    public string? ConfigDirectory { get; init; }

    /// <summary>Where Kestrel listens (<c>;</c>-separated); null: the <c>Urls</c> setting, else <see cref="DefaultUrls"/>.</summary>
    public string? Urls { get; init; }

    /// <summary>Command-line settings (<c>--Worker:PollInterval=10s</c>), applied over appsettings and the environment.</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>Where logs go instead of the console (tests read them here).</summary>
    public TextWriter? LogOutput { get; init; }
}

/// <summary>The config, and its folder's content hash, as the host was started with.</summary>
internal sealed record InitialConfig(LoadedConfig Config, string Hash, IReadOnlyList<string> Warnings);

/// <summary>
/// Builds the daemon: webhooks, the queue consumer, Quartz schedules, config hot reload, <c>/healthz</c>,
/// <c>/readyz</c>, <c>/metrics</c> and Serilog. Configuration is appsettings.json (beside the executable, then the
/// working directory; both optional), the environment (<c>HubSpot__ClientSecret</c>), the command line, then
/// <c>configurationOverrides</c>. <c>configureServices</c> runs last, so it can add connectors, batch observers or
/// replace any registration (a shared store, a fake clock), except <see cref="ICrmSchemaSource"/>, which is always
/// the config's.
/// </summary>
internal static class WorkerHost
{
    /// <summary>
    /// Builds the host and loads the routing config. A config that does not load throws
    /// <see cref="ConfigLoadException"/> with every error; bad settings throw <see cref="OptionsValidationException"/>.
    /// </summary>
    public static WebApplication Build(
        WorkerHostOptions options,
        Action<IServiceCollection>? configureServices = null,
        IDictionary<string, string?>? configurationOverrides = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [.. options.Args] });
        ConfigureConfiguration(builder.Configuration, options.Args, configurationOverrides);
        var configuration = builder.Configuration;

        builder.WebHost.UseUrls((options.Urls ?? configuration["Urls"] ?? WorkerHostOptions.DefaultUrls).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = RequestBody.MaxBytes);

        builder.Logging.ClearProviders();
        builder.Services.AddSerilog(WorkerLogging.Create(configuration, options.LogOutput), dispose: true);

        var identity = InstanceIdentity.Create();
        var folder = ConfigFolder.Resolve(options.ConfigDirectory);
        AddServices(builder.Services, configuration, identity, folder);
        configureServices?.Invoke(builder.Services);

        // Connectors ask this for field names; it must be the config's, even if a connector registered the defaults.
        builder.Services.RemoveAll<ICrmSchemaSource>();
        builder.Services.AddSingleton<ICrmSchemaSource>(sp => sp.GetRequiredService<RoutingConfigProvider>());

        var app = builder.Build();

        // Resolving the config provider loads the config: a bad first load stops here, before anything listens.
        app.Services.GetRequiredService<RoutingConfigProvider>();
        MapEndpoints(app);
        return app;
    }

    /// <summary>Runs a built host until it is stopped (Ctrl+C, SIGTERM).</summary>
    public static async Task RunAsync(WebApplication app, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        await app.RunAsync(cancellationToken);
    }

    /// <summary>The worker's settings sources, in order; the verbs that read the live store (export-log, explain) use them too.</summary>
    internal static void ConfigureConfiguration(IConfigurationBuilder configuration, IReadOnlyList<string> args, IDictionary<string, string?>? overrides)
    {
        // The web host's defaults (appsettings.{Environment}.json, user secrets, the content root) are replaced
        // by the sources the worker documents, in this order.
        configuration.Sources.Clear();
        var besideBinary = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        var inWorkingDirectory = Path.GetFullPath("appsettings.json");
        configuration.AddJsonFile(besideBinary, optional: true, reloadOnChange: false);
        if (!string.Equals(besideBinary, inWorkingDirectory, StringComparison.Ordinal))
        {
            configuration.AddJsonFile(inWorkingDirectory, optional: true, reloadOnChange: false);
        }

        configuration.AddEnvironmentVariables();
        configuration.AddCommandLine([.. args]);
        if (overrides is not null)
        {
            configuration.AddInMemoryCollection(overrides);
        }
    }

    private static void AddServices(IServiceCollection services, IConfiguration configuration, InstanceIdentity identity, ConfigFolder folder)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(identity);
        services.AddSingleton(folder);
        services.AddSingleton<WorkerMetrics>();

        services.AddOptions<WorkerOptions>()
            .Configure(o => WorkerOptionsBinder.Bind(o, configuration.GetSection(WorkerOptions.Section)))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<WorkerOptions>, WorkerOptionsValidator>();
        services.AddOptions<HubSpotWebhookOptions>().Bind(configuration.GetSection(HubSpotWebhookOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HubSpotWebhookOptions>, HubSpotWebhookOptionsValidator>();
        services.AddOptions<SalesforceOutboundOptions>().Bind(configuration.GetSection(SalesforceOutboundOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SalesforceOutboundOptions>, SalesforceOutboundOptionsValidator>();

        StoreRegistration.Add(services, configuration);
        CrmRegistration.Add(services, configuration);
        services.AddSingleton<CrmConnectorSet>();

        // Config: loaded when first resolved (at the end of Build), applied whole on each good reload.
        services.AddSingleton(sp =>
        {
            var time = sp.GetRequiredService<TimeProvider>();
            var runTests = sp.GetRequiredService<IOptions<WorkerOptions>>().Value.RunConfigTests;
            var hash = folder.ContentHash();
            var outcome = ConfigLoading.Load(folder.Path, runTests, time.GetUtcNow());
            return outcome.Config is { } config
                ? new InitialConfig(config, hash, outcome.Warnings)
                : throw new ConfigLoadException(folder.Path, [.. outcome.Errors]);
        });
        services.AddSingleton<CrmCatalog>();
        services.AddSingleton(sp => new RoutingConfigProvider(
            sp.GetRequiredService<InitialConfig>().Config, folder.Path, sp.GetRequiredService<CrmCatalog>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IRoutingContextSource>(sp => sp.GetRequiredService<RoutingConfigProvider>());
        services.AddSingleton(sp => new LoadedConfigHash(sp.GetRequiredService<InitialConfig>().Hash));

        services.AddSingleton(sp =>
        {
            var context = sp.GetRequiredService<RoutingConfigProvider>();
            return new EventProcessor(
                sp.GetRequiredService<CrmConnectorSet>().All,
                context,
                context,
                sp.GetRequiredService<IEventQueue>(),
                sp.GetRequiredService<IPlanJournal>(),
                sp.GetRequiredService<IPersonMemory>(),
                sp.GetRequiredService<IRoutingStore>(),
                sp.GetRequiredService<IDueSchedule>(),
                sp.GetRequiredService<IDecisionLog>(),
                sp.GetRequiredService<IRecordMarks>(),
                sp.GetRequiredService<TimeProvider>())
            {
                MaxDeliveries = sp.GetRequiredService<IOptions<WorkerOptions>>().Value.MaxDeliveries,
                RecycleFanOuts = fanOut =>
                {
                    var metrics = sp.GetRequiredService<WorkerMetrics>();
                    metrics.RecycleFanOuts.WithLabels(WorkerMetrics.Label(fanOut.Crm), WorkerMetrics.Label(fanOut.Object)).Inc();
                    metrics.RecycleFanOutPeople.WithLabels(WorkerMetrics.Label(fanOut.Crm), WorkerMetrics.Label(fanOut.Object)).Inc(fanOut.People);
                },
            };
        });

        services.AddSingleton<HubSpotWebhookHandler>();
        services.AddSingleton<SalesforceOutboundHandler>();
        services.AddSingleton<Readiness>();
        services.AddSingleton<HeldLeases>();
        services.AddSingleton<CrmPoller>();
        services.AddSingleton<DueSweeper>();
        services.AddSingleton<RosterChecker>();

        services.AddHostedService<StartupReport>();
        services.AddSingleton<ConfigReloader>();
        services.AddHostedService(sp => sp.GetRequiredService<ConfigReloader>());
        services.AddSingleton<EventConsumer>();
        services.AddHostedService(sp => sp.GetRequiredService<EventConsumer>());

        // Stopped after Quartz (hosted services stop in reverse order), so no job re-takes a lease once it is handed back.
        services.AddHostedService<LeaseReleaseOnStop>();
        if (SchedulesEnabled(configuration))
        {
            services.AddWorkerSchedules(identity);
        }
    }

    /// <summary>Read before the options exist: whether Quartz is registered at all. A bad value is reported by the validator.</summary>
    private static bool SchedulesEnabled(IConfiguration configuration) =>
        !bool.TryParse(configuration[$"{WorkerOptions.Section}:{nameof(WorkerOptions.SchedulesEnabled)}"], out var enabled) || enabled;

    private static void MapEndpoints(WebApplication app)
    {
        var metrics = app.Services.GetRequiredService<WorkerMetrics>();
        var queue = app.Services.GetRequiredService<IEventQueue>();
        var connectors = app.Services.GetRequiredService<CrmConnectorSet>();
        var routing = app.Services.GetRequiredService<IRoutingStore>();
        var context = app.Services.GetRequiredService<IRoutingContextSource>();
        metrics.Registry.AddBeforeCollectCallback(async ct =>
        {
            metrics.SetQueue(await queue.StatsAsync(ct));
            var rules = context.Current.Rules;
            metrics.SetOwners(rules, await routing.SnapshotAsync(rules, ct));
            foreach (var c in connectors.All)
            {
                metrics.SetBudget(c.Budget);
            }
        });

        app.MapPost("/webhooks/hubspot", (HttpContext context, [FromServices] HubSpotWebhookHandler handler) => handler.HandleAsync(context));
        app.MapPost("/webhooks/salesforce", (HttpContext context, [FromServices] SalesforceOutboundHandler handler) => handler.HandleAsync(context));
        app.MapGet("/healthz", () => Results.Text("ok\n", "text/plain; charset=utf-8"));
        app.MapGet("/readyz", async (HttpContext context, [FromServices] Readiness readiness) =>
        {
            var report = await readiness.CheckAsync(context.RequestAborted);
            var checks = report.Checks.ToDictionary(c => c.Name, c => new ReadinessCheckBody(c.Status, c.Detail), StringComparer.Ordinal);
            return Results.Json(new ReadinessBody(report.Status, checks), statusCode: report.HttpStatus);
        });
        app.MapMetrics("/metrics", metrics.Registry);
    }

    private sealed record ReadinessBody(string Status, IReadOnlyDictionary<string, ReadinessCheckBody> Checks);

    private sealed record ReadinessCheckBody(string Status, string? Detail);
}

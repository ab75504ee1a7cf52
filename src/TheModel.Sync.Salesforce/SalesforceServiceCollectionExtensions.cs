using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Refit;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Salesforce;
using TheModel.Sync.Salesforce.Api;
using TheModel.Sync.Salesforce.Auth;
using TheModel.Sync.Salesforce.Budget;
using TheModel.Sync.Salesforce.Polling;
using TheModel.Sync.Salesforce.Writing;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Salesforce connector.</summary>
public static class SalesforceServiceCollectionExtensions
{
    /// <summary>The configuration section <see cref="AddSalesforce(IServiceCollection, Action{SalesforceOptions})"/> names in its messages.</summary>
    public const string DefaultSectionName = "Salesforce";

    /// <summary>
    /// Adds the Salesforce <see cref="ICrmConnector"/>, bound to <paramref name="section"/> (e.g.
    /// <c>configuration.GetSection("Salesforce")</c>) and validated on start. Unknown keys in the section are errors.
    /// </summary>
    /// <remarks>
    /// The connector is registered as a singleton three ways: as an <see cref="ICrmConnector"/> among the others
    /// (enumerate and pick by <see cref="ICrmConnector.Crm"/>), keyed by <see cref="CrmKind.Salesforce"/>, and as
    /// the plain <see cref="ICrmConnector"/> when no other connector claimed that.
    /// </remarks>
    public static IServiceCollection AddSalesforce(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        services.AddOptions<SalesforceOptions>().Bind(section, binder => binder.ErrorOnUnknownConfiguration = true);
        var path = (section as IConfigurationSection)?.Path;
        return services.AddSalesforceServices(string.IsNullOrEmpty(path) ? DefaultSectionName : path);
    }

    /// <summary>Adds the Salesforce <see cref="ICrmConnector"/> configured in code (validated on start).</summary>
    public static IServiceCollection AddSalesforce(this IServiceCollection services, Action<SalesforceOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<SalesforceOptions>().Configure(configure);
        return services.AddSalesforceServices(DefaultSectionName);
    }

    private static IServiceCollection AddSalesforceServices(this IServiceCollection services, string sectionPath)
    {
        if (services.Any(d => d.ServiceType == typeof(SalesforceConnector)))
        {
            return services;
        }

        services.AddOptions<SalesforceOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SalesforceOptions>>(new SalesforceOptionsValidator(sectionPath)));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ICrmSchemaSource, DefaultCrmSchemaSource>();
        services.AddLogging();
        services.AddMetrics();

        services.AddSingleton<SalesforceTokenProvider>();
        services.AddSingleton<SalesforceApiBudget>();
        services.AddSingleton<SalesforceQueryRunner>();
        services.AddSingleton<SalesforceReader>();
        services.AddSingleton<SalesforcePeopleReader>();
        services.AddSingleton<SalesforceWriter>();
        services.AddSingleton<SalesforceConnector>();
        services.AddTransient<ApiBudgetGateHandler>();
        services.AddTransient<SalesforceSessionHandler>();
        services.AddTransient<ApiUsageObserverHandler>();

        AddTokenClient(services);
        AddDataClient(services);

        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICrmConnector, SalesforceConnector>(sp => sp.GetRequiredService<SalesforceConnector>()));
        services.TryAddKeyedSingleton<ICrmConnector>(CrmKind.Salesforce, (sp, _) => sp.GetRequiredService<SalesforceConnector>());
        return services;
    }

    /// <summary>
    /// Exceptions from the handler chain surface as thrown (a refused login, an <see cref="HttpRequestException"/>, a
    /// resilience timeout) instead of wrapped: callers tell them apart, and Refit's wrapper would carry the live request
    /// with its <c>Authorization</c> header.
    /// </summary>
    private static RefitSettings CreateRefitSettings() => new(new SystemTextJsonContentSerializer(SalesforceJson.Options))
    {
        TransportExceptionFactory = (_, exception, _) => exception,
    };

    /// <summary>The login host's token endpoint. A token request is safe to repeat, so every method is retried.</summary>
    private static void AddTokenClient(IServiceCollection services)
    {
        var token = services
            .AddRefitGeneratedClient<ISalesforceTokenApi>(_ => CreateRefitSettings())
            .ConfigureHttpClient((sp, client) =>
            {
                client.BaseAddress = new Uri(sp.GetRequiredService<IOptions<SalesforceOptions>>().Value.LoginUrl);
                client.Timeout = Timeout.InfiniteTimeSpan;
            });
        ConfigureLongLivedHandler(token);
        token.AddStandardResilienceHandler().Configure((resilience, sp) => ConfigureResilience(resilience, ReadOptions(sp), retryAnyMethod: true));
    }

    /// <summary>
    /// The REST client. Outermost to innermost: budget gate (may wait, so it sits outside every timeout), session
    /// (token, instance URL, one renewal on 401), the standard resilience pipeline, and the usage observer that sees
    /// each attempt's <c>Sforce-Limit-Info</c>.
    /// </summary>
    private static void AddDataClient(IServiceCollection services)
    {
        var data = services
            .AddRefitGeneratedClient<ISalesforceDataApi>(_ => CreateRefitSettings())
            .ConfigureHttpClient(client =>
            {
                client.BaseAddress = SalesforceSession.PlaceholderBaseAddress;

                // The resilience pipeline owns timeouts; a budget pause may legitimately last hours.
                client.Timeout = Timeout.InfiniteTimeSpan;
            });
        ConfigureLongLivedHandler(data);
        data.AddHttpMessageHandler<ApiBudgetGateHandler>()
            .AddHttpMessageHandler<SalesforceSessionHandler>()
            .AddStandardResilienceHandler()
            .Configure((resilience, sp) => ConfigureResilience(resilience, ReadOptions(sp), retryAnyMethod: false));
        data.AddHttpMessageHandler<ApiUsageObserverHandler>();
    }

    /// <summary>
    /// The settings the resilience pipelines are built from. When they are invalid the pipelines keep the library's
    /// defaults: startup validation already reports the bad values once, and this keeps it from reporting them again
    /// for every pipeline.
    /// </summary>
    private static SalesforceOptions ReadOptions(IServiceProvider services)
    {
        try
        {
            return services.GetRequiredService<IOptions<SalesforceOptions>>().Value;
        }
        catch (OptionsValidationException)
        {
            return new SalesforceOptions();
        }
    }

    /// <summary>
    /// The connector is a singleton holding its clients, so the handler chain lives for the process: connections are
    /// recycled by the primary handler instead of by the factory's handler rotation.
    /// </summary>
    private static void ConfigureLongLivedHandler(IHttpClientBuilder builder) =>
        builder
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                AutomaticDecompression = DecompressionMethods.All,
            });

    /// <summary>
    /// Timeouts: each attempt gets <see cref="SalesforceOptions.RequestTimeout"/> (default 60 s); the whole call,
    /// retries and back-off included, gets four attempts plus 30 s; the circuit breaker samples over twice the attempt
    /// timeout (its validator's minimum). Retries: the standard three, exponential with jitter, honouring
    /// <c>Retry-After</c>; on the data client a POST or PATCH is retried only when marked idempotent.
    /// </summary>
    internal static void ConfigureResilience(HttpStandardResilienceOptions resilience, SalesforceOptions options, bool retryAnyMethod)
    {
        resilience.AttemptTimeout.Timeout = options.RequestTimeout;
        resilience.TotalRequestTimeout.Timeout = (options.RequestTimeout * (resilience.Retry.MaxRetryAttempts + 1)) + TimeSpan.FromSeconds(30);
        var sampling = options.RequestTimeout * 2;
        if (resilience.CircuitBreaker.SamplingDuration < sampling)
        {
            resilience.CircuitBreaker.SamplingDuration = sampling;
        }

        resilience.Retry.ShouldRetryAfterHeader = true;
        if (retryAnyMethod)
        {
            return;
        }

        var isTransient = resilience.Retry.ShouldHandle;
        resilience.Retry.ShouldHandle = args =>
        {
            var request = args.Outcome.Result?.RequestMessage ?? args.Context.GetRequestMessage();
            return request is null || IsSafeToRepeat(request) ? isTransient(args) : PredicateResult.False();
        };
    }

    private static bool IsSafeToRepeat(HttpRequestMessage request) =>
        request.Method == HttpMethod.Get
        || request.Method == HttpMethod.Head
        || request.Method == HttpMethod.Options
        || request.Method == HttpMethod.Put
        || request.Method == HttpMethod.Delete
        || SalesforceRequestOptions.IsMarkedIdempotent(request);
}

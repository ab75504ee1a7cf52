using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Refit;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;
using TheModel.Sync.HubSpot;
using TheModel.Sync.HubSpot.Api;
using TheModel.Sync.HubSpot.Budget;
using TheModel.Sync.HubSpot.Http;
using TheModel.Sync.HubSpot.Polling;
using TheModel.Sync.HubSpot.Writing;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The HubSpot connector's one entry point.</summary>
public static class HubSpotServiceCollectionExtensions
{
    /// <summary>
    /// Registers the HubSpot connector with options bound from <paramref name="section"/> (validated on start), the
    /// Refit clients with their budget, resilience and auth handlers, and <see cref="ICrmConnector"/> — as one of the
    /// <c>IEnumerable&lt;ICrmConnector&gt;</c> (tell them apart by <see cref="ICrmConnector.Crm"/>) and as the keyed
    /// service <see cref="CrmKind.HubSpot"/>, so a worker can hold both CRMs. Calling it again adds nothing.
    /// </summary>
    public static IServiceCollection AddHubSpot(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        services.AddOptions<HubSpotOptions>().Bind(section);
        return services.AddHubSpotCore((section as IConfigurationSection)?.Path ?? "HubSpot");
    }

    /// <summary>Registers the HubSpot connector with options set in code; see <see cref="AddHubSpot(IServiceCollection, IConfiguration)"/>.</summary>
    public static IServiceCollection AddHubSpot(this IServiceCollection services, Action<HubSpotOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<HubSpotOptions>().Configure(configure);
        return services.AddHubSpotCore("HubSpot");
    }

    private static IServiceCollection AddHubSpotCore(this IServiceCollection services, string sectionPath)
    {
        if (services.Any(d => d.ServiceType == typeof(HubSpotConnector)))
        {
            return services;
        }

        services.AddOptions<HubSpotOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HubSpotOptions>>(new HubSpotOptionsValidator(sectionPath)));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ICrmSchemaSource, DefaultCrmSchemaSource>();
        services.AddMetrics();
        services.TryAddSingleton<HubSpotMetrics>();
        services.TryAddSingleton<HubSpotBudget>();
        services.TryAddTransient<HubSpotBudgetHandler>();
        services.TryAddTransient<HubSpotResponseObserver>();
        services.TryAddTransient<HubSpotAuthHandler>();

        services.AddHubSpotApi<IHubSpotObjectsApi>(options => new Uri(options.BaseUrl.TrimEnd('/') + options.ObjectsPath));
        services.AddHubSpotApi<IHubSpotOwnersApi>(options => new Uri(options.BaseUrl));
        services.AddHubSpotApi<IHubSpotAssociationsApi>(options => new Uri(options.BaseUrl));

        services.TryAddSingleton<HubSpotAssociationReader>();
        services.TryAddSingleton<HubSpotPoller>();
        services.TryAddSingleton<HubSpotReader>();
        services.TryAddSingleton<HubSpotWriter>();
        services.TryAddSingleton<HubSpotConnector>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICrmConnector, HubSpotConnector>(sp => sp.GetRequiredService<HubSpotConnector>()));
        services.TryAddKeyedSingleton<ICrmConnector>(CrmKind.HubSpot, (sp, _) => sp.GetRequiredService<HubSpotConnector>());
        return services;
    }

    /// <summary>
    /// One Refit client. Handlers, outermost first: the budget (waits for the limiters, outside every timeout), the
    /// standard resilience handler, the response observer (sees each attempt: headers, 429 shapes), the bearer token.
    /// </summary>
    private static void AddHubSpotApi<TApi>(this IServiceCollection services, Func<HubSpotOptions, Uri> baseAddress)
        where TApi : class
    {
        var settings = new RefitSettings(new SystemTextJsonContentSerializer(HubSpotJson.Options))
        {
            Buffered = true,
            MaxExceptionContentLength = 64 * 1024,
        };
        var client = services.AddRefitGeneratedClient<TApi>(settings)
            .ConfigureHttpClient((sp, http) =>
            {
                http.BaseAddress = baseAddress(sp.GetRequiredService<IOptions<HubSpotOptions>>().Value);

                // The resilience pipeline owns the timeouts.
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            .AddHttpMessageHandler<HubSpotBudgetHandler>();
        client.AddStandardResilienceHandler().Configure((resilience, sp) => ConfigureResilience(resilience, OptionsOrDefaults(sp)));
        client.AddHttpMessageHandler<HubSpotResponseObserver>()
            .AddHttpMessageHandler<HubSpotAuthHandler>();
    }

    /// <summary>
    /// The options, or the defaults while they are invalid: the start-up validation of <see cref="HubSpotOptions"/>
    /// reports that once, rather than once more for each client's resilience options.
    /// </summary>
    private static HubSpotOptions OptionsOrDefaults(IServiceProvider services)
    {
        try
        {
            return services.GetRequiredService<IOptions<HubSpotOptions>>().Value;
        }
        catch (OptionsValidationException)
        {
            return new HubSpotOptions();
        }
    }

    /// <summary>
    /// Timeouts: <c>RequestTimeout</c> per attempt; <c>WriteAttempts × (RequestTimeout + 10 s)</c> for the whole call,
    /// which leaves room for a ten-secondly 429's wait. Retries: transient failures only (5xx, 408, 429, no answer),
    /// GETs always, POSTs only when marked idempotent, waiting as long as <c>Retry-After</c> says.
    /// </summary>
    private static void ConfigureResilience(HttpStandardResilienceOptions resilience, HubSpotOptions options)
    {
        resilience.AttemptTimeout.Timeout = options.RequestTimeout;
        resilience.TotalRequestTimeout.Timeout = options.WriteAttempts * (options.RequestTimeout + HubSpotBudget.DefaultInterval);
        resilience.CircuitBreaker.SamplingDuration = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(30).Ticks, 2 * options.RequestTimeout.Ticks));
        resilience.Retry.MaxRetryAttempts = Math.Max(1, options.WriteAttempts - 1);
        resilience.Retry.ShouldRetryAfterHeader = true;
        var retries = options.WriteAttempts > 1;
        resilience.Retry.ShouldHandle = args =>
        {
            if (!retries || !HttpClientResiliencePredicates.IsTransient(args.Outcome))
            {
                return PredicateResult.False();
            }

            var request = args.Outcome.Result?.RequestMessage ?? args.Context.GetRequestMessage();
            return new ValueTask<bool>(request is not null && (request.Method == HttpMethod.Get || HubSpotCalls.Of(request).IsIdempotent()));
        };
    }
}

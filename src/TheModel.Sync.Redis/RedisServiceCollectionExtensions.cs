using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TheModel.Sync.Application.Pipeline;
using TheModel.Sync.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Redis state store.</summary>
public static class RedisServiceCollectionExtensions
{
    /// <summary>
    /// Adds one shared <see cref="IConnectionMultiplexer"/> (unless one is registered already) and the Redis
    /// implementation of every pipeline port: <see cref="IEventQueue"/>, <see cref="IPlanJournal"/>,
    /// <see cref="IWatermarkStore"/>, <see cref="ILeaseStore"/>, <see cref="IDueSchedule"/>, <see cref="IDecisionLog"/>,
    /// <see cref="IPersonMemory"/>, <see cref="IRoutingStore"/> and <see cref="IStoreHealth"/> (durable). They replace
    /// any registration of those ports made earlier (the in-process defaults).
    /// </summary>
    /// <exception cref="OptionsValidationException">Some option is invalid; the message lists every problem.</exception>
    public static IServiceCollection AddRedisStores(this IServiceCollection services, RedisStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        var validation = new RedisStoreOptionsValidator().Validate(Options.Options.DefaultName, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Options.Options.DefaultName, typeof(RedisStoreOptions), validation.Failures);
        }

        // A copy: the stores read the options once, so later changes to the caller's instance would not apply anyway.
        var frozen = options.Copy();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(ConnectionOptions(frozen.Configuration)));
        services.Replace(ServiceDescriptor.Singleton(frozen));

        services.Replace(ServiceDescriptor.Singleton<IEventQueue, RedisEventQueue>());
        services.Replace(ServiceDescriptor.Singleton<IPlanJournal, RedisPlanJournal>());
        services.Replace(ServiceDescriptor.Singleton<IWatermarkStore, RedisWatermarkStore>());
        services.Replace(ServiceDescriptor.Singleton<ILeaseStore, RedisLeaseStore>());
        services.Replace(ServiceDescriptor.Singleton<IDueSchedule, RedisDueSchedule>());
        services.Replace(ServiceDescriptor.Singleton<IDecisionLog, RedisDecisionLog>());
        services.Replace(ServiceDescriptor.Singleton<IPersonMemory, RedisPersonMemory>());
        services.Replace(ServiceDescriptor.Singleton<IRoutingStore, RedisRoutingStore>());
        services.Replace(ServiceDescriptor.Singleton<IStoreHealth, RedisStoreHealth>());
        services.Replace(ServiceDescriptor.Singleton<IRecordMarks, RedisRecordMarks>());
        return services;
    }

    internal static ConfigurationOptions ConnectionOptions(string configuration)
    {
        var parsed = ConfigurationOptions.Parse(configuration);

        // Start (and keep retrying in the background) while Redis is unreachable, unless the operator asked otherwise:
        // the health check reports it, and the webhooks answer 5xx until it is back.
        if (!configuration.Contains("abortConnect", StringComparison.OrdinalIgnoreCase))
        {
            parsed.AbortOnConnectFail = false;
        }

        parsed.ClientName ??= "themodel-sync";
        return parsed;
    }
}

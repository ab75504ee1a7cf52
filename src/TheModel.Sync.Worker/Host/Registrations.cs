using TheModel.Sync.Application.Pipeline;
using TheModel.Sync.Application.Pipeline.InProcess;
using TheModel.Sync.Redis;

namespace TheModel.Sync.Worker.Host;

/// <summary>Registers the CRM connectors (each an <c>ICrmConnector</c>) from the <c>Salesforce</c> and <c>HubSpot</c> sections.</summary>
internal static class CrmRegistration
{
    public static void Add(IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        // A CRM is connected when its section carries credentials; the connector validates the rest on start.
        var salesforce = configuration.GetSection("Salesforce");
        if (!string.IsNullOrWhiteSpace(salesforce["ClientId"]))
        {
            services.AddSalesforce(salesforce);
        }

        var hubspot = configuration.GetSection("HubSpot");
        if (!string.IsNullOrWhiteSpace(hubspot["AccessToken"]))
        {
            services.AddHubSpot(hubspot);
        }
    }
}

/// <summary>
/// Registers the state ports: the Redis stores when <c>Redis:Configuration</c> is set, else the in-process ones
/// (one instance, nothing survives a restart; the startup report warns about it).
/// </summary>
internal static class StoreRegistration
{
    public const string RedisKey = "Redis:Configuration";

    public static void Add(IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (!string.IsNullOrWhiteSpace(configuration[RedisKey]))
        {
            // The Redis section binds onto the store's options (Configuration, KeyPrefix, DedupeTtl, ...); AddRedisStores
            // validates them and replaces every port with its Redis implementation.
            var options = new RedisStoreOptions();
            configuration.GetSection("Redis").Bind(options);
            services.AddRedisStores(options);
            return;
        }

        AddInProcess(services);
    }

    /// <summary>
    /// The in-process queue and stores, each port resolved through the one instance, so a host can share a store
    /// with another host in the same process by registering its own <see cref="InProcessStores"/> instance.
    /// </summary>
    public static void AddInProcess(IServiceCollection services)
    {
        services.AddSingleton(sp => new InProcessEventQueue(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IEventQueue>(sp => sp.GetRequiredService<InProcessEventQueue>());
        services.AddSingleton(sp => new InProcessStores(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IPlanJournal>(sp => sp.GetRequiredService<InProcessStores>());
        services.AddSingleton<IWatermarkStore>(sp => sp.GetRequiredService<InProcessStores>());
        services.AddSingleton<ILeaseStore>(sp => sp.GetRequiredService<InProcessStores>());
        services.AddSingleton<IDueSchedule>(sp => sp.GetRequiredService<InProcessStores>());
        services.AddSingleton<IDecisionLog>(sp => sp.GetRequiredService<InProcessStores>());
        services.AddSingleton<IPersonMemory>(sp => sp.GetRequiredService<InProcessStores>());
        services.AddSingleton<IRoutingStore>(sp => sp.GetRequiredService<InProcessStores>());
        services.AddSingleton<IStoreHealth>(sp => sp.GetRequiredService<InProcessStores>());
        services.AddSingleton<IRecordMarks>(sp => sp.GetRequiredService<InProcessStores>());
    }
}

/// <summary>A setting or registration the host cannot start with; its message is the operator's whole answer.</summary>
internal sealed class WorkerSetupException(string message) : Exception(message);

using Microsoft.Extensions.Options;
using TheModel.Sync.Application.Pipeline;
using TheModel.Sync.Worker.Ingest;
using TheModel.Sync.Worker.Reload;

namespace TheModel.Sync.Worker.Host;

/// <summary>Says once, at start, what this instance runs with, and warns about what an operator should know.</summary>
internal sealed partial class StartupReport(
    ConfigFolder folder,
    RoutingConfigProvider config,
    InitialConfig initial,
    IStoreHealth store,
    CrmConnectorSet connectors,
    InstanceIdentity identity,
    IOptions<HubSpotWebhookOptions> hubSpot,
    IOptions<SalesforceOutboundOptions> salesforce,
    IOptions<WorkerOptions> worker,
    ILogger<StartupReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Log.Starting(logger, identity.Name, config.Status.Version, folder.Path);
        if (folder.IsEmbeddedSample)
        {
            Log.SampleConfig(logger, folder.Path);
        }

        foreach (var warning in initial.Warnings)
        {
            Log.ConfigWarning(logger, warning);
        }

        if (!store.IsDurable)
        {
            Log.NotDurable(logger, StoreRegistration.RedisKey);
        }

        if (connectors.All.Count == 0)
        {
            Log.NoConnectors(logger);
        }

        foreach (var c in connectors.All)
        {
            Log.Connector(logger, c.Crm.ToString());
        }

        Log.Webhooks(logger, hubSpot.Value.IsConfigured ? "accepted" : "off (HubSpot:ClientSecret not set)", salesforce.Value.IsConfigured ? "accepted" : "off (Salesforce:OrganizationId not set)");
        if (!worker.Value.SchedulesEnabled)
        {
            Log.SchedulesOff(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Instance {Instance} starting with config version {Version} from {Path}")]
        public static partial void Starting(ILogger logger, string instance, string version, string path);

        [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "No ./config folder and no --config: running on the sample config shipped with the executable, written to {Path}")]
        public static partial void SampleConfig(ILogger logger, string path);

        [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "State is held in this process ({Key} is not set): it is not durable, queued events and routing state are lost on restart, and only one instance may run")]
        public static partial void NotDurable(ILogger logger, string key);

        [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "No CRM connector is configured: events are queued but none can be decided or written")]
        public static partial void NoConnectors(ILogger logger);

        [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "CRM connector: {Crm}")]
        public static partial void Connector(ILogger logger, string crm);

        [LoggerMessage(EventId = 1006, Level = LogLevel.Information, Message = "Webhooks: HubSpot {HubSpot}; Salesforce Outbound Messages {Salesforce}")]
        public static partial void Webhooks(ILogger logger, string hubSpot, string salesforce);

        [LoggerMessage(EventId = 1008, Level = LogLevel.Warning, Message = "Config warning: {Warning}")]
        public static partial void ConfigWarning(ILogger logger, string warning);

        [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "Worker:SchedulesEnabled is false: no polls, sweeps or roster checks run in this instance")]
        public static partial void SchedulesOff(ILogger logger);
    }
}

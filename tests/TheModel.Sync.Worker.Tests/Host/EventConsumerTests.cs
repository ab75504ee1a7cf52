using Microsoft.Extensions.DependencyInjection;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Application.Pipeline;
using TheModel.Sync.Worker.Reload;
using TheModel.Sync.Worker.Host;
using static TheModel.Sync.Worker.Tests.Support.WorkerTestHost;

namespace TheModel.Sync.Worker.Tests.Host;

public sealed class EventConsumerTests
{
    [Fact]
    public async Task Consumer_WriteFailsOnce_EntryLeftUnacknowledgedThenReclaimedAndWritten()
    {
        await using var host = await StartAsync();
        host.AddJapaneseLead("101");
        host.HubSpot.FailNextWrites(1);

        using var posted = await host.PostHubSpotAsync($"[{HubSpotEvent(1, "contact.creation", 101, host.Time.GetUtcNow().ToUnixTimeMilliseconds())}]");
        await EventuallyAsync(async () => await host.MetricAsync("themodel_events_processed_total{crm=\"hubspot\",result=\"retry\"}") == 1, "the failed first attempt");
        Assert.Equal(1, (await host.Service<IEventQueue>().StatsAsync(default)).Unacknowledged);
        Assert.Null(host.HubSpot.Field("101", "hubspot_owner_id"));

        // Past the reclaim idle time, the consumer takes the entry over and the replay writes the journaled plan.
        host.Time.Advance(TimeSpan.FromSeconds(61));
        await EventuallyAsync(() => host.HubSpot.Field("101", "hubspot_owner_id") == "41234567", "the reclaimed event written");

        Assert.Equal(1, host.HubSpot.OwnerChangeCount);
        await EventuallyAsync(async () => (await host.Service<IEventQueue>().StatsAsync(default)).Unacknowledged == 0, "the acknowledgement");
    }

    [Fact]
    public async Task Consumer_ConsumerName_CarriesMachineAndProcess()
    {
        await using var host = await StartAsync();

        var name = host.Service<EventConsumer>().ConsumerName;

        Assert.StartsWith($"{Environment.MachineName}-{Environment.ProcessId}-", name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Consumer_PersonNotInTheCrm_AcknowledgedAsIgnored()
    {
        await using var host = await StartAsync();

        using var posted = await host.PostHubSpotAsync($"[{HubSpotEvent(1, "contact.deletion", 999, host.Time.GetUtcNow().ToUnixTimeMilliseconds())}]");

        await EventuallyAsync(async () => await host.MetricAsync("themodel_events_processed_total{crm=\"hubspot\",result=\"ignored\"}") == 1, "the event ignored");
        Assert.Equal(0, (await host.Service<IEventQueue>().StatsAsync(default)).Unacknowledged);
    }

    [Fact]
    public async Task Stop_BatchInHand_FinishedAndAcknowledgedBeforeTheHostStops()
    {
        await using var host = await StartAsync();
        host.AddJapaneseLead("101");
        host.HubSpot.WriteGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var posted = await host.PostHubSpotAsync($"[{HubSpotEvent(1, "contact.creation", 101, host.Time.GetUtcNow().ToUnixTimeMilliseconds())}]");
        await host.HubSpot.WriteStarted.Task.WaitAsync(TimeSpan.FromSeconds(15));

        var stopping = host.StopAsync();
        Assert.False(stopping.IsCompleted);
        host.HubSpot.WriteGate.SetResult();
        await stopping.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal("41234567", host.HubSpot.Field("101", "hubspot_owner_id"));
        var stats = await host.Service<IEventQueue>().StatsAsync(default);
        Assert.Equal((0, 0), (stats.Pending, stats.Unacknowledged));
    }

    [Fact]
    public async Task Stop_ShutdownTimeoutRunsOut_BatchLeftUnacknowledgedForReclaim()
    {
        await using var host = await StartAsync();
        host.AddJapaneseLead("101");
        host.HubSpot.WriteGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var posted = await host.PostHubSpotAsync($"[{HubSpotEvent(1, "contact.creation", 101, host.Time.GetUtcNow().ToUnixTimeMilliseconds())}]");
        await host.HubSpot.WriteStarted.Task.WaitAsync(TimeSpan.FromSeconds(15));

        // A stop whose time is already up: the consumer gives up the batch instead of holding the process.
        await host.Service<EventConsumer>().StopAsync(new CancellationToken(canceled: true)).WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Null(host.HubSpot.Field("101", "hubspot_owner_id"));
        Assert.Equal(1, (await host.Service<IEventQueue>().StatsAsync(default)).Unacknowledged);
    }

    [Fact]
    public async Task Consumer_BatchDone_ObserversToldTheDecisions()
    {
        var observer = new RecordingObserver();
        await using var host = await StartAsync(s => s.Services = services => services.AddSingleton<IBatchObserver>(observer));
        host.AddJapaneseLead("101");

        using var posted = await host.PostHubSpotAsync($"[{HubSpotEvent(1, "contact.creation", 101, host.Time.GetUtcNow().ToUnixTimeMilliseconds())}]");

        await EventuallyAsync(() => observer.Decisions.Count == 1, "the observer told");
        Assert.Equal("inbound-mql-jp", observer.Decisions.Single().Decision.Rule);
    }

    [Fact]
    public async Task Build_ConnectorRegistersDefaultSchemas_TheConfigsSchemaSourceWins()
    {
        await using var host = await StartAsync(s => s.Services = services => services.AddSingleton<ICrmSchemaSource, DefaultCrmSchemaSource>());

        Assert.IsType<RoutingConfigProvider>(host.Service<ICrmSchemaSource>());
    }

    private sealed class RecordingObserver : IBatchObserver
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<ProcessedDecision> _decisions = new();

        public IReadOnlyCollection<ProcessedDecision> Decisions => _decisions;

        public void OnBatch(IReadOnlyList<QueuedEvent> batch, BatchResult result)
        {
            foreach (var d in result.Decisions)
            {
                _decisions.Enqueue(d);
            }
        }
    }
}

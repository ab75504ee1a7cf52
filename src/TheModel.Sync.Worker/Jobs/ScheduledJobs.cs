using Microsoft.Extensions.Options;
using Quartz;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Worker.Host;
using TheModel.Sync.Worker.Operations;

namespace TheModel.Sync.Worker.Jobs;

/// <summary>
/// The Quartz side of the periodic work: triggers in every instance, thin jobs that call the pollers, the sweeper
/// and the roster check (which decide through leases and claims who actually does the work). A failure is logged and
/// counted per CRM; the next run tries again.
/// </summary>
internal static class ScheduledJobs
{
    public static IServiceCollection AddWorkerSchedules(this IServiceCollection services, InstanceIdentity identity)
    {
        services.AddQuartz(q =>
        {
            // Scheduler names are unique per process: two hosts in one process (tests, a sandbox) need their own.
            q.ConfigureScheduler(s => s.InstanceName = "themodel-sync-" + identity.Name);
            Schedule<PersonPollJob>(q, "poll-person", o => o.PollInterval);
            Schedule<AccountPollJob>(q, "poll-account", o => o.CatalogPollInterval);
            Schedule<OpportunityPollJob>(q, "poll-opportunity", o => o.CatalogPollInterval);
            Schedule<DueSweepJob>(q, "due-sweep", o => o.SweepInterval);
            Schedule<RosterRefreshJob>(q, "roster-refresh", o => o.RosterRefreshInterval);
        });
        services.AddQuartzHostedService(o =>
        {
            o.WaitForJobsToComplete = true;
            o.AwaitApplicationStarted = true;
        });
        return services;
    }

    private static void Schedule<TJob>(IQuartzBuilder q, string name, Func<WorkerOptions, TimeSpan> interval)
        where TJob : class, IJob =>
        q.ScheduleJob<TJob>(
            (sp, trigger) => trigger
                .WithIdentity(name)
                .StartNow()
                .WithSimpleSchedule(interval(sp.GetRequiredService<IOptions<WorkerOptions>>().Value)),
            (_, job) => job.WithIdentity(name).DisallowConcurrentExecution());
}

/// <summary>Runs a piece of work for every configured CRM, each failure contained to its CRM.</summary>
internal abstract partial class PerCrmJob(CrmConnectorSet connectors, WorkerMetrics metrics, ILogger logger) : IJob
{
    protected abstract string Name { get; }

    protected WorkerMetrics Metrics => metrics;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        await RunPerCrmAsync(cancellationToken);
        await AfterAllCrmsAsync(cancellationToken);
    }

    /// <summary>Work after every CRM had its turn (a failure there is for the override to contain).</summary>
    protected virtual Task AfterAllCrmsAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task RunPerCrmAsync(CancellationToken cancellationToken)
    {
        foreach (var connector in connectors.All)
        {
            try
            {
                var did = await RunAsync(connector.Crm, cancellationToken);
                metrics.JobRuns.WithLabels(Name, did ? "ok" : "skipped").Inc();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                metrics.JobRuns.WithLabels(Name, "error").Inc();
                Log.Failed(logger, Name, connector.Crm.ToString(), ex);
            }
        }
    }

    /// <summary>True when this instance did the work, false when another holds it.</summary>
    protected abstract Task<bool> RunAsync(Core.Model.CrmKind crm, CancellationToken cancellationToken);

    private static partial class Log
    {
        [LoggerMessage(EventId = 5301, Level = LogLevel.Error, Message = "Job {Job} failed for {Crm}")]
        public static partial void Failed(ILogger logger, string job, string crm, Exception exception);
    }
}

internal abstract class PollJob(CrmObject obj, CrmPoller poller, CrmConnectorSet connectors, WorkerMetrics metrics, ILogger logger)
    : PerCrmJob(connectors, metrics, logger)
{
    protected override string Name => "poll-" + WorkerMetrics.Label(obj);

    protected override async Task<bool> RunAsync(Core.Model.CrmKind crm, CancellationToken cancellationToken) =>
        (await poller.PollAsync(crm, obj, cancellationToken)).Outcome == PollOutcome.Polled;
}

internal sealed class PersonPollJob(CrmPoller poller, CrmConnectorSet connectors, WorkerMetrics metrics, ILogger<PersonPollJob> logger)
    : PollJob(CrmObject.Person, poller, connectors, metrics, logger);

internal sealed class AccountPollJob(CrmPoller poller, CrmConnectorSet connectors, WorkerMetrics metrics, ILogger<AccountPollJob> logger)
    : PollJob(CrmObject.Account, poller, connectors, metrics, logger);

internal sealed class OpportunityPollJob(CrmPoller poller, CrmConnectorSet connectors, WorkerMetrics metrics, ILogger<OpportunityPollJob> logger)
    : PollJob(CrmObject.Opportunity, poller, connectors, metrics, logger);

/// <summary>The roster refresh: each CRM's ids checked (a failure contained to its CRM), then the open counts read.</summary>
internal sealed partial class RosterRefreshJob(RosterChecker roster, CrmConnectorSet connectors, WorkerMetrics metrics, ILogger<RosterRefreshJob> logger)
    : PerCrmJob(connectors, metrics, logger)
{
    private const string OpenCountsJob = "roster-open";

    private readonly ILogger _logger = logger;

    protected override string Name => "roster-refresh";

    protected override async Task AfterAllCrmsAsync(CancellationToken cancellationToken)
    {
        try
        {
            var refresh = await roster.RefreshOpenCountsAsync(cancellationToken);
            Metrics.JobRuns.WithLabels(OpenCountsJob, refresh is null ? "skipped" : refresh.Applied ? "ok" : "error").Inc();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Metrics.JobRuns.WithLabels(OpenCountsJob, "error").Inc();
            Log.OpenCountsFailed(_logger, ex);
        }
    }

    protected override async Task<bool> RunAsync(Core.Model.CrmKind crm, CancellationToken cancellationToken) =>
        await roster.CheckAsync(crm, cancellationToken) is not null;

    private static partial class Log
    {
        [LoggerMessage(EventId = 5303, Level = LogLevel.Error, Message = "Roster refresh of the open counts failed")]
        public static partial void OpenCountsFailed(ILogger logger, Exception exception);
    }
}

/// <summary>Sweeps both due kinds; not per CRM (the items name their CRM).</summary>
internal sealed partial class DueSweepJob(DueSweeper sweeper, WorkerMetrics metrics, ILogger<DueSweepJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await sweeper.SweepAsync(cancellationToken);
            metrics.JobRuns.WithLabels("due-sweep", "ok").Inc();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            metrics.JobRuns.WithLabels("due-sweep", "error").Inc();
            Log.Failed(logger, ex);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5302, Level = LogLevel.Error, Message = "Due sweep failed")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}

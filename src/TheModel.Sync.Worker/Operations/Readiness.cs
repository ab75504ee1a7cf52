using TheModel.Sync.Application.Pipeline;
using TheModel.Sync.Worker.Host;
using TheModel.Sync.Worker.Reload;

namespace TheModel.Sync.Worker.Operations;

/// <summary>One check of <c>/readyz</c>: <c>ok</c>, <c>degraded</c> (working, with something to fix) or <c>failed</c>.</summary>
internal sealed record ReadinessCheck(string Name, string Status, string? Detail);

/// <summary>The <c>/readyz</c> answer: the overall status and each check by name.</summary>
internal sealed record ReadinessReport(string Status, IReadOnlyList<ReadinessCheck> Checks)
{
    /// <summary>
    /// 200 while the instance can take and route events (a degraded config still routes on the last good one, so
    /// taking instances out of rotation for it would stop ingest on every replica at once); 503 when it cannot.
    /// </summary>
    public int HttpStatus => Status == Failed ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;

    public const string Ok = "ok";
    public const string Degraded = "degraded";
    public const string Failed = "failed";
}

/// <summary>
/// Whether this instance is ready: the config is loaded (degraded after a failed reload), the state store answers,
/// and no CRM connector's last call was refused for its credentials.
/// </summary>
internal sealed class Readiness(RoutingConfigProvider config, IStoreHealth store, CrmConnectorSet connectors)
{
    private static readonly TimeSpan StoreTimeout = TimeSpan.FromSeconds(2);

    public async Task<ReadinessReport> CheckAsync(CancellationToken cancellationToken)
    {
        var checks = new List<ReadinessCheck>();
        var status = config.Status;
        checks.Add(status.Degraded
            ? new ReadinessCheck("config", ReadinessReport.Degraded,
                $"the reload at {status.FailedAt:O} failed with {status.LastErrors.Count} error(s), still routing on version {status.Version}: {string.Join(" | ", status.LastErrors.Take(5))}")
            : new ReadinessCheck("config", ReadinessReport.Ok, $"version {status.Version} from {status.Path}"));

        string? storeProblem;
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(StoreTimeout);
            storeProblem = await store.CheckAsync(cts.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            storeProblem = ex is OperationCanceledException ? $"no answer within {DurationText.Format(StoreTimeout)}" : ex.Message;
        }

        checks.Add(storeProblem is null
            ? new ReadinessCheck("store", ReadinessReport.Ok, store.IsDurable ? "durable" : "in-process (not durable; one instance only)")
            : new ReadinessCheck("store", ReadinessReport.Failed, storeProblem));

        foreach (var c in connectors.All)
        {
            var name = "crm:" + WorkerMetrics.Label(c.Crm);
            checks.Add(c.AuthFailure is { } failure
                ? new ReadinessCheck(name, ReadinessReport.Failed, failure)
                : new ReadinessCheck(name, ReadinessReport.Ok, null));
        }

        var overall = checks.Any(c => c.Status == ReadinessReport.Failed) ? ReadinessReport.Failed
            : checks.Any(c => c.Status == ReadinessReport.Degraded) ? ReadinessReport.Degraded
            : ReadinessReport.Ok;
        return new ReadinessReport(overall, checks);
    }
}

using System.Net;
using System.Security.Authentication;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Worker.Operations;

namespace TheModel.Sync.Worker.Host;

/// <summary>
/// The configured CRM connectors, each wrapped to count its operations and write results and to remember whether
/// its last call failed authentication (for <c>/readyz</c>). Everything in the worker reaches the CRMs through here.
/// </summary>
internal sealed class CrmConnectorSet
{
    public CrmConnectorSet(IEnumerable<ICrmConnector> connectors, WorkerMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(connectors);
        var all = new List<MeteredCrmConnector>();
        foreach (var c in connectors)
        {
            if (all.Exists(a => a.Crm == c.Crm))
            {
                throw new WorkerSetupException($"two {c.Crm} connectors are registered; register one per CRM");
            }

            all.Add(new MeteredCrmConnector(c, metrics));
        }

        All = all;
    }

    public IReadOnlyList<MeteredCrmConnector> All { get; }

    public MeteredCrmConnector? Find(CrmKind crm) => All.FirstOrDefault(c => c.Crm == crm);
}

/// <summary>An <see cref="ICrmConnector"/> that counts what passes through it; behaviour is the inner connector's.</summary>
internal sealed class MeteredCrmConnector : ICrmConnector
{
    private readonly ICrmConnector _inner;
    private readonly WorkerMetrics _metrics;
    private readonly string _label;
    private volatile string? _authFailure;

    public MeteredCrmConnector(ICrmConnector inner, WorkerMetrics metrics)
    {
        _inner = inner;
        _metrics = metrics;
        _label = WorkerMetrics.Label(inner.Crm);
    }

    public CrmKind Crm => _inner.Crm;

    public ApiBudgetSnapshot Budget => _inner.Budget;

    /// <summary>Why the last call was refused for credentials, or null when it was not (or no call was made yet).</summary>
    public string? AuthFailure => _authFailure;

    public Task<PollResult> PollAsync(CrmObject obj, Watermark since, int maxRecords, CancellationToken cancellationToken) =>
        CallAsync("poll", () => _inner.PollAsync(obj, since, maxRecords, cancellationToken));

    public Task<IReadOnlyList<CrmRecord>> ReadAsync(CrmObject obj, IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        CallAsync("read", () => _inner.ReadAsync(obj, ids, cancellationToken));

    public async Task<IReadOnlyList<WriteOutcome>> WriteAsync(WritePlan plan, CancellationToken cancellationToken)
    {
        var outcomes = await CallAsync("write", () => _inner.WriteAsync(plan, cancellationToken));
        foreach (var o in outcomes)
        {
            _metrics.Writes.WithLabels(_label, WorkerMetrics.Label(o.Status)).Inc();
        }

        return outcomes;
    }

    public Task<IReadOnlyList<CrmOwner>> ReadOwnersAsync(CancellationToken cancellationToken) =>
        CallAsync("owners", () => _inner.ReadOwnersAsync(cancellationToken));

    public Task<IReadOnlyList<CrmRecord>> ReadOwnedAsync(IReadOnlyCollection<string> ownerIds, StageFilter? stages, CancellationToken cancellationToken) =>
        CallAsync("owned", () => _inner.ReadOwnedAsync(ownerIds, stages, cancellationToken));

    public Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> ReadPeopleOfAsync(IReadOnlyList<PeopleOf> records, CancellationToken cancellationToken) =>
        CallAsync("people_of", () => _inner.ReadPeopleOfAsync(records, cancellationToken));

    /// <summary>
    /// Whether an exception means the CRM refused our credentials. Connectors report failures as exceptions; an
    /// HTTP 401, or an authentication or authorization exception, is taken as a credentials problem (a 403 is not:
    /// Salesforce answers 403 for a spent daily quota).
    /// </summary>
    internal static bool IsAuthFailure(Exception ex) => ex switch
    {
        HttpRequestException { StatusCode: HttpStatusCode.Unauthorized } => true,
        AuthenticationException or UnauthorizedAccessException => true,
        _ => ex.InnerException is { } inner && IsAuthFailure(inner),
    };

    private async Task<T> CallAsync<T>(string operation, Func<Task<T>> call)
    {
        try
        {
            var result = await call();
            _authFailure = null;
            _metrics.CrmCalls.WithLabels(_label, operation, "ok").Inc();
            return result;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var auth = IsAuthFailure(ex);
            _authFailure = auth ? $"{operation} was refused: {ex.Message}" : null;
            _metrics.CrmCalls.WithLabels(_label, operation, auth ? "auth_error" : "error").Inc();
            throw;
        }
    }
}

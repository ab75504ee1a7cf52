using Microsoft.Extensions.Options;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Worker.Host;
using TheModel.Sync.Worker.Operations;
using TheModel.Sync.Worker.Reload;

namespace TheModel.Sync.Worker.Jobs;

/// <summary>A roster entry whose CRM id cannot receive records.</summary>
internal sealed record RosterProblem(CrmKind Crm, string Who, string Problem);

/// <summary>
/// Reads each CRM's owners and reports the roster's members (active in the config) and queues whose id for that CRM
/// is missing, unknown to the CRM, or inactive there: records routed to them would fail or sit with nobody.
/// One instance at a time (a lease per CRM); the others would only repeat the same warnings.
/// </summary>
internal sealed partial class RosterChecker(
    CrmConnectorSet connectors,
    HeldLeases leases,
    RoutingConfigProvider config,
    IOptions<WorkerOptions> options,
    WorkerMetrics metrics,
    ILogger<RosterChecker> logger)
{
    private readonly WorkerOptions _options = options.Value;

    public static string LeaseName(CrmKind crm) => $"roster:{WorkerMetrics.Label(crm)}";

    /// <summary>Checks every configured CRM; null for a CRM another instance is checking.</summary>
    public async Task<IReadOnlyList<RosterProblem>?> CheckAsync(CrmKind crm, CancellationToken cancellationToken)
    {
        if (connectors.Find(crm) is not { } connector
            || !await leases.TryHoldAsync(LeaseName(crm), HeldLeases.TtlFor(_options.RosterRefreshInterval), cancellationToken))
        {
            return null;
        }

        var owners = await connector.ReadOwnersAsync(cancellationToken);
        var byId = new Dictionary<string, CrmOwner>(StringComparer.Ordinal);
        foreach (var o in owners)
        {
            byId[Canonical(crm, o.Id)] = o;
        }

        var rules = config.Current.Rules;
        var problems = new List<RosterProblem>();
        foreach (var member in rules.Members.Where(m => m.Active))
        {
            Check(crm, $"member '{member.Id}' (team {member.Team.Id})", crm == CrmKind.Salesforce ? member.SalesforceId : member.HubSpotId, byId, problems);
        }

        foreach (var queue in rules.Queues)
        {
            var id = crm == CrmKind.Salesforce ? queue.SalesforceId : queue.HubSpotId;
            if (id is not null)
            {
                Check(crm, $"queue '{queue.Key}'", id, byId, problems);
            }
        }

        foreach (var p in problems)
        {
            Log.Problem(logger, p.Crm.ToString(), p.Who, p.Problem);
        }

        metrics.RosterProblems.WithLabels(WorkerMetrics.Label(crm)).Set(problems.Count);
        Log.Checked(logger, crm.ToString(), owners.Count, problems.Count);
        return problems;
    }

    private static void Check(CrmKind crm, string who, string? id, Dictionary<string, CrmOwner> owners, List<RosterProblem> problems)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            problems.Add(new RosterProblem(crm, who, $"has no {crm} id"));
        }
        else if (!owners.TryGetValue(Canonical(crm, id), out var owner))
        {
            problems.Add(new RosterProblem(crm, who, $"{crm} id {id} is not a user or queue there"));
        }
        else if (!owner.Active)
        {
            problems.Add(new RosterProblem(crm, who, $"{crm} id {id} is inactive there"));
        }
    }

    private static string Canonical(CrmKind crm, string id) =>
        crm == CrmKind.Salesforce && SalesforceIds.TryCanonical(id, out var full) ? full : id;

    private static partial class Log
    {
        [LoggerMessage(EventId = 5201, Level = LogLevel.Warning, Message = "Roster check ({Crm}): {Who} {Problem}")]
        public static partial void Problem(ILogger logger, string crm, string who, string problem);

        [LoggerMessage(EventId = 5202, Level = LogLevel.Information, Message = "Roster checked against {Crm}: {Owners} owners, {Problems} problems")]
        public static partial void Checked(ILogger logger, string crm, int owners, int problems);
    }
}

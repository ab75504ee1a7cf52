using Microsoft.Extensions.Options;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Application.Pipeline;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Worker.Host;
using TheModel.Sync.Worker.Operations;
using TheModel.Sync.Worker.Reload;

namespace TheModel.Sync.Worker.Jobs;

/// <summary>A roster entry whose CRM id cannot receive records.</summary>
internal sealed record RosterProblem(CrmKind Crm, string Who, string Problem);

/// <summary>A member's open count before and after a roster refresh.</summary>
internal sealed record OpenCountChange(string Member, int Before, int After)
{
    public override string ToString() => $"{Member}: {Before} -> {After}";
}

/// <summary>
/// What one open-count refresh did: the counts it set (by member id) and those that changed, or, when a CRM could
/// not be read, which ones failed (nothing was set then).
/// </summary>
internal sealed record OpenCountRefresh(IReadOnlyDictionary<string, int> Counts, IReadOnlyList<OpenCountChange> Changes, IReadOnlyList<CrmKind> Failed)
{
    public bool Applied => Failed.Count == 0;
}

/// <summary>
/// Reads each CRM's owners and reports the roster's members (active in the config) and queues whose id for that CRM
/// is missing, unknown to the CRM, or inactive there: records routed to them would fail or sit with nobody.
/// One instance at a time (a lease per CRM); the others would only repeat the same warnings.
/// Then recounts the active members' open people from the CRMs (<see cref="RefreshOpenCountsAsync"/>): the routing
/// state's counts move only with the worker's own decisions, so people reassigned or closed by hand, or a fresh
/// in-process store after a restart, leave them wrong until this puts them right.
/// </summary>
internal sealed partial class RosterChecker(
    CrmConnectorSet connectors,
    HeldLeases leases,
    RoutingConfigProvider config,
    IRoutingStore routing,
    IOptions<WorkerOptions> options,
    WorkerMetrics metrics,
    ILogger<RosterChecker> logger)
{
    /// <summary>The lease of the open-count refresh: one instance reads the CRMs for everyone.</summary>
    public const string OpenCountsLeaseName = "roster:open";

    private readonly WorkerOptions _options = options.Value;

    public static string LeaseName(CrmKind crm) => $"roster:{WorkerMetrics.Label(crm)}";

    /// <summary>
    /// Counts every active member's people in its team's <c>works</c> stages in every configured CRM, sums the CRMs,
    /// and sets those counts in the routing state. Null when another instance holds the lease. When a CRM cannot be
    /// read, nothing is set (a member's count is the sum over both CRMs, and half a sum is worse than the old count);
    /// the next run tries again. A decision applied while the CRMs are being read may be counted twice or lost (its
    /// owner write may or may not show in the read); the CRMs cannot be read at one instant, and the next run corrects it.
    /// </summary>
    public async Task<OpenCountRefresh?> RefreshOpenCountsAsync(CancellationToken cancellationToken)
    {
        if (connectors.All.Count == 0
            || !await leases.TryHoldAsync(OpenCountsLeaseName, HeldLeases.TtlFor(_options.RosterRefreshInterval), cancellationToken))
        {
            return null;
        }

        var rules = config.Current.Rules;
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var failed = new List<CrmKind>();
        foreach (var connector in connectors.All)
        {
            try
            {
                foreach (var (member, open) in await OwnedCounter.CountAsync(connector, rules, cancellationToken))
                {
                    counts[member] = counts.GetValueOrDefault(member) + open;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                failed.Add(connector.Crm);
                Log.OpenCountReadFailed(logger, connector.Crm.ToString(), ex);
            }
        }

        if (failed.Count > 0)
        {
            Log.OpenCountsKept(logger, string.Join(", ", failed));
            return new OpenCountRefresh(new Dictionary<string, int>(), [], failed);
        }

        // Read out before the update: a snapshot of the in-process store is a view of the live state.
        var snapshot = await routing.SnapshotAsync(rules, cancellationToken);
        var before = rules.Members.Where(m => counts.ContainsKey(m.Id)).ToDictionary(m => m.Id, snapshot.OpenCount, StringComparer.Ordinal);
        await routing.SetOpenCountsAsync(rules, counts, cancellationToken);
        var changes = new List<OpenCountChange>();
        foreach (var member in rules.Members)
        {
            if (counts.TryGetValue(member.Id, out var after))
            {
                var was = before[member.Id];
                if (was != after)
                {
                    changes.Add(new OpenCountChange(member.Id, was, after));
                }

                metrics.OwnerOpen.WithLabels(member.Team.Id, member.Id).Set(after);
            }
        }

        if (changes.Count > 0)
        {
            Log.OpenCountsChanged(logger, counts.Count, changes.Count, string.Join(", ", changes));
        }
        else
        {
            Log.OpenCountsUnchanged(logger, counts.Count);
        }

        return new OpenCountRefresh(counts, changes, []);
    }

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

        [LoggerMessage(EventId = 5203, Level = LogLevel.Warning, Message = "Open counts: reading the members' people from {Crm} failed; the counts are kept and read again at the next roster refresh")]
        public static partial void OpenCountReadFailed(ILogger logger, string crm, Exception exception);

        [LoggerMessage(EventId = 5204, Level = LogLevel.Warning, Message = "Open counts not refreshed: {Crms} could not be read")]
        public static partial void OpenCountsKept(ILogger logger, string crms);

        [LoggerMessage(EventId = 5205, Level = LogLevel.Information, Message = "Open counts refreshed from the CRMs for {Members} members; {Changed} changed: {Changes}")]
        public static partial void OpenCountsChanged(ILogger logger, int members, int changed, string changes);

        [LoggerMessage(EventId = 5206, Level = LogLevel.Information, Message = "Open counts refreshed from the CRMs for {Members} members; none changed")]
        public static partial void OpenCountsUnchanged(ILogger logger, int members);
    }
}

using TheModel.Sync.Application.Crm;
using TheModel.Sync.Application.Pipeline;
using TheModel.Sync.Application.Simulation;
using TheModel.Sync.Config;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Worker.Reload;

/// <summary>
/// The accounts and opportunities the CRMs hold, as the catalog polls last saw them, for account matching and
/// closed-lost recycling. Accounts of both CRMs share one catalog (their ids cannot collide: 18-character Salesforce
/// ids, numeric HubSpot ids).
/// </summary>
internal sealed class CrmCatalog
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Account> _accounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Opportunity> _opportunities = new(StringComparer.Ordinal);

    public int AccountCount
    {
        get
        {
            lock (_gate)
            {
                return _accounts.Count;
            }
        }
    }

    public int OpportunityCount
    {
        get
        {
            lock (_gate)
            {
                return _opportunities.Count;
            }
        }
    }

    /// <summary>Adds or replaces accounts; true when any was given (polls return only records that changed).</summary>
    public bool Upsert(IReadOnlyCollection<Account> accounts)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        lock (_gate)
        {
            foreach (var a in accounts)
            {
                _accounts[a.Id] = a;
            }
        }

        return accounts.Count > 0;
    }

    public bool Upsert(IReadOnlyCollection<Opportunity> opportunities)
    {
        ArgumentNullException.ThrowIfNull(opportunities);
        lock (_gate)
        {
            foreach (var o in opportunities)
            {
                _opportunities[o.Id] = o;
            }
        }

        return opportunities.Count > 0;
    }

    public (IReadOnlyList<Account> Accounts, IReadOnlyList<Opportunity> Opportunities) Snapshot()
    {
        lock (_gate)
        {
            return ([.. _accounts.Values], [.. _opportunities.Values]);
        }
    }
}

/// <summary>Where the config stands: the version in use and, after a failed reload, every error of that reload.</summary>
internal sealed record ConfigStatus(string Version, string Path, DateTimeOffset AppliedAt, IReadOnlyList<string> LastErrors, DateTimeOffset? FailedAt)
{
    /// <summary>The last reload failed: the previous config is still in use.</summary>
    public bool Degraded => LastErrors.Count > 0;
}

/// <summary>
/// The config and account index decisions are made with, swapped whole (never edited in place) when a reload
/// succeeds or the account catalog changes, so an event in flight finishes on the context it started with.
/// Also the schema source connectors ask for field names.
/// </summary>
internal sealed class RoutingConfigProvider : IRoutingContextSource, ICrmSchemaSource
{
    private readonly Lock _gate = new();
    private readonly CrmCatalog _catalog;
    private readonly TimeProvider _time;
    private readonly string _path;
    private volatile Snapshot _snapshot;
    private volatile ConfigStatus _status;

    public RoutingConfigProvider(LoadedConfig initial, string path, CrmCatalog catalog, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(initial);
        _catalog = catalog;
        _time = time;
        _path = path;
        _snapshot = Build(initial);
        _status = new ConfigStatus(initial.Version, path, time.GetUtcNow(), [], null);
    }

    public RoutingContext Current => _snapshot.Context;

    public LoadedConfig Config => _snapshot.Config;

    public ConfigStatus Status => _status;

    public CrmSchema For(CrmKind crm) => crm == CrmKind.Salesforce ? _snapshot.Salesforce : _snapshot.HubSpot;

    /// <summary>Puts a validated config in use, with the current account catalog, and clears a degraded status.</summary>
    public void Apply(LoadedConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        lock (_gate)
        {
            _snapshot = Build(config);
            _status = new ConfigStatus(config.Version, _path, _time.GetUtcNow(), [], null);
        }
    }

    /// <summary>A reload failed: the config in use stays, and the status carries the errors until a reload succeeds.</summary>
    public void MarkFailed(IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        lock (_gate)
        {
            _status = _status with { LastErrors = errors.Count > 0 ? errors : ["the reload failed"], FailedAt = _time.GetUtcNow() };
        }
    }

    /// <summary>Rebuilds the account index after the catalog changed; the rules stay as they are.</summary>
    public void RefreshAccounts()
    {
        lock (_gate)
        {
            _snapshot = Build(_snapshot.Config);
        }
    }

    private Snapshot Build(LoadedConfig config)
    {
        var rules = config.Rules;
        var (accounts, opportunities) = _catalog.Snapshot();
        var lost = SimulationSession.LatestLostByAccount(opportunities);
        var engine = new DecisionEngine(rules, new AccountMatcher(rules, accounts), lost.Count == 0 ? null : a => lost.GetValueOrDefault(a.Id));
        return new Snapshot(config, new RoutingContext(rules, engine), CrmSchema.For(rules, CrmKind.Salesforce), CrmSchema.For(rules, CrmKind.HubSpot));
    }

    private sealed record Snapshot(LoadedConfig Config, RoutingContext Context, CrmSchema Salesforce, CrmSchema HubSpot);
}

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using TheModel.Sync.Simulators.Faults;

namespace TheModel.Sync.Simulators.HubSpot;

/// <summary>
/// A stateful, HubSpot-shaped CRM on an in-process HTTP server (127.0.0.1, a free port): contacts, companies, deals
/// and tasks with associations and owners, HubSpot's limits, error bodies and faults, and signed webhook
/// deliveries (crm-api-facts.md Part 2). Seed and inspect it directly; point a client at <see cref="BaseUrl"/>.
/// </summary>
public sealed class HubSpotSimulator : IAsyncDisposable
{
    private const string WebhookClientName = "hubspot-simulator-webhooks";

    private readonly HubSpotPortal _portal;
    private readonly HubSpotRateLimiter _limiter;
    private readonly HubSpotApiPipeline _pipeline;
    private readonly HubSpotWebhookDispatcher? _webhooks;
    private WebApplication? _app;
    private IHttpClientFactory? _httpClients;
    private Uri? _baseUrl;

    public HubSpotSimulator(HubSpotSimulatorOptions? options = null)
    {
        Options = options ?? new HubSpotSimulatorOptions();
        Options.Validate();
        Faults = new FaultPlan(Options.FaultSeed);
        _portal = new HubSpotPortal(Options.TimeProvider, new HubSpotPropertySchema(Options.AdditionalProperties), Options.FirstObjectId);
        _limiter = new HubSpotRateLimiter(Options.EffectiveBurstLimit, Options.EffectiveDailyLimit, Options.SearchPerSecond, Options.PortalTimeZone);
        _pipeline = new HubSpotApiPipeline(Options.TimeProvider, _limiter, Faults, Options.AccessTokens, Options.MaxLoggedRequests);
        if (Options.Webhooks is { } webhooks)
        {
            _webhooks = new HubSpotWebhookDispatcher(
                webhooks,
                Options.PortalId,
                Options.AppId,
                Options.TimeProvider,
                () => (_httpClients ?? throw new InvalidOperationException("The simulator has not started.")).CreateClient(WebhookClientName));
            _portal.Changes = _webhooks;
        }
    }

    public HubSpotSimulatorOptions Options { get; }

    /// <summary>Scripted and random faults for API requests; change it at any time.</summary>
    public FaultPlan Faults { get; }

    /// <summary>The server's root, such as <c>http://127.0.0.1:50123/</c>; the API paths hang off it.</summary>
    public Uri BaseUrl => _baseUrl ?? throw new InvalidOperationException("Call StartAsync before reading BaseUrl.");

    /// <summary>Every request received (the latest <see cref="HubSpotSimulatorOptions.MaxLoggedRequests"/>), oldest first.</summary>
    public IReadOnlyList<HubSpotLoggedRequest> Requests => _pipeline.Requests;

    public IReadOnlyList<HubSpotOwner> Owners => _portal.Owners();

    /// <summary>Every webhook request sent (the latest 10,000), oldest first.</summary>
    public IReadOnlyList<HubSpotWebhookDelivery> WebhookDeliveries => _webhooks?.Deliveries ?? [];

    public HubSpotCounters Counters
    {
        get
        {
            var api = _pipeline.Counters;
            var hooks = _webhooks?.Counters ?? default;
            return new HubSpotCounters(
                api.Calls,
                _limiter.CountedCalls,
                _limiter.DailyUsage(Options.TimeProvider.GetUtcNow()),
                api.RateLimited,
                api.Burst,
                api.Daily,
                api.Search,
                api.Unauthorized,
                hooks.Requests,
                hooks.Delivered,
                hooks.FailedAttempts,
                hooks.Retries,
                hooks.Duplicates,
                hooks.Abandoned);
        }
    }

    /// <summary>Binds 127.0.0.1 on a free port, starts serving and starts webhook delivery.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_app is not null)
        {
            throw new InvalidOperationException("The simulator is already started.");
        }

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.AddRoutingCore();
        builder.Services.AddHttpClient(WebhookClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        var app = builder.Build();
        MapEndpoints(app);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel reported no listening address.");
        _app = app;
        _httpClients = app.Services.GetRequiredService<IHttpClientFactory>();
        _baseUrl = new Uri(address.EndsWith('/') ? address : address + "/");
        _webhooks?.Start();
    }

    /// <summary>Creates an object as a user would in HubSpot's UI: any known property may be set (dates too, to back-date it); raises webhooks.</summary>
    /// <returns>The new object's id.</returns>
    public string Create(string objectType, IReadOnlyDictionary<string, string?> properties) => _portal.SeedCreate(objectType, properties);

    /// <summary>Changes an object as a user would in the UI: sets the properties, moves the modified dates to now, raises webhooks.</summary>
    public void Touch(string objectType, string id, IReadOnlyDictionary<string, string?> properties) => _portal.SeedTouch(objectType, id, properties);

    /// <summary>Archives (deletes) an object as a user would; raises <c>*.deletion</c> webhooks.</summary>
    public void Archive(string objectType, string id) => _portal.SeedArchive(objectType, id);

    /// <summary>Associates two live objects with a HUBSPOT_DEFINED type id (and its inverse), for example 204 task to contact.</summary>
    public void Associate(string fromType, string fromId, string toType, string toId, int typeId) =>
        _portal.SeedAssociate(fromType, fromId, toType, toId, typeId);

    /// <summary>Adds an owner; its <see cref="HubSpotOwner.Id"/> and <see cref="HubSpotOwner.UserId"/> are different numbers.</summary>
    public HubSpotOwner AddOwner(string? email, string? firstName, string? lastName, bool archived = false, IReadOnlyList<HubSpotTeam>? teams = null, string type = "PERSON") =>
        _portal.AddOwner(email, firstName, lastName, archived, teams, type);

    /// <summary>Adds an owner with a given id (a config's member or queue id), for seeding.</summary>
    public HubSpotOwner AddOwnerWithId(string id, string? email, string? firstName, string? lastName, bool archived = false, string type = "PERSON") =>
        _portal.AddOwner(email, firstName, lastName, archived, null, type, id);

    /// <summary>Deactivates (or reactivates) an owner.</summary>
    public HubSpotOwner SetOwnerArchived(string ownerId, bool archived) => _portal.SetOwnerArchived(ownerId, archived);

    /// <summary>The object with every property it holds, archived or not; null when the id was never used for that type.</summary>
    public HubSpotRecord? Get(string objectType, string id) => _portal.Get(objectType, id);

    /// <summary>Every object of a type, archived ones included, in id order.</summary>
    public IReadOnlyList<HubSpotRecord> All(string objectType) => _portal.All(objectType);

    /// <summary>The associations from an object (both directions are stored, each with its own type id).</summary>
    public IReadOnlyList<HubSpotAssociation> AssociationsOf(string objectType, string id) => _portal.AssociationsOf(objectType, id);

    /// <summary>Sets how many calls today's daily allocation has used (for example, to start a test near the limit).</summary>
    public void SetDailyUsage(long used) => _limiter.SetDailyUsage(used, Options.TimeProvider.GetUtcNow());

    /// <summary>Replaces the accepted bearer tokens (token rotation).</summary>
    public void SetAccessTokens(IEnumerable<string> tokens) => _pipeline.SetTokens(tokens);

    public void ClearRequests() => _pipeline.ClearRequests();

    /// <summary>Points webhook delivery at <paramref name="target"/>; events raised before this wait for it.</summary>
    public void SetWebhookTarget(Uri target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (!target.IsAbsoluteUri)
        {
            throw new ArgumentException($"The webhook target must be an absolute URL, was \"{target}\".", nameof(target));
        }

        (_webhooks ?? throw new InvalidOperationException("Webhooks are off: set HubSpotSimulatorOptions.Webhooks.")).Target = target;
    }

    /// <summary>
    /// Completes when every raised event has been delivered or given up on (nothing queued, in flight or waiting
    /// to retry). Throws <see cref="TimeoutException"/> after <paramref name="timeout"/> of wall-clock time.
    /// </summary>
    /// <summary>
    /// While true, changes raise no webhook events: seeding a portal's history should not look like a burst of new
    /// activity to the app (a real app subscribes after the data exists).
    /// </summary>
    public bool WebhooksMuted
    {
        get => _portal.Changes is null && _webhooks is not null;
        set => _portal.Changes = value ? null : _webhooks;
    }

    public Task WaitForWebhooksIdleAsync(TimeSpan timeout) => _webhooks?.WaitForIdleAsync(timeout) ?? Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_webhooks is not null)
        {
            await _webhooks.DisposeAsync().ConfigureAwait(false);
        }

        _pipeline.Shutdown();
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
            _app = null;
        }
    }

    private void MapEndpoints(IEndpointRouteBuilder app)
    {
        var objects = new HubSpotObjectsApi(_portal);
        var search = new HubSpotSearchApi(_portal, Options.SearchIndexDelay);
        var owners = new HubSpotOwnersApi(_portal);
        var associations = new HubSpotAssociationsApi(_portal);

        foreach (var prefix in Options.DateVersions.Select(v => $"/crm/objects/{v}").Prepend("/crm/v3/objects"))
        {
            Map(app, "GET", prefix + "/{type}", new(IsWrite: false, IsSearch: false, objects.List));
            Map(app, "POST", prefix + "/{type}", new(IsWrite: true, IsSearch: false, objects.Create));
            Map(app, "POST", prefix + "/{type}/search", new(IsWrite: false, IsSearch: true, search.Search));
            Map(app, "POST", prefix + "/{type}/batch/read", new(IsWrite: false, IsSearch: false, objects.BatchRead));
            Map(app, "POST", prefix + "/{type}/batch/create", new(IsWrite: true, IsSearch: false, objects.BatchCreate));
            Map(app, "POST", prefix + "/{type}/batch/update", new(IsWrite: true, IsSearch: false, objects.BatchUpdate));
            Map(app, "POST", prefix + "/{type}/batch/upsert", new(IsWrite: true, IsSearch: false, objects.BatchUpsert));
            Map(app, "POST", prefix + "/{type}/batch/archive", new(IsWrite: true, IsSearch: false, objects.BatchArchive));
            Map(app, "GET", prefix + "/{type}/{id}", new(IsWrite: false, IsSearch: false, objects.Read));
            Map(app, "PATCH", prefix + "/{type}/{id}", new(IsWrite: true, IsSearch: false, objects.Update));
            Map(app, "DELETE", prefix + "/{type}/{id}", new(IsWrite: true, IsSearch: false, objects.Archive));
        }

        foreach (var prefix in Options.DateVersions.Select(v => $"/crm/owners/{v}").Prepend("/crm/v3/owners"))
        {
            Map(app, "GET", prefix, new(IsWrite: false, IsSearch: false, owners.List));
            Map(app, "GET", prefix + "/{ownerId}", new(IsWrite: false, IsSearch: false, owners.Read));
        }

        Map(app, "PUT", "/crm/v4/objects/{fromType}/{fromId}/associations/default/{toType}/{toId}", new(IsWrite: true, IsSearch: false, associations.PutDefault));
        Map(app, "GET", "/crm/v4/objects/{fromType}/{fromId}/associations/{toType}", new(IsWrite: false, IsSearch: false, associations.List));
        Map(app, "POST", "/crm/v4/associations/{fromType}/{toType}/batch/read", new(IsWrite: false, IsSearch: false, associations.BatchRead));
        Map(app, "POST", "/crm/v4/associations/{fromType}/{toType}/batch/create", new(IsWrite: true, IsSearch: false, associations.BatchCreate));
        Map(app, "POST", "/crm/v4/associations/{fromType}/{toType}/batch/associate/default", new(IsWrite: true, IsSearch: false, associations.BatchDefault));

        app.MapFallback(_pipeline.HandleUnmatchedAsync);
    }

    private void Map(IEndpointRouteBuilder app, string method, string pattern, HubSpotOperation operation) =>
        app.MapMethods(pattern, [method], context => _pipeline.HandleAsync(context, pattern, operation));
}

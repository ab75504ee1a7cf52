using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;
using TheModel.Sync.HubSpot.Api;
using TheModel.Sync.HubSpot.Tests.Support;
using WireMock.RequestBuilders;

namespace TheModel.Sync.HubSpot.Tests;

/// <remarks>Builds the container the way the worker does: ServiceCollection, configuration from a dictionary, AddHubSpot.</remarks>
public sealed class HubSpotServiceCollectionTests
{
    [Fact]
    public async Task AddHubSpot_FromConfiguration_OffersTheConnectorAmongAllConnectorsAndKeyedByCrm()
    {
        await using var host = HubSpotTestHost.Start();

        var all = host.Services.GetServices<ICrmConnector>().ToList();
        var keyed = host.Services.GetRequiredKeyedService<ICrmConnector>(CrmKind.HubSpot);

        var connector = Assert.Single(all);
        Assert.Same(connector, keyed);
        Assert.Equal(CrmKind.HubSpot, connector.Crm);
        Assert.Equal(new ApiBudgetSnapshot(CrmKind.HubSpot, 0, 0, null, 62_500, false, null), connector.Budget);
    }

    [Fact]
    public async Task AddHubSpot_CalledTwice_RegistersOneConnectorAndOneHandlerChain()
    {
        await using var server = WireMockServerOn127();
        server.Given(Request.Create().WithPath("/crm/v3/owners").UsingGet()).RespondWith(Replies.JsonResponse(200, """{"results":[]}"""));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["HubSpot:BaseUrl"] = server.Url,
            ["HubSpot:AccessToken"] = HubSpotTestHost.Token,
        }).Build().GetSection("HubSpot");
        var services = new ServiceCollection().AddLogging();
        services.AddHubSpot(configuration);
        services.AddHubSpot(configuration);
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<ICrmConnector>().ReadOwnersAsync(CancellationToken.None);

        Assert.Single(provider.GetServices<ICrmConnector>());
        Assert.Equal(2, server.LogEntries.Count());
        Assert.All(server.LogEntries, e => Assert.Equal("Bearer " + HubSpotTestHost.Token, e.RequestMessage!.Headers!["Authorization"].Single()));
        Assert.Equal(2, provider.GetRequiredService<ICrmConnector>().Budget.CallsMade);
    }

    [Fact]
    public async Task AddHubSpot_ActionOverloadWithADateVersionedObjectsPath_SendsObjectCallsUnderIt()
    {
        await using var server = WireMockServerOn127();
        server.Given(Request.Create().WithPath("/crm/objects/2026-03/contacts/batch/read").UsingPost())
            .RespondWith(Replies.JsonResponse(200, Replies.Batch([Replies.Object("512")])));
        var services = new ServiceCollection().AddLogging();
        services.AddHubSpot(options =>
        {
            options.BaseUrl = server.Url!;
            options.AccessToken = HubSpotTestHost.Token;
            options.ObjectsPath = "/crm/objects/2026-03";
        });
        await using var provider = services.BuildServiceProvider();

        var records = await provider.GetRequiredService<ICrmConnector>().ReadAsync(CrmObject.Person, ["512"], CancellationToken.None);

        Assert.Equal("512", Assert.Single(records).Id);
        Assert.Equal("/crm/objects/2026-03/contacts/batch/read", Assert.Single(server.LogEntries).RequestMessage!.Path);
    }

    [Fact]
    public async Task AssociationsApi_BatchCreate_SendsTheV4Shape()
    {
        await using var host = HubSpotTestHost.Start();
        host.Server.Given(Request.Create().WithPath("/crm/v4/associations/tasks/contacts/batch/create").UsingPost())
            .RespondWith(Replies.JsonResponse(201, Replies.Batch([])));
        var api = host.Services.GetRequiredService<IHubSpotAssociationsApi>();
        var request = new AssociationBatchRequest([new AssociationCreateInput(new AssociationTarget("5001"), new AssociationTarget("512"), [new AssociationSpec("HUBSPOT_DEFINED", 204)])]);

        await host.RunAsync((_, ct) => api.BatchCreateAsync("tasks", "contacts", request, HubSpotCall.IdempotentWrite, ct));

        var sent = Assert.Single(host.Requests());
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"inputs":[{"from":{"id":"5001"},"to":{"id":"512"},"types":[{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":204}]}]}"""),
            HubSpotTestHost.Body(sent)));
        Assert.Equal("Bearer " + HubSpotTestHost.Token, sent.RequestMessage!.Headers!["Authorization"].Single());
    }

    private static DisposableServer WireMockServerOn127() => new();

    private sealed class DisposableServer : IAsyncDisposable
    {
        private readonly WireMock.Server.WireMockServer _server =
            WireMock.Server.WireMockServer.Start(new WireMock.Settings.WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });

        public string? Url => _server.Url;

        public IEnumerable<WireMock.Logging.ILogEntry> LogEntries => _server.LogEntries;

        public WireMock.Server.IRespondWithAProvider Given(WireMock.Matchers.Request.IRequestMatcher matcher) => _server.Given(matcher);

        public ValueTask DisposeAsync()
        {
            _server.Stop();
            _server.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

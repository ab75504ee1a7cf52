using System.Globalization;
using System.Text.Json.Nodes;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;
using TheModel.Sync.HubSpot.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace TheModel.Sync.HubSpot.Tests.Polling;

public sealed class HubSpotReaderTests
{
    [Fact]
    public async Task ReadAsync_250DistinctIds_ReadsThemInBatchesOf100WithTheSchemaProperties()
    {
        await using var host = HubSpotTestHost.Start();
        host.Server.Given(Request.Create().WithPath("/crm/v3/objects/deals/batch/read").UsingPost()).RespondWith(Response.Create().WithCallback(request =>
        {
            var ids = JsonNode.Parse(request.Body!)!["inputs"]!.AsArray().Select(i => (string)i!["id"]!).ToList();
            return Replies.Json(200, Replies.Batch(ids.Select(id => Replies.Object(id, ("dealstage", "qualifiedtobuy"), ("hs_lastmodifieddate", "2026-11-02T09:30:12.345Z")))));
        }));
        // Even deals have two companies (the primary one is the higher id), odd ones none.
        host.Server.Given(Request.Create().WithPath("/crm/v4/associations/deals/companies/batch/read").UsingPost()).RespondWith(Response.Create().WithCallback(request =>
            Replies.DealCompanies(
                request,
                id => long.Parse(id, CultureInfo.InvariantCulture) % 2 == 0 ? [7000, 8000 + long.Parse(id, CultureInfo.InvariantCulture)] : [],
                id => 8000 + long.Parse(id, CultureInfo.InvariantCulture))));
        var ids = Enumerable.Range(1, 250).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();

        var records = await host.RunAsync((c, ct) => c.ReadAsync(CrmObject.Opportunity, [.. ids, "1", "2"], ct));

        Assert.Equal(ids, records.Select(r => r.Id));
        Assert.Equal("qualifiedtobuy", records[0]["dealstage"]);
        Assert.Equal(DateTimeOffset.Parse("2026-11-02T09:30:12.345Z", CultureInfo.InvariantCulture), records[0].ModifiedAt);
        Assert.Null(records[0][CrmSchema.HubSpotDealCompanyField]);
        Assert.True(records[0].Fields.ContainsKey(CrmSchema.HubSpotDealCompanyField));
        Assert.Equal("8002", records[1][CrmSchema.HubSpotDealCompanyField]);
        var requests = host.Requests("/crm/v3/objects/deals/batch/read");
        Assert.Equal([100, 100, 50], requests.Select(r => HubSpotTestHost.Body(r)["inputs"]!.AsArray().Count));
        var first = HubSpotTestHost.Body(requests[0]);
        Assert.True(JsonNode.DeepEquals(
            new JsonArray([.. CrmSchema.Default(CrmKind.HubSpot).ReadFields(CrmObject.Opportunity).Where(f => f != CrmSchema.HubSpotDealCompanyField).Select(f => (JsonNode)f)]),
            first["properties"]));
        Assert.DoesNotContain(CrmSchema.HubSpotDealCompanyField, requests[0].RequestMessage!.Body, StringComparison.Ordinal);
        Assert.Equal("""{"id":"1"}""", first["inputs"]![0]!.ToJsonString());
        var associations = host.Requests("/crm/v4/associations/deals/companies/batch/read");
        Assert.Equal([100, 100, 50], associations.Select(r => HubSpotTestHost.Body(r)["inputs"]!.AsArray().Count));
    }

    [Fact]
    public async Task ReadAsync_DealWithoutPrimaryCompany_TakesTheLowestCompanyId()
    {
        await using var host = HubSpotTestHost.Start();
        host.Server.Given(Request.Create().WithPath("/crm/v3/objects/deals/batch/read").UsingPost())
            .RespondWith(Replies.JsonResponse(200, Replies.Batch([Replies.Object("10", ("dealstage", "closedlost"))])));
        host.Server.Given(Request.Create().WithPath("/crm/v4/associations/deals/companies/batch/read").UsingPost())
            .RespondWith(Response.Create().WithCallback(request => Replies.DealCompanies(request, _ => [900, 35, 120])));

        var records = await host.RunAsync((c, ct) => c.ReadAsync(CrmObject.Opportunity, ["10"], ct));

        Assert.Equal("35", Assert.Single(records)[CrmSchema.HubSpotDealCompanyField]);
    }

    [Fact]
    public async Task ReadAsync_Contacts_ReadNoAssociations()
    {
        await using var host = HubSpotTestHost.Start();
        host.Server.Given(Request.Create().WithPath("/crm/v3/objects/contacts/batch/read").UsingPost())
            .RespondWith(Replies.JsonResponse(200, Replies.Batch([Replies.Object("512", ("email", "a@example.com"))])));

        var records = await host.RunAsync((c, ct) => c.ReadAsync(CrmObject.Person, ["512"], ct));

        Assert.False(Assert.Single(records).Fields.ContainsKey(CrmSchema.HubSpotDealCompanyField));
        Assert.Single(host.Requests());
    }

    [Fact]
    public async Task ReadAsync_SomeIdsMissing_LeavesThemOut()
    {
        await using var host = HubSpotTestHost.Start();
        var body = Replies.Batch(
            [Replies.Object("512", ("email", "a@example.com"))],
            Replies.Error("OBJECT_NOT_FOUND", "Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid.", "ids", "999"));
        host.Server.Given(Request.Create().WithPath("/crm/v3/objects/contacts/batch/read").UsingPost()).RespondWith(Replies.JsonResponse(207, body));

        var records = await host.RunAsync((c, ct) => c.ReadAsync(CrmObject.Person, ["512", "999"], ct));

        Assert.Equal("512", Assert.Single(records).Id);
        Assert.Empty(host.Logs.Messages(4106));
    }

    [Fact]
    public async Task ReadOwnersAsync_PagesActiveThenArchivedOwners_KeyedByOwnerIdNotUserId()
    {
        await using var host = HubSpotTestHost.Start();
        const string path = "/crm/v3/owners";
        host.Server.Given(Request.Create().WithPath(path).WithParam("archived", "false").WithParam("after", "41629780").UsingGet()).RespondWith(Replies.JsonResponse(200, """
            {"results":[{"id":"41629781","email":"queue@example.com","type":"QUEUE","firstName":"","lastName":"","userId":null,"createdAt":"2019-12-25T13:01:35.228Z","updatedAt":"2019-12-25T13:01:35.228Z","archived":false}]}
            """));
        host.Server.Given(Request.Create().WithPath(path).WithParam("archived", "false").UsingGet()).AtPriority(10).RespondWith(Replies.JsonResponse(200, """
            {"results":[{"id":"41629779","email":"email@hubspot.com","type":"PERSON","firstName":"HubSpot","lastName":"Test Owner","userId":9586504,"userIdIncludingInactive":9586504,"createdAt":"2019-12-25T13:01:35.228Z","updatedAt":"2019-12-25T13:01:35.228Z","archived":false,"teams":[{"id":"178588","name":"West Coast Sales","primary":true}]}],
             "paging":{"next":{"after":"41629780","link":"https://api.hubapi.com/crm/v3/owners?after=41629780"}}}
            """));
        host.Server.Given(Request.Create().WithPath(path).WithParam("archived", "true").UsingGet()).RespondWith(Replies.JsonResponse(200, """
            {"results":[{"id":"300","email":"gone@example.com","type":"PERSON","firstName":"Former","lastName":"Rep","userId":77,"createdAt":"2019-12-25T13:01:35.228Z","updatedAt":"2020-01-01T00:00:00.000Z","archived":true}]}
            """));

        var owners = await host.RunAsync((c, ct) => c.ReadOwnersAsync(ct));

        Assert.Equal(
            [
                new CrmOwner("41629779", "email@hubspot.com", "HubSpot Test Owner", Active: true, IsQueue: false),
                new CrmOwner("41629781", "queue@example.com", null, Active: true, IsQueue: true),
                new CrmOwner("300", "gone@example.com", "Former Rep", Active: false, IsQueue: false),
            ],
            owners);
        Assert.Equal(
            ["?limit=100&archived=false", "?limit=100&after=41629780&archived=false", "?limit=100&archived=true"],
            host.Requests().Select(r => new Uri(r.RequestMessage!.Url).Query));
    }
}

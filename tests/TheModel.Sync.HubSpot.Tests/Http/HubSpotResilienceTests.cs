using Microsoft.Extensions.DependencyInjection;
using TheModel.Sync.HubSpot.Api;
using TheModel.Sync.HubSpot.Tests.Support;
using WireMock.RequestBuilders;

namespace TheModel.Sync.HubSpot.Tests.Http;

/// <remarks>A POST is retried only when its request carries an idempotent <see cref="HubSpotCall"/> mark.</remarks>
public sealed class HubSpotResilienceTests
{
    private const string UpdatePath = "/crm/v3/objects/contacts/batch/update";

    [Theory]
    [InlineData(nameof(HubSpotCall.IdempotentWrite), 4)]
    [InlineData(nameof(HubSpotCall.ReadByPost), 4)]
    [InlineData(nameof(HubSpotCall.Write), 1)]
    public async Task Post_Answered503_IsRetriedOnlyWhenMarkedIdempotent(string mark, int attempts)
    {
        var call = Enum.Parse<HubSpotCall>(mark);
        await using var host = HubSpotTestHost.Start();
        host.Server.Given(Request.Create().WithPath(UpdatePath).UsingPost()).RespondWith(Replies.JsonResponse(503, "{}"));
        var api = host.Services.GetRequiredService<IHubSpotObjectsApi>();
        var request = new BatchUpdateRequest([new UpdateInput("512", new Dictionary<string, string> { ["hubspot_owner_id"] = "7" })]);

        await Assert.ThrowsAnyAsync<Exception>(() => host.RunAsync((_, ct) => api.BatchUpdateAsync("contacts", request, call, ct)));

        Assert.Equal(attempts, host.Requests(UpdatePath).Count);
    }

    [Fact]
    public async Task Get_Answered503_IsRetriedUpToWriteAttempts()
    {
        await using var host = HubSpotTestHost.Start(("WriteAttempts", "2"));
        host.Server.Given(Request.Create().WithPath("/crm/v3/owners").UsingGet()).RespondWith(Replies.JsonResponse(503, "{}"));

        var error = await Assert.ThrowsAsync<HubSpotApiException>(() => host.RunAsync((c, ct) => c.ReadOwnersAsync(ct)));

        Assert.Equal(503, error.StatusCode);
        Assert.Equal(2, host.Requests().Count);
    }

    [Fact]
    public async Task Post_Answered400_IsNotRetried()
    {
        await using var host = HubSpotTestHost.Start();
        host.Server.Given(Request.Create().WithPath(UpdatePath).UsingPost()).RespondWith(Replies.JsonResponse(400, """{"status":"error","message":"bad","category":"VALIDATION_ERROR","correlationId":"z"}"""));
        var api = host.Services.GetRequiredService<IHubSpotObjectsApi>();
        var request = new BatchUpdateRequest([new UpdateInput("512", new Dictionary<string, string> { ["email"] = "x" })]);

        await Assert.ThrowsAnyAsync<Exception>(() => host.RunAsync((_, ct) => api.BatchUpdateAsync("contacts", request, HubSpotCall.IdempotentWrite, ct)));

        Assert.Single(host.Requests(UpdatePath));
    }
}

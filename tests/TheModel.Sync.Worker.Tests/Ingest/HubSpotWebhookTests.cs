using System.Net;
using System.Text;
using System.Text.Json;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Application.Pipeline;
using TheModel.Sync.HubSpot.Webhooks;
using TheModel.Sync.Worker.Ingest;
using TheModel.Sync.Worker.Tests.Support;
using static TheModel.Sync.Worker.Tests.Support.WorkerTestHost;

namespace TheModel.Sync.Worker.Tests.Ingest;

public sealed class HubSpotWebhookTests
{
    private static long Ms(DateTimeOffset t) => t.ToUnixTimeMilliseconds();

    private static string Rejected(string reason) => $"themodel_webhook_rejected_total{{crm=\"hubspot\",reason=\"{reason}\"}}";

    [Fact]
    public async Task PostHubSpot_ValidBatch_QueuedThenDecidedAndWrittenThroughTheConnector()
    {
        await using var host = await StartAsync();
        host.AddJapaneseLead("101");
        var body = $"[{HubSpotEvent(1, "contact.creation", 101, Ms(host.Time.GetUtcNow()))}]";

        using var response = await host.PostHubSpotAsync(body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(1, answer.RootElement.GetProperty("queued").GetInt32());
        await EventuallyAsync(() => host.HubSpot.Field("101", "hubspot_owner_id") == "41234567", "the owner written to HubSpot");
        Assert.Equal("marketingqualifiedlead", host.HubSpot.Field("101", "lifecyclestage"));
        await EventuallyAsync(async () => await host.MetricAsync("themodel_decisions_total{rule=\"inbound-mql-jp\",outcome=\"assigned\"}") == 1, "the decision counted");
        var scrape = await host.MetricsAsync();
        Assert.Equal(1, Metric(scrape, "themodel_events_queued_total{crm=\"hubspot\",origin=\"webhook\"}"));
        Assert.Equal(1, Metric(scrape, "themodel_crm_writes_total{crm=\"hubspot\",result=\"written\"}"));
        Assert.Equal(1, Metric(scrape, "themodel_event_to_write_seconds_count{crm=\"hubspot\"}"));
    }

    [Fact]
    public async Task PostHubSpot_WrongSecret_Returns401AndCountsBadSignature()
    {
        await using var host = await StartAsync();
        var body = $"[{HubSpotEvent(1, "contact.creation", 101, Ms(host.Time.GetUtcNow()))}]";

        using var response = await host.PostHubSpotAsync(body, secret: "not-the-secret-at-all");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(1, await host.MetricAsync(Rejected("bad_signature")));
        Assert.Equal(0, await host.MetricAsync("themodel_events_queued_total{crm=\"hubspot\",origin=\"webhook\"}"));
    }

    [Fact]
    public async Task PostHubSpot_NoSignatureHeaders_Returns401()
    {
        await using var host = await StartAsync();
        using var content = new StringContent("[]", Encoding.UTF8, "application/json");

        using var response = await host.Http.PostAsync("/webhooks/hubspot", content);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(1, await host.MetricAsync(Rejected("bad_signature")));
    }

    [Fact]
    public async Task PostHubSpot_TimestampOlderThanFiveMinutes_Returns401AndCountsStale()
    {
        await using var host = await StartAsync();
        var body = $"[{HubSpotEvent(1, "contact.creation", 101, Ms(host.Time.GetUtcNow()))}]";

        using var response = await host.PostHubSpotAsync(body, timestamp: host.Time.GetUtcNow().AddMinutes(-5).AddMilliseconds(-1));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(1, await host.MetricAsync(Rejected("stale_timestamp")));
    }

    [Fact]
    public async Task PostHubSpot_MalformedJson_Returns400AndCountsMalformed()
    {
        await using var host = await StartAsync();

        using var response = await host.PostHubSpotAsync("[{\"eventId\": 1,");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(1, await host.MetricAsync(Rejected("malformed")));
    }

    [Fact]
    public async Task PostHubSpot_EventMissingObjectId_Returns400()
    {
        await using var host = await StartAsync();

        using var response = await host.PostHubSpotAsync("[{\"eventId\":1,\"subscriptionId\":2,\"portalId\":3,\"occurredAt\":4,\"subscriptionType\":\"contact.creation\"}]");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("objectId", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostHubSpot_101Events_Returns400AndCountsTooManyEvents()
    {
        await using var host = await StartAsync();
        var now = Ms(host.Time.GetUtcNow());
        var body = "[" + string.Join(",", Enumerable.Range(1, 101).Select(i => HubSpotEvent(i, "contact.creation", 1000 + i, now))) + "]";

        using var response = await host.PostHubSpotAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("101 events", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await host.MetricAsync(Rejected("too_many_events")));
    }

    [Fact]
    public async Task PostHubSpot_100Events_Accepted()
    {
        await using var host = await StartAsync();
        var now = Ms(host.Time.GetUtcNow());
        var body = "[" + string.Join(",", Enumerable.Range(1, 100).Select(i => HubSpotEvent(i, "company.propertyChange", 1000 + i, now, "name"))) + "]";

        using var response = await host.PostHubSpotAsync(body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(100, await host.MetricAsync("themodel_events_queued_total{crm=\"hubspot\",origin=\"webhook\"}"));
    }

    [Fact]
    public async Task PostHubSpot_BodyOverOneMebibyte_Returns413AndCountsTooLarge()
    {
        await using var host = await StartAsync();
        var body = new byte[RequestBody.MaxBytes + 1];
        Array.Fill(body, (byte)' ');

        using var response = await host.PostHubSpotAsync(body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(1, await host.MetricAsync(Rejected("too_large")));
    }

    [Fact]
    public async Task PostHubSpot_UnknownAndUnroutedEventTypes_AcceptedIgnoredAndCounted()
    {
        await using var host = await StartAsync();
        var now = Ms(host.Time.GetUtcNow());
        var body = $"[{HubSpotEvent(1, "ticket.creation", 5, now)},{HubSpotEvent(2, "object.propertyChange", 6, now)}]";

        using var response = await host.PostHubSpotAsync(body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal((2, 0, 2), (answer.RootElement.GetProperty("received").GetInt32(), answer.RootElement.GetProperty("queued").GetInt32(), answer.RootElement.GetProperty("ignored").GetInt32()));
        var scrape = await host.MetricsAsync();
        Assert.Equal(1, Metric(scrape, "themodel_events_ignored_total{crm=\"hubspot\",type=\"ticket.creation\"}"));
        Assert.Equal(1, Metric(scrape, "themodel_events_ignored_total{crm=\"hubspot\",type=\"unknown\"}"));
        Assert.Equal(0, (await host.Service<IEventQueue>().StatsAsync(default)).Pending);
    }

    [Fact]
    public async Task PostHubSpot_SameEventDeliveredTwice_QueuedOnceAndWrittenOnce()
    {
        await using var host = await StartAsync();
        host.AddJapaneseLead("101");
        var body = $"[{HubSpotEvent(7, "contact.creation", 101, Ms(host.Time.GetUtcNow()))}]";

        using var first = await host.PostHubSpotAsync(body);
        using var second = await host.PostHubSpotAsync(body);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, second.StatusCode));
        using var answer = JsonDocument.Parse(await second.Content.ReadAsStringAsync());
        Assert.Equal((0, 1), (answer.RootElement.GetProperty("queued").GetInt32(), answer.RootElement.GetProperty("duplicates").GetInt32()));
        await EventuallyAsync(() => host.HubSpot.OwnerChangeCount == 1, "the owner change");
        var scrape = await host.MetricsAsync();
        Assert.Equal(1, Metric(scrape, "themodel_events_queued_total{crm=\"hubspot\",origin=\"webhook\"}"));
        Assert.Equal(1, Metric(scrape, "themodel_events_duplicate_total{crm=\"hubspot\",origin=\"webhook\"}"));
    }

    [Fact]
    public async Task PostHubSpot_WebhookUrlSet_VerifiesTheSignatureOverThatUrl()
    {
        const string publicUrl = "https://sync.example.com/hooks/hubspot";
        await using var host = await StartAsync(s => s.Settings["HubSpot:WebhookUrl"] = publicUrl);
        var body = $"[{HubSpotEvent(1, "deal.creation", 9, Ms(host.Time.GetUtcNow()))}]";

        using var signedForProxy = await host.PostHubSpotAsync(body, signedUri: publicUrl);
        using var signedForLocal = await host.PostHubSpotAsync(body);

        Assert.Equal(HttpStatusCode.OK, signedForProxy.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, signedForLocal.StatusCode);
    }

    [Fact]
    public async Task PostHubSpot_NoClientSecretConfigured_Returns404()
    {
        await using var host = await StartAsync(s => s.Settings["HubSpot:ClientSecret"] = null);

        using var response = await host.PostHubSpotAsync("[]");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(1, await host.MetricAsync(Rejected("not_configured")));
    }

    [Theory]
    [InlineData("contact.creation", CrmObject.Person)]
    [InlineData("contact.propertyChange", CrmObject.Person)]
    [InlineData("contact.privacyDeletion", CrmObject.Person)]
    [InlineData("company.merge", CrmObject.Account)]
    [InlineData("deal.propertyChange", CrmObject.Opportunity)]
    public void ToCrmEvent_RoutedTypes_MapToTheirObjectWithHubSpotDedupeKey(string type, CrmObject expected)
    {
        var e = new HubSpotEvent(3816279340, 25, 33, 1160452, 1462216307945, type, 0, 1246965, "lifecyclestage", "subscriber", "CRM_UI", null, null);

        var mapped = HubSpotWebhookHandler.ToCrmEvent(e)!;

        Assert.Equal(expected, mapped.Object);
        Assert.Equal("hs:25:3816279340:1246965:1462216307945:lifecyclestage", mapped.DedupeKey);
        Assert.Equal("1246965", mapped.RecordId);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1462216307945), mapped.OccurredAt);
        Assert.Equal(EventOrigin.Webhook, mapped.Origin);
        Assert.Equal("subscriber", mapped.Fields!["lifecyclestage"]);
    }

    [Theory]
    [InlineData("ticket.creation")]
    [InlineData("line_item.deletion")]
    [InlineData("contact.somethingNew")]
    public void ToCrmEvent_TypesNotRouted_Null(string type)
    {
        var e = new HubSpotEvent(1, 2, 3, 4, 5, type, 0, 6, null, null, null, null, null);

        Assert.Null(HubSpotWebhookHandler.ToCrmEvent(e));
    }
}

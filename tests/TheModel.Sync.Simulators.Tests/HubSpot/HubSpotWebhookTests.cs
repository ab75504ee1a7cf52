using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using TheModel.Sync.Simulators.HubSpot;

namespace TheModel.Sync.Simulators.Tests.HubSpot;

public class HubSpotWebhookTests
{
    // Test vectors: crm-api-facts.md, H-7 "Test vectors" table; one secret throughout.
    private const string Secret = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy";
    private const string VectorUri = "https://www.example.com/webhook_uri";
    private const string VectorEventBody = """[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]""";
    private const string SingleQuotedBody = "{'example_field':'example_value'}";

    private static readonly HubSpotWebhookSubscription[] Subscriptions =
    [
        new(1, "contact.creation"),
        new(2, "contact.propertyChange", "lifecyclestage"),
        new(3, "deal.propertyChange", "dealstage"),
        new(4, "company.creation"),
        new(5, "contact.deletion"),
        new(6, "contact.associationChange"),
    ];

    [Theory]
    [InlineData(VectorEventBody, "232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de")]
    [InlineData(SingleQuotedBody, "69fc6631a867edd4f9e9e627fc5c1148e3fbdd8b21837b6d2b8901c1fa57f750")]
    public void SignerV1_FactsVector_Matches(string body, string expected) =>
        Assert.Equal(expected, HubSpotWebhookSigner.V1(Secret, Encoding.UTF8.GetBytes(body)));

    [Theory]
    [InlineData(SingleQuotedBody, "15000000", "HPW73RUtKmcYoEDADG0s6MmGFWUzWJKAW07r8RDgcQw=")]
    [InlineData(VectorEventBody, "1564113600000", "DxmVAjFNa2xfF3YgQjdZP6TNcok9k1oaH7UXombPtvw=")]
    public void SignerV3_FactsVector_Matches(string body, string timestamp, string expected) =>
        Assert.Equal(expected, HubSpotWebhookSigner.V3(Secret, "POST", VectorUri, Encoding.UTF8.GetBytes(body), timestamp));

    [Fact]
    public async Task Create_SeededContact_DeliversSignedEventsInHubSpotsShape()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hs = await StartAsync(receiver);

        var id = hs.CreateContact("a@b.com", ("lifecyclestage", "lead"));
        await hs.Simulator.WaitForWebhooksIdleAsync(TimeSpan.FromSeconds(10));

        var request = Assert.Single(receiver.Received);
        var ms = HubSpotHarness.Start.ToUnixTimeMilliseconds();
        Assert.Equal(
            $$"""[{"eventId":100,"subscriptionId":1,"portalId":62515,"appId":54321,"occurredAt":{{ms}},"subscriptionType":"contact.creation","attemptNumber":0,"objectId":{{id}},"changeSource":"CRM_UI","sourceId":"userId:882761034","changeFlag":"NEW"},"""
            + $$"""{"eventId":101,"subscriptionId":2,"portalId":62515,"appId":54321,"occurredAt":{{ms}},"subscriptionType":"contact.propertyChange","attemptNumber":0,"objectId":{{id}},"propertyName":"lifecyclestage","propertyValue":"lead","changeSource":"CRM_UI","sourceId":"userId:882761034"}]""",
            request.Text);
        Assert.Equal("POST", request.Method);
        Assert.StartsWith("application/json", request.Header("Content-Type"), StringComparison.Ordinal);
        Assert.Equal(ms.ToString(CultureInfo.InvariantCulture), request.Header("X-HubSpot-Request-Timestamp"));
        Assert.Equal("v1", request.Header("X-HubSpot-Signature-Version"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Secret + request.Text))), request.Header("X-HubSpot-Signature"));
        var signed = Encoding.UTF8.GetBytes("POST" + request.Url + request.Text + request.Header("X-HubSpot-Request-Timestamp"));
        Assert.Equal(Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), signed)), request.Header("X-HubSpot-Signature-v3"));
    }

    [Fact]
    public async Task Touch_SubscribedProperty_SendsPropertyChange()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hs = await StartAsync(receiver);
        var deal = hs.Simulator.Create("deals", new Dictionary<string, string?> { ["dealname"] = "D" });
        var company = hs.Simulator.Create("companies", new Dictionary<string, string?> { ["name"] = "Acme" });
        await hs.Simulator.WaitForWebhooksIdleAsync(TimeSpan.FromSeconds(10));
        hs.FakeClock.Advance(TimeSpan.FromSeconds(1));

        hs.Simulator.Touch("deals", deal, new Dictionary<string, string?> { ["dealstage"] = "closedwon", ["amount"] = "5" });
        await hs.Simulator.WaitForWebhooksIdleAsync(TimeSpan.FromSeconds(10));

        var events = AllEvents(receiver);
        var creation = Assert.Single(events, e => e["subscriptionType"]!.GetValue<string>() == "company.creation");
        Assert.Equal(long.Parse(company, CultureInfo.InvariantCulture), creation["objectId"]!.GetValue<long>());
        var change = Assert.Single(events, e => e["subscriptionType"]!.GetValue<string>() == "deal.propertyChange");
        Assert.Equal("dealstage", change["propertyName"]!.GetValue<string>());
        Assert.Equal("closedwon", change["propertyValue"]!.GetValue<string>());
        Assert.Equal(HubSpotHarness.Start.AddSeconds(1).ToUnixTimeMilliseconds(), change["occurredAt"]!.GetValue<long>());
        Assert.Equal(3, change["subscriptionId"]!.GetValue<long>());
    }

    [Fact]
    public async Task ArchiveAndAssociate_SendDeletionAndAssociationChange()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hs = await StartAsync(receiver);
        var contact = hs.CreateContact("a@b.com");
        var company = hs.Simulator.Create("companies", new Dictionary<string, string?> { ["name"] = "Acme" });

        hs.Simulator.Associate("contacts", contact, "companies", company, HubSpotAssociationTypes.PrimaryContactToCompany);
        hs.Simulator.Archive("contacts", contact);
        await hs.Simulator.WaitForWebhooksIdleAsync(TimeSpan.FromSeconds(10));

        var events = AllEvents(receiver);
        var association = Assert.Single(events, e => e["subscriptionType"]!.GetValue<string>() == "contact.associationChange");
        Assert.Equal("CONTACT_TO_COMPANY", association["associationType"]!.GetValue<string>());
        Assert.Equal(long.Parse(company, CultureInfo.InvariantCulture), association["toObjectId"]!.GetValue<long>());
        Assert.True(association["isPrimaryAssociation"]!.GetValue<bool>());
        Assert.Single(events, e => e["subscriptionType"]!.GetValue<string>() == "contact.deletion");
    }

    [Fact]
    public async Task ApiChanges_RaiseEventsOnlyWhenEnabled()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var quiet = await StartAsync(receiver);
        await using var loud = await StartAsync(receiver, w => w.EmitForApiChanges = true);

        await quiet.PostAsync("crm/v3/objects/contacts", """{"properties":{"email":"q@x.com"}}""");
        await loud.PostAsync("crm/v3/objects/contacts", """{"properties":{"email":"l@x.com"}}""");
        await quiet.Simulator.WaitForWebhooksIdleAsync(TimeSpan.FromSeconds(10));
        await loud.Simulator.WaitForWebhooksIdleAsync(TimeSpan.FromSeconds(10));

        var creation = Assert.Single(AllEvents(receiver));
        Assert.Equal("INTEGRATION", creation["changeSource"]!.GetValue<string>());
        Assert.Equal("54321", creation["sourceId"]!.GetValue<string>());
        Assert.Equal(0, quiet.Simulator.Counters.WebhookRequests);
    }

    [Fact]
    public async Task Delivery_TargetAnswers500_RetriedWithGrowingAttemptNumber()
    {
        await using var receiver = await WebhookReceiver.StartAsync(500, 503);
        await using var hs = await StartAsync(receiver);

        hs.CreateContact("a@b.com");
        await hs.Simulator.WaitForWebhooksIdleAsync(TimeSpan.FromSeconds(10));

        var attempts = receiver.Received.Select(r => JsonNode.Parse(r.Text)!.AsArray().Select(e => e!["attemptNumber"]!.GetValue<int>()).Distinct().Single());
        Assert.Equal([0, 1, 2], attempts);
        Assert.Equal(
            [HubSpotWebhookOutcome.Rejected, HubSpotWebhookOutcome.Rejected, HubSpotWebhookOutcome.Delivered],
            hs.Simulator.WebhookDeliveries.Select(d => d.Outcome));
        Assert.Equal([500, 503, 200], hs.Simulator.WebhookDeliveries.Select(d => d.Status ?? 0));
        var counters = hs.Simulator.Counters;
        Assert.Equal((3, 2, 2, 1), (counters.WebhookRequests, counters.WebhookFailedAttempts, counters.WebhookRetries, counters.WebhookEventsDelivered));
    }

    [Fact]
    public async Task Delivery_Retry_WaitsTheBackoffOnTheSimulatorClock()
    {
        await using var receiver = await WebhookReceiver.StartAsync(500);
        await using var hs = await StartAsync(receiver, w => w.RetryBaseDelay = TimeSpan.FromSeconds(10));

        hs.CreateContact("a@b.com");
        await Eventually.TrueAsync(() => hs.Simulator.Counters.WebhookFailedAttempts == 1, "the first attempt to fail");
        var waited = TimeSpan.Zero;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (receiver.Received.Count < 2 && DateTime.UtcNow < deadline)
        {
            hs.FakeClock.Advance(TimeSpan.FromSeconds(1));
            waited += TimeSpan.FromSeconds(1);
            await Task.Delay(20);
        }

        await hs.Simulator.WaitForWebhooksIdleAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, receiver.Received.Count);
        Assert.True(waited >= TimeSpan.FromSeconds(10), $"retried after {waited} of simulator time; the backoff is at least 10 s");
    }

    [Fact]
    public async Task Delivery_TargetSlowerThanFiveSeconds_TimesOutAndRetries()
    {
        await using var receiver = await WebhookReceiver.StartAsync(WebhookReceiver.Hold);
        await using var hs = await StartAsync(receiver);

        hs.CreateContact("a@b.com");
        await Eventually.TrueAsync(() => receiver.Received.Count == 1, "the first delivery to arrive");
        hs.FakeClock.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Equal(0, hs.Simulator.Counters.WebhookFailedAttempts);
        hs.FakeClock.Advance(TimeSpan.FromSeconds(0.2));
        await hs.Simulator.WaitForWebhooksIdleAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([HubSpotWebhookOutcome.TimedOut, HubSpotWebhookOutcome.Delivered], hs.Simulator.WebhookDeliveries.Select(d => d.Outcome));
        Assert.Equal(1, JsonNode.Parse(receiver.Received.Last().Text)![0]!["attemptNumber"]!.GetValue<int>());
    }

    [Fact]
    public async Task Delivery_AlwaysFailing_GivesUpAfterMaxRetries()
    {
        await using var receiver = await WebhookReceiver.StartAsync(500, 500, 500, 500);
        await using var hs = await StartAsync(receiver, w => w.MaxRetries = 2);

        hs.CreateContact("a@b.com");
        await hs.Simulator.WaitForWebhooksIdleAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(3, receiver.Received.Count);
        Assert.Equal(1, hs.Simulator.Counters.WebhookEventsAbandoned);
    }

    [Fact]
    public async Task Delivery_DuplicateRateOne_SendsEachRequestTwice()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hs = await StartAsync(receiver, w => w.DuplicateRate = 1);

        hs.CreateContact("a@b.com");
        await hs.Simulator.WaitForWebhooksIdleAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(2, receiver.Received.Count);
        Assert.Equal(receiver.Received.First().Text, receiver.Received.Last().Text);
        Assert.Equal(1, hs.Simulator.Counters.WebhookDuplicates);
        Assert.True(hs.Simulator.WebhookDeliveries.Last().IsDuplicate);
    }

    [Fact]
    public async Task Delivery_ManyEvents_SplitIntoRequestsOfAtMost100()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hs = await StartAsync(receiver, w => w.TargetUrl = null);
        for (var i = 0; i < 150; i++)
        {
            hs.CreateContact($"p{i}@x.com");
        }

        hs.Simulator.SetWebhookTarget(receiver.Url);
        await hs.Simulator.WaitForWebhooksIdleAsync(TimeSpan.FromSeconds(10));

        // Both requests are in flight at once, so they may arrive in either order.
        Assert.Equal([50, 100], receiver.Received.Select(r => JsonNode.Parse(r.Text)!.AsArray().Count).Order());
    }

    [Fact]
    public async Task Delivery_ShuffleOrder_SendsTheSameEventsOutOfOrder()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hs = await StartAsync(receiver, w => { w.TargetUrl = null; w.ShuffleOrder = true; });
        for (var i = 0; i < 20; i++)
        {
            hs.CreateContact($"p{i}@x.com");
        }

        hs.Simulator.SetWebhookTarget(receiver.Url);
        await hs.Simulator.WaitForWebhooksIdleAsync(TimeSpan.FromSeconds(10));

        var ids = AllEvents(receiver).Select(e => e["eventId"]!.GetValue<long>()).ToList();
        Assert.Equal(Enumerable.Range(100, 20).Select(i => (long)i), ids.Order());
        Assert.NotEqual(ids.Order(), ids);
    }

    [Fact]
    public async Task WaitForWebhooksIdle_NoTarget_TimesOutNamingWhatIsPending()
    {
        await using var hs = await HubSpotHarness.StartAsync(o => new HubSpotSimulatorOptions
        {
            TimeProvider = o.TimeProvider,
            Webhooks = new HubSpotWebhookOptions { Subscriptions = Subscriptions },
        });
        hs.CreateContact("a@b.com");

        var error = await Assert.ThrowsAsync<TimeoutException>(() => hs.Simulator.WaitForWebhooksIdleAsync(TimeSpan.FromMilliseconds(100)));

        Assert.Contains("1 events not yet sent", error.Message, StringComparison.Ordinal);
        Assert.Contains("(not set)", error.Message, StringComparison.Ordinal);
    }

    private static List<JsonObject> AllEvents(WebhookReceiver receiver) =>
        [.. receiver.Received.SelectMany(r => JsonNode.Parse(r.Text)!.AsArray()).Select(e => e!.AsObject())];

    private static Task<HubSpotHarness> StartAsync(WebhookReceiver receiver, Action<WebhookSettings>? configure = null)
    {
        var settings = new WebhookSettings { TargetUrl = receiver.Url };
        configure?.Invoke(settings);
        return HubSpotHarness.StartAsync(o => new HubSpotSimulatorOptions
        {
            TimeProvider = o.TimeProvider,
            Webhooks = new HubSpotWebhookOptions
            {
                TargetUrl = settings.TargetUrl,
                ClientSecret = Secret,
                Subscriptions = Subscriptions,
                EmitForApiChanges = settings.EmitForApiChanges,
                RetryBaseDelay = settings.RetryBaseDelay,
                RetryMaxDelay = TimeSpan.FromSeconds(60),
                MaxRetries = settings.MaxRetries,
                DuplicateRate = settings.DuplicateRate,
                ShuffleOrder = settings.ShuffleOrder,
            },
        });
    }

    /// <summary>The webhook options a test varies; zero backoff keeps retries off the fake clock unless a test wants it.</summary>
    private sealed class WebhookSettings
    {
        public Uri? TargetUrl { get; set; }

        public bool EmitForApiChanges { get; set; }

        public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.Zero;

        public int MaxRetries { get; set; } = 10;

        public double DuplicateRate { get; set; }

        public bool ShuffleOrder { get; set; }
    }
}

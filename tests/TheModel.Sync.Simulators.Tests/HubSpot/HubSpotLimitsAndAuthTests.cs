using System.Net.Http.Headers;
using TheModel.Sync.Simulators.HubSpot;

namespace TheModel.Sync.Simulators.Tests.HubSpot;

public class HubSpotLimitsAndAuthTests
{
    private const string AuthMessage =
        "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview";

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer pat-na1-wrong")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task Request_MissingOrWrongToken_Answers401InvalidAuthentication(string? authorization)
    {
        await using var hs = await HubSpotHarness.StartAsync();
        using var client = new HttpClient { BaseAddress = hs.Simulator.BaseUrl };
        if (authorization is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        }

        var answer = await hs.SendAsync(HttpMethod.Get, "crm/v3/objects/contacts", client: client);

        Assert.Equal(401, answer.Code);
        Assert.Equal("error", answer.Body["status"]!.GetValue<string>());
        Assert.Equal(AuthMessage, answer.Body["message"]!.GetValue<string>());
        Assert.Equal("INVALID_AUTHENTICATION", answer.Body["category"]!.GetValue<string>());
        Assert.True(Guid.TryParse(answer.Body["correlationId"]!.GetValue<string>(), out _));
        Assert.Equal(1, hs.Simulator.Counters.Unauthorized);
        Assert.Equal(0, hs.Simulator.Counters.CountedCalls);
    }

    [Fact]
    public async Task SetAccessTokens_RotatedToken_OldOneRefused()
    {
        await using var hs = await HubSpotHarness.StartAsync();

        hs.Simulator.SetAccessTokens(["pat-na1-new"]);
        var old = await hs.GetAsync("crm/v3/objects/contacts");
        hs.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "pat-na1-new");
        var rotated = await hs.GetAsync("crm/v3/objects/contacts");

        Assert.Equal(401, old.Code);
        Assert.Equal(200, rotated.Code);
    }

    [Fact]
    public async Task NonSearchResponse_CarriesRateLimitAndCorrelationHeaders()
    {
        await using var hs = await HubSpotHarness.StartAsync();

        var answer = await hs.GetAsync("crm/v3/objects/contacts");

        Assert.Equal("625000", answer.Header("X-HubSpot-RateLimit-Daily"));
        Assert.Equal("624999", answer.Header("X-HubSpot-RateLimit-Daily-Remaining"));
        Assert.Equal("10000", answer.Header("X-HubSpot-RateLimit-Interval-Milliseconds"));
        Assert.Equal("190", answer.Header("X-HubSpot-RateLimit-Max"));
        Assert.Equal("189", answer.Header("X-HubSpot-RateLimit-Remaining"));
        Assert.NotNull(answer.Header("X-HubSpot-Correlation-Id"));
    }

    [Fact]
    public async Task SearchResponse_HasNoRateLimitHeaders()
    {
        await using var hs = await HubSpotHarness.StartAsync();

        var answer = await hs.PostAsync("crm/v3/objects/contacts/search", "{}");

        Assert.Equal(200, answer.Code);
        Assert.DoesNotContain(answer.Headers, h => h.Key.StartsWith("X-HubSpot-RateLimit", StringComparison.OrdinalIgnoreCase));
        Assert.NotNull(answer.Header("X-HubSpot-Correlation-Id"));
    }

    [Fact]
    public async Task ErrorBody_CorrelationId_MatchesTheHeader()
    {
        await using var hs = await HubSpotHarness.StartAsync();

        var answer = await hs.GetAsync("crm/v3/objects/contacts/999");

        Assert.Equal(answer.Header("X-HubSpot-Correlation-Id"), answer.Body["correlationId"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(HubSpotTier.Free, 100, "250000")]
    [InlineData(HubSpotTier.Starter, 100, "250000")]
    [InlineData(HubSpotTier.Professional, 190, "625000")]
    [InlineData(HubSpotTier.Enterprise, 190, "1000000")]
    public async Task Burst_MaxPlusOneWithinTenSeconds_Answers429TenSecondly(HubSpotTier tier, int max, string daily)
    {
        await using var hs = await HubSpotHarness.StartAsync(o => new HubSpotSimulatorOptions { TimeProvider = o.TimeProvider, Tier = tier });

        for (var i = 0; i < max; i++)
        {
            var ok = await hs.GetAsync("crm/v3/owners");
            Assert.Equal(200, ok.Code);
        }

        hs.FakeClock.Advance(TimeSpan.FromSeconds(9.999));
        var refused = await hs.GetAsync("crm/v3/objects/contacts");

        Assert.Equal(429, refused.Code);
        Assert.Equal("You have reached your ten_secondly_rolling limit.", refused.Body["message"]!.GetValue<string>());
        Assert.Equal("RATE_LIMIT", refused.Body["errorType"]!.GetValue<string>());
        Assert.Equal("TEN_SECONDLY_ROLLING", refused.Body["policyName"]!.GetValue<string>());
        Assert.True(Guid.TryParse(refused.Body["correlationId"]!.GetValue<string>(), out _));
        Assert.Equal(max.ToString(System.Globalization.CultureInfo.InvariantCulture), refused.Header("X-HubSpot-RateLimit-Max"));
        Assert.Equal("0", refused.Header("X-HubSpot-RateLimit-Remaining"));
        Assert.Equal(daily, refused.Header("X-HubSpot-RateLimit-Daily"));
        Assert.Equal(max, hs.Simulator.Counters.CountedCalls);
        Assert.Equal(1, hs.Simulator.Counters.BurstRateLimited);

        hs.FakeClock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(200, (await hs.GetAsync("crm/v3/objects/contacts")).Code);
    }

    [Fact]
    public async Task Burst_RollingWindow_FreesCallsAsTheyAgeOut()
    {
        await using var hs = await HubSpotHarness.StartAsync(o => new HubSpotSimulatorOptions { TimeProvider = o.TimeProvider, BurstLimit = 2 });

        await hs.GetAsync("crm/v3/owners");
        hs.FakeClock.Advance(TimeSpan.FromSeconds(6));
        await hs.GetAsync("crm/v3/owners");
        var full = await hs.GetAsync("crm/v3/owners");
        hs.FakeClock.Advance(TimeSpan.FromSeconds(4));
        var oneFree = await hs.GetAsync("crm/v3/owners");
        var fullAgain = await hs.GetAsync("crm/v3/owners");

        Assert.Equal([429, 200, 429], new[] { full.Code, oneFree.Code, fullAgain.Code });
    }

    [Fact]
    public async Task Daily_Exhausted_Answers429DailyUntilMidnight()
    {
        await using var hs = await HubSpotHarness.StartAsync(o => new HubSpotSimulatorOptions { TimeProvider = o.TimeProvider, Tier = HubSpotTier.Starter });
        hs.Simulator.SetDailyUsage(249_999);

        var last = await hs.GetAsync("crm/v3/objects/contacts");
        var refused = await hs.GetAsync("crm/v3/objects/contacts");
        var search = await hs.PostAsync("crm/v3/objects/contacts/search", "{}");
        hs.FakeClock.SetUtcNow(new DateTimeOffset(2026, 5, 3, 0, 0, 0, TimeSpan.Zero));
        var nextDay = await hs.GetAsync("crm/v3/objects/contacts");

        Assert.Equal(200, last.Code);
        Assert.Equal("0", last.Header("X-HubSpot-RateLimit-Daily-Remaining"));
        Assert.Equal(429, refused.Code);
        Assert.Equal("You have reached your daily limit.", refused.Body["message"]!.GetValue<string>());
        Assert.Equal("RATE_LIMIT", refused.Body["errorType"]!.GetValue<string>());
        Assert.Equal("DAILY", refused.Body["policyName"]!.GetValue<string>());
        Assert.Equal("0", refused.Header("X-HubSpot-RateLimit-Daily-Remaining"));
        Assert.Equal(429, search.Code);
        Assert.Equal(200, nextDay.Code);
        Assert.Equal("249999", nextDay.Header("X-HubSpot-RateLimit-Daily-Remaining"));
        Assert.Equal(2, hs.Simulator.Counters.DailyRateLimited);
    }

    [Fact]
    public async Task Daily_ResetsAtMidnightInThePortalZone()
    {
        var zone = TimeZoneInfo.CreateCustomTimeZone("UTC-5", TimeSpan.FromHours(-5), "UTC-5", "UTC-5");
        await using var hs = await HubSpotHarness.StartAsync(o => new HubSpotSimulatorOptions { TimeProvider = o.TimeProvider, PortalTimeZone = zone, DailyLimit = 10 });
        hs.Simulator.SetDailyUsage(10);

        hs.FakeClock.SetUtcNow(new DateTimeOffset(2026, 5, 3, 1, 0, 0, TimeSpan.Zero));
        var utcMidnightPassed = await hs.GetAsync("crm/v3/owners");
        hs.FakeClock.SetUtcNow(new DateTimeOffset(2026, 5, 3, 5, 0, 0, TimeSpan.Zero));
        var zoneMidnightPassed = await hs.GetAsync("crm/v3/owners");

        Assert.Equal(429, utcMidnightPassed.Code);
        Assert.Equal(200, zoneMidnightPassed.Code);
    }

    [Fact]
    public async Task Counters_CountCallsByEndpoint()
    {
        await using var hs = await HubSpotHarness.StartAsync();

        await hs.PostAsync("crm/v3/objects/tasks/batch/create", """{"inputs":[]}""");
        await hs.PostAsync("crm/v3/objects/contact/search", "{}");
        await hs.PostAsync("crm/v3/objects/contacts/search", "{}");

        var calls = hs.Simulator.Counters.CallsByEndpoint;
        Assert.Equal(1, calls["POST /crm/v3/objects/tasks/batch/create"]);
        Assert.Equal(2, calls["POST /crm/v3/objects/contacts/search"]);
        Assert.Equal(3, hs.Simulator.Counters.CountedCalls);
    }

    [Fact]
    public async Task RequestLog_RecordsMethodPathHeadersBodyAndStatus()
    {
        await using var hs = await HubSpotHarness.StartAsync();

        await hs.PostAsync("crm/v3/objects/contacts?x=1", """{"properties":{"email":"a@b.com"}}""");

        var logged = Assert.Single(hs.Simulator.Requests);
        Assert.Equal("POST", logged.Method);
        Assert.Equal("/crm/v3/objects/contacts", logged.Path);
        Assert.Equal("?x=1", logged.QueryString);
        Assert.Equal($"Bearer {HubSpotSimulatorOptions.DefaultAccessToken}", logged.Headers["Authorization"]);
        Assert.Equal("""{"properties":{"email":"a@b.com"}}""", logged.Body);
        Assert.Equal(201, logged.Status);
    }

    [Fact]
    public void Options_Invalid_ThrowWithTheBadValues()
    {
        var error = Assert.Throws<ArgumentException>(() => new HubSpotSimulator(new HubSpotSimulatorOptions
        {
            BurstLimit = 0,
            AccessTokens = [],
            Webhooks = new HubSpotWebhookOptions { Subscriptions = [new HubSpotWebhookSubscription(1, "task.creation")], DuplicateRate = 2 },
        }));

        Assert.Contains("BurstLimit must be positive, was 0.", error.Message, StringComparison.Ordinal);
        Assert.Contains("AccessTokens must hold at least one token", error.Message, StringComparison.Ordinal);
        Assert.Contains("Webhooks.DuplicateRate must be between 0 and 1, was 2.", error.Message, StringComparison.Ordinal);
        Assert.Contains("has type \"task.creation\"", error.Message, StringComparison.Ordinal);
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace TheModel.Sync.HubSpot.Tests;

public sealed class HubSpotOptionsTests
{
    [Fact]
    public void Validate_Defaults_WithAToken_Succeeds()
    {
        var result = new HubSpotOptionsValidator("HubSpot").Validate(null, new HubSpotOptions { AccessToken = "pat-na1-x" });

        Assert.True(result.Succeeded);
    }

    [Theory]
    [InlineData("BaseUrl", "ftp://api.hubapi.com", "HubSpot:BaseUrl must be an absolute http(s) URL without a query, was 'ftp://api.hubapi.com'.")]
    [InlineData("BaseUrl", "api.hubapi.com", "HubSpot:BaseUrl must be an absolute http(s) URL without a query, was 'api.hubapi.com'.")]
    [InlineData("AccessToken", " ", "HubSpot:AccessToken is required (the private app token, pat-...), was empty.")]
    [InlineData("AccessToken", "pat na1", "HubSpot:AccessToken must not contain whitespace, was a 7-character value with whitespace.")]
    [InlineData("ObjectsPath", "crm/v3/objects", "HubSpot:ObjectsPath must start with '/' and not end with '/' (e.g. /crm/v3/objects or /crm/objects/2026-03), was 'crm/v3/objects'.")]
    [InlineData("ObjectsPath", "/crm/v3/objects/", "HubSpot:ObjectsPath must start with '/' and not end with '/' (e.g. /crm/v3/objects or /crm/objects/2026-03), was '/crm/v3/objects/'.")]
    [InlineData("DailyBudgetShare", "0", "HubSpot:DailyBudgetShare must be greater than 0 and at most 1, was 0.")]
    [InlineData("DailyBudgetShare", "1.5", "HubSpot:DailyBudgetShare must be greater than 0 and at most 1, was 1.5.")]
    [InlineData("AssumedDailyLimit", "0", "HubSpot:AssumedDailyLimit must be at least 1, was 0.")]
    [InlineData("BurstHeadroom", "-1", "HubSpot:BurstHeadroom must be between 0 and 90, was -1.")]
    [InlineData("SearchPerSecond", "6", "HubSpot:SearchPerSecond must be between 1 and 5 (HubSpot allows 5 per second), was 6.")]
    [InlineData("RequestTimeout", "00:00:00.5000000", "HubSpot:RequestTimeout must be between 00:00:01 and 00:05:00, was 00:00:00.5000000.")]
    [InlineData("WriteAttempts", "0", "HubSpot:WriteAttempts must be between 1 and 10, was 0.")]
    [InlineData("DailyProbeInterval", "00:00:10", "HubSpot:DailyProbeInterval must be between 00:01:00 and 1.00:00:00, was 00:00:10.")]
    public void Start_OneBadValue_FailsWithAMessageShowingIt(string key, string value, string expected)
    {
        var error = StartupFailure(() => BuildAndStart((key, value)));

        Assert.Equal([expected], error.Failures);
    }

    [Fact]
    public void Start_SeveralBadValues_ReportsThemAllAtOnceWithoutTheToken()
    {
        var error = StartupFailure(() =>
            BuildAndStart(("AccessToken", "pat-na1-secret value"), ("SearchPerSecond", "0"), ("WriteAttempts", "11")));

        Assert.Equal(
            [
                "HubSpot:AccessToken must not contain whitespace, was a 20-character value with whitespace.",
                "HubSpot:SearchPerSecond must be between 1 and 5 (HubSpot allows 5 per second), was 0.",
                "HubSpot:WriteAttempts must be between 1 and 10, was 11.",
            ],
            error.Failures);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddHubSpot_BindsEverySettingFromTheSection()
    {
        using var services = Build(
            ("BaseUrl", "https://eu1.api.example"),
            ("ObjectsPath", "/crm/objects/2026-03"),
            ("ClientSecret", "yyyy"),
            ("DailyBudgetShare", "0.5"),
            ("AssumedDailyLimit", "625000"),
            ("BurstHeadroom", "20"),
            ("SearchPerSecond", "3"),
            ("RequestTimeout", "00:00:30"),
            ("WriteAttempts", "2"),
            ("DailyProbeInterval", "01:00:00"));

        var options = services.GetRequiredService<IOptions<HubSpotOptions>>().Value;

        Assert.Equal(
            ("https://eu1.api.example", "/crm/objects/2026-03", "yyyy", 0.5, 625_000L, 20, 3, TimeSpan.FromSeconds(30), 2, TimeSpan.FromHours(1)),
            (options.BaseUrl, options.ObjectsPath, options.ClientSecret, options.DailyBudgetShare, options.AssumedDailyLimit, options.BurstHeadroom,
             options.SearchPerSecond, options.RequestTimeout, options.WriteAttempts, options.DailyProbeInterval));
    }

    /// <summary>The start-up failure: one exception from the HubSpot options (not repeated by each client's resilience options).</summary>
    private static OptionsValidationException StartupFailure(Action start)
    {
        var failure = Assert.Throws<OptionsValidationException>(start);
        Assert.Equal(typeof(HubSpotOptions), failure.OptionsType);
        return failure;
    }

    private static void BuildAndStart(params (string Key, string Value)[] settings)
    {
        using var services = Build(settings);
        services.GetRequiredService<IStartupValidator>().Validate();
    }

    private static ServiceProvider Build(params (string Key, string Value)[] settings)
    {
        var values = new Dictionary<string, string?> { ["HubSpot:AccessToken"] = "pat-na1-test" };
        foreach (var (key, value) in settings)
        {
            values["HubSpot:" + key] = value;
        }

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddHubSpot(new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection("HubSpot"));
        return services.BuildServiceProvider();
    }
}

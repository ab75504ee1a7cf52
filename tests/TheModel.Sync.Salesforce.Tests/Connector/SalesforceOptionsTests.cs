using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Salesforce.Tests.Connector;

public sealed class SalesforceOptionsTests
{
    [Theory]
    [InlineData("DailyBudgetShare", "0", "Salesforce:DailyBudgetShare must be between 0.01 and 1, was 0.")]
    [InlineData("DailyBudgetShare", "1.5", "Salesforce:DailyBudgetShare must be between 0.01 and 1, was 1.5.")]
    [InlineData("LoginUrl", "login.salesforce.com", "Salesforce:LoginUrl must be an absolute http or https URL, was 'login.salesforce.com'.")]
    [InlineData("Audience", "ftp://x", "Salesforce:Audience must be an absolute http or https URL, was 'ftp://x'.")]
    [InlineData("ApiVersion", "62.0", "Salesforce:ApiVersion must look like v62.0, was '62.0'.")]
    [InlineData("OrganizationId", "00D12", "Salesforce:OrganizationId must be a 15- or 18-character Salesforce id, was '00D12'.")]
    [InlineData("RequestTimeout", "00:00:00", "Salesforce:RequestTimeout must be between 00:00:01 and 00:10:00, was 00:00:00.")]
    [InlineData("RequestTimeout", "00:20:00", "Salesforce:RequestTimeout must be between 00:00:01 and 00:10:00, was 00:20:00.")]
    [InlineData("WriteAttempts", "0", "Salesforce:WriteAttempts must be between 1 and 20, was 0.")]
    [InlineData("WriteRetryDelay", "00:05:00", "Salesforce:WriteRetryDelay must be between 00:00:00 and 00:01:00, was 00:05:00.")]
    [InlineData("BudgetProbeInterval", "00:00:01", "Salesforce:BudgetProbeInterval must be between 00:00:10 and 01:00:00, was 00:00:01.")]
    [InlineData("QueryBatchSize", "100", "Salesforce:QueryBatchSize must be between 200 and 2000, was 100.")]
    [InlineData("PollSettleTime", "-00:00:01", "Salesforce:PollSettleTime must be between 00:00:00 and 01:00:00, was -00:00:01.")]
    [InlineData("ClientSecret", "", "Salesforce:ClientSecret is required when AuthFlow is ClientCredentials.")]
    [InlineData("ClientId", "", "Salesforce:ClientId is required (the connected app's consumer key).")]
    public void StartupValidation_BadValue_ReportsKeyAndValue(string key, string value, string expected)
    {
        using var services = Build(new() { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal([expected], error.Failures);
    }

    [Fact]
    public void StartupValidation_SeveralBadValues_ReportsEveryOne()
    {
        using var services = Build(new() { ["DailyBudgetShare"] = "0", ["WriteAttempts"] = "99" });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal(2, error.Failures.Count());
    }

    [Fact]
    public void StartupValidation_JwtWithoutUsernameOrKey_NamesBoth()
    {
        using var services = Build(new() { ["AuthFlow"] = "JwtBearer" });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal(
            [
                "Salesforce:Username is required when AuthFlow is JwtBearer.",
                "Salesforce:PrivateKeyPem or Salesforce:PrivateKeyPath is required when AuthFlow is JwtBearer.",
            ],
            error.Failures);
    }

    [Fact]
    public void StartupValidation_KeyIsNotPem_SaysSoWithoutShowingIt()
    {
        using var services = Build(new() { ["AuthFlow"] = "JwtBearer", ["Username"] = "sync@acme.example", ["PrivateKeyPem"] = "not-a-key-SECRET" });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal(["Salesforce:PrivateKeyPem is not a PEM RSA private key."], error.Failures);
    }

    [Fact]
    public void StartupValidation_KeyFileMissing_NamesThePath()
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".pem");
        using var services = Build(new() { ["AuthFlow"] = "JwtBearer", ["Username"] = "sync@acme.example", ["PrivateKeyPath"] = path });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        var failure = Assert.Single(error.Failures);
        Assert.StartsWith("Salesforce:PrivateKeyPath could not be read (", failure, StringComparison.Ordinal);
        Assert.EndsWith($"was '{path}'.", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void StartupValidation_SecretIsWrongButPresent_NeverEchoesIt()
    {
        using var services = Build(new() { ["ClientSecret"] = "TOP-SECRET-VALUE", ["DailyBudgetShare"] = "0" });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.DoesNotContain("TOP-SECRET-VALUE", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StartupValidation_NestedSection_UsesItsPath()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Crm:Salesforce:ClientId"] = "id",
                ["Crm:Salesforce:AuthFlow"] = "ClientCredentials",
                ["Crm:Salesforce:ClientSecret"] = "s",
                ["Crm:Salesforce:DailyBudgetShare"] = "0",
            })
            .Build();
        using var services = new ServiceCollection().AddSalesforce(configuration.GetSection("Crm:Salesforce")).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal(["Crm:Salesforce:DailyBudgetShare must be between 0.01 and 1, was 0."], error.Failures);
    }

    [Fact]
    public void Bind_UnknownKey_IsAnError()
    {
        using var services = Build(new() { ["DailyBudgetShar"] = "0.5" });

        var error = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<IOptions<SalesforceOptions>>().Value);

        Assert.Contains("DailyBudgetShar", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddSalesforce_ValidSection_BindsDefaultsAndRegistersOneConnector()
    {
        using var services = Build([]);
        services.GetRequiredService<IStartupValidator>().Validate();

        var options = services.GetRequiredService<IOptions<SalesforceOptions>>().Value;
        var keyed = services.GetRequiredKeyedService<ICrmConnector>(CrmKind.Salesforce);

        Assert.Equal("v62.0", options.ApiVersion);
        Assert.Equal(0.25, options.DailyBudgetShare);
        Assert.Equal(5, options.WriteAttempts);
        Assert.Equal(TimeSpan.FromSeconds(5), options.PollSettleTime);
        Assert.Equal(SalesforceOptions.DefaultLoginUrl, options.EffectiveAudience);
        Assert.Equal(CrmKind.Salesforce, keyed.Crm);
        Assert.Same(keyed, services.GetRequiredService<ICrmConnector>());
        Assert.Same(keyed, Assert.Single(services.GetServices<ICrmConnector>()));
        Assert.IsType<DefaultCrmSchemaSource>(services.GetRequiredService<ICrmSchemaSource>());
        Assert.Same(TimeProvider.System, services.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void AddSalesforce_CalledTwice_RegistersOnce()
    {
        var collection = new ServiceCollection();
        collection.AddSalesforce(o => (o.ClientId, o.AuthFlow, o.ClientSecret) = ("id", SalesforceAuthFlow.ClientCredentials, "s"));
        collection.AddSalesforce(o => o.DailyBudgetShare = 0.5);
        using var services = collection.BuildServiceProvider();

        Assert.Single(services.GetServices<ICrmConnector>());
        Assert.Equal(0.5, services.GetRequiredService<IOptions<SalesforceOptions>>().Value.DailyBudgetShare);
    }

    private static ServiceProvider Build(Dictionary<string, string?> overrides)
    {
        var values = new Dictionary<string, string?>
        {
            ["Salesforce:AuthFlow"] = "ClientCredentials",
            ["Salesforce:ClientId"] = "3MVG9client",
            ["Salesforce:ClientSecret"] = "s3cr3t",
        };
        foreach (var (key, value) in overrides)
        {
            values["Salesforce:" + key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return new ServiceCollection().AddSalesforce(configuration.GetSection("Salesforce")).BuildServiceProvider();
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TheModel.Sync.Worker.Cli;
using TheModel.Sync.Worker.Host;
using TheModel.Sync.Worker.Reload;
using TheModel.Sync.Worker.Tests.Support;
using static TheModel.Sync.Worker.Tests.Support.WorkerTestHost;

namespace TheModel.Sync.Worker.Tests.Host;

public sealed class StartupTests
{
    private static WorkerOptions Bind(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>("Worker:" + s.Key, s.Value)))
            .Build();
        var options = new WorkerOptions();
        WorkerOptionsBinder.Bind(options, configuration.GetSection("Worker"));
        return options;
    }

    private static IReadOnlyList<string> Failures(WorkerOptions options) =>
        new WorkerOptionsValidator().Validate(null, options).Failures?.ToList() ?? [];

    [Theory]
    [InlineData("PollInterval", "0s", "Worker:PollInterval must be at least 5s, was 0s")]
    [InlineData("PollInterval", "4s", "Worker:PollInterval must be at least 5s, was 4s")]
    [InlineData("CatalogPollInterval", "1s", "Worker:CatalogPollInterval must be at least 5s, was 1s")]
    [InlineData("RosterRefreshInterval", "30s", "Worker:RosterRefreshInterval must be at least 1m, was 30s")]
    [InlineData("ReadWait", "1m", "Worker:ReadWait must be at most 30s, was 1m")]
    [InlineData("BatchWindow", "11s", "Worker:BatchWindow must be at most 10s, was 11s")]
    [InlineData("ReadWait", "5ms", "Worker:ReadWait must be at least 10ms, was 5ms")]
    [InlineData("ReadBatchSize", "0", "Worker:ReadBatchSize must be between 1 and 1000, was 0")]
    [InlineData("PollPageSize", "5000", "Worker:PollPageSize must be between 1 and 2000, was 5000")]
    [InlineData("PersonPollLookback", "-1:00:00", "Worker:PersonPollLookback must be at least 0s, was -1h")]
    [InlineData("PollInterval", "5x", "Worker:PollInterval must be a duration like 30s, 5m, 1h, 500ms or 00:00:30, was '5x'")]
    [InlineData("PollInterval", "5", "Worker:PollInterval must be a duration like 30s, 5m, 1h, 500ms or 00:00:30, was '5'")]
    [InlineData("MaxDeliveries", "many", "Worker:MaxDeliveries must be a whole number, was 'many'")]
    [InlineData("SchedulesEnabled", "yes", "Worker:SchedulesEnabled must be true or false, was 'yes'")]
    [InlineData("ReclaimMinIdle", "500ms", "Worker:ReclaimMinIdle must be at least 5s, was 500ms")]
    public void Validate_BadSetting_MessageNamesTheSettingAndShowsTheValue(string key, string value, string expected)
    {
        var failures = Failures(Bind((key, value)));

        Assert.Contains(expected, failures);
    }

    [Fact]
    public void Validate_UnknownKey_IsAnErrorListingTheKnownOnes()
    {
        var failures = Failures(Bind(("PolInterval", "10s")));

        var failure = Assert.Single(failures);
        Assert.StartsWith("Worker:PolInterval is not a known setting; known: ", failure, StringComparison.Ordinal);
        Assert.Contains("PollInterval", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Defaults_NoFailures() => Assert.Empty(Failures(new WorkerOptions()));

    [Fact]
    public void Bind_DurationForms_AllRead()
    {
        var options = Bind(("PollInterval", "45s"), ("CatalogPollInterval", "00:10:00"), ("ReadWait", "250ms"), ("RosterRefreshInterval", "2h"));

        Assert.Equal(
            (TimeSpan.FromSeconds(45), TimeSpan.FromMinutes(10), TimeSpan.FromMilliseconds(250), TimeSpan.FromHours(2)),
            (options.PollInterval, options.CatalogPollInterval, options.ReadWait, options.RosterRefreshInterval));
        Assert.Empty(Failures(options));
    }

    [Fact]
    public async Task Start_BadWorkerSetting_StopsWithTheMessage()
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var host = await StartAsync(s => s.Settings["Worker:PollInterval"] = "0s");
        });

        var lines = RunCommand.Describe(ex);
        Assert.NotNull(lines);
        Assert.Contains("error: Worker:PollInterval must be at least 5s, was 0s", lines);
    }

    [Fact]
    public async Task Start_BadOrganizationId_StopsWithTheMessage()
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var host = await StartAsync(s => s.Settings["Salesforce:OrganizationId"] = "00D-not-an-id");
        });

        Assert.Contains("error: Salesforce:OrganizationId must be a 15- or 18-character Salesforce id, was '00D-not-an-id'", RunCommand.Describe(ex)!);
    }

    [Fact]
    public void Build_ConfigWithErrors_ThrowsWithEveryError()
    {
        using var folder = new TempFolder();
        File.WriteAllText(Path.Combine(folder.Path, "bad.yaml"), """
            version: 1
            teams:
              - id: sr
                role: SR
                members: [ { id: a } ]
            routing:
              - id: r1
                when: {}
                assign: { team: sr, strategy: weighted_robin }
              - id: r2
                when: { stage: mqll }
                assign: { team: srr }
            """);

        var ex = Assert.Throws<ConfigLoadException>(() => Build(
            new TestHostSettings(), new FakeTimeProvider(Monday10Tokyo), new FakeConnector(Core.Model.CrmKind.HubSpot), new FakeConnector(Core.Model.CrmKind.Salesforce), new LogCapture(), folder.Path));

        Assert.True(ex.Errors.Count >= 3, string.Join('\n', ex.Errors));
        Assert.Contains(ex.Errors, e => e.Contains(":9:", StringComparison.Ordinal) && e.Contains("unknown strategy 'weighted_robin'", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains(":11:", StringComparison.Ordinal) && e.Contains("TM0026", StringComparison.Ordinal));
        var lines = RunCommand.Describe(ex)!;
        Assert.EndsWith("error" + (ex.Errors.Count == 1 ? string.Empty : "s") + "; the worker did not start", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_MissingConfigFolder_ExitsOneWithTheError()
    {
        var errors = new StringWriter();
        var missing = Path.Combine(Path.GetTempPath(), "tm-missing-" + Guid.NewGuid().ToString("N"));

        var exit = await RunCommand.RunAsync(new WorkerHostOptions { ConfigDirectory = missing, Urls = "http://127.0.0.1:0", LogOutput = new LogCapture() }, errors, default);

        Assert.Equal(1, exit);
        Assert.Contains(missing, errors.ToString(), StringComparison.Ordinal);
        Assert.Contains("the worker did not start", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigFolder_NothingRequestedAndNoLocalConfig_UsesTheEmbeddedSample()
    {
        using var folder = new TempFolder();

        var resolved = ConfigFolder.Resolve(null, folder.Path);

        Assert.True(resolved.IsEmbeddedSample);
        Assert.True(File.Exists(Path.Combine(resolved.Path, "routing.yaml")));
        Assert.True(File.Exists(Path.Combine(resolved.Path, "lists", "abm-tier1.csv")));
    }

    [Fact]
    public void ConfigFolder_LocalConfigPresent_UsesIt()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(Path.Combine(folder.Path, "config"));

        var resolved = ConfigFolder.Resolve(null, folder.Path);

        Assert.Equal((Path.Combine(folder.Path, "config"), false), (resolved.Path, resolved.IsEmbeddedSample));
    }
}

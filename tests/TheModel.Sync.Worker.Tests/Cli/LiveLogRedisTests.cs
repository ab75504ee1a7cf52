using Microsoft.Extensions.DependencyInjection;
using TheModel.Sync.Application.Pipeline;
using TheModel.Sync.Application.Reporting;
using TheModel.Sync.Redis;
using TheModel.Sync.Redis.Tests.Support;
using TheModel.Sync.Worker.Cli;
using TheModel.Sync.Worker.Tests.Support;

namespace TheModel.Sync.Worker.Tests.Cli;

/// <summary>
/// The live decision log in a real redis-server, as a deployment has it: <c>export-log</c> gives back every line in
/// order, and <c>report --redis</c> computes the same funnel as <c>report --decisions</c> over the exported file.
/// </summary>
public sealed class LiveLogRedisTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tm-live-redis-").FullName;
    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _redis.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task ExportLogThenReport_LiveLogInRedis_SameLinesAndSameFunnelAsTheFile()
    {
        var lines = File.ReadLines(SandboxLog).Where(l => l.Length > 0).ToList();
        var services = new ServiceCollection().AddRedisStores(new RedisStoreOptions { Configuration = _redis.Configuration }).BuildServiceProvider();
        await using (services)
        {
            var log = services.GetRequiredService<IDecisionLog>();
            foreach (var chunk in lines.Chunk(37))
            {
                await log.AppendAsync(chunk, default);
            }
        }

        string[] settings = [$"--Redis:Configuration={_redis.Configuration}"];
        var exported = Path.Combine(_dir, "exported.jsonl");
        var errors = new StringWriter();
        var exit = await ExportLogCommand.RunAsync(exported, null, null, settings, new StringWriter(), errors, showProgress: false, default);
        Assert.True(exit == 0, errors.ToString());
        Assert.Equal(lines, File.ReadLines(exported).ToList());

        var fromRedis = Path.Combine(_dir, "redis.json");
        var fromFile = Path.Combine(_dir, "file.json");
        var redisErrors = new StringWriter();
        Assert.Equal(0, await ReportCommand.RunAsync(new ReportArguments(null, SampleConfig, JsonPath: fromRedis, Redis: true, Settings: settings), new StringWriter(), redisErrors, terminal: false, default));
        Assert.Equal(0, await ReportCommand.RunAsync(new ReportArguments(exported, SampleConfig, JsonPath: fromFile), new StringWriter(), new StringWriter(), terminal: false, default));
        var redisReport = FunnelReportJson.Deserialize(await File.ReadAllTextAsync(fromRedis))!;
        Assert.True(redisReport.Decisions == lines.Count, redisErrors.ToString());
        Assert.True(redisReport.Overall.Stages.Sum(s => s.Entered) > 0, "the funnel of the live log is empty");
        Assert.Equal(await File.ReadAllTextAsync(fromFile), await File.ReadAllTextAsync(fromRedis));
    }

    [Fact]
    public async Task Report_RedisAndFileBoth_ExitsOneWithAMessage()
    {
        var errors = new StringWriter();
        var exit = await ReportCommand.RunAsync(new ReportArguments(SandboxLog, SampleConfig, Redis: true), new StringWriter(), errors, terminal: false, default);
        Assert.Equal(1, exit);
        Assert.Contains("--decisions FILE or read the live one with --redis", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_RedisNotReachable_ExitsOneSayingWhere()
    {
        await _redis.StopAsync();
        var errors = new StringWriter();
        var exit = await ReportCommand.RunAsync(
            new ReportArguments(null, SampleConfig, Redis: true, Settings: [$"--Redis:Configuration={_redis.Configuration}"]), new StringWriter(), errors, terminal: false, default);
        Assert.Equal(1, exit);
        Assert.Contains(_redis.Configuration, errors.ToString(), StringComparison.Ordinal);
    }

    private static string SampleConfig => Path.Combine(TempFolder.RepoRoot(), "config");

    private static string SandboxLog => Path.Combine(TempFolder.RepoRoot(), "tests", "TheModel.Sync.Worker.Tests", "Cli", "ReportCommandTests.sandbox.jsonl");
}

using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using TheModel.Sync.Application.Pipeline.InProcess;
using TheModel.Sync.Worker.Cli;

namespace TheModel.Sync.Worker.Tests.Cli;

/// <summary>
/// <c>export-log</c>: the paging and filtering on an in-process log (the Redis log's paging is the store contract's),
/// and the operator's errors when Redis is missing or unreachable.
/// </summary>
public sealed class ExportLogTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 14, 0, 0, TimeSpan.Zero);

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tm-export-" + Guid.NewGuid().ToString("N"));

    public ExportLogTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Line(int i, DateTimeOffset at) =>
        $"{{\"person\":\"{i}\",\"crm\":\"hubspot\",\"event\":\"poll\",\"at\":\"{at.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)}\"}}";

    [Fact]
    public async Task RunAsync_LogLongerThanAPage_WritesEveryLineInOrderAndNoPartialFile()
    {
        var time = new FakeTimeProvider(T0);
        var log = new InProcessStores(time);
        var lines = Enumerable.Range(1, (DecisionLogSource.PageSize * 2) + 7).Select(i => Line(i, T0)).ToList();
        foreach (var chunk in lines.Chunk(300))
        {
            await log.AppendAsync(chunk, default);
        }

        var target = Path.Combine(_dir, "log.jsonl");
        var errors = new StringWriter();

        var exit = await ExportLogCommand.RunAsync(target, null, null, [], new StringWriter(), errors, showProgress: false, default, log);

        Assert.True(exit == 0, errors.ToString());
        Assert.Equal(lines, await File.ReadAllLinesAsync(target));
        Assert.False(File.Exists(target + ".partial"));
        Assert.Contains($"{lines.Count} decisions exported", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_FromAndTo_KeepOnlyDecisionsMadeInBetween()
    {
        var time = new FakeTimeProvider(T0);
        var log = new InProcessStores(time);
        for (var minute = 0; minute < 6; minute++)
        {
            await log.AppendAsync([Line(minute, T0.AddMinutes(minute))], default);
            time.Advance(TimeSpan.FromMinutes(1));
        }

        var stdout = new StringWriter();

        var exit = await ExportLogCommand.RunAsync(null, "2026-11-27T14:02:00Z", "2026-11-27T23:04:00+09:00", [], stdout, new StringWriter(), showProgress: false, default, log);

        Assert.Equal(0, exit);
        Assert.Equal([Line(2, T0.AddMinutes(2)), Line(3, T0.AddMinutes(3))], stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task RunAsync_ToADate_IncludesThatWholeDayAndNothingAfter()
    {
        var time = new FakeTimeProvider(T0);
        var log = new InProcessStores(time);
        var lastOfDay = new DateTimeOffset(2026, 11, 27, 23, 59, 59, 999, TimeSpan.Zero);
        var nextMidnight = new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero);
        await log.AppendAsync([Line(1, T0), Line(2, lastOfDay), Line(3, nextMidnight)], default);
        var stdout = new StringWriter();

        var exit = await ExportLogCommand.RunAsync(null, null, "2026-11-27", [], stdout, new StringWriter(), showProgress: false, default, log);

        Assert.Equal(0, exit);
        Assert.Equal([Line(1, T0), Line(2, lastOfDay)], stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task RunAsync_FromADate_StartsAtMidnightUtc()
    {
        var time = new FakeTimeProvider(T0);
        var log = new InProcessStores(time);
        await log.AppendAsync([Line(1, T0.AddDays(-1)), Line(2, T0)], default);
        var stdout = new StringWriter();

        var exit = await ExportLogCommand.RunAsync(null, "2026-11-27", null, [], stdout, new StringWriter(), showProgress: false, default, log);

        Assert.Equal(0, exit);
        Assert.Equal([Line(2, T0)], stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task RunAsync_BadFrom_ShowsTheValueAndTheForms()
    {
        var errors = new StringWriter();

        var exit = await ExportLogCommand.RunAsync(null, "yesterday", null, [], new StringWriter(), errors, showProgress: false, default, new InProcessStores(TimeProvider.System));

        Assert.Equal(1, exit);
        Assert.Contains("error: --from 'yesterday' is not a date (2026-11-27) or an ISO 8601 time with an offset", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_RedisNotReachable_SaysWhereItLookedExitOne()
    {
        var errors = new StringWriter();
        var target = Path.Combine(_dir, "log.jsonl");

        var exit = await ExportLogCommand.RunAsync(target, null, null, ["--Redis:Configuration=127.0.0.1:1,connectTimeout=2000"], new StringWriter(), errors, showProgress: false, default);

        Assert.Equal(1, exit);
        Assert.Contains("error: Redis at 127.0.0.1:1", errors.ToString(), StringComparison.Ordinal);
        Assert.Contains("is not reachable", errors.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(target));
        Assert.False(File.Exists(target + ".partial"));
    }

    [Fact]
    public async Task RunAsync_RedisNotConfigured_SaysHowToConfigureIt()
    {
        var errors = new StringWriter();

        // An empty setting on the command line wins over appsettings.json and the environment.
        var exit = await ExportLogCommand.RunAsync(null, null, null, ["--Redis:Configuration="], new StringWriter(), errors, showProgress: false, default);

        Assert.Equal(1, exit);
        Assert.Contains("error: no Redis is configured: set Redis:Configuration in appsettings.json, as the environment variable Redis__Configuration, or pass --Redis:Configuration=HOST:PORT", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_UnknownOption_Refused()
    {
        var errors = new StringWriter();

        var exit = await ExportLogCommand.RunAsync(null, null, null, ["--outt"], new StringWriter(), errors, showProgress: false, default);

        Assert.Equal(1, exit);
        Assert.Contains("error: unrecognized argument '--outt'", errors.ToString(), StringComparison.Ordinal);
    }
}

using System.Text.Json;
using TheModel.Sync.Worker.Cli;
using TheModel.Sync.Worker.Tests.Support;

namespace TheModel.Sync.Worker.Tests.Cli;

/// <summary>
/// <c>report</c> on the first 200 lines of a real sandbox run's decision log (ReportCommandTests.sandbox.jsonl, written
/// with the sample config), checked against numbers counted here straight from the JSON.
/// </summary>
public sealed class ReportCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tm-report-" + Guid.NewGuid().ToString("N"));

    public ReportCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string SampleConfig => Path.Combine(TempFolder.RepoRoot(), "config");

    private static string SandboxLog => Path.Combine(TempFolder.RepoRoot(), "tests", "TheModel.Sync.Worker.Tests", "Cli", "ReportCommandTests.sandbox.jsonl");

    private static async Task<(int Exit, string Out, string Err)> Run(ReportArguments args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await ReportCommand.RunAsync(args, stdout, stderr, terminal: false, CancellationToken.None);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Run_SandboxLog_ReportsTheNumbersInTheLog()
    {
        var json = Path.Combine(_dir, "report.json");
        var html = Path.Combine(_dir, "report.html");

        var (exit, output, errors) = await Run(new ReportArguments(SandboxLog, SampleConfig, HtmlPath: html, JsonPath: json));

        Assert.True(exit == 0, errors);
        Assert.DoesNotContain('\u001b', output);
        Assert.Contains("Funnel", output, StringComparison.Ordinal);
        Assert.Matches(@"(The bottleneck is [a-z]+ → [a-z]+: [0-9.]+% of \d+ (people|person) who entered|No bottleneck: )", output);
        Assert.Contains("<html", File.ReadAllText(html), StringComparison.Ordinal);

        var expected = Count(File.ReadAllLines(SandboxLog));
        using var report = JsonDocument.Parse(File.ReadAllText(json));
        var root = report.RootElement;
        Assert.Equal(expected.Decisions, root.GetProperty("decisions").GetInt32());
        Assert.Equal(expected.People, root.GetProperty("people").GetInt32());
        var routing = root.GetProperty("routing");
        Assert.Equal(expected.Assigned, routing.GetProperty("assignments").GetInt32());
        Assert.Equal(
            expected.ByRule.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}:{kv.Value}"),
            routing.GetProperty("by_rule").EnumerateArray().Select(r => $"{r.GetProperty("rule").GetString()}:{r.GetProperty("count").GetInt32()}").Order(StringComparer.Ordinal));
        Assert.Equal((double)expected.ByRule.GetValueOrDefault("fallback") / expected.Assigned, routing.GetProperty("fallback_rate").GetDouble(), 9);
        var stages = root.GetProperty("overall").GetProperty("stages").EnumerateArray().ToDictionary(s => s.GetProperty("stage").GetString()!, s => s.GetProperty("entered").GetInt32());
        Assert.Equal(expected.EnteredNew, stages["new"]);
        Assert.Equal(expected.EnteredMql, stages["mql"]);
        Assert.True(expected.EnteredNew >= 5 && expected.EnteredMql >= 5, "the sample should exercise the funnel");

        // The terminal shows the same numbers as the JSON.
        Assert.Matches($@"\| new\s+\|\s+{expected.EnteredNew} \|", output);
        Assert.Contains($"{expected.Assigned} assignments;", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_GzipLog_SameReportAsThePlainOne_AndABrokenOneIsOneLine()
    {
        var gz = Path.Combine(_dir, "decisions.jsonl.gz");
        using (var target = File.Create(gz))
        using (var gzip = new System.IO.Compression.GZipStream(target, System.IO.Compression.CompressionLevel.Fastest))
        using (var source = File.OpenRead(SandboxLog))
        {
            source.CopyTo(gzip);
        }

        var plain = Path.Combine(_dir, "plain.json");
        var fromGzip = Path.Combine(_dir, "gzip.json");
        Assert.Equal(0, (await Run(new ReportArguments(SandboxLog, SampleConfig, JsonPath: plain))).Exit);
        var (exit, _, errors) = await Run(new ReportArguments(gz, SampleConfig, JsonPath: fromGzip));
        Assert.True(exit == 0, errors);
        Assert.Equal(File.ReadAllText(plain), File.ReadAllText(fromGzip));

        File.WriteAllBytes(gz, [0x1F, 0x8B, .. "not really gzip"u8]);
        (exit, _, errors) = await Run(new ReportArguments(gz, SampleConfig, JsonPath: fromGzip));
        Assert.Equal(1, exit);
        Assert.StartsWith($"error: --decisions '{gz}' is gzip-compressed but cannot be decompressed: ", errors, StringComparison.Ordinal);
    }

    /// <summary>Counted directly: the sample has one line per person, so each line is a person's first decision.</summary>
    private static (int Decisions, int People, int Assigned, Dictionary<string, int> ByRule, int EnteredNew, int EnteredMql) Count(string[] lines)
    {
        var docs = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        DateTimeOffset Time(JsonElement e, string name) => e.GetProperty(name).GetDateTimeOffset();
        bool IsNull(JsonElement e, string name) => e.GetProperty(name).ValueKind == JsonValueKind.Null;
        string Text(JsonElement e, string name) => e.GetProperty(name).GetString()!;
        Assert.Equal(docs.Count, docs.Select(d => (Text(d, "crm"), Text(d, "person"))).Distinct().Count());

        var windowStart = docs.Min(d => Time(d, "at")).AddHours(-1);
        var assigned = docs.Where(d => Text(d, "outcome") == "assigned").ToList();
        var byRule = assigned.GroupBy(d => IsNull(d, "rule") ? "(none)" : Text(d, "rule")).ToDictionary(g => g.Key, g => g.Count());

        // new: the first observation, at stage_entered_at_before or (for new) the creation, inside the window; or moved
        // back into new by the decision (a recheck), now.
        var enteredNew = docs.Count(d =>
            (Text(d, "stage_before") == "new"
                && (IsNull(d, "stage_entered_at_before") ? Time(d, "created_at") : Time(d, "stage_entered_at_before")) >= windowStart)
            || (Text(d, "stage") == "new" && Text(d, "stage_before") != "new"));

        // mql: moved into mql by the decision, or already there with an entered time inside the window.
        var enteredMql = docs.Count(d =>
            (Text(d, "stage") == "mql" && Text(d, "stage_before") != "mql")
            || (Text(d, "stage_before") == "mql" && !IsNull(d, "stage_entered_at_before") && Time(d, "stage_entered_at_before") >= windowStart));
        return (docs.Count, docs.Count, assigned.Count, byRule, enteredNew, enteredMql);
    }

    [Fact]
    public async Task Run_UnreadableLines_ReportsEachAsFileLineAndExitsTwo()
    {
        var log = Path.Combine(_dir, "log.jsonl");
        File.WriteAllLines(log, [.. File.ReadLines(SandboxLog).Take(3), "{ broken", """{"person":"x","stage":"new"}"""]);
        var json = Path.Combine(_dir, "r.json");

        var (exit, _, errors) = await Run(new ReportArguments(log, SampleConfig, JsonPath: json));

        Assert.Equal(2, exit);
        var lines = errors.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"{log}:4: not JSON: ", lines[0], StringComparison.Ordinal);
        Assert.Equal($"{log}:5: missing 'at'", lines[1]);
        using var report = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal(3, report.RootElement.GetProperty("decisions").GetInt32());
    }

    [Fact]
    public async Task Run_FromToAndPeriod_LimitTheWindowAndSlices()
    {
        var json = Path.Combine(_dir, "r.json");

        var (exit, _, errors) = await Run(new ReportArguments(SandboxLog, SampleConfig, From: "2026-11-27", To: "2026-11-27", Period: "day", JsonPath: json));

        Assert.True(exit == 0, errors);
        using var report = JsonDocument.Parse(File.ReadAllText(json));
        var root = report.RootElement;
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero), root.GetProperty("from").GetDateTimeOffset());
        // Half-open, as export-log's: a --to date runs to the next midnight, not included.
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero), root.GetProperty("to").GetDateTimeOffset());
        Assert.Equal("day", root.GetProperty("period").GetString());
        Assert.Equal(["2026-11-27"], root.GetProperty("periods").EnumerateArray().Select(p => p.GetProperty("key").GetString()));
    }

    [Theory]
    [InlineData("missing-file", null, null, "error: --decisions '{0}': file not found")]
    [InlineData(null, "yesterday", null, "error: --from 'yesterday' is not a date (2026-11-27) or an ISO 8601 time with an offset (2026-11-27T10:00:00+09:00)")]
    [InlineData(null, null, "fortnight", "error: --period 'fortnight' is not one of day, week, month")]
    public async Task Run_BadArguments_ExitOneWithTheBadValue(string? missing, string? from, string? period, string message)
    {
        var decisions = missing is null ? SandboxLog : Path.Combine(_dir, missing);

        var (exit, output, errors) = await Run(new ReportArguments(decisions, SampleConfig, From: from, Period: period));

        Assert.Equal(1, exit);
        Assert.Equal(string.Format(System.Globalization.CultureInfo.InvariantCulture, message, decisions), errors.Trim());
        Assert.Empty(output);
    }

    [Fact]
    public async Task Run_FromAfterTo_ExitsOne()
    {
        var (exit, _, errors) = await Run(new ReportArguments(SandboxLog, SampleConfig, From: "2026-11-28", To: "2026-11-27T00:00:00Z"));

        Assert.Equal(1, exit);
        Assert.Equal("error: --from '2026-11-28' is after --to '2026-11-27T00:00:00Z'", errors.Trim());
    }

    [Fact]
    public async Task Run_BrokenConfig_ExitsOneWithItsErrors()
    {
        var config = Path.Combine(_dir, "bad.yaml");
        File.WriteAllText(config, "version: 1\nreport:\n  benchmarks:\n    mql->new: 5%\n");

        var (exit, _, errors) = await Run(new ReportArguments(SandboxLog, config));

        Assert.Equal(1, exit);
        Assert.Contains($"{config}:4:5: error TM0062", errors, StringComparison.Ordinal);
    }
}

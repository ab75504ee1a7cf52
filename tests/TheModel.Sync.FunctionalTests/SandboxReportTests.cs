using System.Text.Json;
using TheModel.Sync.Application.Tests.Reporting.Chromium;
using TheModel.Sync.FunctionalTests.Support;

namespace TheModel.Sync.FunctionalTests;

/// <summary>
/// The README's main command and the operator's view of it: <c>sandbox</c> on the embedded defaults writes its
/// decision log, <c>report</c> reads it, and the funnel it shows is the traffic the sandbox sent.
/// </summary>
public sealed class SandboxReportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("themodel-sandbox-report-").FullName;

    [Fact]
    public async Task SandboxThenReport_EmbeddedDefaults_FunnelMatchesTheTrafficSent()
    {
        var summaryPath = Path.Combine(_dir, "summary.json");
        var logPath = Path.Combine(_dir, "decisions.jsonl");
        var reportPath = Path.Combine(_dir, "report.json");
        var htmlPath = Path.Combine(_dir, "report.html");

        var (sandboxExit, sandboxOut) = await RunAsync(
            TimeSpan.FromMinutes(4), "sandbox", "--duration", "25s", "--people", "60", "--rate", "20", "--summary", summaryPath, "--decision-log", logPath);
        Assert.True(sandboxExit == 0, $"sandbox exited {sandboxExit}:\n{sandboxOut}");
        var (reportExit, reportOut) = await RunAsync(
            TimeSpan.FromMinutes(2), "report", "--decisions", logPath, "--json", reportPath, "--html", htmlPath);
        Assert.True(reportExit == 0, $"report exited {reportExit}:\n{reportOut}");

        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(summaryPath));
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(reportPath));
        var s = summary.RootElement;
        Assert.Equal(0, s.GetProperty("lost").GetInt32());
        Assert.Equal(0, s.GetProperty("duplicated").GetInt32());
        var sent = Counts(s.GetProperty("stages_sent"));
        var recyclesSent = Counts(s.GetProperty("recycles_sent"));
        var leads = s.GetProperty("leads_created").GetInt32();
        Assert.True(leads >= 300, $"only {leads} leads were created");
        Assert.True(sent.GetValueOrDefault("working") > 20 && sent.GetValueOrDefault("sql") > 0, $"too little traffic moved on: {string.Join(", ", sent)}");

        // Changes the worker itself made into a stage (the engine's recycle rechecks, competitor disqualification)
        // are in the log only; the sandbox sent everything else.
        var engineInto = new Dictionary<string, int>(StringComparer.Ordinal);
        var firstSeen = new Dictionary<string, (string Event, string Stage, DateTimeOffset Entered)>(StringComparer.Ordinal);
        var (firstAt, lastAt) = (DateTimeOffset.MaxValue, DateTimeOffset.MinValue);
        foreach (var line in File.ReadLines(logPath))
        {
            using var d = JsonDocument.Parse(line);
            var before = d.RootElement.GetProperty("stage_before").GetString()!;
            var after = d.RootElement.GetProperty("stage").GetString()!;
            if (before != after)
            {
                engineInto[after] = engineInto.GetValueOrDefault(after) + 1;
            }

            var at = d.RootElement.GetProperty("at").GetDateTimeOffset();
            (firstAt, lastAt) = (at < firstAt ? at : firstAt, at > lastAt ? at : lastAt);
            var who = d.RootElement.GetProperty("crm").GetString() + ":" + d.RootElement.GetProperty("person").GetString();
            var enteredBefore = d.RootElement.TryGetProperty("stage_entered_at_before", out var e) && e.ValueKind == JsonValueKind.String ? e.GetDateTimeOffset() : at;
            firstSeen.TryAdd(who, (d.RootElement.GetProperty("event").GetString()!, before, enteredBefore));
        }

        // People the sandbox did not create, first seen when a lost deal of their account recycled them (seeded people):
        // the report counts the stage they were in as entered when they entered it inside its window.
        var seededInto = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (_, (cause, stage, enteredAt)) in firstSeen)
        {
            if (cause is "opportunity_lost" or "account_churned" && enteredAt >= firstAt.AddHours(-1) && enteredAt <= lastAt)
            {
                seededInto[stage] = seededInto.GetValueOrDefault(stage) + 1;
            }
        }

        foreach (var (stage, count) in seededInto)
        {
            engineInto[stage] = engineInto.GetValueOrDefault(stage) + count;
        }

        var overall = report.RootElement.GetProperty("overall");
        var entered = overall.GetProperty("stages").EnumerateArray()
            .ToDictionary(r => r.GetProperty("stage").GetString()!, r => r.GetProperty("entered").GetInt32(), StringComparer.Ordinal);
        var outOf = $"report {string.Join(", ", entered)}; sent {string.Join(", ", sent)}; engine {string.Join(", ", engineInto)}; leads {leads}";
        Assert.True(leads + engineInto.GetValueOrDefault("new") == entered["new"], outOf);
        Assert.True(sent.GetValueOrDefault("working") + engineInto.GetValueOrDefault("working") == entered["working"], outOf);
        Assert.True(sent.GetValueOrDefault("sql") + engineInto.GetValueOrDefault("sql") == entered["sql"], outOf);
        Assert.True(sent.GetValueOrDefault("customer") + engineInto.GetValueOrDefault("customer") == entered["customer"], outOf);
        Assert.True(sent.GetValueOrDefault("disqualified") + engineInto.GetValueOrDefault("disqualified") == entered["disqualified"], outOf);
        Assert.True(sent.GetValueOrDefault("nurture") + engineInto.GetValueOrDefault("nurture") == entered["nurture"], outOf);

        // Only the sandbox's reps move people from working to sql: the conversion is exactly what they sent (a seeded
        // person first seen in working is recycled, never qualified).
        var workingToSql = overall.GetProperty("conversions").EnumerateArray()
            .Single(c => c.GetProperty("from").GetString() == "working" && c.GetProperty("to").GetString() == "sql");
        Assert.Equal(sent["working"] + seededInto.GetValueOrDefault("working"), workingToSql.GetProperty("entered").GetInt32());
        Assert.Equal(sent["sql"], workingToSql.GetProperty("converted").GetInt32());

        var recycled = report.RootElement.GetProperty("recycles").GetProperty("by_reason").EnumerateArray()
            .ToDictionary(r => r.GetProperty("reason").GetString()!, r => r.GetProperty("recycled").GetInt32(), StringComparer.Ordinal);
        foreach (var (reason, count) in recyclesSent)
        {
            Assert.True(recycled.GetValueOrDefault(reason) == count, $"recycled for {reason}: report {recycled.GetValueOrDefault(reason)}, sent {count}");
        }

        // The bottleneck is named in one sentence, in the terminal output and on the page.
        var sentence = report.RootElement.GetProperty("bottleneck") is { ValueKind: JsonValueKind.Object } b
            ? b.GetProperty("sentence").GetString()!
            : null;
        var html = await File.ReadAllTextAsync(htmlPath);
        if (sentence is not null)
        {
            Assert.Contains(sentence, reportOut, StringComparison.Ordinal);
            Assert.Contains(System.Net.WebUtility.HtmlEncode(sentence), html, StringComparison.Ordinal);
        }

        Assert.Contains("<svg", html, StringComparison.Ordinal);

        // What the page shows in a browser: one bar per stage of the chain with the sandbox's numbers, drawn to scale,
        // and the bottleneck box with the same sentence.
        using var browserTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var url = new Uri(htmlPath).AbsoluteUri;
        await using var chromium = await HeadlessChromium.LaunchAsync(url, browserTimeout.Token);
        var page = await chromium.OpenPageAsync(url, browserTimeout.Token);
        var shown = await page.EvaluateAsync(
            """
            (() => ({
              bars: [...document.querySelectorAll('rect.funnel-bar')].map(r => ({
                stage: r.dataset.stage, entered: Number(r.dataset.entered), width: r.getBoundingClientRect().width })),
              bottleneck: document.querySelector('#bottleneck .sentence')?.innerText ?? null
            }))()
            """,
            browserTimeout.Token);
        var bars = shown.GetProperty("bars").EnumerateArray().ToList();
        Assert.Equal(["new", "mql", "working", "sql", "customer"], bars.Select(b => b.GetProperty("stage").GetString()));
        foreach (var bar in bars)
        {
            var stage = bar.GetProperty("stage").GetString()!;
            Assert.True(entered[stage] == bar.GetProperty("entered").GetInt32(), $"the page's {stage} bar says {bar.GetProperty("entered")}, the report {entered[stage]}");
            var expectedWidth = bars[0].GetProperty("width").GetDouble() * entered[stage] / entered["new"];
            Assert.True(Math.Abs(bar.GetProperty("width").GetDouble() - expectedWidth) < 1.0, $"the {stage} bar is {bar.GetProperty("width")} px, expected {expectedWidth:0.0}");
        }

        Assert.Equal(report.RootElement.GetProperty("bottleneck_sentence").GetString(), shown.GetProperty("bottleneck").GetString());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a killed process: the temp folder is cleaned by the OS.
        }
    }

    private static Dictionary<string, int> Counts(JsonElement element) =>
        element.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32(), StringComparer.Ordinal);

    /// <summary>Runs <c>dotnet themodel-sync.dll ARGS</c> in the temp folder (no ./config there: the embedded sample).</summary>
    private Task<(int Exit, string Output)> RunAsync(TimeSpan timeout, params string[] args) => CliProcess.RunAsync(_dir, timeout, args);
}

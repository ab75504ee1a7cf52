using System.Buffers.Binary;
using System.Text.Json;
using TheModel.Sync.Application.Reporting;
using TheModel.Sync.Application.Tests.Reporting.Chromium;
using TheModel.Sync.Application.Tests.Support;
using static TheModel.Sync.Application.Tests.Reporting.Chromium.FunnelHtmlSamples;

namespace TheModel.Sync.Application.Tests.Reporting;

/// <summary>
/// Opens the page in Debian's headless Chromium and asks the rendered page what a reader sees. A missing browser fails
/// these tests: CI installs it, and a skipped check would pass a broken page.
/// </summary>
public sealed class FunnelHtmlChromiumTests
{
    // Well under a minute, so a hung browser fails the test instead of the CI job's timeout.
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(50);

    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    // Everything the tests want to know about the rendered page, in one evaluation.
    private const string WhatThePageShows = """
        (() => {
          const box = el => { const r = el.getBoundingClientRect(); return { left: r.left, right: r.right, width: r.width, height: r.height }; };
          const bottleneck = document.getElementById('bottleneck');
          const cells = id => Array.from(document.querySelectorAll('#' + id + ' tbody tr'))
            .map(tr => Array.from(tr.children).map(c => c.innerText.trim()));
          return {
            viewportWidth: window.innerWidth,
            documentWidth: document.documentElement.scrollWidth,
            bars: Array.from(document.querySelectorAll('rect.funnel-bar')).map(r => ({
              stage: r.dataset.stage, entered: Number(r.dataset.entered), width: r.getBoundingClientRect().width,
              bottleneck: r.classList.contains('bottleneck') })),
            gaps: Array.from(document.querySelectorAll('g.funnel-gap')).map(g => g.textContent),
            bottleneck: Object.assign(box(bottleneck), {
              text: bottleneck.innerText, visible: getComputedStyle(bottleneck).visibility === 'visible' }),
            chartWidth: document.getElementById('funnel-chart').getBoundingClientRect().width,
            decisions: document.getElementById('decisions').innerText,
            teams: cells('teams-table'),
            members: cells('members-table'),
            slas: cells('slas-table'),
            scripts: document.scripts.length,
            injected: document.querySelectorAll('b, script, img, iframe').length,
            pwned: typeof window.__pwned !== 'undefined',
            resources: performance.getEntriesByType('resource').length,
            title: document.title
          };
        })()
        """;

    [Fact]
    public async Task Render_OpenedInChromium_ShowsTheFunnelTheBottleneckAndTheTables()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        using var dir = new TempDir();
        var file = dir.File("funnel.html", FunnelHtml.Render(WithBottleneck()));
        var url = new Uri(file).AbsoluteUri;

        await using var chromium = await HeadlessChromium.LaunchAsync(url, ct);
        var page = await chromium.OpenPageAsync(url, ct);
        var shown = await page.EvaluateAsync(WhatThePageShows, ct);

        var bars = shown.GetProperty("bars").EnumerateArray().ToList();
        Assert.Equal(["new", "mql", "working", "sql", "customer"], bars.Select(b => b.GetProperty("stage").GetString()));
        Assert.Equal([120, 48, 40, 12, 3], bars.Select(b => b.GetProperty("entered").GetInt32()));
        var widths = bars.Select(b => b.GetProperty("width").GetDouble()).ToList();
        Assert.True(widths[0] > 200, $"the widest bar is drawn {widths[0]} px wide; the chart should fill the page");
        for (var i = 1; i < widths.Count; i++)
        {
            Assert.True(widths[i] < widths[i - 1], $"bar {i} is {widths[i]} px, not shorter than bar {i - 1} at {widths[i - 1]} px");
            var expected = widths[0] * bars[i].GetProperty("entered").GetInt32() / 120.0;
            Assert.True(Math.Abs(widths[i] - expected) < 1.0, $"bar {bars[i].GetProperty("stage")} is {widths[i]} px, expected {expected} px");
        }

        Assert.Equal([false, true, false, true, false], bars.Select(b => b.GetProperty("bottleneck").GetBoolean()));
        Assert.Contains(shown.GetProperty("gaps").EnumerateArray(), g => g.GetString()!.Contains("part of the bottleneck mql → sql", StringComparison.Ordinal));

        var box = shown.GetProperty("bottleneck");
        var viewport = shown.GetProperty("viewportWidth").GetDouble();
        Assert.True(box.GetProperty("width").GetDouble() > 0 && box.GetProperty("height").GetDouble() > 0, $"bottleneck box is {box}");
        Assert.True(box.GetProperty("left").GetDouble() >= 0 && box.GetProperty("right").GetDouble() <= viewport, $"bottleneck box {box} is outside the {viewport} px viewport");
        Assert.True(box.GetProperty("visible").GetBoolean());
        Assert.Contains(BottleneckSentence, box.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("below benchmark", box.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.True(shown.GetProperty("documentWidth").GetDouble() <= viewport, "the page scrolls sideways");

        Assert.Equal("769", shown.GetProperty("decisions").GetString());
        var teams = Rows(shown, "teams");
        Assert.Equal(ScriptTeam, teams[0][0]);
        Assert.Equal(["70", "30", "25", "8", "2"], teams[0][1..6]);
        Assert.Equal(JapaneseTeam, teams[1][0]);
        Assert.Equal([QuotedMember, JapaneseMember], Rows(shown, "members").Select(r => r[0]));
        Assert.Equal(["first-touch", "all teams", "all members", "30", "8", "2", "78.9%", "23 min"], Rows(shown, "slas")[0]);

        Assert.Equal(0, shown.GetProperty("scripts").GetInt32());
        Assert.Equal(0, shown.GetProperty("injected").GetInt32());
        Assert.False(shown.GetProperty("pwned").GetBoolean());
        Assert.Equal(0, shown.GetProperty("resources").GetInt32());
        Assert.Equal("Funnel report, 2026-11-20 00:00:00 UTC to 2026-11-27 00:00:00 UTC", shown.GetProperty("title").GetString());

        var png = await page.CaptureScreenshotAsync(ct);
        Assert.True(png.Length > 1000, $"the screenshot is {png.Length} bytes");
        Assert.Equal(PngSignature, png[..8]);
        Assert.True(BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)) > 0 && BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)) > 0);
    }

    [Fact]
    public async Task Render_EmptyReportOpenedInChromium_DrawsEmptyBarsAndTheNoBottleneckBox()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        using var dir = new TempDir();
        var file = dir.File("empty.html", FunnelHtml.Render(Empty()));
        var url = new Uri(file).AbsoluteUri;

        await using var chromium = await HeadlessChromium.LaunchAsync(url, ct);
        var page = await chromium.OpenPageAsync(url, ct);
        var shown = await page.EvaluateAsync(WhatThePageShows, ct);

        var bars = shown.GetProperty("bars").EnumerateArray().ToList();
        Assert.Equal(5, bars.Count);
        Assert.All(bars, b => Assert.Equal(0, b.GetProperty("width").GetDouble()));
        Assert.True(shown.GetProperty("chartWidth").GetDouble() > 200);
        var box = shown.GetProperty("bottleneck");
        Assert.True(box.GetProperty("height").GetDouble() > 0);
        Assert.Contains(FunnelHtml.NoBottleneckSentence, box.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, shown.GetProperty("resources").GetInt32());
    }

    private static List<string[]> Rows(JsonElement shown, string table) =>
        shown.GetProperty(table).EnumerateArray().Select(r => r.EnumerateArray().Select(c => c.GetString()!).ToArray()).ToList();
}

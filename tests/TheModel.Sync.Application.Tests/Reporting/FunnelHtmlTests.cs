using System.Globalization;
using System.Xml.Linq;
using TheModel.Sync.Application.Reporting;
using TheModel.Sync.Application.Tests.Reporting.Chromium;
using static TheModel.Sync.Application.Tests.Reporting.Chromium.FunnelHtmlSamples;

namespace TheModel.Sync.Application.Tests.Reporting;

public sealed class FunnelHtmlTests
{
    private static readonly string[] ChainStages = ["new", "mql", "working", "sql", "customer"];

    [Fact]
    public void Render_Report_DrawsOneBarPerChainStageProportionalToEntered()
    {
        var page = Parse(FunnelHtml.Render(WithBottleneck()));

        var bars = page.WithClass("funnel-bar").ToList();

        Assert.Equal(ChainStages, bars.Select(b => b.Attr("data-stage")));
        Assert.Equal(["120", "48", "40", "12", "3"], bars.Select(b => b.Attr("data-entered")));
        var widths = bars.Select(b => double.Parse(b.Attr("width"), CultureInfo.InvariantCulture)).ToList();
        Assert.Equal([400, 160, 133.33, 40, 10], widths);
    }

    [Fact]
    public void Render_Report_WritesConversionsBetweenBarsWithTheirBenchmarks()
    {
        var page = Parse(FunnelHtml.Render(WithoutBottleneck()));

        var gaps = page.WithClass("funnel-gap").ToList();

        Assert.Equal(["new→mql", "mql→working", "working→sql", "sql→customer"], gaps.Select(g => g.Attr("data-from") + "→" + g.Attr("data-to")));
        Assert.Equal("↓ 40.0% went on to mql · benchmark 15.0%", gaps[0].Value);
        Assert.Equal("↓ 83.3% went on to working", gaps[1].Value);
        Assert.Equal("↓ 25.0% went on to customer (won) · benchmark 25.0%", gaps[3].Value);
        Assert.All(gaps, g => Assert.Equal("false", g.Attr("data-below-benchmark")));
    }

    [Fact]
    public void Render_Bottleneck_CallsItOutAndMarksItsBarsAndGaps()
    {
        var page = Parse(FunnelHtml.Render(WithBottleneck()));

        var box = page.ById("bottleneck");
        Assert.True(box.HasClass("alert"));
        Assert.Equal("Bottleneck: mql → sql", box.Element("h2")!.Value);
        Assert.Equal(BottleneckSentence, box.WithClass("sentence").Single().Value);
        Assert.Equal("12 of 48 went on (25.0%) against a benchmark of 40.0%: −15.0 pts, below benchmark.", box.WithClass("figures").Single().Value);
        Assert.Equal(["mql", "sql"], page.WithClass("funnel-bar").Where(b => b.HasClass("bottleneck")).Select(b => b.Attr("data-stage")));
        var gaps = page.WithClass("funnel-gap").Where(g => g.HasClass("bottleneck")).ToList();
        Assert.Equal(["mql", "working"], gaps.Select(g => g.Attr("data-from")));
        Assert.All(gaps, g => Assert.EndsWith("part of the bottleneck mql → sql", g.Value, StringComparison.Ordinal));
        var row = page.ById("conversions").Descendants("tr").Single(r => (string?)r.Attribute("data-from") == "mql" && (string?)r.Attribute("data-to") == "sql");
        Assert.Equal("▼ below benchmark (−15.0 pts) — the bottleneck", row.Elements("td").Last().Value);
    }

    [Fact]
    public void Render_BottleneckBetweenConsecutiveStages_NamesThatGapTheBottleneck()
    {
        var report = WithBottleneck() with
        {
            Overall = Overall() with
            {
                Conversions = [new Conversion("sql", "customer", 12, 1, 1.0 / 12, 0.25)],
            },
            Bottleneck = new Bottleneck("sql", "customer", 1.0 / 12, 0.25, 12, 1, "The bottleneck is sql → won."),
        };

        var page = Parse(FunnelHtml.Render(report));

        var gap = page.WithClass("funnel-gap").Single(g => g.HasClass("bottleneck"));
        Assert.Equal("sql", gap.Attr("data-from"));
        Assert.Equal("true", gap.Attr("data-below-benchmark"));
        Assert.Equal("↓ 8.3% went on to customer (won) · benchmark 25.0% · below benchmark · the bottleneck", gap.Value);
        Assert.Equal(["sql", "customer"], page.WithClass("funnel-bar").Where(b => b.HasClass("bottleneck")).Select(b => b.Attr("data-stage")));
    }

    [Fact]
    public void Render_BottleneckNamingWon_MarksTheCustomerBar()
    {
        var report = WithBottleneck() with { Bottleneck = new Bottleneck("sql", "won", 0.1, 0.25, 12, 1, "sql → won is slow.") };

        var page = Parse(FunnelHtml.Render(report));

        Assert.Equal(["sql", "customer"], page.WithClass("funnel-bar").Where(b => b.HasClass("bottleneck")).Select(b => b.Attr("data-stage")));
        Assert.Equal("Bottleneck: sql → customer (won)", page.ById("bottleneck").Element("h2")!.Value);
        Assert.Equal("bottleneck", page.ById("conversions").Descendants("tr").Single(r => (string?)r.Attribute("data-to") == "customer").Attr("class"));
    }

    [Fact]
    public void Render_BottleneckOffTheChain_CallsItOutWithoutMarkingBars()
    {
        var report = WithBottleneck() with { Bottleneck = new Bottleneck("nurture", "mql", 0.05, 0.2, 15, 1, "Few come back from nurture.") };

        var page = Parse(FunnelHtml.Render(report));

        Assert.Equal("Few come back from nurture.", page.ById("bottleneck").WithClass("sentence").Single().Value);
        Assert.DoesNotContain(page.WithClass("funnel-bar"), b => b.HasClass("bottleneck"));
        Assert.DoesNotContain(page.WithClass("funnel-gap"), g => g.HasClass("bottleneck"));
    }

    [Fact]
    public void Render_NoBottleneck_SaysNoStageIsBelowItsBenchmark()
    {
        var page = Parse(FunnelHtml.Render(WithoutBottleneck()));

        var box = page.ById("bottleneck");

        Assert.True(box.HasClass("clear"));
        Assert.Equal("No stage is below its benchmark.", box.WithClass("sentence").Single().Value);
        Assert.DoesNotContain(page.Descendants(), e => e.HasClass("bottleneck"));
    }

    [Fact]
    public void Render_HostileNames_AreEncodedAndShownAsText()
    {
        var html = FunnelHtml.Render(WithBottleneck());
        var page = Parse(html);

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;window.__pwned = 1&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Equal([ScriptTeam, JapaneseTeam], page.ById("teams-table").Descendants("tbody").Single().Elements("tr").Select(r => r.Element("th")!.Value));
        Assert.Equal([QuotedMember, JapaneseMember], page.ById("members-table").Descendants("tr").Skip(1).Select(r => r.Attr("data-key")));
        Assert.Equal(["fallback-<queue>"], page.ById("routing-rules").Descendants("tr").Where(r => r.Attribute("data-rule") is not null).Skip(1).Select(r => r.Element("th")!.Value));
        Assert.Equal("timing & budget", page.ById("recycles-table").Descendants("tr").Last().Element("th")!.Value);
        // Japanese stays readable in the file: the page is UTF-8, not a wall of character references.
        Assert.Contains(JapaneseMember, html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Report_ReferencesNothingOutsideThePage()
    {
        var html = FunnelHtml.Render(WithBottleneck());
        var page = Parse(html);

        Assert.DoesNotContain(page.Descendants(), e => e.Name.LocalName is "script" or "link" or "img" or "iframe" or "object" or "embed");
        Assert.DoesNotContain(page.Descendants(), e => e.Attribute("src") is not null);
        Assert.All(page.Descendants("a"), a => Assert.StartsWith("#", a.Attr("href"), StringComparison.Ordinal));
        Assert.DoesNotContain("@import", html, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Report_ShowsTheWindowAndTheModelsNumbersInItsTables()
    {
        var page = Parse(FunnelHtml.Render(WithBottleneck()));

        Assert.Equal("2026-11-20 00:00:00 UTC", page.ById("window-from").Value);
        Assert.Equal("2026-11-27 00:00:00 UTC", page.ById("window-to").Value);
        Assert.Equal("769", page.ById("decisions").Value);
        Assert.Equal("120", page.ById("people").Value);
        Assert.Equal("2026-11-19.1, 2026-11-26.2", page.ById("config-versions").Value);
        Assert.Equal(["mql", "48", "44", "1 d", "3 d"], Row(page, "time-in-stage-table", "data-stage", "mql"));
        Assert.Equal(["customer (won)", "3", "0", "–", "–"], Row(page, "time-in-stage-table", "data-stage", "customer"));
        Assert.Equal(
            ["first-touch", "all teams", "all members", "30", "8", "2", "78.9%", "23 min"],
            Row(page, "slas-table", "data-team", ""));
        Assert.Equal(["no-response", "11", "7", "3", "1"], Row(page, "recycles-table", "data-reason", "no-response"));
        Assert.Equal("96", page.ById("assignments").Value);
        Assert.Equal("6.3%", page.ById("queue-rate").Value);
        Assert.Equal("12.5%", page.ById("fallback-rate").Value);
        Assert.Equal(["enterprise-by-region", "60", "62.5%"], Row(page, "routing-rules", "data-rule", "enterprise-by-region"));
        Assert.Equal(
            [ScriptTeam, "weighted", QuotedMember, "40", "57.1%", "60.0%", "−2.9 pts"],
            Row(page, "shares-table", "data-member", QuotedMember));
        Assert.Equal(
            ["2026-11-27", "50", "18", "15", "4", "1", "0", "0", "36.0% 18/50", "22.2% 4/18 ▼ below"],
            Row(page, "periods-table", "data-key", "2026-11-27"));
    }

    [Fact]
    public void Render_EmptyReport_RendersZerosWithoutDividingByZero()
    {
        var html = FunnelHtml.Render(Empty());
        var page = Parse(html);

        Assert.Equal(["0", "0", "0", "0", "0"], page.WithClass("funnel-bar").Select(b => b.Attr("data-entered")));
        Assert.All(page.WithClass("funnel-bar"), b => Assert.Equal("0", b.Attr("width")));
        Assert.Equal("–", page.ById("window-from").Value);
        Assert.Equal("0", page.ById("decisions").Value);
        Assert.Equal("–", page.ById("queue-rate").Value);
        Assert.NotNull(page.ById("no-decisions"));
        Assert.Equal("↓ – went on to mql (no one entered new) · benchmark 15.0%", page.WithClass("funnel-gap").First().Value);
        Assert.Equal("No stage is below its benchmark.", page.ById("bottleneck").WithClass("sentence").Single().Value);
        Assert.DoesNotContain("NaN", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Infinity", html, StringComparison.Ordinal);
        Assert.DoesNotContain("∞", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("de-DE")]
    [InlineData("ja-JP")]
    [InlineData("ar-SA")]
    public void Render_UnderAnotherCulture_WritesTheSamePageAsInvariant(string culture)
    {
        var invariant = RenderUnder(CultureInfo.InvariantCulture);

        var page = RenderUnder(CultureInfo.GetCultureInfo(culture));

        Assert.Equal(invariant, page);
        Assert.Contains("2026-11-20 00:00:00 UTC", page, StringComparison.Ordinal);
        Assert.Contains(">25.0%<", page, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_NullReport_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => FunnelHtml.Render(null!));
    }

    [Theory]
    [InlineData(null, "–")]
    [InlineData(double.NaN, "–")]
    [InlineData(0.0, "0 s")]
    [InlineData(45.4, "45 s")]
    [InlineData(750.0, "12.5 min")]
    [InlineData(11_520.0, "3.2 h")]
    [InlineData(354_240.0, "4.1 d")]
    public void Duration_Seconds_ReadsInTheLargestSensibleUnit(double? seconds, string expected)
    {
        Assert.Equal(expected, FunnelHtmlText.Duration(seconds));
    }

    [Theory]
    [InlineData(0.415, "41.5%")]
    [InlineData(1.0, "100.0%")]
    [InlineData(double.PositiveInfinity, "–")]
    [InlineData(null, "–")]
    public void Percent_Fraction_WritesOneDecimal(double? fraction, string expected)
    {
        Assert.Equal(expected, FunnelHtmlText.Percent(fraction));
    }

    [Theory]
    [InlineData(0.25, "+25.0 pts")]
    [InlineData(-0.15, "−15.0 pts")]
    [InlineData(0.0, "0.0 pts")]
    public void Points_Difference_IsSigned(double difference, string expected)
    {
        Assert.Equal(expected, FunnelHtmlText.Points(difference));
    }

    [Fact]
    public void Encode_EveryCharacterThatBreaksOutOfTextOrAnAttribute_IsEscaped()
    {
        Assert.Equal("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt; 東京", FunnelHtmlText.Encode("<a href=\"x\" title='y'>&</a> 東京"));
    }

    private static string RenderUnder(CultureInfo culture)
    {
        var (before, beforeUi) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        try
        {
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = culture;
            return FunnelHtml.Render(WithBottleneck());
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
            CultureInfo.CurrentUICulture = beforeUi;
        }
    }

    private static List<string> Row(XDocument page, string tableId, string attribute, string value) =>
        page.ById(tableId).Descendants("tr")
            .Single(r => (string?)r.Attribute(attribute) == value)
            .Elements().Select(cell => string.Join(" ", cell.DescendantNodes().OfType<XText>().Select(t => t.Value.Trim()).Where(t => t.Length > 0)))
            .ToList();
}

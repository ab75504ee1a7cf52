using System.Xml;
using System.Xml.Linq;
using TheModel.Sync.Application.Reporting;

namespace TheModel.Sync.Application.Tests.Reporting.Chromium;

/// <summary>
/// Funnel reports built by hand, with names an operator or a CRM could really send, and a reader for the page; shared by
/// the browser test and the plain ones.
/// </summary>
internal static class FunnelHtmlSamples
{
    public const string ScriptTeam = "<script>window.__pwned = 1</script>";
    public const string QuotedMember = "O'Brien & \"Sons\" <b>";
    public const string JapaneseTeam = "東京チーム";
    public const string JapaneseMember = "山田 太郎";

    public const string BottleneckSentence =
        "The bottleneck is mql → sql: 25.0% of the 48 people who entered mql reached sql, against a benchmark of 40%.";

    public static readonly DateTimeOffset From = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset To = new(2026, 11, 27, 0, 0, 0, TimeSpan.Zero);

    /// <summary>120 new people, a bottleneck between mql and sql, and hostile names in every table that shows names.</summary>
    public static FunnelReport WithBottleneck() => Report(
        new Bottleneck("mql", "sql", 0.25, 0.40, 48, 12, BottleneckSentence));

    public static FunnelReport WithoutBottleneck() => Report(null);

    /// <summary>What a report of an empty log looks like: nothing entered, nothing converted, rates unknown.</summary>
    public static FunnelReport Empty() => new(
        null,
        null,
        "week",
        0,
        0,
        [],
        new FunnelSlice("all", [], [new Conversion("new", "mql", 0, 0, null, 0.15), new Conversion("mql", "sql", 0, 0, null, 0.40)]),
        [],
        [],
        [],
        [],
        new RecycleSummary([]),
        new RoutingSummary(0, [], double.NaN, 0, []),
        null,
        FunnelHtml.NoBottleneckSentence,
        []);

    public static FunnelReport Report(Bottleneck? bottleneck) => new(
        From,
        To,
        "week",
        769,
        120,
        ["2026-11-19.1", "2026-11-26.2"],
        Overall(),
        [Slice("2026-11-20", 70, 30, 25, 8, 2), Slice("2026-11-27", 50, 18, 15, 4, 1)],
        [Slice(ScriptTeam, 70, 30, 25, 8, 2), Slice(JapaneseTeam, 50, 18, 15, 4, 1)],
        [Slice(QuotedMember, 40, 20, 17, 6, 1), Slice(JapaneseMember, 30, 10, 8, 2, 1)],
        [
            new SlaRow("first-touch", null, null, 30, 8, 2, 1_380),
            new SlaRow("first-touch", JapaneseTeam, JapaneseMember, 12, 3, 1, 2_700),
            new SlaRow("first-touch", ScriptTeam, QuotedMember, 18, 5, 1, 600),
        ],
        new RecycleSummary([new RecycleRow("no-response", 11, 7, 3, 1), new RecycleRow("timing & budget", 4, 2, 1, 0)]),
        new RoutingSummary(
            96,
            [new RuleCount("enterprise-by-region", 60), new RuleCount("fallback-<queue>", 36)],
            0.0625,
            0.125,
            [
                new ShareRow(ScriptTeam, "weighted", QuotedMember, 40, 0.5714, 0.6),
                new ShareRow(ScriptTeam, "weighted", JapaneseMember, 30, 0.4286, 0.4),
            ]),
        bottleneck,
        bottleneck?.Sentence ?? FunnelHtml.NoBottleneckSentence,
        []);

    public static FunnelSlice Overall() => new(
        "all",
        [
            new StageRow("new", 120, 110, 3_600, 14_400),
            new StageRow("mql", 48, 44, 86_400, 259_200),
            new StageRow("working", 40, 30, 172_800, 604_800),
            new StageRow("sql", 12, 6, 432_000, 1_209_600),
            new StageRow("customer", 3, 0, null, null),
            new StageRow("nurture", 15, 4, 1_209_600, 2_419_200),
            new StageRow("disqualified", 6, 0, null, null),
        ],
        [
            new Conversion("new", "mql", 120, 48, 0.40, 0.15),
            new Conversion("mql", "working", 48, 40, 40.0 / 48, null),
            new Conversion("working", "sql", 40, 12, 0.30, null),
            new Conversion("sql", "customer", 12, 3, 0.25, 0.25),
            new Conversion("mql", "sql", 48, 12, 0.25, 0.40),
        ]);

    public static FunnelSlice Slice(string key, int neu, int mql, int working, int sql, int customer) => new(
        key,
        [
            new StageRow("new", neu, neu, 3_600, 7_200),
            new StageRow("mql", mql, mql, 86_400, 172_800),
            new StageRow("working", working, working, 172_800, 345_600),
            new StageRow("sql", sql, sql, 432_000, 864_000),
            new StageRow("customer", customer, 0, null, null),
        ],
        [
            new Conversion("new", "mql", neu, mql, (double)mql / neu, 0.15),
            new Conversion("mql", "sql", mql, sql, (double)sql / mql, 0.40),
        ]);

    /// <summary>The page read as XML: it is written well-formed, so the tests can query it without a browser.</summary>
    public static XDocument Parse(string html)
    {
        using var reader = XmlReader.Create(new StringReader(html), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        return XDocument.Load(reader);
    }

    public static XElement ById(this XDocument page, string id) =>
        page.Descendants().SingleOrDefault(e => (string?)e.Attribute("id") == id)
        ?? throw new InvalidOperationException($"the page has no element with id=\"{id}\"");

    public static IEnumerable<XElement> WithClass(this XContainer page, string cssClass) =>
        page.Descendants().Where(e => HasClass(e, cssClass));

    public static bool HasClass(this XElement element, string cssClass) =>
        ((string?)element.Attribute("class") ?? "").Split(' ').Contains(cssClass);

    public static string Attr(this XElement element, string name) =>
        (string?)element.Attribute(name) ?? throw new InvalidOperationException($"<{element.Name}> has no {name} attribute");
}

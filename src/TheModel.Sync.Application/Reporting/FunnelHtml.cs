using System.Globalization;
using System.Text;
using static TheModel.Sync.Application.Reporting.FunnelHtmlText;

namespace TheModel.Sync.Application.Reporting;

/// <summary>
/// The funnel report as one self-contained HTML page (<c>report --html FILE</c>): inline CSS and SVG, no script, and
/// a content security policy that forbids every fetch, so the page opens the same from a mail attachment, an
/// air-gapped laptop or a CI artifact. The markup is also well-formed XML, which lets tests read it without a browser.
/// </summary>
public static class FunnelHtml
{
    /// <summary>Shown in the bottleneck box when no conversion falls below its benchmark.</summary>
    internal const string NoBottleneckSentence = "No stage is below its benchmark.";

    /// <summary>THE MODEL's chain, the stages the chart draws as bars.</summary>
    internal static readonly IReadOnlyList<string> Chain = ["new", "mql", "working", "sql", "customer"];

    // The chain, then the two ways out of it; a stage the report did not expect goes after these, in its own order.
    private static readonly IReadOnlyList<string> KnownStages = ["new", "mql", "working", "sql", "customer", "nurture", "disqualified"];

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Render(FunnelReport report)
    {
        ArgumentNullException.ThrowIfNull(report);

        var sb = new StringBuilder(32 * 1024);
        var title = $"Funnel report, {Timestamp(report.From)} to {Timestamp(report.To)}";
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\" />");
        sb.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />");
        // Belt and braces for "no network": even a name that escaped encoding could not load or run anything.
        sb.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\" />");
        sb.Append(Inv, $"<title>{Encode(title)}</title><style>{FunnelHtmlStyle.Css}</style></head>\n<body><main>");

        WriteHeader(sb, report);
        WriteContents(sb);
        WriteBottleneck(sb, report);
        WriteFunnel(sb, report);
        WriteTimeInStage(sb, report.Overall);

        var stageColumns = StageColumns(report);
        WriteSection(sb, "teams", "Teams", "The funnel per team: people entering each stage and the conversions between them.", () =>
            WriteSliceTable(sb, "teams-table", "Team", report.Teams, stageColumns, ConversionColumns(report.Overall, report.Teams), "No team was assigned anyone in this window."));
        WriteSection(sb, "members", "Members", "The same funnel per member.", () =>
            WriteSliceTable(sb, "members-table", "Member", report.Members, stageColumns, ConversionColumns(report.Overall, report.Members), "No member was assigned anyone in this window."));
        WriteSlas(sb, report.Slas);
        WriteRecycles(sb, report.Recycles);
        WriteRouting(sb, report.Routing);
        WriteShares(sb, report.Routing.Shares);
        WriteSection(sb, "periods", "Periods", "The funnel per period, to see whether a change helped.", () =>
            WriteSliceTable(sb, "periods-table", "Period", report.Periods, stageColumns, ConversionColumns(report.Overall, report.Periods), "No periods in this window."));

        sb.Append("<footer><p>A conversion is the share of the people who entered a stage and later reached the next stage ");
        sb.Append("or a later one. Times in stage count completed stays only. ▼ marks a conversion below its benchmark.</p></footer>");
        sb.Append("</main></body></html>\n");
        return sb.ToString();
    }

    /// <summary>What the page calls a stage: the chain's last stage is THE MODEL's "won".</summary>
    internal static string StageLabel(string stage) => ChainIndex(stage) == Chain.Count - 1 ? "customer (won)" : stage;

    /// <summary>The stage's position in the chain; benchmarks may say "won" for customer.</summary>
    internal static int ChainIndex(string stage)
    {
        for (var i = 0; i < Chain.Count; i++)
        {
            if (string.Equals(Chain[i], stage, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return string.Equals(stage, "won", StringComparison.OrdinalIgnoreCase) ? Chain.Count - 1 : -1;
    }

    private static bool SameStage(string a, string b) =>
        string.Equals(a, b, StringComparison.Ordinal) || (ChainIndex(a) >= 0 && ChainIndex(a) == ChainIndex(b));

    private static void WriteHeader(StringBuilder sb, FunnelReport report)
    {
        sb.Append("<header id=\"window\"><h1>Funnel report</h1>");
        sb.Append(Inv, $"<p class=\"window\"><span id=\"window-from\">{Timestamp(report.From)}</span> to <span id=\"window-to\">{Timestamp(report.To)}</span></p>");
        sb.Append("<dl class=\"facts\">");
        sb.Append(Inv, $"<div><dt>Decisions</dt><dd id=\"decisions\">{Count(report.Decisions)}</dd></div>");
        sb.Append(Inv, $"<div><dt>People</dt><dd id=\"people\">{Count(report.People)}</dd></div>");
        sb.Append("<div><dt>Config versions</dt><dd id=\"config-versions\">");
        if (report.ConfigVersions.Count == 0)
        {
            sb.Append(None);
        }
        else
        {
            sb.AppendJoin(", ", report.ConfigVersions.Select(v => $"<code class=\"config-version\">{Encode(v)}</code>"));
        }

        sb.Append("</dd></div></dl>");
        if (report.Decisions == 0)
        {
            sb.Append("<p id=\"no-decisions\" class=\"empty\">The decision log holds no decisions in this window, so every count below is zero.</p>");
        }

        sb.Append("</header>");
    }

    private static void WriteContents(StringBuilder sb)
    {
        (string Id, string Title)[] parts =
        [
            ("bottleneck", "Bottleneck"), ("funnel", "Funnel"), ("time-in-stage", "Time in stage"), ("teams", "Teams"),
            ("members", "Members"), ("slas", "SLAs"), ("recycles", "Recycles"), ("routing", "Routing"), ("shares", "Shares"),
            ("periods", "Periods"),
        ];
        sb.Append("<nav aria-label=\"Contents\"><ul>");
        foreach (var (id, text) in parts)
        {
            sb.Append(Inv, $"<li><a href=\"#{id}\">{text}</a></li>");
        }

        sb.Append("</ul></nav>");
    }

    private static void WriteBottleneck(StringBuilder sb, FunnelReport report)
    {
        if (report.Bottleneck is not { } b)
        {
            sb.Append("<section id=\"bottleneck\" class=\"callout clear\" data-from=\"\" data-to=\"\">");
            sb.Append("<h2>No bottleneck</h2>");
            sb.Append(Inv, $"<p class=\"sentence\">{Encode(string.IsNullOrEmpty(report.BottleneckSentence) ? NoBottleneckSentence : report.BottleneckSentence)}</p></section>");
            return;
        }

        sb.Append(Inv, $"<section id=\"bottleneck\" class=\"callout alert\" data-from=\"{Encode(b.From)}\" data-to=\"{Encode(b.To)}\" ");
        sb.Append(Inv, $"data-rate=\"{Raw(b.Rate)}\" data-benchmark=\"{Raw(b.Benchmark)}\">");
        sb.Append(Inv, $"<h2>Bottleneck: {Encode(StageLabel(b.From))} → {Encode(StageLabel(b.To))}</h2>");
        sb.Append(Inv, $"<p class=\"sentence\">{Encode(b.Sentence)}</p>");
        sb.Append(Inv, $"<p class=\"figures\">{Count(b.Converted)} of {Count(b.Entered)} went on ({Percent(b.Rate)}) against a benchmark of ");
        sb.Append(Inv, $"{Percent(b.Benchmark)}: <strong>{Points(b.Rate - b.Benchmark)}, below benchmark</strong>.</p></section>");
    }

    private static void WriteFunnel(StringBuilder sb, FunnelReport report)
    {
        sb.Append("<section id=\"funnel\"><h2>Funnel</h2>");
        sb.Append("<p class=\"lead\">People entering each stage of the chain; between the bars, the share who went on.</p>");
        sb.Append("<figure class=\"chart\">");
        FunnelHtmlChart.Write(sb, report.Overall, report.Bottleneck);
        sb.Append("<figcaption>Bar length is proportional to the people who entered the stage.");
        if (report.Bottleneck is not null)
        {
            sb.Append(" Striped bars and a bar beside the gap mark the bottleneck.");
        }

        sb.Append("</figcaption></figure>");

        var conversions = report.Overall.Conversions;
        if (conversions.Count == 0)
        {
            sb.Append("<p class=\"empty\">No conversions to show.</p></section>");
            return;
        }

        sb.Append("<div class=\"table-wrap\"><table id=\"conversions\"><caption>Conversions</caption><thead><tr>");
        sb.Append("<th scope=\"col\">From → to</th><th scope=\"col\" class=\"num\">Entered</th><th scope=\"col\" class=\"num\">Went on</th>");
        sb.Append("<th scope=\"col\" class=\"num\">Rate</th><th scope=\"col\" class=\"num\">Benchmark</th><th scope=\"col\">Against benchmark</th>");
        sb.Append("</tr></thead><tbody>");
        foreach (var c in conversions)
        {
            var isBottleneck = report.Bottleneck is { } b && SameStage(b.From, c.From) && SameStage(b.To, c.To);
            sb.Append(Inv, $"<tr data-from=\"{Encode(c.From)}\" data-to=\"{Encode(c.To)}\"{(isBottleneck ? " class=\"bottleneck\"" : "")}>");
            sb.Append(Inv, $"<th scope=\"row\">{Encode(StageLabel(c.From))} → {Encode(StageLabel(c.To))}</th>");
            sb.Append(Inv, $"<td class=\"num\">{Count(c.Entered)}</td><td class=\"num\">{Count(c.Converted)}</td>");
            sb.Append(Inv, $"<td class=\"num\">{Percent(c.Rate)}</td><td class=\"num\">{Percent(c.Benchmark)}</td>");
            sb.Append(Inv, $"<td>{Verdict(c)}{(isBottleneck ? " — the bottleneck" : "")}</td></tr>");
        }

        sb.Append("</tbody></table></div></section>");
    }

    private static string Verdict(Conversion c) => (c.Rate, c.Benchmark) switch
    {
        (_, null) => "no benchmark",
        (null, _) => "no one entered",
        ({ } rate, { } benchmark) when rate < benchmark => $"<span class=\"below\">▼ below benchmark</span> ({Points(rate - benchmark)})",
        ({ } rate, { } benchmark) => $"meets benchmark ({Points(rate - benchmark)})",
    };

    private static void WriteTimeInStage(StringBuilder sb, FunnelSlice overall)
    {
        sb.Append("<section id=\"time-in-stage\"><h2>Time in stage</h2>");
        if (overall.Stages.Count == 0)
        {
            sb.Append("<p class=\"empty\">No one entered a stage in this window.</p></section>");
            return;
        }

        sb.Append("<div class=\"table-wrap\"><table id=\"time-in-stage-table\"><thead><tr><th scope=\"col\">Stage</th>");
        sb.Append("<th scope=\"col\" class=\"num\">Entered</th><th scope=\"col\" class=\"num\">Completed stays</th>");
        sb.Append("<th scope=\"col\" class=\"num\">Median</th><th scope=\"col\" class=\"num\">p90</th></tr></thead><tbody>");
        foreach (var row in overall.Stages)
        {
            sb.Append(Inv, $"<tr data-stage=\"{Encode(row.Stage)}\"><th scope=\"row\">{Encode(StageLabel(row.Stage))}</th>");
            sb.Append(Inv, $"<td class=\"num\">{Count(row.Entered)}</td><td class=\"num\">{Count(row.StaysCompleted)}</td>");
            sb.Append(Inv, $"<td class=\"num\" data-seconds=\"{Raw(row.MedianSeconds)}\">{Duration(row.MedianSeconds)}</td>");
            sb.Append(Inv, $"<td class=\"num\" data-seconds=\"{Raw(row.P90Seconds)}\">{Duration(row.P90Seconds)}</td></tr>");
        }

        sb.Append("</tbody></table></div></section>");
    }

    private static void WriteSliceTable(
        StringBuilder sb,
        string id,
        string keyHeader,
        IReadOnlyList<FunnelSlice> slices,
        IReadOnlyList<string> stageColumns,
        IReadOnlyList<(string From, string To)> conversionColumns,
        string emptyText)
    {
        if (slices.Count == 0)
        {
            sb.Append(Inv, $"<p class=\"empty\">{Encode(emptyText)}</p>");
            return;
        }

        sb.Append(Inv, $"<div class=\"table-wrap\"><table id=\"{id}\" class=\"slices\"><thead><tr><th scope=\"col\">{keyHeader}</th>");
        foreach (var stage in stageColumns)
        {
            sb.Append(Inv, $"<th scope=\"col\" class=\"num\">{Encode(StageLabel(stage))}</th>");
        }

        foreach (var (from, to) in conversionColumns)
        {
            sb.Append(Inv, $"<th scope=\"col\" class=\"num\">{Encode(from)} → {Encode(to)}</th>");
        }

        sb.Append("</tr></thead><tbody>");
        foreach (var slice in slices)
        {
            sb.Append(Inv, $"<tr data-key=\"{Encode(slice.Key)}\"><th scope=\"row\">{Encode(slice.Key)}</th>");
            foreach (var stage in stageColumns)
            {
                var entered = slice.Stages.FirstOrDefault(r => r.Stage == stage)?.Entered ?? 0;
                sb.Append(Inv, $"<td class=\"num\" data-stage=\"{Encode(stage)}\">{Count(entered)}</td>");
            }

            foreach (var (from, to) in conversionColumns)
            {
                var c = slice.Conversions.FirstOrDefault(c => c.From == from && c.To == to);
                var below = c is { Rate: { } rate, Benchmark: { } benchmark } && rate < benchmark;
                sb.Append(Inv, $"<td class=\"num rate{(below ? " below" : "")}\" data-from=\"{Encode(from)}\" data-to=\"{Encode(to)}\" data-rate=\"{Raw(c?.Rate)}\">");
                sb.Append(c is null ? None : Percent(c.Rate));
                if (c is not null)
                {
                    sb.Append(Inv, $" <small>{Count(c.Converted)}/{Count(c.Entered)}</small>");
                }

                if (below)
                {
                    sb.Append(" <span class=\"below-mark\">▼ below</span>");
                }

                sb.Append("</td>");
            }

            sb.Append("</tr>");
        }

        sb.Append("</tbody></table></div>");
    }

    private static void WriteSlas(StringBuilder sb, IReadOnlyList<SlaRow> slas)
    {
        sb.Append("<section id=\"slas\"><h2>SLAs</h2><p class=\"lead\">Assignments whose SLA clock was met, missed or is still running.</p>");
        if (slas.Count == 0)
        {
            sb.Append("<p class=\"empty\">No SLA clock ran in this window.</p></section>");
            return;
        }

        sb.Append("<div class=\"table-wrap\"><table id=\"slas-table\"><thead><tr><th scope=\"col\">SLA</th><th scope=\"col\">Team</th>");
        sb.Append("<th scope=\"col\">Member</th><th scope=\"col\" class=\"num\">Met</th><th scope=\"col\" class=\"num\">Missed</th>");
        sb.Append("<th scope=\"col\" class=\"num\">Pending</th><th scope=\"col\" class=\"num\">Met rate</th>");
        sb.Append("<th scope=\"col\" class=\"num\">Median first touch</th></tr></thead><tbody>");
        foreach (var row in slas)
        {
            var total = row.Team is null || row.Member is null;
            sb.Append(Inv, $"<tr data-sla=\"{Encode(row.Sla)}\" data-team=\"{Encode(row.Team)}\" data-member=\"{Encode(row.Member)}\"{(total ? " class=\"total\"" : "")}>");
            sb.Append(Inv, $"<th scope=\"row\">{Encode(row.Sla)}</th>");
            sb.Append(Inv, $"<td class=\"name\">{(row.Team is null ? "<em>all teams</em>" : Encode(row.Team))}</td>");
            sb.Append(Inv, $"<td class=\"name\">{(row.Member is null ? "<em>all members</em>" : Encode(row.Member))}</td>");
            sb.Append(Inv, $"<td class=\"num\">{Count(row.Met)}</td><td class=\"num\">{Count(row.Missed)}</td><td class=\"num\">{Count(row.Pending)}</td>");
            sb.Append(Inv, $"<td class=\"num\">{Percent(row.Met, row.Met + row.Missed)}</td>");
            sb.Append(Inv, $"<td class=\"num\" data-seconds=\"{Raw(row.MedianFirstTouchSeconds)}\">{Duration(row.MedianFirstTouchSeconds)}</td></tr>");
        }

        sb.Append("</tbody></table></div></section>");
    }

    private static void WriteRecycles(StringBuilder sb, RecycleSummary recycles)
    {
        sb.Append("<section id=\"recycles\"><h2>Recycles</h2><p class=\"lead\">People sent to nurture, by reason, and how many came back.</p>");
        if (recycles.ByReason.Count == 0)
        {
            sb.Append("<p class=\"empty\">No one was recycled in this window.</p></section>");
            return;
        }

        sb.Append("<div class=\"table-wrap\"><table id=\"recycles-table\"><thead><tr><th scope=\"col\">Reason</th>");
        sb.Append("<th scope=\"col\" class=\"num\">Recycled</th><th scope=\"col\" class=\"num\">Rechecked</th>");
        sb.Append("<th scope=\"col\" class=\"num\">Back to mql</th><th scope=\"col\" class=\"num\">Then sql</th></tr></thead><tbody>");
        foreach (var row in recycles.ByReason)
        {
            sb.Append(Inv, $"<tr data-reason=\"{Encode(row.Reason)}\"><th scope=\"row\">{Encode(row.Reason)}</th>");
            sb.Append(Inv, $"<td class=\"num\">{Count(row.Recycled)}</td><td class=\"num\">{Count(row.Rechecked)}</td>");
            sb.Append(Inv, $"<td class=\"num\">{Count(row.BackToMql)}</td><td class=\"num\">{Count(row.ThenSql)}</td></tr>");
        }

        sb.Append("</tbody></table></div></section>");
    }

    private static void WriteRouting(StringBuilder sb, RoutingSummary routing)
    {
        sb.Append("<section id=\"routing\"><h2>Routing</h2><dl class=\"facts\">");
        sb.Append(Inv, $"<div><dt>Assignments</dt><dd id=\"assignments\">{Count(routing.Assignments)}</dd></div>");
        sb.Append(Inv, $"<div><dt>Queued</dt><dd id=\"queue-rate\">{Percent(routing.QueueRate)}</dd></div>");
        sb.Append(Inv, $"<div><dt>Fallback</dt><dd id=\"fallback-rate\">{Percent(routing.FallbackRate)}</dd></div></dl>");
        if (routing.ByRule.Count == 0)
        {
            sb.Append("<p class=\"empty\">No rule assigned anyone in this window.</p></section>");
            return;
        }

        sb.Append("<div class=\"table-wrap\"><table id=\"routing-rules\"><thead><tr><th scope=\"col\">Rule</th>");
        sb.Append("<th scope=\"col\" class=\"num\">Assignments</th><th scope=\"col\" class=\"num\">Share</th></tr></thead><tbody>");
        foreach (var (rule, count) in routing.ByRule)
        {
            sb.Append(Inv, $"<tr data-rule=\"{Encode(rule)}\"><th scope=\"row\">{Encode(rule)}</th>");
            sb.Append(Inv, $"<td class=\"num\">{Count(count)}</td><td class=\"num\">{Percent(count, routing.Assignments)}</td></tr>");
        }

        sb.Append("</tbody></table></div></section>");
    }

    private static void WriteShares(StringBuilder sb, IReadOnlyList<ShareRow> shares)
    {
        sb.Append("<section id=\"shares\"><h2>Shares</h2><p class=\"lead\">Each rotating team's members: what they were given against what the rotation promises.</p>");
        if (shares.Count == 0)
        {
            sb.Append("<p class=\"empty\">No rotating team assigned anyone in this window.</p></section>");
            return;
        }

        sb.Append("<div class=\"table-wrap\"><table id=\"shares-table\"><thead><tr><th scope=\"col\">Team</th><th scope=\"col\">Strategy</th>");
        sb.Append("<th scope=\"col\">Member</th><th scope=\"col\" class=\"num\">Assigned</th><th scope=\"col\" class=\"num\">Share</th>");
        sb.Append("<th scope=\"col\" class=\"num\">Promised</th><th scope=\"col\" class=\"num\">Difference</th></tr></thead><tbody>");
        foreach (var row in shares)
        {
            sb.Append(Inv, $"<tr data-team=\"{Encode(row.Team)}\" data-member=\"{Encode(row.Member)}\">");
            sb.Append(Inv, $"<td class=\"name\">{Encode(row.Team)}</td><td>{Encode(row.Strategy)}</td><th scope=\"row\">{Encode(row.Member)}</th>");
            sb.Append(Inv, $"<td class=\"num\">{Count(row.Assigned)}</td><td class=\"num\">{Percent(row.Share)}</td>");
            sb.Append(Inv, $"<td class=\"num\">{Percent(row.PromisedShare)}</td><td class=\"num\">{Points(row.Share - row.PromisedShare)}</td></tr>");
        }

        sb.Append("</tbody></table></div></section>");
    }

    private static void WriteSection(StringBuilder sb, string id, string heading, string lead, Action body)
    {
        sb.Append(Inv, $"<section id=\"{id}\"><h2>{heading}</h2><p class=\"lead\">{lead}</p>");
        body();
        sb.Append("</section>");
    }

    private static List<string> StageColumns(FunnelReport report)
    {
        var columns = new List<string>(KnownStages);
        var seen = report.Overall.Stages.Concat(report.Teams.Concat(report.Members).Concat(report.Periods).SelectMany(s => s.Stages));
        foreach (var row in seen)
        {
            if (!columns.Contains(row.Stage))
            {
                columns.Add(row.Stage);
            }
        }

        return columns;
    }

    /// <summary>
    /// The conversions a table of slices shows: those any of its slices has, in the overall funnel's order. A column
    /// no slice fills would be a column of dashes.
    /// </summary>
    private static List<(string From, string To)> ConversionColumns(FunnelSlice overall, IReadOnlyList<FunnelSlice> slices)
    {
        var present = slices.SelectMany(s => s.Conversions).Select(c => (c.From, c.To)).ToHashSet();
        var columns = new List<(string From, string To)>();
        foreach (var pair in overall.Conversions.Select(c => (c.From, c.To)).Concat(slices.SelectMany(s => s.Conversions).Select(c => (c.From, c.To))))
        {
            if (present.Contains(pair) && !columns.Contains(pair))
            {
                columns.Add(pair);
            }
        }

        return columns;
    }
}

using System.Globalization;
using System.Text;
using static TheModel.Sync.Application.Reporting.FunnelHtmlText;

namespace TheModel.Sync.Application.Reporting;

/// <summary>
/// The funnel as an inline SVG: one bar per stage of THE MODEL's chain, its length proportional to the people who
/// entered the stage, and between two bars the conversion with its benchmark. The bottleneck's bars are striped and
/// its gaps carry the words "below benchmark" and "bottleneck", so the chart still reads in black and white.
/// </summary>
internal static class FunnelHtmlChart
{
    // User units of the viewBox; the SVG scales to the page width, so only the proportions matter.
    private const int Width = 760;
    private const int LabelRight = 136;
    private const int BarLeft = 148;
    private const int BarMax = 400;
    private const int BarHeight = 30;
    private const int GapHeight = 38;
    private const int Margin = 6;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Write(StringBuilder sb, FunnelSlice overall, Bottleneck? bottleneck)
    {
        var chain = FunnelHtml.Chain;
        var entered = chain.Select(stage => overall.Stages.FirstOrDefault(r => r.Stage == stage)?.Entered ?? 0).ToArray();
        var max = entered.Max();
        var (spanFrom, spanTo) = Span(bottleneck);
        var height = (2 * Margin) + (chain.Count * BarHeight) + ((chain.Count - 1) * GapHeight);

        sb.Append(Inv, $"<svg id=\"funnel-chart\" class=\"funnel-chart\" viewBox=\"0 0 {Width} {height}\" role=\"img\" aria-labelledby=\"funnel-chart-title funnel-chart-desc\">");
        sb.Append("<title id=\"funnel-chart-title\">The funnel: people entering each stage of the chain</title>");
        sb.Append("<desc id=\"funnel-chart-desc\">");
        sb.Append(Encode(string.Join(", ", chain.Select((stage, i) => $"{FunnelHtml.StageLabel(stage)} {Count(entered[i])}"))));
        sb.Append("</desc>");
        sb.Append("<defs><pattern id=\"bottleneck-stripes\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">");
        sb.Append("<rect width=\"8\" height=\"8\" class=\"stripe-base\"></rect><rect width=\"4\" height=\"8\" class=\"stripe\"></rect>");
        sb.Append("</pattern></defs>");

        for (var i = 0; i < chain.Count; i++)
        {
            var stage = chain[i];
            var y = Margin + (i * (BarHeight + GapHeight));
            var length = max > 0 ? (double)BarMax * entered[i] / max : 0;
            var inBottleneck = spanFrom >= 0 && (i == spanFrom || i == spanTo);
            var label = Encode(FunnelHtml.StageLabel(stage));

            sb.Append(Inv, $"<g class=\"funnel-stage\" data-stage=\"{Encode(stage)}\">");
            sb.Append(Inv, $"<text class=\"stage-label\" x=\"{LabelRight}\" y=\"{y + 20}\" text-anchor=\"end\">{label}</text>");
            sb.Append(Inv, $"<rect class=\"funnel-track\" x=\"{BarLeft}\" y=\"{y}\" width=\"{BarMax}\" height=\"{BarHeight}\" rx=\"3\"></rect>");
            sb.Append(Inv, $"<rect class=\"funnel-bar{(inBottleneck ? " bottleneck" : "")}\" data-stage=\"{Encode(stage)}\" data-entered=\"{entered[i]}\" ");
            sb.Append(Inv, $"x=\"{BarLeft}\" y=\"{y}\" width=\"{length:0.##}\" height=\"{BarHeight}\" rx=\"3\">");
            sb.Append(Inv, $"<title>{label}: {Count(entered[i])} entered</title></rect>");
            sb.Append(Inv, $"<text class=\"bar-count\" x=\"{BarLeft + length + 8:0.##}\" y=\"{y + 20}\">{Count(entered[i])} entered</text>");
            sb.Append("</g>");

            if (i < chain.Count - 1)
            {
                var inSpan = spanFrom >= 0 && i >= spanFrom && i < spanTo;
                WriteGap(sb, overall, chain[i], chain[i + 1], y + BarHeight, inSpan, spanTo - spanFrom == 1, bottleneck);
            }
        }

        sb.Append("</svg>");
    }

    private static void WriteGap(
        StringBuilder sb, FunnelSlice overall, string from, string to, int top, bool inSpan, bool spanIsThisGap, Bottleneck? bottleneck)
    {
        var conversion = overall.Conversions.FirstOrDefault(c => c.From == from && c.To == to);
        var below = conversion is { Rate: { } rate, Benchmark: { } benchmark } && rate < benchmark;

        sb.Append(Inv, $"<g class=\"funnel-gap{(inSpan ? " bottleneck" : "")}\" data-from=\"{Encode(from)}\" data-to=\"{Encode(to)}\" ");
        sb.Append(Inv, $"data-rate=\"{Raw(conversion?.Rate)}\" data-benchmark=\"{Raw(conversion?.Benchmark)}\" data-below-benchmark=\"{(below ? "true" : "false")}\">");
        if (inSpan)
        {
            // The connector beside the gap: the bottleneck is marked where the people are lost, not only in the box.
            sb.Append(Inv, $"<rect class=\"gap-marker\" x=\"{BarLeft - 10}\" y=\"{top + 4}\" width=\"4\" height=\"{GapHeight - 8}\"></rect>");
        }

        sb.Append(Inv, $"<text class=\"gap-text\" x=\"{BarLeft}\" y=\"{top + 24}\">↓ ");
        if (conversion is null)
        {
            sb.Append(Inv, $"no conversion figure for {Encode(from)} → {Encode(to)}");
        }
        else if (conversion.Rate is null || conversion.Entered == 0)
        {
            sb.Append(Inv, $"{None} went on to {Encode(FunnelHtml.StageLabel(to))} (no one entered {Encode(from)})");
        }
        else
        {
            sb.Append(Inv, $"<tspan class=\"rate\">{Percent(conversion.Rate)}</tspan> went on to {Encode(FunnelHtml.StageLabel(to))}");
        }

        if (conversion?.Benchmark is { } b)
        {
            sb.Append(Inv, $" · benchmark {Percent(b)}");
        }

        if (below)
        {
            sb.Append(" · <tspan class=\"below\">below benchmark</tspan>");
        }

        if (inSpan && bottleneck is not null)
        {
            sb.Append(spanIsThisGap
                ? " · <tspan class=\"bottleneck-word\">the bottleneck</tspan>"
                : $" · <tspan class=\"bottleneck-word\">part of the bottleneck {Encode(bottleneck.From)} → {Encode(bottleneck.To)}</tspan>");
        }

        sb.Append("</text></g>");
    }

    /// <summary>The bottleneck's first and last stage as positions in the chain, or (-1, -1) when it is not on the chain.</summary>
    private static (int From, int To) Span(Bottleneck? bottleneck)
    {
        if (bottleneck is null)
        {
            return (-1, -1);
        }

        var from = FunnelHtml.ChainIndex(bottleneck.From);
        var to = FunnelHtml.ChainIndex(bottleneck.To);
        return from >= 0 && to > from ? (from, to) : (-1, -1);
    }
}

using System.Net;
using System.Text;

namespace TheModel.Sync.Application.Reporting;

/// <summary>
/// PLACEHOLDER until the HTML helper's page lands: the signature the report verb calls, with a minimal page (the
/// bottleneck sentence and the overall funnel as a table).
/// </summary>
public static class FunnelHtml
{
    public static string Render(FunnelReport report)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Funnel report</title></head><body>");
        html.Append("<h1>Funnel report</h1><p>").Append(WebUtility.HtmlEncode(report.BottleneckSentence)).Append("</p>");
        html.Append("<table><tr><th>stage</th><th>entered</th></tr>");
        foreach (var stage in report.Overall.Stages)
        {
            html.Append("<tr><td>").Append(WebUtility.HtmlEncode(stage.Stage)).Append("</td><td>").Append(stage.Entered).Append("</td></tr>");
        }

        html.Append("</table></body></html>");
        return html.ToString();
    }
}

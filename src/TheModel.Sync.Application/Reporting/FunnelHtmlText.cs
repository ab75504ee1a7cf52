using System.Globalization;
using System.Text;

namespace TheModel.Sync.Application.Reporting;

/// <summary>
/// Text of the funnel page: HTML encoding and the one way each kind of number is written. Numbers are written with the
/// invariant culture so that the page reads the same wherever the report runs (a German operator's machine would
/// otherwise write 41,5 in one cell and 41.5 in the next report).
/// </summary>
internal static class FunnelHtmlText
{
    /// <summary>Shown in place of a number the data cannot give (no one entered, no stay completed, no benchmark).</summary>
    public const string None = "–";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// Encodes text for element content and for double-quoted attribute values alike. Names come from operators'
    /// configs and from CRMs, so every one of them goes through here. Non-ASCII text (Japanese names) stays as it is:
    /// the page is UTF-8.
    /// </summary>
    public static string Encode(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        if (text.AsSpan().IndexOfAny("<>&\"'") < 0)
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            _ = c switch
            {
                '<' => sb.Append("&lt;"),
                '>' => sb.Append("&gt;"),
                '&' => sb.Append("&amp;"),
                '"' => sb.Append("&quot;"),
                '\'' => sb.Append("&#39;"),
                _ => sb.Append(c),
            };
        }

        return sb.ToString();
    }

    public static string Count(int n) => n.ToString("N0", Inv);

    /// <summary>A fraction (0.415) as a percentage with one decimal (41.5%).</summary>
    public static string Percent(double? fraction) =>
        fraction is { } f && double.IsFinite(f) ? (f * 100).ToString("0.0", Inv) + "%" : None;

    /// <summary>The part of a whole as a percentage, or <see cref="None"/> when the whole is empty.</summary>
    public static string Percent(int part, int whole) => whole > 0 ? Percent((double)part / whole) : None;

    /// <summary>A difference of two fractions in percentage points, signed (+2.5 pts, −10.0 pts).</summary>
    public static string Points(double difference)
    {
        if (!double.IsFinite(difference))
        {
            return None;
        }

        var points = Math.Round(difference * 100, 1, MidpointRounding.AwayFromZero);
        var magnitude = Math.Abs(points).ToString("0.0", Inv) + " pts";
        return points switch
        {
            > 0 => "+" + magnitude,
            < 0 => "−" + magnitude,
            _ => magnitude,
        };
    }

    /// <summary>For data- attributes: a machine-readable number, or empty when there is none.</summary>
    public static string Raw(double? value) =>
        value is { } v && double.IsFinite(v) ? v.ToString("R", Inv) : string.Empty;

    /// <summary>A duration in the unit a person reads best: 45 s, 12.5 min, 3.2 h, 4.1 d.</summary>
    public static string Duration(double? seconds)
    {
        if (seconds is not { } s || !double.IsFinite(s))
        {
            return None;
        }

        var abs = Math.Abs(s);
        return abs switch
        {
            < 60 => s.ToString("0", Inv) + " s",
            < 3600 => (s / 60).ToString("0.#", Inv) + " min",
            < 86_400 => (s / 3600).ToString("0.#", Inv) + " h",
            _ => (s / 86_400).ToString("0.#", Inv) + " d",
        };
    }

    public static string Timestamp(DateTimeOffset? t) =>
        t is { } at ? at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", Inv) : None;
}

using System.Globalization;

namespace TheModel.Sync.Config.Diagnostics;

/// <summary>
/// One problem found in an operator's config, at a 1-based line and column of a file.
/// </summary>
/// <param name="File">The file as shown to the operator (usually a path relative to the config root).</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
/// <param name="Code">The stable code, e.g. <c>TM0006</c>; see <see cref="DiagnosticCodes"/>.</param>
/// <param name="Message">The operator-facing message.</param>
/// <param name="Severity">Error (the default) or warning.</param>
public sealed record ConfigDiagnostic(string File, int Line, int Column, string Code, string Message, Severity Severity = Severity.Error)
{
    /// <summary>
    /// Formats the diagnostic as <c>FILE:LINE:COL: error CODE: message</c> (or <c>warning</c>), on one line: a control
    /// char the message quotes from the config (<c>id: "sr\n"</c>) is written as its escape, so that every error stays
    /// one line for the operator and for tools that read them.
    /// </summary>
    public override string ToString()
    {
        var severity = Severity == Severity.Warning ? "warning" : "error";
        return string.Create(CultureInfo.InvariantCulture, $"{OneLine(File)}:{Line}:{Column}: {severity} {Code}: {OneLine(Message)}");
    }

    private static string OneLine(string text)
    {
        if (!text.AsSpan().ContainsAnyInRange('\0', '\u001f') && !text.Contains('\u007f', StringComparison.Ordinal))
        {
            return text;
        }

        var b = new System.Text.StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            _ = c switch
            {
                '\n' => b.Append("\\n"),
                '\r' => b.Append("\\r"),
                '\t' => b.Append("\\t"),
                < ' ' or '\u007f' => b.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => b.Append(c),
            };
        }

        return b.ToString();
    }
}

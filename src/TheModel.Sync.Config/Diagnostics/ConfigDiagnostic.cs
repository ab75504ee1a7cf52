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
    /// <summary>Formats the diagnostic as <c>FILE:LINE:COL: error CODE: message</c> (or <c>warning</c>).</summary>
    public override string ToString()
    {
        var severity = Severity == Severity.Warning ? "warning" : "error";
        return string.Create(CultureInfo.InvariantCulture, $"{File}:{Line}:{Column}: {severity} {Code}: {Message}");
    }
}

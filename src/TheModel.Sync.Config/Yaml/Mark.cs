using System.Globalization;

namespace TheModel.Sync.Config.Yaml;

/// <summary>A position in a config file: the file as shown to the operator, and a 1-based line and column.</summary>
public readonly record struct Mark(string File, int Line, int Column)
{
    /// <summary>Formats the position as <c>FILE:LINE:COL</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{File}:{Line}:{Column}");
}

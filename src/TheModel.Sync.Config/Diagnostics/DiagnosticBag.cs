using System.Collections;
using TheModel.Sync.Config.Yaml;

namespace TheModel.Sync.Config.Diagnostics;

/// <summary>
/// Collects diagnostics in the order they are found. Never throws for operator mistakes: every
/// problem is added here so that all of them can be reported at once.
/// </summary>
public sealed class DiagnosticBag : IReadOnlyList<ConfigDiagnostic>
{
    private readonly List<ConfigDiagnostic> _items = [];
    private readonly HashSet<ConfigDiagnostic> _seen = [];

    /// <inheritdoc />
    public int Count => _items.Count;

    /// <inheritdoc />
    public ConfigDiagnostic this[int index] => _items[index];

    /// <summary>True when at least one diagnostic is an error.</summary>
    public bool HasErrors => _items.Exists(static d => d.Severity == Severity.Error);

    /// <summary>Adds an error at a 1-based line and column of a file.</summary>
    public void Add(string file, int line, int column, string code, string message) =>
        Add(new ConfigDiagnostic(file, line, column, code, message));

    /// <summary>Adds an error at a position.</summary>
    public void Add(Mark at, string code, string message) =>
        Add(at.File, at.Line, at.Column, code, message);

    /// <summary>Adds an error at the start of a node.</summary>
    public void Add(YamlNode node, string code, string message)
    {
        ArgumentNullException.ThrowIfNull(node);
        Add(node.Start, code, message);
    }

    /// <summary>Adds a warning at the start of a node.</summary>
    public void AddWarning(YamlNode node, string code, string message)
    {
        ArgumentNullException.ThrowIfNull(node);
        Add(new ConfigDiagnostic(node.Start.File, node.Start.Line, node.Start.Column, code, message, Severity.Warning));
    }

    /// <summary>Adds a diagnostic as it is.</summary>
    public void Add(ConfigDiagnostic diagnostic)
    {
        ArgumentNullException.ThrowIfNull(diagnostic);

        // A node a YAML alias repeats is compiled once per use, and its mistakes would be reported once per use, on
        // identical lines: each is said once.
        if (_seen.Add(diagnostic))
        {
            _items.Add(diagnostic);
        }
    }

    /// <summary>Adds every diagnostic of <paramref name="diagnostics"/>, in order.</summary>
    public void AddRange(IEnumerable<ConfigDiagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        foreach (var diagnostic in diagnostics)
        {
            Add(diagnostic);
        }
    }

    /// <inheritdoc />
    public IEnumerator<ConfigDiagnostic> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

using System.Diagnostics.CodeAnalysis;

namespace TheModel.Sync.Config.Yaml;

/// <summary>
/// A mapping in file order. Keys are scalars and unique by <see cref="YamlScalar.Text"/>: the reader
/// reports a duplicate or a non-scalar key and keeps only the first entry for a key.
/// </summary>
public sealed class YamlMapping : YamlNode
{
    private readonly Dictionary<string, int> _index;

    internal YamlMapping(Mark start, Mark end, IReadOnlyList<KeyValuePair<YamlScalar, YamlNode>> entries, long expandedSize)
        : base(start, end, expandedSize)
    {
        Entries = entries;
        _index = new Dictionary<string, int>(entries.Count, StringComparer.Ordinal);
        for (var i = 0; i < entries.Count; i++)
        {
            _index.TryAdd(entries[i].Key.Text, i);
        }
    }

    /// <summary>The entries in the order they were written.</summary>
    public IReadOnlyList<KeyValuePair<YamlScalar, YamlNode>> Entries { get; }

    /// <summary>The number of entries.</summary>
    public int Count => Entries.Count;

    /// <inheritdoc />
    public override string TypeName => "mapping";

    /// <summary>The value of <paramref name="key"/> (compared ordinally with the key's text), or null when absent.</summary>
    public YamlNode? this[string key] => TryGetValue(key, out var value) ? value : null;

    /// <summary>Finds the value of <paramref name="key"/>.</summary>
    public bool TryGetValue(string key, [NotNullWhen(true)] out YamlNode? value)
    {
        if (_index.TryGetValue(key, out var i))
        {
            value = Entries[i].Value;
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>The key node of <paramref name="key"/> (for its position), or null when absent.</summary>
    public YamlScalar? GetKey(string key) => _index.TryGetValue(key, out var i) ? Entries[i].Key : null;

    /// <summary>True when the mapping has <paramref name="key"/>.</summary>
    public bool ContainsKey(string key) => _index.ContainsKey(key);
}

namespace TheModel.Sync.Config.Yaml;

/// <summary>
/// A node of a YAML document with the position where it starts. Nodes are immutable. An alias
/// is the very node its anchor names (shared, not copied), so a node may appear in several
/// places of a tree and its <see cref="Start"/> is where the anchor was written.
/// </summary>
public abstract class YamlNode
{
    private protected YamlNode(Mark start, Mark end, long expandedSize)
    {
        Start = start;
        End = end;
        ExpandedSize = expandedSize;
    }

    /// <summary>Where the node starts (for a tagged or anchored node, where its tag or anchor starts).</summary>
    public Mark Start { get; }

    /// <summary>Where the node ends.</summary>
    public Mark End { get; }

    /// <summary>The operator-facing name of the node's type: mapping, sequence, string, integer, ...</summary>
    public abstract string TypeName { get; }

    /// <summary>
    /// How many nodes this node stands for once every alias in it is expanded (itself included),
    /// saturated at <see cref="YamlDocumentReader.MaxExpandedNodes"/> + 1.
    /// </summary>
    internal long ExpandedSize { get; }

    internal static long SaturatingAdd(long a, long b) =>
        Math.Min(a + b, YamlDocumentReader.MaxExpandedNodes + 1L);
}

namespace TheModel.Sync.Config.Yaml;

/// <summary>A sequence in file order.</summary>
public sealed class YamlSequence : YamlNode
{
    internal YamlSequence(Mark start, Mark end, IReadOnlyList<YamlNode> items, long expandedSize)
        : base(start, end, expandedSize)
    {
        Items = items;
    }

    /// <summary>The items in the order they were written.</summary>
    public IReadOnlyList<YamlNode> Items { get; }

    /// <summary>The number of items.</summary>
    public int Count => Items.Count;

    /// <inheritdoc />
    public override string TypeName => "sequence";
}

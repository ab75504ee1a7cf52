using System.Globalization;
using TheModel.Sync.Config.Diagnostics;
using TheModel.Sync.Config.Yaml;

namespace TheModel.Sync.Config.Tests.Yaml;

/// <summary>Reads YAML text as <c>t.yaml</c> and returns the root with the diagnostics as the operator sees them.</summary>
internal static class YamlTestReader
{
    public const string File = "t.yaml";

    public static (YamlNode? Root, string[] Diagnostics) Read(string yaml)
    {
        var diagnostics = new DiagnosticBag();
        var root = YamlDocumentReader.Read(File, yaml, diagnostics);
        return (root, diagnostics.Select(d => d.ToString()).ToArray());
    }

    public static YamlNode ReadClean(string yaml)
    {
        var (root, diagnostics) = Read(yaml);
        Assert.Empty(diagnostics);
        return Assert.IsAssignableFrom<YamlNode>(root);
    }

    /// <summary>Follows a path such as <c>teams/0/members</c> (mapping keys and sequence indexes).</summary>
    public static YamlNode At(YamlNode root, string path)
    {
        var node = root;
        foreach (var step in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node switch
            {
                YamlMapping mapping => mapping[step] ?? throw new KeyNotFoundException(step),
                YamlSequence sequence => sequence.Items[int.Parse(step, CultureInfo.InvariantCulture)],
                _ => throw new KeyNotFoundException(step),
            };
        }

        return node;
    }

    public static string Position(YamlNode node) =>
        string.Create(CultureInfo.InvariantCulture, $"{node.Start.Line}:{node.Start.Column}");
}

using YamlDotNet.RepresentationModel;

namespace TheModel.Sync.Worker.Tests.Deploy;

/// <summary>Walks parsed manifests by key; a missing key fails with the file and the path that was expected.</summary>
internal static class YamlPath
{
    public static YamlNode? Find(YamlNode node, params string[] path)
    {
        var current = node;
        foreach (var key in path)
        {
            if (current is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out var next))
            {
                return null;
            }

            current = next;
        }

        return current;
    }

    public static YamlNode Get(string file, YamlNode node, params string[] path) =>
        Find(node, path) ?? throw new Xunit.Sdk.XunitException($"{file}: no {string.Join('.', path)}");

    public static YamlMappingNode Map(string file, YamlNode node, params string[] path) =>
        Get(file, node, path) as YamlMappingNode ?? throw new Xunit.Sdk.XunitException($"{file}: {string.Join('.', path)} is not a mapping");

    public static IReadOnlyList<YamlNode> Seq(string file, YamlNode node, params string[] path) =>
        Get(file, node, path) is YamlSequenceNode seq ? [.. seq.Children] : throw new Xunit.Sdk.XunitException($"{file}: {string.Join('.', path)} is not a list");

    public static string Text(string file, YamlNode node, params string[] path) =>
        Get(file, node, path) is YamlScalarNode { Value: { } value } ? value : throw new Xunit.Sdk.XunitException($"{file}: {string.Join('.', path)} is not a value");

    public static string? TextOrNull(YamlNode node, params string[] path) => (Find(node, path) as YamlScalarNode)?.Value;

    /// <summary>A mapping's keys and scalar values.</summary>
    public static IReadOnlyDictionary<string, string> Scalars(YamlMappingNode map) =>
        map.Children.Where(c => c.Value is YamlScalarNode).ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => ((YamlScalarNode)c.Value).Value ?? string.Empty, StringComparer.Ordinal);
}

using TheModel.Sync.Config.Loading;
using TheModel.Sync.Config.Yaml;
using TheModel.Sync.Core.Matching;
using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Config.Compilation;

/// <summary><c>lists: { ID: { domains | values | file | builtin } }</c>: named sets for <c>in_list</c>.</summary>
internal static class ListCompiler
{
    private static readonly string[] Sources = ["domains", "values", "file", "builtin"];
    private static readonly string[] Builtins = ["free_mail_domains"];

    /// <param name="baseDirectory">The folder of the YAML file that defines the lists; null when list files cannot be read.</param>
    public static void Compile(CompileContext context, YamlNode section, string? baseDirectory)
    {
        if (context.Mapping(section) is not { } lists)
        {
            return;
        }

        foreach (var (key, value) in lists.Entries)
        {
            if (context.IsMergeKey(key, "lists"))
            {
                continue;
            }

            var id = context.Id(key) ?? key.Text;
            var list = CompileOne(context, id, value, baseDirectory) ?? new NamedList(id, isDomainList: true, []);
            context.Lists.Declare(context, key, id, list);
        }
    }

    private static NamedList? CompileOne(CompileContext context, string id, YamlNode node, string? baseDirectory)
    {
        if (context.Mapping(node) is not { } mapping)
        {
            return null;
        }

        context.CheckKeys(mapping, KnownKeys.ListDef, "list");
        var given = Sources.Where(s => CompileContext.KeyNode(mapping, s) is not null).ToList();
        if (given.Count == 0)
        {
            context.Error(mapping, ErrorCodes.BadListSource, $"list '{id}' needs one of domains, values, file or builtin");
            return null;
        }

        if (given.Count > 1)
        {
            var names = string.Join(", ", given[..^1]) + " and " + given[^1];
            context.Error(CompileContext.KeyNode(mapping, given[1])!, ErrorCodes.BadListSource,
                $"list '{id}' gives {names}; give only one of domains, values, file or builtin");
            return null;
        }

        var value = CompileContext.Get(mapping, given[0])!;
        switch (given[0])
        {
            case "domains":
                return Entries(context, value, id, domains: true) is { } domains ? new NamedList(id, isDomainList: true, domains) : null;
            case "values":
                return Entries(context, value, id, domains: false) is { } values ? new NamedList(id, isDomainList: false, values) : null;
            case "file":
                return context.Text(value) is { } path && ReadFile(context, value, path, id, baseDirectory) is { } entries
                    ? new NamedList(id, isDomainList: true, entries)
                    : null;
            default:
                return context.Choice(value, "builtin list", Builtins) >= 0
                    ? new NamedList(id, isDomainList: true, FreeMailDomains.All)
                    : null;
        }
    }

    private static List<string>? Entries(CompileContext context, YamlNode node, string id, bool domains)
    {
        if (context.Sequence(node) is not { } sequence)
        {
            return null;
        }

        var entries = new List<string>();
        var ok = true;
        foreach (var item in sequence.Items)
        {
            if (context.Text(item) is not { } text)
            {
                ok = false;
            }
            else if (!domains)
            {
                entries.Add(text);
            }
            else if (Domain(text) is { } domain)
            {
                entries.Add(domain);
            }
            else
            {
                context.Error(item, ErrorCodes.BadListSource, NotADomain(id, text));
                ok = false;
            }
        }

        return ok ? entries : null;
    }

    /// <summary>
    /// A domain-list entry cleaned up as a person's domain is (scheme, path, port, <c>www.</c> and a trailing dot
    /// removed, lower-cased), so that an entry and a person's domain compare alike; null when it names no host.
    /// </summary>
    private static string? Domain(string text) => text.Contains('@', StringComparison.Ordinal) ? null : DomainNames.HostOfWebsite(text);

    private static string NotADomain(string id, string text) =>
        $"list '{id}': '{text}' is not a domain; write a domain such as bigco.example (its subdomains are in the list too)";

    private static List<string>? ReadFile(CompileContext context, YamlNode node, string path, string id, string? baseDirectory)
    {
        if (baseDirectory is null)
        {
            context.Error(node, ErrorCodes.BadListSource, $"list file '{path}' cannot be read: the config was given as text without a base directory");
            return null;
        }

        var full = Path.GetFullPath(Path.Combine(baseDirectory, path));
        byte[] bytes;
        try
        {
            if (!File.Exists(full))
            {
                context.Error(node, ErrorCodes.BadListSource, $"list file '{path}' not found (resolved to {full})");
                return null;
            }

            bytes = File.ReadAllBytes(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            context.Error(node, ErrorCodes.BadListSource, $"list file '{path}' cannot be read (resolved to {full}): {e.Message}");
            return null;
        }

        // The version covers list files too: editing a list changes routing as much as editing the YAML.
        if (!context.ListFiles.Exists(f => f.Name == path))
        {
            context.ListFiles.Add((path, bytes));
        }

        if (!context.ListFilePaths.Contains(full, StringComparer.Ordinal))
        {
            context.ListFilePaths.Add(full);
        }

        var entries = new List<string>();
        var ok = true;
        foreach (var (line, entry) in ListFileReader.Parse(bytes))
        {
            if (Domain(entry) is { } domain)
            {
                entries.Add(domain);
            }
            else
            {
                context.Error(node, ErrorCodes.BadListSource, $"list file '{path}' line {line}: " + NotADomain(id, entry));
                ok = false;
            }
        }

        return ok ? entries : null;
    }
}

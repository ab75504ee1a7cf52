using System.Reflection;
using System.Text.RegularExpressions;
using TheModel.Sync.HubSpot;
using TheModel.Sync.Redis;
using TheModel.Sync.Salesforce;
using TheModel.Sync.Worker.Host;
using TheModel.Sync.Worker.Ingest;
using TheModel.Sync.Worker.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace TheModel.Sync.Worker.Tests.Deploy;

/// <summary>The files under deploy/ and the facts about the code they must agree with, read from the repository.</summary>
internal static partial class DeployFiles
{
    public static readonly string Root = TempFolder.RepoRoot();

    public const string Dockerfile = "deploy/container/Dockerfile";
    public const string DockerIgnore = "deploy/container/Dockerfile.dockerignore";
    public const string Kustomization = "deploy/kubernetes/kustomization.yaml";
    public const string Deployment = "deploy/kubernetes/deployment.yaml";
    public const string Service = "deploy/kubernetes/service.yaml";
    public const string Pdb = "deploy/kubernetes/pdb.yaml";
    public const string RedisService = "deploy/kubernetes/redis-service.yaml";
    public const string RedisConf = "deploy/kubernetes/redis.conf.example";
    public const string SecretExample = "deploy/kubernetes/secret.example.yaml";
    public const string SystemdUnit = "deploy/systemd/themodel-sync.service";
    public const string SystemdEnv = "deploy/systemd/themodel-sync.env.example";
    public const string Dashboard = "deploy/grafana/themodel-sync.json";

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    /// <summary>Every YAML document in a file (a manifest may hold several).</summary>
    public static IReadOnlyList<YamlMappingNode> YamlDocuments(string relative)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(Read(relative));
        stream.Load(reader);
        return [.. stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>()];
    }

    public static YamlMappingNode Yaml(string relative) => Assert.Single(YamlDocuments(relative));

    /// <summary>The worker's executable name (the Worker project's AssemblyName).</summary>
    public static string ExecutableName()
    {
        var match = AssemblyNameElement().Match(Read("src/TheModel.Sync.Worker/TheModel.Sync.Worker.csproj"));
        Assert.True(match.Success, "src/TheModel.Sync.Worker/TheModel.Sync.Worker.csproj has no <AssemblyName>");
        return match.Groups[1].Value;
    }

    /// <summary>The value after <c>--config</c> in a command line, or null.</summary>
    public static string? ConfigArgument(IReadOnlyList<string> args)
    {
        var at = args.ToList().IndexOf("--config");
        return at >= 0 && at + 1 < args.Count ? args[at + 1] : null;
    }

    /// <summary>The port of an http URL (<c>http://0.0.0.0:8080</c>), failing with the file that gave it.</summary>
    public static int PortOf(string url, string where)
    {
        Assert.True(
            Uri.TryCreate(url.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri),
            $"{where}: Urls '{url}' is not a URL");
        return uri.Port;
    }

    [GeneratedRegex(@"<AssemblyName>([^<]+)</AssemblyName>")]
    private static partial Regex AssemblyNameElement();
}

/// <summary>
/// The settings the worker reads, as <c>Section:Key</c>, from the option classes bound to each section (the names
/// the code really binds) and the few keys read directly, each confirmed in the source text.
/// </summary>
internal static class KnownSettings
{
    /// <summary>Environment variables that are not settings but the .NET runtime's or the OS's.</summary>
    public static readonly IReadOnlyDictionary<string, string> RuntimeVariables = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["DOTNET_EnableDiagnostics"] = "the runtime's diagnostics IPC switch",
        ["TMPDIR"] = "where Path.GetTempPath() points",
    };

    /// <summary>Keys read with <c>configuration["..."]</c> rather than through an option class, and the source text that reads each.</summary>
    private static readonly (string Key, string File, string Text)[] DirectKeys =
    [
        ("Urls", "src/TheModel.Sync.Worker/Host/WorkerHost.cs", "configuration[\"Urls\"]"),
        ("Logging:Json", "src/TheModel.Sync.Worker/Operations/WorkerLogging.cs", "\"Logging:Json\""),
        ("Logging:Level", "src/TheModel.Sync.Worker/Operations/WorkerLogging.cs", "\"Logging:Level\""),
    ];

    /// <summary>Sections bound onto option classes, and the source text that binds each section by that name.</summary>
    private static readonly (string Section, Type Options, string File, string Text)[] BoundSections =
    [
        ("Salesforce", typeof(SalesforceOptions), "src/TheModel.Sync.Worker/Host/Registrations.cs", "GetSection(\"Salesforce\")"),
        ("Salesforce", typeof(SalesforceOutboundOptions), "src/TheModel.Sync.Worker/Ingest/IngestOptions.cs", "Section = \"Salesforce\""),
        ("HubSpot", typeof(HubSpotOptions), "src/TheModel.Sync.Worker/Host/Registrations.cs", "GetSection(\"HubSpot\")"),
        ("HubSpot", typeof(HubSpotWebhookOptions), "src/TheModel.Sync.Worker/Ingest/IngestOptions.cs", "Section = \"HubSpot\""),
        ("Redis", typeof(RedisStoreOptions), "src/TheModel.Sync.Worker/Host/Registrations.cs", "GetSection(\"Redis\").Bind(options)"),
        (WorkerOptions.Section, typeof(WorkerOptions), "src/TheModel.Sync.Worker/Host/WorkerHost.cs", "GetSection(WorkerOptions.Section)"),
    ];

    /// <summary>Every known key (<c>HubSpot:AccessToken</c>), after checking that the source still reads each as listed.</summary>
    public static IReadOnlySet<string> Keys()
    {
        foreach (var (key, file, text) in DirectKeys)
        {
            Assert.True(DeployFiles.Read(file).Contains(text, StringComparison.Ordinal), $"{file} no longer contains {text}: is '{key}' still a setting? Update KnownSettings");
        }

        foreach (var (section, type, file, text) in BoundSections)
        {
            Assert.True(DeployFiles.Read(file).Contains(text, StringComparison.Ordinal), $"{file} no longer contains {text}: is {type.Name} still bound from '{section}'? Update KnownSettings");
        }

        var keys = new HashSet<string>(DirectKeys.Select(k => k.Key), StringComparer.Ordinal);
        foreach (var (section, type, _, _) in BoundSections)
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.SetMethod!.IsPublic))
            {
                keys.Add($"{section}:{property.Name}");
            }
        }

        return keys;
    }

    /// <summary>Null when <paramref name="variable"/> names a setting or a runtime variable; else why not, with the nearest known keys.</summary>
    public static string? Problem(string variable, IReadOnlySet<string> keys)
    {
        if (RuntimeVariables.ContainsKey(variable))
        {
            return null;
        }

        var key = variable.Replace("__", ":", StringComparison.Ordinal);
        if (keys.Contains(key))
        {
            return null;
        }

        var section = key.Contains(':', StringComparison.Ordinal) ? key[..key.IndexOf(':', StringComparison.Ordinal)] : key;
        var sameSection = keys.Where(k => k.StartsWith(section + ":", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToList();
        return sameSection.Count > 0
            ? $"'{variable}' is not a setting the worker reads (as {key}); the {section} settings are: {string.Join(", ", sameSection)}"
            : $"'{variable}' is not a setting the worker reads (as {key}) nor a runtime variable ({string.Join(", ", RuntimeVariables.Keys)})";
    }
}

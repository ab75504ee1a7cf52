using TheModel.Sync.Config.Diagnostics;
using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Config;

/// <summary>A compiled config: the rule set the engine runs, the config's own tests, and its version.</summary>
public sealed class LoadedConfig
{
    internal LoadedConfig(RuleSet rules, IReadOnlyList<ConfigTest> tests, string version, IReadOnlyList<string> files)
    {
        Rules = rules;
        Tests = tests;
        Version = version;
        Files = files;
    }

    public RuleSet Rules { get; }

    public IReadOnlyList<ConfigTest> Tests { get; }

    /// <summary><c>sha256:</c> of the config files and the list files they load; every decision names it.</summary>
    public string Version { get; }

    /// <summary>The config files read, as diagnostics name them, in load order.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>The list files (<c>lists: { x: { file: … } }</c>) the config read, as full paths.</summary>
    public IReadOnlyList<string> ListFiles { get; init; } = [];
}

/// <summary>The outcome of a load: a config, or every problem found (never both a config and an error).</summary>
public sealed class ConfigLoadResult
{
    internal ConfigLoadResult(LoadedConfig? config, IReadOnlyList<ConfigDiagnostic> diagnostics)
    {
        Config = config;
        Diagnostics = diagnostics;
    }

    /// <summary>Null when any error was found.</summary>
    public LoadedConfig? Config { get; }

    /// <summary>Every problem, ordered by file, line and column.</summary>
    public IReadOnlyList<ConfigDiagnostic> Diagnostics { get; }

    public bool Succeeded => Config is not null;
}

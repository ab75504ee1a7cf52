using TheModel.Sync.Config.Compilation;
using TheModel.Sync.Config.Diagnostics;
using TheModel.Sync.Config.Loading;

namespace TheModel.Sync.Config;

/// <summary>
/// Loads the routing YAML: reads the files, validates everything (every error at once, each with file:line:col and a
/// stable code) and compiles the Core rule set. A result carries either a config or the reasons there is none.
/// </summary>
public static class ConfigLoader
{
    /// <summary>
    /// Loads a <c>.yaml</c> file, or a folder's <c>*.yaml</c> and <c>*.yml</c> files (not recursive, in ordinal name
    /// order). Diagnostics name each file as <paramref name="path"/> joined with the file name.
    /// </summary>
    public static ConfigLoadResult Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var diagnostics = new DiagnosticBag();
        return ConfigCompiler.Compile(ConfigSource.ReadPath(path, diagnostics), diagnostics);
    }

    /// <summary>
    /// Loads named in-memory files (name, text), as tests and embedded configs have them. List <c>file:</c> paths
    /// resolve against <paramref name="baseDirectory"/>; without one, a list file is an error.
    /// </summary>
    public static ConfigLoadResult LoadFromText(IReadOnlyList<(string Name, string Text)> files, string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        var diagnostics = new DiagnosticBag();
        if (files.Count == 0)
        {
            diagnostics.Add("(config)", 1, 1, DiagnosticCodes.FileUnreadable, "cannot read config: no files were given");
        }

        return ConfigCompiler.Compile(ConfigSource.ReadTexts(files, baseDirectory, diagnostics), diagnostics);
    }
}

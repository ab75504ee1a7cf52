using System.Security.Cryptography;
using System.Text;
using TheModel.Sync.Config;
using TheModel.Sync.Config.Diagnostics;
using TheModel.Sync.Config.Testing;
using TheModel.Sync.Worker.Cli;

namespace TheModel.Sync.Worker.Reload;

/// <summary>Where the routing config is read from, and whether it is the sample shipped inside the executable.</summary>
internal sealed record ConfigFolder(string Path, bool IsEmbeddedSample)
{
    /// <summary>
    /// The folder the run uses: the one asked for (which must exist: a typo must not silently run the sample); else
    /// <c>config</c> under <paramref name="workingDirectory"/>; else the embedded sample, written to a temp folder.
    /// </summary>
    public static ConfigFolder Resolve(string? requested, string? workingDirectory = null)
    {
        if (!string.IsNullOrWhiteSpace(requested))
        {
            return new ConfigFolder(System.IO.Path.GetFullPath(requested), false);
        }

        var local = System.IO.Path.GetFullPath(System.IO.Path.Combine(workingDirectory ?? Environment.CurrentDirectory, "config"));
        return Directory.Exists(local) ? new ConfigFolder(local, false) : new ConfigFolder(CliSupport.ExtractSampleConfig(), true);
    }

    /// <summary>The folder watched for changes (the file's folder when a single file is configured).</summary>
    public string WatchedDirectory => Directory.Exists(Path) ? Path : System.IO.Path.GetDirectoryName(Path) ?? ".";

    /// <summary>
    /// A hash of every file under the folder (names and bytes, list files in subfolders included; dot files, which
    /// editors use for swap and lock files, left out), or of the one configured file. Equal hashes: nothing to reload.
    /// </summary>
    public string ContentHash()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        IEnumerable<string> files = Directory.Exists(Path)
            ? Directory.EnumerateFiles(Path, "*", SearchOption.AllDirectories)
                .Where(f => !System.IO.Path.GetRelativePath(Path, f).Split(System.IO.Path.DirectorySeparatorChar).Any(part => part.StartsWith('.')))
                .Order(StringComparer.Ordinal)
            : File.Exists(Path) ? [Path] : [];
        foreach (var file in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(System.IO.Path.GetRelativePath(WatchedDirectory, file) + "\n"));
            try
            {
                hash.AppendData(File.ReadAllBytes(file));
            }
            catch (IOException)
            {
                // A file being replaced right now: hash what can be read; the next check sees the settled content.
                hash.AppendData("(unreadable)"u8);
            }
            catch (UnauthorizedAccessException)
            {
                hash.AppendData("(unreadable)"u8);
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}

/// <summary>The result of loading a config: the config, or every reason it was not taken; warnings either way.</summary>
internal sealed record ConfigLoadOutcome(LoadedConfig? Config, IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings);

internal static class ConfigLoading
{
    /// <summary>
    /// Loads and validates a config (every error, each as <c>FILE:LINE:COL: error CODE: message</c>) and, when
    /// <paramref name="runTests"/>, runs its own <c>tests:</c>: a config whose tests fail is not applied either.
    /// </summary>
    public static ConfigLoadOutcome Load(string path, bool runTests, DateTimeOffset now)
    {
        var result = ConfigLoader.Load(path);
        var warnings = result.Diagnostics.Where(d => d.Severity != Severity.Error).Select(d => d.ToString()).ToList();
        if (!result.Succeeded)
        {
            return new ConfigLoadOutcome(null, result.Diagnostics.Where(d => d.Severity == Severity.Error).Select(d => d.ToString()).ToList(), warnings);
        }

        var config = result.Config!;
        if (runTests)
        {
            var report = ConfigTestRunner.Run(config, now);
            if (report.Failures.Count > 0)
            {
                return new ConfigLoadOutcome(null, report.Failures.Select(f => f.ToString()).ToList(), warnings);
            }
        }

        return new ConfigLoadOutcome(config, [], warnings);
    }
}

/// <summary>The first load of the config failed: the host does not start. <see cref="Errors"/> holds every error.</summary>
internal sealed class ConfigLoadException : Exception
{
    public ConfigLoadException(string path, IReadOnlyList<string> errors)
        : base($"{path}: the config did not load ({errors.Count} error{(errors.Count == 1 ? string.Empty : "s")}):{Environment.NewLine}{string.Join(Environment.NewLine, errors)}")
    {
        Path = path;
        Errors = errors;
    }

    public string Path { get; }

    public IReadOnlyList<string> Errors { get; }
}

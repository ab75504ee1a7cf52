using System.Security.Cryptography;
using System.Text;
using TheModel.Sync.Config.Diagnostics;
using TheModel.Sync.Config.Yaml;

namespace TheModel.Sync.Config.Loading;

/// <summary>One config file as read: its name for the version, its bytes, and its parsed root (null when unusable).</summary>
internal sealed record ConfigFile(string DisplayPath, string FileName, byte[] Bytes, YamlNode? Root, string? Directory);

/// <summary>Finds and reads the config's files, each once: the same bytes are parsed and hashed.</summary>
internal static class ConfigSource
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>A file, or a folder's <c>*.yaml</c> and <c>*.yml</c> files (not recursive) in ordinal name order.</summary>
    public static List<ConfigFile> ReadPath(string path, DiagnosticBag diagnostics)
    {
        var full = Path.GetFullPath(path);
        if (!System.IO.Directory.Exists(full))
        {
            return [ReadFile(path, full, diagnostics)];
        }

        // Like the shell glob *.yaml, names starting with a dot are left out: editors keep lock and backup files there.
        var names = System.IO.Directory.EnumerateFiles(full)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(n => !n.StartsWith('.') && (n.EndsWith(".yaml", StringComparison.Ordinal) || n.EndsWith(".yml", StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (names.Count == 0)
        {
            diagnostics.Add(path, 1, 1, DiagnosticCodes.FileUnreadable, $"cannot read config: the folder has no *.yaml or *.yml files");
            return [];
        }

        return names.Select(n => ReadFile(Path.Join(path, n), Path.Join(full, n), diagnostics)).ToList();
    }

    public static List<ConfigFile> ReadTexts(IReadOnlyList<(string Name, string Text)> files, string? baseDirectory, DiagnosticBag diagnostics) =>
        files.OrderBy(f => f.Name, StringComparer.Ordinal)
            .Select(f => new ConfigFile(f.Name, Path.GetFileName(f.Name), Encoding.UTF8.GetBytes(f.Text), YamlDocumentReader.Read(f.Name, f.Text, diagnostics), baseDirectory))
            .ToList();

    private static ConfigFile ReadFile(string displayPath, string fullPath, DiagnosticBag diagnostics)
    {
        var directory = Path.GetDirectoryName(fullPath);
        var name = Path.GetFileName(fullPath);
        try
        {
            var info = new FileInfo(fullPath);
            if (info.Exists && info.Length <= YamlDocumentReader.MaxBytes)
            {
                var bytes = File.ReadAllBytes(fullPath);
                if (TryDecode(bytes, out var text))
                {
                    return new ConfigFile(displayPath, name, bytes, YamlDocumentReader.Read(displayPath, text, diagnostics), directory);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Fall through: the reader reports why the file cannot be read, in its own words.
        }

        // Missing, too large, unreadable or not UTF-8: the reader's ReadFile reports it consistently.
        return new ConfigFile(displayPath, name, [], YamlDocumentReader.ReadFile(displayPath, fullPath, diagnostics), directory);
    }

    private static bool TryDecode(byte[] bytes, out string text)
    {
        text = string.Empty;
        if (bytes is [0xFF, 0xFE, ..] or [0xFE, 0xFF, ..])
        {
            return false;
        }

        var offset = bytes is [0xEF, 0xBB, 0xBF, ..] ? 3 : 0;
        try
        {
            text = StrictUtf8.GetString(bytes, offset, bytes.Length - offset);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    /// <summary>
    /// <c>sha256:</c> over each config file (name, 0, bytes, 0) in order, then each list file the same way: any byte
    /// changes it, and nothing about the machine (paths, clocks) enters it.
    /// </summary>
    public static string Version(IEnumerable<(string Name, byte[] Bytes)> files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        ReadOnlySpan<byte> zero = [0];
        foreach (var (name, bytes) in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(name));
            hash.AppendData(zero);
            hash.AppendData(bytes);
            hash.AppendData(zero);
        }

        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}

using System.Globalization;
using System.Text;
using TheModel.Sync.Config.Diagnostics;

namespace TheModel.Sync.Config.Yaml;

/// <summary>
/// Reads one config file into a tree of <see cref="YamlNode"/>s with positions, under the YAML 1.2
/// core schema, rejecting what the routing language forbids: tags, duplicate keys, non-scalar
/// keys, several documents, too many aliases and files over 1 MiB. Every problem goes to the
/// <see cref="DiagnosticBag"/>; operator mistakes never throw.
/// </summary>
public static class YamlDocumentReader
{
    /// <summary>The largest file accepted, in bytes (1 MiB).</summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary>The most alias occurrences (<c>*name</c>) accepted in a document.</summary>
    public const int MaxAliases = 100;

    /// <summary>The deepest nesting of mappings and sequences accepted.</summary>
    public const int MaxDepth = 100;

    /// <summary>
    /// The most nodes a document may stand for once its aliases are expanded. Aliases are shared,
    /// never copied, but whoever walks the tree visits a shared node once per alias, so a few
    /// dozen nested aliases (a "billion laughs") would still be too much to walk.
    /// </summary>
    public const long MaxExpandedNodes = 1_000_000;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Reads one YAML document from a file's text. Returns the root node, or null when the file
    /// cannot be used; reports every problem to <paramref name="diagnostics"/>, continuing where it can.
    /// An empty file, or one holding only comments, gives an empty mapping at 1:1.
    /// </summary>
    /// <param name="displayPath">The file as diagnostics show it.</param>
    /// <param name="text">The file's text.</param>
    /// <param name="diagnostics">Receives every problem found.</param>
    public static YamlNode? Read(string displayPath, string text, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(displayPath);
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(diagnostics);

        var size = Encoding.UTF8.GetByteCount(text);
        if (size > MaxBytes)
        {
            ReportTooLarge(displayPath, size, diagnostics);
            return null;
        }

        return new YamlTreeBuilder(displayPath, text, diagnostics).Build();
    }

    /// <summary>
    /// Reads one YAML document from a UTF-8 file, checking its size before reading it.
    /// Returns the root node, or null when the file cannot be used (see <see cref="Read"/>).
    /// </summary>
    /// <param name="displayPath">The file as diagnostics show it.</param>
    /// <param name="fullPath">The file to open.</param>
    /// <param name="diagnostics">Receives every problem found.</param>
    public static YamlNode? ReadFile(string displayPath, string fullPath, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(displayPath);
        ArgumentNullException.ThrowIfNull(fullPath);
        ArgumentNullException.ThrowIfNull(diagnostics);

        byte[] bytes;
        try
        {
            using var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            if (stream.Length > MaxBytes)
            {
                ReportTooLarge(displayPath, stream.Length, diagnostics);
                return null;
            }

            bytes = ReadAtMost(stream, MaxBytes + 1);
            if (bytes.Length > MaxBytes)
            {
                // The file grew after its size was checked.
                ReportTooLarge(displayPath, Math.Max(bytes.Length, stream.Length), diagnostics);
                return null;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            ReportUnreadable(displayPath, DescribeReadFailure(fullPath, ex), diagnostics);
            return null;
        }

        if (!TryDecode(bytes, out var text, out var reason))
        {
            ReportUnreadable(displayPath, reason, diagnostics);
            return null;
        }

        return new YamlTreeBuilder(displayPath, text, diagnostics).Build();
    }

    private static byte[] ReadAtMost(Stream stream, int limit)
    {
        var buffer = new byte[Math.Min(limit, Math.Max(stream.Length, 0) + 1)];
        var total = 0;
        while (true)
        {
            if (total == buffer.Length)
            {
                if (buffer.Length >= limit)
                {
                    break;
                }

                Array.Resize(ref buffer, (int)Math.Min(limit, buffer.Length * 2L));
            }

            var read = stream.Read(buffer, total, buffer.Length - total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        Array.Resize(ref buffer, total);
        return buffer;
    }

    private static bool TryDecode(byte[] bytes, out string text, out string reason)
    {
        text = string.Empty;
        reason = string.Empty;
        if (bytes is [0xFF, 0xFE, ..] or [0xFE, 0xFF, ..])
        {
            reason = "the file is UTF-16; save it as UTF-8";
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
            reason = "the file is not valid UTF-8 text";
            return false;
        }
    }

    private static string DescribeReadFailure(string fullPath, Exception ex) => ex switch
    {
        FileNotFoundException or DirectoryNotFoundException => "file not found",
        UnauthorizedAccessException when Directory.Exists(fullPath) => "it is a directory, not a file",
        UnauthorizedAccessException => "permission denied",
        _ => ex.Message,
    };

    private static void ReportUnreadable(string file, string reason, DiagnosticBag diagnostics) =>
        diagnostics.Add(file, 1, 1, DiagnosticCodes.FileUnreadable, $"cannot read config file: {reason}");

    private static void ReportTooLarge(string file, long size, DiagnosticBag diagnostics) =>
        diagnostics.Add(
            file,
            1,
            1,
            DiagnosticCodes.FileTooLarge,
            string.Create(CultureInfo.InvariantCulture, $"config file is {size:N0} bytes; the limit is {MaxBytes:N0} bytes (1 MiB)"));
}

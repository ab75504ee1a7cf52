using System.Text;

namespace TheModel.Sync.Config.Loading;

/// <summary>
/// Reads a list file (<c>lists: { abm: { file: lists/abm.csv } }</c>): one entry per line, the first CSV column,
/// skipping blank lines, <c>#</c> comments (a whole line, or from a <c>#</c> after the entry) and a header line whose
/// first column is <c>domain</c> (any case).
/// </summary>
internal static class ListFileReader
{
    /// <summary>The entries with their 1-based line numbers, so that a bad one can be named.</summary>
    public static List<(int Line, string Entry)> Parse(byte[] bytes)
    {
        var text = Decode(bytes);
        var entries = new List<(int, string)>();
        var number = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            number++;
            var line = rawLine.TrimEnd('\r').Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var entry = FirstColumn(line);
            var comment = entry.IndexOf('#', StringComparison.Ordinal);
            entry = (comment < 0 ? entry : entry[..comment]).Trim();
            if (number == 1 && entry.Equals("domain", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (entry.Length > 0)
            {
                entries.Add((number, entry));
            }
        }

        return entries;
    }

    public static string Decode(byte[] bytes)
    {
        // Spreadsheet exports often start with a byte-order mark; it is not part of the first entry.
        var span = bytes.AsSpan();
        if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            span = span[3..];
        }

        return Encoding.UTF8.GetString(span);
    }

    private static string FirstColumn(string line)
    {
        if (line[0] != '"')
        {
            var comma = line.IndexOf(',', StringComparison.Ordinal);
            return comma < 0 ? line : line[..comma];
        }

        // A quoted CSV field: "" is a quote inside it, and it ends at the next lone quote.
        var sb = new StringBuilder();
        for (var i = 1; i < line.Length; i++)
        {
            if (line[i] == '"')
            {
                if (i + 1 < line.Length && line[i + 1] == '"')
                {
                    sb.Append('"');
                    i++;
                    continue;
                }

                break;
            }

            sb.Append(line[i]);
        }

        return sb.ToString();
    }
}

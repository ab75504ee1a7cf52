using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;

namespace TheModel.Sync.Application.Input;

public enum InputFormat
{
    JsonLines,
    Csv,
}

/// <summary>One record of an input file: its first line number and its keys and values, or why it could not be read.</summary>
public sealed class InputRecord
{
    private string? _text;

    public required long Line { get; init; }

    public IReadOnlyList<KeyValuePair<string, RawValue>> Values { get; init; } = [];

    public string? Error { get; init; }

    /// <summary>
    /// The record's text as read (for the rejects file). For a JSON line that parsed, it is decoded on demand from the
    /// reader's buffer, so it can be read only until the next record is read: most records never need it.
    /// </summary>
    public string Text
    {
        get => _text ??= Encoding.UTF8.GetString(Utf8.Span);
        init => _text = value;
    }

    internal ReadOnlyMemory<byte> Utf8 { get; init; }
}

/// <summary>
/// Streams the records of a JSON Lines or CSV file (section 13). Records are read one at a time so that memory does
/// not grow with the file; a record that cannot be parsed is returned with its error and reading goes on.
/// </summary>
public static class InputFiles
{
    // Copies of pipes and gzip files, by the copy's path: the path the input was given by, for messages and rejects.
    private static readonly ConcurrentDictionary<string, string> GivenPaths = new(StringComparer.Ordinal);

    /// <summary>The path an input was given by: for a copy (<see cref="Prepare"/>), the path of what was copied.</summary>
    public static string GivenPath(string path) => GivenPaths.TryGetValue(path, out var given) ? given : path;

    /// <summary>
    /// An input that can be opened more than once and read from any offset, as <c>simulate</c> and <c>diff</c> read the
    /// people (a first pass seeds the state) and every reader does to tell JSON Lines from CSV.
    /// <list type="bullet">
    /// <item>A regular file is used as it is.</item>
    /// <item>A pipe (a shell's <c>&lt;(zcat people.jsonl.gz)</c>, a FIFO, <c>/dev/stdin</c> from a pipe) can be read
    /// only once, from the start: it is copied to a temporary file.</item>
    /// <item>A gzip file (or pipe), as CRM exports often come, is decompressed to a temporary file; <c>.gz</c> is
    /// dropped from the copy's name, so <c>people.csv.gz</c> still reads as CSV.</item>
    /// </list>
    /// A copy is readable by this user only and is deleted when the result is disposed. Rejected lines of a copy still
    /// name the path as given.
    /// </summary>
    /// <exception cref="InvalidDataException">The input starts as gzip but cannot be decompressed.</exception>
    public static InputCopy Prepare(string path)
    {
        using var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var head = new byte[2];
        var read = source.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        var gzip = StartsAsGzip(head.AsSpan(0, read));
        if (source.CanSeek && !gzip)
        {
            return new InputCopy(path, path);
        }

        var name = Path.GetFileName(path);
        if (gzip && name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            name = name[..^3];
        }

        if (!source.CanSeek)
        {
            // The two bytes read to look are gone from the pipe: they lead the copy.
            var raw = NewCopy(name, target =>
            {
                target.Write(head, 0, read);
                source.CopyTo(target);
            });
            if (!gzip)
            {
                GivenPaths[raw] = path;
                return new InputCopy(path, raw);
            }

            try
            {
                using var compressed = new FileStream(raw, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
                return Decompressed(path, name, compressed);
            }
            finally
            {
                File.Delete(raw);
            }
        }

        source.Position = 0;
        return Decompressed(path, name, source);
    }

    /// <summary>True when <paramref name="head"/> (a file's first bytes, two are enough) is gzip's magic number.</summary>
    public static bool StartsAsGzip(ReadOnlySpan<byte> head) => head.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B]);

    private static InputCopy Decompressed(string given, string name, Stream compressed)
    {
        var copy = NewCopy(name, target =>
        {
            using var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionMode.Decompress, leaveOpen: true);
            gzip.CopyTo(target);
        });
        GivenPaths[copy] = given;
        return new InputCopy(given, copy);
    }

    /// <summary>A new temporary file, readable by this user only, filled by <paramref name="fill"/>; deleted if that fails.</summary>
    private static string NewCopy(string name, Action<FileStream> fill)
    {
        var copy = Path.Combine(Path.GetTempPath(), $"themodel-sync-{Guid.NewGuid():N}-{name}");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, BufferSize = 1 << 16 };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var target = new FileStream(copy, options);
            fill(target);
            return copy;
        }
        catch
        {
            File.Delete(copy);
            throw;
        }
    }

    /// <summary>The input to read (<see cref="Path"/>); disposing deletes it when it is a copy.</summary>
    public sealed class InputCopy : IDisposable
    {
        internal InputCopy(string given, string path)
        {
            Given = given;
            Path = path;
        }

        public string Given { get; }

        public string Path { get; }

        public bool IsCopy => !ReferenceEquals(Given, Path);

        public void Dispose()
        {
            if (IsCopy && GivenPaths.TryRemove(Path, out _))
            {
                File.Delete(Path);
            }
        }
    }

    public static InputFormat Detect(string path)
    {
        var ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext is ".csv")
        {
            return InputFormat.Csv;
        }

        if (ext is ".jsonl" or ".ndjson" or ".json")
        {
            return InputFormat.JsonLines;
        }

        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        int c;
        while ((c = reader.Read()) >= 0 && char.IsWhiteSpace((char)c))
        {
        }

        return c == '{' ? InputFormat.JsonLines : InputFormat.Csv;
    }

    public static IEnumerable<InputRecord> Read(string path) =>
        Detect(path) == InputFormat.Csv ? ReadCsv(path) : ReadJsonLines(path);

    public static IEnumerable<InputRecord> ReadJsonLines(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        foreach (var record in ReadJsonLines(stream))
        {
            yield return record;
        }
    }

    /// <summary>
    /// The records of one of <paramref name="slices"/> equal byte ranges of a JSON Lines file, each line belonging to the
    /// slice where it starts, so that the slices together hold every line once. Line numbers count within the slice;
    /// for work whose order does not matter (seeding counts), read on several threads.
    /// </summary>
    public static IEnumerable<InputRecord> ReadJsonLinesSlice(string path, int slice, int slices)
    {
        using var lines = OpenJsonLinesSlice(path, slice, slices);
        while (lines.TryRead(out var text, out var line))
        {
            if (ParseJsonLine(text, line) is { } record)
            {
                yield return record;
            }
        }
    }

    /// <summary>The lines of a JSON Lines file, undecoded.</summary>
    internal static JsonLineReader OpenJsonLines(string path) =>
        new(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan), ownsStream: true);

    /// <summary>The lines of one slice of a JSON Lines file (see <see cref="ReadJsonLinesSlice"/>), undecoded.</summary>
    internal static JsonLineReader OpenJsonLinesSlice(string path, int slice, int slices)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        try
        {
            var start = LineStartAtOrAfter(stream, stream.Length * slice / slices);
            var end = LineStartAtOrAfter(stream, stream.Length * (slice + 1) / slices);
            stream.Position = start;
            return new JsonLineReader(new SliceStream(stream, end - start), ownsStream: true);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static long LineStartAtOrAfter(FileStream stream, long position)
    {
        if (position <= 0 || position >= stream.Length)
        {
            return Math.Clamp(position, 0, stream.Length);
        }

        // The line that position falls in belongs to the slice where it starts: skip to the next line start.
        stream.Position = position - 1;
        int b;
        while ((b = stream.ReadByte()) >= 0 && b != '\n')
        {
        }

        return stream.Position;
    }

    /// <summary>A window of a stream from its current position: reads stop after <c>length</c> bytes.</summary>
    private sealed class SliceStream(Stream inner, long length) : Stream
    {
        private long _left = length;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_left <= 0)
            {
                return 0;
            }

            var read = inner.Read(buffer, offset, (int)Math.Min(count, _left));
            _left -= read;
            return read;
        }

        public override void Flush()
        {
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    public static IEnumerable<InputRecord> ReadJsonLines(Stream stream)
    {
        using var lines = new JsonLineReader(stream);
        while (lines.TryRead(out var text, out var line))
        {
            if (ParseJsonLine(text, line) is { } record)
            {
                yield return record;
            }
        }
    }

    /// <summary>
    /// A line without its trailing <c>\r</c>, or false for a line of nothing but spaces and tabs (no record, no reject).
    /// </summary>
    internal static bool TryTrimLine(ref ReadOnlyMemory<byte> memory)
    {
        var bytes = memory.Span;
        if (bytes.Length > 0 && bytes[^1] == (byte)'\r')
        {
            memory = memory[..^1];
            bytes = bytes[..^1];
        }

        foreach (var b in bytes)
        {
            if (b is not ((byte)' ' or (byte)'\t'))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A line of a JSON Lines file as a record; null for a blank line.</summary>
    internal static InputRecord? ParseJsonLine(ReadOnlyMemory<byte> memory, long line)
    {
        if (!TryTrimLine(ref memory))
        {
            return null;
        }

        var bytes = memory.Span;
        try
        {
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = 8 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return new InputRecord { Line = line, Error = "expected a JSON object", Text = Encoding.UTF8.GetString(bytes) };
            }

            var values = ReadObject(ref reader);
            if (!AtEnd(ref reader))
            {
                // A carriage return inside a line can only be whitespace between values: most likely a file whose
                // lines end in CR alone (classic Mac), read as one line. Say so, or the reject reads as a riddle.
                var error = bytes.Contains((byte)'\r')
                    ? "unexpected text after the JSON object; the lines of this file seem to end in a carriage return alone (CR, as old Mac files do): JSON Lines ends each line with LF or CRLF"
                    : "unexpected text after the JSON object";
                return new InputRecord { Line = line, Error = error, Text = Encoding.UTF8.GetString(bytes) };
            }

            if (Duplicate(values) is { } twice)
            {
                return new InputRecord { Line = line, Error = GivenTwice(twice), Text = Encoding.UTF8.GetString(bytes) };
            }

            return new InputRecord { Line = line, Values = values, Utf8 = memory[..bytes.Length] };
        }
        catch (JsonException ex)
        {
            var message = ex.Message;
            var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            return new InputRecord { Line = line, Error = "invalid JSON: " + (cut > 0 ? message[..cut] : message), Text = Encoding.UTF8.GetString(bytes) };
        }
        catch (InvalidOperationException ex)
        {
            // A text the reader cannot turn into a string: bytes that are not UTF-8, or a \ud800 escape without its
            // pair. The line is rejected like any other bad line; the run goes on.
            return new InputRecord { Line = line, Error = "invalid text: " + ex.Message, Text = Encoding.UTF8.GetString(bytes) };
        }
    }

    /// <summary>
    /// A key given twice (a JSON object with two <c>email</c>s, a CSV header naming a column twice): the later value
    /// would silently win, and a routing decision would rest on a guess. Null when every key is there once.
    /// </summary>
    private static string? Duplicate(List<KeyValuePair<string, RawValue>> values)
    {
        for (var i = 1; i < values.Count; i++)
        {
            for (var j = 0; j < i; j++)
            {
                if (string.Equals(values[j].Key, values[i].Key, StringComparison.Ordinal))
                {
                    return values[i].Key;
                }
            }
        }

        return null;
    }

    private static string GivenTwice(string key) => $"{key} is given twice; which one is meant is not clear";

    private static bool AtEnd(ref Utf8JsonReader reader)
    {
        try
        {
            return !reader.Read();
        }
        catch (JsonException)
        {
            // The reader refuses a second value on the line; that is the same mistake.
            return false;
        }
    }

    private static List<KeyValuePair<string, RawValue>> ReadObject(ref Utf8JsonReader reader)
    {
        var values = new List<KeyValuePair<string, RawValue>>(16);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var key = InternKey(ref reader);
            reader.Read();
            values.Add(new(key, ReadValue(ref reader)));
        }

        return values;
    }

    private static readonly HashSet<string> KnownKeys = new(
        RecordBuilders.PersonKeys.Concat(RecordBuilders.AccountKeys).Concat(RecordBuilders.OpportunityKeys)
            .Concat(["last_form", "last_form_at", "pricing_views", "last_event", "last_event_at", "intent"]),
        StringComparer.Ordinal);

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> KnownKeyLookup =
        KnownKeys.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Property names repeat on every line: the known ones are shared rather than allocated each time.</summary>
    private static string InternKey(ref Utf8JsonReader reader)
    {
        if (!reader.HasValueSequence && !reader.ValueIsEscaped && reader.ValueSpan.Length <= 64)
        {
            Span<char> chars = stackalloc char[64];
            if (Encoding.UTF8.TryGetChars(reader.ValueSpan, chars, out var written) &&
                KnownKeyLookup.TryGetValue(chars[..written], out var known))
            {
                return known;
            }
        }

        return reader.GetString()!;
    }

    private static RawValue ReadValue(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return RawValue.OfString(reader.GetString()!);
            case JsonTokenType.Number:
                return RawValue.OfNumber(reader.GetDouble(), Encoding.UTF8.GetString(reader.ValueSpan));
            case JsonTokenType.True:
                return RawValue.OfBool(true);
            case JsonTokenType.False:
                return RawValue.OfBool(false);
            case JsonTokenType.StartArray:
                var items = new List<RawValue>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(ReadValue(ref reader));
                }

                return RawValue.OfArray(items);
            case JsonTokenType.StartObject:
                return RawValue.OfObject(ReadObject(ref reader));
            default:
                return RawValue.Null;
        }
    }

    public static IEnumerable<InputRecord> ReadCsv(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);

        // UTF-8 (a byte order mark or not), each line checked; a UTF-16 or UTF-32 file says so with its byte order mark.
        using TextReader reader = Utf8LineReader.StartsWithWideBom(stream)
            ? new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, 1 << 16)
            : new Utf8LineReader(stream, ownsStream: false);
        foreach (var record in ReadCsv(reader))
        {
            yield return record;
        }
    }

    /// <summary>For a header of one column holding semicolons or tabs, what they are called; null otherwise.</summary>
    private static string? OtherSeparator(string[] header) =>
        header.Length != 1 ? null
        : header[0].Contains(';', StringComparison.Ordinal) ? "semicolons"
        : header[0].Contains('\t', StringComparison.Ordinal) ? "tabs"
        : null;

    private const string NotUtf8 =
        "the line is not UTF-8 text (bytes of another encoding, such as Shift_JIS or Windows-1252, read as U+FFFD); save the file as UTF-8";

    /// <summary>RFC 4180: comma-separated, double quotes around fields with commas, quotes or line breaks, <c>""</c> for a quote.</summary>
    public static IEnumerable<InputRecord> ReadCsv(TextReader reader)
    {
        string[]? header = null;
        string? headerError = null;
        long line = 0;
        var fields = new List<string>();
        var sb = new StringBuilder();
        var raw = new StringBuilder();

        // Lines read as the rest of a quoted field that never closed: read again, each on its own.
        var again = new Queue<(string Text, bool NotUtf8)>();
        var continued = new List<(string Text, bool NotUtf8)>();
        var utf8 = reader as Utf8LineReader;
        while (true)
        {
            var (text, notUtf8) = again.Count > 0 ? again.Dequeue() : (reader.ReadLine(), utf8?.LastLineInvalid == true);
            if (text is null)
            {
                yield break;
            }

            line++;
            var startLine = line;
            if (text.Length == 0)
            {
                continue;
            }

            fields.Clear();
            continued.Clear();
            raw.Clear();
            raw.Append(text);
            var firstLine = text;
            var firstNotUtf8 = notUtf8;
            string? error = null;
            sb.Clear();
            var inQuotes = false;
            var i = 0;
            while (true)
            {
                if (i >= text.Length)
                {
                    if (inQuotes)
                    {
                        var (next, nextNotUtf8) = again.Count > 0 ? again.Dequeue() : (reader.ReadLine(), utf8?.LastLineInvalid == true);
                        if (next is null)
                        {
                            // One stray quote must not take every row after it: only its own line is rejected, and
                            // the lines it swallowed are read again as rows of their own.
                            error = "a quoted field is not closed by the end of the file; the lines after this one are read on their own";
                            raw.Clear();
                            raw.Append(firstLine);
                            foreach (var swallowed in continued)
                            {
                                // The end of the file was reached, so nothing else waits to be read again.
                                again.Enqueue(swallowed);
                            }

                            line = startLine;
                            notUtf8 = firstNotUtf8;
                            break;
                        }

                        line++;
                        continued.Add((next, nextNotUtf8));
                        notUtf8 |= nextNotUtf8;
                        sb.Append('\n');
                        raw.Append('\n').Append(next);
                        text = next;
                        i = 0;
                        continue;
                    }

                    fields.Add(sb.ToString());
                    break;
                }

                var c = text[i];
                if (inQuotes)
                {
                    if (c == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            sb.Append('"');
                            i += 2;
                            continue;
                        }

                        inQuotes = false;
                        i++;
                        continue;
                    }

                    sb.Append(c);
                    i++;
                    continue;
                }

                if (c == '"' && sb.Length == 0)
                {
                    inQuotes = true;
                }
                else if (c == ',')
                {
                    fields.Add(sb.ToString());
                    sb.Clear();
                }
                else
                {
                    sb.Append(c);
                }

                i++;
            }

            if (header is null)
            {
                header = [.. fields.Select(f => f.Trim())];

                // Checked once, here: a column named twice makes every row's value for it a guess.
                headerError = notUtf8
                    ? NotUtf8 + " (the header is not, so no column can be trusted)"
                    : OtherSeparator(header) is { } separator
                        ? $"the header has no comma but has {separator}: the file seems separated by them (a spreadsheet's export in some locales); CSV input is separated by commas"
                    : Duplicate([.. header.Select(h => new KeyValuePair<string, RawValue>(h, RawValue.Null))]) is { } twice
                        ? GivenTwice(twice) + " (the header names the column twice)"
                        : null;
                continue;
            }

            error ??= headerError;
            if (error is null && notUtf8)
            {
                error = NotUtf8;
            }

            if (error is null && fields.Count != header.Length)
            {
                error = $"expected {header.Length} fields as in the header, found {fields.Count}";
            }

            if (error is not null)
            {
                yield return new InputRecord { Line = startLine, Error = error, Text = raw.ToString() };
                continue;
            }

            var values = new List<KeyValuePair<string, RawValue>>(header.Length);
            for (var k = 0; k < header.Length; k++)
            {
                values.Add(new(header[k], fields[k].Length == 0 ? RawValue.Null : RawValue.OfString(fields[k])));
            }

            yield return new InputRecord { Line = startLine, Values = values, Text = raw.ToString() };
        }
    }
}

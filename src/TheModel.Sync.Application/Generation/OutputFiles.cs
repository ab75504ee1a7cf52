using System.Globalization;
using System.Text;

namespace TheModel.Sync.Application.Generation;

/// <summary>
/// A JSON Lines file written straight into a byte buffer: one object per line, UTF-8 without BOM, Japanese text as is,
/// only <c>"</c>, <c>\</c> and control characters escaped. The generator writes nothing but flat objects with string,
/// integer, boolean and timestamp values (and one nested object and one array of strings), so a general JSON writer's
/// checks would only cost time; the tests parse every line back.
/// </summary>
internal sealed class JsonLinesFile : IDisposable
{
    private const int FlushAt = 1 << 16;

    private readonly FileStream _stream;
    private byte[] _buffer = new byte[FlushAt * 2];
    private int _length;
    private bool _first;

    public JsonLinesFile(string path)
    {
        _stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1, FileOptions.SequentialScan);
    }

    public void StartObject()
    {
        Byte((byte)'{');
        _first = true;
    }

    public void StartObject(ReadOnlySpan<byte> name)
    {
        Name(name);
        StartObject();
    }

    public void EndObject()
    {
        Byte((byte)'}');
        _first = false;
    }

    public void StartArray(ReadOnlySpan<byte> name)
    {
        Name(name);
        Byte((byte)'[');
        _first = true;
    }

    public void EndArray()
    {
        Byte((byte)']');
        _first = false;
    }

    /// <summary>A string property; nothing when the value is null.</summary>
    public void String(ReadOnlySpan<byte> name, string? value)
    {
        if (value is null)
        {
            return;
        }

        Name(name);
        Quoted(value);
    }

    public void ArrayString(string value)
    {
        if (!_first)
        {
            Byte((byte)',');
        }

        _first = false;
        Quoted(value);
    }

    public void Number(ReadOnlySpan<byte> name, long value)
    {
        Name(name);
        Ensure(20);
        value.TryFormat(_buffer.AsSpan(_length), out var n, default, CultureInfo.InvariantCulture);
        _length += n;
    }

    public void Bool(ReadOnlySpan<byte> name, bool value)
    {
        Name(name);
        Ascii(value ? "true" : "false");
    }

    /// <summary>An ISO 8601 timestamp property; nothing when the instant is <see cref="IsoTime.None"/>.</summary>
    public void Time(ReadOnlySpan<byte> name, long unixSeconds, Zone zone)
    {
        if (unixSeconds == IsoTime.None)
        {
            return;
        }

        Name(name);
        Span<char> text = stackalloc char[IsoTime.MaxLength];
        var n = IsoTime.Format(unixSeconds, zone, text);
        Byte((byte)'"');
        Ascii(text[..n]);
        Byte((byte)'"');
    }

    /// <summary>Ends the object just written with a line break.</summary>
    public void EndLine()
    {
        Byte((byte)'\n');
        if (_length >= FlushAt)
        {
            Drain();
        }
    }

    public void Dispose()
    {
        Drain();
        _stream.Dispose();
    }

    private void Name(ReadOnlySpan<byte> name)
    {
        Ensure(name.Length + 4);
        if (!_first)
        {
            _buffer[_length++] = (byte)',';
        }

        _first = false;
        _buffer[_length++] = (byte)'"';
        name.CopyTo(_buffer.AsSpan(_length));
        _length += name.Length;
        _buffer[_length++] = (byte)'"';
        _buffer[_length++] = (byte)':';
    }

    private void Quoted(string value)
    {
        Ensure((value.Length * 6) + 2);
        _buffer[_length++] = (byte)'"';
        var rest = value.AsSpan();
        while (rest.Length > 0)
        {
            var special = IndexOfSpecial(rest);
            var plain = special < 0 ? rest : rest[..special];
            _length += Encoding.UTF8.GetBytes(plain, _buffer.AsSpan(_length));
            if (special < 0)
            {
                break;
            }

            Escape(rest[special]);
            rest = rest[(special + 1)..];
        }

        _buffer[_length++] = (byte)'"';
    }

    private static int IndexOfSpecial(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] is < ' ' or '"' or '\\')
            {
                return i;
            }
        }

        return -1;
    }

    private void Escape(char c)
    {
        var escape = c switch
        {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            _ => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
        };
        Ascii(escape);
    }

    private void Ascii(ReadOnlySpan<char> text)
    {
        Ensure(text.Length);
        foreach (var c in text)
        {
            _buffer[_length++] = (byte)c;
        }
    }

    private void Byte(byte b)
    {
        Ensure(1);
        _buffer[_length++] = b;
    }

    private void Ensure(int bytes)
    {
        if (_length + bytes <= _buffer.Length)
        {
            return;
        }

        Drain();
        if (bytes > _buffer.Length)
        {
            _buffer = new byte[bytes];
        }
    }

    private void Drain()
    {
        _stream.Write(_buffer, 0, _length);
        _length = 0;
    }
}

/// <summary>An RFC 4180 CSV file: comma-separated, CRLF line ends, quotes around fields that need them.</summary>
internal sealed class CsvFile : IDisposable
{
    private readonly StreamWriter _writer;
    private bool _lineStart = true;

    public CsvFile(string path)
    {
        _writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
    }

    public void Field(string? value) => Field(value.AsSpan());

    public void Field(ReadOnlySpan<char> value)
    {
        if (!_lineStart)
        {
            _writer.Write(',');
        }

        _lineStart = false;
        if (value.IndexOfAny(",\"\r\n") < 0)
        {
            _writer.Write(value);
            return;
        }

        _writer.Write('"');
        foreach (var c in value)
        {
            if (c == '"')
            {
                _writer.Write('"');
            }

            _writer.Write(c);
        }

        _writer.Write('"');
    }

    public void EndLine()
    {
        _writer.Write("\r\n");
        _lineStart = true;
    }

    public void Dispose() => _writer.Dispose();
}

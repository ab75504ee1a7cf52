using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Application.Output;

/// <summary>
/// JSON text built by hand in a growable byte array, producing exactly the bytes a <see cref="Utf8JsonWriter"/> with
/// <see cref="DecisionJson.WriterOptions"/> writes for the same values. Callers write the structure (braces, commas,
/// property names) as literals; this class writes the values.
/// </summary>
/// <remarks>
/// Decision files run to a million lines of about 60 values each, and the writer's per-call bookkeeping and its slow
/// path for any string needing an escape (every <c>because</c> text quotes a value) cost more than the text itself.
/// Strings the encoder leaves alone, or in which it only escapes <c>"</c> and <c>\</c>, are written here; any other
/// escape (controls, characters outside the encoder's allowed ranges, invalid UTF-16) goes to a real
/// <see cref="Utf8JsonWriter"/>, so the bytes stay its bytes.
/// </remarks>
internal sealed class JsonLineBuffer
{
    private const int ShortText = 32;
    private const byte Plain = 0;
    private const byte Backslashed = 1;
    private const byte Other = 2;

    private const int CachedFrom = 32;
    private const int MaxCached = 512;
    private const int RecentSlots = 1024;

    private static readonly JavaScriptEncoder Encoder = DecisionJson.WriterOptions.Encoder!;
    private static readonly byte[] AsciiEscapes = AsciiEscapesOf(Encoder);

    private readonly RecentText[]? _recent;
    private byte[] _bytes;
    private int _length;
    private byte[] _pending = new byte[256];
    private ArrayBufferWriter<byte>? _exactBuffer;
    private Utf8JsonWriter? _exactWriter;
    private DateTimeOffset _lastTime;
    private readonly byte[] _lastTimeText = new byte[32];
    private int _lastTimeLength;

    /// <param name="capacity">The bytes to start with (the buffer grows as needed).</param>
    /// <param name="rememberTexts">
    /// Whether to keep the bytes of recent long strings (1,024 of them: some 256 KB, a few MB at most), for a buffer
    /// that writes many lines.
    /// </param>
    public JsonLineBuffer(int capacity = 1 << 16, bool rememberTexts = false)
    {
        _bytes = new byte[Math.Max(capacity, 64)];
        _recent = rememberTexts ? new RecentText[RecentSlots] : null;
    }

    public ReadOnlySpan<byte> WrittenSpan => _bytes.AsSpan(0, _length);

    public ReadOnlyMemory<byte> WrittenMemory => _bytes.AsMemory(0, _length);

    public int Length => _length;

    public void Clear() => _length = 0;

    public void Raw(ReadOnlySpan<byte> text)
    {
        Ensure(text.Length);
        text.CopyTo(_bytes.AsSpan(_length));
        _length += text.Length;
    }

    public void Null() => Raw("null"u8);

    public void Bool(bool value) => Raw(value ? "true"u8 : "false"u8);

    /// <summary>A quoted, escaped string, or <c>null</c> (as the writer writes a null string).</summary>
    public void String(string? value)
    {
        if (value is null)
        {
            Null();
            return;
        }

        if (_recent is null || value.Length < CachedFrom || value.Length > MaxCached)
        {
            String(value.AsSpan());
            return;
        }

        // Long texts are mostly the same string objects line after line (the because texts Core formats once per
        // condition and value, triggers, the config version; about 70% of them in a generated run): their bytes are
        // kept per object, in a table where a newcomer takes the slot of whoever had it, so a text seen once costs a
        // copy and the table never grows. Strings are immutable, so the same object means the same bytes.
        ref var slot = ref _recent[RuntimeHelpers.GetHashCode(value) & (RecentSlots - 1)];
        if (ReferenceEquals(slot.Text, value))
        {
            Raw(slot.Bytes.AsSpan(0, slot.Length));
            return;
        }

        var start = _length;
        String(value.AsSpan());
        var written = _length - start;
        if (slot.Bytes is null || slot.Bytes.Length < written)
        {
            slot.Bytes = new byte[Math.Max(written, 256)];
        }

        _bytes.AsSpan(start, written).CopyTo(slot.Bytes);
        slot.Length = written;
        slot.Text = value;
    }

    private void String(ReadOnlySpan<char> value)
    {
        // Transcoded straight into place: most strings (ids, names, timestamps) need no escape and are done then.
        Ensure((value.Length * 3) + 2);
        var start = _length;
        _bytes[start] = (byte)'"';
        if (value.Length <= ShortText && TryShortAscii(value, start + 1))
        {
            return;
        }

        var status = Utf8.FromUtf16(value, _bytes.AsSpan(start + 1), out _, out var written, replaceInvalidSequences: false);
        if (status != OperationStatus.Done)
        {
            Exact(start, value);
            return;
        }

        var utf8 = _bytes.AsSpan(start + 1, written);
        var first = Encoder.FindFirstCharacterToEncodeUtf8(utf8);
        if (first < 0)
        {
            _bytes[start + 1 + written] = (byte)'"';
            _length = start + written + 2;
            return;
        }

        // Escapes make the text longer than its place: the rest goes aside and comes back escaped.
        var rest = written - first;
        if (_pending.Length < rest)
        {
            _pending = new byte[Math.Max(rest, _pending.Length * 2)];
        }

        utf8[first..].CopyTo(_pending);
        _length = start + 1 + first;
        var pending = _pending.AsSpan(0, rest);
        while (true)
        {
            var b = pending[0];
            if (b is not ((byte)'"' or (byte)'\\'))
            {
                Exact(start, value);
                return;
            }

            Ensure(pending.Length + 2);
            _bytes[_length] = (byte)'\\';
            _bytes[_length + 1] = b;
            _length += 2;
            pending = pending[1..];
            var next = Encoder.FindFirstCharacterToEncodeUtf8(pending);
            var plain = next < 0 ? pending.Length : next;
            pending[..plain].CopyTo(_bytes.AsSpan(_length));
            _length += plain;
            if (next < 0)
            {
                break;
            }

            pending = pending[next..];
        }

        Ensure(1);
        _bytes[_length++] = (byte)'"';
    }

    /// <summary>
    /// A short ASCII string char by char, escaping <c>"</c> and <c>\</c> in line: ids and names are a few chars, and
    /// calling the transcoder and the encoder's search costs more than walking them. False (nothing written) for any
    /// char the encoder escapes otherwise, or that is not ASCII.
    /// </summary>
    private bool TryShortAscii(ReadOnlySpan<char> value, int at)
    {
        var bytes = _bytes;
        var i = at;
        foreach (var c in value)
        {
            if (c >= 128)
            {
                return false;
            }

            switch (AsciiEscapes[c])
            {
                case Plain:
                    bytes[i++] = (byte)c;
                    break;
                case Backslashed:
                    bytes[i++] = (byte)'\\';
                    bytes[i++] = (byte)c;
                    break;
                default:
                    return false;
            }
        }

        bytes[i++] = (byte)'"';
        _length = i;
        return true;
    }

    /// <summary>
    /// For each ASCII char, what the encoder does with it, asked of the encoder itself: nothing, a backslash before
    /// it (it escapes <c>"</c> and <c>\</c> so), or anything else (left to the general path).
    /// </summary>
    private static byte[] AsciiEscapesOf(JavaScriptEncoder encoder)
    {
        var table = new byte[128];
        for (var c = 0; c < 128; c++)
        {
            table[c] = encoder.FindFirstCharacterToEncodeUtf8([(byte)c]) < 0 ? Plain
                : c is '"' or '\\' ? Backslashed
                : Other;
        }

        return table;
    }

    /// <summary>An instant as <see cref="Timestamps.Format(DateTimeOffset)"/> writes it, quoted.</summary>
    public void Time(DateTimeOffset value)
    {
        // Most lines repeat the evaluation time T more than once, and the text is the same only for the same offset.
        if (_lastTimeLength == 0 || !_lastTime.EqualsExact(value))
        {
            Span<char> chars = stackalloc char[32];
            var n = Timestamps.Format(value, chars);
            for (var i = 0; i < n; i++)
            {
                _lastTimeText[i] = (byte)chars[i];
            }

            _lastTime = value;
            _lastTimeLength = n;
        }

        Ensure(_lastTimeLength + 2);
        _bytes[_length] = (byte)'"';
        _lastTimeText.AsSpan(0, _lastTimeLength).CopyTo(_bytes.AsSpan(_length + 1));
        _length += _lastTimeLength + 1;
        _bytes[_length++] = (byte)'"';
    }

    public void TimeOrNull(DateTimeOffset? value)
    {
        if (value is { } t)
        {
            Time(t);
        }
        else
        {
            Null();
        }
    }

    /// <summary>A double as <see cref="Utf8JsonWriter.WriteNumberValue(double)"/> writes it (shortest round trip).</summary>
    public void Number(double value)
    {
        if (!double.IsFinite(value))
        {
            // The writer refuses these too: JSON has no literal for them.
            throw new ArgumentException($"{value.ToString(CultureInfo.InvariantCulture)} is not a valid JSON number.", nameof(value));
        }

        if (IsSmallWhole(value))
        {
            // Whole numbers (scores, counts) print as integers; the general formatter costs several times more.
            Integer((long)value);
            return;
        }

        Ensure(32);
        value.TryFormat(_bytes.AsSpan(_length), out var written, default, CultureInfo.InvariantCulture);
        _length += written;
    }

    /// <summary>
    /// Whether a double is a whole number that both the double and the decimal formatting print as plain digits
    /// (not -0, which they print as <c>-0</c>).
    /// </summary>
    public static bool IsSmallWhole(double value) =>
        value is > -1e9 and < 1e9 && value == Math.Truncate(value) && !(value == 0 && double.IsNegative(value));

    public void Integer(long value)
    {
        Ensure(20);
        Utf8Formatter.TryFormat(value, _bytes.AsSpan(_length), out var written);
        _length += written;
    }

    /// <summary>A decimal as <see cref="Utf8JsonWriter.WriteNumberValue(decimal)"/> writes it (its scale kept).</summary>
    public void Number(decimal value)
    {
        Ensure(64);
        Utf8Formatter.TryFormat(value, _bytes.AsSpan(_length), out var written);
        _length += written;
    }

    private void Exact(int start, ReadOnlySpan<char> value)
    {
        _exactBuffer ??= new ArrayBufferWriter<byte>(256);
        _exactWriter ??= new Utf8JsonWriter(_exactBuffer, DecisionJson.WriterOptions);
        _exactWriter.WriteStringValue(value);
        _exactWriter.Flush();
        _length = start;
        Raw(_exactBuffer.WrittenSpan);
        _exactWriter.Reset();
        _exactBuffer.ResetWrittenCount();
    }

    private struct RecentText
    {
        public string? Text;
        public byte[]? Bytes;
        public int Length;
    }

    private void Ensure(int more)
    {
        if (_bytes.Length - _length >= more)
        {
            return;
        }

        var size = Math.Max(_bytes.Length * 2, checked(_length + more));
        Array.Resize(ref _bytes, size);
    }
}

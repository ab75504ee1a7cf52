using System.Buffers;
using System.Text;

namespace TheModel.Sync.Application.Input;

/// <summary>
/// The lines of a UTF-8 text stream, as <see cref="StreamReader.ReadLine"/> splits them (at <c>\n</c>, <c>\r\n</c> or a
/// lone <c>\r</c>; a UTF-8 byte order mark skipped), each checked on its own: <see cref="LastLineInvalid"/> says the
/// line just read was not UTF-8. A StreamReader would have put U+FFFD in its place without a word, so a CSV saved as
/// Shift-JIS or Windows-1252 would have routed persons on garbled names; the CSV reader rejects such lines instead,
/// as the JSON Lines reader does.
/// </summary>
internal sealed class Utf8LineReader : TextReader
{
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
    private int _start;
    private int _end;
    private bool _eof;
    private bool _first = true;

    public Utf8LineReader(Stream stream, bool ownsStream)
    {
        _stream = stream;
        _ownsStream = ownsStream;
    }

    /// <summary>The line <see cref="ReadLine"/> returned last had bytes that are not UTF-8 (they read as U+FFFD).</summary>
    public bool LastLineInvalid { get; private set; }

    /// <summary>True when <paramref name="stream"/> starts with a UTF-16 or UTF-32 byte order mark; its position is kept.</summary>
    public static bool StartsWithWideBom(Stream stream)
    {
        if (!stream.CanSeek)
        {
            return false;
        }

        Span<byte> head = stackalloc byte[4];
        var position = stream.Position;
        var read = stream.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        stream.Position = position;
        head = head[..read];
        return head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) ||
               head.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]);
    }

    public override string? ReadLine()
    {
        LastLineInvalid = false;
        var searched = 0;
        while (true)
        {
            var pending = _buffer.AsSpan(_start, _end - _start);
            if (_first && (pending.Length >= 3 || _eof))
            {
                _first = false;
                if (pending.StartsWith("\uFEFF"u8))
                {
                    _start += 3;
                    continue;
                }
            }

            var at = _first ? -1 : pending[searched..].IndexOfAny((byte)'\n', (byte)'\r');
            if (at >= 0)
            {
                at += searched;

                // A \r at the end of what is read so far may be the first half of \r\n: read on to see.
                if (pending[at] == '\r' && at + 1 == pending.Length && !_eof)
                {
                    searched = at;
                    Fill();
                    continue;
                }

                var line = Decode(pending[..at]);
                _start += at + (pending[at] == '\r' && at + 1 < pending.Length && pending[at + 1] == '\n' ? 2 : 1);
                return line;
            }

            if (_eof)
            {
                if (pending.Length == 0)
                {
                    return null;
                }

                _start = _end;
                return Decode(pending);
            }

            searched = _first ? 0 : pending.Length;
            Fill();
        }
    }

    private string Decode(ReadOnlySpan<byte> bytes)
    {
        LastLineInvalid = !System.Text.Unicode.Utf8.IsValid(bytes);
        return Encoding.UTF8.GetString(bytes);
    }

    private void Fill()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            // One line longer than the buffer: a bigger one.
            var bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            _buffer.AsSpan(0, _end).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _eof = true;
        }

        _end += read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (_ownsStream)
            {
                _stream.Dispose();
            }

            if (_buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = [];
            }
        }

        base.Dispose(disposing);
    }

    public override int Peek() => throw new NotSupportedException("read lines with ReadLine");

    public override int Read() => throw new NotSupportedException("read lines with ReadLine");
}

using System.Buffers;

namespace TheModel.Sync.Application.Input;

/// <summary>
/// Splits a stream into lines at <c>\n</c>, numbered from 1, without decoding them: a UTF-8 byte order mark at the
/// start is skipped and a last line without a newline still counts. A line's bytes stay valid until the next read.
/// </summary>
internal sealed class JsonLineReader(Stream stream, bool ownsStream = false) : IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
    private int _filled;
    private int _start;
    private long _line;
    private bool _first = true;
    private bool _ended;
    private bool _done;

    public bool TryRead(out ReadOnlyMemory<byte> text, out long line)
    {
        while (!_done)
        {
            var nl = Array.IndexOf(_buffer, (byte)'\n', _start, _filled - _start);
            if (nl >= 0)
            {
                text = _buffer.AsMemory(_start, nl - _start);
                line = ++_line;
                _start = nl + 1;
                return true;
            }

            if (_ended)
            {
                _done = true;
                if (_start < _filled)
                {
                    text = _buffer.AsMemory(_start, _filled - _start);
                    line = ++_line;
                    return true;
                }

                break;
            }

            Fill();
        }

        text = default;
        line = _line;
        return false;
    }

    private void Fill()
    {
        // What is left of the last read moves to the front; a line longer than the buffer doubles it.
        _buffer.AsSpan(_start, _filled - _start).CopyTo(_buffer);
        _filled -= _start;
        _start = 0;
        if (_filled == _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            _buffer.AsSpan(0, _filled).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        var read = stream.Read(_buffer, _filled, _buffer.Length - _filled);
        _filled += read;
        if (_first && _filled >= 3 && _buffer[0] == 0xEF && _buffer[1] == 0xBB && _buffer[2] == 0xBF)
        {
            _start = 3;
        }

        _first = false;
        _ended = read == 0;
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }

        if (ownsStream)
        {
            stream.Dispose();
        }
    }
}

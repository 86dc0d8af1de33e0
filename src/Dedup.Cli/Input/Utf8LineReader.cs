using System.Buffers;

namespace Dedup.Cli.Input;

/// <summary>
/// Reads a stream line by line as raw bytes, so each line can be checked for valid UTF-8 and parsed as JSON on its own,
/// and a problem reported with its exact line number. Lines end at '\n'; a trailing '\r' is dropped.
/// </summary>
/// <remarks>
/// With <c>keepLines</c>, a line returned stays valid after the next call: the bytes read are never moved or
/// overwritten; when the buffer is full (or a line too long is skipped) the unfinished line goes to a new buffer and the
/// old one is kept for the caller (<see cref="TakeRetired"/>), who returns it to the pool once its lines are used. So
/// lines are parsed where they were read, not copied first (the copy was a tenth of reading a file).
/// A line longer than the limit is returned as too long as soon as the reader holds more of it than the limit, not at
/// its end: its end may never come (/dev/zero), and a caller that stops at a bad line need not read the rest of the
/// input. Only the next call reads past the rest of it, a chunk at a time into the same buffer, keeping none of it.
/// </remarks>
internal sealed class Utf8LineReader : IDisposable
{
    private const int ChunkSize = 64 * 1024;

    /// <summary>The buffer a reader that keeps its lines starts with (and takes at least when it changes buffers).</summary>
    private const int KeptBufferSize = 1 << 20;

    private readonly Stream _stream;
    private readonly bool _keepLines;
    private readonly List<byte[]> _retired = [];
    private byte[] _buffer;

    /// <summary>Whether a line returned is in the buffer (with <c>keepLines</c>: its bytes must stay where they are).</summary>
    private bool _linesInBuffer;
    private int _start;
    private int _end;
    private bool _eof;

    /// <summary>Whether the line last returned was too long and returned before its end: the next call reads past the rest of it.</summary>
    private bool _inLongLine;

    public Utf8LineReader(Stream stream, int maxLineBytes = int.MaxValue / 2, bool keepLines = false)
    {
        _stream = stream;
        MaxLineBytes = maxLineBytes;
        _keepLines = keepLines;
        _buffer = ArrayPool<byte>.Shared.Rent(keepLines ? KeptBufferSize : ChunkSize);
    }

    /// <summary>
    /// The buffers left since the last call, which hold lines returned before (with <c>keepLines</c>): the caller returns
    /// them to <see cref="ArrayPool{T}.Shared"/> when it no longer reads those lines.
    /// </summary>
    public List<byte[]> TakeRetired()
    {
        List<byte[]> retired = [.. _retired];
        _retired.Clear();
        return retired;
    }

    /// <summary>Moves the unread bytes to a new buffer of at least <paramref name="size"/> bytes, keeping the old one for the caller.</summary>
    private void Switch(int size)
    {
        byte[] next = ArrayPool<byte>.Shared.Rent(Math.Max(size, KeptBufferSize));
        Buffer.BlockCopy(_buffer, _start, next, 0, _end - _start);
        _end -= _start;
        _start = 0;
        _retired.Add(_buffer);
        _buffer = next;
        _linesInBuffer = false;
    }

    /// <summary>The longest line returned; a longer one is reported by <see cref="LastLineTooLong"/> and skipped to its end.</summary>
    public int MaxLineBytes { get; }

    /// <summary>
    /// True when the line last returned (as empty) is longer than <see cref="MaxLineBytes"/>. It is returned once the
    /// reader knows, which may be before its end: the next call reads past the rest of it (without keeping it), and
    /// until then <see cref="BytesRead"/> counts only the part read.
    /// </summary>
    public bool LastLineTooLong { get; private set; }

    /// <summary>
    /// When <see cref="LastLineTooLong"/>: the line's start, from its first byte that is not white space (or a
    /// byte-order mark), at most <see cref="LongLineStartBytes"/> bytes, in an array of its own. The line is not
    /// returned, but its first byte can still say what the input is: a JSON array on one line is a line too long once
    /// it passes the limit, and its '[' is what tells the user to convert it.
    /// </summary>
    public ReadOnlyMemory<byte> LongLineStart { get; private set; }

    /// <summary>The most of a line too long kept in <see cref="LongLineStart"/>.</summary>
    internal const int LongLineStartBytes = 64;

    /// <summary>The 1-based number of the line last returned.</summary>
    public int LineNumber { get; private set; }

    /// <summary>Bytes consumed so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>
    /// Where the line last returned starts in the stream. Not <see cref="BytesRead"/> before the call: after a line
    /// returned too long before its end, the call first reads past the rest of that line.
    /// </summary>
    public long LineStart { get; private set; }

    /// <summary>Reads the next line (without its terminator); false at the end of the stream.</summary>
    /// <remarks>The returned memory is valid until the next call.</remarks>
    public async ValueTask<(bool Ok, ReadOnlyMemory<byte> Line)> ReadLineAsync(CancellationToken cancellationToken)
    {
        LastLineTooLong = false;
        LongLineStart = default;
        if (_inLongLine)
        {
            await SkipRestOfLineAsync(cancellationToken).ConfigureAwait(false);
            _inLongLine = false;
        }

        while (true)
        {
            int newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                if (newline > MaxLineBytes && !(newline == MaxLineBytes + 1 && _buffer[_start + newline - 1] == '\r'))
                {
                    LastLineTooLong = true;
                    LongLineStart = StartOf(newline);
                    return (true, Take(0, newline + 1));
                }

                return (true, Take(newline, newline + 1));
            }

            if (_end - _start > MaxLineBytes + 1)
            {
                // Too long, even if a '\r' ends it: said now, not after reading the rest, which may never end.
                LastLineTooLong = true;
                LongLineStart = StartOf(_end - _start);
                _inLongLine = true;
                return (true, Take(0, _end - _start));
            }

            if (_eof)
            {
                if (_start == _end)
                {
                    return (false, default);
                }

                int length = _end - _start;
                if (length > MaxLineBytes && !(length == MaxLineBytes + 1 && _buffer[_end - 1] == '\r'))
                {
                    LastLineTooLong = true;
                    LongLineStart = StartOf(length);
                    return (true, Take(0, length));
                }

                return (true, Take(length, length));
            }

            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Consumes the rest of a line too long to keep, through its newline, holding at most one chunk.</summary>
    private async ValueTask SkipRestOfLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            // An endless line (/dev/zero with --skip-bad) is read until the run is cancelled; each read returns at once.
            cancellationToken.ThrowIfCancellationRequested();
            int newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                BytesRead += newline + 1;
                _start += newline + 1;
                return;
            }

            BytesRead += _end - _start;
            _start = _end;
            if (_linesInBuffer)
            {
                // Lines returned before are in this buffer: the skipped bytes go to another.
                Switch(_buffer.Length);
            }

            _start = _end = 0;
            int read = await _stream.ReadAsync(_buffer.AsMemory(0, Math.Min(_buffer.Length, ChunkSize)), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                _eof = true;
                return;
            }

            _end = read;
        }
    }

    /// <summary>Returns the buffer in use to the pool (with <c>keepLines</c>, once no line returned is read any more).</summary>
    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    /// <summary>A copy of the start of the unread line of <paramref name="length"/> bytes, for <see cref="LongLineStart"/>.</summary>
    private byte[] StartOf(int length)
    {
        ReadOnlySpan<byte> line = _buffer.AsSpan(_start, length);
        if (line.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            line = line[3..];
        }

        line = line.TrimStart(" \t\r"u8);
        return line[..Math.Min(line.Length, LongLineStartBytes)].ToArray();
    }

    private ReadOnlyMemory<byte> Take(int length, int consumed)
    {
        LineNumber++;
        LineStart = BytesRead;
        BytesRead += consumed;
        var line = new ReadOnlyMemory<byte>(_buffer, _start, length);
        if (line.Span.EndsWith((byte)'\r'))
        {
            line = line[..^1];
        }

        // A byte-order mark starts the file, or a line where files that had one were joined (cat a.jsonl b.jsonl): not
        // JSON, dropped as FileBackedArticles drops it when it reads a line again.
        if (line.Span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            line = line[3..];
        }

        _start += consumed;
        _linesInBuffer |= _keepLines && !line.IsEmpty;
        return line;
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_linesInBuffer && _end == _buffer.Length)
        {
            // Full, and lines returned are in it: the unfinished line goes to a new buffer.
            Switch(_buffer.Length);
        }
        else if (_start > 0 && !_linesInBuffer)
        {
            // Move the unfinished line to the front.
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            // A line longer than the buffer: grow it.
            byte[] bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            Buffer.BlockCopy(_buffer, 0, bigger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        int read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            _eof = true;
        }

        _end += read;
    }
}

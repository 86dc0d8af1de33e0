using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;

namespace Dedup.Indexing;

/// <summary>
/// Writes a snapshot: little-endian values through a buffer, every byte hashed with XxHash64 (seed 0),
/// and the hash appended as the final 8 bytes by <see cref="Finish"/>.
/// </summary>
internal sealed class SnapshotWriter
{
    /// <summary>Bytes buffered before they are written to the stream (and, writing asynchronously, at least this many).</summary>
    private const int BufferBytes = 1 << 16;

    private readonly Stream _stream;
    private readonly bool _async;
    private readonly XxHash64 _hash = new();
    private byte[] _buffer = new byte[BufferBytes];
    private int _position;

    /// <param name="stream">The stream written to.</param>
    /// <param name="writeAsync">
    /// Whether the stream is written only by <see cref="FlushIfFullAsync"/> and <see cref="FinishAsync"/>, asynchronously:
    /// the buffer then grows past <see cref="BufferBytes"/> until the writer's owner flushes (after each record, say).
    /// </param>
    public SnapshotWriter(Stream stream, bool writeAsync = false)
    {
        _stream = stream;
        _async = writeAsync;
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        if (_async)
        {
            if (_buffer.Length - _position < bytes.Length)
            {
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _position + bytes.Length));
            }

            bytes.CopyTo(_buffer.AsSpan(_position));
            _position += bytes.Length;
            return;
        }

        while (!bytes.IsEmpty)
        {
            if (_position == _buffer.Length)
            {
                FlushBuffer();
            }

            int n = Math.Min(bytes.Length, _buffer.Length - _position);
            bytes[..n].CopyTo(_buffer.AsSpan(_position));
            _position += n;
            bytes = bytes[n..];
        }
    }

    public void WriteUInt32(uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        WriteBytes(b);
    }

    public void WriteUInt64(ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        WriteBytes(b);
    }

    public void WriteDouble(double value) => WriteUInt64(BitConverter.DoubleToUInt64Bits(value));

    public void WriteUInt32s(ReadOnlySpan<uint> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            WriteBytes(MemoryMarshal.AsBytes(values));
            return;
        }

        foreach (uint v in values)
        {
            WriteUInt32(v);
        }
    }

    /// <summary>
    /// The longest string (a key or an id) a snapshot holds, in UTF-8 bytes; every reader accepts this many, so the
    /// writer refusing more means a snapshot is never written that cannot be read back.
    /// </summary>
    public const int MaxStringBytes = 1 << 20;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>A UTF-8 string prefixed by its byte length as a <see cref="uint"/>.</summary>
    /// <exception cref="InvalidOperationException">
    /// The string is longer than <see cref="MaxStringBytes"/> in UTF-8 or holds a lone surrogate (which UTF-8 would turn
    /// into U+FFFD, renaming the key); nothing of it is written then.
    /// </exception>
    public void WriteString(string value)
    {
        int length;
        try
        {
            length = StrictUtf8.GetByteCount(value);
        }
        catch (EncoderFallbackException e)
        {
            throw new InvalidOperationException("A key holds a lone UTF-16 surrogate, which a snapshot cannot hold (UTF-8 would rename it); the snapshot is not written.", e);
        }

        if (length > MaxStringBytes)
        {
            throw new InvalidOperationException($"A key of {length} bytes exceeds the snapshot limit of {MaxStringBytes} bytes; the snapshot is not written.");
        }

        WriteUInt32((uint)length);
        byte[] rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            int written = StrictUtf8.GetBytes(value, rented);
            WriteBytes(rented.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Writes the checksum of everything written so far and flushes the stream.</summary>
    public void Finish()
    {
        FlushBuffer();
        Span<byte> checksum = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(checksum, _hash.GetCurrentHashAsUInt64());
        _stream.Write(checksum);
        _stream.Flush();
    }

    /// <summary>Writing asynchronously: writes the buffer to the stream once it holds <see cref="BufferBytes"/>. Writing synchronously: nothing (the writes flush).</summary>
    public async ValueTask FlushIfFullAsync(CancellationToken cancellationToken)
    {
        if (_async && _position >= BufferBytes)
        {
            await FlushBufferAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>As <see cref="Finish"/>, asynchronously when the writer writes asynchronously.</summary>
    public async ValueTask FinishAsync(CancellationToken cancellationToken)
    {
        if (!_async)
        {
            Finish();
            return;
        }

        _hash.Append(_buffer.AsSpan(0, _position));
        BinaryPrimitives.WriteUInt64LittleEndian(Reserve(8), _hash.GetCurrentHashAsUInt64());
        await _stream.WriteAsync(_buffer.AsMemory(0, _position), cancellationToken).ConfigureAwait(false);
        _position = 0;
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writing asynchronously: <paramref name="count"/> bytes more at the buffer's end, not hashed.</summary>
    private Span<byte> Reserve(int count)
    {
        if (_buffer.Length - _position < count)
        {
            Array.Resize(ref _buffer, _position + count);
        }

        _position += count;
        return _buffer.AsSpan(_position - count, count);
    }

    private void FlushBuffer()
    {
        _hash.Append(_buffer.AsSpan(0, _position));
        _stream.Write(_buffer, 0, _position);
        _position = 0;
    }

    private async ValueTask FlushBufferAsync(CancellationToken cancellationToken)
    {
        _hash.Append(_buffer.AsSpan(0, _position));
        await _stream.WriteAsync(_buffer.AsMemory(0, _position), cancellationToken).ConfigureAwait(false);
        _position = 0;
    }
}

/// <summary>
/// Reads a snapshot written by <see cref="SnapshotWriter"/>, hashing every byte it consumes, and throws
/// <see cref="InvalidDataException"/> naming the problem on a short read or a checksum mismatch.
/// </summary>
internal sealed class SnapshotReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Stream _stream;
    private readonly string _what;
    private readonly bool _async;

    /// <summary>The file read, quoted with a space before it, or empty when the stream is not a file's.</summary>
    private readonly string _file;
    private readonly XxHash64 _hash = new();
    private byte[] _buffer = new byte[1 << 16];
    private int _position;
    private int _length;
    private long _offset;

    /// <summary>Reading asynchronously: a read of the stream gave no bytes, so it holds no more.</summary>
    private bool _ended;

    /// <param name="stream">The stream read.</param>
    /// <param name="what">The kind of snapshot, for the messages ("detector").</param>
    /// <param name="readAsync">
    /// Whether the stream is read only by <see cref="EnsureAsync"/> (and <see cref="ReadPreambleAsync"/>),
    /// asynchronously: the other reads then take the bytes it buffered, and never read the stream.
    /// </param>
    public SnapshotReader(Stream stream, string what, bool readAsync = false)
    {
        _stream = stream;
        _what = what;
        _async = readAsync;
        _file = stream is FileStream f ? $" '{f.Name}'" : string.Empty;
    }

    /// <summary>The number of bytes consumed so far.</summary>
    public long Offset => _offset;

    /// <summary>The bytes left to read when the stream can tell (it can seek); otherwise <see cref="long.MaxValue"/>.</summary>
    public long Remaining => _stream.CanSeek ? Math.Max(0, _stream.Length - _stream.Position) + (_length - _position) : long.MaxValue;

    /// <summary>A damaged snapshot's exception: "The detector snapshot '/path' is invalid: MESSAGE" (the path when the stream is a file's).</summary>
    public InvalidDataException Error(string message) => new($"The {_what} snapshot{_file} is invalid: {message}");

    /// <summary>
    /// Reading asynchronously: makes sure the next <paramref name="count"/> bytes are buffered, or all the stream has
    /// left, reading it asynchronously and growing the buffer for a piece larger than it (a long article's record).
    /// Reading synchronously: nothing, as the reads fill the buffer when they need to. A stream that ends early is not
    /// an error here: the read that needs the missing bytes throws, with the message a synchronous read gives.
    /// </summary>
    public ValueTask EnsureAsync(int count, CancellationToken cancellationToken) =>
        !_async || _ended || _length - _position >= count ? ValueTask.CompletedTask : BufferAsync(count, cancellationToken);

    private async ValueTask BufferAsync(int count, CancellationToken cancellationToken)
    {
        int held = _length - _position;
        if (_buffer.Length - _position < count)
        {
            // The unread bytes move to the front, into a larger buffer when the piece does not fit.
            byte[] target = _buffer.Length < count ? new byte[Math.Max(count, 2 * _buffer.Length)] : _buffer;
            _buffer.AsSpan(_position, held).CopyTo(target);
            _buffer = target;
            _position = 0;
            _length = held;
        }

        while (_length - _position < count)
        {
            int n = await _stream.ReadAsync(_buffer.AsMemory(_length), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                _ended = true;
                return;
            }

            _length += n;
        }
    }

    public void ReadBytes(Span<byte> destination)
    {
        while (!destination.IsEmpty)
        {
            if (_position == _length)
            {
                Fill(destination.Length);
            }

            int n = Math.Min(destination.Length, _length - _position);
            ReadOnlySpan<byte> chunk = _buffer.AsSpan(_position, n);
            chunk.CopyTo(destination);
            _hash.Append(chunk);
            _position += n;
            _offset += n;
            destination = destination[n..];
        }
    }

    public uint ReadUInt32()
    {
        Span<byte> b = stackalloc byte[4];
        ReadBytes(b);
        return BinaryPrimitives.ReadUInt32LittleEndian(b);
    }

    public ulong ReadUInt64()
    {
        Span<byte> b = stackalloc byte[8];
        ReadBytes(b);
        return BinaryPrimitives.ReadUInt64LittleEndian(b);
    }

    public double ReadDouble() => BitConverter.UInt64BitsToDouble(ReadUInt64());

    public void ReadUInt32s(Span<uint> destination)
    {
        ReadBytes(MemoryMarshal.AsBytes(destination));
        if (!BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(destination, destination);
        }
    }

    public string ReadString(int maxBytes) => ReadStringBytes(ReadStringLength(maxBytes));

    /// <summary>As <see cref="ReadString"/>, its length and then its bytes buffered first by <see cref="EnsureAsync"/>.</summary>
    public async ValueTask<string> ReadStringAsync(int maxBytes, CancellationToken cancellationToken)
    {
        await EnsureAsync(4, cancellationToken).ConfigureAwait(false);
        uint length = ReadStringLength(maxBytes);
        await EnsureAsync((int)length, cancellationToken).ConfigureAwait(false);
        return ReadStringBytes(length);
    }

    private uint ReadStringLength(int maxBytes)
    {
        uint length = ReadUInt32();
        if (length > (uint)maxBytes)
        {
            throw Error($"a key of {length} bytes at offset {_offset - 4} exceeds the limit of {maxBytes} bytes.");
        }

        return length;
    }

    private string ReadStringBytes(uint length)
    {
        byte[] rented = ArrayPool<byte>.Shared.Rent((int)length);
        try
        {
            Span<byte> bytes = rented.AsSpan(0, (int)length);
            ReadBytes(bytes);
            try
            {
                return StrictUtf8.GetString(bytes);
            }
            catch (DecoderFallbackException e)
            {
                throw new InvalidDataException($"The {_what} snapshot{_file} is invalid: the key at offset {_offset - length} is not valid UTF-8.", e);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Reads and checks the magic bytes and the format version.</summary>
    public void ReadPreamble(ReadOnlySpan<byte> magic, uint supportedVersion) => ReadPreamble(magic, supportedVersion, supportedVersion);

    /// <summary>Reads and checks the magic bytes and the format version, which may be any from <paramref name="oldestVersion"/> to <paramref name="supportedVersion"/>.</summary>
    /// <returns>The format version read.</returns>
    public uint ReadPreamble(ReadOnlySpan<byte> magic, uint supportedVersion, uint oldestVersion) =>
        SyncCompletion.Wait(CheckVersionAsync(ReadMagicAndVersion(magic), supportedVersion, oldestVersion, CancellationToken.None));

    /// <summary>As <see cref="ReadPreamble(ReadOnlySpan{byte}, uint, uint)"/>, the bytes buffered first by <see cref="EnsureAsync"/>.</summary>
    /// <returns>The format version read.</returns>
    public async ValueTask<uint> ReadPreambleAsync(ReadOnlyMemory<byte> magic, uint supportedVersion, uint oldestVersion, CancellationToken cancellationToken)
    {
        await EnsureAsync(magic.Length + 4, cancellationToken).ConfigureAwait(false);
        return await CheckVersionAsync(ReadMagicAndVersion(magic.Span), supportedVersion, oldestVersion, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads and checks the magic bytes, and reads the format version after them.</summary>
    private uint ReadMagicAndVersion(ReadOnlySpan<byte> magic)
    {
        Span<byte> actual = stackalloc byte[magic.Length];
        ReadBytes(actual);
        if (!actual.SequenceEqual(magic))
        {
            throw Error($"the magic bytes are {Convert.ToHexString(actual)}, not {Convert.ToHexString(magic)} (\"{Encoding.ASCII.GetString(magic)}\"); this is not a {_what} snapshot.");
        }

        return ReadUInt32();
    }

    /// <summary>Checks the format version read, telling a damaged version field from another library's format by the checksum.</summary>
    private async ValueTask<uint> CheckVersionAsync(uint version, uint supportedVersion, uint oldestVersion, CancellationToken cancellationToken)
    {
        if ((version > supportedVersion || version < oldestVersion)
            && await ChecksumFailsToEndAsync(cancellationToken).ConfigureAwait(false) is (true, long at, ulong stored, ulong computed))
        {
            // A version this library does not read, in a snapshot whose checksum does not hold: a damaged version field
            // (a flipped bit read as "65544 is newer"), not a snapshot for another library. Every format ends with the
            // XxHash64 of the bytes before it.
            throw Error($"its format version reads {version}, and the checksum at offset {at} is {stored:X16} but the content hashes to {computed:X16}; the data is corrupted.");
        }

        if (version > supportedVersion)
        {
            throw Error($"format version {version} is newer than the newest this library reads ({supportedVersion}).");
        }

        if (version < oldestVersion)
        {
            throw Error(oldestVersion == supportedVersion
                ? $"format version {version} is not supported (this library reads version {supportedVersion})."
                : $"format version {version} is not supported (this library reads versions {oldestVersion} to {supportedVersion}).");
        }

        return version;
    }

    /// <summary>
    /// Reads the rest of the stream and tells whether its last 8 bytes are not the XxHash64 of every byte before them
    /// (false too when fewer than 8 bytes are left): for a snapshot whose format this library cannot read further.
    /// </summary>
    private async ValueTask<(bool Fails, long At, ulong Stored, ulong Computed)> ChecksumFailsToEndAsync(CancellationToken cancellationToken)
    {
        byte[] tail = new byte[8];
        int held = 0;
        while (true)
        {
            if (_position == _length)
            {
                _position = 0;
                _length = _async
                    ? await _stream.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false)
                    : _stream.Read(_buffer, 0, _buffer.Length);
                if (_length == 0)
                {
                    break;
                }
            }

            // Every byte but the last 8 seen goes into the hash; the last 8 are held back as the checksum candidate.
            ReadOnlySpan<byte> chunk = _buffer.AsSpan(_position, _length - _position);
            _position = _length;
            _offset += chunk.Length;
            if (held + chunk.Length <= 8)
            {
                chunk.CopyTo(tail.AsSpan(held));
                held += chunk.Length;
                continue;
            }

            int spill = held + chunk.Length - 8;
            int fromTail = Math.Min(spill, held);
            _hash.Append(tail.AsSpan(0, fromTail));
            tail.AsSpan(fromTail, held - fromTail).CopyTo(tail);
            held -= fromTail;
            _hash.Append(chunk[..(spill - fromTail)]);
            chunk[(spill - fromTail)..].CopyTo(tail.AsSpan(held));
            held = 8;
        }

        ulong computed = _hash.GetCurrentHashAsUInt64();
        ulong stored = held == 8 ? BinaryPrimitives.ReadUInt64LittleEndian(tail) : 0;
        return (held == 8 && stored != computed, _offset - held, stored, computed);
    }

    /// <summary>Reads the trailing checksum and compares it with the hash of everything read before it.</summary>
    public void ReadAndVerifyChecksum()
    {
        ulong computed = _hash.GetCurrentHashAsUInt64();
        Span<byte> b = stackalloc byte[8];
        long at = _offset;
        for (int i = 0; i < 8; i++)
        {
            if (_position == _length)
            {
                Fill(8 - i);
            }

            b[i] = _buffer[_position++];
            _offset++;
        }

        ulong stored = BinaryPrimitives.ReadUInt64LittleEndian(b);
        if (stored != computed)
        {
            throw Error($"the checksum at offset {at} is {stored:X16} but the content hashes to {computed:X16}; the data is corrupted.");
        }
    }

    /// <summary>
    /// Gives back bytes read ahead past the snapshot's end by seeking the stream back, when it can seek, so the
    /// stream is left positioned just after the checksum.
    /// </summary>
    public void ReturnUnreadBytes()
    {
        int unread = _length - _position;
        if (unread > 0 && _stream.CanSeek)
        {
            _stream.Seek(-unread, SeekOrigin.Current);
            _position = _length;
        }
    }

    private void Fill(int wanted)
    {
        if (_async && !_ended)
        {
            throw new InvalidOperationException($"The {_what} snapshot reader reads asynchronously, and the bytes at offset {_offset} were not buffered by EnsureAsync.");
        }

        _position = 0;
        _length = _async ? 0 : _stream.Read(_buffer, 0, _buffer.Length);
        if (_length == 0)
        {
            throw Error($"it is truncated: {wanted} more byte(s) were expected at offset {_offset}.");
        }
    }
}

/// <summary>
/// Atomic snapshot files: write to a temporary file beside the target, flush to disk, then rename. A symbolic link is
/// followed (the target is replaced, the link kept), and temporary files left by saves killed mid-write are removed by
/// the next save of the same file.
/// </summary>
internal static class SnapshotFile
{
    /// <summary>
    /// Writes a file so that a crash or an exception leaves either the old file or the new one, never a mix:
    /// the content goes to a temporary file in the same folder, is flushed to disk, and replaces the target
    /// by <see cref="File.Move(string, string, bool)"/>.
    /// </summary>
    /// <param name="path">The target file.</param>
    /// <param name="write">Writes the content.</param>
    /// <param name="wrap">For tests: wraps the temporary file's stream (e.g. to fail mid-write).</param>
    public static void WriteAtomically(string path, Action<Stream> write, Func<Stream, Stream>? wrap = null)
    {
        SyncCompletion.Wait(WriteAtomicallyAsync(
            path,
            (stream, _) =>
            {
                write(stream);
                return ValueTask.CompletedTask;
            },
            wrap,
            writeAsync: false,
            CancellationToken.None));
    }

    /// <summary>
    /// The file that stands where a folder on the way to <paramref name="folder"/> should be ('/etc/hostname' on the way
    /// to '/etc/hostname/x'), or null when the folder is missing for another reason (nothing there).
    /// </summary>
    public static string? FileOnTheWay(string folder)
    {
        string? onTheWay = folder;
        while (onTheWay is not null && !Path.Exists(onTheWay))
        {
            onTheWay = Path.GetDirectoryName(onTheWay);
        }

        return onTheWay is not null && File.Exists(onTheWay) ? onTheWay : null;
    }

    /// <summary>
    /// As <see cref="WriteAtomically(string, Action{Stream}, Func{Stream, Stream}?)"/>, with the writes and the flush to
    /// disk off the calling thread when <paramref name="writeAsync"/>. Cancelled, it leaves the old file and no temporary one.
    /// </summary>
    /// <param name="path">The target file.</param>
    /// <param name="write">Writes the content.</param>
    /// <param name="wrap">For tests: wraps the temporary file's stream (e.g. to fail mid-write).</param>
    /// <param name="writeAsync">Whether to write asynchronously (false: the task has completed when this returns).</param>
    /// <param name="cancellationToken">Cancels the write before the file is replaced.</param>
    public static async ValueTask WriteAtomicallyAsync(string path, Func<Stream, CancellationToken, ValueTask> write, Func<Stream, Stream>? wrap, bool writeAsync, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = FollowLinks(Path.GetFullPath(path));
        string directory = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' has no folder.", nameof(path));
        if (Path.GetFileName(full).Length == 0)
        {
            throw new ArgumentException($"'{path}' names a folder, not a file.", nameof(path));
        }

        if (Directory.Exists(full))
        {
            // A folder made where the file was (a checkpoint's snapshot): the file cannot be written, and the message says
            // why rather than naming the temporary file's rename ("Is a directory").
            throw new IOException($"Cannot write '{path}': a folder is there, not a file.");
        }

        if (!Directory.Exists(directory))
        {
            // Else the error would name the temporary file, which the caller never asked for.
            throw new DirectoryNotFoundException(FileOnTheWay(directory) is { } file
                ? $"Cannot write '{path}': '{file}' is a file, not a folder."
                : $"Cannot write '{path}': its folder '{directory}' does not exist.");
        }

        TemporaryFiles.RemoveOrphans(directory, Path.GetFileName(full));
        string temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, writeAsync);
            await using (file.ConfigureAwait(false))
            {
                Stream target = wrap is null ? file : wrap(file);
                await write(target, cancellationToken).ConfigureAwait(false);
                if (writeAsync)
                {
                    await target.FlushAsync(cancellationToken).ConfigureAwait(false);

                    // No asynchronous fsync exists: it runs on the pool, not on the caller's thread.
                    await Task.Run(() => file.Flush(flushToDisk: true), cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    target.Flush();
                    file.Flush(flushToDisk: true);
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Symbolic links followed on one path at most, as Linux does (MAXSYMLINKS).</summary>
    private const int MaxLinkDepth = 40;

    /// <summary>
    /// The file a full path finally names, every symbolic link on it followed (the folders on the way and the file
    /// itself), as far as the links exist. A save replaces the target and keeps the link, rather than replacing the link
    /// by a plain file and leaving the target stale; a detector's journal and lock are named after it, so that two paths
    /// to one index take one lock.
    /// </summary>
    /// <exception cref="IOException">The links form a loop or are nested too deep.</exception>
    internal static string FollowLinks(string full) => FollowLinks(full, depth: 0);

    private static string FollowLinks(string full, int depth)
    {
        if (depth > MaxLinkDepth)
        {
            throw new IOException($"The path '{full}' leads through more than {MaxLinkDepth} symbolic links (a loop?).");
        }

        string root = Path.GetPathRoot(full) ?? string.Empty;
        string current = root;
        foreach (string part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            string next = Path.Combine(current, part);
            FileSystemInfo entry = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            if (entry.LinkTarget is not null && entry.ResolveLinkTarget(returnFinalTarget: true) is { } target)
            {
                // The target may itself lie in a linked folder; its path has no link left on it once followed again.
                next = target.FullName == next ? next : FollowLinks(Path.GetFullPath(target.FullName), depth + 1);
            }

            current = next;
        }

        return current;
    }

    /// <summary>Reads a whole file with <paramref name="read"/>, which must consume it to the end.</summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or names a folder (which the file system reports as access denied).</exception>
    public static T Read<T>(string path, Func<Stream, T> read, string what) =>
        SyncCompletion.Wait(ReadAsync(path, (file, _) => new ValueTask<T>(read(file)), what, readAsync: false, CancellationToken.None));

    /// <summary>
    /// As <see cref="Read"/>, the file opened for asynchronous reads when <paramref name="readAsync"/> (false: the task
    /// has completed when this returns, if <paramref name="read"/>'s has).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or names a folder (which the file system reports as access denied).</exception>
    public static async ValueTask<T> ReadAsync<T>(string path, Func<Stream, CancellationToken, ValueTask<T>> read, string what, bool readAsync, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            throw new ArgumentException($"'{path}' names a folder, not a file.", nameof(path));
        }

        FileOptions options = FileOptions.SequentialScan | (readAsync ? FileOptions.Asynchronous : FileOptions.None);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, options);
        T result = await read(file, cancellationToken).ConfigureAwait(false);

        // A pipe or a device named as the file (mkfifo, /dev/stdin) cannot tell its length: bytes after the snapshot
        // are not looked for there (the question threw NotSupportedException after the whole snapshot was read).
        if (file.CanSeek && file.Position != file.Length)
        {
            throw new InvalidDataException($"The {what} snapshot '{file.Name}' is invalid: {file.Length - file.Position} unexpected byte(s) follow the checksum.");
        }

        return result;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

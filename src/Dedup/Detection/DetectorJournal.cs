using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace Dedup.Detection;

/// <summary>
/// The append-only journal of a detector opened with <see cref="CopyDetector.Open"/>: one checksummed record per
/// added article (the article itself) or removed id, written before the change is acknowledged.
/// </summary>
/// <remarks>
/// Format (little-endian): a header, magic "DEDUPJNL" and u32 format version: 4 for a journal begun when the index had
/// no snapshot (12 bytes); 5 for one begun when it had (by a checkpoint, or on opening a saved snapshot), followed by the
/// u64 id of that snapshot (20 bytes; see <see cref="CopyDetector.SnapshotFormatVersion"/>: 0 for a snapshot that has
/// none), so that a journal whose snapshot went missing is not taken for a whole index, and one put beside another
/// snapshot (an older copy restored) is not replayed onto it. Versions 1 (as 4), 2 (12 bytes: begun after a snapshot,
/// no id) and 3 (as 5) are read, and appended to in their own format, not begun: their adds do not say when the
/// article was indexed. Then records, each u32 payload
/// length, u8 kind (1 = add, 2 = remove), the payload, and the XxHash64 (seed 0) of the length, kind and payload. An add's
/// payload is the article: id, text, title, source (each u32 UTF-8 byte length, 0xFFFFFFFF for null, then the bytes),
/// u8 1 when the publication time is known, i64 UTC ticks and i16 offset minutes; from version 4, i64 UTC ticks of the
/// moment it was indexed (the time by which an article without a publication time expires; replayed from an older
/// journal, such an article counts from the replay). A remove's payload is the id.
/// Reading stops at the first record that is short or fails its checksum: with every record written by one write call
/// before it is acknowledged, only the unacknowledged tail of a crashed writer can be torn. A bad record followed by a
/// valid one is damage, not a torn tail: reading it throws, and the file is not cut.
/// </remarks>
internal sealed class DetectorJournal : IDisposable
{
    /// <summary>The version of a journal begun when the index had no snapshot.</summary>
    public const uint FormatVersion = 1;

    /// <summary>The version of a journal begun after a snapshot, written before snapshots had ids: read, not written.</summary>
    public const uint AfterSnapshotVersion = 2;

    /// <summary>The version of a journal begun after a snapshot, with the snapshot's id in its header: the same records.</summary>
    public const uint FollowsSnapshotVersion = 3;

    /// <summary>As <see cref="FormatVersion"/>, each add with the time the article was indexed: the version begun with no snapshot.</summary>
    public const uint TimedVersion = 4;

    /// <summary>As <see cref="FollowsSnapshotVersion"/>, each add with the time the article was indexed: the version begun after a snapshot.</summary>
    public const uint TimedFollowsSnapshotVersion = 5;

    /// <summary>The bytes after an add's strings: the publication time's (11), then, in a timed journal, the indexed time's (8).</summary>
    private const int PublishedBytes = 11;

    private const int IndexedBytes = 8;
    private const byte AddKind = 1;
    private const byte RemoveKind = 2;
    private const int ShortHeaderBytes = 12;
    private const int LongHeaderBytes = 20;
    private const int MaxRecordBytes = 1 << 30;
    private const uint NullString = uint.MaxValue;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Lock _gate = new();
    private readonly string _path;
    private readonly JournalFlush _flush;
    private FileStream _file;

    /// <summary>The header of <see cref="_file"/>: which snapshot its records follow.</summary>
    private JournalHeader _header;

    /// <summary>
    /// Whether <see cref="_file"/> is closed: a checkpoint closed it to move it aside and could neither move it nor open
    /// it again (its folder gone for a while, say), or the journal was disposed. <see cref="EnsureOpen"/> opens it again
    /// at <see cref="_closedLength"/> before the next change or checkpoint.
    /// </summary>
    private bool _closed;

    /// <summary>
    /// The file's length when it was closed: every record it held, flushed to disk; 0 when its records were moved aside
    /// and it is to be begun anew with <see cref="_header"/>.
    /// </summary>
    private long _closedLength;

    private bool _disposed;

    private DetectorJournal(string path, JournalFlush flush, FileStream file, JournalHeader header)
    {
        _path = path;
        _flush = flush;
        _file = file;
        _header = header;
    }

    private static ReadOnlySpan<byte> Magic => "DEDUPJNL"u8;

    /// <summary>Record bytes moved to <see cref="OldPath"/> by <see cref="Rotate"/> and not yet deleted: a checkpoint that failed after rotating leaves them there.</summary>
    private long _rotatedBytes;

    /// <summary>Record bytes not yet in a snapshot: those of the current file and those a failed checkpoint left in <see cref="OldPath"/>.</summary>
    public long PendingBytes
    {
        get
        {
            lock (_gate)
            {
                return _rotatedBytes + Math.Max(0, (_closed ? _closedLength : _file.Length) - _header.Length);
            }
        }
    }

    /// <summary>Whether the journal file at <paramref name="path"/> exists and holds more than its header (records, perhaps a torn one).</summary>
    /// <remarks>A journal a detector holds open to change it counts as holding records: it may, and the index is in use.</remarks>
    public static bool HoldsRecords(string path) => HoldsRecords(path, out _);

    /// <summary>As <see cref="HoldsRecords(string)"/>; <paramref name="held"/> says a detector that changes the index holds the file (it may hold records, unread).</summary>
    private static bool HoldsRecords(string path, out bool held)
    {
        held = false;
        try
        {
            return ReadHeader(path) is { } header && new FileInfo(path).Length > header.Length;
        }
        catch (IOException e) when (IsHeldElsewhere(e))
        {
            held = true;
            return true;
        }
    }

    /// <summary>The file a checkpoint moves the journal to until the snapshot holding it is written.</summary>
    public static string OldPath(string path) => path + ".old";

    /// <summary>
    /// Opens the journal at <paramref name="path"/> for appending, after <paramref name="validLength"/> bytes (a torn tail
    /// beyond is cut off). A file that holds records keeps its header; one that holds none is begun anew with
    /// <paramref name="header"/>.
    /// </summary>
    /// <param name="path">The journal file.</param>
    /// <param name="validLength">The bytes to keep, the header included (as <see cref="Replay"/> returns them).</param>
    /// <param name="flush">When appended records reach the disk.</param>
    /// <param name="header">The header of a journal begun now: which snapshot, if any, the index has.</param>
    public static DetectorJournal OpenForAppend(string path, long validLength, JournalFlush flush, JournalHeader header)
    {
        if (ReadHeader(path) is { } existing && validLength > existing.Length)
        {
            header = existing;
        }
        else
        {
            validLength = 0;
        }

        return new(path, flush, OpenFile(path, validLength, header), header);
    }

    /// <summary>
    /// The header of the journal at <paramref name="path"/>, or null when there is no file or it is shorter than its
    /// header (a journal whose header was torn holds nothing).
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a detector journal, or is of a format version this library does not read.</exception>
    public static JournalHeader? ReadHeader(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[LongHeaderBytes];
        int read;
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
            read = file.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        }
        catch (IOException e) when (IsHeld(e))
        {
            throw Held(path, e);
        }

        return ParseHeader(bytes[..read], path);
    }

    /// <summary>Whether <paramref name="e"/> says a file is held by a handle that shares it with no one (a writer's journal).</summary>
    private static bool IsHeld(IOException e) => e.HResult is SharingViolation or LockWouldBlockLinux or LockWouldBlockBsd;

    /// <summary>The error for a journal that a detector which changes the index holds: its lock file should have said so.</summary>
    private static IOException Held(string path, IOException e) => new(
        $"The journal '{path}' is held by a detector that changes the index, in this process or another (was the index's lock file deleted or replaced while it ran?). Close that detector first.", e);

    /// <summary>The header at the start of <paramref name="data"/>, or null when it is shorter than its header.</summary>
    private static JournalHeader? ParseHeader(ReadOnlySpan<byte> data, string path)
    {
        if (data.Length < ShortHeaderBytes)
        {
            return null;
        }

        if (!data[..Magic.Length].SequenceEqual(Magic))
        {
            throw new InvalidDataException($"'{path}' is not a detector journal: its magic number is wrong.");
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(data[Magic.Length..]);
        switch (version)
        {
            case FormatVersion or AfterSnapshotVersion or TimedVersion:
                return new JournalHeader(version, 0);
            case FollowsSnapshotVersion or TimedFollowsSnapshotVersion:
                return data.Length < LongHeaderBytes ? null : new JournalHeader(version, BinaryPrimitives.ReadUInt64LittleEndian(data[ShortHeaderBytes..]));
            default:
                throw new InvalidDataException($"The journal '{path}' has format version {version}; this library reads versions {FormatVersion} to {TimedFollowsSnapshotVersion}.");
        }
    }

    /// <summary>Appends one add record per article with one write call, then flushes as the policy says.</summary>
    /// <param name="articles">The articles.</param>
    /// <param name="indexedUtcTicks">When they are indexed (UTC ticks): kept in a journal of a timed version, whose header says so (an older journal file appended to keeps its format).</param>
    public void AppendAdds(IReadOnlyList<Article> articles, long indexedUtcTicks)
    {
        if (articles.Count == 0)
        {
            return;
        }

        CheckSizes(articles);
        var buffer = new ArrayBufferWriter<byte>();
        lock (_gate)
        {
            bool timed = _header.TimesAdds;
            foreach (Article a in articles)
            {
                WriteRecord(buffer, AddKind, payload =>
                {
                    WriteString(payload, a.Id);
                    WriteString(payload, a.Text);
                    WriteString(payload, a.Title);
                    WriteString(payload, a.Source);
                    Span<byte> tail = payload.GetSpan(PublishedBytes + IndexedBytes);
                    tail[0] = a.Published is null ? (byte)0 : (byte)1;
                    BinaryPrimitives.WriteInt64LittleEndian(tail[1..], a.Published?.UtcTicks ?? 0);
                    BinaryPrimitives.WriteInt16LittleEndian(tail[9..], (short)(a.Published?.Offset.TotalMinutes ?? 0));
                    if (timed)
                    {
                        BinaryPrimitives.WriteInt64LittleEndian(tail[PublishedBytes..], indexedUtcTicks);
                    }

                    payload.Advance(timed ? PublishedBytes + IndexedBytes : PublishedBytes);
                });
            }

            Append(buffer.WrittenSpan);
        }
    }

    /// <summary>The most bytes one append writes (a batch is one write, so that it is journaled whole or not at all).</summary>
    private static readonly long MaxWriteBytes = Array.MaxLength;

    /// <summary>
    /// Refuses, before anything is written, an article whose record the reader would refuse (more than
    /// <see cref="MaxRecordBytes"/>: it was acknowledged, then read back as damage) and a batch larger than one write
    /// can hold (it failed with an <see cref="OutOfMemoryException"/> on making the write's buffer).
    /// </summary>
    /// <exception cref="ArgumentException">An article's record, or the batch, is over its limit; nothing is written.</exception>
    private static void CheckSizes(IReadOnlyList<Article> articles)
    {
        long total = 0;
        foreach (Article a in articles)
        {
            long record = (4L * 4) + PublishedBytes + IndexedBytes + Encoding.UTF8.GetByteCount(a.Id) + Encoding.UTF8.GetByteCount(a.Text)
                + (a.Title is null ? 0 : Encoding.UTF8.GetByteCount(a.Title)) + (a.Source is null ? 0 : Encoding.UTF8.GetByteCount(a.Source));
            if (record > MaxRecordBytes)
            {
                throw new ArgumentException(
                    $"The article '{a.Id}' takes {record:N0} bytes in the journal (its id, text, title and source in UTF-8), more than a journal record holds ({MaxRecordBytes:N0}); nothing was added.",
                    nameof(articles));
            }

            total += record + 13;
        }

        if (total > MaxWriteBytes)
        {
            throw new ArgumentException(
                $"The batch of {articles.Count:N0} articles takes {total:N0} bytes in the journal, more than one write holds ({MaxWriteBytes:N0}); add it in smaller batches. Nothing was added.",
                nameof(articles));
        }
    }

    /// <summary>Appends a remove record, then flushes as the policy says.</summary>
    public void AppendRemove(string id) => AppendRemoves([id]);

    /// <summary>Appends one remove record per id with one write call, then flushes as the policy says.</summary>
    public void AppendRemoves(IReadOnlyList<string> ids)
    {
        var buffer = new ArrayBufferWriter<byte>();
        foreach (string id in ids)
        {
            WriteRecord(buffer, RemoveKind, payload => WriteString(payload, id));
        }

        Append(buffer.WrittenSpan);
    }

    /// <summary>
    /// Starts a new, empty journal file, whose header names <paramref name="nextSnapshotId"/>, and moves the current one
    /// to <see cref="OldPath"/> (appending to it when a previous checkpoint left one), so that a snapshot written after
    /// this call holds every record of the old file.
    /// </summary>
    /// <param name="nextSnapshotId">The id of the snapshot the caller writes next: the new file's records follow it.</param>
    /// <remarks>
    /// A failure (a full disk) leaves both files as they were, and the journal appended to at its end: the records are
    /// never in a place a later write overwrites, and the file left aside never ends in a torn copy that later records
    /// would follow (which would make the journal unreadable).
    /// </remarks>
    public void Rotate(ulong nextSnapshotId)
    {
        lock (_gate)
        {
            EnsureOpen();
            string old = OldPath(_path);
            _file.Flush(flushToDisk: true);
            long end = _file.Length;
            JournalHeader next = JournalHeader.AfterSnapshot(nextSnapshotId);
            if (File.Exists(old))
            {
                AppendTo(old, end, next);
            }
            else
            {
                MoveAside(old, end, next);
            }
        }
    }

    /// <summary>Test hook: wraps the stream the records are copied to when a failed checkpoint left the old file (to fail mid-copy).</summary>
    internal Func<Stream, Stream>? WrapOldFileForTests { get; set; }

    /// <summary>Copies this file's records to the end of <paramref name="old"/>, then begins this file anew with <paramref name="next"/>; on failure to copy, cuts the copy back off.</summary>
    private void AppendTo(string old, long end, JournalHeader next)
    {
        using var previous = new FileStream(old, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        long kept = previous.Length;
        try
        {
            if (_header.TimesAdds)
            {
                MarkTimed(previous);
            }

            previous.Position = kept;
            Stream target = WrapOldFileForTests?.Invoke(previous) ?? previous;
            _file.Position = _header.Length;
            _file.CopyTo(target);
            target.Flush();
            previous.Flush(flushToDisk: true);
        }
        catch
        {
            _file.Position = end;
            try
            {
                previous.SetLength(kept);
            }
            catch (IOException)
            {
                // Only a shrink that fails leaves the copy's torn tail; the records stay in this file too, and replay
                // reads the old file's valid records before it.
            }

            throw;
        }

        // The records are in the old file now: begin this one anew, naming the next snapshot. Should that fail (no room
        // for the header), the journal stays closed and empty, and the next change or checkpoint begins it (EnsureOpen).
        _rotatedBytes += Math.Max(0, end - _header.Length);
        _file.Dispose();
        _closed = true;
        _closedLength = 0;
        _header = next;
        Reopen();
    }

    /// <summary>
    /// Gives the journal <paramref name="file"/> the timed version of its own (1 → 4, 3 → 5: the same header length)
    /// before timed adds are appended to it, so that a library that reads no timed adds refuses the file, not cuts it at
    /// the first (version 2, left by an older library still, keeps its version: this library reads either add there).
    /// </summary>
    private static void MarkTimed(FileStream file)
    {
        Span<byte> version = stackalloc byte[4];
        file.Position = Magic.Length;
        if (file.ReadAtLeast(version, 4, throwOnEndOfStream: false) < 4)
        {
            return;
        }

        uint timed = BinaryPrimitives.ReadUInt32LittleEndian(version) switch
        {
            FormatVersion => TimedVersion,
            FollowsSnapshotVersion => TimedFollowsSnapshotVersion,
            uint same => same,
        };
        BinaryPrimitives.WriteUInt32LittleEndian(version, timed);
        file.Position = Magic.Length;
        file.Write(version);
    }

    /// <summary>Moves this file to <paramref name="old"/> and starts a new one; on failure, goes on appending to this one.</summary>
    private void MoveAside(string old, long end, JournalHeader next)
    {
        _file.Dispose();
        _closed = true;
        _closedLength = end;
        JournalHeader previous = _header;
        try
        {
            File.Move(_path, old);
        }
        catch
        {
            // The file stays where it was, whole; if it cannot be opened now (its folder is gone), the next change or
            // checkpoint opens it (EnsureOpen), and fails with the reason until it can.
            TryReopen();
            throw;
        }

        try
        {
            _file = OpenFile(_path, 0, next);
            _header = next;
            _closed = false;
            _rotatedBytes += Math.Max(0, end - previous.Length);
        }
        catch
        {
            // No room for a new file's header, say: put the journal back and keep appending to it.
            File.Move(old, _path, overwrite: true);
            TryReopen();
            throw;
        }
    }

    /// <summary>Opens the closed journal again at its length, if it can be now.</summary>
    private void TryReopen()
    {
        try
        {
            Reopen();
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>
    /// Opens the journal closed by a failed checkpoint again before a change or a checkpoint, or throws an
    /// <see cref="IOException"/> naming it and the cause: a change is refused while it cannot be journaled.
    /// </summary>
    private void EnsureOpen()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_closed)
        {
            return;
        }

        try
        {
            Reopen();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"The journal '{_path}' is closed: a checkpoint could neither move it aside nor open it again, and it cannot be opened now ({e.Message}). Changes are refused until it can be (its folder back, say); every change acknowledged before is in it.", e);
        }
    }

    /// <summary>
    /// Opens the existing journal file at the length it was closed with (a file that is gone or shorter is not made
    /// anew); or, when its records were moved aside (<see cref="_closedLength"/> 0), begins it anew with its header.
    /// </summary>
    private void Reopen()
    {
        if (_closedLength == 0)
        {
            _file = OpenFile(_path, 0, _header);
            _closed = false;
            return;
        }

        var file = new FileStream(_path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
        try
        {
            if (file.Length < _closedLength)
            {
                throw new IOException($"it holds {file.Length} bytes where it held {_closedLength}");
            }

            file.SetLength(_closedLength);
            file.Position = _closedLength;
        }
        catch
        {
            file.Dispose();
            throw;
        }

        _file = file;
        _closed = false;
    }

    /// <summary>
    /// Takes the lock of the index whose snapshot is <paramref name="snapshotPath"/>: the file <c>snapshotPath.lock</c>,
    /// held open without sharing until the returned stream is disposed (an advisory lock on Unix, honoured by every
    /// detector and by the <c>dedup</c> tool), so that no two detectors write one journal.
    /// </summary>
    /// <exception cref="IOException">Another detector, in this process or another, holds the lock.</exception>
    /// <exception cref="IOException">The lock file cannot be made or opened (a read-only folder, say): the message names it and the cause.</exception>
    public static FileStream Lock(string snapshotPath)
    {
        string lockPath = snapshotPath + ".lock";
        try
        {
            return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1);
        }
        catch (IOException e) when (IsHeld(e))
        {
            throw new IOException($"The index '{snapshotPath}' is open in another detector (read-only ones included), in this process or another: its lock '{lockPath}' is held. Close that one first.", e);
        }
        catch (IOException e) when (e is not PathTooLongException)
        {
            // .NET ends its message with " : 'PATH'", which this one names already.
            string reason = e.Message.EndsWith($" : '{lockPath}'", StringComparison.Ordinal) ? e.Message[..^$" : '{lockPath}'".Length] : e.Message;
            throw new IOException($"The lock file of the index '{snapshotPath}' cannot be made or opened ('{lockPath}'): {reason}", e);
        }
    }

    /// <summary>
    /// Checks that files can be made in the index's folder, as a checkpoint makes them (the new snapshot, the journal set
    /// aside): an index whose files are writable in a folder that is not (made by another user) opened, then failed every
    /// checkpoint, its journal growing without end. Makes and deletes an empty file of a name no index file has.
    /// </summary>
    /// <exception cref="UnauthorizedAccessException">The folder cannot be written; the message says what needs it.</exception>
    /// <exception cref="IOException">A file cannot be made in the folder (a read-only file system, a full disk).</exception>
    public static void CheckFolderWritable(string snapshotPath)
    {
        string probe = $"{snapshotPath}.{Guid.NewGuid():N}.write-check";
        const string Why = "a checkpoint writes the new snapshot and sets the journal aside there. Let this process write in the folder, or open the index read-only (OpenReadOnly)";
        try
        {
            new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.DeleteOnClose).Dispose();
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UnauthorizedAccessException($"The folder of the index '{snapshotPath}' cannot be written ({e.Message}): {Why}.", e);
        }
        catch (IOException e) when (e is not PathTooLongException)
        {
            throw new IOException($"No file can be made in the folder of the index '{snapshotPath}' ({e.Message}): {Why}.", e);
        }
    }

    /// <summary>
    /// Takes the lock of the index shared, as a read-only detector does: any number of them hold it together, and none
    /// while a detector holds it alone (<see cref="Lock"/>). Returns null when the lock file does not exist and cannot be
    /// made (a read-only file system): no detector can hold such an index either.
    /// </summary>
    /// <exception cref="IOException">A detector holds the lock alone.</exception>
    public static FileStream? LockShared(string snapshotPath)
    {
        string lockPath = snapshotPath + ".lock";
        try
        {
            return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
        }
        catch (IOException e) when (IsHeld(e))
        {
            throw new IOException($"The index '{snapshotPath}' is open in another detector that changes it, in this process or another: its lock '{lockPath}' is held. Close that one first.", e);
        }
        catch (Exception e) when ((e is UnauthorizedAccessException || (e is IOException && e is not PathTooLongException)) && !File.Exists(lockPath))
        {
            return null;
        }
    }

    /// <summary>Whether an exception of <see cref="Lock"/> says another detector holds the lock (not that the file cannot be made).</summary>
    public static bool IsHeldElsewhere(IOException e) => e.InnerException is IOException inner && IsHeld(inner);

    /// <summary>The error of a file opened without sharing that another handle holds, on Windows (ERROR_SHARING_VIOLATION).</summary>
    private const int SharingViolation = unchecked((int)0x80070020);

    /// <summary>The same on Linux: the advisory lock would block (EWOULDBLOCK, the error's number as .NET reports it).</summary>
    private const int LockWouldBlockLinux = 11;

    /// <summary>The same on macOS and the BSDs (EWOULDBLOCK there).</summary>
    private const int LockWouldBlockBsd = 35;

    /// <summary>
    /// Whether the index whose snapshot is <paramref name="snapshotPath"/> has changes a journal holds and its snapshot
    /// does not (records in <c>snapshotPath.journal</c> or in the <c>.old</c> file a failed checkpoint left).
    /// </summary>
    public static bool HasRecords(string snapshotPath) => HasRecords(snapshotPath, out _);

    /// <summary>As <see cref="HasRecords(string)"/>; <paramref name="held"/> says the journal is held by a detector that changes the index, so its records could not be looked at.</summary>
    public static bool HasRecords(string snapshotPath, out bool held)
    {
        string journal = snapshotPath + ".journal";
        return HoldsRecords(journal, out held) || HoldsRecords(OldPath(journal), out held);
    }

    /// <summary>Deletes the file left by <see cref="Rotate"/> once a snapshot holds its records.</summary>
    public void DeleteOld()
    {
        lock (_gate)
        {
            File.Delete(OldPath(_path));
            _rotatedBytes = 0;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (!_closed)
            {
                _closedLength = _file.Length;
                _closed = true;
            }

            _disposed = true;
            _file.Dispose();
        }
    }

    /// <summary>Reads the records of a journal file, stopping at the end or at the first torn or corrupt record.</summary>
    /// <param name="path">The journal file.</param>
    /// <param name="apply">
    /// Receives each record: the id and article of an add and the UTC ticks of when it was indexed (0 in a journal of a
    /// version that does not say), or the id of a remove (a null article).
    /// </param>
    /// <param name="records">The number of records read.</param>
    /// <param name="cancellationToken">Checked before each record is applied (an open cancelled).</param>
    /// <returns>The length of the valid prefix, the header included (0 when even the header is missing or torn).</returns>
    /// <exception cref="InvalidDataException">The file is not a detector journal or is of a newer format version.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; the file is left as it was.</exception>
    public static long Replay(string path, Action<string, Article?, long> apply, out int records, CancellationToken cancellationToken = default)
    {
        records = 0;
        FileStream stream;
        try
        {
            // Read through a window of the file, not whole: File.ReadAllBytes refused a journal of 2 GiB or more, which
            // a detector wrote and acknowledged (about 900,000 adds between checkpoints), so the index never opened.
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        }
        catch (IOException e) when (IsHeld(e))
        {
            throw Held(path, e);
        }

        using (stream)
        using (var file = new FileWindow(stream.SafeFileHandle))
        {
            if (ParseHeader(file.Read(0, (int)Math.Min(LongHeaderBytes, file.Length)), path) is not { } header)
            {
                return 0;
            }

            long position = header.Length;
            while (TryReadRecord(file, position, out long next, out byte kind, out ReadOnlySpan<byte> payload) && TryParse(kind, payload, out string? id, out Article? article, out long indexed))
            {
                cancellationToken.ThrowIfCancellationRequested();
                apply(id, article, indexed);
                records++;
                position = next;
            }

            // A torn tail is the unacknowledged end of the last write: nothing valid follows it. A bad record with valid
            // ones after it is damage inside the journal, and cutting there would drop acknowledged changes.
            if (FirstValidRecordAfter(file, position) is long later and >= 0)
            {
                throw new InvalidDataException(
                    $"The journal '{path}' is damaged at byte {position} (a record there fails its checksum or its format), yet a valid record follows at byte {later}: " +
                    "it is left as it is. Restore it from a copy, or move it aside to open the index without the changes it holds.");
            }

            return position;
        }
    }

    /// <summary>The offset of the first whole, valid record after <paramref name="position"/>, or -1.</summary>
    private static long FirstValidRecordAfter(FileWindow file, long position)
    {
        for (long p = position + 1; p <= file.Length - 13; p++)
        {
            // Only an add or a remove parses: other kinds are passed over before their checksum is computed.
            ReadOnlySpan<byte> at = file.Read(p + 4, 1);
            if (at.IsEmpty)
            {
                break;
            }

            byte kind = at[0];
            if (kind is (AddKind or RemoveKind)
                && TryReadRecord(file, p, out _, out kind, out ReadOnlySpan<byte> payload) && TryParse(kind, payload, out _, out _, out _))
            {
                return p;
            }
        }

        return -1;
    }

    /// <summary>
    /// Reads the record at <paramref name="position"/>: false when it is torn (the file ends inside it), too long to be a
    /// record, or fails its checksum. The payload is valid until the next read of <paramref name="file"/>.
    /// </summary>
    private static bool TryReadRecord(FileWindow file, long position, out long next, out byte kind, out ReadOnlySpan<byte> payload)
    {
        next = position;
        kind = 0;
        payload = default;
        if (file.Length - position < 5)
        {
            return false;
        }

        ReadOnlySpan<byte> head = file.Read(position, 4);
        if (head.Length < 4)
        {
            return false;
        }

        uint length = BinaryPrimitives.ReadUInt32LittleEndian(head);
        if (length > MaxRecordBytes || file.Length - position - 5 < (long)length + 8)
        {
            return false;
        }

        int body = 5 + (int)length;
        ReadOnlySpan<byte> record = file.Read(position, body + 8);
        if (record.Length < body + 8 || XxHash64.HashToUInt64(record[..body]) != BinaryPrimitives.ReadUInt64LittleEndian(record[body..]))
        {
            return false;
        }

        kind = record[4];
        payload = record.Slice(5, (int)length);
        next = position + body + 8;
        return true;
    }

    /// <summary>
    /// A read-only view of a file through a window of it held in memory (1 MiB, or one record when larger): records are
    /// read in order with a read call a window, and a file of any length is read, not one of less than 2 GiB.
    /// </summary>
    private sealed class FileWindow(Microsoft.Win32.SafeHandles.SafeFileHandle handle) : IDisposable
    {
        private const int WindowBytes = 1 << 20;
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(WindowBytes);
        private long _start;
        private int _count;

        /// <summary>The file's length when the view was made (a journal being read is not written to).</summary>
        public long Length { get; } = RandomAccess.GetLength(handle);

        /// <summary>
        /// The <paramref name="count"/> bytes at <paramref name="position"/>, valid until the next call; fewer when the
        /// file ends before them (it was cut while read).
        /// </summary>
        public ReadOnlySpan<byte> Read(long position, int count)
        {
            if (position >= _start && position + count <= _start + _count)
            {
                return _buffer.AsSpan((int)(position - _start), count);
            }

            if (count > _buffer.Length)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = [];
                _buffer = ArrayPool<byte>.Shared.Rent(count);
            }

            _start = position;
            _count = 0;
            int want = (int)Math.Min(_buffer.Length, Math.Max(0, Length - position));
            while (_count < want)
            {
                int read = RandomAccess.Read(handle, _buffer.AsSpan(_count, want - _count), position + _count);
                if (read == 0)
                {
                    break;
                }

                _count += read;
            }

            return _buffer.AsSpan(0, Math.Min(count, _count));
        }

        public void Dispose()
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    /// <remarks>
    /// An add is read with or without its indexed time whatever the header's version (the strings before say where the
    /// times start): a checkpoint that found the journal of a failed one left aside appends the records of a timed
    /// journal to it, whatever its version (see <see cref="AppendTo"/>).
    /// </remarks>
    private static bool TryParse(byte kind, ReadOnlySpan<byte> payload, out string id, out Article? article, out long indexed)
    {
        id = string.Empty;
        article = null;
        indexed = 0;
        try
        {
            if (!TryReadString(ref payload, out string? readId) || readId is null)
            {
                return false;
            }

            id = readId;
            if (kind == RemoveKind)
            {
                return payload.IsEmpty;
            }

            if (kind != AddKind
                || !TryReadString(ref payload, out string? text) || text is null
                || !TryReadString(ref payload, out string? title)
                || !TryReadString(ref payload, out string? source)
                || payload.Length is not (PublishedBytes or PublishedBytes + IndexedBytes))
            {
                return false;
            }

            if (payload.Length == PublishedBytes + IndexedBytes)
            {
                indexed = BinaryPrimitives.ReadInt64LittleEndian(payload[PublishedBytes..]);
                if (indexed < 0 || indexed > DateTime.MaxValue.Ticks)
                {
                    return false;
                }
            }

            DateTimeOffset? published = null;
            if (payload[0] == 1)
            {
                long ticks = BinaryPrimitives.ReadInt64LittleEndian(payload[1..]);
                short offset = BinaryPrimitives.ReadInt16LittleEndian(payload[9..]);
                published = new DateTimeOffset(ticks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(offset));
            }

            article = new Article(id, text, title, published, source);
            return true;
        }
        catch (ArgumentException)
        {
            // An out-of-range time or invalid UTF-8 in a record whose checksum matched: treated as the end.
            return false;
        }
    }

    private static bool TryReadString(ref ReadOnlySpan<byte> payload, out string? value)
    {
        value = null;
        if (payload.Length < 4)
        {
            return false;
        }

        uint length = BinaryPrimitives.ReadUInt32LittleEndian(payload);
        payload = payload[4..];
        if (length == NullString)
        {
            return true;
        }

        if (length > (uint)payload.Length)
        {
            return false;
        }

        value = StrictUtf8.GetString(payload[..(int)length]);
        payload = payload[(int)length..];
        return true;
    }

    /// <summary>
    /// Copies the bytes of <paramref name="path"/> after <paramref name="validLength"/> (a tail replay did not read: torn,
    /// or damaged with nothing valid after it) to a new file beside it, <c>{path}.cut-{UTC time}</c>, flushed to disk,
    /// before the journal is cut there. A torn tail is an unacknowledged write, but a damaged one may hold acknowledged
    /// changes (a zeroed or overwritten region): cutting it left nothing to recover them from.
    /// </summary>
    /// <returns>The file the tail was kept in, or null when there was no tail.</returns>
    public static string? KeepCutTail(string path, long validLength)
    {
        long length = new FileInfo(path).Length;
        if (length <= validLength)
        {
            return null;
        }

        string kept = $"{path}.cut-{DateTime.UtcNow:yyyyMMdd'T'HHmmssfffffff}";
        using (var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        using (var target = new FileStream(kept, FileMode.CreateNew, FileAccess.Write))
        {
            source.Position = validLength;
            source.CopyTo(target);
            target.Flush(flushToDisk: true);
        }

        return kept;
    }

    /// <summary>Opens <paramref name="path"/> at <paramref name="validLength"/> bytes; at 0, empties it and writes <paramref name="header"/>.</summary>
    private static FileStream OpenFile(string path, long validLength, JournalHeader header)
    {
        // Held alone (an advisory lock on Unix): a second writer is refused here even when the index's lock file was
        // deleted while this one ran (a stale-looking empty file), and the two did not both append and checkpoint.
        var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
        try
        {
            if (validLength == 0)
            {
                file.SetLength(0);
                file.Write(header.ToBytes());
                validLength = header.Length;
            }
            else if (file.Length != validLength)
            {
                file.SetLength(validLength);
            }

            file.Position = validLength;
            file.Flush(flushToDisk: true);
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>A journal file's header: its format version and, from version 3, the id of the snapshot its records follow.</summary>
    /// <param name="Version">1 or 4: begun with no snapshot; 2: begun after a snapshot without an id; 3 or 5: after the snapshot <paramref name="SnapshotId"/> (4 and 5: adds say when the article was indexed).</param>
    /// <param name="SnapshotId">The id of the snapshot the records follow (versions 3 and 5; 0 for a snapshot with no id).</param>
    internal readonly record struct JournalHeader(uint Version, ulong SnapshotId)
    {
        /// <summary>The header of a journal begun with no snapshot.</summary>
        public static JournalHeader NoSnapshot => new(TimedVersion, 0);

        /// <summary>The header of a journal begun after the snapshot <paramref name="snapshotId"/>.</summary>
        public static JournalHeader AfterSnapshot(ulong snapshotId) => new(TimedFollowsSnapshotVersion, snapshotId);

        /// <summary>Whether the records follow a snapshot (version 2, 3 or 5): alone they are not the whole index.</summary>
        public bool BegunAfterSnapshot => Version is not (FormatVersion or TimedVersion);

        /// <summary>Whether the header names the snapshot the records follow (version 3 or 5).</summary>
        public bool NamesSnapshot => Version is FollowsSnapshotVersion or TimedFollowsSnapshotVersion;

        /// <summary>Whether each add says when the article was indexed (version 4 or 5).</summary>
        public bool TimesAdds => Version is TimedVersion or TimedFollowsSnapshotVersion;

        /// <summary>The header's length in bytes.</summary>
        public int Length => NamesSnapshot ? LongHeaderBytes : ShortHeaderBytes;

        /// <summary>Whether the records were begun after a snapshot other than the one whose id is <paramref name="snapshotId"/> (versions 3 and 5 only: the others do not say).</summary>
        public bool Follows(ulong snapshotId) => !NamesSnapshot || SnapshotId == snapshotId;

        public byte[] ToBytes()
        {
            byte[] bytes = new byte[Length];
            Magic.CopyTo(bytes);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(Magic.Length), Version);
            if (NamesSnapshot)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(ShortHeaderBytes), SnapshotId);
            }

            return bytes;
        }
    }

    private static void WriteRecord(ArrayBufferWriter<byte> buffer, byte kind, Action<ArrayBufferWriter<byte>> writePayload)
    {
        var payload = new ArrayBufferWriter<byte>();
        writePayload(payload);
        Span<byte> head = buffer.GetSpan(5);
        BinaryPrimitives.WriteUInt32LittleEndian(head, (uint)payload.WrittenCount);
        head[4] = kind;
        buffer.Advance(5);
        buffer.Write(payload.WrittenSpan);
        int start = buffer.WrittenCount - payload.WrittenCount - 5;
        ulong checksum = XxHash64.HashToUInt64(buffer.WrittenSpan[start..]);
        Span<byte> tail = buffer.GetSpan(8);
        BinaryPrimitives.WriteUInt64LittleEndian(tail, checksum);
        buffer.Advance(8);
    }

    private static void WriteString(ArrayBufferWriter<byte> buffer, string? value)
    {
        Span<byte> length = buffer.GetSpan(4);
        if (value is null)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(length, NullString);
            buffer.Advance(4);
            return;
        }

        int bytes = Encoding.UTF8.GetByteCount(value);
        BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)bytes);
        buffer.Advance(4);
        buffer.Advance(Encoding.UTF8.GetBytes(value, buffer.GetSpan(bytes)));
    }

    private void Append(ReadOnlySpan<byte> records)
    {
        lock (_gate)
        {
            EnsureOpen();
            long start = _file.Position;
            try
            {
                _file.Write(records);
                _file.Flush(flushToDisk: _flush == JournalFlush.Disk);
            }
            catch
            {
                // Leave no partial record before the next one: cut the file back to where this append began.
                try
                {
                    _file.SetLength(start);
                    _file.Position = start;
                }
                catch (IOException)
                {
                }

                throw;
            }
        }
    }
}

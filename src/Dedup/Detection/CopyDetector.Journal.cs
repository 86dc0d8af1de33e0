namespace Dedup.Detection;

/// <summary>When the journal of a detector opened with <see cref="CopyDetector.Open"/> forces its records to disk.</summary>
public enum JournalFlush
{
    /// <summary>
    /// Every add or remove is written and flushed to the disk (fsync) before the call returns: nothing acknowledged is
    /// lost in a process crash, an operating-system crash or a power cut. Costs one disk flush per call (one per batch
    /// for <see cref="CopyDetector.AddRange"/>). The default.
    /// </summary>
    Disk,

    /// <summary>
    /// Every add or remove is handed to the operating system (one write call) before the call returns, without a disk
    /// flush: nothing acknowledged is lost when the process crashes or is killed, but an operating-system crash or a
    /// power cut may lose the last few seconds.
    /// </summary>
    OperatingSystem,
}

/// <summary>Settings of the journal of a detector opened with <see cref="CopyDetector.Open"/>.</summary>
public sealed record JournalOptions
{
    /// <summary>The default options.</summary>
    public static JournalOptions Default { get; } = new();

    /// <summary>When records are forced to disk. Default <see cref="JournalFlush.Disk"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="JournalFlush"/>.</exception>
    public JournalFlush Flush
    {
        get;
        init => field = Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(nameof(Flush), value, "Flush must be JournalFlush.Disk or JournalFlush.OperatingSystem.");
    } = JournalFlush.Disk;
}

/// <content>
/// Durability: a snapshot plus an append-only journal of the adds and removes since it.
/// </content>
/// <remarks>
/// <para>
/// <see cref="Open"/> loads the snapshot at a path (if any), replays the journal beside it (<c>path.journal</c>), and
/// from then on writes every add and remove to the journal before acknowledging it (see <see cref="JournalFlush"/>).
/// The journal stores the articles themselves, not their features, so its format does not depend on the feature format
/// and a replay re-extracts the features with the current code.
/// </para>
/// <para>
/// <see cref="Checkpoint"/> compacts: it moves the journal aside (<c>path.journal.old</c>), starts a new one, writes
/// the snapshot atomically and deletes the old journal. A crash at any point leaves files that load to the same
/// articles: replay applies each record as "set this id to this article" or "delete this id", which gives the same
/// result on the previous snapshot as on the new one.
/// </para>
/// </remarks>
public sealed partial class CopyDetector
{
    private DetectorJournal? _journal;
    private FileStream? _indexLock;
    private string? _snapshotPath;

    /// <summary>
    /// Held by a checkpoint from start to end, and by <see cref="MarkDisposed"/>: a semaphore, since an asynchronous
    /// checkpoint holds it across awaits. It never makes a wait handle, so it needs no disposing.
    /// </summary>
    private readonly SemaphoreSlim _checkpointGate = new(1, 1);

    /// <summary>For tests: wraps the stream a checkpoint writes its snapshot to (e.g. to hold it mid-write).</summary>
    internal Func<Stream, Stream>? WrapCheckpointSnapshotForTests { get; set; }

    /// <summary>The journal of a detector opened with <see cref="Open"/> (tests).</summary>
    internal DetectorJournal? JournalForTests => _journal;

    /// <summary>
    /// The size in bytes of the journal's records written since the last successful checkpoint (those a failed one left
    /// aside included): 0 right after a checkpoint, and for a detector opened without a journal.
    /// </summary>
    /// <remarks>A service calls <see cref="Checkpoint"/> when this grows past what it wants to replay at startup.</remarks>
    public long JournalBytes => _journal?.PendingBytes ?? 0;

    /// <summary>
    /// The files where <see cref="Open"/> kept the bytes of a journal's last record that it cut off as torn or damaged
    /// (<c>NAME.journal.cut-{UTC time}</c>), empty when it cut nothing. A torn write and damage cannot be told apart, and
    /// the record may have been an acknowledged change: a service should log these.
    /// </summary>
    public IReadOnlyList<string> JournalTailsKept { get; private set; } = [];

    /// <summary>
    /// The journal files whose torn or damaged last record <see cref="OpenReadOnly"/> skipped, empty when it skipped
    /// nothing (and for a detector opened otherwise). A read-only open changes no file: the record stays where it is,
    /// and the next <see cref="Open"/> cuts it off and keeps its bytes aside (<see cref="JournalTailsKept"/>). As for
    /// those, the record may have been an acknowledged change: a tool should say so.
    /// </summary>
    public IReadOnlyList<string> JournalTailsSkipped { get; private set; } = [];

    /// <summary>
    /// Throws <see cref="InvalidDataException"/> when a file exists at <paramref name="full"/> that does not begin with a
    /// detector snapshot's magic bytes (or is not a regular file).
    /// </summary>
    private static void CheckStartsAsSnapshot(string path, string full)
    {
        if (!File.Exists(full))
        {
            return;
        }

        Span<byte> start = stackalloc byte[8];
        int read;
        using (var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1))
        {
            if (!stream.CanSeek)
            {
                throw new InvalidDataException($"'{path}' is not a detector snapshot: it is not a regular file (a device or a pipe).");
            }

            read = stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        }

        if (read < start.Length || !start.SequenceEqual(SnapshotMagic))
        {
            throw new InvalidDataException(read == 0
                ? $"'{path}' is not a detector snapshot: the file is empty."
                : $"'{path}' is not a detector snapshot: it begins with {Convert.ToHexString(start[..read])}, where a snapshot begins with {Convert.ToHexString(SnapshotMagic)} (\"DEDUPDET\").");
        }
    }

    /// <summary>
    /// Opens a durable detector: loads the snapshot at <paramref name="path"/> if it exists (keeping its settings),
    /// replays the journal of the changes made since (<c>path.journal</c>, cutting off a torn last record), and journals
    /// every later add and remove before acknowledging it. A new index writes its snapshot, empty and with the settings,
    /// at its first add (opening a path creates no index), so that it is reopened with them before its first checkpoint too.
    /// </summary>
    /// <param name="path">The snapshot file; the journal is kept beside it.</param>
    /// <param name="journal">The journal settings; null for <see cref="JournalOptions.Default"/>.</param>
    /// <param name="configure">
    /// Changes to the settings: it receives the snapshot's settings (or <see cref="DetectorOptions.Default"/> when there
    /// is no snapshot yet) and returns the ones to use, e.g. <c>o =&gt; o with { ArticleLookupAsync = ... }</c>. Settings
    /// that shape the compact form (seed, shingle size, stopwords, boilerplate line rules, <see cref="DetectorOptions.DetectRewrites"/>) must keep the snapshot's values.
    /// </param>
    /// <param name="cancellationToken">
    /// Stops the open while the index loads: checked between the snapshot's articles, the journal's records and the passes
    /// that learn the corpus model (an index of 150,000 articles takes seconds to open, and a tool asked to stop should
    /// not go on to change it). The journal is changed by nothing before its replay has ended, so an open cancelled until
    /// then leaves the index's files as they were (later, a torn last record may have been cut off and kept aside, as a
    /// completed open does).
    /// </param>
    /// <returns>The detector; dispose it to close the journal and release the index's lock.</returns>
    /// <remarks>
    /// One detector at a time holds an index: <c>Open</c> takes the lock file <c>path.lock</c> (kept, empty, after the
    /// detector is disposed) and holds it until disposal; a second <c>Open</c> of the path, in this process or another
    /// (the <c>dedup index</c> commands too), throws <see cref="IOException"/>. Symbolic links on the path are followed
    /// first: the journal and the lock are kept beside the file the path leads to, so two paths to one index take one lock.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or names a folder.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    /// <exception cref="InvalidDataException">The snapshot or the journal is not valid (a damaged record with valid ones after it included); the message names the problem.</exception>
    /// <exception cref="IOException">Another detector holds the index, or a file cannot be read or written (or made in its folder).</exception>
    /// <exception cref="UnauthorizedAccessException">The process may not write the index's files or make files in its folder, as checkpoints do.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled while the index loaded; what was loaded is disposed and the index's lock released.</exception>
    public static CopyDetector Open(string path, JournalOptions? journal = null, Func<DetectorOptions, DetectorOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        journal ??= JournalOptions.Default;
        string full = IndexFile(path);
        string journalPath = full + ".journal";
        FileStream indexLock = DetectorJournal.Lock(full);
        try
        {
            DetectorJournal.CheckFolderWritable(full);
        }
        catch
        {
            indexLock.Dispose();
            throw;
        }

        CopyDetector detector = LoadUnderLock(path, full, journalPath, indexLock, configure, out DetectorJournal.JournalHeader begun, cancellationToken);
        try
        {
            using var op = new Operation(detector, DetectorOperation.Replay, null);
            var kept = new List<string?>(2);
            string old = DetectorJournal.OldPath(journalPath);
            bool hadOld = File.Exists(old);
            int replayed = detector.ReplayJournals(journalPath, keepTails: kept, out long valid, cancellationToken);
            detector._journal = DetectorJournal.OpenForAppend(journalPath, valid, journal.Flush, begun);
            detector._snapshotPath = full;
            detector.JournalTailsKept = [.. kept.OfType<string>()];
            detector.PrepareBoilerplate(cancellationToken);
            op.Complete(0, [], replayed > 0, replayed, indexed: detector.Count);
            if (hadOld || (replayed > 0 && !File.Exists(full)))
            {
                // An index whose journal alone holds it (begun by an older library) is given its snapshot at once: the
                // snapshot keeps the settings; a journal keeps none.
                detector.Checkpoint();
            }
            else if (!File.Exists(full))
            {
                // A new index: its snapshot, empty, is written with its first change (so that opening a path to look
                // at it creates no index; see IndexExists).
                detector._firstSnapshotPending = 1;
            }

            return detector;
        }
        catch
        {
            detector.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens a durable index (as <see cref="Open"/> keeps it) for reading: loads its snapshot and replays its journal,
    /// writing nothing. For a tool or a report that reads an index beside, or between, the service that writes it.
    /// </summary>
    /// <param name="path">The snapshot file's path, as given to <see cref="Open"/>.</param>
    /// <param name="configure">Changes to the snapshot's settings (e.g. an article lookup for evidence); as for <see cref="Open"/>.</param>
    /// <param name="cancellationToken">Stops the open while the index loads, as for <see cref="Open"/>; nothing is written either way.</param>
    /// <returns>
    /// The detector: it finds copies, lists clusters and saves snapshots elsewhere; its adds, removes and checkpoints throw
    /// <see cref="InvalidOperationException"/>. Dispose it to release the index.
    /// </returns>
    /// <remarks>
    /// Read-only detectors share the index's lock (<c>path.lock</c>, taken shared until disposal): any number of them
    /// open it together, while a detector opened with <see cref="Open"/> (which takes it alone) is refused, and refuses
    /// them. A journal's torn or damaged last record is skipped, not cut off and kept aside as <see cref="Open"/> does;
    /// a journal left aside by an interrupted checkpoint is replayed, not compacted. On a read-only file system, where
    /// the lock file cannot be made, an index without one is read without it.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or names a folder.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    /// <exception cref="FileNotFoundException">There is no index at <paramref name="path"/> (no snapshot, and no journal holding changes).</exception>
    /// <exception cref="InvalidDataException">The snapshot or the journal is not valid; the message names the problem.</exception>
    /// <exception cref="IOException">A detector opened with <see cref="Open"/> holds the index, or a file cannot be read.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled while the index loaded; what was loaded is disposed and the index released.</exception>
    public static CopyDetector OpenReadOnly(string path, Func<DetectorOptions, DetectorOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = IndexFile(path);
        if (!IndexExists(full))
        {
            throw new FileNotFoundException($"There is no index at '{path}': no snapshot, and no journal holding changes.", full);
        }

        string journalPath = full + ".journal";
        FileStream? indexLock = DetectorJournal.LockShared(full);
        CopyDetector detector = LoadUnderLock(path, full, journalPath, indexLock, configure, out _, cancellationToken);
        try
        {
            using var op = new Operation(detector, DetectorOperation.Replay, null);
            var skipped = new List<string>(2);
            int replayed = detector.ReplayJournals(journalPath, keepTails: null, out _, cancellationToken, skipped);
            detector._readOnly = true;
            detector.JournalTailsSkipped = skipped;
            detector._snapshotPath = full;
            detector.PrepareBoilerplate(cancellationToken);
            op.Complete(0, [], replayed > 0, replayed, indexed: detector.Count);
            return detector;
        }
        catch
        {
            detector.Dispose();
            throw;
        }
    }

    /// <summary>Whether the detector was opened with <see cref="OpenReadOnly"/>: its changes are refused.</summary>
    private bool _readOnly;

    /// <summary>
    /// The path of an index's snapshot with symbolic links followed (its journal and lock are named after it, so that
    /// two paths to one index take one lock), after checking that it may be one: not a folder, its folder there, and no
    /// file that is not a snapshot (refused before a lock file is left beside it).
    /// </summary>
    private static string IndexFile(string path)
    {
        string full = Indexing.SnapshotFile.FollowLinks(Path.GetFullPath(path));
        if (Directory.Exists(full))
        {
            throw new ArgumentException($"'{path}' is a folder; Open takes the path of the index's snapshot file (e.g. '{Path.Combine(path, "news.index")}').", nameof(path));
        }

        if (Path.EndsInDirectorySeparator(path))
        {
            // "newdir/" that does not exist yet was taken for a file named newdir (newdir.journal and newdir.lock were made).
            throw new ArgumentException($"'{path}' ends in a folder separator, which names a folder; Open takes the path of the index's snapshot file (e.g. '{Path.Combine(path, "news.index")}').", nameof(path));
        }

        string? folder = Path.GetDirectoryName(full);
        if (folder is not null && !Directory.Exists(folder))
        {
            // A file on the way ('/etc/hostname/news.index') is named as such, not as a folder that does not exist.
            throw new DirectoryNotFoundException(Indexing.SnapshotFile.FileOnTheWay(folder) is { } file
                ? $"The folder of the index '{path}' cannot exist: '{file}' is a file, not a folder."
                : $"The folder of the index '{path}' does not exist: '{folder}'.");
        }

        // A file that is no snapshot (a JSON file named by mistake, /dev/null) is refused before the lock is taken, so
        // that no lock file is left beside it. A snapshot is replaced by a rename, so whatever file is there now begins
        // with the magic bytes if it is one; the rest is checked under the lock.
        CheckStartsAsSnapshot(path, full);
        CheckNoFolderWhereAFileGoes(path, full + ".journal");
        return full;
    }

    /// <summary>
    /// With the index's lock taken: checks that its journals follow its snapshot, and loads the snapshot (or makes an
    /// empty detector). The lock goes to the detector, or is released when this throws.
    /// </summary>
    /// <param name="path">The index's path as the caller gave it, for messages.</param>
    /// <param name="full">The snapshot's path, links followed.</param>
    /// <param name="journalPath">The journal's path.</param>
    /// <param name="indexLock">The lock taken, given to the detector (or released when this throws).</param>
    /// <param name="configure">Changes to the settings.</param>
    /// <param name="begun">The header of a journal begun now: after the snapshot there (its id), or with none.</param>
    /// <param name="cancellationToken">Checked between the snapshot's articles.</param>
    private static CopyDetector LoadUnderLock(string path, string full, string journalPath, FileStream? indexLock, Func<DetectorOptions, DetectorOptions>? configure, out DetectorJournal.JournalHeader begun, CancellationToken cancellationToken)
    {
        CopyDetector? detector = null;
        try
        {
            // The snapshot is read (and its checksum checked) first: a damaged one is named as such, not taken for
            // another snapshot because its id read wrong (and the journal moved aside on that advice).
            detector = File.Exists(full)
                ? LoadUnprepared(full, configure ?? (o => o), cancellationToken)
                : new CopyDetector(configure is null ? DetectorOptions.Default : configure(DetectorOptions.Default));
            begun = CheckJournalFollowsSnapshot(path, full, journalPath);
        }
        catch
        {
            detector?.Dispose();
            indexLock?.Dispose();
            throw;
        }

        detector._indexLock = indexLock;
        return detector;
    }

    /// <summary>
    /// Refuses a folder where the index keeps a file (its journal, the journal a checkpoint left aside, its lock): named
    /// as such (it was "access denied", and a folder at the lock's path let a read-only detector in with no lock).
    /// </summary>
    private static void CheckNoFolderWhereAFileGoes(string path, string journalPath)
    {
        string full = journalPath[..^".journal".Length];
        foreach (string file in (ReadOnlySpan<string>)[journalPath, DetectorJournal.OldPath(journalPath), full + ".lock"])
        {
            if (Directory.Exists(file))
            {
                throw new IOException($"The index '{path}' cannot keep its file '{file}': a folder is there. Move the folder away.");
            }
        }
    }

    /// <summary>
    /// Replays the journal left aside by an interrupted checkpoint (if any), then the journal. With
    /// <paramref name="keepTails"/>, the bytes of a torn or damaged last record are first kept aside (their files listed
    /// there); without it, nothing is written, and the journals whose last record was skipped are listed in
    /// <paramref name="skippedTails"/>.
    /// </summary>
    /// <returns>The records replayed.</returns>
    private int ReplayJournals(string journalPath, List<string?>? keepTails, out long valid, CancellationToken cancellationToken, List<string>? skippedTails = null)
    {
        if (_clusterIndex is not null)
        {
            // The snapshot kept its clusters: the articles replayed join them as they were added, verified under the
            // model of the articles before them (as when they were added), not under an empty one.
            PrepareBoilerplate(cancellationToken);
        }

        int replayed = 0;
        string old = DetectorJournal.OldPath(journalPath);
        if (File.Exists(old))
        {
            // Its tail (if replay stopped short) is kept aside: the checkpoint after Open deletes the file.
            long oldValid = DetectorJournal.Replay(old, ApplyRecord, out int n, cancellationToken);
            KeepOrList(old, oldValid);
            replayed += n;
        }

        valid = 0;
        if (File.Exists(journalPath))
        {
            valid = DetectorJournal.Replay(journalPath, ApplyRecord, out int n, cancellationToken);
            KeepOrList(journalPath, valid);
            replayed += n;
        }

        return replayed;

        void KeepOrList(string journal, long validLength)
        {
            if (keepTails is not null)
            {
                keepTails.Add(DetectorJournal.KeepCutTail(journal, validLength));
            }
            else if (skippedTails is not null && new FileInfo(journal).Length > validLength)
            {
                skippedTails.Add(journal);
            }
        }
    }

    /// <summary>Writes the articles to the journal before they are added (a detector opened with <see cref="Open"/>); refuses them for a read-only one.</summary>
    /// <param name="articles">The articles.</param>
    /// <param name="indexedUtcTicks">When they are indexed: the time <see cref="InsertLocked"/> is given for them, kept in the journal.</param>
    private void JournalAdds(IReadOnlyList<Article> articles, long indexedUtcTicks)
    {
        ThrowIfReadOnly();
        if (Volatile.Read(ref _firstSnapshotPending) != 0 && _journal is not null && _snapshotPath is not null)
        {
            // The first add of a new index (called under the write lock, while the index is still empty): its empty
            // snapshot first, which keeps the settings (a journal alone kept none, so that an index reopened before its
            // first checkpoint took the defaults without a word: another threshold, seed or shingle size). The journal
            // begun with no snapshot continues it. A checkpoint clears the mark before it takes the index, under the
            // lock after this write, so its snapshot is the one left. A write that fails (a folder in the way, a full
            // disk) fails no add, as before: the journal holds every change, the mark stays for the next add, and a
            // checkpoint, which fails too then, reports the problem.
            try
            {
                Indexing.SnapshotFile.WriteAtomically(_snapshotPath, SaveEmpty);
                Interlocked.Exchange(ref _firstSnapshotPending, 0);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }

        _journal?.AppendAdds(articles, indexedUtcTicks);
    }

    /// <summary>1 when set by <see cref="Open"/> for a new index, until its first add writes its (empty) snapshot or a checkpoint writes one.</summary>
    private int _firstSnapshotPending;

    /// <summary>Writes the removal to the journal before it is made; refuses it for a read-only detector.</summary>
    private void JournalRemove(string id)
    {
        ThrowIfReadOnly();
        _journal?.AppendRemove(id);
    }

    /// <summary>Writes removals to the journal with one write (and one flush) before they are made; refuses them for a read-only detector.</summary>
    private void JournalRemoves(IReadOnlyList<string> ids)
    {
        ThrowIfReadOnly();
        _journal?.AppendRemoves(ids);
    }

    private void ThrowIfReadOnly()
    {
        if (_readOnly)
        {
            throw new InvalidOperationException($"This detector was opened read-only (CopyDetector.OpenReadOnly) on '{_snapshotPath}': it changes nothing. Open the index with CopyDetector.Open to change it.");
        }
    }

    /// <summary>
    /// Refuses journals that do not continue the snapshot beside them. A journal begun after a checkpoint whose snapshot
    /// is missing (deleted, or not restored with it): replayed alone it would give an index of the changes since that
    /// checkpoint, without the articles before it. A journal begun after another snapshot than the one there (an older
    /// copy restored, the current journal kept): replayed onto it, the articles checkpointed in between would be gone.
    /// Neither says a word when replayed, so neither is. The oldest journal file decides whether a snapshot is needed: a
    /// first checkpoint that crashed before its snapshot was written left the journal it moved aside, begun without a
    /// snapshot, and that index opens whole from its journals. A checkpoint that crashed leaves a journal aside that
    /// follows the old snapshot and a new one that follows the snapshot it was writing: either snapshot continues them.
    /// </summary>
    /// <returns>The header of a journal begun now: after the snapshot there (its id), or with none.</returns>
    private static DetectorJournal.JournalHeader CheckJournalFollowsSnapshot(string path, string full, string journalPath)
    {
        string old = DetectorJournal.OldPath(journalPath);
        DetectorJournal.JournalHeader? aside = DetectorJournal.ReadHeader(old);
        DetectorJournal.JournalHeader? current = DetectorJournal.ReadHeader(journalPath);
        if (!File.Exists(full))
        {
            string first = File.Exists(old) ? old : journalPath;
            if ((File.Exists(old) ? aside : current) is { BegunAfterSnapshot: true })
            {
                throw new InvalidDataException(
                    $"The index '{path}' has a journal begun after a checkpoint ('{first}') but its snapshot ('{full}') is missing: the journal holds only " +
                    "the changes since that checkpoint, not the articles before it. Restore the snapshot beside it; to start the index anew instead, delete its journal files.");
            }

            return DetectorJournal.JournalHeader.NoSnapshot;
        }

        ulong snapshot = ReadSnapshotId(full);
        // Journals that hold no records lose nothing whatever snapshot is there (a checkpoint of an empty journal that
        // crashed, beside a restored backup): they are begun anew after it.
        bool continued = aside is { } a
            ? a.Follows(snapshot) || current is { NamesSnapshot: true } c && c.SnapshotId == snapshot
                || (!DetectorJournal.HoldsRecords(old) && !DetectorJournal.HoldsRecords(journalPath))
            : current is not { } j || j.Follows(snapshot) || !DetectorJournal.HoldsRecords(journalPath);
        if (!continued)
        {
            string journal = aside is null ? journalPath : old;
            ulong follows = (aside ?? current)!.Value.SnapshotId;
            throw new InvalidDataException(
                $"The journal of the index '{path}' ('{journal}') holds the changes made after snapshot {follows:X16}, but the snapshot there ('{full}') is " +
                $"{(snapshot == 0 ? "one with no id (saved with SaveToFile, or by an older library)" : $"{snapshot:X16}")}: an older copy restored, or another index's. " +
                "Replayed onto it, the articles checkpointed in between would be lost without a word. Put back the snapshot the journal follows; " +
                "to open this snapshot without the journal's changes instead, move the journal files aside.");
        }

        return DetectorJournal.JournalHeader.AfterSnapshot(snapshot);
    }

    /// <summary>A new checkpoint snapshot's id: random, never 0 (a plain save's).</summary>
    private static ulong NewSnapshotId()
    {
        ulong id;
        do
        {
            id = (ulong)Random.Shared.NextInt64(long.MinValue, long.MaxValue);
        }
        while (id == 0);
        return id;
    }

    /// <summary>The id a snapshot file's header gives (format version 7 on), or 0 when it has none or is too short to say.</summary>
    private static ulong ReadSnapshotId(string full)
    {
        Span<byte> header = stackalloc byte[20];
        using var file = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
        return file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) == header.Length
            && header[..8].SequenceEqual(SnapshotMagic)
            && System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(header[8..]) >= FirstVersionWithId
            ? System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(header[12..])
            : 0;
    }

    /// <summary>
    /// Whether a durable index (as <see cref="Open"/> keeps it) is at <paramref name="path"/>: its snapshot, or a journal
    /// holding changes not yet checkpointed (beside it, or left aside by an interrupted checkpoint). Looks at the files
    /// only; opens and locks nothing.
    /// </summary>
    /// <param name="path">The snapshot file's path, as given to <see cref="Open"/>.</param>
    /// <returns>True when opening it would give an index that holds, or held, articles.</returns>
    public static bool IndexExists(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Indexing.SnapshotFile.FollowLinks(Path.GetFullPath(path));
        string journal = full + ".journal";
        return File.Exists(full) || DetectorJournal.HoldsRecords(journal) || DetectorJournal.HoldsRecords(DetectorJournal.OldPath(journal));
    }

    /// <summary>
    /// Compacts the journal into the snapshot: writes the snapshot of every indexed article atomically to the path given
    /// to <see cref="Open"/> and starts an empty journal. Adds and removes may run meanwhile (they go to the new journal).
    /// </summary>
    /// <exception cref="InvalidOperationException">The detector was not opened with <see cref="Open"/> (or was opened with <see cref="OpenReadOnly"/>).</exception>
    /// <exception cref="IOException">The snapshot cannot be written; the journal still holds everything.</exception>
    /// <exception cref="ObjectDisposedException">The detector was disposed.</exception>
    public void Checkpoint() => Indexing.SyncCompletion.Wait(CheckpointCoreAsync(writeAsync: false, CancellationToken.None));

    /// <summary>
    /// As <see cref="Checkpoint"/>, writing the snapshot and flushing it to disk asynchronously (a checkpoint of 100,000
    /// articles writes hundreds of megabytes): for a hosted service, which should not hold a thread for it.
    /// </summary>
    /// <param name="cancellationToken">
    /// Stops the checkpoint before its snapshot replaces the old one (a host shutting down): the old snapshot and the
    /// journal then still hold everything, as after a failed checkpoint, and the next checkpoint compacts it all.
    /// </param>
    /// <returns>A task that completes when the new snapshot is in place and the old journal deleted.</returns>
    /// <exception cref="InvalidOperationException">The detector was not opened with <see cref="Open"/>.</exception>
    /// <exception cref="IOException">The snapshot cannot be written; the journal still holds everything.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; the journal still holds everything.</exception>
    /// <exception cref="ObjectDisposedException">The detector was disposed.</exception>
    public ValueTask CheckpointAsync(CancellationToken cancellationToken = default) => CheckpointCoreAsync(writeAsync: true, cancellationToken);

    /// <summary>
    /// The checkpoint, under <see cref="_checkpointGate"/>; written synchronously (the task has completed when this
    /// returns) or asynchronously. The observer hears of it after the gate is released, as of every operation outside
    /// the detector's locks: an observer may dispose the detector.
    /// </summary>
    private async ValueTask CheckpointCoreAsync(bool writeAsync, CancellationToken cancellationToken)
    {
        // A disposed detector says so first, whatever it was opened as.
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        ThrowIfReadOnly();
        DetectorJournal journal = _journal ?? throw new InvalidOperationException("Only a detector opened with CopyDetector.Open has a journal to compact.");
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (writeAsync)
        {
            await _checkpointGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // Only the synchronous Checkpoint comes here, and it takes no token.
            _checkpointGate.Wait(CancellationToken.None);
        }

        Operation op;
        try
        {
            // Dispose takes the gate before it marks the detector disposed: a checkpoint that got here first ends first.
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            cancellationToken.ThrowIfCancellationRequested();
            op = new Operation(this, DetectorOperation.Checkpoint, null);

            // This checkpoint writes the index's snapshot: no first add writes the empty one after it (see JournalAdds).
            Interlocked.Exchange(ref _firstSnapshotPending, 0);
        }
        catch
        {
            _checkpointGate.Release();
            throw;
        }

        Exception? failure = null;
        int articles = 0;
        try
        {
            // The new journal names the snapshot written next, so that it is replayed onto that one alone.
            ulong snapshotId = NewSnapshotId();
            EnterWriteLock();
            try
            {
                journal.Rotate(snapshotId);
            }
            finally
            {
                _lock.ExitWriteLock();
            }

            await Indexing.SnapshotFile.WriteAtomicallyAsync(_snapshotPath!, (s, c) => SaveCoreAsync(s, writeAsync, c, snapshotId), WrapCheckpointSnapshotForTests, writeAsync, cancellationToken).ConfigureAwait(false);
            journal.DeleteOld();
            articles = Count;
        }
        catch (Exception e)
        {
            failure = e;
            throw;
        }
        finally
        {
            _checkpointGate.Release();
            using (op)
            {
                if (failure is null)
                {
                    op.Complete(0, [], changed: false, articles, indexed: articles);
                }
                else
                {
                    op.Fail(failure);
                }
            }
        }
    }

    /// <summary>Applies one journal record during replay: set the id to the article, or delete the id.</summary>
    private void ApplyRecord(string id, Article? article, long indexedUtcTicks)
    {
        if (article is null)
        {
            Remove(id);
            return;
        }

        ArticleFeatures features = FeatureExtractor.Extract(article, Options);
        EnterWriteLock();
        try
        {
            if (_registry.TryGetValue(id, out ArticleFeatures? previous))
            {
                if (previous!.ExactHash == features.ExactHash)
                {
                    return;
                }

                _registry.Remove(id, out int slot);
                _store.Remove(Entries(previous, slot));
                ClusterRemovedLocked(slot);
            }

            InsertLocked(features, indexedUtcTicks: indexedUtcTicks);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }
}

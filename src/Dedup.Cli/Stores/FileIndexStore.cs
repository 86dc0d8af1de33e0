using Dedup.Detection;

namespace Dedup.Cli.Stores;

/// <summary>
/// An index kept as the library keeps a durable one (<see cref="CopyDetector.Open"/>): a snapshot file, the journal of
/// the changes since (<c>path.journal</c>, written by services that hold the index open) and a lock file. The commands
/// open it as a detector would, so they replay the journal, wait for no one (an index held by a running service is
/// refused with a message), and write their changes back as a checkpoint: the snapshot, with the journal folded in.
/// </summary>
internal sealed class FileIndexStore(string path, Action<string>? warn = null) : IIndexStore
{
    /// <summary>The commands' changes are checkpointed before they exit: the journal needs no disk flush per change.</summary>
    private static readonly JournalOptions Journal = new() { Flush = JournalFlush.OperatingSystem };

    public string Location => path;

    /// <summary>A snapshot, or a journal holding changes (a service may not have checkpointed yet, or a checkpoint was interrupted).</summary>
    public bool Exists => CopyDetector.IndexExists(path);


    /// <summary>The snapshot format the index was in when <see cref="Load"/> opened it (null: no snapshot, or not read).</summary>
    private uint? _loadedFormat;

    public CopyDetector Load(CancellationToken cancellationToken)
    {
        CheckExists();
        _loadedFormat = SnapshotFormat(Commands.ScanCommand.FilePath(path));
        return Open(() => CopyDetector.Open(path, Journal, configure: null, cancellationToken));
    }

    /// <summary>The format version a snapshot file states (after its 8-byte magic), or null when it is not there or too short to say.</summary>
    internal static uint? SnapshotFormat(string snapshot)
    {
        try
        {
            using var file = new FileStream(snapshot, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
            Span<byte> head = stackalloc byte[12];
            return file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) == head.Length && head[..8].SequenceEqual("DEDUPDET"u8)
                ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(head[8..])
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Opens the index read-only (<see cref="CopyDetector.OpenReadOnly"/>): <c>query</c> and <c>stats</c> write nothing
    /// (a torn journal tail is skipped, not cut) and run beside each other; a service or an <c>add</c> holding the index
    /// still refuses them.
    /// </summary>
    public CopyDetector LoadForReading(double? threshold, CancellationToken cancellationToken)
    {
        CheckExists();
        return Open(() => CopyDetector.OpenReadOnly(path, threshold is { } t ? o => o with { Threshold = t } : null, cancellationToken));
    }

    private void CheckExists()
    {
        if (Directory.Exists(path))
        {
            throw CliException.BadInput($"{path}: is a folder; --store expects a file");
        }

        if (!Exists)
        {
            throw CliException.IO($"{path}: no such index (create one with 'dedup index add --store {path} INPUT')");
        }
    }

    public CopyDetector Create(DetectorOptions options)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null && !Directory.Exists(folder))
        {
            throw CliException.NoFolder(path, folder);
        }

        return Open(() => CopyDetector.Open(path, Journal, _ => options));
    }

    public void Save(CopyDetector detector)
    {
        try
        {
            detector.Checkpoint();
            if (_loadedFormat is { } was && was < CopyDetector.SnapshotFormatVersion)
            {
                // Said once, by the command that rewrote it: an older tool then refused the index ("format version 9 is
                // newer than the newest this library reads"), and nothing had told why (a user's trial).
                warn?.Invoke($"{path}: the index is now in snapshot format {CopyDetector.SnapshotFormatVersion} (it was {was}); a dedup tool or library older than this one cannot read it");
                _loadedFormat = CopyDetector.SnapshotFormatVersion;
            }
        }
        catch (UnauthorizedAccessException)
        {
            throw CliException.IO($"{path}: permission denied writing the snapshot; {ChangesKept}");
        }
        catch (IOException e)
        {
            throw new CliException(ExitCodes.IOError, $"{path}: the snapshot could not be written ({e.Message}); {ChangesKept}", e);
        }
    }

    public bool RemoveCreatedIfEmpty()
    {
        try
        {
            using CopyDetector written = CopyDetector.OpenReadOnly(path);
            if (written.Count > 0)
            {
                return false;
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            // Nothing an index holds could be read (no snapshot and an empty journal, or a journal cut mid-header): the
            // files hold no article.
        }

        // The files a durable index keeps beside the file its path leads to (CopyDetector.Open follows links).
        string snapshot = Commands.ScanCommand.FilePath(path);
        foreach (string file in (ReadOnlySpan<string>)[snapshot, snapshot + ".journal", snapshot + ".journal.old", snapshot + ".lock"])
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return true;
    }

    /// <summary>What a failed checkpoint leaves: the command's changes are in the journal, which the next command replays.</summary>
    private const string ChangesKept = "the changes are kept in the index's journal, and the next command finds them (do not run it again)";

    public IReadOnlyList<(string Key, object Value)> Describe()
    {
        var facts = new List<(string Key, object Value)> { ("store", Path.GetFullPath(path)) };
        if (File.Exists(path))
        {
            facts.Add(("bytes", new FileInfo(path).Length));
        }

        // The journal is kept beside the file a link leads to (CopyDetector.Open follows links).
        string snapshot = Commands.ScanCommand.FilePath(path);
        if (File.Exists(snapshot + ".journal"))
        {
            facts.Add(("journal bytes", new FileInfo(snapshot + ".journal").Length));
        }

        // A journal a crashed checkpoint left aside holds changes too (replayed by every open, compacted by the next
        // add or remove): counted, so that "journal bytes: 20" does not read as all there is (a client's trial).
        if (File.Exists(snapshot + ".journal.old"))
        {
            facts.Add(("journal left aside bytes", new FileInfo(snapshot + ".journal.old").Length));
        }

        return facts;
    }

    private CopyDetector Open(Func<CopyDetector> open)
    {
        try
        {
            CopyDetector detector = open();

            // A torn or damaged last record cut off on opening may have been an acknowledged change: said (a
            // read-only-sounding `index stats` cut it silently).
            foreach (string kept in detector.JournalTailsKept)
            {
                warn?.Invoke($"{path}: the journal ended in a torn or damaged record, cut off on opening (a write cut short by a crash, or damage); its bytes are kept in {kept}");
            }

            // Read-only (query, stats): skipped, and said as well (both skipped it silently; add warned).
            foreach (string journal in detector.JournalTailsSkipped)
            {
                warn?.Invoke($"{path}: the journal {journal} ends in a torn or damaged record (a write cut short by a crash, or damage), skipped; the file is left as it is (this command changes nothing; the next add or remove cuts the record off and keeps its bytes aside)");
            }

            return detector;
        }
        catch (InvalidDataException e)
        {
            throw new CliException(ExitCodes.BadStore, $"{path}: not a readable dedup index ({e.Message})");
        }
        catch (FileNotFoundException)
        {
            // Gone between the check and the read-only open.
            throw CliException.IO($"{path}: no such index (create one with 'dedup index add --store {path} INPUT')");
        }
        catch (UnauthorizedAccessException)
        {
            throw CliException.IO($"{path}: permission denied");
        }
        catch (IOException e) when (e.InnerException is IOException && e.Message.Contains(" is open in another detector", StringComparison.Ordinal))
        {
            // The library's words ("another detector", "close that one first") said as a shell user meets it, with the
            // lock file beside the file a link leads to, as the journal is (Describe).
            throw CliException.IO($"{path}: in use by another dedup command, or by a service that has the index open (its lock file '{Commands.ScanCommand.FilePath(path)}.lock' is held); try again when it is done");
        }
        catch (IOException e)
        {
            throw CliException.IO($"{path}: {e.Message}");
        }
    }
}

using System.IO.Hashing;
using System.Text;
using Dedup.Indexing;

namespace Dedup.Detection;

/// <content>Snapshots: save and load the detector's index.</content>
/// <remarks>
/// Format version 9, written with the indexes' snapshot writer (all integers little-endian): magic "DEDUPDET"
/// (8 bytes), u32 format version, from version 7 the u64 id of the snapshot (random for one a checkpoint writes, whose
/// new journal names it; 0 for one <see cref="Save"/> or <see cref="SaveToFile(string)"/> writes), then the settings that shape the compact form (u64 seed, u32 shingle size, u32
/// skeleton shingle size, u64 stopword-list fingerprint, from version 6 u32 tokenizer flags: bit 0 set when the
/// writing process did not fold Unicode compatibility characters, see
/// <see cref="Text.Tokenizer.FoldsCompatibilityCharacters"/>; from version 9 u32 detector flags, bit 0 set when
/// rewrites are not detected, the stopword list itself, a u32 count and each word as a u32-length-prefixed UTF-8
/// string, and the boilerplate line rules, u32 longest line and the prefixes and the fragments as such lists), f64 threshold, u32 boilerplate frequency, u64 insertion
/// counter, u64 article count, and per article a u32 length and its record (see <see cref="ArticleRecord"/>: id,
/// publication time, exact hash, SimHash fingerprint, counts, insertion order and the varint-packed shingle sets and
/// paraphrase terms), in the order the articles were added; then the clusters: a byte, 1 when the detector kept them
/// (<see cref="ClusterOf"/> was asked) and 0 when not, and when 1, per article a u32 count and the u32 positions (in
/// the snapshot, ascending) of the articles before it that it was verified to match; from version 8, per article the
/// u64 UTC ticks of the moment it was indexed (the time by which <see cref="Expire"/> expires an article without a
/// publication time: loaded from an older snapshot, such an article counts from the load); last, the XxHash64 of every
/// byte before it. Buckets and the boilerplate model are rebuilt on load; the clusters are restored from their matches,
/// not verified again (unless the detector is loaded with another threshold or boilerplate frequency). Versions 4 (no
/// clusters), 5 (no tokenizer flags: the loading process's are assumed), 6 (no id), 7 (no indexed times) and 8 (no
/// detector flags, stopword words or boilerplate rules: the options' are taken, the stopwords checked against the
/// fingerprint) are read too. Snapshots of an older version (2: fixed-width sets; 3: no
/// SimHash fingerprint) are refused with a message naming the version; save them again with the library that wrote them.
/// </remarks>
public sealed partial class CopyDetector
{
    /// <summary>The snapshot format version this library writes and reads.</summary>
    public const int SnapshotFormatVersion = 9;

    /// <summary>The first snapshot format version with an id after the version.</summary>
    private const uint FirstVersionWithId = 7;

    /// <summary>The first snapshot format version that keeps the time each article was indexed.</summary>
    private const uint FirstVersionWithIndexedTimes = 8;

    /// <summary>
    /// The first snapshot format version that keeps every setting that shapes the compact form: whether rewrites are
    /// detected, the stopword list itself (before, only its fingerprint) and the boilerplate line rules.
    /// </summary>
    private const uint FirstVersionWithShapingSettings = 9;

    /// <summary>Bit 0 of a snapshot's detector flags: rewrites are not detected (<see cref="DetectorOptions.DetectRewrites"/> false: no skeletons or paraphrase terms stored).</summary>
    private const uint NoRewrites = 1;

    /// <summary>The most words of a stopword list, or prefixes or fragments of boilerplate rules, a snapshot is read with.</summary>
    private const int MaxSavedListItems = 1 << 20;

    /// <summary>Bit 0 of a snapshot's tokenizer flags: the process that wrote it did not fold Unicode compatibility characters (globalization-invariant mode).</summary>
    private const uint NoCompatibilityFolding = 1;

    /// <summary>The oldest snapshot format version this library reads (4: no clusters).</summary>
    private const int OldestSnapshotFormatVersion = 4;

    private const int MaxRecordBytes = 1 << 30;

    private static readonly byte[] SnapshotMagic = "DEDUPDET"u8.ToArray();

    /// <summary>Writes the detector's index to a stream (versioned, checksummed format; see the remarks of the type).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="NotSupportedException">The index lives in a shared store, which keeps it itself.</exception>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ThrowIfShared(nameof(Save), "the store keeps the index");

        SyncCompletion.Wait(SaveCoreAsync(stream, writeAsync: false, CancellationToken.None));
    }

    /// <summary>
    /// As <see cref="Save(Stream)"/>, writing to the stream asynchronously (a blob upload, a network stream): the same
    /// bytes. Adds and searches go on meanwhile; the snapshot is of the moment the call began.
    /// </summary>
    /// <param name="stream">The stream written to.</param>
    /// <param name="cancellationToken">Stops the writing; the stream then holds an incomplete snapshot, which no reader accepts (it is checksummed).</param>
    /// <returns>A task that completes when the snapshot is written and the stream flushed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="NotSupportedException">The index lives in a shared store, which keeps it itself.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public async ValueTask SaveAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ThrowIfShared(nameof(SaveAsync), "the store keeps the index");
        cancellationToken.ThrowIfCancellationRequested();
        await SaveCoreAsync(stream, writeAsync: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes the snapshot: synchronously (every write flushes a full buffer; the task has completed when this returns),
    /// or asynchronously (the buffer is written after each record that fills it).
    /// </summary>
    /// <param name="stream">The stream written to.</param>
    /// <param name="writeAsync">Whether to write asynchronously.</param>
    /// <param name="cancellationToken">Stops the writing.</param>
    /// <param name="snapshotId">The snapshot's id: a checkpoint's (its new journal names it), or 0 for a plain save.</param>
    private async ValueTask SaveCoreAsync(Stream stream, bool writeAsync, CancellationToken cancellationToken, ulong snapshotId = 0)
    {
        // The index of this moment, taken under the lock; written outside it, so that adds and searches go on while a
        // large snapshot is written (a checkpoint of 100,000 articles held every call for over a second): an indexed
        // article's features never change.
        List<ArticleFeatures> articles = IndexedNow(out long order, out int[][]? matches);
        var w = new SnapshotWriter(stream, writeAsync);
        WriteHeader(w, snapshotId, order, articles.Count);
        byte[] buffer = [];
        foreach (ArticleFeatures f in articles)
        {
            int max = ArticleRecord.MaxByteCount(f);
            if (buffer.Length < max)
            {
                buffer = new byte[Math.Max(max, buffer.Length * 2)];
            }

            int n = ArticleRecord.Write(buffer, f);
            w.WriteUInt32((uint)n);
            w.WriteBytes(buffer.AsSpan(0, n));
            await w.FlushIfFullAsync(cancellationToken).ConfigureAwait(false);
        }

        w.WriteBytes([matches is null ? (byte)0 : (byte)1]);
        if (matches is not null)
        {
            foreach (int[] m in matches)
            {
                w.WriteUInt32((uint)m.Length);
                foreach (int position in m)
                {
                    w.WriteUInt32((uint)position);
                }

                await w.FlushIfFullAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (ArticleFeatures f in articles)
        {
            w.WriteUInt64((ulong)f.IndexedUtcTicks);
        }

        await w.FinishAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The snapshot's header: magic, version, id, the settings, the insertion counter and the article count (see the remarks of the type).</summary>
    private void WriteHeader(SnapshotWriter w, ulong snapshotId, long order, int count)
    {
        w.WriteBytes(SnapshotMagic);
        w.WriteUInt32(SnapshotFormatVersion);
        w.WriteUInt64(snapshotId);
        w.WriteUInt64(Options.Seed);
        w.WriteUInt32((uint)Options.ShingleSize);
        w.WriteUInt32(FeatureExtractor.SkeletonShingleSize);
        w.WriteUInt64(StopwordFingerprint(Options.Stopwords));
        w.WriteUInt32(FoldsCompatibilityCharacters ? 0 : NoCompatibilityFolding);
        WriteShapingSettings(w, Options);
        w.WriteDouble(Options.Threshold);
        w.WriteUInt32((uint)Options.BoilerplateDocumentFrequency);
        w.WriteUInt64((ulong)order);
        w.WriteUInt64((ulong)count);
    }

    /// <summary>
    /// The snapshot of an empty index with this detector's settings and no id (a plain save's: the journal begun with
    /// no snapshot continues it), written without taking the detector's lock (see <see cref="JournalAdds"/>).
    /// </summary>
    private void SaveEmpty(Stream stream)
    {
        var w = new SnapshotWriter(stream);
        WriteHeader(w, snapshotId: 0, order: 0, count: 0);
        w.WriteBytes([0]);
        w.Finish();
    }

    /// <summary>
    /// Writes the detector's index to a file atomically: the snapshot goes to a temporary file in the same folder,
    /// is flushed to disk, and then replaces <paramref name="path"/>, so a crash mid-save leaves the previous file intact.
    /// </summary>
    /// <remarks>
    /// The snapshot of an index opened with <see cref="Open"/>
    /// is replaced only by the detector that holds it (which writes it as <see cref="Checkpoint"/> does, its journal
    /// compacted) or, once no detector holds it, when it
    /// has no journal of changes beyond its snapshot: such a journal would be replayed onto this detector's articles at
    /// the next open, and the acknowledged changes of the index it belonged to would be lost.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or names a folder.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist (or a file stands where a folder on its way should be).</exception>
    /// <exception cref="IOException">
    /// The file cannot be written; or it is the snapshot of an index another detector holds open, or of a closed index
    /// whose journal holds changes not in it (the message says which and what to do).
    /// </exception>
    public void SaveToFile(string path)
    {
        SyncCompletion.Wait(SaveToFileCoreAsync(path, nameof(SaveToFile), writeAsync: false, CancellationToken.None));
    }

    /// <summary>
    /// As <see cref="SaveToFile(string)"/>, writing and flushing the file asynchronously. Cancelled, it leaves the
    /// previous file as it was and no temporary file.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Stops the save before the file is replaced.</param>
    /// <returns>A task that completes when the file is replaced.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or names a folder.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist (or a file stands where a folder on its way should be).</exception>
    /// <exception cref="IOException">As for <see cref="SaveToFile(string)"/>.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public async ValueTask SaveToFileAsync(string path, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await SaveToFileCoreAsync(path, nameof(SaveToFileAsync), writeAsync: true, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask SaveToFileCoreAsync(string path, string method, bool writeAsync, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ThrowIfShared(method, "the store keeps the index");
        string full = SnapshotFile.FollowLinks(Path.GetFullPath(path));
        if (Directory.Exists(full))
        {
            throw new ArgumentException($"'{path}' names a folder, not a file.", nameof(path));
        }

        StringComparison paths = OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        if (_snapshotPath is not null && string.Equals(full, _snapshotPath, paths))
        {
            // Its own index: written as a checkpoint writes it, so that the journal names the new snapshot and no
            // checkpoint under way replaces it with an older one.
            await CheckpointCoreAsync(writeAsync, cancellationToken).ConfigureAwait(false);
            return;
        }


        // Another index's snapshot (it has a lock file beside it): held while it is replaced, so that no detector opens
        // it meanwhile, and refused if a journal would replay another index's changes onto this detector's articles.
        using FileStream? held = File.Exists(full + ".lock") ? LockForSave(path, full) : null;
        if (DetectorJournal.HasRecords(full))
        {
            throw new IOException(
                $"'{path}' is the snapshot of an index whose journal ('{full}.journal') holds changes the snapshot does not: replacing it would " +
                "replay them onto this detector's articles at the next open. Open that index and call Checkpoint, or delete its journal to replace the index, or save elsewhere.");
        }

        await SnapshotFile.WriteAtomicallyAsync(path, (s, c) => SaveCoreAsync(s, writeAsync, c), null, writeAsync, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The lock of the index at <paramref name="full"/>, for the time its snapshot is replaced.</summary>
    private static FileStream LockForSave(string path, string full)
    {
        try
        {
            return DetectorJournal.Lock(full);
        }
        catch (IOException e) when (DetectorJournal.IsHeldElsewhere(e))
        {
            throw new IOException(
                $"'{path}' is the snapshot of an index another detector holds open: saving over it would replace the snapshot under that detector " +
                "(its journal would then be replayed onto this detector's articles). Save elsewhere, or close that detector first.", e);
        }
    }

    /// <summary>For tests: <see cref="SaveToFile(string)"/> with the temporary file's stream wrapped (e.g. to fail mid-write).</summary>
    internal void SaveToFile(string path, Func<Stream, Stream> wrap) => SnapshotFile.WriteAtomically(path, Save, wrap);

    /// <summary>Reads a detector saved by <see cref="Save"/>; nothing is returned unless the whole snapshot checks out.</summary>
    /// <param name="stream">
    /// The snapshot, read to its end through a 64 KiB buffer: a stream that can seek is left just after the snapshot, one
    /// that cannot may have been read past it. It is not disposed.
    /// </param>
    /// <param name="options">
    /// Settings for the loaded detector, used as they are (the threshold and boilerplate frequency included); null to keep
    /// the snapshot's settings (seed, shingle size, threshold, boilerplate frequency, stopwords, boilerplate line rules and <see cref="DetectorOptions.DetectRewrites"/>; the defaults for the rest). To keep
    /// the saved settings and change some, use <see cref="Load(Stream, Func{DetectorOptions, DetectorOptions})"/>.
    /// Settings that shape the compact form (seed, shingle size, stopwords, boilerplate line rules, DetectRewrites) must match the snapshot's (a snapshot before format 9 keeps only the stopwords' fingerprint: give its list again).
    /// </param>
    /// <exception cref="InvalidDataException">The data is not a detector snapshot, is truncated or corrupted, is of another format version, does not fit <paramref name="options"/>, or was made by a process of the other Unicode folding kind (<see cref="Text.Tokenizer.FoldsCompatibilityCharacters"/>); the message names the problem.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting of <paramref name="options"/> is out of range (the message names it); the snapshot is not read further.</exception>
    public static CopyDetector Load(Stream stream, DetectorOptions? options = null) => Load(stream, options, null);

    /// <summary>Reads a detector saved by <see cref="Save"/>, keeping the saved settings except those <paramref name="configure"/> changes.</summary>
    /// <param name="stream">The snapshot.</param>
    /// <param name="configure">
    /// Receives the snapshot's settings and returns the ones to use, e.g. <c>saved =&gt; saved with { ArticleLookup = ... }</c>.
    /// </param>
    /// <exception cref="InvalidDataException">The data is not a detector snapshot, is truncated or corrupted, is of another format version, does not fit the settings, or was made by a process of the other Unicode folding kind (<see cref="Text.Tokenizer.FoldsCompatibilityCharacters"/>); the message names the problem.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting <paramref name="configure"/> returns is out of range (the message names it).</exception>
    public static CopyDetector Load(Stream stream, Func<DetectorOptions, DetectorOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return Load(stream, null, configure);
    }

    /// <summary>
    /// As <see cref="Load(Stream, DetectorOptions?)"/>, reading the stream asynchronously (a blob download, an HTTP
    /// response): the same detector, or the same exception. The stream is read a piece at a time (a header field, an
    /// article's record), each piece buffered before it is parsed; it is never read synchronously, and never held whole.
    /// </summary>
    /// <param name="stream">
    /// The snapshot, read to its end: a stream that can seek is left just after the snapshot, one that cannot may have
    /// been read past it. It is not disposed.
    /// </param>
    /// <param name="options">As for <see cref="Load(Stream, DetectorOptions?)"/>: the settings used as they are, or null to keep the snapshot's.</param>
    /// <param name="cancellationToken">Stops the reading (it is passed to the stream's reads); the detector made so far is disposed.</param>
    /// <returns>A task that completes with the detector once the whole snapshot is read and its checksum holds.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="InvalidDataException">As for <see cref="Load(Stream, DetectorOptions?)"/>: the data is not a detector snapshot, is truncated or corrupted, is of another format version, does not fit <paramref name="options"/>, or was made by a process of the other Unicode folding kind; the message names the problem.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting of <paramref name="options"/> is out of range (the message names it).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static async ValueTask<CopyDetector> LoadAsync(Stream stream, DetectorOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        cancellationToken.ThrowIfCancellationRequested();
        return await LoadCoreAsync(stream, options, null, readAsync: true, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// As <see cref="Load(Stream, Func{DetectorOptions, DetectorOptions})"/>, reading the stream asynchronously, as
    /// <see cref="LoadAsync(Stream, DetectorOptions?, CancellationToken)"/> does: the saved settings kept except those
    /// <paramref name="configure"/> changes.
    /// </summary>
    /// <param name="stream">
    /// The snapshot, read to its end: a stream that can seek is left just after the snapshot, one that cannot may have
    /// been read past it. It is not disposed.
    /// </param>
    /// <param name="configure">
    /// Receives the snapshot's settings and returns the ones to use, e.g. <c>saved =&gt; saved with { ArticleLookup = ... }</c>.
    /// </param>
    /// <param name="cancellationToken">Stops the reading (it is passed to the stream's reads); the detector made so far is disposed.</param>
    /// <returns>A task that completes with the detector once the whole snapshot is read and its checksum holds.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> or <paramref name="configure"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="configure"/> returned null.</exception>
    /// <exception cref="InvalidDataException">As for <see cref="Load(Stream, Func{DetectorOptions, DetectorOptions})"/>: the data is not a detector snapshot, is truncated or corrupted, is of another format version, does not fit the settings, or was made by a process of the other Unicode folding kind; the message names the problem.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting <paramref name="configure"/> returns is out of range (the message names it).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static async ValueTask<CopyDetector> LoadAsync(Stream stream, Func<DetectorOptions, DetectorOptions> configure, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configure);
        ArgumentNullException.ThrowIfNull(stream);
        cancellationToken.ThrowIfCancellationRequested();
        return await LoadCoreAsync(stream, null, configure, readAsync: true, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a detector snapshot with the given settings, or the saved ones changed by <paramref name="configure"/>.</summary>
    /// <param name="stream">The snapshot.</param>
    /// <param name="options">The settings to use as they are, or null.</param>
    /// <param name="configure">Changes to the saved settings, when <paramref name="options"/> is null; null to keep them.</param>
    /// <param name="prepare">Whether to learn the boilerplate model before returning (<see cref="Open"/> does so after its replay instead).</param>
    /// <param name="folds">Whether the loading detector folds compatibility characters: this process's kind, or the other (tests).</param>
    /// <param name="cancellationToken">Checked between the articles read (an <see cref="Open"/> cancelled); the detector made is disposed.</param>
    private static CopyDetector Load(Stream stream, DetectorOptions? options, Func<DetectorOptions, DetectorOptions>? configure, bool prepare = true, bool? folds = null, CancellationToken cancellationToken = default) =>
        SyncCompletion.Wait(LoadCoreAsync(stream, options, configure, readAsync: false, prepare, folds, cancellationToken: cancellationToken));

    /// <summary>
    /// Reads a detector snapshot, synchronously (the task has completed when this returns) or asynchronously: one parser
    /// for both. Reading asynchronously, each piece (a header field, a string, an article's record) is buffered by
    /// <see cref="SnapshotReader.EnsureAsync"/> before it is parsed, so the stream is never read synchronously and no
    /// more than the largest piece is held at once; reading synchronously, those calls do nothing.
    /// </summary>
    /// <param name="stream">The snapshot.</param>
    /// <param name="options">The settings to use as they are, or null.</param>
    /// <param name="configure">Changes to the saved settings, when <paramref name="options"/> is null; null to keep them.</param>
    /// <param name="readAsync">Whether to read the stream asynchronously.</param>
    /// <param name="prepare">Whether to learn the boilerplate model before returning (<see cref="Open"/> does so after its replay instead).</param>
    /// <param name="folds">Whether the loading detector folds compatibility characters: this process's kind, or the other (tests).</param>
    /// <param name="made">Told of the detector before its articles are read (tests: a failed load's is disposed).</param>
    /// <param name="cancellationToken">Checked between the articles read, and passed to the stream's asynchronous reads; the detector made is disposed.</param>
    private static async ValueTask<CopyDetector> LoadCoreAsync(Stream stream, DetectorOptions? options, Func<DetectorOptions, DetectorOptions>? configure, bool readAsync, bool prepare = true, bool? folds = null, Action<CopyDetector>? made = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var r = new SnapshotReader(stream, "detector", readAsync);
        uint version = await r.ReadPreambleAsync(SnapshotMagic, SnapshotFormatVersion, OldestSnapshotFormatVersion, cancellationToken).ConfigureAwait(false);

        // The id (from version 7), seed, shingle sizes, stopword fingerprint and tokenizer flags (from version 6).
        await r.EnsureAsync((version >= FirstVersionWithId ? 8 : 0) + 8 + 4 + 4 + 8 + (version >= 6 ? 4 : 0), cancellationToken).ConfigureAwait(false);
        if (version >= FirstVersionWithId)
        {
            // The snapshot's id: only Open reads it (from the file's header), to check that the journal continues it.
            r.ReadUInt64();
        }

        ulong seed = r.ReadUInt64();
        int shingleSize = (int)r.ReadUInt32();
        int skeletonSize = (int)r.ReadUInt32();
        ulong stopwords = r.ReadUInt64();
        uint tokenizerFlags = version >= 6 ? r.ReadUInt32() : 0;
        ShapingSettings? shaping = version >= FirstVersionWithShapingSettings ? await ReadShapingSettingsAsync(r, cancellationToken).ConfigureAwait(false) : null;
        await r.EnsureAsync(8 + 4, cancellationToken).ConfigureAwait(false);
        double threshold = r.ReadDouble();
        int boilerplate = (int)r.ReadUInt32();
        DetectorOptions saved = DetectorOptions.Default with { Seed = seed, ShingleSize = shingleSize, Threshold = threshold, BoilerplateDocumentFrequency = boilerplate };
        if (shaping is { } kept)
        {
            saved = saved with { DetectRewrites = kept.DetectRewrites, Stopwords = kept.Stopwords, Boilerplate = kept.Rules };
        }
        try
        {
            saved.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            // A setting read from the snapshot is the snapshot's problem, not the caller's (the checksum is only read last).
            throw r.Error($"a saved setting is out of range: {e.Message}");
        }

        options ??= configure is null ? saved : configure(saved) ?? throw new ArgumentException("The settings callback returned null.", nameof(configure));
        if (skeletonSize != FeatureExtractor.SkeletonShingleSize)
        {
            throw r.Error($"it was made with skeleton shingles of {skeletonSize} words; this library makes them of {FeatureExtractor.SkeletonShingleSize}.");
        }

        // The snapshot is sound but the caller's settings ask for another compact form: say so, not that it is corrupt.
        // Said only once the rest is read and its checksum holds: a damaged header reads as other settings, and is
        // then reported as the damage it is (the snapshot is read with its own settings until then).
        const string Keep = "Keep the snapshot's (load without options, or change only other settings), or build the index again with the new ones.";
        InvalidDataException? unfit = null;
        if (options.Seed != seed || options.ShingleSize != shingleSize)
        {
            unfit = new InvalidDataException(
                $"The options do not fit the detector snapshot: it was made with seed {seed:X} and shingle size {shingleSize}; the options ask for seed {options.Seed:X} and shingle size {options.ShingleSize}. {Keep}");
        }
        else if (StopwordFingerprint(options.Stopwords) != stopwords)
        {
            // Before format 9 a snapshot kept the list's fingerprint alone: loaded without options it could not give the
            // list back, and "keep the snapshot's" was the very call that failed.
            unfit = new InvalidDataException(shaping is null
                ? $"The options do not fit the detector snapshot: it was made with another stopword list than the options give ({options.Stopwords}). A snapshot of format {version} keeps only the list's fingerprint, not its words: give the list it was made with in the options (Stopwords), or build the index again."
                : $"The options do not fit the detector snapshot: it was made with the stopwords {saved.Stopwords}; the options give {options.Stopwords}. {Keep}");
        }
        else if (shaping is not null && options.DetectRewrites != saved.DetectRewrites)
        {
            unfit = new InvalidDataException(
                $"The options do not fit the detector snapshot: it was made with DetectRewrites {saved.DetectRewrites} (its articles {(saved.DetectRewrites ? "hold" : "hold no")} skeletons and paraphrase terms); the options ask for {options.DetectRewrites}. {Keep}");
        }
        else if (shaping is not null && RulesFingerprint(options.Boilerplate) != RulesFingerprint(saved.Boilerplate))
        {
            unfit = new InvalidDataException(
                $"The options do not fit the detector snapshot: it was made with other boilerplate line rules (Boilerplate: they decide which lines each article kept) than the options give. The snapshot's: {saved.Boilerplate}. {Keep}");
        }

        if (shaping is { } read && StopwordFingerprint(read.Stopwords) != stopwords)
        {
            // The list and its fingerprint disagree: reported as damage if the checksum holds (a damaged list fails it first).
            unfit ??= r.Error($"its stopword list ({read.Stopwords}) does not match the list's fingerprint {stopwords:X16}.");
        }

        if ((tokenizerFlags & ~NoCompatibilityFolding) != 0)
        {
            throw r.Error($"its tokenizer flags are {tokenizerFlags:X}; this library knows only bit 0.");
        }

        // A text with a ligature, a fullwidth letter or an accent typed as a combining mark has other tokens in the other
        // kind of process: its copies would be missed without a word. (Versions 4 and 5 did not say; they are loaded.)
        folds ??= Text.Tokenizer.FoldsCompatibilityCharacters;
        if (unfit is null && version >= 6 && ((tokenizerFlags & NoCompatibilityFolding) == 0) != folds)
        {
            unfit = new InvalidDataException(folds.Value
                ? "The detector snapshot was made by a process in globalization-invariant mode, which does not fold Unicode compatibility characters (ligatures, fullwidth forms, combining accents); this process folds them, so some texts' tokens differ. Load it in a process of the same kind, or build the index again in this one."
                : "The detector snapshot was made by a process that folds Unicode compatibility characters (ligatures, fullwidth forms, combining accents, with ICU); this process runs in globalization-invariant mode and cannot, so some texts' tokens differ. Load it with ICU (InvariantGlobalization false), or build the index again in this mode.");
        }

        // Settings out of range are the caller's, not the snapshot's: the constructor's ArgumentOutOfRangeException names them.
        var detector = new CopyDetector(unfit is null ? options : saved) { FoldsCompatibilityCharacters = folds.Value };
        try
        {
            made?.Invoke(detector);
            return await LoadArticlesAsync(r, detector, options, threshold, boilerplate, version, unfit, prepare, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Its memory (native slabs) is freed now, not at finalization: a cancelled open, or a damaged record.
            detector.Dispose();
            throw;
        }
    }

    /// <summary>The part of <see cref="LoadCoreAsync"/> after the settings: the articles, clusters and indexed times, then the checksum.</summary>
    private static async ValueTask<CopyDetector> LoadArticlesAsync(SnapshotReader r, CopyDetector detector, DetectorOptions options, double threshold, int boilerplate, uint version, InvalidDataException? unfit, bool prepare, CancellationToken cancellationToken)
    {
        await r.EnsureAsync(8 + 8, cancellationToken).ConfigureAwait(false);
        long order = (long)r.ReadUInt64();
        ulong count = r.ReadUInt64();
        if (count > (ulong)r.Remaining)
        {
            throw r.Error($"it claims {count} articles but only {r.Remaining} bytes follow.");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        var loaded = new List<ArticleFeatures>((int)Math.Min(count, 1UL << 20));
        byte[] record = [];
        for (ulong i = 0; i < count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await r.EnsureAsync(4, cancellationToken).ConfigureAwait(false);
            uint length = r.ReadUInt32();
            if (length > (ulong)r.Remaining || length > MaxRecordBytes)
            {
                throw r.Error($"an article record of {length} bytes at offset {r.Offset - 4} runs past the end or the limit.");
            }

            await r.EnsureAsync((int)length, cancellationToken).ConfigureAwait(false);

            if (record.Length < length)
            {
                record = new byte[Math.Max(length, record.Length * 2)];
            }

            long at = r.Offset;
            r.ReadBytes(record.AsSpan(0, (int)length));
            ArticleFeatures f;
            try
            {
                f = ArticleRecord.Read(record.AsSpan(0, (int)length));
            }
            catch (InvalidDataException e)
            {
                throw r.Error($"the article record at offset {at}: {e.Message}");
            }

            if (!ids.Add(f.Id))
            {
                throw r.Error($"the id '{f.Id}' appears twice.");
            }

            long articleOrder = f.Order;
            detector.InsertLocked(f);
            f.Order = articleOrder;
            loaded.Add(f);
        }

        ClusterIndex? clusters = version >= 5 ? await ReadClustersAsync(r, detector, loaded, cancellationToken).ConfigureAwait(false) : null;
        if (version >= FirstVersionWithIndexedTimes)
        {
            await ReadIndexedTimesAsync(r, loaded, cancellationToken).ConfigureAwait(false);
        }

        if (options.Threshold != threshold || options.BoilerplateDocumentFrequency != boilerplate)
        {
            // The clusters were verified at other settings: ClusterOf clusters the articles again at these, when asked.
            clusters = null;
        }

        await r.EnsureAsync(8, cancellationToken).ConfigureAwait(false);
        r.ReadAndVerifyChecksum();
        if (unfit is not null)
        {
            throw unfit;
        }

        r.ReturnUnreadBytes();
        detector._order = order;
        detector._clusterIndex = clusters;
        if (prepare)
        {
            detector.PrepareBoilerplate(cancellationToken);
        }

        return detector;
    }

    /// <summary>
    /// Reads the clusters' section of a snapshot (see the remarks of the type) and rebuilds the cluster index of the
    /// <paramref name="loaded"/> articles from their matches; null when the detector that saved it kept none.
    /// </summary>
    private static async ValueTask<ClusterIndex?> ReadClustersAsync(SnapshotReader r, CopyDetector detector, List<ArticleFeatures> loaded, CancellationToken cancellationToken)
    {
        await r.EnsureAsync(1, cancellationToken).ConfigureAwait(false);
        byte[] kept = new byte[1];
        r.ReadBytes(kept);
        if (kept[0] > 1)
        {
            throw r.Error($"the clusters' flag at offset {r.Offset - 1} is {kept[0]}, not 0 or 1.");
        }

        if (kept[0] == 0)
        {
            return null;
        }

        var index = new ClusterIndex();
        var matches = new List<int>();
        for (int p = 0; p < loaded.Count; p++)
        {
            if ((p & 1023) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            await r.EnsureAsync(4, cancellationToken).ConfigureAwait(false);
            uint n = r.ReadUInt32();
            if (n > (uint)p)
            {
                throw r.Error($"article {p} ('{loaded[p].Id}') claims {n} matches among the {p} articles before it.");
            }

            matches.Clear();
            for (uint k = 0; k < n; k++)
            {
                await r.EnsureAsync(4, cancellationToken).ConfigureAwait(false);
                uint position = r.ReadUInt32();
                if (position >= (uint)p || (matches.Count > 0 && position <= (uint)matches[^1]))
                {
                    throw r.Error($"a match of article {p} ('{loaded[p].Id}') at offset {r.Offset - 4} is article {position}: not one before it, in ascending order.");
                }

                matches.Add((int)position);
            }

            // The loaded articles took slots in the order read; the matches name them by that order too.
            for (int k = 0; k < matches.Count; k++)
            {
                matches[k] = detector.SlotOf(loaded[matches[k]].Id);
            }

            index.Add(detector.SlotOf(loaded[p].Id), ClusterMember.Of(loaded[p]), matches);
        }

        return index;
    }

    /// <summary>
    /// Reads the indexed times' section of a snapshot (see the remarks of the type) into the <paramref name="loaded"/>
    /// articles, which took the time of the load when they were inserted.
    /// </summary>
    private static async ValueTask ReadIndexedTimesAsync(SnapshotReader r, List<ArticleFeatures> loaded, CancellationToken cancellationToken)
    {
        foreach (ArticleFeatures f in loaded)
        {
            await r.EnsureAsync(8, cancellationToken).ConfigureAwait(false);
            ulong ticks = r.ReadUInt64();
            if (ticks > (ulong)DateTime.MaxValue.Ticks)
            {
                throw r.Error($"the indexed time of article '{f.Id}' at offset {r.Offset - 8} is {ticks} ticks, past the last time there is.");
            }

            f.IndexedUtcTicks = (long)ticks;
        }
    }

    /// <summary>Reads a detector saved by <see cref="SaveToFile(string)"/>.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="IOException">The file is the snapshot of a durable index (<see cref="Open"/>) whose journal holds changes it does not (read it with <see cref="OpenReadOnly"/>).</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or names a folder.</exception>
    /// <exception cref="InvalidDataException">The file is not a detector snapshot, is truncated or corrupted, is of another format version, or was made by a process of the other Unicode folding kind; the message names the problem.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting of <paramref name="options"/> is out of range (the message names it).</exception>
    public static CopyDetector LoadFromFile(string path, DetectorOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ThrowIfJournalHoldsMore(path);
        return SnapshotFile.Read(path, file => Load(file, options), "detector");
    }

    /// <summary>Reads a detector saved by <see cref="SaveToFile(string)"/>, keeping the saved settings except those <paramref name="configure"/> changes.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="IOException">The file is the snapshot of a durable index (<see cref="Open"/>) whose journal holds changes it does not (read it with <see cref="OpenReadOnly"/>).</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or names a folder.</exception>
    /// <exception cref="InvalidDataException">The file is not a detector snapshot, is truncated or corrupted, is of another format version, or was made by a process of the other Unicode folding kind; the message names the problem.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting <paramref name="configure"/> returns is out of range (the message names it).</exception>
    public static CopyDetector LoadFromFile(string path, Func<DetectorOptions, DetectorOptions> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(configure);
        ThrowIfJournalHoldsMore(path);
        return SnapshotFile.Read(path, file => Load(file, configure), "detector");
    }

    /// <summary>
    /// As <see cref="LoadFromFile(string, DetectorOptions?)"/>, reading the file asynchronously (as
    /// <see cref="LoadAsync(Stream, DetectorOptions?, CancellationToken)"/> reads a stream): the same detector, or the
    /// same exception. The file is opened and the journal beside it looked at synchronously, as
    /// <see cref="LoadFromFile(string, DetectorOptions?)"/> does.
    /// </summary>
    /// <param name="path">The file, which must hold the snapshot and nothing after it.</param>
    /// <param name="options">As for <see cref="Load(Stream, DetectorOptions?)"/>: the settings used as they are, or null to keep the snapshot's.</param>
    /// <param name="cancellationToken">Stops the reading; the detector made so far is disposed.</param>
    /// <returns>A task that completes with the detector once the whole file is read and its checksum holds.</returns>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="IOException">The file is the snapshot of a durable index (<see cref="Open"/>) whose journal holds changes it does not (read it with <see cref="OpenReadOnly"/>).</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or names a folder.</exception>
    /// <exception cref="InvalidDataException">The file is not a detector snapshot, is truncated or corrupted, is of another format version, or was made by a process of the other Unicode folding kind; the message names the problem.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting of <paramref name="options"/> is out of range (the message names it).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static async ValueTask<CopyDetector> LoadFromFileAsync(string path, DetectorOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfJournalHoldsMore(path);
        return await SnapshotFile.ReadAsync(path, (file, c) => LoadAsync(file, options, c), "detector", readAsync: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// As <see cref="LoadFromFile(string, Func{DetectorOptions, DetectorOptions})"/>, reading the file asynchronously, as
    /// <see cref="LoadFromFileAsync(string, DetectorOptions?, CancellationToken)"/> does: the saved settings kept except
    /// those <paramref name="configure"/> changes.
    /// </summary>
    /// <param name="path">The file, which must hold the snapshot and nothing after it.</param>
    /// <param name="configure">
    /// Receives the snapshot's settings and returns the ones to use, e.g. <c>saved =&gt; saved with { ArticleLookup = ... }</c>.
    /// </param>
    /// <param name="cancellationToken">Stops the reading; the detector made so far is disposed.</param>
    /// <returns>A task that completes with the detector once the whole file is read and its checksum holds.</returns>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="IOException">The file is the snapshot of a durable index (<see cref="Open"/>) whose journal holds changes it does not (read it with <see cref="OpenReadOnly"/>).</exception>
    /// <exception cref="ArgumentNullException"><paramref name="configure"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or names a folder, or <paramref name="configure"/> returned null.</exception>
    /// <exception cref="InvalidDataException">The file is not a detector snapshot, is truncated or corrupted, is of another format version, or was made by a process of the other Unicode folding kind; the message names the problem.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting <paramref name="configure"/> returns is out of range (the message names it).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static async ValueTask<CopyDetector> LoadFromFileAsync(string path, Func<DetectorOptions, DetectorOptions> configure, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(configure);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfJournalHoldsMore(path);
        return await SnapshotFile.ReadAsync(path, (file, c) => LoadAsync(file, configure, c), "detector", readAsync: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Refuses the snapshot of a durable index (<see cref="Open"/>) whose journal holds changes it does not: loaded
    /// alone, it left them out without a word (a client's trial read one article of two), where
    /// <see cref="SaveToFile(string)"/> over the same file refuses, naming the journal.
    /// </summary>
    private static void ThrowIfJournalHoldsMore(string path)
    {
        string full = SnapshotFile.FollowLinks(Path.GetFullPath(path));
        if (!Directory.Exists(full) && DetectorJournal.HasRecords(full, out bool held))
        {
            // A writer holds the journal: its changes cannot be looked at, and OpenReadOnly is refused as long as it runs
            // (the advice to use it led nowhere in a client's trial).
            throw new IOException(held
                ? $"'{path}' is the snapshot of an index that a detector has open to change it (its journal '{full}.journal' is held): the snapshot may lack changes the journal holds. " +
                  "Read the index in the process that has it open, after it closes (OpenReadOnly or Open), or Load a stream of the file to read the snapshot alone."
                : $"'{path}' is the snapshot of an index whose journal ('{full}.journal') holds changes the snapshot does not: loaded alone, it would leave them out. " +
                  "Read the index with OpenReadOnly (or Open), which replays them; to read the snapshot alone, Load a stream of the file.");
        }
    }

    /// <summary><see cref="Load(Stream, DetectorOptions?)"/> as a process that does (or does not) fold compatibility characters would (tests).</summary>
    internal static CopyDetector LoadAs(Stream stream, bool foldsCompatibilityCharacters) => Load(stream, null, null, folds: foldsCompatibilityCharacters);

    /// <summary>For tests: <see cref="LoadAsync(Stream, DetectorOptions?, CancellationToken)"/>, <paramref name="made"/> told of the detector before its articles are read.</summary>
    internal static ValueTask<CopyDetector> LoadAsyncTelling(Stream stream, Action<CopyDetector> made, CancellationToken cancellationToken) =>
        LoadCoreAsync(stream, null, null, readAsync: true, cancellationToken: cancellationToken, made: made);

    /// <summary><see cref="LoadFromFile(string, Func{DetectorOptions, DetectorOptions})"/> without learning the boilerplate model (<see cref="Open"/> learns it after its replay).</summary>
    private static CopyDetector LoadUnprepared(string path, Func<DetectorOptions, DetectorOptions> configure, CancellationToken cancellationToken) =>
        SnapshotFile.Read(path, file => Load(file, null, configure, prepare: false, cancellationToken: cancellationToken), "detector");

    /// <summary>The settings of format 9 that shape the compact form besides the seed and shingle sizes (see the remarks of the type).</summary>
    private sealed record ShapingSettings(bool DetectRewrites, Text.StopwordSet Stopwords, Text.BoilerplateRules Rules);

    /// <summary>
    /// Writes what <see cref="ReadShapingSettingsAsync"/> reads: u32 detector flags (bit 0: rewrites not detected), the stopword
    /// list (u32 count, then each word as a length-prefixed UTF-8 string, in ordinal order), and the boilerplate line
    /// rules (u32 longest line, then the prefixes and the fragments, each list as a u32 count and its strings).
    /// </summary>
    private static void WriteShapingSettings(SnapshotWriter w, DetectorOptions options)
    {
        w.WriteUInt32(options.DetectRewrites ? 0 : NoRewrites);
        WriteList(w, options.Stopwords.Words);
        w.WriteUInt32((uint)options.Boilerplate.MaxLineLength);
        WriteList(w, options.Boilerplate.LinePrefixes);
        WriteList(w, options.Boilerplate.LineFragments);

        static void WriteList(SnapshotWriter w, IReadOnlyList<string> list)
        {
            w.WriteUInt32((uint)list.Count);
            foreach (string item in list)
            {
                w.WriteString(item);
            }
        }
    }

    /// <summary>Reads what <see cref="WriteShapingSettings"/> writes; the shipped stopword list and rules are given back as their shared instances.</summary>
    private static async ValueTask<ShapingSettings> ReadShapingSettingsAsync(SnapshotReader r, CancellationToken cancellationToken)
    {
        await r.EnsureAsync(4, cancellationToken).ConfigureAwait(false);
        uint flags = r.ReadUInt32();
        if ((flags & ~NoRewrites) != 0)
        {
            throw r.Error($"its detector flags are {flags:X}; this library knows only bit 0.");
        }

        string[] words = await ReadListAsync(r, "stopwords", cancellationToken).ConfigureAwait(false);
        await r.EnsureAsync(4, cancellationToken).ConfigureAwait(false);
        int maxLine = (int)r.ReadUInt32();
        string[] prefixes = await ReadListAsync(r, "boilerplate prefixes", cancellationToken).ConfigureAwait(false);
        string[] fragments = await ReadListAsync(r, "boilerplate fragments", cancellationToken).ConfigureAwait(false);
        var stopwords = new Text.StopwordSet(words);
        if (StopwordFingerprint(stopwords) == StopwordFingerprint(Text.StopwordSet.English))
        {
            stopwords = Text.StopwordSet.English;
        }

        var rules = new Text.BoilerplateRules { LinePrefixes = prefixes, LineFragments = fragments, MaxLineLength = maxLine };
        if (RulesFingerprint(rules) == RulesFingerprint(Text.BoilerplateRules.Default))
        {
            rules = Text.BoilerplateRules.Default;
        }

        return new ShapingSettings((flags & NoRewrites) == 0, stopwords, rules);

        static async ValueTask<string[]> ReadListAsync(SnapshotReader r, string what, CancellationToken cancellationToken)
        {
            await r.EnsureAsync(4, cancellationToken).ConfigureAwait(false);
            uint count = r.ReadUInt32();
            if (count > MaxSavedListItems || count > (ulong)r.Remaining / 4)
            {
                throw r.Error($"it claims {count} {what}, more than the {Math.Min(MaxSavedListItems, r.Remaining / 4)} that can follow.");
            }

            string[] items = new string[count];
            for (int i = 0; i < items.Length; i++)
            {
                items[i] = await r.ReadStringAsync(SnapshotWriter.MaxStringBytes, cancellationToken).ConfigureAwait(false);
            }

            return items;
        }
    }

    private static ulong StopwordFingerprint(Text.StopwordSet stopwords) =>
        XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(string.Join('\n', stopwords.Words)));
}

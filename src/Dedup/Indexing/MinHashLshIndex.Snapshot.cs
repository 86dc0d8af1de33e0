namespace Dedup.Indexing;

public sealed partial class MinHashLshIndex
{
    private const string SnapshotKind = "MinHash LSH index";
    private const uint SnapshotVersion = 1;
    private const int MaxSnapshotPermutations = Sketches.MinHasher.MaxNumPermutations; // what LshIndexOptions accepts
    private const int MaxKeyBytes = 1 << 20;

    private static ReadOnlySpan<byte> SnapshotMagic => "DEDUPLSH"u8;

    /// <summary>Writes a snapshot of the index (parameters, keys and signatures) to <paramref name="stream"/>.</summary>
    /// <param name="stream">A writable stream; it is flushed, not closed.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is <see langword="null"/>.</exception>
    /// <remarks>
    /// <para>
    /// Writers wait while the snapshot is written; queries do not. The bucket store is not written: buckets are
    /// rebuilt from the signatures on load. The format (version 1), all integers <b>little-endian</b>:
    /// </para>
    /// <code>
    /// offset  size  field
    ///  0       8    magic, ASCII "DEDUPLSH"
    ///  8       4    u32 format version = 1
    /// 12       4    u32 K (signature length)
    /// 16       4    u32 bands
    /// 20       4    u32 rows
    /// 24       8    f64 threshold (IEEE 754 bits)
    /// 32       8    f64 false-positive weight
    /// 40       8    f64 false-negative weight
    /// 48       8    u64 N, the number of documents
    /// 56       …    N records: u32 key length L, L bytes of UTF-8 key, K × u32 signature
    /// end−8    8    u64 XxHash64 (seed 0) of every byte before it
    /// </code>
    /// </remarks>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var writer = new SnapshotWriter(stream);
        _lock.EnterReadLock();
        try
        {
            writer.WriteBytes(SnapshotMagic);
            writer.WriteUInt32(SnapshotVersion);
            writer.WriteUInt32((uint)_k);
            writer.WriteUInt32((uint)_bands);
            writer.WriteUInt32((uint)_rows);
            writer.WriteDouble(Options.Threshold);
            writer.WriteDouble(Options.FalsePositiveWeight);
            writer.WriteDouble(Options.FalseNegativeWeight);
            writer.WriteUInt64((ulong)_slots.Count);
            foreach (int id in _slots.LiveSlots)
            {
                writer.WriteString(_slots.IdAt(id));
                writer.WriteUInt32s(SignatureOf(id));
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }

        writer.Finish();
    }

    /// <summary>
    /// Writes a snapshot to <paramref name="path"/> atomically: to a temporary file in the same folder, flushed
    /// to disk, then moved over the target, so a crash or error mid-save leaves the previous file intact.
    /// </summary>
    /// <param name="path">The snapshot file; replaced if it exists.</param>
    /// <remarks>The format is described on <see cref="Save"/>.</remarks>
    public void SaveToFile(string path) => SnapshotFile.WriteAtomically(path, Save);

    /// <summary>Reads an index from a snapshot written by <see cref="Save"/>, with a new in-memory store.</summary>
    /// <param name="stream">A readable stream positioned at the snapshot; a seekable stream is left just after it.</param>
    /// <returns>The index, with options carrying the snapshot's K, banding, threshold and weights.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDataException">
    /// The snapshot is truncated, corrupted (checksum mismatch), of another kind (magic bytes) or of an
    /// unsupported format version; the message names which. No index is returned.
    /// </exception>
    public static MinHashLshIndex Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var reader = new SnapshotReader(stream, SnapshotKind);
        reader.ReadPreamble(SnapshotMagic, SnapshotVersion);
        uint k = reader.ReadUInt32();
        uint bands = reader.ReadUInt32();
        uint rows = reader.ReadUInt32();
        double threshold = reader.ReadDouble();
        double fpWeight = reader.ReadDouble();
        double fnWeight = reader.ReadDouble();
        ulong count = reader.ReadUInt64();
        if (k is < 1 or > MaxSnapshotPermutations)
        {
            throw reader.Error($"K = {k} is outside [1, {MaxSnapshotPermutations}].");
        }

        if (bands < 1 || rows < 1 || (ulong)bands * rows > k)
        {
            throw reader.Error($"the banding {bands} × {rows} does not fit K = {k}.");
        }

        ulong minRecord = 4 + (4 * (ulong)k);
        if (count > int.MaxValue || count * minRecord > (ulong)reader.Remaining)
        {
            throw reader.Error($"the header announces {count} documents, more than the stream can hold; it is truncated or corrupted.");
        }

        var options = new LshIndexOptions
        {
            NumPermutations = (int)k,
            Threshold = threshold,
            FalsePositiveWeight = fpWeight,
            FalseNegativeWeight = fnWeight,
            Parameters = new LshParameters((int)bands, (int)rows),
        };
        MinHashLshIndex index;
        try
        {
            index = new MinHashLshIndex(options);
        }
        catch (ArgumentException e)
        {
            throw reader.Error($"a setting is out of range: {e.Message}");
        }

        index.LoadRecords(reader, (int)count);
        reader.ReadAndVerifyChecksum();
        reader.ReturnUnreadBytes();
        return index;
    }

    /// <summary>Reads an index from a snapshot file written by <see cref="SaveToFile(string)"/> or <see cref="Save"/>.</summary>
    /// <param name="path">The snapshot file.</param>
    /// <returns>The index.</returns>
    /// <exception cref="InvalidDataException">The file is not a valid snapshot, or has bytes after the checksum.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or names a folder.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static MinHashLshIndex LoadFromFile(string path) => SnapshotFile.Read(path, Load, SnapshotKind);

    /// <summary>For tests: <see cref="SaveToFile(string)"/> with the temporary file's stream wrapped.</summary>
    internal void SaveToFile(string path, Func<Stream, Stream> wrap) => SnapshotFile.WriteAtomically(path, Save, wrap);

    /// <summary>Bulk-builds a fresh, unpublished index from snapshot records, without locking.</summary>
    private void LoadRecords(SnapshotReader reader, int count)
    {
        _slots.EnsureCapacity(count);
        if (_store is InMemoryLshBucketStore memory)
        {
            memory.EnsureCapacity((long)count * _bands);
        }

        Span<ulong> bandKeys = _bands <= StackBandLimit ? stackalloc ulong[_bands] : new ulong[_bands];
        Span<LshBucketEntry> entries = _bands <= StackBandLimit ? stackalloc LshBucketEntry[_bands] : new LshBucketEntry[_bands];
        for (int i = 0; i < count; i++)
        {
            long at = reader.Offset;
            string key = reader.ReadString(MaxKeyBytes);
            if (!_slots.TryAdd(key, out int id))
            {
                throw reader.Error($"the key \"{key}\" at offset {at} appears twice.");
            }

            EnsureSegment(id);
            Span<uint> signature = SignatureOf(id);
            reader.ReadUInt32s(signature);
            SignatureMath.ComputeBandKeys(signature, _bands, _rows, bandKeys);
            for (int b = 0; b < _bands; b++)
            {
                entries[b] = new LshBucketEntry(bandKeys[b], id);
            }

            _store.Add(entries);
        }
    }
}

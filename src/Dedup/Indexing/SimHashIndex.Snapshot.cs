namespace Dedup.Indexing;

public sealed partial class SimHashIndex
{
    private const string SnapshotKind = "SimHash index";
    private const uint SnapshotVersion = 1;
    private const int MaxKeyBytes = 1 << 20;

    private static ReadOnlySpan<byte> SnapshotMagic => "DEDUPSIM"u8;

    /// <summary>Writes a snapshot of the index (options, keys and fingerprints) to <paramref name="stream"/>.</summary>
    /// <param name="stream">A writable stream; it is flushed, not closed.</param>
    /// <remarks>
    /// <para>Writers wait while the snapshot is written. The format (version 1), all integers <b>little-endian</b>:</para>
    /// <code>
    /// offset  size  field
    ///  0       8    magic, ASCII "DEDUPSIM"
    ///  8       4    u32 format version = 1
    /// 12       4    u32 MaxDistance
    /// 16       8    u64 N, the number of documents
    /// 24       …    N records: u32 key length L, L bytes of UTF-8 key, u64 fingerprint
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
            writer.WriteUInt32((uint)_maxDistance);
            writer.WriteUInt64((ulong)_slots.Count);
            foreach (int id in _slots.LiveSlots)
            {
                writer.WriteString(_slots.IdAt(id));
                writer.WriteUInt64(_slots[id]);
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }

        writer.Finish();
    }

    /// <summary>
    /// Writes a snapshot to <paramref name="path"/> atomically (temporary file in the same folder, flushed to
    /// disk, then moved over the target), so a crash or error mid-save leaves the previous file intact.
    /// </summary>
    /// <param name="path">The snapshot file; replaced if it exists.</param>
    public void SaveToFile(string path) => SnapshotFile.WriteAtomically(path, Save);

    /// <summary>Reads an index from a snapshot written by <see cref="Save"/>.</summary>
    /// <param name="stream">A readable stream positioned at the snapshot; a seekable stream is left just after it.</param>
    /// <returns>The index.</returns>
    /// <exception cref="InvalidDataException">
    /// The snapshot is truncated, corrupted, of another kind or of an unsupported version; the message names
    /// which. No index is returned.
    /// </exception>
    public static SimHashIndex Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var reader = new SnapshotReader(stream, SnapshotKind);
        reader.ReadPreamble(SnapshotMagic, SnapshotVersion);
        uint maxDistance = reader.ReadUInt32();
        ulong count = reader.ReadUInt64();
        if (maxDistance > 63)
        {
            throw reader.Error($"MaxDistance = {maxDistance} is outside [0, 63].");
        }

        if (count > int.MaxValue || count * 12 > (ulong)reader.Remaining)
        {
            throw reader.Error($"the header announces {count} documents, more than the stream can hold; it is truncated or corrupted.");
        }

        var index = new SimHashIndex(new SimHashIndexOptions { MaxDistance = (int)maxDistance });
        index._slots.EnsureCapacity((int)count);
        foreach (BucketTable table in index._tables)
        {
            table.EnsureCapacity((int)count);
        }

        for (int i = 0; i < (int)count; i++)
        {
            long at = reader.Offset;
            string key = reader.ReadString(MaxKeyBytes);
            ulong fingerprint = reader.ReadUInt64();
            if (index._slots.Contains(key))
            {
                throw reader.Error($"the key \"{key}\" at offset {at} appears twice.");
            }

            index.AddLocked(key, fingerprint);
        }

        reader.ReadAndVerifyChecksum();
        reader.ReturnUnreadBytes();
        return index;
    }

    /// <summary>Reads an index from a snapshot file.</summary>
    /// <param name="path">The snapshot file.</param>
    /// <returns>The index.</returns>
    /// <exception cref="InvalidDataException">The file is not a valid snapshot, or has bytes after the checksum.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or names a folder.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static SimHashIndex LoadFromFile(string path) => SnapshotFile.Read(path, Load, SnapshotKind);

    /// <summary>For tests: <see cref="SaveToFile(string)"/> with the temporary file's stream wrapped.</summary>
    internal void SaveToFile(string path, Func<Stream, Stream> wrap) => SnapshotFile.WriteAtomically(path, Save, wrap);
}

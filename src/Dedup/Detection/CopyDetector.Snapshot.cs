using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Dedup.Indexing;

namespace Dedup.Detection;

/// <content>Snapshots: save and load the detector's index.</content>
/// <remarks>
/// Format (all integers little-endian): magic "DDET" (4 bytes), format version (uint16, currently 1), reserved (uint16),
/// payload length (int64), payload, XxHash64 of the payload (uint64). The payload holds the settings that shape the
/// compact form (seed, shingle sizes, stopword-list fingerprint, threshold, boilerplate frequency), the insertion
/// counter, the article count, then per article: id (int32 length + UTF-8), published (byte flag, int64 UTC ticks,
/// int16 offset minutes), exact hash (uint64), content tokens (int32), characters (int32), word shingles (int32 count +
/// uint32 each), skeleton shingles (the same). Indexes and document frequencies are rebuilt from those on load.
/// </remarks>
public sealed partial class CopyDetector
{
    /// <summary>The snapshot format version this library writes and reads.</summary>
    public const int SnapshotFormatVersion = 1;

    private static ReadOnlySpan<byte> SnapshotMagic => "DDET"u8;

    /// <summary>Writes the detector's index to a stream (versioned, checksummed format; see the remarks of the type).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] payload;
        _lock.EnterReadLock();
        try
        {
            payload = WritePayload();
        }
        finally
        {
            _lock.ExitReadLock();
        }

        Span<byte> header = stackalloc byte[16];
        SnapshotMagic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], SnapshotFormatVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 0);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], payload.Length);
        stream.Write(header);
        stream.Write(payload);
        Span<byte> checksum = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(checksum, XxHash64.HashToUInt64(payload));
        stream.Write(checksum);
        stream.Flush();
    }

    /// <summary>
    /// Writes the detector's index to a file atomically: the snapshot goes to a temporary file in the same folder,
    /// is flushed to disk, and then replaces <paramref name="path"/>, so a crash mid-save leaves the previous file intact.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public void SaveToFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        SnapshotFile.WriteAtomically(path, Save);
    }

    /// <summary>For tests: <see cref="SaveToFile(string)"/> with the temporary file's stream wrapped (e.g. to fail mid-write).</summary>
    internal void SaveToFile(string path, Func<Stream, Stream> wrap) => SnapshotFile.WriteAtomically(path, Save, wrap);

    /// <summary>Reads a detector saved by <see cref="Save"/>.</summary>
    /// <param name="stream">The snapshot.</param>
    /// <param name="options">
    /// Settings for the loaded detector; null to use the defaults with the snapshot's seed, shingle size, threshold and
    /// boilerplate frequency. Settings that shape the compact form (seed, shingle size, stopwords) must match the snapshot's.
    /// </param>
    /// <exception cref="InvalidDataException">The data is not a snapshot, is truncated or corrupted, is of another format version, or does not fit <paramref name="options"/>; the message names the problem.</exception>
    public static CopyDetector Load(Stream stream, DetectorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> header = stackalloc byte[16];
        ReadExactly(stream, header, "header");
        if (!header[..4].SequenceEqual(SnapshotMagic))
        {
            throw new InvalidDataException("Not a Dedup detector snapshot: the magic bytes are not \"DDET\".");
        }

        int version = BinaryPrimitives.ReadUInt16LittleEndian(header[4..]);
        if (version != SnapshotFormatVersion)
        {
            throw new InvalidDataException($"Unsupported snapshot format version {version}; this library reads version {SnapshotFormatVersion}.");
        }

        long length = BinaryPrimitives.ReadInt64LittleEndian(header[8..]);
        if (length < 0 || length > Array.MaxLength)
        {
            throw new InvalidDataException($"Corrupted snapshot: invalid payload length {length}.");
        }

        byte[] payload = new byte[length];
        ReadExactly(stream, payload, "payload");
        Span<byte> checksum = stackalloc byte[8];
        ReadExactly(stream, checksum, "checksum");
        if (BinaryPrimitives.ReadUInt64LittleEndian(checksum) != XxHash64.HashToUInt64(payload))
        {
            throw new InvalidDataException("Corrupted snapshot: the checksum does not match the payload.");
        }

        try
        {
            return ReadPayload(payload, options);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or IndexOutOfRangeException or DecoderFallbackException or ArgumentException)
        {
            throw new InvalidDataException($"Corrupted snapshot: {e.Message}", e);
        }
    }

    /// <summary>Reads a detector saved by <see cref="SaveToFile(string)"/>.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidDataException">The file is not a snapshot, is truncated or corrupted, or is of another format version.</exception>
    public static CopyDetector LoadFromFile(string path, DetectorOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return SnapshotFile.Read(path, file => Load(file, options), "detector");
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string part)
    {
        int read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (read < buffer.Length)
        {
            throw new InvalidDataException($"Truncated snapshot: the {part} ends after {read} of {buffer.Length} bytes.");
        }
    }

    private static ulong StopwordFingerprint(Text.StopwordSet stopwords) =>
        XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(string.Join('\n', stopwords.Words)));

    private byte[] WritePayload()
    {
        using var buffer = new MemoryStream();
        using var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true);
        w.Write(Options.Seed);
        w.Write(Options.ShingleSize);
        w.Write(FeatureExtractor.SkeletonShingleSize);
        w.Write(StopwordFingerprint(Options.Stopwords));
        w.Write(Options.Threshold);
        w.Write(Options.BoilerplateDocumentFrequency);
        w.Write(_order);
        w.Write(_slotById.Count);
        foreach (ArticleFeatures? f in _slots)
        {
            if (f is null)
            {
                continue;
            }

            byte[] id = Encoding.UTF8.GetBytes(f.Id);
            w.Write(id.Length);
            w.Write(id);
            w.Write(f.Published is not null);
            w.Write(f.Published?.UtcTicks ?? 0);
            w.Write((short)(f.Published?.Offset.TotalMinutes ?? 0));
            w.Write(f.ExactHash);
            w.Write(f.ContentTokens);
            w.Write(f.Characters);
            w.Write(f.Order);
            WriteSet(w, f.Words);
            WriteSet(w, f.Skeleton);
        }

        w.Flush();
        return buffer.ToArray();
    }

    private static void WriteSet(BinaryWriter w, uint[] values)
    {
        w.Write(values.Length);
        foreach (uint v in values)
        {
            w.Write(v);
        }
    }

    private static CopyDetector ReadPayload(byte[] payload, DetectorOptions? options)
    {
        var r = new SnapshotReader(payload);
        ulong seed = r.UInt64();
        int shingleSize = r.Int32();
        int skeletonSize = r.Int32();
        ulong stopwords = r.UInt64();
        double threshold = r.Double();
        int boilerplate = r.Int32();
        options ??= DetectorOptions.Default with { Seed = seed, ShingleSize = shingleSize, Threshold = threshold, BoilerplateDocumentFrequency = boilerplate };
        if (options.Seed != seed || options.ShingleSize != shingleSize || skeletonSize != FeatureExtractor.SkeletonShingleSize)
        {
            throw new InvalidDataException(
                $"The snapshot was made with seed {seed:X}, shingle size {shingleSize} and skeleton size {skeletonSize}; the options ask for seed {options.Seed:X} and shingle size {options.ShingleSize}.");
        }

        if (StopwordFingerprint(options.Stopwords) != stopwords)
        {
            throw new InvalidDataException("The snapshot was made with another stopword list than the options give.");
        }

        var detector = new CopyDetector(options);
        long order = r.Int64();
        int count = r.Int32();
        if (count < 0)
        {
            throw new InvalidDataException($"Corrupted snapshot: invalid article count {count}.");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            string id = r.Utf8(r.Int32());
            bool dated = r.Boolean();
            long ticks = r.Int64();
            short offset = r.Int16();
            DateTimeOffset? published = dated ? new DateTimeOffset(ticks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(offset)) : null;
            ulong exact = r.UInt64();
            int tokens = r.Int32();
            int characters = r.Int32();
            long articleOrder = r.Int64();
            uint[] words = r.Set();
            uint[] skeleton = r.Set();
            if (!ids.Add(id))
            {
                throw new InvalidDataException($"Corrupted snapshot: the id '{id}' appears twice.");
            }

            var f = new ArticleFeatures(id, published, exact, words, skeleton, tokens, characters);
            detector.InsertLocked(f);
            f.Order = articleOrder;
        }

        if (!r.AtEnd)
        {
            throw new InvalidDataException("Corrupted snapshot: bytes follow the last article.");
        }

        detector._order = order;
        return detector;
    }

    private ref struct SnapshotReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _at;

        public readonly bool AtEnd => _at == _data.Length;

        public ulong UInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

        public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

        public int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

        public short Int16() => BinaryPrimitives.ReadInt16LittleEndian(Take(2));

        public double Double() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

        public bool Boolean() => Take(1)[0] != 0;

        public string Utf8(int length) => new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Take(length));

        public uint[] Set()
        {
            int n = Int32();
            if (n < 0 || n > (_data.Length - _at) / 4)
            {
                throw new InvalidDataException($"Corrupted snapshot: invalid set size {n}.");
            }

            uint[] values = new uint[n];
            ReadOnlySpan<byte> bytes = Take(4 * n);
            for (int i = 0; i < n; i++)
            {
                values[i] = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(4 * i)..]);
                if (i > 0 && values[i] <= values[i - 1])
                {
                    throw new InvalidDataException("Corrupted snapshot: a shingle set is not sorted.");
                }
            }

            return values;
        }

        private ReadOnlySpan<byte> Take(int n)
        {
            if (n < 0 || n > _data.Length - _at)
            {
                throw new InvalidDataException($"Corrupted snapshot: a field of {n} bytes runs past the end of the payload at offset {_at}.");
            }

            ReadOnlySpan<byte> s = _data.Slice(_at, n);
            _at += n;
            return s;
        }
    }
}

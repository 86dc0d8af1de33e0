using System.Buffers.Binary;

namespace Dedup.Sketches;

/// <summary>
/// An immutable MinHash signature: K 32-bit values plus the size of the set it summarizes. Estimates Jaccard
/// similarity and containment; merges (union); serializes to a compact binary form.
/// </summary>
/// <remarks>
/// Serialized form (all integers little-endian): magic "DMHS" (4 bytes), format version (1 byte, currently 1),
/// scheme (1 byte), reserved (2 bytes, zero), K (int32), seed (uint64), set size (int64), then K uint32 values;
/// for <see cref="MinHashScheme.OnePermutation"/> the values are the bins before densification followed by
/// ceil(K/64) uint64 words whose set bits mark the empty bins (densification is recomputed on reading).
/// </remarks>
public sealed class MinHashSignature : IEquatable<MinHashSignature>
{
    /// <summary>The format version written by <see cref="ToBytes"/>.</summary>
    public const byte FormatVersion = 1;

    private const int HeaderSize = 4 + 1 + 1 + 2 + 4 + 8 + 8;
    private static ReadOnlySpan<byte> Magic => "DMHS"u8;

    private readonly uint[] _values;
    private readonly uint[]? _bins;
    private readonly ulong[]? _emptyMask;

    internal MinHashSignature(MinHashScheme scheme, ulong seed, long count, uint[] valuesOrBins, ulong[]? emptyMask)
    {
        Scheme = scheme;
        Seed = seed;
        Count = count;
        if (scheme == MinHashScheme.OnePermutation)
        {
            _bins = valuesOrBins;
            _emptyMask = emptyMask ?? throw new ArgumentNullException(nameof(emptyMask));
            _values = (uint[])valuesOrBins.Clone();
            MinHasher.Densify(_values, _emptyMask, seed);
        }
        else
        {
            _values = valuesOrBins;
        }
    }

    /// <summary>How the signature was computed.</summary>
    public MinHashScheme Scheme { get; }

    /// <summary>The seed of the hasher that computed it.</summary>
    public ulong Seed { get; }

    /// <summary>The number of distinct shingles in the set it summarizes.</summary>
    public long Count { get; }

    /// <summary>K, the number of values.</summary>
    public int NumPermutations => _values.Length;

    /// <summary>The K values (densified for one-permutation signatures).</summary>
    public ReadOnlySpan<uint> Values => _values;

    /// <summary>True when the set was empty.</summary>
    public bool IsEmpty => Count == 0;

    /// <summary>Estimated Jaccard similarity |A∩B| / |A∪B|: the share of positions where the two signatures agree. Two empty sets have similarity 1.</summary>
    /// <exception cref="ArgumentException">The signatures come from hashers with different K, seed or scheme.</exception>
    public double Jaccard(MinHashSignature other)
    {
        CheckCompatible(other);
        if (IsEmpty || other.IsEmpty)
        {
            return IsEmpty && other.IsEmpty ? 1.0 : 0.0;
        }

        ReadOnlySpan<uint> a = _values;
        ReadOnlySpan<uint> b = other._values;
        int equal = 0;
        for (int i = 0; i < a.Length; i++)
        {
            equal += a[i] == b[i] ? 1 : 0;
        }

        return (double)equal / a.Length;
    }

    /// <summary>Estimated containment |A∩B| / |A| of this set in <paramref name="other"/>, from the Jaccard estimate and the set sizes.</summary>
    /// <exception cref="ArgumentException">The signatures come from hashers with different K, seed or scheme.</exception>
    public double Containment(MinHashSignature other)
    {
        double j = Jaccard(other);
        if (Count == 0)
        {
            return 1.0;
        }

        double intersection = j / (1 + j) * (Count + other.Count);
        return Math.Clamp(intersection / Count, 0.0, 1.0);
    }

    /// <summary>The signature of the union of the two sets (exact: equal to computing the union's signature).</summary>
    /// <remarks>The union's <see cref="Count"/> is estimated from the Jaccard estimate, as |A| + |B| − |A∩B|.</remarks>
    /// <exception cref="ArgumentException">The signatures come from hashers with different K, seed or scheme.</exception>
    public MinHashSignature Merge(MinHashSignature other)
    {
        CheckCompatible(other);
        double j = Jaccard(other);
        long count = IsEmpty ? other.Count : other.IsEmpty ? Count
            : (long)Math.Round(Count + other.Count - (j / (1 + j) * (Count + other.Count)));
        if (Scheme == MinHashScheme.Classic)
        {
            uint[] merged = new uint[_values.Length];
            for (int i = 0; i < merged.Length; i++)
            {
                merged[i] = Math.Min(_values[i], other._values[i]);
            }

            return new MinHashSignature(Scheme, Seed, count, merged, null);
        }

        uint[] bins = new uint[_bins!.Length];
        ulong[] mask = new ulong[_emptyMask!.Length];
        for (int i = 0; i < bins.Length; i++)
        {
            bins[i] = Math.Min(_bins[i], other._bins![i]);
        }

        for (int w = 0; w < mask.Length; w++)
        {
            mask[w] = _emptyMask[w] & other._emptyMask![w];
        }

        return new MinHashSignature(Scheme, Seed, count, bins, mask);
    }

    /// <summary>The serialized form (see remarks of the type).</summary>
    public byte[] ToBytes()
    {
        byte[] buffer = new byte[SerializedSize];
        _ = TryWrite(buffer, out _);
        return buffer;
    }

    /// <summary>Number of bytes <see cref="ToBytes"/> writes.</summary>
    public int SerializedSize => HeaderSize + (4 * _values.Length) + (8 * (_emptyMask?.Length ?? 0));

    /// <summary>Writes the serialized form; returns false when <paramref name="destination"/> is too small.</summary>
    public bool TryWrite(Span<byte> destination, out int bytesWritten)
    {
        bytesWritten = 0;
        if (destination.Length < SerializedSize)
        {
            return false;
        }

        Magic.CopyTo(destination);
        destination[4] = FormatVersion;
        destination[5] = (byte)Scheme;
        destination[6] = 0;
        destination[7] = 0;
        BinaryPrimitives.WriteInt32LittleEndian(destination[8..], _values.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[12..], Seed);
        BinaryPrimitives.WriteInt64LittleEndian(destination[20..], Count);
        int o = HeaderSize;
        ReadOnlySpan<uint> raw = _bins ?? _values;
        foreach (uint v in raw)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(destination[o..], v);
            o += 4;
        }

        if (_emptyMask is not null)
        {
            foreach (ulong w in _emptyMask)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(destination[o..], w);
                o += 8;
            }
        }

        bytesWritten = o;
        return true;
    }

    /// <summary>Reads a signature written by <see cref="ToBytes"/>.</summary>
    /// <exception cref="FormatException">The bytes are not a signature: wrong magic, unknown version or scheme, reserved bytes not zero, bad K, or wrong length.</exception>
    public static MinHashSignature FromBytes(ReadOnlySpan<byte> source)
    {
        if (source.Length < HeaderSize)
        {
            throw new FormatException($"A MinHash signature needs at least {HeaderSize} bytes; got {source.Length}.");
        }

        if (!source[..4].SequenceEqual(Magic))
        {
            throw new FormatException("Not a MinHash signature: the magic bytes are not \"DMHS\".");
        }

        if (source[4] != FormatVersion)
        {
            throw new FormatException($"Unsupported MinHash signature format version {source[4]}; this library reads version {FormatVersion}.");
        }

        var scheme = (MinHashScheme)source[5];
        if (scheme is not (MinHashScheme.Classic or MinHashScheme.OnePermutation))
        {
            throw new FormatException($"Unknown MinHash scheme {source[5]}.");
        }

        if (source[6] != 0 || source[7] != 0)
        {
            throw new FormatException($"The reserved bytes 6 and 7 are {source[6]:X2} {source[7]:X2}, not zero: the signature is damaged or of a newer kind.");
        }

        int k = BinaryPrimitives.ReadInt32LittleEndian(source[8..]);
        if (k < 1 || k > MinHasher.MaxNumPermutations)
        {
            throw new FormatException($"Invalid signature length K = {k}.");
        }

        ulong seed = BinaryPrimitives.ReadUInt64LittleEndian(source[12..]);
        long count = BinaryPrimitives.ReadInt64LittleEndian(source[20..]);
        if (count < 0)
        {
            throw new FormatException($"Invalid set size {count}.");
        }

        int maskWords = scheme == MinHashScheme.OnePermutation ? MinHasher.MaskWords(k) : 0;
        int expected = HeaderSize + (4 * k) + (8 * maskWords);
        if (source.Length != expected)
        {
            throw new FormatException($"A signature with K = {k} takes {expected} bytes; got {source.Length}.");
        }

        uint[] values = new uint[k];
        int o = HeaderSize;
        for (int i = 0; i < k; i++, o += 4)
        {
            values[i] = BinaryPrimitives.ReadUInt32LittleEndian(source[o..]);
        }

        ulong[]? mask = null;
        if (maskWords > 0)
        {
            mask = new ulong[maskWords];
            for (int w = 0; w < maskWords; w++, o += 8)
            {
                mask[w] = BinaryPrimitives.ReadUInt64LittleEndian(source[o..]);
            }

            // Bits at or beyond K mean nothing; a stray one would make densification count an empty bin that does
            // not exist and, with every real bin empty, probe forever for a non-empty one.
            if (k % 64 != 0 && (mask[^1] >> (k % 64)) != 0)
            {
                throw new FormatException($"The empty-bin mask marks bins beyond K = {k}.");
            }
        }

        return new MinHashSignature(scheme, seed, count, values, mask);
    }

    /// <inheritdoc/>
    public bool Equals(MinHashSignature? other) =>
        other is not null && Scheme == other.Scheme && Seed == other.Seed && Count == other.Count
        && _values.AsSpan().SequenceEqual(other._values)
        && (_bins is null || _bins.AsSpan().SequenceEqual(other._bins));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as MinHashSignature);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Scheme, Seed, Count, _values.Length, _values.Length > 0 ? _values[0] : 0);

    private void CheckCompatible(MinHashSignature other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Scheme != Scheme || other.Seed != Seed || other._values.Length != _values.Length)
        {
            throw new ArgumentException(
                $"Signatures from different hashers cannot be compared: {Scheme}/K={_values.Length}/seed={Seed:X} vs {other.Scheme}/K={other._values.Length}/seed={other.Seed:X}.",
                nameof(other));
        }
    }
}

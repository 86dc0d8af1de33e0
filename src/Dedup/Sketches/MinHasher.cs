using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Dedup.Kernels;
using Dedup.Text;

namespace Dedup.Sketches;

/// <summary>
/// Computes MinHash signatures of shingle sets. Immutable and thread-safe: create one per (K, seed, scheme) and share it.
/// </summary>
/// <remarks>
/// Permutation constants come from SplitMix64 seeded with <see cref="Seed"/>, so the same set gives the same
/// signature in every process and on every machine. Signatures are comparable only when computed by hashers with the
/// same K, seed and scheme.
/// </remarks>
public sealed class MinHasher
{
    /// <summary>The default number of permutations.</summary>
    public const int DefaultNumPermutations = 128;

    /// <summary>The most permutations a hasher may have.</summary>
    public const int MaxNumPermutations = 8192;

    private const int StackLimit = 512;
    private readonly ulong[] _multipliers;
    private readonly ulong[] _addends;
    private readonly TokenizerOptions _tokenizer;

    /// <summary>Creates a hasher.</summary>
    /// <param name="numPermutations">K, the signature length: 1 to <see cref="MaxNumPermutations"/>.</param>
    /// <param name="seed">Seed of the permutation constants.</param>
    /// <param name="scheme">Classic K-permutation MinHash, or one-permutation hashing with densification.</param>
    /// <exception cref="ArgumentOutOfRangeException">K is out of range or the scheme is unknown.</exception>
    public MinHasher(int numPermutations = DefaultNumPermutations, ulong seed = HashSeeds.Default, MinHashScheme scheme = MinHashScheme.Classic)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numPermutations, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(numPermutations, MaxNumPermutations);
        if (scheme is not (MinHashScheme.Classic or MinHashScheme.OnePermutation))
        {
            throw new ArgumentOutOfRangeException(nameof(scheme), scheme, "Unknown MinHash scheme.");
        }

        NumPermutations = numPermutations;
        Seed = seed;
        Scheme = scheme;
        _multipliers = new ulong[numPermutations];
        _addends = new ulong[numPermutations];
        _tokenizer = TokenizerOptions.Default with { Seed = seed };
        var rng = new SplitMix64(seed);
        for (int i = 0; i < numPermutations; i++)
        {
            _multipliers[i] = rng.Next() | 1UL;
            _addends[i] = rng.Next();
        }
    }

    /// <summary>K: the number of values in a signature.</summary>
    public int NumPermutations { get; }

    /// <summary>The seed of the permutation constants.</summary>
    public ulong Seed { get; }

    /// <summary>The scheme.</summary>
    public MinHashScheme Scheme { get; }

    /// <summary>
    /// Computes the signature of a set of shingle hashes into <paramref name="signature"/> without allocating.
    /// Repeated values are allowed and change nothing. An empty set gives all <see cref="uint.MaxValue"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="signature"/>'s length is not K.</exception>
    public void Compute(ReadOnlySpan<ulong> shingles, Span<uint> signature)
    {
        CheckLength(signature);
        if (Scheme == MinHashScheme.Classic)
        {
            ComputeClassic(shingles, signature);
        }
        else
        {
            int words = MaskWords(NumPermutations);
            Span<ulong> empty = words <= 64 ? stackalloc ulong[words] : new ulong[words];
            ComputeBins(shingles, signature, empty);
            Densify(signature, empty, Seed);
        }
    }

    /// <summary>Computes the signature of a set of distinct shingle hashes (its <see cref="MinHashSignature.Count"/> is the span's length).</summary>
    public MinHashSignature Compute(ReadOnlySpan<ulong> distinctShingles)
    {
        uint[] values = new uint[NumPermutations];
        if (Scheme == MinHashScheme.Classic)
        {
            ComputeClassic(distinctShingles, values);
            return new MinHashSignature(this.Scheme, Seed, distinctShingles.Length, values, null);
        }

        ulong[] empty = new ulong[MaskWords(NumPermutations)];
        ComputeBins(distinctShingles, values, empty);
        return new MinHashSignature(Scheme, Seed, distinctShingles.Length, values, empty);
    }

    /// <summary>Computes the signature of a text's word shingles (tokenized with the default tokenizer, the same seed).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public MinHashSignature Compute(string text, int shingleSize = Shingler.DefaultWordShingleSize)
    {
        ArgumentNullException.ThrowIfNull(text);
        ulong[] shingles = Shingler.WordShingles(text, shingleSize, _tokenizer);
        return Compute(shingles);
    }

    /// <summary>
    /// Computes the signature of a text's word shingles (tokenized with the default tokenizer and this hasher's seed,
    /// as <see cref="Compute(string, int)"/> does) into <paramref name="signature"/>. Allocates nothing once the shared
    /// array pool holds buffers for the text's tokens.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="signature"/>'s length is not K.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="shingleSize"/> is less than 1.</exception>
    public void Compute(ReadOnlySpan<char> text, Span<uint> signature, int shingleSize = Shingler.DefaultWordShingleSize)
    {
        CheckLength(signature);
        ArgumentOutOfRangeException.ThrowIfLessThan(shingleSize, 1);
        var tokens = PooledHashSink.ForText(text.Length);
        try
        {
            Tokenizer.Tokenize(text, ref tokens, _tokenizer);
            Span<ulong> hashes = tokens.Hashes;

            // The shingles overwrite the token hashes they are made of (the kernel reads a window before it writes).
            int count = Shingler.WordShingleBag(hashes, shingleSize, hashes, Seed);
            Compute(hashes[..count], signature);
        }
        finally
        {
            tokens.Dispose();
        }
    }

    internal static int MaskWords(int k) => (k + 63) >> 6;

    internal void CheckLength(ReadOnlySpan<uint> signature)
    {
        if (signature.Length != NumPermutations)
        {
            throw new ArgumentException($"The signature has {signature.Length} values; this hasher makes {NumPermutations}.", nameof(signature));
        }
    }

    [SkipLocalsInit] // minima are filled before they are read
    private void ComputeClassic(ReadOnlySpan<ulong> shingles, Span<uint> signature)
    {
        int k = NumPermutations;
        ulong[]? rented = null;
        Span<ulong> minima = k <= StackLimit ? stackalloc ulong[k] : (rented = ArrayPool<ulong>.Shared.Rent(k)).AsSpan(0, k);
        minima.Fill(ulong.MaxValue);
        MinHashKernel.Accumulate(shingles, _multipliers, _addends, minima);
        for (int i = 0; i < k; i++)
        {
            signature[i] = (uint)(minima[i] >> 32);
        }

        if (rented is not null)
        {
            ArrayPool<ulong>.Shared.Return(rented);
        }
    }

    /// <summary>One-permutation hashing: bin values before densification, and a mask of the empty bins.</summary>
    /// <remarks>
    /// Each bin's minimum is kept as a 64-bit value that stays <see cref="EmptyBin"/> (2^32) while the bin is empty (a
    /// bin value is below 2^32), so a shingle costs one unconditional minimum and store: no branch that mispredicts
    /// about half the time, and no read-modify-write of the empty mask, whose two words chained every shingle. The
    /// mask and the 32-bit values are read off the minima at the end.
    /// </remarks>
    [SkipLocalsInit] // minima are filled and mixed is written before either is read
    private void ComputeBins(ReadOnlySpan<ulong> shingles, Span<uint> bins, Span<ulong> emptyMask)
    {
        int k = NumPermutations;
        ulong[]? rented = null;
        Span<ulong> minima = k <= StackLimit ? stackalloc ulong[k] : (rented = ArrayPool<ulong>.Shared.Rent(k)).AsSpan(0, k);
        minima.Fill(EmptyBin);
        const int Chunk = 256;
        Span<ulong> mixed = stackalloc ulong[Chunk];
        for (int start = 0; start < shingles.Length; start += Chunk)
        {
            ReadOnlySpan<ulong> part = shingles.Slice(start, Math.Min(Chunk, shingles.Length - start));
            HashMixKernel.Mix(part, Seed, mixed);
            Bin(mixed[..part.Length], minima);
        }

        // Each mask word gathered in a register: or-ing every bit into the span chained a store and a load per bin.
        for (int word = 0; word < emptyMask.Length; word++)
        {
            ulong mask = 0;
            int end = Math.Min(k, (word + 1) << 6);
            for (int i = word << 6; i < end; i++)
            {
                ulong m = minima[i];
                bins[i] = (uint)(m - (m >> 32)); // an empty bin's 2^32 as uint.MaxValue
                mask |= (ulong)Unsafe.BitCast<bool, byte>(m == EmptyBin) << (i & 63);
            }

            emptyMask[word] = mask;
        }

        if (rented is not null)
        {
            ArrayPool<ulong>.Shared.Return(rented);
        }
    }

    /// <summary>The minimum of a bin no shingle fell in: above every bin value (each is below 2^32), and close enough to them that their difference keeps its sign.</summary>
    private const ulong EmptyBin = 1UL << 32;

    /// <summary>
    /// Lowers each mixed hash's bin (from its low half, below the number of bins) to its value (its high half), without
    /// a branch. Apart from <see cref="ComputeBins"/> so that it has no stack buffer and is compiled with tiering.
    /// </summary>
    private static void Bin(ReadOnlySpan<ulong> mixed, Span<ulong> minima)
    {
        ulong k = (ulong)minima.Length;
        ref ulong first = ref MemoryMarshal.GetReference(minima);
        foreach (ulong h in mixed)
        {
            ref ulong bin = ref Unsafe.Add(ref first, (nint)(((h & 0xFFFF_FFFFUL) * k) >> 32));
            ulong value = h >> 32;

            // min(old, value): both are at most 2^32, so the sign of their difference says which is smaller.
            long difference = (long)(bin - value);
            bin = value + (ulong)(difference & (difference >> 63));
        }
    }

    /// <summary>
    /// Optimal densification (Shrivastava, ICML 2017): each empty bin takes the value of the first non-empty bin met
    /// by its own seeded sequence of random probes. Leaves an all-empty signature as it is.
    /// </summary>
    internal static void Densify(Span<uint> bins, ReadOnlySpan<ulong> emptyMask, ulong seed)
    {
        int k = bins.Length;
        int emptyCount = 0;
        foreach (ulong w in emptyMask)
        {
            emptyCount += System.Numerics.BitOperations.PopCount(w);
        }

        if (emptyCount == 0 || emptyCount == k)
        {
            return;
        }

        for (int word = 0; word < emptyMask.Length; word++)
        {
            for (ulong empty = emptyMask[word]; empty != 0; empty &= empty - 1)
            {
                int i = (word << 6) + System.Numerics.BitOperations.TrailingZeroCount(empty);
                Fill(bins, emptyMask, seed, i);
            }
        }
    }

    /// <summary>Gives the empty bin <paramref name="i"/> the value of the first non-empty bin its probes meet.</summary>
    private static void Fill(Span<uint> bins, ReadOnlySpan<ulong> emptyMask, ulong seed, int i)
    {
        int k = bins.Length;
        for (ulong attempt = 1; ; attempt++)
        {
            ulong h = HashMixKernel.Mix(seed ^ 0xD1B54A32D192ED03UL ^ ((ulong)i << 32) ^ attempt);
            int j = (int)(((h & 0xFFFF_FFFFUL) * (ulong)k) >> 32);
            if ((emptyMask[j >> 6] & (1UL << (j & 63))) == 0)
            {
                bins[i] = bins[j];
                return;
            }
        }
    }
}

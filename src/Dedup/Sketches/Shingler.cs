using Dedup.Kernels;
using Dedup.Text;

namespace Dedup.Sketches;

/// <summary>Builds shingle sets: each shingle a 64-bit hash combined from token hashes (or characters), never by re-hashing strings.</summary>
/// <remarks>
/// A word k-shingle hash is <c>fmix64(seed ^ Σ token[i+j]·M^(k−1−j))</c> with M = 0x9E3779B97F4A7C15 (wrapping 64-bit);
/// a text with fewer than k tokens (but at least one) gives one shingle of all its tokens. The sets are returned sorted
/// and without repeats (set semantics).
/// </remarks>
public static class Shingler
{
    /// <summary>The default number of words per shingle, chosen on the dev corpus (see docs/accuracy.md).</summary>
    public const int DefaultWordShingleSize = 5;

    /// <summary>Writes the distinct word k-shingles of <paramref name="tokenHashes"/> to <paramref name="destination"/>, sorted; returns how many.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is less than 1.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <c>max(1, tokens − k + 1)</c>.</exception>
    public static int WordShingles(ReadOnlySpan<ulong> tokenHashes, int k, Span<ulong> destination, ulong seed = HashSeeds.Default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (tokenHashes.IsEmpty)
        {
            return 0;
        }

        int n = WordShingleBag(tokenHashes, k, destination, seed);
        return SortDistinct(destination[..n]);
    }

    /// <summary>
    /// Writes the word k-shingles of <paramref name="tokenHashes"/> to <paramref name="destination"/> in text order,
    /// repeats included; returns how many. MinHash (both schemes) gives the same signature for this bag as for the
    /// set <see cref="WordShingles(ReadOnlySpan{ulong}, int, Span{ulong}, ulong)"/> returns, without the sort.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is less than 1.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <c>max(1, tokens − k + 1)</c>.</exception>
    public static int WordShingleBag(ReadOnlySpan<ulong> tokenHashes, int k, Span<ulong> destination, ulong seed = HashSeeds.Default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (tokenHashes.IsEmpty)
        {
            return 0;
        }

        int kk = Math.Min(k, tokenHashes.Length);
        int n = tokenHashes.Length - kk + 1;
        if (destination.Length < n)
        {
            throw new ArgumentException($"The destination holds {destination.Length} shingles; {n} are needed.", nameof(destination));
        }

        return ShingleKernel.Combine(tokenHashes, kk, seed, destination);
    }

    /// <summary>The distinct word k-shingles of a text (tokenized with <paramref name="tokenizer"/> options), sorted.</summary>
    public static ulong[] WordShingles(string text, int k = DefaultWordShingleSize, TokenizerOptions? tokenizer = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        Token[] tokens = Tokenizer.Tokenize(text, tokenizer);
        ulong[] hashes = new ulong[tokens.Length];
        for (int i = 0; i < tokens.Length; i++)
        {
            hashes[i] = tokens[i].Hash;
        }

        ulong[] shingles = new ulong[Math.Max(1, hashes.Length)];
        int count = WordShingles(hashes, k, shingles, (tokenizer ?? TokenizerOptions.Default).Seed);
        return shingles[..count];
    }

    /// <summary>
    /// Writes the distinct character k-grams of <paramref name="text"/> (folded as the tokenizer folds; runs of non-word
    /// characters count as one space) to <paramref name="destination"/>, sorted; returns how many.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="text"/>.</exception>
    public static int CharShingles(ReadOnlySpan<char> text, int k, Span<ulong> destination, ulong seed = HashSeeds.Default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (destination.Length < text.Length)
        {
            throw new ArgumentException($"The destination holds {destination.Length} shingles; up to {text.Length} are needed.", nameof(destination));
        }

        ulong[] rented = System.Buffers.ArrayPool<ulong>.Shared.Rent(Math.Max(1, text.Length));
        Span<ulong> folded = rented;
        int m = 0;
        bool space = true;
        foreach (char c in text)
        {
            char f = TextNormalizer.FoldChar(c);
            if (f == '\0')
            {
                continue;
            }

            if (char.IsLetterOrDigit(f))
            {
                folded[m++] = f;
                space = false;
            }
            else if (!space)
            {
                folded[m++] = ' ';
                space = true;
            }
        }

        try
        {
            if (m == 0)
            {
                return 0;
            }

            int n = ShingleKernel.Combine(folded[..m], Math.Min(k, m), seed, destination);
            return SortDistinct(destination[..n]);
        }
        finally
        {
            System.Buffers.ArrayPool<ulong>.Shared.Return(rented);
        }
    }

    /// <summary>Sorts <paramref name="values"/> and moves the distinct ones to its front; returns how many.</summary>
    internal static int SortDistinct(Span<ulong> values)
    {
        if (values.Length <= 1)
        {
            return values.Length;
        }

        Detection.PrimitiveSort.Sort(values);
        int w = 1;
        for (int r = 1; r < values.Length; r++)
        {
            if (values[r] != values[w - 1])
            {
                values[w++] = values[r];
            }
        }

        return w;
    }
}

using System.Numerics;
using Dedup.Kernels;
using Dedup.Text;

namespace Dedup.Sketches;

/// <summary>SimHash-64 (Charikar 2002) over weighted features, with Hamming distance and similarity.</summary>
/// <remarks>Bit j of the fingerprint is set when the weights of the features whose hash has bit j set outweigh those that do not.</remarks>
public static class SimHasher
{
    /// <summary>Below this many unweighted features every float sum of ±1 is exact (2^24).</summary>
    private const int MaxExactCount = 1 << 24;

    /// <summary>
    /// The fingerprint of <paramref name="features"/> (64-bit feature hashes; a repeated feature counts once per occurrence,
    /// which is term-frequency weighting), each with its weight in <paramref name="weights"/> (e.g. IDF), or 1 when it is empty.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="weights"/> is neither empty nor as long as <paramref name="features"/>, or holds a NaN or infinite weight (or weights whose sums overflow a float).</exception>
    public static ulong Compute(ReadOnlySpan<ulong> features, ReadOnlySpan<float> weights = default)
    {
        if (!weights.IsEmpty && weights.Length != features.Length)
        {
            throw new ArgumentException($"There are {features.Length} features but {weights.Length} weights.", nameof(weights));
        }

        if (weights.IsEmpty && features.Length < MaxExactCount)
        {
            // Unweighted: the float sums of ±1 are exact integers (2·ones − n) below 2^24, so the bit counts give
            // the same fingerprint as the float accumulation, several times faster.
            Span<int> counts = stackalloc int[64];
            counts.Clear();
            BitCountKernel.Count(features, counts);
            return Majority(counts, features.Length);
        }

        Span<float> acc = stackalloc float[64];
        acc.Clear();
        SimHashKernel.Accumulate(features, weights, acc);
        if (!AllFinite(acc))
        {
            // A NaN or infinite weight makes every sum NaN or infinite: the fingerprint would be 0 or all ones, whatever the features.
            int at = FirstNotFinite(weights);
            throw new ArgumentException(
                at >= 0 ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Weight {at} of {weights.Length} is {weights[at]}: a weight must be finite.") : "The weights' sums overflow a float: the weights must be smaller.",
                nameof(weights));
        }

        return Positive(acc);
    }

    private static bool AllFinite(ReadOnlySpan<float> acc)
    {
        foreach (float a in acc)
        {
            if (!float.IsFinite(a))
            {
                return false;
            }
        }

        return true;
    }

    private static int FirstNotFinite(ReadOnlySpan<float> weights)
    {
        for (int i = 0; i < weights.Length; i++)
        {
            if (!float.IsFinite(weights[i]))
            {
                return i;
            }
        }

        return -1;
    }

    // The loops are apart from the stack buffers, so that the JIT compiles Compute at tier 0 (docs/architecture.md, "First calls").
    private static ulong Majority(ReadOnlySpan<int> counts, int n)
    {
        ulong bits = 0;
        for (int j = 0; j < 64; j++)
        {
            if (2L * counts[j] > n)
            {
                bits |= 1UL << j;
            }
        }

        return bits;
    }

    private static ulong Positive(ReadOnlySpan<float> acc)
    {
        ulong fingerprint = 0;
        for (int j = 0; j < 64; j++)
        {
            if (acc[j] > 0)
            {
                fingerprint |= 1UL << j;
            }
        }

        return fingerprint;
    }

    /// <summary>The fingerprint of a text: its tokens' hashes (stopwords excluded) weighted by term frequency.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public static ulong Compute(string text, TokenizerOptions? tokenizer = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Compute(text.AsSpan(), tokenizer);
    }

    /// <summary>
    /// The fingerprint of a text: its tokens' hashes (stopwords excluded) weighted by term frequency. Allocates
    /// nothing once the shared array pool holds a buffer for the text's tokens.
    /// </summary>
    public static ulong Compute(ReadOnlySpan<char> text, TokenizerOptions? tokenizer = null)
    {
        var sink = new PooledContentHashSink(text.Length);
        try
        {
            Tokenizer.Tokenize(text, ref sink, tokenizer);
            return Compute(sink.Content);
        }
        finally
        {
            sink.Dispose();
        }
    }

    /// <summary>The number of bits in which two fingerprints differ.</summary>
    public static int HammingDistance(ulong a, ulong b) => BitOperations.PopCount(a ^ b);

    /// <summary>Similarity in [0, 1]: 1 − HammingDistance / 64.</summary>
    public static double Similarity(ulong a, ulong b) => 1.0 - (HammingDistance(a, b) / 64.0);
}

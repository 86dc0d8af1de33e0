using System.Runtime.Intrinsics;

namespace Dedup.Kernels;

/// <summary>Combines consecutive token hashes into shingle hashes without re-hashing any text.</summary>
internal static class ShingleKernel
{
    /// <summary>The odd multiplier of the polynomial combination.</summary>
    public const ulong Multiplier = 0x9E3779B97F4A7C15UL;

    /// <summary>
    /// <c>shingles[i] = HashMixKernel.Mix(seed ^ (sum over j in 0..k-1 of tokens[i + j] * Multiplier^(k-1-j)))</c>
    /// (wrapping 64-bit arithmetic), for i in 0..tokens.Length-k. Returns the number written:
    /// <c>max(0, tokens.Length - k + 1)</c>.
    /// </summary>
    /// <remarks>
    /// Vectorized across output positions (Horner's rule per lane, then <see cref="HashMixKernel.Mix(ulong)"/>).
    /// <paramref name="shingles"/> may start where <paramref name="tokens"/> starts (in place); other overlaps fall
    /// back to <see cref="CombineScalar"/>.
    /// </remarks>
    public static int Combine(ReadOnlySpan<ulong> tokens, int k, ulong seed, Span<ulong> shingles, KernelWidth width = KernelWidth.Auto)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        int n = tokens.Length - k + 1;
        if (n <= 0)
        {
            return 0;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(shingles.Length, n);
        if (tokens.Overlaps(shingles, out int offset) && offset != 0)
        {
            return CombineScalar(tokens, k, seed, shingles);
        }

        KernelDriver.WindowIntoSpan<ulong, HornerStepOperator, HashMixKernel.MixOperator>(tokens, k, seed, shingles, width);
        return n;
    }

    /// <summary>The scalar reference that every vector path must equal.</summary>
    public static int CombineScalar(ReadOnlySpan<ulong> tokens, int k, ulong seed, Span<ulong> shingles)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        int n = tokens.Length - k + 1;
        if (n <= 0)
        {
            return 0;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(shingles.Length, n);
        for (int i = 0; i < n; i++)
        {
            ulong h = 0;
            for (int j = 0; j < k; j++)
            {
                h = unchecked((h * Multiplier) + tokens[i + j]);
            }

            shingles[i] = HashMixKernel.Mix(seed ^ h);
        }

        return n;
    }

    /// <summary><c>Invoke(acc, token) = acc * Multiplier + token</c>, wrapping, at every width.</summary>
    private readonly struct HornerStepOperator : IBinaryOperator<ulong>
    {
        /// <inheritdoc/>
        public static ulong Invoke(ulong x, ulong y) => unchecked((x * Multiplier) + y);

        /// <inheritdoc/>
        public static Vector128<ulong> Invoke(Vector128<ulong> x, Vector128<ulong> y) => (x * Vector128.Create(Multiplier)) + y;

        /// <inheritdoc/>
        public static Vector256<ulong> Invoke(Vector256<ulong> x, Vector256<ulong> y) => (x * Vector256.Create(Multiplier)) + y;

        /// <inheritdoc/>
        public static Vector512<ulong> Invoke(Vector512<ulong> x, Vector512<ulong> y) => (x * Vector512.Create(Multiplier)) + y;
    }
}

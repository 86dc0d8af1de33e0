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
    public static int Combine(ReadOnlySpan<ulong> tokens, int k, ulong seed, Span<ulong> shingles, KernelWidth width = KernelWidth.Auto)
    {
        _ = width;
        return CombineScalar(tokens, k, seed, shingles);
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
}

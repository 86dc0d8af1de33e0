namespace Dedup.Kernels;

/// <summary>The permutation-min loop of classic MinHash.</summary>
internal static class MinHashKernel
{
    /// <summary>
    /// For every permutation <c>i</c>: <c>minima[i] = min(minima[i], min over x in shingles of (multipliers[i] * x + addends[i]))</c>,
    /// with wrapping unsigned 64-bit arithmetic.
    /// </summary>
    public static void Accumulate(
        ReadOnlySpan<ulong> shingles,
        ReadOnlySpan<ulong> multipliers,
        ReadOnlySpan<ulong> addends,
        Span<ulong> minima,
        KernelWidth width = KernelWidth.Auto)
    {
        _ = width;
        AccumulateScalar(shingles, multipliers, addends, minima);
    }

    /// <summary>The scalar reference that every vector path must equal.</summary>
    public static void AccumulateScalar(
        ReadOnlySpan<ulong> shingles,
        ReadOnlySpan<ulong> multipliers,
        ReadOnlySpan<ulong> addends,
        Span<ulong> minima)
    {
        int k = minima.Length;
        ArgumentOutOfRangeException.ThrowIfNotEqual(multipliers.Length, k);
        ArgumentOutOfRangeException.ThrowIfNotEqual(addends.Length, k);
        foreach (ulong x in shingles)
        {
            for (int i = 0; i < k; i++)
            {
                ulong h = unchecked((multipliers[i] * x) + addends[i]);
                if (h < minima[i])
                {
                    minima[i] = h;
                }
            }
        }
    }
}

using System.Runtime.Intrinsics;

namespace Dedup.Kernels;

/// <summary>The permutation-min loop of classic MinHash.</summary>
internal static class MinHashKernel
{
    /// <summary>
    /// For every permutation <c>i</c>: <c>minima[i] = min(minima[i], min over x in shingles of (multipliers[i] * x + addends[i]))</c>,
    /// with wrapping unsigned 64-bit arithmetic.
    /// </summary>
    /// <remarks>
    /// Vectorized across permutations: four vectors of minima stay in registers while every shingle streams past,
    /// and a K that is not a multiple of the width is finished at narrower widths. A <paramref name="minima"/> that
    /// overlaps an input falls back to <see cref="AccumulateScalar"/>.
    /// </remarks>
    public static void Accumulate(
        ReadOnlySpan<ulong> shingles,
        ReadOnlySpan<ulong> multipliers,
        ReadOnlySpan<ulong> addends,
        Span<ulong> minima,
        KernelWidth width = KernelWidth.Auto)
    {
        int k = minima.Length;
        ArgumentOutOfRangeException.ThrowIfNotEqual(multipliers.Length, k);
        ArgumentOutOfRangeException.ThrowIfNotEqual(addends.Length, k);
        ReadOnlySpan<ulong> output = minima;
        if (output.Overlaps(shingles) || output.Overlaps(multipliers) || output.Overlaps(addends))
        {
            AccumulateScalar(shingles, multipliers, addends, minima);
            return;
        }

        KernelDriver.FoldIntoLanes<ulong, MinAffineOperator>(shingles, multipliers, addends, minima, width);
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

    /// <summary><c>Invoke(min, a, b, x) = min(min, a * x + b)</c>, wrapping, at every width.</summary>
    private readonly struct MinAffineOperator : ILaneFoldOperator<ulong>
    {
        /// <inheritdoc/>
        public static ulong Invoke(ulong accumulator, ulong a, ulong b, ulong x) =>
            Math.Min(accumulator, unchecked((a * x) + b));

        /// <inheritdoc/>
        public static Vector128<ulong> Invoke(Vector128<ulong> accumulator, Vector128<ulong> a, Vector128<ulong> b, Vector128<ulong> x) =>
            Vector128.Min(accumulator, (a * x) + b);

        /// <inheritdoc/>
        public static Vector256<ulong> Invoke(Vector256<ulong> accumulator, Vector256<ulong> a, Vector256<ulong> b, Vector256<ulong> x) =>
            Vector256.Min(accumulator, (a * x) + b);

        /// <inheritdoc/>
        public static Vector512<ulong> Invoke(Vector512<ulong> accumulator, Vector512<ulong> a, Vector512<ulong> b, Vector512<ulong> x) =>
            Vector512.Min(accumulator, (a * x) + b);
    }
}

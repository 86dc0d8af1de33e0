using System.Runtime.Intrinsics;

namespace Dedup.Kernels;

/// <summary>The bit accumulation of SimHash.</summary>
internal static class SimHashKernel
{
    /// <summary>
    /// For every feature <c>f</c> and every bit <c>j</c> in 0..63: <c>accumulator[j] += bit j of features[f] set ? w : -w</c>,
    /// where <c>w = weights[f]</c>, or 1 when <paramref name="weights"/> is empty. Each lane sums in feature order,
    /// so every width gives bit-identical results.
    /// </summary>
    /// <remarks>
    /// Vectorized across the 64 bits: the accumulators stay in registers while the features stream past. Lanes
    /// add exactly what the scalar reference adds, in the same order, with no fused multiply-add, so results are
    /// bit-identical (only the sign and payload of a NaN, which the JIT may pick from either operand, are not
    /// pinned). A <paramref name="weights"/> that overlaps <paramref name="accumulator"/> falls back to
    /// <see cref="AccumulateScalar"/>.
    /// </remarks>
    public static void Accumulate(
        ReadOnlySpan<ulong> features,
        ReadOnlySpan<float> weights,
        Span<float> accumulator,
        KernelWidth width = KernelWidth.Auto)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(accumulator.Length, 64);
        if (!weights.IsEmpty)
        {
            ArgumentOutOfRangeException.ThrowIfNotEqual(weights.Length, features.Length);
        }

        if (weights.Overlaps(accumulator))
        {
            AccumulateScalar(features, weights, accumulator);
            return;
        }

        KernelDriver.FoldBitsIntoLanes<SignedWeightOperator>(features, weights, accumulator, width);
    }

    /// <summary>The scalar reference that every vector path must equal.</summary>
    public static void AccumulateScalar(ReadOnlySpan<ulong> features, ReadOnlySpan<float> weights, Span<float> accumulator)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(accumulator.Length, 64);
        if (!weights.IsEmpty)
        {
            ArgumentOutOfRangeException.ThrowIfNotEqual(weights.Length, features.Length);
        }

        for (int f = 0; f < features.Length; f++)
        {
            ulong h = features[f];
            float w = weights.IsEmpty ? 1f : weights[f];
            for (int j = 0; j < 64; j++)
            {
                accumulator[j] += ((h >> j) & 1) != 0 ? w : -w;
            }
        }
    }

    /// <summary><c>Invoke(acc, set, w, -w) = acc + (set ? w : -w)</c> at every width.</summary>
    private readonly struct SignedWeightOperator : IBitLaneOperator
    {
        /// <inheritdoc/>
        public static float Invoke(float accumulator, bool set, float onSet, float onClear) =>
            accumulator + (set ? onSet : onClear);

        /// <inheritdoc/>
        public static Vector128<float> Invoke(Vector128<float> accumulator, Vector128<float> set, Vector128<float> onSet, Vector128<float> onClear) =>
            accumulator + Vector128.ConditionalSelect(set, onSet, onClear);

        /// <inheritdoc/>
        public static Vector256<float> Invoke(Vector256<float> accumulator, Vector256<float> set, Vector256<float> onSet, Vector256<float> onClear) =>
            accumulator + Vector256.ConditionalSelect(set, onSet, onClear);

        /// <inheritdoc/>
        public static Vector512<float> Invoke(Vector512<float> accumulator, Vector512<float> set, Vector512<float> onSet, Vector512<float> onClear) =>
            accumulator + Vector512.ConditionalSelect(set, onSet, onClear);
    }
}

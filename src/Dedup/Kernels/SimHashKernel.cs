namespace Dedup.Kernels;

/// <summary>The bit accumulation of SimHash.</summary>
internal static class SimHashKernel
{
    /// <summary>
    /// For every feature <c>f</c> and every bit <c>j</c> in 0..63: <c>accumulator[j] += bit j of features[f] set ? w : -w</c>,
    /// where <c>w = weights[f]</c>, or 1 when <paramref name="weights"/> is empty. Each lane sums in feature order,
    /// so every width gives bit-identical results.
    /// </summary>
    public static void Accumulate(
        ReadOnlySpan<ulong> features,
        ReadOnlySpan<float> weights,
        Span<float> accumulator,
        KernelWidth width = KernelWidth.Auto)
    {
        _ = width;
        AccumulateScalar(features, weights, accumulator);
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
}

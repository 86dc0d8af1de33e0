namespace Dedup.Kernels;

/// <summary>Element-wise 64-bit finalizer (MurmurHash3 fmix64) of seeded values.</summary>
internal static class HashMixKernel
{
    /// <summary><c>output[i] = Mix(input[i] ^ seed)</c> for every i.</summary>
    public static void Mix(ReadOnlySpan<ulong> input, ulong seed, Span<ulong> output, KernelWidth width = KernelWidth.Auto)
    {
        _ = width;
        MixScalar(input, seed, output);
    }

    /// <summary>The scalar reference that every vector path must equal.</summary>
    public static void MixScalar(ReadOnlySpan<ulong> input, ulong seed, Span<ulong> output)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(output.Length, input.Length);
        for (int i = 0; i < input.Length; i++)
        {
            output[i] = Mix(input[i] ^ seed);
        }
    }

    /// <summary>MurmurHash3's fmix64 finalizer: a bijection on 64-bit values with full avalanche.</summary>
    public static ulong Mix(ulong x)
    {
        unchecked
        {
            x ^= x >> 33;
            x *= 0xff51afd7ed558ccdUL;
            x ^= x >> 33;
            x *= 0xc4ceb9fe1a85ec53UL;
            x ^= x >> 33;
            return x;
        }
    }
}

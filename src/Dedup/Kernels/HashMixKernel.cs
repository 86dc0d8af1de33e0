using System.Runtime.Intrinsics;

namespace Dedup.Kernels;

/// <summary>Element-wise 64-bit finalizer (MurmurHash3 fmix64) of seeded values.</summary>
internal static class HashMixKernel
{
    /// <summary><c>output[i] = Mix(input[i] ^ seed)</c> for every i.</summary>
    /// <remarks>
    /// Vectorized across elements. <paramref name="output"/> may be <paramref name="input"/> itself (in place);
    /// partially overlapping spans fall back to <see cref="MixScalar"/>.
    /// </remarks>
    public static void Mix(ReadOnlySpan<ulong> input, ulong seed, Span<ulong> output, KernelWidth width = KernelWidth.Auto)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(output.Length, input.Length);
        if (input.Overlaps(output, out int offset) && offset != 0)
        {
            MixScalar(input, seed, output);
            return;
        }

        KernelDriver.SpanScalarIntoSpan<ulong, MixOperator>(input, seed, output, width);
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

    /// <summary><c>Invoke(x, seed) = Mix(x ^ seed)</c> at every width.</summary>
    internal readonly struct MixOperator : IBinaryOperator<ulong>
    {
        private const ulong C1 = 0xff51afd7ed558ccdUL;
        private const ulong C2 = 0xc4ceb9fe1a85ec53UL;

        /// <inheritdoc/>
        public static ulong Invoke(ulong x, ulong seed) => Mix(x ^ seed);

        /// <inheritdoc/>
        public static Vector128<ulong> Invoke(Vector128<ulong> x, Vector128<ulong> seed)
        {
            x ^= seed;
            x ^= Vector128.ShiftRightLogical(x, 33);
            x *= Vector128.Create(C1);
            x ^= Vector128.ShiftRightLogical(x, 33);
            x *= Vector128.Create(C2);
            x ^= Vector128.ShiftRightLogical(x, 33);
            return x;
        }

        /// <inheritdoc/>
        public static Vector256<ulong> Invoke(Vector256<ulong> x, Vector256<ulong> seed)
        {
            x ^= seed;
            x ^= Vector256.ShiftRightLogical(x, 33);
            x *= Vector256.Create(C1);
            x ^= Vector256.ShiftRightLogical(x, 33);
            x *= Vector256.Create(C2);
            x ^= Vector256.ShiftRightLogical(x, 33);
            return x;
        }

        /// <inheritdoc/>
        public static Vector512<ulong> Invoke(Vector512<ulong> x, Vector512<ulong> seed)
        {
            x ^= seed;
            x ^= Vector512.ShiftRightLogical(x, 33);
            x *= Vector512.Create(C1);
            x ^= Vector512.ShiftRightLogical(x, 33);
            x *= Vector512.Create(C2);
            x ^= Vector512.ShiftRightLogical(x, 33);
            return x;
        }
    }
}

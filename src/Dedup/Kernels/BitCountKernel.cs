using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Dedup.Kernels;

/// <summary>
/// Per-bit population counts of 64-bit values: <c>counts[j] += the number of values with bit j set</c>. Unweighted
/// SimHash needs only these counts (bit j of the fingerprint is set when more than half of the features have it).
/// </summary>
/// <remarks>
/// The vector paths put 2, 4 or 8 values side by side in one <see cref="Vector128{T}"/>, <see cref="Vector256{T}"/> or
/// <see cref="Vector512{T}"/> of bytes and keep eight vectors of byte counters, one per bit of a byte (shift, mask,
/// add: three operations per vector and bit). The byte counters are added into <c>counts</c> before they can
/// overflow (every 255 steps) and at the end; values left over after the last whole vector are counted by the scalar
/// reference. Integer counts are exact, so every width gives the reference's counts.
/// </remarks>
internal static class BitCountKernel
{
    /// <summary>Steps of byte counters between two flushes: a byte counter gains at most one a step.</summary>
    private const int FlushSteps = 255;

    /// <summary>Adds to <c>counts[j]</c> (64 of them) the number of <paramref name="values"/> with bit j set.</summary>
    public static void Count(ReadOnlySpan<ulong> values, Span<int> counts, KernelWidth width = KernelWidth.Auto)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(counts.Length, 64);
        // The byte-to-bit mapping of the vector paths holds on little-endian machines.
        // The vector paths' spill buffer is on the stack of this method, which has no loop, so that the JIT compiles
        // them at tier 0 on first use (docs/architecture.md, "First calls").
        int done = (BitConverter.IsLittleEndian ? KernelDriver.Resolve(width) : KernelWidth.Scalar) switch
        {
            KernelWidth.Vector512 => Count512(values, counts, stackalloc byte[8 * 64]),
            KernelWidth.Vector256 => Count256(values, counts, stackalloc byte[8 * 32]),
            KernelWidth.Vector128 => Count128(values, counts, stackalloc byte[8 * 16]),
            _ => 0,
        };
        CountScalar(values[done..], counts);
    }

    /// <summary>The scalar reference that every vector path must equal.</summary>
    public static void CountScalar(ReadOnlySpan<ulong> values, Span<int> counts)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(counts.Length, 64);
        foreach (ulong v in values)
        {
            for (int j = 0; j < 64; j++)
            {
                counts[j] += (int)((v >> j) & 1);
            }
        }
    }

    /// <summary>
    /// Adds byte counters into <paramref name="counts"/>: byte i of counter k counts bit k of byte (i % 8) of the
    /// values, that is bit 8·(i % 8) + k.
    /// </summary>
    private static void Flush(ReadOnlySpan<byte> counters, int lanes, Span<int> counts)
    {
        for (int k = 0; k < 8; k++)
        {
            ReadOnlySpan<byte> counter = counters.Slice(k * lanes, lanes);
            for (int i = 0; i < lanes; i++)
            {
                counts[(8 * (i & 7)) + k] += counter[i];
            }
        }
    }

    private static int Count256(ReadOnlySpan<ulong> values, Span<int> counts, Span<byte> spill)
    {
        const int PerVector = 4;
        int whole = values.Length / PerVector * PerVector;
        if (whole == 0)
        {
            return 0;
        }

        ref ulong origin = ref MemoryMarshal.GetReference(values);
        Vector256<byte> one = Vector256.Create((byte)1);
        for (int start = 0; start < whole;)
        {
            int end = Math.Min(whole, start + (FlushSteps * PerVector));
            Vector256<byte> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
            for (; start < end; start += PerVector)
            {
                Vector256<ushort> v = Vector256.LoadUnsafe(ref origin, (nuint)start).AsUInt16();
                c0 += v.AsByte() & one;
                c1 += Vector256.ShiftRightLogical(v, 1).AsByte() & one;
                c2 += Vector256.ShiftRightLogical(v, 2).AsByte() & one;
                c3 += Vector256.ShiftRightLogical(v, 3).AsByte() & one;
                c4 += Vector256.ShiftRightLogical(v, 4).AsByte() & one;
                c5 += Vector256.ShiftRightLogical(v, 5).AsByte() & one;
                c6 += Vector256.ShiftRightLogical(v, 6).AsByte() & one;
                c7 += Vector256.ShiftRightLogical(v, 7).AsByte() & one;
            }

            ref byte s = ref MemoryMarshal.GetReference(spill);
            c0.StoreUnsafe(ref s, 0);
            c1.StoreUnsafe(ref s, 32);
            c2.StoreUnsafe(ref s, 64);
            c3.StoreUnsafe(ref s, 96);
            c4.StoreUnsafe(ref s, 128);
            c5.StoreUnsafe(ref s, 160);
            c6.StoreUnsafe(ref s, 192);
            c7.StoreUnsafe(ref s, 224);
            Flush(spill, 32, counts);
        }

        return whole;
    }

    private static int Count128(ReadOnlySpan<ulong> values, Span<int> counts, Span<byte> spill)
    {
        const int PerVector = 2;
        int whole = values.Length / PerVector * PerVector;
        if (whole == 0)
        {
            return 0;
        }

        ref ulong origin = ref MemoryMarshal.GetReference(values);
        Vector128<byte> one = Vector128.Create((byte)1);
        for (int start = 0; start < whole;)
        {
            int end = Math.Min(whole, start + (FlushSteps * PerVector));
            Vector128<byte> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
            for (; start < end; start += PerVector)
            {
                Vector128<ushort> v = Vector128.LoadUnsafe(ref origin, (nuint)start).AsUInt16();
                c0 += v.AsByte() & one;
                c1 += Vector128.ShiftRightLogical(v, 1).AsByte() & one;
                c2 += Vector128.ShiftRightLogical(v, 2).AsByte() & one;
                c3 += Vector128.ShiftRightLogical(v, 3).AsByte() & one;
                c4 += Vector128.ShiftRightLogical(v, 4).AsByte() & one;
                c5 += Vector128.ShiftRightLogical(v, 5).AsByte() & one;
                c6 += Vector128.ShiftRightLogical(v, 6).AsByte() & one;
                c7 += Vector128.ShiftRightLogical(v, 7).AsByte() & one;
            }

            ref byte s = ref MemoryMarshal.GetReference(spill);
            c0.StoreUnsafe(ref s, 0);
            c1.StoreUnsafe(ref s, 16);
            c2.StoreUnsafe(ref s, 32);
            c3.StoreUnsafe(ref s, 48);
            c4.StoreUnsafe(ref s, 64);
            c5.StoreUnsafe(ref s, 80);
            c6.StoreUnsafe(ref s, 96);
            c7.StoreUnsafe(ref s, 112);
            Flush(spill, 16, counts);
        }

        return whole;
    }

    private static int Count512(ReadOnlySpan<ulong> values, Span<int> counts, Span<byte> spill)
    {
        const int PerVector = 8;
        int whole = values.Length / PerVector * PerVector;
        if (whole == 0)
        {
            return 0;
        }

        ref ulong origin = ref MemoryMarshal.GetReference(values);
        Vector512<byte> one = Vector512.Create((byte)1);
        for (int start = 0; start < whole;)
        {
            int end = Math.Min(whole, start + (FlushSteps * PerVector));
            Vector512<byte> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
            for (; start < end; start += PerVector)
            {
                Vector512<ushort> v = Vector512.LoadUnsafe(ref origin, (nuint)start).AsUInt16();
                c0 += v.AsByte() & one;
                c1 += Vector512.ShiftRightLogical(v, 1).AsByte() & one;
                c2 += Vector512.ShiftRightLogical(v, 2).AsByte() & one;
                c3 += Vector512.ShiftRightLogical(v, 3).AsByte() & one;
                c4 += Vector512.ShiftRightLogical(v, 4).AsByte() & one;
                c5 += Vector512.ShiftRightLogical(v, 5).AsByte() & one;
                c6 += Vector512.ShiftRightLogical(v, 6).AsByte() & one;
                c7 += Vector512.ShiftRightLogical(v, 7).AsByte() & one;
            }

            ref byte s = ref MemoryMarshal.GetReference(spill);
            c0.StoreUnsafe(ref s, 0);
            c1.StoreUnsafe(ref s, 64);
            c2.StoreUnsafe(ref s, 128);
            c3.StoreUnsafe(ref s, 192);
            c4.StoreUnsafe(ref s, 256);
            c5.StoreUnsafe(ref s, 320);
            c6.StoreUnsafe(ref s, 384);
            c7.StoreUnsafe(ref s, 448);
            Flush(spill, 64, counts);
        }

        return whole;
    }
}

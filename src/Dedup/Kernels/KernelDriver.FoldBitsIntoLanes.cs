using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Dedup.Kernels;

/// <summary>
/// One step of a per-bit fold over 64 float lanes: <c>accumulator = f(accumulator, set, onSet, onClear)</c>, where
/// <c>set</c> says whether the lane's bit is set in the current item (all-ones lanes in the vector forms).
/// </summary>
internal interface IBitLaneOperator
{
    /// <summary>The scalar form; every vector form must equal it lane by lane.</summary>
    static abstract float Invoke(float accumulator, bool set, float onSet, float onClear);

    /// <summary>The <see cref="Vector128{T}"/> form; <paramref name="set"/> lanes are all-ones or all-zeros.</summary>
    static abstract Vector128<float> Invoke(Vector128<float> accumulator, Vector128<float> set, Vector128<float> onSet, Vector128<float> onClear);

    /// <summary>The <see cref="Vector256{T}"/> form; <paramref name="set"/> lanes are all-ones or all-zeros.</summary>
    static abstract Vector256<float> Invoke(Vector256<float> accumulator, Vector256<float> set, Vector256<float> onSet, Vector256<float> onClear);

    /// <summary>The <see cref="Vector512{T}"/> form; <paramref name="set"/> lanes are all-ones or all-zeros.</summary>
    static abstract Vector512<float> Invoke(Vector512<float> accumulator, Vector512<float> set, Vector512<float> onSet, Vector512<float> onClear);
}

/// <summary>
/// Shape 4, the 64 bits of each item folded into 64 float lanes. Its one user is <see cref="SimHashKernel"/>.
/// </summary>
internal static partial class KernelDriver
{
    /// <summary>Lane j tests bit j of its 32-bit half of an item: <c>1u &lt;&lt; (j % 32)</c>.</summary>
    private static ReadOnlySpan<uint> BitMasks =>
    [
        1u << 0, 1u << 1, 1u << 2, 1u << 3, 1u << 4, 1u << 5, 1u << 6, 1u << 7,
        1u << 8, 1u << 9, 1u << 10, 1u << 11, 1u << 12, 1u << 13, 1u << 14, 1u << 15,
        1u << 16, 1u << 17, 1u << 18, 1u << 19, 1u << 20, 1u << 21, 1u << 22, 1u << 23,
        1u << 24, 1u << 25, 1u << 26, 1u << 27, 1u << 28, 1u << 29, 1u << 30, 1u << 31,
        1u << 0, 1u << 1, 1u << 2, 1u << 3, 1u << 4, 1u << 5, 1u << 6, 1u << 7,
        1u << 8, 1u << 9, 1u << 10, 1u << 11, 1u << 12, 1u << 13, 1u << 14, 1u << 15,
        1u << 16, 1u << 17, 1u << 18, 1u << 19, 1u << 20, 1u << 21, 1u << 22, 1u << 23,
        1u << 24, 1u << 25, 1u << 26, 1u << 27, 1u << 28, 1u << 29, 1u << 30, 1u << 31,
    ];

    /// <summary>
    /// For every item f, in order, and every bit j in 0..63:
    /// <c>accumulators[j] = TOp.Invoke(accumulators[j], bit j of items[f] set, w, -w)</c>, where
    /// <c>w = weights[f]</c>, or 1 when <paramref name="weights"/> is empty. <paramref name="accumulators"/> must
    /// hold exactly 64 lanes and not overlap <paramref name="weights"/>; a non-empty <paramref name="weights"/>
    /// must be as long as <paramref name="items"/>.
    /// </summary>
    public static void FoldBitsIntoLanes<TOp>(ReadOnlySpan<ulong> items, ReadOnlySpan<float> weights, Span<float> accumulators, KernelWidth width)
        where TOp : IBitLaneOperator
    {
        if (items.IsEmpty)
        {
            return;
        }

        accumulators = accumulators[..64];
        switch (Resolve(width))
        {
            case KernelWidth.Vector512:
                Bits512<TOp>(items, weights, accumulators);
                break;
            case KernelWidth.Vector256:
                Bits256<TOp>(items, weights, accumulators);
                break;
            case KernelWidth.Vector128:
                Bits128<TOp>(items, weights, accumulators);
                break;
            default:
                Bits1<TOp>(items, weights, accumulators);
                break;
        }
    }

    // 64 is a multiple of Block * Count for every width (64, 32 and 16 lanes per block), so there is no tail.
    // The lanes of one vector all lie in one 32-bit half of the item; shiftN selects that half.
    private static void Bits512<TOp>(ReadOnlySpan<ulong> items, ReadOnlySpan<float> weights, Span<float> accumulators)
        where TOp : IBitLaneOperator
    {
        int w = Vector512<float>.Count;
        ref float cRef = ref MemoryMarshal.GetReference(accumulators);
        ref uint mRef = ref MemoryMarshal.GetReference(BitMasks);
        ref float wRef = ref MemoryMarshal.GetReference(weights);
        bool weighted = !weights.IsEmpty;
        for (int lane = 0; lane < 64; lane += Block * w)
        {
            nuint l0 = (nuint)lane, l1 = l0 + (nuint)w, l2 = l1 + (nuint)w, l3 = l2 + (nuint)w;
            int s0 = (int)l0 & 32, s1 = (int)l1 & 32, s2 = (int)l2 & 32, s3 = (int)l3 & 32;
            Vector512<uint> m0 = Vector512.LoadUnsafe(ref mRef, l0), m1 = Vector512.LoadUnsafe(ref mRef, l1);
            Vector512<uint> m2 = Vector512.LoadUnsafe(ref mRef, l2), m3 = Vector512.LoadUnsafe(ref mRef, l3);
            Vector512<float> c0 = Vector512.LoadUnsafe(ref cRef, l0), c1 = Vector512.LoadUnsafe(ref cRef, l1);
            Vector512<float> c2 = Vector512.LoadUnsafe(ref cRef, l2), c3 = Vector512.LoadUnsafe(ref cRef, l3);
            for (int f = 0; f < items.Length; f++)
            {
                ulong h = items[f];
                float wf = weighted ? Unsafe.Add(ref wRef, f) : 1f;
                Vector512<float> on = Vector512.Create(wf), off = Vector512.Create(-wf);
                c0 = TOp.Invoke(c0, Set(h, s0, m0), on, off);
                c1 = TOp.Invoke(c1, Set(h, s1, m1), on, off);
                c2 = TOp.Invoke(c2, Set(h, s2, m2), on, off);
                c3 = TOp.Invoke(c3, Set(h, s3, m3), on, off);
            }

            c0.StoreUnsafe(ref cRef, l0);
            c1.StoreUnsafe(ref cRef, l1);
            c2.StoreUnsafe(ref cRef, l2);
            c3.StoreUnsafe(ref cRef, l3);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static Vector512<float> Set(ulong h, int shift, Vector512<uint> mask) =>
            Vector512.Equals(Vector512.Create((uint)(h >> shift)) & mask, mask).AsSingle();
    }

    private static void Bits256<TOp>(ReadOnlySpan<ulong> items, ReadOnlySpan<float> weights, Span<float> accumulators)
        where TOp : IBitLaneOperator
    {
        int w = Vector256<float>.Count;
        ref float cRef = ref MemoryMarshal.GetReference(accumulators);
        ref uint mRef = ref MemoryMarshal.GetReference(BitMasks);
        ref float wRef = ref MemoryMarshal.GetReference(weights);
        bool weighted = !weights.IsEmpty;
        for (int lane = 0; lane < 64; lane += Block * w)
        {
            nuint l0 = (nuint)lane, l1 = l0 + (nuint)w, l2 = l1 + (nuint)w, l3 = l2 + (nuint)w;
            int s0 = (int)l0 & 32, s1 = (int)l1 & 32, s2 = (int)l2 & 32, s3 = (int)l3 & 32;
            Vector256<uint> m0 = Vector256.LoadUnsafe(ref mRef, l0), m1 = Vector256.LoadUnsafe(ref mRef, l1);
            Vector256<uint> m2 = Vector256.LoadUnsafe(ref mRef, l2), m3 = Vector256.LoadUnsafe(ref mRef, l3);
            Vector256<float> c0 = Vector256.LoadUnsafe(ref cRef, l0), c1 = Vector256.LoadUnsafe(ref cRef, l1);
            Vector256<float> c2 = Vector256.LoadUnsafe(ref cRef, l2), c3 = Vector256.LoadUnsafe(ref cRef, l3);
            for (int f = 0; f < items.Length; f++)
            {
                ulong h = items[f];
                float wf = weighted ? Unsafe.Add(ref wRef, f) : 1f;
                Vector256<float> on = Vector256.Create(wf), off = Vector256.Create(-wf);
                c0 = TOp.Invoke(c0, Set(h, s0, m0), on, off);
                c1 = TOp.Invoke(c1, Set(h, s1, m1), on, off);
                c2 = TOp.Invoke(c2, Set(h, s2, m2), on, off);
                c3 = TOp.Invoke(c3, Set(h, s3, m3), on, off);
            }

            c0.StoreUnsafe(ref cRef, l0);
            c1.StoreUnsafe(ref cRef, l1);
            c2.StoreUnsafe(ref cRef, l2);
            c3.StoreUnsafe(ref cRef, l3);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static Vector256<float> Set(ulong h, int shift, Vector256<uint> mask) =>
            Vector256.Equals(Vector256.Create((uint)(h >> shift)) & mask, mask).AsSingle();
    }

    private static void Bits128<TOp>(ReadOnlySpan<ulong> items, ReadOnlySpan<float> weights, Span<float> accumulators)
        where TOp : IBitLaneOperator
    {
        int w = Vector128<float>.Count;
        ref float cRef = ref MemoryMarshal.GetReference(accumulators);
        ref uint mRef = ref MemoryMarshal.GetReference(BitMasks);
        ref float wRef = ref MemoryMarshal.GetReference(weights);
        bool weighted = !weights.IsEmpty;
        for (int lane = 0; lane < 64; lane += Block * w)
        {
            nuint l0 = (nuint)lane, l1 = l0 + (nuint)w, l2 = l1 + (nuint)w, l3 = l2 + (nuint)w;
            int s0 = (int)l0 & 32, s1 = (int)l1 & 32, s2 = (int)l2 & 32, s3 = (int)l3 & 32;
            Vector128<uint> m0 = Vector128.LoadUnsafe(ref mRef, l0), m1 = Vector128.LoadUnsafe(ref mRef, l1);
            Vector128<uint> m2 = Vector128.LoadUnsafe(ref mRef, l2), m3 = Vector128.LoadUnsafe(ref mRef, l3);
            Vector128<float> c0 = Vector128.LoadUnsafe(ref cRef, l0), c1 = Vector128.LoadUnsafe(ref cRef, l1);
            Vector128<float> c2 = Vector128.LoadUnsafe(ref cRef, l2), c3 = Vector128.LoadUnsafe(ref cRef, l3);
            for (int f = 0; f < items.Length; f++)
            {
                ulong h = items[f];
                float wf = weighted ? Unsafe.Add(ref wRef, f) : 1f;
                Vector128<float> on = Vector128.Create(wf), off = Vector128.Create(-wf);
                c0 = TOp.Invoke(c0, Set(h, s0, m0), on, off);
                c1 = TOp.Invoke(c1, Set(h, s1, m1), on, off);
                c2 = TOp.Invoke(c2, Set(h, s2, m2), on, off);
                c3 = TOp.Invoke(c3, Set(h, s3, m3), on, off);
            }

            c0.StoreUnsafe(ref cRef, l0);
            c1.StoreUnsafe(ref cRef, l1);
            c2.StoreUnsafe(ref cRef, l2);
            c3.StoreUnsafe(ref cRef, l3);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static Vector128<float> Set(ulong h, int shift, Vector128<uint> mask) =>
            Vector128.Equals(Vector128.Create((uint)(h >> shift)) & mask, mask).AsSingle();
    }

    private static void Bits1<TOp>(ReadOnlySpan<ulong> items, ReadOnlySpan<float> weights, Span<float> accumulators)
        where TOp : IBitLaneOperator
    {
        for (int j = 0; j < 64; j++)
        {
            float acc = accumulators[j];
            for (int f = 0; f < items.Length; f++)
            {
                float wf = weights.IsEmpty ? 1f : weights[f];
                acc = TOp.Invoke(acc, ((items[f] >> j) & 1) != 0, wf, -wf);
            }

            accumulators[j] = acc;
        }
    }
}

using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Dedup.Kernels;

/// <summary>
/// One step of a per-lane fold: <c>accumulator = f(accumulator, a, b, x)</c>, where <c>a</c> and <c>b</c> are
/// constants of the lane and <c>x</c> is the current stream item, the same for every lane.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
internal interface ILaneFoldOperator<T>
{
    /// <summary>The scalar form; every vector form must equal it lane by lane.</summary>
    static abstract T Invoke(T accumulator, T a, T b, T x);

    /// <summary>The <see cref="Vector128{T}"/> form.</summary>
    static abstract Vector128<T> Invoke(Vector128<T> accumulator, Vector128<T> a, Vector128<T> b, Vector128<T> x);

    /// <summary>The <see cref="Vector256{T}"/> form.</summary>
    static abstract Vector256<T> Invoke(Vector256<T> accumulator, Vector256<T> a, Vector256<T> b, Vector256<T> x);

    /// <summary>The <see cref="Vector512{T}"/> form.</summary>
    static abstract Vector512<T> Invoke(Vector512<T> accumulator, Vector512<T> a, Vector512<T> b, Vector512<T> x);
}

/// <summary>
/// Shape 3, a broadcast stream folded into per-lane accumulators with per-lane constants. Its one user is
/// <see cref="MinHashKernel"/>.
/// </summary>
internal static partial class KernelDriver
{
    /// <summary>
    /// For every lane i and every item x of <paramref name="items"/>, in order:
    /// <c>accumulators[i] = TOp.Invoke(accumulators[i], a[i], b[i], x)</c>. <paramref name="a"/> and
    /// <paramref name="b"/> must be as long as <paramref name="accumulators"/>, which must not overlap the inputs.
    /// Accumulators are kept in registers, <see cref="Block"/> vectors at a time, while the items stream past.
    /// </summary>
    public static void FoldIntoLanes<T, TOp>(ReadOnlySpan<T> items, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> accumulators, KernelWidth width)
        where TOp : ILaneFoldOperator<T>
    {
        if (items.IsEmpty)
        {
            return;
        }

        switch (Resolve(width))
        {
            case KernelWidth.Vector512:
                Fold512<T, TOp>(items, a, b, accumulators);
                break;
            case KernelWidth.Vector256:
                Fold256<T, TOp>(items, a, b, accumulators, 0);
                break;
            case KernelWidth.Vector128:
                Fold128<T, TOp>(items, a, b, accumulators, 0);
                break;
            default:
                Fold1<T, TOp>(items, a, b, accumulators, 0);
                break;
        }
    }

    private static void Fold512<T, TOp>(ReadOnlySpan<T> items, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> accumulators)
        where TOp : ILaneFoldOperator<T>
    {
        int k = accumulators.Length;
        int w = Vector512<T>.Count;
        ref T aRef = ref MemoryMarshal.GetReference(a);
        ref T bRef = ref MemoryMarshal.GetReference(b);
        ref T cRef = ref MemoryMarshal.GetReference(accumulators);
        int lane = 0;
        for (; lane <= k - (Block * w); lane += Block * w)
        {
            nuint l0 = (nuint)lane, l1 = l0 + (nuint)w, l2 = l1 + (nuint)w, l3 = l2 + (nuint)w;
            Vector512<T> a0 = Vector512.LoadUnsafe(ref aRef, l0), a1 = Vector512.LoadUnsafe(ref aRef, l1);
            Vector512<T> a2 = Vector512.LoadUnsafe(ref aRef, l2), a3 = Vector512.LoadUnsafe(ref aRef, l3);
            Vector512<T> b0 = Vector512.LoadUnsafe(ref bRef, l0), b1 = Vector512.LoadUnsafe(ref bRef, l1);
            Vector512<T> b2 = Vector512.LoadUnsafe(ref bRef, l2), b3 = Vector512.LoadUnsafe(ref bRef, l3);
            Vector512<T> c0 = Vector512.LoadUnsafe(ref cRef, l0), c1 = Vector512.LoadUnsafe(ref cRef, l1);
            Vector512<T> c2 = Vector512.LoadUnsafe(ref cRef, l2), c3 = Vector512.LoadUnsafe(ref cRef, l3);
            foreach (T item in items)
            {
                Vector512<T> x = Vector512.Create(item);
                c0 = TOp.Invoke(c0, a0, b0, x);
                c1 = TOp.Invoke(c1, a1, b1, x);
                c2 = TOp.Invoke(c2, a2, b2, x);
                c3 = TOp.Invoke(c3, a3, b3, x);
            }

            c0.StoreUnsafe(ref cRef, l0);
            c1.StoreUnsafe(ref cRef, l1);
            c2.StoreUnsafe(ref cRef, l2);
            c3.StoreUnsafe(ref cRef, l3);
        }

        for (; lane <= k - w; lane += w)
        {
            Vector512<T> a0 = Vector512.LoadUnsafe(ref aRef, (nuint)lane);
            Vector512<T> b0 = Vector512.LoadUnsafe(ref bRef, (nuint)lane);
            Vector512<T> c0 = Vector512.LoadUnsafe(ref cRef, (nuint)lane);
            foreach (T item in items)
            {
                c0 = TOp.Invoke(c0, a0, b0, Vector512.Create(item));
            }

            c0.StoreUnsafe(ref cRef, (nuint)lane);
        }

        Fold256<T, TOp>(items, a, b, accumulators, lane);
    }

    private static void Fold256<T, TOp>(ReadOnlySpan<T> items, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> accumulators, int lane)
        where TOp : ILaneFoldOperator<T>
    {
        int k = accumulators.Length;
        int w = Vector256<T>.Count;
        ref T aRef = ref MemoryMarshal.GetReference(a);
        ref T bRef = ref MemoryMarshal.GetReference(b);
        ref T cRef = ref MemoryMarshal.GetReference(accumulators);
        for (; lane <= k - (Block * w); lane += Block * w)
        {
            nuint l0 = (nuint)lane, l1 = l0 + (nuint)w, l2 = l1 + (nuint)w, l3 = l2 + (nuint)w;
            Vector256<T> a0 = Vector256.LoadUnsafe(ref aRef, l0), a1 = Vector256.LoadUnsafe(ref aRef, l1);
            Vector256<T> a2 = Vector256.LoadUnsafe(ref aRef, l2), a3 = Vector256.LoadUnsafe(ref aRef, l3);
            Vector256<T> b0 = Vector256.LoadUnsafe(ref bRef, l0), b1 = Vector256.LoadUnsafe(ref bRef, l1);
            Vector256<T> b2 = Vector256.LoadUnsafe(ref bRef, l2), b3 = Vector256.LoadUnsafe(ref bRef, l3);
            Vector256<T> c0 = Vector256.LoadUnsafe(ref cRef, l0), c1 = Vector256.LoadUnsafe(ref cRef, l1);
            Vector256<T> c2 = Vector256.LoadUnsafe(ref cRef, l2), c3 = Vector256.LoadUnsafe(ref cRef, l3);
            foreach (T item in items)
            {
                Vector256<T> x = Vector256.Create(item);
                c0 = TOp.Invoke(c0, a0, b0, x);
                c1 = TOp.Invoke(c1, a1, b1, x);
                c2 = TOp.Invoke(c2, a2, b2, x);
                c3 = TOp.Invoke(c3, a3, b3, x);
            }

            c0.StoreUnsafe(ref cRef, l0);
            c1.StoreUnsafe(ref cRef, l1);
            c2.StoreUnsafe(ref cRef, l2);
            c3.StoreUnsafe(ref cRef, l3);
        }

        for (; lane <= k - w; lane += w)
        {
            Vector256<T> a0 = Vector256.LoadUnsafe(ref aRef, (nuint)lane);
            Vector256<T> b0 = Vector256.LoadUnsafe(ref bRef, (nuint)lane);
            Vector256<T> c0 = Vector256.LoadUnsafe(ref cRef, (nuint)lane);
            foreach (T item in items)
            {
                c0 = TOp.Invoke(c0, a0, b0, Vector256.Create(item));
            }

            c0.StoreUnsafe(ref cRef, (nuint)lane);
        }

        Fold128<T, TOp>(items, a, b, accumulators, lane);
    }

    private static void Fold128<T, TOp>(ReadOnlySpan<T> items, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> accumulators, int lane)
        where TOp : ILaneFoldOperator<T>
    {
        int k = accumulators.Length;
        int w = Vector128<T>.Count;
        ref T aRef = ref MemoryMarshal.GetReference(a);
        ref T bRef = ref MemoryMarshal.GetReference(b);
        ref T cRef = ref MemoryMarshal.GetReference(accumulators);
        for (; lane <= k - (Block * w); lane += Block * w)
        {
            nuint l0 = (nuint)lane, l1 = l0 + (nuint)w, l2 = l1 + (nuint)w, l3 = l2 + (nuint)w;
            Vector128<T> a0 = Vector128.LoadUnsafe(ref aRef, l0), a1 = Vector128.LoadUnsafe(ref aRef, l1);
            Vector128<T> a2 = Vector128.LoadUnsafe(ref aRef, l2), a3 = Vector128.LoadUnsafe(ref aRef, l3);
            Vector128<T> b0 = Vector128.LoadUnsafe(ref bRef, l0), b1 = Vector128.LoadUnsafe(ref bRef, l1);
            Vector128<T> b2 = Vector128.LoadUnsafe(ref bRef, l2), b3 = Vector128.LoadUnsafe(ref bRef, l3);
            Vector128<T> c0 = Vector128.LoadUnsafe(ref cRef, l0), c1 = Vector128.LoadUnsafe(ref cRef, l1);
            Vector128<T> c2 = Vector128.LoadUnsafe(ref cRef, l2), c3 = Vector128.LoadUnsafe(ref cRef, l3);
            foreach (T item in items)
            {
                Vector128<T> x = Vector128.Create(item);
                c0 = TOp.Invoke(c0, a0, b0, x);
                c1 = TOp.Invoke(c1, a1, b1, x);
                c2 = TOp.Invoke(c2, a2, b2, x);
                c3 = TOp.Invoke(c3, a3, b3, x);
            }

            c0.StoreUnsafe(ref cRef, l0);
            c1.StoreUnsafe(ref cRef, l1);
            c2.StoreUnsafe(ref cRef, l2);
            c3.StoreUnsafe(ref cRef, l3);
        }

        for (; lane <= k - w; lane += w)
        {
            Vector128<T> a0 = Vector128.LoadUnsafe(ref aRef, (nuint)lane);
            Vector128<T> b0 = Vector128.LoadUnsafe(ref bRef, (nuint)lane);
            Vector128<T> c0 = Vector128.LoadUnsafe(ref cRef, (nuint)lane);
            foreach (T item in items)
            {
                c0 = TOp.Invoke(c0, a0, b0, Vector128.Create(item));
            }

            c0.StoreUnsafe(ref cRef, (nuint)lane);
        }

        Fold1<T, TOp>(items, a, b, accumulators, lane);
    }

    private static void Fold1<T, TOp>(ReadOnlySpan<T> items, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> accumulators, int lane)
        where TOp : ILaneFoldOperator<T>
    {
        for (; lane < accumulators.Length; lane++)
        {
            T acc = accumulators[lane];
            T ai = a[lane];
            T bi = b[lane];
            foreach (T item in items)
            {
                acc = TOp.Invoke(acc, ai, bi, item);
            }

            accumulators[lane] = acc;
        }
    }
}

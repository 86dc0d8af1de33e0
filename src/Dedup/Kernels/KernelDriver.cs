using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Dedup.Kernels;

/// <summary>An element-wise operation on two operands, at every width.</summary>
/// <typeparam name="T">The element type.</typeparam>
internal interface IBinaryOperator<T>
{
    /// <summary>The scalar form; every vector form must equal it lane by lane.</summary>
    static abstract T Invoke(T x, T y);

    /// <summary>The <see cref="Vector128{T}"/> form.</summary>
    static abstract Vector128<T> Invoke(Vector128<T> x, Vector128<T> y);

    /// <summary>The <see cref="Vector256{T}"/> form.</summary>
    static abstract Vector256<T> Invoke(Vector256<T> x, Vector256<T> y);

    /// <summary>The <see cref="Vector512{T}"/> form.</summary>
    static abstract Vector512<T> Invoke(Vector512<T> x, Vector512<T> y);
}

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
/// The loop drivers shared by all kernels: one per loop shape. Each owns width selection, tails and the
/// blocking of accumulators; the operators only say what happens to one element or vector.
/// </summary>
/// <remarks>
/// Tails: an element-wise shape finishes with an overlapping last vector, computed before the first store so
/// that identical input and output spans stay correct; a lane shape hands its leftover lanes to the next
/// narrower width, down to scalar. A forced width runs even where it is not accelerated (.NET emulates it).
/// Callers validate arguments and handle partially overlapping spans themselves.
/// </remarks>
internal static class KernelDriver
{
    /// <summary>The number of vectors of accumulators a lane shape keeps in registers at once.</summary>
    private const int Block = 4;

    /// <summary>Maps <see cref="KernelWidth.Auto"/> to the widest accelerated width; other widths map to themselves.</summary>
    public static KernelWidth Resolve(KernelWidth width) => width switch
    {
        KernelWidth.Auto when Vector512.IsHardwareAccelerated => KernelWidth.Vector512,
        KernelWidth.Auto when Vector256.IsHardwareAccelerated => KernelWidth.Vector256,
        KernelWidth.Auto when Vector128.IsHardwareAccelerated => KernelWidth.Vector128,
        KernelWidth.Auto => KernelWidth.Scalar,
        KernelWidth.Scalar or KernelWidth.Vector128 or KernelWidth.Vector256 or KernelWidth.Vector512 => width,
        _ => throw new ArgumentOutOfRangeException(nameof(width), width, "Unknown kernel width."),
    };

    // ---------------------------------------------------------------------------------------------------------
    // Shape 1: destination[i] = TOp(x[i], y), y broadcast.
    // ---------------------------------------------------------------------------------------------------------

    /// <summary>
    /// <c>destination[i] = TOp.Invoke(x[i], y)</c> for i in 0..x.Length-1. <paramref name="destination"/> must be at
    /// least as long as <paramref name="x"/> and either identical to it or not overlap it.
    /// </summary>
    public static void SpanScalarIntoSpan<T, TOp>(ReadOnlySpan<T> x, T y, Span<T> destination, KernelWidth width)
        where TOp : IBinaryOperator<T>
    {
        destination = destination[..x.Length];
        switch (Resolve(width))
        {
            case KernelWidth.Vector512:
                SpanScalar512<T, TOp>(x, y, destination);
                break;
            case KernelWidth.Vector256:
                SpanScalar256<T, TOp>(x, y, destination);
                break;
            case KernelWidth.Vector128:
                SpanScalar128<T, TOp>(x, y, destination);
                break;
            default:
                SpanScalar1<T, TOp>(x, y, destination, 0);
                break;
        }
    }

    private static void SpanScalar512<T, TOp>(ReadOnlySpan<T> x, T y, Span<T> destination)
        where TOp : IBinaryOperator<T>
    {
        int n = x.Length;
        int w = Vector512<T>.Count;
        if (n < w)
        {
            SpanScalar256<T, TOp>(x, y, destination);
            return;
        }

        ref T xRef = ref MemoryMarshal.GetReference(x);
        ref T dRef = ref MemoryMarshal.GetReference(destination);
        Vector512<T> yv = Vector512.Create(y);
        nuint lastAt = (nuint)(n - w);
        Vector512<T> last = TOp.Invoke(Vector512.LoadUnsafe(ref xRef, lastAt), yv);
        nuint i = 0;
        for (; i < lastAt; i += (nuint)w)
        {
            TOp.Invoke(Vector512.LoadUnsafe(ref xRef, i), yv).StoreUnsafe(ref dRef, i);
        }

        last.StoreUnsafe(ref dRef, lastAt);
    }

    private static void SpanScalar256<T, TOp>(ReadOnlySpan<T> x, T y, Span<T> destination)
        where TOp : IBinaryOperator<T>
    {
        int n = x.Length;
        int w = Vector256<T>.Count;
        if (n < w)
        {
            SpanScalar128<T, TOp>(x, y, destination);
            return;
        }

        ref T xRef = ref MemoryMarshal.GetReference(x);
        ref T dRef = ref MemoryMarshal.GetReference(destination);
        Vector256<T> yv = Vector256.Create(y);
        nuint lastAt = (nuint)(n - w);
        Vector256<T> last = TOp.Invoke(Vector256.LoadUnsafe(ref xRef, lastAt), yv);
        nuint i = 0;
        for (; i < lastAt; i += (nuint)w)
        {
            TOp.Invoke(Vector256.LoadUnsafe(ref xRef, i), yv).StoreUnsafe(ref dRef, i);
        }

        last.StoreUnsafe(ref dRef, lastAt);
    }

    private static void SpanScalar128<T, TOp>(ReadOnlySpan<T> x, T y, Span<T> destination)
        where TOp : IBinaryOperator<T>
    {
        int n = x.Length;
        int w = Vector128<T>.Count;
        if (n < w)
        {
            SpanScalar1<T, TOp>(x, y, destination, 0);
            return;
        }

        ref T xRef = ref MemoryMarshal.GetReference(x);
        ref T dRef = ref MemoryMarshal.GetReference(destination);
        Vector128<T> yv = Vector128.Create(y);
        nuint lastAt = (nuint)(n - w);
        Vector128<T> last = TOp.Invoke(Vector128.LoadUnsafe(ref xRef, lastAt), yv);
        nuint i = 0;
        for (; i < lastAt; i += (nuint)w)
        {
            TOp.Invoke(Vector128.LoadUnsafe(ref xRef, i), yv).StoreUnsafe(ref dRef, i);
        }

        last.StoreUnsafe(ref dRef, lastAt);
    }

    private static void SpanScalar1<T, TOp>(ReadOnlySpan<T> x, T y, Span<T> destination, int start)
        where TOp : IBinaryOperator<T>
    {
        for (int i = start; i < x.Length; i++)
        {
            destination[i] = TOp.Invoke(x[i], y);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Shape 2: a sliding-window fold, vectorized across output positions.
    // ---------------------------------------------------------------------------------------------------------

    /// <summary>
    /// For i in 0..x.Length-window: <c>acc = default; for j in 0..window-1: acc = TStep.Invoke(acc, x[i + j]);
    /// destination[i] = TFinish.Invoke(acc, y)</c>. Requires <c>1 &lt;= window &lt;= x.Length</c>;
    /// <paramref name="destination"/> must hold <c>x.Length - window + 1</c> elements and either start where
    /// <paramref name="x"/> starts or not overlap it.
    /// </summary>
    public static void WindowIntoSpan<T, TStep, TFinish>(ReadOnlySpan<T> x, int window, T y, Span<T> destination, KernelWidth width)
        where TStep : IBinaryOperator<T>
        where TFinish : IBinaryOperator<T>
    {
        destination = destination[..(x.Length - window + 1)];
        switch (Resolve(width))
        {
            case KernelWidth.Vector512:
                Window512<T, TStep, TFinish>(x, window, y, destination);
                break;
            case KernelWidth.Vector256:
                Window256<T, TStep, TFinish>(x, window, y, destination);
                break;
            case KernelWidth.Vector128:
                Window128<T, TStep, TFinish>(x, window, y, destination);
                break;
            default:
                Window1<T, TStep, TFinish>(x, window, y, destination);
                break;
        }
    }

    private static void Window512<T, TStep, TFinish>(ReadOnlySpan<T> x, int window, T y, Span<T> destination)
        where TStep : IBinaryOperator<T>
        where TFinish : IBinaryOperator<T>
    {
        int n = destination.Length;
        int w = Vector512<T>.Count;
        if (n < w)
        {
            Window256<T, TStep, TFinish>(x, window, y, destination);
            return;
        }

        ref T xRef = ref MemoryMarshal.GetReference(x);
        ref T dRef = ref MemoryMarshal.GetReference(destination);
        Vector512<T> yv = Vector512.Create(y);
        nuint lastAt = (nuint)(n - w);
        Vector512<T> last = Window(ref Unsafe.Add(ref xRef, lastAt), window, yv);
        for (nuint i = 0; i < lastAt; i += (nuint)w)
        {
            Window(ref Unsafe.Add(ref xRef, i), window, yv).StoreUnsafe(ref dRef, i);
        }

        last.StoreUnsafe(ref dRef, lastAt);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static Vector512<T> Window(ref T at, int window, Vector512<T> yv)
        {
            Vector512<T> acc = Vector512<T>.Zero;
            for (int j = 0; j < window; j++)
            {
                acc = TStep.Invoke(acc, Vector512.LoadUnsafe(ref at, (nuint)j));
            }

            return TFinish.Invoke(acc, yv);
        }
    }

    private static void Window256<T, TStep, TFinish>(ReadOnlySpan<T> x, int window, T y, Span<T> destination)
        where TStep : IBinaryOperator<T>
        where TFinish : IBinaryOperator<T>
    {
        int n = destination.Length;
        int w = Vector256<T>.Count;
        if (n < w)
        {
            Window128<T, TStep, TFinish>(x, window, y, destination);
            return;
        }

        ref T xRef = ref MemoryMarshal.GetReference(x);
        ref T dRef = ref MemoryMarshal.GetReference(destination);
        Vector256<T> yv = Vector256.Create(y);
        nuint lastAt = (nuint)(n - w);
        Vector256<T> last = Window(ref Unsafe.Add(ref xRef, lastAt), window, yv);
        for (nuint i = 0; i < lastAt; i += (nuint)w)
        {
            Window(ref Unsafe.Add(ref xRef, i), window, yv).StoreUnsafe(ref dRef, i);
        }

        last.StoreUnsafe(ref dRef, lastAt);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static Vector256<T> Window(ref T at, int window, Vector256<T> yv)
        {
            Vector256<T> acc = Vector256<T>.Zero;
            for (int j = 0; j < window; j++)
            {
                acc = TStep.Invoke(acc, Vector256.LoadUnsafe(ref at, (nuint)j));
            }

            return TFinish.Invoke(acc, yv);
        }
    }

    private static void Window128<T, TStep, TFinish>(ReadOnlySpan<T> x, int window, T y, Span<T> destination)
        where TStep : IBinaryOperator<T>
        where TFinish : IBinaryOperator<T>
    {
        int n = destination.Length;
        int w = Vector128<T>.Count;
        if (n < w)
        {
            Window1<T, TStep, TFinish>(x, window, y, destination);
            return;
        }

        ref T xRef = ref MemoryMarshal.GetReference(x);
        ref T dRef = ref MemoryMarshal.GetReference(destination);
        Vector128<T> yv = Vector128.Create(y);
        nuint lastAt = (nuint)(n - w);
        Vector128<T> last = Window(ref Unsafe.Add(ref xRef, lastAt), window, yv);
        for (nuint i = 0; i < lastAt; i += (nuint)w)
        {
            Window(ref Unsafe.Add(ref xRef, i), window, yv).StoreUnsafe(ref dRef, i);
        }

        last.StoreUnsafe(ref dRef, lastAt);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static Vector128<T> Window(ref T at, int window, Vector128<T> yv)
        {
            Vector128<T> acc = Vector128<T>.Zero;
            for (int j = 0; j < window; j++)
            {
                acc = TStep.Invoke(acc, Vector128.LoadUnsafe(ref at, (nuint)j));
            }

            return TFinish.Invoke(acc, yv);
        }
    }

    private static void Window1<T, TStep, TFinish>(ReadOnlySpan<T> x, int window, T y, Span<T> destination)
        where TStep : IBinaryOperator<T>
        where TFinish : IBinaryOperator<T>
    {
        for (int i = 0; i < destination.Length; i++)
        {
            T acc = default!;
            for (int j = 0; j < window; j++)
            {
                acc = TStep.Invoke(acc, x[i + j]);
            }

            destination[i] = TFinish.Invoke(acc, y);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Shape 3: fold a broadcast stream into per-lane accumulators with per-lane constants.
    // ---------------------------------------------------------------------------------------------------------

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

    // ---------------------------------------------------------------------------------------------------------
    // Shape 4: fold the 64 bits of each item into 64 float lanes.
    // ---------------------------------------------------------------------------------------------------------

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

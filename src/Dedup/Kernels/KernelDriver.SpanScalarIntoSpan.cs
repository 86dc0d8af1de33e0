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
/// Shape 1, element-wise: <c>destination[i] = TOp(x[i], y)</c>, <c>y</c> broadcast. Its one user is
/// <see cref="HashMixKernel"/>.
/// </summary>
internal static partial class KernelDriver
{
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
}

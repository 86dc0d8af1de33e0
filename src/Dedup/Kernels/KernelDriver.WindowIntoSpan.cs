using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Dedup.Kernels;

/// <summary>
/// Shape 2, a sliding-window fold vectorized across output positions, with the <see cref="IBinaryOperator{T}"/>
/// of shape 1 as its step and its finish. Its one user is <see cref="ShingleKernel"/>.
/// </summary>
internal static partial class KernelDriver
{
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
}

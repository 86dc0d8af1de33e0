using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Dedup.Detection;

/// <summary>
/// Introspective sort (quicksort on a median of three, insertion sort for short ranges, heapsort past a depth limit) of
/// spans of numbers, alone or with a span of items moved alongside, compiled for each type of number.
/// </summary>
/// <remarks>
/// <c>Span&lt;T&gt;.Sort()</c> is as fast under the JIT, which picks a helper that compares numbers in place; in a
/// native (ahead-of-time) build it compares through <c>Comparer&lt;T&gt;.Default</c>, one interface call a comparison:
/// the scan's sorts of keys and article numbers took 7% of the native tool's CPU on the synthetic 100k corpus, 6% of it
/// in those calls. Unstable, as <c>Array.Sort</c> is; equal keys' items come in any order.
/// </remarks>
internal static class PrimitiveSort
{
    /// <summary>Ranges this short are sorted by insertion.</summary>
    private const int InsertionLimit = 16;

    /// <summary>Sorts <paramref name="values"/> ascending.</summary>
    public static void Sort<T>(Span<T> values)
        where T : unmanaged, IComparisonOperators<T, T, bool>
    {
        if (values.Length > 1)
        {
            IntroSort(values, DepthLimit(values.Length));
        }
    }

    /// <summary>Sorts <paramref name="keys"/> ascending, moving each item of <paramref name="items"/> (as long) with its key.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void Sort<TKey, TItem>(Span<TKey> keys, Span<TItem> items)
        where TKey : unmanaged, IComparisonOperators<TKey, TKey, bool>
    {
        if (keys.Length != items.Length)
        {
            throw new ArgumentException($"{keys.Length} keys and {items.Length} items: each key needs its item.", nameof(items));
        }

        if (keys.Length > 1)
        {
            IntroSort(keys, items, DepthLimit(keys.Length));
        }
    }

    /// <summary>As <see cref="Sort{T}(Span{T})"/> with heapsort past <paramref name="depth"/> partitions (tests reach the heapsort with 0).</summary>
    internal static void Sort<T>(Span<T> values, int depth)
        where T : unmanaged, IComparisonOperators<T, T, bool> => IntroSort(values, depth);

    /// <summary>As <see cref="Sort{TKey, TItem}(Span{TKey}, Span{TItem})"/> with heapsort past <paramref name="depth"/> partitions.</summary>
    internal static void Sort<TKey, TItem>(Span<TKey> keys, Span<TItem> items, int depth)
        where TKey : unmanaged, IComparisonOperators<TKey, TKey, bool> => IntroSort(keys, items, depth);

    /// <summary>Partitions deeper than this are heap-sorted (twice the depth of a balanced split).</summary>
    private static int DepthLimit(int length) => 2 * (BitOperations.Log2((uint)length) + 1);

    private static void IntroSort<T>(Span<T> v, int depth)
        where T : unmanaged, IComparisonOperators<T, T, bool>
    {
        while (v.Length > InsertionLimit)
        {
            if (depth-- == 0)
            {
                HeapSort(v);
                return;
            }

            int p = Partition(v);
            IntroSort(v[(p + 1)..], depth);
            v = v[..p];
        }

        InsertionSort(v);
    }

    /// <summary>Places a pivot (the median of the first, middle and last) where it belongs, smaller values before it and larger after; returns its place.</summary>
    private static int Partition<T>(Span<T> v)
        where T : unmanaged, IComparisonOperators<T, T, bool>
    {
        int hi = v.Length - 1;
        int mid = hi >> 1;
        SwapIfGreater(ref v[0], ref v[mid]);
        SwapIfGreater(ref v[0], ref v[hi]);
        SwapIfGreater(ref v[mid], ref v[hi]);
        T pivot = v[mid];
        (v[mid], v[hi - 1]) = (v[hi - 1], v[mid]);

        // v[0] <= pivot <= v[hi - 1] stop both scans within the span, so they read it unchecked. Equal values stop them
        // too, so a run of equal keys (a key many articles hold) splits in the middle.
        ref T first = ref MemoryMarshal.GetReference(v);
        int left = 0, right = hi - 1;
        while (left < right)
        {
            while (Unsafe.Add(ref first, ++left) < pivot)
            {
            }

            while (pivot < Unsafe.Add(ref first, --right))
            {
            }

            if (left >= right)
            {
                break;
            }

            (Unsafe.Add(ref first, left), Unsafe.Add(ref first, right)) = (Unsafe.Add(ref first, right), Unsafe.Add(ref first, left));
        }

        if (left != hi - 1)
        {
            (v[left], v[hi - 1]) = (v[hi - 1], v[left]);
        }

        return left;
    }

    private static void InsertionSort<T>(Span<T> v)
        where T : unmanaged, IComparisonOperators<T, T, bool>
    {
        for (int i = 1; i < v.Length; i++)
        {
            T t = v[i];
            int j = i - 1;
            while (j >= 0 && t < v[j])
            {
                v[j + 1] = v[j];
                j--;
            }

            v[j + 1] = t;
        }
    }

    private static void HeapSort<T>(Span<T> v)
        where T : unmanaged, IComparisonOperators<T, T, bool>
    {
        int n = v.Length;
        for (int i = (n >> 1) - 1; i >= 0; i--)
        {
            SiftDown(v, i, n);
        }

        for (int end = n - 1; end > 0; end--)
        {
            (v[0], v[end]) = (v[end], v[0]);
            SiftDown(v, 0, end);
        }
    }

    private static void SiftDown<T>(Span<T> v, int i, int n)
        where T : unmanaged, IComparisonOperators<T, T, bool>
    {
        T top = v[i];
        while (true)
        {
            int child = (2 * i) + 1;
            if (child >= n)
            {
                break;
            }

            if (child + 1 < n && v[child] < v[child + 1])
            {
                child++;
            }

            if (!(top < v[child]))
            {
                break;
            }

            v[i] = v[child];
            i = child;
        }

        v[i] = top;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SwapIfGreater<T>(ref T a, ref T b)
        where T : unmanaged, IComparisonOperators<T, T, bool>
    {
        if (b < a)
        {
            (a, b) = (b, a);
        }
    }

    private static void IntroSort<TKey, TItem>(Span<TKey> k, Span<TItem> items, int depth)
        where TKey : unmanaged, IComparisonOperators<TKey, TKey, bool>
    {
        while (k.Length > InsertionLimit)
        {
            if (depth-- == 0)
            {
                HeapSort(k, items);
                return;
            }

            int p = Partition(k, items);
            IntroSort(k[(p + 1)..], items[(p + 1)..], depth);
            k = k[..p];
            items = items[..p];
        }

        InsertionSort(k, items);
    }

    private static int Partition<TKey, TItem>(Span<TKey> k, Span<TItem> items)
        where TKey : unmanaged, IComparisonOperators<TKey, TKey, bool>
    {
        int hi = k.Length - 1;
        int mid = hi >> 1;
        SwapIfGreater(k, items, 0, mid);
        SwapIfGreater(k, items, 0, hi);
        SwapIfGreater(k, items, mid, hi);
        TKey pivot = k[mid];
        Swap(k, items, mid, hi - 1);
        ref TKey first = ref MemoryMarshal.GetReference(k);
        int left = 0, right = hi - 1;
        while (left < right)
        {
            // Bounded as in Partition<T>: the scans read the keys unchecked.
            while (Unsafe.Add(ref first, ++left) < pivot)
            {
            }

            while (pivot < Unsafe.Add(ref first, --right))
            {
            }

            if (left >= right)
            {
                break;
            }

            Swap(k, items, left, right);
        }

        if (left != hi - 1)
        {
            Swap(k, items, left, hi - 1);
        }

        return left;
    }

    private static void InsertionSort<TKey, TItem>(Span<TKey> k, Span<TItem> items)
        where TKey : unmanaged, IComparisonOperators<TKey, TKey, bool>
    {
        for (int i = 1; i < k.Length; i++)
        {
            TKey t = k[i];
            TItem item = items[i];
            int j = i - 1;
            while (j >= 0 && t < k[j])
            {
                k[j + 1] = k[j];
                items[j + 1] = items[j];
                j--;
            }

            k[j + 1] = t;
            items[j + 1] = item;
        }
    }

    private static void HeapSort<TKey, TItem>(Span<TKey> k, Span<TItem> items)
        where TKey : unmanaged, IComparisonOperators<TKey, TKey, bool>
    {
        int n = k.Length;
        for (int i = (n >> 1) - 1; i >= 0; i--)
        {
            SiftDown(k, items, i, n);
        }

        for (int end = n - 1; end > 0; end--)
        {
            Swap(k, items, 0, end);
            SiftDown(k, items, 0, end);
        }
    }

    private static void SiftDown<TKey, TItem>(Span<TKey> k, Span<TItem> items, int i, int n)
        where TKey : unmanaged, IComparisonOperators<TKey, TKey, bool>
    {
        TKey top = k[i];
        TItem topItem = items[i];
        while (true)
        {
            int child = (2 * i) + 1;
            if (child >= n)
            {
                break;
            }

            if (child + 1 < n && k[child] < k[child + 1])
            {
                child++;
            }

            if (!(top < k[child]))
            {
                break;
            }

            k[i] = k[child];
            items[i] = items[child];
            i = child;
        }

        k[i] = top;
        items[i] = topItem;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SwapIfGreater<TKey, TItem>(Span<TKey> k, Span<TItem> items, int a, int b)
        where TKey : unmanaged, IComparisonOperators<TKey, TKey, bool>
    {
        if (k[b] < k[a])
        {
            Swap(k, items, a, b);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Swap<TKey, TItem>(Span<TKey> k, Span<TItem> items, int a, int b)
    {
        (k[a], k[b]) = (k[b], k[a]);
        (items[a], items[b]) = (items[b], items[a]);
    }
}

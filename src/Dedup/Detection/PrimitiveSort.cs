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
/// in those calls. Unstable, as <c>Array.Sort</c> is; equal keys' items come in any order. One algorithm serves both
/// forms: the items are moved through a strategy (<see cref="IItems{TSelf}"/>) that the sort of numbers alone makes
/// empty, and the compiler removes.
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
            IntroSort(values, default(NoItems), DepthLimit(values.Length));
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
            IntroSort(keys, new Items<TItem>(items), DepthLimit(keys.Length));
        }
    }

    /// <summary>As <see cref="Sort{T}(Span{T})"/> with heapsort past <paramref name="depth"/> partitions (tests reach the heapsort with 0).</summary>
    internal static void Sort<T>(Span<T> values, int depth)
        where T : unmanaged, IComparisonOperators<T, T, bool> => IntroSort(values, default(NoItems), depth);

    /// <summary>As <see cref="Sort{TKey, TItem}(Span{TKey}, Span{TItem})"/> with heapsort past <paramref name="depth"/> partitions.</summary>
    internal static void Sort<TKey, TItem>(Span<TKey> keys, Span<TItem> items, int depth)
        where TKey : unmanaged, IComparisonOperators<TKey, TKey, bool> => IntroSort(keys, new Items<TItem>(items), depth);

    /// <summary>Partitions deeper than this are heap-sorted (twice the depth of a balanced split).</summary>
    private static int DepthLimit(int length) => 2 * (BitOperations.Log2((uint)length) + 1);

    private static void IntroSort<TKey, TItems>(Span<TKey> k, TItems items, int depth)
        where TKey : unmanaged, IComparisonOperators<TKey, TKey, bool>
        where TItems : IItems<TItems>, allows ref struct
    {
        while (k.Length > InsertionLimit)
        {
            if (depth-- == 0)
            {
                HeapSort(k, items);
                return;
            }

            int p = Partition(k, items);
            IntroSort(k[(p + 1)..], items.Slice(p + 1, k.Length - p - 1), depth);
            k = k[..p];
            items = items.Slice(0, p);
        }

        InsertionSort(k, items);
    }

    /// <summary>Places a pivot (the median of the first, middle and last) where it belongs, smaller keys before it and larger after; returns its place.</summary>
    private static int Partition<TKey, TItems>(Span<TKey> k, TItems items)
        where TKey : unmanaged, IComparisonOperators<TKey, TKey, bool>
        where TItems : IItems<TItems>, allows ref struct
    {
        int hi = k.Length - 1;
        int mid = hi >> 1;
        SwapIfGreater(k, items, 0, mid);
        SwapIfGreater(k, items, 0, hi);
        SwapIfGreater(k, items, mid, hi);
        TKey pivot = k[mid];
        Swap(k, items, mid, hi - 1);

        // k[0] <= pivot <= k[hi - 1] stop both scans within the span, so they read it unchecked. Equal keys stop them
        // too, so a run of equal keys (a key many articles hold) splits in the middle.
        ref TKey first = ref MemoryMarshal.GetReference(k);
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

            Swap(k, items, left, right);
        }

        if (left != hi - 1)
        {
            Swap(k, items, left, hi - 1);
        }

        return left;
    }

    private static void InsertionSort<TKey, TItems>(Span<TKey> k, TItems items)
        where TKey : unmanaged, IComparisonOperators<TKey, TKey, bool>
        where TItems : IItems<TItems>, allows ref struct
    {
        for (int i = 1; i < k.Length; i++)
        {
            TKey t = k[i];
            items.Hold(i);
            int j = i - 1;
            while (j >= 0 && t < k[j])
            {
                k[j + 1] = k[j];
                items.Move(j, j + 1);
                j--;
            }

            k[j + 1] = t;
            items.Place(j + 1);
        }
    }

    private static void HeapSort<TKey, TItems>(Span<TKey> k, TItems items)
        where TKey : unmanaged, IComparisonOperators<TKey, TKey, bool>
        where TItems : IItems<TItems>, allows ref struct
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

    private static void SiftDown<TKey, TItems>(Span<TKey> k, TItems items, int i, int n)
        where TKey : unmanaged, IComparisonOperators<TKey, TKey, bool>
        where TItems : IItems<TItems>, allows ref struct
    {
        TKey top = k[i];
        items.Hold(i);
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
            items.Move(child, i);
            i = child;
        }

        k[i] = top;
        items.Place(i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SwapIfGreater<TKey, TItems>(Span<TKey> k, TItems items, int a, int b)
        where TKey : unmanaged, IComparisonOperators<TKey, TKey, bool>
        where TItems : IItems<TItems>, allows ref struct
    {
        if (k[b] < k[a])
        {
            Swap(k, items, a, b);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Swap<TKey, TItems>(Span<TKey> k, TItems items, int a, int b)
        where TItems : IItems<TItems>, allows ref struct
    {
        (k[a], k[b]) = (k[b], k[a]);
        items.Swap(a, b);
    }

    /// <summary>How the sort moves the items of its keys: <see cref="Items{TItem}"/>, or <see cref="NoItems"/>.</summary>
    /// <typeparam name="TSelf">The strategy itself (its slices are of its type).</typeparam>
    private interface IItems<TSelf>
        where TSelf : IItems<TSelf>, allows ref struct
    {
        /// <summary>The items from <paramref name="start"/>, <paramref name="length"/> of them.</summary>
        TSelf Slice(int start, int length);

        void Swap(int a, int b);

        /// <summary>Keeps item <paramref name="i"/> aside, for <see cref="Place"/>.</summary>
        void Hold(int i);

        /// <summary>Copies item <paramref name="from"/> to <paramref name="to"/>.</summary>
        void Move(int from, int to);

        /// <summary>Writes the item kept aside to <paramref name="i"/>.</summary>
        void Place(int i);
    }

    /// <summary>The items of a sort of keys with items.</summary>
    private ref struct Items<TItem>(Span<TItem> items) : IItems<Items<TItem>>
    {
        private readonly Span<TItem> _items = items;
        private TItem _held = default!;

        public readonly Items<TItem> Slice(int start, int length) => new(_items.Slice(start, length));

        public readonly void Swap(int a, int b) => (_items[a], _items[b]) = (_items[b], _items[a]);

        public void Hold(int i) => _held = _items[i];

        public readonly void Move(int from, int to) => _items[to] = _items[from];

        public readonly void Place(int i) => _items[i] = _held;
    }

    /// <summary>No items: a sort of numbers alone.</summary>
    private readonly ref struct NoItems : IItems<NoItems>
    {
        public NoItems Slice(int start, int length) => default;

        public void Swap(int a, int b)
        {
        }

        public void Hold(int i)
        {
        }

        public void Move(int from, int to)
        {
        }

        public void Place(int i)
        {
        }
    }
}

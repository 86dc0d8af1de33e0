namespace Dedup.Detection;

/// <summary>
/// For each of a fixed number of items, the first item given its key (a scan's articles by their text's key,
/// <see cref="FeatureExtractor.TextKey"/>): an open-addressing table of item numbers over a dense array of the keys,
/// which any number of threads may fill at once. It holds no reference: a <c>ConcurrentDictionary</c> of a million
/// keys allocated a node object a key, and each node written into its large bucket array kept a card of that array
/// for the collector to walk at every young collection while the node was young (at 1M the scan's collections paused
/// it 3.1 s, 1.1 s without it). Its arrays are outside the managed heap (see <see cref="NativeBuffer{T}"/>), freed when
/// it is disposed (24 bytes an item).
/// </summary>
internal sealed class FirstOfKey : IDisposable
{
    private NativeBuffer<UInt128> _keys;

    /// <summary>Item numbers plus one (0: empty), at the slot of their key's hash or the next free one after it.</summary>
    private NativeBuffer<int> _slots;

    /// <summary>The most items a table holds: its slots, twice as many rounded up to a power of two, are counted in an int.</summary>
    public const int MaxCount = 1 << 29;

    /// <param name="count">How many items there are (numbered from 0), at most <see cref="MaxCount"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative or above <see cref="MaxCount"/>.</exception>
    public FirstOfKey(int count)
    {
        CheckCount(count, nameof(count));
        _keys = new NativeBuffer<UInt128>(count);
        _slots = SlotsFor(count);
    }

    /// <summary>The number of items there is room for.</summary>
    public int Capacity => _keys.Length;

    /// <summary>
    /// Makes room for items numbered below <paramref name="count"/>, keeping what was given (a scan of a stream learns
    /// its number of articles as it reads them). Not thread-safe: no <see cref="FirstOf"/> may run meanwhile.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is above <see cref="MaxCount"/>.</exception>
    public void EnsureCapacity(int count)
    {
        if (count <= Capacity)
        {
            return;
        }

        CheckCount(count, nameof(count));
        int capacity = (int)Math.Min(MaxCount, Math.Max(count, 2L * Capacity));
        var keys = new NativeBuffer<UInt128>(capacity);
        _keys.Span.CopyTo(keys.Span);
        NativeBuffer<int> slots = SlotsFor(capacity);

        // Each key is in the table once (its first item): placed again in the larger table, the first stays first.
        Span<int> to = slots.Span;
        int mask = to.Length - 1;
        foreach (int held in _slots.Span)
        {
            if (held != 0)
            {
                int slot = Home(keys.Span[held - 1], mask);
                while (to[slot] != 0)
                {
                    slot = (slot + 1) & mask;
                }

                to[slot] = held;
            }
        }

        Dispose();
        _keys = keys;
        _slots = slots;
    }

    private static void CheckCount(int count, string paramName)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count, paramName);
        if (count > MaxCount)
        {
            throw new ArgumentOutOfRangeException(paramName, count, $"A scan tells the texts of at most {MaxCount:N0} articles apart; split the input.");
        }
    }

    /// <summary>The slots for <paramref name="count"/> items: at most half full, so probes stay short.</summary>
    private static NativeBuffer<int> SlotsFor(int count) =>
        new(Math.Max(2, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, count) * 2)), zeroed: true);

    /// <summary>The first slot a key is looked for in.</summary>
    private static int Home(UInt128 key, int mask)
    {
        ulong low = (ulong)key;
        return (int)((low ^ (low >> 29)) & (uint)mask);
    }

    /// <summary>
    /// The first item given <paramref name="key"/>: <paramref name="item"/> itself when no other item with an equal key
    /// came before it, else that one. Each item is given once; thread-safe.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The table was disposed.</exception>
    public int FirstOf(int item, UInt128 key)
    {
        // The key is in place before the item is published in a slot (the exchange is a full fence), so a thread that
        // reads the slot reads the key.
        Span<UInt128> keys = _keys.Span;
        Span<int> slots = _slots.Span;
        keys[item] = key;
        int mask = slots.Length - 1;
        int slot = Home(key, mask);
        while (true)
        {
            int held = Volatile.Read(ref slots[slot]);
            if (held == 0)
            {
                held = Interlocked.CompareExchange(ref slots[slot], item + 1, 0);
                if (held == 0)
                {
                    return item;
                }
            }

            if (keys[held - 1] == key)
            {
                return held - 1;
            }

            slot = (slot + 1) & mask;
        }
    }

    /// <summary>Frees the table's arrays; <see cref="FirstOf"/> may not be called after.</summary>
    public void Dispose()
    {
        ((IDisposable)_keys).Dispose();
        ((IDisposable)_slots).Dispose();
    }
}

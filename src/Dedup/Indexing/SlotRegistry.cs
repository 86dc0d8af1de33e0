using System.Diagnostics.CodeAnalysis;

namespace Dedup.Indexing;

/// <summary>
/// Gives each document id a dense slot (0, 1, 2, …), so that per-document data lives in flat arrays and buckets
/// hold <see cref="int"/> slots rather than strings. A slot freed by a removal is reused by a later add, the last
/// freed first, so the slots stay dense under churn.
/// </summary>
/// <remarks>
/// <para>
/// Ids compare ordinally. The registry is <b>not synchronized</b>: its owner's lock covers it together with what
/// the slots index (a bucket store, permuted tables), so that one write is atomic across both. Read under the
/// owner's read lock, write under its write lock.
/// </para>
/// <para>
/// A slot is freed in one of two ways. <see cref="Remove(string, out int)"/> frees it at once.
/// <see cref="Retire"/> detaches the id, so lookups by slot no longer find it and a query skips stale entries
/// that still name the slot, but keeps the slot from reuse until <see cref="Release"/>: for an owner that must
/// first take the slot's entries out of an asynchronous store.
/// </para>
/// </remarks>
internal class SlotRegistry
{
    private const int MinimumCapacity = 16;

    private readonly Dictionary<string, int> _slots = new(StringComparer.Ordinal);
    private string?[] _ids = [];
    private int[] _free = [];
    private int _freeCount;
    private int _highWater;

    /// <summary>The number of ids registered (retired ones excluded).</summary>
    public int Count => _slots.Count;

    /// <summary>The number of slots ever handed out: every live slot is below it.</summary>
    public int HighWater => _highWater;

    /// <summary>The live slots in ascending order, for <c>foreach</c>; do not add or remove while enumerating.</summary>
    public LiveSlotEnumerable LiveSlots => new(this);

    /// <summary>Whether <paramref name="id"/> is registered.</summary>
    /// <param name="id">The document id.</param>
    /// <returns><see langword="true"/> when registered.</returns>
    public bool Contains(string id) => _slots.ContainsKey(id);

    /// <summary>Finds the slot of <paramref name="id"/>.</summary>
    /// <param name="id">The document id.</param>
    /// <param name="slot">The slot, or 0 when absent.</param>
    /// <returns><see langword="true"/> when registered.</returns>
    public bool TryGetSlot(string id, out int slot) => _slots.TryGetValue(id, out slot);

    /// <summary>Finds the id in <paramref name="slot"/>; any <see cref="int"/> may be asked.</summary>
    /// <param name="slot">The slot.</param>
    /// <param name="id">The id, or <see langword="null"/> when the slot is free, retired or was never handed out.</param>
    /// <returns><see langword="true"/> when the slot is live.</returns>
    public bool TryGetId(int slot, [NotNullWhen(true)] out string? id)
    {
        id = (uint)slot < (uint)_highWater ? _ids[slot] : null;
        return id is not null;
    }

    /// <summary>The id in a live slot.</summary>
    /// <param name="slot">A live slot.</param>
    /// <returns>The id.</returns>
    /// <exception cref="InvalidOperationException">The slot is not live.</exception>
    public string IdAt(int slot) =>
        TryGetId(slot, out string? id) ? id : throw new InvalidOperationException($"Slot {slot} holds no document.");

    /// <summary>Registers a new id in a free slot, or a new one.</summary>
    /// <param name="id">The document id.</param>
    /// <param name="slot">The slot given to it, or the slot it already has.</param>
    /// <returns><see langword="false"/> when the id was already registered (nothing changes).</returns>
    public bool TryAdd(string id, out int slot)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (_slots.TryGetValue(id, out slot))
        {
            return false;
        }

        slot = Allocate();
        _ids[slot] = id;
        _slots.Add(id, slot);
        return true;
    }

    /// <summary>Registers a new id.</summary>
    /// <param name="id">The document id.</param>
    /// <returns>The slot given to it.</returns>
    /// <exception cref="ArgumentException">The id is already registered.</exception>
    public int Add(string id) =>
        TryAdd(id, out int slot) ? slot : throw new ArgumentException($"The id '{id}' is already registered.", nameof(id));

    /// <summary>Unregisters an id and frees its slot for reuse at once.</summary>
    /// <param name="id">The document id.</param>
    /// <param name="slot">The slot it had.</param>
    /// <returns><see langword="false"/> when the id was not registered.</returns>
    public bool Remove(string id, out int slot)
    {
        if (!Retire(id, out slot))
        {
            return false;
        }

        Release(slot);
        return true;
    }

    /// <summary>
    /// Unregisters an id but keeps its slot from reuse until <see cref="Release"/>; the slot reads as not live
    /// meanwhile. The id may be registered again at once, in another slot.
    /// </summary>
    /// <param name="id">The document id.</param>
    /// <param name="slot">The slot it had.</param>
    /// <returns><see langword="false"/> when the id was not registered.</returns>
    public bool Retire(string id, out int slot)
    {
        if (!_slots.Remove(id, out slot))
        {
            return false;
        }

        _ids[slot] = null;
        OnDetached(slot);
        return true;
    }

    /// <summary>
    /// Takes a free slot (or a new one) without an id: it reads as not live and is not handed out again until
    /// <see cref="Attach"/> gives it an id or <see cref="Release"/> frees it. For an owner that must write a slot's
    /// entries to an asynchronous store before the id becomes visible.
    /// </summary>
    /// <returns>The reserved slot.</returns>
    public int Reserve() => Allocate();

    /// <summary>Registers an id in a slot that <see cref="Reserve"/> took.</summary>
    /// <param name="id">The document id, not registered yet.</param>
    /// <param name="slot">The reserved slot.</param>
    /// <exception cref="ArgumentException">The id is already registered.</exception>
    public void Attach(string id, int slot)
    {
        ArgumentNullException.ThrowIfNull(id);
        _slots.Add(id, slot);
        _ids[slot] = id;
    }

    /// <summary>Makes a retired slot free for reuse.</summary>
    /// <param name="slot">A slot that <see cref="Retire"/> detached and that was not released yet.</param>
    public void Release(int slot)
    {
        if (_freeCount == _free.Length)
        {
            Array.Resize(ref _free, Math.Max(MinimumCapacity, _free.Length * 2));
        }

        _free[_freeCount++] = slot;
    }

    /// <summary>Makes room for <paramref name="count"/> ids in all, so that adding them does not grow any array.</summary>
    /// <param name="count">The number of ids to make room for.</param>
    public void EnsureCapacity(int count)
    {
        _slots.EnsureCapacity(count);
        if (count > _ids.Length)
        {
            Grow(count);
        }
    }

    /// <summary>Called when the slot array grows, so that a subclass grows its per-slot arrays to match.</summary>
    /// <param name="capacity">The new number of slots that have room.</param>
    protected virtual void OnCapacityChanged(int capacity)
    {
    }

    /// <summary>Called when a slot loses its id, so that a subclass drops what it holds for the slot.</summary>
    /// <param name="slot">The slot.</param>
    protected virtual void OnDetached(int slot)
    {
    }

    private int Allocate()
    {
        if (_freeCount > 0)
        {
            return _free[--_freeCount];
        }

        if (_highWater == _ids.Length)
        {
            Grow(Math.Max(MinimumCapacity, _ids.Length * 2));
        }

        return _highWater++;
    }

    private void Grow(int capacity)
    {
        Array.Resize(ref _ids, capacity);
        OnCapacityChanged(capacity);
    }

    /// <summary>The live slots of a registry in ascending order.</summary>
    /// <param name="registry">The registry.</param>
    internal readonly struct LiveSlotEnumerable(SlotRegistry registry)
    {
        /// <summary>Starts the enumeration.</summary>
        /// <returns>An enumerator before the first live slot.</returns>
        public LiveSlotEnumerator GetEnumerator() => new(registry);
    }

    /// <summary>Steps through the live slots of a registry in ascending order.</summary>
    internal struct LiveSlotEnumerator
    {
        private readonly string?[] _ids;
        private readonly int _end;
        private int _slot;

        /// <summary>Creates an enumerator before the first live slot.</summary>
        /// <param name="registry">The registry.</param>
        public LiveSlotEnumerator(SlotRegistry registry)
        {
            _ids = registry._ids;
            _end = registry._highWater;
            _slot = -1;
        }

        /// <summary>The current live slot.</summary>
        public readonly int Current => _slot;

        /// <summary>Moves to the next live slot.</summary>
        /// <returns><see langword="false"/> past the last one.</returns>
        public bool MoveNext()
        {
            while (++_slot < _end)
            {
                if (_ids[_slot] is not null)
                {
                    return true;
                }
            }

            return false;
        }
    }
}

/// <summary>A <see cref="SlotRegistry"/> that also keeps one value per slot.</summary>
/// <typeparam name="T">
/// The value: an article's features for the detector, a fingerprint for the SimHash index. A slot's value is reset to
/// <see langword="default"/> when the slot loses its id, so a reference is not kept alive by a free slot.
/// </typeparam>
internal sealed class SlotRegistry<T> : SlotRegistry
{
    private T[] _values = [];

    /// <summary>The value in <paramref name="slot"/>.</summary>
    /// <param name="slot">A slot below <see cref="SlotRegistry.HighWater"/>.</param>
    public T this[int slot]
    {
        get => _values[slot];
        set => _values[slot] = value;
    }

    /// <summary>Registers a new id with its value.</summary>
    /// <param name="id">The document id.</param>
    /// <param name="value">Its value.</param>
    /// <returns>The slot given to it.</returns>
    /// <exception cref="ArgumentException">The id is already registered.</exception>
    public int Add(string id, T value)
    {
        int slot = Add(id);
        _values[slot] = value;
        return slot;
    }

    /// <summary>Registers an id with its value in a slot that <see cref="SlotRegistry.Reserve"/> took.</summary>
    /// <param name="id">The document id, not registered yet.</param>
    /// <param name="slot">The reserved slot.</param>
    /// <param name="value">Its value.</param>
    /// <exception cref="ArgumentException">The id is already registered.</exception>
    public void Attach(string id, int slot, T value)
    {
        Attach(id, slot);
        _values[slot] = value;
    }

    /// <summary>The value of a registered id.</summary>
    /// <param name="id">The document id.</param>
    /// <param name="value">Its value, or <see langword="default"/> when absent.</param>
    /// <returns><see langword="true"/> when registered.</returns>
    public bool TryGetValue(string id, [MaybeNullWhen(false)] out T value)
    {
        if (TryGetSlot(id, out int slot))
        {
            value = _values[slot];
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>Unregisters an id but keeps its slot from reuse until <see cref="SlotRegistry.Release"/>.</summary>
    /// <param name="id">The document id.</param>
    /// <param name="slot">The slot it had.</param>
    /// <param name="value">The value it had.</param>
    /// <returns><see langword="false"/> when the id was not registered.</returns>
    public bool Retire(string id, out int slot, [MaybeNullWhen(false)] out T value)
    {
        if (!TryGetSlot(id, out slot))
        {
            value = default;
            return false;
        }

        value = _values[slot];
        return Retire(id, out slot);
    }

    /// <summary>Unregisters an id and frees its slot for reuse at once.</summary>
    /// <param name="id">The document id.</param>
    /// <param name="slot">The slot it had.</param>
    /// <param name="value">The value it had.</param>
    /// <returns><see langword="false"/> when the id was not registered.</returns>
    public bool Remove(string id, out int slot, [MaybeNullWhen(false)] out T value)
    {
        if (!TryGetSlot(id, out slot))
        {
            value = default;
            return false;
        }

        value = _values[slot];
        return Remove(id, out slot);
    }

    /// <summary>The values of the live slots in ascending slot order.</summary>
    /// <returns>A new list.</returns>
    public List<T> LiveValues()
    {
        var values = new List<T>(Count);
        foreach (int slot in LiveSlots)
        {
            values.Add(_values[slot]);
        }

        return values;
    }

    /// <inheritdoc/>
    protected override void OnCapacityChanged(int capacity) => Array.Resize(ref _values, capacity);

    /// <inheritdoc/>
    protected override void OnDetached(int slot) => _values[slot] = default!;
}

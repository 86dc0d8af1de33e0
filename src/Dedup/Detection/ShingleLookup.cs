namespace Dedup.Detection;

/// <summary>
/// Membership of a fixed set of shingles (a corpus model's boilerplate), asked once for every shingle of every
/// article: a bit filter (<see cref="BoilerplateModel.FilterOf"/>) tells most non-members apart with one load, and the
/// members and the filter's false positives are looked up in an open-addressing table of the values themselves (a
/// multiply, a shift and a load or two), where a <see cref="HashSet{T}"/> took a division and two dependent loads:
/// the filtering took 2.4% of a synthetic 100k scan's CPU samples against 2.9% (most of what is left is waiting for
/// memory: the boilerplate of a large corpus outgrows the cache).
/// </summary>
internal sealed class ShingleLookup
{
    /// <summary>The golden-ratio multiplier: the product's top bits choose a value's first slot.</summary>
    private const uint Multiplier = 0x9E37_79B1;

    private readonly ulong[] _filter;

    /// <summary>The members but 0, at their first slot or the next free one after it; 0 marks a free slot.</summary>
    private readonly uint[] _slots;
    private readonly int _shift;
    private readonly bool _hasZero;

    /// <param name="members">The set.</param>
    public ShingleLookup(IReadOnlyCollection<uint> members)
    {
        _filter = BoilerplateModel.FilterOf(members);

        // At most half full, so a probe ends in a slot or two.
        int bits = Math.Max(4, 64 - System.Numerics.BitOperations.LeadingZeroCount(((ulong)Math.Max(1, members.Count) * 2) - 1));
        _slots = new uint[1 << bits];
        _shift = 32 - bits;
        int mask = _slots.Length - 1;
        foreach (uint v in members)
        {
            if (v == 0)
            {
                Count += _hasZero ? 0 : 1;
                _hasZero = true;
                continue;
            }

            int i = (int)((v * Multiplier) >> _shift);
            while (_slots[i] != 0 && _slots[i] != v)
            {
                i = (i + 1) & mask;
            }

            Count += _slots[i] == 0 ? 1 : 0;
            _slots[i] = v;
        }
    }

    /// <summary>The number of members (distinct values given).</summary>
    public int Count { get; }

    /// <summary>The members, ascending (a model published to a shared store).</summary>
    public uint[] SortedMembers()
    {
        uint[] members = new uint[Count];
        int at = 0;
        if (_hasZero)
        {
            members[at++] = 0;
        }

        foreach (uint v in _slots)
        {
            if (v != 0)
            {
                members[at++] = v;
            }
        }

        PrimitiveSort.Sort(members.AsSpan());
        return members;
    }

    /// <summary>
    /// Moves the values of <paramref name="values"/> that are not members to its front, in order, and returns how many
    /// there are (the rest of the span is left as it was).
    /// </summary>
    /// <remarks>
    /// Asking for the filter's words and the table's slots a block of values ahead was tried: the lookups of a large
    /// corpus's boilerplate wait on memory either way, and the two sweeps cost more than they saved (3.5% of a 100k
    /// scan's samples against 2.4%).
    /// </remarks>
    public int RemoveFrom(Span<uint> values)
    {
        int w = 0;
        for (int i = 0; i < values.Length; i++)
        {
            uint v = values[i];
            if (!Contains(v))
            {
                values[w++] = v;
            }
        }

        return w;
    }

    /// <summary>How many of <paramref name="values"/> are members.</summary>
    public int CountIn(ReadOnlySpan<uint> values)
    {
        int count = 0;
        foreach (uint v in values)
        {
            count += Contains(v) ? 1 : 0;
        }

        return count;
    }

    /// <summary>Whether <paramref name="v"/> is a member.</summary>
    public bool Contains(uint v)
    {
        if (!BoilerplateModel.MayBeIn(v, _filter))
        {
            return false;
        }

        if (v == 0)
        {
            return _hasZero;
        }

        uint[] slots = _slots;
        int mask = slots.Length - 1;
        int i = (int)((v * Multiplier) >> _shift);
        while (true)
        {
            uint s = slots[i];
            if (s == v)
            {
                return true;
            }

            if (s == 0)
            {
                return false;
            }

            i = (i + 1) & mask;
        }
    }
}

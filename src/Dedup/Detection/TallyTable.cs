using System.Runtime.CompilerServices;

namespace Dedup.Detection;

/// <summary>
/// The votes of one query's candidates (<see cref="CandidateSelector"/>), by holder id: an open-addressing table of
/// linear probes, cleared by forgetting the slots it used. A query tallies every holder of its rare keys and a sample
/// of each common key's: about 48 holders a query at a hundred thousand articles, 229 at a million, where a general
/// dictionary's cost per vote (its buckets and entries two lines apart, its modulo) grew to a few percent of the scan.
/// It keeps the size its largest query needed, at most four slots a holder of that query (a selector is one thread's, reused).
/// </summary>
internal sealed class TallyTable
{
    /// <summary>The table grows (doubles) before more than half its slots are taken, so that a probe always ends at a free one.</summary>
    private static int Capacity(int slots) => slots / 2;

    private Slot[] _slots;
    private int[] _used;
    private int _count;
    private int _shift;

    /// <summary>A table of 2^<paramref name="bits"/> slots to start with.</summary>
    public TallyTable(int bits = 9)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, 30);
        _slots = new Slot[1 << bits];
        _used = new int[Capacity(1 << bits)];
        _shift = 32 - bits;
    }

    /// <summary>How many holders have votes.</summary>
    public int Count => _count;

    /// <summary>The holder in the <paramref name="index"/>th slot taken (in the order they were first voted for).</summary>
    public int KeyAt(int index) => _slots[_used[index]].Key;

    /// <summary>The votes of the holder in the <paramref name="index"/>th slot taken.</summary>
    public (int Rare, int Common) VotesAt(int index)
    {
        ref Slot s = ref _slots[_used[index]];
        return (s.Rare, s.Common);
    }

    /// <summary>Adds <paramref name="vote"/> to the rare votes of <paramref name="holder"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddRare(int holder, int vote) => SlotOf(holder).Rare += vote;

    /// <summary>Adds one to the common votes of <paramref name="holder"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddCommon(int holder) => SlotOf(holder).Common++;

    /// <summary>The votes of <paramref name="holder"/>; (0, 0) when it has none.</summary>
    public (int Rare, int Common) VotesOf(int holder)
    {
        Slot[] slots = _slots;
        int mask = slots.Length - 1;
        for (int i = Home(holder); ; i = (i + 1) & mask)
        {
            ref Slot s = ref slots[i];
            if (!s.Taken)
            {
                return (0, 0);
            }

            if (s.Key == holder)
            {
                return (s.Rare, s.Common);
            }
        }
    }

    /// <summary>Forgets every vote, in time proportional to the holders voted for.</summary>
    public void Clear()
    {
        Slot[] slots = _slots;
        for (int u = 0; u < _count; u++)
        {
            slots[_used[u]] = default;
        }

        _count = 0;
    }

    private int Home(int holder) => (int)(((uint)holder * 0x9E37_79B1U) >> _shift);

    private ref Slot SlotOf(int holder)
    {
        Slot[] slots = _slots;
        int mask = slots.Length - 1;
        for (int i = Home(holder); ; i = (i + 1) & mask)
        {
            ref Slot s = ref slots[i];
            if (s.Taken)
            {
                if (s.Key == holder)
                {
                    return ref s;
                }

                continue;
            }

            if (_count == _used.Length)
            {
                Grow();
                return ref SlotOf(holder);
            }

            s.Taken = true;
            s.Key = holder;
            _used[_count++] = i;
            return ref s;
        }
    }

    /// <summary>Doubles the table, keeping every holder's votes and the order they were first voted for.</summary>
    private void Grow()
    {
        Slot[] old = _slots;
        int[] used = _used;
        int count = _count;
        _slots = new Slot[old.Length * 2];
        _used = new int[Capacity(_slots.Length)];
        _shift--;
        _count = 0;
        for (int u = 0; u < count; u++)
        {
            Slot s = old[used[u]];
            ref Slot moved = ref SlotOf(s.Key);
            moved.Rare = s.Rare;
            moved.Common = s.Common;
        }
    }

    private struct Slot
    {
        public int Key;
        public int Rare;
        public int Common;
        public bool Taken;
    }
}

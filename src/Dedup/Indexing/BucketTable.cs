namespace Dedup.Indexing;

/// <summary>
/// A compact multimap from well-mixed 64-bit keys to non-negative <see cref="int"/> ids: open addressing with
/// linear probing over 8-byte cells, a bucket's single id stored inline, and an overflow list only for
/// buckets with two or more ids, which keeps them in the order they were added (a removal keeps the order of the
/// rest). Not synchronized.
/// </summary>
/// <remarks>
/// A cell holds a key's low 32 bits, which also place it, and its value: 0 when empty, <c>id + 1</c> when it holds
/// one id, and <c>−(list + 1)</c> when its ids sit in overflow list <c>list</c>. Deletion shifts later cells back (no
/// tombstones). The table grows by 1.3× past a load of 0.8, so the average load stays near 0.7 (about 11 bytes per
/// distinct key; 17 when a cell kept the whole key). Keys must be well mixed: two keys equal in their low 32 bits are
/// one key here, their ids one bucket, so a key asked for meets another key's ids with a chance of the keys held over
/// 2^32. Ids are never lost by it; a caller that must have exact buckets checks what it gets (the detector verifies
/// every candidate, <see cref="MinHashLshIndex"/> checks for a shared band, <see cref="SimHashIndex"/> for the block).
/// The in-memory LSH store picks one of its tables by a key's top 8 bits, so its keys are told apart by 40.
/// </remarks>
internal sealed class BucketTable
{
    private const int MinCapacity = 16;
    private const double MaxLoad = 0.8;
    private const double Growth = 1.3;

    private Cell[] _cells;
    private int _used;
    private int _threshold;

    // Overflow lists: element 0 is the count, then the ids.
    private int[]?[] _lists = [];
    private int _listCount;
    private int[] _freeLists = [];
    private int _freeListCount;

    public BucketTable(int capacity = MinCapacity)
    {
        int cap = Math.Max(MinCapacity, (int)Math.Min(int.MaxValue / 2, (capacity / MaxLoad) + 1));
        _cells = new Cell[cap];
        _threshold = (int)(cap * MaxLoad);
    }

    /// <summary>The number of distinct keys held.</summary>
    public int KeyCount => _used;

    /// <summary>Approximate bytes held by this table's arrays.</summary>
    public long ApproximateBytes
    {
        get
        {
            long bytes = ((long)_cells.Length * 8) + ((long)_lists.Length * 8) + ((long)_freeLists.Length * 4);
            for (int i = 0; i < _listCount; i++)
            {
                bytes += (_lists[i]?.Length ?? 0) * 4L;
            }

            return bytes;
        }
    }

    /// <summary>Makes room for <paramref name="additionalKeys"/> more distinct keys without further growth.</summary>
    public void EnsureCapacity(int additionalKeys)
    {
        long needed = _used + (long)additionalKeys;
        if (needed > _threshold)
        {
            Resize((int)Math.Min(int.MaxValue / 2, (needed / MaxLoad) + 1));
        }
    }

    /// <summary>Adds <paramref name="id"/> to the bucket of <paramref name="key"/>.</summary>
    public void Add(ulong key, int id)
    {
        if (_used >= _threshold)
        {
            Resize((int)Math.Min(int.MaxValue / 2, (_cells.Length * Growth) + 1));
        }

        Cell[] cells = _cells;
        int i = Home((uint)key, cells.Length);
        while (true)
        {
            ref Cell cell = ref cells[i];
            if (cell.Value == 0)
            {
                cell.Key = (uint)key;
                cell.Value = id + 1;
                _used++;
                return;
            }

            if (cell.Key == (uint)key)
            {
                AppendToBucket(ref cell, id);
                return;
            }

            if (++i == cells.Length)
            {
                i = 0;
            }
        }
    }

    /// <summary>Removes one occurrence of <paramref name="id"/> from the bucket of <paramref name="key"/>.</summary>
    /// <returns>Whether an occurrence was found.</returns>
    public bool Remove(ulong key, int id)
    {
        int i = Find(key);
        if (i < 0)
        {
            return false;
        }

        ref Cell cell = ref _cells[i];
        if (cell.Value > 0)
        {
            if (cell.Value != id + 1)
            {
                return false;
            }

            DeleteCell(i);
            return true;
        }

        int listIndex = -cell.Value - 1;
        int[] list = _lists[listIndex]!;
        int count = list[0];
        for (int j = 1; j <= count; j++)
        {
            if (list[j] == id)
            {
                // Shift the later ids down: a bucket keeps its ids in the order they were added.
                Array.Copy(list, j + 1, list, j, count - j);
                count--;
                list[0] = count;
                if (count == 1)
                {
                    cell.Value = list[1] + 1;
                    FreeList(listIndex);
                }

                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Writes the ids of <paramref name="key"/>'s bucket to <paramref name="destination"/> from
    /// <paramref name="offset"/> on, as far as it has room.
    /// </summary>
    /// <returns>The number of ids in the bucket (written or not).</returns>
    public int Get(ulong key, Span<int> destination, int offset)
    {
        int i = Find(key);
        if (i < 0)
        {
            return 0;
        }

        int value = _cells[i].Value;
        if (value > 0)
        {
            if (offset < destination.Length)
            {
                destination[offset] = value - 1;
            }

            return 1;
        }

        int[] list = _lists[-value - 1]!;
        int count = list[0];
        int room = Math.Clamp(destination.Length - offset, 0, count);
        if (room > 0)
        {
            list.AsSpan(1, room).CopyTo(destination[offset..]);
        }
        return count;
    }

    /// <summary>The ids of <paramref name="key"/>'s bucket as a new array.</summary>
    public int[] Get(ulong key)
    {
        int i = Find(key);
        if (i < 0)
        {
            return [];
        }

        int value = _cells[i].Value;
        if (value > 0)
        {
            return [value - 1];
        }

        int[] list = _lists[-value - 1]!;
        return list.AsSpan(1, list[0]).ToArray();
    }

    /// <summary>Removes every key.</summary>
    public void Clear()
    {
        _cells = new Cell[MinCapacity];
        _threshold = (int)(MinCapacity * MaxLoad);
        _used = 0;
        _lists = [];
        _listCount = 0;
        _freeLists = [];
        _freeListCount = 0;
    }

    /// <summary>The cell a key's low 32 bits start from.</summary>
    private static int Home(uint key, int length) => (int)(((ulong)key * (ulong)length) >> 32);

    private int Find(ulong key)
    {
        Cell[] cells = _cells;
        int i = Home((uint)key, cells.Length);
        while (true)
        {
            ref Cell cell = ref cells[i];
            if (cell.Value == 0)
            {
                return -1;
            }

            if (cell.Key == (uint)key)
            {
                return i;
            }

            if (++i == cells.Length)
            {
                i = 0;
            }
        }
    }

    private void DeleteCell(int hole)
    {
        Cell[] cells = _cells;
        int length = cells.Length;
        int j = hole;
        while (true)
        {
            if (++j == length)
            {
                j = 0;
            }

            if (cells[j].Value == 0)
            {
                break;
            }

            int home = Home(cells[j].Key, length);

            // The entry at j may fill the hole unless its home lies cyclically in (hole, j].
            bool stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
            if (!stays)
            {
                cells[hole] = cells[j];
                hole = j;
            }
        }

        cells[hole] = default;
        _used--;
    }

    private void AppendToBucket(ref Cell cell, int id)
    {
        if (cell.Value > 0)
        {
            int listIndex = AllocateList();
            int[] list = _lists[listIndex]!;
            list[0] = 2;
            list[1] = cell.Value - 1;
            list[2] = id;
            cell.Value = -listIndex - 1;
            return;
        }

        int index = -cell.Value - 1;
        int[] existing = _lists[index]!;
        int count = existing[0];
        if (count + 1 == existing.Length)
        {
            Array.Resize(ref existing, existing.Length * 2);
            _lists[index] = existing;
        }

        existing[count + 1] = id;
        existing[0] = count + 1;
    }

    private int AllocateList()
    {
        if (_freeListCount > 0)
        {
            int reused = _freeLists[--_freeListCount];
            _lists[reused] = new int[4];
            return reused;
        }

        if (_listCount == _lists.Length)
        {
            Array.Resize(ref _lists, Math.Max(4, _lists.Length * 2));
        }

        _lists[_listCount] = new int[4];
        return _listCount++;
    }

    private void FreeList(int index)
    {
        _lists[index] = null;
        if (_freeListCount == _freeLists.Length)
        {
            Array.Resize(ref _freeLists, Math.Max(4, _freeLists.Length * 2));
        }

        _freeLists[_freeListCount++] = index;
    }

    private void Resize(int newCapacity)
    {
        Cell[] old = _cells;
        var cells = new Cell[Math.Max(newCapacity, MinCapacity)];
        int length = cells.Length;
        foreach (Cell cell in old)
        {
            if (cell.Value != 0)
            {
                int i = Home(cell.Key, length);
                while (cells[i].Value != 0)
                {
                    if (++i == length)
                    {
                        i = 0;
                    }
                }

                cells[i] = cell;
            }
        }

        _cells = cells;
        _threshold = (int)(length * MaxLoad);
    }

    /// <summary>A key's low 32 bits and the bucket's value.</summary>
    private struct Cell
    {
        public uint Key;
        public int Value;
    }
}

using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;

namespace Dedup.Indexing;

/// <summary>
/// Finds every stored 64-bit SimHash fingerprint within Hamming distance <c>k</c> of a query, exactly, with
/// permuted tables (Manku, Jain and Das Sarma, "Detecting near-duplicates for web crawling", WWW 2007).
/// </summary>
/// <remarks>
/// <para>
/// The 64 bits are split into <c>k + 1</c> contiguous blocks. Two fingerprints that differ in at most
/// <c>k</c> bits cannot differ in all <c>k + 1</c> blocks, so they agree exactly on at least one. The index
/// keeps one table per block, keyed by that block's bits; a query looks up its own block in each table and
/// checks each candidate's full distance with a popcount. There are no false negatives and no false
/// positives. Each match is returned <b>once</b>, in the table of the first block it agrees on, with its
/// distance, sorted by distance and then by key (ordinal).
/// </para>
/// <para>
/// <b>Keys.</b> Adding a key that is present replaces its fingerprint and returns <see langword="false"/>.
/// </para>
/// <para>
/// <b>Thread safety.</b> All members are safe to call concurrently; queries run in parallel, and a write
/// excludes other calls while it runs. Every operation is atomic.
/// </para>
/// </remarks>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable",
    Justification = "The lock allocates kernel handles only lazily under contention; finalization reclaims them. An index is a data structure, not a resource.")]
public sealed partial class SimHashIndex
{
    private const int StackIdLimit = 256;

    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly int _maxDistance;
    private readonly int[] _shifts;
    private readonly ulong[] _masks;
    private readonly BucketTable[] _tables;
    private readonly SlotRegistry<ulong> _slots = new();

    /// <summary>Creates an empty index for distance up to 3.</summary>
    public SimHashIndex()
        : this(new SimHashIndexOptions())
    {
    }

    /// <summary>Creates an empty index.</summary>
    /// <param name="options">The largest searchable distance.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="SimHashIndexOptions.MaxDistance"/> is outside [0, 63].</exception>
    public SimHashIndex(SimHashIndexOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxDistance is < 0 or > 63)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxDistance, "MaxDistance must be between 0 and 63 (the 64 bits are split into MaxDistance + 1 blocks).");
        }

        Options = options;
        _maxDistance = options.MaxDistance;
        int blocks = _maxDistance + 1;
        _shifts = new int[blocks];
        _masks = new ulong[blocks];
        _tables = new BucketTable[blocks];
        int shift = 0;
        for (int i = 0; i < blocks; i++)
        {
            int bits = (64 / blocks) + (i < 64 % blocks ? 1 : 0);
            _shifts[i] = shift;
            _masks[i] = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
            _tables[i] = new BucketTable();
            shift += bits;
        }
    }

    /// <summary>The options the index was created with.</summary>
    public SimHashIndexOptions Options { get; }

    /// <summary>The largest Hamming distance a query can search for.</summary>
    public int MaxDistance => _maxDistance;

    /// <summary>The number of documents in the index.</summary>
    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _slots.Count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>Whether a document with <paramref name="key"/> is in the index.</summary>
    /// <param name="key">The document key.</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool Contains(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _lock.EnterReadLock();
        try
        {
            return _slots.Contains(key);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Gets the stored fingerprint of <paramref name="key"/>.</summary>
    /// <param name="key">The document key.</param>
    /// <param name="fingerprint">The fingerprint, or 0 when absent.</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool TryGetFingerprint(string key, out ulong fingerprint)
    {
        ArgumentNullException.ThrowIfNull(key);
        _lock.EnterReadLock();
        try
        {
            if (_slots.TryGetSlot(key, out int id))
            {
                fingerprint = _slots[id];
                return true;
            }

            fingerprint = 0;
            return false;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Adds a document, or replaces the fingerprint of an existing key.</summary>
    /// <param name="key">The document key.</param>
    /// <param name="fingerprint">The document's 64-bit SimHash.</param>
    /// <returns><see langword="true"/> when the key was new; <see langword="false"/> when it replaced one.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    public bool Add(string key, ulong fingerprint)
    {
        ArgumentNullException.ThrowIfNull(key);
        _lock.EnterWriteLock();
        try
        {
            return AddLocked(key, fingerprint);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Adds many documents under one lock acquisition; a repeated key is replaced by its later fingerprint.</summary>
    /// <param name="keys">The document keys.</param>
    /// <param name="fingerprints">The fingerprints, one per key.</param>
    /// <returns>The number of keys that were new.</returns>
    /// <exception cref="ArgumentNullException">A key is <see langword="null"/> (nothing is added).</exception>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public int AddRange(ReadOnlySpan<string> keys, ReadOnlySpan<ulong> fingerprints)
    {
        if (keys.Length != fingerprints.Length)
        {
            throw new ArgumentException($"There are {keys.Length} keys but {fingerprints.Length} fingerprints.", nameof(fingerprints));
        }

        foreach (string key in keys)
        {
            ArgumentNullException.ThrowIfNull(key, nameof(keys));
        }

        int added = 0;
        _lock.EnterWriteLock();
        try
        {
            _slots.EnsureCapacity(_slots.Count + keys.Length);
            for (int i = 0; i < keys.Length; i++)
            {
                if (AddLocked(keys[i], fingerprints[i]))
                {
                    added++;
                }
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        return added;
    }

    /// <summary>Removes a document.</summary>
    /// <param name="key">The document key.</param>
    /// <returns><see langword="true"/> when it was present.</returns>
    public bool Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _lock.EnterWriteLock();
        try
        {
            if (!_slots.Remove(key, out int id, out ulong fingerprint))
            {
                return false;
            }

            RemoveFromTables(id, fingerprint);
            return true;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Finds every stored fingerprint within <see cref="MaxDistance"/> of <paramref name="fingerprint"/>.</summary>
    /// <param name="fingerprint">The query fingerprint.</param>
    /// <returns>Each match once, nearest first (ties by key, ordinal).</returns>
    public IReadOnlyList<SimHashMatch> Query(ulong fingerprint) => Query(fingerprint, _maxDistance);

    /// <summary>Finds every stored fingerprint within <paramref name="maxDistance"/> of <paramref name="fingerprint"/>.</summary>
    /// <param name="fingerprint">The query fingerprint.</param>
    /// <param name="maxDistance">The largest Hamming distance to return, in [0, <see cref="MaxDistance"/>].</param>
    /// <returns>Each match once, nearest first (ties by key, ordinal).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxDistance"/> is outside [0, <see cref="MaxDistance"/>].</exception>
    public IReadOnlyList<SimHashMatch> Query(ulong fingerprint, int maxDistance)
    {
        if (maxDistance < 0 || maxDistance > _maxDistance)
        {
            throw new ArgumentOutOfRangeException(nameof(maxDistance), maxDistance, $"The distance must be between 0 and the index's MaxDistance ({_maxDistance}).");
        }

        List<SimHashMatch>? results = null;
        Span<int> ids = stackalloc int[StackIdLimit];
        int[]? rented = null;
        _lock.EnterReadLock();
        try
        {
            for (int block = 0; block < _tables.Length; block++)
            {
                ulong tableKey = TableKey(fingerprint, block);
                int total = _tables[block].Get(tableKey, ids, 0);
                if (total > ids.Length)
                {
                    if (rented is not null)
                    {
                        ArrayPool<int>.Shared.Return(rented);
                    }

                    rented = ArrayPool<int>.Shared.Rent(total);
                    ids = rented;
                    total = _tables[block].Get(tableKey, ids, 0);
                }

                foreach (int id in ids[..total])
                {
                    ulong other = _slots[id];
                    ulong diff = fingerprint ^ other;

                    // Found through this block only if it holds this block (a table's bucket may also hold the ids of
                    // another block whose key agrees in its low 32 bits: BucketTable), and once: at its first block.
                    if (((diff >> _shifts[block]) & _masks[block]) != 0 || AgreesOnEarlierBlock(diff, block))
                    {
                        continue;
                    }

                    int distance = BitOperations.PopCount(diff);
                    if (distance <= maxDistance)
                    {
                        (results ??= []).Add(new SimHashMatch(_slots.IdAt(id), other, distance));
                    }
                }
            }
        }
        finally
        {
            _lock.ExitReadLock();
            if (rented is not null)
            {
                ArrayPool<int>.Shared.Return(rented);
            }
        }

        if (results is null)
        {
            return [];
        }

        SimHashMatch[] array = [.. results];
        Array.Sort(array, static (x, y) =>
        {
            int c = x.Distance.CompareTo(y.Distance);
            return c != 0 ? c : string.CompareOrdinal(x.Key, y.Key);
        });
        return array;
    }

    private bool AgreesOnEarlierBlock(ulong diff, int block)
    {
        for (int j = 0; j < block; j++)
        {
            if (((diff >> _shifts[j]) & _masks[j]) == 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The table key of a block: its bits through a bijective 64-bit mixer. A table keeps the key's low 32 bits, so two
    /// blocks may share a bucket: a query keeps only the ids whose block is its own.
    /// </summary>
    private ulong TableKey(ulong fingerprint, int block) => Kernels.HashMixKernel.Mix((fingerprint >> _shifts[block]) & _masks[block]);

    private bool AddLocked(string key, ulong fingerprint)
    {
        bool added;
        if (_slots.TryGetSlot(key, out int id))
        {
            RemoveFromTables(id, _slots[id]);
            added = false;
        }
        else
        {
            id = _slots.Add(key);
            added = true;
        }

        _slots[id] = fingerprint;
        for (int block = 0; block < _tables.Length; block++)
        {
            _tables[block].Add(TableKey(fingerprint, block), id);
        }

        return added;
    }

    private void RemoveFromTables(int id, ulong fingerprint)
    {
        for (int block = 0; block < _tables.Length; block++)
        {
            _tables[block].Remove(TableKey(fingerprint, block), id);
        }
    }
}

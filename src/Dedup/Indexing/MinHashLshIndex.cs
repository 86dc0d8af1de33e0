using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace Dedup.Indexing;

/// <summary>
/// A MinHash LSH index: finds the stored documents whose signatures likely have a Jaccard similarity to a
/// query above a threshold, and returns them with their estimated similarity, most similar first.
/// </summary>
/// <remarks>
/// <para>
/// <b>Keys.</b> Documents are identified by the caller's string keys (compared ordinally). Adding a key that
/// is already present <b>replaces</b> its signature (an upsert) and returns <see langword="false"/>;
/// <see cref="Remove"/> always works, unlike datasketch's <c>MinHashLSHForest</c>.
/// </para>
/// <para>
/// <b>Thread safety.</b> All members are safe to call concurrently from any number of threads. Queries run in
/// parallel with each other; a write (add, remove) excludes other calls for the few microseconds it takes.
/// Every operation is atomic: a query never sees a half-added document, never misses a document whose add
/// completed before the query started, and never returns one whose removal completed before it started.
/// With an asynchronous store, writes are applied one at a time and a document becomes findable when its
/// <c>AddAsync</c> completes.
/// </para>
/// <para>
/// <b>Memory.</b> Signatures sit in one segmented slab of <see cref="uint"/> (1,024 documents per segment)
/// addressed by an internal document id; buckets hold 64-bit band keys and <see cref="int"/> ids (see
/// <see cref="InMemoryLshBucketStore"/>). At K = 128 and 20 bands this is under 1 KB per document, signature
/// included (about 512 bytes of signature, 340 of buckets, 60 of key table).
/// </para>
/// </remarks>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable",
    Justification = "The lock and semaphore allocate kernel handles only lazily under contention; finalization reclaims them. An index is a data structure, not a resource.")]
public sealed partial class MinHashLshIndex
{
    private const int SegmentShift = 10;
    private const int SegmentMask = (1 << SegmentShift) - 1;
    private const int StackBandLimit = 256;
    private const int StackIdLimit = 256;

    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly SemaphoreSlim _asyncWriteGate = new(1, 1);
    private readonly ILshBucketStore _store;
    private readonly int _k;
    private readonly int _bands;
    private readonly int _rows;
    private readonly SlotRegistry _slots = new();

    private uint[][] _segments = [];
    private int _segmentCount;

    /// <summary>Creates an empty index with the default options (K = 128, threshold 0.9, in-memory store).</summary>
    public MinHashLshIndex()
        : this(new LshIndexOptions())
    {
    }

    /// <summary>Creates an empty index.</summary>
    /// <param name="options">The signature length, banding and store.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The threshold, weights or K are out of range.</exception>
    /// <exception cref="ArgumentException">The explicit banding needs more positions than K.</exception>
    public MinHashLshIndex(LshIndexOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Parameters = options.ResolveParameters();
        Options = options;
        _store = options.Store ?? new InMemoryLshBucketStore();
        _k = options.NumPermutations;
        _bands = Parameters.Bands;
        _rows = Parameters.Rows;
    }

    /// <summary>The options the index was created with.</summary>
    public LshIndexOptions Options { get; }

    /// <summary>The banding in use (derived from the threshold unless given explicitly).</summary>
    public LshParameters Parameters { get; }

    /// <summary>The signature length K.</summary>
    public int NumPermutations => _k;

    /// <summary>The store holding the buckets.</summary>
    public ILshBucketStore Store => _store;

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
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
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

    /// <summary>Copies the stored signature of <paramref name="key"/> to <paramref name="destination"/>.</summary>
    /// <param name="key">The document key.</param>
    /// <param name="destination">At least K values long.</param>
    /// <returns><see langword="false"/> when the key is absent (nothing is written).</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than K.</exception>
    public bool TryGetSignature(string key, Span<uint> destination)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (destination.Length < _k)
        {
            throw new ArgumentException($"The destination has room for {destination.Length} values but signatures have K = {_k}.", nameof(destination));
        }

        _lock.EnterReadLock();
        try
        {
            if (!_slots.TryGetSlot(key, out int id))
            {
                return false;
            }

            SignatureOf(id).CopyTo(destination);
            return true;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Adds a document, or replaces the signature of an existing key.</summary>
    /// <param name="key">The document key.</param>
    /// <param name="signature">The document's MinHash signature: exactly K values.</param>
    /// <returns><see langword="true"/> when the key was new; <see langword="false"/> when it replaced one.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The signature length is not K.</exception>
    /// <exception cref="NotSupportedException">The store is asynchronous only; use <see cref="AddAsync"/>.</exception>
    public bool Add(string key, ReadOnlySpan<uint> signature)
    {
        ArgumentNullException.ThrowIfNull(key);
        ValidateSignature(signature, nameof(signature));
        EnsureSynchronousStore();

        Span<LshBucketEntry> entries = _bands <= StackBandLimit ? stackalloc LshBucketEntry[_bands] : new LshBucketEntry[_bands];
        Span<ulong> bandKeys = _bands <= StackBandLimit ? stackalloc ulong[_bands] : new ulong[_bands];
        SignatureMath.ComputeBandKeys(signature, _bands, _rows, bandKeys);

        _lock.EnterWriteLock();
        try
        {
            return AddLocked(key, signature, bandKeys, entries);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Adds many documents under one lock acquisition; a repeated key is replaced by its later signature.</summary>
    /// <param name="keys">The document keys.</param>
    /// <param name="signatures">The signatures, concatenated: <c>keys.Length × K</c> values, the i-th at <c>[i·K, (i+1)·K)</c>.</param>
    /// <returns>The number of keys that were new.</returns>
    /// <exception cref="ArgumentNullException">A key is <see langword="null"/> (nothing is added).</exception>
    /// <exception cref="ArgumentException"><paramref name="signatures"/> is not <c>keys.Length × K</c> long.</exception>
    /// <exception cref="NotSupportedException">The store is asynchronous only; use <see cref="AddRangeAsync"/>.</exception>
    public int AddRange(ReadOnlySpan<string> keys, ReadOnlySpan<uint> signatures)
    {
        ValidateBatch(keys, signatures.Length, nameof(signatures));
        EnsureSynchronousStore();

        Span<LshBucketEntry> entries = _bands <= StackBandLimit ? stackalloc LshBucketEntry[_bands] : new LshBucketEntry[_bands];
        Span<ulong> bandKeys = _bands <= StackBandLimit ? stackalloc ulong[_bands] : new ulong[_bands];
        int added = 0;
        _lock.EnterWriteLock();
        try
        {
            if (_store is InMemoryLshBucketStore memory)
            {
                _slots.EnsureCapacity(_slots.Count + keys.Length);
                memory.EnsureCapacity((long)keys.Length * _bands);
            }

            for (int i = 0; i < keys.Length; i++)
            {
                ReadOnlySpan<uint> signature = signatures.Slice(i * _k, _k);
                SignatureMath.ComputeBandKeys(signature, _bands, _rows, bandKeys);
                if (AddLocked(keys[i], signature, bandKeys, entries))
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
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    /// <exception cref="NotSupportedException">The store is asynchronous only; use <see cref="RemoveAsync"/>.</exception>
    public bool Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        EnsureSynchronousStore();
        Span<LshBucketEntry> entries = _bands <= StackBandLimit ? stackalloc LshBucketEntry[_bands] : new LshBucketEntry[_bands];
        _lock.EnterWriteLock();
        try
        {
            if (!_slots.Remove(key, out int id))
            {
                return false;
            }

            EntriesOf(id, entries);
            _store.Remove(entries);
            return true;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>
    /// Finds the documents sharing at least one band with <paramref name="signature"/>, with their estimated
    /// Jaccard similarity, most similar first (ties by key, ordinally).
    /// </summary>
    /// <param name="signature">The query signature: exactly K values.</param>
    /// <param name="minJaccard">Candidates estimated below this similarity are left out; 0 (the default) keeps all.</param>
    /// <returns>The candidates, each once.</returns>
    /// <exception cref="ArgumentException">The signature length is not K.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minJaccard"/> is not in [0, 1].</exception>
    /// <exception cref="NotSupportedException">The store is asynchronous only; use <see cref="QueryAsync"/>.</exception>
    public IReadOnlyList<MinHashCandidate> Query(ReadOnlySpan<uint> signature, double minJaccard = 0.0)
    {
        ValidateSignature(signature, nameof(signature));
        ValidateMinJaccard(minJaccard);
        EnsureSynchronousStore();

        Span<ulong> bandKeys = _bands <= StackBandLimit ? stackalloc ulong[_bands] : new ulong[_bands];
        SignatureMath.ComputeBandKeys(signature, _bands, _rows, bandKeys);
        Span<int> ids = stackalloc int[StackIdLimit];
        int[]? rented = null;
        _lock.EnterReadLock();
        try
        {
            int total = _store.Query(bandKeys, ids);
            if (total > ids.Length)
            {
                rented = ArrayPool<int>.Shared.Rent(total);
                ids = rented;
                total = _store.Query(bandKeys, ids);
            }

            return ResolveLocked(signature, ids[..total], minJaccard);
        }
        finally
        {
            _lock.ExitReadLock();
            if (rented is not null)
            {
                ArrayPool<int>.Shared.Return(rented);
            }
        }
    }

    private bool AddLocked(string key, ReadOnlySpan<uint> signature, ReadOnlySpan<ulong> bandKeys, Span<LshBucketEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(key);
        bool added;
        if (_slots.TryGetSlot(key, out int id))
        {
            EntriesOf(id, entries);
            _store.Remove(entries);
            added = false;
        }
        else
        {
            id = _slots.Add(key);
            EnsureSegment(id);
            added = true;
        }

        signature.CopyTo(SignatureOf(id));
        for (int b = 0; b < bandKeys.Length; b++)
        {
            entries[b] = new LshBucketEntry(bandKeys[b], id);
        }

        _store.Add(entries);
        return added;
    }

    /// <summary>Scores the (possibly repeated) ids against the query. Call under the read lock.</summary>
    private MinHashCandidate[] ResolveLocked(ReadOnlySpan<uint> query, Span<int> ids, double minJaccard)
    {
        if (ids.IsEmpty)
        {
            return [];
        }

        ids.Sort();
        var results = new List<MinHashCandidate>(Math.Min(ids.Length, 64));
        int previous = -1;
        foreach (int id in ids)
        {
            if (id == previous)
            {
                continue;
            }

            previous = id;
            if (!_slots.TryGetId(id, out string? key) || !SharesABand(query, SignatureOf(id)))
            {
                continue;
            }

            double jaccard = SignatureMath.CountEqual(query, SignatureOf(id)) / (double)_k;
            if (jaccard >= minJaccard)
            {
                results.Add(new MinHashCandidate(key, jaccard));
            }
        }

        MinHashCandidate[] array = [.. results];
        Array.Sort(array, static (x, y) =>
        {
            int c = y.Jaccard.CompareTo(x.Jaccard);
            return c != 0 ? c : string.CompareOrdinal(x.Key, y.Key);
        });
        return array;
    }

    /// <summary>
    /// Whether a stored signature equals the query on every row of some band, which is what sharing a band's bucket
    /// means. The in-memory store tells its buckets apart by 40 bits of their keys (<see cref="BucketTable"/>), so a
    /// lookup meets the ids of another band key with a chance of the keys held over 2^40: those are left out here.
    /// </summary>
    private bool SharesABand(ReadOnlySpan<uint> query, ReadOnlySpan<uint> stored)
    {
        for (int b = 0; b < _bands; b++)
        {
            if (query.Slice(b * _rows, _rows).SequenceEqual(stored.Slice(b * _rows, _rows)))
            {
                return true;
            }
        }

        return false;
    }

    private Span<uint> SignatureOf(int id) => _segments[id >> SegmentShift].AsSpan((id & SegmentMask) * _k, _k);

    private void EntriesOf(int id, Span<LshBucketEntry> entries)
    {
        Span<ulong> bandKeys = _bands <= StackBandLimit ? stackalloc ulong[_bands] : new ulong[_bands];
        SignatureMath.ComputeBandKeys(SignatureOf(id), _bands, _rows, bandKeys);
        for (int b = 0; b < _bands; b++)
        {
            entries[b] = new LshBucketEntry(bandKeys[b], id);
        }
    }

    /// <summary>Makes sure the slab has a segment for <paramref name="id"/> (ids are dense, so at most one is added).</summary>
    private void EnsureSegment(int id)
    {
        int segment = id >> SegmentShift;
        while (segment >= _segmentCount)
        {
            if (_segmentCount == _segments.Length)
            {
                Array.Resize(ref _segments, Math.Max(4, _segments.Length * 2));
            }

            _segments[_segmentCount++] = new uint[(1 << SegmentShift) * _k];
        }
    }

    private void ValidateSignature(ReadOnlySpan<uint> signature, string paramName)
    {
        if (signature.Length != _k)
        {
            throw new ArgumentException($"The signature has {signature.Length} values but this index expects K = {_k}.", paramName);
        }
    }

    private void ValidateBatch(ReadOnlySpan<string> keys, int signatureValues, string signaturesParamName)
    {
        if ((long)keys.Length * _k != signatureValues)
        {
            throw new ArgumentException(
                $"The signatures hold {signatureValues} values but {keys.Length} keys × K = {_k} need {(long)keys.Length * _k}.",
                signaturesParamName);
        }

        foreach (string key in keys)
        {
            ArgumentNullException.ThrowIfNull(key, nameof(keys));
        }
    }

    private static void ValidateMinJaccard(double minJaccard)
    {
        if (!(minJaccard >= 0.0 && minJaccard <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(minJaccard), minJaccard, "The minimum Jaccard similarity must be between 0 and 1.");
        }
    }

    private void EnsureSynchronousStore()
    {
        if (!_store.SupportsSynchronousAccess)
        {
            throw new NotSupportedException(
                $"The bucket store {_store.GetType().Name} supports only asynchronous access; use AddAsync, AddRangeAsync, RemoveAsync and QueryAsync.");
        }
    }
}

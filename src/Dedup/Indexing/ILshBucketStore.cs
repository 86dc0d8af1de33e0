namespace Dedup.Indexing;

/// <summary>
/// A multimap from 64-bit keys to dense document ids, in which each key's bucket keeps its ids in the order they were
/// added: where a <see cref="MinHashLshIndex"/> keeps its band buckets and a <see cref="Detection.CopyDetector"/> its
/// candidate index.
/// </summary>
/// <remarks>
/// <para>
/// The index owns everything else (the caller's string keys, the id of each key and the signatures or shingle sets),
/// so a store only ever sees <see cref="LshBucketEntry"/> pairs and keys. Document ids are dense, non-negative
/// <see cref="int"/> values assigned by the index, reused after a removal, so one store instance belongs to exactly
/// one index. This keeps in-memory buckets small (an <see cref="int"/> per membership instead of a string reference)
/// and keeps a network store's values short.
/// </para>
/// <para>
/// <b>What the detector stores.</b> For a <see cref="Detection.CopyDetector"/> the keys are not MinHash bands: each
/// article has one key for the hash of its token sequence (exact duplicates) and one for each shingle of a consistent
/// sample of its word shingles (1 in 8), of its skeleton shingles (the function words and numbers, 1 in 4) and of
/// the pairs of names in one of its sentences (1 in 2), each mixed into its own key space; the ids are its article
/// slots. The same keys and the same rules serve the detector's batch scan, whose candidate index is built in one
/// pass. A query reads at most the first 65 ids of each bucket (<see cref="Query"/> with a destination of that length
/// and one key): a key held by at most 64 earlier articles proposes them all; a more common key proposes only its
/// 16 earliest holders, and of the articles proposed by common keys alone at most 8, the most proposed, are verified.
/// So a query's work is bounded by its keys, not by the index; a synchronous store must therefore keep a bucket's ids
/// in the order they were added (<see cref="InMemoryLshBucketStore"/> does, through removals too). An asynchronous
/// store's buckets are read whole and ordered by the detector.
/// </para>
/// <para>
/// <b>Two access paths.</b> A store whose data is local (<see cref="SupportsSynchronousAccess"/> is
/// <see langword="true"/>, e.g. <see cref="InMemoryLshBucketStore"/>) implements the synchronous members
/// without allocating; the index then uses only those, and its asynchronous methods complete synchronously.
/// A store behind a network (a Redis, Valkey or Garnet server) returns <see langword="false"/>; the index
/// then calls only the asynchronous members, and its synchronous methods throw
/// <see cref="NotSupportedException"/>. Every operation is a <b>batch</b>: adding a document passes all of
/// its bands at once, <c>AddRange</c> passes all bands of all documents at once, and a query asks for all of
/// its bands at once, so a network store can pipeline one round trip per call instead of one per band.
/// </para>
/// <para>
/// <b>The detector's calls.</b> A <see cref="Detection.CopyDetector"/> sends each article's keys in one batch per
/// article added or removed. With a store without synchronous access, only the detector's asynchronous methods work
/// (<c>FindOrAddAsync</c>, <c>AddAsync</c>, <c>RemoveAsync</c>, <c>FindCopiesAsync</c>), each making one
/// <see cref="QueryAsync"/> and at most one <see cref="AddAsync"/> or <see cref="RemoveAsync"/> call; its writes take
/// turns, its queries do not. The detector assigns the slots and keeps each article's compact form in its own memory,
/// so a store serves one detector; several processes sharing one index also need the slots and compact forms kept in
/// the shared store.
/// </para>
/// <para>
/// <b>Semantics.</b> The store is a multiset: adding the same (key, id) pair twice holds it twice, and a
/// removal takes away one occurrence (a no-op when absent). The index never adds a pair that is already
/// present except through a 64-bit band-key collision, which this rule keeps consistent.
/// </para>
/// <para>
/// <b>Thread safety.</b> The index calls the synchronous members under its own reader/writer lock: any
/// number of concurrent <see cref="Query"/> calls, or one <see cref="Add"/> or <see cref="Remove"/> alone.
/// A synchronous store used only through one index therefore needs no locking of its own. The index
/// serializes its asynchronous writes (one <see cref="AddAsync"/> or <see cref="RemoveAsync"/> at a time)
/// but lets <see cref="QueryAsync"/> calls run concurrently with them and with each other; an asynchronous
/// store must allow that, which a Redis server does because each command is atomic.
/// </para>
/// </remarks>
public interface ILshBucketStore
{
    /// <summary>
    /// Whether the synchronous members are implemented. When <see langword="false"/>, they may throw
    /// <see cref="NotSupportedException"/> and the index uses the asynchronous members instead.
    /// </summary>
    bool SupportsSynchronousAccess { get; }

    /// <summary>Adds every pair in <paramref name="entries"/> to its bucket.</summary>
    /// <param name="entries">The pairs to add, typically all bands of one or more documents.</param>
    void Add(ReadOnlySpan<LshBucketEntry> entries);

    /// <summary>Removes one occurrence of every pair in <paramref name="entries"/>; absent pairs are ignored.</summary>
    /// <param name="entries">The pairs to remove.</param>
    void Remove(ReadOnlySpan<LshBucketEntry> entries);

    /// <summary>
    /// Writes the ids held in the buckets of all <paramref name="bandKeys"/> to <paramref name="destination"/>,
    /// in any order, with an id repeated once per bucket holding it.
    /// </summary>
    /// <param name="bandKeys">The band keys to look up.</param>
    /// <param name="destination">Receives up to <c>destination.Length</c> ids.</param>
    /// <returns>
    /// The total number of ids found. When it exceeds <c>destination.Length</c>, only the first
    /// <c>destination.Length</c> were written; call again with a buffer at least that large.
    /// </returns>
    int Query(ReadOnlySpan<ulong> bandKeys, Span<int> destination);

    /// <summary>Adds every pair in <paramref name="entries"/> to its bucket, as one batch.</summary>
    /// <param name="entries">The pairs to add; the store must not keep a reference after completing.</param>
    /// <param name="cancellationToken">Cancels the operation; a cancelled batch may be partly applied.</param>
    /// <returns>A task that completes when every pair is stored.</returns>
    ValueTask AddAsync(ReadOnlyMemory<LshBucketEntry> entries, CancellationToken cancellationToken = default);

    /// <summary>Removes one occurrence of every pair in <paramref name="entries"/>, as one batch.</summary>
    /// <param name="entries">The pairs to remove; the store must not keep a reference after completing.</param>
    /// <param name="cancellationToken">Cancels the operation; a cancelled batch may be partly applied.</param>
    /// <returns>A task that completes when every pair is removed.</returns>
    ValueTask RemoveAsync(ReadOnlyMemory<LshBucketEntry> entries, CancellationToken cancellationToken = default);

    /// <summary>Looks up the buckets of all <paramref name="bandKeys"/> as one batch.</summary>
    /// <param name="bandKeys">The band keys to look up.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>
    /// One array per band key, in the order of <paramref name="bandKeys"/>, holding that bucket's ids
    /// (empty when the bucket is empty).
    /// </returns>
    ValueTask<int[][]> QueryAsync(ReadOnlyMemory<ulong> bandKeys, CancellationToken cancellationToken = default);

    /// <summary>
    /// Raised, on the thread of the call that found it, when the store finds it has lost its keys since it last saw
    /// them (a server restarted without persistence, or its keys flushed): searches then find no candidates among the
    /// documents indexed before. A <see cref="Detection.CopyDetector"/> reports it to its observer
    /// (<see cref="Detection.DetectorObserver.BucketKeysLost"/>) and can add its keys again
    /// (<see cref="Detection.CopyDetector.RestoreBucketsAsync"/>). Unless implemented, never raised: a store in the
    /// process's memory cannot lose its keys.
    /// </summary>
    event EventHandler? KeysLost
    {
        add
        {
        }

        remove
        {
        }
    }
}

namespace Dedup.Indexing;

/// <summary>
/// The default <see cref="ILshBucketStore"/>: buckets in process memory, about 17 bytes per bucket
/// membership, with an allocation-free synchronous path.
/// </summary>
/// <remarks>
/// <para>
/// Band keys are spread over 256 shards by their top eight bits; each shard is an open-addressing table of
/// 12-byte cells (key and inline id) that keeps a bucket's single id in the cell and moves to a small
/// overflow list only when a second document lands in the same bucket, as near-duplicates do.
/// Shards grow independently by 1.3×, so growth never copies the whole table at once: one growth rehashes a
/// 256th of the keys, whatever the size of the index.
/// </para>
/// <para>
/// Not synchronized: any number of concurrent readers (<see cref="Query"/>, <see cref="QueryAsync"/>) is
/// safe, but a write must not overlap any other call. <see cref="MinHashLshIndex"/> guarantees this with
/// its own lock. The asynchronous members run synchronously and return completed tasks.
/// </para>
/// </remarks>
public sealed class InMemoryLshBucketStore : ILshBucketStore
{
    private const int ShardBits = 8;
    private readonly BucketTable[] _shards;

    /// <summary>Creates an empty store.</summary>
    public InMemoryLshBucketStore()
    {
        _shards = new BucketTable[1 << ShardBits];
        for (int i = 0; i < _shards.Length; i++)
        {
            _shards[i] = new BucketTable();
        }
    }

    /// <inheritdoc/>
    /// <value>Always <see langword="true"/>.</value>
    public bool SupportsSynchronousAccess => true;

    /// <summary>The number of non-empty buckets.</summary>
    public long BucketCount
    {
        get
        {
            long total = 0;
            foreach (BucketTable shard in _shards)
            {
                total += shard.KeyCount;
            }

            return total;
        }
    }

    /// <summary>Approximate bytes held by the store's arrays (cells and overflow lists), for sizing.</summary>
    public long ApproximateBytes
    {
        get
        {
            long total = 0;
            foreach (BucketTable shard in _shards)
            {
                total += shard.ApproximateBytes;
            }

            return total;
        }
    }

    /// <inheritdoc/>
    public void Add(ReadOnlySpan<LshBucketEntry> entries)
    {
        foreach (LshBucketEntry entry in entries)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(entry.DocumentId, nameof(entries));
            Shard(entry.BandKey).Add(entry.BandKey, entry.DocumentId);
        }
    }

    /// <inheritdoc/>
    public void Remove(ReadOnlySpan<LshBucketEntry> entries)
    {
        foreach (LshBucketEntry entry in entries)
        {
            Shard(entry.BandKey).Remove(entry.BandKey, entry.DocumentId);
        }
    }

    /// <inheritdoc/>
    public int Query(ReadOnlySpan<ulong> bandKeys, Span<int> destination)
    {
        int total = 0;
        foreach (ulong key in bandKeys)
        {
            total += Shard(key).Get(key, destination, total);
        }

        return total;
    }

    /// <inheritdoc/>
    public ValueTask AddAsync(ReadOnlyMemory<LshBucketEntry> entries, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        Add(entries.Span);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask RemoveAsync(ReadOnlyMemory<LshBucketEntry> entries, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        Remove(entries.Span);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<int[][]> QueryAsync(ReadOnlyMemory<ulong> bandKeys, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int[][]>(cancellationToken);
        }

        ReadOnlySpan<ulong> keys = bandKeys.Span;
        var result = new int[keys.Length][];
        for (int i = 0; i < keys.Length; i++)
        {
            result[i] = Shard(keys[i]).Get(keys[i]);
        }

        return ValueTask.FromResult(result);
    }

    /// <summary>Removes every bucket.</summary>
    public void Clear()
    {
        foreach (BucketTable shard in _shards)
        {
            shard.Clear();
        }
    }

    /// <summary>Presizes the shards for about <paramref name="keys"/> more distinct band keys.</summary>
    internal void EnsureCapacity(long keys)
    {
        int perShard = (int)Math.Min(int.MaxValue / 4, (keys >> ShardBits) + 1);
        foreach (BucketTable shard in _shards)
        {
            shard.EnsureCapacity(perShard);
        }
    }

    private BucketTable Shard(ulong key) => _shards[(int)(key >> (64 - ShardBits))];
}

namespace Dedup.Tests.Indexing;

/// <summary>Seeded random signatures and near-duplicates for index tests.</summary>
internal static class TestSignatures
{
    public static uint[] Random(Random random, int k)
    {
        var signature = new uint[k];
        for (int i = 0; i < k; i++)
        {
            signature[i] = (uint)random.Next() ^ ((uint)random.Next() << 16);
        }

        return signature;
    }

    /// <summary>A copy of <paramref name="source"/> with exactly <paramref name="changes"/> positions altered.</summary>
    public static uint[] Perturb(Random random, uint[] source, int changes)
    {
        uint[] copy = (uint[])source.Clone();
        int[] positions = Enumerable.Range(0, source.Length).OrderBy(_ => random.Next()).Take(changes).ToArray();
        foreach (int p in positions)
        {
            copy[p] = ~copy[p];
        }

        return copy;
    }
}

/// <summary>An asynchronous-only store, as a network store would be: sync members throw, async ones yield.</summary>
internal sealed class AsyncOnlyStore : Dedup.Indexing.ILshBucketStore
{
    private readonly Dedup.Indexing.InMemoryLshBucketStore _inner = new();
    private readonly Lock _gate = new();

    public bool SupportsSynchronousAccess => false;

    public int AddBatches { get; private set; }

    public int QueryBatches { get; private set; }

    public void Add(ReadOnlySpan<Dedup.Indexing.LshBucketEntry> entries) => throw new NotSupportedException();

    public void Remove(ReadOnlySpan<Dedup.Indexing.LshBucketEntry> entries) => throw new NotSupportedException();

    public int Query(ReadOnlySpan<ulong> bandKeys, Span<int> destination) => throw new NotSupportedException();

    public async ValueTask AddAsync(ReadOnlyMemory<Dedup.Indexing.LshBucketEntry> entries, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        lock (_gate)
        {
            AddBatches++;
            _inner.Add(entries.Span);
        }
    }

    public async ValueTask RemoveAsync(ReadOnlyMemory<Dedup.Indexing.LshBucketEntry> entries, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        lock (_gate)
        {
            _inner.Remove(entries.Span);
        }
    }

    public async ValueTask<int[][]> QueryAsync(ReadOnlyMemory<ulong> bandKeys, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        lock (_gate)
        {
            QueryBatches++;
            var result = new int[bandKeys.Length][];
            for (int i = 0; i < result.Length; i++)
            {
                var buffer = new int[4096];
                int n = _inner.Query(bandKeys.Span.Slice(i, 1), buffer);
                result[i] = buffer[..n];
            }

            return result;
        }
    }
}

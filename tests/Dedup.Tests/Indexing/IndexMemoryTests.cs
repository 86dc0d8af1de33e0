using Dedup.Indexing;

namespace Dedup.Tests.Indexing;

/// <summary>
/// The measurement method for bytes per document: the managed heap after a full, compacting collection,
/// before and after adding 100,000 random K = 128 signatures to an index with 20 bands of 6 rows. Keys and
/// input signatures are allocated before the first measurement, so the figure is what the index itself
/// holds: signature slab, key table, id table and buckets. The test runs alone (no other test allocating on the
/// heap at the same time), or the figure would count their garbage too.
/// </summary>
[Collection(nameof(MeasuresTheHeap))]
public class IndexMemoryTests
{
    [Fact]
    public void MinHash_index_holds_at_most_1_KB_per_document_at_K_128_with_20_bands()
    {
        const int K = 128;
        const int N = 100_000;
        var random = new Random(11);
        string[] keys = Enumerable.Range(0, N).Select(i => $"doc-{i}").ToArray();
        var signatures = new uint[N * K];
        for (int i = 0; i < signatures.Length; i++)
        {
            signatures[i] = (uint)random.Next() ^ ((uint)random.Next() << 16);
        }

        long before = HeapBytes();
        var index = new MinHashLshIndex(new LshIndexOptions { NumPermutations = K, Parameters = new LshParameters(20, 6) });
        for (int i = 0; i < N; i++)
        {
            index.Add(keys[i], signatures.AsSpan(i * K, K));
        }

        long after = HeapBytes();
        double perDocument = (after - before) / (double)N;
        TestContext.Current.TestOutputHelper?.WriteLine($"MinHashLshIndex: {perDocument:F0} bytes per document (K = 128, 20 × 6, {N} documents).");
        Assert.Equal(N, index.Count);
        Assert.InRange(perDocument, 512, 1024);
        GC.KeepAlive(keys);
        GC.KeepAlive(signatures);
        GC.KeepAlive(index);
    }

    private static long HeapBytes()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}

/// <summary>Tests that measure the managed heap run in this collection, after the parallel tests and one at a time.</summary>
[CollectionDefinition(nameof(MeasuresTheHeap), DisableParallelization = true)]
public sealed class MeasuresTheHeap
{
}

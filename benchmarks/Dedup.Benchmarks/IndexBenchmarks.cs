using BenchmarkDotNet.Attributes;
using Dedup.Indexing;

namespace Dedup.Benchmarks;

/// <summary>
/// MinHash LSH index at 100,000 documents, K = 128, 20 bands × 6 rows, seeded random signatures.
/// Per-operation times (OperationsPerInvoke): invert for adds or queries per second.
/// The setup prints bytes per indexed document (managed heap after a full collection, before and after adding).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class IndexBenchmarks
{
    private const int K = 128;
    private const int N = 100_000;
    private const int Queries = 1_000;

    private static readonly LshIndexOptions Options = new() { NumPermutations = K, Parameters = new LshParameters(20, 6) };

    private string[] _keys = [];
    private uint[] _signatures = [];
    private uint[] _queries = [];
    private MinHashLshIndex _index = null!;
    private byte[] _snapshot = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _keys = Enumerable.Range(0, N).Select(i => $"doc-{i}").ToArray();
        _signatures = new uint[N * K];
        for (int i = 0; i < _signatures.Length; i++)
        {
            _signatures[i] = (uint)random.Next() ^ ((uint)random.Next() << 16);
        }

        // Half the queries are near-duplicates (16 of 128 positions changed) of stored documents, half are new.
        _queries = new uint[Queries * K];
        for (int q = 0; q < Queries; q++)
        {
            Span<uint> query = _queries.AsSpan(q * K, K);
            if (q % 2 == 0)
            {
                _signatures.AsSpan(random.Next(N) * K, K).CopyTo(query);
                for (int c = 0; c < 16; c++)
                {
                    query[random.Next(K)] ^= 0x5A5A5A5Au;
                }
            }
            else
            {
                for (int i = 0; i < K; i++)
                {
                    query[i] = (uint)random.Next() ^ ((uint)random.Next() << 16);
                }
            }
        }

        long before = HeapBytes();
        _index = AddAllOneByOne();
        long after = HeapBytes();
        Console.WriteLine($"// MinHashLshIndex bytes per document (K = {K}, 20 × 6, N = {N}): {(after - before) / (double)N:F0}");

        using var stream = new MemoryStream();
        _index.Save(stream);
        _snapshot = stream.ToArray();
        Console.WriteLine($"// Snapshot size: {_snapshot.Length / (double)N:F0} bytes per document");
    }

    /// <summary>Adds N documents one at a time to a new index.</summary>
    [Benchmark(OperationsPerInvoke = N)]
    public MinHashLshIndex Add() => AddAllOneByOne();

    /// <summary>Re-adds N documents with one AddRange call (the baseline for loading a snapshot).</summary>
    [Benchmark(OperationsPerInvoke = N, Baseline = true)]
    public MinHashLshIndex AddRange()
    {
        var index = new MinHashLshIndex(Options);
        index.AddRange(_keys, _signatures);
        return index;
    }

    /// <summary>Loads the same N documents from an in-memory snapshot (checksum verified).</summary>
    [Benchmark(OperationsPerInvoke = N)]
    public MinHashLshIndex LoadSnapshot() => MinHashLshIndex.Load(new MemoryStream(_snapshot, writable: false));

    /// <summary>Writes a snapshot of N documents to memory.</summary>
    [Benchmark(OperationsPerInvoke = N)]
    public long SaveSnapshot()
    {
        using var stream = new MemoryStream(_snapshot.Length);
        _index.Save(stream);
        return stream.Length;
    }

    /// <summary>One query against 100,000 documents (half near-duplicates, half misses), candidates scored and sorted.</summary>
    [Benchmark(OperationsPerInvoke = Queries)]
    public int Query()
    {
        int found = 0;
        for (int q = 0; q < Queries; q++)
        {
            found += _index.Query(_queries.AsSpan(q * K, K)).Count;
        }

        return found;
    }

    private MinHashLshIndex AddAllOneByOne()
    {
        var index = new MinHashLshIndex(Options);
        for (int i = 0; i < N; i++)
        {
            index.Add(_keys[i], _signatures.AsSpan(i * K, K));
        }

        return index;
    }

    private static long HeapBytes()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}

/// <summary>SimHash index (k = 3, four 16-bit tables) at 100,000 seeded random fingerprints.</summary>
[MemoryDiagnoser]
[MedianColumn]
public class SimHashIndexBenchmarks
{
    private const int N = 100_000;
    private const int Queries = 1_000;

    private string[] _keys = [];
    private ulong[] _fingerprints = [];
    private ulong[] _queries = [];
    private SimHashIndex _index = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(43);
        _keys = Enumerable.Range(0, N).Select(i => $"doc-{i}").ToArray();
        _fingerprints = Enumerable.Range(0, N).Select(_ => (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63)).ToArray();

        // Half the queries are stored fingerprints with 2 bits flipped, half are new.
        _queries = Enumerable.Range(0, Queries)
            .Select(q => q % 2 == 0 ? _fingerprints[random.Next(N)] ^ (1UL << random.Next(64)) ^ (1UL << random.Next(64)) : (ulong)random.NextInt64())
            .ToArray();
        _index = Add();
    }

    /// <summary>Adds N fingerprints one at a time to a new index.</summary>
    [Benchmark(OperationsPerInvoke = N)]
    public SimHashIndex Add()
    {
        var index = new SimHashIndex(new SimHashIndexOptions { MaxDistance = 3 });
        for (int i = 0; i < N; i++)
        {
            index.Add(_keys[i], _fingerprints[i]);
        }

        return index;
    }

    /// <summary>One query for all fingerprints within distance 3 among 100,000.</summary>
    [Benchmark(OperationsPerInvoke = Queries)]
    public int Query()
    {
        int found = 0;
        foreach (ulong q in _queries)
        {
            found += _index.Query(q).Count;
        }

        return found;
    }
}

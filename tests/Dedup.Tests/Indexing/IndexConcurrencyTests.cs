using Dedup.Indexing;

namespace Dedup.Tests.Indexing;

public class IndexConcurrencyTests
{
    private const int Threads = 4;
    private const int OpsPerThread = 2000;

    [Fact]
    public void MinHash_index_under_concurrent_adds_removes_and_queries_loses_nothing_and_returns_nothing_removed()
    {
        const int K = 128;
        var index = new MinHashLshIndex(new LshIndexOptions { NumPermutations = K, Parameters = new LshParameters(20, 6) });

        // Shared near-duplicate bait so threads' queries collide on the same buckets.
        uint[] bait = TestSignatures.Random(new Random(99), K);
        var present = new Dictionary<string, uint[]>[Threads];
        var removed = new List<(string Key, uint[] Signature)>[Threads];
        using var start = new Barrier(Threads);

        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
        {
            var random = new Random(1000 + t);
            var mine = present[t] = [];
            var gone = removed[t] = [];
            start.SignalAndWait();
            for (int op = 0; op < OpsPerThread; op++)
            {
                int roll = random.Next(10);
                if (roll < 5 || mine.Count == 0)
                {
                    string key = $"t{t}-{op}";
                    uint[] sig = random.Next(4) == 0 ? TestSignatures.Perturb(random, bait, 3) : TestSignatures.Random(random, K);
                    index.Add(key, sig);
                    mine[key] = sig;
                    Assert.Contains(index.Query(sig), c => c.Key == key);
                }
                else if (roll < 8)
                {
                    string key = mine.Keys.ElementAt(random.Next(mine.Count));
                    uint[] sig = mine[key];
                    Assert.True(index.Remove(key));
                    mine.Remove(key);
                    gone.Add((key, sig));
                    Assert.DoesNotContain(index.Query(sig), c => c.Key == key);
                }
                else
                {
                    string key = mine.Keys.ElementAt(random.Next(mine.Count));
                    MinHashCandidate hit = Assert.Single(index.Query(mine[key]), c => c.Key == key);
                    Assert.Equal(1.0, hit.Jaccard);
                    _ = index.Query(bait);
                }
            }
        });

        Assert.Equal(present.Sum(p => p.Count), index.Count);
        foreach (var (key, sig) in present.SelectMany(p => p))
        {
            Assert.True(index.Contains(key));
            Assert.Contains(index.Query(sig), c => c.Key == key && c.Jaccard == 1.0);
        }

        foreach (var (key, sig) in removed.SelectMany(r => r))
        {
            Assert.False(index.Contains(key));
            Assert.DoesNotContain(index.Query(sig), c => c.Key == key);
        }
    }

    [Fact]
    public void SimHash_index_under_concurrent_adds_removes_and_queries_loses_nothing_and_returns_nothing_removed()
    {
        var index = new SimHashIndex(new SimHashIndexOptions { MaxDistance = 3 });
        var present = new Dictionary<string, ulong>[Threads];
        var removed = new List<(string Key, ulong Fingerprint)>[Threads];
        using var start = new Barrier(Threads);

        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
        {
            var random = new Random(2000 + t);
            var mine = present[t] = [];
            var gone = removed[t] = [];
            start.SignalAndWait();
            for (int op = 0; op < OpsPerThread; op++)
            {
                int roll = random.Next(10);
                if (roll < 5 || mine.Count == 0)
                {
                    string key = $"t{t}-{op}";
                    ulong fp = (ulong)random.NextInt64() & 0xFFFF_FFFF_FFFF_00FFUL; // shared low bits: crowded buckets
                    index.Add(key, fp);
                    mine[key] = fp;
                    Assert.Contains(index.Query(fp), m => m.Key == key && m.Distance == 0);
                }
                else if (roll < 8)
                {
                    string key = mine.Keys.ElementAt(random.Next(mine.Count));
                    ulong fp = mine[key];
                    Assert.True(index.Remove(key));
                    mine.Remove(key);
                    gone.Add((key, fp));
                    Assert.DoesNotContain(index.Query(fp), m => m.Key == key);
                }
                else
                {
                    string key = mine.Keys.ElementAt(random.Next(mine.Count));
                    Assert.Single(index.Query(mine[key] ^ 0b101), m => m.Key == key);
                }
            }
        });

        Assert.Equal(present.Sum(p => p.Count), index.Count);
        foreach (var (key, fp) in present.SelectMany(p => p))
        {
            Assert.Contains(index.Query(fp), m => m.Key == key);
        }

        foreach (var (key, fp) in removed.SelectMany(r => r))
        {
            Assert.False(index.Contains(key));
            Assert.DoesNotContain(index.Query(fp), m => m.Key == key);
        }
    }
}

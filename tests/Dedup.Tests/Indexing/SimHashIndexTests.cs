using System.Numerics;
using Dedup.Indexing;
using FsCheck.Xunit;

namespace Dedup.Tests.Indexing;

public class SimHashIndexTests
{
    private static ulong FlipBits(Random random, ulong value, int count)
    {
        foreach (int bit in Enumerable.Range(0, 64).OrderBy(_ => random.Next()).Take(count))
        {
            value ^= 1UL << bit;
        }

        return value;
    }

    /// <summary>
    /// Random fingerprints with planted neighbours at every distance from 0 to k + 2, some removed and some
    /// replaced: every query equals a brute-force scan, each match once, sorted by distance then key.
    /// </summary>
    [Property(MaxTest = 60)]
    public bool Query_equals_brute_force_over_random_fingerprints_with_planted_near_neighbours(int seed)
    {
        var random = new Random(seed);
        int k = random.Next(0, 8);
        var index = new SimHashIndex(new SimHashIndexOptions { MaxDistance = k });
        var stored = new Dictionary<string, ulong>();
        var bases = new List<ulong>();
        int next = 0;
        for (int i = 0; i < 40; i++)
        {
            ulong b = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63);
            bases.Add(b);
            for (int d = 0; d <= k + 2; d++)
            {
                for (int copy = 0; copy < 2; copy++)
                {
                    string key = $"k{next++}";
                    ulong fp = FlipBits(random, b, d);
                    index.Add(key, fp);
                    stored[key] = fp;
                }
            }
        }

        for (int i = 0; i < 100; i++)
        {
            string key = $"k{random.Next(next)}";
            if (random.Next(2) == 0)
            {
                index.Remove(key);
                stored.Remove(key);
            }
            else
            {
                ulong fp = FlipBits(random, bases[random.Next(bases.Count)], random.Next(k + 3));
                index.Add(key, fp);
                stored[key] = fp;
            }
        }

        if (index.Count != stored.Count)
        {
            return false;
        }

        foreach (ulong b in bases.Take(15).Concat([(ulong)random.NextInt64()]))
        {
            ulong query = FlipBits(random, b, random.Next(2));
            int maxDistance = random.Next(k + 1);
            var expected = stored
                .Select(p => new SimHashMatch(p.Key, p.Value, BitOperations.PopCount(p.Value ^ query)))
                .Where(m => m.Distance <= maxDistance)
                .OrderBy(m => m.Distance).ThenBy(m => m.Key, StringComparer.Ordinal)
                .ToList();
            if (!index.Query(query, maxDistance).SequenceEqual(expected))
            {
                return false;
            }
        }

        return true;
    }

    [Fact]
    public void A_fingerprint_agreeing_on_every_block_is_returned_once()
    {
        var index = new SimHashIndex();
        index.Add("same", 0xDEADBEEF_CAFEF00DUL);
        index.Add("one-off", 0xDEADBEEF_CAFEF00CUL);
        IReadOnlyList<SimHashMatch> result = index.Query(0xDEADBEEF_CAFEF00DUL);
        Assert.Equal([new SimHashMatch("same", 0xDEADBEEF_CAFEF00DUL, 0), new SimHashMatch("one-off", 0xDEADBEEF_CAFEF00CUL, 1)], result);
    }

    [Fact]
    public void Distance_k_is_found_and_k_plus_1_is_not()
    {
        var index = new SimHashIndex(new SimHashIndexOptions { MaxDistance = 3 });
        index.Add("three", 0b0111UL << 20);
        index.Add("four", 0b1111UL << 40);
        Assert.Equal(["three"], index.Query(0).Select(m => m.Key));
        Assert.Empty(index.Query(0, maxDistance: 2));
    }

    [Fact]
    public void Add_replaces_remove_forgets_and_arguments_are_checked()
    {
        var index = new SimHashIndex();
        Assert.True(index.Add("a", 1));
        Assert.False(index.Add("a", ulong.MaxValue));
        Assert.Empty(index.Query(1));
        Assert.True(index.TryGetFingerprint("a", out ulong fp));
        Assert.Equal(ulong.MaxValue, fp);
        Assert.True(index.Remove("a"));
        Assert.False(index.Contains("a"));
        Assert.Empty(index.Query(ulong.MaxValue));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SimHashIndex(new SimHashIndexOptions { MaxDistance = 64 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Query(0, 4));
        Assert.Throws<ArgumentException>(() => index.AddRange(["a"], [1UL, 2UL]));
    }
}

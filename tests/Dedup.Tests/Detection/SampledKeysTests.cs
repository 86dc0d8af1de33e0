using Dedup.Detection;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dedup.Tests.Detection;

/// <summary>The candidate index's samples, taken once: each article's keys are given back, all or a partition's.</summary>
public sealed class SampledKeysTests
{
    /// <summary>
    /// Articles with word, skeleton and name-pair samples (any 32-bit values, in that order; some repeated), some not
    /// included, over several blocks of articles and slabs small enough to be filled: each included article's keys
    /// come back as the selector makes them from its exact hash and samples, all of them at 0 bits, and at any other
    /// width up to <see cref="SampledKeys.OrderBits"/> each partition's keys alone, the partitions together all of them;
    /// on one thread or two.
    /// </summary>
    [Property(MaxTest = 100)]
    public Property Keys_come_back_all_or_by_partition_as_the_selector_makes_them(int seed, bool oneThread, byte slabChoice)
    {
        var random = new Random(seed);
        int n = random.Next(0, 900);
        bool[] included = [.. Enumerable.Range(0, n).Select(_ => random.Next(5) > 0)];
        ulong[] exact = [.. Enumerable.Range(0, n).Select(_ => (ulong)random.NextInt64())];
        ulong[][] samples = [.. Enumerable.Range(0, n).Select(_ =>
        {
            var s = new List<ulong>();
            for (ulong space = 0; space < 3; space++)
            {
                int count = random.Next(4) == 0 ? 0 : random.Next(0, 40);
                for (int c = 0; c < count; c++)
                {
                    s.Add(c > 0 && random.Next(10) == 0 ? s[^1] : (space << 32) | (uint)random.NextInt64(0, 1L << 32));
                }
            }

            return s.ToArray();
        })];
        int slabSize = (slabChoice % 3) switch { 0 => 1, 1 => 1 + random.Next(5000), _ => 1 << 20 };
        int bits = 1 + random.Next(SampledKeys.OrderBits);

        using SampledKeys keys = SampledKeys.Collect(n, i => included[i], (i, list) => list.AddRange(samples[i]), new ParallelOptions { MaxDegreeOfParallelism = oneThread ? 1 : 2 }, slabSize);

        var all = new List<ulong>();
        var part = new List<ulong>();
        var parts = new List<ulong>();
        for (int i = 0; i < n; i++)
        {
            if (!included[i])
            {
                continue;
            }

            var expected = new List<ulong>();
            CandidateSelector.AddKeys(exact[i], samples[i], expected);
            expected.Sort();
            all.Clear();
            keys.AppendKeys(i, exact[i], 0, 0, all);
            all.Sort();
            if (!all.SequenceEqual(expected))
            {
                return false.Label($"article {i} of {n} (slabs of {slabSize}): {all.Count} keys back, {expected.Count} expected");
            }

            parts.Clear();
            for (int p = 0; p < 1 << bits; p++)
            {
                part.Clear();
                keys.AppendKeys(i, exact[i], bits, p, part);
                if (part.Any(k => (int)(k >> (64 - bits)) != p))
                {
                    return false.Label($"article {i}: a key outside partition {p} of {bits} bits");
                }

                parts.AddRange(part);
            }

            parts.Sort();
            if (!parts.SequenceEqual(expected))
            {
                return false.Label($"article {i} of {n}, {bits} bits: {parts.Count} keys in the partitions, {expected.Count} expected");
            }
        }

        return true.ToProperty();
    }

    [Theory]
    [InlineData(-1, 0)]
    [InlineData(SampledKeys.OrderBits + 1, 0)]
    [InlineData(2, 4)]
    [InlineData(2, -1)]
    public void A_partition_the_samples_cannot_give_is_refused(int bits, int partition)
    {
        using SampledKeys keys = SampledKeys.Collect(1, _ => true, (i, list) => list.Add(5), new ParallelOptions());
        Assert.Throws<ArgumentOutOfRangeException>(() => keys.AppendKeys(0, 1, bits, partition, []));
    }

    [Fact]
    public void A_sample_in_no_key_space_is_named()
    {
        var e = Assert.Throws<AggregateException>(() => SampledKeys.Collect(3, _ => true, (i, list) => list.Add(i == 2 ? 3UL << 32 : 5), new ParallelOptions()));
        Assert.Contains("article 2", Assert.IsType<InvalidOperationException>(e.InnerException).Message);
    }

    [Fact]
    public void Samples_out_of_order_are_named()
    {
        var e = Assert.Throws<AggregateException>(() => SampledKeys.Collect(2, _ => true, (i, list) => list.AddRange(i == 1 ? [1UL << 32, 5] : [5]), new ParallelOptions()));
        Assert.Contains("article 1", Assert.IsType<InvalidOperationException>(e.InnerException).Message);
    }

    [Fact]
    public void Samples_are_gone_when_disposed()
    {
        SampledKeys keys = SampledKeys.Collect(2, _ => true, (i, list) => list.Add((ulong)i), new ParallelOptions());
        keys.Dispose();
        Assert.Throws<ObjectDisposedException>(() => keys.AppendKeys(0, 1, 0, 0, []));
    }
}

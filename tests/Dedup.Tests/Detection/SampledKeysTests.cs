using Dedup.Detection;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dedup.Tests.Detection;

/// <summary>The candidate index's samples, taken once: each article's are given back as they were taken.</summary>
public sealed class SampledKeysTests
{
    /// <summary>
    /// Articles with word, skeleton and name-pair samples (any 32-bit values, in that order), some not included, over
    /// several blocks of articles and slabs small enough to be filled: each included article's samples come back in
    /// order with their key space, on one thread or two.
    /// </summary>
    [Property(MaxTest = 100)]
    public Property Samples_come_back_as_they_were_taken(int seed, bool oneThread, byte slabChoice)
    {
        var random = new Random(seed);
        int n = random.Next(0, 900);
        bool[] included = [.. Enumerable.Range(0, n).Select(_ => random.Next(5) > 0)];
        ulong[][] samples = [.. Enumerable.Range(0, n).Select(_ =>
        {
            var s = new List<ulong>();
            for (ulong space = 0; space < 3; space++)
            {
                int count = random.Next(4) == 0 ? 0 : random.Next(0, 40);
                for (int c = 0; c < count; c++)
                {
                    s.Add((space << 32) | (uint)random.NextInt64(0, 1L << 32));
                }
            }

            return s.ToArray();
        })];
        int slabSize = (slabChoice % 3) switch { 0 => 1, 1 => 1 + random.Next(5000), _ => 1 << 20 };

        using SampledKeys keys = SampledKeys.Collect(n, i => included[i], (i, list) => list.AddRange(samples[i]), new ParallelOptions { MaxDegreeOfParallelism = oneThread ? 1 : 2 }, slabSize);

        var back = new List<ulong>();
        for (int i = 0; i < n; i++)
        {
            back.Clear();
            keys.AppendTo(i, back);
            if (!back.SequenceEqual(included[i] ? samples[i] : []))
            {
                return false.Label($"article {i} of {n} (slabs of {slabSize}): {back.Count} samples back, {samples[i].Length} taken");
            }
        }

        return true.ToProperty();
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
        Assert.Throws<ObjectDisposedException>(() => keys.AppendTo(0, []));
    }
}

using Dedup.Detection;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dedup.Tests.Detection;

/// <summary>The scan's candidate index: the keys held twice or more, each with its holders ascending, whatever the threads.</summary>
public sealed class PostingIndexTests
{
    /// <summary>
    /// The partition sort (a bucket pass in place, then the buckets at once) orders the keys as a plain sort does and
    /// keeps every (key, article) occurrence, for keys equal in their top bits (a partition's), with repeats and with
    /// most keys in one bucket, on one thread or all; a partition under 65,536 occurrences is sorted by digits on one
    /// thread (buckets within buckets, down to short ranges).
    /// </summary>
    [Property(MaxTest = 80)]
    public Property A_partition_is_sorted_as_one_sort_sorts_it(int seed, byte topBits, bool skewed, bool oneThread, bool small)
    {
        int bits = topBits % 9;
        var random = new Random(seed);
        int n = small ? random.Next(5000) : (1 << 16) + random.Next(1 << 15);
        ulong top = bits == 0 ? 0 : (ulong)random.Next(1 << bits) << (64 - bits);
        ulong below = bits == 0 ? ulong.MaxValue : ulong.MaxValue >> bits;
        ulong[] keys = [.. Enumerable.Range(0, n).Select(_ =>
        {
            ulong k = (ulong)random.NextInt64() & below;
            if (skewed && random.Next(4) > 0)
            {
                k &= below >> 8;
            }

            return top | (random.Next(5) == 0 ? k & 0xFFFF : k);
        })];
        int[] articles = [.. Enumerable.Range(0, n).Select(_ => random.Next(1000))];
        (ulong, int)[] expected = [.. keys.Zip(articles).Order()];

        PostingIndex.SortByKey(keys, articles, bits, new ParallelOptions { MaxDegreeOfParallelism = oneThread ? 1 : -1 });

        bool ascending = keys.Zip(keys.Skip(1)).All(p => p.First <= p.Second);
        bool samePairs = keys.Zip(articles).Order().SequenceEqual(expected);
        return (ascending && samePairs).Label($"ascending {ascending}, same occurrences {samePairs}");
    }

    /// <summary>Every key held by two or more included articles, with its holders ascending (an article counted once per key it gives).</summary>
    private static Dictionary<ulong, int[]> Expected(ulong[][] keys, bool[] included)
    {
        var holders = new Dictionary<ulong, List<int>>();
        for (int i = 0; i < keys.Length; i++)
        {
            if (!included[i])
            {
                continue;
            }

            foreach (ulong k in keys[i])
            {
                if (!holders.TryGetValue(k, out List<int>? list))
                {
                    holders[k] = list = [];
                }

                list.Add(i);
            }
        }

        return holders.Where(h => h.Value.Count > 1).ToDictionary(h => h.Key, h => h.Value.Order().ToArray());
    }

    private static PostingIndex Build(ulong[][] keys, bool[] included, int threads, long sortedAtOnce = PostingIndex.SortedAtOnce) =>
        PostingIndex.Build(keys.Length, i => included[i], (i, _, _, list) => list.AddRange(keys[i]), new ParallelOptions { MaxDegreeOfParallelism = threads }, sortedAtOnce);

    /// <summary>Each probe's holders, looked up one at a time and all at once (<see cref="PostingIndex.FindAll"/>), are the expected.</summary>
    private static bool Agrees(PostingIndex index, Dictionary<ulong, int[]> expected, IEnumerable<ulong> probes)
    {
        ulong[] keys = [.. probes];
        var ranges = new PostingIndex.HolderRange[keys.Length + 1];
        index.FindAll(keys, ranges);
        return index.Keys == expected.Count
            && keys.Select((k, at) => (Key: k, At: at)).All(p =>
            {
                int[] holders = expected.TryGetValue(p.Key, out int[]? h) ? h : [];
                return index.Holders(p.Key).SequenceEqual(holders) && index.HoldersAt(ranges[p.At]).SequenceEqual(holders);
            });
    }

    [Fact]
    public void Finding_all_needs_a_range_for_each_key()
    {
        PostingIndex index = Build([[1, 2], [2, 3]], [true, true], 1);
        var ranges = new PostingIndex.HolderRange[1];
        Assert.Throws<ArgumentOutOfRangeException>("ranges", () => index.FindAll([2, 3], ranges));
        index.FindAll([], ranges);
        index.FindAll([2], ranges);
        Assert.Equal([0, 1], index.HoldersAt(ranges[0]).ToArray());
    }

    [Property(MaxTest = 200)]
    public Property Holds_exactly_the_keys_held_twice_or_more_with_their_holders_ascending() =>
        Prop.ForAll(
            Gen.Choose(1, 40).SelectMany(n =>
                Gen.Choose(0, 60).ArrayOf(n).SelectMany(sizes =>
                    Gen.Choose(0, 300).Select(v => (ulong)v).ArrayOf(sizes.Sum()).SelectMany(values =>
                        Gen.Elements(true, true, true, false).ArrayOf(n).Select(included => (sizes, values, included))))).ToArbitrary(),
            input =>
            {
                (int[] sizes, ulong[] values, bool[] included) = input;
                var keys = new ulong[sizes.Length][];
                int at = 0;
                for (int i = 0; i < sizes.Length; i++)
                {
                    keys[i] = values[at..(at + sizes[i])];
                    at += sizes[i];
                }

                // The keys as given (small: all in the directory's first bucket and in one partition) and spread over the
                // 64 bits, as the candidate selector's mixed keys are; sorted all at once, and in partitions by their
                // top bits (as many as the largest corpora take, and the most there can be).
                bool AgreesFor(Func<ulong, ulong> spread)
                {
                    ulong[][] spreadKeys = [.. keys.Select(k => k.Select(spread).ToArray())];
                    Dictionary<ulong, int[]> expected = Expected(spreadKeys, included);
                    IEnumerable<ulong> probes = Enumerable.Range(0, 302).Select(v => spread((ulong)v));
                    return Agrees(Build(spreadKeys, included, 1), expected, probes) && Agrees(Build(spreadKeys, included, 2), expected, probes)
                        && Agrees(Build(spreadKeys, included, 2, sortedAtOnce: Math.Max(1, sizes.Sum() / 8)), expected, probes)
                        && Agrees(Build(spreadKeys, included, 1, sortedAtOnce: 1), expected, probes);
                }

                return AgreesFor(k => k) && AgreesFor(k => (k + 1) * 0x9E37_79B9_7F4A_7C15UL) && AgreesFor(k => ulong.MaxValue - k);
            });
}

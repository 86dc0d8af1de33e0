using Dedup.Detection;
using FsCheck;
using FsCheck.Fluent;

namespace Dedup.Tests.Detection;

/// <summary>The scan's table of texts seen: each item gets the first item given its key, filled from many threads at once.</summary>
public class FirstOfKeyTests
{
    /// <summary>
    /// Items given from several threads in any order, many of them with a key another has (up to all of one key, and
    /// keys that differ only in their high half, or only above the bits a slot is chosen by): each item's answer is an
    /// item of its key that answered itself, every item of one key gets the same, and items of different keys never
    /// share one.
    /// </summary>
    [FsCheck.Xunit.Property(MaxTest = 300)]
    public Property Every_item_gets_the_one_first_item_of_its_key(int seed, ushort count, byte distinct, bool highHalfOnly)
    {
        var random = new Random(seed);
        int n = count % 5000;
        int keys = 1 + (distinct % 64 == 0 ? n : distinct % 64);
        UInt128 KeyOf(int k) => highHalfOnly ? new UInt128((ulong)k, 0x9E3779B97F4A7C15UL) : new UInt128(0xABCDUL, ((ulong)k << 40) | 7UL);
        UInt128[] keyOf = [.. Enumerable.Range(0, n).Select(_ => KeyOf(random.Next(keys)))];
        int[] order = [.. Enumerable.Range(0, n).OrderBy(_ => random.Next())];

        using var table = new FirstOfKey(n);
        int[] first = new int[n];
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = 4 }, p => first[order[p]] = table.FirstOf(order[p], keyOf[order[p]]));

        bool ok = true;
        var ofKey = new Dictionary<UInt128, int>();
        for (int i = 0; i < n; i++)
        {
            ok &= keyOf[first[i]] == keyOf[i] && first[first[i]] == first[i];
            ok &= ofKey.TryAdd(keyOf[i], first[i]) || ofKey[keyOf[i]] == first[i];
        }

        return ok.Label($"{n} items, {keys} keys");
    }

    /// <summary>
    /// A table grown between rounds of items (a scan of a stream, a batch at a time, from nothing): every item still gets
    /// the first item of its key, those of an earlier round included.
    /// </summary>
    [FsCheck.Xunit.Property(MaxTest = 100)]
    public Property Grown_between_rounds_every_item_still_gets_the_first_of_its_key(int seed, byte rounds, byte distinct)
    {
        var random = new Random(seed);
        int keys = 1 + (distinct % 40);
        int[] sizes = [.. Enumerable.Range(0, 1 + (rounds % 6)).Select(_ => random.Next(0, 300))];
        int n = sizes.Sum();
        UInt128[] keyOf = [.. Enumerable.Range(0, n).Select(_ => new UInt128(0x5EEDUL, (ulong)random.Next(keys) << 33))];

        using var table = new FirstOfKey(0);
        int[] first = new int[n];
        int from = 0;
        foreach (int size in sizes)
        {
            table.EnsureCapacity(from + size);
            int start = from;
            Parallel.For(start, start + size, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => first[i] = table.FirstOf(i, keyOf[i]));
            from += size;
        }

        bool ok = table.Capacity >= n;
        var firstOfKey = new Dictionary<UInt128, int>();
        for (int i = 0; i < n; i++)
        {
            ok &= keyOf[first[i]] == keyOf[i] && first[first[i]] == first[i];
            ok &= firstOfKey.TryAdd(keyOf[i], first[i]) || firstOfKey[keyOf[i]] == first[i];
        }

        return ok.Label($"rounds of {string.Join(", ", sizes)} items, {keys} keys");
    }

    [Fact]
    public void An_empty_table_and_a_table_of_one_answer_for_themselves_and_a_freed_one_refuses()
    {
        using var empty = new FirstOfKey(0);
        var one = new FirstOfKey(1);
        Assert.Equal(0, one.FirstOf(0, UInt128.MaxValue));
        one.Dispose();
        one.Dispose();
        Assert.Throws<ObjectDisposedException>(() => one.FirstOf(0, UInt128.MaxValue));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FirstOfKey(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FirstOfKey(FirstOfKey.MaxCount + 1));
    }
}

using Dedup.Indexing;
using FsCheck.Xunit;

namespace Dedup.Tests.Indexing;

public class BucketStoreTests
{
    /// <summary>
    /// Random adds and removes over a small key space (so buckets overflow, collide in probing and get
    /// backward-shifted on deletion) agree with a reference multimap after every step.
    /// </summary>
    [Property(MaxTest = 40)]
    public bool The_in_memory_store_behaves_as_a_multiset_multimap(int seed)
    {
        var random = new Random(seed);
        var store = new InMemoryLshBucketStore();
        var reference = new Dictionary<ulong, List<int>>();

        // Few distinct keys with arbitrary bits, including keys that share their top and low bits.
        ulong[] keys = Enumerable.Range(0, 40).Select(i => i % 5 == 0 ? (ulong)i : ((ulong)random.NextInt64() << 1) ^ (ulong)i).ToArray();
        for (int step = 0; step < 600; step++)
        {
            ulong key = keys[random.Next(keys.Length)];
            int id = random.Next(12);
            var entry = new LshBucketEntry(key, id);
            if (random.Next(3) == 0)
            {
                store.Remove([entry]);
                if (reference.TryGetValue(key, out List<int>? list))
                {
                    list.Remove(id);
                }
            }
            else
            {
                store.Add([entry]);
                (reference.TryGetValue(key, out List<int>? list) ? list : reference[key] = []).Add(id);
            }

            if (step % 50 == 0 || step == 599)
            {
                foreach (ulong k in keys)
                {
                    int[] expected = reference.TryGetValue(k, out List<int>? l) ? [.. l.Order()] : [];
                    int[] buffer = new int[64];
                    int n = store.Query([k], buffer);
                    if (!buffer.AsSpan(0, n).ToArray().Order().SequenceEqual(expected))
                    {
                        return false;
                    }
                }
            }
        }

        return store.BucketCount == reference.Count(p => p.Value.Count > 0);
    }

    /// <summary>
    /// A table keeps a key's low 32 bits (8-byte cells): keys equal in those are one bucket, whose ids come back for
    /// either and are removed by either, one id at a time; keys that differ in them are apart however alike their high
    /// bits. 100,000 keys take about 11 bytes each.
    /// </summary>
    [Fact]
    public void A_table_tells_keys_apart_by_their_low_32_bits_in_8_byte_cells()
    {
        var table = new BucketTable();
        const ulong Low = 0x9E3779B9UL;
        table.Add((1UL << 32) | Low, 1);
        table.Add((2UL << 32) | Low, 2);
        table.Add((1UL << 32) | (Low + 1), 3);
        Assert.Equal([1, 2], table.Get((3UL << 32) | Low));
        Assert.Equal([3], table.Get(Low + 1));
        Assert.Equal(2, table.KeyCount);
        Assert.True(table.Remove((2UL << 32) | Low, 1));
        Assert.Equal([2], table.Get((1UL << 32) | Low));
        Assert.False(table.Remove(Low, 1));

        // 100,000 random keys: as many distinct keys as distinct low halves (two pairs share theirs with this seed).
        var large = new BucketTable();
        var random = new Random(5);
        var lows = new HashSet<uint>();
        for (int i = 0; i < 100_000; i++)
        {
            ulong key = (ulong)random.NextInt64();
            large.Add(key, i);
            lows.Add((uint)key);
        }

        Assert.Equal(lows.Count, large.KeyCount);
        Assert.InRange(lows.Count, 99_990, 100_000);
        Assert.InRange(large.ApproximateBytes / 100_000.0, 8, 12);
    }

    [Fact]
    public void Query_reports_the_total_when_the_destination_is_too_small_and_writes_what_fits()
    {
        var store = new InMemoryLshBucketStore();
        store.Add([new(1, 10), new(1, 11), new(1, 12), new(2, 20)]);
        Span<int> small = stackalloc int[2];
        Assert.Equal(4, store.Query([1UL, 2UL], small));
        Assert.Equal(4, store.Query([2UL, 1UL], small));
        Assert.Equal(4, store.Query([1UL, 2UL], Span<int>.Empty));
        Span<int> big = stackalloc int[4];
        Assert.Equal(4, store.Query([1UL, 2UL], big));
        Assert.Equal([10, 11, 12, 20], big.ToArray().Order());
    }

    [Fact]
    public async Task The_async_batch_query_returns_one_array_per_band_key_in_order()
    {
        var store = new InMemoryLshBucketStore();
        await store.AddAsync(new LshBucketEntry[] { new(7, 1), new(7, 2), new(9, 3) }, TestContext.Current.CancellationToken);
        int[][] result = await store.QueryAsync(new ulong[] { 9, 8, 7 }, TestContext.Current.CancellationToken);
        Assert.Equal(new[] { 3 }, result[0]);
        Assert.Empty(result[1]);
        Assert.Equal(new[] { 1, 2 }, result[2].Order());
        await store.RemoveAsync(new LshBucketEntry[] { new(7, 1) }, TestContext.Current.CancellationToken);
        Assert.Equal(new[] { 2 }, (await store.QueryAsync(new ulong[] { 7 }, TestContext.Current.CancellationToken))[0]);
    }

    [Fact]
    public void The_synchronous_query_path_does_not_allocate()
    {
        var store = new InMemoryLshBucketStore();
        for (int i = 0; i < 1000; i++)
        {
            store.Add([new(unchecked((ulong)i * 0x9E3779B97F4A7C15UL), i)]);
        }

        ulong[] keys = [unchecked(0x9E3779B97F4A7C15UL * 5), unchecked(0x9E3779B97F4A7C15UL * 6), 12345];
        var buffer = new int[16];
        store.Query(keys, buffer);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            store.Query(keys, buffer);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}

using Dedup.Indexing;
using StackExchange.Redis;
using StackExchange.Redis.Profiling;

namespace Dedup.Redis.Tests;

/// <summary>The store's contract (a multiset of (band key, id) pairs, batches) against every server in <see cref="RedisServers"/>.</summary>
public sealed class RedisBucketStoreTests
{
    public static TheoryData<string> Servers => RedisServers.Names;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static int[] Sorted(int[] ids) => [.. ids.Order()];

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task Add_query_remove_follow_multiset_semantics(string server)
    {
        RedisBucketStore store = RedisServers.NewStore(server);
        await store.AddAsync(new LshBucketEntry[] { new(1, 7), new(1, 7), new(1, 8), new(2, 9), new(ulong.MaxValue, 0) }, Ct);

        int[][] found = await store.QueryAsync(new ulong[] { 1, 2, 3, 1, ulong.MaxValue }, Ct);
        Assert.Equal(5, found.Length);
        Assert.Equal([7, 7, 8], Sorted(found[0]));
        Assert.Equal([9], found[1]);
        Assert.Empty(found[2]);
        Assert.Equal([7, 7, 8], Sorted(found[3]));
        Assert.Equal([0], found[4]);

        // One removal takes one occurrence; removing an absent pair changes nothing.
        await store.RemoveAsync(new LshBucketEntry[] { new(1, 7), new(2, 10), new(4, 1) }, Ct);
        found = await store.QueryAsync(new ulong[] { 1, 2, 4 }, Ct);
        Assert.Equal([7, 8], Sorted(found[0]));
        Assert.Equal([9], found[1]);
        Assert.Empty(found[2]);

        // Removing everything leaves no key behind, not even for the absent pairs removed above.
        await store.RemoveAsync(new LshBucketEntry[] { new(1, 7), new(1, 8), new(2, 9), new(ulong.MaxValue, 0), new(1, 7) }, Ct);
        found = await store.QueryAsync(new ulong[] { 1, 2, ulong.MaxValue }, Ct);
        Assert.All(found, Assert.Empty);
        IDatabase db = RedisServers.Connection(server).GetDatabase();
        foreach (ulong key in new ulong[] { 1, 2, 4, ulong.MaxValue })
        {
            Assert.False(await db.KeyExistsAsync(store.BucketKey(key)), store.BucketKey(key));
        }
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task Keys_follow_the_documented_layout(string server)
    {
        var store = new RedisBucketStore(RedisServers.Connection(server), new RedisBucketStoreOptions { KeyPrefix = $"layout:{Guid.NewGuid():N}:" });
        await store.AddAsync(new LshBucketEntry[] { new(0xABCDEF, 42), new(0xABCDEF, 42) }, Ct);
        string key = store.Options.KeyPrefix + "b:0000000000abcdef";
        Assert.Equal(key, store.BucketKey(0xABCDEF));
        IDatabase db = RedisServers.Connection(server).GetDatabase();
        Assert.Equal(2, (long)await db.HashGetAsync(key, "42"));
        await store.RemoveAsync(new LshBucketEntry[] { new(0xABCDEF, 42), new(0xABCDEF, 42) }, Ct);
        Assert.False(await db.KeyExistsAsync(key));
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task Clear_deletes_the_buckets_of_its_prefix_and_no_other(string server)
    {
        ConnectionMultiplexer connection = RedisServers.Connection(server);
        string id = Guid.NewGuid().ToString("N");
        var store = new RedisBucketStore(connection, new RedisBucketStoreOptions { KeyPrefix = $"clear[{id}]*:" });
        var neighbour = new RedisBucketStore(connection, new RedisBucketStoreOptions { KeyPrefix = $"clear[{id}]x:" });
        LshBucketEntry[] entries = [.. Enumerable.Range(0, 2500).Select(i => new LshBucketEntry((ulong)i, i % 3))];
        await store.AddAsync(entries, Ct);
        await neighbour.AddAsync(entries.AsMemory(0, 10), Ct);

        Assert.Equal(2500, await store.ClearAsync(Ct));
        int[][] found = await store.QueryAsync(new ulong[] { 0, 1, 2499 }, Ct);
        Assert.All(found, Assert.Empty);
        found = await neighbour.QueryAsync(new ulong[] { 0, 9 }, Ct);
        Assert.Equal([0], found[0]);
        Assert.Equal([0], found[1]);
        Assert.Equal(0, await store.ClearAsync(Ct));
        Assert.Equal(10, await neighbour.ClearAsync(Ct));
    }

    [Fact]
    public void The_synchronous_members_are_not_supported()
    {
        RedisBucketStore store = RedisServers.NewStore(RedisServers.Garnet);
        Assert.False(store.SupportsSynchronousAccess);
        Assert.Throws<NotSupportedException>(() => store.Add([new(1, 1)]));
        Assert.Throws<NotSupportedException>(() => store.Remove([new(1, 1)]));
        Assert.Throws<NotSupportedException>(() => store.Query([1], new int[4]));
    }

    [Fact]
    public async Task A_negative_id_is_refused_before_anything_is_sent()
    {
        RedisBucketStore store = RedisServers.NewStore(RedisServers.Garnet);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await store.AddAsync(new LshBucketEntry[] { new(5, 1), new(6, -1) }, Ct));
        Assert.Empty((await store.QueryAsync(new ulong[] { 5 }, Ct))[0]);
    }

    [Fact]
    public void Options_are_validated()
    {
        ConnectionMultiplexer connection = RedisServers.Connection(RedisServers.Garnet);
        Assert.Throws<ArgumentException>(() => new RedisBucketStore(connection, new RedisBucketStoreOptions { KeyPrefix = "" }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RedisBucketStore(connection, new RedisBucketStoreOptions { Database = -2 }));
    }

    /// <summary>
    /// A batch is one command per distinct key (or pair), each sent without waiting for the reply to the one before
    /// (pipelined), not one round trip per key. Measured with the client's profiler on a connection of its own.
    /// </summary>
    [Theory]
    [MemberData(nameof(Servers))]
    public async Task A_batch_is_one_pipelined_round_trip(string server)
    {
        using ConnectionMultiplexer connection = RedisServers.Connect(RedisServers.EndPoint(server));
        var store = new RedisBucketStore(connection, new RedisBucketStoreOptions { KeyPrefix = $"rt:{Guid.NewGuid():N}:" });
        const int Keys = 100;
        LshBucketEntry[] entries = [.. Enumerable.Range(0, Keys).Select(i => new LshBucketEntry((ulong)i * 0x9E3779B97F4A7C15UL, i % 7)), new(0, 0)];
        ulong[] keys = [.. entries.Select(e => e.BandKey)];

        var session = new ProfilingSession();
        connection.RegisterProfiler(() => session);
        await store.AddAsync(entries, Ct);
        AssertOneRoundTrip(session.FinishProfiling(), "HINCRBY", Keys);

        session = new ProfilingSession();
        int[][] found = await store.QueryAsync(keys, Ct);
        AssertOneRoundTrip(session.FinishProfiling(), "HGETALL", Keys);
        Assert.Equal([0, 0], Sorted(found[0]));

        session = new ProfilingSession();
        await store.RemoveAsync(entries, Ct);
        List<IProfiledCommand> removes = [.. session.FinishProfiling()];
        AssertOneRoundTrip(removes, removes.Any(c => c.Command == "EVAL") ? "EVAL" : "EVALSHA", Keys);
    }

    private static void AssertOneRoundTrip(IEnumerable<IProfiledCommand> profiled, string command, int expected)
    {
        List<IProfiledCommand> commands = [.. profiled.Where(c => c.Command is "HINCRBY" or "HGETALL" or "EVAL" or "EVALSHA")];
        Assert.Equal(expected, commands.Count(c => c.Command == command));
        // Awaiting each command before sending the next would send every command after its predecessor's reply;
        // a pipelined batch sends (nearly) every command while its predecessor is still in flight.
        var timeline = commands
            .Select(c => (Sent: c.CommandCreated + c.CreationToEnqueued + c.EnqueuedToSending, Reply: c.CommandCreated + c.CreationToEnqueued + c.EnqueuedToSending + c.SentToResponse))
            .OrderBy(t => t.Sent)
            .ToList();
        int inFlight = timeline.Skip(1).Zip(timeline).Count(p => p.First.Sent <= p.Second.Reply);
        Assert.True(inFlight >= (timeline.Count - 1) * 9 / 10, $"{command}: only {inFlight} of {timeline.Count - 1} commands were sent before their predecessor's reply");
    }
}

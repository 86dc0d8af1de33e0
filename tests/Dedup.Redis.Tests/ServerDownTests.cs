using Dedup.Detection;
using Dedup.Indexing;
using StackExchange.Redis;

namespace Dedup.Redis.Tests;

/// <summary>
/// The server going away: every call throws <see cref="RedisStoreUnavailableException"/> naming the endpoint (never a
/// partial or empty answer), and once the server is back the next call works. Uses a Garnet of its own, stopped and
/// restarted on the same port.
/// </summary>
public sealed class ServerDownTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_stopped_server_gives_a_clear_exception_and_a_restarted_one_works_again()
    {
        int port = RedisServers.FreePort();
        GarnetHost garnet = GarnetHost.Start(port);
        try
        {
            using ConnectionMultiplexer connection = RedisServers.Connect(garnet.EndPoint);
            var store = new RedisBucketStore(connection, new RedisBucketStoreOptions { KeyPrefix = "down:" });
            await using var detector = new CopyDetector(null, store);
            Article original = Stories.Pool[0];
            Assert.True(await detector.AddAsync(original, Ct));
            await store.AddAsync(new LshBucketEntry[] { new(1, 1) }, Ct);

            garnet.Dispose();
            WaitDisconnected(connection);

            RedisStoreUnavailableException e = await Assert.ThrowsAsync<RedisStoreUnavailableException>(
                async () => await store.QueryAsync(new ulong[] { 1, 2, 3 }, Ct));
            Assert.Contains($"127.0.0.1:{port}", e.EndPoint, StringComparison.Ordinal);
            Assert.Contains($"127.0.0.1:{port}", e.Message, StringComparison.Ordinal);
            Assert.IsAssignableFrom<RedisException>(e.InnerException);
            await Assert.ThrowsAsync<RedisStoreUnavailableException>(async () => await store.AddAsync(new LshBucketEntry[] { new(2, 2) }, Ct));
            await Assert.ThrowsAsync<RedisStoreUnavailableException>(async () => await store.RemoveAsync(new LshBucketEntry[] { new(1, 1) }, Ct));

            // Through the detector: a search fails loudly rather than reporting "no copies", and a failed add is not indexed.
            await Assert.ThrowsAsync<RedisStoreUnavailableException>(async () => await detector.FindCopiesAsync(Stories.Pool[1], Ct));
            await Assert.ThrowsAsync<RedisStoreUnavailableException>(async () => await detector.AddAsync(Stories.Pool[3], Ct));
            Assert.Equal(1, detector.Count);

            garnet = GarnetHost.Start(port);
            RedisServers.WaitConnected(connection, TimeSpan.FromSeconds(20));

            // The restarted server is empty (in memory only); the next calls work.
            await store.AddAsync(new LshBucketEntry[] { new(7, 3), new(7, 3) }, Ct);
            int[][] found = await store.QueryAsync(new ulong[] { 7 }, Ct);
            Assert.Equal([3, 3], found[0]);
            Assert.True(await detector.AddAsync(Stories.Pool[3], Ct));
            Assert.Contains(await detector.FindCopiesAsync(Stories.Pool[4], Ct), m => m.Id == "a3");
        }
        finally
        {
            garnet.Dispose();
        }
    }

    [Fact]
    public async Task Connecting_to_nothing_names_the_endpoint()
    {
        int port = RedisServers.FreePort();
        RedisStoreUnavailableException e = await Assert.ThrowsAsync<RedisStoreUnavailableException>(
            () => RedisBucketStore.ConnectAsync($"127.0.0.1:{port},connectTimeout=500"));
        Assert.Equal($"127.0.0.1:{port}", e.EndPoint);

        // What to check, not the client's advice to set abortConnect=false (which would only defer the failure).
        Assert.Equal($"The Redis server at 127.0.0.1:{port} is unavailable: no connection could be made within the connect timeout (is a server running there, and are the host and port right?)", e.Message);
        RedisStoreUnavailableException shared = await Assert.ThrowsAsync<RedisStoreUnavailableException>(
            () => RedisSharedIndexStore.ConnectAsync($"127.0.0.1:{port},connectTimeout=500"));
        Assert.Equal(e.Message, shared.Message);
        Assert.IsType<RedisConnectionException>(shared.InnerException);
    }

    /// <summary>A call waiting between retries for a stopped server ends when its token is cancelled, not after the retries' delays.</summary>
    [Fact]
    public async Task Cancelling_a_call_ends_its_wait_between_retries()
    {
        int port = RedisServers.FreePort();
        GarnetHost garnet = GarnetHost.Start(port);
        try
        {
            using ConnectionMultiplexer connection = RedisServers.Connect(garnet.EndPoint);
            var store = new RedisSharedIndexStore(connection, new RedisSharedIndexStoreOptions { IndexName = "retry", RetryCount = 5, RetryDelay = TimeSpan.FromSeconds(30) });
            garnet.Dispose();
            WaitDisconnected(connection);

            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            cancel.CancelAfter(TimeSpan.FromMilliseconds(500));
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.CountAsync(cancel.Token));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"the call ended after {clock.Elapsed}");
        }
        finally
        {
            garnet.Dispose();
        }
    }

    private static void WaitDisconnected(ConnectionMultiplexer connection)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(20);
        while (connection.IsConnected && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(50);
        }

        Assert.False(connection.IsConnected, "the client did not notice the server stopping");
    }
}

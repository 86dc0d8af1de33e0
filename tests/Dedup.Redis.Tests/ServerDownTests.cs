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
        using GarnetHost garnet = GarnetHost.Start(port);
        using ConnectionMultiplexer connection = RedisServers.Connect(garnet.EndPoint);
        var store = new RedisBucketStore(connection, new RedisBucketStoreOptions { KeyPrefix = "down:" });
        await using var detector = new CopyDetector(null, store);
        Article original = Stories.Pool[0];
        Assert.True(await detector.AddAsync(original, Ct));
        await store.AddAsync(new LshBucketEntry[] { new(1, 1) }, Ct);

        garnet.Stop();
        WaitDisconnected(connection);

        RedisStoreUnavailableException e = await Assert.ThrowsAsync<RedisStoreUnavailableException>(
            async () => await store.QueryAsync(new ulong[] { 1, 2, 3 }, Ct));
        Assert.Contains($"127.0.0.1:{port}", e.EndPoint, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", e.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<RedisException>(e.InnerException);

        // One clause, not the client's diagnostics (its connection state, last commands and thread pool counters,
        // several hundred characters a tool printed as its one-line error); those stay in the inner exception.
        Assert.True(e.Message.Length < 200, e.Message);
        Assert.DoesNotContain("IOCP", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<RedisStoreUnavailableException>(async () => await store.AddAsync(new LshBucketEntry[] { new(2, 2) }, Ct));
        await Assert.ThrowsAsync<RedisStoreUnavailableException>(async () => await store.RemoveAsync(new LshBucketEntry[] { new(1, 1) }, Ct));

        // Through the detector: a search fails loudly rather than reporting "no copies", and a failed add is not indexed.
        await Assert.ThrowsAsync<RedisStoreUnavailableException>(async () => await detector.FindCopiesAsync(Stories.Pool[1], Ct));
        await Assert.ThrowsAsync<RedisStoreUnavailableException>(async () => await detector.AddAsync(Stories.Pool[3], Ct));
        Assert.Equal(1, detector.Count);

        garnet.Restart();
        RedisServers.WaitConnected(connection, TimeSpan.FromSeconds(20));

        // The restarted server is empty (in memory only); the next calls work.
        await store.AddAsync(new LshBucketEntry[] { new(7, 3), new(7, 3) }, Ct);
        int[][] found = await store.QueryAsync(new ulong[] { 7 }, Ct);
        Assert.Equal([3, 3], found[0]);
        Assert.True(await detector.AddAsync(Stories.Pool[3], Ct));
        Assert.Contains(await detector.FindCopiesAsync(Stories.Pool[4], Ct), m => m.Id == "a3");
    }

    /// <summary>
    /// A server restarted empty: the bucket store that had written its marker raises <see cref="RedisBucketStore.KeysLost"/>
    /// once, at the first call after; a handler's restore puts the detector's index back. A new store on a server that
    /// never held the marker, or one that finds it there, raises nothing.
    /// </summary>
    [Fact]
    public async Task A_bucket_store_reports_a_server_that_restarted_empty_and_the_detector_restores_its_buckets()
    {
        int port = RedisServers.FreePort();
        using GarnetHost garnet = GarnetHost.Start(port);
        using ConnectionMultiplexer connection = RedisServers.Connect(garnet.EndPoint);
        var options = new RedisBucketStoreOptions { KeyPrefix = "lost:" };
        var store = new RedisBucketStore(connection, options);
        var observer = new LossObserver();
        await using var detector = new CopyDetector(DetectorOptions.Default with { Observer = observer }, store);
        int lost = 0;
        Task<int>? restore = null;
        store.KeysLost += (sender, _) =>
        {
            Assert.Same(store, sender);
            Interlocked.Increment(ref lost);
            restore = detector.RestoreBucketsAsync(CancellationToken.None).AsTask();
        };

        string harbour = Stories.Story(7, 12);
        var copy = new Article("copy", harbour + "\n\nALSO READ: more news");
        Assert.Empty(await detector.FindCopiesAsync(copy, Ct));
        Assert.True(await detector.AddAsync(new Article("harbour", harbour), Ct));
        Assert.True(await detector.AddAsync(Stories.Pool[0], Ct));
        Assert.Equal("harbour", Assert.Single(await detector.FindCopiesAsync(copy, Ct)).Id);

        // Another store on the prefix finds the marker there: nothing was lost.
        var other = new RedisBucketStore(connection, options);
        int otherLost = 0;
        other.KeysLost += (_, _) => otherLost++;
        await other.QueryAsync(new ulong[] { 1 }, Ct);
        Assert.Equal(0, lost);

        garnet.Restart();
        RedisServers.WaitConnected(connection, TimeSpan.FromSeconds(20));

        // The search that finds the marker gone reports it (and finds nothing: the buckets are gone too).
        Assert.Empty(await detector.FindCopiesAsync(copy, Ct));
        Assert.Equal(1, lost);
        Assert.Equal(1, observer.Lost);
        Assert.NotNull(restore);
        Assert.Equal(2, await restore);
        Assert.Equal("harbour", Assert.Single(await detector.FindCopiesAsync(copy, Ct)).Id);
        Assert.True(await detector.AddAsync(Stories.Pool[1], Ct));
        Assert.True(await detector.RemoveAsync("harbour", Ct));
        Assert.Empty(await detector.FindCopiesAsync(copy, Ct));
        Assert.Equal(1, lost);
        Assert.Equal(1, observer.Lost);

        // The other store saw the marker before the restart and finds it written again: no loss it could tell.
        await other.QueryAsync(new ulong[] { 1 }, Ct);
        Assert.Equal(0, otherLost);

        // A store on a prefix never written: nothing to lose.
        var fresh = new RedisBucketStore(connection, new RedisBucketStoreOptions { KeyPrefix = "fresh:" });
        fresh.KeysLost += (_, _) => throw new InvalidOperationException("no loss");
        await fresh.QueryAsync(new ulong[] { 1 }, Ct);
        await fresh.AddAsync(new LshBucketEntry[] { new(1, 1) }, Ct);
        await fresh.QueryAsync(new ulong[] { 1 }, Ct);
    }

    /// <summary>Counts the bucket store's reports of lost keys that reach the detector's observer.</summary>
    private sealed class LossObserver : DetectorObserver
    {
        private int _lost;

        public int Lost => Volatile.Read(ref _lost);

        public override void BucketKeysLost() => Interlocked.Increment(ref _lost);
    }

    /// <summary>The client's messages as a lost connection and a timeout give them: the first clause is kept, the diagnostics left out.</summary>
    [Fact]
    public void The_clients_diagnostics_are_left_out_of_the_message()
    {
#pragma warning disable CS0618 // the client's own constructors, made obsolete for its callers, make the exceptions it throws
        var lost = new RedisConnectionException(
            ConnectionFailureType.SocketClosed,
            "No connection is active/available to service this operation: EVAL; SocketClosed on 127.0.0.1:6393/Subscription, Idle/RanToCompletion, last: SUBSCRIBE, origin: ReadAllAsync, outstanding: 0, IOCP: (Busy=0,Free=1000,Min=1,Max=1000), WORKER: (Busy=2,Free=32765), v: 3.4.35.20751");
        var timeout = new RedisTimeoutException("Timeout awaiting response (outbound=0KiB, inbound=0KiB, 5016ms elapsed, timeout is 5000ms), command=EVAL, next: EVAL, inst: 0, qu: 0, qs: 1", CommandStatus.Sent);
#pragma warning restore CS0618

        Assert.Equal("No connection is active/available to service this operation: EVAL (SocketClosed)", RedisCalls.Brief(lost));
        Assert.Equal("Timeout awaiting response", RedisCalls.Brief(timeout));
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
        using GarnetHost garnet = GarnetHost.Start(port);
        using ConnectionMultiplexer connection = RedisServers.Connect(garnet.EndPoint);
        var store = new RedisSharedIndexStore(connection, new RedisSharedIndexStoreOptions { IndexName = "retry", RetryCount = 5, RetryDelay = TimeSpan.FromSeconds(30) });
        garnet.Stop();
        WaitDisconnected(connection);

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(500));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.CountAsync(cancel.Token));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"the call ended after {clock.Elapsed}");
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

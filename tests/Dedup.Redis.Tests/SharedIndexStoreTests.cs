using System.Globalization;
using Dedup.Detection;
using Dedup.Indexing;
using FsCheck;
using FsCheck.Fluent;
using StackExchange.Redis;

namespace Dedup.Redis.Tests;

/// <summary>
/// The shared index store, in memory and on each server: atomic add (idempotent re-add, refused conflict), batched
/// removal, expiry by time, the published model; detectors on one store share one index; a Redis-backed shared detector
/// answers exactly like one on the in-memory shared store.
/// </summary>
public sealed class SharedIndexStoreTests
{
    /// <summary>The name of the in-memory shared store in the theories.</summary>
    public const string Memory = "memory";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The in-memory store and every server.</summary>
    public static TheoryData<string> Stores
    {
        get
        {
            var names = new TheoryData<string> { Memory };
            foreach (string server in RedisServers.Names)
            {
                names.Add(server);
            }

            return names;
        }
    }

    /// <summary>A fresh, empty shared store: in memory, or on a server under an index name no other test uses.</summary>
    internal static ISharedIndexStore NewStore(string name, string? index = null) => name == Memory
        ? new InMemorySharedIndexStore()
        : new RedisSharedIndexStore(RedisServers.Connection(name), new RedisSharedIndexStoreOptions { IndexName = index ?? $"t{Guid.NewGuid():N}" });

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Adds_atomically_and_idempotently_and_refuses_a_conflicting_id(string name)
    {
        ISharedIndexStore store = NewStore(name);
        DateTimeOffset t0 = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        SharedAddResult[] first = await store.AddAsync(
            new SharedArticle[]
            {
                new("x", 1, 0xF0, t0, new byte[] { 1, 2, 3 }, new ulong[] { 10, 11, 11 }),
                new("y", 2, ulong.MaxValue, t0.AddDays(1), new byte[] { 4 }, new ulong[] { 11, 12 }),
            },
            Ct);
        Assert.Equal([new(SharedAddStatus.Added, 0), new(SharedAddStatus.Added, 1)], first);

        SharedAddResult[] again = await store.AddAsync(
            new SharedArticle[] { new("x", 1, 0, t0, new byte[] { 9 }, new ulong[] { 99 }), new("y", 3, 0, t0, new byte[] { 9 }, new ulong[] { 99 }) }, Ct);
        Assert.Equal([new(SharedAddStatus.AlreadyIndexed, 0), new(SharedAddStatus.Conflict, 1)], again);

        SharedBucket[] buckets = await store.QueryAsync(new ulong[] { 10, 11, 12, 99 }, 10, Ct);
        Assert.Equal([0], buckets[0].Slots.ToArray());
        Assert.Equal([0, 1], buckets[1].Slots.ToArray());
        Assert.Equal([0xF0, ulong.MaxValue], buckets[1].Fingerprints.ToArray());
        Assert.Equal(2, buckets[1].Count);
        Assert.Equal([1], buckets[2].Slots.ToArray());
        Assert.Equal((0, 0), (buckets[3].Count, buckets[3].Slots.Length));
        byte[]?[] records = await store.GetAsync(new[] { 1, 0, 7 }, Ct);
        Assert.Equal([4], records[0]);
        Assert.Equal([1, 2, 3], records[1]);
        Assert.Null(records[2]);
        Assert.Equal(2, await store.CountAsync(Ct));

        // Removal drops everything of the article, and a slot is never given out again.
        bool[] removed = await store.RemoveAsync(new[] { "x", "nope" }, Ct);
        Assert.Equal(new[] { true, false }, removed);
        removed = await store.RemoveAsync(new[] { "x" }, Ct);
        Assert.Equal(new[] { false }, removed);
        buckets = await store.QueryAsync(new ulong[] { 10, 11 }, 10, Ct);
        Assert.Equal(0, buckets[0].Count);
        Assert.Equal([1], buckets[1].Slots.ToArray());
        Assert.Equal([ulong.MaxValue], buckets[1].Fingerprints.ToArray());
        Assert.Null((await store.GetAsync(new[] { 0 }, Ct))[0]);
        SharedAddResult[] readded = await store.AddAsync(new SharedArticle[] { new("x", 1, 0, t0, new byte[] { 1 }, new ulong[] { 10 }) }, Ct);
        Assert.Equal(new SharedAddResult(SharedAddStatus.Added, 2), readded[0]);
    }

    /// <summary>
    /// An add that fails on a foreign key leaves the article unindexed, as far as any reader can tell: its id free (a
    /// re-delivery adds it once the key is gone), no record, and the count unchanged. A client's trial found the id taken
    /// and the record written, so every re-delivery said "already indexed" of an article no query could find.
    /// </summary>
    [Theory]
    [MemberData(nameof(Servers))]
    public async Task An_add_that_fails_on_a_foreign_key_leaves_the_article_unindexed(string server)
    {
        string index = $"clash{Guid.NewGuid():N}";
        IDatabase database = RedisServers.Connection(server).GetDatabase();
        var store = (RedisSharedIndexStore)NewStore(server, index);
        foreach (string foreign in (string[])[store.BucketKey(11), "{" + index + "}:t"])
        {
            await database.StringSetAsync(foreign, "another program's");
            var article = new SharedArticle("x", 1, 0, DateTimeOffset.UnixEpoch, new byte[] { 1 }, new ulong[] { 10, 11, 12 });
            var e = await Assert.ThrowsAsync<InvalidOperationException>(async () => await store.AddAsync(new[] { article }, Ct));
            Assert.Contains("holds a value of another type", e.Message, StringComparison.Ordinal);
            Assert.Equal(0, await store.CountAsync(Ct));
            Assert.False(await database.HashExistsAsync("{" + index + "}:i", "x"));
            Assert.Null((await store.GetAsync(new[] { 0, 1 }, Ct))[0]);

            await database.KeyDeleteAsync(foreign);
            SharedAddResult[] added = await store.AddAsync(new[] { article }, Ct);
            Assert.Equal(SharedAddStatus.Added, added[0].Status);
            Assert.Equal(1, await store.CountAsync(Ct));
            Assert.True(await store.RemoveAsync(new[] { "x" }, Ct) is [true]);
        }
    }

    /// <summary>A key of the index that another program set to another type is named as such, not as a raw server error.</summary>
    [Theory]
    [MemberData(nameof(Servers))]
    public async Task A_foreign_key_in_the_index_is_named_with_the_index(string server)
    {
        string index = $"clash{Guid.NewGuid():N}";
        IDatabase database = RedisServers.Connection(server).GetDatabase();
        await database.StringSetAsync("{" + index + "}:i", "hello");
        ISharedIndexStore store = NewStore(server, index);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await store.AddAsync(new SharedArticle[] { new("x", 1, 0, DateTimeOffset.UnixEpoch, new byte[] { 1 }, new ulong[] { 10 }) }, Ct));
        Assert.Contains("{" + index + "}:*", e.Message, StringComparison.Ordinal);
        Assert.Contains("holds a value of another type", e.Message, StringComparison.Ordinal);
        await database.KeyDeleteAsync("{" + index + "}:i");
    }

    /// <summary>
    /// Workers with other settings (shingle size, seed, stopwords) would mix records and keys of another shape into one
    /// index and change its verdicts silently: the index records the first detector's settings and refuses others; the
    /// threshold may differ.
    /// </summary>
    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_worker_with_other_settings_is_refused_and_one_with_another_threshold_is_not(string name)
    {
        string index = $"set{Guid.NewGuid():N}";
        ISharedIndexStore first = NewStore(name, index);
        ISharedIndexStore Second() => name == Memory ? first : NewStore(name, index);
        var a = new CopyDetector(null, first);
        string harbour = Stories.Story(7, 12), rail = Stories.Story(8, 12);
        Assert.True((await a.FindOrAddAsync(new Article("harbour", harbour), Ct)).Added);

        var other = new CopyDetector(DetectorOptions.Default with { ShingleSize = 3 }, Second());
        var e = await Assert.ThrowsAsync<InvalidOperationException>(async () => await other.FindOrAddAsync(new Article("rail", rail), Ct));
        Assert.Contains("shingle size 5", e.Message, StringComparison.Ordinal);
        Assert.Contains("shingle size 3", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await other.FindCopiesAsync(new Article("q", harbour), Ct));

        var looser = new CopyDetector(DetectorOptions.Default with { Threshold = 0.6 }, Second());
        Assert.Equal("harbour", Assert.Single(await looser.FindCopiesAsync(new Article("copy", harbour + "\n\nALSO READ: more news"), Ct)).Id);
    }

    /// <summary>
    /// The store says when a call recorded the settings: the first call, and again after the index was cleared, as after
    /// a server lost its data; the key layout's mark stays the store's own.
    /// </summary>
    [Theory]
    [MemberData(nameof(Stores))]
    public async Task The_store_says_when_it_records_the_settings_anew(string name)
    {
        string index = $"rec{Guid.NewGuid():N}";
        ISharedIndexStore store = NewStore(name, index);
        Assert.Equal(new SharedSettings("mine", RecordedNow: true), await store.RecordSettingsAsync("mine", Ct));
        Assert.Equal(new SharedSettings("mine", RecordedNow: false), await store.RecordSettingsAsync("theirs", Ct));
        ISharedIndexStore again = name == Memory ? store : NewStore(name, index);
        Assert.Equal(new SharedSettings("mine", RecordedNow: false), await again.RecordSettingsAsync("theirs", Ct));
        if (store is RedisSharedIndexStore redis)
        {
            Assert.True(await redis.ClearAsync(Ct) > 0);
        }
        else
        {
            ((InMemorySharedIndexStore)store).Clear();
        }

        Assert.Equal(new SharedSettings("theirs", RecordedNow: true), await store.RecordSettingsAsync("theirs", Ct));
        Assert.Equal("theirs", await store.GetOrSetSettingsAsync("mine", Ct));
    }

    /// <summary>
    /// A server restarted without its data: the detector that had used the index records the settings anew and reports
    /// the loss to its observer (once), and goes on with the index as it is.
    /// </summary>
    [Fact]
    public async Task A_detector_reports_a_server_that_restarted_empty()
    {
        int port = RedisServers.FreePort();
        using GarnetHost garnet = GarnetHost.Start(port);
        using ConnectionMultiplexer connection = RedisServers.Connect(garnet.EndPoint);
        var store = new RedisSharedIndexStore(connection, new RedisSharedIndexStoreOptions { IndexName = "lost", RetryCount = 8, RetryDelay = TimeSpan.FromMilliseconds(250) });
        var observer = new LossObserver();
        await using var detector = new CopyDetector(DetectorOptions.Default with { Observer = observer }, store);
        string harbour = Stories.Story(7, 12);
        var copy = new Article("copy", harbour + "\n\nALSO READ: more news");
        Assert.True((await detector.FindOrAddAsync(new Article("harbour", harbour), Ct)).Added);
        Assert.Equal("harbour", Assert.Single(await detector.FindCopiesAsync(copy, Ct)).Id);
        Assert.Equal(0, observer.Lost);

        garnet.Restart();
        RedisServers.WaitConnected(connection, TimeSpan.FromSeconds(20));
        for (int i = 0; i < SettingsCheckInterval; i++)
        {
            Assert.Empty(await detector.FindCopiesAsync(copy, Ct));
        }

        Assert.Equal(1, observer.Lost);
        Assert.True((await detector.FindOrAddAsync(new Article("harbour", harbour), Ct)).Added);
        Assert.Equal("harbour", Assert.Single(await detector.FindCopiesAsync(copy, Ct)).Id);
    }

    /// <summary>A detector checks the shared settings at its first call and then every 64th (<see cref="DetectorObserver.SharedIndexLost"/>).</summary>
    private const int SettingsCheckInterval = 64;

    private sealed class LossObserver : DetectorObserver
    {
        private int _lost;

        public int Lost => Volatile.Read(ref _lost);

        public override void SharedIndexLost() => Interlocked.Increment(ref _lost);
    }

    /// <summary>An index written by an earlier version (buckets as plain sets) is refused with what to do, not misread.</summary>
    [Theory]
    [MemberData(nameof(Servers))]
    public async Task An_index_in_an_earlier_key_layout_is_refused_with_what_to_do(string server)
    {
        string index = $"old{Guid.NewGuid():N}";
        IDatabase database = RedisServers.Connection(server).GetDatabase();
        var detector = new CopyDetector(null, NewStore(server, index));
        Assert.True((await detector.FindOrAddAsync(new Article("harbour", Stories.Story(7, 12)), Ct)).Added);
        string settings = (string)(await database.StringGetAsync("{" + index + "}:o"))!;
        await database.StringSetAsync("{" + index + "}:o", settings[..settings.IndexOf('\n', StringComparison.Ordinal)]);

        var old = new CopyDetector(null, NewStore(server, index));
        var e = await Assert.ThrowsAsync<InvalidOperationException>(async () => await old.FindCopiesAsync(new Article("q", Stories.Story(7, 12)), Ct));
        Assert.Contains(index, e.Message, StringComparison.Ordinal);
        Assert.Contains("ClearAsync", e.Message, StringComparison.Ordinal);
        Assert.True(await ((RedisSharedIndexStore)NewStore(server, index)).ClearAsync(Ct) > 0);
    }

    /// <summary>Clearing deletes a page of keys at a time (sent as one batch, the millions of keys of a large index timed out) and leaves nothing.</summary>
    [Theory]
    [MemberData(nameof(Servers))]
    public async Task Clearing_a_large_index_deletes_every_key_a_page_at_a_time(string server)
    {
        string index = $"clear{Guid.NewGuid():N}";
        var store = (RedisSharedIndexStore)NewStore(server, index);
        SharedArticle[] articles = [.. Enumerable.Range(0, 2500).Select(i => new SharedArticle($"k{i}", (ulong)i, 0, DateTimeOffset.UnixEpoch, new byte[] { 1 }, new ulong[] { (ulong)i }))];
        await store.AddAsync(articles, Ct);
        Assert.Equal(2500 + 7, await store.ClearAsync(Ct));
        Assert.Equal(0, await store.CountAsync(Ct));
        Assert.Equal(0, await store.ClearAsync(Ct));
    }

    /// <summary>
    /// Disposing a detector (and the store it owns) while calls run ends them at once with
    /// <see cref="ObjectDisposedException"/>: they retried the closed connection as an outage, one after the other,
    /// for up to 14 s in a client's trial, and reported the server unavailable.
    /// </summary>
    [Theory]
    [MemberData(nameof(Servers))]
    public async Task Calls_under_way_when_the_detector_is_disposed_end_at_once(string server)
    {
        RedisSharedIndexStore store = await RedisSharedIndexStore.ConnectAsync(
            RedisServers.EndPoint(server), new RedisSharedIndexStoreOptions { IndexName = $"d{Guid.NewGuid():N}", RetryCount = 3, RetryDelay = TimeSpan.FromSeconds(1) });
        var detector = new CopyDetector(null, store);
        Task<FindOrAddResult>[] calls = [.. Enumerable.Range(0, 20).Select(i => detector.FindOrAddAsync(new Article($"x{i}", Stories.Story((ulong)i, 12)), Ct).AsTask())];
        await Task.Delay(30, Ct);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await detector.DisposeAsync();
        foreach (Task<FindOrAddResult> call in calls)
        {
            try
            {
                await call.WaitAsync(TimeSpan.FromSeconds(10), Ct);
            }
            catch (ObjectDisposedException)
            {
            }
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"the calls ended {clock.Elapsed} after the disposal");
        await using var cleanup = new RedisSharedIndexStore(RedisServers.Connection(server), store.Options);
        await cleanup.ClearAsync(Ct);
    }

    /// <summary>Every server (no in-memory store).</summary>
    public static TheoryData<string> Servers
    {
        get
        {
            var names = new TheoryData<string>();
            foreach (string server in RedisServers.Names)
            {
                names.Add(server);
            }

            return names;
        }
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Expiry_removes_the_oldest_articles_through_the_time_index(string name)
    {
        ISharedIndexStore store = NewStore(name);
        DateTimeOffset t0 = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        var articles = new SharedArticle[10];
        for (int i = 0; i < articles.Length; i++)
        {
            articles[i] = new SharedArticle($"d{i}", (ulong)i, (ulong)i, t0.AddDays(i), new byte[] { (byte)i }, new ulong[] { 5, (ulong)(100 + i) });
        }

        await store.AddAsync(articles, Ct);
        Assert.Equal(3, await store.ExpireAsync(t0.AddDays(6), 3, Ct));
        Assert.Equal(3, await store.ExpireAsync(t0.AddDays(6), 3, Ct));
        Assert.Equal(0, await store.ExpireAsync(t0.AddDays(6), 3, Ct));
        Assert.Equal(4, await store.CountAsync(Ct));
        SharedBucket[] buckets = await store.QueryAsync(new ulong[] { 5 }, 10, Ct);
        Assert.Equal([6, 7, 8, 9], buckets[0].Slots.ToArray());
        Assert.Equal(0, (await store.QueryAsync(new ulong[] { 100 }, 10, Ct))[0].Count);
        bool[] removed = await store.RemoveAsync(new[] { "d0", "d6" }, Ct);
        Assert.Equal(new[] { false, true }, removed);
    }

    /// <summary>
    /// A bucket of many holders is read by its size and its earliest holders only (a query's work stays bounded), in
    /// slot order, after removals too.
    /// </summary>
    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_query_reads_a_buckets_size_and_its_earliest_holders(string name)
    {
        ISharedIndexStore store = NewStore(name);
        var articles = new SharedArticle[300];
        for (int i = 0; i < articles.Length; i++)
        {
            articles[i] = new SharedArticle($"c{i}", (ulong)i, 1000UL + (ulong)i, DateTimeOffset.UnixEpoch, new byte[] { 1 }, new ulong[] { 7, (ulong)(100 + (i % 2)) });
        }

        await store.AddAsync(articles, Ct);
        await store.RemoveAsync(new[] { "c0", "c2" }, Ct);
        SharedBucket[] buckets = await store.QueryAsync(new ulong[] { 7, 101, 8 }, 5, Ct);
        Assert.Equal(6, buckets[0].Count); // counted up to the limit + 1

        Assert.Equal([1, 3, 4, 5, 6], buckets[0].Slots.ToArray());
        Assert.Equal([1001UL, 1003, 1004, 1005, 1006], buckets[0].Fingerprints.ToArray());
        Assert.Equal(6, buckets[1].Count);
        Assert.Equal([1, 3, 5, 7, 9], buckets[1].Slots.ToArray());
        Assert.Equal(0, buckets[2].Count);
        buckets = await store.QueryAsync(new ulong[] { 101 }, 200, Ct);
        Assert.Equal(150, buckets[0].Count);
        Assert.Equal(150, buckets[0].Slots.Length);
        buckets = await store.QueryAsync(new ulong[] { 101 }, int.MaxValue, Ct);
        Assert.Equal(150, buckets[0].Count);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await store.QueryAsync(new ulong[] { 7 }, 0, Ct));
    }

    /// <summary>
    /// A model is published unless another was published since the one its learner began from (compare and set), so a
    /// model learned from fewer articles (after expiry) replaces a larger one, and of two learned at once the first wins.
    /// </summary>
    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_model_is_published_over_the_version_it_was_learned_from_and_read_once_per_version(string name)
    {
        ISharedIndexStore store = NewStore(name);
        Assert.Null(await store.GetModelAsync(-1, Ct));
        long v1 = await store.PublishModelAsync(new SharedModel(0, 10, [1]), Ct);
        SharedModel m = Assert.IsType<SharedModel>(await store.GetModelAsync(-1, Ct));
        Assert.Equal((v1, 10L), (m.Version, m.Articles));
        Assert.Equal([1], m.Data);
        Assert.Null(await store.GetModelAsync(v1, Ct));

        // Two learners began from v1: the first to publish wins, the other's is refused.
        long v2 = await store.PublishModelAsync(new SharedModel(v1, 5, [2]), Ct);
        Assert.Equal(v1 + 1, v2);
        Assert.Equal(v2, await store.PublishModelAsync(new SharedModel(v1, 50, [3]), Ct));
        m = Assert.IsType<SharedModel>(await store.GetModelAsync(v1, Ct));
        Assert.Equal((v2, 5L), (m.Version, m.Articles));
        Assert.Equal([2], m.Data);
    }

    /// <summary>Of the workers that claim the learning of the model, one holds it until it gives it up or its lease ends.</summary>
    [Theory]
    [MemberData(nameof(Stores))]
    public async Task One_worker_at_a_time_holds_the_claim_to_learn_the_model(string name)
    {
        ISharedIndexStore store = NewStore(name);
        Assert.True(await store.TryClaimModelLearningAsync("a", TimeSpan.FromMinutes(1), Ct));
        Assert.False(await store.TryClaimModelLearningAsync("b", TimeSpan.FromMinutes(1), Ct));
        Assert.True(await store.TryClaimModelLearningAsync("a", TimeSpan.FromSeconds(3), Ct));
        await store.ReleaseModelLearningAsync("b", Ct);
        Assert.False(await store.TryClaimModelLearningAsync("b", TimeSpan.FromMinutes(1), Ct));
        await Task.Delay(3500, Ct);
        Assert.True(await store.TryClaimModelLearningAsync("b", TimeSpan.FromMinutes(1), Ct));
        await store.ReleaseModelLearningAsync("b", Ct);
        Assert.True(await store.TryClaimModelLearningAsync("a", TimeSpan.FromMinutes(1), Ct));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task What_one_detector_adds_another_on_the_same_store_finds(string name)
    {
        string index = $"t{Guid.NewGuid():N}";
        ISharedIndexStore shared = NewStore(name, index);
        await using var first = new CopyDetector(null, shared);
        await using var second = new CopyDetector(null, name == Memory ? shared : NewStore(name, index));
        IReadOnlyList<Article> pool = Stories.Pool;
        Assert.True(await first.AddAsync(pool[0], Ct));
        Assert.Contains(await second.FindCopiesAsync(pool[1], Ct), m => m.Id == "a0");
        Assert.False(await second.AddAsync(pool[0], Ct));
        await Assert.ThrowsAsync<ArgumentException>(async () => await second.AddAsync(new Article("a0", pool[7].Text), Ct));
        FindOrAddResult r = await second.FindOrAddAsync(pool[3], Ct);
        Assert.True(r.Added);
        Assert.Contains(await first.FindCopiesAsync(pool[4], Ct), m => m.Id == "a3");
        Assert.True(await second.RemoveAsync("a0", Ct));
        Assert.DoesNotContain(await first.FindCopiesAsync(pool[1], Ct), m => m.Id == "a0");
        Assert.Throws<NotSupportedException>(() => first.FindCopies(pool[1]));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Two_copies_sent_at_once_to_two_workers_are_paired(string name)
    {
        for (int round = 0; round < 10; round++)
        {
            string index = $"t{Guid.NewGuid():N}";
            ISharedIndexStore shared = NewStore(name, index);
            await using var first = new CopyDetector(null, shared);
            await using var second = new CopyDetector(null, name == Memory ? shared : NewStore(name, index));
            Task<FindOrAddResult> a = Task.Run(async () => await first.FindOrAddAsync(Stories.Pool[0], Ct), Ct);
            Task<FindOrAddResult> b = Task.Run(async () => await second.FindOrAddAsync(Stories.Pool[1], Ct), Ct);
            FindOrAddResult[] both = await Task.WhenAll(a, b);
            Assert.All(both, r => Assert.True(r.Added));

            // Exactly one of them (the later slot) reports the other: as if they had come one after the other.
            int reports = both[0].Copies.Count(m => m.Id == "a1") + both[1].Copies.Count(m => m.Id == "a0");
            Assert.Equal(1, reports);
        }
    }

    private enum Op
    {
        Add,
        Remove,
        Find,
        FindOrAdd,
    }

    private static readonly Gen<(Op Op, int Article)[]> Sequences =
        from length in Gen.Choose(1, 24)
        from ops in Gen.ArrayOf(
            from op in Gen.Elements(Op.Add, Op.Remove, Op.Find, Op.FindOrAdd)
            from article in Gen.Choose(0, Stories.Pool.Count - 1)
            select (op, article),
            length)
        select ops;

    /// <summary>For random add/remove/find/find-or-add sequences, a shared detector on the server answers like one on the in-memory shared store, and like the in-process detector.</summary>
    [Theory]
    [MemberData(nameof(RedisBucketStoreTests.Servers), MemberType = typeof(RedisBucketStoreTests))]
    public void A_detector_on_the_server_answers_like_one_on_the_in_memory_store(string server) =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(30), Prop.ForAll(Sequences.ToArbitrary(), ops => SameAnswers(server, ops)));

    private static bool SameAnswers(string server, (Op Op, int Article)[] ops)
    {
        using var local = new CopyDetector();
        using var memory = new CopyDetector(null, new InMemorySharedIndexStore());
        using var redis = new CopyDetector(null, NewStore(server));
        foreach ((Op op, int index) in ops)
        {
            string expected = Answer(local, op, Stories.Pool[index]).AsTask().GetAwaiter().GetResult();
            Assert.Equal(expected, Answer(memory, op, Stories.Pool[index]).AsTask().GetAwaiter().GetResult());
            Assert.Equal(expected, Answer(redis, op, Stories.Pool[index]).AsTask().GetAwaiter().GetResult());
        }

        return true;
    }

    private static async ValueTask<string> Answer(CopyDetector detector, Op op, Article article) => op switch
    {
        Op.Add => $"add {await detector.AddAsync(article, Ct)}",
        Op.Remove => $"remove {await detector.RemoveAsync(article.Id, Ct)}",
        Op.Find => "find " + Format(await detector.FindCopiesAsync(article, Ct)),
        _ => await detector.FindOrAddAsync(article, Ct) is var r ? $"find-or-add {r.Added} {Format(r.Copies)}" : "",
    };

    private static string Format(IReadOnlyList<CopyMatch> matches) =>
        string.Join("; ", matches.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Id} {m.Kind} {m.Score:R}")));
}

using Dedup.Detection;
using Dedup.Indexing;

namespace Dedup.Tests.Detection;

public class AsyncDetectorTests
{
    private static readonly Article Harbour = new("harbour", TestArticles.Harbour, "Council approves harbour wall rebuild");
    private static readonly Article HarbourWire = new("wire", TestArticles.Syndicate(TestArticles.Harbour), "UPDATE 1-Harbour wall to be rebuilt");
    private static readonly Article Rail = new("rail", TestArticles.Rail, "New rail line to open in December");

    public static TheoryData<bool> Stores => new() { true, false };

    private static CopyDetector NewDetector(bool synchronousStore, DetectorOptions? options = null) =>
        synchronousStore ? new CopyDetector(options) : new CopyDetector(options, new AsyncOnlyStore());

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Two_copies_sent_at_once_to_two_workers_are_paired(bool synchronousStore)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        for (int run = 0; run < 150; run++)
        {
            using CopyDetector detector = NewDetector(synchronousStore);
            await detector.AddAsync(Rail, ct);
            using var start = new Barrier(2);
            Task<FindOrAddResult> first = Task.Run(async () => { start.SignalAndWait(ct); return await detector.FindOrAddAsync(Harbour, ct); }, ct);
            Task<FindOrAddResult> second = Task.Run(async () => { start.SignalAndWait(ct); return await detector.FindOrAddAsync(HarbourWire, ct); }, ct);
            FindOrAddResult[] results = await Task.WhenAll(first, second);

            Assert.All(results, r => Assert.True(r.Added));
            Assert.Equal(3, detector.Count);

            // Exactly one of the two saw the other: whichever came second.
            int paired = results.Count(r => r.Copies.Count == 1);
            Assert.True(paired == 1, $"run {run}: {paired} of the two callers saw the other");
            CopyMatch match = results.Single(r => r.Copies.Count == 1).Copies[0];
            Assert.Contains(match.Id, new[] { "harbour", "wire" });
            Assert.Equal(CopyKind.Syndicated, match.Kind);
        }
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Find_or_add_reports_copies_and_adds_once(bool synchronousStore)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using CopyDetector detector = NewDetector(synchronousStore);

        FindOrAddResult original = await detector.FindOrAddAsync(Harbour, ct);
        FindOrAddResult copy = await detector.FindOrAddAsync(HarbourWire, ct);
        FindOrAddResult again = await detector.FindOrAddAsync(HarbourWire, ct);

        Assert.True(original.Added);
        Assert.Empty(original.Copies);
        Assert.True(copy.Added);
        Assert.Equal("harbour", Assert.Single(copy.Copies).Id);
        Assert.False(again.Added);
        Assert.Equal("harbour", Assert.Single(again.Copies).Id);
        Assert.Equal(2, detector.Count);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Re_delivery_with_the_same_text_is_idempotent_and_with_another_text_names_the_id(bool synchronousStore)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using CopyDetector detector = NewDetector(synchronousStore);

        Assert.True(await detector.AddAsync(Harbour, ct));
        Assert.False(await detector.AddAsync(Harbour with { Text = "  " + Harbour.Text }, ct));
        var e = await Assert.ThrowsAsync<ArgumentException>(async () => await detector.AddAsync(Harbour with { Text = TestArticles.Rail }, ct));

        Assert.Contains("'harbour'", e.Message, StringComparison.Ordinal);
        Assert.Equal("article", e.ParamName);
        Assert.Equal(1, detector.Count);
        Assert.Equal("harbour", Assert.Single(await detector.FindCopiesAsync(HarbourWire, ct)).Id);
    }

    /// <summary>A text given alone that is empty (a page without a body) is named as the argument "text", not "article".</summary>
    [Theory]
    [InlineData("")]
    [InlineData(" \n\t")]
    public async Task An_empty_text_is_refused_naming_the_text(string text)
    {
        using var detector = new CopyDetector();
        Assert.Equal("text", Assert.Throws<ArgumentException>(() => detector.FindCopies(text)).ParamName);
        ArgumentException e = await Assert.ThrowsAsync<ArgumentException>(() => detector.FindCopiesAsync(text, TestContext.Current.CancellationToken).AsTask());
        Assert.Equal("text", e.ParamName);
        Assert.StartsWith("The text is empty or only whitespace", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentNullException>(() => detector.FindCopiesAsync((string)null!, TestContext.Current.CancellationToken).AsTask());
    }

    [Fact]
    public void Synchronous_add_is_idempotent_too_and_a_batch_with_a_conflict_adds_nothing()
    {
        using var detector = new CopyDetector();
        detector.Add(Harbour);
        detector.Add(Harbour);
        detector.AddRange([Harbour, Rail], TestContext.Current.CancellationToken);
        var e = Assert.Throws<ArgumentException>(() => detector.AddRange([HarbourWire, Harbour with { Text = TestArticles.HarbourFollowUp }], TestContext.Current.CancellationToken));

        Assert.Contains("'harbour'", e.Message, StringComparison.Ordinal);
        Assert.Equal("articles", e.ParamName);
        Assert.Equal(2, detector.Count);
        Assert.False(detector.Contains("wire"));
    }

    [Fact]
    public async Task A_cancelled_call_changes_nothing()
    {
        using CopyDetector detector = NewDetector(synchronousStore: true);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await detector.FindOrAddAsync(Harbour, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await detector.AddAsync(Harbour, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await detector.FindCopiesAsync(Harbour, cancelled.Token));

        Assert.Equal(0, detector.Count);
    }

    [Fact]
    public async Task A_caller_waiting_for_its_turn_can_cancel_and_adds_nothing()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        var store = new AsyncOnlyStore();
        using var detector = new CopyDetector(null, store);
        store.HoldAdds = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<FindOrAddResult> holder = detector.FindOrAddAsync(Harbour, ct).AsTask();
        await store.AddStarted.Task.WaitAsync(ct);

        using var cts = new CancellationTokenSource();
        Task<FindOrAddResult> waiting = detector.FindOrAddAsync(HarbourWire, cts.Token).AsTask();
        await Task.Delay(20, ct);
        Assert.False(waiting.IsCompleted);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        store.HoldAdds.SetResult();
        await holder;

        Assert.Equal(1, detector.Count);
        Assert.False(detector.Contains("wire"));
    }

    [Fact]
    public async Task An_async_article_lookup_gives_evidence_and_honours_cancellation()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        var articles = new Dictionary<string, Article> { ["harbour"] = Harbour };
        using var detector = new CopyDetector(new DetectorOptions
        {
            ArticleLookupAsync = async (id, token) => { await Task.Yield(); return articles.GetValueOrDefault(id); },
        });
        await detector.AddAsync(Harbour, ct);

        CopyMatch match = Assert.Single(await detector.FindCopiesAsync(HarbourWire, ct));
        Assert.NotEmpty(match.Passages);

        using var blocking = new CopyDetector(new DetectorOptions
        {
            ArticleLookupAsync = async (id, token) => { await Task.Delay(Timeout.Infinite, token); return null; },
        });
        await blocking.AddAsync(Harbour, ct);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await blocking.FindCopiesAsync(HarbourWire, cts.Token));
    }

    [Fact]
    public async Task An_async_only_store_gets_one_batch_per_call_and_the_synchronous_methods_refuse_it()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        var store = new AsyncOnlyStore();
        using var detector = new CopyDetector(null, store);

        await detector.FindOrAddAsync(Harbour, ct);
        await detector.FindOrAddAsync(Rail, ct);
        await detector.FindCopiesAsync(HarbourWire, ct);
        Assert.True(await detector.RemoveAsync("rail", ct));
        Assert.False(await detector.RemoveAsync("rail", ct));

        Assert.Equal(3, store.Queries);
        Assert.Equal(2, store.Adds);
        Assert.Equal(1, store.Removes);
        Assert.Throws<NotSupportedException>(() => detector.FindCopies(HarbourWire));
        Assert.Throws<NotSupportedException>(() => detector.Add(Rail));
        Assert.Throws<NotSupportedException>(() => detector.Remove("harbour"));
        Assert.Equal(1, detector.Count);
    }

    /// <summary>
    /// RemoveRangeAsync removes the indexed ids among those given, each once: through an async-only store with one batch
    /// (RemoveRange, synchronous, refuses that store), and through the synchronous path of an in-memory store.
    /// </summary>
    [Fact]
    public async Task RemoveRangeAsync_removes_with_one_batch_through_an_async_only_store_and_as_RemoveRange_in_memory()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        var store = new AsyncOnlyStore();
        using var remote = new CopyDetector(null, store);
        using var memory = new CopyDetector();
        foreach (CopyDetector detector in (CopyDetector[])[remote, memory])
        {
            await detector.AddAsync(Harbour, ct);
            await detector.AddAsync(Rail, ct);
            await detector.AddAsync(HarbourWire, ct);
        }

        Assert.Throws<NotSupportedException>(() => remote.RemoveRange(["rail"], ct));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await remote.RemoveRangeAsync(["rail", null!], ct));
        foreach (CopyDetector detector in (CopyDetector[])[remote, memory])
        {
            Assert.Equal(2, await detector.RemoveRangeAsync(["harbour", "missing", "rail", "harbour"], ct));
            Assert.Equal(0, await detector.RemoveRangeAsync(["harbour"], ct));
            Assert.Equal(1, detector.Count);
            Assert.Empty(await detector.FindCopiesAsync(new Article("copy", TestArticles.Syndicate(TestArticles.Rail)), ct));
            Assert.Equal("wire", Assert.Single(await detector.FindCopiesAsync(new Article("again", TestArticles.Harbour), ct)).Id);
        }

        Assert.Equal(1, store.Removes);
    }

    /// <summary>
    /// Kept clusters verify each added article through the store's synchronous access: on an async-only store the first
    /// ClusterOf of an empty detector started them, and the asynchronous adds then joined none (two copies, two clusters).
    /// </summary>
    /// <summary>
    /// A store that lost its keys (a server restarted empty) finds nothing among the articles indexed before; the
    /// detector, which keeps their features, puts every key back, each once: removing every article then leaves the
    /// store empty. A shared store keeps the whole index itself and is refused.
    /// </summary>
    [Fact]
    public async Task Buckets_a_store_lost_are_restored_from_the_detector_each_key_once()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        var store = new AsyncOnlyStore();
        await using var detector = new CopyDetector(null, store);
        var articles = new List<Article> { Harbour };
        for (int i = 0; i < 300; i++)
        {
            articles.Add(new Article($"r{i}", TestArticles.Lead(TestArticles.Rail, 1 + (i % 4)) + $" Desk note {i}: the line reopens on day {i}."));
        }

        foreach (Article a in articles)
        {
            Assert.True(await detector.AddAsync(a, ct));
        }

        long buckets = store.BucketCount;
        Assert.Equal(Harbour.Id, Assert.Single(await detector.FindCopiesAsync(HarbourWire with { Id = "q" }, ct)).Id);
        int addsBefore = store.Adds;

        store.Lose();
        Assert.Empty(await detector.FindCopiesAsync(HarbourWire with { Id = "q" }, ct));
        Assert.Equal(articles.Count, await detector.RestoreBucketsAsync(ct));

        // 301 articles in batches of 256: two store calls.
        Assert.Equal(addsBefore + 2, store.Adds);
        Assert.Equal(buckets, store.BucketCount);
        Assert.Equal(Harbour.Id, Assert.Single(await detector.FindCopiesAsync(HarbourWire with { Id = "q" }, ct)).Id);
        foreach (Article a in articles)
        {
            Assert.True(await detector.RemoveAsync(a.Id, ct));
        }

        Assert.Equal(0, store.BucketCount);
        await using var shared = new CopyDetector(null, new InMemorySharedIndexStore());
        Assert.Contains("RestoreBucketsAsync", (await Assert.ThrowsAsync<NotSupportedException>(async () => await shared.RestoreBucketsAsync(ct))).Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The store's report that it lost its keys reaches the detector's observer once a loss, on the reporting call; a
    /// disposed detector no longer listens.
    /// </summary>
    [Fact]
    public async Task A_store_that_reports_its_keys_lost_is_told_to_the_observer_once_a_loss()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        var store = new AsyncOnlyStore();
        var observer = new LossObserver();
        var detector = new CopyDetector(DetectorOptions.Default with { Observer = observer }, store);
        Assert.True(await detector.AddAsync(Harbour, ct));
        Assert.Single(await detector.FindCopiesAsync(HarbourWire with { Id = "q" }, ct));
        Assert.Equal(0, observer.Lost);

        store.Lose();
        Assert.Empty(await detector.FindCopiesAsync(HarbourWire with { Id = "q" }, ct));
        Assert.Equal(1, observer.Lost);
        Assert.Empty(await detector.FindCopiesAsync(HarbourWire with { Id = "q" }, ct));
        Assert.Equal(1, observer.Lost);

        Assert.Equal(1, await detector.RestoreBucketsAsync(ct));
        Assert.Single(await detector.FindCopiesAsync(HarbourWire with { Id = "q" }, ct));
        store.Lose();
        Assert.Empty(await detector.FindCopiesAsync(HarbourWire with { Id = "q" }, ct));
        Assert.Equal(2, observer.Lost);

        await detector.DisposeAsync();
        store.Lose();
        await store.QueryAsync(new ulong[] { 1 }, ct);
        Assert.Equal(2, observer.Lost);
    }

    /// <summary>
    /// <see cref="CopyDetector.FindCopiesAsync(Article, CancellationToken)"/> checks its token between its steps:
    /// cancelled while the features were extracted, it throws rather than search and verify (a client's trial: a search
    /// of 3.5 million characters ran half a second past its cancellation); cancelled during the evidence lookup, it reads
    /// no further stored article.
    /// </summary>
    [Theory]
    [MemberData(nameof(Stores))]
    public async Task FindCopiesAsync_stops_between_its_steps_once_cancelled(bool synchronousStore)
    {
        using (var cancelled = new CancellationTokenSource())
        {
            using CopyDetector detector = NewDetector(synchronousStore, DetectorOptions.Default with { Observer = new CancellingObserver(cancelled) });
            await detector.AddAsync(Harbour, TestContext.Current.CancellationToken);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => detector.FindCopiesAsync(HarbourWire, cancelled.Token).AsTask());
        }

        using var lookupCancelled = new CancellationTokenSource();
        int lookups = 0;
        var stored = new Dictionary<string, Article> { [Harbour.Id] = Harbour, ["harbour-2"] = Harbour with { Id = "harbour-2" } };
        using CopyDetector looking = NewDetector(synchronousStore, DetectorOptions.Default with
        {
            ArticleLookupAsync = (id, token) =>
            {
                lookups++;
                lookupCancelled.Cancel();
                return ValueTask.FromResult(stored.GetValueOrDefault(id));
            },
        });
        await looking.AddAsync(Harbour, TestContext.Current.CancellationToken);
        await looking.AddAsync(stored["harbour-2"], TestContext.Current.CancellationToken);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => looking.FindCopiesAsync(HarbourWire, lookupCancelled.Token).AsTask());
        Assert.Equal(1, lookups);
    }

    /// <summary>
    /// A find-or-add cancelled during the evidence lookup, after its article was added, returns (added, with its copies,
    /// the passages not yet looked up left out): it threw, so the caller took nothing as added, and its retry read as a
    /// re-delivery (<c>Added</c> false), which a caller may skip, so the copies were never reported (a client's trial of
    /// a hosted service). Cancelled before the add, it throws and changes nothing.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    [InlineData(null)]
    public async Task A_find_or_add_cancelled_after_its_add_returns_what_it_did(bool? synchronousStore)
    {
        using var lookupCancelled = new CancellationTokenSource();
        var stored = new Dictionary<string, Article> { [Harbour.Id] = Harbour, ["harbour-2"] = Harbour with { Id = "harbour-2" } };
        int lookups = 0;

        // null: a detector on a shared store, which adds, searches, then looks the copies up.
        DetectorOptions options = DetectorOptions.Default with
        {
            ArticleLookupAsync = async (id, token) =>
            {
                lookups++;
                await lookupCancelled.CancelAsync();
                token.ThrowIfCancellationRequested();
                return stored.GetValueOrDefault(id);
            },
        };
        var shared = new TestSharedStore();
        await using CopyDetector detector = synchronousStore is { } synchronous ? NewDetector(synchronous, options) : new CopyDetector(options, shared);
        async Task<long> Count() => synchronousStore is null ? await shared.CountAsync(TestContext.Current.CancellationToken) : detector.Count;
        await detector.AddAsync(Harbour, TestContext.Current.CancellationToken);
        await detector.AddAsync(stored["harbour-2"], TestContext.Current.CancellationToken);

        FindOrAddResult result = await detector.FindOrAddAsync(HarbourWire, lookupCancelled.Token);

        Assert.True(result.Added);
        Assert.Equal(3L, await Count());
        Assert.Equal(["harbour", "harbour-2"], result.Copies.Select(c => c.Id).Order());
        Assert.All(result.Copies, c => Assert.Empty(c.Passages));
        Assert.Equal(1, lookups);

        // Cancelled before its add: it throws, and nothing changed.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => detector.FindOrAddAsync(Rail, lookupCancelled.Token).AsTask());
        Assert.Equal(3L, await Count());
    }

    /// <summary>Cancels a token when an operation starts (after the call's own check, before its work).</summary>
    private sealed class CancellingObserver(CancellationTokenSource source) : DetectorObserver
    {
        public override IDisposable? Starting(DetectorOperation operation, string? articleId)
        {
            if (operation == DetectorOperation.FindCopies)
            {
                source.Cancel();
            }

            return null;
        }
    }

    private sealed class LossObserver : DetectorObserver
    {
        private int _lost;

        public int Lost => Volatile.Read(ref _lost);

        public override void BucketKeysLost() => Interlocked.Increment(ref _lost);
    }

    [Fact]
    public async Task ClusterOf_on_an_async_only_store_is_refused_naming_Clusters_which_works()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using var detector = new CopyDetector(null, new AsyncOnlyStore());

        Assert.Contains("use Clusters()", Assert.Throws<NotSupportedException>(() => detector.ClusterOf("harbour")).Message, StringComparison.Ordinal);
        await detector.FindOrAddAsync(Harbour, ct);
        await detector.FindOrAddAsync(HarbourWire, ct);
        Assert.Throws<NotSupportedException>(() => detector.ClusterOf("harbour"));
        Assert.Equal([Harbour.Id, HarbourWire.Id], detector.Clusters().Single().Members.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Random_operations_give_the_same_answers_on_an_async_only_store_as_in_memory()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        string[] bases = [TestArticles.Harbour, TestArticles.Rail, TestArticles.HarbourFollowUp];
        var random = new Random(17);
        using var memory = new CopyDetector();
        using var remote = new CopyDetector(null, new AsyncOnlyStore());
        for (int i = 0; i < 120; i++)
        {
            string id = $"a{random.Next(30)}";
            string text = random.Next(3) == 0 ? TestArticles.Syndicate(bases[random.Next(3)]) : TestArticles.Lead(bases[random.Next(3)], 1 + random.Next(4)) + $" Story {id}.";
            switch (random.Next(3))
            {
                case 0:
                    Assert.Equal(await memory.RemoveAsync(id, ct), await remote.RemoveAsync(id, ct));
                    break;
                default:
                    await memory.RemoveAsync(id, ct);
                    await remote.RemoveAsync(id, ct);
                    FindOrAddResult m = await memory.FindOrAddAsync(new Article(id, text), ct);
                    FindOrAddResult r = await remote.FindOrAddAsync(new Article(id, text), ct);
                    Assert.Equal(m.Added, r.Added);
                    Assert.Equal(m.Copies.Select(c => (c.Id, c.Kind, c.Score)), r.Copies.Select(c => (c.Id, c.Kind, c.Score)));
                    break;
            }

            Assert.Equal(memory.Count, remote.Count);
        }
    }

    [Fact]
    public void The_title_given_to_add_is_compared()
    {
        using var detector = new CopyDetector();
        detector.Add("harbour", TestArticles.Harbour, "Council approves harbour wall rebuild");

        Assert.Equal(CopyKind.Duplicate, Assert.Single(detector.FindCopies(new Article("", TestArticles.Harbour, "Council approves harbour wall rebuild"))).Kind);
        Assert.NotEqual(CopyKind.Duplicate, Assert.Single(detector.FindCopies(TestArticles.Harbour)).Kind);
    }

    [Fact]
    public async Task The_observer_hears_each_operation_with_its_candidates_and_copies()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        var observer = new RecordingObserver();
        using var detector = new CopyDetector(new DetectorOptions { Observer = observer });

        await detector.FindOrAddAsync(Harbour, ct);
        await detector.FindOrAddAsync(HarbourWire, ct);
        await Assert.ThrowsAsync<ArgumentException>(async () => await detector.AddAsync(Harbour with { Text = TestArticles.Rail }, ct));

        Assert.Equal([DetectorOperation.FindOrAdd, DetectorOperation.FindOrAdd], observer.Events.Select(e => e.Operation));
        Assert.Equal(1, observer.Events[1].Candidates);
        Assert.Equal(CopyKind.Syndicated, Assert.Single(observer.Events[1].Copies).Kind);
        Assert.Equal(DetectorOperation.Add, Assert.Single(observer.Failures));
        Assert.Equal(3, observer.Scopes);
    }

    /// <summary>
    /// A failure reaches the overload with the time the call ran (what telemetry times failed calls by); an observer
    /// that overrides only the older overload (as RecordingObserver above) still hears of it.
    /// </summary>
    [Fact]
    public async Task A_failure_is_reported_with_the_time_it_took()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        var observer = new TimingObserver();
        var detector = new CopyDetector(DetectorOptions.Default with { Observer = observer });
        await detector.AddAsync(Harbour, ct);

        await Assert.ThrowsAsync<ArgumentException>(async () => await detector.AddAsync(Harbour with { Text = TestArticles.Rail }, ct));

        (DetectorOperation operation, string? id, TimeSpan elapsed) = Assert.Single(observer.Failures);
        Assert.Equal(DetectorOperation.Add, operation);
        Assert.Equal(Harbour.Id, id);
        Assert.True(elapsed > TimeSpan.Zero);
    }

    private sealed class TimingObserver : DetectorObserver
    {
        public List<(DetectorOperation Operation, string? Id, TimeSpan Elapsed)> Failures { get; } = [];

        public override void Failed(DetectorOperation operation, string? articleId, Exception exception, TimeSpan elapsed) =>
            Failures.Add((operation, articleId, elapsed));
    }

    /// <summary>
    /// A bucket store holds its detector's ids: a second detector on it is refused, naming the way out, even once the
    /// first is disposed (its keys are still there); another store is taken.
    /// </summary>
    [Fact]
    public async Task A_bucket_store_backs_one_detector()
    {
        var store = new AsyncOnlyStore();
        var first = new CopyDetector(null, store);
        await first.AddAsync(Harbour, TestContext.Current.CancellationToken);

        var e = Assert.Throws<ArgumentException>(() => new CopyDetector(null, store));
        Assert.Equal("store", e.ParamName);
        Assert.StartsWith("This bucket store already backs another detector", e.Message, StringComparison.Ordinal);

        await first.DisposeAsync();
        Assert.Throws<ArgumentException>(() => new CopyDetector(null, store));
        await using var other = new CopyDetector(null, new AsyncOnlyStore());
        Assert.True(await other.AddAsync(Harbour, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Disposed_detectors_refuse_calls()
    {
        var detector = new CopyDetector();
        await detector.DisposeAsync();
        detector.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await detector.AddAsync(Harbour, TestContext.Current.CancellationToken));
    }

    private sealed class RecordingObserver : DetectorObserver
    {
        public List<DetectorEvent> Events { get; } = [];

        public List<DetectorOperation> Failures { get; } = [];

        public int Scopes { get; private set; }

        public override IDisposable? Starting(DetectorOperation operation, string? articleId)
        {
            Scopes++;
            return null;
        }

        public override void Completed(in DetectorEvent detectorEvent) => Events.Add(detectorEvent);

        public override void Failed(DetectorOperation operation, string? articleId, Exception exception) => Failures.Add(operation);
    }
}

/// <summary>A bucket store with only the asynchronous batch path, as a network store has; it counts the batches and can hold adds.</summary>
internal sealed class AsyncOnlyStore : ILshBucketStore
{
    private readonly Lock _gate = new();
    private InMemoryLshBucketStore _inner = new();

    public bool SupportsSynchronousAccess => false;

    /// <summary>How many buckets hold at least one id.</summary>
    public long BucketCount
    {
        get
        {
            lock (_gate)
            {
                return _inner.BucketCount;
            }
        }
    }

    /// <summary>Whether keys were lost and not yet reported (the next query reports it, as a Redis store's does).</summary>
    private bool _lostUnreported;

    /// <summary>Raised by the first query after <see cref="Lose"/>.</summary>
    public event EventHandler? KeysLost;

    /// <summary>Loses every key, as a server restarted without persistence does.</summary>
    public void Lose()
    {
        lock (_gate)
        {
            _inner = new();
            _lostUnreported = true;
        }
    }

    public int Queries { get; private set; }

    public int Adds { get; private set; }

    public int Removes { get; private set; }

    public TaskCompletionSource? HoldAdds { get; set; }

    public TaskCompletionSource AddStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Add(ReadOnlySpan<LshBucketEntry> entries) => throw new NotSupportedException();

    public void Remove(ReadOnlySpan<LshBucketEntry> entries) => throw new NotSupportedException();

    public int Query(ReadOnlySpan<ulong> bandKeys, Span<int> destination) => throw new NotSupportedException();

    public async ValueTask AddAsync(ReadOnlyMemory<LshBucketEntry> entries, CancellationToken cancellationToken = default)
    {
        AddStarted.TrySetResult();
        if (HoldAdds is { } hold)
        {
            await hold.Task.WaitAsync(cancellationToken);
        }

        await Task.Yield();
        lock (_gate)
        {
            Adds++;
            _inner.Add(entries.Span);
        }
    }

    public async ValueTask RemoveAsync(ReadOnlyMemory<LshBucketEntry> entries, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        lock (_gate)
        {
            Removes++;
            _inner.Remove(entries.Span);
        }
    }

    public async ValueTask<int[][]> QueryAsync(ReadOnlyMemory<ulong> bandKeys, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        bool report;
        lock (_gate)
        {
            report = _lostUnreported;
            _lostUnreported = false;
        }

        if (report)
        {
            KeysLost?.Invoke(this, EventArgs.Empty);
        }

        lock (_gate)
        {
            Queries++;
            var result = new int[bandKeys.Length][];
            for (int i = 0; i < result.Length; i++)
            {
                int n = _inner.Query(bandKeys.Span.Slice(i, 1), []);
                result[i] = new int[n];
                _inner.Query(bandKeys.Span.Slice(i, 1), result[i]);
            }

            return result;
        }
    }
}

using Dedup.Detection;
using Dedup.Indexing;
using FsCheck;
using FsCheck.Fluent;

namespace Dedup.Tests.Detection;

/// <summary>
/// The bytes a shared store keeps: an article's record and the corpus model read back to what was written; and a shared
/// detector on the in-memory shared store finds what the in-process detector finds.
/// </summary>
public class SharedDetectorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Records_and_models_read_back_to_what_was_written() =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(40), Prop.ForAll(CorpusGen.Corpus(4, 3).ToArbitrary(), articles =>
        {
            ArticleFeatures[] features = [.. articles.Select(a => FeatureExtractor.Extract(a, DetectorOptions.Default))];
            foreach (ArticleFeatures f in features)
            {
                ArticleFeatures back = ArticleRecord.Read(ArticleRecord.ToArray(f));
                Assert.Equal(f.Id, back.Id);
                Assert.Equal(f.Published, back.Published);
                Assert.Equal(f.Published?.Offset, back.Published?.Offset);
                Assert.Equal((f.ExactHash, f.ContentTokens, f.Characters), (back.ExactHash, back.ContentTokens, back.Characters));
                Assert.Equal(f.Words, back.Words);
                Assert.Equal(f.Skeleton, back.Skeleton);
                Assert.Equal(f.Lead, back.Lead);
                Assert.Equal(f.ParaphraseTerms, back.ParaphraseTerms);
            }

            var model = BoilerplateModel.Build(features, 2);
            var read = BoilerplateModel.Decode(model.Encode());
            Assert.Equal(model.Articles, read.Articles);
            foreach (ArticleFeatures f in features)
            {
                Assert.Equal(model.Words(f), read.Words(f));
                Assert.Equal(model.Skeleton(f), read.Skeleton(f));
            }

            return true;
        }));

    [Fact]
    public void A_truncated_record_is_invalid_data()
    {
        byte[] record = ArticleRecord.ToArray(FeatureExtractor.Extract(new Article("x", "One two three four five six seven eight."), DetectorOptions.Default));
        Assert.Throws<InvalidDataException>(() => ArticleRecord.Read(record.AsSpan(0, record.Length - 3)));
    }

    [Fact]
    public async Task A_shared_detector_finds_what_the_in_process_one_finds()
    {
        Article[] articles =
        [
            new("harbour", TestArticles.Harbour),
            new("rail", TestArticles.Rail),
            new("syndicated", TestArticles.Syndicate(TestArticles.Harbour)),
            new("lead", TestArticles.Lead(TestArticles.Rail, 2)),
            new("spun", TestArticles.Spin(TestArticles.Harbour)),
            new("follow-up", TestArticles.HarbourFollowUp),
            new("quote-a", TestArticles.QuoteA),
            new("quote-b", TestArticles.QuoteB),
            new("harbour", TestArticles.Harbour),
        ];
        using var local = new CopyDetector();
        await using var shared = new CopyDetector(null, new InMemorySharedIndexStore());
        foreach (Article a in articles)
        {
            FindOrAddResult expected = await local.FindOrAddAsync(a, Ct);
            FindOrAddResult actual = await shared.FindOrAddAsync(a, Ct);
            Assert.Equal(expected.Added, actual.Added);
            Assert.Equal(expected.Copies.Select(m => (m.Id, m.Kind, m.Score)), actual.Copies.Select(m => (m.Id, m.Kind, m.Score)));
        }

        // The synchronous calls name the shared store, not a "bucket store" the caller never made (a client's trial).
        Action[] synchronous = [() => shared.Add(articles[0]), () => shared.FindCopies(articles[0]), () => shared.Remove("harbour")];
        foreach (Action call in synchronous)
        {
            Assert.Contains("lives in a shared store, which is reached asynchronously", Assert.Throws<NotSupportedException>(call).Message, StringComparison.Ordinal);
        }

        // Members that read a detector's own index would answer silently wrong (0, none) for a shared one: they throw.
        Action[] own = [() => _ = shared.Count, () => shared.Contains("harbour"), () => shared.Clusters(), () => shared.ClusterOf("harbour"), () => shared.Save(new MemoryStream()), () => shared.SaveToFile("x.dedup")];
        foreach (Action call in own)
        {
            Assert.Contains("lives in a shared store", Assert.Throws<NotSupportedException>(call).Message, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// An emptied store (a server restarted without persistence, flushed, cleared) counts its slots from 0 again: a
    /// worker's cached decoding of a slot must not stand for the article the slot held before.
    /// </summary>
    /// <summary>
    /// A shared detector expires through its store, for every worker at once: its ExpireAsync threw, so a service's
    /// retention timer failed at every interval and nothing ever expired (a client's trial).
    /// </summary>
    [Fact]
    public async Task A_shared_detector_expires_through_its_store()
    {
        var store = new InMemorySharedIndexStore();
        await using var worker = new CopyDetector(null, store);
        await using var other = new CopyDetector(null, store);
        DateTimeOffset old = DateTimeOffset.UtcNow.AddDays(-30);
        await worker.AddAsync(new Article("harbour", TestArticles.Harbour, Published: old), Ct);
        await worker.AddAsync(new Article("rail", TestArticles.Rail, Published: old.AddDays(1)), Ct);
        await worker.AddAsync(new Article("fresh", TestArticles.QuoteA, Published: DateTimeOffset.UtcNow), Ct);

        Assert.Equal(1, await worker.ExpireAsync(DateTimeOffset.UtcNow.AddDays(-7), limit: 1, Ct));
        Assert.Equal(1, await worker.ExpireAsync(DateTimeOffset.UtcNow.AddDays(-7), limit: 1, Ct));
        Assert.Equal(0, await worker.ExpireAsync(DateTimeOffset.UtcNow.AddDays(-7), cancellationToken: Ct));

        Assert.Equal(1, await store.CountAsync(Ct));
        Assert.Empty(await other.FindCopiesAsync(new Article("q", TestArticles.Syndicate(TestArticles.Harbour)), Ct));
        Assert.Contains("use ExpireAsync", Assert.Throws<NotSupportedException>(() => worker.Expire(DateTimeOffset.UtcNow)).Message, StringComparison.Ordinal);
    }

    /// <summary>RemoveRangeAsync on a shared index removes through the store, each id once, for every worker.</summary>
    [Fact]
    public async Task RemoveRangeAsync_removes_through_the_shared_store()
    {
        var store = new TestSharedStore();
        await using var first = new CopyDetector(null, store);
        await using var second = new CopyDetector(null, store);
        Assert.True((await first.FindOrAddAsync(new Article("harbour", TestArticles.Harbour), Ct)).Added);
        Assert.True((await first.FindOrAddAsync(new Article("rail", TestArticles.Rail), Ct)).Added);

        Assert.Equal(1, await second.RemoveRangeAsync(["harbour", "missing", "harbour"], Ct));

        Assert.Empty(await first.FindCopiesAsync(new Article("copy", TestArticles.Syndicate(TestArticles.Harbour)), Ct));
        Assert.Equal("rail", Assert.Single(await first.FindCopiesAsync(new Article("copy", TestArticles.Syndicate(TestArticles.Rail)), Ct)).Id);
    }

    [Fact]
    public async Task After_the_store_is_emptied_a_reused_slot_names_its_new_article()
    {
        var store = new TestSharedStore();
        await using var detector = new CopyDetector(null, store);
        Assert.True((await detector.FindOrAddAsync(new Article("harbour", TestArticles.Harbour), Ct)).Added);
        Assert.Equal("harbour", Assert.Single(await detector.FindCopiesAsync(new Article("copy", TestArticles.Syndicate(TestArticles.Harbour)), Ct)).Id);

        store.Empty();
        Assert.Empty(await detector.FindCopiesAsync(new Article("copy", TestArticles.Syndicate(TestArticles.Harbour)), Ct));
        Assert.True((await detector.FindOrAddAsync(new Article("harbour-again", TestArticles.Harbour + "\n\nUpdated at noon."), Ct)).Added);
        Assert.Equal("harbour-again", Assert.Single(await detector.FindCopiesAsync(new Article("copy", TestArticles.Syndicate(TestArticles.Harbour)), Ct)).Id);
    }

    /// <summary>
    /// A store that lost the index (emptied, as a server restarted without persistence is) is reported to the observer
    /// of the detector that records the settings anew, once, within <see cref="CopyDetector.SharedModelCheckInterval"/>
    /// calls; a detector that finds them recorded again by another reports nothing, nor does a first call on a new
    /// index. The detectors go on with the index as it is.
    /// </summary>
    [Fact]
    public async Task A_store_that_lost_the_index_is_reported_by_the_detector_that_records_the_settings_anew()
    {
        var store = new TestSharedStore();
        var first = new LossObserver();
        var second = new LossObserver();
        await using var detector = new CopyDetector(new DetectorOptions { Observer = first }, store);
        await using var other = new CopyDetector(new DetectorOptions { Observer = second }, store);
        Assert.True((await detector.FindOrAddAsync(new Article("harbour", TestArticles.Harbour), Ct)).Added);
        var copy = new Article("copy", TestArticles.Syndicate(TestArticles.Harbour));
        for (int i = 0; i < 2 * CopyDetector.SharedModelCheckInterval; i++)
        {
            Assert.Single(await detector.FindCopiesAsync(copy, Ct));
            Assert.Single(await other.FindCopiesAsync(copy, Ct));
        }

        Assert.Equal(0, first.Lost);
        Assert.Equal(0, second.Lost);

        store.Empty();
        for (int i = 0; i < CopyDetector.SharedModelCheckInterval; i++)
        {
            Assert.Empty(await detector.FindCopiesAsync(copy, Ct));
        }

        Assert.Equal(1, first.Lost);
        for (int i = 0; i < 2 * CopyDetector.SharedModelCheckInterval; i++)
        {
            Assert.Empty(await other.FindCopiesAsync(copy, Ct));
        }

        Assert.Equal(0, second.Lost);
        Assert.True((await other.FindOrAddAsync(new Article("harbour", TestArticles.Harbour), Ct)).Added);
        Assert.Equal("harbour", Assert.Single(await detector.FindCopiesAsync(copy, Ct)).Id);
        Assert.Equal(1, first.Lost);
    }

    /// <summary>
    /// A process in globalization-invariant mode folds no compatibility characters (its tokens of "ﬁ" or "Ａ" differ):
    /// it records that with the shared settings, so that it and a process with ICU are refused each other's index,
    /// naming the difference, instead of mixing tokens of two kinds.
    /// </summary>
    [Fact]
    public async Task Processes_that_fold_compatibility_characters_and_processes_that_do_not_are_not_mixed_in_one_index()
    {
        Assert.True(Dedup.Text.Tokenizer.FoldsCompatibilityCharacters); // the tests run with ICU
        var store = new TestSharedStore();
        await using var folding = new CopyDetector(null, store);
        await using var invariant = new CopyDetector(null, store) { FoldsCompatibilityCharacters = false };
        Assert.True((await folding.FindOrAddAsync(new Article("harbour", TestArticles.Harbour), Ct)).Added);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(async () => await invariant.FindOrAddAsync(new Article("rail", TestArticles.Rail), Ct));
        Assert.Contains("no Unicode compatibility folding (globalization-invariant mode)", e.Message, StringComparison.Ordinal);
        Assert.Contains("fold Unicode compatibility characters alike", e.Message, StringComparison.Ordinal);

        var other = new TestSharedStore();
        await using var first = new CopyDetector(null, other) { FoldsCompatibilityCharacters = false };
        await using var second = new CopyDetector(null, other) { FoldsCompatibilityCharacters = false };
        await using var withIcu = new CopyDetector(null, other);
        Assert.True((await first.FindOrAddAsync(new Article("harbour", TestArticles.Harbour), Ct)).Added);
        Assert.Equal("harbour", Assert.Single(await second.FindCopiesAsync(new Article("copy", TestArticles.Syndicate(TestArticles.Harbour)), Ct)).Id);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await withIcu.FindCopiesAsync(new Article("copy", TestArticles.Harbour), Ct));
    }

    [Fact]
    public async Task The_in_memory_store_says_when_it_records_the_settings()
    {
        var store = new InMemorySharedIndexStore();
        Assert.Equal(new SharedSettings("a", RecordedNow: true), await store.RecordSettingsAsync("a", Ct));
        Assert.Equal(new SharedSettings("a", RecordedNow: false), await store.RecordSettingsAsync("b", Ct));
        Assert.Equal("a", await store.GetOrSetSettingsAsync("b", Ct));
        store.Clear();
        Assert.Equal(0, await store.CountAsync(Ct));
        Assert.Equal(new SharedSettings("b", RecordedNow: true), await store.RecordSettingsAsync("b", Ct));

        // A store that implements only GetOrSetSettingsAsync tells no loss.
        ISharedIndexStore plain = new TestSharedStoreWithoutRecord();
        Assert.Equal(new SharedSettings("c", RecordedNow: false), await plain.RecordSettingsAsync("c", Ct));
    }

    /// <summary>A store that implements <see cref="ISharedIndexStore.GetOrSetSettingsAsync"/> but not <see cref="ISharedIndexStore.RecordSettingsAsync"/>.</summary>
    private sealed class TestSharedStoreWithoutRecord : ISharedIndexStore
    {
        private readonly InMemorySharedIndexStore _inner = new();

        public ValueTask<SharedAddResult[]> AddAsync(ReadOnlyMemory<SharedArticle> articles, CancellationToken cancellationToken = default) => _inner.AddAsync(articles, cancellationToken);

        public ValueTask<bool[]> RemoveAsync(ReadOnlyMemory<string> ids, CancellationToken cancellationToken = default) => _inner.RemoveAsync(ids, cancellationToken);

        public ValueTask<SharedBucket[]> QueryAsync(ReadOnlyMemory<ulong> bucketKeys, int limit, CancellationToken cancellationToken = default) => _inner.QueryAsync(bucketKeys, limit, cancellationToken);

        public ValueTask<byte[]?[]> GetAsync(ReadOnlyMemory<int> slots, CancellationToken cancellationToken = default) => _inner.GetAsync(slots, cancellationToken);

        public ValueTask<int> ExpireAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken = default) => _inner.ExpireAsync(cutoff, limit, cancellationToken);

        public ValueTask<long> CountAsync(CancellationToken cancellationToken = default) => _inner.CountAsync(cancellationToken);

        public IAsyncEnumerable<KeyValuePair<int, byte[]>> ReadAllAsync(CancellationToken cancellationToken = default) => _inner.ReadAllAsync(cancellationToken);

        public ValueTask<SharedModel?> GetModelAsync(long knownVersion, CancellationToken cancellationToken = default) => _inner.GetModelAsync(knownVersion, cancellationToken);

        public ValueTask<long> PublishModelAsync(SharedModel model, CancellationToken cancellationToken = default) => _inner.PublishModelAsync(model, cancellationToken);

        public ValueTask<string> GetOrSetSettingsAsync(string settings, CancellationToken cancellationToken = default) => _inner.GetOrSetSettingsAsync(settings, cancellationToken);
    }

    private sealed class LossObserver : DetectorObserver
    {
        private int _lost;

        public int Lost => Volatile.Read(ref _lost);

        public override void SharedIndexLost() => Interlocked.Increment(ref _lost);
    }

    /// <summary>
    /// Disposing a detector while a call is under way: the dispose waits for the call before it disposes the store, and
    /// the call's change stands and it returns its result (it used to throw an <see cref="ObjectDisposedException"/>
    /// of the gate it released, after its article was added, and later the closed store's error); a call made once the
    /// dispose has begun throws naming the detector.
    /// </summary>
    [Fact]
    public async Task A_call_under_way_when_the_detector_is_disposed_ends_with_its_result()
    {
        // The store fails a held add that resumes after it was disposed, as a closed Redis connection does: the detector
        // must not dispose it while the add is under way (it did, and the call failed without saying whether it added).
        var store = new TestSharedStore { HoldAdds = new TaskCompletionSource(), FailsAfterDispose = true };
        var detector = new CopyDetector(null, store);
        ValueTask<FindOrAddResult> underWay = detector.FindOrAddAsync(new Article("harbour", TestArticles.Harbour), Ct);
        await store.AddStarted.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Task disposing = detector.DisposeAsync().AsTask();
        Assert.False(disposing.IsCompleted);
        Assert.False(store.Disposed);
        var after = await Assert.ThrowsAsync<ObjectDisposedException>(async () => await detector.FindOrAddAsync(new Article("rail", TestArticles.Rail), Ct));
        Assert.Equal(typeof(CopyDetector).FullName, after.ObjectName);

        store.HoldAdds.SetResult();
        Assert.True((await underWay).Added);
        await disposing.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.True(store.Disposed);
        Assert.Equal(1, await store.CountAsync(Ct));
    }

    /// <summary>
    /// Several detectors of a process may share one store object (one connection): the store is disposed with the last of
    /// them, not the first (a short-lived detector, one whose settings were refused, closed it under the others).
    /// </summary>
    [Fact]
    public async Task A_store_shared_by_two_detectors_is_disposed_with_the_last_of_them()
    {
        var store = new TestSharedStore();
        var main = new CopyDetector(null, store);
        await using (var shortLived = new CopyDetector(null, store))
        {
            Assert.True((await shortLived.FindOrAddAsync(new Article("harbour", TestArticles.Harbour), Ct)).Added);
        }

        Assert.False(store.Disposed);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CopyDetector(new DetectorOptions { Threshold = 2 }, store));
        Assert.True((await main.FindOrAddAsync(new Article("rail", TestArticles.Rail), Ct)).Added);

        await main.DisposeAsync();
        Assert.True(store.Disposed);
        Assert.Equal(2, await store.CountAsync(Ct));
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using Dedup.Indexing;
using Dedup.Kernels;

namespace Dedup.Detection;

/// <summary>
/// Finds copies among news articles: exact duplicates, syndicated copies, excerpts and machine-rewritten (spun) copies.
/// </summary>
/// <remarks>
/// <para>
/// Each article is reduced to a compact form: its word-shingle set (what syndicated copies and excerpts share
/// verbatim) and the shingle set of its skeleton, the sequence of function words and numbers with the content
/// words left out (what a synonym spinner cannot change). Candidates come from an inverted index over a consistent
/// sample of those shingles; each candidate is verified exactly, with shingles that too many articles share
/// (corpus-level boilerplate) left out, and classified by verbatim containment, skeleton containment and size ratio.
/// </para>
/// <para>
/// The corpus boilerplate is learned from the indexed articles (the boilerplate model) and learned again as the index
/// grows: when a call finds that more than a tenth of its articles changed since it was learned, from a snapshot of the index taken then
/// (on a background task past 500 articles, while calls go on with the previous model). So the model lags the index by
/// up to a tenth of its articles, and which snapshot it was learned from depends on when calls came: two detectors
/// holding the same articles, one built by <see cref="FindOrAddAsync"/> calls and one by <c>Add</c> calls, or a detector before and
/// after a restart (which learns the model from every article it loads), may score a pair slightly differently (a
/// shingle or two more or less left out as boilerplate: a score in the second to fourth decimal), a pair within that of
/// <see cref="DetectorOptions.Threshold"/> may be a copy in one and not in the other, and a pair near the line between
/// two kinds may be of one kind in one and the other in the other (a client's trial on the BBC dev corpus: of 2,755
/// pairs, one <c>Syndicated</c> right after the adds and <c>Excerpt</c> once the model caught up, one <c>Rewritten</c>
/// 0.644 before a restart and <c>Excerpt</c> 0.636 after). Store a match's kind as of the call that gave it, or ask
/// again. A batch
/// <see cref="Scan(IReadOnlyList{Article}, DetectorOptions?, IProgress{ScanProgress}?, CancellationToken)"/> learns
/// its model from all its articles.
/// </para>
/// <para>Safe for concurrent use: any number of threads may add, remove and query at once.</para>
/// </remarks>
public sealed partial class CopyDetector
{
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);

    /// <summary>
    /// Takes the read lock; on a disposed detector, throws <see cref="ObjectDisposedException"/> naming the detector
    /// (not its lock), also when it was disposed while this call waited for the lock.
    /// </summary>
    private void EnterReadLock()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        _lock.EnterReadLock();
        if (_disposed != 0)
        {
            _lock.ExitReadLock();
            ObjectDisposedException.ThrowIf(true, this);
        }
    }

    /// <summary>
    /// Takes the write lock; on a disposed detector, throws <see cref="ObjectDisposedException"/> naming the detector
    /// (not its lock), also when it was disposed while this call waited for the lock: so no change is journaled or
    /// indexed once <see cref="Dispose"/> has closed the journal (it closes it under this lock).
    /// </summary>
    private void EnterWriteLock()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        _lock.EnterWriteLock();
        if (_disposed != 0)
        {
            _lock.ExitWriteLock();
            ObjectDisposedException.ThrowIf(true, this);
        }
    }
    private readonly SlotRegistry<ArticleFeatures?> _registry = new();
    private Func<int, ulong>? _fingerprintLookup;
    private readonly ILshBucketStore _store;
    private long _order;
    private long _version;

    /// <summary>Creates an empty detector.</summary>
    /// <param name="options">The settings; null for <see cref="DetectorOptions.Default"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    public CopyDetector(DetectorOptions? options = null)
        : this(options, new InMemoryLshBucketStore())
    {
    }

    /// <summary>Creates an empty detector whose candidate buckets live in <paramref name="store"/>.</summary>
    /// <param name="options">The settings; null for <see cref="DetectorOptions.Default"/>.</param>
    /// <param name="store">
    /// An empty bucket store, owned by this detector from now on; the detector sends each article's keys in one batch.
    /// A store without synchronous access (<see cref="ILshBucketStore.SupportsSynchronousAccess"/> false, e.g. one on
    /// a network server) backs only the asynchronous methods; the synchronous ones then throw <see cref="NotSupportedException"/>.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    /// <exception cref="ArgumentException"><paramref name="store"/> already backs another detector of this process.</exception>
    public CopyDetector(DetectorOptions? options, ILshBucketStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        Options = options ?? DetectorOptions.Default;
        Options.Validate();
        FeatureExtractor.Prepare(Options);
        ClusterIndex.Prepare();
        if (!StoreOwners.TryAdd(store, Claimed))
        {
            // The store's ids are this detector's slots: a second detector would hand out the same ids for other
            // articles, and each would find the other's articles under its own.
            throw new ArgumentException(
                "This bucket store already backs another detector: a detector owns its store (the ids in it are the detector's own), so two would mix their articles. Give each detector its own store, or share one detector (it is thread-safe); workers that share one index use an ISharedIndexStore.",
                nameof(store));
        }

        _store = store;
        _store.KeysLost += OnStoreKeysLost;
    }

    /// <summary>The bucket store lost its keys: told to the observer (the store raises it once a loss).</summary>
    private void OnStoreKeysLost(object? sender, EventArgs e) => Options.Observer?.BucketKeysLost();

    /// <summary>The bucket stores that back a detector, for as long as each lives (a disposed detector's store keeps its keys); the value holds no detector alive.</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ILshBucketStore, object> StoreOwners = [];

    private static readonly object Claimed = new();

    /// <summary>The settings this detector uses.</summary>
    public DetectorOptions Options { get; }

    /// <summary>Number of indexed articles.</summary>
    /// <exception cref="NotSupportedException">The index lives in a shared store (ask the store: <see cref="ISharedIndexStore.CountAsync"/>).</exception>
    /// <exception cref="ObjectDisposedException">The detector was disposed.</exception>
    public int Count
    {
        get
        {
            ThrowIfShared(nameof(Count), "ask the store (ISharedIndexStore.CountAsync)");
            EnterReadLock();
            try
            {
                return _registry.Count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>Indexes an article. Adding an id again with the same text (the same tokens) does nothing.</summary>
    /// <returns>Whether it was added: false for a re-delivery of the same id and text (as <see cref="AddAsync"/>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="article"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// The article's id is null, empty, only whitespace, over <see cref="Article.MaxIdBytes"/> or not valid Unicode; its
    /// text is null, empty or only whitespace; its journal record is over the limit (docs/limits.md); or an article with
    /// the same id but another text is already indexed (remove it first to replace it).
    /// </exception>
    /// <exception cref="InvalidOperationException">The detector was opened read-only (<see cref="OpenReadOnly"/>).</exception>
    /// <exception cref="NotSupportedException">The bucket store has no synchronous access (use <see cref="AddAsync"/>).</exception>
    /// <exception cref="IOException">The journal could not be written; nothing is added.</exception>
    /// <exception cref="ObjectDisposedException">The detector was disposed.</exception>
    /// <remarks>
    /// An <c>Add</c> right after <see cref="FindCopies(Article)"/> of an equal article (the ingest loop of a live
    /// service: find the copies, then index) reuses what that call computed: the features, and the verdicts on the
    /// candidates it verified (for the incremental clusters), as long as the boilerplate model has not changed since.
    /// </remarks>
    public bool Add(Article article)
    {
        CheckArticle(article, requireId: true);
        ThrowIfReadOnly();
        Probe? known = TakeLastFind(article);
        ArticleFeatures features = known?.Features ?? FeatureExtractor.Extract(article, Options);
        bool added = Insert(features, article, known);
        KeepBoilerplateCurrent();
        return added;
    }

    /// <summary>Indexes an article. Adding an id again with the same text does nothing.</summary>
    /// <returns>Whether it was added: false for a re-delivery of the same id and text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> or <paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentException">The id is empty or not an id <see cref="Add(Article)"/> takes, the text empty or only whitespace, or the id already indexed with another text.</exception>
    /// <remarks>The other exceptions are <see cref="Add(Article)"/>'s.</remarks>
    public bool Add(string id, string text, string? title = null, DateTimeOffset? published = null, string? source = null)
    {
        // Named as this overload's parameters (they were named "article", no parameter of it): the text, then the id.
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException($"The text of article '{id}' is empty or only whitespace.", nameof(text));
        }

        var article = new Article(id, text, title, published, source);
        CheckArticle(article, requireId: true, nameof(id));
        return Add(article);
    }

    /// <summary>Indexes many articles, computing their signatures on all cores.</summary>
    /// <param name="articles">The articles.</param>
    /// <param name="cancellationToken">
    /// Stops the signatures being computed; nothing is added then. Once they are, the batch is added (and journaled)
    /// whole, whatever the token says.
    /// </param>
    /// <remarks>Articles already indexed with the same text are skipped.</remarks>
    /// <exception cref="ArgumentException">An id is empty, repeated, or already indexed with another text; nothing is added then.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled before the batch was added; nothing is added.</exception>
    public void AddRange(IEnumerable<Article> articles, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(articles);
        ThrowIfReadOnly();
        Article[] list = [.. articles];
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (Article a in list)
        {
            CheckArticle(a, requireId: true, nameof(articles));
            if (!ids.Add(a.Id))
            {
                throw new ArgumentException($"The id '{a.Id}' appears more than once.", nameof(articles));
            }
        }

        var features = new ArticleFeatures[list.Length];
        Parallel.For(0, list.Length, new ParallelOptions { CancellationToken = cancellationToken }, i => features[i] = FeatureExtractor.Extract(list[i], Options));
        cancellationToken.ThrowIfCancellationRequested();
        EnterWriteLock();
        try
        {
            InsertRangeLocked(list, features);
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        KeepBoilerplateCurrent();
    }

    /// <summary>Removes an article; returns false when it was not indexed.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The detector was opened read-only (<see cref="OpenReadOnly"/>).</exception>
    /// <exception cref="NotSupportedException">The bucket store has no synchronous access (use <see cref="RemoveAsync"/>).</exception>
    /// <exception cref="ObjectDisposedException">The detector was disposed.</exception>
    public bool Remove(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        ThrowIfReadOnly();
        ThrowIfNoSynchronousStore();
        EnterWriteLock();
        try
        {
            return _registry.Contains(id) && RemoveLocked([id]) == 1;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>
    /// Removes up to <paramref name="limit"/> articles published before <paramref name="cutoff"/> (an article without a
    /// publication time: indexed before it), oldest first: a time window of news, kept by calling this on a timer. A
    /// detector opened with <see cref="Open"/> journals the removals with one write (and one flush).
    /// </summary>
    /// <param name="cutoff">Articles of an earlier time expire.</param>
    /// <param name="limit">At most this many are removed by this call (at least 1); call again while it returns <paramref name="limit"/>.</param>
    /// <returns>The number of articles removed.</returns>
    /// <remarks>
    /// It looks at every indexed article's time (about a millisecond for 100,000), so call it on a timer, not per
    /// article. The snapshot and the journal keep the time an undated article was indexed (snapshot format 8, journal
    /// format 4 and 5): loaded or replayed from an older format, such an article counts from the load. An article is removed
    /// when its time is strictly before <paramref name="cutoff"/>, so one published at <see cref="DateTimeOffset.MaxValue"/>
    /// never is. A shared index expires through its store: <see cref="ExpireAsync"/>.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is less than 1.</exception>
    /// <exception cref="NotSupportedException">The bucket store has no synchronous access (use <see cref="ExpireAsync"/>), or the index lives in a shared store.</exception>
    /// <exception cref="InvalidOperationException">The detector was opened read-only (<see cref="OpenReadOnly"/>), whether or not an article is due.</exception>
    public int Expire(DateTimeOffset cutoff, int limit = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ThrowIfReadOnly();
        ThrowIfShared(nameof(Expire), "use ExpireAsync, which expires through the store");
        ThrowIfNoSynchronousStore();
        EnterWriteLock();
        try
        {
            List<string> due = DueLocked(cutoff, limit);
            if (due.Count == 0)
            {
                return 0;
            }

            return RemoveLocked(due);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>
    /// Removes articles by id, journaled with one write (and one flush) as <see cref="Expire"/> does: a failure to
    /// journal them (a full disk) removes none, where removing them one at a time left the first ones removed.
    /// </summary>
    /// <param name="ids">The ids; one not indexed is passed over, and one given twice is removed once.</param>
    /// <param name="cancellationToken">Checked before anything is removed; nothing is removed when it is cancelled.</param>
    /// <returns>The number of articles removed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ids"/> or one of its ids is null; nothing is removed.</exception>
    /// <exception cref="InvalidOperationException">The detector was opened read-only (<see cref="OpenReadOnly"/>).</exception>
    /// <exception cref="NotSupportedException">The bucket store has no synchronous access (use <see cref="RemoveAsync"/>).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; nothing is removed.</exception>
    /// <exception cref="IOException">The journal could not be written; nothing is removed.</exception>
    /// <exception cref="ObjectDisposedException">The detector was disposed.</exception>
    public int RemoveRange(IEnumerable<string> ids, CancellationToken cancellationToken = default)
    {
        string[] given = CheckIds(ids);
        ThrowIfReadOnly();
        ThrowIfNoSynchronousStore();
        cancellationToken.ThrowIfCancellationRequested();
        EnterWriteLock();
        try
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            List<string> due = [.. given.Where(id => seen.Add(id) && _registry.Contains(id))];
            cancellationToken.ThrowIfCancellationRequested();
            return due.Count == 0 ? 0 : RemoveLocked(due);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>The ids given to <see cref="RemoveRange"/> or <see cref="RemoveRangeAsync"/>, read once; none may be null.</summary>
    private static string[] CheckIds(IEnumerable<string> ids, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(ids))] string? paramName = null)
    {
        ArgumentNullException.ThrowIfNull(ids, paramName);
        string[] given = [.. ids];
        return Array.IndexOf(given, null) is int at and >= 0
            ? throw new ArgumentNullException(paramName, $"The id at {at} is null; nothing was removed.")
            : given;
    }

    /// <summary>Journals the removal of <paramref name="due"/> (indexed ids, each once) with one write, then removes them; under the write lock.</summary>
    private int RemoveLocked(List<string> due)
    {
        JournalRemoves(due);
        foreach (string id in due)
        {
            _registry.Remove(id, out int slot, out ArticleFeatures? f);
            _store.Remove(Entries(f!, slot));
            ClusterRemovedLocked(slot);
        }

        Interlocked.Increment(ref _version);
        return due.Count;
    }

    /// <summary>
    /// As <see cref="Expire"/>, for a detector whose bucket store is reached asynchronously too, and for a detector over
    /// a shared index, which expires through its store (<see cref="ISharedIndexStore.ExpireAsync"/>: by the time each
    /// article was published, or indexed when undated, oldest first), for every worker at once.
    /// </summary>
    /// <param name="cutoff">Articles of an earlier time expire.</param>
    /// <param name="limit">At most this many are removed by this call (at least 1).</param>
    /// <param name="cancellationToken">Stops the removals between two articles; those removed stay removed.</param>
    /// <returns>The number of articles removed.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is less than 1.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public async ValueTask<int> ExpireAsync(DateTimeOffset cutoff, int limit = int.MaxValue, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ThrowIfReadOnly();
        cancellationToken.ThrowIfCancellationRequested();
        if (_shared is { } shared)
        {
            // A service's retention timer called this and failed at every interval, forever (a client's trial).
            return await shared.ExpireAsync(cutoff, limit, cancellationToken).ConfigureAwait(false);
        }

        if (_store.SupportsSynchronousAccess)
        {
            return Expire(cutoff, limit);
        }

        List<string> due;
        EnterReadLock();
        try
        {
            due = DueLocked(cutoff, limit);
        }
        finally
        {
            _lock.ExitReadLock();
        }

        int removed = 0;
        foreach (string id in due)
        {
            removed += await RemoveAsync(id, cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }

        return removed;
    }

    /// <summary>The ids of the <paramref name="limit"/> oldest articles of a time before <paramref name="cutoff"/>, oldest (then first added) first.</summary>
    private List<string> DueLocked(DateTimeOffset cutoff, int limit)
    {
        long before = cutoff.UtcTicks;
        var due = new List<(long Time, long Order, string Id)>();
        foreach (int slot in _registry.LiveSlots)
        {
            ArticleFeatures f = _registry[slot]!;
            long time = f.Published?.UtcTicks ?? f.IndexedUtcTicks;
            if (time < before)
            {
                due.Add((time, f.Order, f.Id));
            }
        }

        due.Sort((x, y) => x.Time != y.Time ? x.Time.CompareTo(y.Time) : x.Order.CompareTo(y.Order));
        return [.. due.Take(limit).Select(d => d.Id)];
    }

    /// <summary>Whether an article with this id is indexed.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> is null.</exception>
    /// <exception cref="NotSupportedException">The index lives in a shared store, which this detector does not mirror.</exception>
    /// <exception cref="ObjectDisposedException">The detector was disposed.</exception>
    public bool Contains(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        ThrowIfShared(nameof(Contains), "FindOrAddAsync reports a re-delivered id (Added is false)");
        EnterReadLock();
        try
        {
            return _registry.Contains(id);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// Whether <paramref name="article"/> is indexed as it is: its id, with the same text and title (compared together,
    /// as <see cref="Add(Article)"/> compares them to skip a re-delivery). Costs a tokenization of the article, not a
    /// search: a feed delivered again is told apart from its updates far faster than by <see cref="FindCopies(Article)"/>.
    /// </summary>
    /// <param name="article">The article; its publication time and source are not compared.</param>
    /// <returns>
    /// True when its id is indexed with the same text and title (<see cref="Add(Article)"/> would skip it); false when
    /// the id is not indexed, or is indexed with another text or title (<see cref="Add(Article)"/> would throw).
    /// </returns>
    /// <exception cref="ArgumentNullException">The article is null.</exception>
    /// <exception cref="ArgumentException">Its id or text is null, the text empty or only whitespace, or the id not one an article may have.</exception>
    /// <exception cref="NotSupportedException">The index lives in a shared store, which this detector does not mirror.</exception>
    /// <exception cref="ObjectDisposedException">The detector was disposed.</exception>
    public bool ContainsSame(Article article)
    {
        CheckArticle(article, requireId: true);
        ThrowIfShared(nameof(ContainsSame), "FindOrAddAsync reports a re-delivered article (Added is false)");
        EnterReadLock();
        try
        {
            if (!_registry.TryGetValue(article.Id, out ArticleFeatures? existing) || existing is null)
            {
                return false;
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }

        // Tokenized outside the lock; the indexed features' hash does not change (an update replaces them).
        ulong exact = FeatureExtractor.ExactHash(article, Options);
        EnterReadLock();
        try
        {
            return _registry.TryGetValue(article.Id, out ArticleFeatures? existing) && existing is not null && existing.ExactHash == exact;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// Finds the indexed articles that are copies of <paramref name="article"/>, best first. The article need not be
    /// indexed; if it is (same id), it is not reported as its own copy.
    /// </summary>
    /// <remarks>
    /// Evidence (shared passages) needs the indexed article's text: it is filled in when
    /// <see cref="DetectorOptions.ArticleLookup"/> returns the article, and empty otherwise; what the lookup throws
    /// reaches the caller as it was thrown.
    /// </remarks>
    /// <exception cref="ArgumentNullException">The article is null.</exception>
    /// <exception cref="ArgumentException">
    /// Its id or text is null, the text is empty or only whitespace, or the id (which may be empty) holds a lone UTF-16
    /// surrogate or is longer than <see cref="Article.MaxIdBytes"/> in UTF-8.
    /// </exception>
    /// <exception cref="InvalidOperationException">
    /// <see cref="DetectorOptions.ArticleLookup"/>, asked for an indexed article, returned another article (another id)
    /// or one without text.
    /// </exception>
    /// <exception cref="NotSupportedException">The bucket store has no synchronous access (use <see cref="FindCopiesAsync(Article, CancellationToken)"/>).</exception>
    /// <exception cref="ObjectDisposedException">The detector was disposed.</exception>
    public IReadOnlyList<CopyMatch> FindCopies(Article article)
    {
        CheckArticle(article, requireId: false);
        ThrowIfNoSynchronousStore();
        ArticleFeatures q = FeatureExtractor.Extract(article, Options);
        Probe probe = NewProbe(q);
        List<Verdict> verdicts;
        EnterReadLock();
        try
        {
            verdicts = VerifyLocked(probe, article.Id, CandidatesLocked(probe.Keys, probe.Features.SimHash, article.Id), out _);
        }
        finally
        {
            _lock.ExitReadLock();
        }

        if (article.Id.Length > 0)
        {
            Volatile.Write(ref _lastFind, new LastFind(article, probe));
        }

        var matches = new List<CopyMatch>(verdicts.Count);
        foreach (Verdict v in verdicts)
        {
            IReadOnlyList<SharedPassage> evidence = [];
            if (LookedUp(Options.ArticleLookup?.Invoke(v.Other.Id), v.Other.Id, nameof(DetectorOptions.ArticleLookup)) is { } stored)
            {
                evidence = PassageFinder.Find(article, stored, Options);
            }

            matches.Add(new CopyMatch(v.Other.Id, v.Kind, v.Score, Verifier.Scores(v.Measure) with { SimHashDistance = v.SimHashDistance }, evidence));
        }

        SortMatches(matches);
        return matches;
    }

    /// <summary>The query form of an article: its sets without the current boilerplate, and its bucket keys.</summary>
    private Probe NewProbe(ArticleFeatures q) => NewProbe(q, CurrentBoilerplate());

    /// <summary>The query form of an article under <paramref name="boilerplate"/> (which keeps the article's counts: <see cref="BoilerplateModel.Filter"/>).</summary>
    private static Probe NewProbe(ArticleFeatures q, BoilerplateModel boilerplate)
    {
        (uint[] words, uint[] skeleton, uint[] lead) = boilerplate.Filter(q);
        return new Probe(q, boilerplate, words, skeleton, lead, StoreKeys(q.ExactHash, words, skeleton, q.ParaphraseTerms));
    }

    /// <summary>The probe of the last <see cref="FindCopies(Article)"/>, taken (once) when <paramref name="article"/> equals its article.</summary>
    private Probe? TakeLastFind(Article article)
    {
        if (Volatile.Read(ref _lastFind) is not { } last || !last.Article.Equals(article))
        {
            return null;
        }

        return ReferenceEquals(Interlocked.CompareExchange(ref _lastFind, null, last), last) ? last.Probe : null;
    }

    /// <summary>Verifies and classifies the candidate slots the candidate index proposed (call under the lock); skips the query's own id.</summary>
    private List<Verdict> VerifyLocked(Probe probe, string queryId, ReadOnlySpan<int> found, out int candidates)
    {
        var verdicts = new List<Verdict>();
        var seen = new HashSet<int>(found.Length);
        probe.Verified.EnsureCapacity(probe.Verified.Count + found.Length);
        foreach (int slot in found)
        {
            if (!seen.Add(slot) || (uint)slot >= (uint)_registry.HighWater || _registry[slot] is not { } other)
            {
                continue;
            }

            if (queryId.Length > 0 && other.Id == queryId)
            {
                continue;
            }

            bool copy = false;
            if (Verifier.Verify(probe.View, probe.Boilerplate.View(other), probe.Features.ExactHash == other.ExactHash, Options.Threshold, out PairMeasure o) is { } v)
            {
                verdicts.Add(new Verdict(other, v.Kind, v.Score, o, Sketches.SimHasher.HammingDistance(probe.Features.SimHash, other.SimHash)));
                copy = true;
            }

            probe.Verified[other] = copy;
        }

        candidates = seen.Count;
        return verdicts;
    }

    private static void SortMatches(List<CopyMatch> matches) =>
        matches.Sort((x, y) => y.Score != x.Score ? y.Score.CompareTo(x.Score) : string.CompareOrdinal(x.Id, y.Id));

    /// <summary>Finds the indexed articles that are copies of this text, best first.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="text"/> is empty or only whitespace (a page without a body).</exception>
    public IReadOnlyList<CopyMatch> FindCopies(string text)
    {
        CheckText(text);
        return FindCopies(new Article(string.Empty, text));
    }

    /// <summary>The message for an empty text without an article id (<see cref="CheckText"/>, <see cref="CheckArticle"/>).</summary>
    private const string EmptyText = "The text is empty or only whitespace.";

    /// <summary>A text given alone: named as the argument it is (the article made of it would name "article").</summary>
    private static void CheckText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException(EmptyText, nameof(text));
        }
    }

    /// <summary>
    /// Groups the indexed articles into clusters of copies, singletons included, largest first: recomputed from scratch
    /// at every call, as a batch scan of the index would (<see cref="Scan(IReadOnlyList{Article}, DetectorOptions?, IProgress{ScanProgress}?, CancellationToken)"/>),
    /// in time proportional to the index (tenths of a second for a few thousand articles, about a scan's time at
    /// 100,000). To ask for one article's cluster, or to follow the clusters as articles come, use
    /// <see cref="ClusterOf"/>, which keeps them as articles are added and answers in time proportional to the cluster.
    /// </summary>
    /// <exception cref="NotSupportedException">The index lives in a shared store, whose clusters no detector keeps.</exception>
    /// <exception cref="ObjectDisposedException">The detector was disposed.</exception>
    public IReadOnlyList<CopyCluster> Clusters()
    {
        ThrowIfShared(nameof(Clusters), "group the copies FindOrAddAsync reports");

        // The index of this moment, taken under the lock; the work (proportional to the index) runs outside it, so adds
        // and searches go on meanwhile: an indexed article's features never change.
        List<ArticleFeatures> articles = IndexedNow();
        var boilerplate = BoilerplateModel.Build(articles, Options.BoilerplateDocumentFrequency);
        using var packed = new PackedSets(articles.Count);
        for (int i = 0; i < articles.Count; i++)
        {
            ArticleFeatures f = articles[i];
            packed.Add(i, boilerplate.Words(f), boilerplate.Skeleton(f), boilerplate.Lead(f), f.ParaphraseTerms);
        }

        PairSearch search = PairFinder.Search(articles, packed, Options.Threshold, null, CancellationToken.None);
        return ClusterBuilder.Build(articles, search.Components);
    }

    /// <summary>The indexed articles in insertion order, copied under the read lock and sorted outside it.</summary>
    private List<ArticleFeatures> IndexedNow() => IndexedNow(out _);

    /// <summary>
    /// The indexed articles in insertion order and the insertion counter of that moment: the list of references is
    /// copied under the read lock (a few milliseconds at 100,000), and sorted outside it (a comparison sort reading
    /// every article, 20–30 ms at 100,000, which a waiting <c>Add</c> would otherwise wait for).
    /// </summary>
    private List<ArticleFeatures> IndexedNow(out long order)
    {
        List<ArticleFeatures> articles;
        EnterReadLock();
        try
        {
            articles = _registry.LiveValues()!;
            order = _order;
        }
        finally
        {
            _lock.ExitReadLock();
        }

        articles.Sort((x, y) => x.Order.CompareTo(y.Order));
        return articles;
    }

    /// <summary>
    /// As <see cref="IndexedNow(out long)"/>, and when the detector keeps clusters (<see cref="ClusterOf"/>), each
    /// article's verified matches among the articles before it in the list, by their positions, ascending (null when it
    /// keeps none): copied under the same read lock, so that the two agree.
    /// </summary>
    private List<ArticleFeatures> IndexedNow(out long order, out int[][]? matches)
    {
        List<ArticleFeatures> articles;
        int[]? slots = null;
        List<(int A, int B)>? links = null;
        EnterReadLock();
        try
        {
            articles = _registry.LiveValues()!;
            order = _order;
            if (_clusterIndex is { } index)
            {
                slots = new int[articles.Count];
                int k = 0;
                foreach (int slot in _registry.LiveSlots)
                {
                    slots[k++] = slot;
                }

                links = index.CopyLinks();
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }

        matches = null;
        if (slots is null)
        {
            articles.Sort((x, y) => x.Order.CompareTo(y.Order));
            return articles;
        }

        // The live slots, ascending, with their articles: both put into insertion order by one permutation.
        int[] at = ClusterBuilder.PositionsByOrder([.. articles.Select(f => f.Order)]);
        var sorted = new List<ArticleFeatures>(at.Length);
        var position = new Dictionary<int, int>(at.Length);
        foreach (int i in at)
        {
            position.Add(slots[i], sorted.Count);
            sorted.Add(articles[i]);
        }

        // Each match goes to the later of its two articles. (A match is always of two live articles: a removal takes
        // its matches back.)
        var earlier = new List<int>?[sorted.Count];
        foreach ((int a, int b) in links!)
        {
            int p = position[a];
            int q = position[b];
            (earlier[Math.Max(p, q)] ??= []).Add(Math.Min(p, q));
        }

        matches = new int[sorted.Count][];
        for (int p = 0; p < matches.Length; p++)
        {
            matches[p] = earlier[p] is { } list ? [.. list.Order().Distinct()] : [];
        }

        return sorted;
    }

    /// <summary>Compares two articles directly and explains the verdict: every score, the shared passages, and the boilerplate lines each had removed.</summary>
    /// <remarks>Forwards to <see cref="CopyComparer.Compare(Article, Article, DetectorOptions?)"/> with this detector's options.</remarks>
    public Comparison Compare(Article first, Article second) => CopyComparer.Compare(first, second, Options);

    /// <summary>Finds every pair of copies among <paramref name="articles"/> and clusters them, using all cores.</summary>
    /// <exception cref="ArgumentException">An article is invalid or an id repeats; the message names it.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static ScanResult Scan(
        IReadOnlyList<Article> articles,
        DetectorOptions? options = null,
        IProgress<ScanProgress>? progress = null,
        CancellationToken cancellationToken = default)
        => Scan(articles, options, -1, progress, cancellationToken);

    /// <summary>Finds every pair of copies among <paramref name="articles"/> and clusters them, on at most <paramref name="maxDegreeOfParallelism"/> threads.</summary>
    /// <param name="articles">The articles; ids must be unique.</param>
    /// <param name="options">The settings; null for <see cref="DetectorOptions.Default"/>.</param>
    /// <param name="maxDegreeOfParallelism">At most this many threads work at once; -1 for as many as there are cores.</param>
    /// <param name="progress">Receives the stage and count done, from the scan's threads; null for none.</param>
    /// <param name="cancellationToken">Stops the scan.</param>
    /// <remarks>The result does not depend on the number of threads.</remarks>
    /// <exception cref="ArgumentException">An article is invalid or an id repeats; the message names it.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxDegreeOfParallelism"/> is 0 or less than -1.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>
    /// An exception from <paramref name="progress"/> or from reading <paramref name="articles"/> (a list that reads them
    /// from a file) is thrown as it was, not inside the <see cref="AggregateException"/> of the scan's parallel loops.
    /// </remarks>
    public static ScanResult Scan(
        IReadOnlyList<Article> articles,
        DetectorOptions? options,
        int maxDegreeOfParallelism,
        IProgress<ScanProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        try
        {
            return ScanCore(articles, options, maxDegreeOfParallelism, progress, cancellationToken);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
            throw;
        }
    }

    /// <summary>
    /// Finds every pair of copies among <paramref name="articles"/>, read as a stream, and clusters them, using all cores:
    /// <see cref="Scan(IReadOnlyList{Article}, DetectorOptions?, IProgress{ScanProgress}?, CancellationToken)"/> for articles
    /// that are not all in memory (rows of a database, lines of a file, pages of a service).
    /// </summary>
    /// <inheritdoc cref="ScanAsync(IAsyncEnumerable{Article}, DetectorOptions?, int, IProgress{ScanProgress}?, CancellationToken)"/>
    public static ValueTask<ScanResult> ScanAsync(
        IAsyncEnumerable<Article> articles,
        DetectorOptions? options = null,
        IProgress<ScanProgress>? progress = null,
        CancellationToken cancellationToken = default)
        => ScanAsync(articles, options, -1, progress, cancellationToken);

    /// <summary>
    /// Finds every pair of copies among <paramref name="articles"/>, read as a stream, and clusters them, on at most
    /// <paramref name="maxDegreeOfParallelism"/> threads.
    /// </summary>
    /// <param name="articles">
    /// The articles, in order (their order numbers them, as a list's places do); ids must be unique. Enumerated once,
    /// with <paramref name="cancellationToken"/>. A synchronous sequence can be given as <c>sequence.ToAsyncEnumerable()</c>.
    /// </param>
    /// <param name="options">The settings; null for <see cref="DetectorOptions.Default"/>.</param>
    /// <param name="maxDegreeOfParallelism">At most this many threads work at once; -1 for as many as there are cores.</param>
    /// <param name="progress">
    /// Receives the stage and count done, from the scan's threads; null for none. While the stream is read, the
    /// "signatures" stage's total is the articles read so far (the stream's length is known at its end only).
    /// </param>
    /// <param name="cancellationToken">Stops the reading and the scan.</param>
    /// <returns>The same pairs and clusters as a scan of the articles as one list.</returns>
    /// <remarks>
    /// <para>
    /// The articles are read a batch of a few thousand at a time, while the batch before is turned into features on
    /// the other threads (on one thread, after it); an article is not held once its features are made. So the scan
    /// holds the features of the articles (a few kilobytes each) and two batches of texts, where a list holds every text
    /// until the scan ends (at a million news articles, about 5 GB of strings). The result does not depend on the
    /// number of threads.
    /// </para>
    /// <para>
    /// Each article is checked as it is read, and the token before each read. The stream is read off the caller's
    /// synchronization context. An exception from the stream or from <paramref name="progress"/> is thrown as it was.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="articles"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// An article is invalid or an id repeats; the message names it by its number in the stream. Nothing after it is
    /// read.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxDegreeOfParallelism"/> is 0 or less than -1, or a setting of <paramref name="options"/> is out of range.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static ValueTask<ScanResult> ScanAsync(
        IAsyncEnumerable<Article> articles,
        DetectorOptions? options,
        int maxDegreeOfParallelism,
        IProgress<ScanProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        CheckParallelism(maxDegreeOfParallelism);
        ArgumentNullException.ThrowIfNull(articles);
        options ??= DetectorOptions.Default;
        options.Validate();
        int batch = Math.Max(StreamBatch, 256 * (maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount));
        return ScanStreamAsync(articles, options, maxDegreeOfParallelism, progress, batch, cancellationToken);
    }

    /// <summary>The fewest articles of a stream taken as one batch (see <see cref="ScanAsync(IAsyncEnumerable{Article}, DetectorOptions?, int, IProgress{ScanProgress}?, CancellationToken)"/>).</summary>
    internal const int StreamBatch = 4096;

    /// <summary>
    /// <see cref="ScanAsync(IAsyncEnumerable{Article}, DetectorOptions?, int, IProgress{ScanProgress}?, CancellationToken)"/>
    /// with its arguments checked, in batches of <paramref name="batchSize"/> (tests make them small).
    /// </summary>
    internal static async ValueTask<ScanResult> ScanStreamAsync(IAsyncEnumerable<Article> articles, DetectorOptions options, int maxDegreeOfParallelism, IProgress<ScanProgress>? progress, int batchSize, CancellationToken cancellationToken)
    {
        // Off the caller's context first: a source that awaits without ConfigureAwait(false) would otherwise resume on it,
        // and a caller that blocks on the scan there (a single-threaded context) waited for itself (a client's trial).
        await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        var clock = Stopwatch.StartNew();
        var parallel = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = maxDegreeOfParallelism };
        using var signatures = new ScanSignatures(0, options, parallel, progress, nameof(articles));

        // One batch is read while the one before is taken: two arrays, swapped. Each article is checked as it is read,
        // and the token before each read: an invalid article, a repeated id or a cancellation stops the reading there,
        // not a batch later (a source that ignores the token took 4,096 more articles to stop).
        Article[] reading = new Article[batchSize];
        Article[] taking = new Article[batchSize];
        Task? taken = null;
        try
        {
            IAsyncEnumerator<Article> e = articles.GetAsyncEnumerator(cancellationToken);
            await using (e.ConfigureAwait(false))
            {
                bool more = true;
                int read = 0;
                while (more)
                {
                    int count = 0;
                    while (count < batchSize)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        if (!(more = await e.MoveNextAsync().ConfigureAwait(false)))
                        {
                            break;
                        }

                        signatures.Check(e.Current, read++);
                        reading[count++] = e.Current;
                    }

                    if (taken is not null)
                    {
                        await taken.ConfigureAwait(false);
                        taken = null;
                        Array.Clear(taking);
                    }

                    if (count > 0)
                    {
                        (reading, taking) = (taking, reading);
                        var batch = new ArraySegment<Article>(taking, 0, count);
                        int total = signatures.Count + count;
                        if (maxDegreeOfParallelism == 1)
                        {
                            // One thread: the batch is taken before the next is read, not beside it.
                            signatures.Add(batch, total, checkedAsRead: true);
                            Array.Clear(taking);
                        }
                        else
                        {
                            taken = Task.Run(() => signatures.Add(batch, total, checkedAsRead: true), cancellationToken);
                        }
                    }
                }
            }

            if (taken is not null)
            {
                await taken.ConfigureAwait(false);
                taken = null;
            }

            return await Task.Run(() => ScanSignedArticles(signatures, options, parallel, progress, clock), cancellationToken).ConfigureAwait(false);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
            throw;
        }
        finally
        {
            // A batch still being taken writes into the sets this scan frees: it ends first, whatever it threw.
            if (taken is not null)
            {
                await taken.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private static ScanResult ScanCore(IReadOnlyList<Article> articles, DetectorOptions? options, int maxDegreeOfParallelism, IProgress<ScanProgress>? progress, CancellationToken cancellationToken)
    {
        CheckParallelism(maxDegreeOfParallelism);
        ArgumentNullException.ThrowIfNull(articles);
        options ??= DetectorOptions.Default;
        options.Validate();
        var clock = Stopwatch.StartNew();
        var parallel = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = maxDegreeOfParallelism };
        using var signatures = new ScanSignatures(articles.Count, options, parallel, progress, nameof(articles));
        signatures.Add(articles, articles.Count);
        return ScanSignedArticles(signatures, options, parallel, progress, clock);
    }

    private static void CheckParallelism(int maxDegreeOfParallelism)
    {
        if (maxDegreeOfParallelism is 0 or < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxDegreeOfParallelism), maxDegreeOfParallelism, "Use -1 for all cores, or a positive number of threads.");
        }
    }

    /// <summary>The stages of a scan after the articles' features: the corpus model, the candidates and their verification, the pairs and clusters.</summary>
    private static ScanResult ScanSignedArticles(ScanSignatures signatures, DetectorOptions options, ParallelOptions parallel, IProgress<ScanProgress>? progress, Stopwatch clock)
    {
        int maxDegreeOfParallelism = parallel.MaxDegreeOfParallelism;
        CancellationToken cancellationToken = parallel.CancellationToken;
        (ArticleFeatures[] features, int[] copyOf) = signatures.Finish();
        PackedSets packed = signatures.Packed;
        int n = features.Length;
        progress?.Report(new ScanProgress("corpus model", 0, n));
        // The copies of a text are counted with their source, not read again.
        int[]? weights = null;
        for (int i = 0; i < n; i++)
        {
            if (copyOf[i] >= 0)
            {
                if (weights is null)
                {
                    weights = new int[n];
                    Array.Fill(weights, 1);
                }

                weights[i] = 0;
                weights[copyOf[i]]++;
            }
        }

        var boilerplate = BoilerplateModel.Build(packed, options.BoilerplateDocumentFrequency, concurrently: maxDegreeOfParallelism != 1, weights);
        int filtered = 0;

        // Each article's sets are filtered once, each written back in its own place (a copy's are its source's).
        Parallel.For(0, n, parallel, () => Array.Empty<uint>(), (i, _, buffer) =>
        {
            if (copyOf[i] < 0)
            {
                packed.RemoveBoilerplate(i, boilerplate, ref buffer);
            }

            Advance(progress, "corpus model", ref filtered, n);
            return buffer;
        }, _ => { });

        PairSearch search = PairFinder.Search(features, packed, options.Threshold, progress, cancellationToken, maxDegreeOfParallelism);

        // The sets are most of the scan's memory, and nothing reads them after this: freed before the results are made.
        packed.Dispose();

        // The pairs put in order and the clusters made from the components the search joined, side by side (each was a
        // pass on one core at the scan's end).
        ScanPairs? pairs = null;
        List<CopyCluster>? clusters = null;
        Parallel.Invoke(
            new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism },
            () => pairs = new ScanPairs(search.InOrder(), [.. features.Select(f => f.Id)], [.. features.Select(f => f.SimHash)]),
            () => clusters = ClusterBuilder.Build(features, search.Components));
        progress?.Report(new ScanProgress("clusters", n, n));
        return new ScanResult(pairs!, clusters!, n, signatures.Characters, clock.Elapsed);
    }

    /// <summary>
    /// An invalid article's exception, named by its place in the list and the list's parameter: a scan of 1,000 articles
    /// said "Value cannot be null. (Parameter 'article')" for the one at 737, naming a local of its own.
    /// </summary>
    internal static ArgumentException AtPosition(ArgumentException e, int index, string paramName)
    {
        if (e is ArgumentNullException)
        {
            return new ArgumentNullException(paramName, $"The article at {index} is null.");
        }

        string message = e.ParamName is { } name && e.Message.EndsWith($" (Parameter '{name}')", StringComparison.Ordinal)
            ? e.Message[..^$" (Parameter '{name}')".Length]
            : e.Message;
        return new ArgumentException($"The article at {index}: {message}", paramName, e);
    }

    /// <summary>Counts one more article done in a parallel stage of a scan, and reports every 256th and the last.</summary>
    internal static void Advance(IProgress<ScanProgress>? progress, string stage, ref int done, int total)
    {
        int d = Interlocked.Increment(ref done);
        if (progress is not null && (d % 256 == 0 || d == total))
        {
            progress.Report(new ScanProgress(stage, d, total));
        }
    }

    /// <summary>
    /// The article a lookup (<see cref="DetectorOptions.ArticleLookup"/>, <see cref="DetectorOptions.ArticleLookupAsync"/>)
    /// gave for the indexed <paramref name="id"/>, or null when it gave none.
    /// </summary>
    /// <exception cref="InvalidOperationException">The lookup gave an article with another id, or without text.</exception>
    internal static Article? LookedUp(Article? stored, string id, string lookup)
    {
        if (stored is null)
        {
            return null;
        }

        if (!string.Equals(stored.Id, id, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The {lookup} asked for the indexed article '{id}' gave the article '{stored.Id}': its passages would be another text's.");
        }

        if (string.IsNullOrWhiteSpace(stored.Text))
        {
            throw new InvalidOperationException($"The {lookup} asked for the indexed article '{id}' gave it {(stored.Text is null ? "without text (null)" : "with an empty text")}: return null for an article it does not have.");
        }

        return stored;
    }

    internal static void CheckArticle(Article article, bool requireId, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(article))] string? paramName = null)
    {
        ArgumentNullException.ThrowIfNull(article, paramName);
        if (article.Id is null)
        {
            throw new ArgumentException("The article's id is null.", paramName);
        }

        if (requireId && string.IsNullOrWhiteSpace(article.Id))
        {
            throw new ArgumentException(article.Id.Length == 0 ? "The article's id is empty." : "The article's id is only whitespace.", paramName);
        }

        if (article.Text is null)
        {
            throw new ArgumentException(article.Id.Length == 0 ? "The text is null." : $"The text of article '{article.Id}' is null.", paramName);
        }

        // One rule for the library and the tool: a text with nothing but whitespace has nothing to compare.
        if (string.IsNullOrWhiteSpace(article.Text))
        {
            throw new ArgumentException(article.Id.Length == 0 ? EmptyText : $"The text of article '{article.Id}' is empty or only whitespace.", paramName);
        }

        // Ids are persisted as UTF-8 in snapshots: one that UTF-8 cannot hold (a lone surrogate) or that is longer than
        // a snapshot reads back would make a snapshot that cannot be loaded, so neither gets in.
        int idBytes;
        try
        {
            idBytes = StrictUtf8.GetByteCount(article.Id);
        }
        catch (System.Text.EncoderFallbackException)
        {
            throw new ArgumentException("The article's id holds a lone UTF-16 surrogate (U+D800-U+DFFF without its pair); ids must be valid Unicode.", paramName);
        }

        if (idBytes > Article.MaxIdBytes)
        {
            throw new ArgumentException($"The article's id is {idBytes} bytes in UTF-8; the limit is {Article.MaxIdBytes}.", paramName);
        }
    }

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The indexed articles in the order they were added (call under the lock).</summary>
    private List<ArticleFeatures> IndexedLocked()
    {
        var articles = new List<ArticleFeatures>(_registry.Count);
        foreach (int slot in _registry.LiveSlots)
        {
            articles.Add(_registry[slot]!);
        }

        articles.Sort((x, y) => x.Order.CompareTo(y.Order));
        return articles;
    }

    /// <summary>The indexed articles' features in the order they were added, for measurements (a copy of the list).</summary>
    internal List<ArticleFeatures> IndexedFeatures()
    {
        EnterReadLock();
        try
        {
            return IndexedLocked();
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>The bucket keys of an article: those of the one candidate index (<see cref="CandidateSelector.Keys"/>).</summary>
    private static ulong[] StoreKeys(ulong exactHash, uint[] words, uint[] skeleton, uint[] paraphraseTerms) =>
        CandidateSelector.KeysOf(exactHash, words, skeleton, paraphraseTerms);

    private static LshBucketEntry[] Entries(ArticleFeatures f, int slot)
    {
        ulong[] keys = StoreKeys(f.ExactHash, f.Words, f.Skeleton, f.ParaphraseTerms);
        var entries = new LshBucketEntry[keys.Length];
        for (int i = 0; i < keys.Length; i++)
        {
            entries[i] = new LshBucketEntry(keys[i], slot);
        }

        return entries;
    }

    /// <summary>Indexes an article unless it is indexed with the same text; returns whether it was added.</summary>
    /// <param name="features">The article's features.</param>
    /// <param name="article">The article.</param>
    /// <param name="known">The probe that verified candidates for these features, or null.</param>
    private bool Insert(ArticleFeatures features, Article article, Probe? known)
    {
        EnterWriteLock();
        try
        {
            return InsertOrSkipLocked(features, article, known);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Indexes new features (call under the write lock).</summary>
    /// <param name="f">The features.</param>
    /// <param name="known">The probe that verified candidates for <paramref name="f"/>, whose verdicts the clusters may reuse; or null.</param>
    /// <param name="indexedUtcTicks">When it is indexed (UTC ticks): the time its journal record keeps, or the replayed record's; 0 for now.</param>
    private void InsertLocked(ArticleFeatures f, Probe? known = null, long indexedUtcTicks = 0)
    {
        f.Order = _order++;
        f.IndexedUtcTicks = indexedUtcTicks > 0 ? indexedUtcTicks : DateTime.UtcNow.Ticks;
        int slot = _registry.Add(f.Id, f);
        Interlocked.Increment(ref _version);
        _store.Add(Entries(f, slot));
        ClusterInsertedLocked(slot, f, known);
    }

    /// <summary>The last <see cref="FindCopies(Article)"/> of an article with an id, for an <see cref="Add(Article)"/> of it that follows.</summary>
    private LastFind? _lastFind;

    /// <summary>
    /// A query: its features, the model it was filtered with, its filtered sets and keys, and (once verified) whether
    /// each verified candidate is a copy. A class, not a record: a record's generated printing would box its
    /// <see cref="SetView"/> (a ref struct), which Native AOT compiles to a method that always throws.
    /// </summary>
    private sealed class Probe(ArticleFeatures features, BoilerplateModel boilerplate, uint[] words, uint[] skeleton, uint[] lead, ulong[] keys)
    {
        public ArticleFeatures Features { get; } = features;

        public BoilerplateModel Boilerplate { get; } = boilerplate;

        public uint[] Words { get; } = words;

        public uint[] Skeleton { get; } = skeleton;

        public uint[] Lead { get; } = lead;

        public ulong[] Keys { get; } = keys;

        /// <summary>The candidates verified against this query, each with whether it is a copy (by reference: a slot may be reused).</summary>
        public Dictionary<ArticleFeatures, bool> Verified { get; } = new(ReferenceEqualityComparer.Instance);

        /// <summary>The query's sets as a verification reads them (boilerplate removed).</summary>
        public SetView View => new(Words, Skeleton, Lead, Features.ParaphraseTerms, Features.ParaphraseCounts);
    }

    private sealed class LastFind(Article article, Probe probe)
    {
        public Article Article { get; } = article;

        public Probe Probe { get; } = probe;
    }

    private readonly record struct Verdict(ArticleFeatures Other, CopyKind Kind, double Score, PairMeasure Measure, int SimHashDistance);
}

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
/// <para>Safe for concurrent use: any number of threads may add, remove and query at once.</para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Reliability",
    "CA1001:Types that own disposable fields should be disposable",
    Justification = "The ReaderWriterLockSlim holds no unmanaged resource until contended, and then only event handles the finalizer frees; a detector lives as long as its index.")]
public sealed partial class CopyDetector
{
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<string, int> _slotById = new(StringComparer.Ordinal);
    private readonly List<ArticleFeatures?> _slots = [];
    private readonly Stack<int> _free = new();
    private const ulong ExactKeySpace = 0xE8AC_7000_0000_0001UL;
    private const ulong ShingleKeySpace = 0x5A3B_1E00_0000_0002UL;
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
    /// An empty bucket store, owned by this detector from now on. It must support synchronous access; the detector
    /// sends each article's keys in one batch.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    /// <exception cref="ArgumentException">The store does not support synchronous access.</exception>
    public CopyDetector(DetectorOptions? options, ILshBucketStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        Options = options ?? DetectorOptions.Default;
        Options.Validate();
        if (!store.SupportsSynchronousAccess)
        {
            throw new ArgumentException("The detector needs a bucket store with synchronous access.", nameof(store));
        }

        _store = store;
    }

    /// <summary>The settings this detector uses.</summary>
    public DetectorOptions Options { get; }

    /// <summary>Number of indexed articles.</summary>
    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _slotById.Count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>Indexes an article.</summary>
    /// <exception cref="ArgumentNullException">The article, its id or its text is null.</exception>
    /// <exception cref="ArgumentException">The id is empty, or an article with the same id is already indexed.</exception>
    public void Add(Article article)
    {
        CheckArticle(article, requireId: true);
        ArticleFeatures features = FeatureExtractor.Extract(Normalize(article), Options);
        Insert(features);
    }

    /// <summary>Indexes an article.</summary>
    /// <exception cref="ArgumentException">The id is empty or already indexed.</exception>
    public void Add(string id, string text, DateTimeOffset? published = null, string? source = null)
        => Add(new Article(id, text, Published: published, Source: source));

    /// <summary>Indexes many articles, computing their signatures on all cores.</summary>
    /// <exception cref="ArgumentException">An id is empty, repeated, or already indexed; nothing is added then.</exception>
    public void AddRange(IEnumerable<Article> articles)
    {
        ArgumentNullException.ThrowIfNull(articles);
        Article[] list = [.. articles];
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (Article a in list)
        {
            CheckArticle(a, requireId: true);
            if (!ids.Add(a.Id))
            {
                throw new ArgumentException($"The id '{a.Id}' appears more than once.", nameof(articles));
            }
        }

        var features = new ArticleFeatures[list.Length];
        Parallel.For(0, list.Length, i => features[i] = FeatureExtractor.Extract(Normalize(list[i]), Options));
        _lock.EnterWriteLock();
        try
        {
            foreach (Article a in list)
            {
                if (_slotById.ContainsKey(a.Id))
                {
                    throw new ArgumentException($"An article with id '{a.Id}' is already indexed.", nameof(articles));
                }
            }

            foreach (ArticleFeatures f in features)
            {
                InsertLocked(f);
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Removes an article; returns false when it was not indexed.</summary>
    public bool Remove(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        _lock.EnterWriteLock();
        try
        {
            if (!_slotById.Remove(id, out int slot))
            {
                return false;
            }

            ArticleFeatures f = _slots[slot]!;
            _slots[slot] = null;
            _free.Push(slot);
            Interlocked.Increment(ref _version);
            _store.Remove(Entries(f, slot));
            ClusterRemovedLocked(slot);
            return true;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Whether an article with this id is indexed.</summary>
    public bool Contains(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        _lock.EnterReadLock();
        try
        {
            return _slotById.ContainsKey(id);
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
    /// <see cref="DetectorOptions.ArticleLookup"/> returns the article, and empty otherwise.
    /// </remarks>
    public IReadOnlyList<CopyMatch> FindCopies(Article article)
    {
        CheckArticle(article, requireId: false);
        Article query = Normalize(article);
        ArticleFeatures q = FeatureExtractor.Extract(query, Options);
        var verdicts = new List<(ArticleFeatures Other, CopyKind Kind, double Score, Overlap Overlap)>();
        FurnitureModel furniture = CurrentFurniture();
        uint[] qWords = furniture.Words(q);
        uint[] qSkeleton = furniture.Skeleton(q);
        uint[] qLead = furniture.Lead(q);
        ulong[] keys = StoreKeys(q.ExactHash, qWords, qSkeleton);
        _lock.EnterReadLock();
        try
        {
            int[] found = new int[Math.Max(16, keys.Length * 2)];
            int count = _store.Query(keys, found);
            if (count > found.Length)
            {
                found = new int[count];
                count = _store.Query(keys, found);
            }

            var seen = new HashSet<int>(found.AsSpan(0, count).ToArray());
            foreach (int slot in seen)
            {
                ArticleFeatures other = _slots[slot]!;
                if (article.Id.Length > 0 && other.Id == article.Id)
                {
                    continue;
                }

                FilteredSets sets = furniture.Filtered(other);
                Overlap o = Verifier.Measure(qWords, sets.Words, qSkeleton, sets.Skeleton, qLead, sets.Lead);
                if (Verifier.Classify(q.ExactHash == other.ExactHash, o, Options.Threshold) is { } v)
                {
                    verdicts.Add((other, v.Kind, v.Score, o));
                }
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }

        var matches = new List<CopyMatch>(verdicts.Count);
        foreach (var (other, kind, score, overlap) in verdicts)
        {
            IReadOnlyList<SharedPassage> evidence = [];
            if (Options.ArticleLookup?.Invoke(other.Id) is { } stored)
            {
                evidence = Evidence.Find(query, Normalize(stored), Options);
            }

            matches.Add(new CopyMatch(other.Id, kind, score, Verifier.Scores(overlap), evidence));
        }

        matches.Sort((x, y) => y.Score != x.Score ? y.Score.CompareTo(x.Score) : string.CompareOrdinal(x.Id, y.Id));
        return matches;
    }

    /// <summary>Finds the indexed articles that are copies of this text, best first.</summary>
    public IReadOnlyList<CopyMatch> FindCopies(string text) => FindCopies(new Article(string.Empty, text));

    /// <summary>Groups the indexed articles into clusters of copies (union-find over verified matches), singletons included, largest first.</summary>
    public IReadOnlyList<CopyCluster> Clusters()
    {
        _lock.EnterReadLock();
        try
        {
            List<ArticleFeatures> articles = IndexedLocked();
            var furniture = FurnitureModel.Build(articles, Options.BoilerplateDocumentFrequency);
            uint[][] words = [.. articles.Select(furniture.Words)];
            uint[][] skeleton = [.. articles.Select(furniture.Skeleton)];
            uint[][] lead = [.. articles.Select(furniture.Lead)];
            List<FoundPair> pairs = PairFinder.Find(articles, words, skeleton, lead, Options.Threshold, null, CancellationToken.None);
            return ClusterBuilder.Build(articles, pairs.Select(p => (p.A, p.B)));
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Compares two articles directly and explains the verdict: every score, the shared passages, and the boilerplate lines each had removed.</summary>
    /// <remarks>Corpus-level boilerplate is not known for two articles alone: only the rule-based boilerplate is removed.</remarks>
    public Comparison Compare(Article first, Article second)
    {
        CheckArticle(first, requireId: false);
        CheckArticle(second, requireId: false);
        Article a = Normalize(first);
        Article b = Normalize(second);
        ArticleFeatures fa = FeatureExtractor.Extract(a, Options);
        ArticleFeatures fb = FeatureExtractor.Extract(b, Options);
        Overlap o = Verifier.Measure(fa.Words, fb.Words, fa.Skeleton, fb.Skeleton, fa.Lead, fb.Lead);
        var verdict = Verifier.Classify(fa.ExactHash == fb.ExactHash, o, Options.Threshold);
        double score = verdict?.Score ?? Math.Max(o.Verbatim, o.Rewrite);
        IReadOnlyList<SharedPassage> passages = Evidence.Find(a, b, Options, out IReadOnlyList<TextSpan> boilerplateA, out IReadOnlyList<TextSpan> boilerplateB);
        return new Comparison(
            verdict?.Kind,
            score,
            Verifier.Scores(o),
            passages,
            boilerplateA,
            boilerplateB);
    }

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
    public static ScanResult Scan(
        IReadOnlyList<Article> articles,
        DetectorOptions? options,
        int maxDegreeOfParallelism,
        IProgress<ScanProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (maxDegreeOfParallelism is 0 or < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxDegreeOfParallelism), maxDegreeOfParallelism, "Use -1 for all cores, or a positive number of threads.");
        }

        ArgumentNullException.ThrowIfNull(articles);
        options ??= DetectorOptions.Default;
        options.Validate();
        var clock = Stopwatch.StartNew();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        long characters = 0;
        foreach (Article a in articles)
        {
            CheckArticle(a, requireId: true);
            if (!ids.Add(a.Id))
            {
                throw new ArgumentException($"The id '{a.Id}' appears more than once.", nameof(articles));
            }

            characters += a.Text.Length + (a.Title?.Length ?? 0);
        }

        int n = articles.Count;
        var features = new ArticleFeatures[n];
        int done = 0;
        var parallel = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = maxDegreeOfParallelism };
        Parallel.For(0, n, parallel, i =>
        {
            features[i] = FeatureExtractor.Extract(Normalize(articles[i]), options);
            features[i].Order = i;
            int d = Interlocked.Increment(ref done);
            if (progress is not null && (d % 256 == 0 || d == n))
            {
                progress.Report(new ScanProgress("signatures", d, n));
            }
        });

        var furniture = FurnitureModel.Build(features, options.BoilerplateDocumentFrequency);
        var words = new uint[n][];
        var skeleton = new uint[n][];
        var lead = new uint[n][];
        Parallel.For(0, n, parallel, i =>
        {
            words[i] = furniture.Words(features[i]);
            skeleton[i] = furniture.Skeleton(features[i]);
            lead[i] = furniture.Lead(features[i]);
        });

        List<FoundPair> found = PairFinder.Find(features, words, skeleton, lead, options.Threshold, progress, cancellationToken, maxDegreeOfParallelism);
        var pairs = new List<CopyPair>(found.Count);
        foreach (FoundPair p in found)
        {
            pairs.Add(new CopyPair(features[p.A].Id, features[p.B].Id, p.Kind, p.Score, Verifier.Scores(p.Overlap)));
        }

        List<CopyCluster> clusters = ClusterBuilder.Build(features, found.Select(p => (p.A, p.B)));
        progress?.Report(new ScanProgress("clusters", n, n));
        return new ScanResult(pairs, clusters, n, characters, clock.Elapsed);
    }

    /// <summary>Decodes HTML entities, the one normalization that changes tokens (the tokenizer folds the rest).</summary>
    internal static Article Normalize(Article article)
    {
        string text = article.Text.Contains('&', StringComparison.Ordinal) ? System.Net.WebUtility.HtmlDecode(article.Text) : article.Text;
        string? title = article.Title is not null && article.Title.Contains('&', StringComparison.Ordinal) ? System.Net.WebUtility.HtmlDecode(article.Title) : article.Title;
        return ReferenceEquals(text, article.Text) && ReferenceEquals(title, article.Title) ? article : article with { Text = text, Title = title };
    }

    private static void CheckArticle(Article article, bool requireId)
    {
        ArgumentNullException.ThrowIfNull(article);
        if (article.Id is null)
        {
            throw new ArgumentException("The article's id is null.", nameof(article));
        }

        if (requireId && string.IsNullOrWhiteSpace(article.Id))
        {
            throw new ArgumentException("The article's id is empty.", nameof(article));
        }

        if (article.Text is null)
        {
            throw new ArgumentException($"The text of article '{article.Id}' is null.", nameof(article));
        }
    }

    /// <summary>The indexed articles in the order they were added (call under the lock).</summary>
    private List<ArticleFeatures> IndexedLocked()
    {
        var articles = new List<ArticleFeatures>(_slotById.Count);
        foreach (ArticleFeatures? f in _slots)
        {
            if (f is not null)
            {
                articles.Add(f);
            }
        }

        articles.Sort((x, y) => x.Order.CompareTo(y.Order));
        return articles;
    }

    /// <summary>
    /// The bucket keys of an article: its exact hash, and a consistent sample of its word and skeleton shingles
    /// (each a band of one row), in three separate key spaces.
    /// </summary>
    private static ulong[] StoreKeys(ulong exactHash, uint[] words, uint[] skeleton)
    {
        var sampled = new List<ulong>();
        PairFinder.SampleKeys(words, skeleton, sampled);
        ulong[] keys = new ulong[sampled.Count + 1];
        keys[0] = HashMixKernel.Mix(exactHash ^ ExactKeySpace);
        for (int i = 0; i < sampled.Count; i++)
        {
            keys[i + 1] = HashMixKernel.Mix(sampled[i] ^ ShingleKeySpace);
        }

        return keys;
    }

    private static LshBucketEntry[] Entries(ArticleFeatures f, int slot)
    {
        ulong[] keys = StoreKeys(f.ExactHash, f.Words, f.Skeleton);
        var entries = new LshBucketEntry[keys.Length];
        for (int i = 0; i < keys.Length; i++)
        {
            entries[i] = new LshBucketEntry(keys[i], slot);
        }

        return entries;
    }

    private void Insert(ArticleFeatures features)
    {
        _lock.EnterWriteLock();
        try
        {
            if (_slotById.ContainsKey(features.Id))
            {
                throw new ArgumentException($"An article with id '{features.Id}' is already indexed.", nameof(features));
            }

            InsertLocked(features);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    private void InsertLocked(ArticleFeatures f)
    {
        f.Order = _order++;
        int slot;
        if (_free.Count > 0)
        {
            slot = _free.Pop();
            _slots[slot] = f;
        }
        else
        {
            slot = _slots.Count;
            _slots.Add(f);
        }

        _slotById[f.Id] = slot;
        Interlocked.Increment(ref _version);
        _store.Add(Entries(f, slot));
        ClusterInsertedLocked(slot, f);
    }
}

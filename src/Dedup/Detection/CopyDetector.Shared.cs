using System.Collections.Concurrent;
using Dedup.Indexing;

namespace Dedup.Detection;

/// <content>
/// A detector whose whole index lives in an <see cref="ISharedIndexStore"/> shared by several workers (processes):
/// articles' compact forms, the id → slot map, the buckets and the learned corpus model.
/// </content>
public sealed partial class CopyDetector
{
    /// <summary>The shared model is looked for again after this many of this detector's calls.</summary>
    internal const int SharedModelCheckInterval = 64;

    /// <summary>At most this many decoded articles are cached.</summary>
    private const int SharedCacheLimit = 200_000;

    private readonly ISharedIndexStore? _shared;

    /// <summary>
    /// Decoded records by slot, each with the hash of the record it was decoded from: a store gives a slot to one
    /// article only, but a store that was emptied (a server restarted without persistence, flushed, or cleared) counts
    /// its slots from 0 again, and a cached slot must then not stand for the article it held before.
    /// </summary>
    private readonly ConcurrentDictionary<int, (ArticleFeatures Features, ulong RecordHash)> _sharedCache = new();
    private readonly SemaphoreSlim _sharedModelGate = new(1, 1);
    private volatile SharedBoilerplate _sharedBoilerplate = new(BoilerplateModel.Empty, -1);
    private long _sharedCalls;
    private long _sharedAddsSinceModel; // adds and removes since the model was last checked

    /// <summary>
    /// Creates a detector whose whole index (articles, id map, buckets, corpus model) lives in <paramref name="store"/>,
    /// so that several detectors (in several processes) on one store share one index: what one adds, the others find.
    /// </summary>
    /// <param name="options">The settings; null for <see cref="DetectorOptions.Default"/>. Every worker of one store must use the same.</param>
    /// <param name="store">The shared store, owned by this detector from now on (disposed with it when disposable).</param>
    /// <remarks>
    /// <para>
    /// Only the asynchronous methods work (<see cref="AddAsync"/>, <see cref="FindCopiesAsync(Article, CancellationToken)"/>,
    /// <see cref="FindOrAddAsync"/>, <see cref="RemoveAsync"/>); the synchronous ones throw <see cref="NotSupportedException"/>,
    /// and <see cref="Count"/> and <see cref="Contains"/> see nothing (ask the store: <see cref="ISharedIndexStore.CountAsync"/>).
    /// A search costs two store calls (the buckets, then the records of candidates not seen before), an add or a
    /// remove one.
    /// </para>
    /// <para>
    /// <b>Find-or-add across workers.</b> <see cref="FindOrAddAsync"/> adds the article first (atomically, receiving the
    /// next slot of the shared allocator) and then reports the copies among the articles with earlier slots, so of two
    /// copies sent at once to two workers, the one with the later slot reports the other: the pair is found exactly as
    /// if the two had come one after the other.
    /// </para>
    /// <para>
    /// <b>Expiry.</b> Each article is indexed at its publication time, or at the time it was added when it has none;
    /// <see cref="ISharedIndexStore.ExpireAsync"/> removes those older than a window.
    /// </para>
    /// <para>
    /// <b>Corpus model.</b> The boilerplate model is learned from the whole shared index and published through the store;
    /// every worker uses the published one, so all judge alike. A worker that finds it stale (the index grew by more
    /// than a tenth since it was learned) learns it again from every record and publishes it.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    public CopyDetector(DetectorOptions? options, ISharedIndexStore store)
        : this(options, new SharedOnlyBuckets(store))
    {
        _shared = store;
    }

    /// <summary>
    /// Throws for a member that reads this detector's own index when the index lives in a shared store: this detector
    /// holds none of it, and an answer from it (a count of 0, no clusters) would be silently wrong.
    /// </summary>
    private void ThrowIfShared(string member, string instead)
    {
        if (_shared is not null)
        {
            throw new NotSupportedException($"{member} reads a detector's own index, and this detector's index lives in a shared store: {instead}.");
        }
    }

    /// <summary>Set once the shared store's recorded settings were found to be this detector's.</summary>
    private volatile bool _sharedSettingsChecked;

    /// <summary>What shapes this detector's records and keys, as a shared store records it (the threshold may differ between workers).</summary>
    private string SharedSettings => System.FormattableString.Invariant(
        $"seed {Options.Seed:X16}, shingle size {Options.ShingleSize}, skeleton size {FeatureExtractor.SkeletonShingleSize}, stopwords {StopwordFingerprint(Options.Stopwords):X16}");

    /// <summary>
    /// On the first call to the shared store: records this detector's settings there, or checks them against those
    /// recorded by the detectors before it, so that a worker with other settings is refused instead of mixing records
    /// and keys of another shape into the index (its verdicts would change silently).
    /// </summary>
    private async ValueTask CheckSharedSettingsAsync(ISharedIndexStore store, CancellationToken cancellationToken)
    {
        if (_sharedSettingsChecked)
        {
            return;
        }

        string mine = SharedSettings;
        string recorded = await store.GetOrSetSettingsAsync(mine, cancellationToken).ConfigureAwait(false);
        if (!string.Equals(recorded, mine, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"The shared index was made by detectors with other settings: it records '{recorded}', and this detector has '{mine}'. " +
                "Every worker of one index must use the same seed, shingle size and stopwords (the threshold may differ).");
        }

        _sharedSettingsChecked = true;
    }

    /// <summary>The store's form of an article.</summary>
    private static SharedArticle ToShared(ArticleFeatures f) =>
        new(f.Id, f.ExactHash, f.Published ?? DateTimeOffset.UtcNow, ArticleRecord.ToArray(f), StoreKeys(f.ExactHash, f.Words, f.Skeleton, f.ParaphraseTerms));

    /// <summary>Adds through the shared store; throws on a conflicting id.</summary>
    private async ValueTask<SharedAddResult> AddSharedAsync(ISharedIndexStore store, ArticleFeatures f, string paramName, CancellationToken cancellationToken)
    {
        await CheckSharedSettingsAsync(store, cancellationToken).ConfigureAwait(false);
        SharedAddResult[] r = await store.AddAsync(new[] { ToShared(f) }, cancellationToken).ConfigureAwait(false);
        if (r[0].Status == SharedAddStatus.Conflict)
        {
            throw new ArgumentException($"An article with id '{f.Id}' is already indexed with another text or title (the two are compared together); remove it first to replace it.", paramName);
        }

        if (r[0].Status == SharedAddStatus.Added)
        {
            f.Order = r[0].Slot;
            Interlocked.Increment(ref _sharedAddsSinceModel);
        }

        return r[0];
    }

    /// <summary>
    /// Searches the shared store: one query for the buckets, one read of the records of candidates not cached, then
    /// verification. With <paramref name="beforeSlot"/> ≥ 0 only slots below it are candidates.
    /// </summary>
    private async ValueTask<(List<Verdict> Verdicts, int Candidates)> SearchSharedAsync(
        ISharedIndexStore store, ArticleFeatures q, string queryId, int beforeSlot, CancellationToken cancellationToken)
    {
        await CheckSharedSettingsAsync(store, cancellationToken).ConfigureAwait(false);
        BoilerplateModel boilerplate = await SharedBoilerplateAsync(store, cancellationToken).ConfigureAwait(false);
        Probe probe = NewProbe(q, boilerplate);
        int[][] buckets = await store.QueryAsync(probe.Keys, cancellationToken).ConfigureAwait(false);
        var slots = new SortedSet<int>();
        foreach (int[] bucket in buckets)
        {
            foreach (int slot in bucket)
            {
                if (beforeSlot < 0 || slot < beforeSlot)
                {
                    slots.Add(slot);
                }
            }
        }

        int[] wanted = [.. slots];
        var candidates = new List<ArticleFeatures>(wanted.Length);
        if (wanted.Length > 0)
        {
            // Records are read every time, so an article another worker removed is not found; the decoded form is cached.
            byte[]?[] records = await store.GetAsync(wanted, cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < wanted.Length; i++)
            {
                if (records[i] is not { } record)
                {
                    _sharedCache.TryRemove(wanted[i], out _);
                    continue;
                }

                // Records are read anyway: a hash of one (well under a microsecond) tells the cached decoding is of it.
                ulong recordHash = System.IO.Hashing.XxHash3.HashToUInt64(record);
                if (!_sharedCache.TryGetValue(wanted[i], out (ArticleFeatures Features, ulong RecordHash) cached) || cached.RecordHash != recordHash)
                {
                    ArticleFeatures decoded = ArticleRecord.Read(record);
                    decoded.Order = wanted[i];
                    if (_sharedCache.Count >= SharedCacheLimit)
                    {
                        _sharedCache.Clear();
                    }

                    cached = (decoded, recordHash);
                    _sharedCache[wanted[i]] = cached;
                }

                candidates.Add(cached.Features);
            }
        }

        var verdicts = new List<Verdict>();
        foreach (ArticleFeatures other in candidates)
        {
            if (queryId.Length > 0 && other.Id == queryId)
            {
                continue;
            }

            PairMeasure o = Verifier.Measure(probe.View, boilerplate.View(other), Options.Threshold);
            if (Verifier.Classify(q.ExactHash == other.ExactHash, o, Options.Threshold) is { } v)
            {
                verdicts.Add(new Verdict(other, v.Kind, v.Score, o, Sketches.SimHasher.HammingDistance(q.SimHash, other.SimHash)));
            }
        }

        return (verdicts, candidates.Count);
    }

    /// <summary>
    /// The shared corpus model: the published one, looked for every <see cref="SharedModelCheckInterval"/> calls; learned
    /// again from every record and published when the index grew by more than a tenth since it was learned.
    /// </summary>
    private async ValueTask<BoilerplateModel> SharedBoilerplateAsync(ISharedIndexStore store, CancellationToken cancellationToken)
    {
        SharedBoilerplate current = _sharedBoilerplate;
        long calls = Interlocked.Increment(ref _sharedCalls);
        long adds = Interlocked.Read(ref _sharedAddsSinceModel);
        bool due = calls % SharedModelCheckInterval == 1 || (adds > 0 && adds > current.Model.Articles / 10);
        if (!due)
        {
            return current.Model;
        }

        await _sharedModelGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            current = _sharedBoilerplate;
            if (await store.GetModelAsync(current.Version, cancellationToken).ConfigureAwait(false) is { } published)
            {
                current = new SharedBoilerplate(BoilerplateModel.Decode(published.Data), published.Version);
                _sharedBoilerplate = current;
            }

            long count = await store.CountAsync(cancellationToken).ConfigureAwait(false);
            long changes = count - current.Model.Articles;
            if (Math.Abs(changes) > 0 && Math.Abs(changes) > current.Model.Articles / 10)
            {
                var articles = new List<ArticleFeatures>((int)Math.Min(count, int.MaxValue));
                await foreach (KeyValuePair<int, byte[]> pair in store.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    ArticleFeatures f = ArticleRecord.Read(pair.Value);
                    f.Order = pair.Key;
                    articles.Add(f);
                }

                articles.Sort((x, y) => x.Order.CompareTo(y.Order));
                var model = BoilerplateModel.Build(articles, Options.BoilerplateDocumentFrequency);
                long version = await store.PublishModelAsync(new SharedModel(0, articles.Count, model.Encode()), cancellationToken).ConfigureAwait(false);
                if (await store.GetModelAsync(-1, cancellationToken).ConfigureAwait(false) is { } won && won.Version == version)
                {
                    current = new SharedBoilerplate(BoilerplateModel.Decode(won.Data), won.Version);
                    _sharedBoilerplate = current;
                }
            }

            Interlocked.Exchange(ref _sharedAddsSinceModel, 0);
            return current.Model;
        }
        finally
        {
            _sharedModelGate.Release();
        }
    }

    private sealed record SharedBoilerplate(BoilerplateModel Model, long Version);

    /// <summary>The bucket store of a shared detector: none of its own (the shared store holds the buckets); disposes the shared store.</summary>
    private sealed class SharedOnlyBuckets(ISharedIndexStore shared) : ILshBucketStore, IDisposable, IAsyncDisposable
    {
        public bool SupportsSynchronousAccess => false;

        public void Add(ReadOnlySpan<LshBucketEntry> entries) => throw NotShared();

        public void Remove(ReadOnlySpan<LshBucketEntry> entries) => throw NotShared();

        public int Query(ReadOnlySpan<ulong> bandKeys, Span<int> destination) => throw NotShared();

        public ValueTask AddAsync(ReadOnlyMemory<LshBucketEntry> entries, CancellationToken cancellationToken = default) => throw NotShared();

        public ValueTask RemoveAsync(ReadOnlyMemory<LshBucketEntry> entries, CancellationToken cancellationToken = default) => throw NotShared();

        public ValueTask<int[][]> QueryAsync(ReadOnlyMemory<ulong> bandKeys, CancellationToken cancellationToken = default) => throw NotShared();

        public void Dispose() => (shared as IDisposable)?.Dispose();

        public ValueTask DisposeAsync()
        {
            if (shared is IAsyncDisposable a)
            {
                return a.DisposeAsync();
            }

            Dispose();
            return ValueTask.CompletedTask;
        }

        private static NotSupportedException NotShared() =>
            new("This detector keeps its index in a shared store: use the asynchronous methods (FindCopiesAsync, AddAsync, FindOrAddAsync, RemoveAsync).");
    }
}

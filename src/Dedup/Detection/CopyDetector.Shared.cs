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
    private Task? _sharedLearning;
    private int _sharedLearningFailures;

    /// <summary>
    /// How long a worker's claim to learn the shared model lasts unless renewed: the learner renews it every third of
    /// that while it learns, so a worker that dies mid-way holds up the others for at most this long.
    /// </summary>
    internal static readonly TimeSpan SharedModelLease = TimeSpan.FromMinutes(1);

    /// <summary>How long disposing a shared detector waits for its calls under way before it disposes the store regardless.</summary>
    internal static readonly TimeSpan SharedCallsWait = TimeSpan.FromSeconds(30);

    /// <summary>Calls on the shared store under way (<see cref="EnterSharedCall"/>), which <see cref="DisposeAsync"/> waits for.</summary>
    private int _sharedCallsUnderWay;

    /// <summary>Set by <see cref="DisposeAsync"/>; completed when the last call under way ends.</summary>
    private TaskCompletionSource? _sharedCallsEnded;

    /// <summary>
    /// Counts a call on the shared store as under way until disposed, so that disposing the detector (and with it a store
    /// it owns, such as a Redis connection) waits for it: the call ends with its result, not with the closed connection's
    /// error, which could not say whether the article was added. A call that starts once the detector is disposed throws.
    /// </summary>
    private SharedCall EnterSharedCall()
    {
        if (_shared is null)
        {
            return default;
        }

        // Counted before the check: a dispose that finds no call under way has marked itself first, so this sees it.
        Interlocked.Increment(ref _sharedCallsUnderWay);
        if (Volatile.Read(ref _disposed) != 0)
        {
            ExitSharedCall();
            ObjectDisposedException.ThrowIf(true, this);
        }

        return new SharedCall(this);
    }

    private void ExitSharedCall()
    {
        if (Interlocked.Decrement(ref _sharedCallsUnderWay) == 0 && Volatile.Read(ref _disposed) != 0)
        {
            Volatile.Read(ref _sharedCallsEnded)?.TrySetResult();
        }
    }

    /// <summary>Waits, once the detector is marked disposed, until no call on the shared store is under way.</summary>
    private Task SharedCallsEndedAsync()
    {
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _sharedCallsEnded, ended);
        if (Volatile.Read(ref _sharedCallsUnderWay) == 0)
        {
            ended.TrySetResult();
        }

        return ended.Task;
    }

    /// <summary>A call on the shared store under way (<see cref="EnterSharedCall"/>); nothing for a detector with its own index.</summary>
    private readonly struct SharedCall(CopyDetector? detector) : IDisposable
    {
        public void Dispose() => detector?.ExitSharedCall();
    }

    /// <summary>This detector's name in claims on the store (<see cref="ISharedIndexStore.TryClaimModelLearningAsync"/>).</summary>
    private readonly string _sharedWorker = Guid.NewGuid().ToString("N");

    /// <summary>
    /// Creates a detector whose whole index (articles, id map, buckets, corpus model) lives in <paramref name="store"/>,
    /// so that several detectors (in several processes) on one store share one index: what one adds, the others find.
    /// </summary>
    /// <param name="options">The settings; null for <see cref="DetectorOptions.Default"/>. Every worker of one store must use the same.</param>
    /// <param name="store">
    /// The shared store, owned from now on by the detectors of this process that use it: disposed (when disposable) with
    /// the last of them. Several detectors may share one store object (one connection to the server).
    /// </param>
    /// <remarks>
    /// <para>
    /// Only the asynchronous methods work (<see cref="AddAsync"/>, <see cref="FindCopiesAsync(Article, CancellationToken)"/>,
    /// <see cref="FindOrAddAsync"/>, <see cref="RemoveAsync"/>); the synchronous ones, <see cref="Count"/>,
    /// <see cref="Contains"/> and the clusters throw <see cref="NotSupportedException"/> (ask the store:
    /// <see cref="ISharedIndexStore.CountAsync"/>). A search costs two store calls (the buckets' earliest holders, then
    /// the records of the candidates chosen among them by the rules of a detector with its own index), an add or a
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
    /// every worker uses the published one, so all judge alike. When the index changed by more than a tenth since it
    /// was learned, the one worker that claims the work learns it again from every record, on a background task (inside
    /// the call for a model of up to 500 articles), and publishes it; calls go on with the model they have.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    public CopyDetector(DetectorOptions? options, ISharedIndexStore store)
        : this(options, new SharedOnlyBuckets(store))
    {
        _shared = store;
        SharedOnlyBuckets.Retain(store);
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

    /// <summary>Set once this detector found settings recorded in the shared store (its own or those it matched).</summary>
    private volatile bool _sharedIndexSeen;

    /// <summary>Calls that reached <see cref="CheckSharedSettingsAsync"/>: the settings are checked again every <see cref="SharedModelCheckInterval"/>.</summary>
    private long _sharedSettingsCalls;

    /// <summary>
    /// What shapes this detector's records and keys and the corpus model the workers share, as a shared store records
    /// it: the boilerplate rules decide which lines a record keeps, whether rewrites are detected whether it holds
    /// skeletons and paraphrase terms, and the boilerplate frequency the model one worker learns for all (the threshold
    /// may differ between workers). A process in globalization-invariant mode says so
    /// (<see cref="Text.Tokenizer.FoldsCompatibilityCharacters"/>): its tokens of some texts differ.
    /// </summary>
    private string SharedSettings => System.FormattableString.Invariant(
        $"seed {Options.Seed:X16}, shingle size {Options.ShingleSize}, skeleton size {FeatureExtractor.SkeletonShingleSize}, stopwords {StopwordFingerprint(Options.Stopwords):X16}, boilerplate rules {RulesFingerprint(Options.Boilerplate):X16}, boilerplate frequency {Options.BoilerplateDocumentFrequency}")
        + (FoldsCompatibilityCharacters ? string.Empty : ", no Unicode compatibility folding (globalization-invariant mode)")
        // A worker that does not detect rewrites adds records without skeletons and paraphrase terms. Said only when off,
        // so that the settings an index recorded before (every worker detecting them) are the same text.
        + (Options.DetectRewrites ? string.Empty : ", rewrites not detected (DetectRewrites false)");

    /// <summary>Whether this process folds compatibility characters (<see cref="Text.Tokenizer.FoldsCompatibilityCharacters"/>); tests set it to act as the other kind.</summary>
    internal bool FoldsCompatibilityCharacters { get; init; } = Text.Tokenizer.FoldsCompatibilityCharacters;

    /// <summary>A fingerprint of boilerplate rules: their prefixes, fragments and longest line, in order.</summary>
    private static ulong RulesFingerprint(Text.BoilerplateRules rules)
    {
        var hash = new System.IO.Hashing.XxHash64();
        foreach (IReadOnlyList<string> list in (ReadOnlySpan<IReadOnlyList<string>>)[rules.LinePrefixes, rules.LineFragments])
        {
            foreach (string item in list)
            {
                hash.Append(System.Runtime.InteropServices.MemoryMarshal.AsBytes(item.AsSpan()));
                hash.Append([0, 0]);
            }

            hash.Append([1]);
        }

        hash.Append(BitConverter.GetBytes(rules.MaxLineLength));
        return hash.GetCurrentHashAsUInt64();
    }

    /// <summary>
    /// On the first call to the shared store, and again every <see cref="SharedModelCheckInterval"/> calls: records this
    /// detector's settings there, or checks them against those recorded by the detectors before it, so that a worker
    /// with other settings is refused instead of mixing records and keys of another shape into the index (its verdicts
    /// would change silently). Checked again because a store that lost its data (a restart without persistence, a
    /// clear) lost the record too: the workers already running record it anew, and a worker with other settings that
    /// joins later is refused as before (it was let in, and recorded its own). A detector that found the settings
    /// recorded before and records them anew reports the loss to its observer (<see cref="DetectorObserver.SharedIndexLost"/>).
    /// </summary>
    private async ValueTask CheckSharedSettingsAsync(ISharedIndexStore store, CancellationToken cancellationToken)
    {
        long calls = Interlocked.Increment(ref _sharedSettingsCalls);
        if (_sharedSettingsChecked && calls % SharedModelCheckInterval != 0)
        {
            return;
        }

        string mine = SharedSettings;
        SharedSettings found = await store.RecordSettingsAsync(mine, cancellationToken).ConfigureAwait(false);
        string recorded = found.Recorded;
        if (found.RecordedNow && _sharedIndexSeen)
        {
            // Recorded before, and now recorded anew: the store lost the index in between, the articles indexed
            // before with it. The detector goes on with the index as it is now; whoever watches it must know.
            Options.Observer?.SharedIndexLost();
        }

        _sharedIndexSeen = true;
        if (!string.Equals(recorded, mine, StringComparison.Ordinal))
        {
            // Every later call checks again, and is refused while the index records other settings: a refusal used to
            // let the next 63 calls through (their check skipped), mixing this detector's records into the index.
            _sharedSettingsChecked = false;
            throw new InvalidOperationException(
                $"The shared index was made by detectors with other settings: it records '{recorded}', and this detector has '{mine}'. " +
                "Every worker of one index must use the same seed, shingle size, stopwords, boilerplate rules, boilerplate frequency and DetectRewrites setting (the threshold may differ), " +
                "and fold Unicode compatibility characters alike (a process in globalization-invariant mode folds none). " +
                "This call changed nothing in the index (the check comes before any write).");
        }

        _sharedSettingsChecked = true;
    }

    /// <summary>The store's form of an article.</summary>
    private static SharedArticle ToShared(ArticleFeatures f) =>
        new(f.Id, f.ExactHash, f.SimHash, f.Published ?? DateTimeOffset.UtcNow, ArticleRecord.ToArray(f), StoreKeys(f.ExactHash, f.Words, f.Skeleton, f.ParaphraseTerms));

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
    /// Searches the shared store: one query for the buckets (each bucket's size and earliest holders, with their
    /// fingerprints), the candidates chosen by the rules of the one candidate index (<see cref="CandidateSelector"/>, as
    /// a detector with its own index chooses them), one read of the records of those not cached, then verification.
    /// </summary>
    /// <param name="store">The shared store.</param>
    /// <param name="q">The article.</param>
    /// <param name="queryId">Its id (never reported as its own copy), or empty.</param>
    /// <param name="self">Its slot when it is indexed, else -1.</param>
    /// <param name="earlierOnly">Only slots before <paramref name="self"/> are candidates (it was just added).</param>
    /// <param name="checkSettings">
    /// Whether to check the settings (<see cref="CheckSharedSettingsAsync"/>); false after an add that checked them, so
    /// that a call is checked once, before it writes: a check here, after the add, refused calls whose article it had added.
    /// </param>
    /// <param name="cancellationToken">Cancels the call.</param>
    private async ValueTask<(List<Verdict> Verdicts, int Candidates)> SearchSharedAsync(
        ISharedIndexStore store, ArticleFeatures q, string queryId, int self, bool earlierOnly, bool checkSettings, CancellationToken cancellationToken)
    {
        if (checkSettings)
        {
            await CheckSharedSettingsAsync(store, cancellationToken).ConfigureAwait(false);
        }

        BoilerplateModel boilerplate = await SharedBoilerplateAsync(store, cancellationToken).ConfigureAwait(false);
        Probe probe = NewProbe(q, boilerplate);
        SharedBucket[] buckets = await store.QueryAsync(probe.Keys, CandidateSelector.Window, cancellationToken).ConfigureAwait(false);
        int[] wanted = SelectShared(buckets, q.SimHash, self, earlierOnly && self >= 0 ? self : int.MaxValue);
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

            if (Verifier.Verify(probe.View, boilerplate.View(other), q.ExactHash == other.ExactHash, Options.Threshold, out PairMeasure o) is { } v)
            {
                verdicts.Add(new Verdict(other, v.Kind, v.Score, o, Sketches.SimHasher.HammingDistance(q.SimHash, other.SimHash)));
            }
        }

        return (verdicts, candidates.Count);
    }

    /// <summary>
    /// The slots to verify from the shared store's buckets: every holder of a rare key, then at most
    /// <see cref="CandidateSelector.MaxCommonVerified"/> of those proposed by common keys alone, nearest in SimHash first.
    /// Slots are allocated in insertion order, so a bucket's earliest holders are its lowest slots.
    /// </summary>
    /// <param name="buckets">The buckets of the article's keys.</param>
    /// <param name="fingerprint">The article's SimHash.</param>
    /// <param name="self">The article's own slot when it is indexed, else -1.</param>
    /// <param name="before">Only slots below this are candidates; <see cref="int.MaxValue"/> for all.</param>
    internal static int[] SelectShared(SharedBucket[] buckets, ulong fingerprint, int self, int before)
    {
        var fingerprints = new Dictionary<int, ulong>();
        foreach (SharedBucket b in buckets)
        {
            ReadOnlySpan<int> slots = b.Slots.Span;
            ReadOnlySpan<ulong> prints = b.Fingerprints.Span;
            for (int i = 0; i < slots.Length; i++)
            {
                fingerprints[slots[i]] = prints[i];
            }
        }

        CandidateSelector selector = CandidateSelector.ForThread();
        selector.PreferNear(fingerprint, slot => fingerprints.GetValueOrDefault(slot));
        foreach (SharedBucket b in buckets)
        {
            if (b.Count > 0)
            {
                // At most the window a selector reads (a store may give more than it was asked for).
                ReadOnlySpan<int> holders = b.Slots.Span;
                selector.Offer(holders[..Math.Min(holders.Length, CandidateSelector.Window)], Math.Max(b.Count, holders.Length), before, self);
            }
        }

        selector.Finish();
        int common = Math.Min(selector.Common.Count, CandidateSelector.MaxCommonVerified);
        int[] result = new int[selector.Rare.Count + common];
        selector.Rare.CopyTo(result);
        selector.Common.CopyTo(0, result, selector.Rare.Count, common);
        return result;
    }

    /// <summary>
    /// The shared corpus model: the published one, looked for every <see cref="SharedModelCheckInterval"/> calls (and
    /// when this detector alone changed the index by more than a tenth since). When the index changed by more than a
    /// tenth since the published model was learned, the model of an index of up to
    /// <see cref="SynchronousBoilerplateLimit"/> articles is learned again here; of a larger one on a background task of the one worker that claims the work
    /// (<see cref="ISharedIndexStore.TryClaimModelLearningAsync"/>), while every call goes on with the model it has.
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
            current = await AdoptPublishedModelAsync(store, cancellationToken).ConfigureAwait(false);
            long count = await store.CountAsync(cancellationToken).ConfigureAwait(false);
            Interlocked.Exchange(ref _sharedAddsSinceModel, 0);
            if (!IsStale(current.Model.Articles, count))
            {
                return current.Model;
            }

            // The work is reading every record: inside the call only for a small index (a new worker joining a large
            // one that has no model yet learns it in the background too).
            if (count <= SynchronousBoilerplateLimit)
            {
                long basis = await BasisAsync(store, cancellationToken).ConfigureAwait(false);
                await LearnSharedModelAsync(store, basis, count, inBackground: false, cancellationToken).ConfigureAwait(false);
                return _sharedBoilerplate.Model;
            }

            if ((_sharedLearning is null || _sharedLearning.IsCompleted)
                && await store.TryClaimModelLearningAsync(_sharedWorker, SharedModelLease, cancellationToken).ConfigureAwait(false))
            {
                long basis = await BasisAsync(store, cancellationToken).ConfigureAwait(false);
                _sharedLearning = Task.Run(() => LearnSharedModelInBackgroundAsync(store, basis, count), CancellationToken.None);
            }

            return current.Model;
        }
        finally
        {
            _sharedModelGate.Release();
        }

        static bool IsStale(long learned, long count) => count != learned && Math.Abs(count - learned) > learned / 10;
    }

    /// <summary>
    /// The version a model learned now replaces: the one the store holds, or 0 when it holds none. (Not the one this
    /// detector holds: a store emptied under it, by a restart without persistence or a clear, counts its versions from 0
    /// again, and a model published over the version held would be refused for good.)
    /// </summary>
    private static async ValueTask<long> BasisAsync(ISharedIndexStore store, CancellationToken cancellationToken) =>
        await store.GetModelAsync(-1, cancellationToken).ConfigureAwait(false) is { } published ? published.Version : 0;

    /// <summary>
    /// Reads the published model when it is not the one this detector holds, and uses it from now on: any other
    /// version, not only a higher one (an emptied store counts its versions from 0 again).
    /// </summary>
    private async ValueTask<SharedBoilerplate> AdoptPublishedModelAsync(ISharedIndexStore store, CancellationToken cancellationToken)
    {
        SharedBoilerplate current = _sharedBoilerplate;
        if (await store.GetModelAsync(current.Version, cancellationToken).ConfigureAwait(false) is { } published && published.Version != current.Version)
        {
            current = new SharedBoilerplate(BoilerplateModel.Decode(published.Data), published.Version);
            _sharedBoilerplate = current;
        }

        return current;
    }

    /// <summary>
    /// Learns the model from every record of the store and publishes it unless another was published since version
    /// <paramref name="basis"/>, then uses the published one.
    /// </summary>
    /// <param name="store">The shared store.</param>
    /// <param name="basis">The version of the published model when the learning began.</param>
    /// <param name="count">How many articles the store held when the model was found stale (the room for their sets).</param>
    /// <param name="inBackground">Stop when the detector is disposed (a call under way ends with its result instead).</param>
    /// <param name="cancellationToken">Cancels the learning.</param>
    private async Task LearnSharedModelAsync(ISharedIndexStore store, long basis, long count, bool inBackground, CancellationToken cancellationToken)
    {
        // Each record's sets are packed outside the heap as it is read (the model needs only words and skeleton, in no
        // particular order): decoded articles held until the end made a learner at 100,000 articles hold ~0.5 GB on the
        // heap, and the collections that followed paused its worker's calls for up to 0.57 s.
        int room = (int)Math.Min(Array.MaxLength, count + (count / 8) + 64);
        using var sets = new PackedSets(room);
        int read = 0;
        await foreach (KeyValuePair<int, byte[]> pair in store.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            ObjectDisposedException.ThrowIf(inBackground && Volatile.Read(ref _disposed) != 0, this);
            if (read == room)
            {
                break; // many added while it read: the model of those read
            }

            ArticleFeatures f = ArticleRecord.Read(pair.Value);
            sets.Add(read++, f.Words, f.Skeleton, [], []);
        }

        sets.Shrink(read);
        var model = BoilerplateModel.Build(sets, Options.BoilerplateDocumentFrequency, concurrently: false);
        await store.PublishModelAsync(new SharedModel(basis, read, model.Encode()), cancellationToken).ConfigureAwait(false);
        await AdoptPublishedModelAsync(store, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <see cref="LearnSharedModelAsync"/> off the calls' path; a failure (the store unreachable, the detector disposed)
    /// leaves the model as it was, to be learned again at a later check. Gives up the claim when done.
    /// </summary>
    private async Task LearnSharedModelInBackgroundAsync(ISharedIndexStore store, long basis, long count)
    {
        using var done = new CancellationTokenSource();
        Task renewing = RenewClaimAsync(store, done.Token);
        try
        {
            await LearnSharedModelAsync(store, basis, count, inBackground: true, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A background task has no caller to tell; the next check learns again.
        catch (Exception)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref _sharedLearningFailures);
        }

        await done.CancelAsync().ConfigureAwait(false);
        await renewing.ConfigureAwait(false);

        if (Volatile.Read(ref _disposed) == 0)
        {
            await ReleaseSharedClaimAsync(learning: true).ConfigureAwait(false);
        }
    }

    /// <summary>Renews this detector's claim every third of the lease until <paramref name="done"/> (a failed renewal is left to the next).</summary>
    private async Task RenewClaimAsync(ISharedIndexStore store, CancellationToken done)
    {
        while (true)
        {
            try
            {
                await Task.Delay(SharedModelLease / 3, done).ConfigureAwait(false);
                await store.TryClaimModelLearningAsync(_sharedWorker, SharedModelLease, done).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
#pragma warning disable CA1031 // The claim then lapses after its lease, as it would for a worker that died.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    /// <summary>
    /// Gives up this detector's claim to learn the shared model, if it learns it now: when the learning ends, and when
    /// the detector is disposed mid-way (the other workers would otherwise wait for the lease to run out before one of
    /// them learns it).
    /// </summary>
    /// <param name="learning">Called by the learner itself (else: only if this detector ever started learning).</param>
    private async ValueTask ReleaseSharedClaimAsync(bool learning = false)
    {
        if (_shared is null || (!learning && Volatile.Read(ref _sharedLearning) is null))
        {
            return;
        }

        try
        {
            await _shared.ReleaseModelLearningAsync(_sharedWorker, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The claim then lapses after its lease.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>The shared model in use and the background learning last started (null if none): for tests.</summary>
    internal (BoilerplateModel Model, long Version, Task? Learning, int Failures) SharedModelForTests =>
        (_sharedBoilerplate.Model, _sharedBoilerplate.Version, _sharedLearning, Volatile.Read(ref _sharedLearningFailures));

    private sealed record SharedBoilerplate(BoilerplateModel Model, long Version);

    /// <summary>
    /// The bucket store of a shared detector: none of its own (the shared store holds the buckets). Disposing it disposes
    /// the shared store when no other detector of the process uses it: several detectors may share one store (one
    /// connection), and the first of them disposed used to close it under the others.
    /// </summary>
    private sealed class SharedOnlyBuckets(ISharedIndexStore shared) : ILshBucketStore, IDisposable, IAsyncDisposable
    {
        /// <summary>The detectors (not yet disposed) that use each shared store.</summary>
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ISharedIndexStore, System.Runtime.CompilerServices.StrongBox<int>> Users = [];

        private static readonly Lock UsersLock = new();

        /// <summary>Counts one more detector using <paramref name="store"/> (once it is made).</summary>
        public static void Retain(ISharedIndexStore store)
        {
            lock (UsersLock)
            {
                Users.GetOrAdd(store, static _ => new System.Runtime.CompilerServices.StrongBox<int>()).Value++;
            }
        }

        /// <summary>Counts the detector of these buckets out; true when it was the last to use the store.</summary>
        private bool Release()
        {
            lock (UsersLock)
            {
                if (Users.TryGetValue(shared, out System.Runtime.CompilerServices.StrongBox<int>? users) && --users.Value > 0)
                {
                    return false;
                }

                Users.Remove(shared);
                return true;
            }
        }

        public bool SupportsSynchronousAccess => false;

        public void Add(ReadOnlySpan<LshBucketEntry> entries) => throw NotShared();

        public void Remove(ReadOnlySpan<LshBucketEntry> entries) => throw NotShared();

        public int Query(ReadOnlySpan<ulong> bandKeys, Span<int> destination) => throw NotShared();

        public ValueTask AddAsync(ReadOnlyMemory<LshBucketEntry> entries, CancellationToken cancellationToken = default) => throw NotShared();

        public ValueTask RemoveAsync(ReadOnlyMemory<LshBucketEntry> entries, CancellationToken cancellationToken = default) => throw NotShared();

        public ValueTask<int[][]> QueryAsync(ReadOnlyMemory<ulong> bandKeys, CancellationToken cancellationToken = default) => throw NotShared();

        public void Dispose()
        {
            if (Release())
            {
                (shared as IDisposable)?.Dispose();
            }
        }

        public ValueTask DisposeAsync()
        {
            if (!Release())
            {
                return ValueTask.CompletedTask;
            }

            if (shared is IAsyncDisposable a)
            {
                return a.DisposeAsync();
            }

            (shared as IDisposable)?.Dispose();
            return ValueTask.CompletedTask;
        }

        private static NotSupportedException NotShared() =>
            new("This detector keeps its index in a shared store: use the asynchronous methods (FindCopiesAsync, AddAsync, FindOrAddAsync, RemoveAsync).");
    }
}

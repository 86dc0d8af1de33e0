using System.Diagnostics;
using Dedup.Indexing;

namespace Dedup.Detection;

/// <content>
/// The asynchronous API for services: find, add, find-or-add and remove with cancellation, an asynchronous article
/// lookup for evidence, and the bucket store's batch path for stores on a network server.
/// </content>
/// <remarks>
/// <para>
/// <b>Atomic find-or-add.</b> Writers that go through <see cref="FindOrAddAsync"/>, <see cref="AddAsync"/> and
/// <see cref="RemoveAsync"/> take turns (an asynchronous gate, so no thread blocks while it waits); a find-or-add
/// searches and adds inside one turn, so of two copies sent at once to two callers, the second to get its turn finds
/// the first. With a synchronous store the search and the insertion also run under the detector's write lock, which
/// makes them atomic with respect to the synchronous <see cref="Add(Article)"/> and <see cref="Remove"/> as well.
/// </para>
/// <para>
/// <b>Stores.</b> With a synchronous store (the default in-memory one) the asynchronous methods use its synchronous
/// members and complete without waiting unless they wait for their turn or for <see cref="DetectorOptions.ArticleLookupAsync"/>.
/// With a store that has only an asynchronous path (a Redis-protocol server), they call only its batch members,
/// once per call: one <see cref="ILshBucketStore.QueryAsync"/> with all of the article's keys, one
/// <see cref="ILshBucketStore.AddAsync"/> or <see cref="ILshBucketStore.RemoveAsync"/> with all of its entries.
/// </para>
/// <para>
/// <b>Re-delivery.</b> Adding an id that is indexed with the same text (the same tokens, title included) changes nothing
/// and reports <c>false</c>; adding it with another text throws <see cref="ArgumentException"/> naming the id, so a
/// corrected story is replaced by removing the old version first.
/// </para>
/// <para>
/// <b>Cancellation.</b> A call cancelled before its article is added or removed changes nothing and throws
/// <see cref="OperationCanceledException"/>. Once the change is made (and journaled) it is kept: a find-or-add whose
/// evidence lookup is cancelled afterwards returns (<see cref="FindOrAddResult.Added"/> true, its matches without the
/// passages not yet looked up), one whose lookup fails throws, and a retry is an idempotent re-delivery. On a shared store
/// the change is made when the store runs it: a call cancelled while waiting for the store's reply may have added or
/// removed its article, and a retry tells (an add then reports <c>false</c>).
/// </para>
/// </remarks>
public sealed partial class CopyDetector : IDisposable, IAsyncDisposable
{
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private int _disposed;

    /// <summary>
    /// Finds the indexed articles that are copies of <paramref name="article"/>, best first, like
    /// <see cref="FindCopies(Article)"/>, querying the bucket store with one batch and looking up evidence with
    /// <see cref="DetectorOptions.ArticleLookupAsync"/> when set.
    /// </summary>
    /// <exception cref="ArgumentException">The article's id or text is null, or its text empty or only whitespace (a page without a body).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The detector was disposed.</exception>
    public async ValueTask<IReadOnlyList<CopyMatch>> FindCopiesAsync(Article article, CancellationToken cancellationToken = default)
    {
        CheckArticle(article, requireId: false);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        using SharedCall call = EnterSharedCall();
        using var op = new Operation(this, DetectorOperation.FindCopies, article.Id.Length > 0 ? article.Id : null);
        try
        {
            // Checked between the steps, each of which may take a while on a long text (features of 3.5 million
            // characters take half a second), as FindOrAddAsync's are.
            ArticleFeatures q = FeatureExtractor.Extract(article, Options);
            cancellationToken.ThrowIfCancellationRequested();
            (List<Verdict> verdicts, int candidates) = _shared is { } shared
                ? await SearchSharedAsync(shared, q, article.Id, -1, false, checkSettings: true, cancellationToken).ConfigureAwait(false)
                : await SearchAsync(NewProbe(q), article.Id, cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            IReadOnlyList<CopyMatch> matches = await ToMatchesAsync(article, verdicts, cancellationToken).ConfigureAwait(false);
            op.Complete(candidates, matches, changed: false);
            return matches;
        }
        catch (Exception e)
        {
            op.Fail(e);
            throw;
        }
    }

    /// <summary>Finds the indexed articles that are copies of this text, best first.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="text"/> is empty or only whitespace (a page without a body).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ValueTask<IReadOnlyList<CopyMatch>> FindCopiesAsync(string text, CancellationToken cancellationToken = default)
    {
        CheckText(text);
        return FindCopiesAsync(new Article(string.Empty, text), cancellationToken);
    }

    /// <summary>Indexes an article; adding an id again with the same text does nothing (see the remarks of the type).</summary>
    /// <returns>True when the article was added; false when it was already indexed with the same text.</returns>
    /// <exception cref="ArgumentException">The id is empty, the text empty or only whitespace (a page without a body), or the id already indexed with another text; the message names it.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before the article was added.</exception>
    /// <exception cref="ObjectDisposedException">The detector was disposed.</exception>
    public async ValueTask<bool> AddAsync(Article article, CancellationToken cancellationToken = default)
    {
        CheckArticle(article, requireId: true);
        ThrowIfReadOnly();
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        using SharedCall call = EnterSharedCall();
        using var op = new Operation(this, DetectorOperation.Add, article.Id);
        try
        {
            ArticleFeatures q = FeatureExtractor.Extract(article, Options);
            bool added;
            if (_shared is { } shared)
            {
                // The shared store adds atomically; writers of this process need not take turns.
                added = (await AddSharedAsync(shared, q, nameof(article), cancellationToken).ConfigureAwait(false)).Status == SharedAddStatus.Added;
                op.Complete(0, [], added);
                return added;
            }

            await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                ObjectDisposedException.ThrowIf(_disposed != 0, this);
                cancellationToken.ThrowIfCancellationRequested();
                added = _store.SupportsSynchronousAccess
                    ? Insert(q, article, null)
                    : await InsertThroughStoreAsync(q, article, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _writeGate.Release();
            }

            KeepBoilerplateCurrent();
            op.Complete(0, [], added);
            return added;
        }
        catch (Exception e)
        {
            op.Fail(e);
            throw;
        }
    }

    /// <summary>The indexed articles and their slots (under the lock).</summary>
    private List<(int Slot, ArticleFeatures Features)> LiveArticlesLocked()
    {
        var live = new List<(int Slot, ArticleFeatures Features)>(_registry.Count);
        foreach (int slot in _registry.LiveSlots)
        {
            if (_registry[slot] is { } f)
            {
                live.Add((slot, f));
            }
        }

        return live;
    }

    /// <summary>Articles whose keys <see cref="RestoreBucketsAsync"/> sends to the store in one batch.</summary>
    private const int RestoreBatchArticles = 256;

    /// <summary>
    /// Adds the bucket keys of every indexed article to the bucket store again, for a store that lost them: a Redis
    /// server restarted without persistence or flushed (<c>RedisBucketStore.KeysLost</c> tells). The detector keeps each
    /// article's features, so its index is whole again; searches made meanwhile find fewer candidates. Adds and removals
    /// wait until it is done (it takes their turn); with a store on a server, articles go in batches of 256, one store
    /// call each.
    /// </summary>
    /// <remarks>
    /// Only for a store that lost every key: the store counts each (key, article) pair (a multiset), so keys it still held
    /// would count twice, and a removal would then leave one behind (a candidate the verifier rejects, at a verification's
    /// cost).
    /// </remarks>
    /// <param name="cancellationToken">Stops between batches; the batches sent stay (call it again to finish: see the remarks).</param>
    /// <returns>How many articles' keys were added.</returns>
    /// <exception cref="NotSupportedException">The index lives in a shared store, which keeps the whole index itself.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The detector was disposed.</exception>
    public async ValueTask<int> RestoreBucketsAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        ThrowIfShared(nameof(RestoreBucketsAsync), "it keeps every key itself, and its own restore is the server's");
        cancellationToken.ThrowIfCancellationRequested();
        using SharedCall call = EnterSharedCall();
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            if (_store.SupportsSynchronousAccess)
            {
                // A local store: all at once, under the lock that its synchronous writers take too.
                EnterWriteLock();
                try
                {
                    List<(int Slot, ArticleFeatures Features)> all = LiveArticlesLocked();
                    foreach ((int slot, ArticleFeatures f) in all)
                    {
                        _store.Add(Entries(f, slot));
                    }

                    return all.Count;
                }
                finally
                {
                    _lock.ExitWriteLock();
                }
            }

            // A store with only the asynchronous path: its writers go through the gate held here.
            List<(int Slot, ArticleFeatures Features)> live;
            EnterReadLock();
            try
            {
                live = LiveArticlesLocked();
            }
            finally
            {
                _lock.ExitReadLock();
            }

            for (int start = 0; start < live.Count; start += RestoreBatchArticles)
            {
                cancellationToken.ThrowIfCancellationRequested();
                LshBucketEntry[] entries = [.. live.Skip(start).Take(RestoreBatchArticles).SelectMany(a => Entries(a.Features, a.Slot))];
                await _store.AddAsync(entries, cancellationToken).ConfigureAwait(false);
            }

            return live.Count;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>
    /// Finds the copies of <paramref name="article"/> among the indexed articles and adds it, in one step that is atomic
    /// with respect to the other writers (see the remarks of the type), tokenizing the article once.
    /// </summary>
    /// <returns>
    /// The copies found before the article was added, best first, and whether it was added (false for a re-delivery of
    /// the same id and text, whose copies are still reported).
    /// </returns>
    /// <exception cref="ArgumentException">The id is empty, the text empty or only whitespace (a page without a body), or the id already indexed with another text; the message names it.</exception>
    /// <exception cref="OperationCanceledException">
    /// <paramref name="cancellationToken"/> was cancelled before the article was added: nothing changed. A cancellation
    /// during the evidence lookup after the add does not throw: the call returns (<see cref="FindOrAddResult.Added"/>
    /// true), its matches without the passages not yet looked up. On a shared store (<see cref="ISharedIndexStore"/>),
    /// which adds before it searches, a cancellation after the add and before the search has ended throws, and a retry
    /// reports <c>Added</c> false with the copies.
    /// </exception>
    /// <exception cref="ObjectDisposedException">The detector was disposed.</exception>
    public async ValueTask<FindOrAddResult> FindOrAddAsync(Article article, CancellationToken cancellationToken = default)
    {
        CheckArticle(article, requireId: true);
        ThrowIfReadOnly();
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        using SharedCall call = EnterSharedCall();
        using var op = new Operation(this, DetectorOperation.FindOrAdd, article.Id);
        try
        {
            ArticleFeatures q = FeatureExtractor.Extract(article, Options);
            List<Verdict> verdicts;
            int candidates;
            bool added;
            if (_shared is { } shared)
            {
                // Added first, then the copies among the earlier slots: two copies sent at once to two workers are paired
                // by the later one, as if they had come one after the other. A re-delivery reports its copies among all
                // the others, as a detector with its own index does.
                SharedAddResult r = await AddSharedAsync(shared, q, nameof(article), cancellationToken).ConfigureAwait(false);
                added = r.Status == SharedAddStatus.Added;
                (verdicts, candidates) = await SearchSharedAsync(shared, q, article.Id, r.Slot, added, checkSettings: false, cancellationToken).ConfigureAwait(false);
                IReadOnlyList<CopyMatch> found = await ToMatchesAsync(article, verdicts, cancellationToken, changedIndex: added).ConfigureAwait(false);
                op.Complete(candidates, found, added);
                return new FindOrAddResult(found, added);
            }

            await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                ObjectDisposedException.ThrowIf(_disposed != 0, this);
                Probe probe = NewProbe(q);
                if (_store.SupportsSynchronousAccess)
                {
                    EnterWriteLock();
                    try
                    {
                        verdicts = VerifyLocked(probe, article.Id, CandidatesLocked(probe.Keys, probe.Features.SimHash, article.Id), out candidates);
                        cancellationToken.ThrowIfCancellationRequested();
                        added = InsertOrSkipLocked(q, article, probe);
                    }
                    finally
                    {
                        _lock.ExitWriteLock();
                    }
                }
                else
                {
                    (verdicts, candidates) = await SearchAsync(probe, article.Id, cancellationToken).ConfigureAwait(false);
                    added = await InsertThroughStoreAsync(q, article, cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                _writeGate.Release();
            }

            IReadOnlyList<CopyMatch> matches = await ToMatchesAsync(article, verdicts, cancellationToken, changedIndex: added).ConfigureAwait(false);
            op.Complete(candidates, matches, added);
            return new FindOrAddResult(matches, added);
        }
        catch (Exception e)
        {
            op.Fail(e);
            throw;
        }
    }

    /// <summary>Removes an article; returns false when it was not indexed.</summary>
    /// <remarks>The article stops being found as soon as the removal starts, before the store has dropped its entries.</remarks>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before the article was removed.</exception>
    /// <exception cref="ObjectDisposedException">The detector was disposed.</exception>
    public async ValueTask<bool> RemoveAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return await RemoveCoreAsync([id], id, cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <summary>
    /// Removes articles by id as <see cref="RemoveRange"/> does (journaled with one write; a failure to journal them
    /// removes none), for a detector whose bucket store is reached asynchronously too (one batch to the store for all
    /// of them) and for a detector over a shared index (one <see cref="ISharedIndexStore.RemoveAsync"/> for all of them).
    /// </summary>
    /// <param name="ids">The ids; one not indexed is passed over, and one given twice is removed once.</param>
    /// <param name="cancellationToken">Checked before anything is removed; on a shared store, as for <see cref="RemoveAsync"/>, a call cancelled while the store runs it may have removed them.</param>
    /// <returns>The number of articles removed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ids"/> or one of its ids is null; nothing is removed.</exception>
    /// <exception cref="InvalidOperationException">The detector was opened read-only (<see cref="OpenReadOnly"/>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before the articles were removed.</exception>
    /// <exception cref="IOException">The journal could not be written; nothing is removed.</exception>
    /// <exception cref="ObjectDisposedException">The detector was disposed.</exception>
    public ValueTask<int> RemoveRangeAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default)
        => RemoveCoreAsync(CheckIds(ids), null, cancellationToken);

    /// <summary>
    /// <see cref="RemoveAsync"/> and <see cref="RemoveRangeAsync"/>: through a shared index's store, the synchronous
    /// path, or the store's asynchronous batch, one call for all the ids; reported to the observer as one removal
    /// (of <paramref name="id"/>, when there is one id).
    /// </summary>
    private async ValueTask<int> RemoveCoreAsync(string[] ids, string? id, CancellationToken cancellationToken)
    {
        ThrowIfReadOnly();
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        using SharedCall call = EnterSharedCall();
        using var op = new Operation(this, DetectorOperation.Remove, id);
        try
        {
            int removed;
            if (_shared is { } shared)
            {
                await CheckSharedSettingsAsync(shared, cancellationToken).ConfigureAwait(false);
                string[] distinct = [.. ids.Distinct(StringComparer.Ordinal)];
                removed = distinct.Length == 0 ? 0 : (await shared.RemoveAsync(distinct, cancellationToken).ConfigureAwait(false)).Count(r => r);
                Interlocked.Add(ref _sharedAddsSinceModel, removed);
                op.Complete(0, [], removed > 0, articles: distinct.Length);
                return removed;
            }

            await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                ObjectDisposedException.ThrowIf(_disposed != 0, this);
                cancellationToken.ThrowIfCancellationRequested();
                removed = _store.SupportsSynchronousAccess ? RemoveRange(ids, cancellationToken) : await RemoveRangeThroughStoreAsync(ids, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _writeGate.Release();
            }

            op.Complete(0, [], removed > 0, articles: ids.Length);
            return removed;
        }
        catch (Exception e)
        {
            op.Fail(e);
            throw;
        }
    }

    /// <summary>
    /// Removes the indexed ids among <paramref name="ids"/> through the store's asynchronous path (call inside the write
    /// gate): journaled with one write, then dropped from the store with one batch; a slot is reused only once the store
    /// has dropped its entries.
    /// </summary>
    private async ValueTask<int> RemoveRangeThroughStoreAsync(string[] ids, CancellationToken cancellationToken)
    {
        var retired = new List<(int Slot, ArticleFeatures Features)>();
        EnterWriteLock();
        try
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            List<string> due = [.. ids.Where(id => seen.Add(id) && _registry.Contains(id))];
            if (due.Count == 0)
            {
                return 0;
            }

            JournalRemoves(due);
            foreach (string id in due)
            {
                _registry.Retire(id, out int slot, out ArticleFeatures? f);
                retired.Add((slot, f!));
            }

            Interlocked.Increment(ref _version);
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        // Removed from here on; the slots are reused only once the store has dropped their entries.
        LshBucketEntry[] entries = [.. retired.SelectMany(r => Entries(r.Features, r.Slot))];
        await _store.RemoveAsync(entries, cancellationToken).ConfigureAwait(false);
        EnterWriteLock();
        try
        {
            foreach ((int slot, _) in retired)
            {
                _registry.Release(slot);
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        return retired.Count;
    }

    /// <summary>
    /// Closes the journal (if the detector was opened with one) and releases the locks and the bucket store; it does not
    /// write a snapshot (call <see cref="Checkpoint"/> first to compact). A checkpoint under way on another thread ends
    /// first, so that no other detector opens the index in the middle of it. A call racing it (a host stopping while
    /// requests run) either ends whole, its change journaled, or throws <see cref="ObjectDisposedException"/> having
    /// changed nothing. A detector on a shared store waits for its calls under way before it disposes the store (at
    /// most <see cref="SharedCallsWait"/>); with another asynchronous store, a call awaiting it may still fail on the
    /// released store.
    /// </summary>
    public void Dispose()
    {
        if (!MarkDisposed())
        {
            return;
        }

        if (_shared is not null)
        {
            // As DisposeAsync: the calls under way end before the store is disposed (waited for, within a bound).
            SharedCallsEndedAsync().Wait(SharedCallsWait);
        }

        ReleaseIndex();
        ReleaseSharedClaimAsync().AsTask().Wait(TimeSpan.FromSeconds(2));
        _store.KeysLost -= OnStoreKeysLost;
        (_store as IDisposable)?.Dispose();
    }

    /// <summary>Closes the journal and releases the index's file lock: what both disposals do between the calls and the store.</summary>
    private void ReleaseIndex()
    {
        // The gates are not disposed: a call under way when the detector is disposed releases its gate when it ends
        // (its result stands), and a call that takes a gate afterwards throws naming the detector. Neither gate ever
        // made a wait handle, so there is nothing to free. Nor is the lock: a call waiting for it would throw from
        // the lock, or this from Dispose.
        CloseJournal();
        _indexLock?.Dispose();
    }

    /// <summary>
    /// Closes the journal under the write lock: a call that holds the lock ends its change (journaled and indexed)
    /// first, and one that takes it after finds the detector disposed and changes nothing. Closed without the lock,
    /// the journal failed a change under way with "Cannot access a closed file" (4 calls in 127,000 in a client's
    /// trial of a host stopping), after the detector had taken it in.
    /// </summary>
    private void CloseJournal()
    {
        if (_journal is null)
        {
            return;
        }

        _lock.EnterWriteLock();
        try
        {
            _journal.Dispose();
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>
    /// Marks the detector disposed (false when it already was), once a checkpoint under way has ended: its snapshot
    /// written and its journal rotated before the index's lock is released, or another detector could open the index
    /// in between and lose the changes the checkpoint was compacting (600 acknowledged changes in a client's trial).
    /// </summary>
    private bool MarkDisposed()
    {
        _checkpointGate.Wait();
        try
        {
            return Interlocked.Exchange(ref _disposed, 1) == 0;
        }
        finally
        {
            _checkpointGate.Release();
        }
    }

    /// <summary>
    /// Like <see cref="Dispose"/>, awaiting a store that disposes asynchronously. A detector on a shared store first
    /// waits for its calls under way to end (each by its result, its cancellation or the store's timeout; at most
    /// <see cref="SharedCallsWait"/>), so that a store it owns is not closed under them.
    /// </summary>
    /// <returns>A task that completes when everything is released.</returns>
    public async ValueTask DisposeAsync()
    {
        if (!MarkDisposed())
        {
            return;
        }

        // A shared detector's calls under way end first: the store (a connection the detector may own) is disposed
        // below, and a call cut off by it could not tell whether its article was added.
        if (_shared is not null)
        {
            await SharedCallsEndedAsync().WaitAsync(SharedCallsWait).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        ReleaseIndex();
        await ReleaseSharedClaimAsync().ConfigureAwait(false);
        _store.KeysLost -= OnStoreKeysLost;
        if (_store is IAsyncDisposable asyncStore)
        {
            await asyncStore.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            (_store as IDisposable)?.Dispose();
        }
    }

    private void ThrowIfNoSynchronousStore()
    {
        if (_shared is not null)
        {
            throw new NotSupportedException("This detector's index lives in a shared store, which is reached asynchronously: use the asynchronous methods (FindCopiesAsync, AddAsync, FindOrAddAsync, RemoveAsync).");
        }

        if (!_store.SupportsSynchronousAccess)
        {
            throw new NotSupportedException("The bucket store has no synchronous access: use the asynchronous methods (FindCopiesAsync, AddAsync, FindOrAddAsync, RemoveAsync).");
        }
    }

    /// <summary>
    /// The slots to verify for a query with these keys, through the synchronous store, by the rules of the one candidate
    /// index (<see cref="CandidateSelector"/>): every holder of a rare key, then at most
    /// <see cref="CandidateSelector.MaxCommonVerified"/> of those proposed by common keys alone (call under the lock).
    /// </summary>
    private int[] CandidatesLocked(ulong[] keys, ulong fingerprint, string queryId)
    {
        CandidateSelector selector = CandidateSelector.ForThread();
        selector.PreferNear(fingerprint, FingerprintLookup);
        selector.OfferAll(_store, keys, int.MaxValue, SelfSlotLocked(queryId));
        return SelectedLocked(selector);
    }

    /// <summary>The same selection from the buckets of an asynchronous store, each read whole and ordered by insertion here (call under the lock).</summary>
    private int[] CandidatesLocked(int[][] buckets, ulong fingerprint, string queryId)
    {
        CandidateSelector selector = CandidateSelector.ForThread();
        selector.PreferNear(fingerprint, FingerprintLookup);
        int self = SelfSlotLocked(queryId);
        foreach (int[] bucket in buckets)
        {
            Array.Sort(bucket, EarliestSlot);
            selector.Offer(bucket, bucket.Length, int.MaxValue, self);
        }

        return SelectedLocked(selector);
    }

    private int SelfSlotLocked(string queryId) => queryId.Length > 0 && _registry.TryGetSlot(queryId, out int s) ? s : -1;

    private int[] SelectedLocked(CandidateSelector selector)
    {
        selector.Finish(EarliestSlot);
        int common = Math.Min(selector.Common.Count, CandidateSelector.MaxCommonVerified);
        int[] slots = new int[selector.Rare.Count + common];
        selector.Rare.CopyTo(slots);
        selector.Common.CopyTo(0, slots, selector.Rare.Count, common);
        return slots;
    }

    /// <summary>Orders slots by the time their articles were added; empty or unknown slots last (call under the lock).</summary>
    /// <summary>The SimHash of the article in a slot (0 for a free slot), for the candidate selector.</summary>
    private Func<int, ulong> FingerprintLookup => _fingerprintLookup ??= slot => _registry[slot]?.SimHash ?? 0;

    private int EarliestSlot(int x, int y) => OrderOf(x).CompareTo(OrderOf(y)) is var c and not 0 ? c : x.CompareTo(y);

    private long OrderOf(int slot) => (uint)slot < (uint)_registry.HighWater && _registry[slot] is { } f ? f.Order : long.MaxValue;

    /// <summary>Searches the store for candidates (one batch) and verifies them.</summary>
    private async ValueTask<(List<Verdict> Verdicts, int Candidates)> SearchAsync(Probe probe, string queryId, CancellationToken cancellationToken)
    {
        int[] found;
        if (_store.SupportsSynchronousAccess)
        {
            EnterReadLock();
            try
            {
                List<Verdict> v = VerifyLocked(probe, queryId, CandidatesLocked(probe.Keys, probe.Features.SimHash, queryId), out int c);
                return (v, c);
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }

        int[][] buckets = await _store.QueryAsync(probe.Keys, cancellationToken).ConfigureAwait(false);
        EnterReadLock();
        try
        {
            found = CandidatesLocked(buckets, probe.Features.SimHash, queryId);
            List<Verdict> v = VerifyLocked(probe, queryId, found, out int c);
            return (v, c);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private async ValueTask<IReadOnlyList<CopyMatch>> ToMatchesAsync(Article query, List<Verdict> verdicts, CancellationToken cancellationToken, bool changedIndex = false)
    {
        var matches = new List<CopyMatch>(verdicts.Count);
        bool cancelled = false;
        foreach (Verdict v in verdicts)
        {
            Article? stored = null;
            if (!cancelled)
            {
                try
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    stored = Options.ArticleLookupAsync is { } lookup
                        ? LookedUp(await lookup(v.Other.Id, cancellationToken).ConfigureAwait(false), v.Other.Id, nameof(DetectorOptions.ArticleLookupAsync))
                        : LookedUp(Options.ArticleLookup?.Invoke(v.Other.Id), v.Other.Id, nameof(DetectorOptions.ArticleLookup));
                }
                catch (OperationCanceledException) when (changedIndex && cancellationToken.IsCancellationRequested)
                {
                    // The call added its article: it returns its verdicts, the passages not yet looked up left out, as a
                    // throw would hide the change (a retry reads as a re-delivery, which a caller may skip).
                    cancelled = true;
                }
            }

            IReadOnlyList<SharedPassage> evidence = stored is null ? [] : PassageFinder.Find(query, stored, Options);
            matches.Add(new CopyMatch(v.Other.Id, v.Kind, v.Score, Verifier.Scores(v.Measure) with { SimHashDistance = v.SimHashDistance }, evidence));
        }

        SortMatches(matches);
        return matches;
    }

    /// <summary>
    /// Whether <paramref name="features"/> may be added: false when its id is indexed with the same text; throws when it
    /// is indexed with another (call under the lock).
    /// </summary>
    private bool IsNewLocked(ArticleFeatures features, string paramName)
    {
        if (!_registry.TryGetValue(features.Id, out ArticleFeatures? existing))
        {
            return true;
        }

        if (existing is not null && existing.ExactHash == features.ExactHash)
        {
            return false;
        }

        throw new ArgumentException(
            $"An article with id '{features.Id}' is already indexed with another text or title (the two are compared together); remove it first to replace it.", paramName);
    }

    /// <summary>Journals and indexes an article unless it is indexed with the same text (call under the write lock).</summary>
    private bool InsertOrSkipLocked(ArticleFeatures features, Article article, Probe? known = null)
    {
        ThrowIfNoSynchronousStore();
        if (!IsNewLocked(features, nameof(article)))
        {
            return false;
        }

        long now = DateTime.UtcNow.Ticks;
        JournalAdds([article], now);
        InsertLocked(features, known, now);
        return true;
    }

    /// <summary>Journals and indexes a batch, skipping re-deliveries; nothing is added if one conflicts (call under the write lock).</summary>
    private void InsertRangeLocked(Article[] articles, ArticleFeatures[] features)
    {
        ThrowIfNoSynchronousStore();
        var fresh = new List<int>(articles.Length);
        for (int i = 0; i < articles.Length; i++)
        {
            if (IsNewLocked(features[i], nameof(articles)))
            {
                fresh.Add(i);
            }
        }

        long now = DateTime.UtcNow.Ticks;
        JournalAdds([.. fresh.Select(i => articles[i])], now);
        foreach (int i in fresh)
        {
            InsertLocked(features[i], indexedUtcTicks: now);
        }
    }

    /// <summary>Adds an article through the store's asynchronous batch path (call inside the write gate).</summary>
    private async ValueTask<bool> InsertThroughStoreAsync(ArticleFeatures features, Article article, CancellationToken cancellationToken)
    {
        int slot;
        EnterWriteLock();
        try
        {
            if (!IsNewLocked(features, nameof(article)))
            {
                return false;
            }

            cancellationToken.ThrowIfCancellationRequested();
            features.IndexedUtcTicks = DateTime.UtcNow.Ticks;
            JournalAdds([article], features.IndexedUtcTicks);
            slot = _registry.Reserve();
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        LshBucketEntry[] entries = Entries(features, slot);
        try
        {
            await _store.AddAsync(entries, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Undo what may be partly stored; the slot is reused only when the store has surely dropped it.
            JournalRemove(features.Id);
            try
            {
                await _store.RemoveAsync(entries, CancellationToken.None).ConfigureAwait(false);
                EnterWriteLock();
                _registry.Release(slot);
                _lock.ExitWriteLock();
            }
            catch (Exception cleanup) when (cleanup is not OutOfMemoryException)
            {
                // The slot stays unused: stale entries pointing at it find an empty slot and are skipped.
            }

            throw;
        }

        EnterWriteLock();
        try
        {
            features.Order = _order++;
            _registry.Attach(features.Id, slot, features);
            Interlocked.Increment(ref _version);
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        return true;
    }

    /// <summary>Reports one operation to the observer: its scope, and its completion or failure with the elapsed time.</summary>
    private struct Operation : IDisposable
    {
        private readonly DetectorObserver? _observer;
        private readonly DetectorOperation _operation;
        private readonly string? _id;
        private readonly long _start;
        private readonly IDisposable? _scope;

        public Operation(CopyDetector detector, DetectorOperation operation, string? id)
        {
            _observer = detector.Options.Observer;
            _operation = operation;
            _id = id;
            _start = Stopwatch.GetTimestamp();
            _scope = _observer?.Starting(operation, id);
        }

        public readonly void Complete(int candidates, IReadOnlyList<CopyMatch> copies, bool changed, int articles = 1, int? indexed = null) =>
            _observer?.Completed(new DetectorEvent(_operation, _id, articles, candidates, copies, changed, Stopwatch.GetElapsedTime(_start)) { IndexedArticles = indexed });

        public readonly void Fail(Exception e) => _observer?.Failed(_operation, _id, e, Stopwatch.GetElapsedTime(_start));

        public readonly void Dispose() => _scope?.Dispose();
    }
}

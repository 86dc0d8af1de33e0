namespace Dedup.Detection;

/// <summary>The corpus boilerplate model of a live detector: rebuilt as the index grows, off the hot path once it is large.</summary>
public sealed partial class CopyDetector
{
    /// <summary>
    /// While the current model covers up to this many articles it is rebuilt inside the call that finds it stale;
    /// beyond, on a background task, while calls keep using the previous model. A model of 2,000 articles took
    /// 55–60 ms to build inside a call (the live service's slowest calls); of 490, 23 ms warm and 46 ms the first
    /// time (the JIT's first code), 9–10 ms warm since small partitions are radix-sorted too.
    /// </summary>
    internal const int SynchronousBoilerplateLimit = 500;

    private readonly Lock _boilerplateLock = new();
    private volatile BoilerplateState _boilerplate = new(BoilerplateModel.Empty, 0);
    private Task? _boilerplateRebuild;

    /// <summary>
    /// The boilerplate model. It is stale when more than a tenth of the articles changed since it was built (so rebuilding
    /// costs amortized constant time per added article); a stale model of up to <see cref="SynchronousBoilerplateLimit"/>
    /// articles is rebuilt here, a larger one on a background task that swaps the new model in when done, so that no
    /// call waits for work proportional to the index.
    /// </summary>
    private BoilerplateModel CurrentBoilerplate()
    {
        BoilerplateState state = _boilerplate;
        if (!IsStale(state))
        {
            return state.Model;
        }

        lock (_boilerplateLock)
        {
            state = _boilerplate;
            if (!IsStale(state))
            {
                return state.Model;
            }

            if (state.Model.Articles > SynchronousBoilerplateLimit)
            {
                if (_boilerplateRebuild is null || _boilerplateRebuild.IsCompleted)
                {
                    _boilerplateRebuild = Task.Run(() => RebuildBoilerplate(countArticles: true));
                }

                return state.Model;
            }

            RebuildBoilerplate(countArticles: false);
            return _boilerplate.Model;
        }
    }

    /// <summary>
    /// After an add: has the model learned again when it went stale (<see cref="CurrentBoilerplate"/>), as a query would,
    /// so that a detector filled by adds alone keeps a model as it grows. Its first query learned one over the whole
    /// index inside the call: 0.5 s after 29,000 <c>Add</c> calls (a model of no articles is learned on the calling thread,
    /// and the adds never asked for one); and it clustered what it added under no model at all.
    /// </summary>
    private void KeepBoilerplateCurrent()
    {
        if (_shared is null)
        {
            _ = CurrentBoilerplate();
        }
    }

    /// <summary>
    /// Learns the model now if the index outgrew it (a detector just loaded or replayed: its model is empty), so that
    /// the first call after a restart does not learn it inside the call (1.4 s at 100,000 articles in a client's trial).
    /// Loading is proportional to the index anyway.
    /// </summary>
    /// <param name="cancellationToken">Stops the learning (an open cancelled): the model is left as it was.</param>
    private void PrepareBoilerplate(CancellationToken cancellationToken = default)
    {
        lock (_boilerplateLock)
        {
            if (IsStale(_boilerplate))
            {
                RebuildBoilerplate(countArticles: true, cancellationToken);
            }
        }
    }

    /// <summary>The model calls use now, and the background rebuild last started (null if none): for tests.</summary>
    internal (BoilerplateModel Model, Task? Rebuild) BoilerplateForTests => (_boilerplate.Model, Volatile.Read(ref _boilerplateRebuild));

    /// <summary>Learns the model from every indexed article now, whatever its staleness (tests that compare with a scan).</summary>
    internal void LearnBoilerplateNow()
    {
        lock (_boilerplateLock)
        {
            RebuildBoilerplate(countArticles: false);
        }
    }

    /// <summary>Builds a model from a snapshot of the indexed articles and swaps it in.</summary>
    /// <remarks>
    /// <para>
    /// The snapshot is the list of the indexed articles in slot order, copied under the read lock: the model does not
    /// depend on the order of the articles, and sorting them into insertion order there (a comparison sort of every
    /// article, 20–30 ms at 100,000) kept a waiting <c>Add</c> out of the write lock as long.
    /// </para>
    /// <para>
    /// With <paramref name="countArticles"/> (the background rebuild), each article of the snapshot has its boilerplate
    /// counted for the new model before the swap (<see cref="BoilerplateModel.Counts"/>, a number kept in the article,
    /// no allocation), so that calls find the counts of their candidates ready. Counted lazily instead, by the first
    /// call that verified each article, the counts of about a third of a call's candidates were made inside it after
    /// each new model. (Filtering every article here was tried when each kept a filtered copy of its sets: it gave every
    /// indexed article a new young object at once and did not reduce the calls' collection pauses.) A synchronous
    /// rebuild, of a small index inside a call, leaves them to be counted lazily.
    /// </para>
    /// </remarks>
    private void RebuildBoilerplate(bool countArticles, CancellationToken cancellationToken = default)
    {
        if (!TrySnapshot(out List<ArticleFeatures?> articles, out long version))
        {
            return;
        }

        var model = BoilerplateModel.BuildCancellable(articles!, Options.BoilerplateDocumentFrequency, cancellationToken);
        if (!countArticles)
        {
            _boilerplate = new BoilerplateState(model, version);
            return;
        }

        if (!CountBoilerplate(model, articles, cancellationToken))
        {
            return;
        }

        _boilerplate = new BoilerplateState(model, version);

        // Articles added since the snapshot were counted for the previous model by their own query, and calls under
        // the previous model may have counted some of the snapshot's again for it: count those once more.
        if (TrySnapshot(out articles, out _))
        {
            CountBoilerplate(model, articles, CancellationToken.None);
        }
    }

    /// <summary>The indexed articles in slot order and the index's version, under the read lock; false once the detector is disposed.</summary>
    private bool TrySnapshot(out List<ArticleFeatures?> articles, out long version)
    {
        articles = [];
        version = 0;
        try
        {
            EnterReadLock();
        }
        catch (ObjectDisposedException)
        {
            return false;
        }

        try
        {
            articles = _registry.LiveValues();
            version = Interlocked.Read(ref _version);
            return true;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// Counts each article's boilerplate for <paramref name="model"/> unless it is counted for it already; stops, and
    /// returns false, once the detector is disposed (the task holds the articles until it ends).
    /// </summary>
    private bool CountBoilerplate(BoilerplateModel model, List<ArticleFeatures?> articles, CancellationToken cancellationToken = default)
    {
        for (int i = 0; i < articles.Count; i++)
        {
            if ((i & 1023) == 0)
            {
                if (Volatile.Read(ref _disposed) != 0)
                {
                    return false;
                }

                cancellationToken.ThrowIfCancellationRequested();
            }

            if (articles[i] is { } f)
            {
                model.Counts(f);
            }
        }

        return true;
    }

    private bool IsStale(BoilerplateState state)
    {
        long changes = Interlocked.Read(ref _version) - state.Version;
        return changes > 0 && changes > state.Model.Articles / 10;
    }

    private sealed record BoilerplateState(BoilerplateModel Model, long Version);
}

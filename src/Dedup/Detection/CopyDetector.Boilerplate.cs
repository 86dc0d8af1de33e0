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
                    _boilerplateRebuild = Task.Run(RebuildBoilerplate);
                }

                return state.Model;
            }

            RebuildBoilerplate();
            return _boilerplate.Model;
        }
    }

    /// <summary>Learns the model from every indexed article now, whatever its staleness (tests that compare with a scan).</summary>
    internal void LearnBoilerplateNow()
    {
        lock (_boilerplateLock)
        {
            RebuildBoilerplate();
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
    /// The articles' boilerplate is counted for the new model lazily, by the first call that verifies each. Filtering
    /// them all here before the swap was tried (when each article kept a filtered copy of its sets): it gave every
    /// indexed article a new young object at once and, at 100,000 articles on a loaded machine, did not reduce the
    /// garbage collection pauses of the calls (65 s in all, against 73 s without it), so it was left out.
    /// </para>
    /// </remarks>
    private void RebuildBoilerplate()
    {
        List<ArticleFeatures?> articles;
        long version;
        _lock.EnterReadLock();
        try
        {
            articles = _registry.LiveValues();
            version = Interlocked.Read(ref _version);
        }
        finally
        {
            _lock.ExitReadLock();
        }

        _boilerplate = new BoilerplateState(BoilerplateModel.Build(articles!, Options.BoilerplateDocumentFrequency), version);
    }

    private bool IsStale(BoilerplateState state)
    {
        long changes = Interlocked.Read(ref _version) - state.Version;
        return changes > 0 && changes > state.Model.Articles / 10;
    }

    private sealed record BoilerplateState(BoilerplateModel Model, long Version);
}

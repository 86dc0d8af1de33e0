namespace Dedup.Detection;

/// <summary>The corpus furniture model of a live detector: rebuilt as the index grows, off the hot path once it is large.</summary>
public sealed partial class CopyDetector
{
    /// <summary>
    /// While the current model covers up to this many articles it is rebuilt inside the call that finds it stale (a few
    /// milliseconds); beyond, on a background task, while calls keep using the previous model.
    /// </summary>
    internal const int SynchronousFurnitureLimit = 2000;

    private readonly Lock _furnitureLock = new();
    private volatile FurnitureState _furniture = new(FurnitureModel.Empty, 0);
    private Task? _furnitureRebuild;

    /// <summary>
    /// The furniture model. It is stale when more than a tenth of the articles changed since it was built (so rebuilding
    /// costs amortized constant time per added article); a stale model of up to <see cref="SynchronousFurnitureLimit"/>
    /// articles is rebuilt here, a larger one on a background task that swaps the new model in when done, so that no
    /// call waits for work proportional to the index.
    /// </summary>
    private FurnitureModel CurrentFurniture()
    {
        FurnitureState state = _furniture;
        if (!IsStale(state))
        {
            return state.Model;
        }

        lock (_furnitureLock)
        {
            state = _furniture;
            if (!IsStale(state))
            {
                return state.Model;
            }

            if (state.Model.Articles > SynchronousFurnitureLimit)
            {
                if (_furnitureRebuild is null || _furnitureRebuild.IsCompleted)
                {
                    _furnitureRebuild = Task.Run(RebuildFurniture);
                }

                return state.Model;
            }

            RebuildFurniture();
            return _furniture.Model;
        }
    }

    /// <summary>Learns the model from every indexed article now, whatever its staleness (tests that compare with a scan).</summary>
    internal void LearnFurnitureNow()
    {
        lock (_furnitureLock)
        {
            RebuildFurniture();
        }
    }

    /// <summary>Builds a model from a snapshot of the indexed articles and swaps it in.</summary>
    private void RebuildFurniture()
    {
        List<ArticleFeatures> articles;
        long version;
        _lock.EnterReadLock();
        try
        {
            articles = IndexedLocked();
            version = Interlocked.Read(ref _version);
        }
        finally
        {
            _lock.ExitReadLock();
        }

        _furniture = new FurnitureState(FurnitureModel.Build(articles, Options.BoilerplateDocumentFrequency), version);
    }

    private bool IsStale(FurnitureState state)
    {
        long changes = Interlocked.Read(ref _version) - state.Version;
        return changes > 0 && changes > state.Model.Articles / 10;
    }

    private sealed record FurnitureState(FurnitureModel Model, long Version);
}

namespace Dedup.Detection;

/// <summary>An operation of a <see cref="CopyDetector"/> reported to a <see cref="DetectorObserver"/>.</summary>
public enum DetectorOperation
{
    /// <summary><see cref="CopyDetector.FindCopiesAsync(Article, CancellationToken)"/>.</summary>
    FindCopies,

    /// <summary><see cref="CopyDetector.AddAsync"/>.</summary>
    Add,

    /// <summary><see cref="CopyDetector.FindOrAddAsync"/>.</summary>
    FindOrAdd,

    /// <summary><see cref="CopyDetector.RemoveAsync"/>.</summary>
    Remove,

    /// <summary>
    /// The journal replayed when a detector is opened (<see cref="CopyDetector.Open"/>), after its snapshot is loaded:
    /// its time includes rebuilding the corpus model over the snapshot's articles, which comes first, not the load.
    /// </summary>
    Replay,

    /// <summary>A checkpoint: the snapshot rewritten and the journal restarted (<see cref="CopyDetector.Checkpoint"/>).</summary>
    Checkpoint,
}

/// <summary>What one operation of a <see cref="CopyDetector"/> did, reported to <see cref="DetectorObserver.Completed"/>.</summary>
/// <param name="Operation">The operation.</param>
/// <param name="ArticleId">The article's id, when the operation is about one article.</param>
/// <param name="Articles">Articles the operation handled: 1 for one article, the records replayed for a replay, the articles written for a checkpoint.</param>
/// <param name="Candidates">Indexed articles the bucket store proposed and the detector verified (0 when nothing was searched).</param>
/// <param name="Copies">The copies found (empty when nothing was searched).</param>
/// <param name="Changed">Whether the index changed: an article added or removed (false for an idempotent re-delivery).</param>
/// <param name="Elapsed">Wall-clock time of the operation.</param>
public readonly record struct DetectorEvent(
    DetectorOperation Operation,
    string? ArticleId,
    int Articles,
    int Candidates,
    IReadOnlyList<CopyMatch> Copies,
    bool Changed,
    TimeSpan Elapsed)
{
    /// <summary>
    /// Articles in the index once the operation ended, for a replay (opening a durable index) and a checkpoint; null for
    /// the other operations. A service's start-up log can then say how large the index it opened is, not only how many
    /// journal records it replayed.
    /// </summary>
    public int? IndexedArticles { get; init; }
}

/// <summary>
/// Observes a <see cref="CopyDetector"/>: set one as <see cref="DetectorOptions.Observer"/> to turn its operations into
/// logs, metrics and traces. Every method does nothing unless overridden; an exception thrown by an override is not
/// caught. The detector calls the methods on the caller's thread, outside its locks, so they must be thread-safe and quick.
/// </summary>
public abstract class DetectorObserver
{
    /// <summary>Called when an operation starts; the returned object (e.g. an <see cref="System.Diagnostics.Activity"/>) is disposed when it ends.</summary>
    /// <param name="operation">The operation.</param>
    /// <param name="articleId">The article's id, when the operation is about one article.</param>
    /// <returns>A scope to dispose when the operation ends, or null.</returns>
    public virtual IDisposable? Starting(DetectorOperation operation, string? articleId) => null;

    /// <summary>Called when an operation has completed.</summary>
    /// <param name="detectorEvent">What it did.</param>
    public virtual void Completed(in DetectorEvent detectorEvent)
    {
    }

    /// <summary>Called when an operation fails or is cancelled, before the exception reaches the caller.</summary>
    /// <param name="operation">The operation.</param>
    /// <param name="articleId">The article's id, when the operation is about one article.</param>
    /// <param name="exception">The exception.</param>
    public virtual void Failed(DetectorOperation operation, string? articleId, Exception exception)
    {
    }

    /// <summary>
    /// Called when an operation fails or is cancelled, before the exception reaches the caller, with the time it ran:
    /// what the detector calls. Unless overridden, it calls <see cref="Failed(DetectorOperation, string?, Exception)"/>.
    /// </summary>
    /// <param name="operation">The operation.</param>
    /// <param name="articleId">The article's id, when the operation is about one article.</param>
    /// <param name="exception">The exception.</param>
    /// <param name="elapsed">Wall-clock time from the operation's start to its failure.</param>
    public virtual void Failed(DetectorOperation operation, string? articleId, Exception exception, TimeSpan elapsed) =>
        Failed(operation, articleId, exception);

    /// <summary>
    /// Called when a detector whose index lives in a shared store (<see cref="CopyDetector(DetectorOptions?, Indexing.ISharedIndexStore)"/>) finds that
    /// the store lost the index: the settings it had found recorded there were gone, and it recorded them anew (a server
    /// restarted without persistence, the keys flushed, evicted or cleared). The articles indexed before are gone, so
    /// their copies are no longer found; the detector goes on with the index as it is now. It is noticed when the
    /// settings are checked (the first call, then every 64th call), by the detector that records them anew.
    /// </summary>
    public virtual void SharedIndexLost()
    {
    }

    /// <summary>
    /// Called when the detector's bucket store reports that it lost its keys (<see cref="Indexing.ILshBucketStore.KeysLost"/>:
    /// e.g. a Redis server restarted without persistence or flushed), on the thread of the call that found it, before
    /// that call returns. The detector still holds every article's features, but its searches find no candidates among
    /// the articles indexed before until <see cref="CopyDetector.RestoreBucketsAsync"/> adds their keys again. Unlike the
    /// other methods, this one may run while the reporting call holds the detector's write turn (or, with a synchronous
    /// store, its lock): start a restore from here without waiting for it, and call nothing else of the detector.
    /// </summary>
    public virtual void BucketKeysLost()
    {
    }
}

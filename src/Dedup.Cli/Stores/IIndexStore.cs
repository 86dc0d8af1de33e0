using Dedup.Detection;

namespace Dedup.Cli.Stores;

/// <summary>
/// Where <c>dedup index</c> keeps its detector between runs. Today a snapshot file; a Redis-backed store
/// (a later issue) implements the same interface and is chosen by <see cref="IndexStores.Open"/> from the
/// <c>--store</c> location's scheme.
/// </summary>
internal interface IIndexStore
{
    /// <summary>The location as the user gave it, for messages.</summary>
    string Location { get; }

    /// <summary>Whether the store holds an index yet.</summary>
    bool Exists { get; }

    /// <summary>Opens the index, holding it until the detector is disposed.</summary>
    /// <param name="cancellationToken">Stops the load (Ctrl+C): the index is left as it was.</param>
    /// <exception cref="CliException">The store is missing or held by another detector (I/O error) or unreadable (bad store).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled while the index loaded.</exception>
    CopyDetector Load(CancellationToken cancellationToken);

    /// <summary>Opens the index for reading: nothing is written, and other readers may hold it too.</summary>
    /// <param name="threshold">The threshold of this reading, or null for the index's own.</param>
    /// <param name="cancellationToken">Stops the load (Ctrl+C).</param>
    /// <exception cref="CliException">The store is missing or held by a detector that changes it (I/O error) or unreadable (bad store).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled while the index loaded.</exception>
    CopyDetector LoadForReading(double? threshold, CancellationToken cancellationToken);

    /// <summary>Creates the index (it does not exist yet) with <paramref name="options"/>, holding it until the detector is disposed.</summary>
    /// <exception cref="CliException">The store cannot be created (I/O error).</exception>
    CopyDetector Create(DetectorOptions options);

    /// <summary>Writes the index back, atomically.</summary>
    void Save(CopyDetector detector);

    /// <summary>
    /// After the first add into a new index failed (a full disk, Ctrl+C), its detector disposed: deletes what
    /// <see cref="Create"/> made when the index holds no article on disk, so that the store is as it was, no index at
    /// all, not an empty one. Returns whether it did.
    /// </summary>
    bool RemoveCreatedIfEmpty();

    /// <summary>Facts to show in <c>index stats</c> beyond the article count (e.g. the file size), in display order.</summary>
    IReadOnlyList<(string Key, object Value)> Describe();
}

namespace Dedup.Indexing;

/// <summary>A document returned by <see cref="MinHashLshIndex.Query(ReadOnlySpan{uint}, double)"/>.</summary>
/// <param name="Key">The key the document was added with.</param>
/// <param name="Jaccard">
/// The estimated Jaccard similarity to the query: the fraction of the K signature positions at which the
/// stored signature equals the query's, in [0, 1].
/// </param>
public readonly record struct MinHashCandidate(string Key, double Jaccard);

namespace Dedup.Indexing;

/// <summary>A document returned by <see cref="SimHashIndex.Query(ulong)"/>.</summary>
/// <param name="Key">The key the document was added with.</param>
/// <param name="Fingerprint">The document's stored 64-bit SimHash fingerprint.</param>
/// <param name="Distance">The Hamming distance between the stored fingerprint and the query's, in [0, 64].</param>
public readonly record struct SimHashMatch(string Key, ulong Fingerprint, int Distance);

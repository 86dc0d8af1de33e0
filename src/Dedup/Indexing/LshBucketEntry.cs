namespace Dedup.Indexing;

/// <summary>One membership of a document in an LSH bucket: the band key and the document id.</summary>
/// <param name="BandKey">
/// The 64-bit key of one band of a signature: a seeded XxHash3 of the band's rows, with the band index
/// as the seed, so equal rows in different bands give different keys.
/// </param>
/// <param name="DocumentId">The dense, non-negative document id assigned by the index that owns the store.</param>
public readonly record struct LshBucketEntry(ulong BandKey, int DocumentId);

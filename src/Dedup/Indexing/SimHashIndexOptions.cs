namespace Dedup.Indexing;

/// <summary>How a <see cref="SimHashIndex"/> is built. Immutable; use <c>with</c> to vary.</summary>
public sealed record SimHashIndexOptions
{
    /// <summary>
    /// The largest Hamming distance <c>k</c> a query can search for, in [0, 63]. The index keeps <c>k + 1</c>
    /// tables, so memory and insert cost grow with it. Default 3 (Manku et al. use 3 for 64-bit fingerprints).
    /// </summary>
    public int MaxDistance { get; init; } = 3;
}

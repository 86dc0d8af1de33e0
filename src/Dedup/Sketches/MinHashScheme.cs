namespace Dedup.Sketches;

/// <summary>How a MinHash signature is computed.</summary>
public enum MinHashScheme : byte
{
    /// <summary>K independent permutations <c>h_i(x) = high32(a_i·x + b_i)</c> (multiply-add-shift), the minimum of each kept.</summary>
    Classic = 1,

    /// <summary>
    /// One permutation split into K bins, the minimum of each bin kept, empty bins filled by optimal densification
    /// (Shrivastava, ICML 2017). About K times less hashing than <see cref="Classic"/> for long documents.
    /// </summary>
    OnePermutation = 2,
}

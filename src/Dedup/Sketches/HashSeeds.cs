namespace Dedup.Sketches;

/// <summary>The fixed seeds of Dedup's hashes. Signatures are stable across processes and machines because these never change.</summary>
public static class HashSeeds
{
    /// <summary>The default seed of token hashes, shingle hashes and MinHash permutations.</summary>
    public const ulong Default = Text.TokenizerOptions.DefaultSeed;
}

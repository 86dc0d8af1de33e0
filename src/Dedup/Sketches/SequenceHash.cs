using Dedup.Kernels;

namespace Dedup.Sketches;

/// <summary>
/// A 64-bit hash of a whole token sequence, order and length included: equal sequences hash alike and (but for about
/// 2^-64) only they. The detector's exact-duplicate key.
/// </summary>
/// <remarks>
/// <c>Finish(fold(seed, tokens), n)</c> with <c>fold(acc, t) = acc · M + t</c> (M = 0x9E3779B97F4A7C15, wrapping, the
/// multiplier of the word shingles) and <c>Finish(acc, n) = fmix64(acc ^ n)</c>. The three steps are exposed so that a
/// caller folds tokens as it meets them, with no array of hashes.
/// </remarks>
public static class SequenceHash
{
    /// <summary>The hash of <paramref name="tokenHashes"/> in order.</summary>
    public static ulong Compute(ReadOnlySpan<ulong> tokenHashes, ulong seed = HashSeeds.Default)
    {
        ulong acc = seed;
        foreach (ulong t in tokenHashes)
        {
            acc = Append(acc, t);
        }

        return Finish(acc, tokenHashes.Length);
    }

    /// <summary>The running state after one more token (start with the seed).</summary>
    public static ulong Append(ulong state, ulong tokenHash) => unchecked((state * ShingleKernel.Multiplier) + tokenHash);

    /// <summary>The hash of a sequence of <paramref name="count"/> tokens whose running state is <paramref name="state"/>.</summary>
    public static ulong Finish(ulong state, int count) => HashMixKernel.Mix(state ^ (ulong)count);
}

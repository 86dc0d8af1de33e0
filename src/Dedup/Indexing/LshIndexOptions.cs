namespace Dedup.Indexing;

/// <summary>How a <see cref="MinHashLshIndex"/> is built. Immutable; use <c>with</c> to vary.</summary>
public sealed record LshIndexOptions
{
    /// <summary>
    /// The signature length <c>K</c> every added or queried signature must have: 1 to
    /// <see cref="Sketches.MinHasher.MaxNumPermutations"/> (8192). Default 128.
    /// </summary>
    public int NumPermutations { get; init; } = 128;

    /// <summary>
    /// The Jaccard threshold the banding is optimized for with <see cref="LshParameters.FromThreshold"/>,
    /// strictly between 0 and 1. Ignored when <see cref="Parameters"/> is set. Default 0.9 (as datasketch).
    /// </summary>
    public double Threshold { get; init; } = 0.9;

    /// <summary>The weight of false positives when optimizing for <see cref="Threshold"/>. Default 0.5.</summary>
    public double FalsePositiveWeight { get; init; } = 0.5;

    /// <summary>The weight of false negatives when optimizing for <see cref="Threshold"/>. Default 0.5.</summary>
    public double FalseNegativeWeight { get; init; } = 0.5;

    /// <summary>
    /// An explicit banding (bands × rows ≤ <see cref="NumPermutations"/>) that overrides <see cref="Threshold"/>;
    /// <see langword="null"/> (the default) to derive it from the threshold.
    /// </summary>
    public LshParameters? Parameters { get; init; }

    /// <summary>
    /// Where the buckets live; <see langword="null"/> (the default) for a new <see cref="InMemoryLshBucketStore"/>.
    /// A store belongs to one index: document ids in it are that index's.
    /// </summary>
    public ILshBucketStore? Store { get; init; }

    /// <summary>Validates the options and returns the banding they describe.</summary>
    internal LshParameters ResolveParameters()
    {
        if (NumPermutations is < 1 or > Sketches.MinHasher.MaxNumPermutations)
        {
            throw new ArgumentOutOfRangeException(
                nameof(NumPermutations),
                NumPermutations,
                $"The number of permutations (signature length K) must lie between 1 and {Sketches.MinHasher.MaxNumPermutations} (the longest signature a MinHasher makes).");
        }

        if (Parameters is null)
        {
            return LshParameters.FromThreshold(Threshold, NumPermutations, FalsePositiveWeight, FalseNegativeWeight);
        }

        if (Parameters.UsedPermutations > NumPermutations)
        {
            throw new ArgumentException(
                $"The banding reads {Parameters.Bands} × {Parameters.Rows} = {Parameters.UsedPermutations} signature positions, more than the {NumPermutations} permutations.",
                nameof(Parameters));
        }

        return Parameters;
    }
}

namespace Dedup.Detection;

/// <summary>Settings of a <see cref="CopyDetector"/>. The defaults are the ones measured in docs/accuracy.md.</summary>
public sealed record DetectorOptions
{
    /// <summary>The default options.</summary>
    public static DetectorOptions Default { get; } = new();

    /// <summary>Minimum score in [0, 1] for two articles to be reported as copies. Default 0.5.</summary>
    public double Threshold { get; init; } = 0.5;

    /// <summary>Number of MinHash permutations of each signature. Default 128.</summary>
    public int NumPermutations { get; init; } = 128;

    /// <summary>Words per shingle of the word-shingle signature. Default 5.</summary>
    public int ShingleSize { get; init; } = 5;

    /// <summary>Seed of every hash; articles indexed with different seeds cannot be compared. Default <see cref="Sketches.HashSeeds.Default"/>.</summary>
    public ulong Seed { get; init; } = Sketches.HashSeeds.Default;

    /// <summary>Whether to detect machine-rewritten (spun) copies with the spin-robust signature. Default true.</summary>
    public bool DetectRewrites { get; init; } = true;

    /// <summary>The rules that remove boilerplate lines before shingling. Default <see cref="Text.BoilerplateRules.Default"/>.</summary>
    public Text.BoilerplateRules Boilerplate { get; init; } = Text.BoilerplateRules.Default;
}

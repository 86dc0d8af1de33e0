namespace Dedup.Text;

/// <summary>Settings of the <see cref="Tokenizer"/>.</summary>
public sealed record TokenizerOptions
{
    /// <summary>The default: English stopwords, the default seed.</summary>
    public static TokenizerOptions Default { get; } = new();

    /// <summary>Seed of the token hashes. Default <see cref="Sketches.HashSeeds.Default"/>.</summary>
    public ulong Seed { get; init; } = Sketches.HashSeeds.Default;

    /// <summary>The function words of the text's language. Default <see cref="StopwordSet.English"/>.</summary>
    public StopwordSet Stopwords { get; init; } = StopwordSet.English;
}

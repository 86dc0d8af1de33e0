namespace Dedup.Text;

/// <summary>Settings of the <see cref="Tokenizer"/>.</summary>
public sealed record TokenizerOptions
{
    /// <summary>The default: English stopwords, the default seed.</summary>
    public static TokenizerOptions Default { get; } = new();

    /// <summary>The default seed of token hashes (Dedup's hashes all start from this seed).</summary>
    public const ulong DefaultSeed = 0x5EED_DEDB_0C0F_FEE5UL;

    /// <summary>Seed of the token hashes. Default <see cref="DefaultSeed"/>.</summary>
    public ulong Seed { get; init; } = DefaultSeed;

    /// <summary>The function words of the text's language. Default <see cref="StopwordSet.English"/>.</summary>
    public StopwordSet Stopwords { get; init; } = StopwordSet.English;
}

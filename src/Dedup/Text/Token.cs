namespace Dedup.Text;

/// <summary>What the tokenizer knows about a token besides its hash.</summary>
[Flags]
public enum TokenTraits : byte
{
    /// <summary>An ordinary content word.</summary>
    None = 0,

    /// <summary>A function word of the tokenizer's <see cref="StopwordSet"/>.</summary>
    Stopword = 1,

    /// <summary>Starts with a digit ("2005", "30.6bn", "1,000").</summary>
    Number = 2,

    /// <summary>Starts with an upper-case letter in the source text.</summary>
    Capitalized = 4,

    /// <summary>A CJK ideograph (each is a token of its own).</summary>
    Ideograph = 8,
}

/// <summary>One token: its 64-bit hash, flags, and where it stands in the source text.</summary>
/// <param name="Hash">Seeded XxHash3 of the token's folded UTF-16 characters (little-endian).</param>
/// <param name="Traits">Stopword, number, capitalized, ideograph.</param>
/// <param name="Start">Index of the token's first character in the source text.</param>
/// <param name="Length">Number of source characters.</param>
public readonly record struct Token(ulong Hash, TokenTraits Traits, int Start, int Length)
{
    /// <summary>True for a function word.</summary>
    public bool IsStopword => (Traits & TokenTraits.Stopword) != 0;

    /// <summary>True for a number.</summary>
    public bool IsNumber => (Traits & TokenTraits.Number) != 0;

    /// <summary>True when capitalized in the source.</summary>
    public bool IsCapitalized => (Traits & TokenTraits.Capitalized) != 0;
}

/// <summary>Receives tokens from <see cref="Tokenizer"/> without allocation (implement it on a struct).</summary>
public interface ITokenSink
{
    /// <summary>Called once per token in text order.</summary>
    void OnToken(in Token token);
}

using System.Runtime.Intrinsics;
using Dedup.Kernels;

namespace Dedup.Text;

/// <summary>
/// Splits text into word tokens and reports each as a 64-bit hash with flags, without allocating a string per token.
/// The tokenizer is where Dedup normalizes text: it reads the caller's text through HTML character references and
/// Unicode compatibility folding (NFKC), folds case, apostrophes and invisible characters, and reports every token
/// with its place in the caller's own string.
/// </summary>
/// <remarks>
/// <para>
/// The text is read as normalized characters (see <c>SourceReader</c>): an HTML character reference
/// (<c>&amp;amp;</c>, <c>&amp;#39;</c>, <c>&amp;eacute;</c>) is the character it stands for, and every character is
/// folded by NFKC (fullwidth forms, ligatures, superscripts, mathematical letters, no-break spaces). A word is a run of
/// letters and digits (combining marks included); an apostrophe between two letters stays inside the word ("don't"),
/// and '.' or ',' between two digits stays inside a number ("30.6", "1,000"). Every CJK ideograph, kana or Hangul
/// syllable is a token of its own. Zero-width characters, soft hyphens and control characters inside a word are
/// ignored. A word is then normalized as a whole (NFKC, which composes a letter with its combining marks), folded to
/// lower case (invariant culture) with typographic apostrophes as '\'', and hashed: the hash of a token is the seeded
/// XxHash3 of its folded UTF-16 code units in little-endian order; only the first <see cref="MaxHashedChars"/>
/// characters of a longer token are hashed, together with its length.
/// </para>
/// <para>
/// <see cref="Token.Start"/> and <see cref="Token.Length"/> index the caller's text: a token's range covers every
/// source character it was read from (a whole character reference, both halves of a surrogate pair). A source
/// character whose folding holds several words (the fraction "½" is "1⁄2") gives each of them its range.
/// </para>
/// <para>
/// Two implementations give the same tokens: the scalar reference, which reads every character through the
/// normalizing reader, and the vector path, which classifies 64 characters at a time (letters and digits, joiners,
/// characters that need the reference) with <see cref="Vector512"/>, <see cref="Vector256"/> or
/// <see cref="Vector128"/>, walks the words of plain ASCII text by bit masks and hashes them directly from the text,
/// and hands everything else to the reference. Property tests check that they agree at every width.
/// </para>
/// </remarks>
public static partial class Tokenizer
{
    /// <summary>How many characters of a token are hashed; a longer token hashes its first characters and its length.</summary>
    public const int MaxHashedChars = 64;

    /// <summary>
    /// Whether this process folds Unicode compatibility characters (NFKC: fullwidth forms, ligatures, "½") and composes
    /// letters with their combining marks, as the remarks describe. False in globalization-invariant mode
    /// (<c>InvariantGlobalization</c>, <c>DOTNET_SYSTEM_GLOBALIZATION_INVARIANT</c>), where .NET's normalization
    /// leaves text as it is: such characters are then tokens of their own, so a text holding them gets other tokens than
    /// in a process with ICU, and their copies in the other forms are not found. Plain text (ASCII, precomposed
    /// letters) tokenizes the same either way. A detector on a shared store records this with its settings, so that
    /// workers of both kinds are not mixed in one index.
    /// </summary>
    public static bool FoldsCompatibilityCharacters { get; } =
        string.Equals("\uFB01".Normalize(System.Text.NormalizationForm.FormKC), "fi", StringComparison.Ordinal);

    /// <summary>Tokenizes <paramref name="text"/>, calling <paramref name="sink"/> once per token in order.</summary>
    public static void Tokenize<TSink>(ReadOnlySpan<char> text, ref TSink sink, TokenizerOptions? options = null)
        where TSink : struct, ITokenSink, allows ref struct =>
        Tokenize(text, ref sink, options, KernelWidth.Auto);

    /// <summary>Tokenizes into <paramref name="destination"/>; returns how many tokens were written.</summary>
    /// <remarks>
    /// A destination of <c>text.Length</c> suffices for any text without compatibility characters that fold to
    /// several words (such as "½"); more tokens than characters is possible only with those.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small for the tokens of <paramref name="text"/>.</exception>
    public static int Tokenize(ReadOnlySpan<char> text, Span<Token> destination, TokenizerOptions? options = null)
    {
        var sink = new SpanSink(destination);
        Tokenize(text, ref sink, options);
        if (sink.Overflow)
        {
            throw new ArgumentException($"The destination holds {destination.Length} tokens; the text has more.", nameof(destination));
        }

        return sink.Count;
    }

    /// <summary>Tokenizes a string into a new array.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public static Token[] Tokenize(string text, TokenizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var list = new ListSink(new List<Token>(text.Length / 6));
        Tokenize(text.AsSpan(), ref list, options);
        return [.. list.Tokens];
    }

    /// <summary>The hash a single word gets as a token (folded the same way), e.g. to look up a word's token.</summary>
    public static ulong HashWord(ReadOnlySpan<char> word, TokenizerOptions? options = null)
    {
        var sink = new FirstSink();
        Tokenize(word, ref sink, options);
        return sink.Hash;
    }

    /// <summary>Tokenizes with a forced path: <see cref="KernelWidth.Scalar"/> is the reference, the others the vector path at that width.</summary>
    internal static void Tokenize<TSink>(ReadOnlySpan<char> text, ref TSink sink, TokenizerOptions? options, KernelWidth width)
        where TSink : struct, ITokenSink, allows ref struct
    {
        options ??= TokenizerOptions.Default;
        var context = new Context(options.Seed, options.Stopwords.HashesFor(options.Seed));
        if (width == KernelWidth.Auto)
        {
            width = Vector512.IsHardwareAccelerated ? KernelWidth.Vector512
                : Vector256.IsHardwareAccelerated ? KernelWidth.Vector256
                : Vector128.IsHardwareAccelerated ? KernelWidth.Vector128
                : KernelWidth.Scalar;
        }

        if (width == KernelWidth.Scalar || text.Length < BlockChars)
        {
            TokenizeReference(text, 0, ref sink, context, returnEarly: false);
        }
        else
        {
            TokenizeVector(text, ref sink, context, width);
        }
    }

    /// <summary>The token hash of an already folded word: the seeded XxHash3 of its UTF-16 code units (the tokenizer's formula).</summary>
    internal static ulong HashFolded(string folded, ulong seed)
    {
        ReadOnlySpan<char> chars = folded.AsSpan(0, Math.Min(folded.Length, MaxHashedChars));
        ulong hash = TokenHash.Hash(chars, seed);
        return folded.Length > MaxHashedChars ? HashMixKernel.Mix(hash ^ (ulong)folded.Length) : hash;
    }

    /// <summary>What every token needs from the options: the seed and the stopword hashes.</summary>
    private readonly struct Context(ulong seed, StopwordSet.HashTable stopwords)
    {
        public ulong Seed { get; } = seed;

        /// <summary>The seed's keys of the hash formulas, computed once per text rather than once per token.</summary>
        public readonly TokenHash.Keys Keys = new(seed);

        public StopwordSet.HashTable Stopwords { get; } = stopwords;
    }

    private ref struct SpanSink(Span<Token> destination) : ITokenSink
    {
        private readonly Span<Token> _destination = destination;

        public int Count { get; private set; }

        public bool Overflow { get; private set; }

        public void OnToken(in Token token)
        {
            if (Count < _destination.Length)
            {
                _destination[Count++] = token;
            }
            else
            {
                Overflow = true;
            }
        }
    }

    private readonly struct ListSink(List<Token> tokens) : ITokenSink
    {
        public List<Token> Tokens { get; } = tokens;

        public void OnToken(in Token token) => Tokens.Add(token);
    }

    private struct FirstSink : ITokenSink
    {
        private bool _seen;

        public ulong Hash { get; private set; }

        public void OnToken(in Token token)
        {
            if (!_seen)
            {
                Hash = token.Hash;
                _seen = true;
            }
        }
    }
}

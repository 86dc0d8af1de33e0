using System.Globalization;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Dedup.Text;

/// <summary>
/// Splits text into word tokens and reports each as a 64-bit hash with flags, without allocating a string per token.
/// </summary>
/// <remarks>
/// A word is a run of letters and digits (combining marks included); an apostrophe between two letters stays inside
/// the word ("don't"), and '.' or ',' between two digits stays inside a number ("30.6", "1,000"). Every CJK ideograph,
/// kana or Hangul syllable is a token of its own. Zero-width characters and soft hyphens inside a word are ignored.
/// Words are folded to lower case (invariant culture) with typographic apostrophes as '\'' before hashing, so the
/// hash of a token is the seeded XxHash3 of its folded UTF-16 code units in little-endian order; only the first
/// <see cref="MaxHashedChars"/> characters of a longer token are hashed, together with its length.
/// </remarks>
public static class Tokenizer
{
    /// <summary>How many characters of a token are hashed; a longer token hashes its first characters and its length.</summary>
    public const int MaxHashedChars = 64;

    /// <summary>Tokenizes <paramref name="text"/>, calling <paramref name="sink"/> once per token in order.</summary>
    public static void Tokenize<TSink>(ReadOnlySpan<char> text, ref TSink sink, TokenizerOptions? options = null)
        where TSink : struct, ITokenSink, allows ref struct
    {
        options ??= TokenizerOptions.Default;
        StopwordSet.HashTable stopwords = options.Stopwords.HashesFor(options.Seed);
        long seed = unchecked((long)options.Seed);
        Span<char> folded = stackalloc char[MaxHashedChars + AsciiWordScanner.Slack];
        ref char textStart = ref MemoryMarshal.GetReference(text);
        Span<char> pair = stackalloc char[2];
        int i = 0;
        int n = text.Length;
        while (i < n)
        {
            char c = text[i];
            int width = c < 128 ? (AsciiKinds[c] != 0 ? 1 : 0) : WordCharWidth(text, i);
            if (width == 0)
            {
                i++;
                continue;
            }

            int start = i;
            if (IsIdeograph(c))
            {
                folded[0] = c;
                ulong h = TokenHash.Hash(folded[..1], unchecked((ulong)seed));
                sink.OnToken(new Token(h, TokenTraits.Ideograph, start, 1));
                i++;
                continue;
            }

            int count = 0;
            int total = 0;
            bool number = c < 128 ? (uint)(c - '0') <= 9 : char.IsDigit(c);
            bool capitalized = c < 128 ? AsciiKinds[c] == AsciiUpper : char.IsUpper(c) || (width == 2 && Rune.DecodeFromUtf16(text[i..], out Rune rune, out _) == System.Buffers.OperationStatus.Done && Rune.IsUpper(rune));
            while (i < n)
            {
                // ASCII fast path: the run of ASCII letters and digits from i, lower-cased into folded.
                int end = AsciiWordScanner.Scan(text, i, folded, count);
                if (end > i)
                {
                    total += end - i;
                    count = Math.Min(count + (end - i), MaxHashedChars);
                    i = end;
                    if (i >= n)
                    {
                        break;
                    }
                }

                char d = Unsafe.Add(ref textStart, i);
                if (d < 128)
                {

                    // A plain separator (space, most punctuation) ends the word; only an apostrophe, '.', ',' or a
                    // control character needs the checks below.
                    if (d is not ('\'' or '.' or ',') && d >= ' ' && d != '\u007F')
                    {
                        break;
                    }
                }

                int w = d < 128 ? 0 : WordCharWidth(text, i);
                if (w > 0 && !IsIdeograph(d))
                {
                    if (w == 1)
                    {
                        (count, total) = Put(folded, count, total, TextNormalizer.FoldChar(d));
                    }
                    else
                    {
                        text.Slice(i, 2).ToLowerInvariant(pair);
                        (count, total) = Put(folded, count, total, pair[0]);
                        (count, total) = Put(folded, count, total, pair[1]);
                    }

                    i += w;
                    continue;
                }

                if (IsDroppedInWord(d))
                {
                    // Skip a run of zero-width characters, soft hyphens or controls when the word goes on after it.
                    int j = i + 1;
                    while (j < n && IsDroppedInWord(text[j]))
                    {
                        j++;
                    }

                    if (j < n && WordCharWidth(text, j) > 0 && !IsIdeograph(text[j]))
                    {
                        i = j;
                        continue;
                    }
                }

                if (i + 1 < n && IsInnerJoiner(text, i, number))
                {
                    (count, total) = Put(folded, count, total, TextNormalizer.FoldChar(d));
                    i++;
                    continue;
                }

                break;
            }

            ulong hash = TokenHash.Hash(folded[..count], unchecked((ulong)seed));
            if (total > count)
            {
                hash = Kernels.HashMixKernel.Mix(hash ^ (ulong)total);
            }

            TokenTraits flags = TokenTraits.None;
            if (number)
            {
                flags |= TokenTraits.Number;
            }
            else if (total <= MaxHashedChars && stopwords.Contains(hash))
            {
                flags |= TokenTraits.Stopword;
            }

            if (capitalized)
            {
                flags |= TokenTraits.Capitalized;
            }

            sink.OnToken(new Token(hash, flags, start, i - start));
        }
    }

    /// <summary>Tokenizes into <paramref name="destination"/>; returns how many tokens were written.</summary>
    /// <remarks>A text never has more tokens than characters, so a destination of <c>text.Length</c> always suffices.</remarks>
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

    /// <summary>The token hash of an already folded word: the seeded XxHash3 of its UTF-16 code units (the tokenizer's formula).</summary>
    internal static ulong HashFolded(string folded, ulong seed)
    {
        ReadOnlySpan<char> chars = folded.AsSpan(0, Math.Min(folded.Length, MaxHashedChars));
        ulong hash = TokenHash.Hash(chars, seed);
        return folded.Length > MaxHashedChars ? Kernels.HashMixKernel.Mix(hash ^ (ulong)folded.Length) : hash;
    }

    /// <summary>The hash a single word gets as a token (folded the same way), e.g. to look up a word's token.</summary>
    public static ulong HashWord(ReadOnlySpan<char> word, TokenizerOptions? options = null)
    {
        var sink = new FirstSink();
        Tokenize(word, ref sink, options);
        return sink.Hash;
    }

    internal const byte AsciiUpper = 2;

    /// <summary>For each ASCII character: 0 not a word character, 1 lower-case letter or digit, 2 upper-case letter.</summary>
    internal static ReadOnlySpan<byte> AsciiKinds =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
        0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0,
        0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
    ];

    /// <summary>Appends a folded character (none for '\0'); returns the new stored and total counts. By value, not by
    /// reference, so that the counters of the hot loop stay in registers.</summary>
    private static (int Count, int Total) Put(Span<char> folded, int count, int total, char c)
    {
        if (c == '\0')
        {
            return (count, total);
        }

        if (count < MaxHashedChars)
        {
            folded[count++] = c;
        }

        return (count, total + 1);
    }

    /// <summary>0 when text[i] is not a word character, else its width in UTF-16 code units (2 for a surrogate pair).</summary>
    private static int WordCharWidth(ReadOnlySpan<char> text, int i)
    {
        char c = text[i];
        if (c < 128)
        {
            return (uint)((c | 0x20) - 'a') <= 'z' - 'a' || (uint)(c - '0') <= 9 ? 1 : 0;
        }

        if (char.IsHighSurrogate(c))
        {
            if (i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                Rune r = new(c, text[i + 1]);
                return Rune.IsLetterOrDigit(r) ? 2 : 0;
            }

            return 0;
        }

        if (char.IsLetterOrDigit(c))
        {
            return 1;
        }

        UnicodeCategory cat = CharUnicodeInfo.GetUnicodeCategory(c);
        return cat is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark ? 1 : 0;
    }

    private static bool IsInnerJoiner(ReadOnlySpan<char> text, int i, bool number)
    {
        char c = text[i];
        if (i == 0)
        {
            return false;
        }

        char prev = text[i - 1];
        char next = text[i + 1];
        if (c is '\'' or '\u2019' or '\u02BC')
        {
            return char.IsLetter(prev) && char.IsLetter(next) && !IsIdeograph(next);
        }

        return number && c is '.' or ',' && char.IsDigit(prev) && char.IsDigit(next);
    }

    private static bool IsDroppedInWord(char c) => c != '\0' && TextNormalizer.IsDropped(c);

    private static bool IsIdeograph(char c) =>
        c is (>= '\u4E00' and <= '\u9FFF') or (>= '\u3400' and <= '\u4DBF') or (>= '\uF900' and <= '\uFAFF')
          or (>= '\u3040' and <= '\u30FF') or (>= '\uAC00' and <= '\uD7AF');

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

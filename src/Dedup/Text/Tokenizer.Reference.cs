using System.Globalization;
using System.Text;
using Dedup.Kernels;

namespace Dedup.Text;

/// <summary>The scalar reference: every character through the normalizing <see cref="SourceReader"/>.</summary>
[System.Runtime.CompilerServices.SkipLocalsInit]
public static partial class Tokenizer
{
    /// <summary>Room for a word's first <see cref="MaxHashedChars"/> characters and a surrogate pair that straddles the limit.</summary>
    private const int WordBuffer = MaxHashedChars + 2;

    /// <summary>
    /// Tokenizes from <paramref name="start"/>, which must be a token boundary (the start of the text, or a place
    /// where the reference would look for the next token). Returns where it stopped, also a boundary: the end of the
    /// text, or with <paramref name="returnEarly"/> the first boundary after at least one character from which plain
    /// ASCII text follows (so that the vector path can take over).
    /// </summary>
    private static int TokenizeReference<TSink>(ReadOnlySpan<char> text, int start, ref TSink sink, in Context context, bool returnEarly)
        where TSink : struct, ITokenSink, allows ref struct
    {
        var reader = new SourceReader(text, start);
        Span<char> raw = stackalloc char[WordBuffer];
        Span<char> normalized = stackalloc char[4 * WordBuffer];
        Span<char> lower = stackalloc char[4 * WordBuffer];
        while (true)
        {
            if (returnEarly && !reader.InExpansion && reader.Position > start && PlainAhead(text, reader.Position))
            {
                return reader.Position;
            }

            if (!reader.TryRead(out Rune r, out int tokenStart, out int end))
            {
                return text.Length;
            }

            if (!IsWordRune(r))
            {
                continue;
            }

            if (IsIdeograph(r.Value))
            {
                int n = r.EncodeToUtf16(raw);
                ulong h = TokenHash.Hash(raw[..n], context.Seed);
                sink.OnToken(new Token(h, TokenTraits.Ideograph, tokenStart, end - tokenStart));
                continue;
            }

            bool number = Rune.IsDigit(r);
            bool capitalized = Rune.IsUpper(r);
            var word = new WordBuilder(raw);
            word.Append(r);
            Rune previous = r;
            while (true)
            {
                SourceReader before = reader;
                if (!reader.TryRead(out Rune d, out _, out int dEnd))
                {
                    break;
                }

                if (IsWordRune(d) && !IsIdeograph(d.Value))
                {
                    word.Append(d);
                    previous = d;
                    end = dEnd;
                    continue;
                }

                if (IsDroppedInWord(d) && WordGoesOnAfterDropped(ref reader))
                {
                    continue;
                }

                if (IsJoinerCandidate(d))
                {
                    SourceReader ahead = reader;
                    if (ahead.TryRead(out Rune next, out _, out _) && Joins(d, previous, next, number))
                    {
                        word.Append(d);
                        previous = d;
                        continue;
                    }
                }

                reader = before;
                break;
            }

            ulong hash = word.Hash(normalized, lower, context.Seed, out int total);
            TokenTraits flags = TokenTraits.None;
            if (number)
            {
                flags |= TokenTraits.Number;
            }
            else if (total <= MaxHashedChars && context.Stopwords.Contains(hash))
            {
                flags |= TokenTraits.Stopword;
            }

            if (capitalized)
            {
                flags |= TokenTraits.Capitalized;
            }

            sink.OnToken(new Token(hash, flags, tokenStart, end - tokenStart));
        }
    }

    /// <summary>
    /// After a dropped character inside a word: skips the run of dropped characters and returns true, positioned
    /// before the next word character, when the word goes on after it; otherwise leaves the reader where it was.
    /// </summary>
    private static bool WordGoesOnAfterDropped(ref SourceReader reader)
    {
        SourceReader look = reader;
        while (true)
        {
            SourceReader at = look;
            if (!look.TryRead(out Rune x, out _, out _))
            {
                return false;
            }

            if (IsDroppedInWord(x))
            {
                continue;
            }

            if (IsWordRune(x) && !IsIdeograph(x.Value))
            {
                reader = at;
                return true;
            }

            return false;
        }
    }

    /// <summary>Whether plain ASCII text (no reference, nothing beyond U+007E) follows <paramref name="position"/> for a while.</summary>
    private static bool PlainAhead(ReadOnlySpan<char> text, int position)
    {
        ReadOnlySpan<char> ahead = text.Slice(position, Math.Min(16, text.Length - position));
        return !ahead.IsEmpty && ahead.IndexOfAnyExceptInRange('\0', '\u007E') < 0 && !ahead.Contains('&');
    }

    /// <summary>Letters, digits and combining marks.</summary>
    private static bool IsWordRune(Rune r)
    {
        int v = r.Value;
        if (v < 128)
        {
            return (uint)((v | 0x20) - 'a') <= 'z' - 'a' || (uint)(v - '0') <= 9;
        }

        if (Rune.IsLetterOrDigit(r))
        {
            return true;
        }

        return Rune.GetUnicodeCategory(r) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;
    }

    private static bool IsJoinerCandidate(Rune r) => r.Value is '\'' or '\u2019' or '\u02BC' or '.' or ',';

    /// <summary>An apostrophe between two letters, or '.' or ',' between two digits of a number, stays inside the word.</summary>
    private static bool Joins(Rune joiner, Rune previous, Rune next, bool number) =>
        joiner.Value is '.' or ','
            ? number && Rune.IsDigit(previous) && Rune.IsDigit(next)
            : Rune.IsLetter(previous) && Rune.IsLetter(next) && !IsIdeograph(next.Value);

    private static bool IsDroppedInWord(Rune r)
    {
        int v = r.Value;
        return v != 0 && (v is 0x200B or 0x200C or 0x200D or 0x2060 or 0xFEFF or 0xAD || (Rune.IsControl(r) && !Rune.IsWhiteSpace(r)));
    }

    private static bool IsIdeograph(int c) =>
        c is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0xF900 and <= 0xFAFF)
          or (>= 0x3040 and <= 0x30FF) or (>= 0xAC00 and <= 0xD7AF);

    /// <summary>A word's characters as read (its first <see cref="MaxHashedChars"/> and a count of all), then folded and hashed.</summary>
    private ref struct WordBuilder(Span<char> buffer)
    {
        private readonly Span<char> _buffer = buffer;
        private int _count;
        private int _total;
        private bool _nonAscii;
        private bool _mayCompose;

        public void Append(Rune r)
        {
            int v = r.Value;
            if (v < 128)
            {
                if (_count < MaxHashedChars)
                {
                    _buffer[_count++] = (char)v;
                }

                _total++;
                return;
            }

            _nonAscii = true;
            _mayCompose |= CompatibilityFold.MayCompose(r);
            int width = r.Utf16SequenceLength;
            if (_count < MaxHashedChars)
            {
                r.EncodeToUtf16(_buffer[_count..]);
                _count += width;
            }

            _total += width;
        }

        /// <summary>
        /// NFKC of the word when it may compose, lower case (invariant), typographic apostrophes as '\''; then the
        /// seeded XxHash3 of the first <see cref="MaxHashedChars"/> characters, mixed with the length when longer.
        /// </summary>
        public readonly ulong Hash(Span<char> normalized, Span<char> lower, ulong seed, out int total)
        {
            total = _total;
            Span<char> chars = _buffer[.._count];
            if (!_nonAscii)
            {
                for (int i = 0; i < chars.Length; i++)
                {
                    chars[i] = (char)(chars[i] | 0x20);
                }
            }
            else
            {
                if (_mayCompose && !((ReadOnlySpan<char>)chars).IsNormalized(NormalizationForm.FormKC)
                    && ((ReadOnlySpan<char>)chars).TryNormalize(normalized, out int written, NormalizationForm.FormKC))
                {
                    total += written - chars.Length;
                    chars = normalized[..written];
                }

                int n = TextNormalizer.LowerInvariant(chars, lower);
                chars = lower[..n];
                for (int i = 0; i < chars.Length; i++)
                {
                    if (chars[i] is '\u2018' or '\u2019' or '\u201B' or '\u02BC' or '\u2032' or '\uFF07')
                    {
                        chars[i] = '\'';
                    }
                }
            }

            ulong hash = TokenHash.Hash(chars[..Math.Min(chars.Length, MaxHashedChars)], seed);
            return total > MaxHashedChars ? HashMixKernel.Mix(hash ^ (ulong)total) : hash;
        }
    }
}

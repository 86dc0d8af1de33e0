using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Dedup.Kernels;

namespace Dedup.Text;

/// <summary>
/// The vector path: 64 characters classified at a time (narrowed to bytes with saturation), the words of plain ASCII text walked by bit masks and hashed
/// straight from the text; everything else (any character beyond U+007E, '&amp;', control characters, a word that
/// runs into one) goes to the reference from the start of its word.
/// </summary>
public static partial class Tokenizer
{
    /// <summary>Characters classified at once: one bit each in a 64-bit mask.</summary>
    private const int BlockChars = 64;

    private const uint LowerPair = 0x0020_0020U;
    private const ulong LowerQuad = 0x0020_0020_0020_0020UL;

    [MethodImpl(MethodImplOptions.NoInlining)] // inlined into a caller, the walk left its EmitAscii calls out of line
    private static void TokenizeVector<TSink>(ReadOnlySpan<char> text, ref TSink sink, in Context context, KernelWidth width)
        where TSink : struct, ITokenSink, allows ref struct
    {
        if (!BitConverter.IsLittleEndian)
        {
            TokenizeReference(text, 0, ref sink, context, returnEarly: false);
            return;
        }

        int n = text.Length;
        ref ushort origin = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text));
        int p = 0;
        while (p < n)
        {
            // The block holds the 64 characters from p, or the last 64 of the text shifted down to p.
            int blockStart = Math.Min(p, n - BlockChars);
            Masks masks = width switch
            {
                KernelWidth.Vector512 => Classify512(ref origin, blockStart),
                KernelWidth.Vector256 => Classify256(ref origin, blockStart),
                _ => Classify128(ref origin, blockStart),
            };
            if (masks.Special != 0)
            {
                masks = Refine(ref origin, blockStart, masks);
            }

            int shift = p - blockStart;
            ulong word = masks.Word >> shift;
            ulong special = masks.Special >> shift;
            ulong joiner = masks.Joiner >> shift;
            int limit = Math.Min(BlockChars, n - p);
            bool last = p + BlockChars >= n;

            // A block of plain ASCII words (most blocks): the words' joiners settled first, then every word's start
            // and end read off two masks, so that one word's walk does not wait for the last one's (a chain of bit
            // scans through every word otherwise).
            if (special == 0 && TryWalkPlainBlock(ref origin, p, limit, last, word, joiner, ref sink, context, out int plainNext))
            {
                p = plainNext;
                continue;
            }

            // A joiner that may join: followed by a word character or one the reference must read, or at the end of
            // the block. Any other joiner ends its word, which spares the common ". " and ", " the slow test below.
            ulong joinable = joiner & (((word | special) >> 1) | (1UL << 63));
            ulong events = (word & ~(word << 1)) | special;
            int next = p + limit;
            while (events != 0)
            {
                int s = BitOperations.TrailingZeroCount(events);
                if (((special >> s) & 1) != 0)
                {
                    next = TokenizeReference(text, p + s, ref sink, context, returnEarly: true);
                    break;
                }

                int e = s + BitOperations.TrailingZeroCount(~(word >> s));
                bool blockEnd = false;
                bool other = false;
                bool curly = false;
                while (true)
                {
                    if (e >= limit)
                    {
                        blockEnd = !last;
                        e = limit;
                        break;
                    }

                    if (((special >> e) & 1) != 0)
                    {
                        other = true;
                        break;
                    }

                    if (((joinable >> e) & 1) == 0)
                    {
                        break;
                    }

                    // An apostrophe, '.' or ',' after the word: inside it only between two letters (apostrophe) or two
                    // digits of a number.
                    int after = e + 1;
                    if (after >= limit)
                    {
                        blockEnd = !last;
                        break;
                    }

                    if (((special >> after) & 1) != 0)
                    {
                        other = true;
                        break;
                    }

                    if (((word >> after) & 1) == 0)
                    {
                        break;
                    }

                    int at = p + e;
                    uint previous = Unsafe.Add(ref origin, at - 1);
                    uint following = Unsafe.Add(ref origin, at + 1);
                    uint joinerChar = Unsafe.Add(ref origin, at);
                    bool joins = joinerChar is '\'' or RightQuote
                        ? IsAsciiLetter(previous) && IsAsciiLetter(following)
                        : IsAsciiDigit(Unsafe.Add(ref origin, p + s)) && IsAsciiDigit(previous) && IsAsciiDigit(following);
                    if (!joins)
                    {
                        break;
                    }

                    curly |= joinerChar == RightQuote;
                    e = after + BitOperations.TrailingZeroCount(~(word >> after));
                }

                if (blockEnd || other)
                {
                    // A word that may go on past the block starts the next block, unless it already starts this one;
                    // a word that runs into a character the reference must read is the reference's.
                    next = blockEnd && s > 0 ? p + s : TokenizeReference(text, p + s, ref sink, context, returnEarly: true);
                    break;
                }

                if (curly)
                {
                    EmitWithRightQuote(ref Unsafe.Add(ref origin, p + s), p + s, e - s, ref sink, context);
                }
                else
                {
                    EmitAscii(ref Unsafe.Add(ref origin, p + s), p + s, e - s, ref sink, context);
                }
                events = e >= BlockChars ? 0 : events & (~0UL << e);
            }

            p = next;
        }
    }

    /// <summary>
    /// Tokenizes a block without characters for the reference (<paramref name="word"/> and <paramref name="joiner"/>
    /// shifted to start at <paramref name="p"/>; <paramref name="limit"/> characters of it are text) and returns
    /// where the next block starts: after the block, or at the start of a word that may go on past it. The joiners
    /// that join (an apostrophe between two letters, '.' or ',' between two digits of a word that starts with a
    /// digit) are found first, in order, and added to the word mask; each word then starts at a rising edge of the
    /// mask and ends at a falling one. False, with nothing emitted, for the blocks the walk below takes: a word
    /// joined by a typographic apostrophe, or one word that fills the block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryWalkPlainBlock<TSink>(ref ushort origin, int p, int limit, bool last, ulong word, ulong joiner, ref TSink sink, in Context context, out int next)
        where TSink : struct, ITokenSink, allows ref struct
    {
        next = p + limit;
        ulong candidates = joiner & (word << 1) & (word >> 1);
        if (candidates != 0 && !TryJoin(ref Unsafe.Add(ref origin, p), candidates, ref word))
        {
            return false;
        }

        ulong starts = word & ~(word << 1);
        ulong ends = word & ~(word >> 1);

        // A word that reaches the block's end, or is followed by a joiner there, may go on in the next block (the
        // text's last block ends the text).
        if (!last && ((word >> 63) | ((joiner >> 63) & (word >> 62))) != 0)
        {
            int lastStart = 63 - BitOperations.LeadingZeroCount(starts);
            if (lastStart == 0)
            {
                return false;
            }

            starts &= ~(1UL << lastStart);
            ends &= ~(1UL << (63 - BitOperations.LeadingZeroCount(ends)));
            next = p + lastStart;
        }

        while (starts != 0)
        {
            int s = BitOperations.TrailingZeroCount(starts);
            int e = BitOperations.TrailingZeroCount(ends) + 1;
            starts &= starts - 1;
            ends &= ends - 1;
            EmitAscii(ref Unsafe.Add(ref origin, p + s), p + s, e - s, ref sink, context);
        }

        return true;
    }

    /// <summary>
    /// Adds to <paramref name="word"/> the <paramref name="candidates"/> (joiners between two word characters, bit i
    /// for the character at <paramref name="at"/> + i) that join, lowest first, as the walk would; false when a
    /// typographic apostrophe joins (its word is folded apart).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool TryJoin(ref ushort at, ulong candidates, ref ulong word)
    {
        ulong joined = word;
        for (; candidates != 0; candidates &= candidates - 1)
        {
            int j = BitOperations.TrailingZeroCount(candidates);
            uint c = Unsafe.Add(ref at, j);
            uint previous = Unsafe.Add(ref at, j - 1);
            uint following = Unsafe.Add(ref at, j + 1);
            bool joins;
            if (c is '\'' or RightQuote)
            {
                joins = IsAsciiLetter(previous) && IsAsciiLetter(following);
                if (joins && c == RightQuote)
                {
                    return false;
                }
            }
            else
            {
                // The word before the joiner, with the joins so far, starts after the highest gap below it.
                ulong gaps = ~joined & ((1UL << j) - 1);
                int start = gaps == 0 ? 0 : 64 - BitOperations.LeadingZeroCount(gaps);
                joins = IsAsciiDigit(Unsafe.Add(ref at, start)) && IsAsciiDigit(previous) && IsAsciiDigit(following);
            }

            if (joins)
            {
                joined |= 1UL << j;
            }
        }

        word = joined;
        return true;
    }

    /// <summary>U+2019, the typographic apostrophe: a joiner between two letters, folded to '\''.</summary>
    private const char RightQuote = '\u2019';

    /// <summary>
    /// Characters beyond U+007E that the reference reads as separators, exactly like a space: not letters, digits or
    /// marks, not dropped inside a word, not joiners, and NFKC-stable or folded to a space (the no-break space).
    /// These are most of the non-ASCII characters of English news text besides the typographic apostrophe.
    /// </summary>
    private static bool IsPlainSeparator(uint c) =>
        c is 0xA0 or 0xA3 or 0xA9 or 0xAB or 0xBB or 0xB0 or 0x2013 or 0x2014 or 0x2018 or 0x201C or 0x201D;

    /// <summary>
    /// Clears from the special mask the plain separators (<see cref="IsPlainSeparator"/>), and moves typographic
    /// apostrophes (U+2019) from it to the joiners, so that the words around them stay on the vector path.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Masks Refine(ref ushort origin, int blockStart, Masks masks)
    {
        ulong special = masks.Special;
        ulong joiner = masks.Joiner;
        for (ulong rest = special; rest != 0; rest &= rest - 1)
        {
            int i = BitOperations.TrailingZeroCount(rest);
            uint c = Unsafe.Add(ref origin, blockStart + i);
            if (c == RightQuote)
            {
                special &= ~(1UL << i);
                joiner |= 1UL << i;
            }
            else if (IsPlainSeparator(c))
            {
                special &= ~(1UL << i);
            }
        }

        return new Masks(masks.Word, special, joiner);
    }

    /// <summary>An ASCII word with a typographic apostrophe inside: folded into a buffer ('\u2019' as '\'') and hashed.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void EmitWithRightQuote<TSink>(ref ushort at, int start, int length, ref TSink sink, in Context context)
        where TSink : struct, ITokenSink, allows ref struct
    {
        // The stack buffer here, the loop in FoldRightQuotes: so both compile at tier 0 (docs/architecture.md, "First calls").
        ulong hash = TokenHash.Hash(FoldRightQuotes(ref at, length, stackalloc char[BlockChars]), context.Seed);
        uint c0 = at;
        TokenTraits flags = IsAsciiDigit(c0) ? TokenTraits.Number
            : context.Stopwords.Contains(hash) ? TokenTraits.Stopword
            : TokenTraits.None;
        if (c0 - 'A' <= 'Z' - 'A')
        {
            flags |= TokenTraits.Capitalized;
        }

        sink.OnToken(new Token(hash, flags, start, length));
    }

    /// <summary>The word folded into <paramref name="folded"/>: ASCII lower case, '\u2019' as '\''.</summary>
    private static ReadOnlySpan<char> FoldRightQuotes(ref ushort at, int length, Span<char> folded)
    {
        for (int i = 0; i < length; i++)
        {
            uint c = Unsafe.Add(ref at, i);
            folded[i] = c == RightQuote ? '\'' : (char)(c | 0x20);
        }

        return folded[..length];
    }

    /// <summary>A word of ASCII letters, digits and joiners: hashed from the text with case folded in registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void EmitAscii<TSink>(ref ushort at, int start, int length, ref TSink sink, in Context context)
        where TSink : struct, ITokenSink, allows ref struct
    {
        ref readonly TokenHash.Keys keys = ref context.Keys;
        ref byte bytes = ref Unsafe.As<ushort, byte>(ref at);
        ulong hash;
        if (length <= 4)
        {
            if (length == 1)
            {
                uint c = (uint)(at | 0x20);
                hash = TokenHash.Of1To3(c & 0xFF, c >> 8, c >> 8, 2, keys);
            }
            else
            {
                uint first = Unsafe.ReadUnaligned<uint>(ref bytes) | LowerPair;
                uint last = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref bytes, (length - 2) * 2)) | LowerPair;
                hash = TokenHash.Of4To8(first, last, length * 2, keys);
            }
        }
        else if (length <= 8)
        {
            ulong first = Unsafe.ReadUnaligned<ulong>(ref bytes) | LowerQuad;
            ulong last = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref bytes, (length - 4) * 2)) | LowerQuad;
            hash = TokenHash.Of9To16(first, last, length * 2, keys);
        }
        else if (length <= 16)
        {
            // 18..32 bytes: XXH3's medium formula on the first and the last sixteen bytes, folded in registers.
            hash = TokenHash.Of17To32(
                Unsafe.ReadUnaligned<ulong>(ref bytes) | LowerQuad,
                Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref bytes, 8)) | LowerQuad,
                Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref bytes, (length - 8) * 2)) | LowerQuad,
                Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref bytes, (length - 4) * 2)) | LowerQuad,
                length * 2,
                keys);
        }
        else if (length <= 32)
        {
            hash = TokenHash.Of33To64(
                Unsafe.ReadUnaligned<ulong>(ref bytes) | LowerQuad,
                Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref bytes, 8)) | LowerQuad,
                Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref bytes, 16)) | LowerQuad,
                Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref bytes, 24)) | LowerQuad,
                Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref bytes, (length - 16) * 2)) | LowerQuad,
                Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref bytes, (length - 12) * 2)) | LowerQuad,
                Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref bytes, (length - 8) * 2)) | LowerQuad,
                Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref bytes, (length - 4) * 2)) | LowerQuad,
                length * 2,
                keys);
        }
        else
        {
            hash = HashLongAscii(ref at, length, context.Seed);
        }

        if (typeof(IHashOnlySink).IsAssignableFrom(typeof(TSink)))
        {
            // A sink that reads the hashes alone (a MinHash of the text) is spared the stopword lookup: the test is a
            // constant of each compiled TSink.
            sink.OnToken(new Token(hash, TokenTraits.None, start, length));
            return;
        }

        // The traits without branches: Number, else Stopword; Capitalized besides.
        uint c0 = at;
        uint number = Bit(IsAsciiDigit(c0));
        uint stopword = Bit(context.Stopwords.Contains(hash)) & ~number;
        uint capitalized = Bit(c0 - 'A' <= 'Z' - 'A');
        var flags = (TokenTraits)((number * (uint)TokenTraits.Number) | (stopword * (uint)TokenTraits.Stopword) | (capitalized * (uint)TokenTraits.Capitalized));
        sink.OnToken(new Token(hash, flags, start, length));
    }

    /// <summary>
    /// A word of 33 to <see cref="BlockChars"/> ASCII characters: folded into a buffer and hashed by the library. Apart
    /// from the walk so that the walk has no stack buffer, and the buffer apart from the folding loop (a method with a
    /// stack buffer and a loop is compiled without tiering and profile: docs/architecture.md, "First calls").
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ulong HashLongAscii(ref ushort at, int length, ulong seed) =>
        TokenHash.Hash(FoldLongAscii(ref at, length, stackalloc char[BlockChars]), seed);

    /// <summary>The word of 33 to <see cref="BlockChars"/> ASCII characters folded to lower case into <paramref name="folded"/>.</summary>
    private static ReadOnlySpan<char> FoldLongAscii(ref ushort at, int length, Span<char> folded)
    {
        ref byte bytes = ref Unsafe.As<ushort, byte>(ref at);
        ref byte target = ref Unsafe.As<char, byte>(ref MemoryMarshal.GetReference(folded));
        for (int i = 0; i + 4 <= length; i += 4)
        {
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref target, i * 2), Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref bytes, i * 2)) | LowerQuad);
        }

        int tail = (length - 4) * 2;
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref target, tail), Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref bytes, tail)) | LowerQuad);
        return folded[..length];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Bit(bool value) => Unsafe.BitCast<bool, byte>(value);

    private static bool IsAsciiLetter(uint c) => ((c | 0x20) - 'a') <= 'z' - 'a';

    private static bool IsAsciiDigit(uint c) => c - '0' <= 9;

    /// <summary>One bit per character of a block: ASCII letters and digits; characters only the reference reads; apostrophes, '.' and ','.</summary>
    internal readonly record struct Masks(ulong Word, ulong Special, ulong Joiner);

    /// <summary>The masks of 64 characters at a forced width (<see cref="KernelWidth.Scalar"/>: the scalar reference of the classification).</summary>
    internal static Masks Classify(ReadOnlySpan<char> block, KernelWidth width)
    {
        if (block.Length != BlockChars)
        {
            throw new ArgumentException($"A block is {BlockChars} characters.", nameof(block));
        }

        ref ushort origin = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(block));
        return width switch
        {
            KernelWidth.Scalar => ClassifyScalar(block),
            KernelWidth.Vector512 => Classify512(ref origin, 0),
            KernelWidth.Vector256 => Classify256(ref origin, 0),
            _ => Classify128(ref origin, 0),
        };
    }

    private static Masks ClassifyScalar(ReadOnlySpan<char> block)
    {
        ulong word = 0, special = 0, joiner = 0;
        for (int i = 0; i < block.Length; i++)
        {
            uint c = block[i];
            ulong bit = 1UL << i;
            if (IsAsciiLetter(c) || IsAsciiDigit(c))
            {
                word |= bit;
            }

            if (c > 0x7E || c == '&' || (c < 0x20 && c - 9 > 4))
            {
                special |= bit;
            }

            if (c is '\'' or '.' or ',')
            {
                joiner |= bit;
            }
        }

        return new Masks(word, special, joiner);
    }

    // The classifiers narrow 16-bit characters to bytes with unsigned saturation (every character above U+00FF
    // becomes 0xFF, which is beyond U+007E and so "special" like the character itself), then classify 32 or 64 bytes
    // per step with signed byte comparisons on biased values; one movemask per class gives the bits.
    private static Masks Classify512(ref ushort origin, int start)
    {
        Vector512<byte> v = Vector512.NarrowWithSaturation(
            Vector512.LoadUnsafe(ref origin, (nuint)start),
            Vector512.LoadUnsafe(ref origin, (nuint)(start + 32)));
        return Classes(v);
    }

    private static Masks Classify256(ref ushort origin, int start)
    {
        Vector256<byte> low = Vector256.NarrowWithSaturation(
            Vector256.LoadUnsafe(ref origin, (nuint)start),
            Vector256.LoadUnsafe(ref origin, (nuint)(start + 16)));
        Vector256<byte> high = Vector256.NarrowWithSaturation(
            Vector256.LoadUnsafe(ref origin, (nuint)(start + 32)),
            Vector256.LoadUnsafe(ref origin, (nuint)(start + 48)));
        (uint w0, uint s0, uint j0) = Classes(low);
        (uint w1, uint s1, uint j1) = Classes(high);
        return new Masks(w0 | ((ulong)w1 << 32), s0 | ((ulong)s1 << 32), j0 | ((ulong)j1 << 32));
    }

    private static Masks Classify128(ref ushort origin, int start)
    {
        ulong word = 0, special = 0, joiner = 0;
        for (int k = 0; k < BlockChars; k += 16)
        {
            Vector128<byte> v = Vector128.NarrowWithSaturation(
                Vector128.LoadUnsafe(ref origin, (nuint)(start + k)),
                Vector128.LoadUnsafe(ref origin, (nuint)(start + k + 8)));
            (uint w, uint s, uint j) = Classes(v);
            word |= (ulong)w << k;
            special |= (ulong)s << k;
            joiner |= (ulong)j << k;
        }

        return new Masks(word, special, joiner);
    }

    // Signed ranges on biased bytes: (sbyte)(v + 0x80 - lo) < -128 + count holds exactly when lo <= v < lo + count.
    private const byte LetterBias = 0x80 - 'a';
    private const byte DigitBias = 0x80 - '0';
    private const byte PrintableBias = 0x80 - 0x20;
    private const byte SpaceBias = 0x80 - 9;
    private const sbyte LetterLimit = -128 + 26;
    private const sbyte DigitLimit = -128 + 10;
    private const sbyte PrintableLimit = -128 + 0x5F;
    private const sbyte SpaceLimit = -128 + 5;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Masks Classes(Vector512<byte> v)
    {
        Vector512<sbyte> letter = Vector512.LessThan(((v | Vector512.Create((byte)0x20)) + Vector512.Create(LetterBias)).AsSByte(), Vector512.Create(LetterLimit));
        Vector512<sbyte> digit = Vector512.LessThan((v + Vector512.Create(DigitBias)).AsSByte(), Vector512.Create(DigitLimit));
        Vector512<sbyte> printable = Vector512.LessThan((v + Vector512.Create(PrintableBias)).AsSByte(), Vector512.Create(PrintableLimit));
        Vector512<sbyte> space = Vector512.LessThan((v + Vector512.Create(SpaceBias)).AsSByte(), Vector512.Create(SpaceLimit));
        Vector512<byte> special = ~(printable | space).AsByte() | Vector512.Equals(v, Vector512.Create((byte)'&'));
        Vector512<byte> joiner = Vector512.Equals(v, Vector512.Create((byte)'\'')) | Vector512.Equals(v, Vector512.Create((byte)'.')) | Vector512.Equals(v, Vector512.Create((byte)','));
        return new Masks((letter | digit).ExtractMostSignificantBits(), special.ExtractMostSignificantBits(), joiner.ExtractMostSignificantBits());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (uint Word, uint Special, uint Joiner) Classes(Vector256<byte> v)
    {
        Vector256<sbyte> letter = Vector256.LessThan(((v | Vector256.Create((byte)0x20)) + Vector256.Create(LetterBias)).AsSByte(), Vector256.Create(LetterLimit));
        Vector256<sbyte> digit = Vector256.LessThan((v + Vector256.Create(DigitBias)).AsSByte(), Vector256.Create(DigitLimit));
        Vector256<sbyte> printable = Vector256.LessThan((v + Vector256.Create(PrintableBias)).AsSByte(), Vector256.Create(PrintableLimit));
        Vector256<sbyte> space = Vector256.LessThan((v + Vector256.Create(SpaceBias)).AsSByte(), Vector256.Create(SpaceLimit));
        Vector256<byte> special = ~(printable | space).AsByte() | Vector256.Equals(v, Vector256.Create((byte)'&'));
        Vector256<byte> joiner = Vector256.Equals(v, Vector256.Create((byte)'\'')) | Vector256.Equals(v, Vector256.Create((byte)'.')) | Vector256.Equals(v, Vector256.Create((byte)','));
        return ((letter | digit).ExtractMostSignificantBits(), special.ExtractMostSignificantBits(), joiner.ExtractMostSignificantBits());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (uint Word, uint Special, uint Joiner) Classes(Vector128<byte> v)
    {
        Vector128<sbyte> letter = Vector128.LessThan(((v | Vector128.Create((byte)0x20)) + Vector128.Create(LetterBias)).AsSByte(), Vector128.Create(LetterLimit));
        Vector128<sbyte> digit = Vector128.LessThan((v + Vector128.Create(DigitBias)).AsSByte(), Vector128.Create(DigitLimit));
        Vector128<sbyte> printable = Vector128.LessThan((v + Vector128.Create(PrintableBias)).AsSByte(), Vector128.Create(PrintableLimit));
        Vector128<sbyte> space = Vector128.LessThan((v + Vector128.Create(SpaceBias)).AsSByte(), Vector128.Create(SpaceLimit));
        Vector128<byte> special = ~(printable | space).AsByte() | Vector128.Equals(v, Vector128.Create((byte)'&'));
        Vector128<byte> joiner = Vector128.Equals(v, Vector128.Create((byte)'\'')) | Vector128.Equals(v, Vector128.Create((byte)'.')) | Vector128.Equals(v, Vector128.Create((byte)','));
        return ((letter | digit).ExtractMostSignificantBits(), special.ExtractMostSignificantBits(), joiner.ExtractMostSignificantBits());
    }
}

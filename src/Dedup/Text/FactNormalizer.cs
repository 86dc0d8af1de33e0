namespace Dedup.Text;

/// <summary>
/// Writes numbers in one form, so that the forms a rewrite moves between compare equal: "1,200" and "1200",
/// "£1.2bn" and "1.2 billion" (both "1.2", the unit is a word of its own), "5%" and "five percent" ("5"), "4.50" and "4.5".
/// </summary>
internal static class FactNormalizer
{
    /// <summary>
    /// The canonical digits of a number token (one starting with a digit) into <paramref name="destination"/>: digits
    /// with thousands separators dropped, a decimal part without trailing zeros, letters after the number (units such
    /// as "bn", "m", "pc", ordinal endings "st", "th") left out. Returns the length written.
    /// </summary>
    public static int Number(ReadOnlySpan<char> token, Span<char> destination)
    {
        if (!System.Text.Ascii.IsValid(token))
        {
            // Full-width digits ("１５００", in CJK text) and other scripts' decimal digits are the same number: written
            // as ASCII first (a full-width "1500" had no digits, so no fact, and disagreed with "1500").
            Span<char> ascii = stackalloc char[Math.Min(token.Length, Tokenizer.MaxHashedChars)];
            return AsciiNumber(ToAsciiDigits(token[..ascii.Length], ascii), destination);
        }

        return AsciiNumber(token, destination);
    }

    /// <summary><see cref="Number"/> of a token whose digits are ASCII (a character of another kind ends the number).</summary>
    private static int AsciiNumber(ReadOnlySpan<char> token, Span<char> destination)
    {
        int w = 0;
        int dot = -1;
        for (int i = 0; i < token.Length && w < destination.Length; i++)
        {
            char c = token[i];
            if (char.IsAsciiDigit(c))
            {
                destination[w++] = c;
            }
            else if ((c == '.' || c == ',') && i + 1 < token.Length && char.IsAsciiDigit(token[i + 1]))
            {
                // A comma followed by exactly three digits groups thousands; anything else is a decimal mark.
                bool thousands = c == ',' && i + 3 < token.Length && char.IsAsciiDigit(token[i + 2]) && char.IsAsciiDigit(token[i + 3])
                    && (i + 4 == token.Length || !char.IsAsciiDigit(token[i + 4]));
                if (!thousands && dot < 0)
                {
                    dot = w;
                    destination[w++] = '.';
                }
            }
            else if (!char.IsAsciiDigit(c))
            {
                break;
            }
        }

        if (dot >= 0)
        {
            while (w > dot + 1 && destination[w - 1] == '0')
            {
                w--;
            }

            if (w == dot + 1)
            {
                w--;
            }
        }

        return w;
    }

    /// <summary>
    /// <paramref name="token"/> with every decimal digit of any script as its ASCII digit, and the full-width full stop
    /// and comma as '.' and ','; other characters as they are.
    /// </summary>
    private static ReadOnlySpan<char> ToAsciiDigits(ReadOnlySpan<char> token, Span<char> destination)
    {
        for (int i = 0; i < token.Length; i++)
        {
            char c = token[i];
            int digit = c < 0x80 ? -1 : System.Globalization.CharUnicodeInfo.GetDecimalDigitValue(c);
            destination[i] = digit >= 0 ? (char)('0' + digit) : c switch
            {
                '\uFF0E' => '.',
                '\uFF0C' => ',',
                _ => c,
            };
        }

        return destination[..token.Length];
    }

    /// <summary>
    /// The index of the last token of a fraction that starts at number token <paramref name="t"/>: "5/8" (number, '/',
    /// number) or "6-1/4" (number, '-', number, '/', number), the separators standing alone between the tokens; or
    /// <paramref name="t"/> when none starts there. Wire copy writes rates and prices so ("fed funds at 6-1/4 pct"),
    /// and a template of another day differs in the fraction alone.
    /// </summary>
    public static int FractionEnd(ReadOnlySpan<char> text, ReadOnlySpan<Token> tokens, int t)
    {
        if (IsNumberAfter(text, tokens, t, '/'))
        {
            return t + 1;
        }

        if (IsNumberAfter(text, tokens, t, '-') && IsNumberAfter(text, tokens, t + 1, '/'))
        {
            return t + 2;
        }

        return t;
    }

    /// <summary>
    /// The decimal value of a fraction's two or three number tokens (see <see cref="FractionEnd"/>) into
    /// <paramref name="destination"/>, in the form <see cref="Number"/> writes ("6-1/4" → "6.25", "1/2" → "0.5"), so
    /// that "1/2" and "0.50" agree. Returns the length written.
    /// </summary>
    public static int Fraction(ReadOnlySpan<char> text, ReadOnlySpan<Token> parts, Span<char> destination)
    {
        double whole = parts.Length == 3 ? Value(text, parts[0]) : 0;
        double numerator = Value(text, parts[^2]);
        double denominator = Value(text, parts[^1]);
        double value = denominator == 0 ? whole : whole + (numerator / denominator);
        return value.TryFormat(destination, out int written, "0.######", System.Globalization.CultureInfo.InvariantCulture) ? written : 0;
    }

    /// <summary>The integer value of a number token's leading digits (at most nine of them).</summary>
    private static double Value(ReadOnlySpan<char> text, Token token)
    {
        double value = 0;
        ReadOnlySpan<char> digits = text.Slice(token.Start, token.Length);
        for (int i = 0; i < digits.Length && i < 9 && char.IsAsciiDigit(digits[i]); i++)
        {
            value = (value * 10) + (digits[i] - '0');
        }

        return value;
    }

    /// <summary>
    /// The index of the last token of a number whose digit groups are set apart by a no-break, narrow no-break or thin
    /// space, as French and other languages write thousands ("1 500", "12 345 678,5"): a group of one to three digits,
    /// then groups of three, each after one such space (the tokenizer splits it into a token a group). <paramref name="t"/>
    /// when the token there starts no such number. An ordinary space sets apart two numbers ("in 2 500-page reports").
    /// </summary>
    public static int GroupedEnd(ReadOnlySpan<char> text, ReadOnlySpan<Token> tokens, int t)
    {
        if (!IsDigitGroup(text, tokens[t], first: true))
        {
            return t;
        }

        int u = t;
        while (u + 1 < tokens.Length && (tokens[u + 1].Traits & TokenTraits.Number) != 0 && IsDigitGroup(text, tokens[u + 1], first: false))
        {
            int end = tokens[u].Start + tokens[u].Length;
            if (tokens[u + 1].Start != end + 1 || text[end] is not ('\u00A0' or '\u202F' or '\u2009'))
            {
                break;
            }

            u++;
            if (tokens[u].Length > 3)
            {
                break; // a group with a decimal part ends the number
            }
        }

        return u;
    }

    /// <summary>The canonical digits (as <see cref="Number"/>) of the grouped number of <paramref name="parts"/> (see <see cref="GroupedEnd"/>).</summary>
    public static int Grouped(ReadOnlySpan<char> text, ReadOnlySpan<Token> parts, Span<char> destination)
    {
        // The stack buffer is here, the loop in Join: so both compile at tier 0 (docs/architecture.md, "First calls").
        Span<char> joined = stackalloc char[Tokenizer.MaxHashedChars];
        return Number(Join(text, parts, joined), destination);
    }

    /// <summary>The characters of <paramref name="parts"/> one after another in <paramref name="joined"/> (as many as it holds).</summary>
    private static ReadOnlySpan<char> Join(ReadOnlySpan<char> text, ReadOnlySpan<Token> parts, Span<char> joined)
    {
        int w = 0;
        foreach (Token part in parts)
        {
            ReadOnlySpan<char> digits = text.Slice(part.Start, Math.Min(part.Length, joined.Length - w));
            digits.CopyTo(joined[w..]);
            w += digits.Length;
        }

        return joined[..w];
    }

    /// <summary>
    /// The canonical form of a number the tokenizer split into tokens, starting at token <paramref name="t"/>: a fraction
    /// (<see cref="Fraction"/>) or a grouped number (<see cref="Grouped"/>). <paramref name="end"/> is its last token, or
    /// <paramref name="t"/> (and nothing is written) when the token there starts no such number. Returns the length written.
    /// </summary>
    public static int SplitNumber(ReadOnlySpan<char> text, ReadOnlySpan<Token> tokens, int t, Span<char> destination, out int end)
    {
        end = FractionEnd(text, tokens, t);
        if (end > t)
        {
            return Fraction(text, tokens.Slice(t, end - t + 1), destination);
        }

        end = GroupedEnd(text, tokens, t);
        return end > t ? Grouped(text, tokens.Slice(t, end - t + 1), destination) : 0;
    }

    /// <summary>The last token of the number that starts at <paramref name="t"/>: a fraction's or a grouped number's, else <paramref name="t"/>.</summary>
    public static int NumberEnd(ReadOnlySpan<char> text, ReadOnlySpan<Token> tokens, int t)
    {
        int fraction = FractionEnd(text, tokens, t);
        return fraction > t ? fraction : GroupedEnd(text, tokens, t);
    }

    /// <summary>
    /// Whether a token is a digit group: ASCII digits alone, one to three of them for the <paramref name="first"/> group;
    /// exactly three for a later one, which may end in a decimal part (",5", ".25").
    /// </summary>
    private static bool IsDigitGroup(ReadOnlySpan<char> text, Token token, bool first)
    {
        ReadOnlySpan<char> chars = text.Slice(token.Start, token.Length);
        int digits = 0;
        while (digits < chars.Length && char.IsAsciiDigit(chars[digits]))
        {
            digits++;
        }

        if (first)
        {
            return digits == chars.Length && digits is >= 1 and <= 3;
        }

        if (digits != 3)
        {
            return false;
        }

        ReadOnlySpan<char> rest = chars[3..];
        return rest.IsEmpty || (rest.Length >= 2 && rest[0] is ',' or '.' && !rest[1..].ContainsAnyExceptInRange('0', '9'));
    }

    /// <summary>Whether token <paramref name="t"/> and the next are numbers with exactly <paramref name="separator"/> between them.</summary>
    private static bool IsNumberAfter(ReadOnlySpan<char> text, ReadOnlySpan<Token> tokens, int t, char separator)
    {
        if (t + 1 >= tokens.Length || (tokens[t].Traits & TokenTraits.Number) == 0 || (tokens[t + 1].Traits & TokenTraits.Number) == 0)
        {
            return false;
        }

        int end = tokens[t].Start + tokens[t].Length;
        return tokens[t + 1].Start == end + 1 && text[end] == separator;
    }

    /// <summary>The value of a folded number word from "zero" to "twelve", or -1.</summary>
    /// <remarks>A switch on the span: the compiler tests its length, then a character or two (it looped over the thirteen words).</remarks>
    public static int NumberWord(ReadOnlySpan<char> folded) => folded switch
    {
        "zero" => 0,
        "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" => 12,
        _ => -1,
    };
}

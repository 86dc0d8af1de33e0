namespace Dedup.Text;

/// <summary>
/// Writes numbers in one form, so that the forms a rewrite moves between compare equal: "1,200" and "1200",
/// "£1.2bn" and "1.2 billion" (both "1.2", the unit is a word of its own), "5%" and "five percent" ("5"), "4.50" and "4.5".
/// </summary>
internal static class FactNormalizer
{
    private static readonly string[] NumberWords =
    [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    ];

    /// <summary>
    /// The canonical digits of a number token (one starting with a digit) into <paramref name="destination"/>: digits
    /// with thousands separators dropped, a decimal part without trailing zeros, letters after the number (units such
    /// as "bn", "m", "pc", ordinal endings "st", "th") left out. Returns the length written.
    /// </summary>
    public static int Number(ReadOnlySpan<char> token, Span<char> destination)
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

    /// <summary>The value of a folded number word from "zero" to "twelve", or -1.</summary>
    public static int NumberWord(ReadOnlySpan<char> folded)
    {
        if (folded.Length is < 3 or > 6)
        {
            return -1;
        }

        for (int i = 0; i < NumberWords.Length; i++)
        {
            if (folded.SequenceEqual(NumberWords[i]))
            {
                return i;
            }
        }

        return -1;
    }
}

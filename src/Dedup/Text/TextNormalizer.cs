using System.Text;

namespace Dedup.Text;

/// <summary>
/// Normalizes article text for comparison: Unicode NFKC, case folding, curly quotes and apostrophes to ASCII,
/// dashes to '-', ellipsis to "...", no-break and other spaces to ' ', zero-width and control characters removed,
/// lone surrogates replaced by U+FFFD, and whitespace collapsed.
/// </summary>
/// <remarks>Normalization is idempotent: normalizing a normalized string returns it unchanged. It never throws for any string.</remarks>
public static class TextNormalizer
{
    /// <summary>Normalizes <paramref name="text"/>.</summary>
    /// <param name="text">Any string.</param>
    /// <param name="preserveLineBreaks">Keep one line break where the text had one or more (spaces around it are dropped); otherwise line breaks become spaces.</param>
    /// <returns>The normalized text, without leading or trailing whitespace.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public static string Normalize(string text, bool preserveLineBreaks = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        string s = Map(text, preserveLineBreaks);
        for (int round = 0; round < 4; round++)
        {
            string n = s.IsNormalized(NormalizationForm.FormKC) ? s : s.Normalize(NormalizationForm.FormKC);
            string m = Map(n, preserveLineBreaks);
            if (string.Equals(m, s, StringComparison.Ordinal))
            {
                return s;
            }

            s = m;
        }

        return s;
    }

    /// <summary>
    /// Folds one character the way the tokenizer compares words: lower case (invariant culture), typographic
    /// apostrophes to '\''. Returns '\0' for characters that are dropped (zero-width, soft hyphen).
    /// </summary>
    public static char FoldChar(char c)
    {
        if (c < 128)
        {
            return c is >= 'A' and <= 'Z' ? (char)(c | 0x20) : c;
        }

        return c switch
        {
            '\u2018' or '\u2019' or '\u201B' or '\u02BC' or '\u2032' or '\uFF07' => '\'',
            '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\uFEFF' or '\u00AD' => '\0',
            _ => LowerInvariant(c),
        };
    }

    /// <summary>
    /// Lowers a character as the tokenizer compares words: in the invariant culture, except the capital I with a dot
    /// (U+0130, of Turkish and Azeri), which the invariant culture leaves as it is, so that "İSTANBUL" or "İstanbul"
    /// never met "istanbul"; it lowers to "i".
    /// </summary>
    internal static char LowerInvariant(char c) => c == '\u0130' ? 'i' : char.ToLowerInvariant(c);

    /// <summary>Lowers <paramref name="source"/> into <paramref name="destination"/> as <see cref="LowerInvariant(char)"/> does; returns the length written.</summary>
    internal static int LowerInvariant(ReadOnlySpan<char> source, Span<char> destination)
    {
        int n = source.ToLowerInvariant(destination);
        destination[..n].Replace('\u0130', 'i');
        return n;
    }

    /// <summary>Whether <paramref name="c"/> is dropped entirely by normalization (zero-width characters, soft hyphen, controls other than whitespace).</summary>
    internal static bool IsDropped(char c) =>
        c is '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\uFEFF' or '\u00AD'
        || (char.IsControl(c) && !char.IsWhiteSpace(c));

    private static string Map(string text, bool preserveLineBreaks)
    {
        var sb = new StringBuilder(text.Length);
        bool pendingSpace = false;
        bool pendingBreak = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                Flush(sb, ref pendingSpace, ref pendingBreak);
                string pair = text.Substring(i, 2);
                sb.Append(pair.ToLowerInvariant());
                i++;
                continue;
            }

            if (char.IsSurrogate(c))
            {
                c = '\uFFFD';
            }

            if (c is '\n' or '\r' or '\u2028' or '\u2029' or '\u0085')
            {
                if (preserveLineBreaks)
                {
                    pendingBreak = true;
                }
                else
                {
                    pendingSpace = true;
                }

                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                pendingSpace = true;
                continue;
            }

            if (IsDropped(c))
            {
                continue;
            }

            string? replacement = c switch
            {
                '\u2018' or '\u2019' or '\u201A' or '\u201B' or '\u2032' or '\u02BC' => "'",
                '\u201C' or '\u201D' or '\u201E' or '\u201F' or '\u2033' or '\u00AB' or '\u00BB' => "\"",
                '\u2010' or '\u2011' or '\u2012' or '\u2013' or '\u2014' or '\u2015' or '\u2212' => "-",
                '\u2026' => "...",
                _ => null,
            };
            Flush(sb, ref pendingSpace, ref pendingBreak);
            if (replacement is not null)
            {
                sb.Append(replacement);
            }
            else
            {
                sb.Append(LowerInvariant(c));
            }
        }

        return sb.ToString();
    }

    private static void Flush(StringBuilder sb, ref bool pendingSpace, ref bool pendingBreak)
    {
        if (sb.Length > 0)
        {
            if (pendingBreak)
            {
                sb.Append('\n');
            }
            else if (pendingSpace)
            {
                sb.Append(' ');
            }
        }

        pendingSpace = false;
        pendingBreak = false;
    }
}

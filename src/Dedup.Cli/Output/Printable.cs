using System.Globalization;
using System.Text;

namespace Dedup.Cli.Output;

/// <summary>Values from the input made safe for one-line messages: quoted, control characters escaped, long ones cut.</summary>
internal static class Printable
{
    /// <summary>The longest value shown whole; longer ones are cut and end with "...".</summary>
    private const int MaxShown = 40;

    /// <summary>
    /// A text made safe to print on a terminal, character for character (same length, same offsets): control characters
    /// but tab and line feed (and a carriage return before a line feed) become their Unicode control pictures (ESC as
    /// U+241B, BEL as U+2407, DEL as U+2421), and C1 control characters (U+0080–U+009F, of which U+009B starts an escape
    /// sequence on some terminals) U+FFFD; so a text cannot send escape sequences or overwrite what was printed.
    /// </summary>
    public static string ForTerminal(string text)
    {
        int i = 0;
        while (i < text.Length && !NeedsPicture(text, i))
        {
            i++;
        }

        if (i == text.Length)
        {
            return text;
        }

        return string.Create(text.Length, (text, i), static (span, state) =>
        {
            (string source, int first) = state;
            source.AsSpan().CopyTo(span);
            for (int k = first; k < span.Length; k++)
            {
                if (NeedsPicture(source, k))
                {
                    char c = source[k];
                    span[k] = c switch
                    {
                        < '\u0020' => (char)(0x2400 + c),
                        '\u007F' => '\u2421',
                        _ => '\uFFFD',
                    };
                }
            }
        });
    }

    private static bool NeedsPicture(string text, int i)
    {
        char c = text[i];
        return c switch
        {
            '\t' or '\n' => false,
            '\r' => i + 1 >= text.Length || text[i + 1] != '\n',
            < '\u0020' or (>= '\u007F' and <= '\u009F') => true,
            _ => false,
        };
    }

    /// <summary>
    /// Quotes a value for a message: <c>'a\nb'</c>. Control characters (newline, ESC, ...), lone surrogates and the
    /// quote itself are escaped, so an id can neither break the one-line format nor send terminal escape sequences.
    /// </summary>
    public static string Quote(string value)
    {
        var b = new StringBuilder(Math.Min(value.Length, MaxShown) + 8).Append('\'');
        int shown = 0;
        for (int i = 0; i < value.Length; i++)
        {
            if (shown >= MaxShown)
            {
                b.Append("...");
                break;
            }

            char c = value[i];
            switch (c)
            {
                case '\n':
                    b.Append("\\n");
                    break;
                case '\r':
                    b.Append("\\r");
                    break;
                case '\t':
                    b.Append("\\t");
                    break;
                case '\'':
                    b.Append("\\'");
                    break;
                case '\\':
                    b.Append("\\\\");
                    break;
                default:
                    if (char.IsControl(c) || char.IsSurrogate(c) && !(char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) && !(char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(value[i - 1])) || c is '\u2028' or '\u2029' or '\u0085')
                    {
                        b.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        b.Append(c);
                    }

                    break;
            }

            shown++;
        }

        return b.Append('\'').ToString();
    }
}

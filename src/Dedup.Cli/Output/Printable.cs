using System.Globalization;
using System.Text;

namespace Dedup.Cli.Output;

/// <summary>Values from the input made safe for one-line messages: quoted, control characters escaped, long ones cut.</summary>
internal static class Printable
{
    /// <summary>The longest value shown whole; longer ones are cut and end with "...".</summary>
    private const int MaxShown = 40;

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

using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;

namespace Dedup.Text;

/// <summary>
/// Decodes one HTML character reference where it stands (<c>&amp;amp;</c>, <c>&amp;#39;</c>, <c>&amp;#x2019;</c>,
/// <c>&amp;eacute;</c>), so that the tokenizer reads decoded characters while its offsets stay in the caller's text.
/// </summary>
/// <remarks>
/// Decodes exactly what <see cref="WebUtility.HtmlDecode(string)"/> decodes, one reference at a time: a numeric
/// reference to a scalar value (not a surrogate, at most U+10FFFF), or a named one of its table; anything else is
/// left as it is. Named references are looked up once through <see cref="WebUtility"/> and cached, so a repeated
/// reference costs a dictionary lookup and no allocation.
/// </remarks>
internal static class HtmlEntities
{
    /// <summary>The longest reference body (between '&amp;' and ';') looked at; longer ones are never valid names.</summary>
    private const int MaxBody = 32;

    /// <summary>How many distinct names are cached at most (a text full of made-up names cannot grow it further).</summary>
    private const int MaxCached = 4096;

    private static readonly ConcurrentDictionary<string, int> Named = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> NamedBySpan =
        Named.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>
    /// Decodes the reference that starts with the '&amp;' at <paramref name="position"/>: true with the character and
    /// the reference's length in source characters (through its ';'), false when no valid reference starts there.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<char> text, int position, out Rune decoded, out int length)
    {
        decoded = default;
        length = 0;
        ReadOnlySpan<char> rest = text.Slice(position + 1, Math.Min(MaxBody + 1, text.Length - position - 1));
        int end = rest.IndexOfAny(';', '&');
        if (end <= 0 || rest[end] != ';')
        {
            return false;
        }

        ReadOnlySpan<char> body = rest[..end];
        int value;
        if (body.Length > 1 && body[0] == '#')
        {
            bool parsed = body[1] is 'x' or 'X'
                ? uint.TryParse(body[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint v)
                : uint.TryParse(body[1..], NumberStyles.Integer, CultureInfo.InvariantCulture, out v);
            if (!parsed || !(v < 0xD800 || (v > 0xDFFF && v <= 0x10FFFF)))
            {
                return false;
            }

            value = (int)v;
        }
        else if (!NamedBySpan.TryGetValue(body, out value))
        {
            value = Lookup(body);
        }

        if (value < 0)
        {
            return false;
        }

        decoded = new Rune(value);
        length = end + 2;
        return true;
    }

    /// <summary>Decodes every reference of <paramref name="text"/> (the same as <see cref="WebUtility.HtmlDecode(string)"/>).</summary>
    public static string Decode(string text) =>
        text.Contains('&', StringComparison.Ordinal) ? WebUtility.HtmlDecode(text) : text;

    private static int Lookup(ReadOnlySpan<char> body)
    {
        string name = body.ToString();
        string reference = string.Concat("&", name, ";");
        string decoded = WebUtility.HtmlDecode(reference);
        int value = -1;
        if (!string.Equals(decoded, reference, StringComparison.Ordinal)
            && Rune.DecodeFromUtf16(decoded, out Rune rune, out int used) == System.Buffers.OperationStatus.Done
            && used == decoded.Length)
        {
            value = rune.Value;
        }

        if (Named.Count < MaxCached)
        {
            Named.TryAdd(name, value);
        }

        return value;
    }
}

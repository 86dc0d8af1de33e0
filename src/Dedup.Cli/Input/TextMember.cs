using System.Buffers;
using System.Text;

namespace Dedup.Cli.Input;

/// <summary>
/// The <c>"text"</c> member of a JSONL line, found and decoded without a JSON reader. The text is most of a line, and
/// System.Text.Json checks a string that holds an escape one byte at a time from its first escape on; most news text
/// has one early (<c>\n</c>, <c>\"</c>, or <c>\u2019</c> from an ASCII-only writer), so that check was most of the
/// tool's reading. Here a string is searched a vector at a time for the bytes that end a run (quote, backslash,
/// control character) and only the escapes are looked at one by one. The rest of the line, with the text replaced by
/// <see cref="Placeholder"/>, is still read by the JSON reader (<see cref="ArticleReader"/>), which keeps its checks
/// and its messages: replacing one valid string token by another changes neither the line's validity nor any other
/// member, as JSON reads a string token the same way wherever it stands.
/// </summary>
internal static class TextMember
{
    /// <summary>The string token that stands for the text in the rest of the line.</summary>
    internal static ReadOnlySpan<byte> Placeholder => "\"x\""u8;

    /// <summary>The bytes that end a run of a JSON string's plain characters: the closing quote, an escape, or a control character (not allowed raw).</summary>
    private static readonly SearchValues<byte> RunEnd = SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000A\u000B\u000C\u000D\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F"u8);

    /// <summary>
    /// Finds the string token (quotes included) that is the value of the root object's member whose key is written
    /// <c>"text"</c> (without escapes). The line must be valid UTF-8. False when there is no such member, when its
    /// value is not a string, when a second one follows, when a key of the root object is written with an escape (it
    /// may spell "text" too), or when a string up to the end of the text's breaks JSON's rules: the caller then reads the whole line with a JSON reader, which names any problem. True does not say the
    /// line is valid JSON, only that the token is a valid string wherever it stands.
    /// </summary>
    public static bool TryFind(ReadOnlySpan<byte> line, out Range token)
    {
        token = default;
        bool found = false;
        int depth = 0;
        bool keyNext = false;
        for (int i = 0; i < line.Length; i++)
        {
            switch (line[i])
            {
                case (byte)'"':
                    int end = StringEnd(line, i);
                    if (end < 0)
                    {
                        return false;
                    }

                    if (depth == 1 && keyNext)
                    {
                        keyNext = false;
                        if (line[(i + 1)..end].Contains((byte)'\\'))
                        {
                            return false; // an escaped key may spell "text" too: which one the reader takes is its own
                        }

                        int colon = SkipWhiteSpace(line, end + 1);
                        if (colon >= line.Length || line[colon] != (byte)':')
                        {
                            return false;
                        }

                        if (line[(i + 1)..end].SequenceEqual("text"u8))
                        {
                            int value = SkipWhiteSpace(line, colon + 1);
                            if (found || value >= line.Length || line[value] != (byte)'"')
                            {
                                return false;
                            }

                            int valueEnd = StringEnd(line, value);
                            if (valueEnd < 0)
                            {
                                return false;
                            }

                            token = value..(valueEnd + 1);
                            found = true;
                            end = valueEnd;
                        }
                        else
                        {
                            end = colon;
                        }
                    }

                    i = end;
                    break;
                case (byte)'{':
                    depth++;
                    keyNext = depth == 1;
                    break;
                case (byte)'[':
                    depth++;
                    break;
                case (byte)'}' or (byte)']':
                    depth--;
                    break;
                case (byte)',':
                    keyNext = depth == 1;
                    break;
            }
        }

        return found;
    }

    /// <summary>
    /// The index of the quote that closes the string opened at <paramref name="open"/>; -1 when the string holds a raw
    /// control character or an escape JSON does not have, or is not closed.
    /// </summary>
    internal static int StringEnd(ReadOnlySpan<byte> line, int open)
    {
        int i = open + 1;
        while (true)
        {
            int run = line[i..].IndexOfAny(RunEnd);
            if (run < 0)
            {
                return -1;
            }

            i += run;
            byte c = line[i];
            if (c == (byte)'"')
            {
                return i;
            }

            if (c != (byte)'\\' || i + 1 >= line.Length)
            {
                return -1;
            }

            switch (line[i + 1])
            {
                case (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t':
                    i += 2;
                    break;
                case (byte)'u' when i + 6 <= line.Length && IsHex(line[i + 2]) && IsHex(line[i + 3]) && IsHex(line[i + 4]) && IsHex(line[i + 5]):
                    i += 6;
                    break;
                default:
                    return -1;
            }
        }
    }

    /// <summary>
    /// The string a valid string token (quotes included, as <see cref="TryFind"/> gives it) holds, as a JSON reader
    /// would give it; false when it escapes a surrogate (half of a pair, or alone), which is left to the JSON reader.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> token, out string value)
    {
        ReadOnlySpan<byte> body = token[1..^1];
        if (EscapesSurrogate(body))
        {
            value = string.Empty;
            return false;
        }

        int escape = body.IndexOf((byte)'\\');
        if (escape < 0)
        {
            value = Encoding.UTF8.GetString(body);
            return true;
        }

        // Unescaped, the text is never longer: an escape of n bytes stands for at most n bytes of UTF-8.
        byte[] buffer = ArrayPool<byte>.Shared.Rent(body.Length);
        try
        {
            int written = 0;
            while (escape >= 0)
            {
                body[..escape].CopyTo(buffer.AsSpan(written));
                written += escape;
                byte kind = body[escape + 1];
                int used = 2;
                if (kind == (byte)'u')
                {
                    int code = (Hex(body[escape + 2]) << 12) | (Hex(body[escape + 3]) << 8) | (Hex(body[escape + 4]) << 4) | Hex(body[escape + 5]);
                    written += new Rune(code).EncodeToUtf8(buffer.AsSpan(written));
                    used = 6;
                }
                else
                {
                    buffer[written++] = Unescaped(kind);
                }

                body = body[(escape + used)..];
                escape = body.IndexOf((byte)'\\');
            }

            body.CopyTo(buffer.AsSpan(written));
            written += body.Length;
            value = Encoding.UTF8.GetString(buffer, 0, written);
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Writes the line with its text token replaced by <see cref="Placeholder"/> into a rented buffer, and returns
    /// the rest's length; the caller returns the buffer to <see cref="ArrayPool{T}.Shared"/>.
    /// </summary>
    public static byte[] Rest(ReadOnlySpan<byte> line, Range token, out int length)
    {
        (int start, int tokenLength) = token.GetOffsetAndLength(line.Length);
        length = line.Length - tokenLength + Placeholder.Length;
        byte[] rest = ArrayPool<byte>.Shared.Rent(length);
        line[..start].CopyTo(rest);
        Placeholder.CopyTo(rest.AsSpan(start));
        line[(start + tokenLength)..].CopyTo(rest.AsSpan(start + Placeholder.Length));
        return rest;
    }

    /// <summary>
    /// Whether a string's body (raw, between its quotes) has a <c>\u</c> escape of a surrogate (<c>\uD800</c>–<c>\uDFFF</c>);
    /// may say so of <c>\\uD800</c> too (an escaped backslash before <c>uD800</c>), which only sends it the slow way.
    /// </summary>
    internal static bool EscapesSurrogate(ReadOnlySpan<byte> body)
    {
        for (int at = body.IndexOf("\\u"u8); at >= 0; at = body[(at + 2)..].IndexOf("\\u"u8) is int next and >= 0 ? at + 2 + next : -1)
        {
            if (at + 3 < body.Length && body[at + 2] is (byte)'d' or (byte)'D' && body[at + 3] is (>= (byte)'8' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f') or (>= (byte)'A' and <= (byte)'F'))
            {
                return true;
            }
        }

        return false;
    }

    private static int SkipWhiteSpace(ReadOnlySpan<byte> line, int at)
    {
        while (at < line.Length && line[at] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            at++;
        }

        return at;
    }

    /// <summary>The byte a two-character escape (<c>\n</c>, <c>\"</c> and the others but <c>\u</c>) stands for, given its second character.</summary>
    private static byte Unescaped(byte kind) => kind switch
    {
        (byte)'b' => (byte)'\b',
        (byte)'f' => (byte)'\f',
        (byte)'n' => (byte)'\n',
        (byte)'r' => (byte)'\r',
        (byte)'t' => (byte)'\t',
        _ => kind, // '"', '\\' and '/' stand for themselves
    };

    private static bool IsHex(byte c) => char.IsAsciiHexDigit((char)c);

    private static int Hex(byte c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

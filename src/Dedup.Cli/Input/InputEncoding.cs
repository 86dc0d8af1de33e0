using System.Text;

namespace Dedup.Cli.Input;

/// <summary>How input bytes become text (<c>--encoding</c>).</summary>
internal enum InputEncoding
{
    /// <summary>
    /// The default: a byte-order mark decides (UTF-8, UTF-16 LE or BE); otherwise UTF-8. A text file that is not valid
    /// UTF-8 is read as Windows-1252 with a warning (once per file); a JSONL line that is not is a bad line, since JSON
    /// is UTF-8 by definition (RFC 8259) and a stray byte there means damage, not another encoding.
    /// </summary>
    Auto,

    /// <summary>Strict UTF-8: invalid bytes are bad input, in text files too (a byte-order mark is still honoured).</summary>
    Utf8,

    /// <summary>
    /// Windows-1252 (the Western Windows code page, curly quotes at 0x91-0x94), unless a byte-order mark says otherwise:
    /// a file that starts with one of UTF-8 is read as UTF-8 (as <see cref="Auto"/> reads it), as one of UTF-16 is read
    /// as UTF-16. A Windows-1252 text hardly ever starts with the bytes EF BB BF ("ï»¿").
    /// </summary>
    Windows1252,
}

/// <summary>Decoding of input bytes: byte-order marks, strict UTF-8, the Windows-1252 fallback.</summary>
internal static class TextDecoding
{
    /// <summary>The Windows-1252 code page (from the shared framework's code-pages provider; no registration needed).</summary>
    public static readonly Encoding Windows1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252)
        ?? throw new InvalidOperationException("The Windows-1252 code page is not available.");

    /// <summary>The values of <c>--encoding</c>, as typed.</summary>
    public static readonly string[] Names = ["auto", "utf-8", "windows-1252"];

    /// <summary>
    /// Parses a <c>--encoding</c> value (case-insensitive; "utf8" and "cp1252" are accepted too, and "latin1" and
    /// "iso-8859-1" mean Windows-1252, as they do in browsers and the WHATWG Encoding Standard: the two differ only in
    /// 0x80-0x9F, control codes in ISO-8859-1 that no text uses, and curly quotes, dashes and the euro sign in Windows-1252,
    /// which texts labelled Latin-1 mostly hold).
    /// </summary>
    public static InputEncoding? Parse(string value) => value.ToUpperInvariant() switch
    {
        "AUTO" => InputEncoding.Auto,
        "UTF-8" or "UTF8" => InputEncoding.Utf8,
        "WINDOWS-1252" or "CP1252" or "1252" or "LATIN1" or "LATIN-1" or "ISO-8859-1" or "ISO8859-1" => InputEncoding.Windows1252,
        _ => null,
    };

    /// <summary>The encoding a byte-order mark at the start of <paramref name="bytes"/> names, and its length; null when there is none.</summary>
    public static (Encoding Encoding, int Length)? DetectBom(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return (Utf8Check.Strict, 3);
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return (new UnicodeEncoding(bigEndian: false, byteOrderMark: false), 2);
        }

        return bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) ? (new UnicodeEncoding(bigEndian: true, byteOrderMark: false), 2) : null;
    }

    /// <summary>
    /// Decodes a whole text file. Returns null and the text, or a problem ("LINE: not valid UTF-8 (...)") when strict
    /// UTF-8 fails; <paramref name="fellBack"/> tells that the auto mode read it as Windows-1252 instead (and why).
    /// </summary>
    public static string? Decode(byte[] bytes, InputEncoding encoding, out string text, out string? fellBack)
    {
        fellBack = null;
        ReadOnlySpan<byte> span = bytes;
        if (DetectBom(span) is ({ } bom, int length) && bom is not UTF8Encoding)
        {
            text = bom.GetString(span[length..]);
            return null;
        }

        if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            span = span[3..];

            // The mark decides, as a UTF-16 one does: the text is UTF-8, read as the auto mode reads it.
            if (encoding == InputEncoding.Windows1252)
            {
                encoding = InputEncoding.Auto;
            }
        }

        if (span.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B]))
        {
            // A gzip file's magic bytes: said as a scan of one says it (a client's trial read "a NUL byte at column 5").
            text = string.Empty;
            return "1: a gzip-compressed file, not text: decompress it first (gunzip -c FILE > FILE.txt)";
        }

        // No text in UTF-8 or Windows-1252 holds a NUL byte; a program or an image does (and reads as Windows-1252).
        int nul = span.IndexOf((byte)0);
        if (nul >= 0 && Utf16WithoutBom(span) is { } utf16)
        {
            text = string.Empty;
            return "1: " + utf16;
        }

        if (nul >= 0)
        {
            int nulLineStart = span[..nul].LastIndexOf((byte)'\n') + 1;
            text = string.Empty;
            return FormattableString.Invariant($"{span[..nul].Count((byte)'\n') + 1}: a NUL byte at column {nul - nulLineStart + 1}: a binary file, not text");
        }

        if (encoding == InputEncoding.Windows1252)
        {
            text = Windows1252.GetString(span);
            return null;
        }

        int invalid = Utf8Check.FindInvalid(span);
        if (invalid < 0)
        {
            text = Utf8Check.Strict.GetString(span);
            return null;
        }

        int lineStart = span[..invalid].LastIndexOf((byte)'\n') + 1;
        int line = span[..invalid].Count((byte)'\n') + 1;
        string problem = FormattableString.Invariant($"{line}: ") + Utf8Check.Describe(span[lineStart..], invalid - lineStart);
        if (encoding == InputEncoding.Auto)
        {
            fellBack = problem;
            text = Windows1252.GetString(span);
            return null;
        }

        text = string.Empty;
        return problem;
    }

    /// <summary>
    /// Wraps a JSONL stream so it yields UTF-8: a UTF-16 byte-order mark, or Windows-1252 when asked and no byte-order
    /// mark says otherwise, is transcoded; otherwise the bytes pass through (and are checked line by line).
    /// </summary>
    /// <exception cref="CliException">The stream reads as UTF-16 without a byte-order mark (<paramref name="name"/> names it).</exception>
    public static async Task<Stream> OpenAsUtf8Async(Stream stream, string name, InputEncoding encoding, CancellationToken cancellationToken)
    {
        byte[] head = new byte[Utf16Head];
        int read = 0;
        while (read < head.Length)
        {
            int n = await stream.ReadAsync(head.AsMemory(read), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        var whole = new PrefixedStream(head.AsMemory(0, read), stream);
        if (DetectBom(head.AsSpan(0, read)) is ({ } bom, int length))
        {
            if (bom is UTF8Encoding)
            {
                // The mark decides, --encoding windows-1252 or not, as a UTF-16 one does: the bytes pass through, and
                // the line reader drops the mark (transcoded, it was "ï»¿", malformed JSON at column 1).
                return whole;
            }

            whole.Skip(length);
            return Encoding.CreateTranscodingStream(whole, bom, Encoding.UTF8, leaveOpen: true);
        }

        if (Utf16WithoutBom(head.AsSpan(0, read)) is { } utf16)
        {
            // Read as UTF-8 it would be a JSON error on every line, naming none of this.
            throw CliException.BadInput($"{name}:1: {utf16}");
        }

        return encoding == InputEncoding.Windows1252 ? Encoding.CreateTranscodingStream(whole, Windows1252, Encoding.UTF8, leaveOpen: true) : whole;
    }

    /// <summary>Whether a file holds a NUL byte and does not read as UTF-16 without a byte-order mark: no text (<see cref="Decode"/> refuses it).</summary>
    public static bool IsBinary(ReadOnlySpan<byte> bytes) => bytes.IndexOf((byte)0) >= 0 && Utf16WithoutBom(bytes) is null;

    /// <summary>How many bytes of a file's start <see cref="Utf16WithoutBom"/> looks at.</summary>
    private const int Utf16Head = 64;

    /// <summary>
    /// What to tell of a text that reads as UTF-16 without a byte-order mark, or null: of its first
    /// <see cref="Utf16Head"/> bytes (at least eight), every other one is NUL and the rest none (ASCII characters, as
    /// JSON's braces, quotes and keys are, in UTF-16). No UTF-8 or Windows-1252 text holds a NUL byte.
    /// </summary>
    internal static string? Utf16WithoutBom(ReadOnlySpan<byte> bytes)
    {
        ReadOnlySpan<byte> head = bytes[..(Math.Min(bytes.Length, Utf16Head) & ~1)];
        if (head.Length < 8)
        {
            return null;
        }

        bool little = true;
        bool big = true;
        for (int i = 0; i < head.Length; i += 2)
        {
            little &= head[i] != 0 && head[i + 1] == 0;
            big &= head[i] == 0 && head[i + 1] != 0;
        }

        return little || big
            ? $"UTF-16 ({(little ? "little" : "big")}-endian) without a byte-order mark: convert it to UTF-8 (iconv -f UTF-16{(little ? "LE" : "BE")} -t UTF-8), or save it with a byte-order mark"
            : null;
    }

    /// <summary>A read-only stream: a few bytes already read, then the rest of the underlying stream.</summary>
    private sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : Stream
    {
        private ReadOnlyMemory<byte> _prefix = prefix;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public void Skip(int count) => _prefix = _prefix[count..];

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_prefix.IsEmpty)
            {
                return rest.Read(buffer);
            }

            int n = Math.Min(buffer.Length, _prefix.Length);
            _prefix.Span[..n].CopyTo(buffer);
            _prefix = _prefix[n..];
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            => _prefix.IsEmpty ? await rest.ReadAsync(buffer, cancellationToken).ConfigureAwait(false) : Read(buffer.Span);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

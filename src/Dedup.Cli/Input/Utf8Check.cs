using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Dedup.Cli.Input;

/// <summary>Strict UTF-8: invalid bytes are an error to report, never silently replaced.</summary>
internal static class Utf8Check
{
    /// <summary>A UTF-8 encoding that throws on invalid bytes and writes no byte-order mark.</summary>
    public static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Returns the offset of the first invalid byte, or -1 when <paramref name="bytes"/> is valid UTF-8.</summary>
    public static int FindInvalid(ReadOnlySpan<byte> bytes)
    {
        if (Utf8.IsValid(bytes))
        {
            return -1;
        }

        int offset = 0;
        while (offset < bytes.Length)
        {
            OperationStatus status = Rune.DecodeFromUtf8(bytes[offset..], out _, out int consumed);
            if (status != OperationStatus.Done)
            {
                return offset;
            }

            offset += consumed;
        }

        return -1;
    }

    /// <summary>Describes the first invalid byte for a message: "byte 0xFF at column 12".</summary>
    public static string Describe(ReadOnlySpan<byte> bytes, int offset)
        => FormattableString.Invariant($"not valid UTF-8 (byte 0x{bytes[offset]:X2} at column {offset + 1})");
}

using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Dedup.Text;

/// <summary>
/// The tokenizer's hot loop: the run of ASCII letters and digits that starts at a position, lower-cased into the
/// fold buffer. Eight characters at a time with <see cref="Vector128"/> where it is accelerated, with a scalar
/// reference that the vector path must equal (a property test checks it).
/// </summary>
internal static class AsciiWordScanner
{
    /// <summary>Extra characters the fold buffer needs beyond <see cref="Tokenizer.MaxHashedChars"/>: the vector path stores eight at a time.</summary>
    public const int Slack = 8;

    /// <summary>
    /// Returns the index of the first character at or after <paramref name="start"/> that is not an ASCII letter or
    /// digit, and writes the run's characters lower-cased to <paramref name="folded"/> from <paramref name="count"/>
    /// on, up to <see cref="Tokenizer.MaxHashedChars"/> (what lies beyond the run or that limit is unspecified).
    /// <paramref name="folded"/> must hold <see cref="Tokenizer.MaxHashedChars"/> + <see cref="Slack"/> characters.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Scan(ReadOnlySpan<char> text, int start, Span<char> folded, int count) =>
        Vector128.IsHardwareAccelerated ? ScanVector(text, start, folded, count) : ScanScalar(text, start, folded, count);

    /// <summary>The scalar reference.</summary>
    public static int ScanScalar(ReadOnlySpan<char> text, int start, Span<char> folded, int count)
    {
        int i = start;
        while (i < text.Length)
        {
            char c = text[i];
            if (c >= 128 || Tokenizer.AsciiKinds[c] == 0)
            {
                break;
            }

            if (count < Tokenizer.MaxHashedChars)
            {
                folded[count++] = (char)(c | 0x20);
            }

            i++;
        }

        return i;
    }

    /// <summary>The vector path: eight characters per step, the tail (fewer than eight left) by the scalar reference.</summary>
    public static int ScanVector(ReadOnlySpan<char> text, int start, Span<char> folded, int count)
    {
        if (folded.Length < Tokenizer.MaxHashedChars + Slack)
        {
            throw new ArgumentException("The fold buffer is too small.", nameof(folded));
        }

        ref ushort source = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text));
        ref ushort target = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(folded));
        int i = start;
        while (i + Vector128<ushort>.Count <= text.Length)
        {
            Vector128<ushort> v = Vector128.LoadUnsafe(ref source, (nuint)i);
            Vector128<ushort> lower = v | Vector128.Create((ushort)0x20);
            Vector128<ushort> letter = Vector128.LessThanOrEqual(lower - Vector128.Create((ushort)'a'), Vector128.Create((ushort)('z' - 'a')));
            Vector128<ushort> digit = Vector128.LessThanOrEqual(v - Vector128.Create((ushort)'0'), Vector128.Create((ushort)9));
            uint stops = ~(letter | digit).ExtractMostSignificantBits() & 0xFF;
            if (count <= Tokenizer.MaxHashedChars)
            {
                lower.StoreUnsafe(ref target, (nuint)count);
            }

            int run = stops == 0 ? Vector128<ushort>.Count : BitOperations.TrailingZeroCount(stops);
            count = Math.Min(count + run, Tokenizer.MaxHashedChars + 1);
            i += run;
            if (stops != 0)
            {
                return i;
            }
        }

        return ScanScalar(text, i, folded, Math.Min(count, Tokenizer.MaxHashedChars));
    }
}

using System.Collections.Concurrent;
using System.Text;

namespace Dedup.Text;

/// <summary>
/// Unicode compatibility (NFKC) folding, one character at a time: fullwidth forms, ligatures, superscripts, circled
/// and mathematical letters, compatibility ideographs and the like map to what NFKC makes of them. What the
/// tokenizer needs beyond that (composing a base letter with its combining marks) it does per word.
/// </summary>
/// <remarks>Each character's folding is computed once (by <see cref="string.Normalize(NormalizationForm)"/>) and cached.</remarks>
internal static class CompatibilityFold
{
    private const byte Unknown = 0;
    private const byte Stable = 1;
    private const byte Folds = 2;

    private static readonly byte[] BmpState = new byte[0x10000];
    private static readonly ConcurrentDictionary<int, string?> Expansions = new();

    /// <summary>What NFKC makes of <paramref name="rune"/> alone, or null when it leaves it unchanged.</summary>
    public static string? Expansion(Rune rune)
    {
        int v = rune.Value;
        if (v < 0xA0)
        {
            return null;
        }

        if (v < 0x10000)
        {
            byte state = Volatile.Read(ref BmpState[v]);
            if (state == Stable)
            {
                return null;
            }

            if (state == Folds)
            {
                return Expansions[v];
            }
        }
        else if (Expansions.TryGetValue(v, out string? known))
        {
            return known;
        }

        string alone = rune.ToString();
        string folded = alone.Normalize(NormalizationForm.FormKC);
        string? expansion = string.Equals(alone, folded, StringComparison.Ordinal) ? null : folded;
        if (expansion is not null || v >= 0x10000)
        {
            Expansions[v] = expansion;
        }

        if (v < 0x10000)
        {
            Volatile.Write(ref BmpState[v], expansion is null ? Stable : Folds);
        }

        return expansion;
    }

    /// <summary>
    /// Whether <paramref name="rune"/> may compose with the character before it under NFKC (a combining mark or a
    /// Hangul vowel or final jamo): only a word with one needs normalizing as a whole.
    /// </summary>
    public static bool MayCompose(Rune rune)
    {
        int v = rune.Value;
        if (v < 0x300)
        {
            return false;
        }

        if (v is >= 0x1160 and <= 0x11FF)
        {
            return true;
        }

        return Rune.GetUnicodeCategory(rune) is System.Globalization.UnicodeCategory.NonSpacingMark
            or System.Globalization.UnicodeCategory.SpacingCombiningMark
            or System.Globalization.UnicodeCategory.EnclosingMark;
    }
}

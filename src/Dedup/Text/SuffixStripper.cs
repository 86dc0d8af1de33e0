namespace Dedup.Text;

/// <summary>
/// A small English suffix stripper ("takeovers" → "takeov", "finalised" → "finalis"): it conflates the inflected
/// forms a rewrite moves between (plural, past tense, -ing, -ly, -ment, -ation), not a linguistic stem. Language
/// neutral in effect: a word of another language loses at most one of these endings, the same way in every copy.
/// </summary>
internal static class SuffixStripper
{
    /// <summary>Suffixes tried longest first; the first that leaves at least <see cref="MinStem"/> characters is removed.</summary>
    private static readonly string[] Suffixes =
    [
        "ational", "ization", "isation", "fulness", "iveness", "ousness",
        "ements", "ations", "ement", "ments", "ation", "ment", "ings", "edly", "ing", "ies", "ied", "ers", "er", "ed", "ly", "es", "s",
    ];

    /// <summary>
    /// The suffixes by their last letter (a to z), each list in the order of <see cref="Suffixes"/>: a word can only lose
    /// a suffix ending in its own last letter, so trying those alone removes the same one (a word's 23 tries were a
    /// tenth of an article's features).
    /// </summary>
    private static readonly string[][] SuffixesEndingIn =
        [.. Enumerable.Range('a', 26).Select(c => Suffixes.Where(s => s[^1] == c).ToArray())];

    /// <summary>Fewest characters a stem keeps.</summary>
    public const int MinStem = 3;

    /// <summary>Strips one suffix from a folded (lower-case) word in place; returns the stem's length.</summary>
    public static int Strip(Span<char> word)
    {
        char last = word.IsEmpty ? '\0' : word[^1];
        return Strip(word, last is >= 'a' and <= 'z' ? SuffixesEndingIn[last - 'a'] : []);
    }

    /// <summary>The reference for <see cref="Strip(Span{char})"/> (tests): every suffix tried in order.</summary>
    internal static int StripReference(Span<char> word) => Strip(word, Suffixes);

    /// <summary>Strips the first of <paramref name="suffixes"/> (in their order) that the word ends in and that leaves a stem.</summary>
    private static int Strip(Span<char> word, string[] suffixes)
    {
        int n = word.Length;
        if (n <= 4)
        {
            return n;
        }

        foreach (string suffix in suffixes)
        {
            if (n - suffix.Length >= MinStem && word[..n].EndsWith(suffix, StringComparison.Ordinal))
            {
                n -= suffix.Length;
                if (suffix is "ies" or "ied")
                {
                    word[n++] = 'i';
                }

                break;
            }
        }

        return Finish(word, n);
    }

    /// <summary>
    /// "finalise"/"finalis", "stopped"/"stop": a final e and a doubled consonant are dropped alike; a final y is written
    /// i, as "companies" leaves it ("compani").
    /// </summary>
    private static int Finish(Span<char> word, int n)
    {
        if (n > 4 && word[n - 1] == 'e')
        {
            n--;
        }
        else if (n > 3 && word[n - 1] == 'y')
        {
            word[n - 1] = 'i';
        }

        if (n > 3 && word[n - 1] == word[n - 2] && word[n - 1] is not ('l' or 's' or 'z') && char.IsAsciiLetterLower(word[n - 1]))
        {
            n--;
        }

        return n;
    }
}

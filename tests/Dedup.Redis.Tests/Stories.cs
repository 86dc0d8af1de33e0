using System.Text;
using Dedup.Detection;

namespace Dedup.Redis.Tests;

/// <summary>
/// A fixed pool of articles with copies among them (a duplicate, a syndicated copy, an excerpt, a light edit) and
/// unrelated stories, built from a seeded generator so every run sees the same texts.
/// </summary>
internal static class Stories
{
    private static readonly string[] Syllables =
        ["ka", "lo", "mi", "ne", "su", "ta", "ri", "po", "da", "ve", "gu", "shi", "ban", "tor", "mel", "cas", "fen", "dro", "lin", "par"];

    /// <summary>The pool; an article's id is "a" and its index.</summary>
    public static IReadOnlyList<Article> Pool { get; } = BuildPool();

    /// <summary>A story of <paramref name="sentences"/> sentences from the generator seeded with <paramref name="seed"/>.</summary>
    public static string Story(ulong seed, int sentences)
    {
        var text = new StringBuilder();
        ulong state = seed;
        for (int s = 0; s < sentences; s++)
        {
            int words = 10 + (int)(Next(ref state) % 8);
            for (int w = 0; w < words; w++)
            {
                int syllables = 2 + (int)(Next(ref state) % 2);
                string word = string.Concat(Enumerable.Range(0, syllables).Select(_ => Syllables[Next(ref state) % (ulong)Syllables.Length]));
                text.Append(w == 0 ? char.ToUpperInvariant(word[0]) + word[1..] : word).Append(w == words - 1 ? ". " : " ");
            }

            if (s % 4 == 3)
            {
                text.Append("\n\n");
            }
        }

        return text.ToString().Trim();
    }

    private static List<Article> BuildPool()
    {
        string a = Story(1, 14);
        string b = Story(2, 12);
        string c = Story(3, 10);
        string[] bWords = b.Split(' ');
        for (int i = 7; i < bWords.Length; i += 23)
        {
            bWords[i] = "zorbel";
        }

        string[] texts =
        [
            a,
            "Exclusive: " + Story(11, 1) + "\n\n" + a + "\n\nCopyright the wire service. All rights reserved.",
            a[..(a.Length / 2)],
            b,
            string.Join(' ', bWords),
            c,
            a,
            Story(4, 12),
        ];
        return [.. texts.Select((t, i) => new Article("a" + i, t))];
    }

    /// <summary>SplitMix64.</summary>
    private static ulong Next(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

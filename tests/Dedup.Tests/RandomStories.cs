namespace Dedup.Tests;

/// <summary>
/// Texts for scans of many articles (streams, standard input): stories of random words, every tenth a copy of an
/// earlier one with a word changed, every twenty-fifth an earlier one sent again as it was. Seeded.
/// </summary>
internal static class RandomStories
{
    private static readonly string[] Vocabulary =
        [.. "harbour council vote bridge ferry budget minister river storm police school market trade union strike court judge ruling railway airport tax mayor election hospital doctor nurse farmer harvest price oil gas energy wind solar bank loan rate inflation museum festival music film team coach match season league player transfer injury town village road flood fire rescue weather snow summer winter spring autumn north south east west city county report survey study plan project contract company shares profit loss jobs workers factory"
            .Split(' ')];

    /// <summary>A story of 60 to 140 words.</summary>
    public static string Story(Random random) =>
        string.Join(' ', Enumerable.Range(0, random.Next(60, 140)).Select(_ => Vocabulary[random.Next(Vocabulary.Length)])) + ".";

    /// <summary><paramref name="count"/> texts: stories, copies with a word changed (every tenth), texts sent again (every twenty-fifth).</summary>
    public static string[] Texts(int count, int seed)
    {
        var random = new Random(seed);
        var texts = new string[count];
        for (int i = 0; i < count; i++)
        {
            texts[i] = i > 0 && i % 25 == 0 ? texts[random.Next(i)]
                : i > 0 && i % 10 == 0 ? Edited(texts[random.Next(i)], random)
                : Story(random);
        }

        return texts;
    }

    private static string Edited(string text, Random random)
    {
        string[] words = text.Split(' ');
        words[random.Next(words.Length)] = "changed";
        return string.Join(' ', words);
    }
}

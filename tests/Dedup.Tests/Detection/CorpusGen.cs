using FsCheck;
using FsCheck.Fluent;

namespace Dedup.Tests.Detection;

/// <summary>
/// Generators of small corpora for the detector's properties: stories cut from the test articles, and copies of
/// them made the ways copies are made (verbatim, syndicated, spun, cut to the lead, a paragraph dropped, added,
/// repeated or moved), with unrelated stories among them.
/// </summary>
internal static class CorpusGen
{
    private static readonly string[][] Bases =
    [
        TestArticles.Harbour.Split("\n\n"),
        TestArticles.Rail.Split("\n\n"),
        TestArticles.HarbourFollowUp.Split("\n\n"),
    ];

    private static readonly string[] Titles =
    [
        "Council approves harbour wall rebuild",
        "New rail line to open in December",
        "Fishing crews ask for delay",
        "UPDATE 1-Harbour wall to be rebuilt",
    ];

    /// <summary>A story: two or more paragraphs of one base article, in order.</summary>
    public static Gen<string> Story { get; } =
        from b in Gen.Choose(0, Bases.Length - 1)
        from keep in Gen.Elements(true, true, true, false).ArrayOf(Bases[b].Length)
        select Join(Bases[b].Where((_, i) => keep[i] || i < 2));

    /// <summary>A copy of <paramref name="story"/> made one of the ways copies are made, or an unrelated story.</summary>
    public static Gen<string> CopyOf(string story)
    {
        string[] paragraphs = story.Split("\n\n");
        return Gen.OneOf(
            Gen.Constant(story),
            Gen.Constant(TestArticles.Syndicate(story)),
            Gen.Choose(5, 10).Select(r => TestArticles.Spin(story, r / 10.0)),
            Gen.Choose(1, paragraphs.Length).Select(n => TestArticles.Lead(story, n)),
            Gen.Choose(0, paragraphs.Length - 1).Select(i => Join(paragraphs.Where((_, j) => j != i))),
            Gen.Zip(Story, Gen.Elements(true, false)).Select(t => t.Item2 ? story + "\n\n" + t.Item1 : t.Item1 + "\n\n" + story),
            Gen.Choose(0, paragraphs.Length - 1).Select(i => Join(paragraphs.Take(i + 1).Append(paragraphs[i]).Concat(paragraphs.Skip(i + 1)))),
            Gen.Shuffle(paragraphs).Select(p => Join(p)),
            Story);
    }

    /// <summary>An article: an optional title (sometimes with an HTML entity) and the text.</summary>
    public static Gen<(string? Title, string Text)> WithTitle(string text) =>
        Gen.Frequency(
            (3, Gen.Constant<string?>(null)),
            (2, Gen.Elements(Titles).Select(t => (string?)t)),
            (1, Gen.Elements(Titles).Select(t => (string?)(t + " &amp; more"))))
        .Select(title => (title, text));

    /// <summary>
    /// A publisher's block that the rule-based boilerplate filter keeps: only the corpus model (boilerplate) can learn
    /// that it is not content.
    /// </summary>
    private const string PublisherBlock =
        "The Coast Courier has reported on the towns of the northern shore since 1901 and is owned by its readers "
        + "through a cooperative that meets every spring in the old market hall to elect the editor for a term of four years.";

    /// <summary>
    /// A corpus: a few stories, each with copies, shuffled; many articles carry one publisher's block at the end. With
    /// unique ids and publication times.
    /// </summary>
    public static Gen<Dedup.Detection.Article[]> Corpus(int maxStories, int maxCopies) =>
        from stories in Story.ArrayOf().Select(s => s.Take(maxStories).ToArray()).Where(s => s.Length > 0)
        from families in Gen.CollectToArray(stories.Select(s => Gen.Choose(0, maxCopies).SelectMany(n => Gen.CollectToArray(Enumerable.Repeat(s, n).Select(CopyOf))).Select(copies => copies.Prepend(s).ToArray())))
        from texts in Gen.Shuffle(families.SelectMany(f => f).ToArray())
        from published in Gen.CollectToArray(texts.Select(t => Gen.Frequency((2, Gen.Constant(t)), (3, Gen.Constant(t + "\n\n" + PublisherBlock)))))
        from titled in Gen.CollectToArray(published.Select(WithTitle))
        select titled.Select((t, i) => new Dedup.Detection.Article($"a{i:D3}", t.Text, t.Title, new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(i))).ToArray();

    private static string Join(IEnumerable<string> paragraphs) => string.Join("\n\n", paragraphs);
}

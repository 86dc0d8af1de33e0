using System.Globalization;
using System.Text;
using Dedup.Detection;

namespace Dedup.Tests.Detection;

/// <summary>
/// Texts of more than 255 sentences (archive pages, transcripts, a day's roundup): the paraphrase terms number the
/// sentences past the 255th as the 255th, so the rest of such a text was one "sentence" holding the words and facts of
/// almost any story. A client's trial found unrelated stories reported as rewrites of a page of 50 others (every one of
/// their sentences aligned with that rest) and joined into one cluster through it.
/// </summary>
public sealed class LongTextTests
{
    /// <summary>Sentences of six words each, drawn from <paramref name="vocabulary"/> words named after it, with a name and a number each.</summary>
    private static string Sentences(string vocabulary, int count, int seed, int words = 6)
    {
        var random = new Random(seed);
        var text = new StringBuilder();
        for (int s = 0; s < count; s++)
        {
            text.Append(CultureInfo.InvariantCulture, $"The {vocabulary}{random.Next(40)}");
            for (int w = 1; w < words; w++)
            {
                text.Append(CultureInfo.InvariantCulture, $" {vocabulary}{random.Next(40)}");
            }

            // A name (a capitalized word not opening the sentence) and a number: facts the story's sentences share.
            text.Append(CultureInfo.InvariantCulture, $" of Person{vocabulary}{random.Next(6)} rose {random.Next(5) + 10}. ");
        }

        return text.ToString();
    }

    /// <summary>
    /// A story whose words, names and numbers the rest of a long text holds, in other sentences, aligns with none of
    /// its sentences: the rest is no sentence. Before, every sentence of the story aligned with it (share 1.0).
    /// </summary>
    [Fact]
    public void The_rest_of_a_long_text_aligns_with_no_sentence()
    {
        // 260 sentences of one vocabulary, then 300 of the story's: these are all past the 255th.
        string page = Sentences("alpha", 260, seed: 1) + Sentences("story", 300, seed: 2);
        string story = Sentences("story", 80, seed: 3);
        var options = DetectorOptions.Default;
        ArticleFeatures p = FeatureExtractor.Extract(new Article("page", page), options);
        ArticleFeatures s = FeatureExtractor.Extract(new Article("story", story), options);

        ParaphraseMeasure m = Paraphrase.Measure(s.ParaphraseTerms, p.ParaphraseTerms);

        Assert.True(m.Content > 0.9, $"content {m.Content}: the page holds the story's words");
        Assert.Equal(0, m.AlignedTerms);
    }

    /// <summary>
    /// An unrelated story is no copy of a long page on its vocabulary (more than 20 times its size): neither by the
    /// paraphrase score nor by the skeleton, through <see cref="CopyComparer"/> and a scan alike.
    /// </summary>
    [Fact]
    public void A_story_is_no_rewrite_of_a_long_page_that_holds_its_words_and_facts()
    {
        string page = Sentences("story", 1200, seed: 4);
        string story = Sentences("story", 20, seed: 5);

        Comparison c = CopyComparer.Compare(page, story);
        ScanResult scan = CopyDetector.Scan([new Article("page", page), new Article("story", story)], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Null(c.Kind);
        Assert.True(c.Scores.Jaccard < 0.05, $"jaccard {c.Scores.Jaccard}: little is shared verbatim");
        Assert.Empty(scan.Pairs);
    }

    /// <summary>The same story carried verbatim in the long page is still found, as an excerpt of it.</summary>
    [Fact]
    public void A_story_carried_verbatim_in_a_long_page_is_an_excerpt()
    {
        string story = TestArticles.Harbour;
        string page = Sentences("alpha", 600, seed: 6) + "\n\n" + story + "\n\n" + Sentences("beta", 600, seed: 7);

        Comparison c = CopyComparer.Compare(page, story);

        Assert.Equal(CopyKind.Excerpt, c.Kind);
    }

    /// <summary>
    /// The aligned sentences <see cref="CopyComparer"/> lists as evidence are sentences: never the rest of a long text
    /// past its 255th sentence, which was listed as one span of thousands of characters.
    /// </summary>
    [Fact]
    public void Aligned_sentence_evidence_never_spans_the_rest_of_a_long_text()
    {
        string page = Sentences("alpha", 300, seed: 8);
        string[] sentences = page.Split(". ");
        string quoted = string.Join(". ", sentences.Skip(100).Take(10).Concat(sentences.Skip(280).Take(10))) + ".";

        Comparison c = CopyComparer.Compare(page, quoted);

        Assert.NotEmpty(c.AlignedSentences);
        Assert.All(c.AlignedSentences, a => Assert.True(a.First.Length < 200 && a.Second.Length < 200, $"{a.First} / {a.Second}"));
    }

    /// <summary>
    /// A story carried whole in a long page is one exact passage, though the page's other stories use some of its
    /// phrases first: shingles were paired by their n-th occurrence alone, so the story's "is expected to take three
    /// years" met another story's, the passage broke in two overlapping pieces and one pointed into the other story
    /// (a client's trial, on a page of 100 Reuters stories). The pairing now follows the runs through the shingles each
    /// text holds once.
    /// </summary>
    [Fact]
    public void A_story_carried_whole_in_a_long_page_is_one_passage_though_other_stories_use_its_phrases()
    {
        string story = TestArticles.Harbour.ReplaceLineEndings("\n");
        string[] phrases = ["is expected to take three years", "before any stone is moved", "said it would publish a detailed schedule", "when the weather is calmer and"];
        var page = new StringBuilder();
        for (int s = 0; s < 40; s++)
        {
            page.Append(Sentences($"filler{s}x", 8, seed: 100 + s)).Append(CultureInfo.InvariantCulture, $"The work on bridge {s} {phrases[s % phrases.Length]} the engineers said.\n\n");
        }

        int at = page.Length;
        page.Append(story).Append("\n\n").Append(Sentences("tail", 30, seed: 99));

        Comparison c = CopyComparer.Compare(page.ToString(), story);

        SharedPassage passage = Assert.Single(c.Passages);
        Assert.True(passage.Exact);
        Assert.InRange(passage.First.Start, at, at + 5);
        Assert.True(passage.First.Length > story.Trim().Length - 10, $"{passage.First} of a story of {story.Length} characters");
    }
}

using Dedup.Detection;

namespace Dedup.Tests.Detection;

/// <summary>
/// The result records compare their lists element by element: two clusters with the same members, or two scans of the
/// same articles, are equal (a record compares a list member by reference unless told otherwise).
/// </summary>
public class ResultEqualityTests
{
    private static readonly MatchScores Scores = new(0.5, 0.6, 0.7, 0.8);

    [Fact]
    public void Clusters_with_the_same_members_in_other_lists_are_equal()
    {
        var a = new CopyCluster("x", "x", ["x", "y", "z"]);
        var b = new CopyCluster("x", "x", new List<string> { "x", "y", "z" });

        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, b with { Members = ["x", "z", "y"] });
        Assert.NotEqual(a, b with { Members = ["x", "y"] });
        Assert.NotEqual(a, b with { OriginalId = "y" });
        Assert.False(a.Equals(null));
    }

    [Fact]
    public void Matches_and_find_or_add_results_compare_their_lists_by_value()
    {
        var passage = new SharedPassage(new TextSpan(0, 10), new TextSpan(5, 10), Exact: true);
        var a = new CopyMatch("h", CopyKind.Syndicated, 0.9, Scores, [passage]);
        var b = new CopyMatch("h", CopyKind.Syndicated, 0.9, Scores, new List<SharedPassage> { passage });

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, b with { Passages = [] });
        Assert.NotEqual(a, b with { Score = 0.8 });
        Assert.Equal(new FindOrAddResult([a], Added: true), new FindOrAddResult(new List<CopyMatch> { b }, Added: true));
        Assert.NotEqual(new FindOrAddResult([a], Added: true), new FindOrAddResult([b], Added: false));
        Assert.NotEqual(new FindOrAddResult([a], Added: true), new FindOrAddResult([a, b], Added: true));
    }

    [Fact]
    public void Comparisons_and_aligned_sentences_compare_their_lists_by_value()
    {
        var sentence = new AlignedSentence(new TextSpan(0, 20), new TextSpan(3, 25), ["Council", "4.75%"], []);
        var same = new AlignedSentence(new TextSpan(0, 20), new TextSpan(3, 25), new List<string> { "Council", "4.75%" }, new List<string>());
        Assert.Equal(sentence, same);
        Assert.Equal(sentence.GetHashCode(), same.GetHashCode());
        Assert.NotEqual(sentence, same with { DisagreeingNumbers = ["5%"] });

        var a = new Comparison(CopyKind.Rewritten, 0.7, Scores, [], [new TextSpan(0, 4)], []) { AlignedSentences = [sentence] };
        var b = new Comparison(CopyKind.Rewritten, 0.7, Scores, new List<SharedPassage>(), new List<TextSpan> { new(0, 4) }, new List<TextSpan>()) { AlignedSentences = new List<AlignedSentence> { same } };
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, b with { AlignedSentences = [] });
        Assert.NotEqual(a, b with { BoilerplateInSecond = [new TextSpan(0, 4)] });
    }

    /// <summary>Two scans of the same articles give equal results (their elapsed times aside).</summary>
    [Fact]
    public void Two_scans_of_the_same_articles_are_equal_but_for_their_time()
    {
        Article[] articles =
        [
            new("harbour", TestArticles.Harbour),
            new("wire", TestArticles.Syndicate(TestArticles.Harbour)),
            new("rail", TestArticles.Rail),
        ];

        ScanResult first = CopyDetector.Scan(articles, cancellationToken: TestContext.Current.CancellationToken);
        ScanResult second = CopyDetector.Scan(articles, cancellationToken: TestContext.Current.CancellationToken);

        Assert.NotEmpty(first.Pairs);
        Assert.Equal(first, second with { Elapsed = first.Elapsed });
        Assert.Equal(first.GetHashCode(), (second with { Elapsed = first.Elapsed }).GetHashCode());
        Assert.NotEqual(first, second with { Elapsed = first.Elapsed, Clusters = [.. second.Clusters.Skip(1)] });
    }

    /// <summary>
    /// The result records print their lists' elements, not their collections' type names ("System.Collections.Generic.List`1[...]"):
    /// a match or a comparison written to a log keeps its evidence. A long list prints its first 16 and how many more.
    /// </summary>
    [Fact]
    public void Results_print_their_lists_elements()
    {
        Comparison c = CopyComparer.Compare(TestArticles.Harbour, TestArticles.Spin(TestArticles.Harbour));
        var cluster = new CopyCluster("a", "a", [.. Enumerable.Range(0, 20).Select(i => $"id{i}")]);
        var match = new CopyMatch("x", CopyKind.Syndicated, 0.9, Scores, c.Passages);
        var found = new FindOrAddResult([match], Added: true);
        ScanResult scan = CopyDetector.Scan([new Article("h", TestArticles.Harbour), new Article("s", TestArticles.Spin(TestArticles.Harbour))], cancellationToken: TestContext.Current.CancellationToken);

        string[] printed = [c.ToString(), cluster.ToString(), match.ToString(), found.ToString(), scan.ToString(), c.AlignedSentences[0].ToString()];

        Assert.All(printed, p => Assert.DoesNotContain("System.Collections", p, StringComparison.Ordinal));
        Assert.All(printed, p => Assert.DoesNotContain("[]", p.Replace("BoilerplateInFirst = []", string.Empty, StringComparison.Ordinal).Replace("BoilerplateInSecond = []", string.Empty, StringComparison.Ordinal).Replace("DisagreeingNumbers = []", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal));
        Assert.Contains($"Members = [\"id0\", \"id1\"", printed[1], StringComparison.Ordinal);
        Assert.Contains("... 4 more]", printed[1], StringComparison.Ordinal);
        Assert.Contains(c.Passages[0].ToString(), printed[0], StringComparison.Ordinal);
        Assert.Contains(c.AlignedSentences[0].SharedFacts[0], printed[5], StringComparison.Ordinal);
        Assert.Contains("Pairs = [CopyPair {", printed[4], StringComparison.Ordinal);
    }

    /// <summary>
    /// A comparison's score is the pair's evidence whatever the threshold: a page that quotes a story's lead scored 0.54
    /// as an excerpt at threshold 0.4 and 0.47 (its verbatim share alone) as no copy at 0.6.
    /// </summary>
    [Fact]
    public void A_comparison_scores_a_pair_alike_at_every_threshold()
    {
        string story = TestArticles.Harbour;
        string lead = story[..story.IndexOf('.', StringComparison.Ordinal)] + ". " + TestArticles.Rail;

        double[] scores = [.. new[] { 0.2, 0.4, 0.6, 0.9 }.Select(t => CopyComparer.Compare(story, lead, new DetectorOptions { Threshold = t }).Score)];
        CopyKind? low = CopyComparer.Compare(story, lead, new DetectorOptions { Threshold = 0.2 }).Kind;

        Assert.All(scores, s => Assert.Equal(scores[0], s));
        Assert.NotNull(low);
        Assert.Null(CopyComparer.Compare(story, lead, new DetectorOptions { Threshold = Math.Min(1, scores[0] + 0.01) }).Kind);
    }

    /// <summary>
    /// Two texts too short for a shingle with the same words are a duplicate whose passage is those words: it was a
    /// duplicate with no passage, a verdict without evidence (a client's trial). Texts without a word have none.
    /// </summary>
    [Theory]
    [InlineData("hello", 0, 5)]
    [InlineData("  hello world!", 2, 11)]
    public void A_duplicate_too_short_for_a_shingle_shows_its_words_as_the_passage(string text, int start, int length)
    {
        Comparison c = CopyComparer.Compare(text, text);

        Assert.Equal(CopyKind.Duplicate, c.Kind);
        SharedPassage passage = Assert.Single(c.Passages);
        Assert.Equal((new TextSpan(start, length), new TextSpan(start, length), true), (passage.First, passage.Second, passage.Exact));
        Assert.Empty(CopyComparer.Compare("!!! ???", "!!! ???").Passages);
        Assert.Empty(CopyComparer.Compare("hello there", "hello world").Passages);
    }
}

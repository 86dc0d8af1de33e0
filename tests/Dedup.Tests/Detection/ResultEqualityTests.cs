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
}

using Dedup.Detection;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dedup.Tests.Detection;

/// <summary>
/// <see cref="CopyComparer.Compare(Article, Article, DetectorOptions?)"/> does not depend on which article comes
/// first: the same kind and score, the containments swapped, every passage mirrored, the boilerplate lines swapped.
/// </summary>
public class CompareSymmetryTests
{
    private static Gen<(Article A, Article B)> Pairs { get; } =
        from story in CorpusGen.Story
        from copy in CorpusGen.CopyOf(story)
        from a in CorpusGen.WithTitle(story)
        from b in CorpusGen.WithTitle(copy)
        from swap in Gen.Elements(true, false)
        let first = new Article("a", a.Text, a.Title)
        let second = new Article("b", b.Text, b.Title)
        select swap ? (second, first) : (first, second);

    [Property(MaxTest = 150)]
    public Property Compare_agrees_with_itself_swapped() =>
        Prop.ForAll(Pairs.ToArbitrary(), pair =>
        {
            Comparison ab = CopyComparer.Compare(pair.A, pair.B);
            Comparison ba = CopyComparer.Compare(pair.B, pair.A);
            return Mirrored(ab, ba).Label(Describe(ab, ba));
        });

    [Fact]
    public void Compare_agrees_with_itself_swapped_on_a_story_that_repeats_a_paragraph()
    {
        string[] paragraphs = TestArticles.Harbour.Split("\n\n");
        string repeated = string.Join("\n\n", paragraphs.Take(3).Append(paragraphs[1]).Concat(paragraphs.Skip(3)));
        var a = new Article("a", TestArticles.Harbour);
        var b = new Article("b", repeated);

        Comparison ab = CopyComparer.Compare(a, b);
        Comparison ba = CopyComparer.Compare(b, a);

        Assert.True(Mirrored(ab, ba), Describe(ab, ba));
    }

    [Fact]
    public void The_detector_forwards_to_the_comparer_with_its_options()
    {
        var options = new DetectorOptions { ShingleSize = 3 };
        var a = new Article("a", TestArticles.Harbour);
        var b = new Article("b", TestArticles.Spin(TestArticles.Harbour, 0.6));

        Comparison viaDetector = new CopyDetector(options).Compare(a, b);
        Comparison direct = CopyComparer.Compare(a, b, options);

        Assert.Equal(direct.Kind, viaDetector.Kind);
        Assert.Equal(direct.Score, viaDetector.Score);
        Assert.Equal(direct.Scores, viaDetector.Scores);
        Assert.Equal(direct.Passages, viaDetector.Passages);
        Assert.NotEqual(CopyComparer.Compare(a, b).Scores, direct.Scores);
    }

    private static bool Mirrored(Comparison ab, Comparison ba)
    {
        MatchScores x = ab.Scores, y = ba.Scores;
        return ab.Kind == ba.Kind
            && ab.Score == ba.Score
            && x.Jaccard == y.Jaccard
            && x.ContainmentOfFirst == y.ContainmentOfSecond
            && x.ContainmentOfSecond == y.ContainmentOfFirst
            && x.SkeletonScore == y.SkeletonScore
            && x.LeadScore == y.LeadScore
            && Sorted(ab.Passages).SequenceEqual(Sorted(ba.Passages.Select(p => new SharedPassage(p.Second, p.First, p.Exact))))
            && ab.BoilerplateInFirst.SequenceEqual(ba.BoilerplateInSecond)
            && ab.BoilerplateInSecond.SequenceEqual(ba.BoilerplateInFirst);
    }

    private static IEnumerable<SharedPassage> Sorted(IEnumerable<SharedPassage> passages) =>
        passages.OrderBy(p => p.First.Start).ThenBy(p => p.First.Length).ThenBy(p => p.Second.Start).ThenBy(p => p.Second.Length).ThenBy(p => p.Exact);

    private static string Describe(Comparison ab, Comparison ba) =>
        $"a,b: {ab.Kind} {ab.Score} {ab.Scores} [{string.Join(", ", Sorted(ab.Passages))}]\n"
        + $"b,a mirrored: {ba.Kind} {ba.Score} {ba.Scores} [{string.Join(", ", Sorted(ba.Passages.Select(p => new SharedPassage(p.Second, p.First, p.Exact))))}]";
}

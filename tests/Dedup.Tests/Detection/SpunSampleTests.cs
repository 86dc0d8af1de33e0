using Dedup.Detection;

namespace Dedup.Tests.Detection;

/// <summary>The real spun article that came with the project's brief (samples/spun-article.txt).</summary>
public class SpunSampleTests
{
    private static readonly string Sample = File.ReadAllText(RepoPaths.Sample("spun-article.txt"));

    [Fact]
    public void Its_own_spun_copy_made_with_another_thesaurus_is_found_as_rewritten()
    {
        string respun = TestArticles.Spin(Sample);
        Assert.Contains("Blink ", respun, StringComparison.Ordinal);
        var detector = new CopyDetector();
        detector.Add("sample", Sample);

        CopyMatch match = Assert.Single(detector.FindCopies(respun));

        Assert.Equal(CopyKind.Rewritten, match.Kind);
        Assert.True(match.Scores.Jaccard < 0.5, $"Jaccard {match.Scores.Jaccard}: the respin changed too little to test");
    }

    [Fact]
    public void Its_also_read_lines_are_reported_as_boilerplate_not_as_shared_content()
    {
        string respun = TestArticles.Spin(Sample);
        var detector = new CopyDetector();

        Comparison comparison = detector.Compare(new Article("sample", Sample), new Article("respun", respun));

        Assert.Equal(CopyKind.Rewritten, comparison.Kind);
        string[] removed = [.. comparison.BoilerplateInFirst.Select(s => Sample.Substring(s.Start, s.Length))];
        Assert.Equal(3, removed.Length);
        Assert.All(removed, line => Assert.StartsWith("ALSO READ", line, StringComparison.Ordinal));
        Assert.Equal(3, comparison.BoilerplateInSecond.Count);
        Assert.NotEmpty(comparison.Passages);
        foreach (SharedPassage p in comparison.Passages)
        {
            Assert.DoesNotContain("ALSO READ", Sample.Substring(p.First.Start, p.First.Length), StringComparison.Ordinal);
            Assert.DoesNotContain("ALSO READ", respun.Substring(p.Second.Start, p.Second.Length), StringComparison.Ordinal);
        }

        Assert.Contains(comparison.Passages, p => !p.Exact);
    }
}

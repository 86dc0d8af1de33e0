using Dedup.Detection;
using Dedup.Indexing;
using Dedup.Sketches;
using Dedup.Tests.Detection;

namespace Dedup.Tests;

/// <summary>The README's examples, as written there, so that they keep compiling and doing what they say.</summary>
public class ReadmeExampleTests
{
    [Fact]
    public void The_detector_example_finds_the_copy_and_saves_the_index()
    {
        string text = TestArticles.Harbour, title = "Council approves harbour wall rebuild", otherText = TestArticles.Spin(TestArticles.Harbour);
        var publishedAt = new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);
        string file = Path.Combine(Path.GetTempPath(), $"readme-{Guid.NewGuid():N}.ddet");
        var output = new List<string>();

        var detector = new CopyDetector();
        detector.Add(new Article("reuters-123", text, Title: title, Published: publishedAt));
        foreach (CopyMatch m in detector.FindCopies(new Article("blog-9", otherText)))
        {
            output.Add($"{m.Id}: {m.Kind} {m.Score:F2} (Jaccard {m.Scores.Jaccard:F2}, skeleton {m.Scores.SkeletonScore:F2})");
        }

        detector.Add(new Article("blog-9", otherText));
        detector.Add(new Article("elsewhere", TestArticles.Rail));
        foreach (CopyCluster c in detector.Clusters().Where(c => c.Members.Count > 1))
        {
            output.Add($"{c.OriginalId} <- {string.Join(", ", c.Members.Skip(1))}");
        }

        detector.SaveToFile(file);
        ScanResult all = CopyDetector.Scan([new Article("a", text), new Article("b", otherText)], cancellationToken: TestContext.Current.CancellationToken);
        foreach (CopyPair p in all.HighestPairs(20))
        {
            output.Add($"{p.First} ~ {p.Second}: {p.Kind} {p.Score:F2}");
        }

        output.Add(string.Join(", ", all.CountPairsByKind()));

        Assert.StartsWith("reuters-123: Rewritten", output[0], StringComparison.Ordinal);
        Assert.Equal("reuters-123 <- blog-9", output[1]);
        Assert.StartsWith("a ~ b: Rewritten", output[2], StringComparison.Ordinal);
        Assert.Equal("[Duplicate, 0], [Syndicated, 0], [Excerpt, 0], [Rewritten, 1]", output[3]);
        Assert.Equal(4, output.Count);
        Assert.Equal(3, CopyDetector.LoadFromFile(file).Count);
        Assert.Single(all.Pairs);
        File.Delete(file);
    }

    [Fact]
    public void The_parts_example_estimates_indexes_and_fingerprints()
    {
        string textA = TestArticles.Harbour, textB = TestArticles.Syndicate(TestArticles.Harbour);

        var hasher = new MinHasher(numPermutations: 128);
        MinHashSignature a = hasher.Compute(textA), b = hasher.Compute(textB);
        double j = a.Jaccard(b), c = a.Containment(b);
        byte[] stored = a.ToBytes();
        var index = new MinHashLshIndex(new LshIndexOptions { Threshold = 0.5 });
        index.Add("a", a.Values);
        IReadOnlyList<MinHashCandidate> hits = index.Query(b.Values);
        ulong fp = SimHasher.Compute(textA);

        Assert.InRange(j, 0.6, 1.0);
        Assert.InRange(c, 0.6, 1.0);
        Assert.Equal(a, MinHashSignature.FromBytes(stored));
        Assert.Equal("a", Assert.Single(hits).Key);
        Assert.Equal(Assert.Single(index.Query(b)).Jaccard, hits[0].Jaccard);
        Assert.True(SimHasher.HammingDistance(fp, SimHasher.Compute(textB)) < 16);
    }
}

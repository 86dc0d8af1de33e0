using Dedup.Detection;
using Dedup.Sketches;
using FsCheck;
using FsCheck.Fluent;

namespace Dedup.Tests.Detection;

/// <summary>The SimHash fingerprint an article carries: the library's SimHasher over its content words, kept by the stored form.</summary>
public class FingerprintTests
{
    private static readonly string[] Words =
        ["the", "harbour", "wall", "council", "storm", "of", "repair", "said", "a", "million", "on", "Tuesday", "and", "boats", "in", "city"];

    private static string Text(int[] picks) =>
        string.Join(' ', picks.Select(p => Words[(p & int.MaxValue) % Words.Length]));

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public Property The_fingerprint_is_SimHasher_over_the_content_words_and_survives_the_record(NonNull<int[]> picks)
    {
        string text = Text(picks.Get);
        ArticleFeatures f = FeatureExtractor.Extract(new Article("a", text), DetectorOptions.Default);

        // Recomputed independently: the library's SimHasher over the same text (no boilerplate lines in these texts).
        ulong recomputed = SimHasher.Compute(text, DetectorOptions.Default.TokenizerOptions);
        ArticleFeatures back = ArticleRecord.Read(ArticleRecord.ToArray(f));
        return (f.SimHash == recomputed && back.SimHash == recomputed).ToProperty();
    }

    [Fact]
    public void A_loaded_snapshot_keeps_every_fingerprint_equal_to_recomputation()
    {
        var detector = new CopyDetector();
        string[] texts = [TestArticles.Harbour, TestArticles.Rail, TestArticles.HarbourFollowUp];
        for (int i = 0; i < texts.Length; i++)
        {
            detector.Add(new Article($"a{i}", texts[i]));
        }

        using var stream = new MemoryStream();
        detector.Save(stream);
        CopyDetector loaded = CopyDetector.Load(new MemoryStream(stream.ToArray()));
        List<ArticleFeatures> features = loaded.IndexedFeatures();
        Assert.Equal(texts.Length, features.Count);
        foreach (ArticleFeatures f in features)
        {
            ArticleFeatures fresh = FeatureExtractor.Extract(new Article(f.Id, texts[int.Parse(f.Id.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture)]), DetectorOptions.Default);
            Assert.NotEqual(0UL, f.SimHash);
            Assert.Equal(fresh.SimHash, f.SimHash);
        }
    }

    [Fact]
    public void A_near_exact_copy_is_near_and_another_story_is_far()
    {
        ulong original = FeatureExtractor.Extract(new Article("a", TestArticles.Harbour), DetectorOptions.Default).SimHash;
        ulong copy = FeatureExtractor.Extract(new Article("b", TestArticles.Harbour + "\n\nReporting by a correspondent."), DetectorOptions.Default).SimHash;
        ulong other = FeatureExtractor.Extract(new Article("c", TestArticles.Rail), DetectorOptions.Default).SimHash;
        Assert.True(SimHasher.HammingDistance(original, copy) <= CandidateSelector.NearExactDistance, $"copy at {SimHasher.HammingDistance(original, copy)}");
        Assert.True(SimHasher.HammingDistance(original, other) > 3 * CandidateSelector.NearExactDistance, $"other at {SimHasher.HammingDistance(original, other)}");
    }

    [Fact]
    public void Compare_and_FindCopies_report_the_SimHash_distance_of_the_two_fingerprints()
    {
        string copy = TestArticles.Harbour + "\n\nReporting by a correspondent.";
        int expected = SimHasher.HammingDistance(
            FeatureExtractor.Extract(new Article("a", TestArticles.Harbour), DetectorOptions.Default).SimHash,
            FeatureExtractor.Extract(new Article("b", copy), DetectorOptions.Default).SimHash);
        int far = SimHasher.HammingDistance(
            FeatureExtractor.Extract(new Article("a", TestArticles.Harbour), DetectorOptions.Default).SimHash,
            FeatureExtractor.Extract(new Article("c", TestArticles.Rail), DetectorOptions.Default).SimHash);

        Assert.Equal(expected, CopyComparer.Compare(TestArticles.Harbour, copy).Scores.SimHashDistance);
        Assert.Equal(far, CopyComparer.Compare(TestArticles.Harbour, TestArticles.Rail).Scores.SimHashDistance);
        Assert.NotEqual(expected, far);

        var detector = new CopyDetector();
        detector.Add("b", copy);
        Assert.Equal(expected, Assert.Single(detector.FindCopies(TestArticles.Harbour)).Scores.SimHashDistance);
        CopyPair pair = Assert.Single(CopyDetector.Scan([new Article("a", TestArticles.Harbour), new Article("b", copy)], cancellationToken: TestContext.Current.CancellationToken).Pairs);
        Assert.Equal(expected, pair.Scores.SimHashDistance);
    }
}

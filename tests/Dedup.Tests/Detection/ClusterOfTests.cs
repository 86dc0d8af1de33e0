using Dedup.Detection;

namespace Dedup.Tests.Detection;

/// <summary><see cref="CopyDetector.ClusterOf"/>: clusters kept up to date as articles are added and removed.</summary>
public class ClusterOfTests
{
    [Fact]
    public void Cluster_of_an_article_follows_adds_and_removals()
    {
        var detector = new CopyDetector();
        var day = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        detector.Add("a", TestArticles.Harbour, published: day);
        detector.Add("r", TestArticles.Rail, published: day);

        Assert.Equal(["a"], detector.ClusterOf("a")!.Members);
        Assert.Null(detector.ClusterOf("nobody"));

        detector.Add("b", TestArticles.Syndicate(TestArticles.Harbour), published: day.AddHours(1));
        detector.Add("c", TestArticles.Spin(TestArticles.Harbour), published: day.AddHours(2));
        detector.Add("e", TestArticles.Lead(TestArticles.Rail, 3), published: day.AddHours(3));

        CopyCluster harbour = detector.ClusterOf("c")!;
        Assert.Equal("a", harbour.OriginalId);
        Assert.Equal(["a", "b", "c"], harbour.Members);
        Assert.Equal(["r", "e"], detector.ClusterOf("e")!.Members);

        Assert.True(detector.Remove("a"));
        Assert.Null(detector.ClusterOf("a"));
        Assert.Contains("b", detector.ClusterOf("b")!.Members);
        Assert.DoesNotContain("a", detector.ClusterOf("b")!.Members);
    }

    [Fact]
    public void Removing_the_only_link_splits_a_cluster()
    {
        // b and c are each a part of a, and share nothing with each other: a holds them together.
        string first = TestArticles.Lead(TestArticles.Harbour, 2);
        string last = string.Join("\n\n", TestArticles.Harbour.Split("\n\n").Skip(4));
        var detector = new CopyDetector();
        detector.Add("b", first);
        detector.Add("c", last);
        detector.Add("a", TestArticles.Harbour);
        Assert.Equal(3, detector.ClusterOf("b")!.Members.Count);

        detector.Remove("a");

        Assert.Equal(["b"], detector.ClusterOf("b")!.Members);
        Assert.Equal(["c"], detector.ClusterOf("c")!.Members);
    }

    [Fact]
    public void Incremental_clusters_equal_the_recomputed_ones_when_the_model_is_settled()
    {
        var detector = new CopyDetector();
        string[] stories = [TestArticles.Harbour, TestArticles.Rail, TestArticles.HarbourFollowUp];
        for (int s = 0; s < stories.Length; s++)
        {
            detector.Add($"s{s}", stories[s]);
            detector.Add($"s{s}-syndicated", TestArticles.Syndicate(stories[s]));
            detector.Add($"s{s}-lead", TestArticles.Lead(stories[s], 2));
            detector.Add($"s{s}-dup", stories[s]);
        }

        foreach (CopyCluster expected in detector.Clusters())
        {
            foreach (string id in expected.Members)
            {
                CopyCluster actual = detector.ClusterOf(id)!;
                Assert.Equal(expected.OriginalId, actual.OriginalId);
                Assert.Equal(expected.Members, actual.Members);
            }
        }
    }
}

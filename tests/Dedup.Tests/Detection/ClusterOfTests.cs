using Dedup.Detection;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

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

    /// <summary>
    /// In a cluster of more than <see cref="PairFinder.LargeCluster"/> articles a new member is linked to one match, the
    /// earliest: the original. Removing the original left the members linked through it alone (a 21-article cluster
    /// became one of 16 and four singletons in a client's trial) where <see cref="CopyDetector.Clusters"/> keeps them
    /// together; they are now verified again against the rest of their old cluster.
    /// </summary>
    [Fact]
    public void Removing_the_member_a_large_cluster_was_linked_through_keeps_the_rest_together()
    {
        var detector = new CopyDetector();
        _ = detector.ClusterOf("-");
        detector.Add("a", TestArticles.Harbour);
        string[] copies = [.. Enumerable.Range(1, PairFinder.LargeCluster + 3).Select(i => $"c{i:D2}")];
        foreach (string id in copies)
        {
            detector.Add(id, TestArticles.Syndicate(TestArticles.Harbour) + $"\n\nReporting by {id} for the wire desk.");
        }

        Assert.Equal(copies.Length + 1, detector.ClusterOf("a")!.Members.Count);

        Assert.True(detector.Remove("a"));

        Assert.Equal(copies, detector.ClusterOf(copies[^1])!.Members.Order(StringComparer.Ordinal));
        Assert.Equal(copies, detector.Clusters().Single(c => c.Members.Count > 1).Members.Order(StringComparer.Ordinal));
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

/// <summary>
/// An <c>Add</c> right after <c>FindCopies</c> of the same article (and <c>FindOrAddAsync</c>) reuses the query's
/// verdicts for the incremental clusters: the clusters are those of verifying every candidate again.
/// </summary>
public class ReusedVerdictTests
{
    private static Gen<(Article[] Corpus, int Frequency)> Cases { get; } =
        from corpus in CorpusGen.Corpus(maxStories: 6, maxCopies: 3)
        from order in Gen.Shuffle(corpus)
        from frequency in Gen.Elements(2, 3, DetectorOptions.Default.BoilerplateDocumentFrequency)
        select (order, frequency);

    [Property(MaxTest = 40)]
    public Property Clusters_are_the_same_whether_verdicts_are_reused_or_verified_again() =>
        Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var options = new DetectorOptions { BoilerplateDocumentFrequency = c.Frequency };
            var reusing = new CopyDetector(options);
            var verifying = new CopyDetector(options);
            var findOrAdd = new CopyDetector(options);
            _ = reusing.ClusterOf("-");
            _ = verifying.ClusterOf("-");
            _ = findOrAdd.ClusterOf("-");
            foreach (Article article in c.Corpus)
            {
                _ = reusing.FindCopies(article);
                reusing.Add(article);

                // Another source: not the same article, so the add verifies every candidate again (under the same model).
                _ = verifying.FindCopies(article with { Source = "elsewhere" });
                verifying.Add(article);

                _ = findOrAdd.FindOrAddAsync(article).AsTask().GetAwaiter().GetResult();
            }

            bool same = c.Corpus.All(a =>
                Same(verifying.ClusterOf(a.Id)!, reusing.ClusterOf(a.Id)!) && Same(verifying.ClusterOf(a.Id)!, findOrAdd.ClusterOf(a.Id)!));
            return (same && verifying.ReusedVerdicts == 0 && reusing.ReusedVerdicts == findOrAdd.ReusedVerdicts)
                .Label($"same clusters {same}; verdicts reused {reusing.ReusedVerdicts}, {findOrAdd.ReusedVerdicts}, {verifying.ReusedVerdicts}");
        });

    [Fact]
    public void Add_after_FindCopies_of_the_same_article_reuses_its_verdicts()
    {
        var detector = new CopyDetector();
        _ = detector.ClusterOf("-");
        var original = new Article("a", TestArticles.Harbour);
        var copy = new Article("b", TestArticles.Syndicate(TestArticles.Harbour));
        detector.Add(original);

        Assert.Single(detector.FindCopies(copy));
        detector.Add(copy);

        Assert.Equal(1, detector.ReusedVerdicts);
        Assert.Equal(["a", "b"], detector.ClusterOf("b")!.Members.Order(StringComparer.Ordinal));

        // A different article (another text under the same id would throw; another id is another article) verifies afresh.
        var third = new Article("c", TestArticles.Syndicate(TestArticles.Harbour));
        _ = detector.FindCopies(copy);
        detector.Add(third);
        Assert.Equal(1, detector.ReusedVerdicts);
        Assert.Equal(["a", "b", "c"], detector.ClusterOf("c")!.Members.Order(StringComparer.Ordinal));
    }

    private static bool Same(CopyCluster x, CopyCluster y) => x.OriginalId == y.OriginalId && x.Members.SequenceEqual(y.Members);
}

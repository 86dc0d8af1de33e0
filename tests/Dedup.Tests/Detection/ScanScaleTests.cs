using Dedup.Detection;

namespace Dedup.Tests.Detection;

/// <summary>
/// The batch scan's work and memory grow with the articles, not with the pairs of copies, and its shortcuts (one
/// verification per exact duplicate, common keys, large clusters) leave the clusters those of verifying every pair.
/// </summary>
[Collection(nameof(Indexing.MeasuresTheHeap))]
public class ScanScaleTests
{
    /// <summary>
    /// Generous: about 10 KB an article. Verifying every pair of 20,000 copies, as the scan once did, allocates 200
    /// million pairs (tens of gigabytes) and runs out of memory.
    /// </summary>
    private const long MaxBytesPerArticle = 10 * 1024;

    [Fact]
    public void Twenty_thousand_identical_articles_scan_in_memory_linear_in_the_articles()
    {
        const int Copies = 20_000;
        var articles = new Article[Copies];
        for (int i = 0; i < Copies; i++)
        {
            articles[i] = new Article($"copy-{i}", TestArticles.Rail);
        }

        long before = GC.GetTotalAllocatedBytes(precise: true);
        ScanResult result = CopyDetector.Scan(articles, cancellationToken: TestContext.Current.CancellationToken);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        CopyCluster cluster = Assert.Single(result.Clusters);
        Assert.Equal(Copies, cluster.Members.Count);
        Assert.Equal("copy-0", cluster.OriginalId);
        Assert.Equal(Copies - 1, result.Pairs.Count);
        Assert.All(result.Pairs, p => Assert.Equal(("copy-0", CopyKind.Duplicate), (p.First, p.Kind)));
        Assert.True(allocated < Copies * MaxBytesPerArticle, $"the scan allocated {allocated:N0} bytes");
    }

    [Fact]
    public void Clusters_equal_those_of_verifying_every_pair_on_a_corpus_with_a_much_copied_story()
    {
        List<Article> articles = CorpusWithCopies();

        ScanResult result = CopyDetector.Scan(articles, cancellationToken: TestContext.Current.CancellationToken);
        (HashSet<(string, string)> allPairs, List<CopyCluster> expected) = VerifyEveryPair(articles);

        Assert.Equal(Describe(expected), Describe(result.Clusters));
        Assert.All(result.Pairs, p => Assert.Contains((p.First, p.Second), allPairs));

        // The shortcuts were taken: fewer pairs than all of them, yet every copy is paired with its cluster.
        Assert.True(result.Pairs.Count < allPairs.Count, $"{result.Pairs.Count} of {allPairs.Count} pairs");
        var paired = result.Pairs.SelectMany(p => new[] { p.First, p.Second }).ToHashSet();
        Assert.All(result.Clusters.Where(c => c.Members.Count > 1).SelectMany(c => c.Members), id => Assert.Contains(id, paired));
    }

    [Fact]
    public void Small_clusters_keep_every_pair()
    {
        Article[] articles =
        [
            new("a", TestArticles.Harbour),
            new("b", TestArticles.Syndicate(TestArticles.Harbour)),
            new("c", TestArticles.Harbour),
            new("d", TestArticles.Spin(TestArticles.Harbour)),
            new("e", TestArticles.Rail),
        ];

        ScanResult result = CopyDetector.Scan(articles, cancellationToken: TestContext.Current.CancellationToken);
        (HashSet<(string, string)> allPairs, _) = VerifyEveryPair(articles);

        Assert.Equal(allPairs.Order(), result.Pairs.Select(p => (p.First, p.Second)).Order());
        Assert.Equal(6, allPairs.Count);
    }

    /// <summary>
    /// A story syndicated 150 times with a line of its own in each (its keys become common keys, its cluster a large
    /// one), exact duplicate groups of 3 and of 30, two more stories with a few copies each, and unrelated stories.
    /// </summary>
    private static List<Article> CorpusWithCopies()
    {
        var articles = new List<Article>();
        string wire = TestArticles.Harbour;
        for (int i = 0; i < 150; i++)
        {
            articles.Add(new Article($"wire-{i:D3}", $"{(i % 2 == 0 ? wire : TestArticles.Syndicate(wire))}\n\nFiled by desk {i} for edition {i * 7}."));
            if (i % 10 == 0)
            {
                articles.Add(new Article($"rail-{i:D3}", i % 20 == 0 ? TestArticles.Rail : TestArticles.Spin(TestArticles.Rail)));
                articles.Add(new Article($"other-{i:D3}", $"{TestArticles.HarbourFollowUp}\n\nCorrection number {i}."));
            }
        }

        for (int i = 0; i < 30; i++)
        {
            articles.Add(new Article($"dup30-{i:D2}", TestArticles.QuoteA));
        }

        for (int i = 0; i < 3; i++)
        {
            articles.Add(new Article($"dup3-{i}", TestArticles.QuoteB));
        }

        return articles;
    }

    /// <summary>The reference: every pair verified with the scan's own boilerplate model, clustered by union-find.</summary>
    private static (HashSet<(string, string)> Pairs, List<CopyCluster> Clusters) VerifyEveryPair(IReadOnlyList<Article> articles)
    {
        DetectorOptions options = DetectorOptions.Default;
        ArticleFeatures[] features = [.. articles.Select((a, i) =>
        {
            ArticleFeatures f = FeatureExtractor.Extract(a, options);
            f.Order = i;
            return f;
        })];
        var boilerplate = BoilerplateModel.Build(features, options.BoilerplateDocumentFrequency);
        var pairs = new List<(int A, int B)>();
        var ids = new HashSet<(string, string)>();
        for (int b = 0; b < features.Length; b++)
        {
            for (int a = 0; a < b; a++)
            {
                PairMeasure o = Verifier.Measure(
                    features[a],
                    features[b],
                    boilerplate.Words(features[a]),
                    boilerplate.Words(features[b]),
                    boilerplate.Skeleton(features[a]),
                    boilerplate.Skeleton(features[b]),
                    boilerplate.Lead(features[a]),
                    boilerplate.Lead(features[b]));
                if (Verifier.Classify(features[a].ExactHash == features[b].ExactHash, o, options.Threshold) is not null)
                {
                    pairs.Add((a, b));
                    ids.Add((features[a].Id, features[b].Id));
                }
            }
        }

        return (ids, ClusterBuilder.Build(features, pairs));
    }

    private static List<string> Describe(IEnumerable<CopyCluster> clusters) =>
        [.. clusters.Select(c => $"{c.OriginalId}: {string.Join(' ', c.Members.Order(StringComparer.Ordinal))}").Order(StringComparer.Ordinal)];
}

using Dedup.Detection;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dedup.Tests.Detection;

/// <summary>
/// A scan's pairs are made when read (<see cref="ScanPairs"/>), each from the verified pair it stands for, whose scores
/// are worked out once: every pair must be the one made from its own measure (<see cref="FoundPairs"/>' indexer, which
/// turns the measure to the pair's side), the other side's containments swapped, its SimHash distance its own.
/// </summary>
public class ScanPairsTests
{
    /// <summary>Corpora with articles sent again (another id and time), so that pairs stand for verified pairs seen from either side.</summary>
    private static Gen<Article[]> Corpora { get; } =
        from corpus in CorpusGen.Corpus(maxStories: 4, maxCopies: 3)
        from resent in Gen.CollectToArray(corpus.Select(_ => Gen.Frequency((2, Gen.Constant(0)), (1, Gen.Choose(1, 3)))))
        let all = corpus.Concat(corpus.SelectMany((a, i) => Enumerable.Range(0, resent[i]).Select(k => new Article($"{a.Id}r{k}", a.Text, a.Title, a.Published?.AddDays(1 + k))))).ToArray()
        from shuffled in Gen.Shuffle(all)
        select shuffled;

    [Property(MaxTest = 60)]
    public Property Each_pair_is_made_from_its_own_measure() => Prop.ForAll(Corpora.ToArbitrary(), corpus =>
    {
        ScanResult scan = CopyDetector.Scan(corpus);
        var pairs = Assert.IsType<ScanPairs>(scan.Pairs);
        var simHashes = corpus.Select(a => FeatureExtractor.Extract(a, DetectorOptions.Default).SimHash).ToArray();
        var listed = new List<CopyPair>();
        foreach (CopyPair pair in pairs)
        {
            listed.Add(pair);
        }

        if (listed.Count != pairs.Count)
        {
            return false.Label($"the enumeration has {listed.Count} of {pairs.Count} pairs");
        }

        for (int k = 0; k < pairs.Count; k++)
        {
            FoundPair p = pairs.Found[k];
            var expected = new CopyPair(corpus[p.A].Id, corpus[p.B].Id, p.Kind, p.Score, Verifier.Scores(p.Measure) with { SimHashDistance = Dedup.Sketches.SimHasher.HammingDistance(simHashes[p.A], simHashes[p.B]) });
            if (pairs[k] != expected || listed[k] != expected)
            {
                return false.Label($"pair {k}: {pairs[k]}, expected {expected}");
            }
        }

        return true.ToProperty();
    });

    /// <summary>The pairs' order (<see cref="FoundPairs.ByFirstArticle"/>, placed by first article): that of a sort of their keys, each source following its key.</summary>
    [Property(MaxTest = 200)]
    public Property Pairs_are_ordered_as_a_sort_of_their_keys_orders_them(PositiveInt articles, int seed)
    {
        int n = 1 + (articles.Get % 300);
        var random = new Random(seed);
        var keys = new HashSet<ulong>();
        for (int k = random.Next(4 * n); k > 0; k--)
        {
            keys.Add(((ulong)(uint)random.Next(n) << 32) | (uint)random.Next(n));
        }

        List<ulong> unsorted = [.. keys];
        List<int> sources = [.. unsorted.Select((_, i) => random.Next(2) == 0 ? i : ~i)];
        ulong[] expected = [.. unsorted];
        int[] expectedFrom = [.. sources];
        Array.Sort(expected, expectedFrom);
        ulong[] sorted = FoundPairs.ByFirstArticle(unsorted, sources, n, out int[] from);
        return (sorted.SequenceEqual(expected) && from.SequenceEqual(expectedFrom)).Label($"{n} articles, {unsorted.Count} pairs");
    }

    /// <summary>
    /// A scan's clusters are made from the components its search joined (<see cref="PairSearch.Components"/>), beside the
    /// pairs being put in order: they must be the clusters of every pair it reports, exact duplicates' pairs included.
    /// </summary>
    [Property(MaxTest = 60)]
    public Property The_clusters_are_those_of_every_pair_reported() => Prop.ForAll(Corpora.ToArbitrary(), corpus =>
    {
        ScanResult scan = CopyDetector.Scan(corpus);
        var pairs = Assert.IsType<ScanPairs>(scan.Pairs);
        var features = corpus.Select((a, i) =>
        {
            ArticleFeatures f = FeatureExtractor.Extract(a, DetectorOptions.Default);
            f.Order = i;
            return f;
        }).ToList();
        List<CopyCluster> expected = ClusterBuilder.Build(features, pairs.Found.Articles());
        return scan.Clusters.SequenceEqual(expected).Label($"{corpus.Length} articles, {pairs.Count} pairs: {scan.Clusters.Count} clusters against {expected.Count}");
    });

    /// <summary>
    /// The pairs a summary shows (<see cref="ScanResult.HighestPairs"/>) are those a full sort puts first, and the counts
    /// by kind are those of the pairs: for a scan's pairs (compared without being made) and for a list given whole.
    /// </summary>
    [Property(MaxTest = 60)]
    public Property The_highest_pairs_and_the_counts_are_those_of_the_whole_list() => Prop.ForAll(Corpora.ToArbitrary(), Gen.Choose(0, 30).ToArbitrary(), (corpus, count) =>
    {
        ScanResult scan = CopyDetector.Scan(corpus);
        Assert.IsType<ScanPairs>(scan.Pairs);
        ScanResult listed = scan with { Pairs = [.. scan.Pairs] };
        return (Agrees(scan, count) && Agrees(listed, count)).Label($"{scan.Pairs.Count} pairs, the {count} highest");
    });

    /// <summary>As above, for lists with many ties on the score and on the first id (few scores, few ids).</summary>
    [Property(MaxTest = 300)]
    public Property The_highest_pairs_of_a_list_with_ties_are_those_of_a_full_sort(DoNotSize<int> seed)
    {
        var random = new Random(seed.Item);
        var pairs = new List<CopyPair>();
        var seen = new HashSet<(string, string)>();
        for (int k = random.Next(0, 200); k > 0; k--)
        {
            string a = "a" + random.Next(12), b = "b" + random.Next(12);
            if (seen.Add((a, b)))
            {
                pairs.Add(new CopyPair(a, b, (CopyKind)random.Next(4), random.Next(5) / 4.0, default));
            }
        }

        int count = random.Next(0, 30);
        return Agrees(new ScanResult(pairs, [], 24, 0, TimeSpan.Zero), count).Label($"{pairs.Count} pairs, the {count} highest");
    }

    private static bool Agrees(ScanResult result, int count)
    {
        CopyPair[] expected = [.. result.Pairs.OrderByDescending(p => p.Score).ThenBy(p => p.First, StringComparer.Ordinal).ThenBy(p => p.Second, StringComparer.Ordinal).Take(count)];
        IReadOnlyDictionary<CopyKind, int> kinds = result.CountPairsByKind();
        return result.HighestPairs(count).SequenceEqual(expected)
            && Enum.GetValues<CopyKind>().All(kind => kinds[kind] == result.Pairs.Count(p => p.Kind == kind))
            && kinds.Count == Enum.GetValues<CopyKind>().Length;
    }

    /// <summary>
    /// Asked for more pairs than the one-pass keeper takes (or all of them: <c>int.MaxValue</c>), the highest pairs are
    /// a full sort's, with no list sized by the count; a kind a list given whole holds that this version does not name
    /// is counted under its value.
    /// </summary>
    [Fact]
    public void Many_highest_pairs_are_a_full_sorts_and_an_unnamed_kind_is_counted()
    {
        var random = new Random(35);
        var pairs = Enumerable.Range(0, 3_000).Select(k => new CopyPair($"a{k % 97}", $"b{k}", (CopyKind)random.Next(4), random.Next(7) / 6.0, default)).ToList();
        pairs.Add(new CopyPair("x", "y", (CopyKind)9, 0.5, default));
        var result = new ScanResult(pairs, [], 3_100, 0, TimeSpan.Zero);
        CopyPair[] sorted = [.. pairs.OrderByDescending(p => p.Score).ThenBy(p => p.First, StringComparer.Ordinal).ThenBy(p => p.Second, StringComparer.Ordinal)];
        Assert.Equal(sorted, result.HighestPairs(int.MaxValue));
        Assert.Equal(sorted.Take(2_000), result.HighestPairs(2_000));
        Assert.Equal(sorted.Take(1_024), result.HighestPairs(1_024));
        IReadOnlyDictionary<CopyKind, int> kinds = result.CountPairsByKind();
        Assert.Equal(1, kinds[(CopyKind)9]);
        Assert.Equal(pairs.Count, kinds.Values.Sum());

        ScanResult scan = CopyDetector.Scan([new Article("a", "One text of a few words."), new Article("b", "One text of a few words.")], cancellationToken: TestContext.Current.CancellationToken);
        Assert.Single(scan.HighestPairs(int.MaxValue));
    }

    [Fact]
    public void A_negative_count_of_highest_pairs_is_refused()
    {
        ScanResult scan = CopyDetector.Scan([new Article("a", "One text of a few words."), new Article("b", "One text of a few words.")], cancellationToken: TestContext.Current.CancellationToken);
        Assert.Throws<ArgumentOutOfRangeException>(() => scan.HighestPairs(-1));
        Assert.Empty(scan.HighestPairs(0));
        Assert.Single(scan.HighestPairs(5));
    }

    [Fact]
    public void A_pair_out_of_range_is_refused_as_a_list_refuses_it()
    {
        ScanResult scan = CopyDetector.Scan([new Article("a", "One text of a few words."), new Article("b", "One text of a few words.")], cancellationToken: TestContext.Current.CancellationToken);
        Assert.Single(scan.Pairs);
        Assert.Throws<ArgumentOutOfRangeException>(() => scan.Pairs[1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => scan.Pairs[-1]);
    }
}

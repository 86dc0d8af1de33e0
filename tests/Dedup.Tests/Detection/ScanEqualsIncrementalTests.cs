using Dedup.Detection;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dedup.Tests.Detection;

/// <summary>
/// The batch path and the incremental path agree: <see cref="CopyDetector.Scan"/> over a corpus finds the same
/// pairs (kind, score, scores) and the same clusters as <see cref="CopyDetector.Add(Article)"/> of every article
/// followed by <see cref="CopyDetector.FindCopies(Article)"/> of every article, whatever the order of each, once the
/// detector's corpus model (the boilerplate) is learned from the whole corpus, which the first query after the adds does.
/// </summary>
/// <remarks>
/// The corpus model is not made irrelevant: corpora are drawn with the default boilerplate setting and with the
/// lowest ones (2 and 3), where the syndication byline and footer shared by a few copies become boilerplate.
/// </remarks>
public class ScanEqualsIncrementalTests
{
    private static Gen<Scenario> Cases { get; } =
        from corpus in CorpusGen.Corpus(maxStories: 6, maxCopies: 3)
        from addOrder in Gen.Shuffle(corpus)
        from queryOrder in Gen.Shuffle(corpus)
        from frequency in Gen.Elements(2, 3, DetectorOptions.Default.BoilerplateDocumentFrequency)
        select new Scenario(corpus, addOrder, queryOrder, new DetectorOptions { BoilerplateDocumentFrequency = frequency });

    /// <summary>
    /// Corpora in which some articles are sent again as they were (title and text; another id and time), up to four
    /// times: a scan extracts each text once and counts its copies with it in the corpus model.
    /// </summary>
    private static Gen<Scenario> CasesWithResent { get; } =
        from corpus in CorpusGen.Corpus(maxStories: 4, maxCopies: 2)
        from resent in Gen.CollectToArray(corpus.Select(_ => Gen.Frequency((3, Gen.Constant(0)), (1, Gen.Choose(1, 4)))))
        let all = corpus.Concat(corpus.SelectMany((a, i) => Enumerable.Range(0, resent[i]).Select(k => new Article($"{a.Id}r{k}", a.Text, a.Title, a.Published?.AddDays(1 + k))))).ToArray()
        from shuffled in Gen.Shuffle(all)
        from addOrder in Gen.Shuffle(shuffled)
        from queryOrder in Gen.Shuffle(shuffled)
        from frequency in Gen.Elements(2, 3, DetectorOptions.Default.BoilerplateDocumentFrequency)
        select new Scenario([.. shuffled], addOrder, queryOrder, new DetectorOptions { BoilerplateDocumentFrequency = frequency });

    [Property(MaxTest = 60)]
    public Property Scan_finds_what_Add_and_FindCopies_find() => Prop.ForAll(Cases.ToArbitrary(), c => Agree(c, largeClusters: false));

    /// <remarks>
    /// Resent articles make clusters and groups of one text larger than the scan lists every pair of (more than
    /// <see cref="PairFinder.DuplicatePairLimit"/> members: docs/cli.md, "Pairs of a large cluster"). Then the clusters
    /// must still be the same, and every pair the scan lists must be one the detector finds, with the same verdict.
    /// </remarks>
    [Property(MaxTest = 40)]
    public Property Scan_finds_what_Add_and_FindCopies_find_when_articles_are_sent_again() => Prop.ForAll(CasesWithResent.ToArbitrary(), c => Agree(c, largeClusters: true));

    /// <param name="c">The corpus, the orders and the options.</param>
    /// <param name="largeClusters">Whether clusters may be larger than the scan lists every pair of (see above).</param>
    private static Property Agree(Scenario c, bool largeClusters)
    {
        ScanResult scan = CopyDetector.Scan(c.Corpus, c.Options);
        var detector = new CopyDetector(c.Options);
        foreach (Article article in c.AddOrder)
        {
            detector.Add(article);
        }

        // "Once the corpus model is learned": a live detector relearns it only after a tenth of its articles changed
        // (and the incremental clusters consult it at every add), so it may still stand as it was a few adds ago.
        detector.LearnBoilerplateNow();

        var incremental = new Dictionary<(string, string), Verdict>();
        bool directionsAgree = true;
        foreach (Article article in c.QueryOrder)
        {
            foreach (CopyMatch match in detector.FindCopies(article))
            {
                Verdict v = Verdict.Of(article.Id, match.Id, match.Kind, match.Score, match.Scores);
                if (incremental.TryGetValue(v.Key, out Verdict? seen))
                {
                    directionsAgree &= seen == v;
                }

                incremental[v.Key] = v;
            }
        }

        Dictionary<(string, string), Verdict> batch = scan.Pairs
            .Select(p => Verdict.Of(p.First, p.Second, p.Kind, p.Score, p.Scores))
            .ToDictionary(v => v.Key);
        bool allListed = !largeClusters || scan.Clusters.All(cluster => cluster.Members.Count <= PairFinder.DuplicatePairLimit);
        bool samePairs = (!allListed || batch.Count == incremental.Count) && batch.All(p => incremental.TryGetValue(p.Key, out Verdict? other) && other == p.Value);
        bool sameClusters = Canonical(scan.Clusters).SequenceEqual(Canonical(detector.Clusters()));
        bool clustersArePairComponents = Canonical(scan.Clusters).Select(c => c.Members)
            .SequenceEqual(Components(c.Corpus, incremental.Keys));
        return (directionsAgree && samePairs && sameClusters && clustersArePairComponents)
            .Label($"directions agree {directionsAgree}, same pairs {samePairs} (every pair listed: {allListed}), same clusters {sameClusters}, clusters are the pairs' components {clustersArePairComponents}\n"
                + $"scan: {string.Join("; ", batch.Values.OrderBy(v => v.Key))}\nincremental: {string.Join("; ", incremental.Values.OrderBy(v => v.Key))}");
    }

    /// <summary>Each cluster as its original and its member set, in a fixed order.</summary>
    private static List<(string Original, string Members)> Canonical(IEnumerable<CopyCluster> clusters) =>
        [.. clusters
            .Select(c => (c.OriginalId, string.Join(",", c.Members.Order(StringComparer.Ordinal))))
            .OrderBy(c => c.Item2, StringComparer.Ordinal)];

    /// <summary>The connected components of the pairs, singletons included, each as its sorted member list.</summary>
    private static IEnumerable<string> Components(IReadOnlyList<Article> corpus, IEnumerable<(string, string)> pairs)
    {
        var parent = corpus.ToDictionary(a => a.Id, a => a.Id);
        string Find(string x) => parent[x] == x ? x : parent[x] = Find(parent[x]);
        foreach ((string a, string b) in pairs)
        {
            parent[Find(a)] = Find(b);
        }

        return corpus.GroupBy(a => Find(a.Id))
            .Select(g => string.Join(",", g.Select(a => a.Id).Order(StringComparer.Ordinal)))
            .Order(StringComparer.Ordinal);
    }

    public sealed record Scenario(Article[] Corpus, Article[] AddOrder, Article[] QueryOrder, DetectorOptions Options)
    {
        public override string ToString() =>
            $"{Corpus.Length} articles, boilerplate frequency {Options.BoilerplateDocumentFrequency}; add order {string.Join(",", AddOrder.Select(a => a.Id))}; query order {string.Join(",", QueryOrder.Select(a => a.Id))}\n"
            + string.Join("\n", Corpus.Select(a => $"{a.Id}: {a.Title} | {a.Text[..Math.Min(80, a.Text.Length)].ReplaceLineEndings(" ")}… ({a.Text.Length} chars)"));
    }

    /// <summary>A pair's verdict with its ids in ordinal order and the containments following them.</summary>
    private sealed record Verdict((string, string) Key, CopyKind Kind, double Score, double Jaccard, double ContainmentOfLow, double ContainmentOfHigh, double Rewrite, double Lead)
    {
        public static Verdict Of(string first, string second, CopyKind kind, double score, MatchScores s) =>
            string.CompareOrdinal(first, second) < 0
                ? new((first, second), kind, score, s.Jaccard, s.ContainmentOfFirst, s.ContainmentOfSecond, s.SkeletonScore, s.LeadScore)
                : new((second, first), kind, score, s.Jaccard, s.ContainmentOfSecond, s.ContainmentOfFirst, s.SkeletonScore, s.LeadScore);
    }
}

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

    [Fact]
    public void A_pair_out_of_range_is_refused_as_a_list_refuses_it()
    {
        ScanResult scan = CopyDetector.Scan([new Article("a", "One text of a few words."), new Article("b", "One text of a few words.")], cancellationToken: TestContext.Current.CancellationToken);
        Assert.Single(scan.Pairs);
        Assert.Throws<ArgumentOutOfRangeException>(() => scan.Pairs[1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => scan.Pairs[-1]);
    }
}

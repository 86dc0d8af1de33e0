using Dedup.Detection;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dedup.Tests.Detection;

/// <summary>
/// A scan's pairs are its verified pairs and those exact duplicates stand in (<see cref="FoundPairs"/>), kept as
/// references to the verified pair: read back, they must be the pairs a copy of each verified pair for each pairing
/// of the groups' members gives, sorted by a comparison of the pairs.
/// </summary>
public sealed class FoundPairsTests
{
    [Property(MaxTest = 200)]
    public Property The_pairs_are_those_of_every_pairing_of_the_groups_members_in_order(DoNotSize<int> seed)
    {
        var random = new Random(seed.Item);
        int n = random.Next(1, 60);

        // Groups of one text: each article is a new text or a copy of an earlier one (some groups larger than the limit).
        int[] representative = new int[n];
        var duplicates = new Dictionary<int, List<int>>();
        for (int i = 0; i < n; i++)
        {
            representative[i] = i > 0 && random.Next(3) == 0 ? representative[random.Next(i)] : i;
            if (representative[i] != i)
            {
                if (!duplicates.TryGetValue(representative[i], out List<int>? group))
                {
                    duplicates[representative[i]] = group = [];
                }

                group.Add(i);
            }
        }

        // Verified pairs, as a scan finds them: each duplicate against its group's first, and some pairs of firsts.
        var verified = new List<FoundPair>();
        int[] firsts = [.. Enumerable.Range(0, n).Where(i => representative[i] == i)];
        for (int i = 0; i < n; i++)
        {
            if (representative[i] != i && random.Next(4) > 0)
            {
                verified.Add(Pair(representative[i], i, random));
            }
        }

        foreach (int a in firsts)
        {
            foreach (int b in firsts.Where(b => b > a && random.Next(5) == 0))
            {
                verified.Add(Pair(a, b, random));
            }
        }

        verified = [.. verified.OrderBy(_ => random.Next())];
        List<FoundPair> expected = Expanded(verified, representative, duplicates);
        FoundPairs found = FoundPairs.InOrder(verified, representative, duplicates.Count > 0 ? duplicates : []);
        List<FoundPair> actual = [.. Enumerable.Range(0, found.Count).Select(k => found[k])];
        bool articles = found.Articles().SequenceEqual(expected.Select(p => (p.A, p.B)));
        return (actual.SequenceEqual(expected) && articles).Label($"{n} articles, {verified.Count} verified: {actual.Count} pairs against {expected.Count}");
    }

    /// <summary>The reference: a copy of each verified pair for each pairing of the members, seen from its side, sorted by a comparison.</summary>
    private static List<FoundPair> Expanded(List<FoundPair> verified, int[] representative, Dictionary<int, List<int>> duplicates)
    {
        List<int> Members(int first) =>
            duplicates.TryGetValue(first, out List<int>? group) && group.Count + 1 <= PairFinder.DuplicatePairLimit ? [first, .. group] : [first];

        var result = new List<FoundPair>();
        foreach (FoundPair p in verified)
        {
            if (representative[p.B] == p.A)
            {
                result.AddRange(Members(p.A).Where(a => a < p.B).Select(a => p with { A = a }));
                continue;
            }

            foreach (int a in Members(p.A))
            {
                foreach (int b in Members(p.B))
                {
                    result.Add(a < b ? p with { A = a, B = b } : p with { A = b, B = a, Measure = PairFinder.Swapped(p.Measure) });
                }
            }
        }

        result.Sort((x, y) => x.A != y.A ? x.A.CompareTo(y.A) : x.B.CompareTo(y.B));
        return result;
    }

    /// <summary>A pair with measures that differ on each side, so that one seen from the wrong side shows.</summary>
    private static FoundPair Pair(int a, int b, Random random) =>
        new(a, b, (CopyKind)random.Next(4), random.NextDouble(), new PairMeasure(
            random.Next(100), random.Next(100), random.Next(100), random.Next(100), random.Next(100), random.Next(100), random.Next(10), random.Next(10), random.Next(10), random.Next(10),
            new ParaphraseMeasure(random.Next(50), random.Next(50), random.Next(10), random.Next(10), 0, 0, 0, 0, random.Next(50), random.Next(10))));
}

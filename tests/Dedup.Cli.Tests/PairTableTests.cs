using Dedup.Cli.Output;
using Dedup.Detection;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dedup.Cli.Tests;

/// <summary>The pairs a scan shows are picked in one pass (<see cref="PairTable.Highest"/>): they must be those a full sort puts first.</summary>
public sealed class PairTableTests
{
    [Property(MaxTest = 300)]
    public Property The_pairs_shown_are_the_first_of_a_full_sort(DoNotSize<int> seed)
    {
        var random = new Random(seed.Item);
        int count = random.Next(0, 200);

        // Few scores and few ids, so that ties on the score and on the first id are common.
        var pairs = new List<CopyPair>();
        var seen = new HashSet<(string, string)>();
        for (int k = 0; k < count; k++)
        {
            string a = "a" + random.Next(12), b = "b" + random.Next(12);
            if (seen.Add((a, b)))
            {
                pairs.Add(new CopyPair(a, b, (CopyKind)random.Next(4), random.Next(5) / 4.0, default));
            }
        }

        List<CopyPair> expected = [.. pairs.OrderByDescending(p => p.Score).ThenBy(p => p.First, StringComparer.Ordinal).ThenBy(p => p.Second, StringComparer.Ordinal).Take(PairTable.MaxRows)];
        var expectedKinds = pairs.GroupBy(p => p.Kind).ToDictionary(g => g.Key, g => g.Count());

        // In one pass, and in parts of a few pairs (a long list is taken in parts on all cores).
        var kinds = new Dictionary<CopyKind, int>();
        var kindsInParts = new Dictionary<CopyKind, int>();
        int part = 1 + random.Next(40);
        return (PairTable.Highest(pairs, kinds).SequenceEqual(expected) && kinds.OrderBy(k => k.Key).SequenceEqual(expectedKinds.OrderBy(k => k.Key))
            && PairTable.Highest(pairs, kindsInParts, part: part).SequenceEqual(expected) && kindsInParts.OrderBy(k => k.Key).SequenceEqual(expectedKinds.OrderBy(k => k.Key)))
            .Label($"{pairs.Count} pairs, parts of {part}");
    }
}

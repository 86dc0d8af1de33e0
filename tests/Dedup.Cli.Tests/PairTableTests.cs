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
                pairs.Add(new CopyPair(a, b, CopyKind.Duplicate, random.Next(5) / 4.0, default));
            }
        }

        List<CopyPair> expected = [.. pairs.OrderByDescending(p => p.Score).ThenBy(p => p.First, StringComparer.Ordinal).ThenBy(p => p.Second, StringComparer.Ordinal).Take(PairTable.MaxRows)];
        return PairTable.Highest(pairs).SequenceEqual(expected).Label($"{pairs.Count} pairs");
    }
}

using Dedup.Detection;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dedup.Tests.Detection;

/// <summary>The scan's count of the articles an indexed article stands for, read through a bit an article.</summary>
public sealed class CopiesLookupTests
{
    /// <summary>
    /// Counts of exact duplicates (mostly none, as in a corpus; some at the ends of 64-article words) give, for every
    /// article, 1 plus its count: the bits say where to read, and a count behind a clear bit would be lost.
    /// </summary>
    [Property(MaxTest = 200)]
    public Property Every_article_stands_for_itself_and_its_duplicates(int seed, ushort length)
    {
        var random = new Random(seed);
        int[] copies = [.. Enumerable.Range(0, length % 1000).Select(r => random.Next(8) == 0 || r % 64 == 63 ? random.Next(1, 50) : 0)];
        Func<int, int> lookup = PairFinder.CopiesLookup(copies);
        int wrong = Enumerable.Range(0, copies.Length).FirstOrDefault(r => lookup(r) != 1 + copies[r], -1);
        return (wrong < 0).Label($"article {wrong} of {copies.Length}");
    }
}

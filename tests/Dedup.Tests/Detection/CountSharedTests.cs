using Dedup.Detection;
using FsCheck;
using FsCheck.Fluent;

namespace Dedup.Tests.Detection;

/// <summary>The set intersection count of verification (blocks of vectors) against the plain merge.</summary>
public class CountSharedTests
{
    private static uint[] Set(uint[]? values, int spread) =>
        [.. (values ?? []).Select(v => spread <= 0 ? v : v % (uint)spread).Distinct().Order()];

    [FsCheck.Xunit.Property]
    public Property Counts_like_the_plain_merge(uint[]? first, uint[]? second, byte spread)
    {
        // A small spread makes the two sets overlap; zero leaves them as drawn (mostly disjoint).
        uint[] a = Set(first, spread);
        uint[] b = Set(second, spread);
        int expected = Verifier.CountSharedReference(a, b);
        return (Verifier.CountShared(a, b) == expected
            && Verifier.CountShared(b, a) == expected
            && Verifier.CountSharedVector(a, b) == expected
            && Verifier.CountSharedVector(b, a) == expected).ToProperty();
    }

    [FsCheck.Xunit.Property]
    public Property A_small_set_against_a_large_one_counts_like_the_plain_merge(uint[]? small, int seed)
    {
        // A lead against a text and the vector path on the same sets.
        var random = new Random(seed);
        uint[] large = [.. Enumerable.Range(0, 2000).Select(_ => (uint)random.Next(0, 6000)).Distinct().Order()];
        uint[] a = [.. (small ?? []).Select(v => v % 7000).Concat(large.Where((_, i) => i % 97 == 0)).Distinct().Order().Take(40)];
        int expected = Verifier.CountSharedReference(a, large);
        return (Verifier.CountShared(a, large) == expected && Verifier.CountShared(large, a) == expected
            && Verifier.CountSharedVector(a, large) == expected && Verifier.CountSharedVector(large, a) == expected).ToProperty();
    }

    [Fact]
    public void Counts_shared_values_at_both_ends()
    {
        uint[] large = [.. Enumerable.Range(0, 1000).Select(i => (uint)(i * 3))];
        uint[] small = [0, 3, 4, 2997, 2998, uint.MaxValue];
        Assert.Equal(3, Verifier.CountShared(small, large));
        Assert.Equal(3, Verifier.CountShared(large, small));
        Assert.Equal(0, Verifier.CountShared([], large));
        Assert.Equal(3, Verifier.CountSharedVector(small, large));
        Assert.Equal(1000, Verifier.CountSharedVector(large, large));
    }
}

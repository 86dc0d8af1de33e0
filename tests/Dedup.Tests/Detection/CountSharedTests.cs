using Dedup.Detection;
using FsCheck;
using FsCheck.Fluent;

namespace Dedup.Tests.Detection;

/// <summary>The branch-free merge of <see cref="Verifier.CountShared"/> counts what a set intersection counts.</summary>
public class CountSharedTests
{
    [Fact]
    public void Count_equals_the_size_of_the_intersection() =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), Prop.ForAll(
            ArbMap.Default.GeneratorFor<(uint[] A, uint[] B, byte[] Common)>().ToArbitrary(),
            c =>
            {
                // Sorted distinct sets that share some values (and some extremes: 0 and uint.MaxValue).
                uint[] common = [.. (c.Common ?? []).Select(x => (uint)x * 16_777_259u)];
                uint[] a = [.. (c.A ?? []).Concat(common).Distinct().Order()];
                uint[] b = [.. (c.B ?? []).Concat(common).Distinct().Order()];
                int expected = a.Intersect(b).Count();
                Assert.Equal(expected, Verifier.CountShared(a, b));
                Assert.Equal(expected, Verifier.CountShared(b, a));
            }));
}

using Dedup.Kernels;
using FsCheck;
using FsCheck.Fluent;

namespace Dedup.Tests.Kernels;

/// <summary>The set intersection count: the vector path and the search path equal the scalar reference and a plain set intersection.</summary>
public class IntersectionKernelTests
{
    private static Gen<(uint[] A, uint[] B)> Sets { get; } =
        from a in ArbMap.Default.GeneratorFor<uint[]>()
        from b in ArbMap.Default.GeneratorFor<uint[]>()
        from common in ArbMap.Default.GeneratorFor<byte[]>()
        from scale in Gen.Elements(1u, 7u, 16_777_259u)
        from large in Gen.Elements(0, 0, 60, 400)
        select (
            Sorted(a.Concat(common.Select(x => x * scale))),
            Sorted(b.Concat(common.Select(x => x * scale)).Concat(Enumerable.Range(0, large).Select(x => (uint)x * 9_973u))));

    [Fact]
    public void Every_path_counts_the_intersection() =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), Prop.ForAll(Sets.ToArbitrary(), s =>
        {
            int expected = s.A.Intersect(s.B).Count();
            Assert.Equal(expected, IntersectionKernel.CountSharedScalar(s.A, s.B));
            foreach (KernelWidth width in (ReadOnlySpan<KernelWidth>)[KernelWidth.Scalar, KernelWidth.Vector128, KernelWidth.Vector256, KernelWidth.Vector512, KernelWidth.Auto])
            {
                Assert.Equal(expected, IntersectionKernel.CountShared(s.A, s.B, width));
                Assert.Equal(expected, IntersectionKernel.CountShared(s.B, s.A, width));
            }
        }));

    [Fact]
    public void Known_answers_at_block_edges()
    {
        uint[] a = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        uint[] b = [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, uint.MaxValue];
        foreach (KernelWidth width in (ReadOnlySpan<KernelWidth>)[KernelWidth.Scalar, KernelWidth.Vector128, KernelWidth.Vector256, KernelWidth.Vector512])
        {
            Assert.Equal(6, IntersectionKernel.CountShared(a, b, width));
            Assert.Equal(0, IntersectionKernel.CountShared([], b, width));
            Assert.Equal(1, IntersectionKernel.CountShared([uint.MaxValue], b, width));
        }
    }

    private static uint[] Sorted(IEnumerable<uint> values) => [.. values.Distinct().Order()];
}

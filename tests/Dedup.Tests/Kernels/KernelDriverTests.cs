using System.Runtime.Intrinsics;
using Dedup.Kernels;

namespace Dedup.Tests.Kernels;

public class KernelDriverTests
{
    [Fact]
    public void Auto_resolves_to_the_widest_accelerated_width()
    {
        KernelWidth expected =
            Vector512.IsHardwareAccelerated ? KernelWidth.Vector512
            : Vector256.IsHardwareAccelerated ? KernelWidth.Vector256
            : Vector128.IsHardwareAccelerated ? KernelWidth.Vector128
            : KernelWidth.Scalar;
        Assert.Equal(expected, KernelDriver.Resolve(KernelWidth.Auto));
    }

    [Fact]
    public void Forced_widths_are_kept_even_when_not_accelerated()
    {
        foreach (KernelWidth width in new[] { KernelWidth.Scalar, KernelWidth.Vector128, KernelWidth.Vector256, KernelWidth.Vector512 })
        {
            Assert.Equal(width, KernelDriver.Resolve(width));
        }
    }

    [Fact]
    public void Unknown_width_throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => HashMixKernel.Mix([1], 0, new ulong[1], (KernelWidth)99));
    }
}

using Dedup.Kernels;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dedup.Tests.Kernels;

public class MinHashKernelTests
{
    private const int Max = KernelGen.MaxLength;
    private const int MaxK = 200;

    [Fact]
    public void Accumulate_known_answer_pins_the_wrapping_affine_minimum()
    {
        // min over x in {3, 5} of a * x + b mod 2^64; the second lane wraps (computed in Python).
        ulong[] minima = [ulong.MaxValue, ulong.MaxValue, 10];
        MinHashKernel.AccumulateScalar([3, 5], [2, ShingleKernel.Multiplier, 2], [7, 1, 7], minima);
        Assert.Equal([13UL, 0x1715609f7c746c6aUL, 10UL], minima);
    }

    [Property]
    public Property Scalar_equals_reference() => EqualsReference(KernelWidth.Scalar);

    [Property]
    public Property Vector128_equals_reference() => EqualsReference(KernelWidth.Vector128);

    [Property]
    public Property Vector256_equals_reference() => EqualsReference(KernelWidth.Vector256);

    [Property]
    public Property Vector512_equals_reference() => EqualsReference(KernelWidth.Vector512);

    [Property]
    public Property Auto_equals_reference() => EqualsReference(KernelWidth.Auto);

    [Fact]
    public void Every_k_from_1_to_200_equals_reference_at_every_width()
    {
        ulong[] shingles = Sequence(Max, 0x1234);
        ulong[] a = Sequence(MaxK, 0x5678), b = Sequence(MaxK, 0x9ABC), start = Sequence(MaxK, 0xDEF0);
        foreach (KernelWidth width in KernelGen.AllWidths)
        {
            for (int k = 1; k <= MaxK; k++)
            {
                ulong[] expected = start[..k], actual = start[..k];
                MinHashKernel.AccumulateScalar(shingles, a.AsSpan(0, k), b.AsSpan(0, k), expected);
                MinHashKernel.Accumulate(shingles, a.AsSpan(0, k), b.AsSpan(0, k), actual, width);
                Assert.Equal(expected, actual);
            }
        }
    }

    [Fact]
    public void Mismatched_lengths_throw_like_the_reference()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MinHashKernel.Accumulate([1], new ulong[8], new ulong[7], new ulong[8], KernelWidth.Vector512));
        Assert.Throws<ArgumentOutOfRangeException>(() => MinHashKernel.Accumulate([1], new ulong[7], new ulong[8], new ulong[8], KernelWidth.Vector512));
    }

    private static ulong[] Sequence(int length, ulong seed)
    {
        ulong[] values = new ulong[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = HashMixKernel.Mix(seed + (ulong)i);
        }

        return values;
    }

    private static Property EqualsReference(KernelWidth width)
    {
        Gen<(ulong[] Shingles, int K, ulong[] A, ulong[] B, ulong[] Start)> gen =
            from shingles in KernelGen.ArrayOf(KernelGen.UInt64, Max)
            from k in Gen.Choose(1, MaxK)
            from a in KernelGen.ArrayOf(KernelGen.UInt64, k)
            from b in KernelGen.ArrayOf(KernelGen.UInt64, k)
            from start in KernelGen.ArrayOf(Gen.Frequency((1, KernelGen.UInt64), (3, Gen.Constant(ulong.MaxValue))), k)
            select (shingles, k, a, b, start);
        return Prop.ForAll(gen.ToArbitrary(), t =>
        {

            for (int n = 0; n <= Max; n++)
            {
                ReadOnlySpan<ulong> shingles = t.Shingles.AsSpan(0, n);
                ulong[] expected = (ulong[])t.Start.Clone(), actual = (ulong[])t.Start.Clone();
                MinHashKernel.AccumulateScalar(shingles, t.A, t.B, expected);
                MinHashKernel.Accumulate(shingles, t.A, t.B, actual, width);
                if (!expected.AsSpan().SequenceEqual(actual))
                {
                    return false;
                }
            }

            return true;
        });
    }
}

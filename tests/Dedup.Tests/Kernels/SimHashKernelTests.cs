using Dedup.Kernels;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dedup.Tests.Kernels;

public class SimHashKernelTests
{
    /// <summary>3×16+1: the widest vector holds 16 float lanes.</summary>
    private const int Max = (3 * 16) + 1;

    [Fact]
    public void Accumulate_known_answers_pin_signs_weights_and_bit_order()
    {
        float[] unweighted = new float[64];
        SimHashKernel.AccumulateScalar([0b101UL, 1UL << 63], [], unweighted);
        Assert.Equal(0f, unweighted[0]);
        Assert.Equal(-2f, unweighted[1]);
        Assert.Equal(0f, unweighted[2]);
        Assert.Equal(-2f, unweighted[3]);
        Assert.Equal(0f, unweighted[63]);

        float[] weighted = new float[64];
        weighted[5] = 10f;
        SimHashKernel.AccumulateScalar([1UL, 3UL], [0.5f, 2f], weighted);
        Assert.Equal(2.5f, weighted[0]);
        Assert.Equal(1.5f, weighted[1]);
        Assert.Equal(-2.5f, weighted[2]);
        Assert.Equal(7.5f, weighted[5]);
        Assert.Equal(-2.5f, weighted[63]);
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
    public void Rounding_order_is_the_reference_order()
    {
        // 2^24 + 1 - 1 rounds differently from 2^24 + (1 - 1): any reassociation shows.
        float[] expected = new float[64], actual = new float[64];
        ulong[] features = [ulong.MaxValue, ulong.MaxValue, 0UL, 0x5555_5555_5555_5555UL];
        float[] weights = [16777216f, 1f, 1f, 3f];
        foreach (KernelWidth width in KernelGen.AllWidths)
        {
            Array.Clear(expected);
            Array.Clear(actual);
            SimHashKernel.AccumulateScalar(features, weights, expected);
            SimHashKernel.Accumulate(features, weights, actual, width);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void Invalid_arguments_throw_like_the_reference()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SimHashKernel.Accumulate([1], [], new float[63], KernelWidth.Vector512));
        Assert.Throws<ArgumentOutOfRangeException>(() => SimHashKernel.Accumulate([1], [1f, 2f], new float[64], KernelWidth.Vector512));
    }

    private static Property EqualsReference(KernelWidth width)
    {
        Gen<(ulong[] Features, float[] Weights, bool Weighted, float[] Start)> gen =
            from features in KernelGen.ArrayOf(KernelGen.UInt64, Max)
            from weights in KernelGen.ArrayOf(KernelGen.Weight, Max)
            from weighted in ArbMap.Default.GeneratorFor<bool>()
            from start in KernelGen.ArrayOf(KernelGen.Weight, 64)
            select (features, weights, weighted, start);
        return Prop.ForAll(gen.ToArbitrary(), t =>
        {
            for (int n = 0; n <= Max; n++)
            {
                ReadOnlySpan<ulong> features = t.Features.AsSpan(0, n);
                ReadOnlySpan<float> weights = t.Weighted ? t.Weights.AsSpan(0, n) : [];
                float[] expected = (float[])t.Start.Clone(), actual = (float[])t.Start.Clone();
                SimHashKernel.AccumulateScalar(features, weights, expected);
                SimHashKernel.Accumulate(features, weights, actual, width);
                for (int j = 0; j < 64; j++)
                {
                    if (!KernelGen.SameFloat(expected[j], actual[j]))
                    {
                        return false;
                    }
                }
            }

            return true;
        });
    }
}

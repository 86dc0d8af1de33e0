using Dedup.Kernels;
using Dedup.Sketches;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dedup.Tests.Kernels;

/// <summary>The per-bit counts behind unweighted SimHash: every width equals the scalar reference, remainders included.</summary>
public class BitCountKernelTests
{
    [Fact]
    public void Known_answers_pin_the_bit_order()
    {
        int[] counts = new int[64];
        BitCountKernel.CountScalar([1UL, 1UL << 63, (1UL << 63) | 1UL, 1UL << 9], counts);
        Assert.Equal(2, counts[0]);
        Assert.Equal(2, counts[63]);
        Assert.Equal(1, counts[9]);
        Assert.Equal(5, counts.Sum());
        foreach (KernelWidth width in KernelGen.AllWidths)
        {
            int[] vector = new int[64];
            BitCountKernel.Count([1UL, 1UL << 63, (1UL << 63) | 1UL, 1UL << 9, 1UL << 40, 3UL, 0UL, ulong.MaxValue, 7UL], vector, width);
            int[] expected = new int[64];
            BitCountKernel.CountScalar([1UL, 1UL << 63, (1UL << 63) | 1UL, 1UL << 9, 1UL << 40, 3UL, 0UL, ulong.MaxValue, 7UL], expected);
            Assert.Equal(expected, vector);
        }
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

    [Theory]
    [InlineData(255 * 8)]
    [InlineData((255 * 8) + 7)]
    [InlineData(3000)]
    public void Counts_past_a_byte_counter_flush_stay_exact(int length)
    {
        // All ones: every byte counter reaches its limit; a missed flush wraps at 256.
        ulong[] values = Enumerable.Repeat(ulong.MaxValue, length).ToArray();
        foreach (KernelWidth width in KernelGen.AllWidths)
        {
            int[] counts = new int[64];
            BitCountKernel.Count(values, counts, width);
            Assert.All(counts, c => Assert.Equal(length, c));
        }
    }

    [Property(MaxTest = 300)]
    public Property Unweighted_SimHash_equals_the_float_accumulation() =>
        Prop.ForAll(KernelGen.UInt64.ArrayOf().ToArbitrary(), features =>
        {
            float[] acc = new float[64];
            SimHashKernel.AccumulateScalar(features, [], acc);
            ulong expected = 0;
            for (int j = 0; j < 64; j++)
            {
                if (acc[j] > 0)
                {
                    expected |= 1UL << j;
                }
            }

            return SimHasher.Compute(features) == expected;
        });

    private static Property EqualsReference(KernelWidth width) =>
        Prop.ForAll(KernelGen.UInt64.ArrayOf().ToArbitrary(), Gen.Choose(0, 5).ToArbitrary(), (values, start) =>
        {
            int[] expected = new int[64], actual = new int[64];
            expected[5] = start;
            actual[5] = start;
            BitCountKernel.CountScalar(values, expected);
            BitCountKernel.Count(values, actual, width);
            return expected.AsSpan().SequenceEqual(actual);
        });
}

using Dedup.Kernels;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dedup.Tests.Kernels;

public class ShingleKernelTests
{
    private const int Max = KernelGen.MaxLength;
    private const int MaxK = 9;

    [Fact]
    public void Combine_known_answers_pin_the_polynomial_and_the_mix()
    {
        // Computed independently (Python): Mix(42 ^ sum tokens[i + j] * M^(k-1-j)), M = 0x9E3779B97F4A7C15.
        ulong[] tokens = [1, 2, 3, 4];
        ulong[] shingles = new ulong[4];

        Assert.Equal(4, ShingleKernel.CombineScalar(tokens, 1, 42, shingles));
        Assert.Equal([0x203ea4c5049ad615UL, 0x2866333606de98f9UL, 0xfc4ef1bca27d1ed3UL, 0x9c3fe26fde390827UL], shingles);

        Assert.Equal(3, ShingleKernel.CombineScalar(tokens, 2, 42, shingles));
        Assert.Equal([0x491f7b572049caa6UL, 0x05fc0498dcf4f486UL, 0x778bf073f79acc91UL], shingles[..3]);

        Assert.Equal(2, ShingleKernel.CombineScalar(tokens, 3, 42, shingles));
        Assert.Equal([0xb0e6e4593f9272c6UL, 0xdfa0df963966b471UL], shingles[..2]);

        Assert.Equal(0, ShingleKernel.CombineScalar(tokens, 5, 42, shingles));
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
    public void In_place_and_overlapping_spans_equal_reference()
    {
        ulong[] data = new ulong[Max + MaxK + 4];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (ulong)i * 0xD6E8FEB86659FD93UL;
        }

        foreach (KernelWidth width in KernelGen.AllWidths)
        {
            for (int k = 1; k <= 4; k++)
            {
                for (int shift = -2; shift <= 2; shift++)
                {
                    ulong[] expected = (ulong[])data.Clone();
                    ulong[] actual = (ulong[])data.Clone();
                    int from = 2, tokens = Max + k - 1, n = Max;
                    int written = ShingleKernel.CombineScalar(expected.AsSpan(from, tokens), k, 3, expected.AsSpan(from + shift, n));
                    Assert.Equal(written, ShingleKernel.Combine(actual.AsSpan(from, tokens), k, 3, actual.AsSpan(from + shift, n), width));
                    Assert.Equal(expected, actual);
                }
            }
        }
    }

    [Fact]
    public void Invalid_arguments_throw_like_the_reference()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ShingleKernel.Combine(new ulong[5], 0, 0, new ulong[5], KernelWidth.Vector512));
        Assert.Throws<ArgumentOutOfRangeException>(() => ShingleKernel.Combine(new ulong[5], 2, 0, new ulong[3], KernelWidth.Vector512));
        Assert.Equal(0, ShingleKernel.Combine(new ulong[1], 2, 0, [], KernelWidth.Vector512));
    }

    private static Property EqualsReference(KernelWidth width)
    {
        Gen<(ulong[] Tokens, int K, ulong Seed)> gen =
            from tokens in KernelGen.ArrayOf(KernelGen.UInt64, Max + MaxK)
            from k in Gen.Choose(1, MaxK)
            from seed in KernelGen.UInt64
            select (tokens, k, seed);
        return Prop.ForAll(gen.ToArbitrary(), t =>
        {
            // n output positions need n + k - 1 tokens; n = -1 .. Max also covers too few tokens.
            for (int n = -1; n <= Max; n++)
            {
                ReadOnlySpan<ulong> tokens = t.Tokens.AsSpan(0, Math.Max(0, n + t.K - 1));
                ulong[] expected = new ulong[Max + 1];
                ulong[] actual = new ulong[Max + 1];
                int expectedCount = ShingleKernel.CombineScalar(tokens, t.K, t.Seed, expected);
                int actualCount = ShingleKernel.Combine(tokens, t.K, t.Seed, actual, width);
                if (expectedCount != actualCount || !expected.AsSpan().SequenceEqual(actual))
                {
                    return false;
                }
            }

            return true;
        });
    }
}

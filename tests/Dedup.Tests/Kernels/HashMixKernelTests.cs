using Dedup.Kernels;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dedup.Tests.Kernels;

public class HashMixKernelTests
{
    private const int Max = KernelGen.MaxLength;

    [Fact]
    public void Mix_known_answers_pin_fmix64()
    {
        // Computed independently (Python) from MurmurHash3's fmix64.
        Assert.Equal(0x87cbfbfe89022ceaUL, HashMixKernel.Mix(0x0123456789ABCDEFUL));
        Assert.Equal(0xb456bcfc34c2cb2cUL, HashMixKernel.Mix(1UL));
        Assert.Equal(0x64b5720b4b825f21UL, HashMixKernel.Mix(ulong.MaxValue));
        Assert.Equal(0UL, HashMixKernel.Mix(0UL));

        ulong[] output = new ulong[1];
        HashMixKernel.MixScalar([0x0123456789ABCDEFUL], 0xDEADBEEFUL, output);
        Assert.Equal(0xa36ad12b63f660bcUL, output[0]);
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
        ulong[] data = new ulong[Max + 3];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (ulong)i * 0x9E3779B97F4A7C15UL;
        }

        foreach (KernelWidth width in KernelGen.AllWidths)
        {
            for (int shift = -2; shift <= 2; shift++)
            {
                ulong[] expected = (ulong[])data.Clone();
                ulong[] actual = (ulong[])data.Clone();
                int from = Math.Max(0, -shift) + 1, to = from + shift, n = Max;
                HashMixKernel.MixScalar(expected.AsSpan(from, n), 7UL, expected.AsSpan(to, n));
                HashMixKernel.Mix(actual.AsSpan(from, n), 7UL, actual.AsSpan(to, n), width);
                Assert.Equal(expected, actual);
            }
        }
    }

    [Fact]
    public void Short_output_throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => HashMixKernel.Mix(new ulong[3], 0, new ulong[2], KernelWidth.Vector512));
    }

    private static Property EqualsReference(KernelWidth width)
    {
        Gen<(ulong[] Input, ulong Seed)> gen = Gen.Zip(KernelGen.ArrayOf(KernelGen.UInt64, Max), KernelGen.UInt64);
        return Prop.ForAll(gen.ToArbitrary(), t =>
        {
            for (int n = 0; n <= Max; n++)
            {
                ReadOnlySpan<ulong> input = t.Input.AsSpan(0, n);
                ulong[] expected = new ulong[input.Length + 1];
                ulong[] actual = new ulong[input.Length + 1];
                expected[^1] = actual[^1] = 0xA5A5A5A5UL; // past the end must stay untouched
                HashMixKernel.MixScalar(input, t.Seed, expected);
                HashMixKernel.Mix(input, t.Seed, actual, width);
                if (!expected.AsSpan().SequenceEqual(actual))
                {
                    return false;
                }
            }

            return true;
        });
    }
}

using Dedup.Kernels;
using FsCheck;
using FsCheck.Fluent;

namespace Dedup.Tests.Kernels;

/// <summary>Generators and helpers shared by the kernel properties.</summary>
internal static class KernelGen
{
    /// <summary>Every width, including <see cref="KernelWidth.Auto"/>.</summary>
    public static readonly KernelWidth[] AllWidths =
        [KernelWidth.Scalar, KernelWidth.Vector128, KernelWidth.Vector256, KernelWidth.Vector512, KernelWidth.Auto];

    /// <summary>Edge values that random generation would rarely hit.</summary>
    private static readonly ulong[] EdgeValues =
        [0UL, 1UL, 2UL, ulong.MaxValue, ulong.MaxValue - 1, 1UL << 63, (1UL << 63) - 1, 1UL << 32, uint.MaxValue];

    /// <summary>Uniform over all 32 bits.</summary>
    private static Gen<uint> HalfWord { get; } =
        Gen.Zip(Gen.Choose(0, ushort.MaxValue), Gen.Choose(0, ushort.MaxValue), (hi, lo) => ((uint)hi << 16) | (uint)lo);

    /// <summary>Uniform over all 64 bits.</summary>
    public static Gen<ulong> FullRange { get; } =
        Gen.Zip(HalfWord, HalfWord, (hi, lo) => ((ulong)hi << 32) | lo);

    /// <summary>Mostly full-range values, some small ones (FsCheck's own) and some edge values.</summary>
    public static Gen<ulong> UInt64 { get; } = Gen.Frequency(
        (6, FullRange),
        (2, ArbMap.Default.GeneratorFor<ulong>()),
        (1, Gen.Elements(EdgeValues)));

    /// <summary>Weights: ordinary values, FsCheck's floats (NaN, infinities, ...) and signed zeros.</summary>
    public static Gen<float> Weight { get; } = Gen.Frequency(
        (6, Gen.Choose(-1_000_000, 1_000_000).Select(i => i / 1024f)),
        (2, ArbMap.Default.GeneratorFor<float>()),
        (1, Gen.Elements(0f, -0f, 1f, -1f, float.Epsilon, float.MaxValue, float.PositiveInfinity)));

    /// <summary>An array of exactly <paramref name="length"/> values.</summary>
    public static Gen<T[]> ArrayOf<T>(Gen<T> gen, int length) => gen.ArrayOf(length);

    /// <summary>The longest input to try: 3×8+1, so every length 0..3×width+1 of every width (8 ulong lanes at most) occurs.</summary>
    public const int MaxLength = (3 * 8) + 1;

    /// <summary>Bitwise float equality, except that any NaN equals any NaN (payloads are not part of the contract).</summary>
    public static bool SameFloat(float x, float y) =>
        (float.IsNaN(x) && float.IsNaN(y)) || BitConverter.SingleToInt32Bits(x) == BitConverter.SingleToInt32Bits(y);
}

using BenchmarkDotNet.Attributes;
using Dedup.Kernels;

namespace Dedup.Benchmarks;

/// <summary>Seeded inputs for the kernel benchmarks (SplitMix64, never <see cref="Random"/>).</summary>
internal static class KernelData
{
    /// <summary><paramref name="length"/> SplitMix64 outputs from <paramref name="seed"/>.</summary>
    public static ulong[] UInt64(int length, ulong seed)
    {
        ulong[] values = new ulong[length];
        for (int i = 0; i < length; i++)
        {
            ulong z = seed += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            values[i] = z ^ (z >> 31);
        }

        return values;
    }
}

/// <summary>The MinHash permutation-min loop: K = 128 permutations over 400 shingles.</summary>
[MemoryDiagnoser]
[MedianColumn]
public class MinHashKernelBenchmarks
{
    private readonly ulong[] _shingles = KernelData.UInt64(400, 1);
    private readonly ulong[] _multipliers = KernelData.UInt64(128, 2);
    private readonly ulong[] _addends = KernelData.UInt64(128, 3);
    private readonly ulong[] _minima = new ulong[128];

    [Benchmark(Baseline = true)]
    public ulong Scalar() => Run(KernelWidth.Scalar);

    [Benchmark]
    public ulong Vector128() => Run(KernelWidth.Vector128);

    [Benchmark]
    public ulong Vector256() => Run(KernelWidth.Vector256);

    [Benchmark]
    public ulong Vector512() => Run(KernelWidth.Vector512);

    [Benchmark]
    public ulong Auto() => Run(KernelWidth.Auto);

    [Benchmark]
    public ulong Reference()
    {
        _minima.AsSpan().Fill(ulong.MaxValue);
        MinHashKernel.AccumulateScalar(_shingles, _multipliers, _addends, _minima);
        return _minima[0];
    }

    private ulong Run(KernelWidth width)
    {
        _minima.AsSpan().Fill(ulong.MaxValue);
        MinHashKernel.Accumulate(_shingles, _multipliers, _addends, _minima, width);
        return _minima[0];
    }
}

/// <summary>The SimHash bit accumulation over 400 weighted features.</summary>
[MemoryDiagnoser]
[MedianColumn]
public class SimHashKernelBenchmarks
{
    private readonly ulong[] _features = KernelData.UInt64(400, 4);
    private readonly float[] _weights = Array.ConvertAll(KernelData.UInt64(400, 5), x => (x % 1000) / 100f);
    private readonly float[] _accumulator = new float[64];

    [Benchmark(Baseline = true)]
    public float Scalar() => Run(KernelWidth.Scalar);

    [Benchmark]
    public float Vector128() => Run(KernelWidth.Vector128);

    [Benchmark]
    public float Vector256() => Run(KernelWidth.Vector256);

    [Benchmark]
    public float Vector512() => Run(KernelWidth.Vector512);

    [Benchmark]
    public float Auto() => Run(KernelWidth.Auto);

    [Benchmark]
    public float Reference()
    {
        Array.Clear(_accumulator);
        SimHashKernel.AccumulateScalar(_features, _weights, _accumulator);
        return _accumulator[0];
    }

    private float Run(KernelWidth width)
    {
        Array.Clear(_accumulator);
        SimHashKernel.Accumulate(_features, _weights, _accumulator, width);
        return _accumulator[0];
    }
}

/// <summary>Element-wise fmix64 over 2000 token hashes.</summary>
[MemoryDiagnoser]
[MedianColumn]
public class HashMixKernelBenchmarks
{
    private readonly ulong[] _input = KernelData.UInt64(2000, 6);
    private readonly ulong[] _output = new ulong[2000];

    [Benchmark(Baseline = true)]
    public ulong Scalar() => Run(KernelWidth.Scalar);

    [Benchmark]
    public ulong Vector128() => Run(KernelWidth.Vector128);

    [Benchmark]
    public ulong Vector256() => Run(KernelWidth.Vector256);

    [Benchmark]
    public ulong Vector512() => Run(KernelWidth.Vector512);

    [Benchmark]
    public ulong Auto() => Run(KernelWidth.Auto);

    [Benchmark]
    public ulong Reference()
    {
        HashMixKernel.MixScalar(_input, 42, _output);
        return _output[0];
    }

    private ulong Run(KernelWidth width)
    {
        HashMixKernel.Mix(_input, 42, _output, width);
        return _output[0];
    }
}

/// <summary>Shingle combination (k = 5) over 2000 token hashes.</summary>
[MemoryDiagnoser]
[MedianColumn]
public class ShingleKernelBenchmarks
{
    private const int K = 5;
    private readonly ulong[] _tokens = KernelData.UInt64(2000, 7);
    private readonly ulong[] _shingles = new ulong[2000];

    [Benchmark(Baseline = true)]
    public int Scalar() => ShingleKernel.Combine(_tokens, K, 42, _shingles, KernelWidth.Scalar);

    [Benchmark]
    public int Vector128() => ShingleKernel.Combine(_tokens, K, 42, _shingles, KernelWidth.Vector128);

    [Benchmark]
    public int Vector256() => ShingleKernel.Combine(_tokens, K, 42, _shingles, KernelWidth.Vector256);

    [Benchmark]
    public int Vector512() => ShingleKernel.Combine(_tokens, K, 42, _shingles, KernelWidth.Vector512);

    [Benchmark]
    public int Auto() => ShingleKernel.Combine(_tokens, K, 42, _shingles, KernelWidth.Auto);

    [Benchmark]
    public int Reference() => ShingleKernel.CombineScalar(_tokens, K, 42, _shingles);
}

/// <summary>
/// The intersection count of two sorted sets of 420 shingle hashes (an article's words, as the synthetic corpus has),
/// sharing 8 of them: most candidates a verification reads share few or none of their words.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class IntersectionKernelBenchmarks
{
    private readonly uint[] _a = Sorted(KernelData.UInt64(420, 7), []);
    private readonly uint[] _b;

    public IntersectionKernelBenchmarks() => _b = Sorted(KernelData.UInt64(412, 8), _a.Where((_, i) => i % 52 == 0));

    [Benchmark(Baseline = true)]
    public int Scalar() => IntersectionKernel.CountShared(_a, _b, KernelWidth.Scalar);

    [Benchmark]
    public int Vector128() => IntersectionKernel.CountShared(_a, _b, KernelWidth.Vector128);

    [Benchmark]
    public int Vector256() => IntersectionKernel.CountShared(_a, _b, KernelWidth.Vector256);

    [Benchmark]
    public int Vector512() => IntersectionKernel.CountShared(_a, _b, KernelWidth.Vector512);

    [Benchmark]
    public int Auto() => IntersectionKernel.CountShared(_a, _b, KernelWidth.Auto);

    private static uint[] Sorted(ulong[] values, IEnumerable<uint> shared) => [.. values.Select(v => (uint)(v >> 32)).Concat(shared).Distinct().Order()];
}

using BenchmarkDotNet.Attributes;
using Dedup.Detection;

namespace Dedup.Benchmarks;

/// <summary>
/// What a batch scan pays to keep its sets packed: decoding one article's word shingles (420 hashes, as the synthetic
/// news corpus has) against copying them from an array, and a verification's intersection of two decoded sets against
/// two arrays. <see cref="DecodeScalarHighPart"/> decodes into a destination with no room past the count, so the high
/// part takes the scalar loop (the reference) in place of the vector step.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class PackedSetBenchmarks
{
    private readonly uint[] _a = Sorted(KernelData.UInt64(420, 5));
    private readonly uint[] _b = Sorted(KernelData.UInt64(420, 6));
    private readonly uint[] _decodedA = new uint[420 + EliasFano.DecodeSlack];
    private readonly uint[] _decodedB = new uint[420 + EliasFano.DecodeSlack];
    private byte[] _packedA = [];
    private byte[] _packedB = [];

    [GlobalSetup]
    public void Setup()
    {
        _packedA = Pack(_a);
        _packedB = Pack(_b);
    }

    [Benchmark(Baseline = true)]
    public int CopyArray()
    {
        _a.CopyTo(_decodedA, 0);
        return _decodedA[419] == 0 ? 0 : 1;
    }

    [Benchmark]
    public int Decode() => EliasFano.Decode(_packedA, _decodedA);

    [Benchmark]
    public int DecodeScalarHighPart() => EliasFano.Decode(_packedA, _decodedA.AsSpan(0, _a.Length));

    [Benchmark]
    public int IntersectArrays() => Verifier.CountShared(_a, _b);

    [Benchmark]
    public int DecodeAndIntersect()
    {
        EliasFano.Decode(_packedA, _decodedA);
        EliasFano.Decode(_packedB, _decodedB);
        return Verifier.CountShared(_decodedA.AsSpan(0, _a.Length), _decodedB.AsSpan(0, _b.Length));
    }

    private static uint[] Sorted(ulong[] values) => [.. values.Select(v => (uint)(v >> 32)).Distinct().Order()];

    private static byte[] Pack(uint[] values)
    {
        byte[] buffer = new byte[EliasFano.MaxLength(values.Length) + EliasFano.Padding];
        int length = EliasFano.Encode(values, buffer);
        return buffer[..(length + EliasFano.Padding)];
    }
}

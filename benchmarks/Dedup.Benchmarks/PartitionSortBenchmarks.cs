using BenchmarkDotNet.Attributes;
using Dedup.Detection;

namespace Dedup.Benchmarks;

/// <summary>
/// The corpus model's sort of one partition of (shingle, article) occurrences by shingle
/// (<see cref="BoilerplateModel.SortByShingle"/>) in two radix passes of 13 bits (<see cref="Wide"/>) or as a large
/// partition is (<see cref="Narrow"/>: one pass by the top 8 bits, then each part in two passes of 9), at the size of
/// a partition of the synthetic corpus's word shingles at 100k articles (650,000) and at 1M (6,500,000). Each operation sorts a fresh copy; <see cref="CopyOnly"/> is that copy alone.
/// </summary>
[MedianColumn]
public class PartitionSortBenchmarks
{
    private ulong[] _occurrences = [];
    private ulong[] _work = [];
    private ulong[] _scratch = [];
    private readonly int[] _counts = new int[BoilerplateModel.RadixBuckets];

    [Params(650_000, 6_500_000)]
    public int Occurrences { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // One partition as the model fills it: article by article, each article's shingles (equal top 6 bits) at random.
        var random = new Random(7);
        _occurrences = new ulong[Occurrences];
        for (int i = 0; i < _occurrences.Length; i++)
        {
            uint shingle = ((uint)random.Next(1 << 26)) | (5u << 26);
            _occurrences[i] = ((ulong)shingle << 32) | (uint)(i / 26);
        }

        _work = new ulong[Occurrences];
        _scratch = new ulong[Occurrences];
    }

    [Benchmark(Baseline = true)]
    public ulong CopyOnly()
    {
        _occurrences.CopyTo(_work, 0);
        return _work[^1];
    }

    [Benchmark]
    public ulong Wide()
    {
        _occurrences.CopyTo(_work, 0);
        BoilerplateModel.SortByShingle(_work, _scratch, counts: _counts, largePartition: int.MaxValue);
        return _work[^1];
    }

    [Benchmark]
    public ulong Narrow()
    {
        _occurrences.CopyTo(_work, 0);
        BoilerplateModel.SortByShingle(_work, _scratch, counts: _counts, largePartition: 0);
        return _work[^1];
    }
}

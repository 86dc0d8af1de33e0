using System.Diagnostics;
using System.Globalization;
using Dedup.Kernels;
using Dedup.Sketches;
using Dedup.Text;

namespace Dedup.Benchmarks;

/// <summary>
/// Where the time of <see cref="PipelineBenchmarks"/> goes: each stage timed alone with a Stopwatch over repeated passes
/// of <see cref="PipelineCorpus"/> (not a BenchmarkDotNet measurement; a rough split to explain its numbers).
/// Run with <c>dotnet run -c Release --project benchmarks/Dedup.Benchmarks -- breakdown</c>.
/// </summary>
internal static class PipelineBreakdown
{
    public static void Run()
    {
        PipelineCorpus corpus = PipelineCorpus.Shared;
        string[] articles = corpus.Articles;
        Console.WriteLine($"Corpus: {corpus}");
        Console.WriteLine($"Vector128/256/512 accelerated: {System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated}/{System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated}/{System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}");

        // Precompute each article's tokens and shingles so that later stages can be timed alone.
        ulong[] buffer = new ulong[corpus.MaxLength + 1];
        ulong[][] tokens = new ulong[articles.Length][];
        ulong[][] features = new ulong[articles.Length][];
        ulong[][] shingles = new ulong[articles.Length][];
        long tokenCount = 0;
        long shingleCount = 0;
        for (int a = 0; a < articles.Length; a++)
        {
            var sink = new PipelineBenchmarks.TokenHashSink(buffer, skipStopwords: false);
            Tokenizer.Tokenize(articles[a].AsSpan(), ref sink);
            tokens[a] = buffer[..sink.Count];
            features[a] = [.. Tokenizer.Tokenize(articles[a]).Where(t => !t.IsStopword).Select(t => t.Hash)];
            ulong[] s = new ulong[Math.Max(1, sink.Count)];
            int n = Shingler.WordShingles(tokens[a], 5, s);
            shingles[a] = s[..n];
            tokenCount += sink.Count;
            shingleCount += n;
        }

        Console.WriteLine($"Per article: {tokenCount / (double)articles.Length:F0} tokens, {shingleCount / (double)articles.Length:F0} distinct 5-shingles, {corpus.Utf8Bytes / (double)articles.Length:F0} bytes");

        Token[][] ranges = [.. articles.Select(a => Tokenizer.Tokenize(a))];
        var classic = new MinHasher(128);
        var oph = new MinHasher(128, scheme: MinHashScheme.OnePermutation);
        uint[] signature = new uint[128];
        ulong[] scratch = new ulong[corpus.MaxLength + 1];
        ulong[] minima = new ulong[128];
        ulong[] multipliers = new ulong[128];
        ulong[] addends = new ulong[128];
        float[] acc = new float[64];

        var stages = new (string Name, Action<int> Work)[]
        {
            ("tokenize (struct sink)", a =>
            {
                var sink = new PipelineBenchmarks.TokenHashSink(buffer, skipStopwords: false);
                Tokenizer.Tokenize(articles[a].AsSpan(), ref sink);
            }),
            ("  the scalar reference alone", a =>
            {
                var sink = new PipelineBenchmarks.TokenHashSink(buffer, skipStopwords: false);
                Tokenizer.Tokenize(articles[a].AsSpan(), ref sink, null, KernelWidth.Scalar);
            }),
            ("floor: XxHash3 of each token once", a =>
            {
                ReadOnlySpan<char> text = articles[a];
                ulong total = 0;
                foreach (Token t in ranges[a])
                {
                    total += System.IO.Hashing.XxHash3.HashToUInt64(System.Runtime.InteropServices.MemoryMarshal.AsBytes(text.Slice(t.Start, t.Length)), unchecked((long)HashSeeds.Default));
                }

                buffer[0] = total;
            }),
            ("shingle: combine only", a => ShingleKernel.Combine(tokens[a], Math.Min(5, tokens[a].Length), HashSeeds.Default, scratch)),
            ("shingle: combine + sort/distinct", a => Shingler.WordShingles(tokens[a], 5, scratch)),
            ("MinHash classic K=128 (Compute)", a => classic.Compute(shingles[a], signature)),
            ("  of which the kernel alone", a =>
            {
                minima.AsSpan().Fill(ulong.MaxValue);
                MinHashKernel.Accumulate(shingles[a], multipliers, addends, minima);
            }),
            ("MinHash one-permutation K=128 (Compute)", a => oph.Compute(shingles[a], signature)),
            ("SimHash-64 (Compute, features ready)", a => SimHasher.Compute(features[a])),
            ("  of which the kernel alone", a =>
            {
                acc.AsSpan().Clear();
                SimHashKernel.Accumulate(features[a], default, acc);
            }),
        };

        Console.WriteLine();
        Console.WriteLine($"{"stage",-42} {"ns/article",12} {"MB/s",10}");
        foreach ((string name, Action<int> work) in stages)
        {
            double ns = Measure(articles.Length, work);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-42} {ns,12:N0} {corpus.Utf8Bytes / (double)articles.Length / ns * 1e3,10:N1}"));
        }
    }

    /// <summary>Median over 7 rounds of the time per article, each round at least 200 ms of passes, after a warm-up.</summary>
    private static double Measure(int articleCount, Action<int> work)
    {
        for (int warm = 0; warm < 3; warm++)
        {
            for (int a = 0; a < articleCount; a++)
            {
                work(a);
            }
        }

        var rounds = new List<double>();
        for (int r = 0; r < 7; r++)
        {
            long passes = 0;
            var sw = Stopwatch.StartNew();
            do
            {
                for (int a = 0; a < articleCount; a++)
                {
                    work(a);
                }

                passes++;
            }
            while (sw.ElapsedMilliseconds < 200);
            rounds.Add(sw.Elapsed.TotalNanoseconds / (passes * articleCount));
        }

        rounds.Sort();
        return rounds[rounds.Count / 2];
    }
}

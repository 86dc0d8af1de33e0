using System.Diagnostics;
using System.Globalization;
using Dedup.Kernels;
using Dedup.Sketches;
using Dedup.Text;

namespace Dedup.Benchmarks;

/// <summary>
/// Where the time of <see cref="PipelineBenchmarks"/> goes: each stage timed alone (thread CPU time) over repeated passes
/// of <see cref="PipelineCorpus"/> (not a BenchmarkDotNet measurement; a rough split to explain its numbers).
/// Run with <c>dotnet run -c Release --project benchmarks/Dedup.Benchmarks -- breakdown [part of a stage name]</c>;
/// <c>DEDUP_PIPELINE_CORPUS=synthetic</c> runs it on the synthetic generator's text.
/// </summary>
internal static class PipelineBreakdown
{
    public static void Run(string? only = null)
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
            ("tokenize (struct sink)", a =>
            {
                var sink = new PipelineBenchmarks.TokenHashSink(buffer, skipStopwords: false);
                Tokenizer.Tokenize(articles[a].AsSpan(), ref sink);
            }),
            ("  of which classifying 64-char blocks", a =>
            {
                ReadOnlySpan<char> text = articles[a];
                ulong total = 0;
                KernelWidth width = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? KernelWidth.Vector512 : KernelWidth.Vector256;
                for (int p = 0; p + 64 <= text.Length; p += 64)
                {
                    Tokenizer.Masks m = Tokenizer.Classify(text.Slice(p, 64), width);
                    total += m.Word ^ m.Special ^ m.Joiner;
                }

                buffer[0] = total;
            }),
            ("  the scalar reference alone", a =>
            {
                var sink = new PipelineBenchmarks.TokenHashSink(buffer, skipStopwords: false);
                Tokenizer.Tokenize(articles[a].AsSpan(), ref sink, null, KernelWidth.Scalar);
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
            // End to end through the library's span entry points, as a caller would compute a sketch of a text.
            ("end to end: text -> MinHash classic", a => classic.Compute(articles[a].AsSpan(), signature)),
            ("end to end: text -> MinHash one-permutation", a => oph.Compute(articles[a].AsSpan(), signature)),
            ("end to end: text -> SimHash-64", a => scratch[0] = SimHasher.Compute(articles[a].AsSpan())),
            ("  the weighted path's float kernel alone", a =>
            {
                acc.AsSpan().Clear();
                SimHashKernel.Accumulate(features[a], default, acc);
            }),
        };

        Console.WriteLine();
        Console.WriteLine($"{"stage (thread CPU time)",-46} {"ns/article",12} {"MB/s",10} {"x floor",8}");
        double floor = 0;
        foreach ((string name, Action<int> work) in stages)
        {
            if (only is not null && !name.StartsWith("floor", StringComparison.Ordinal) && !name.Contains(only, StringComparison.Ordinal))
            {
                continue;
            }

            double ns = Measure(articles.Length, work);
            if (name.StartsWith("floor", StringComparison.Ordinal))
            {
                floor = ns;
            }

            string ratio = floor > 0 ? (ns / floor).ToString("F2", CultureInfo.InvariantCulture) : "";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-46} {ns,12:N0} {corpus.Utf8Bytes / (double)articles.Length / ns * 1e3,10:N1} {ratio,8}"));
        }
    }

    /// <summary>
    /// Median over 7 rounds of the time per article, each round at least 200 ms of passes, after a warm-up. The time is
    /// the thread's CPU time (CLOCK_THREAD_CPUTIME_ID where available), which other processes on a loaded machine
    /// inflate far less than the wall clock; elsewhere the wall clock.
    /// </summary>
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
            long start = ThreadCpu.NowNs();
            long elapsed;
            do
            {
                for (int a = 0; a < articleCount; a++)
                {
                    work(a);
                }

                passes++;
                elapsed = ThreadCpu.NowNs() - start;
            }
            while (elapsed < 200_000_000L);
            rounds.Add(elapsed / (double)(passes * articleCount));
        }

        rounds.Sort();
        return rounds[rounds.Count / 2];
    }
}

/// <summary>The calling thread's CPU time in nanoseconds (Linux: clock_gettime(CLOCK_THREAD_CPUTIME_ID)), or the wall clock elsewhere.</summary>
internal static unsafe class ThreadCpu
{
    private const int ClockThreadCpuTimeId = 3;

    public static long NowNs()
    {
        if (OperatingSystem.IsLinux())
        {
            TimeSpec ts;
            if (clock_gettime(ClockThreadCpuTimeId, &ts) == 0)
            {
                return (ts.Seconds * 1_000_000_000L) + ts.Nanoseconds;
            }
        }

        return (long)(Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency));
    }

    /// <summary>Whether <see cref="NowNs"/> reads the thread's CPU clock (Linux), not the wall clock.</summary>
    public static bool IsThreadClock => OperatingSystem.IsLinux();

    /// <summary>
    /// How many times the scheduler has taken the CPU from the calling thread while it could run (Linux:
    /// getrusage(RUSAGE_THREAD).ru_nivcsw, the involuntary context switches), or -1 elsewhere.
    /// </summary>
    public static long InvoluntarySwitches()
    {
        if (OperatingSystem.IsLinux())
        {
            // struct rusage on 64-bit Linux: two timevals (32 bytes), then 14 longs, ru_nivcsw the last.
            long* usage = stackalloc long[18];
            if (getrusage(RusageThread, usage) == 0)
            {
                return usage[17];
            }
        }

        return -1;
    }

    private const int RusageThread = 1;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int clock_gettime(int clock, TimeSpec* time);

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "getrusage")]
    private static extern int getrusage(int who, long* usage);

    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}

using System.IO.Hashing;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Dedup.Sketches;
using Dedup.Text;

namespace Dedup.Benchmarks;

/// <summary>
/// End to end, per article, from text (a span) to a sketch, on real article text (<see cref="PipelineCorpus"/>): the
/// library's span entry points <see cref="MinHasher.Compute(ReadOnlySpan{char}, Span{uint}, int)"/> (token hashes,
/// 5-word shingles, MinHash-128 classic or one-permutation) and <see cref="SimHasher.Compute(ReadOnlySpan{char}, TokenizerOptions?)"/>
/// (SimHash-64 over the non-stopword tokens), which allocate nothing once the shared array pool holds their buffers;
/// the stages alone (tokenize, shingle) through a struct sink into a buffer allocated once.
/// One operation is one pass over the whole corpus; the MB/s and ns/article columns divide by its UTF-8 bytes and
/// article count, and the "× floor" column divides by the median of <see cref="Floor"/> in the same job (the cost of
/// hashing every token once with XxHash3: a pipeline cannot do less than read and hash each token).
/// Single-threaded, so MB/s is per core.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(PipelineConfig))]
public class PipelineBenchmarks
{
    private const int ShingleSize = 5;
    private string[] _articles = [];
    private ulong[] _tokens = [];
    private ulong[] _shingles = [];
    private uint[] _signature = [];
    private MinHasher _classic = new(128);
    private MinHasher _onePermutation = new(128, scheme: MinHashScheme.OnePermutation);
    private int[][] _tokenStarts = [];
    private int[][] _tokenLengths = [];

    [GlobalSetup]
    public void Setup()
    {
        PipelineCorpus corpus = PipelineCorpus.Shared;
        Console.WriteLine($"// Pipeline corpus: {corpus}");
        _articles = corpus.Articles;
        _tokens = new ulong[corpus.MaxLength + 1];
        _shingles = new ulong[corpus.MaxLength + 1];
        _signature = new uint[MinHasher.DefaultNumPermutations];
        _classic = new MinHasher(MinHasher.DefaultNumPermutations, scheme: MinHashScheme.Classic);
        _onePermutation = new MinHasher(MinHasher.DefaultNumPermutations, scheme: MinHashScheme.OnePermutation);
        Token[][] tokens = [.. _articles.Select(a => Tokenizer.Tokenize(a))];
        _tokenStarts = [.. tokens.Select(t => t.Select(x => x.Start).ToArray())];
        _tokenLengths = [.. tokens.Select(t => t.Select(x => x.Length).ToArray())];
    }

    /// <summary>
    /// The floor: the seeded XxHash3 (System.IO.Hashing) of every token's characters, each token once, with the
    /// token ranges known in advance. No tokenizer, shingles or sketch: what any text-to-signature pipeline must pay.
    /// </summary>
    [Benchmark]
    public ulong Floor()
    {
        ulong total = 0;
        for (int a = 0; a < _articles.Length; a++)
        {
            ReadOnlySpan<char> text = _articles[a];
            int[] starts = _tokenStarts[a];
            int[] lengths = _tokenLengths[a];
            for (int t = 0; t < starts.Length; t++)
            {
                total += XxHash3.HashToUInt64(MemoryMarshal.AsBytes(text.Slice(starts[t], lengths[t])), unchecked((long)HashSeeds.Default));
            }
        }

        return total;
    }

    /// <summary>Tokenize alone: text → token hashes (a struct sink into a buffer).</summary>
    [Benchmark]
    public long Tokenize()
    {
        long total = 0;
        foreach (string article in _articles)
        {
            var sink = new TokenHashSink(_tokens, skipStopwords: false);
            Tokenizer.Tokenize(article.AsSpan(), ref sink);
            total += sink.Count;
        }

        return total;
    }

    /// <summary>(a) Tokenize and shingle: text → token hashes → sorted distinct 5-shingles.</summary>
    [Benchmark]
    public long TokenizeAndShingle()
    {
        long total = 0;
        foreach (string article in _articles)
        {
            total += Shingle(article);
        }

        return total;
    }

    /// <summary>(b) Text → shingles (in text order, repeats kept) → classic MinHash, K = 128: <see cref="MinHasher.Compute(ReadOnlySpan{char}, Span{uint}, int)"/>.</summary>
    [Benchmark]
    public long MinHash128Classic()
    {
        long total = 0;
        foreach (string article in _articles)
        {
            _classic.Compute(article.AsSpan(), _signature);
            total += _signature[0];
        }

        return total;
    }

    /// <summary>(c) Text → shingles → one-permutation MinHash with densification, K = 128.</summary>
    [Benchmark]
    public long MinHash128OnePermutation()
    {
        long total = 0;
        foreach (string article in _articles)
        {
            _onePermutation.Compute(article.AsSpan(), _signature);
            total += _signature[0];
        }

        return total;
    }

    /// <summary>(d) Text → non-stopword token hashes (term-frequency weighted features) → SimHash-64: <see cref="SimHasher.Compute(ReadOnlySpan{char}, TokenizerOptions?)"/>.</summary>
    [Benchmark]
    public ulong SimHash64()
    {
        ulong total = 0;
        foreach (string article in _articles)
        {
            total ^= SimHasher.Compute(article.AsSpan());
        }

        return total;
    }

    private int Shingle(string article)
    {
        var sink = new TokenHashSink(_tokens, skipStopwords: false);
        Tokenizer.Tokenize(article.AsSpan(), ref sink);
        return Shingler.WordShingles(_tokens.AsSpan(0, sink.Count), ShingleSize, _shingles);
    }

    /// <summary>Writes token hashes into a preallocated buffer (optionally without stopwords).</summary>
    internal struct TokenHashSink(ulong[] buffer, bool skipStopwords) : ITokenSink
    {
        private readonly ulong[] _buffer = buffer;
        private readonly bool _skipStopwords = skipStopwords;

        public int Count { get; private set; }

        public void OnToken(in Token token)
        {
            if (!(_skipStopwords && token.IsStopword))
            {
                _buffer[Count++] = token.Hash;
            }
        }
    }
}

/// <summary>
/// One short job per instruction set, selected by environment variables read by the runtime at startup:
/// all of them (Vector512), no AVX-512 (Vector256: <c>DOTNET_EnableAVX512=0</c>; <c>DOTNET_EnableAVX512F=0</c> does
/// nothing on .NET 10), no AVX2 (Vector128: <c>DOTNET_EnableAVX2=0</c>, so <c>Vector256.IsHardwareAccelerated</c> is
/// false), and scalar (<c>DOTNET_EnableHWIntrinsic=0</c>), the baseline of the Ratio column. Short runs (3 warm-up and
/// 3 measured iterations) keep the machine free for others; set DEDUP_BENCH_FULL=1 for default-length jobs, and
/// DEDUP_BENCH_JOBS to a comma-separated list of job ids (e.g. <c>Vector512</c>) to run only those.
/// </summary>
internal sealed class PipelineConfig : ManualConfig
{
    public PipelineConfig()
    {
        Job basis = Environment.GetEnvironmentVariable("DEDUP_BENCH_FULL") == "1"
            ? Job.Default
            : Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(3);

        // Ids without spaces or commas: BenchmarkDotNet names the generated project folder after the job.
        string[]? only = Environment.GetEnvironmentVariable("DEDUP_BENCH_JOBS")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Job[] jobs =
        [
            basis.WithEnvironmentVariable("DOTNET_EnableHWIntrinsic", "0").WithId("Scalar").AsBaseline(),
            basis.WithEnvironmentVariable("DOTNET_EnableAVX2", "0").WithId("Vector128"),
            basis.WithEnvironmentVariable("DOTNET_EnableAVX512", "0").WithId("Vector256"),
            basis.WithId("Vector512"),
        ];
        foreach (Job job in jobs)
        {
            if (only is null || only.Contains(job.Id, StringComparer.Ordinal))
            {
                AddJob(job);
            }
        }

        AddColumn(StatisticColumn.Median, new ThroughputColumn(perArticle: false), new ThroughputColumn(perArticle: true), new FloorRatioColumn());
        HideColumns(Column.EnvironmentVariables);
        SummaryStyle = SummaryStyle.Default.WithRatioStyle(RatioStyle.Trend);

        // Each job builds its own process; on a shared, loaded machine that takes longer than the default 2 minutes.
        WithBuildTimeout(TimeSpan.FromMinutes(10));
    }
}

/// <summary>MB/s (10^6 UTF-8 bytes per second, from the median) or ns per article, for one pass over <see cref="PipelineCorpus"/>.</summary>
internal sealed class ThroughputColumn(bool perArticle) : IColumn
{
    public string Id => perArticle ? "PipelineNsPerArticle" : "PipelineMBps";

    public string ColumnName => perArticle ? "ns/article" : "MB/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => perArticle ? 1 : 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => perArticle
        ? "Median time of one pass divided by the number of articles"
        : $"UTF-8 megabytes (10^6 bytes) per second per core, from the median: {PipelineCorpus.Shared}";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? medianNs = summary[benchmarkCase]?.ResultStatistics?.Median;
        if (medianNs is not double ns || ns <= 0)
        {
            return "NA";
        }

        PipelineCorpus corpus = PipelineCorpus.Shared;
        return perArticle
            ? (ns / corpus.Articles.Length).ToString("N0", System.Globalization.CultureInfo.InvariantCulture)
            : (corpus.Utf8Bytes / (ns * 1e-9) / 1e6).ToString("N1", System.Globalization.CultureInfo.InvariantCulture);
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}

/// <summary>The median of a benchmark divided by the median of <see cref="PipelineBenchmarks.Floor"/> in the same job.</summary>
internal sealed class FloorRatioColumn : IColumn
{
    public string Id => "PipelineFloorRatio";

    public string ColumnName => "× floor";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 2;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Median divided by the median of Floor (XxHash3 of every token once) in the same job";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        BenchmarkCase? floor = summary.BenchmarksCases.FirstOrDefault(c =>
            c.Descriptor.WorkloadMethod.Name == nameof(PipelineBenchmarks.Floor) && c.Job.Id == benchmarkCase.Job.Id);
        double? own = summary[benchmarkCase]?.ResultStatistics?.Median;
        double? basis = floor is null ? null : summary[floor]?.ResultStatistics?.Median;
        return own is double o && basis is double b && b > 0
            ? (o / b).ToString("N2", System.Globalization.CultureInfo.InvariantCulture)
            : "NA";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}

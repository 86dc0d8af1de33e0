using BenchmarkDotNet.Attributes;
using Dedup.Detection;
using Dedup.Sketches;
using Dedup.Text;

namespace Dedup.Benchmarks;

/// <summary>
/// The detector on real article text (<see cref="PipelineCorpus"/>): the cost of its two signatures per article
/// against the plain MinHash path, adding and querying, and loading a snapshot against adding the articles again.
/// One operation is one pass over the corpus. Single-threaded.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[ShortRunJob]
public class DetectorBenchmarks
{
    private Article[] _articles = [];
    private ulong[] _tokens = [];
    private ulong[] _shingles = [];
    private uint[] _signature = [];
    private MinHasher _hasher = new();
    private CopyDetector _detector = new();
    private byte[] _snapshot = [];

    [GlobalSetup]
    public void Setup()
    {
        PipelineCorpus corpus = PipelineCorpus.Shared;
        _articles = [.. corpus.Articles.Select((text, i) => new Article($"a{i}", text))];
        _tokens = new ulong[corpus.MaxLength + 1];
        _shingles = new ulong[corpus.MaxLength + 1];
        _signature = new uint[MinHasher.DefaultNumPermutations];
        _hasher = new MinHasher();

        long before = HeapBytes();
        _detector = AddAll();
        long after = HeapBytes();
        using var stream = new MemoryStream();
        _detector.Save(stream);
        _snapshot = stream.ToArray();
        Console.WriteLine($"// Detector corpus: {corpus}");
        Console.WriteLine($"// Detector memory: {(after - before) / (double)_articles.Length:F0} bytes per article held (heap after a full collection); snapshot {_snapshot.Length / (double)_articles.Length:F0} bytes per article");
        GC.KeepAlive(_detector);
    }

    /// <summary>The plain path: tokenize, 5-shingles, classic MinHash-128 (what datasketch users run).</summary>
    [Benchmark(Baseline = true)]
    public long PlainMinHashPath()
    {
        long total = 0;
        foreach (Article article in _articles)
        {
            var sink = new PipelineBenchmarks.TokenHashSink(_tokens, skipStopwords: false);
            Tokenizer.Tokenize(article.Text.AsSpan(), ref sink);
            int n = Shingler.WordShingleBag(_tokens.AsSpan(0, sink.Count), 5, _shingles);
            _hasher.Compute(_shingles.AsSpan(0, n), _signature);
            total += _signature[0];
        }

        return total;
    }

    /// <summary>The detector's features: boilerplate lines out, word shingles and the spin-robust skeleton shingles, both as sorted sets.</summary>
    [Benchmark]
    public long DetectorSignatures()
    {
        long total = 0;
        foreach (Article article in _articles)
        {
            total += FeatureExtractor.Extract(article, DetectorOptions.Default).Skeleton.Length;
        }

        return total;
    }

    /// <summary>The first step of <see cref="DetectorSignatures"/> alone: lines, boilerplate rules, tokens with their offsets.</summary>
    [Benchmark]
    public long DetectorTokenize()
    {
        long total = 0;
        var tokens = new List<Token>(1024);
        foreach (Article article in _articles)
        {
            tokens.Clear();
            total += (long)FeatureExtractor.Tokenize(article.Text, DetectorOptions.Default, tokens, null);
        }

        return total;
    }

    /// <summary>Adding every article to an empty detector.</summary>
    [Benchmark]
    public CopyDetector AddAll()
    {
        var detector = new CopyDetector();
        foreach (Article article in _articles)
        {
            detector.Add(article);
        }

        return detector;
    }

    /// <summary>Finding the copies of every article in a detector that holds them all.</summary>
    [Benchmark]
    public int QueryAll()
    {
        int found = 0;
        foreach (Article article in _articles)
        {
            found += _detector.FindCopies(article).Count;
        }

        return found;
    }

    /// <summary>Loading a snapshot of the same articles: no text is read again.</summary>
    [Benchmark]
    public CopyDetector LoadSnapshot() => CopyDetector.Load(new MemoryStream(_snapshot));

    private static long HeapBytes()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}

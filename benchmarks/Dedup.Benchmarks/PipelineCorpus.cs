using System.Text;
using System.Text.Json;

namespace Dedup.Benchmarks;

/// <summary>
/// Real article text for the pipeline benchmarks: up to <see cref="MaxArticles"/> articles of the dev corpus
/// (<c>../shared/corpus/dev/documents.jsonl</c> beside the repository), or the repository's <c>samples/</c> texts when
/// the corpus is missing. Nothing of the corpus is copied into the repository. With the environment variable
/// <c>DEDUP_PIPELINE_CORPUS=synthetic</c> the articles are the first ones of the seeded synthetic generator
/// (<see cref="Synthetic.SyntheticCorpus"/>, Zipf over an English word list) instead.
/// </summary>
internal sealed class PipelineCorpus
{
    public const int MaxArticles = 200;

    private static readonly Lazy<PipelineCorpus> Instance = new(Load);

    private PipelineCorpus(string source, string[] articles)
    {
        Source = source;
        Articles = articles;
        Utf8Bytes = articles.Sum(a => (long)Encoding.UTF8.GetByteCount(a));
        MaxLength = articles.Max(a => a.Length);
    }

    /// <summary>The corpus, loaded once per process (the host and each benchmark process load the same articles).</summary>
    public static PipelineCorpus Shared => Instance.Value;

    /// <summary>Where the articles came from.</summary>
    public string Source { get; }

    public string[] Articles { get; }

    /// <summary>Bytes of the articles encoded as UTF-8: the numerator of MB/s.</summary>
    public long Utf8Bytes { get; }

    /// <summary>Characters of the longest article (bounds every per-article buffer).</summary>
    public int MaxLength { get; }

    public override string ToString() =>
        $"{Articles.Length} articles, {Utf8Bytes:N0} UTF-8 bytes, from {Source}";

    private static PipelineCorpus Load()
    {
        if (Environment.GetEnvironmentVariable("DEDUP_PIPELINE_CORPUS") == "synthetic")
        {
            return LoadSynthetic();
        }

        string root = FindRepoRoot();
        string corpus = Path.GetFullPath(Path.Combine(root, "..", "shared", "corpus", "dev", "documents.jsonl"));
        if (File.Exists(corpus))
        {
            var articles = new List<string>(MaxArticles);
            foreach (string line in File.ReadLines(corpus))
            {
                if (articles.Count == MaxArticles)
                {
                    break;
                }

                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                using JsonDocument doc = JsonDocument.Parse(line);
                if (doc.RootElement.TryGetProperty("text", out JsonElement text) && text.GetString() is { Length: > 0 } s)
                {
                    articles.Add(s);
                }
            }

            if (articles.Count > 0)
            {
                return new PipelineCorpus(corpus, [.. articles]);
            }
        }

        string samples = Path.Combine(root, "samples");
        string[] files = [.. Directory.EnumerateFiles(samples, "*.txt").Order(StringComparer.Ordinal)];
        if (files.Length == 0)
        {
            throw new FileNotFoundException($"Neither {corpus} nor any {samples}/*.txt exists.");
        }

        return new PipelineCorpus($"{samples} (fallback: {corpus} is missing)", [.. files.Select(File.ReadAllText)]);
    }

    private static PipelineCorpus LoadSynthetic()
    {
        var generator = new Synthetic.SyntheticCorpus(Synthetic.SyntheticCorpus.LoadWords(), 20261126);
        using var stream = new MemoryStream();
        generator.Write(stream, MaxArticles);
        stream.Position = 0;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var articles = new List<string>(MaxArticles);
        while (reader.ReadLine() is { } line)
        {
            using JsonDocument doc = JsonDocument.Parse(line);
            articles.Add(doc.RootElement.GetProperty("text").GetString() ?? string.Empty);
        }

        return new PipelineCorpus($"the synthetic generator (seed 20261126, first {MaxArticles} articles)", [.. articles]);
    }

    private static string FindRepoRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Dedup.sln")))
            {
                return dir.FullName;
            }
        }

        for (DirectoryInfo? dir = new(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Dedup.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No Dedup.sln above {AppContext.BaseDirectory} or {Environment.CurrentDirectory}.");
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Dedup.Benchmarks.Synthetic;

/// <summary>
/// A seeded, news-like synthetic corpus for growth measurements: words drawn by Zipf's law from an English word list
/// (<c>words.txt</c>, most frequent first), names and numbers, a publisher footer on every article (corpus
/// boilerplate), and a share of near-copies of earlier stories: exact duplicates, syndicated edits (new headline, a
/// sentence or two changed, another publisher's footer) and excerpts; a few "wire" stories are copied many times.
/// </summary>
/// <remarks>
/// The same seed and count give the same bytes on every machine. Articles average about 2.5 KB of text. The output
/// is JSONL like the corpora: <c>{"id","title","text","published"}</c>.
/// </remarks>
internal sealed class SyntheticCorpus
{
    /// <summary>Share of articles that are copies of an earlier story.</summary>
    public const double CopyShare = 0.2;

    /// <summary>Share of the copies that go to one of the few wire stories (copied many times each).</summary>
    public const double WireShare = 0.3;

    /// <summary>How many recent originals a copy is taken from (a news cycle).</summary>
    public const int RecentStories = 5000;

    private const double ZipfExponent = 1.0;
    private const int Publishers = 300;

    private readonly string[] _words;
    private readonly AliasTable _zipf;
    private readonly string[] _names;
    private readonly string[] _footers;
    private readonly Rng _rng;

    public SyntheticCorpus(string[] words, ulong seed)
    {
        _words = words;
        _rng = new Rng(seed);
        double[] weights = new double[words.Length];
        for (int r = 0; r < weights.Length; r++)
        {
            weights[r] = 1.0 / Math.Pow(r + 1, ZipfExponent);
        }

        _zipf = new AliasTable(weights);
        _names = new string[4000];
        for (int i = 0; i < _names.Length; i++)
        {
            _names[i] = Name();
        }

        _footers = new string[Publishers];
        for (int p = 0; p < Publishers; p++)
        {
            string outlet = $"{_names[p]} {(p % 3 == 0 ? "Herald" : p % 3 == 1 ? "Daily" : "News")}";
            _footers[p] = $"This article was published by {outlet}. {Sentence([], 12, 18)} {Sentence([], 8, 14)} Copyright {outlet}, all rights reserved.";
        }
    }

    /// <summary>Loads the word list that ships beside this file.</summary>
    public static string[] LoadWords()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Synthetic", "words.txt");
        return File.ReadAllLines(path).Where(w => w.Length > 0).ToArray();
    }

    /// <summary>Command line: <c>corpus COUNT OUT.jsonl [SEED]</c>.</summary>
    public static int Run(string[] args)
    {
        if (Open(args, "corpus COUNT OUT.jsonl [SEED]   e.g. corpus 100000 synthetic-100k.jsonl") is not var (corpus, stream, count))
        {
            return 2;
        }

        using (stream)
        {
            (long bytes, int copies) = corpus.Write(stream, count);
            Console.Error.WriteLine($"{count:N0} articles, {copies:N0} copies, {bytes / 1e6:F1} MB of text -> {args[2]}");
        }

        return 0;
    }

    /// <summary>
    /// Command line: <c>copies COUNT OUT.jsonl [--near] [SEED]</c>, the inputs of issue 9's "a story copied 10,000 times":
    /// one synthetic story sent <c>COUNT</c> times under new ids, word for word, or with <c>--near</c> each copy with
    /// <see cref="NearEdits"/> of its words replaced by others of its own (an outlet's small edits).
    /// </summary>
    public static int RunCopies(string[] args)
    {
        bool near = args.Contains("--near");
        string[] rest = [.. args.Where(a => a != "--near")];
        if (Open(rest, "copies COUNT OUT.jsonl [--near] [SEED]   e.g. copies 10000 same-10k.jsonl") is not var (corpus, stream, count))
        {
            return 2;
        }

        using (stream)
        {
            long bytes = corpus.WriteCopies(stream, count, near);
            Console.Error.WriteLine($"{count:N0} copies of one story{(near ? $", {NearEdits} words replaced in each" : string.Empty)}, {bytes / 1e6:F1} MB of text -> {rest[2]}");
        }

        return 0;
    }

    /// <summary>
    /// The generator and the output of a command line <c>NAME COUNT OUT.jsonl [SEED]</c> (seed 20261126 by default);
    /// null, with the usage on standard error, when the count is no positive whole number.
    /// </summary>
    private static (SyntheticCorpus Corpus, FileStream Stream, int Count)? Open(string[] args, string usage)
    {
        if (args.Length < 3 || !int.TryParse(args[1], CultureInfo.InvariantCulture, out int count) || count < 1)
        {
            Console.Error.WriteLine("usage: " + usage);
            return null;
        }

        ulong seed = args.Length > 3 ? ulong.Parse(args[3], CultureInfo.InvariantCulture) : 20261126;
        return (new SyntheticCorpus(LoadWords(), seed), new FileStream(args[2], FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20), count);
    }

    /// <summary>One article as a line of JSON.</summary>
    private static void WriteLine(Utf8JsonWriter json, Stream output, string id, string title, string text, DateTimeOffset published)
    {
        json.WriteStartObject();
        json.WriteString("id", id);
        json.WriteString("title", title);
        json.WriteString("text", text);
        json.WriteString("published", published.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        json.WriteEndObject();
        json.Flush();
        output.WriteByte((byte)'\n');
        json.Reset();
    }

    /// <summary>Words replaced in each copy written by <see cref="WriteCopies"/> with <c>near</c>.</summary>
    public const int NearEdits = 3;

    /// <summary>
    /// Writes one story <paramref name="count"/> times (ids <c>c0000000</c> on); with <paramref name="near"/> each copy
    /// has <see cref="NearEdits"/> words, at places drawn anew for each, replaced by words drawn from the word list.
    /// Returns the text bytes.
    /// </summary>
    public long WriteCopies(Stream output, int count, bool near)
    {
        Story story = NewStory();
        string text = story.Body() + "\n\n" + _footers[story.Publisher];
        string[] words = text.Split(' ');
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        long bytes = 0;
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        for (int i = 0; i < count; i++)
        {
            string copy = text;
            if (near)
            {
                string[] edited = (string[])words.Clone();
                for (int e = 0; e < NearEdits; e++)
                {
                    edited[_rng.Next(edited.Length)] = _words[_zipf.Sample(_rng)];
                }

                copy = string.Join(' ', edited);
            }

            bytes += Encoding.UTF8.GetByteCount(story.Title) + Encoding.UTF8.GetByteCount(copy);
            WriteLine(json, output, "c" + i.ToString("D7", CultureInfo.InvariantCulture), story.Title, copy, start.AddMinutes(i));
        }

        return bytes;
    }

    /// <summary>Writes <paramref name="count"/> articles; returns the text bytes (title and body) and the number of copies.</summary>
    public (long Bytes, int Copies) Write(Stream output, int count)
    {
        var recent = new Story[RecentStories];
        int recentCount = 0;
        int wireCount = Math.Max(1, count / 20000);
        var wire = new Story[wireCount];
        for (int w = 0; w < wireCount; w++)
        {
            wire[w] = NewStory();
        }

        var wireZipf = new AliasTable([.. Enumerable.Range(1, wireCount).Select(r => 1.0 / r)]);
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        long bytes = 0;
        int copies = 0;
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        for (int i = 0; i < count; i++)
        {
            string title;
            string text;
            if (recentCount > 0 && _rng.NextDouble() < CopyShare)
            {
                copies++;
                Story source = _rng.NextDouble() < WireShare ? wire[wireZipf.Sample(_rng)] : recent[_rng.Next(Math.Min(recentCount, RecentStories))];
                (title, text) = Copy(source);
            }
            else
            {
                Story story = NewStory();
                recent[recentCount++ % RecentStories] = story;
                title = story.Title;
                text = story.Body() + "\n\n" + _footers[story.Publisher];
            }

            bytes += Encoding.UTF8.GetByteCount(title) + Encoding.UTF8.GetByteCount(text);
            WriteLine(json, output, "s" + i.ToString("D7", CultureInfo.InvariantCulture), title, text, start.AddMinutes(i));
        }

        return (bytes, copies);
    }

    /// <summary>A copy of a story: an exact duplicate, a syndicated edit or an excerpt.</summary>
    private (string Title, string Text) Copy(Story source)
    {
        double kind = _rng.NextDouble();
        if (kind < 0.25)
        {
            return (source.Title, source.Body() + "\n\n" + _footers[source.Publisher]);
        }

        int publisher = _rng.Next(Publishers);
        if (kind < 0.75)
        {
            // Syndicated: another outlet's headline half the time, one or two sentences rewritten, its own footer.
            string title = _rng.NextDouble() < 0.5 ? source.Title : Title(source.Entities);
            string[][] paragraphs = [.. source.Paragraphs.Select(p => (string[])p.Clone())];
            int edits = 1 + _rng.Next(2);
            for (int e = 0; e < edits; e++)
            {
                string[] p = paragraphs[_rng.Next(paragraphs.Length)];
                p[_rng.Next(p.Length)] = Sentence(source.Entities, 8, 24);
            }

            return (title, Join(paragraphs, paragraphs.Length) + "\n\n" + _footers[publisher]);
        }

        // Excerpt: the first part of the story.
        int keep = Math.Max(1, (int)Math.Round(source.Paragraphs.Length * (0.3 + (0.4 * _rng.NextDouble()))));
        return (source.Title, Join(source.Paragraphs, keep) + "\n\n" + _footers[publisher]);
    }

    private Story NewStory()
    {
        string[] entities = new string[3 + _rng.Next(4)];
        for (int e = 0; e < entities.Length; e++)
        {
            entities[e] = _names[_rng.Next(_names.Length)];
        }

        string[][] paragraphs = new string[5 + _rng.Next(4)][];
        for (int p = 0; p < paragraphs.Length; p++)
        {
            paragraphs[p] = new string[2 + _rng.Next(4)];
            for (int s = 0; s < paragraphs[p].Length; s++)
            {
                paragraphs[p][s] = Sentence(entities, 9, 25);
            }
        }

        return new Story(Title(entities), paragraphs, entities, _rng.Next(Publishers));
    }

    private string Title(string[] entities) => Sentence(entities, 5, 10).TrimEnd('.');

    private string Sentence(string[] entities, int min, int max)
    {
        var sb = new StringBuilder(160);
        int length = min + _rng.Next(max - min + 1);
        for (int w = 0; w < length; w++)
        {
            if (w > 0)
            {
                sb.Append(' ');
            }

            double r = _rng.NextDouble();
            string word = entities.Length > 0 && r < 0.08 ? entities[_rng.Next(entities.Length)]
                : r < 0.11 ? _rng.Next(2000).ToString(CultureInfo.InvariantCulture)
                : _words[_zipf.Sample(_rng)];
            if (w == 0)
            {
                sb.Append(char.ToUpperInvariant(word[0])).Append(word, 1, word.Length - 1);
            }
            else
            {
                sb.Append(word);
            }
        }

        return sb.Append('.').ToString();
    }

    private string Name()
    {
        ReadOnlySpan<string> syllables = ["ka", "ro", "len", "mar", "ti", "so", "ber", "an", "del", "vi", "gor", "na", "ste", "lu", "phi", "ra", "mon", "e", "sha", "din"];
        var sb = new StringBuilder();
        int n = 2 + _rng.Next(2);
        for (int s = 0; s < n; s++)
        {
            sb.Append(syllables[_rng.Next(syllables.Length)]);
        }

        sb[0] = char.ToUpperInvariant(sb[0]);
        return sb.ToString();
    }

    private static string Join(string[][] paragraphs, int count) =>
        string.Join("\n\n", paragraphs.Take(count).Select(p => string.Join(' ', p)));

    private sealed record Story(string Title, string[][] Paragraphs, string[] Entities, int Publisher)
    {
        public string Body() => Join(Paragraphs, Paragraphs.Length);
    }
}

/// <summary>SplitMix64: a small, seeded generator whose sequence never changes between runtimes.</summary>
internal sealed class Rng(ulong seed)
{
    private ulong _state = seed;

    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public int Next(int bound) => (int)((NextUInt64() >> 32) * (ulong)bound >> 32);
}

/// <summary>Walker–Vose alias table: draws an index with probability proportional to its weight in constant time.</summary>
internal sealed class AliasTable
{
    private readonly double[] _probability;
    private readonly int[] _alias;

    public AliasTable(double[] weights)
    {
        int n = weights.Length;
        _probability = new double[n];
        _alias = new int[n];
        double sum = weights.Sum();
        double[] scaled = [.. weights.Select(w => w * n / sum)];
        var small = new Stack<int>();
        var large = new Stack<int>();
        for (int i = 0; i < n; i++)
        {
            (scaled[i] < 1 ? small : large).Push(i);
        }

        while (small.Count > 0 && large.Count > 0)
        {
            int s = small.Pop();
            int l = large.Pop();
            _probability[s] = scaled[s];
            _alias[s] = l;
            scaled[l] += scaled[s] - 1;
            (scaled[l] < 1 ? small : large).Push(l);
        }

        foreach (int i in large.Concat(small))
        {
            _probability[i] = 1;
        }
    }

    public int Sample(Rng rng)
    {
        int i = rng.Next(_probability.Length);
        return rng.NextDouble() < _probability[i] ? i : _alias[i];
    }
}

using System.Globalization;
using Dedup.Detection;

namespace Dedup.Benchmarks.Scale;

/// <summary>
/// <c>memory FILE [COUNT]</c>: managed bytes per indexed article. Adds COUNT articles (default all) of a corpus to a
/// detector, queries each of them once (as a live service does: what a query leaves cached on the indexed articles
/// counts), compares the managed heap after a full collection with the heap before, and splits the stored form by field
/// (array payloads and headers of the features, the id, the boilerplate counts cached for the model, and the encoded
/// <see cref="ArticleRecord"/> that a snapshot or a signature store holds).
/// </summary>
internal static class MemoryPerArticle
{
    private const int ArrayHeader = 24;

    public static int Run(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: memory FILE.jsonl [COUNT]");
            return 2;
        }

        int count = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : int.MaxValue;
        List<Article> articles = JsonlArticles.Read(args[1], count);
        var detector = new CopyDetector();
        long before = GC.GetTotalMemory(forceFullCollection: true);
        foreach (Article a in articles)
        {
            if (!detector.Contains(a.Id))
            {
                detector.Add(a);
            }
        }

        foreach (Article a in articles)
        {
            _ = detector.FindCopies(a.Text);
        }

        long after = GC.GetTotalMemory(forceFullCollection: true);
        int n = detector.Count;
        Console.WriteLine($"{n:N0} articles indexed from {args[1]}: {(after - before) / (double)n:F0} managed bytes per article (heap after minus before)");

        long words = 0, skeleton = 0, lead = 0, terms = 0, ids = 0, record = 0, chars = 0, keys = 0;
        var sampled = new List<ulong>();
        foreach (ArticleFeatures f in detector.IndexedFeatures())
        {
            words += ArrayHeader + (4L * f.Words.Length);
            skeleton += ArrayHeader + (4L * f.Skeleton.Length);
            lead += ArrayHeader + (4L * f.Lead.Length);
            terms += ArrayHeader + (4L * f.ParaphraseTerms.Length);
            ids += 22 + (2L * f.Id.Length);
            chars += f.Characters;

            record += ArticleRecord.ToArray(f).Length;
            sampled.Clear();
            CandidateSelector.SampleKeys(f.Words, f.Skeleton, f.ParaphraseTerms, sampled);
            keys += sampled.Count + 1;
        }

        void Line(string what, long bytes) => Console.WriteLine($"  {what,-22} {bytes / (double)n,8:F0} B");
        Console.WriteLine($"  (text: {chars / (double)n:F0} characters per article)");
        Line("words", words);
        Line("skeleton", skeleton);
        Line("lead", lead);
        Line("paraphrase terms", terms);
        Line("id string", ids);
        Line("features total", words + skeleton + lead + terms + ids);
        Line("rest (store, maps...)", after - before - (words + skeleton + lead + terms + ids));
        Line("record (snapshot)", record);
        Console.WriteLine($"  bucket-store keys: {keys / (double)n:F1} per article");

        // Encode and decode every record, timed on one thread (the best of three rounds, after the JIT has warmed up).
        List<ArticleFeatures> all = detector.IndexedFeatures();
        var records = new byte[all.Count][];
        double encode = double.MaxValue, decode = double.MaxValue;
        long values = 0;
        for (int round = 0; round < 3; round++)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (int i = 0; i < all.Count; i++)
            {
                records[i] = ArticleRecord.ToArray(all[i]);
            }

            encode = Math.Min(encode, clock.Elapsed.TotalMilliseconds);
            clock.Restart();
            values = 0;
            foreach (byte[] r in records)
            {
                values += ArticleRecord.Read(r).Words.Length;
            }

            decode = Math.Min(decode, clock.Elapsed.TotalMilliseconds);
        }

        Console.WriteLine($"  record encode {1000 * encode / n:F1} us, decode {1000 * decode / n:F1} us per article ({values / (double)n:F0} word shingles per article)");
        return 0;
    }
}

using System.Diagnostics;
using System.Globalization;
using Dedup.Detection;

namespace Dedup.Benchmarks.Scale;

/// <summary>
/// <c>first-query FILE COUNT</c>: a detector filled by <c>Add</c> alone (a bulk load, a service that indexes and is
/// asked later), then the first queries, each timed: the first one learned the corpus model over the whole index
/// inside the call (0.5 s after 29,000 adds) until the adds kept the model current.
/// </summary>
internal static class FirstQuery
{
    public static int Run(string[] args)
    {
        if (args.Length < 3 || !int.TryParse(args[2], CultureInfo.InvariantCulture, out int count) || count < 1)
        {
            Console.Error.WriteLine("usage: first-query FILE.jsonl COUNT   (COUNT articles added, then the next ten queried)");
            return 2;
        }

        List<Article> articles = JsonlArticles.Read(args[1], count + 10);
        if (articles.Count < count + 10)
        {
            Console.Error.WriteLine($"{args[1]} holds {articles.Count:N0} articles: fewer than {count:N0} to add and 10 to query");
            return 2;
        }

        var detector = new CopyDetector();
        var clock = Stopwatch.StartNew();
        foreach (Article a in articles.Take(count))
        {
            detector.Add(a);
        }

        Console.WriteLine($"{count:N0} articles added with Add alone in {clock.Elapsed.TotalSeconds:F2} s");
        for (int i = count; i < count + 10; i++)
        {
            clock.Restart();
            int copies = detector.FindCopies(articles[i]).Count;
            Console.WriteLine($"query {i - count + 1}: {clock.Elapsed.TotalMilliseconds:F1} ms ({copies} copies)");
        }

        return 0;
    }
}

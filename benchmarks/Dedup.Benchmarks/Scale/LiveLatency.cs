using System.Diagnostics;
using System.Globalization;
using Dedup.Detection;

namespace Dedup.Benchmarks.Scale;

/// <summary>
/// <c>latency FILE [COUNT]</c>: a live service's ingest loop on one thread: for each article, <c>FindCopies</c> then
/// <c>Add</c>, timed together, over COUNT articles (default 100,000) of a corpus; every 100th step also times
/// <c>ClusterOf</c> of an earlier article. Prints percentiles of each.
/// </summary>
internal static class LiveLatency
{
    public static int Run(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: latency FILE.jsonl [COUNT]");
            return 2;
        }

        int count = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100_000;
        List<Article> articles = JsonlArticles.Read(args[1], count);
        var detector = new CopyDetector();
        _ = detector.ClusterOf("-"); // clusters maintained from the first add
        var findAdd = new double[articles.Count];
        var clusterOf = new List<double>();
        int copies = 0;
        var clock = new Stopwatch();
        var total = Stopwatch.StartNew();
        for (int i = 0; i < articles.Count; i++)
        {
            clock.Restart();
            copies += detector.FindCopies(articles[i]).Count > 0 ? 1 : 0;
            detector.Add(articles[i]);
            findAdd[i] = clock.Elapsed.TotalMilliseconds;
            if (i % 100 == 99)
            {
                string id = articles[(int)((uint)(i * 2654435761u) % (uint)i)].Id;
                clock.Restart();
                _ = detector.ClusterOf(id);
                clusterOf.Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        Console.WriteLine($"{articles.Count:N0} articles in {total.Elapsed.TotalSeconds:F1} s, {copies:N0} found copies before being added");
        Print("find then add", findAdd);
        Print("ClusterOf", [.. clusterOf]);
        Console.WriteLine($"largest cluster: {detector.Clusters().Max(c => c.Members.Count):N0} (Clusters() recomputed once, after the run)");
        return 0;
    }

    private static void Print(string what, double[] ms)
    {
        if (ms.Length == 0)
        {
            return;
        }

        double[] sorted = [.. ms.Order()];
        double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
        Console.WriteLine($"{what}: p50 {At(0.5):F3} ms, p99 {At(0.99):F3} ms, p99.9 {At(0.999):F3} ms, max {sorted[^1]:F3} ms ({sorted.Length:N0} calls)");
    }
}

using System.Diagnostics;
using System.Globalization;
using Dedup.Detection;

namespace Dedup.Benchmarks.Scale;

/// <summary>
/// <c>restart FILE [COUNT] [--open]</c>: what a live service meets after a restart. Indexes COUNT articles of a corpus
/// (default 100,000) with <c>AddRange</c>, asks <c>ClusterOf</c> once (the clusters are kept from then on) and saves a
/// snapshot; then loads it (with <c>--open</c>: opens it as an index folder's snapshot, journal beside it, as
/// <c>CopyDetector.Open</c> does) and times the load, the first calls of <c>ClusterOf</c> and 1,000 find-then-add calls
/// of articles after the first COUNT, then the removal of the largest cluster's original.
/// </summary>
internal static class Restart
{
    public static int Run(string[] args)
    {
        string[] positional = [.. args.Where(a => !a.StartsWith("--", StringComparison.Ordinal))];
        if (positional.Length < 2)
        {
            Console.Error.WriteLine("usage: restart FILE.jsonl [COUNT] [--open]");
            return 2;
        }

        bool open = args.Contains("--open");
        int count = positional.Length > 2 ? int.Parse(positional[2], CultureInfo.InvariantCulture) : 100_000;
        const int After = 1_000;
        List<Article> articles = JsonlArticles.Read(positional[1], count + After);
        if (articles.Count <= count)
        {
            Console.Error.WriteLine($"the corpus holds {articles.Count:N0} articles; {count + After:N0} are needed");
            return 2;
        }

        string folder = Path.Combine(Path.GetTempPath(), $"dedup-restart-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        string snapshot = Path.Combine(folder, "index.dedup");
        try
        {
            var clock = Stopwatch.StartNew();
            using (var first = new CopyDetector())
            {
                first.AddRange(articles.Take(count));
                _ = first.ClusterOf(articles[0].Id);
                first.SaveToFile(snapshot);
            }

            Console.WriteLine($"{count:N0} articles indexed, clustered and saved in {clock.Elapsed.TotalSeconds:F1} s");
            GC.Collect();
            clock.Restart();
            using CopyDetector detector = open ? CopyDetector.Open(snapshot) : CopyDetector.LoadFromFile(snapshot);
            Console.WriteLine($"{(open ? "Open" : "LoadFromFile")}: {clock.Elapsed.TotalSeconds:F2} s");
            for (int k = 0; k < 3; k++)
            {
                string id = articles[(k + 1) * (count / 4)].Id;
                clock.Restart();
                CopyCluster? cluster = detector.ClusterOf(id);
                Console.WriteLine($"ClusterOf call {k + 1}: {clock.Elapsed.TotalMilliseconds:F2} ms ({cluster?.Members.Count ?? 0} members)");
            }

            var calls = new double[After];
            var jit = new double[After];
            var pause = new double[After];
            for (int i = 0; i < After; i++)
            {
                Article a = articles[count + i];
                TimeSpan compiling = System.Runtime.JitInfo.GetCompilationTime(currentThread: true);
                TimeSpan paused = GC.GetTotalPauseDuration();
                clock.Restart();
                _ = detector.FindCopies(a);
                detector.Add(a);
                calls[i] = clock.Elapsed.TotalMilliseconds;
                jit[i] = (System.Runtime.JitInfo.GetCompilationTime(currentThread: true) - compiling).TotalMilliseconds;
                pause[i] = (GC.GetTotalPauseDuration() - paused).TotalMilliseconds;
            }

            int slowest = Array.IndexOf(calls, calls.Max());
            Console.WriteLine($"slowest find then add: call {slowest + 1}, {calls[slowest]:F1} ms, of which the JIT compiling {jit[slowest]:F1} ms and collections {pause[slowest]:F1} ms");
            Array.Sort(calls);
            Console.WriteLine($"find then add after the restart: p50 {calls[After / 2]:F3} ms, p99 {calls[(After * 99) / 100]:F3} ms, max {calls[^1]:F3} ms ({After:N0} calls)");

            // A removal that splits the largest cluster: its original, which later members were linked through.
            CopyCluster largest = detector.Clusters().MaxBy(c => c.Members.Count)!;
            clock.Restart();
            detector.Remove(largest.OriginalId);
            double removal = clock.Elapsed.TotalMilliseconds;
            int left = detector.ClusterOf(largest.Members.First(m => m != largest.OriginalId))!.Members.Count;
            Console.WriteLine($"Remove of the largest cluster's original ({largest.Members.Count:N0} members): {removal:F1} ms; its cluster then holds {left:N0}");
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

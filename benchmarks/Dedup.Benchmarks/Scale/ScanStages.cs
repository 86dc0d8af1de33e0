using System.Diagnostics;
using System.Globalization;
using Dedup.Detection;

namespace Dedup.Benchmarks.Scale;

/// <summary>
/// <c>scan-stages FILE [THREADS]</c>: one batch scan in-process, timing each stage it reports (signatures,
/// candidates, clusters) and the managed memory, to find where a scan's time goes as the corpus grows.
/// </summary>
internal static class ScanStages
{
    public static int Run(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: scan-stages FILE.jsonl [THREADS]");
            return 2;
        }

        int threads = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : -1;
        var clock = Stopwatch.StartNew();
        List<Article> articles = JsonlArticles.Read(args[1]);
        Console.WriteLine($"read {articles.Count:N0} articles: {clock.Elapsed.TotalSeconds:F2} s");
        var progress = new StageClock();
        clock.Restart();
        ScanResult result = CopyDetector.Scan(articles, null, threads, progress);
        progress.Finish();
        Console.WriteLine($"scan: {clock.Elapsed.TotalSeconds:F2} s, {result.Pairs.Count:N0} pairs, {result.Clusters.Count(c => c.Members.Count > 1):N0} clusters");
        Console.WriteLine($"managed heap after: {GC.GetTotalMemory(false) / 1e6:F0} MB; allocated: {GC.GetTotalAllocatedBytes() / 1e6:F0} MB; peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB");
        return 0;
    }

    /// <summary>Records when each stage was first and last reported (progress is reported synchronously from the scan's threads).</summary>
    private sealed class StageClock : IProgress<ScanProgress>
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly Lock _lock = new();
        private readonly List<(string Stage, TimeSpan First, TimeSpan Last)> _stages = [];

        public void Report(ScanProgress value)
        {
            lock (_lock)
            {
                TimeSpan now = _clock.Elapsed;
                if (_stages.Count == 0 || _stages[^1].Stage != value.Stage)
                {
                    _stages.Add((value.Stage, now, now));
                }
                else
                {
                    _stages[^1] = (value.Stage, _stages[^1].First, now);
                }
            }
        }

        public void Finish()
        {
            TimeSpan previous = TimeSpan.Zero;
            foreach ((string stage, TimeSpan first, TimeSpan last) in _stages)
            {
                Console.WriteLine($"  before {stage}: {(first - previous).TotalSeconds:F2} s; {stage}: {(last - first).TotalSeconds:F2} s");
                previous = last;
            }
        }
    }
}

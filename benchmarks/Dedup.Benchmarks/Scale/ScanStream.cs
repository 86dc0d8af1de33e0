using System.Diagnostics;
using System.Globalization;
using Dedup.Detection;

namespace Dedup.Benchmarks.Scale;

/// <summary>
/// <c>scan-stream FILE COUNT list|stream</c>: a library client's scan of the first COUNT articles of a corpus file, either
/// read whole into a list first (<c>CopyDetector.Scan</c>) or streamed from the file as it is read
/// (<c>CopyDetector.ScanAsync</c> over <c>File.ReadLinesAsync</c>). Prints the wall time, the pairs and clusters, and the
/// process's peak working set: run each way in its own process (the peaks are the process's), alternately.
/// </summary>
internal static class ScanStream
{
    public static int Run(string[] args)
    {
        if (args.Length < 4 || !int.TryParse(args[2], CultureInfo.InvariantCulture, out int count) || count < 1 || args[3] is not ("list" or "stream"))
        {
            Console.Error.WriteLine("usage: scan-stream FILE.jsonl COUNT list|stream   (one scan of COUNT articles, read into a list first or streamed)");
            return 2;
        }

        long start = Stopwatch.GetTimestamp();
        ScanResult result = args[3] == "list"
            ? CopyDetector.Scan(JsonlArticles.Read(args[1], count))
            : CopyDetector.ScanAsync(JsonlArticles.ReadAsync(args[1], count)).AsTask().GetAwaiter().GetResult();
        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        using var process = Process.GetCurrentProcess();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{args[3]}: {result.Documents:N0} articles in {elapsed.TotalSeconds:0.00} s (reading included); {result.Pairs.Count:N0} pairs, {result.Clusters.Count:N0} clusters; peak working set {process.PeakWorkingSet64 / 1e6:N0} MB"));
        return 0;
    }
}

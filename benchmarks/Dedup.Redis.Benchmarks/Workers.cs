using System.Diagnostics;
using System.Globalization;
using Dedup.Benchmarks.Scale;
using Dedup.Detection;
using StackExchange.Redis;

namespace Dedup.Redis.Benchmarks;

/// <summary>
/// <c>workers FILE COUNT --redis host:port [--workers W] [--compare]</c>: the first COUNT articles of a corpus file,
/// each sent once to one of W workers (article i to worker i mod W; each worker a detector with a connection of its
/// own, calling <see cref="CopyDetector.FindOrAddAsync"/> one article after the other, all workers at once) over one
/// shared index on the server. Prints the wall time, the calls' latency percentiles, the pairs reported, the longest
/// list of copies, the server's memory per article and, with --compare, how the pairs compare with those of one detector
/// with its own index fed the same articles in the same order.
/// </summary>
internal static class Workers
{
    public static async Task<int> RunAsync(string file, int count, string redis, int workers, bool compare)
    {
        List<Article> articles = JsonlArticles.Read(file, count);
        Console.WriteLine($"{articles.Count} articles of {file}, {workers} workers on {redis}; CPU: {Environment.ProcessorCount} cores");
        // A short name, as an index is named in service (every key of the index carries it).
        string index = $"w{Guid.NewGuid():N}"[..7];
        using ConnectionMultiplexer admin = await ConnectionMultiplexer.ConnectAsync(redis + ",allowAdmin=true");
        long memory0 = await UsedMemoryAsync(admin);

        var pairs = new HashSet<(string, string)>();
        var latencies = new List<double>[workers];
        int longest = 0;
        var clock = Stopwatch.StartNew();
        Task[] running = new Task[workers];
        for (int w = 0; w < workers; w++)
        {
            int worker = w;
            latencies[w] = [];
            running[w] = Task.Run(async () =>
            {
                RedisSharedIndexStore store = await RedisSharedIndexStore.ConnectAsync(redis, new RedisSharedIndexStoreOptions { IndexName = index });
                await using var detector = new CopyDetector(null, store);
                for (int i = worker; i < articles.Count; i += workers)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    FindOrAddResult r = await detector.FindOrAddAsync(articles[i]);
                    latencies[worker].Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                    lock (pairs)
                    {
                        longest = Math.Max(longest, r.Copies.Count);
                        foreach (CopyMatch m in r.Copies)
                        {
                            pairs.Add(Pair(articles[i].Id, m.Id));
                        }
                    }
                }
            });
        }

        await Task.WhenAll(running);
        double seconds = clock.Elapsed.TotalSeconds;
        long memory1 = await UsedMemoryAsync(admin);
        double[] all = [.. latencies.SelectMany(l => l).Order()];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wall {seconds:F1} s ({articles.Count / seconds:F0} articles/s); find-or-add p50 {Percentile(all, 0.5):F2} ms, p99 {Percentile(all, 0.99):F2} ms, max {all[^1]:F0} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"pairs {pairs.Count}; longest list of copies {longest}; server memory {(memory1 - memory0) / (double)articles.Count:F0} bytes/article"));
        GCMemoryInfo gen2 = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"calls over 50 ms {all.Count(ms => ms > 50)}, over 200 ms {all.Count(ms => ms > 200)}; this process: GC paused {GC.GetTotalPauseDuration().TotalSeconds:F1} s in all, {GC.CollectionCount(2)} gen-2 collections (last blocking one {gen2.PauseDurations[0].TotalMilliseconds:F0} ms), peak working set {Environment.WorkingSet / 1048576} MB"));

        if (compare)
        {
            var local = new HashSet<(string, string)>();
            var localClock = Stopwatch.StartNew();
            using var detector = new CopyDetector();
            foreach (Article a in articles)
            {
                foreach (CopyMatch m in (await detector.FindOrAddAsync(a)).Copies)
                {
                    local.Add(Pair(a.Id, m.Id));
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"one detector with its own index: {local.Count} pairs in {localClock.Elapsed.TotalSeconds:F1} s; in both {pairs.Intersect(local).Count()}, only shared {pairs.Except(local).Count()}, only own {local.Except(pairs).Count()}"));
        }

        await using var cleared = new RedisSharedIndexStore(admin, new RedisSharedIndexStoreOptions { IndexName = index });
        await cleared.ClearAsync();
        return 0;
    }

    private static (string, string) Pair(string a, string b) => string.CompareOrdinal(a, b) < 0 ? (a, b) : (b, a);

    private static double Percentile(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];

    private static async Task<long> UsedMemoryAsync(ConnectionMultiplexer connection)
    {
        RedisResult info = await connection.GetDatabase().ExecuteAsync("INFO", "memory");
        foreach (string line in ((string)info!).Split('\n'))
        {
            string[] parts = line.Trim().Split(':');
            if (parts.Length == 2 && parts[0] == "used_memory")
            {
                return long.Parse(parts[1], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }
}

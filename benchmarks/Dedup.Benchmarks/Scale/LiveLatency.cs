using System.Diagnostics;
using System.Globalization;
using Dedup.Detection;

namespace Dedup.Benchmarks.Scale;

/// <summary>
/// <c>latency FILE [COUNT] [--stages] [--sustained] [--save-every N]</c>: a live service's ingest loop on one thread: for each article, <c>FindCopies</c>
/// then <c>Add</c>, timed together, over COUNT articles (default 100,000) of a corpus, with the collector's pause and the
/// JIT's compiling inside each call; every 100th step also times
/// <c>ClusterOf</c> of an earlier article. Prints percentiles of each, the CPU time per call and the garbage
/// collections. On Linux the slowest calls also show the calling thread's own CPU time inside them and how often the
/// scheduler took the CPU from it meanwhile (on a shared machine a call of microseconds may wait milliseconds for its
/// core), and <c>ClusterOf</c> gets percentiles of its thread CPU time beside the wall clock's.
/// </summary>
/// <remarks>
/// With <c>--stages</c> each step also times, apart, the feature extraction alone (<c>FeatureExtractor.Extract</c>,
/// an extra call outside the timed find-then-add: the floor every call pays whatever the index), <c>FindCopies</c>
/// and <c>Add</c>, and the garbage collection pause inside each call, so that the slowest calls can be attributed.
/// With <c>--sustained</c> the loop runs under <see cref="System.Runtime.GCLatencyMode.SustainedLowLatency"/>, as a
/// latency-sensitive service would set it (background collections of the old generation, no blocking full ones
/// unless memory runs low). With <c>--save-every N</c> a snapshot is written to a temporary file on another thread
/// every N steps (when the last one is done), as a service's checkpoints are, and the steps that ran meanwhile are
/// timed apart.
/// </remarks>
internal static class LiveLatency
{
    public static int Run(string[] args)
    {
        int saveAt = Array.IndexOf(args, "--save-every");
        int saveEvery = saveAt >= 0 && saveAt + 1 < args.Length ? int.Parse(args[saveAt + 1], CultureInfo.InvariantCulture) : 0;
        string[] positional = [.. args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (saveAt < 0 || i != saveAt + 1))];
        bool stages = args.Contains("--stages");
        if (args.Contains("--sustained"))
        {
            System.Runtime.GCSettings.LatencyMode = System.Runtime.GCLatencyMode.SustainedLowLatency;
        }

        if (positional.Length < 2)
        {
            Console.Error.WriteLine("usage: latency FILE.jsonl [COUNT] [--stages] [--sustained] [--save-every N]");
            return 2;
        }

        int count = positional.Length > 2 ? int.Parse(positional[2], CultureInfo.InvariantCulture) : 100_000;
        List<Article> articles = JsonlArticles.Read(positional[1], count);
        TimeSpan compilingBefore = System.Runtime.JitInfo.GetCompilationTime(currentThread: true);
        var constructing = Stopwatch.StartNew();
        var detector = new CopyDetector();
        constructing.Stop();
        double constructorJit = (System.Runtime.JitInfo.GetCompilationTime(currentThread: true) - compilingBefore).TotalMilliseconds;
        _ = detector.ClusterOf("-"); // clusters maintained from the first add
        int n = articles.Count;
        var findAdd = new double[n];
        var extract = stages ? new double[n] : [];
        var find = stages ? new double[n] : [];
        var add = stages ? new double[n] : [];
        var pause = new double[n];
        var jit = new double[n];
        var stepCpu = new double[n];
        var stepSwitches = new long[n];
        var clusterOf = new List<double>();
        var clusterOfCpu = new List<double>();
        var clusterOfSwitches = new List<long>();
        var clusterOfPause = new List<double>();
        var clusterOfJit = new List<double>();
        var collections = new Collections();
        int copies = 0;
        var clock = new Stopwatch();
        int[] gcBefore = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        TimeSpan pauseBefore = GC.GetTotalPauseDuration();
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        long allocatedBefore = GC.GetTotalAllocatedBytes();
        string snapshot = Path.Combine(Path.GetTempPath(), $"dedup-latency-{Environment.ProcessId}.index");
        Task? saving = null;
        var duringSave = new List<double>();
        var saveTimes = new List<double>();
        var total = Stopwatch.StartNew();
        for (int i = 0; i < n; i++)
        {
            Article article = articles[i];
            if (saveEvery > 0 && i % saveEvery == saveEvery - 1 && saving is null or { IsCompleted: true })
            {
                // A service's checkpoint: the snapshot written on another thread while the loop goes on.
                saving = Task.Run(() =>
                {
                    var saveClock = Stopwatch.StartNew();
                    detector.SaveToFile(snapshot);
                    lock (saveTimes)
                    {
                        saveTimes.Add(saveClock.Elapsed.TotalMilliseconds);
                    }
                });
            }

            if (stages)
            {
                clock.Restart();
                _ = FeatureExtractor.Extract(article, detector.Options);
                extract[i] = clock.Elapsed.TotalMilliseconds;
            }

            TimeSpan gc = GC.GetTotalPauseDuration();
            TimeSpan compiling = System.Runtime.JitInfo.GetCompilationTime(currentThread: true);
            long switches = ThreadCpu.InvoluntarySwitches();
            long cpuStart = ThreadCpu.NowNs();
            clock.Restart();
            copies += detector.FindCopies(article).Count > 0 ? 1 : 0;
            double found = clock.Elapsed.TotalMilliseconds;
            detector.Add(article);
            findAdd[i] = clock.Elapsed.TotalMilliseconds;
            stepCpu[i] = (ThreadCpu.NowNs() - cpuStart) / 1e6;
            stepSwitches[i] = ThreadCpu.InvoluntarySwitches() - switches;
            if (saving is { IsCompleted: false })
            {
                duringSave.Add(findAdd[i]);
            }

            pause[i] = (GC.GetTotalPauseDuration() - gc).TotalMilliseconds;
            jit[i] = (System.Runtime.JitInfo.GetCompilationTime(currentThread: true) - compiling).TotalMilliseconds;
            if (stages)
            {
                find[i] = found;
                add[i] = findAdd[i] - found;
                collections.Note(GC.GetGCMemoryInfo(GCKind.Any));
            }

            if (i % 100 == 99)
            {
                string id = articles[(int)((uint)(i * 2654435761u) % (uint)i)].Id;
                gc = GC.GetTotalPauseDuration();
                compiling = System.Runtime.JitInfo.GetCompilationTime(currentThread: true);
                switches = ThreadCpu.InvoluntarySwitches();
                cpuStart = ThreadCpu.NowNs();
                clock.Restart();
                _ = detector.ClusterOf(id);
                double wall = clock.Elapsed.TotalMilliseconds;
                long cpuEnd = ThreadCpu.NowNs();
                long switchesEnd = ThreadCpu.InvoluntarySwitches();
                clusterOf.Add(wall);
                clusterOfCpu.Add((cpuEnd - cpuStart) / 1e6);
                clusterOfSwitches.Add(switchesEnd - switches);
                clusterOfPause.Add((GC.GetTotalPauseDuration() - gc).TotalMilliseconds);
                clusterOfJit.Add((System.Runtime.JitInfo.GetCompilationTime(currentThread: true) - compiling).TotalMilliseconds);
            }
        }

        saving?.Wait();
        File.Delete(snapshot);
        double seconds = total.Elapsed.TotalSeconds;
        double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds;
        double allocated = GC.GetTotalAllocatedBytes() - allocatedBefore;
        Console.WriteLine($"{n:N0} articles in {seconds:F1} s, {copies:N0} found copies before being added");
        Console.WriteLine($"the detector's constructor: {constructing.Elapsed.TotalMilliseconds:F1} ms, JIT inside {constructorJit:F1} ms (its tables for the options, built once a process)");
        Print("find then add", findAdd);
        if (stages)
        {
            Print("  Extract alone (not in the above)", extract);
            Print("  FindCopies", find);
            Print("  Add", add);
        }

        Print("  GC pause inside a call", pause);
        Print("  JIT inside a call (this thread compiling methods on first use)", jit);
        foreach (int i in Enumerable.Range(0, n).OrderByDescending(i => findAdd[i]).Take(3))
        {
            Console.WriteLine($"  slow call {i:N0}: {findAdd[i]:F1} ms; GC pause inside {pause[i]:F1} ms; JIT inside {jit[i]:F1} ms; {Cpu(stepCpu[i], stepSwitches[i])}");
        }
        if (stages)
        {
            collections.Print();
            foreach (int i in Enumerable.Range(0, n).OrderByDescending(i => findAdd[i]).Take(5))
            {
                Console.WriteLine($"  slow step {i:N0}: {findAdd[i]:F1} ms = FindCopies {find[i]:F1} + Add {add[i]:F1}; GC pause inside {pause[i]:F1} ms");
            }
        }

        if (saveEvery > 0)
        {
            Print($"snapshot written on another thread every {saveEvery:N0} steps (SaveToFile)", [.. saveTimes]);
            Print("  find then add while a snapshot was being written", [.. duringSave]);
        }

        Print("ClusterOf", [.. clusterOf]);
        Print("  GC pause inside ClusterOf", [.. clusterOfPause]);
        Print("  ClusterOf less the GC pause inside it", [.. clusterOf.Select((ms, i) => ms - clusterOfPause[i])]);
        if (ThreadCpu.IsThreadClock)
        {
            Print("  ClusterOf, this thread's CPU time (time taken from it by the scheduler or a wait left out)", [.. clusterOfCpu]);
            Console.WriteLine($"  calls during which the scheduler took the CPU from the thread: {clusterOfSwitches.Count(s => s > 0):N0} of {clusterOf.Count:N0}");
        }

        foreach (int i in Enumerable.Range(0, clusterOf.Count).OrderByDescending(i => clusterOf[i]).Take(3))
        {
            Console.WriteLine($"  slow ClusterOf after step {(i * 100) + 99:N0}: {clusterOf[i]:F3} ms; GC pause inside {clusterOfPause[i]:F2} ms; JIT inside {clusterOfJit[i]:F2} ms; {Cpu(clusterOfCpu[i], clusterOfSwitches[i])}");
        }
        Console.WriteLine(
            $"process CPU {cpu / n:F3} ms a step (all threads, background model rebuilds and GC included; {cpu / 1000:F1} s for {seconds:F1} s), allocated {allocated / n / 1024:F1} KB a step");
        Console.WriteLine(
            $"GCs gen0/1/2: {GC.CollectionCount(0) - gcBefore[0]}/{GC.CollectionCount(1) - gcBefore[1]}/{GC.CollectionCount(2) - gcBefore[2]}, pause total {(GC.GetTotalPauseDuration() - pauseBefore).TotalMilliseconds:F0} ms, managed heap {GC.GetTotalMemory(false) / 1e6:F0} MB");
        Slowest(findAdd, pause);
        Console.WriteLine($"largest cluster: {detector.Clusters().Max(c => c.Members.Count):N0} (Clusters() recomputed once, after the run)");
        return 0;
    }

    /// <summary>A call's own CPU time and the scheduler's preemptions inside it, where the thread's clock can be read.</summary>
    private static string Cpu(double cpuMs, long switches) =>
        ThreadCpu.IsThreadClock ? $"thread CPU {cpuMs:F3} ms, preempted {switches} times" : "thread CPU not measured (Linux only)";

    /// <summary>
    /// The collections seen after a step (the last of a step's, if it had several), by generation: how many, their
    /// pauses, what they promoted, and how many compacted or ran concurrently.
    /// </summary>
    private sealed class Collections
    {
        private readonly List<GCMemoryInfo>[] _byGeneration = [[], [], []];
        private long _lastIndex = GC.GetGCMemoryInfo(GCKind.Any).Index;

        public void Note(GCMemoryInfo info)
        {
            if (info.Index != _lastIndex)
            {
                _lastIndex = info.Index;
                _byGeneration[Math.Min(info.Generation, 2)].Add(info);
            }
        }

        public void Print()
        {
            for (int g = 0; g < 3; g++)
            {
                List<GCMemoryInfo> seen = _byGeneration[g];
                if (seen.Count == 0)
                {
                    continue;
                }

                double[] pauses = [.. seen.Select(i => i.PauseDurations.ToArray().Sum(d => d.TotalMilliseconds))];
                Console.WriteLine(
                    $"  gen{g} collections seen: {seen.Count}, pause mean {pauses.Average():F1} ms, max {pauses.Max():F1} ms, promoted mean {seen.Average(i => i.PromotedBytes) / 1e6:F1} MB, "
                    + $"compacting {seen.Count(i => i.Compacted)}, concurrent {seen.Count(i => i.Concurrent)}");
            }
        }
    }

    /// <summary>How much of the slowest 1% and 0.1% of calls was garbage collection pause.</summary>
    private static void Slowest(double[] ms, double[] pause)
    {
        int[] order = [.. Enumerable.Range(0, ms.Length).OrderByDescending(i => ms[i])];
        foreach (double share in (ReadOnlySpan<double>)[0.01, 0.001])
        {
            int take = Math.Max(1, (int)(share * ms.Length));
            double time = 0;
            double gc = 0;
            int withGc = 0;
            for (int k = 0; k < take; k++)
            {
                time += ms[order[k]];
                gc += pause[order[k]];
                withGc += pause[order[k]] > 0 ? 1 : 0;
            }

            Console.WriteLine($"slowest {share:P1} ({take:N0} calls): {withGc:N0} had a GC pause; GC {gc / time:P0} of their time");
        }
    }

    private static void Print(string what, double[] ms)
    {
        if (ms.Length == 0)
        {
            return;
        }

        double[] sorted = [.. ms.Order()];
        double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
        Console.WriteLine($"{what}: p50 {At(0.5):F3} ms, p99 {At(0.99):F3} ms, p99.9 {At(0.999):F3} ms, max {sorted[^1]:F3} ms, mean {ms.Average():F3} ms ({sorted.Length:N0} calls)");
    }
}

using System.Diagnostics;
using Dedup.Detection;

namespace Dedup.Benchmarks.Scale;

/// <summary><c>boilerplate FILE</c>: times the boilerplate model, the filtering and the posting index of one scan, apart.</summary>
internal static class BoilerplateTiming
{
    /// <summary>Wall and CPU time since the last restart (the machine is shared: CPU time is the steadier figure).</summary>
    private sealed class CpuClock
    {
        private readonly Stopwatch _wall = Stopwatch.StartNew();
        private TimeSpan _cpu = Process.GetCurrentProcess().TotalProcessorTime;
        private TimeSpan _pause = GC.GetTotalPauseDuration();

        public void Restart()
        {
            _wall.Restart();
            _cpu = Process.GetCurrentProcess().TotalProcessorTime;
            _pause = GC.GetTotalPauseDuration();
        }

        public override string ToString() =>
            $"{_wall.Elapsed.TotalSeconds:F2} s wall, {(Process.GetCurrentProcess().TotalProcessorTime - _cpu).TotalSeconds:F2} s CPU, {(GC.GetTotalPauseDuration() - _pause).TotalSeconds:F2} s in GC pauses";
    }

    public static int Run(string[] args)
    {
        List<Article> articles = JsonlArticles.Read(args[1]);
        var options = DetectorOptions.Default;
        if (args is [_, _, "--first", string first, ..])
        {
            int times = args.Length > 4 ? int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) : 10;
            return Repeated(articles.Take(int.Parse(first, System.Globalization.CultureInfo.InvariantCulture)).ToList(), options, times);
        }

        var clock = new CpuClock();
        var features = new ArticleFeatures[articles.Count];
        Parallel.For(0, articles.Count, i => features[i] = FeatureExtractor.Extract(articles[i], options));
        Console.WriteLine($"features: {clock}");
        clock.Restart();
        var boilerplate = BoilerplateModel.Build(features, options.BoilerplateDocumentFrequency);
        Console.WriteLine($"boilerplate model: {clock}");
        clock.Restart();
        uint[][] words = [.. features.Select(boilerplate.Words)];
        uint[][] skeleton = [.. features.Select(boilerplate.Skeleton)];
        Console.WriteLine($"filtering: {clock}");
        clock.Restart();
        var index = PostingIndex.Build(features.Length, _ => true, (i, _, _, keys) => new CandidateSelector().Keys(features[i].ExactHash, words[i], skeleton[i], features[i].ParaphraseTerms, keys), new ParallelOptions());
        Console.WriteLine($"posting index: {clock}, {index.Keys:N0} shared keys");
        return 0;
    }

    /// <summary>
    /// <c>boilerplate FILE --first N</c>: builds the model of the first N articles ten times, as a live detector does
    /// inside a call while its index is small: the first build runs the JIT's first code, the later ones its optimized code.
    /// </summary>
    private static int Repeated(List<Article> articles, DetectorOptions options, int times = 10)
    {
        var features = articles.Select(a => FeatureExtractor.Extract(a, options)).ToArray();
        for (int i = 0; i < times; i++)
        {
            var watch = Stopwatch.StartNew();
            var model = BoilerplateModel.Build(features, options.BoilerplateDocumentFrequency);
            Console.WriteLine($"build {i + 1}: {watch.Elapsed.TotalMilliseconds:F1} ms ({model.Articles} articles)");
        }

        return 0;
    }
}

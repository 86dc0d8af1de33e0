using BenchmarkDotNet.Running;

if (args is ["breakdown", ..])
{
    Dedup.Benchmarks.PipelineBreakdown.Run(args.Length > 1 ? args[1] : null);
    return 0;
}

if (args is ["corpus", ..])
{
    return Dedup.Benchmarks.Synthetic.SyntheticCorpus.Run(args);
}

if (args is ["copies", ..])
{
    return Dedup.Benchmarks.Synthetic.SyntheticCorpus.RunCopies(args);
}

if (args is ["boilerplate", ..])
{
    return Dedup.Benchmarks.Scale.BoilerplateTiming.Run(args);
}

if (args is ["latency", ..])
{
    return Dedup.Benchmarks.Scale.LiveLatency.Run(args);
}

if (args is ["restart", ..])
{
    return Dedup.Benchmarks.Scale.Restart.Run(args);
}

if (args is ["first-query", ..])
{
    return Dedup.Benchmarks.Scale.FirstQuery.Run(args);
}

if (args is ["memory", ..])
{
    return Dedup.Benchmarks.Scale.MemoryPerArticle.Run(args);
}

if (args is ["measures", ..])
{
    return Dedup.Benchmarks.Scale.PairMeasures.Run(args);
}

if (args is ["journal-replay", ..])
{
    return Dedup.Benchmarks.Scale.JournalReplay.Run(args);
}

if (args is ["scan-stream", ..])
{
    return Dedup.Benchmarks.Scale.ScanStream.Run(args);
}

if (args is ["scan-stages", ..])
{
    return Dedup.Benchmarks.Scale.ScanStages.Run(args);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;

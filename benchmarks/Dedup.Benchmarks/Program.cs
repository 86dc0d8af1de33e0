using BenchmarkDotNet.Running;

if (args is ["breakdown", ..])
{
    Dedup.Benchmarks.PipelineBreakdown.Run();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

using Dedup.Detection;
using Spectre.Console;

namespace Dedup.Cli.Output;

/// <summary>Shows a scan's progress as one Spectre progress bar per stage; callbacks may come from any thread.</summary>
internal sealed class ScanProgressBar(ProgressContext context) : IProgress<ScanProgress>
{
    private readonly Dictionary<string, ProgressTask> _tasks = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public void Report(ScanProgress value)
    {
        lock (_lock)
        {
            if (!_tasks.TryGetValue(value.Stage, out ProgressTask? task))
            {
                task = context.AddTask(Markup.Escape(value.Stage), maxValue: Math.Max(1, value.Total));
                _tasks.Add(value.Stage, task);
            }

            task.MaxValue = Math.Max(1, value.Total);
            // Threads report out of order within a stage: the bar only moves forward.
            task.Value = Math.Max(task.Value, Math.Min(value.Done, task.MaxValue));
        }
    }

    /// <summary>Fills every bar once the scan is over.</summary>
    public void Complete()
    {
        lock (_lock)
        {
            foreach (ProgressTask task in _tasks.Values)
            {
                task.Value = task.MaxValue;
            }
        }
    }
}

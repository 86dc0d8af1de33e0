using Dedup.Detection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Dedup.Extensions;

/// <summary>
/// Keeps a journaled detector's startup short: checkpoints when the journal passes
/// <see cref="DedupOptions.CheckpointJournalBytes"/> (looked at every <see cref="DedupOptions.CheckpointInterval"/>) and
/// when the host stops. Does nothing for a detector without a snapshot path.
/// </summary>
internal sealed class DedupCheckpointService : BackgroundService
{
    private readonly CopyDetector _detector;
    private readonly DedupOptions _options;

    public DedupCheckpointService(CopyDetector detector, IOptions<DedupOptions> options)
    {
        _detector = detector;
        _options = options.Value;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_options.SnapshotPath is not null && _options.CheckpointOnShutdown)
        {
            _detector.Checkpoint();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_options.SnapshotPath is null)
        {
            return;
        }

        using var timer = new PeriodicTimer(_options.CheckpointInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                if (_detector.JournalBytes > _options.CheckpointJournalBytes)
                {
                    _detector.Checkpoint();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

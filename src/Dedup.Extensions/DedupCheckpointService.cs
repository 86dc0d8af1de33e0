using Dedup.Detection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Dedup.Extensions;

/// <summary>
/// Keeps a journaled detector's startup short: checkpoints when the journal passes
/// <see cref="DedupOptions.CheckpointJournalBytes"/> (looked at every <see cref="DedupOptions.CheckpointInterval"/>) and
/// when the host stops, if the journal holds anything. Does nothing for a detector without a snapshot path. A checkpoint
/// that fails (a full disk, say) is logged by the detector's telemetry and tried again at the next look: compacting is
/// optional, the journal still holds every change, so the service neither stops the host nor fails its shutdown. The
/// checkpoints write asynchronously and end when the host's shutdown timeout passes, leaving the journal whole. When the
/// host has started (every hosted service's start done, OpenTelemetry's providers' included), it has the telemetry
/// report the journal's replay if nothing listened when the detector opened (<see cref="DedupTelemetry.ReportPendingReplay"/>).
/// With <see cref="DedupOptions.Retention"/> set, it also expires the articles older than the window at every interval,
/// before it looks at the journal (an in-memory detector's too).
/// </summary>
internal sealed class DedupCheckpointService : BackgroundService, IHostedLifecycleService
{
    private readonly CopyDetector _detector;
    private readonly DedupOptions _options;
    private readonly DedupTelemetry? _telemetry;

    public DedupCheckpointService(CopyDetector detector, IOptions<DedupOptions> options, DedupTelemetry? telemetry = null)
    {
        _detector = detector;
        _options = options.Value;
        _telemetry = telemetry;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        _telemetry?.ReportPendingReplay();
        return Task.CompletedTask;
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_options.SnapshotPath is not null && _options.CheckpointOnShutdown && _detector.JournalBytes > 0)
        {
            await TryCheckpointAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_options.SnapshotPath is null && _options.Retention is null)
        {
            return;
        }

        using var timer = new PeriodicTimer(_options.CheckpointInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                if (_options.Retention is { } retention)
                {
                    await TryExpireAsync(Cutoff(DateTimeOffset.UtcNow, retention), stoppingToken).ConfigureAwait(false);
                }

                if (_options.SnapshotPath is not null && _detector.JournalBytes > _options.CheckpointJournalBytes)
                {
                    await TryCheckpointAsync(stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// The time before which articles expire: <paramref name="retention"/> before <paramref name="now"/>, or the earliest
    /// time there is when the window reaches further back (a retention of TimeSpan.MaxValue, "forever", stopped the host:
    /// the subtraction threw outside any handler).
    /// </summary>
    internal static DateTimeOffset Cutoff(DateTimeOffset now, TimeSpan retention) =>
        retention >= now - DateTimeOffset.MinValue ? DateTimeOffset.MinValue : now - retention;

    /// <summary>
    /// Expires the articles older than <paramref name="cutoff"/>, a thousand at a time (each page's removals journaled
    /// with one write); a failure is logged and tried again at the next interval.
    /// </summary>
    private async Task TryExpireAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        const int Page = 1000;
        int expired = 0;
        try
        {
            int removed;
            do
            {
                removed = await _detector.ExpireAsync(cutoff, Page, cancellationToken).ConfigureAwait(false);
                expired += removed;
            }
            while (removed == Page);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            _telemetry?.ReportExpiryFailed(e);
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            _telemetry?.ReportExpired(expired, cutoff);
        }
    }

    /// <summary>
    /// Checkpoints, writing asynchronously; a failure has been reported to the detector's observer (logged) and leaves
    /// the journal whole, and so does a cancellation (the host stopping, or its shutdown timeout passing).
    /// </summary>
    private async Task TryCheckpointAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            // The host's shutdown timeout passed before the checkpoint could start (a shutdown timeout of 0, a slow
            // worker): the detector throws before it starts and reports nothing, so it is said here.
            _telemetry?.ReportCheckpointCancelled();
            return;
        }

        try
        {
            await _detector.CheckpointAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException)
        {
            // The host disposed the detector first: nothing is left to compact.
        }
    }
}

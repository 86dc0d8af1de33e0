using System.Diagnostics;
using System.Diagnostics.Metrics;
using Dedup.Detection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dedup.Extensions;

/// <summary>
/// Turns a detector's operations into logs, metrics and traces: set it as <see cref="DetectorOptions.Observer"/>
/// (<c>AddDedup</c> does).
/// </summary>
/// <remarks>
/// <para>Metrics, on the meter <see cref="MeterName"/> ("Dedup"):</para>
/// <list type="table">
/// <item><term>dedup.articles</term><description>Counter of articles handled, tagged <c>dedup.operation</c> and <c>dedup.outcome</c> (added, redelivered, removed, absent, searched, replayed); checkpoints add nothing.</description></item>
/// <item><term>dedup.candidates</term><description>Histogram of the indexed articles verified per search (how selective the candidate keys are).</description></item>
/// <item><term>dedup.copies</term><description>Counter of copies found, tagged <c>dedup.copy.kind</c> (duplicate, syndicated, excerpt, rewritten); a re-delivered article's are not counted again.</description></item>
/// <item><term>dedup.operation.duration</term><description>Histogram of each operation's duration in seconds, tagged <c>dedup.operation</c> (and <c>error.type</c> when it failed, <c>dedup.outcome</c> "cancelled" when it was cancelled), with bucket boundaries advised from 50 µs to 30 s.</description></item>
/// <item><term>dedup.errors</term><description>Counter of failed operations, tagged <c>dedup.operation</c> and <c>error.type</c> (a cancellation is no error: its activity is tagged <c>dedup.outcome</c> "cancelled", its status left unset).</description></item>
/// <item><term>dedup.shared_index.lost</term><description>Counter of the times a detector found its shared store had lost the index (<see cref="DetectorObserver.SharedIndexLost"/>).</description></item>
/// <item><term>dedup.buckets.lost</term><description>Counter of the times the detector's bucket store reported it had lost its keys (<see cref="DetectorObserver.BucketKeysLost"/>).</description></item>
/// <item><term>dedup.articles.expired</term><description>Counter of the articles the retention window removed (<see cref="DedupOptions.Retention"/>).</description></item>
/// </list>
/// <para>
/// The operations reported are the asynchronous calls (<c>FindCopiesAsync</c>, <c>AddAsync</c>, <c>FindOrAddAsync</c>,
/// <c>RemoveAsync</c>), the journal's replay and checkpoints; the synchronous calls report nothing, and a call whose token
/// is already cancelled throws before it starts. A failure marks the detector's own activity, never a caller's.
/// Traces: one activity per operation from the source <see cref="ActivitySourceName"/> ("Dedup"), named
/// <c>dedup.find_or_add</c>, <c>dedup.add</c>, ..., with the article id, the outcome, the articles handled, the candidates and
/// the copies as tags. Logs: one event per operation (batch), not per candidate, in the category
/// <c>Dedup.Extensions.DedupTelemetry</c>: CopiesFound (1, Debug; a re-delivery logs OperationCompleted), OperationCompleted (2, Debug), JournalReplayed (3, Information), CheckpointWritten (4, Information), OperationFailed (5, Warning), OperationCancelled (6, Debug), OperationRefused (15, Debug: an argument the call refused, which its caller has as an <see cref="ArgumentException"/>), CheckpointFailed (7, Warning), CheckpointCancelled (8, Information); and, once when the detector is made, ConfigurationSectionMissing (9, Warning) for a section given to <c>AddDedup</c> that does not exist; SharedIndexLost (10, Error) when a shared store lost the index; once when the detector is made in a process in globalization-invariant mode, UnicodeFoldingUnavailable (11, Warning); BucketKeysLost (12, Error) when the bucket store lost its keys; and, from the retention window,
/// ArticlesExpired (13, Information) and ExpiryFailed (14, Warning).
/// </para>
/// </remarks>
public sealed class DedupTelemetry : DetectorObserver, IDisposable
{
    /// <summary>The name of the meter: "Dedup".</summary>
    public const string MeterName = "Dedup";

    /// <summary>The name of the activity source: "Dedup".</summary>
    public const string ActivitySourceName = "Dedup";

    private static readonly ActivitySource Source = new(ActivitySourceName, typeof(DedupTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>
    /// The duration histogram's bucket boundaries in seconds, advised to exporters: a call takes well under a millisecond
    /// to seconds, which the default boundaries (made for milliseconds: 0, 5, 10, ... 10,000) would put in one bucket.
    /// </summary>
    internal static readonly IReadOnlyList<double> DurationBuckets =
        [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly ILogger _logger;
    private readonly Counter<long> _articles;
    private readonly Histogram<int> _candidates;
    private readonly Counter<long> _copies;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _errors;
    private readonly Counter<long> _lost;
    private readonly Counter<long> _bucketsLost;
    private readonly Counter<long> _expired;
    private readonly Lock _pendingLock = new();

    /// <summary>When a replay began that no activity listener heard (UTC), until it completes.</summary>
    private DateTimeOffset? _unheardReplayStart;

    /// <summary>A replay that nothing heard when it happened, reported at the next operation once something listens.</summary>
    private PendingReplay? _pending;

    /// <summary>Creates the telemetry with a meter from <paramref name="meterFactory"/> (or a meter of its own when null).</summary>
    /// <param name="meterFactory">Creates the "Dedup" meter; null to create one owned by this object.</param>
    /// <param name="logger">Receives the log events; null for none.</param>
    public DedupTelemetry(IMeterFactory? meterFactory = null, ILogger<DedupTelemetry>? logger = null)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _articles = _meter.CreateCounter<long>("dedup.articles", "{article}", "Articles handled by the detector.");
        _candidates = _meter.CreateHistogram<int>("dedup.candidates", "{article}", "Indexed articles verified per search.");
        _copies = _meter.CreateCounter<long>("dedup.copies", "{copy}", "Copies found, by kind.");
        _duration = _meter.CreateHistogram<double>("dedup.operation.duration", "s", "Duration of detector operations.", tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _errors = _meter.CreateCounter<long>("dedup.errors", "{error}", "Failed detector operations (cancellations are not counted).");
        _lost = _meter.CreateCounter<long>("dedup.shared_index.lost", "{event}", "Times a shared store was found to have lost the index.");
        _bucketsLost = _meter.CreateCounter<long>("dedup.buckets.lost", "{event}", "Times the detector's bucket store reported it had lost its keys.");
        _expired = _meter.CreateCounter<long>("dedup.articles.expired", "{article}", "Articles removed by the retention window.");
    }

    /// <inheritdoc/>
    public override IDisposable? Starting(DetectorOperation operation, string? articleId)
    {
        ReportPendingReplay();
        Activity? activity = Source.StartActivity(ActivityName(operation));
        if (operation == DetectorOperation.Replay && activity is null)
        {
            _unheardReplayStart = DateTimeOffset.UtcNow;
        }

        if (activity is not null && articleId is not null)
        {
            activity.SetTag("dedup.article.id", articleId);
        }

        return activity;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// A replay runs when the detector opens, which a host does when it first resolves it: often before the
    /// OpenTelemetry providers have started listening. Its activity (with its own start and end time) and its
    /// measurements are then reported at the next operation that finds something listening, or when the host has
    /// started (<c>AddDedup</c>'s service asks then), instead of being lost.
    /// </remarks>
    public override void Completed(in DetectorEvent detectorEvent)
    {
        string operation = OperationName(detectorEvent.Operation);
        var operationTag = new KeyValuePair<string, object?>("dedup.operation", operation);
        string outcome = Outcome(detectorEvent);

        // A replay nothing measured is measured later (ReportPendingReplay), not here.
        if (!(detectorEvent.Operation == DetectorOperation.Replay && DeferReplay(detectorEvent)))
        {
            if (detectorEvent.Operation != DetectorOperation.Checkpoint)
            {
                // A checkpoint rewrites the articles already counted when they were added: it handles none.
                _articles.Add(detectorEvent.Articles, operationTag, new KeyValuePair<string, object?>("dedup.outcome", outcome));
            }

            _duration.Record(detectorEvent.Elapsed.TotalSeconds, operationTag);
            if (detectorEvent.Operation is DetectorOperation.FindCopies or DetectorOperation.FindOrAdd)
            {
                _candidates.Record(detectorEvent.Candidates, operationTag);
            }

            // A re-delivered article's copies were found when it came first (and its list now holds the later copies
            // of it too): counted again, they made the counter describe deliveries, not copies found.
            if (!Redelivered(detectorEvent))
            {
                foreach (CopyMatch copy in detectorEvent.Copies)
                {
                    _copies.Add(1, new KeyValuePair<string, object?>("dedup.copy.kind", KindName(copy.Kind)));
                }
            }
        }

        if (Activity.Current is { } activity && activity.Source == Source)
        {
            activity.SetTag("dedup.outcome", outcome);
            activity.SetTag("dedup.articles", detectorEvent.Articles);
            activity.SetTag("dedup.candidates", detectorEvent.Candidates);
            activity.SetTag("dedup.copies", detectorEvent.Copies.Count);
            activity.SetTag("dedup.changed", detectorEvent.Changed);
        }

        double ms = detectorEvent.Elapsed.TotalMilliseconds;
        switch (detectorEvent.Operation)
        {
            case DetectorOperation.Replay:
                DedupLog.JournalReplayed(_logger, detectorEvent.IndexedArticles ?? 0, detectorEvent.Articles, ms);
                break;
            case DetectorOperation.Checkpoint:
                DedupLog.CheckpointWritten(_logger, detectorEvent.Articles, ms);
                break;
            case DetectorOperation.FindCopies or DetectorOperation.FindOrAdd when detectorEvent.Copies.Count > 0 && !Redelivered(detectorEvent):
                CopyMatch best = detectorEvent.Copies[0];
                string kind = KindName(best.Kind);
                DedupLog.CopiesFound(_logger, operation, detectorEvent.ArticleId ?? string.Empty, detectorEvent.Copies.Count, best.Id, kind, best.Score, detectorEvent.Candidates, ms);
                break;
            default:
                DedupLog.OperationCompleted(_logger, operation, detectorEvent.ArticleId ?? string.Empty, outcome, detectorEvent.Candidates, ms);
                break;
        }
    }

    /// <inheritdoc/>
    public override void Failed(DetectorOperation operation, string? articleId, Exception exception) =>
        Report(operation, articleId, exception, elapsed: null);

    /// <inheritdoc/>
    /// <remarks>The time goes to <c>dedup.operation.duration</c> with the operation's other calls, tagged <c>error.type</c> besides.</remarks>
    public override void Failed(DetectorOperation operation, string? articleId, Exception exception, TimeSpan elapsed) =>
        Report(operation, articleId, exception, elapsed);

    /// <inheritdoc/>
    /// <remarks>Logged as SharedIndexLost (10, Error) and counted in <c>dedup.shared_index.lost</c>.</remarks>
    public override void SharedIndexLost()
    {
        _lost.Add(1);
        DedupLog.SharedIndexLost(_logger);
    }

    /// <inheritdoc/>
    /// <remarks>Logged as BucketKeysLost (12, Error) and counted in <c>dedup.buckets.lost</c>.</remarks>
    public override void BucketKeysLost()
    {
        _bucketsLost.Add(1);
        DedupLog.BucketKeysLost(_logger);
    }

    private void Report(DetectorOperation operation, string? articleId, Exception exception, TimeSpan? elapsed)
    {
        ArgumentNullException.ThrowIfNull(exception);
        string name = OperationName(operation);
        var operationTag = new KeyValuePair<string, object?>("dedup.operation", name);
        // A cancellation is the caller's decision (a request given up, the host stopping), not a fault: it is no error,
        // and the alerts a service sets on dedup.errors or error spans fired at every deploy.
        bool cancelled = exception is OperationCanceledException;
        var errorTag = cancelled
            ? new KeyValuePair<string, object?>("dedup.outcome", "cancelled")
            : new KeyValuePair<string, object?>("error.type", exception.GetType().FullName);
        if (!cancelled)
        {
            _errors.Add(1, operationTag, errorTag);
        }

        if (elapsed is { } time)
        {
            // A failed call took time too (a store timing out took seconds): left out, the histogram showed only the fast ones.
            _duration.Record(time.TotalSeconds, operationTag, errorTag);
        }

        if (Activity.Current is { } activity && activity.Source == Source)
        {
            // Only the detector's own activity: a caller's span (an HTTP request that handles the error) is the caller's to mark.
            if (cancelled)
            {
                activity.SetTag("dedup.outcome", "cancelled");
            }
            else
            {
                activity.SetStatus(ActivityStatusCode.Error, exception.Message);
            }
        }
        // A checkpoint is about no article (its message had an empty id in it), and its cancellation, when the host
        // stops, leaves a journal to replay at the next start: worth more than a debug line.
        if (operation == DetectorOperation.Checkpoint)
        {
            if (exception is OperationCanceledException)
            {
                DedupLog.CheckpointCancelled(_logger);
            }
            else
            {
                DedupLog.CheckpointFailed(_logger, exception);
            }
        }
        else if (exception is OperationCanceledException)
        {
            DedupLog.OperationCancelled(_logger, name, articleId ?? string.Empty);
        }
        else if (exception is ArgumentException)
        {
            // The caller's article or argument was refused, and the caller has the exception: a warning with its stack
            // here too reported one bad input twice (a feed's malformed item in a worker's log, at every delivery).
            DedupLog.OperationRefused(_logger, name, articleId ?? string.Empty, exception.Message);
        }
        else
        {
            DedupLog.OperationFailed(_logger, exception, name, articleId ?? string.Empty);
        }
    }

    /// <summary>Logs CheckpointCancelled for a checkpoint that never started: its token was cancelled before the call.</summary>
    internal void ReportCheckpointCancelled() => DedupLog.CheckpointCancelled(_logger);

    /// <summary>Logs and counts the articles an expiry removed (<c>dedup.articles.expired</c>).</summary>
    internal void ReportExpired(int articles, DateTimeOffset cutoff)
    {
        if (articles > 0)
        {
            _expired.Add(articles);
            DedupLog.ArticlesExpired(_logger, articles, cutoff);
        }
    }

    /// <summary>Logs an expiry that failed (the journal could not be written, say).</summary>
    internal void ReportExpiryFailed(Exception exception) => DedupLog.ExpiryFailed(_logger, exception);

    /// <summary>
    /// Reports a replay that nothing heard when it happened, if something listens now: its activity, started and ended
    /// at the replay's own times (a root activity, never a child of the caller's), and its measurements.
    /// </summary>
    internal void ReportPendingReplay()
    {
        if (Volatile.Read(ref _pending) is null)
        {
            return;
        }

        lock (_pendingLock)
        {
            if (_pending is not { } pending)
            {
                return;
            }

            bool activityLeft = pending.Activity;
            if (activityLeft && Source.HasListeners())
            {
                Activity? caller = Activity.Current;
                Activity.Current = null;
                try
                {
                    using Activity? activity = Source.StartActivity(ActivityName(DetectorOperation.Replay), ActivityKind.Internal, default(ActivityContext), tags: null, links: null, startTime: pending.Start);
                    if (activity is not null)
                    {
                        activity.SetTag("dedup.candidates", 0);
                        activity.SetTag("dedup.copies", 0);
                        activity.SetTag("dedup.changed", pending.Changed);
                        activity.SetEndTime((pending.Start + pending.Elapsed).UtcDateTime);
                    }
                }
                finally
                {
                    Activity.Current = caller;
                }

                activityLeft = false;
            }

            bool metricsLeft = pending.Metrics;
            if (metricsLeft && (_articles.Enabled || _duration.Enabled))
            {
                RecordReplay(pending.Records, pending.Elapsed);
                metricsLeft = false;
            }

            Volatile.Write(ref _pending, activityLeft || metricsLeft ? pending with { Activity = activityLeft, Metrics = metricsLeft } : null);
        }
    }

    /// <summary>
    /// Keeps what nothing heard of a replay (its activity, its measurements) for <see cref="ReportPendingReplay"/>;
    /// true when the measurements are kept, which the caller then does not record.
    /// </summary>
    private bool DeferReplay(in DetectorEvent replay)
    {
        DateTimeOffset? unheard = _unheardReplayStart;
        _unheardReplayStart = null;
        bool metrics = !_articles.Enabled && !_duration.Enabled;
        if (unheard is not null || metrics)
        {
            lock (_pendingLock)
            {
                Volatile.Write(ref _pending, new PendingReplay(unheard ?? DateTimeOffset.UtcNow - replay.Elapsed, replay.Elapsed, replay.Articles, replay.Changed, Activity: unheard is not null, Metrics: metrics));
            }
        }

        return metrics;
    }

    private void RecordReplay(int records, TimeSpan elapsed)
    {
        var operationTag = new KeyValuePair<string, object?>("dedup.operation", OperationName(DetectorOperation.Replay));
        _articles.Add(records, operationTag, new KeyValuePair<string, object?>("dedup.outcome", "replayed"));
        _duration.Record(elapsed.TotalSeconds, operationTag);
    }

    /// <summary>Disposes the meter when this object created it.</summary>
    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    /// <summary>A replay not yet reported: when it began and how long it took, and what of it is left to report.</summary>
    private sealed record PendingReplay(DateTimeOffset Start, TimeSpan Elapsed, int Records, bool Changed, bool Activity, bool Metrics);

    /// <summary>Whether the event is a find-or-add of an article already indexed with the same text.</summary>
    private static bool Redelivered(in DetectorEvent e) => e.Operation == DetectorOperation.FindOrAdd && !e.Changed;

    private static string Outcome(in DetectorEvent e) => e.Operation switch
    {
        DetectorOperation.Add or DetectorOperation.FindOrAdd => e.Changed ? "added" : "redelivered",
        DetectorOperation.Remove => e.Changed ? "removed" : "absent",
        DetectorOperation.FindCopies => "searched",
        DetectorOperation.Replay => "replayed",
        _ => "checkpointed",
    };

    private static string OperationName(DetectorOperation operation) => operation switch
    {
        DetectorOperation.FindCopies => "find_copies",
        DetectorOperation.Add => "add",
        DetectorOperation.FindOrAdd => "find_or_add",
        DetectorOperation.Remove => "remove",
        DetectorOperation.Replay => "replay",
        _ => "checkpoint",
    };

    private static string ActivityName(DetectorOperation operation) => "dedup." + OperationName(operation);

    private static string KindName(CopyKind kind) => kind switch
    {
        CopyKind.Duplicate => "duplicate",
        CopyKind.Syndicated => "syndicated",
        CopyKind.Excerpt => "excerpt",
        CopyKind.Rewritten => "rewritten",
        _ => kind.ToString(),
    };
}

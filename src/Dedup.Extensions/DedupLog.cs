using Microsoft.Extensions.Logging;

namespace Dedup.Extensions;

/// <summary>The detector's log events (source-generated), one per operation, and the service's: event ids 1 to 15 under the category <c>Dedup.Extensions.DedupTelemetry</c>.</summary>
internal static partial class DedupLog
{
    [LoggerMessage(EventId = 1, EventName = "CopiesFound", Level = LogLevel.Debug,
        Message = "{Operation} {ArticleId}: {Copies} copies, best {BestId} ({Kind}, score {Score:F2}), among {Candidates} candidates in {ElapsedMs:F1} ms")]
    public static partial void CopiesFound(ILogger logger, string operation, string articleId, int copies, string bestId, string kind, double score, int candidates, double elapsedMs);

    [LoggerMessage(EventId = 2, EventName = "OperationCompleted", Level = LogLevel.Debug,
        Message = "{Operation} {ArticleId}: {Outcome}, {Candidates} candidates in {ElapsedMs:F1} ms")]
    public static partial void OperationCompleted(ILogger logger, string operation, string articleId, string outcome, int candidates, double elapsedMs);

    [LoggerMessage(EventId = 3, EventName = "JournalReplayed", Level = LogLevel.Information,
        Message = "Opened the index: {Articles} articles indexed, {Records} journal records replayed in {ElapsedMs:F1} ms (after its snapshot was loaded; any rebuild of the corpus model over the snapshot's articles included)")]
    public static partial void JournalReplayed(ILogger logger, int articles, int records, double elapsedMs);

    [LoggerMessage(EventId = 4, EventName = "CheckpointWritten", Level = LogLevel.Information,
        Message = "Checkpoint: {Articles} articles written to the snapshot in {ElapsedMs:F1} ms")]
    public static partial void CheckpointWritten(ILogger logger, int articles, double elapsedMs);

    [LoggerMessage(EventId = 5, EventName = "OperationFailed", Level = LogLevel.Warning,
        Message = "{Operation} {ArticleId} failed")]
    public static partial void OperationFailed(ILogger logger, Exception exception, string operation, string articleId);

    [LoggerMessage(EventId = 6, EventName = "OperationCancelled", Level = LogLevel.Debug,
        Message = "{Operation} {ArticleId} was cancelled")]
    public static partial void OperationCancelled(ILogger logger, string operation, string articleId);

    [LoggerMessage(EventId = 7, EventName = "CheckpointFailed", Level = LogLevel.Warning,
        Message = "Checkpoint failed; the journal keeps every change, and the next checkpoint compacts it")]
    public static partial void CheckpointFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 8, EventName = "CheckpointCancelled", Level = LogLevel.Information,
        Message = "Checkpoint cancelled (the host stopping?); the journal keeps every change, replayed at the next start unless a checkpoint compacts it first")]
    public static partial void CheckpointCancelled(ILogger logger);

    [LoggerMessage(EventId = 9, EventName = "ConfigurationSectionMissing", Level = LogLevel.Warning,
        Message = "The configuration section '{Section}' given to AddDedup does not exist: the detector runs on the defaults (is the path right?)")]
    public static partial void ConfigurationSectionMissing(ILogger logger, string section);

    [LoggerMessage(EventId = 10, EventName = "SharedIndexLost", Level = LogLevel.Error,
        Message = "The shared index was lost: its store no longer had the settings this detector found there before, and they were recorded anew (a server restarted without persistence, or its keys flushed, evicted or cleared). The articles indexed before are gone and their copies are no longer found; add them again, or restore the server's data")]
    public static partial void SharedIndexLost(ILogger logger);

    [LoggerMessage(EventId = 11, EventName = "UnicodeFoldingUnavailable", Level = LogLevel.Warning,
        Message = "This process runs in globalization-invariant mode (InvariantGlobalization), where .NET does not normalize text: the detector folds no Unicode compatibility characters (fullwidth forms, ligatures) and composes no combining marks, so copies that differ only in those forms are not found. Set InvariantGlobalization to false (with ICU installed) to fold them")]
    public static partial void UnicodeFoldingUnavailable(ILogger logger);

    [LoggerMessage(EventId = 12, EventName = "BucketKeysLost", Level = LogLevel.Error,
        Message = "The detector's bucket store lost its keys (a server restarted without persistence, or its keys flushed): searches find no copies among the articles indexed before until their keys are added again with CopyDetector.RestoreBucketsAsync")]
    public static partial void BucketKeysLost(ILogger logger);

    [LoggerMessage(EventId = 13, EventName = "ArticlesExpired", Level = LogLevel.Information,
        Message = "Expired {Articles} articles older than {Cutoff:o} (the retention window)")]
    public static partial void ArticlesExpired(ILogger logger, int articles, DateTimeOffset cutoff);

    [LoggerMessage(EventId = 15, EventName = "OperationRefused", Level = LogLevel.Debug,
        Message = "{Operation} {ArticleId} was refused: {Reason}")]
    public static partial void OperationRefused(ILogger logger, string operation, string articleId, string reason);

    [LoggerMessage(EventId = 14, EventName = "ExpiryFailed", Level = LogLevel.Warning,
        Message = "Expiring the articles older than the retention window failed; tried again at the next interval")]
    public static partial void ExpiryFailed(ILogger logger, Exception exception);
}

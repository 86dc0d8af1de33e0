using Dedup.Detection;

namespace Dedup.Extensions;

/// <summary>
/// Settings of the detector that <c>services.AddDedup(...)</c> registers, bound from configuration (by default the
/// "Dedup" section) and validated when the host starts.
/// </summary>
/// <remarks>
/// The detector settings are nullable: a value left unset keeps the snapshot's saved setting when
/// <see cref="SnapshotPath"/> names an existing snapshot, and the library default otherwise. Example (appsettings.json):
/// <code>
/// "Dedup": { "SnapshotPath": "/var/lib/news/dedup.index", "Threshold": 0.5, "JournalFlush": "Disk" }
/// </code>
/// </remarks>
public sealed class DedupOptions
{
    /// <summary>The configuration section <c>AddDedup(configuration)</c> binds: "Dedup".</summary>
    public const string SectionName = "Dedup";

    /// <summary>Minimum score in [0, 1] for two articles to be copies (<see cref="DetectorOptions.Threshold"/>); null to keep the saved or default value.</summary>
    public double? Threshold { get; set; }

    /// <summary>Words per shingle, 1 to 32 (<see cref="DetectorOptions.ShingleSize"/>); null to keep the saved or default value. Must match an existing snapshot.</summary>
    public int? ShingleSize { get; set; }

    /// <summary>Corpus-level boilerplate frequency, at least 2 (<see cref="DetectorOptions.BoilerplateDocumentFrequency"/>); null to keep the saved or default value.</summary>
    public int? BoilerplateDocumentFrequency { get; set; }

    /// <summary>
    /// Where the detector keeps its snapshot; its journal goes beside it (<c>SnapshotPath.journal</c>). A relative path
    /// is resolved against the host's content root (<c>IHostEnvironment.ContentRootPath</c>), or the working directory
    /// where no host environment is registered. When set, the
    /// detector is opened with <see cref="CopyDetector.Open"/>: it survives restarts and crashes, and a hosted service
    /// checkpoints it. When null (the default), the index lives in memory only.
    /// </summary>
    public string? SnapshotPath { get; set; }

    /// <summary>When journal records reach the disk (<see cref="Dedup.Detection.JournalFlush"/>). Default <see cref="JournalFlush.Disk"/>.</summary>
    public JournalFlush JournalFlush { get; set; } = JournalFlush.Disk;

    /// <summary>The hosted service checkpoints once the journal holds more than this many bytes. Default 64 MiB.</summary>
    public long CheckpointJournalBytes { get; set; } = 64L << 20;

    /// <summary>How often the hosted service looks at the journal's size. Default one minute. In configuration, a time span ("00:00:30"); a plain number is refused, since .NET would read it as days.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Whether the hosted service checkpoints when the host stops, so the next start replays nothing. Default true.</summary>
    public bool CheckpointOnShutdown { get; set; } = true;

    /// <summary>
    /// A time window of news: the hosted service removes the articles published longer ago than this (undated ones:
    /// indexed longer ago) every <see cref="CheckpointInterval"/>, with <see cref="CopyDetector.ExpireAsync"/>. Null (the
    /// default) keeps every article. In configuration, a time span ("7.00:00:00" is seven days). The snapshot and the
    /// journal keep when an undated article was indexed, so a restart does not restart its window (one loaded from an
    /// index written by an older library counts from the start).
    /// </summary>
    public TimeSpan? Retention { get; set; }

    /// <summary>Applies the settings that are set to <paramref name="options"/>.</summary>
    internal DetectorOptions ApplyTo(DetectorOptions options) => options with
    {
        Threshold = Threshold ?? options.Threshold,
        ShingleSize = ShingleSize ?? options.ShingleSize,
        BoilerplateDocumentFrequency = BoilerplateDocumentFrequency ?? options.BoilerplateDocumentFrequency,
    };
}

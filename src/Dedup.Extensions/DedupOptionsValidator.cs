using Microsoft.Extensions.Options;

namespace Dedup.Extensions;

/// <summary>Checks <see cref="DedupOptions"/>: every failure names the setting and its allowed range.</summary>
internal sealed class DedupOptionsValidator : IValidateOptions<DedupOptions>
{
    public ValidateOptionsResult Validate(string? name, DedupOptions options)
    {
        var failures = new List<string>();
        if (options.Threshold is { } t && !(t is >= 0 and <= 1))
        {
            failures.Add($"Dedup:Threshold is {t}; it must lie in [0, 1].");
        }

        if (options.ShingleSize is { } k && k is < 1 or > 32)
        {
            failures.Add($"Dedup:ShingleSize is {k}; it must lie in [1, 32].");
        }

        if (options.BoilerplateDocumentFrequency is { } f && f < 2)
        {
            failures.Add($"Dedup:BoilerplateDocumentFrequency is {f}; it must be at least 2.");
        }

        if (options.SnapshotPath is { } path && string.IsNullOrWhiteSpace(path))
        {
            failures.Add("Dedup:SnapshotPath is blank; leave it out for an index in memory.");
        }

        if (options.CheckpointInterval <= TimeSpan.Zero)
        {
            failures.Add($"Dedup:CheckpointInterval is {options.CheckpointInterval}; it must be positive.");
        }

        if (options.CheckpointJournalBytes < 0)
        {
            failures.Add($"Dedup:CheckpointJournalBytes is {options.CheckpointJournalBytes}; it must not be negative.");
        }

        if (!Enum.IsDefined(options.JournalFlush))
        {
            failures.Add($"Dedup:JournalFlush is {options.JournalFlush}; it must be Disk or OperatingSystem.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

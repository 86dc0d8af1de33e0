using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Dedup.Extensions;

/// <summary>Checks <see cref="DedupOptions"/>: every failure names the setting and its allowed range.</summary>
internal sealed class DedupOptionsValidator : IValidateOptions<DedupOptions>
{
    /// <summary>The longest interval a timer takes (2^32 - 2 milliseconds, about 49.7 days).</summary>
    internal static readonly TimeSpan MaxCheckpointInterval = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly string _section;
    private readonly IConfiguration? _configuration;

    /// <param name="section">The configuration path the options are bound from, which the messages name ("Dedup" when set in code).</param>
    /// <param name="configuration">The configuration the options are bound from, whose raw values are checked too; null when set in code.</param>
    public DedupOptionsValidator(string section = DedupOptions.SectionName, IConfiguration? configuration = null)
    {
        _section = section;
        _configuration = configuration;
    }

    /// <summary>The settings a configuration section may hold (the names of <see cref="DedupOptions"/>' properties).</summary>
    internal static readonly string[] Settings =
    [
        nameof(DedupOptions.Threshold), nameof(DedupOptions.ShingleSize), nameof(DedupOptions.BoilerplateDocumentFrequency),
        nameof(DedupOptions.SnapshotPath), nameof(DedupOptions.JournalFlush), nameof(DedupOptions.CheckpointJournalBytes),
        nameof(DedupOptions.CheckpointInterval), nameof(DedupOptions.CheckpointOnShutdown), nameof(DedupOptions.Retention),
    ];

    public ValidateOptionsResult Validate(string? name, DedupOptions options)
    {
        var failures = new List<string>();
        if (_configuration is not null)
        {
            CheckShape(_configuration, failures);
        }

        if (options.Threshold is { } t && !(t is >= 0 and <= 1))
        {
            failures.Add($"{_section}:Threshold is {t}; it must lie in [0, 1].");
        }

        if (options.ShingleSize is { } k && k is < 1 or > 32)
        {
            failures.Add($"{_section}:ShingleSize is {k}; it must lie in [1, 32].");
        }

        if (options.BoilerplateDocumentFrequency is { } f && f < 2)
        {
            failures.Add($"{_section}:BoilerplateDocumentFrequency is {f}; it must be at least 2.");
        }

        if (options.SnapshotPath is { } path && string.IsNullOrWhiteSpace(path))
        {
            failures.Add($"{_section}:SnapshotPath is blank; leave it out for an index in memory.");
        }

        if (_configuration?[nameof(DedupOptions.CheckpointInterval)] is { } interval
            && long.TryParse(interval, NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long number))
        {
            // TimeSpan reads "30" as 30 days, which a timer takes: a checkpoint meant every 30 seconds would come monthly.
            failures.Add($"{_section}:CheckpointInterval is '{interval.Trim()}', a plain number, which is read as {number} days; write it as a time span (hh:mm:ss): '00:00:30' is 30 seconds, '00:05:00' five minutes.");
        }
        else if (options.CheckpointInterval < TimeSpan.FromMilliseconds(1) || options.CheckpointInterval > MaxCheckpointInterval)
        {
            failures.Add($"{_section}:CheckpointInterval is {options.CheckpointInterval}; it must lie in [00:00:00.001, {MaxCheckpointInterval}] (a plain number is read as days).");
        }

        if (options.CheckpointJournalBytes < 0)
        {
            failures.Add($"{_section}:CheckpointJournalBytes is {options.CheckpointJournalBytes}; it must not be negative.");
        }

        if (options.Retention is { } retention && retention <= TimeSpan.Zero)
        {
            failures.Add($"{_section}:Retention is {retention}; it must be positive (leave it out to keep every article).");
        }

        if (_configuration?[nameof(DedupOptions.Retention)] is { } window
            && long.TryParse(window, NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long days))
        {
            // As for the interval: a plain number is days to TimeSpan, which may be meant, or may be seconds; say it.
            failures.Add($"{_section}:Retention is '{window.Trim()}', a plain number, which is read as {days} days; write it as a time span: '7.00:00:00' is seven days, '12:00:00' twelve hours.");
        }

        if (!Enum.IsDefined(options.JournalFlush))
        {
            failures.Add($"{_section}:JournalFlush is {options.JournalFlush}; it must be Disk or OperatingSystem.");
        }

        // Fail joins the failures with "; " into the exception's message: without their full stops, it does not read ".;".
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures.Select(f => f.TrimEnd('.')));
    }

    /// <summary>
    /// What the binder passes over without a word, named by path: a key that is no setting (the service ran with an index
    /// in memory for "SnapshotPth"), a setting written as a section or a list ("Retention": { "Days": 7 } bound nothing:
    /// every article was kept), and the section written as a value ("Dedup": "hello").
    /// </summary>
    private void CheckShape(IConfiguration configuration, List<string> failures)
    {
        if (configuration is IConfigurationSection { Value: { } value } && !configuration.GetChildren().Any())
        {
            failures.Add($"{_section} is the value '{value}'; it must be a section of settings ({string.Join(", ", Settings)}).");
            return;
        }

        foreach (IConfigurationSection child in configuration.GetChildren())
        {
            if (!Settings.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                failures.Add($"{child.Path} is not a setting; the settings of {_section} are {string.Join(", ", Settings)}.");
            }
            else if (child.GetChildren().Any())
            {
                failures.Add($"{child.Path} holds {string.Join(", ", child.GetChildren().Select(c => c.Key))}; it must be a single value, not a section or a list.");
            }
        }
    }
}

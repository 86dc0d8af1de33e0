using Dedup.Detection;
using Dedup.Extensions;
using Dedup.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a <see cref="CopyDetector"/> with its settings, telemetry and checkpoints.</summary>
public static class DedupServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="CopyDetector"/> configured from the "Dedup" section of
    /// <paramref name="configuration"/> (see <see cref="DedupOptions"/>), validated when the host starts.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">
    /// The configuration whose "Dedup" section is bound, or, when it has none, the section to bind itself (any name:
    /// <c>configuration.GetSection("News:Dedup")</c> or <c>GetSection("DedupSettings")</c>). Validation messages name the
    /// settings by their path in it.
    /// </param>
    /// <param name="configureDetector">
    /// Optional further detector settings, given the service provider: e.g. an <see cref="DetectorOptions.ArticleLookupAsync"/>
    /// that reads the article store.
    /// </param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddDedup(
        this IServiceCollection services,
        IConfiguration configuration,
        Func<IServiceProvider, DetectorOptions, DetectorOptions>? configureDetector = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        // A "Dedup" section below the one given is bound; otherwise a section given is bound itself (whatever its name),
        // and a root without one binds its empty "Dedup" section (the defaults).
        IConfigurationSection nested = configuration.GetSection(DedupOptions.SectionName);
        IConfiguration section = !nested.Exists() && configuration is IConfigurationSection ? configuration : nested;
        // Keys that are no settings, and settings written as sections, are named by path by the validator (the binder's
        // own check named no path, and let a section where a value belongs bind nothing).
        services.AddOptions<DedupOptions>().Bind(section);
        // A section given by path that holds nothing ("News:Dedupe" for "News:Dedup") binds the defaults: said at start.
        // So does a root without a "Dedup" section (AddDedup(builder.Configuration) in a host whose settings file lost
        // it): the detector is then an index in memory, and a service that meant to keep it would lose it at every restart.
        string? missing = configuration is IConfigurationSection given
            ? given.Exists() ? null : given.Path
            : nested.Exists() ? null : nested.Path;
        return services.AddDedupCore(configureDetector, section is IConfigurationSection { Path: { Length: > 0 } path } ? path : DedupOptions.SectionName, section, missing);
    }

    /// <summary>Registers a singleton <see cref="CopyDetector"/> configured in code (see <see cref="DedupOptions"/>), validated when the host starts.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options; null for the defaults (an index in memory).</param>
    /// <param name="configureDetector">Optional further detector settings, given the service provider.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddDedup(
        this IServiceCollection services,
        Action<DedupOptions>? configure = null,
        Func<IServiceProvider, DetectorOptions, DetectorOptions>? configureDetector = null)
    {
        OptionsBuilder<DedupOptions> options = services.AddOptions<DedupOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return services.AddDedupCore(configureDetector, DedupOptions.SectionName, configuration: null, missingSection: null);
    }

    /// <summary>Logs UnicodeFoldingUnavailable when the process folds no compatibility characters (globalization-invariant mode).</summary>
    internal static void WarnIfNoUnicodeFolding(ILogger logger, bool foldsCompatibilityCharacters)
    {
        if (!foldsCompatibilityCharacters)
        {
            DedupLog.UnicodeFoldingUnavailable(logger);
        }
    }

    private static IServiceCollection AddDedupCore(this IServiceCollection services, Func<IServiceProvider, DetectorOptions, DetectorOptions>? configureDetector, string sectionPath, IConfiguration? configuration, string? missingSection)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<DedupOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DedupOptions>, DedupOptionsValidator>(_ => new DedupOptionsValidator(sectionPath, configuration)));
        services.AddMetrics();
        services.TryAddSingleton(sp => new DedupTelemetry(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), sp.GetService<ILogger<DedupTelemetry>>()));
        services.TryAddSingleton(sp =>
        {
            DedupOptions options = sp.GetRequiredService<IOptions<DedupOptions>>().Value;
            DedupTelemetry telemetry = sp.GetRequiredService<DedupTelemetry>();
            if (sp.GetService<ILogger<DedupTelemetry>>() is { } logger)
            {
                if (missingSection is not null)
                {
                    DedupLog.ConfigurationSectionMissing(logger, missingSection);
                }

                WarnIfNoUnicodeFolding(logger, Tokenizer.FoldsCompatibilityCharacters);
            }

            DetectorOptions Configure(DetectorOptions o)
            {
                o = options.ApplyTo(o) with { Observer = telemetry };
                return configureDetector is null ? o : configureDetector(sp, o);
            }

            // A relative path is the host's content root's, as the host's other files are (a service manager may start
            // the process in "/" or System32).
            if (options.SnapshotPath is not { } path)
            {
                return new CopyDetector(Configure(DetectorOptions.Default));
            }

            string full = Path.Combine(sp.GetService<IHostEnvironment>()?.ContentRootPath ?? string.Empty, path);
            bool existing = File.Exists(full);
            DetectorOptions ConfigureExisting(DetectorOptions snapshot)
            {
                // The shingle size shapes the stored index: a configuration that sets another was blamed on SnapshotPath,
                // with advice for the API ("load without options"). It is named here, with what to do in configuration.
                if (existing && options.ShingleSize is { } size && size != snapshot.ShingleSize)
                {
                    throw new InvalidOperationException(
                        $"{sectionPath}:ShingleSize is {size}, but the index '{full}' ({sectionPath}:SnapshotPath) was made with shingle size {snapshot.ShingleSize}, which its stored articles keep. Remove {sectionPath}:ShingleSize (an unset setting keeps the index's), or give {sectionPath}:SnapshotPath a new file for an index of the new size.");
                }

                return Configure(snapshot);
            }

            try
            {
                return CopyDetector.Open(full, new JournalOptions { Flush = options.JournalFlush }, ConfigureExisting);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or ArgumentException)
            {
                // The index's own message names the file; this names the setting that chose it (a missing folder, no
                // write permission, another process holding it, a damaged snapshot).
                throw new InvalidOperationException($"{sectionPath}:SnapshotPath is '{path}' ({full}): {e.Message}", e);
            }
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DedupCheckpointService>());
        return services;
    }
}

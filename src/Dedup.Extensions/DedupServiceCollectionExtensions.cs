using Dedup.Detection;
using Dedup.Extensions;
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
    /// <param name="configuration">The configuration root (its "Dedup" section is bound) or the section itself.</param>
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
        IConfiguration section = configuration is IConfigurationSection { Key: DedupOptions.SectionName } ? configuration : configuration.GetSection(DedupOptions.SectionName);
        services.AddOptions<DedupOptions>().Bind(section);
        return services.AddDedupCore(configureDetector);
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

        return services.AddDedupCore(configureDetector);
    }

    private static IServiceCollection AddDedupCore(this IServiceCollection services, Func<IServiceProvider, DetectorOptions, DetectorOptions>? configureDetector)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<DedupOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DedupOptions>, DedupOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton(sp => new DedupTelemetry(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), sp.GetService<ILogger<DedupTelemetry>>()));
        services.TryAddSingleton(sp =>
        {
            DedupOptions options = sp.GetRequiredService<IOptions<DedupOptions>>().Value;
            DedupTelemetry telemetry = sp.GetRequiredService<DedupTelemetry>();
            DetectorOptions Configure(DetectorOptions o)
            {
                o = options.ApplyTo(o) with { Observer = telemetry };
                return configureDetector is null ? o : configureDetector(sp, o);
            }

            return options.SnapshotPath is { } path
                ? CopyDetector.Open(path, new JournalOptions { Flush = options.JournalFlush }, Configure)
                : new CopyDetector(Configure(DetectorOptions.Default));
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DedupCheckpointService>());
        return services;
    }
}

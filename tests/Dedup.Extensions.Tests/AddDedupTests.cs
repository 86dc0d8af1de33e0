using System.Diagnostics;
using System.Diagnostics.Metrics;
using Dedup.Detection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dedup.Extensions.Tests;

public sealed class AddDedupTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("dedup-extensions-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static ServiceProvider Build(Dictionary<string, string?> settings, ILoggerProvider? logs = null)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(b =>
        {
            b.SetMinimumLevel(LogLevel.Debug);
            if (logs is not null)
            {
                b.AddProvider(logs);
            }
        });
        services.AddDedup(configuration);
        return services.BuildServiceProvider(validateScopes: true);
    }

    [Fact]
    public void Options_are_bound_from_the_Dedup_section()
    {
        using ServiceProvider provider = Build(new() { ["Dedup:Threshold"] = "0.6", ["Dedup:BoilerplateDocumentFrequency"] = "20" });

        CopyDetector detector = provider.GetRequiredService<CopyDetector>();

        Assert.Equal(0.6, detector.Options.Threshold);
        Assert.Equal(20, detector.Options.BoilerplateDocumentFrequency);
        Assert.Equal(DetectorOptions.Default.ShingleSize, detector.Options.ShingleSize);
        Assert.IsType<DedupTelemetry>(detector.Options.Observer);
        Assert.Same(detector, provider.GetRequiredService<CopyDetector>());
    }

    [Fact]
    public void Invalid_options_fail_validation_naming_the_setting()
    {
        using ServiceProvider provider = Build(new() { ["Dedup:Threshold"] = "1.5", ["Dedup:ShingleSize"] = "0" });

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DedupOptions>>().Value);

        Assert.Contains(e.Failures, f => f.Contains("Dedup:Threshold", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.Contains("Dedup:ShingleSize", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_host_with_invalid_options_does_not_start()
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Dedup:CheckpointInterval"] = "-00:01:00" });
        builder.Services.AddDedup(builder.Configuration);
        using IHost host = builder.Build();

        await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Metrics_count_articles_candidates_copies_by_kind_and_time_each_operation()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using ServiceProvider provider = Build([]);
        IMeterFactory factory = provider.GetRequiredService<IMeterFactory>();
        var measurements = new List<(string Name, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == DedupTelemetry.MeterName && instrument.Meter.Scope == factory)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            lock (measurements)
            {
                measurements.Add((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));
            }
        }

        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<int>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        listener.Start();
        CopyDetector detector = provider.GetRequiredService<CopyDetector>();

        await detector.FindOrAddAsync(Stories.Original, ct);
        await detector.FindOrAddAsync(Stories.Unrelated, ct);
        await detector.FindOrAddAsync(Stories.Wire, ct);
        await detector.FindOrAddAsync(Stories.Wire, ct);

        Assert.Equal(3, measurements.Where(m => m.Name == "dedup.articles" && (string?)m.Tags["dedup.outcome"] == "added").Sum(m => m.Value));
        Assert.Equal(1, measurements.Where(m => m.Name == "dedup.articles" && (string?)m.Tags["dedup.outcome"] == "redelivered").Sum(m => m.Value));
        Assert.Equal(2, measurements.Count(m => m.Name == "dedup.copies" && (string?)m.Tags["dedup.copy.kind"] == "syndicated"));
        Assert.Equal(2, measurements.Count(m => m.Name == "dedup.copies"));
        Assert.Equal(4, measurements.Count(m => m.Name == "dedup.candidates"));
        Assert.Contains(measurements, m => m.Name == "dedup.candidates" && m.Value >= 1);
        Assert.Equal(4, measurements.Count(m => m.Name == "dedup.operation.duration" && (string?)m.Tags["dedup.operation"] == "find_or_add" && m.Value > 0));
    }

    [Fact]
    public async Task Each_operation_is_traced_and_logged_once()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        var logs = new CapturingLoggerProvider();
        using ServiceProvider provider = Build([], logs);
        var activities = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == DedupTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                lock (activities)
                {
                    activities.Add(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        CopyDetector detector = provider.GetRequiredService<CopyDetector>();
        string suffix = Guid.NewGuid().ToString("N");

        await detector.FindOrAddAsync(Stories.Original with { Id = "original-" + suffix }, ct);
        await detector.FindOrAddAsync(Stories.Wire with { Id = "wire-" + suffix }, ct);

        Activity traced;
        lock (activities)
        {
            traced = Assert.Single(activities, a => (string?)a.GetTagItem("dedup.article.id") == "wire-" + suffix);
        }

        Assert.Equal("dedup.find_or_add", traced.OperationName);
        Assert.Equal(1, traced.GetTagItem("dedup.copies"));
        (EventId id, string message) = Assert.Single(logs.Entries, e => e.Message.Contains("wire-" + suffix, StringComparison.Ordinal));
        Assert.Equal(1, id.Id);
        Assert.Equal("CopiesFound", id.Name);
        Assert.Contains("original-" + suffix, message, StringComparison.Ordinal);
        Assert.Contains("syndicated", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_snapshot_path_gives_a_journaled_detector_checkpointed_when_the_host_stops()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        string path = Path.Combine(_folder, "index.dedup");
        var settings = new Dictionary<string, string?> { ["Dedup:SnapshotPath"] = path, ["Dedup:Threshold"] = "0.55", ["Dedup:JournalFlush"] = "OperatingSystem" };
        using (IHost host = NewHost(settings))
        {
            await host.StartAsync(ct);
            CopyDetector detector = host.Services.GetRequiredService<CopyDetector>();
            await detector.AddAsync(Stories.Original, ct);
            await detector.AddAsync(Stories.Unrelated, ct);
            Assert.True(detector.JournalBytes > 1000);
            await host.StopAsync(ct);
            Assert.True(detector.JournalBytes < 100, $"{detector.JournalBytes} journal bytes left after stopping");
        }

        Assert.True(File.Exists(path));
        using IHost restarted = NewHost(new() { ["Dedup:SnapshotPath"] = path });
        CopyDetector reopened = restarted.Services.GetRequiredService<CopyDetector>();
        Assert.Equal(2, reopened.Count);
        Assert.Equal(0.55, reopened.Options.Threshold);
        Assert.Equal("harbour", Assert.Single((await reopened.FindOrAddAsync(Stories.Wire, ct)).Copies).Id);
    }

    private static IHost NewHost(Dictionary<string, string?> settings)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddDedup(builder.Configuration);
        return builder.Build();
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        private readonly List<(EventId Id, string Message)> _entries = [];

        public IReadOnlyList<(EventId Id, string Message)> Entries
        {
            get
            {
                lock (_entries)
                {
                    return [.. _entries];
                }
            }
        }

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (owner._entries)
                {
                    owner._entries.Add((eventId, formatter(state, exception)));
                }
            }
        }
    }
}

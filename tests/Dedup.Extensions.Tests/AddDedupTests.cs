using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Dedup.Detection;
using Dedup.Indexing;
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

    /// <summary>
    /// A misspelled setting stops the host with its name: "SnapshotPth" was ignored, and the service ran with an index
    /// in memory that every restart emptied, without a word (a client's trial).
    /// </summary>
    [Fact]
    public async Task A_misspelled_setting_stops_the_host_naming_it()
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Dedup:SnapshotPth"] = "news.index", ["Dedup:Threshold"] = "0.5" });
        builder.Services.AddDedup(builder.Configuration);
        using IHost host = builder.Build();

        OptionsValidationException e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
        Assert.Contains("Dedup:SnapshotPth is not a setting; the settings of Dedup are Threshold, ShingleSize", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A setting written as a section or a list, or the section written as a value, stops the host naming it by path: the
    /// binder bound nothing from them, without a word, so that "Retention": { "Days": 7 } kept every article forever and
    /// a list for SnapshotPath ran the index in memory (a client's trial).
    /// </summary>
    [Theory]
    [InlineData("News:Dedup:Retention:Days", "7", "News:Dedup:Retention holds Days; it must be a single value, not a section or a list")]
    [InlineData("News:Dedup:SnapshotPath:0", "a.idx", "News:Dedup:SnapshotPath holds 0; it must be a single value")]
    [InlineData("News:Dedup:Threshold:x", "1", "News:Dedup:Threshold holds x; it must be a single value")]
    [InlineData("News:Dedup:SnapshotPth", "a.idx", "News:Dedup:SnapshotPth is not a setting; the settings of News:Dedup are")]
    [InlineData("News:Dedup", "hello", "News:Dedup is the value 'hello'; it must be a section of settings")]
    public async Task A_setting_in_the_wrong_shape_stops_the_host_naming_its_path(string key, string value, string message)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = value });
        builder.Services.AddDedup(builder.Configuration.GetSection("News:Dedup"));
        using IHost host = builder.Build();

        OptionsValidationException e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    /// <summary>Every setting of <see cref="DedupOptions"/> is one the configuration may name: a property added without it would stop every host that sets it.</summary>
    [Fact]
    public void The_settings_a_section_may_hold_are_every_property_of_the_options()
    {
        string[] properties = [.. typeof(DedupOptions).GetProperties().Where(p => p.CanWrite).Select(p => p.Name).Order()];

        Assert.Equal(properties, DedupOptionsValidator.Settings.Order());
    }

    /// <summary>An index that cannot be opened stops the host naming the setting that chose it, as well as the file (a client's trial).</summary>
    [Fact]
    public void A_snapshot_path_that_cannot_be_opened_is_named_by_its_setting()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}", "news.idx");
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["News:Dedup:SnapshotPath"] = missing });
        builder.Services.AddDedup(builder.Configuration.GetSection("News:Dedup"));
        using IHost host = builder.Build();

        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<CopyDetector>());

        Assert.StartsWith($"News:Dedup:SnapshotPath is '{missing}'", e.Message, StringComparison.Ordinal);
        Assert.IsType<DirectoryNotFoundException>(e.InnerException);
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
        // The wire copy's copy is counted once: its re-delivery finds it again, and was counted as a second copy found.
        Assert.Equal(1, measurements.Count(m => m.Name == "dedup.copies" && (string?)m.Tags["dedup.copy.kind"] == "syndicated"));
        Assert.Equal(1, measurements.Count(m => m.Name == "dedup.copies"));
        Assert.Equal(4, measurements.Count(m => m.Name == "dedup.candidates"));
        Assert.Contains(measurements, m => m.Name == "dedup.candidates" && m.Value >= 1);
        Assert.Equal(4, measurements.Count(m => m.Name == "dedup.operation.duration" && (string?)m.Tags["dedup.operation"] == "find_or_add" && m.Value > 0));
        Assert.DoesNotContain(measurements, m => m.Tags.ContainsKey("error.type"));

        // A failed call is timed too, tagged with its error, and counted as an error.
        await Assert.ThrowsAsync<ArgumentException>(async () => await detector.AddAsync(Stories.Original with { Text = Stories.Unrelated.Text }, ct));
        var failed = Assert.Single(measurements, m => m.Name == "dedup.operation.duration" && m.Tags.ContainsKey("error.type"));
        Assert.Equal("add", failed.Tags["dedup.operation"]);
        Assert.Equal("System.ArgumentException", failed.Tags["error.type"]);
        Assert.True(failed.Value > 0);
        Assert.Single(measurements, m => m.Name == "dedup.errors" && (string?)m.Tags["error.type"] == "System.ArgumentException");

        // A cancelled call (the caller gave up, the host stopped) is timed, tagged as cancelled, and is no error: alerts
        // on dedup.errors fired at every deploy.
        detector.Options.Observer!.Failed(DetectorOperation.FindOrAdd, "given-up", new OperationCanceledException(), TimeSpan.FromMilliseconds(3));
        var cancelled = Assert.Single(measurements, m => m.Name == "dedup.operation.duration" && (string?)m.Tags.GetValueOrDefault("dedup.outcome") == "cancelled");
        Assert.False(cancelled.Tags.ContainsKey("error.type"));
        Assert.Single(measurements, m => m.Name == "dedup.errors");
    }

    [Fact]
    public async Task Each_operation_is_traced_and_logged_once()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        var logs = new CapturingLoggerProvider();
        using ServiceProvider provider = Build([], logs);
        var activities = new List<Activity>();
        using ActivityListener listener = CollectDedupActivities(activities);
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

    /// <summary>
    /// A checkpoint that fails or is cancelled logs its own event: "checkpoint  failed" had an empty article id in it,
    /// and a cancelled one (the host stopping) was a debug line, though it leaves a journal to replay at the next start.
    /// </summary>
    [Fact]
    public async Task A_failed_or_cancelled_checkpoint_logs_its_own_event()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        string folder = Directory.CreateTempSubdirectory("dedup-checkpoint-log-").FullName;
        try
        {
            var logs = new CapturingLoggerProvider();
            string path = Path.Combine(folder, "news.index");
            using ServiceProvider provider = Build(new() { ["Dedup:SnapshotPath"] = path }, logs);
            CopyDetector detector = provider.GetRequiredService<CopyDetector>();
            await detector.FindOrAddAsync(Stories.Original, ct);

            using (var cancelled = new CancellationTokenSource())
            {
                await cancelled.CancelAsync();
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => detector.CheckpointAsync(cancelled.Token).AsTask());
            }

            File.Delete(path); // the index's first add wrote its (empty) snapshot
            Directory.CreateDirectory(path);
            await Assert.ThrowsAnyAsync<IOException>(() => detector.CheckpointAsync(ct).AsTask());
            Directory.Delete(path);

            // A checkpoint cancelled while it writes (the host stopping) is reported to the observer as such.
            detector.Options.Observer!.Failed(DetectorOperation.Checkpoint, null, new OperationCanceledException());

            var entries = logs.Entries;
            Assert.Contains(entries, e => e.Id.Id == 8 && e.Id.Name == "CheckpointCancelled" && e.Message.StartsWith("Checkpoint cancelled", StringComparison.Ordinal));
            Assert.Contains(entries, e => e.Id.Id == 7 && e.Id.Name == "CheckpointFailed" && e.Message.StartsWith("Checkpoint failed; the journal keeps every change", StringComparison.Ordinal));
            Assert.DoesNotContain(entries, e => e.Message.Contains("  ", StringComparison.Ordinal));
            await detector.CheckpointAsync(ct);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
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

    /// <summary>
    /// A configured shingle size other than the index's is named as that setting, with what to do in configuration: it
    /// was blamed on SnapshotPath, with advice for the API ("load without options"). The index is left as it was.
    /// </summary>
    [Fact]
    public async Task A_shingle_size_other_than_the_index_is_named_as_the_setting()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        string path = Path.Combine(_folder, "sized.dedup");
        using (IHost made = NewHost(new() { ["Dedup:SnapshotPath"] = path }))
        {
            await made.Services.GetRequiredService<CopyDetector>().AddAsync(Stories.Original, ct);
        }

        using (IHost other = NewHost(new() { ["Dedup:SnapshotPath"] = path, ["Dedup:ShingleSize"] = "4" }))
        {
            InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => other.Services.GetRequiredService<CopyDetector>());
            Assert.StartsWith($"Dedup:ShingleSize is 4, but the index '{path}' (Dedup:SnapshotPath) was made with shingle size 5", e.Message, StringComparison.Ordinal);
            Assert.Contains("Remove Dedup:ShingleSize", e.Message, StringComparison.Ordinal);
        }

        // The index was not touched, and its lock was released; a new file takes the new size.
        using IHost same = NewHost(new() { ["Dedup:SnapshotPath"] = path, ["Dedup:ShingleSize"] = "5" });
        Assert.Equal(1, same.Services.GetRequiredService<CopyDetector>().Count);
        using IHost fresh = NewHost(new() { ["Dedup:SnapshotPath"] = Path.Combine(_folder, "four.dedup"), ["Dedup:ShingleSize"] = "4" });
        Assert.Equal(4, fresh.Services.GetRequiredService<CopyDetector>().Options.ShingleSize);
    }

    /// <summary>
    /// A host whose shutdown timeout has passed before the shutdown checkpoint could start (a timeout of 0, a slow
    /// worker) says so: the detector throws before it starts and reports nothing, so nothing was logged, and the next
    /// start replayed the whole journal unannounced (a client's trial of a hosted service).
    /// </summary>
    [Fact]
    public async Task A_shutdown_checkpoint_that_never_started_is_logged_as_cancelled()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        var logs = new CapturingLoggerProvider();
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Dedup:SnapshotPath"] = Path.Combine(_folder, "stopped.dedup") });
        builder.Logging.SetMinimumLevel(LogLevel.Debug).AddProvider(logs);
        builder.Services.AddDedup(builder.Configuration);
        using IHost host = builder.Build();
        await host.StartAsync(ct);
        CopyDetector detector = host.Services.GetRequiredService<CopyDetector>();
        await detector.AddAsync(Stories.Original, ct);

        using (var timedOut = new CancellationTokenSource())
        {
            await timedOut.CancelAsync();
            await host.StopAsync(timedOut.Token);
        }

        Assert.True(detector.JournalBytes > 0);
        Assert.Single(logs.Entries, e => e.Id.Id == 8 && e.Id.Name == "CheckpointCancelled");
    }

    /// <summary>
    /// A checkpoint that fails (here: a folder where the snapshot goes) is tried again at the next look and neither stops
    /// the host nor fails its shutdown: the journal still holds every change. Before, the first failure ended the
    /// background service, which stopped the host, and a failing shutdown checkpoint made <c>StopAsync</c> throw.
    /// </summary>
    [Fact]
    public async Task A_failing_checkpoint_neither_stops_the_host_nor_fails_its_shutdown()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        string path = Path.Combine(_folder, "index.dedup");
        var settings = new Dictionary<string, string?>
        {
            ["Dedup:SnapshotPath"] = path,
            ["Dedup:CheckpointJournalBytes"] = "0",
            ["Dedup:CheckpointInterval"] = "00:00:00.020",
        };
        using (IHost host = NewHost(settings))
        {
            await host.StartAsync(ct);
            CopyDetector detector = host.Services.GetRequiredService<CopyDetector>();
            Directory.CreateDirectory(path);
            await detector.AddAsync(Stories.Original, ct);
            await Task.Delay(300, ct);
            Assert.False(host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
            Assert.True(detector.JournalBytes > 0);

            Directory.Delete(path);
            for (int i = 0; i < 500 && !File.Exists(path); i++)
            {
                await Task.Delay(10, ct);
            }

            Assert.True(File.Exists(path), "the checkpoint was tried again once it could succeed");
            await detector.AddAsync(Stories.Unrelated, ct);
            File.Move(path, path + ".aside");
            Directory.CreateDirectory(path);
            await host.StopAsync(ct);
            Directory.Delete(path);
            File.Move(path + ".aside", path);
        }

        using IHost restarted = NewHost(new() { ["Dedup:SnapshotPath"] = path });
        Assert.Equal(2, restarted.Services.GetRequiredService<CopyDetector>().Count);
    }

    /// <summary>A relative snapshot path is the host's content root's, not the working directory's (a service may start in "/").</summary>
    [Fact]
    public async Task A_relative_snapshot_path_is_resolved_against_the_content_root()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = _folder });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Dedup:SnapshotPath"] = Path.Combine("data", "news.index") });
        builder.Services.AddDedup(builder.Configuration);
        Directory.CreateDirectory(Path.Combine(_folder, "data"));
        using (IHost host = builder.Build())
        {
            await host.StartAsync(ct);
            await host.Services.GetRequiredService<CopyDetector>().AddAsync(Stories.Original, ct);
            await host.StopAsync(ct);
        }

        Assert.True(File.Exists(Path.Combine(_folder, "data", "news.index")));
        Assert.False(File.Exists(Path.Combine(Directory.GetCurrentDirectory(), "data", "news.index")));
    }

    /// <summary>Several bad settings are each named, and the exception's message joins them without a stop before each "; " (it read ".;").</summary>
    [Fact]
    public void Several_bad_settings_are_named_in_one_readable_message()
    {
        using ServiceProvider provider = Build(new() { ["Dedup:CheckpointInterval"] = "60", ["Dedup:CheckpointJournalBytes"] = "-1" });

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DedupOptions>>().Value);

        Assert.Equal(2, e.Failures.Count());
        Assert.Contains("Dedup:CheckpointInterval", e.Message, StringComparison.Ordinal);
        Assert.Contains("Dedup:CheckpointJournalBytes", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(".;", e.Message, StringComparison.Ordinal);
    }

    /// <summary>A checkpoint interval beyond what a timer takes (a plain number binds as days) fails validation at start, naming the setting.</summary>
    [Theory]
    [InlineData("60")]
    [InlineData("00:00:00.0001")]
    public void A_checkpoint_interval_a_timer_cannot_take_fails_validation(string interval)
    {
        using ServiceProvider provider = Build(new() { ["Dedup:CheckpointInterval"] = interval });

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DedupOptions>>().Value);

        Assert.Contains(e.Failures, f => f.Contains("Dedup:CheckpointInterval", StringComparison.Ordinal));
    }

    /// <summary>
    /// A plain number is read by TimeSpan as days: "30", meant as seconds, would checkpoint monthly, and a timer takes
    /// it, so only the raw setting tells. It fails validation, saying how it was read and how to write a time span.
    /// </summary>
    [Theory]
    [InlineData("30", "30 days")]
    [InlineData(" 5 ", "5 days")]
    [InlineData("300", "300 days")]
    public void A_plain_number_for_the_checkpoint_interval_fails_validation(string interval, string readAs)
    {
        using ServiceProvider provider = Build(new() { ["Dedup:CheckpointInterval"] = interval });

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DedupOptions>>().Value);

        string failure = Assert.Single(e.Failures);
        Assert.Contains("Dedup:CheckpointInterval", failure, StringComparison.Ordinal);
        Assert.Contains($"a plain number, which is read as {readAs}", failure, StringComparison.Ordinal);
        Assert.Contains("'00:00:30' is 30 seconds", failure, StringComparison.Ordinal);
    }

    /// <summary>A time span, days included ("1.00:00:00"), is taken as written.</summary>
    [Theory]
    [InlineData("00:00:30", 30)]
    [InlineData("1.00:00:00", 86_400)]
    public void A_time_span_for_the_checkpoint_interval_is_taken(string interval, int seconds)
    {
        using ServiceProvider provider = Build(new() { ["Dedup:CheckpointInterval"] = interval });

        Assert.Equal(TimeSpan.FromSeconds(seconds), provider.GetRequiredService<IOptions<DedupOptions>>().Value.CheckpointInterval);
    }

    /// <summary>A section of another name is bound itself, and validation names its settings by their path; a "Dedup" section below it still wins.</summary>
    [Fact]
    public void A_section_of_another_name_is_bound_itself()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DedupSettings:Threshold"] = "0.9",
            ["News:Dedup:Threshold"] = "0.7",
            ["Bad:Threshold"] = "2",
        }).Build();

        Assert.Equal(0.9, DetectorFrom(configuration.GetSection("DedupSettings")).Options.Threshold);
        Assert.Equal(0.7, DetectorFrom(configuration.GetSection("News")).Options.Threshold);
        Assert.Equal(0.7, DetectorFrom(configuration.GetSection("News:Dedup")).Options.Threshold);
        var e = Assert.Throws<OptionsValidationException>(() => DetectorFrom(configuration.GetSection("Bad")));
        Assert.Contains(e.Failures, f => f.StartsWith("Bad:Threshold is 2", StringComparison.Ordinal));

        static CopyDetector DetectorFrom(IConfiguration section)
        {
            var services = new ServiceCollection();
            services.AddDedup(section);
            return services.BuildServiceProvider().GetRequiredService<CopyDetector>();
        }
    }

    /// <summary>
    /// A section given by a path that holds nothing (a misspelt "News:Dedupe") binds the defaults, and says so once,
    /// as a warning naming the path, when the detector is made; so does a root without a "Dedup" section (a host's
    /// settings that lost it: the detector is then an index in memory, said nothing before); a section that exists
    /// says nothing.
    /// </summary>
    [Fact]
    public void A_section_that_does_not_exist_is_named_in_a_warning()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["News:Dedup:Threshold"] = "0.7",
        }).Build();

        var logs = new CapturingLoggerProvider();
        Assert.Equal(DetectorOptions.Default.Threshold, DetectorFrom(configuration.GetSection("News:Dedupe"), logs).Options.Threshold);
        (EventId id, string message) = Assert.Single(logs.Entries, e => e.Id.Id == 9);
        Assert.Equal("ConfigurationSectionMissing", id.Name);
        Assert.Equal("The configuration section 'News:Dedupe' given to AddDedup does not exist: the detector runs on the defaults (is the path right?)", message);

        var quiet = new CapturingLoggerProvider();
        Assert.Equal(0.7, DetectorFrom(configuration.GetSection("News:Dedup"), quiet).Options.Threshold);
        Assert.Equal(0.7, DetectorFrom(configuration.GetSection("News"), quiet).Options.Threshold);
        Assert.DoesNotContain(quiet.Entries, e => e.Id.Id == 9);

        var root = new CapturingLoggerProvider();
        DetectorFrom(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Information" }).Build(), root);
        Assert.Equal("The configuration section 'Dedup' given to AddDedup does not exist: the detector runs on the defaults (is the path right?)", Assert.Single(root.Entries, e => e.Id.Id == 9).Message);

        static CopyDetector DetectorFrom(IConfiguration section, ILoggerProvider logs)
        {
            var services = new ServiceCollection();
            services.AddLogging(b => b.AddProvider(logs));
            services.AddDedup(section);
            return services.BuildServiceProvider().GetRequiredService<CopyDetector>();
        }
    }

    /// <summary>
    /// A failed operation marks the detector's own activity, never the caller's: an HTTP request that catches a re-delivery
    /// with other text and answers 409 is not an error span because the Dedup source is not listened to.
    /// </summary>
    [Fact]
    public async Task A_failure_leaves_the_callers_activity_alone()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using ServiceProvider provider = Build([]);
        using var callerSource = new ActivitySource("Caller-" + Guid.NewGuid().ToString("N"));
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s == callerSource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        CopyDetector detector = provider.GetRequiredService<CopyDetector>();
        await detector.AddAsync(Stories.Original, ct);

        using Activity request = callerSource.StartActivity("POST /articles")!;
        await Assert.ThrowsAsync<ArgumentException>(async () => await detector.AddAsync(Stories.Unrelated with { Id = Stories.Original.Id }, ct));

        Assert.Equal(ActivityStatusCode.Unset, request.Status);
    }

    /// <summary>The duration histogram advises bucket boundaries in seconds, from tens of microseconds up; a checkpoint counts no articles.</summary>
    [Fact]
    public async Task Durations_have_second_buckets_and_checkpoints_count_no_articles()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        string path = Path.Combine(_folder, "index.dedup");
        using IHost host = NewHost(new() { ["Dedup:SnapshotPath"] = path, ["Dedup:CheckpointOnShutdown"] = "false" });
        IMeterFactory factory = host.Services.GetRequiredService<IMeterFactory>();
        var articles = new List<(double Value, string? Outcome)>();
        IReadOnlyList<double>? buckets = null;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == DedupTelemetry.MeterName && instrument.Meter.Scope == factory)
                {
                    if (instrument is Histogram<double> { Name: "dedup.operation.duration" } duration)
                    {
                        buckets = duration.Advice?.HistogramBucketBoundaries;
                    }

                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((i, v, t, _) =>
        {
            if (i.Name == "dedup.articles")
            {
                lock (articles)
                {
                    articles.Add((v, (string?)t.ToArray().Single(x => x.Key == "dedup.outcome").Value));
                }
            }
        });
        listener.Start();
        CopyDetector detector = host.Services.GetRequiredService<CopyDetector>();

        await detector.AddAsync(Stories.Original, ct);
        detector.Checkpoint();
        detector.Checkpoint();

        Assert.NotNull(buckets);
        Assert.True(buckets![0] <= 0.0001 && buckets[^1] >= 10, string.Join(", ", buckets));
        lock (articles)
        {
            Assert.DoesNotContain(articles, a => a.Outcome == "checkpointed");
            Assert.Equal(1, articles.Sum(a => a.Value));
        }
    }

    private static IHost NewHost(Dictionary<string, string?> settings)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddDedup(builder.Configuration);
        return builder.Build();
    }

    /// <summary>
    /// A journal replayed while nothing listened (a host opens the detector before OpenTelemetry's providers start) is
    /// reported at the next operation once something listens: one root activity with the replay's own start and
    /// duration, and its measurements; a replay heard when it happened is reported then, and only then.
    /// </summary>
    [Fact]
    public async Task A_replay_nothing_heard_is_reported_once_something_listens()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        string path = JournaledIndex("replayed.dedup", Stories.Original, Stories.Unrelated, Stories.Wire with { Id = "wire-kept" });

        using var telemetry = new DedupTelemetry();
        DateTime beforeOpen = DateTime.UtcNow;
        CopyDetector reopened = CopyDetector.Open(path, configure: o => o with { Observer = telemetry }, cancellationToken: TestContext.Current.CancellationToken);
        DateTime afterOpen = DateTime.UtcNow;
        reopened.Dispose();

        var activities = new List<Activity>();
        var measurements = new List<(string Name, double Value, string? Operation, string? Outcome)>();
        using (Listen(activities, measurements))
        {
            CopyDetector detector = CopyDetector.Open(path, configure: o => o with { Observer = new DedupTelemetry() }, cancellationToken: TestContext.Current.CancellationToken);
            detector.Dispose();
            Assert.Single(activities, a => a.OperationName == "dedup.replay");
            activities.Clear();
            measurements.Clear();

            // The first telemetry reports its unheard replay at the next operation it sees, once.
            using var again = new CopyDetector(DetectorOptions.Default with { Observer = telemetry });
            await again.FindCopiesAsync(Stories.Wire, ct);
            await again.FindCopiesAsync(Stories.Wire, ct);
        }

        Activity replay = Assert.Single(activities, a => a.OperationName == "dedup.replay" && a.StartTimeUtc < afterOpen);
        Assert.InRange(replay.StartTimeUtc, beforeOpen, afterOpen);
        Assert.InRange(replay.Duration, TimeSpan.FromTicks(1), afterOpen - beforeOpen);
        Assert.Null(replay.Parent);
        Assert.Equal(true, replay.GetTagItem("dedup.changed"));
        Assert.Equal(3, measurements.Where(m => m.Name == "dedup.articles" && m.Outcome == "replayed").Sum(m => m.Value));
        Assert.Single(measurements, m => m.Name == "dedup.operation.duration" && m.Operation == "replay");
        Assert.Equal(2, activities.Count(a => a.OperationName == "dedup.find_copies"));
    }

    /// <summary>Listens to the Dedup activities and measurements (name, value, operation and outcome tags) until disposed.</summary>
    private static Both Listen(List<Activity> activities, List<(string, double, string?, string?)> measurements)
    {
        ActivityListener activityListener = CollectDedupActivities(activities);
        var meterListener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == DedupTelemetry.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var all = tags.ToArray().ToDictionary(t => t.Key, t => t.Value);
            lock (measurements)
            {
                measurements.Add((instrument.Name, value, all.GetValueOrDefault("dedup.operation") as string, all.GetValueOrDefault("dedup.outcome") as string));
            }
        }

        meterListener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        meterListener.SetMeasurementEventCallback<int>((i, v, t, _) => Record(i, v, t));
        meterListener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        meterListener.Start();
        return new Both(activityListener, meterListener);
    }

    /// <summary>
    /// An article refused with an <see cref="ArgumentException"/> (here its id is indexed with another text, as a feed
    /// sends a corrected story under its old id) is the caller's to handle: the caller has the exception, so the log has
    /// one Debug line saying why, not a Warning with the stack. The call still counts as an error.
    /// </summary>
    [Fact]
    public async Task A_refused_article_is_logged_at_debug_and_counted_as_an_error()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        var logs = new CapturingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        using var telemetry = new DedupTelemetry(null, loggers.CreateLogger<DedupTelemetry>());
        using var detector = new CopyDetector(DetectorOptions.Default with { Observer = telemetry });
        await detector.AddAsync(Stories.Original, ct);

        var activities = new List<Activity>();
        var measurements = new List<(string Name, double Value, string? Operation, string? Outcome)>();
        using (Listen(activities, measurements))
        {
            await Assert.ThrowsAsync<ArgumentException>(async () => await detector.AddAsync(Stories.Original with { Text = Stories.Unrelated.Text }, ct));
        }

        Assert.DoesNotContain(logs.WithLevels, e => e.Level >= LogLevel.Warning);
        (EventId id, LogLevel level, string message) = Assert.Single(logs.WithLevels, e => e.Id.Id == 15);
        Assert.Equal("OperationRefused", id.Name);
        Assert.Equal(LogLevel.Debug, level);
        Assert.StartsWith("add harbour was refused: An article with id 'harbour' is already indexed with another text", message, StringComparison.Ordinal);
        Assert.Single(measurements, m => m.Name == "dedup.errors" && m.Operation == "add");
    }

    /// <summary>The replay's log line says how large the index it opened is, besides the journal records it replayed.</summary>
    [Fact]
    public void The_replay_log_says_how_many_articles_the_index_holds()
    {
        string path = JournaledIndex("sized.dedup", Stories.Original, Stories.Unrelated, Stories.Wire with { Id = "wire-kept" });
        var logs = new CapturingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        using var telemetry = new DedupTelemetry(null, loggers.CreateLogger<DedupTelemetry>());
        using CopyDetector detector = CopyDetector.Open(path, configure: o => o with { Observer = telemetry }, cancellationToken: TestContext.Current.CancellationToken);

        (EventId id, string message) = Assert.Single(logs.Entries, e => e.Id.Id == 3);
        Assert.Equal("JournalReplayed", id.Name);
        Assert.StartsWith("Opened the index: 3 articles indexed, ", message, StringComparison.Ordinal);
    }

    /// <summary>
    /// In a host, the detector opens (and replays) when the host makes the hosted services, before any of them starts, so
    /// before a tracer provider started by a hosted service listens: the replay is reported once the host has started.
    /// </summary>
    [Fact]
    public async Task A_host_reports_the_replay_once_it_has_started()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        string path = JournaledIndex("hosted.dedup", Stories.Original, Stories.Unrelated);

        var activities = new List<Activity>();
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Dedup:SnapshotPath"] = path, ["Dedup:CheckpointOnShutdown"] = "false" });
        builder.Services.AddDedup(builder.Configuration);
        builder.Services.AddSingleton(activities);
        builder.Services.AddHostedService<LateListener>();
        using IHost host = builder.Build();
        await host.StartAsync(ct);
        try
        {
            Activity replay;
            lock (activities)
            {
                replay = Assert.Single(activities, a => a.OperationName == "dedup.replay");
            }

            Assert.True(replay.Duration > TimeSpan.Zero);
            Assert.Equal(2, host.Services.GetRequiredService<CopyDetector>().Count);
        }
        finally
        {
            await host.StopAsync(ct);
        }
    }

    /// <summary>Starts listening to the Dedup activities when the host starts it, as a tracer provider's hosted service does.</summary>
    private sealed class LateListener(List<Activity> activities) : IHostedService, IDisposable
    {
        private ActivityListener? _listener;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            _listener = CollectDedupActivities(activities);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose() => _listener?.Dispose();
    }

    /// <summary>An index in the test's folder whose articles are all in its journal (no checkpoint): opening it replays them.</summary>
    private string JournaledIndex(string name, params Article[] articles)
    {
        string path = Path.Combine(_folder, name);
        using CopyDetector writer = CopyDetector.Open(path);
        foreach (Article article in articles)
        {
            writer.Add(article);
        }

        return path;
    }

    /// <summary>Listens to every activity of the Dedup source, adding each to <paramref name="activities"/> when it stops.</summary>
    private static ActivityListener CollectDedupActivities(List<Activity> activities)
    {
        var listener = new ActivityListener
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
        return listener;
    }

    private sealed class Both(IDisposable first, IDisposable second) : IDisposable
    {
        public void Dispose()
        {
            first.Dispose();
            second.Dispose();
        }
    }

    /// <summary>
    /// A shared store that lost the index (emptied, as a Redis server restarted without persistence is) is logged as
    /// SharedIndexLost (10, Error) and counted in dedup.shared_index.lost, once, by the telemetry of the detector that
    /// records the settings anew.
    /// </summary>
    [Fact]
    public async Task A_shared_store_that_lost_the_index_is_logged_as_an_error_and_counted()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        var logs = new CapturingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs));
        using var telemetry = new DedupTelemetry(null, loggers.CreateLogger<DedupTelemetry>());
        var lost = new StrongBox<long>();
        using MeterListener listener = CountMeasurements("dedup.shared_index.lost", lost);

        var store = new InMemorySharedIndexStore();
        await using var detector = new CopyDetector(DetectorOptions.Default with { Observer = telemetry }, store);
        await detector.FindOrAddAsync(Stories.Original, ct);
        Assert.DoesNotContain(logs.Entries, e => e.Id.Id == 10);

        store.Clear();
        for (int i = 0; i < 64; i++)
        {
            await detector.FindCopiesAsync(Stories.Wire, ct);
        }

        (EventId id, string message) = Assert.Single(logs.Entries, e => e.Id.Id == 10);
        Assert.Equal("SharedIndexLost", id.Name);
        Assert.StartsWith("The shared index was lost", message, StringComparison.Ordinal);
        Assert.Equal(1, Interlocked.Read(ref lost.Value));
    }

    /// <summary>
    /// A bucket store that reports its keys lost (as a Redis server restarted empty does) is logged as BucketKeysLost
    /// (12, Error) and counted in dedup.buckets.lost, once a report; nothing before.
    /// </summary>
    [Fact]
    public async Task A_bucket_store_that_lost_its_keys_is_logged_as_an_error_and_counted()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        var logs = new CapturingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs));
        using var telemetry = new DedupTelemetry(null, loggers.CreateLogger<DedupTelemetry>());
        var lost = new StrongBox<long>();
        using MeterListener listener = CountMeasurements("dedup.buckets.lost", lost);

        var store = new LosingStore();
        await using var detector = new CopyDetector(DetectorOptions.Default with { Observer = telemetry }, store);
        await detector.FindOrAddAsync(Stories.Original, ct);
        Assert.DoesNotContain(logs.Entries, e => e.Id.Id == 12);
        Assert.Equal(0, Interlocked.Read(ref lost.Value));

        store.ReportLoss();
        (EventId id, string message) = Assert.Single(logs.Entries, e => e.Id.Id == 12);
        Assert.Equal("BucketKeysLost", id.Name);
        Assert.Contains("RestoreBucketsAsync", message, StringComparison.Ordinal);
        Assert.Equal(1, Interlocked.Read(ref lost.Value));
        store.ReportLoss();
        Assert.Equal(2, Interlocked.Read(ref lost.Value));
    }

    /// <summary>
    /// With a retention window the hosted service expires the articles published before it at every interval (an
    /// in-memory detector's too), logs how many and counts them; the newer stay. A plain number is refused, naming it.
    /// </summary>
    [Fact]
    public async Task A_retention_window_expires_older_articles_on_the_services_timer()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        var logs = new CapturingLoggerProvider();
        var expired = new StrongBox<long>();
        using MeterListener listener = CountMeasurements("dedup.articles.expired", expired);
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Dedup:Retention"] = "1.00:00:00",
            ["Dedup:CheckpointInterval"] = "00:00:00.020",
        });
        builder.Logging.AddProvider(logs);
        builder.Services.AddDedup(builder.Configuration);
        using (IHost host = builder.Build())
        {
            CopyDetector detector = host.Services.GetRequiredService<CopyDetector>();
            await detector.AddAsync(Stories.Original with { Published = DateTimeOffset.UtcNow.AddDays(-2) }, ct);
            await detector.AddAsync(Stories.Unrelated with { Published = DateTimeOffset.UtcNow.AddHours(-1) }, ct);
            await host.StartAsync(ct);
            for (int i = 0; i < 500 && detector.Count > 1; i++)
            {
                await Task.Delay(10, ct);
            }

            await host.StopAsync(ct);
            Assert.Equal(1, detector.Count);
            Assert.True(detector.Contains(Stories.Unrelated.Id));
        }

        (EventId id, string message) = Assert.Single(logs.Entries, e => e.Id.Id == 13);
        Assert.Equal("ArticlesExpired", id.Name);
        Assert.StartsWith("Expired 1 articles older than", message, StringComparison.Ordinal);
        Assert.Equal(1, Interlocked.Read(ref expired.Value));

        // A window longer than the calendar ("forever") expires nothing, and the host runs on (it stopped the host).
        Assert.Equal(DateTimeOffset.MinValue, DedupCheckpointService.Cutoff(DateTimeOffset.UtcNow, TimeSpan.MaxValue));
        Assert.Equal(DateTimeOffset.UnixEpoch, DedupCheckpointService.Cutoff(DateTimeOffset.UnixEpoch.AddDays(7), TimeSpan.FromDays(7)));
        HostApplicationBuilder forever = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        forever.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Dedup:Retention"] = "1000000.00:00:00", ["Dedup:CheckpointInterval"] = "00:00:00.020" });
        forever.Services.AddDedup(forever.Configuration);
        using (IHost host = forever.Build())
        {
            CopyDetector detector = host.Services.GetRequiredService<CopyDetector>();
            await detector.AddAsync(Stories.Original with { Published = DateTimeOffset.UtcNow.AddYears(-50) }, ct);
            await host.StartAsync(ct);
            await Task.Delay(200, ct);
            Assert.False(host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
            await host.StopAsync(ct);
            Assert.Equal(1, detector.Count);
        }

        using ServiceProvider plain = Build(new() { ["Dedup:Retention"] = "7" });
        var e = Assert.Throws<OptionsValidationException>(() => plain.GetRequiredService<IOptions<DedupOptions>>().Value);
        Assert.Contains("Dedup:Retention is '7', a plain number, which is read as 7 days", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Adds up the measurements of the telemetry's counter <paramref name="instrument"/> into <paramref name="total"/>.</summary>
    private static MeterListener CountMeasurements(string instrument, StrongBox<long> total)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (published, l) =>
            {
                if (published.Meter.Name == DedupTelemetry.MeterName && published.Name == instrument)
                {
                    l.EnableMeasurementEvents(published);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, v, _, _) => Interlocked.Add(ref total.Value, v));
        listener.Start();
        return listener;
    }

    /// <summary>A bucket store in memory that reports a loss of its keys when told to.</summary>
    private sealed class LosingStore : ILshBucketStore
    {
        private readonly InMemoryLshBucketStore _inner = new();

        public event EventHandler? KeysLost;

        public bool SupportsSynchronousAccess => true;

        public void ReportLoss() => KeysLost?.Invoke(this, EventArgs.Empty);

        public void Add(ReadOnlySpan<LshBucketEntry> entries) => _inner.Add(entries);

        public void Remove(ReadOnlySpan<LshBucketEntry> entries) => _inner.Remove(entries);

        public int Query(ReadOnlySpan<ulong> bandKeys, Span<int> destination) => _inner.Query(bandKeys, destination);

        public ValueTask AddAsync(ReadOnlyMemory<LshBucketEntry> entries, CancellationToken cancellationToken = default) => _inner.AddAsync(entries, cancellationToken);

        public ValueTask RemoveAsync(ReadOnlyMemory<LshBucketEntry> entries, CancellationToken cancellationToken = default) => _inner.RemoveAsync(entries, cancellationToken);

        public ValueTask<int[][]> QueryAsync(ReadOnlyMemory<ulong> bandKeys, CancellationToken cancellationToken = default) => _inner.QueryAsync(bandKeys, cancellationToken);
    }

    /// <summary>
    /// A process in globalization-invariant mode folds no compatibility characters: said once, as a warning, when the
    /// detector is made; this test process has ICU, so its detector says nothing.
    /// </summary>
    [Fact]
    public void A_process_that_folds_no_compatibility_characters_is_warned()
    {
        var logs = new CapturingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs));
        ILogger logger = loggers.CreateLogger<DedupTelemetry>();
        DedupServiceCollectionExtensions.WarnIfNoUnicodeFolding(logger, foldsCompatibilityCharacters: true);
        Assert.Empty(logs.Entries);
        DedupServiceCollectionExtensions.WarnIfNoUnicodeFolding(logger, foldsCompatibilityCharacters: false);
        (EventId id, string message) = Assert.Single(logs.Entries);
        Assert.Equal(11, id.Id);
        Assert.Equal("UnicodeFoldingUnavailable", id.Name);
        Assert.Contains("InvariantGlobalization", message, StringComparison.Ordinal);

        var quiet = new CapturingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(quiet));
        services.AddDedup(new ConfigurationBuilder().Build());
        using ServiceProvider provider = services.BuildServiceProvider();
        Assert.NotNull(provider.GetRequiredService<CopyDetector>());
        Assert.DoesNotContain(quiet.Entries, e => e.Id.Id == 11);
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        private readonly List<(EventId Id, LogLevel Level, string Message)> _entries = [];

        public IReadOnlyList<(EventId Id, string Message)> Entries
        {
            get
            {
                lock (_entries)
                {
                    return [.. _entries.Select(e => (e.Id, e.Message))];
                }
            }
        }

        public IReadOnlyList<(EventId Id, LogLevel Level, string Message)> WithLevels
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
                    owner._entries.Add((eventId, logLevel, formatter(state, exception)));
                }
            }
        }
    }
}

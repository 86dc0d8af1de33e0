using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Dedup.Cli.Input;
using Dedup.Cli.Output;
using Dedup.Detection;
using Spectre.Console;

namespace Dedup.Cli.Commands;

/// <summary>The settings of <c>dedup scan</c>.</summary>
internal sealed record ScanSettings(string Input, double Threshold, string? PairsPath, string? ClustersPath, string? ReportPath, bool Json, bool SkipBad)
{
    /// <summary>Look for spun copies (the skeleton signature); off only for ablation.</summary>
    public bool DetectRewrites { get; init; } = true;

    /// <summary>Apply the rule-based boilerplate line filter.</summary>
    public bool BoilerplateRules { get; init; } = true;

    /// <summary>Overrides <see cref="DetectorOptions.BoilerplateDocumentFrequency"/> when set.</summary>
    public int? BoilerplateDocumentFrequency { get; init; }

    /// <summary>How input bytes become text (<c>--encoding</c>).</summary>
    public InputEncoding Encoding { get; init; }

    /// <summary>At most this many threads scan at once; null for all cores.</summary>
    public int? Threads { get; init; }

    /// <summary>The detector settings these stand for.</summary>
    public DetectorOptions ToDetectorOptions() => new()
    {
        Threshold = Threshold,
        DetectRewrites = DetectRewrites,
        Boilerplate = BoilerplateRules ? Dedup.Text.BoilerplateRules.Default : Dedup.Text.BoilerplateRules.None,
        BoilerplateDocumentFrequency = BoilerplateDocumentFrequency ?? DetectorOptions.Default.BoilerplateDocumentFrequency,
    };
}

/// <summary><c>dedup scan INPUT</c>: finds every pair of copies among the input's articles and clusters them.</summary>
internal static class ScanCommand
{
    public static async Task<int> RunAsync(CliConsole console, ScanSettings settings, CancellationToken cancellationToken)
    {
        foreach ((string option, string? output) in (ReadOnlySpan<(string, string?)>)[("--pairs", settings.PairsPath), ("--clusters", settings.ClustersPath), ("--report", settings.ReportPath)])
        {
            if (output is not null && string.IsNullOrWhiteSpace(output))
            {
                throw CliException.BadInput($"{option}: expected a file path");
            }

            CheckWritable(output);
        }

        CheckDistinct(settings);

        DetectorOptions options = settings.ToDetectorOptions();
        ArticleSet set;
        ScanResult result;
        PairTable? table = null;
        if (settings.Input == "-" && settings.ReportPath is null && !console.InIsTerminal && settings.Threads != 1)
        {
            // Standard input cannot be read again: its articles are scanned as they are read, and no text is held once
            // its features are made (a pipe's texts were all held until the scan ended: twice a file's peak at 100k).
            // With --threads 1 it is read first: the reading would be a second thread beside the scan.
            (set, result) = await ScanAsReadAsync(console, settings, options, cancellationToken);
            if (!settings.Json)
            {
                table = new PairTable(result, set.Complete, set.Articles) { PairsPath = settings.PairsPath };
            }
        }
        else
        {
            // Without a report the texts are not held for the whole scan: the scan re-reads each article from the file.
            set = await new ArticleReader(console, settings.SkipBad, settings.Encoding) { KeepTexts = settings.ReportPath is not null, MaxDegreeOfParallelism = settings.Threads ?? -1 }
                .ReadAsync(settings.Input, cancellationToken);
            using (set.Backing)
            {
                result = Scan(console, settings, set.Complete, options, cancellationToken);

                // The shown pairs' titles are read while the file is open (a scan without a report holds only the ids).
                if (!settings.Json)
                {
                    table = new PairTable(result, set.Complete, set.Articles) { PairsPath = settings.PairsPath };
                }
            }
        }

        // Ctrl+C during a stage that does not look at the token (the last of the scan, the table) stops here: no output
        // is replaced after the user asked to stop (it was, and the run ended as if never interrupted).
        cancellationToken.ThrowIfCancellationRequested();
        var written = new List<string>(3);
        try
        {
            if (settings.PairsPath is { } pairsPath)
            {
                WriteFile(pairsPath, stream => JsonLines.WritePairs(stream, result.Pairs, set.NumericIds, settings.Threads ?? -1), cancellationToken);
                Written(written, pairsPath);
            }

            if (settings.ClustersPath is { } clustersPath)
            {
                cancellationToken.ThrowIfCancellationRequested();
                WriteFile(clustersPath, stream => JsonLines.WriteClusters(stream, set.Articles.Select(a => a.Id), result.Clusters, set.NumericIds), cancellationToken);
                Written(written, clustersPath);
            }

            if (settings.ReportPath is { } reportPath)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var byId = set.Articles.ToDictionary(a => a.Id, StringComparer.Ordinal);
                var report = new HtmlReport(result, byId, (a, b) => CopyComparer.Compare(a, b, options));
                WriteFile(reportPath, stream =>
                {
                    using var writer = new StreamWriter(stream, Utf8Check.Strict);
                    report.Write(writer, set.Name);
                }, cancellationToken);
                Written(written, reportPath);
            }

            cancellationToken.ThrowIfCancellationRequested();
        }
        catch (CliException e) when (written.Count > 0)
        {
            // A write failed (a full disk) after others were replaced: say which, as a cancellation does (the failed
            // output and those after it are as they were).
            throw new CliException(e.ExitCode, $"{e.Message} ({string.Join(" and ", written)} {(written.Count == 1 ? "was" : "were")} written before it; {Unchanged(settings, written)})");
        }
        catch (OperationCanceledException) when (written.Count > 0)
        {
            // Stopped between outputs: say which were replaced, so that a reader does not take them for the old ones (or
            // the others for new ones).
            string unchanged = Unchanged(settings, written);
            throw new PartlyWrittenException($"cancelled after writing {string.Join(" and ", written)}" + (unchanged.Length > 0 ? $"; {unchanged}" : string.Empty));
        }

        // Output: the pairs found (the highest-scoring 20), then the summary; --json prints the summary only.
        var summary = new ScanSummary(set, result, table?.Kinds);
        if (settings.Json)
        {
            summary.WriteJson(console.Out, settings);
        }
        else if (console.OutIsTerminal)
        {
            IAnsiConsole terminal = console.CreateOutConsole();
            table!.WriteTable(terminal);
            summary.WriteTable(terminal, settings);
        }
        else
        {
            table!.WritePlain(console.Out);
            summary.WritePlain(console.Out, settings);
        }

        return result.Pairs.Count > 0 ? ExitCodes.CopiesFound : ExitCodes.Ok;
    }

    private static ScanResult Scan(CliConsole console, ScanSettings settings, IReadOnlyList<Article> articles, DetectorOptions options, CancellationToken cancellationToken)
    {
        if (!console.ErrorIsTerminal || settings.Json)
        {
            return CopyDetector.Scan(articles, options, settings.Threads ?? -1, null, cancellationToken);
        }

        ScanResult? result = null;
        ProgressBars(console).Start(context =>
        {
            var bar = new ScanProgressBar(context);
            result = CopyDetector.Scan(articles, options, settings.Threads ?? -1, bar, cancellationToken);
            bar.Complete();
        });
        return result!;
    }

    /// <summary>How many articles read from standard input may wait for the scan (<see cref="ScanAsReadAsync"/>).</summary>
    private const int WaitingArticles = 8192;

    /// <summary>
    /// Reads standard input and scans its articles as they are read (<see cref="CopyDetector.ScanAsync(IAsyncEnumerable{Article}, DetectorOptions?, int, IProgress{ScanProgress}?, CancellationToken)"/>):
    /// the set keeps each article without its text. A bad line that ends the reading ends the scan, with the reading's
    /// error; a scan that fails stops the reading.
    /// </summary>
    private static async Task<(ArticleSet Set, ScanResult Result)> ScanAsReadAsync(CliConsole console, ScanSettings settings, DetectorOptions options, CancellationToken cancellationToken)
    {
        var articles = Channel.CreateBounded<Article>(new BoundedChannelOptions(WaitingArticles) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        // While progress bars are drawn, the reading's warnings (skipped lines) wait for them to end: written between
        // two redraws, a line landed inside the bars.
        bool bars = console.ErrorIsTerminal && !settings.Json;
        using var held = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        var reader = new ArticleReader(bars ? console with { Error = TextWriter.Synchronized(held) } : console, settings.SkipBad, settings.Encoding)
        {
            KeepTexts = false,
            Forward = articles.Writer,
            MaxDegreeOfParallelism = settings.Threads ?? -1,
        };
        Task<ArticleSet> reading = Task.Run(() => ReadAndCompleteAsync(reader, articles.Writer, stop.Token), CancellationToken.None);
        try
        {
            IAsyncEnumerable<Article> stream = articles.Reader.ReadAllAsync(stop.Token);
            ScanResult result;
            if (!bars)
            {
                result = await CopyDetector.ScanAsync(stream, options, settings.Threads ?? -1, null, stop.Token).ConfigureAwait(false);
            }
            else
            {
                ScanResult? shown = null;
                await ProgressBars(console).StartAsync(async context =>
                {
                    var bar = new ScanProgressBar(context);
                    shown = await CopyDetector.ScanAsync(stream, options, settings.Threads ?? -1, bar, stop.Token).ConfigureAwait(false);
                    bar.Complete();
                }).ConfigureAwait(false);
                result = shown!;
            }

            return (await reading.ConfigureAwait(false), result);
        }
        catch (Exception)
        {
            // The reading's own error (a bad line, no articles) is the cause when it failed; else it is stopped.
            await stop.CancelAsync().ConfigureAwait(false);
            await ((Task)reading).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (reading.Exception?.InnerException is { } cause and not OperationCanceledException)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(cause);
            }

            throw;
        }
        finally
        {
            // The reading has ended (it is awaited on every path): what it held back is written now, once.
            console.Error.Write(held.ToString());
        }
    }

    /// <summary>Reads standard input into <paramref name="writer"/>, and completes it: with the reading's exception when it fails.</summary>
    private static async Task<ArticleSet> ReadAndCompleteAsync(ArticleReader reader, ChannelWriter<Article> writer, CancellationToken cancellationToken)
    {
        try
        {
            ArticleSet set = await reader.ReadAsync("-", cancellationToken).ConfigureAwait(false);
            writer.Complete();
            return set;
        }
        catch (Exception e)
        {
            writer.Complete(e);
            throw;
        }
    }

    /// <summary>The scan's progress bars on standard error, cleared when it ends.</summary>
    private static Progress ProgressBars(CliConsole console) =>
        console.CreateErrorConsole().Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn());

    /// <summary>Fails before the (possibly long) scan when an output file could not be created.</summary>
    internal static void CheckWritable(string? path)
    {
        if (path is null)
        {
            return;
        }

        if (Directory.Exists(path))
        {
            throw CliException.BadInput($"{path}: is a folder; expected a file name to write");
        }

        string full = Path.GetFullPath(path);
        string? folder = Path.GetDirectoryName(full);
        if (folder is not null && !Directory.Exists(folder))
        {
            throw CliException.NoFolder(path, folder);
        }

        // The file is written under a temporary name beside itself and renamed (WriteFile): one is created and deleted
        // here, so that a folder the tool may not write to fails now, not after the scan and the other outputs. A link
        // or a device is written through: opened for writing, as it is, if it exists.
        try
        {
            var existing = new FileInfo(full);
            if (existing.LinkTarget is not null || IsWrittenInPlace(full))
            {
                if (File.Exists(full))
                {
                    using var through = new FileStream(full, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1);
                }

                return;
            }

            string probe = TemporaryPath(full);
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (UnauthorizedAccessException)
        {
            throw CliException.IO($"{path}: permission denied (checked before the scan)");
        }
        catch (IOException e)
        {
            throw CliException.IO($"{path}: cannot be written ({CliException.Reason(e, full)})");
        }
    }


    /// <summary>
    /// Refuses output files that name the input or one another (through a symbolic link too; a hard link is not seen),
    /// or a .txt file in an input folder: the input would be overwritten, or one output would replace the other (a
    /// client's trial lost its 13 articles with <c>scan in.jsonl --pairs in.jsonl</c>, and every pair with
    /// <c>--pairs p --clusters p</c>).
    /// </summary>
    private static void CheckDistinct(ScanSettings settings)
    {
        var seen = new Dictionary<string, string>(OperatingSystem.IsLinux() ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase);
        if (settings.Input != "-" && File.Exists(settings.Input))
        {
            seen[FilePath(settings.Input)] = "INPUT";
        }

        // A folder's articles are its .txt files: an output there with that ending would be one of them.
        string? inputFolder = settings.Input != "-" && Directory.Exists(settings.Input) ? FilePath(settings.Input) : null;

        foreach ((string option, string? path) in (ReadOnlySpan<(string, string?)>)[("--pairs", settings.PairsPath), ("--clusters", settings.ClustersPath), ("--report", settings.ReportPath)])
        {
            if (path is null)
            {
                continue;
            }

            if (path == "-")
            {
                throw CliException.BadInput($"{option} -: the tool writes its summary to standard output; name a file for {option}");
            }

            // A device (/dev/null) may take any number of outputs: nothing is overwritten there.
            if (!IsWrittenInPlace(Path.GetFullPath(path)) && !seen.TryAdd(FilePath(path), option))
            {
                throw CliException.BadInput($"{option} {path}: names the same file as {seen[FilePath(path)]}; it would be overwritten");
            }

            if (inputFolder is not null && path.EndsWith(".txt", StringComparison.Ordinal)
                && string.Equals(Path.GetDirectoryName(FilePath(path)), inputFolder, OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase))
            {
                throw CliException.BadInput($"{option} {path}: is a .txt file in the input folder, so an article of INPUT; write it elsewhere");
            }
        }
    }

    /// <summary>The full path of a file, its symbolic link followed when it is one.</summary>
    internal static string FilePath(string path)
    {
        string full = Path.GetFullPath(path);
        return File.Exists(full) && new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true) is { } target ? Path.GetFullPath(target.FullName) : full;
    }

    /// <summary>The outputs asked for that were not <paramref name="written"/>, said as left as they were ("a and b are as they were"); empty when none.</summary>
    private static string Unchanged(ScanSettings settings, List<string> written)
    {
        string[] others = [.. new[] { settings.PairsPath, settings.ClustersPath, settings.ReportPath }.OfType<string>().Except(written, StringComparer.Ordinal)];
        return others.Length == 0 ? string.Empty : $"{string.Join(" and ", others)} {(others.Length == 1 ? "is as it was" : "are as they were")}";
    }

    /// <summary>
    /// Writes an output file whole or not at all, turning failures into one-line I/O errors. A new or existing file is
    /// written beside itself under a temporary name, flushed to disk and renamed over the old one, so a failed or
    /// cancelled write (a full disk, an error while writing, Ctrl+C) leaves the previous file as it was and no partial
    /// one (a killed process leaves at most the temporary file, which the next write of the output deletes once it is a
    /// minute old and no one holds it); the old file's permissions are kept. A symbolic link and
    /// anything under /dev or /proc (/dev/null, /dev/stdout, a process substitution's /dev/fd/N) are written through in
    /// place, as before.
    /// </summary>
    /// <param name="path">The output file.</param>
    /// <param name="write">Writes the content.</param>
    /// <param name="cancellationToken">Checked once the content is written: a cancelled write replaces nothing (the temporary file is deleted).</param>
    internal static void WriteFile(string path, Action<Stream> write, CancellationToken cancellationToken = default)
    {
        string full = Path.GetFullPath(path);
        string? temporary = null;
        try
        {
            var existing = new FileInfo(full);
            if (existing.LinkTarget is not null || IsWrittenInPlace(full))
            {
                using var through = new FileStream(full, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024);
                write(through);
                return;
            }

            // A scan killed while writing (kill -9, a power cut) left its temporary file, possibly hundreds of megabytes,
            // hidden by its dot: the next write of the same output deletes it once no one holds it, as index saves do.
            Dedup.Indexing.TemporaryFiles.RemoveOrphans(Path.GetDirectoryName(full) ?? ".", Path.GetFileName(full));
            temporary = TemporaryPath(full);
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024))
            {
                write(stream);
                if (stream.CanWrite)
                {
                    stream.Flush(flushToDisk: true);
                }
                else
                {
                    // The writer closed the stream with itself (a StreamWriter does): flushed to disk through the file anew.
                    using var again = new FileStream(temporary, FileMode.Open, FileAccess.Write, FileShare.None, 1);
                    again.Flush(flushToDisk: true);
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (existing.Exists && !OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, existing.UnixFileMode);
            }

            File.Move(temporary, full, overwrite: true);
            temporary = null;
        }
        catch (UnauthorizedAccessException)
        {
            throw CliException.IO($"{path}: permission denied");
        }
        catch (IOException e)
        {
            throw CliException.IO($"{path}: {CliException.Reason(e, temporary ?? full)}");
        }
        finally
        {
            if (temporary is not null)
            {
                DeleteQuietly(temporary);
            }
        }
    }

    /// <summary>For tests: called with each output file's path once it is written (flows with the test's own call only).</summary>
    internal static readonly AsyncLocal<Action<string>?> OutputWrittenForTests = new();

    private static void Written(List<string> written, string path)
    {
        written.Add(path);
        OutputWrittenForTests.Value?.Invoke(path);
    }

    /// <summary>A new temporary name beside an output file: <c>.NAME.&lt;random&gt;.tmp</c> in its folder.</summary>
    private static string TemporaryPath(string fullPath) =>
        Path.Combine(Path.GetDirectoryName(fullPath) ?? ".", $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");

    /// <summary>A device or process file (/dev/null, /dev/stdout, /dev/fd/N, /proc/...): written through, and never overwritten by another output.</summary>
    private static bool IsWrittenInPlace(string fullPath) =>
        fullPath.StartsWith("/dev/", StringComparison.Ordinal) || fullPath.StartsWith("/proc/", StringComparison.Ordinal);

    /// <summary>Deletes a temporary file, ignoring a failure (the error being reported is the write's).</summary>
    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>The summary <c>dedup scan</c> prints: a table on a terminal, "key: value" lines otherwise, or one JSON object.</summary>
/// <param name="set">The articles read.</param>
/// <param name="result">The scan's result.</param>
/// <param name="kinds">The pairs of each kind when already counted (<see cref="PairTable.Kinds"/>); null to count them here.</param>
internal sealed class ScanSummary(ArticleSet set, ScanResult result, IReadOnlyDictionary<CopyKind, int>? kinds = null)
{
    private int Clusters => result.Clusters.Count(c => c.Members.Count > 1);

    private int Copies => result.Clusters.Where(c => c.Members.Count > 1).Sum(c => c.Members.Count - 1);

    private double Seconds => result.Elapsed.TotalSeconds;

    /// <summary>Millions of characters (text and title) scanned a second: <c>speed</c>, and <c>mb_per_s</c> in JSON.</summary>
    private double MegabytesPerSecond => Seconds > 0 ? result.Characters / 1e6 / Seconds : 0;

    /// <summary>The pairs of each kind (<see cref="ScanResult.CountPairsByKind"/>: a scan may find millions, counted without making them).</summary>
    private IEnumerable<(string Kind, int Count)> Kinds
    {
        get
        {
            IReadOnlyDictionary<CopyKind, int> counts = kinds ?? result.CountPairsByKind();
            return Enum.GetValues<CopyKind>().Select(k => (JsonLines.KindName(k), counts.GetValueOrDefault(k)));
        }
    }

    public void WritePlain(TextWriter writer, ScanSettings settings)
    {
        foreach ((string key, string value) in Rows(settings))
        {
            writer.WriteLine($"{key.Trim()}: {value}");
        }
    }

    public void WriteTable(IAnsiConsole console, ScanSettings settings)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"dedup scan [bold]{Markup.Escape(set.Name)}[/]").HideHeaders();
        table.AddColumn("");
        table.AddColumn(new TableColumn("").RightAligned());
        foreach ((string key, string value) in Rows(settings))
        {
            string label = key.StartsWith("  ", StringComparison.Ordinal) ? $"[grey]{Markup.Escape(key)}[/]" : Markup.Escape(key);
            table.AddRow(label, Markup.Escape(value));
        }

        console.Write(table);
    }

    public void WriteJson(TextWriter writer, ScanSettings settings)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JsonLines.Options.Encoder }))
        {
            json.WriteStartObject();
            json.WriteString("input", set.Name);
            json.WriteNumber("documents", result.Documents);
            json.WriteNumber("characters", result.Characters);
            json.WriteNumber("clusters", Clusters);
            json.WriteNumber("copies", Copies);
            json.WriteNumber("pairs", result.Pairs.Count);
            json.WriteStartObject("pairs_by_kind");
            foreach ((string kind, int count) in Kinds)
            {
                json.WriteNumber(kind, count);
            }

            json.WriteEndObject();
            json.WriteNumber("threshold", settings.Threshold);
            json.WriteNumber("seconds", Math.Round(Seconds, 3));
            json.WriteNumber("mb_per_s", Math.Round(MegabytesPerSecond, 2));
            json.WriteNumber("skipped", set.SkippedCount);
            json.WriteStartObject("skipped_by_problem");
            foreach ((InputProblem problem, int count) in set.Skipped)
            {
                json.WriteNumber(ArticleReader.Key(problem), count);
            }

            json.WriteEndObject();
            WriteOptionalPath(json, "pairs_file", settings.PairsPath);
            WriteOptionalPath(json, "clusters_file", settings.ClustersPath);
            WriteOptionalPath(json, "report_file", settings.ReportPath);
            json.WriteEndObject();
        }

        writer.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static void WriteOptionalPath(Utf8JsonWriter json, string name, string? path)
    {
        if (path is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, path);
        }
    }

    private IEnumerable<(string Key, string Value)> Rows(ScanSettings settings)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        yield return ("documents", result.Documents.ToString(c));
        yield return ("clusters", Clusters.ToString(c));
        yield return ("copies", Copies.ToString(c));
        yield return ("pairs", result.Pairs.Count.ToString(c));
        foreach ((string kind, int count) in Kinds)
        {
            yield return ("  " + kind, count.ToString(c));
        }

        yield return ("threshold", settings.Threshold.ToString("0.###", c));
        yield return ("time", Seconds.ToString("0.000", c) + " s");
        // Two decimals read "0.00" for a few articles: small speeds keep their first digits.
        yield return ("speed", MegabytesPerSecond.ToString(MegabytesPerSecond >= 0.01 ? "0.00" : "0.######", c) + " M characters/s");
        if (set.SkippedCount > 0)
        {
            yield return ("skipped", set.SkippedCount.ToString(c) + " bad " + set.Unit + (set.SkippedCount == 1 ? string.Empty : "s"));
        }

        foreach ((string label, string? path) in new (string, string?)[] { ("pairs file", settings.PairsPath), ("clusters file", settings.ClustersPath), ("report", settings.ReportPath) })
        {
            if (path is not null)
            {
                yield return (label, path);
            }
        }
    }
}

/// <summary>A scan cancelled between its outputs: the message names those already replaced and those left as they were.</summary>
internal sealed class PartlyWrittenException(string message) : OperationCanceledException(message);

using Dedup.Cli.Commands;

namespace Dedup.Cli.Tests;

/// <summary>
/// Output files (<c>--pairs</c>, <c>--clusters</c>, <c>--report</c>) are written whole or not at all: a write that fails
/// part way leaves the previous file as it was and no partial or temporary file beside it.
/// </summary>
public sealed class OutputFileTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>
    /// Ctrl+C between two outputs says which were replaced and which were left as they were (it said only "cancelled",
    /// and a reader could not tell the new pairs from the old clusters).
    /// </summary>
    [Fact]
    public async Task A_scan_cancelled_between_its_outputs_names_those_written()
    {
        string pairs = _temp.File("p.jsonl");
        string clusters = _temp.File("c.jsonl");
        string report = _temp.File("r.html");
        File.WriteAllText(clusters, "old clusters\n");
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Commands.ScanCommand.OutputWrittenForTests.Value = path =>
        {
            if (path == pairs)
            {
                cancel.Cancel();
            }
        };
        int exit;
        try
        {
            exit = await DedupApp.RunAsync(["scan", Cli.NewsSample, "--pairs", pairs, "--clusters", clusters, "--report", report], stdout, stderr, null, cancel.Token);
        }
        finally
        {
            Commands.ScanCommand.OutputWrittenForTests.Value = null;
        }

        Assert.Equal(ExitCodes.Cancelled, exit);
        Assert.Equal($"dedup: cancelled after writing {pairs}; {clusters} and {report} are as they were", stderr.ToString().Trim());
        Assert.True(new FileInfo(pairs).Length > 0);
        Assert.Equal("old clusters\n", File.ReadAllText(clusters));
        Assert.False(File.Exists(report));
    }

    /// <summary>
    /// An output the tool may not create is refused before the scan, and no other output is written: the scan ran to its
    /// end, wrote the pairs and clusters, and only then failed on the report. (/sys refuses new files even to root.)
    /// </summary>
    [Fact]
    public async Task An_output_that_cannot_be_created_is_refused_before_the_scan_and_nothing_is_written()
    {
        const string Refusing = "/sys/kernel";
        if (!OperatingSystem.IsLinux() || !Directory.Exists(Refusing))
        {
            Assert.Skip($"needs a folder that refuses new files even to root ({Refusing} on Linux)");
        }

        string pairs = _temp.File("pairs.jsonl");
        string report = Path.Combine(Refusing, "report.html");
        CliRun run = await Cli.RunAsync("scan", Cli.NewsSample, "--pairs", pairs, "--report", report);
        Assert.True(run.ExitCode == ExitCodes.IOError, run.ToString());
        Assert.Contains($"{report}: ", run.Error, StringComparison.Ordinal);
        Assert.Contains("before the scan", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(pairs));
        Assert.Empty(Directory.GetFiles(Refusing, "*.tmp"));
    }

    /// <summary>A write that fails names the file once, not with .NET's " : '/path'" after the reason.</summary>
    [Fact]
    public async Task A_full_device_is_named_once_in_the_message()
    {
        if (!File.Exists("/dev/full"))
        {
            Assert.Skip("/dev/full is a Linux device");
        }

        CliRun run = await Cli.RunAsync("scan", Cli.NewsSample, "--pairs", "/dev/full");
        Assert.True(run.ExitCode == ExitCodes.IOError, run.ToString());
        Assert.Equal(1, run.Error.Split("/dev/full").Length - 1);
    }

    /// <summary>
    /// A write that fails after another output was replaced says which was (a client's trial, on a full disk: the
    /// clusters file was new, the report failed, and the message named only the report), as a cancellation does.
    /// </summary>
    [Fact]
    public async Task A_write_that_fails_after_another_says_which_outputs_were_written()
    {
        if (!File.Exists("/dev/full"))
        {
            Assert.Skip("/dev/full is a Linux device");
        }

        string clusters = _temp.File("clusters.jsonl");
        CliRun run = await Cli.RunAsync("scan", Cli.NewsSample, "--clusters", clusters, "--report", "/dev/full");

        Assert.True(run.ExitCode == ExitCodes.IOError, run.ToString());
        Assert.Contains($"({clusters} was written before it; /dev/full is as it was)", run.Error, StringComparison.Ordinal);
        Assert.True(File.Exists(clusters));
    }

    [Fact]
    public void A_write_that_fails_part_way_leaves_the_previous_file_and_no_other()
    {
        string path = _temp.Write("pairs.jsonl", "the previous run's pairs\n");

        CliException error = Assert.Throws<CliException>(() => ScanCommand.WriteFile(path, stream =>
        {
            stream.Write("{\"a\":\"1\",\"b\":"u8);
            stream.Flush();
            throw new IOException("No space left on device");
        }, TestContext.Current.CancellationToken));

        Assert.Contains("pairs.jsonl: No space left on device", error.Message, StringComparison.Ordinal);
        Assert.Equal("the previous run's pairs\n", File.ReadAllText(path));
        Assert.Equal(["pairs.jsonl"], Directory.GetFiles(_temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_write_that_fails_before_any_file_existed_leaves_none()
    {
        string path = _temp.File("clusters.jsonl");

        Assert.Throws<CliException>(() => ScanCommand.WriteFile(path, stream =>
        {
            stream.Write("{\"id\":"u8);
            throw new IOException("No space left on device");
        }, TestContext.Current.CancellationToken));

        Assert.Empty(Directory.GetFiles(_temp.Path));
    }

    [Fact]
    public void A_finished_write_replaces_the_file_and_keeps_its_permissions()
    {
        string path = _temp.Write("pairs.jsonl", "old, and longer than the new content\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        ScanCommand.WriteFile(path, stream => stream.Write("new\n"u8), TestContext.Current.CancellationToken);

        Assert.Equal("new\n", File.ReadAllText(path));
        Assert.Equal(["pairs.jsonl"], Directory.GetFiles(_temp.Path).Select(Path.GetFileName));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    /// <summary>A writer that closes the stream with itself (the report's <see cref="StreamWriter"/> does) still gets its file.</summary>
    [Fact]
    public void A_writer_that_closes_the_stream_still_replaces_the_file()
    {
        string path = _temp.Write("report.html", "old\n");

        ScanCommand.WriteFile(path, stream =>
        {
            using var writer = new StreamWriter(stream);
            writer.Write("<html></html>\n");
        }, TestContext.Current.CancellationToken);

        Assert.Equal("<html></html>\n", File.ReadAllText(path));
        Assert.Equal(["report.html"], Directory.GetFiles(_temp.Path).Select(Path.GetFileName));
    }

    /// <summary>Ctrl+C while an output is written replaces nothing: the run ended as if never interrupted, the file replaced.</summary>
    [Fact]
    public void A_write_cancelled_while_it_ran_leaves_the_previous_file()
    {
        string path = _temp.Write("report.html", "the previous report\n");
        using var cancel = new CancellationTokenSource();

        Assert.Throws<OperationCanceledException>(() => ScanCommand.WriteFile(path, stream =>
        {
            stream.Write("<html>"u8);
            cancel.Cancel();
            stream.Write("</html>"u8);
        }, cancel.Token));

        Assert.Equal("the previous report\n", File.ReadAllText(path));
        Assert.Equal(["report.html"], Directory.GetFiles(_temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_symbolic_link_is_written_through_to_its_target()
    {
        string target = _temp.Write("target.jsonl", "old\n");
        string link = _temp.File("link.jsonl");
        File.CreateSymbolicLink(link, target);

        ScanCommand.WriteFile(link, stream => stream.Write("new\n"u8), TestContext.Current.CancellationToken);

        Assert.Equal("new\n", File.ReadAllText(target));
        Assert.NotNull(new FileInfo(link).LinkTarget);
    }

    [Fact]
    public void A_device_is_written_in_place()
    {
        if (!File.Exists("/dev/null"))
        {
            Assert.Skip("no /dev/null on this system");
        }

        ScanCommand.WriteFile("/dev/null", stream => stream.Write("discarded\n"u8), TestContext.Current.CancellationToken);

        Assert.True(File.Exists("/dev/null"));
    }

    /// <summary>The scan as a user runs it: a later scan's pairs replace the earlier ones, with no file left beside them.</summary>
    [Fact]
    public async Task A_scan_replaces_its_earlier_output_whole()
    {
        string pairs = _temp.Write("pairs.jsonl", "stale\n");

        CliRun run = await Cli.RunAsync("scan", Cli.NewsSample, "--pairs", pairs);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("{\"a\":", File.ReadAllText(pairs), StringComparison.Ordinal);
        Assert.Equal(["pairs.jsonl"], Directory.GetFiles(_temp.Path).Select(Path.GetFileName));
    }
}

using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Dedup.Cli.Tests;

/// <summary>The report as a browser sees it, and the built tool run as a separate process.</summary>
public sealed class BrowserAndProcessTests : IDisposable
{
    private const string Chromium = "/usr/bin/chromium";
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Chromium_renders_the_report_with_one_section_per_cluster()
    {
        if (!File.Exists(Chromium))
        {
            Assert.Skip($"{Chromium} is not installed (apt-get install chromium) so the report cannot be loaded in a browser.");
        }

        string report = _temp.File("report.html");
        string clusters = _temp.File("clusters.jsonl");
        CliRun run = await Cli.RunAsync("scan", Cli.NewsSample, "--report", report, "--clusters", clusters);
        Assert.True(run.ExitCode == ExitCodes.CopiesFound, run.ToString());
        int expected = Samples.ReadJsonLines(clusters).GroupBy(c => c.GetProperty("cluster").ToString()).Count(g => g.Count() > 1);

        (int exit, string dom, string error) = await RunProcessAsync(Chromium,
            ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--user-data-dir=" + _temp.File("chromium-profile"), "--dump-dom", new Uri(report).AbsoluteUri]);
        Assert.True(exit == 0, error);
        Assert.Equal(4, expected);
        Assert.Equal(expected, Regex.Count(dom, "<section class=\"cluster\""));
        Assert.Equal(5, Regex.Count(dom, "<article class=\"copy\""));
        Assert.Contains("<mark class=\"exact\">", dom, StringComparison.Ordinal);
        Assert.Contains("<mark class=\"aligned\">", dom, StringComparison.Ordinal);
    }

    // Texts that would end a script or style, or open a comment, stay text in the browser's DOM: no element or
    // comment comes out of them, every cluster and copy is still there, and the original's text is there once.
    [Fact]
    public async Task Chromium_keeps_hostile_text_as_text_and_each_text_once()
    {
        if (!File.Exists(Chromium))
        {
            Assert.Skip($"{Chromium} is not installed (apt-get install chromium) so the report cannot be loaded in a browser.");
        }

        string story = string.Join(' ', File.ReadLines(Cli.NewsSample).Take(1).Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("text").GetString()));
        const string hostile = "</script><script>document.title='pwned'</script><!-- <style> </style> <img src=x onerror=alert(1)> --> ]]>";
        string input = _temp.Write("hostile.jsonl", string.Concat(Enumerable.Range(0, 3).Select(i =>
            System.Text.Json.JsonSerializer.Serialize(new { id = "h<!--" + i, title = "</title><!--" + i, text = hostile + " " + story + " Copy " + i + " " + hostile }) + "\n")));
        string report = _temp.File("report.html");
        CliRun run = await Cli.RunAsync("scan", input, "--report", report);
        Assert.True(run.ExitCode == ExitCodes.CopiesFound, run.ToString());

        (int exit, string dom, string error) = await RunProcessAsync(Chromium,
            ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--user-data-dir=" + _temp.File("chromium-profile"), "--dump-dom", new Uri(report).AbsoluteUri]);
        Assert.True(exit == 0, error);
        Assert.DoesNotContain("<script", dom, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", dom, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<!--", dom, StringComparison.Ordinal);
        Assert.DoesNotContain("pwned", dom.Split("</title>")[0], StringComparison.Ordinal);
        Assert.Single(Regex.Matches(dom, "<section class=\"cluster\""));
        Assert.Equal(2, Regex.Count(dom, "<article class=\"copy\""));
        string text = Regex.Replace(dom, "<[^>]*>", string.Empty); // the text nodes: the serializer writes < in them as &lt;
        Assert.Equal(6, Regex.Count(text, "&lt;/script&gt;&lt;script&gt;document.title='pwned'&lt;/script&gt;&lt;!-- &lt;style&gt;"));
        Assert.Equal(3, Regex.Count(text, Regex.Escape(" Copy ") + "[0-2] "));
    }

    /// <summary>
    /// The tool as built (its own runtime settings, not the test host's) finds a text in decomposed form (NFD: accents as
    /// combining marks, as macOS writes them) a duplicate of the same text composed: with invariant globalization the
    /// tool skipped the NFKC folding and called them no copy (0.17).
    /// </summary>
    [Fact]
    public async Task Built_tool_finds_decomposed_text_a_duplicate_of_the_composed()
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "Dedup.Cli.dll");
        const string French = "Le gouvernement français a présenté mercredi un projet de loi visant à réformer l'assurance chômage. " +
            "Selon la ministre du Travail, cette réforme permettra d'économiser près de quatre milliards d'euros par an d'ici à 2027. " +
            "Les syndicats ont immédiatement dénoncé un texte injuste qui pénaliserait les demandeurs d'emploi les plus précaires.";
        string composed = _temp.Write("fr.txt", French.Normalize(System.Text.NormalizationForm.FormC));
        string decomposed = _temp.Write("fr-nfd.txt", French.Normalize(System.Text.NormalizationForm.FormD));

        (int exit, string output, string error) = await RunProcessAsync("dotnet", [dll, "compare", composed, decomposed]);

        Assert.True(exit == ExitCodes.CopiesFound, output + error);
        Assert.Contains("kind: duplicate\n", output, StringComparison.Ordinal);
    }

    /// <summary>
    /// A pipe as input (a named pipe here; a process substitution <c>&lt;(...)</c> is one too) is read like standard input:
    /// both commands stopped with an internal error ("Stream does not support seeking").
    /// </summary>
    [Fact]
    public async Task A_named_pipe_is_read_as_input_by_scan_and_compare()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("named pipes in the file system are a Unix thing");
        }

        string fifo = _temp.File("in.fifo");
        (int made, _, string why) = await RunProcessAsync("mkfifo", [fifo]);
        Assert.True(made == 0, why);

        Task writing = Task.Run(() => File.WriteAllBytes(fifo, File.ReadAllBytes(Cli.NewsSample)), TestContext.Current.CancellationToken);
        CliRun scan = await Cli.RunAsync("scan", fifo, "--pairs", _temp.File("pairs.jsonl"));
        await writing;
        CliRun file = await Cli.RunAsync("scan", Cli.NewsSample, "--pairs", _temp.File("pairs-file.jsonl"));
        Assert.True(scan.ExitCode == ExitCodes.CopiesFound, scan.ToString());
        Assert.Equal(File.ReadAllText(_temp.File("pairs-file.jsonl")), File.ReadAllText(_temp.File("pairs.jsonl")));

        string text = _temp.Write("a.txt", "The council approved the harbour wall rebuild on Monday after a long debate about the cost.");
        writing = Task.Run(() => File.WriteAllText(fifo, File.ReadAllText(text)), TestContext.Current.CancellationToken);
        CliRun compare = await Cli.RunAsync("compare", fifo, text);
        await writing;
        Assert.True(compare.ExitCode == ExitCodes.CopiesFound, compare.ToString());
    }

    [Fact]
    public async Task Built_tool_runs_as_a_process_with_plain_output_and_exit_codes()
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "Dedup.Cli.dll");
        Assert.True(File.Exists(dll), dll);

        (int exit, string output, string error) = await RunProcessAsync("dotnet", [dll, "scan", Cli.NewsSample]);
        Assert.True(exit == ExitCodes.CopiesFound, output + error);
        Assert.Contains("documents: 13\n", output, StringComparison.Ordinal);

        (exit, output, error) = await RunProcessAsync("dotnet", [dll, "scan", _temp.File("missing.jsonl")]);
        Assert.Equal(ExitCodes.IOError, exit);
        Assert.Empty(output);
        Assert.Equal($"dedup: {_temp.File("missing.jsonl")}: no such file or folder", error.Trim());
    }

    /// <summary>
    /// A reader that closes standard output (<c>dedup index query ... | head -1</c>) stops the run at its next write,
    /// with exit code 141 (128 + SIGPIPE) and no message. .NET's console dropped writes into the closed pipe, and the
    /// query went on through every article to exit 1.
    /// </summary>
    [Fact]
    public async Task A_closed_standard_output_stops_the_run_with_exit_141()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("pipes and SIGPIPE's exit code are POSIX");
        }

        string store = _temp.File("q.idx");
        string story = "The harbour council approved the rebuilding of the north sea wall on Monday after a long debate about its cost and the storms of last winter.";
        string original = _temp.Write("original.jsonl", $"{{\"id\":\"o\",\"text\":\"{story}\"}}\n");
        Assert.Equal(ExitCodes.Ok, (await Cli.RunAsync("index", "add", "--store", store, original)).ExitCode);
        string copies = _temp.Write("copies.jsonl", string.Concat(Enumerable.Range(0, 5000).Select(i => $"{{\"id\":\"c{i}\",\"text\":\"{story}\"}}\n")));

        string dll = Path.Combine(AppContext.BaseDirectory, "Dedup.Cli.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in (string[])[dll, "index", "query", "--store", store, copies])
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        string? first = await process.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken);
        Assert.StartsWith("{\"a\":\"c0\",\"b\":\"o\"", first, StringComparison.Ordinal);
        process.StandardOutput.Close();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.Equal(string.Empty, await error);
        Assert.Equal(ExitCodes.BrokenPipe, process.ExitCode);

        // A standard output that fails otherwise (a full disk) is an I/O error that says it was standard output.
        if (File.Exists("/dev/full"))
        {
            (int exit, _, string why) = await RunProcessAsync("bash", ["-c", $"dotnet '{dll}' index query --store '{store}' '{copies}' > /dev/full"]);
            Assert.Equal(ExitCodes.IOError, exit);
            Assert.Equal("dedup: I/O error: standard output: No space left on device", why.Trim());
        }

        // Redirected to a file, the output goes where the shell's offset is, between what came before and after (a
        // FileStream on the descriptor wrote at offsets of its own, and the shell's "END" overwrote the tool's output).
        string file = _temp.File("out.txt");
        (int inFile, _, string inFileError) = await RunProcessAsync("bash", ["-c", $"{{ echo START; dotnet '{dll}' index stats --store '{store}'; echo END; }} > '{file}'"]);
        Assert.True(inFile == 0, inFileError);
        Assert.Equal(["START", "articles: 1"], File.ReadAllLines(file)[..2]);
        Assert.Equal("END", File.ReadAllLines(file)[^1]);

        // A closed standard error: the usage error still ends with its exit code (it crashed with 134 on the failed write).
        (int closedError, _, _) = await RunProcessAsync("bash", ["-c", $"dotnet '{dll}' scan --bogus 2>&-"]);
        Assert.Equal(ExitCodes.BadInput, closedError);
    }

    /// <summary>
    /// SIGTERM (what kill, timeout, systemd and docker stop send) stops a scan as Ctrl+C does: "cancelled", exit 143,
    /// no output written and no temporary file left. The tool ended at once with no word, and left its temporary files.
    /// The scan reads standard input, fed until the tool ends, so that the signal comes while it runs however fast it is.
    /// Sent twice at once, as timeout(1) sends it (to the tool, then to its process group), it is one request: the
    /// second ended the run at once, with no word and its temporary files left.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SIGTERM_stops_a_scan_cleanly_with_exit_143(bool twiceAtOnce)
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("POSIX signals");
        }

        string outputs = Directory.CreateDirectory(_temp.File("out")).FullName;
        string dll = Path.Combine(AppContext.BaseDirectory, "Dedup.Cli.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in (string[])[dll, "scan", "-", "--pairs", Path.Combine(outputs, "p.jsonl"), "--clusters", Path.Combine(outputs, "c.jsonl"), "--report", Path.Combine(outputs, "r.html")])
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        Task<string> output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var random = new Random(7);
        string[] words = ["harbour", "council", "storm", "rail", "tunnel", "budget", "minister", "flood", "vote", "market", "bank", "rate", "north", "coast", "report"];
        // A thread of its own: a loop of writes that complete at once held a pool thread, and the test's own delay
        // waited 28 s for one.
        Task feeding = Task.Factory.StartNew(() =>
        {
            try
            {
                for (int i = 0; !process.HasExited; i++)
                {
                    string text = string.Join(' ', Enumerable.Range(0, 80).Select(_ => words[random.Next(words.Length)]));
                    process.StandardInput.WriteLine($"{{\"id\":\"a{i}\",\"text\":\"{text}\"}}");
                }
            }
            catch (IOException)
            {
                // The tool ended: its end of the pipe is closed.
            }
        }, TestContext.Current.CancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        await Task.Delay(TimeSpan.FromSeconds(1.5), TestContext.Current.CancellationToken);
        Assert.False(process.HasExited, "the tool ended before the signal");
        string pid = process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        (int killed, _, string why) = twiceAtOnce
            ? await RunProcessAsync("bash", ["-c", $"kill -TERM {pid} && kill -TERM {pid}"])
            : await RunProcessAsync("kill", ["-TERM", pid]);
        Assert.True(killed == 0, why);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        await feeding;

        string message = await error;
        await output;
        Assert.True(process.ExitCode == 143, $"exit {process.ExitCode}: {message}");
        Assert.Contains("dedup: cancelled", message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(outputs, "*", new EnumerationOptions { AttributesToSkip = 0 }));
    }

    /// <summary>
    /// A run that cannot notice the first Ctrl+C (here <c>scan -</c> reading a pipe that sends nothing) ends at the
    /// second, given more than half a second after the first: it waited for input for as long as the pipe stayed open.
    /// </summary>
    [Fact]
    public async Task A_second_SIGINT_ends_a_run_blocked_on_its_input()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("POSIX signals");
        }

        string dll = Path.Combine(AppContext.BaseDirectory, "Dedup.Cli.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("scan");
        start.ArgumentList.Add("-");
        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        Task<string> output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(1.5), TestContext.Current.CancellationToken);
        string pid = process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(0, (await RunProcessAsync("kill", ["-INT", pid])).Exit);

        // More than half a second later: one sooner is the first request sent again (see the SIGTERM test).
        await Task.Delay(TimeSpan.FromSeconds(1.5), TestContext.Current.CancellationToken);
        Assert.False(process.HasExited, "the blocked read noticed the first signal, so this test no longer tests the second");
        Assert.Equal(0, (await RunProcessAsync("kill", ["-INT", pid])).Exit);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        await error;
        await output;
        Assert.Equal(130, process.ExitCode);
        process.StandardInput.Close();
    }

    private static async Task<(int Exit, string Out, string Error)> RunProcessAsync(string file, string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        Task<string> error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}

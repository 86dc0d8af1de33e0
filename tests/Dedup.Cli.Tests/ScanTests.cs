using System.Text.Json;

namespace Dedup.Cli.Tests;

/// <summary><c>dedup scan</c> end to end on samples/news.jsonl (needs the real detector).</summary>
public sealed class ScanTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>A scan of one article: the report says "1 document", and the summary's speed keeps its first digits, not "0.00".</summary>
    [Fact]
    public async Task One_article_is_one_document_and_a_small_speed_is_not_zero()
    {
        string input = _temp.Write("one.jsonl", "{\"id\": \"a\", \"text\": \"The harbour wall will be rebuilt, the council said on Tuesday.\"}\n");
        string report = _temp.File("r.html");
        CliRun run = await Cli.RunAsync("scan", input, "--report", report);
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains(">1 document scanned in", File.ReadAllText(report), StringComparison.Ordinal);
        Assert.DoesNotContain("speed: 0.00 M", run.Out, StringComparison.Ordinal);
        Assert.Contains("M characters/s", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_of_the_sample_finds_the_four_stories_with_copies_and_exits_1()
    {
        CliRun run = await Cli.RunAsync("scan", Cli.NewsSample);
        Assert.True(run.ExitCode == ExitCodes.CopiesFound, run.ToString());
        Assert.Contains("documents: 13\n", run.Out, StringComparison.Ordinal);
        Assert.Contains("clusters: 4\n", run.Out, StringComparison.Ordinal);
        Assert.Contains("copies: 5\n", run.Out, StringComparison.Ordinal);
        Assert.Matches(@"time: \d+\.\d{3} s", run.Out);
        Assert.Matches(@"speed: \d+\.\d{2} M characters/s", run.Out);
        Assert.Empty(run.Error);
    }

    [Fact]
    public async Task A_scan_that_rereads_articles_from_the_file_finds_what_a_scan_holding_the_texts_finds()
    {
        // A UTF-8 byte order mark, CRLF line breaks, blank and bad lines between the articles: the offsets kept for
        // re-reading must still point at each article's line. --report keeps the texts in memory; without it the scan
        // re-reads them from the file.
        string[] lines = File.ReadAllLines(Cli.NewsSample);
        var text = new System.Text.StringBuilder("\uFEFF");
        for (int i = 0; i < lines.Length; i++)
        {
            text.Append(lines[i]).Append("\r\n");
            text.Append(i % 3 == 0 ? "\r\n" : i % 3 == 1 ? "not json\r\n" : string.Empty);
        }

        string input = _temp.File("input.jsonl");
        File.WriteAllText(input, text.ToString(), new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        string held = _temp.File("held.jsonl");
        string reread = _temp.File("reread.jsonl");
        CliRun withTexts = await Cli.RunAsync("scan", input, "--skip-bad", "--pairs", held, "--report", _temp.File("report.html"));
        CliRun fromFile = await Cli.RunAsync("scan", input, "--skip-bad", "--pairs", reread);
        Assert.True(withTexts.ExitCode == ExitCodes.CopiesFound, withTexts.ToString());
        Assert.True(fromFile.ExitCode == ExitCodes.CopiesFound, fromFile.ToString());
        Assert.NotEmpty(File.ReadAllText(held));
        Assert.Equal(File.ReadAllText(held), File.ReadAllText(reread));

        // The table of pairs shows the same titles: a scan that re-reads from the file holds only the ids and reads the
        // shown pairs' titles back from it.
        static string Table(string output) => output[..output.IndexOf("\n\n", StringComparison.Ordinal)];
        Assert.Contains("Blinken proposes coast guard\u2026", Table(fromFile.Out), StringComparison.Ordinal);
        Assert.Equal(Table(withTexts.Out), Table(fromFile.Out));
    }

    /// <summary>Pairs and clusters given one file (written differently) are refused before anything is written: one would replace the other.</summary>
    [Fact]
    public async Task One_file_for_pairs_and_clusters_is_refused()
    {
        string both = _temp.File("both.jsonl");
        CliRun run = await Cli.RunAsync("scan", Cli.NewsSample, "--pairs", both, "--clusters", Path.Combine(Path.GetDirectoryName(both)!, ".", "both.jsonl"));
        Assert.True(run.ExitCode == ExitCodes.BadInput, run.ToString());
        Assert.Contains("names the same file as --pairs", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(both));
    }

    [Fact]
    public async Task Pairs_and_clusters_files_hold_every_pair_and_every_document()
    {
        string pairs = _temp.File("pairs.jsonl");
        string clusters = _temp.File("clusters.jsonl");
        CliRun run = await Cli.RunAsync("scan", Cli.NewsSample, "--pairs", pairs, "--clusters", clusters);
        Assert.True(run.ExitCode == ExitCodes.CopiesFound, run.ToString());

        List<JsonElement> pairLines = Samples.ReadJsonLines(pairs);
        Assert.NotEmpty(pairLines);
        foreach (JsonElement pair in pairLines)
        {
            Assert.Contains(pair.GetProperty("kind").GetString(), new[] { "duplicate", "syndicated", "excerpt", "rewritten" });
            foreach (string score in new[] { "score", "jaccard", "containment_a", "containment_b", "skeleton" })
            {
                Assert.InRange(pair.GetProperty(score).GetDouble(), 0, 1);
            }
        }

        string KindOf(string a, string b) => pairLines.Single(p =>
            (p.GetProperty("a").GetString() == a && p.GetProperty("b").GetString() == b) ||
            (p.GetProperty("a").GetString() == b && p.GetProperty("b").GetString() == a)).GetProperty("kind").GetString()!;
        Assert.Equal("duplicate", KindOf(Samples.Chips, Samples.Duplicate));
        Assert.Equal("syndicated", KindOf(Samples.Storm, Samples.Syndicated));
        Assert.Equal("excerpt", KindOf(Samples.Rail, Samples.Excerpt));
        Assert.Equal("rewritten", KindOf(Samples.Diplomacy, Samples.Spun));

        List<JsonElement> clusterLines = Samples.ReadJsonLines(clusters);
        Assert.Equal(13, clusterLines.Count);
        var clusterOf = clusterLines.ToDictionary(c => c.GetProperty("id").ToString(), c => c.GetProperty("cluster").ToString());
        Assert.Equal(Samples.Chips, clusterOf[Samples.Duplicate]);
        Assert.Equal(Samples.Chips, clusterOf[Samples.Roundup]);
        Assert.Equal(Samples.Storm, clusterOf[Samples.Syndicated]);
        Assert.Equal(Samples.Rail, clusterOf[Samples.Excerpt]);
        Assert.Equal(Samples.Diplomacy, clusterOf[Samples.Spun]);
        Assert.Equal(Samples.Heatwave, clusterOf[Samples.Heatwave]);
        Assert.Equal(8, clusterOf.Values.Distinct().Count());

        // The numeric id stays a number, and singletons are their own originals.
        JsonElement numeric = clusterLines.Single(c => c.GetProperty("id").ValueKind == JsonValueKind.Number);
        Assert.Equal(17, numeric.GetProperty("id").GetInt32());
        Assert.Equal(17, numeric.GetProperty("cluster").GetInt32());
        Assert.True(numeric.GetProperty("original").GetBoolean());
        Assert.Equal(4, clusterLines.Count(c => c.GetProperty("original").GetBoolean() && clusterOf.Values.Count(v => v == c.GetProperty("cluster").ToString()) > 1));
    }

    [Fact]
    public async Task Json_summary_is_one_object_with_counts_by_kind()
    {
        CliRun run = await Cli.RunAsync("scan", Cli.NewsSample, "--json", "--threshold", "0.5");
        Assert.True(run.ExitCode == ExitCodes.CopiesFound, run.ToString());
        using JsonDocument json = JsonDocument.Parse(run.Out);
        JsonElement root = json.RootElement;
        Assert.Equal(13, root.GetProperty("documents").GetInt32());
        Assert.Equal(4, root.GetProperty("clusters").GetInt32());
        Assert.Equal(0.5, root.GetProperty("threshold").GetDouble());
        JsonElement kinds = root.GetProperty("pairs_by_kind");
        Assert.Equal(root.GetProperty("pairs").GetInt32(), kinds.EnumerateObject().Sum(k => k.Value.GetInt32()));
        Assert.True(kinds.GetProperty("rewritten").GetInt32() >= 1);
        Assert.Equal(0, root.GetProperty("skipped").GetInt32());
    }

    [Fact]
    public async Task Skip_bad_goes_on_and_reports_the_count_in_the_summary()
    {
        CliRun run = await Cli.RunWithInputAsync(InputErrorTests.MixedInput(), "scan", "-", "--skip-bad", "--json");
        Assert.True(run.ExitCode is ExitCodes.Ok or ExitCodes.CopiesFound, run.ToString());
        Assert.Contains("dedup: skipped 7 bad lines of <stdin>:", run.Error, StringComparison.Ordinal);
        using JsonDocument json = JsonDocument.Parse(run.Out);
        Assert.Equal(6, json.RootElement.GetProperty("documents").GetInt32());
        Assert.Equal(7, json.RootElement.GetProperty("skipped").GetInt32());
        Assert.Equal(1, json.RootElement.GetProperty("skipped_by_problem").GetProperty("malformed_json").GetInt32());
    }

    [Fact]
    public async Task Folder_of_text_files_and_stdin_are_inputs_too()
    {
        string folder = StormFolder();
        File.WriteAllText(Path.Combine(folder, "heat.txt"), Samples.Text(Samples.Heatwave));
        string clusters = _temp.File("clusters.jsonl");
        CliRun run = await Cli.RunAsync("scan", folder, "--clusters", clusters);
        Assert.True(run.ExitCode == ExitCodes.CopiesFound, run.ToString());
        var clusterOf = Samples.ReadJsonLines(clusters).ToDictionary(c => c.GetProperty("id").GetString()!, c => c.GetProperty("cluster").GetString());
        Assert.Equal(clusterOf["storm"], clusterOf["storm-copy"]);
        Assert.Equal("heat", clusterOf["heat"]);

        CliRun fromStdin = await Cli.RunWithInputAsync(File.ReadAllBytes(Cli.NewsSample), "scan", "-");
        Assert.Equal(ExitCodes.CopiesFound, fromStdin.ExitCode);
        Assert.Contains("clusters: 4\n", fromStdin.Out, StringComparison.Ordinal);
    }

    /// <summary>
    /// A folder's hidden files (macOS's "._name.txt" resource forks, a ".draft.txt") are no articles, a symbolic link to
    /// a missing file is skipped with a warning, and a pipe is skipped as empty: before, the first stopped the scan as a
    /// binary file (exit 2), the second as an I/O error (exit 3) even with --skip-bad, and the third blocked the scan.
    /// </summary>
    [Fact]
    public async Task A_folders_hidden_files_and_dangling_links_are_not_read()
    {
        string folder = StormFolder();
        File.WriteAllBytes(Path.Combine(folder, "._storm.txt"), [0, 5, 22, 7, 0, 2, 0, 0]);
        File.WriteAllText(Path.Combine(folder, ".draft.txt"), Samples.Text(Samples.Heatwave));
        File.CreateSymbolicLink(Path.Combine(folder, "gone.txt"), Path.Combine(folder, "missing.txt"));
        if (!OperatingSystem.IsWindows())
        {
            // A pipe named like an article reports no length: skipped as empty, not read (reading it waited forever).
            using var mkfifo = System.Diagnostics.Process.Start("mkfifo", Path.Combine(folder, "pipe.txt"));
            await mkfifo.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        string clusters = _temp.File("clusters.jsonl");

        CliRun run = await Cli.RunAsync("scan", folder, "--clusters", clusters, "--skip-bad").WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);

        Assert.True(run.ExitCode == ExitCodes.CopiesFound, run.ToString());
        Assert.Equal(["storm", "storm-copy"], Samples.ReadJsonLines(clusters).Select(c => c.GetProperty("id").GetString()!).Order());
        Assert.Contains("gone.txt: a symbolic link to a missing file; skipped", run.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// A file of the folder that cannot be read (here a loop of symbolic links; a file without read permission goes the
    /// same way) is an I/O error naming it, with a word about --skip-bad; with --skip-bad it is skipped and counted, and
    /// the other files are scanned. It stopped the scan with --skip-bad too.
    /// </summary>
    [Fact]
    public async Task An_unreadable_file_of_a_folder_is_skipped_with_skip_bad()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("a loop of symbolic links is made here with Unix semantics");
        }

        string folder = StormFolder();
        File.CreateSymbolicLink(Path.Combine(folder, "loop1.txt"), Path.Combine(folder, "loop2.txt"));
        File.CreateSymbolicLink(Path.Combine(folder, "loop2.txt"), Path.Combine(folder, "loop1.txt"));

        CliRun stopped = await Cli.RunAsync("scan", folder);
        Assert.True(stopped.ExitCode == ExitCodes.IOError, stopped.ToString());
        Assert.Contains("loop1.txt: ", stopped.Error, StringComparison.Ordinal);
        Assert.Contains("--skip-bad", stopped.Error, StringComparison.Ordinal);

        string clusters = _temp.File("clusters.jsonl");
        CliRun run = await Cli.RunAsync("scan", folder, "--skip-bad", "--clusters", clusters, "--json");
        Assert.True(run.ExitCode == ExitCodes.CopiesFound, run.ToString());
        Assert.Equal(["storm", "storm-copy"], Samples.ReadJsonLines(clusters).Select(c => c.GetProperty("id").GetString()!).Order());
        using var summary = System.Text.Json.JsonDocument.Parse(run.Out);
        Assert.Equal(2, summary.RootElement.GetProperty("skipped_by_problem").GetProperty("unreadable").GetInt32());
    }

    /// <summary>
    /// A binary file of a folder is counted as binary when skipped: it was "invalid UTF-8", the words for a text that the
    /// tool reads as Windows-1252 and keeps, so a summary beside such a file's warning read as though it were dropped.
    /// </summary>
    [Fact]
    public async Task A_binary_file_of_a_folder_is_counted_as_binary_with_skip_bad()
    {
        string folder = StormFolder();
        File.WriteAllBytes(Path.Combine(folder, "program.txt"), [.. "ELF header\nthen"u8, 0x00, 0x01, 0xD0, 0x02]);

        CliRun run = await Cli.RunAsync("scan", folder, "--skip-bad");
        CliRun json = await Cli.RunAsync("scan", folder, "--skip-bad", "--json");

        Assert.True(run.ExitCode == ExitCodes.CopiesFound, run.ToString());
        Assert.Contains($"skipped 1 bad file of {folder}: 1 binary", run.Error, StringComparison.Ordinal);
        using var summary = System.Text.Json.JsonDocument.Parse(json.Out);
        Assert.Equal(1, summary.RootElement.GetProperty("skipped_by_problem").GetProperty("binary").GetInt32());
    }

    [Fact]
    public async Task Unrelated_articles_exit_0()
    {
        string input = _temp.Write("two.jsonl",
            JsonSerializerLine("heat", Samples.Text(Samples.Heatwave)) + JsonSerializerLine("storm", Samples.Text(Samples.Storm)));
        CliRun run = await Cli.RunAsync("scan", input);
        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Contains("pairs: 0\n", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_shows_each_cluster_largest_first_with_highlighted_passages()
    {
        string report = _temp.File("report.html");
        CliRun run = await Cli.RunAsync("scan", Cli.NewsSample, "--report", report);
        Assert.True(run.ExitCode == ExitCodes.CopiesFound, run.ToString());
        string html = File.ReadAllText(report);
        Assert.Equal(4, System.Text.RegularExpressions.Regex.Count(html, "<section class=\"cluster\""));
        Assert.Contains($"id=\"cluster-1\" data-cluster-id=\"{Samples.Chips}\" data-size=\"3\"", html, StringComparison.Ordinal);
        Assert.Equal(5, System.Text.RegularExpressions.Regex.Count(html, "<article class=\"copy\""));
        Assert.Contains("data-kind=\"rewritten\"", html, StringComparison.Ordinal);
        Assert.Contains("<mark class=\"exact\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
    }

    internal static string JsonSerializerLine(string id, string text)
        => JsonSerializer.Serialize(new { id, text }) + "\n";

    /// <summary>A folder of text files holding the storm story and its syndicated copy.</summary>
    private string StormFolder()
    {
        string folder = Path.Combine(_temp.Path, "texts");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "storm.txt"), Samples.Text(Samples.Storm));
        File.WriteAllText(Path.Combine(folder, "storm-copy.txt"), Samples.Text(Samples.Syndicated));
        return folder;
    }
}

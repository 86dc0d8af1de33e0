using System.Text;
using System.Text.Json;

namespace Dedup.Cli.Tests;

/// <summary>
/// <c>dedup scan -</c> scans standard input's articles as they are read (no text held once its features are made): the
/// same pairs, clusters and table as a scan of the same lines in a file, and a bad line found while the scan runs ends
/// the run with the reading's error.
/// </summary>
public sealed class StdinScanTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Standard_input_gives_the_pairs_clusters_and_table_of_the_same_lines_in_a_file()
    {
        string jsonl = Lines(9000, seed: 11);
        string file = _temp.Write("in.jsonl", jsonl);
        CliRun fromFile = await Cli.RunAsync("scan", file, "--pairs", _temp.File("f.pairs"), "--clusters", _temp.File("f.clusters"));
        CliRun fromStdin = await Cli.RunWithInputAsync(jsonl, "scan", "-", "--pairs", _temp.File("s.pairs"), "--clusters", _temp.File("s.clusters"));

        Assert.Equal(ExitCodes.CopiesFound, fromFile.ExitCode);
        Assert.Equal(ExitCodes.CopiesFound, fromStdin.ExitCode);
        Assert.Equal(File.ReadAllText(_temp.File("f.pairs")), File.ReadAllText(_temp.File("s.pairs")));
        Assert.Equal(File.ReadAllText(_temp.File("f.clusters")), File.ReadAllText(_temp.File("s.clusters")));

        // The table (its titles included) and the counts; the timing lines and the files named differ.
        string Shown(string output) => string.Join('\n', output.Split('\n').Where(l => !l.StartsWith("time:", StringComparison.Ordinal) && !l.StartsWith("speed:", StringComparison.Ordinal) && !l.Contains(_temp.Path, StringComparison.Ordinal)));
        Assert.Equal(Shown(fromFile.Out), Shown(fromStdin.Out));
        Assert.Contains("title ", fromStdin.Out, StringComparison.Ordinal);
    }

    /// <summary>
    /// A bad line past the scan's first batch (the scan is running when the reading meets it): the run ends with the
    /// reading's error, as a file's, and writes no output.
    /// </summary>
    [Fact]
    public async Task A_bad_line_met_while_the_scan_runs_ends_the_run_with_the_readings_error()
    {
        string[] lines = Lines(7000, seed: 12).Split('\n');
        lines[6400] = "{\"id\": \"bad\", \"text\": 5}";
        string jsonl = string.Join('\n', lines);
        CliRun run = await Cli.RunWithInputAsync(jsonl, "scan", "-", "--pairs", _temp.File("p"));
        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.StartsWith("dedup: <stdin>:6401: ", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_temp.File("p")));

        CliRun skipped = await Cli.RunWithInputAsync(jsonl, "scan", "-", "--skip-bad", "--pairs", _temp.File("p"));
        Assert.Equal(ExitCodes.CopiesFound, skipped.ExitCode);
        Assert.Contains("skipped 1 bad line of <stdin>", skipped.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("\"bad\"", File.ReadAllText(_temp.File("p")), StringComparison.Ordinal);
    }

    /// <summary>
    /// Read for a scan of standard input, the articles go to the scan whole and in order while the set keeps each without
    /// its text (its id, title and line): what makes the piped input's texts collectable once scanned.
    /// </summary>
    [Fact]
    public async Task The_reader_gives_the_articles_whole_and_keeps_them_without_their_text()
    {
        string jsonl = Lines(5000, seed: 13);
        using var stdin = new MemoryStream(Encoding.UTF8.GetBytes(jsonl));
        var console = new CliConsole(TextWriter.Null, TextWriter.Null, () => stdin);
        var forwarded = System.Threading.Channels.Channel.CreateBounded<Dedup.Detection.Article>(64);
        var reader = new Input.ArticleReader(console, skipBad: false) { KeepTexts = false, Forward = forwarded.Writer };
        Task<Input.ArticleSet> reading = reader.ReadAsync("-", TestContext.Current.CancellationToken).ContinueWith(
            t =>
            {
                forwarded.Writer.Complete(t.Exception);
                return t;
            },
            TaskScheduler.Default).Unwrap();
        var received = new List<Dedup.Detection.Article>();
        await foreach (Dedup.Detection.Article article in forwarded.Reader.ReadAllAsync(TestContext.Current.CancellationToken))
        {
            received.Add(article);
        }

        Input.ArticleSet set = await reading;
        Assert.Equal(5000, received.Count);
        Assert.Equal(set.Articles.Select(a => a.Id), received.Select(a => a.Id));
        Assert.All(received, a => Assert.False(string.IsNullOrWhiteSpace(a.Text)));
        Assert.All(set.Articles, a => Assert.Empty(a.Text));
        Assert.Equal(received.Select(Output.PairTable.ShownTitle), set.Articles.Select(a => a.Title));
        Assert.Equal("<stdin>:4000", set.LocationOf(3999));
        await Assert.ThrowsAsync<InvalidOperationException>(() => reader.ReadAsync("in.jsonl", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Standard_input_without_articles_says_so()
    {
        CliRun run = await Cli.RunWithInputAsync("\n\n", "scan", "-");
        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Equal("dedup: <stdin>: no articles found (expected one JSON object per line)", run.Error.Trim());
    }

    /// <summary><paramref name="count"/> JSON lines of <see cref="Dedup.Tests.RandomStories.Texts"/>, two in three with a title.</summary>
    private static string Lines(int count, int seed)
    {
        var builder = new StringBuilder();
        string[] texts = Dedup.Tests.RandomStories.Texts(count, seed);
        for (int i = 0; i < count; i++)
        {
            // Every third untitled: the table shows its first line.
            var line = new Dictionary<string, string> { ["id"] = $"s{i}", ["text"] = texts[i] };
            if (i % 3 != 0)
            {
                line["title"] = $"title {i}";
            }

            builder.Append(JsonSerializer.Serialize(line)).Append('\n');
        }

        return builder.ToString();
    }
}

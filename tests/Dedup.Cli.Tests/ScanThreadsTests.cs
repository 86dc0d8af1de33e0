namespace Dedup.Cli.Tests;

/// <summary><c>dedup scan --threads N</c>: the same pairs and clusters on any number of threads; a bad N is a usage error.</summary>
public sealed class ScanThreadsTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task One_thread_writes_the_same_pairs_and_clusters_as_all_cores()
    {
        string pairsAll = _temp.File("pairs-all.jsonl");
        string clustersAll = _temp.File("clusters-all.jsonl");
        string pairsOne = _temp.File("pairs-one.jsonl");
        string clustersOne = _temp.File("clusters-one.jsonl");

        CliRun all = await Cli.RunAsync("scan", Cli.NewsSample, "--pairs", pairsAll, "--clusters", clustersAll);
        CliRun one = await Cli.RunAsync("scan", Cli.NewsSample, "--threads", "1", "--pairs", pairsOne, "--clusters", clustersOne);

        Assert.True(one.ExitCode == ExitCodes.CopiesFound, one.ToString());
        Assert.Equal(all.ExitCode, one.ExitCode);
        Assert.NotEmpty(File.ReadAllText(pairsOne));
        Assert.Equal(File.ReadAllText(pairsAll), File.ReadAllText(pairsOne));
        Assert.Equal(File.ReadAllText(clustersAll), File.ReadAllText(clustersOne));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("2")]
    public async Task Lines_parsed_in_parallel_batches_are_reported_in_line_order(string threads)
    {
        // 3,000 lines span three batches of parsing; the problems (one per batch, and a duplicate of an id from the
        // first batch in the third) must come out in line order with their line numbers, as from a line-by-line read.
        var lines = new System.Text.StringBuilder();
        for (int i = 1; i <= 3000; i++)
        {
            string line = i switch
            {
                700 => "{\"id\": \"x\", \"text\": }",
                1500 => "[1, 2]",
                2900 => "{\"id\": \"a5\", \"text\": \"again\"}",
                _ => $"{{\"id\": \"a{i}\", \"text\": \"story number {i} about the harbour wall and the council vote\"}}",
            };
            lines.Append(line).Append('\n');
        }

        string path = _temp.Write("batches.jsonl", lines.ToString());
        string pairs = _temp.File("pairs.jsonl");
        CliRun run = await Cli.RunAsync("scan", path, "--skip-bad", "--threads", threads, "--pairs", pairs, "--json");

        int first = run.Error.IndexOf(":700: ", StringComparison.Ordinal);
        int second = run.Error.IndexOf(":1500: ", StringComparison.Ordinal);
        int third = run.Error.IndexOf(":2900: duplicate id 'a5' (first on line 5)", StringComparison.Ordinal);
        Assert.True(first >= 0 && second > first && third > second, run.ToString());
        Assert.Contains("\"documents\": 2997", run.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("many")]
    [InlineData("99999999999")]
    public async Task A_thread_count_below_one_or_not_a_number_exits_2(string threads)
    {
        CliRun run = await Cli.RunAsync("scan", Cli.NewsSample, "--threads", threads);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains($"--threads must be a whole number of at least 1 (up to 2147483647), got {threads}", run.Error, StringComparison.Ordinal);
    }
}

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
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("many")]
    public async Task A_thread_count_below_one_or_not_a_number_exits_2(string threads)
    {
        CliRun run = await Cli.RunAsync("scan", Cli.NewsSample, "--threads", threads);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("--threads", run.Error, StringComparison.Ordinal);
    }
}

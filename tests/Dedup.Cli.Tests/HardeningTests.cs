using System.Text;

namespace Dedup.Cli.Tests;

/// <summary>
/// The defects found by probing the tool as a hostile user would (issue 13): each input below once crashed the tool
/// (exit 70) or damaged a store. A failure here means that input is mishandled again; docs/faults.md lists them.
/// </summary>
public sealed class HardeningTests : IDisposable
{
    private const string Good = "{\"id\": \"a\", \"text\": \"Some text of a story about the harbour.\"}\n";

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    // D1: a lone surrogate escape is bad input naming file and line, in every string field and from every entry point.
    [Theory]
    [InlineData("{\"id\": \"b\", \"text\": \"abc \\ud800 def\"}", "\"text\" escapes a lone UTF-16 surrogate")]
    [InlineData("{\"id\": \"b\\udfff\", \"text\": \"abc def\"}", "\"id\" escapes a lone UTF-16 surrogate")]
    [InlineData("{\"id\": \"b\", \"text\": \"abc def\", \"title\": \"\\ud800\"}", "\"title\" escapes a lone UTF-16 surrogate")]
    [InlineData("{\"id\": \"b\", \"text\": \"abc def\", \"source\": \"x\\udbff\"}", "\"source\" escapes a lone UTF-16 surrogate")]
    public async Task Lone_surrogate_escapes_are_bad_input_naming_file_and_line(string badLine, string expected)
    {
        string path = _temp.Write("s.jsonl", Good + badLine + "\n");
        CliRun scan = await Cli.RunAsync("scan", path);
        Assert.Equal(ExitCodes.BadInput, scan.ExitCode);
        Assert.StartsWith($"dedup: {path}:2: {expected}", scan.Error, StringComparison.Ordinal);

        CliRun stdin = await Cli.RunWithInputAsync(Good + badLine + "\n", "scan", "-");
        Assert.Equal(ExitCodes.BadInput, stdin.ExitCode);
        Assert.StartsWith($"dedup: <stdin>:2: {expected}", stdin.Error, StringComparison.Ordinal);

        string store = _temp.File("index.dedup");
        CliRun add = await Cli.RunAsync("index", "add", "--store", store, path);
        Assert.Equal(ExitCodes.BadInput, add.ExitCode);
        Assert.False(File.Exists(store));

        CliRun skipped = await Cli.RunAsync("index", "add", "--store", store, path, "--skip-bad");
        Assert.Equal(ExitCodes.Ok, skipped.ExitCode);
        Assert.Contains("1 bad field", skipped.Error, StringComparison.Ordinal);
        Assert.Contains("added 1 article ", skipped.Out, StringComparison.Ordinal);
    }

    // D5: bad option values and store paths are usage errors (exit 2) with a message, not internal errors.
    [Theory]
    [InlineData("abc")]
    [InlineData("2.5")]
    [InlineData("99999999999")]
    [InlineData("1")]
    public async Task Bad_boilerplate_frequency_is_a_usage_error(string value)
    {
        CliRun run = await Cli.RunAsync("scan", Cli.NewsSample, "--boilerplate-df", value);
        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("--boilerplate-df", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("FOLDER")]
    [InlineData("FOLDER/")]
    [InlineData("missing/")]
    public async Task A_folder_as_the_store_is_a_usage_error(string store)
    {
        store = store.Replace("FOLDER", _temp.Path, StringComparison.Ordinal).Replace("missing", _temp.File("missing"), StringComparison.Ordinal);
        foreach (string[] args in new[] { new[] { "index", "add", "--store", store, Cli.NewsSample }, ["index", "stats", "--store", store], ["index", "remove", "--store", store, "x"] })
        {
            CliRun run = await Cli.RunAsync(args);
            Assert.Equal(ExitCodes.BadInput, run.ExitCode);
            Assert.Contains("is a folder; --store expects a file path", run.Error, StringComparison.Ordinal);
        }
    }
}

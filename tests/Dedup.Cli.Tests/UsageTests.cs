using Dedup.Cli.Input;
namespace Dedup.Cli.Tests;

/// <summary>Command-line usage: help, unknown options, missing arguments, values out of range, unsupported stores.</summary>
public sealed class UsageTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Help_lists_the_commands_and_exits_0()
    {
        CliRun run = await Cli.RunAsync("--help");
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("scan", run.Out, StringComparison.Ordinal);
        Assert.Contains("compare", run.Out, StringComparison.Ordinal);
        Assert.Contains("index", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_help_documents_every_option()
    {
        CliRun run = await Cli.RunAsync("scan", "--help");
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        foreach (string option in new[] { "--threshold", "--pairs", "--clusters", "--report", "--json", "--skip-bad" })
        {
            Assert.Contains(option, run.Out, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(new string[0], "no command given")]
    [InlineData(new[] { "scan" }, "dedup: missing INPUT")]
    [InlineData(new[] { "scan", "x.jsonl", "--bogus" }, "--bogus")]
    [InlineData(new[] { "scan", "x.jsonl", "--threshold", "1.5" }, "--threshold must lie between 0 and 1, got 1.5")]
    [InlineData(new[] { "scan", "x.jsonl", "--threshold", "high" }, "got high, which is not a number")]
    [InlineData(new[] { "scan", "x.jsonl", "-t", "0.5." }, "--threshold must be a number between 0 and 1, written like 0.5; got 0.5., which is not a number")]
    [InlineData(new[] { "scan", "x.jsonl", "-t", "0,5" }, "--threshold must lie between 0 and 1, written with a decimal point (0.5, not 0,5); got 0,5")]
    [InlineData(new[] { "scan", "x.jsonl", "-t", "1,000" }, "written with a decimal point")]
    [InlineData(new[] { "scan", "x.jsonl", "-t", "" }, "--threshold must lie between 0 and 1, got nothing")]
    [InlineData(new[] { "compare", "a.txt", "b.txt", "-t", "0,5" }, "written with a decimal point")]
    [InlineData(new[] { "index", "add", "x.jsonl", "--store", "s.idx", "-t", "0,5" }, "written with a decimal point")]
    [InlineData(new[] { "scan", "x.jsonl", "--boilerplate-df", "2147483648" }, "--boilerplate-df must be a whole number of at least 2")]
    [InlineData(new[] { "compare", "a.txt" }, "dedup: missing B")]
    [InlineData(new[] { "index", "add", "x.jsonl" }, "--store")]
    [InlineData(new[] { "index", "remove", "--store", "s.idx" }, "dedup: missing ID")]
    [InlineData(new[] { "frobnicate" }, "frobnicate")]
    public async Task Usage_errors_exit_2_with_a_hint(string[] args, string expected)
    {
        CliRun run = await Cli.RunAsync(args);
        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
        Assert.Contains("--help' for usage.", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Out);
    }

    /// <summary>
    /// A command of commands given none, or a word that is none, says so in one line naming the commands (the parser
    /// wrote "Required command was not provided.", then a line for each word it did not know).
    /// </summary>
    [Theory]
    [InlineData(new[] { "frobnicate" }, "dedup: unknown command 'frobnicate'; the commands of 'dedup' are scan, compare, index")]
    [InlineData(new[] { "index", "bogus", "--store", "x" }, "dedup: unknown command 'bogus'; the commands of 'dedup index' are add, query, remove, stats")]
    [InlineData(new[] { "--bogus" }, "dedup: unknown option '--bogus'; the commands of 'dedup' are scan, compare, index")]
    [InlineData(new string[0], "dedup: no command given; the commands of 'dedup' are scan, compare, index")]
    [InlineData(new[] { "index" }, "dedup: no command given; the commands of 'dedup index' are add, query, remove, stats")]
    public async Task A_missing_or_unknown_command_is_one_line_naming_the_commands(string[] args, string expected)
    {
        CliRun run = await Cli.RunAsync(args);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        string[] lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal(expected, lines[0]);
        Assert.EndsWith("--help' for usage.", lines[1], StringComparison.Ordinal);
    }

    /// <summary>
    /// The parser's errors are written as the tool writes its own, each naming what is wrong, in lower case without a
    /// closing period (they said "Unrecognized command or argument 'extra'." and "Option '--threads' expects a single
    /// argument but 2 were provided." beside the tool's "unknown option '--bogus'").
    /// </summary>
    [Theory]
    [InlineData(new[] { "scan", "SAMPLE", "extra" }, new[] { "dedup: unexpected argument 'extra'" })]
    [InlineData(new[] { "scan", "SAMPLE", "--threads", "1", "--threads", "2" }, new[] { "dedup: --threads is given 2 times; give it once" })]
    [InlineData(new[] { "scan", "SAMPLE", "--pairs" }, new[] { "dedup: --pairs needs a value (PAIRS.jsonl)" })]
    [InlineData(new[] { "scan", "SAMPLE", "--format", "html" }, new[] { "dedup: unknown option '--format'", "dedup: unexpected argument 'html'" })]
    [InlineData(new[] { "index", "add", "SAMPLE" }, new[] { "dedup: --store is required (PATH)" })]
    [InlineData(new[] { "index", "add" }, new[] { "dedup: --store is required (PATH)", "dedup: missing INPUT" })]
    [InlineData(new[] { "index", "query", "--store", "s.idx", "a", "b" }, new[] { "dedup: unexpected argument 'b'" })]
    public async Task Parser_errors_are_written_in_the_tools_style(string[] args, string[] expected)
    {
        CliRun run = await Cli.RunAsync([.. args.Select(a => a == "SAMPLE" ? Cli.NewsSample : a)]);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        string[] lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal([.. expected, $"Run 'dedup {args[0]}{(args[0] == "index" ? " " + args[1] : string.Empty)} --help' for usage."], lines);
    }

    [Theory]
    [InlineData("Unrecognized command or argument 'x'.", "unrecognized command or argument 'x'")]
    [InlineData("URL is not valid.", "URL is not valid")]
    [InlineData("'x' is bad", "'x' is bad")]
    public void A_parser_message_of_another_kind_is_put_in_the_tools_style(string message, string expected)
        => Assert.Equal(expected, DedupApp.InOwnStyle(message));

    /// <summary>The help gives --encoding's default as its value is written, lower case (it printed "[default: Auto]").</summary>
    [Fact]
    public async Task The_encodings_default_is_written_as_its_value()
    {
        foreach (string[] args in (string[][])[["scan", "--help"], ["compare", "--help"], ["index", "query", "--help"]])
        {
            CliRun run = await Cli.RunAsync(args);
            Assert.Contains("[default: auto]", run.Out, StringComparison.Ordinal);
            Assert.DoesNotContain("[default: Auto]", run.Out, StringComparison.Ordinal);
        }

        Assert.Equal(InputEncoding.Auto, default(InputEncoding));
    }

    /// <summary>A threshold of "-0" is 0, and the summary says 0 (it said -0).</summary>
    [Fact]
    public async Task A_negative_zero_threshold_is_zero()
    {
        CliRun run = await Cli.RunAsync("scan", Cli.NewsSample, "-t", "-0", "--json");
        Assert.Contains("\"threshold\": 0,", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("-0", run.Out.Split('\n').Single(l => l.Contains("threshold", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    /// <summary>
    /// An output file that names the input or another output is refused before anything is read or written: before,
    /// <c>scan in.jsonl --pairs in.jsonl</c> replaced the articles with the pairs, and <c>--pairs p --clusters p</c> lost the pairs.
    /// </summary>
    [Theory]
    [InlineData("--pairs", "IN", "names the same file as INPUT")]
    [InlineData("--report", "IN", "names the same file as INPUT")]
    [InlineData("--clusters", "P", "names the same file as --pairs")]
    [InlineData("--clusters", "LINK", "names the same file as --pairs")]
    [InlineData("--clusters", "-", "name a file for --clusters")]
    public async Task Output_files_that_name_the_input_or_each_other_are_refused(string option, string target, string expected)
    {
        string input = Path.Combine(_temp.Path, "in.jsonl");
        File.Copy(Cli.NewsSample, input);
        string pairs = Path.Combine(_temp.Path, "p.jsonl");
        File.WriteAllText(pairs, "keep");
        string link = Path.Combine(_temp.Path, "link.jsonl");
        File.CreateSymbolicLink(link, pairs);
        string path = target switch { "IN" => input, "P" => pairs, "LINK" => link, _ => target };
        string[] args = option == "--clusters" ? ["scan", input, "--pairs", pairs, option, path] : ["scan", input, option, path];

        CliRun run = await Cli.RunAsync(args);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(Cli.NewsSample), File.ReadAllBytes(input));
        Assert.Equal("keep", File.ReadAllText(pairs));
    }

    /// <summary>An output that is a .txt file of an input folder would replace an article: refused.</summary>
    [Fact]
    public async Task An_output_among_an_input_folders_articles_is_refused()
    {
        string folder = Path.Combine(_temp.Path, "texts");
        Directory.CreateDirectory(folder);
        string article = Path.Combine(folder, "storm.txt");
        File.WriteAllText(article, "Storm Ines floods northern Portugal.");

        CliRun run = await Cli.RunAsync("scan", folder, "--pairs", Path.Combine(folder, ".", "storm.txt"));

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("is a .txt file in the input folder", run.Error, StringComparison.Ordinal);
        Assert.Equal("Storm Ines floods northern Portugal.", File.ReadAllText(article));
    }

    [Fact]
    public async Task Index_help_names_the_redis_store_as_supported()
    {
        CliRun run = await Cli.RunAsync("index", "add", "--help");
        Assert.Contains("redis://[user:password@]host[:port][/name]", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("not supported", run.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("stats")]
    [InlineData("add")]
    [InlineData("query")]
    [InlineData("remove")]
    public async Task An_unreachable_redis_store_is_an_io_error_naming_it(string command)
    {
        const string Store = "redis://127.0.0.1:1/news";
        string[] args = command switch
        {
            "stats" => ["index", "stats", "--store", Store],
            "remove" => ["index", "remove", "--store", Store, "some-id"],
            _ => ["index", command, "--store", Store, Cli.NewsSample],
        };
        CliRun run = await Cli.RunAsync(args);
        Assert.Equal(ExitCodes.IOError, run.ExitCode);
        Assert.StartsWith($"dedup: {Store}: The Redis server at 127.0.0.1:1 is unavailable", run.Error.Trim(), StringComparison.Ordinal);
    }

    /// <summary>A store's password is never printed: a user's trial found it in the error message, and so in logs.</summary>
    [Theory]
    [InlineData("redis://:s3cret@127.0.0.1:1/news", "redis://:***@127.0.0.1:1/news")]
    [InlineData("redis://reader:s3cret@127.0.0.1:1/news", "redis://reader:***@127.0.0.1:1/news")]
    [InlineData("rediss://reader:s3cret@127.0.0.1:1/news", "rediss://reader:***@127.0.0.1:1/news")]
    public async Task A_stores_password_is_not_printed(string store, string shown)
    {
        Assert.Equal(shown, Dedup.Cli.Stores.RedisIndex.Redact(store));
        CliRun run = await Cli.RunAsync("index", "stats", "--store", store);
        Assert.NotEqual(ExitCodes.Ok, run.ExitCode);
        Assert.DoesNotContain("s3cret", run.Error + run.Out, StringComparison.Ordinal);
        Assert.Contains(shown, run.Error, StringComparison.Ordinal);
        Assert.Equal("redis://127.0.0.1:1/news", Dedup.Cli.Stores.RedisIndex.Redact("redis://127.0.0.1:1/news"));
        Assert.Equal("redis://127.0.0.1:1/a@b", Dedup.Cli.Stores.RedisIndex.Redact("redis://127.0.0.1:1/a@b"));
    }

    /// <summary>The URI escapes braces and slashes in the name (%7B, %2F); the name is checked as written.</summary>
    [Theory]
    [InlineData("redis://127.0.0.1:1/a{b}")]
    [InlineData("redis://127.0.0.1:1/a%7Bb%7D")]
    [InlineData("redis://127.0.0.1:1/a%2Fb")]
    public async Task A_redis_index_name_with_braces_or_slashes_is_bad_input(string store)
    {
        CliRun run = await Cli.RunAsync("index", "stats", "--store", store);
        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("the index name must not hold braces or slashes", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tls_redis_store_is_not_supported_yet()
    {
        CliRun run = await Cli.RunAsync("index", "stats", "--store", "rediss://localhost:6379/news");
        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("TLS (rediss://) is not supported yet", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compare_cannot_read_both_texts_from_stdin()
    {
        CliRun run = await Cli.RunAsync("compare", "-", "-");
        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("only one of A and B can be '-'", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compare_with_a_missing_file_is_an_IO_error()
    {
        string a = _temp.Write("a.txt", "Some text.");
        string b = _temp.File("missing.txt");
        CliRun run = await Cli.RunAsync("compare", a, b);
        Assert.Equal(ExitCodes.IOError, run.ExitCode);
        Assert.Equal($"dedup: {b}: no such file", run.Error.Trim());
    }

    [Fact]
    public async Task Compare_with_invalid_UTF8_names_file_and_line()
    {
        string a = _temp.Write("a.txt", "Some text.");
        string b = _temp.WriteBytes("b.txt", [.. "ok\nok\nbad "u8, 0xC3, 0x28]);
        CliRun run = await Cli.RunAsync("compare", a, b, "--encoding", "utf-8");
        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.StartsWith($"dedup: {b}:3: not valid UTF-8 (byte 0xC3 at column 5)", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Index_commands_on_a_missing_store_are_IO_errors()
    {
        string store = _temp.File("none.idx");
        CliRun run = await Cli.RunAsync("index", "stats", "--store", store);
        Assert.Equal(ExitCodes.IOError, run.ExitCode);
        Assert.StartsWith($"dedup: {store}: no such index", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_output_into_a_missing_folder_fails_before_reading()
    {
        string pairs = Path.Combine(_temp.Path, "no", "such", "pairs.jsonl");
        CliRun run = await Cli.RunAsync("scan", Cli.NewsSample, "--pairs", pairs);
        Assert.Equal(ExitCodes.IOError, run.ExitCode);
        Assert.StartsWith($"dedup: {pairs}: no such folder", run.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// A folder is read for its .txt files: a JSON Lines file beside them is named in a warning, not ignored without a
    /// word; and a file given with a trailing slash is named as a file (both from a user's trial).
    /// </summary>
    [Fact]
    public async Task A_folder_names_the_JSON_Lines_files_it_does_not_read_and_a_file_with_a_slash_is_named()
    {
        string folder = _temp.File("mixed");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "a.txt"), "The harbour wall will be rebuilt, the council said on Tuesday after a long debate.");
        File.Copy(Cli.NewsSample, Path.Combine(folder, "news.jsonl"));
        CliRun run = await Cli.RunAsync("scan", folder);
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("1 JSON Lines file in it is not read (news.jsonl)", run.Error, StringComparison.Ordinal);

        string slashed = Path.Combine(folder, "news.jsonl") + "/";
        run = await Cli.RunAsync("scan", slashed);
        Assert.Equal(ExitCodes.IOError, run.ExitCode);
        Assert.Equal($"dedup: {slashed}: a file, not a folder (drop the trailing '/')", run.Error.TrimEnd());
    }

    /// <summary>An output or index path through a file ("notes.txt/p.jsonl") names that file, not a missing folder (a user's trial).</summary>
    [Fact]
    public async Task An_output_path_through_a_file_names_the_file()
    {
        string file = _temp.Write("notes.txt", "a note");
        string pairs = Path.Combine(file, "sub", "p.jsonl");
        CliRun run = await Cli.RunAsync("scan", Cli.NewsSample, "--pairs", pairs);
        Assert.Equal(ExitCodes.IOError, run.ExitCode);
        Assert.Equal($"dedup: {pairs}: '{file}' is a file, not a folder", run.Error.TrimEnd());

        string store = Path.Combine(file, "index.dedup");
        run = await Cli.RunAsync("index", "add", "--store", store, Cli.NewsSample);
        Assert.Equal(ExitCodes.IOError, run.ExitCode);
        Assert.Equal($"dedup: {store}: '{file}' is a file, not a folder", run.Error.TrimEnd());
    }
}

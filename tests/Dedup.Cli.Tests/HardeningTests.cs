using System.Text;
using Dedup.Cli.Input;
using Dedup.Cli.Output;

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

    /// <summary>
    /// A file the system refuses to read names the file first, as the tool's other messages do (it said "I/O error:
    /// Input/output error : '/proc/self/mem'", .NET's words with the path last).
    /// </summary>
    [Theory]
    [InlineData("scan")]
    [InlineData("compare")]
    public async Task A_file_the_system_cannot_read_is_named_first(string command)
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("/proc/self/mem, which cannot be read from its start, is Linux's");
        }

        CliRun run = await Cli.RunAsync(command == "scan" ? ["scan", "/proc/self/mem"] : ["compare", "/proc/self/mem", Cli.NewsSample]);

        Assert.Equal(ExitCodes.IOError, run.ExitCode);
        Assert.Equal("dedup: /proc/self/mem: Input/output error", run.Error.Trim());
    }

    [Theory]
    [InlineData("io", "Input/output error : '/proc/self/mem'", "/proc/self/mem: Input/output error")]
    [InlineData("io", "No space left on device : '/tmp/a : 'b'", "/tmp/a : 'b: No space left on device")]
    [InlineData("io", "The pipe is broken.", "I/O error: The pipe is broken.")]
    [InlineData("denied", "Access to the path '/root/x' is denied.", "/root/x: permission denied")]
    [InlineData("denied", "Access denied.", "permission denied: Access denied.")]
    public void A_system_message_is_turned_to_name_its_file_first(string kind, string message, string expected)
    {
        Exception e = kind == "io" ? new IOException(message) : new UnauthorizedAccessException(message);
        Assert.Equal(expected, CliException.PathFirst(e));
    }

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

    // D2: limits are checked where data comes in, so a store is never saved that cannot be loaded.
    /// <summary>An unknown option is named as one: the parser took it for the input (`scan --bogus FILE` blamed FILE, `scan --version` looked for a file so named, exit 3).</summary>
    [Theory]
    [InlineData("scan", "--bogus", "SAMPLE", "unknown option '--bogus'")]
    [InlineData("scan", "--version", null, "unknown option '--version'")]
    [InlineData("compare", "-x", "SAMPLE", "unknown option '-x'")]
    public async Task An_unknown_option_is_named_as_one(string command, string option, string? input, string message)
    {
        string[] args = [.. new[] { command, option, input }.Where(a => a is not null).Select(a => a == "SAMPLE" ? Cli.NewsSample : a!)];

        CliRun run = await Cli.RunAsync(args);

        Assert.True(run.ExitCode == ExitCodes.BadInput, run.ToString());
        Assert.StartsWith("dedup: " + message, run.Error, StringComparison.Ordinal);
    }

    /// <summary>An empty path (an unset shell variable, say) is a usage error naming the option, not an internal error.</summary>
    [Theory]
    [InlineData("scan", "SAMPLE", "--pairs", "", "--pairs: expected a file path")]
    [InlineData("scan", "SAMPLE", "--report", " ", "--report: expected a file path")]
    [InlineData("scan", "", null, null, "INPUT: expected")]
    [InlineData("compare", "", "SAMPLE", null, "expected a text file path")]
    public async Task An_empty_path_is_a_usage_error(string command, string first, string? second, string? third, string message)
    {
        string[] args = [.. new[] { command, first, second, third }.Where(a => a is not null).Select(a => a == "SAMPLE" ? Cli.NewsSample : a!)];

        CliRun run = await Cli.RunAsync(args);

        Assert.True(run.ExitCode == ExitCodes.BadInput, run.ToString());
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
    }

    /// <summary>A time with nanoseconds (Go's RFC 3339, Java's Instant) is read, cut to the 100 ns .NET keeps; eight or nine digits were refused.</summary>
    [Fact]
    public void A_time_with_nanoseconds_is_read()
    {
        Assert.True(ArticleReader.TryParsePublished("2025-01-18T07:45:00.123456789Z", out DateTimeOffset nano));
        Assert.Equal(new DateTimeOffset(2025, 1, 18, 7, 45, 0, TimeSpan.Zero).AddTicks(1_234_567), nano);
        Assert.True(ArticleReader.TryParsePublished("2025-01-18 07:45:00.12345678+02:00", out DateTimeOffset offset));
        Assert.Equal(TimeSpan.FromHours(2), offset.Offset);
        Assert.False(ArticleReader.TryParsePublished("2025-01-18T07:45:00.123456789 tomorrow", out _));
        Assert.False(ArticleReader.TryParsePublished("18.01.2025", out _));
    }

    /// <summary>RFC 3339 lets "T" and "Z" be written in lower case (a client's trial had "...07:45:00z" refused).</summary>
    [Theory]
    [InlineData("2025-01-18t07:45:00Z")]
    [InlineData("2025-01-18T07:45:00z")]
    [InlineData("2025-01-18t07:45:00z")]
    [InlineData("2025-01-18t07:45:00.5z")]
    public void A_lower_case_t_or_z_is_read_as_upper_case(string text)
    {
        Assert.True(ArticleReader.TryParsePublished(text, out DateTimeOffset read));
        Assert.True(ArticleReader.TryParsePublished(text.ToUpperInvariant(), out DateTimeOffset upper));
        Assert.Equal(upper, read);
        Assert.Equal(TimeSpan.Zero, read.Offset);
        Assert.False(ArticleReader.TryParsePublished("2025-01-18x07:45:00z", out _));
        Assert.False(ArticleReader.TryParsePublished("2025-01-18t24:00:00z", out _));
    }

    /// <summary>
    /// The quick reading of "yyyy-MM-ddTHH:mm:ssZ" (<see cref="ArticleReader.TryParseUtcSeconds"/>) gives what the
    /// formats give, for dates and times that exist and for those that do not (month 13, 30 February, hour 24, a letter
    /// for a digit), and the same offset.
    /// </summary>
    [Fact]
    public void The_quick_reading_of_a_utc_time_agrees_with_the_formats()
    {
        var random = new Random(20261129);
        string[] samples = ["2000-02-29T23:59:59Z", "1900-02-29T00:00:00Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2025-13-01T00:00:00Z", "2025-04-31T10:00:00Z", "2025-01-18T24:00:00Z", "2025-01-18T07:60:00Z", "2025-01-18T07:45:60Z", "2025-01-1xT07:45:00Z", "2025-01-18t07:45:00Z", "2025-01-18T07:45:00z", "+025-01-18T07:45:00Z", "2025-01-18T07:45:00+", "2025-01-18 07:45:00Z"];
        IEnumerable<string> generated = Enumerable.Range(0, 20_000).Select(_ =>
        {
            char Digit() => random.Next(40) == 0 ? "x-+ :Z"[random.Next(6)] : (char)('0' + random.Next(10));
            string two() => random.Next(3) == 0 ? $"{Digit()}{Digit()}" : random.Next(0, 63).ToString("00", System.Globalization.CultureInfo.InvariantCulture);
            return $"{Digit()}{Digit()}{Digit()}{Digit()}-{two()}-{two()}T{two()}:{two()}:{two()}Z";
        });
        foreach (string text in samples.Concat(generated))
        {
            bool quick = ArticleReader.TryParseUtcSeconds(text, out DateTimeOffset fast);
            bool exact = DateTimeOffset.TryParseExact(text, "yyyy'-'MM'-'dd'T'HH':'mm':'ssK", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out DateTimeOffset expected);
            Assert.True(quick == exact, $"{text}: quick {quick}, formats {exact}");
            if (quick)
            {
                Assert.Equal(expected, fast);
                Assert.Equal(expected.Offset, fast.Offset);
                Assert.Equal(expected.Ticks, fast.Ticks);
            }
        }

        Assert.True(ArticleReader.TryParsePublished("2025-01-18T07:45:00Z", out DateTimeOffset read));
        Assert.Equal(new DateTimeOffset(2025, 1, 18, 7, 45, 0, TimeSpan.Zero), read);
    }

    [Fact]
    public async Task An_over_long_id_is_refused_at_input_and_the_store_stays_loadable()
    {
        string store = _temp.File("index.dedup");
        string first = _temp.Write("first.jsonl", Good);
        Assert.Equal(ExitCodes.Ok, (await Cli.RunAsync("index", "add", "--store", store, first)).ExitCode);
        byte[] before = File.ReadAllBytes(store);

        string longId = new('x', Dedup.Detection.Article.MaxIdBytes + 1);
        string bad = _temp.Write("long.jsonl", "{\"id\": \"" + longId + "\", \"text\": \"The harbour wall is rebuilt.\"}\n");
        CliRun add = await Cli.RunAsync("index", "add", "--store", store, bad);
        Assert.Equal(ExitCodes.BadInput, add.ExitCode);
        Assert.Contains($":1: \"id\" is {longId.Length} bytes long; the limit is {Dedup.Detection.Article.MaxIdBytes}", add.Error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(store));

        string edge = _temp.Write("edge.jsonl", "{\"id\": \"" + longId[1..] + "\", \"text\": \"The harbour wall is rebuilt.\"}\n");
        Assert.Equal(ExitCodes.Ok, (await Cli.RunAsync("index", "add", "--store", store, edge)).ExitCode);
        CliRun stats = await Cli.RunAsync("index", "stats", "--store", store);
        Assert.Equal(ExitCodes.Ok, stats.ExitCode);
        Assert.StartsWith("articles: 2", stats.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_over_long_title_is_a_bad_field()
    {
        string title = new('t', Input.ArticleReader.MaxTitleLength + 1);
        string path = _temp.Write("t.jsonl", Good + "{\"id\": \"b\", \"text\": \"x y\", \"title\": \"" + title + "\"}\n");
        CliRun run = await Cli.RunAsync("scan", path);
        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains(":2: \"title\" is 10001 characters long; the limit is 10000", run.Error, StringComparison.Ordinal);
    }

    // A numeric id is its whole-number value: 17, 17.0, 1.7e1 and "17" are one id; a fraction is a bad id.
    [Theory]
    [InlineData("17.0")]
    [InlineData("1.7e1")]
    [InlineData("170E-1")]
    [InlineData("\"17\"")]
    public async Task Numeric_ids_with_one_value_are_one_id(string second)
    {
        string path = _temp.Write("n.jsonl", "{\"id\": 17, \"text\": \"first story\"}\n{\"id\": " + second + ", \"text\": \"second story\"}\n");
        CliRun run = await Cli.RunAsync("scan", path);
        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains(":2: duplicate id '17' (first on line 1)", run.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// A fraction is no id, however small (1e-40 read as 0 before, taking the id of a 0); a whole number too large to
    /// canonicalize is named as such (it was called "not a whole number").
    /// </summary>
    [Theory]
    [InlineData("1.5", "must be a whole number")]
    [InlineData("1e-40", "must be a whole number")]
    [InlineData("-0.0000000000000000000000000000001", "must be a whole number")]
    [InlineData("1e400", "of more than 28 digits must be written in plain digits (or as a string)")]
    [InlineData("1.5e30", "of more than 28 digits must be written in plain digits (or as a string)")]
    public async Task A_fractional_or_huge_numeric_id_is_a_bad_id(string id, string problem)
    {
        string path = _temp.Write("n.jsonl", "{\"id\": " + id + ", \"text\": \"a story\"}\n");
        CliRun run = await Cli.RunAsync("scan", path);
        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains(":1: a numeric \"id\" " + problem + ", found '" + id + "'", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.0", "0")]
    [InlineData("-0e5", "0")]
    [InlineData("0E-3", "0")]
    [InlineData("1.7e1", "17")]
    [InlineData("-2.50e1", "-25")]
    public void A_whole_number_id_in_any_notation_reads_as_its_digits(string raw, string id)
    {
        Assert.True(Input.ArticleReader.TryCanonicalInteger(raw, out string canonical));
        Assert.Equal(id, canonical);
    }

    [Fact]
    public async Task Numeric_ids_are_written_back_in_their_canonical_form()
    {
        string path = _temp.Write("n.jsonl", "{\"id\": 1.7e1, \"text\": \"The harbour wall is rebuilt after the storm.\"}\n{\"id\": 18, \"text\": \"The harbour wall is rebuilt after the storm.\"}\n");
        string pairs = _temp.File("p.jsonl");
        CliRun run = await Cli.RunAsync("scan", path, "--pairs", pairs);
        Assert.Equal(ExitCodes.CopiesFound, run.ExitCode);
        Assert.StartsWith("{\"a\":17,\"b\":18,", File.ReadAllText(pairs), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_duplicate_key_is_an_error_naming_the_key()
    {
        string path = _temp.Write("d.jsonl", Good + "{\"id\": \"b\", \"text\": \"one\", \"text\": \"two\"}\n");
        CliRun run = await Cli.RunAsync("scan", path);
        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains(":2: the key 'text' appears twice (id 'b')", run.Error, StringComparison.Ordinal);

        CliRun skipped = await Cli.RunAsync("scan", path, "--skip-bad", "--json");
        Assert.Contains("\"duplicate_key\": 1", skipped.Out, StringComparison.Ordinal);
    }

    // Ids with newlines or ESC are escaped in one-line messages.
    [Fact]
    public async Task Ids_with_control_characters_are_escaped_in_messages()
    {
        string path = _temp.Write("e.jsonl", "{\"id\": \"a\\nfake: line\\u001b[31m\", \"text\": \"one\"}\n{\"id\": \"a\\nfake: line\\u001b[31m\", \"text\": \"two\"}\n");
        CliRun run = await Cli.RunAsync("scan", path);
        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        string line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("duplicate id 'a\\nfake: line\\u001B[31m'", line, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', run.Error);

        string store = _temp.File("i.dedup");
        CliRun remove = await Cli.RunAsync("index", "add", "--store", store, _temp.Write("g.jsonl", Good));
        Assert.Equal(ExitCodes.Ok, remove.ExitCode);
        remove = await Cli.RunAsync("index", "remove", "--store", store, "x\ny\u001b");
        Assert.Equal(ExitCodes.BadInput, remove.ExitCode);
        Assert.Single(remove.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("'x\\ny\\u001B'", remove.Error, StringComparison.Ordinal);
    }

    // D7: a symlinked store is followed: the target is updated and the link kept.
    [Fact]
    public async Task A_symlinked_store_updates_its_target_and_stays_a_link()
    {
        Directory.CreateDirectory(_temp.File("real"));
        string target = Path.Combine(_temp.File("real"), "index.dedup");
        string link = _temp.File("link.dedup");
        Assert.Equal(ExitCodes.Ok, (await Cli.RunAsync("index", "add", "--store", target, _temp.Write("a.jsonl", Good))).ExitCode);
        File.CreateSymbolicLink(link, Path.Combine("real", "index.dedup"));

        string second = _temp.Write("b.jsonl", "{\"id\": \"b\", \"text\": \"A different story about the railway strike.\"}\n");
        Assert.Equal(ExitCodes.Ok, (await Cli.RunAsync("index", "add", "--store", link, second)).ExitCode);

        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.StartsWith("articles: 2", (await Cli.RunAsync("index", "stats", "--store", target)).Out, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_temp.Path, "*.tmp"));
    }

    // Temporary files of saves killed mid-write are removed by the next save; one still being written is left alone.
    [Fact]
    public async Task Orphaned_temporary_files_are_removed_by_the_next_save()
    {
        string store = _temp.File("index.dedup");
        Assert.Equal(ExitCodes.Ok, (await Cli.RunAsync("index", "add", "--store", store, _temp.Write("a.jsonl", Good))).ExitCode);
        string orphan = _temp.WriteBytes($".index.dedup.{Guid.NewGuid():N}.tmp", [1, 2, 3]);
        string busy = _temp.WriteBytes($".index.dedup.{Guid.NewGuid():N}.tmp", [4, 5, 6]);
        string fresh = _temp.WriteBytes($".index.dedup.{Guid.NewGuid():N}.tmp", [7, 8, 9]);
        string foreign = _temp.WriteBytes(".index.dedup.mine.tmp", [0]);
        foreach (string old in new[] { orphan, busy, foreign })
        {
            File.SetLastWriteTimeUtc(old, DateTime.UtcNow.AddHours(-1));
        }

        using (new FileStream(busy, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            string second = _temp.Write("b.jsonl", "{\"id\": \"b\", \"text\": \"A different story about the railway strike.\"}\n");
            Assert.Equal(ExitCodes.Ok, (await Cli.RunAsync("index", "add", "--store", store, second)).ExitCode);
        }

        Assert.False(File.Exists(orphan));
        Assert.True(File.Exists(busy));
        Assert.True(File.Exists(fresh));
        Assert.True(File.Exists(foreign));
    }

    // A first add that fills the disk leaves no index behind (a user's trial found an empty one, which stats then
    // reported as "articles: 0"), and says so in one line. The disk is a 64 KB tmpfs: mounted where the test runs as
    // root and the kernel lets it, and the test reports itself skipped elsewhere.
    [Fact]
    public async Task A_first_add_that_fills_the_disk_leaves_no_index_and_a_full_disk_changes_none()
    {
        string disk = _temp.File("small");
        Directory.CreateDirectory(disk);
        if (OperatingSystem.IsWindows() || Environment.UserName != "root" || !Run("mount", $"-t tmpfs -o size=64k tmpfs \"{disk}\""))
        {
            Assert.Skip("A small disk (tmpfs) can be mounted only by root on Linux, where the kernel allows it.");
        }

        try
        {
            string store = Path.Combine(disk, "news.idx");
            string input = _temp.Write("many.jsonl", string.Concat(Enumerable.Range(0, 400).Select(i => $"{{\"id\": \"a{i}\", \"text\": \"Story {i}: {string.Join(' ', Enumerable.Range(0, 60).Select(w => $"word{(w * 7919) + i}"))}.\"}}\n")));
            CliRun run = await Cli.RunAsync("index", "add", "--store", store, input);
            Assert.Equal(ExitCodes.IOError, run.ExitCode);
            Assert.Equal($"dedup: {store}: the new index could not be written (No space left on device); nothing was added, and no index is left", run.Error.TrimEnd());
            Assert.Empty(Directory.GetFileSystemEntries(disk));
            Assert.StartsWith($"dedup: {store}: no such index", (await Cli.RunAsync("index", "stats", "--store", store)).Error, StringComparison.Ordinal);

            // An index that exists keeps what it held, and the message says so (it named the journal's path alone).
            string few = _temp.Write("few.jsonl", string.Join('\n', File.ReadLines(input).Take(3)) + "\n");
            Assert.Equal(ExitCodes.Ok, (await Cli.RunAsync("index", "add", "--store", store, few)).ExitCode);
            run = await Cli.RunAsync("index", "add", "--store", store, input);
            Assert.Equal(ExitCodes.IOError, run.ExitCode);
            Assert.Equal($"dedup: {store}: the articles could not be journaled (No space left on device); nothing was added, and the index is as it was", run.Error.TrimEnd());
            Assert.StartsWith("articles: 3", (await Cli.RunAsync("index", "stats", "--store", store)).Out, StringComparison.Ordinal);

            // Removing several on a full disk removes none (one journal write an id left the first ones removed, and
            // the message was the system's, naming the journal). Their ids are long, so that their removals need more
            // than the room left in the journal's last page of the disk.
            string[] longIds = [.. Enumerable.Range(0, 3).Select(i => $"L{i}-" + new string('x', 3000))];
            string longInput = _temp.Write("long.jsonl", string.Concat(longIds.Select((id, i) => $"{{\"id\": \"{id}\", \"text\": \"Long story {i} of the harbour wall.\"}}\n")));
            Assert.Equal(ExitCodes.Ok, (await Cli.RunAsync("index", "add", "--store", store, longInput)).ExitCode);
            string filler = Path.Combine(disk, "filler");
            using (var fill = new FileStream(filler, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                foreach (int size in (int[])[4096, 1])
                {
                    try
                    {
                        while (true)
                        {
                            fill.Write(new byte[size]);
                        }
                    }
                    catch (IOException)
                    {
                    }
                }
            }

            run = await Cli.RunAsync(["index", "remove", "--store", store, .. longIds]);
            Assert.Equal(ExitCodes.IOError, run.ExitCode);
            Assert.Equal($"dedup: {store}: the removal could not be journaled (No space left on device); nothing was removed, and the index is as it was", run.Error.TrimEnd());
            File.Delete(filler);
            Assert.StartsWith("articles: 6", (await Cli.RunAsync("index", "stats", "--store", store)).Out, StringComparison.Ordinal);
            Assert.Equal(ExitCodes.Ok, (await Cli.RunAsync(["index", "remove", "--store", store, .. longIds])).ExitCode);
            Assert.StartsWith("articles: 3", (await Cli.RunAsync("index", "stats", "--store", store)).Out, StringComparison.Ordinal);
        }
        finally
        {
            Run("umount", $"\"{disk}\"");
        }

        static bool Run(string tool, string arguments)
        {
            try
            {
                using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(tool, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
                p.WaitForExit();
                return p.ExitCode == 0;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return false;
            }
        }
    }

    // A scan killed while writing an output (kill -9) leaves its hidden temporary file: the next scan writing that output
    // removes it once it is a minute old and no one holds it, as index saves do; a fresh one is left alone.
    [Fact]
    public async Task A_killed_scans_temporary_output_is_removed_by_the_next_scan()
    {
        string pairs = _temp.File("p.jsonl");
        string orphan = _temp.WriteBytes($".p.jsonl.{Guid.NewGuid():N}.tmp", [1, 2, 3]);
        string fresh = _temp.WriteBytes($".p.jsonl.{Guid.NewGuid():N}.tmp", [4, 5, 6]);
        File.SetLastWriteTimeUtc(orphan, DateTime.UtcNow.AddHours(-1));

        Assert.Equal(ExitCodes.CopiesFound, (await Cli.RunAsync("scan", Cli.NewsSample, "--pairs", pairs)).ExitCode);

        Assert.False(File.Exists(orphan));
        Assert.True(File.Exists(fresh));
        Assert.True(File.Exists(pairs));
    }

    // Encodings: a Windows-1252 text file is read as such with one warning; UTF-16 with a byte-order mark is read too.
    [Fact]
    public async Task A_Windows_1252_text_file_is_read_with_one_warning()
    {
        string folder = _temp.File("texts");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "a.txt"), "\u201CThe harbour wall will be rebuilt,\u201D the mayor said on Monday after the storm.\nThe council\u2019s vote was close.");
        byte[] cp1252 = [.. "The harbour wall will be rebuilt, the mayor said on Monday after the storm.\n"u8, 0x93, .. "A second line"u8, 0x94, .. "\nand "u8, 0x93, .. "a third"u8, 0x94, .. "\n"u8];
        File.WriteAllBytes(Path.Combine(folder, "b.txt"), cp1252);
        string pairs = _temp.File("p.jsonl");
        CliRun run = await Cli.RunAsync("scan", folder, "--pairs", pairs);
        Assert.Equal(ExitCodes.CopiesFound, run.ExitCode);
        string warning = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"dedup: warning: {Path.Combine(folder, "b.txt")}:2: not valid UTF-8 (byte 0x93 at column 1); read as Windows-1252 (--encoding utf-8 refuses such files)", warning);
        Assert.Contains("\"a\":\"a\",\"b\":\"b\"", File.ReadAllText(pairs), StringComparison.Ordinal);

        string text = await Input.ArticleReader.ReadTextAsync(Path.Combine(folder, "b.txt"), new CliConsole(TextWriter.Null, TextWriter.Null, () => Stream.Null), TestContext.Current.CancellationToken);
        Assert.Contains("\u201CA second line\u201D", text, StringComparison.Ordinal);
    }

    /// <summary>A program or an image is no text, though any bytes read as Windows-1252: a NUL byte says so, in every encoding.</summary>
    [Theory]
    [InlineData("auto")]
    [InlineData("windows-1252")]
    public async Task A_binary_file_is_bad_input_naming_the_NUL_byte(string encoding)
    {
        string text = _temp.Write("a.txt", "The harbour wall will be rebuilt, the mayor said on Monday after the storm.\n");
        string binary = _temp.WriteBytes("b.bin", [.. "ELF header\nthen"u8, 0x00, 0x01, 0xD0, 0x02]);
        CliRun run = await Cli.RunAsync("compare", text, binary, "--encoding", encoding);
        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Equal($"dedup: {binary}:2: a NUL byte at column 5: a binary file, not text", run.Error.Trim());

        // A gzip file is named as such, as a scan names it (it was "a NUL byte at column 5" here).
        string gzip = _temp.WriteBytes("a.txt.gz", [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x0B, 0xC9]);
        CliRun zipped = await Cli.RunAsync("compare", text, gzip, "--encoding", encoding);
        Assert.Equal(ExitCodes.BadInput, zipped.ExitCode);
        Assert.Equal($"dedup: {gzip}:1: a gzip-compressed file, not text: decompress it first (gunzip -c FILE > FILE.txt)", zipped.Error.Trim());
    }

    /// <summary>
    /// UTF-16 saved without a byte-order mark (as some Windows tools write it) is named as such, with the way out: it
    /// used to be "a binary file" for a text and "malformed JSON at column 2" for JSONL, from a file or standard input.
    /// </summary>
    [Theory]
    [InlineData("utf-16le", "little", "LE")]
    [InlineData("utf-16be", "big", "BE")]
    public async Task UTF_16_without_a_byte_order_mark_is_named(string encodingName, string endian, string iconv)
    {
        var utf16 = new System.Text.UnicodeEncoding(bigEndian: iconv == "BE", byteOrderMark: false);
        string expected = $"1: UTF-16 ({endian}-endian) without a byte-order mark: convert it to UTF-8 (iconv -f UTF-16{iconv} -t UTF-8), or save it with a byte-order mark";
        string text = _temp.Write("a.txt", "The harbour wall will be rebuilt, the mayor said on Monday after the storm.\n");
        string wide = _temp.WriteBytes(encodingName + ".txt", utf16.GetBytes("The harbour wall will be rebuilt, the mayor said.\n"));
        CliRun compare = await Cli.RunAsync("compare", text, wide);
        Assert.Equal(ExitCodes.BadInput, compare.ExitCode);
        Assert.Equal($"dedup: {wide}:{expected}", compare.Error.Trim());

        byte[] jsonl = utf16.GetBytes("{\"id\":\"a\",\"text\":\"The harbour wall will be rebuilt.\"}\n");
        string file = _temp.WriteBytes(encodingName + ".jsonl", jsonl);
        CliRun scan = await Cli.RunAsync("scan", file, "--skip-bad");
        Assert.Equal(ExitCodes.BadInput, scan.ExitCode);
        Assert.Equal($"dedup: {file}:{expected}", scan.Error.Trim());
        CliRun piped = await Cli.RunWithInputAsync(jsonl, "scan", "-");
        Assert.Equal(ExitCodes.BadInput, piped.ExitCode);
        Assert.Equal($"dedup: <stdin>:{expected}", piped.Error.Trim());

        // With its byte-order mark, the same file is read.
        CliRun marked = await Cli.RunAsync("scan", _temp.WriteBytes("marked.jsonl", [.. new System.Text.UnicodeEncoding(iconv == "BE", byteOrderMark: true).GetPreamble(), .. jsonl]));
        Assert.True(marked.ExitCode == ExitCodes.Ok, marked.ToString());
    }

    [Fact]
    public async Task Explicit_windows_1252_reads_JSONL_too()
    {
        byte[] line = [.. "{\"id\": \"a\", \"text\": \"caf"u8, 0xE9, .. " "u8, 0x93, .. "noir"u8, 0x94, .. "\"}\n"u8];
        string path = _temp.WriteBytes("cp.jsonl", line);
        Assert.Equal(ExitCodes.BadInput, (await Cli.RunAsync("scan", path)).ExitCode);
        var console = new CliConsole(TextWriter.Null, TextWriter.Null, () => Stream.Null);
        Input.ArticleSet set = await new Input.ArticleReader(console, skipBad: false, Input.InputEncoding.Windows1252).ReadAsync(path, TestContext.Current.CancellationToken);
        Assert.Equal("caf\u00E9 \u201Cnoir\u201D", set.Articles[0].Text);
        CliRun bad = await Cli.RunAsync("scan", path, "--encoding", "ebcdic");
        Assert.Equal(ExitCodes.BadInput, bad.ExitCode);
        Assert.Contains("--encoding must be one of auto, utf-8, windows-1252, got ebcdic", bad.Error, StringComparison.Ordinal);
    }

    /// <summary>The labels browsers read as Windows-1252 (WHATWG Encoding Standard) are read so here, curly quotes included.</summary>
    [Theory]
    [InlineData("latin1")]
    [InlineData("ISO-8859-1")]
    [InlineData("cp1252")]
    public void Latin_1_labels_read_as_windows_1252(string label)
    {
        Assert.Equal(Input.InputEncoding.Windows1252, Input.TextDecoding.Parse(label));
        Assert.Null(Input.TextDecoding.Parse("iso-8859-2"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UTF16_with_a_byte_order_mark_is_read(bool bigEndian)
    {
        var utf16 = new UnicodeEncoding(bigEndian, byteOrderMark: true);
        string jsonl = "{\"id\": \"a\", \"text\": \"Caf\u00E9 \u201Cnoir\u201D on the harbour.\"}\n{\"id\": \"b\", \"text\": \"Caf\u00E9 \u201Cnoir\u201D on the harbour.\"}\n";
        string path = _temp.WriteBytes("u16.jsonl", [.. utf16.GetPreamble(), .. utf16.GetBytes(jsonl)]);
        var console = new CliConsole(TextWriter.Null, TextWriter.Null, () => Stream.Null);
        Input.ArticleSet set = await new Input.ArticleReader(console, skipBad: false).ReadAsync(path, TestContext.Current.CancellationToken);
        Assert.Equal(["a", "b"], set.Articles.Select(a => a.Id));
        Assert.Equal("Caf\u00E9 \u201Cnoir\u201D on the harbour.", set.Articles[1].Text);

        string txt = _temp.WriteBytes("u16.txt", [.. utf16.GetPreamble(), .. utf16.GetBytes("Caf\u00E9 \u201Cnoir\u201D")]);
        CliRun stdin = await Cli.RunWithInputAsync([.. utf16.GetPreamble(), .. utf16.GetBytes(jsonl)], "scan", "-");
        Assert.Equal(ExitCodes.CopiesFound, stdin.ExitCode);
        Assert.Equal("Caf\u00E9 \u201Cnoir\u201D", await Input.ArticleReader.ReadTextAsync(txt, console, TestContext.Current.CancellationToken));
    }

    /// <summary>
    /// A UTF-8 byte-order mark decides as a UTF-16 one does, with --encoding windows-1252 (or latin1) too: the input is
    /// read as UTF-8 without the mark. A JSONL file that had one was "malformed JSON at column 1" (the mark transcoded
    /// as "ï»¿"), and a text file was read as Windows-1252, each accented letter as two characters.
    /// </summary>
    [Theory]
    [InlineData("windows-1252")]
    [InlineData("latin1")]
    public async Task A_UTF8_byte_order_mark_decides_over_encoding_windows_1252(string label)
    {
        byte[] bom = [0xEF, 0xBB, 0xBF];
        byte[] news = [.. bom, .. File.ReadAllBytes(Cli.NewsSample)];
        string path = _temp.WriteBytes("bom.jsonl", news);
        CliRun run = await Cli.RunAsync("scan", path, "--encoding", label, "--json");
        Assert.True(run.ExitCode == ExitCodes.CopiesFound, run.ToString());
        Assert.Contains("\"documents\": 13", run.Out, StringComparison.Ordinal);
        CliRun piped = await Cli.RunWithInputAsync(news, "scan", "-", "--encoding", label, "--json");
        Assert.True(piped.ExitCode == ExitCodes.CopiesFound, piped.ToString());

        Input.InputEncoding encoding = Input.TextDecoding.Parse(label)!.Value;
        var console = new CliConsole(TextWriter.Null, TextWriter.Null, () => Stream.Null);
        string accented = _temp.WriteBytes("accented.jsonl", [.. bom, .. Encoding.UTF8.GetBytes("{\"id\": \"a\", \"text\": \"Caf\u00E9 \u201Cnoir\u201D on the harbour.\"}\n")]);
        Input.ArticleSet set = await new Input.ArticleReader(console, skipBad: false, encoding).ReadAsync(accented, TestContext.Current.CancellationToken);
        Assert.Equal("Caf\u00E9 \u201Cnoir\u201D on the harbour.", set.Articles[0].Text);

        string txt = _temp.WriteBytes("bom.txt", [.. bom, .. Encoding.UTF8.GetBytes("Caf\u00E9 \u201Cnoir\u201D")]);
        Assert.Equal("Caf\u00E9 \u201Cnoir\u201D", await Input.ArticleReader.ReadTextAsync(txt, console, TestContext.Current.CancellationToken, encoding));
    }

    // The first command shows its work: the pairs it found (ids, titles, kind, score), then the summary.
    [Fact]
    public async Task Scan_prints_the_pairs_it_found_before_the_summary()
    {
        CliRun run = await Cli.RunAsync("scan", Cli.NewsSample);
        Assert.Equal(ExitCodes.CopiesFound, run.ExitCode);
        string[] lines = run.Out.Split('\n');
        Assert.Matches(@"^score +kind +a +title a +b +title b$", lines[0]);
        Assert.Matches(@"^1\.000 +duplicate +mw-2025-0123-chips +Nordlicht Systems to build 900… +mirror-nordlicht-enschede ", lines[1]);
        Assert.Contains(lines, l => l.Contains("rewritten", StringComparison.Ordinal) && l.Contains("spinfarm-blink-helpline", StringComparison.Ordinal));
        int blank = Array.IndexOf(lines, string.Empty);
        Assert.Equal(7, blank); // six pairs, then the summary
        Assert.Equal("documents: 13", lines[blank + 1]);
        Assert.DoesNotContain("more pair", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_shows_the_twenty_highest_scoring_pairs_and_counts_the_rest()
    {
        var input = new StringBuilder();
        for (int i = 0; i < 8; i++)
        {
            input.Append("{\"id\": \"copy-").Append(i).Append("\", \"title\": \"Line\\none\", \"text\": \"The harbour wall will be rebuilt after the winter storm, the council said on Monday.\"}\n");
        }

        CliRun run = await Cli.RunWithInputAsync(input.ToString(), "scan", "-");
        Assert.Equal(ExitCodes.CopiesFound, run.ExitCode);
        string[] lines = run.Out.Split('\n');
        Assert.Equal(PairTable.MaxRows, lines.Skip(1).TakeWhile(l => l.StartsWith("1.000", StringComparison.Ordinal)).Count());
        Assert.Contains("... and 8 more pairs (all of them: --pairs FILE)", run.Out, StringComparison.Ordinal);
        Assert.Contains("Line one", lines[1], StringComparison.Ordinal); // a newline in a title does not break the row
        Assert.Contains("pairs: 28\n", run.Out, StringComparison.Ordinal);

        // With --pairs the line names the file rather than telling to give one; and /dev/null may take every output.
        CliRun named = await Cli.RunWithInputAsync(input.ToString(), "scan", "-", "--pairs", "/dev/null", "--clusters", "/dev/null");
        Assert.Equal(ExitCodes.CopiesFound, named.ExitCode);
        Assert.Contains("... and 8 more pairs (all of them in /dev/null)", named.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_on_a_terminal_draws_the_pairs_as_a_table_and_json_stays_one_object()
    {
        using var stdout = new StringWriter();
        var console = new CliConsole(stdout, TextWriter.Null, () => Stream.Null, OutIsTerminal: true);
        int exit = await DedupApp.RunAsync(["scan", Cli.NewsSample], console, TestContext.Current.CancellationToken);
        Assert.Equal(ExitCodes.CopiesFound, exit);
        string text = stdout.ToString();
        Assert.Contains("6 pairs of copies", text, StringComparison.Ordinal);
        Assert.Contains("spinfarm-blink-helpline", text, StringComparison.Ordinal);
        Assert.True(text.IndexOf("spinfarm-blink-helpline", StringComparison.Ordinal) < text.IndexOf("documents", StringComparison.Ordinal));

        CliRun json = await Cli.RunAsync("scan", Cli.NewsSample, "--json");
        using var document = System.Text.Json.JsonDocument.Parse(json.Out);
        Assert.Equal(6, document.RootElement.GetProperty("pairs").GetInt32());
    }

    // D6: the report's size is bounded: 20,000 articles in 1,000 clusters of 20, each text 5,000 characters long, made
    // a page of ~190 MB (every copy beside its original's full text); the caps keep it to a few megabytes.
    [Fact]
    public void The_report_of_20000_articles_is_capped_and_says_so()
    {
        string text = string.Concat(Enumerable.Repeat("The council approved the budget and the tunnel on Monday. ", 85));
        var articles = new Dictionary<string, Dedup.Detection.Article>(StringComparer.Ordinal);
        var clusters = new List<Dedup.Detection.CopyCluster>();
        var pairs = new List<Dedup.Detection.CopyPair>();
        for (int c = 0; c < 1000; c++)
        {
            var members = new List<string>();
            for (int m = 0; m < 20; m++)
            {
                string id = FormattableString.Invariant($"c{c}-m{m}");
                articles[id] = new Dedup.Detection.Article(id, text, Title: "Story " + c);
                members.Add(id);
                if (m > 0)
                {
                    pairs.Add(new Dedup.Detection.CopyPair(members[0], id, Dedup.Detection.CopyKind.Duplicate, 1, new Dedup.Detection.MatchScores(1, 1, 1, 1)));
                }
            }

            clusters.Add(new Dedup.Detection.CopyCluster(members[0], members[0], members));
        }

        var result = new Dedup.Detection.ScanResult(pairs, clusters, articles.Count, articles.Count * (long)text.Length, TimeSpan.FromSeconds(1));
        var passage = new Dedup.Detection.SharedPassage(new Dedup.Detection.TextSpan(0, 40), new Dedup.Detection.TextSpan(0, 40), Exact: true);
        Dedup.Detection.Comparison Compare(Dedup.Detection.Article a, Dedup.Detection.Article b)
            => new(Dedup.Detection.CopyKind.Duplicate, 1, new Dedup.Detection.MatchScores(1, 1, 1, 1), [passage], [], []);
        using var writer = new StringWriter();
        new HtmlReport(result, articles, Compare).Write(writer, "big.jsonl");
        string html = writer.ToString();

        Assert.True(html.Length < ReportBound, $"{html.Length:N0} characters; the bound is {ReportBound:N0}");
        Assert.Equal(HtmlReport.MaxClusters, System.Text.RegularExpressions.Regex.Count(html, "<section class=\"cluster\""));
        Assert.Equal(HtmlReport.MaxClusters * HtmlReport.MaxCopiesPerCluster, System.Text.RegularExpressions.Regex.Count(html, "<article class=\"copy\""));
        Assert.Contains("This page shows the 100 largest of the 1000 clusters (900 more, every one in the clusters file a scan writes with <code>--clusters FILE</code>)", html, StringComparison.Ordinal);
        Assert.Contains("data-more=\"900\"", html, StringComparison.Ordinal);
        Assert.Contains("Below: the first 10 of the 19 copies (the cap is 10).", html, StringComparison.Ordinal);
        Assert.Contains($"[... {text.Length + "Story 0".Length + 2 - HtmlReport.MaxTextCharacters:N0} more characters not shown", html, StringComparison.Ordinal);
        Assert.Contains("<mark class=\"exact\">", html, StringComparison.Ordinal);
        // Only the clusters in view are laid out: what keeps the load of such a page to seconds (docs/faults.md, Runs).
        Assert.Contains("section.cluster { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 18px 20px; margin: 0 0 22px; content-visibility: auto;", html, StringComparison.Ordinal);
    }

    // The most a report may take: each shown text once, at most MaxTextCharacters long, plus half for markup (the page
    // used to repeat the original beside each copy: 6 million characters for the texts alone, over this bound).
    private const int ReportBound = HtmlReport.MaxClusters * (HtmlReport.MaxCopiesPerCluster + 1) * HtmlReport.MaxTextCharacters * 3 / 2;

    /// <summary>
    /// Titles and ids in the report are isolated from the text around them (a right-to-left override in a title turned
    /// the date after it around), and a control character in a title is written as U+FFFD, not as "&amp;#x0;" (no valid HTML).
    /// </summary>
    [Fact]
    public async Task Report_isolates_titles_and_writes_no_reference_to_a_control_character()
    {
        const string Story = "The council approved the rebuilding of the harbour wall on Tuesday after storms damaged it last winter, officials said. Work will start in May and cost 4.2 million pounds, paid by the port and the regional fund. The harbour master said boats would be moved to the east quay while the work went on.";
        string input = _temp.Write("nasty.jsonl", string.Concat(
            System.Text.Json.JsonSerializer.Serialize(new { id = "\u202Eevil-a", title = "\u0000Harbour \u202Ewall\u0007", text = Story, published = "2025-01-01T00:00:00Z" }), "\n",
            System.Text.Json.JsonSerializer.Serialize(new { id = "copy", title = "Harbour \u202Ecopy", text = Story, published = "2025-01-02T00:00:00Z" }), "\n"));
        string report = _temp.File("r.html");
        CliRun run = await Cli.RunAsync("scan", input, "--report", report);
        Assert.True(run.ExitCode == ExitCodes.CopiesFound, run.ToString());

        string html = File.ReadAllText(report);
        Assert.DoesNotContain("&#x0;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("&#x7;", html, StringComparison.Ordinal);
        Assert.Contains("<bdi>\uFFFDHarbour \u202Ewall\uFFFD</bdi>", html, StringComparison.Ordinal);
        Assert.Contains("<bdi>Harbour \u202Ecopy</bdi>", html, StringComparison.Ordinal);
        Assert.Contains("unicode-bidi: isolate", html, StringComparison.Ordinal);
    }

    /// <summary>
    /// The report gives each copy the kind and score the scan gave the pair (--pairs and the table of the same run): it
    /// compared the two texts alone, without the boilerplate the scan learned from the whole input, and showed other
    /// scores (335 of 449 in a user's trial) and at times another kind.
    /// </summary>
    [Fact]
    public async Task The_report_shows_the_scans_kind_and_score_of_each_pair()
    {
        // Fourteen stories that end in the same three sentences (learned as boilerplate: more than ten hold them), and a
        // copy of the first with another headline: compared alone, the shared ending counts; in the scan it does not.
        const string Ending = "The Harbour Gazette is published every weekday morning by the Gazette Media Group of Kelmouth. Letters to the editor may be sent to the newsroom on Quay Street before noon. Corrections are printed on page two of the following edition.";
        string[] subjects = ["council", "rail", "school", "hospital", "bridge", "market", "museum", "airport", "stadium", "library", "park", "ferry", "theatre", "harbour"];
        var lines = new List<string>();
        for (int i = 0; i < subjects.Length; i++)
        {
            string story = string.Join(' ', Enumerable.Range(0, 12).Select(k => $"The {subjects[i]} plan number {k} was discussed by officials {i * 31 + k} times this year, said spokesman {subjects[i]}man."));
            lines.Add(System.Text.Json.JsonSerializer.Serialize(new { id = $"s{i}", title = $"News about the {subjects[i]}", text = story + "\n\n" + Ending, published = $"2025-01-{i + 1:00}T08:00:00Z" }));
            if (i == 0)
            {
                lines.Add(System.Text.Json.JsonSerializer.Serialize(new { id = "copy", title = "Council news in brief", text = story[..(story.Length * 2 / 3)] + "\n\n" + Ending, published = "2025-02-01T08:00:00Z" }));
            }
        }

        string input = _temp.Write("ending.jsonl", string.Join('\n', lines) + "\n");
        string pairsFile = _temp.File("p.jsonl"), report = _temp.File("r.html");
        CliRun run = await Cli.RunAsync("scan", input, "--pairs", pairsFile, "--report", report);
        Assert.True(run.ExitCode == ExitCodes.CopiesFound, run.ToString());

        var scanned = File.ReadLines(pairsFile).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
            .ToDictionary(e => (e.GetProperty("a").GetString()!, e.GetProperty("b").GetString()!), e => (Kind: e.GetProperty("kind").GetString()!, Score: e.GetProperty("score").GetDouble()));
        string html = File.ReadAllText(report);
        var shown = System.Text.RegularExpressions.Regex.Matches(html, "<article class=\"copy\" data-id=\"([^\"]+)\" data-kind=\"([^\"]+)\"[^>]*>.*?<table class=\"scores\">.*?<tr><td>([0-9.]+)</td>", System.Text.RegularExpressions.RegexOptions.Singleline);
        Assert.NotEmpty(shown);
        bool differsAlone = false;
        foreach (System.Text.RegularExpressions.Match m in shown)
        {
            (string Kind, double Score) pair = scanned.TryGetValue(("s0", m.Groups[1].Value), out var p) ? p : scanned[(m.Groups[1].Value, "s0")];
            // --pairs rounds to four decimals, the report to three.
            Assert.Equal(pair.Kind, m.Groups[2].Value);
            Assert.Equal(pair.Score, double.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture), 0.0006);
            var alone = new Dedup.Detection.CopyDetector().Compare(
                new Dedup.Detection.Article("s0", System.Text.Json.JsonDocument.Parse(lines[0]).RootElement.GetProperty("text").GetString()!, "News about the council"),
                new Dedup.Detection.Article(m.Groups[1].Value, System.Text.Json.JsonDocument.Parse(lines[1]).RootElement.GetProperty("text").GetString()!, "Council news in brief"));
            differsAlone |= Math.Abs(alone.Score - pair.Score) > 0.001;
        }

        Assert.True(differsAlone, "the scan's score should differ from the two compared alone here, or the test shows nothing");
    }

    // D6 through the tool: 2,200 articles (110 stories, each an original and 19 copies of ~3,500 characters, each one
    // opening with a line of its own) scanned with --report. The page stays within the bound, shows 100 clusters with 10
    // copies each, and holds each text once: an original's own line appears once, not beside each of its copies.
    [Fact]
    public async Task Scan_report_of_a_generated_corpus_holds_each_text_once_within_the_size_bound()
    {
        var random = new Random(13);
        string[] vocabulary = [.. Enumerable.Range(0, 4000).Select(_ => new string([.. Enumerable.Range(0, random.Next(3, 10)).Select(_ => (char)('a' + random.Next(26)))]))];
        var lines = new StringBuilder();
        for (int story = 0; story < 110; story++)
        {
            var body = new StringBuilder();
            while (body.Length < 3500)
            {
                body.Append(string.Join(' ', Enumerable.Range(0, 12).Select(_ => vocabulary[random.Next(vocabulary.Length)]))).Append(". ");
            }

            for (int m = 0; m < 20; m++)
            {
                string own = FormattableString.Invariant($"Filed by deskq{story}z{m} alone.");
                string text = own + "\n\n" + body;
                lines.Append(System.Text.Json.JsonSerializer.Serialize(new { id = FormattableString.Invariant($"s{story}-m{m}"), title = FormattableString.Invariant($"Story {story}"), text })).Append('\n');
            }
        }

        string input = _temp.Write("generated.jsonl", lines.ToString());
        string report = _temp.File("report.html");
        CliRun run = await Cli.RunAsync("scan", input, "--report", report);
        Assert.True(run.ExitCode == ExitCodes.CopiesFound, run.ToString());
        string html = File.ReadAllText(report);

        Assert.True(html.Length < ReportBound, $"{html.Length:N0} characters; the bound is {ReportBound:N0}");
        Assert.Equal(HtmlReport.MaxClusters, System.Text.RegularExpressions.Regex.Count(html, "<section class=\"cluster\""));
        Assert.Equal(HtmlReport.MaxClusters * HtmlReport.MaxCopiesPerCluster, System.Text.RegularExpressions.Regex.Count(html, "<article class=\"copy\""));
        Assert.Contains("This page shows the 100 largest of the 110 clusters", html, StringComparison.Ordinal);
        System.Text.RegularExpressions.MatchCollection originals = System.Text.RegularExpressions.Regex.Matches(html, "<code data-original=\"true\">(s\\d+-m\\d+)</code>");
        Assert.Equal(HtmlReport.MaxClusters, originals.Count);
        int seen = 0;
        foreach (string id in originals.Select(m => m.Groups[1].Value))
        {
            string desk = "deskq" + id[1..].Replace("-m", "z", StringComparison.Ordinal) + " ";
            int count = System.Text.RegularExpressions.Regex.Count(html, System.Text.RegularExpressions.Regex.Escape(desk));
            Assert.True(count <= 1, $"the text of {id} appears {count} times");
            seen += count;
        }

        Assert.True(seen >= HtmlReport.MaxClusters / 4, $"only {seen} originals' own lines are on the page");
    }

    // Threshold 0 still asks for evidence: two unrelated texts are no copy, and the "why" says they share nothing (it
    // used to say "the wording agrees", since a score of 0 reached the threshold of 0).
    [Fact]
    public async Task Compare_at_threshold_zero_of_unrelated_texts_says_they_share_nothing()
    {
        string a = _temp.Write("a.txt", "The central bank raised its main interest rate by half a point on Tuesday, the largest increase in two decades.");
        string b = _temp.Write("b.txt", "Heavy rain flooded parts of the city overnight, closing schools and several main roads, officials said.");
        CliRun run = await Cli.RunAsync("compare", "-t", "0", a, b);
        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Contains("kind: not a copy\nwhy: no evidence of copying: the two share no word shingles", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("wording agrees", run.Out, StringComparison.Ordinal);
    }

    // A word flood against a longer one: Jaccard 1.0 but not a copy; the output says why, and stays short.
    [Fact]
    public async Task Compare_of_two_word_floods_explains_the_verdict_that_contradicts_the_Jaccard()
    {
        string a = _temp.Write("a.txt", string.Concat(Enumerable.Repeat("word ", 20_000)));
        string b = _temp.Write("b.txt", string.Concat(Enumerable.Repeat("word ", 100_000)));
        CliRun run = await Cli.RunAsync("compare", a, b);
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("kind: not a copy\nwhy: too little evidence: the scores count distinct word shingles", run.Out, StringComparison.Ordinal);
        Assert.Contains("jaccard: 1.0000\n", run.Out, StringComparison.Ordinal);
        Assert.True(run.Out.Length < 10_000, $"{run.Out.Length:N0} characters of output");
        Assert.Contains("more characters; --json gives the offsets]", run.Out, StringComparison.Ordinal);

        CliRun json = await Cli.RunAsync("compare", a, b, "--json");
        using var document = System.Text.Json.JsonDocument.Parse(json.Out);
        Assert.StartsWith("too little evidence", document.RootElement.GetProperty("reason").GetString(), StringComparison.Ordinal);

        CliRun copy = await Cli.RunAsync("compare", Path.Combine(Cli.RepoRoot, "samples", "spun-article.txt"), Path.Combine(Cli.RepoRoot, "samples", "spun-article.txt"), "--json");
        using var same = System.Text.Json.JsonDocument.Parse(copy.Out);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, same.RootElement.GetProperty("reason").ValueKind);
    }

    // Limits at their edges: a JSONL line of the limit is read, one byte more is a bad line skipped to its end.
    [Theory]
    [InlineData(false, "\n")]
    [InlineData(true, "\n")]
    [InlineData(false, "\r\n")]
    [InlineData(true, "")]
    public async Task A_line_longer_than_the_limit_is_a_bad_line_and_the_next_is_read(bool tooLong, string ending)
    {
        const int limit = 200_000;
        string head = "{\"id\": \"long\", \"text\": \"";
        string tail = "\"}";
        string body = new('w', limit - head.Length - tail.Length + (tooLong ? 1 : 0));
        string input = head + body + tail + ending + (ending.Length > 0 ? "{\"id\": \"next\", \"text\": \"after the long line\"}\n" : string.Empty);
        using var stdin = new MemoryStream(Encoding.UTF8.GetBytes(input));
        using var stderr = new StringWriter();
        var console = new CliConsole(TextWriter.Null, stderr, () => stdin);
        var reader = new Input.ArticleReader(console, skipBad: true) { MaxLineBytes = limit };
        if (tooLong && ending.Length == 0)
        {
            await Assert.ThrowsAsync<CliException>(() => reader.ReadAsync("-", TestContext.Current.CancellationToken)); // nothing left: no articles
            Assert.Contains("<stdin>:1: the line is longer than 200,000 bytes (the limit)", stderr.ToString(), StringComparison.Ordinal);
            return;
        }

        Input.ArticleSet set = await reader.ReadAsync("-", TestContext.Current.CancellationToken);
        Assert.Equal(tooLong ? ["next"] : ["long", "next"], set.Articles.Select(a => a.Id));
        Assert.Equal(tooLong ? 1 : 0, set.SkippedCount);
        Assert.Equal(input.Length, set.Bytes);
        if (tooLong)
        {
            Assert.Contains("<stdin>:1: the line is longer than 200,000 bytes (the limit)", stderr.ToString(), StringComparison.Ordinal);
            Assert.Single(set.Articles);
            Assert.Equal("<stdin>:2", set.LocationOf(0));
        }
    }

    // A scan of a file re-reads each article by offset: the article read again holds the id string kept while reading
    // (one copy of a million ids, not two), and a line that now holds another article is an error naming both.
    [Fact]
    public async Task An_article_read_again_shares_its_kept_id_and_a_changed_file_is_named()
    {
        string input = _temp.Write("ids.jsonl", "{\"id\":\"first\",\"text\":\"one two three\"}\n{\"id\":\"second\",\"text\":\"four five six\"}\n");
        var reader = new Input.ArticleReader(new CliConsole(TextWriter.Null, TextWriter.Null, () => Stream.Null), skipBad: false) { KeepTexts = false };
        Input.ArticleSet set = await reader.ReadAsync(input, TestContext.Current.CancellationToken);
        using (set.Backing)
        {
            Assert.NotNull(set.Backing);
            Dedup.Detection.Article again = set.Backing[1];
            Assert.Equal("four five six", again.Text);
            Assert.Same(set.Articles[1].Id, again.Id);

            // The same byte lengths, other ids.
            File.WriteAllText(input, "{\"id\":\"frist\",\"text\":\"one two three\"}\n{\"id\":\"sceond\",\"text\":\"four five six\"}\n");
            CliException e = Assert.Throws<CliException>(() => set.Backing[1]);
            Assert.Contains("now holds the article sceond, not second", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_text_file_larger_than_the_limit_is_skipped_in_a_folder()
    {
        string folder = _temp.File("texts");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "a.txt"), new string('a', 100));
        File.WriteAllText(Path.Combine(folder, "b.txt"), new string('b', 101));
        using var stderr = new StringWriter();
        var reader = new Input.ArticleReader(new CliConsole(TextWriter.Null, stderr, () => Stream.Null), skipBad: true) { MaxLineBytes = 100 };
        Input.ArticleSet set = await reader.ReadAsync(folder, TestContext.Current.CancellationToken);
        Assert.Equal(["a"], set.Articles.Select(a => a.Id));
        Assert.Contains("b.txt: the file is larger than 100 bytes (the limit)", stderr.ToString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// A symbolic link in a folder is measured by the file it leads to: a link to a text over the limit passed as its own
    /// few bytes and was scanned, and one to /dev/zero was read until memory ran out (exit 70 after 4.2 GB).
    /// </summary>
    [Fact]
    public async Task A_link_in_a_folder_is_held_to_the_limit_by_what_it_leads_to()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("symbolic links to devices are a Unix thing");
        }

        string folder = _temp.File("linked");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "a.txt"), new string('a', 100));
        string big = _temp.Write("big.txt", new string('b', 101));
        File.CreateSymbolicLink(Path.Combine(folder, "big.txt"), big);
        File.CreateSymbolicLink(Path.Combine(folder, "zero.txt"), "/dev/zero");
        using var stderr = new StringWriter();
        var reader = new Input.ArticleReader(new CliConsole(TextWriter.Null, stderr, () => Stream.Null), skipBad: true) { MaxLineBytes = 100 };

        Input.ArticleSet set = await reader.ReadAsync(folder, TestContext.Current.CancellationToken);

        Assert.Equal(["a"], set.Articles.Select(a => a.Id));
        Assert.Contains("big.txt: the file is larger than 100 bytes (the limit)", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("zero.txt: empty text (an empty file, or a pipe or device, which a folder scan does not read)", stderr.ToString(), StringComparison.Ordinal);
    }

    // D4 in the report: the marks of a text with character references (&amp;, &#101;, &gt;) cover the same words as
    // those of its decoded twin, ending before the final full stop in both (they shifted by the references' length).
    [Fact]
    public async Task Report_marks_stay_on_their_words_after_character_references()
    {
        const string Encoded = "The merger of AT&amp;T &amp; Verizon was approved by regulators in Washington on Saturday after a review that lasted &#101;ighteen months.\nShares of both companies rose &gt; 5% in early trading on Monday.";
        const string Decoded = "The merger of AT&T & Verizon was approved by regulators in Washington on Saturday after a review that lasted eighteen months.\nShares of both companies rose > 5% in early trading on Monday.";
        string input = _temp.Write("entities.jsonl", string.Concat(
            System.Text.Json.JsonSerializer.Serialize(new { id = "enc", text = Encoded, published = "2025-01-01T00:00:00Z" }), "\n",
            System.Text.Json.JsonSerializer.Serialize(new { id = "dec", text = Decoded, published = "2025-01-02T00:00:00Z" }), "\n"));
        string report = _temp.File("report.html");
        CliRun run = await Cli.RunAsync("scan", input, "--report", report);
        Assert.True(run.ExitCode == ExitCodes.CopiesFound, run.ToString());
        string html = File.ReadAllText(report);
        static string Encode(string text) => System.Text.Encodings.Web.HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All).Encode(text);
        Assert.Contains($"<div class=\"text\"><mark class=\"exact e1\">{Encode(Encoded[..^1])}</mark>.</div>", html, StringComparison.Ordinal);
        Assert.Contains($"<div class=\"text\"><mark class=\"exact\">{Encode(Decoded[..^1])}</mark>.</div>", html, StringComparison.Ordinal);
    }

    // What held when probed (docs/faults.md): a store truncated at any point, with a bit flipped anywhere, of length
    // zero or of another format version is a bad store (exit 4) for every command that reads it, `index add` included,
    // and is left byte for byte as it was.
    [Fact]
    public async Task A_truncated_bit_flipped_or_empty_store_exits_4_and_is_left_unchanged()
    {
        string store = _temp.File("good.dedup");
        Assert.Equal(ExitCodes.Ok, (await Cli.RunAsync("index", "add", "--store", store, Cli.NewsSample)).ExitCode);
        byte[] good = File.ReadAllBytes(store);
        string more = _temp.Write("more.jsonl", Good);
        var random = new Random(13);
        var corrupt = new List<(string What, byte[] Bytes)> { ("zero length", []) };
        for (int i = 1; i <= 17; i++)
        {
            int length = (int)((long)good.Length * i / 18);
            corrupt.Add(($"truncated to {length} bytes", good[..length]));
        }

        for (int i = 0; i < 30; i++)
        {
            byte[] flipped = (byte[])good.Clone();
            int at = random.Next(flipped.Length);
            flipped[at] ^= (byte)(1 << random.Next(8));
            corrupt.Add(($"bit flipped at byte {at}", flipped));
        }

        byte[] version = (byte[])good.Clone();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(version.AsSpan(8), Dedup.Detection.CopyDetector.SnapshotFormatVersion + 1);
        corrupt.Add(("another format version", version));
        byte[] garbage = new byte[good.Length];
        random.NextBytes(garbage);
        corrupt.Add(("garbage", garbage));

        foreach ((string what, byte[] bytes) in corrupt)
        {
            string path = _temp.WriteBytes("corrupt.dedup", bytes);
            foreach (string[] args in new[] { new[] { "index", "stats", "--store", path }, ["index", "add", "--store", path, more], ["index", "query", "--store", path, more] })
            {
                CliRun run = await Cli.RunAsync(args);
                Assert.True(run.ExitCode == ExitCodes.BadStore, $"{what}, {args[1]}: {run}");
                Assert.StartsWith($"dedup: {path}: not a readable dedup index", run.Error, StringComparison.Ordinal);
                Assert.Equal(bytes, File.ReadAllBytes(path));
            }
        }
    }

    // Fuzzer finds (tests/Dedup.Fuzz/regressions/snapshot/detector-*.bin, in the format version of their day): corrupt
    // fields met before the checksum are a bad store (exit 4), not an internal error (exit 70). The same corruption is
    // made here in a snapshot of the current format: the publication time of the one article, which follows its id in
    // its record as two varints (UTC ticks + 1: 9 bytes here; zigzag offset minutes: 2 bytes for +02:00), rewritten
    // in the same 11 bytes.
    [Theory]
    [InlineData("offset-int-min")]
    [InlineData("local-time-past-calendar")]
    public async Task A_store_with_a_corrupt_publication_time_is_a_bad_store(string corruption)
    {
        var detector = new Dedup.Detection.CopyDetector();
        const string Id = "publication-time-probe";
        detector.Add(new Dedup.Detection.Article(Id, "A short story about the harbour wall and the council vote on Tuesday.", Published: new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.FromHours(2))));
        using var buffer = new MemoryStream();
        detector.Save(buffer);
        byte[] snapshot = buffer.ToArray();
        int at = snapshot.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(Id)) + Id.Length;
        byte[] time = corruption == "offset-int-min"
            ? [.. Varint(1UL << 41), .. Varint(uint.MaxValue)] // a time early in year 1 (6 bytes), offset int.MinValue (5 bytes)
            : [.. Varint((ulong)DateTimeOffset.MaxValue.UtcTicks + 1), .. Varint(2 * 14 * 60)]; // the last tick at +14:00
        Assert.Equal(11, time.Length);
        time.CopyTo(snapshot.AsSpan(at));

        string store = _temp.WriteBytes("corrupt.dedup", snapshot);
        CliRun run = await Cli.RunAsync("index", "stats", "--store", store);
        Assert.Equal(ExitCodes.BadStore, run.ExitCode);
        Assert.Contains("invalid publication time", run.Error, StringComparison.Ordinal);
        Assert.Equal(snapshot, File.ReadAllBytes(store));
    }

    private static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        bytes.Add((byte)value);
        return [.. bytes];
    }
}

using System.Text;
using Dedup.Cli.Input;

namespace Dedup.Cli.Tests;

/// <summary>Bad input: one clear line naming the file, the line and the problem; exit code 2 (3 for I/O); never a stack trace.</summary>
public sealed class InputErrorTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private const string Good = "{\"id\": \"a\", \"text\": \"Some text of a story.\"}\n";

    [Fact]
    public async Task Missing_file_is_an_IO_error_naming_the_file()
    {
        string path = _temp.File("nope.jsonl");
        CliRun run = await Cli.RunAsync("scan", path);
        Assert.Equal(ExitCodes.IOError, run.ExitCode);
        Assert.Equal($"dedup: {path}: no such file or folder", run.Error.Trim());
        Assert.Empty(run.Out);
    }

    [Theory]
    [InlineData("{\"id\": \"b\", \"text\": \"x\"\n", ":2: malformed JSON at column")]
    [InlineData("{\"text\": \"no id here\"}\n", ":2: missing \"id\"")]
    [InlineData("{\"id\": null, \"text\": \"null id\"}\n", ":2: missing \"id\"")]
    [InlineData("{\"id\": [1], \"text\": \"x\"}\n", ":2: \"id\" must be a string or a number, found an array")]
    [InlineData("{\"id\": \"a\", \"text\": \"again\"}\n", ":2: duplicate id 'a' (first on line 1)")]
    [InlineData("{\"id\": \"b\", \"text\": \"   \"}\n", ":2: empty \"text\" (id 'b')")]
    [InlineData("{\"id\": \"b\"}\n", ":2: missing \"text\" (id 'b')")]
    [InlineData("[1, 2]\n", ":2: expected a JSON object, found an array")]
    [InlineData("{\"id\": \"b\", \"text\": \"x\", \"published\": \"yesterday\"}\n", ":2: \"published\" is not an ISO-8601 date: 'yesterday'")]
    [InlineData("{\"id\": \"b\", \"text\": \"x\", \"published\": \"04/03/2025 08:00\"}\n", ":2: \"published\" is not an ISO-8601 date: '04/03/2025 08:00'")]
    [InlineData("{\"id\": \"b\", \"text\": \"x\", \"published\": \"4 March\"}\n", ":2: \"published\" is not an ISO-8601 date: '4 March'")]
    [InlineData("{\"id\": \"b\", \"text\": \"x\", \"published\": \"0001-01-01T00:00:00+02:00\"}\n", ":2: \"published\" is out of range: '0001-01-01T00:00:00+02:00' falls before 0001-01-01 or after 9999-12-31 in UTC")]
    [InlineData("{\"id\": \"b\", \"text\": \"x\", \"published\": \"9999-12-31T23:00:00-05:00\"}\n", ":2: \"published\" is out of range")]
    [InlineData("{\"id\": \"b\", \"text\": \"x\", \"published\": \"0000-01-01\"}\n", ":2: \"published\" is out of range: '0000-01-01' has the year 0000; years from 0001 to 9999 are read")]
    [InlineData("{\"id\": \"b\", \"text\": \"x\", \"published\": \"12025-01-01T08:00:00Z\"}\n", ":2: \"published\" is out of range: '12025-01-01T08:00:00Z' has the year 12025;")]
    [InlineData("{\"id\": \"b\", \"text\": \"x\", \"published\": \"2025-02-30\"}\n", ":2: \"published\" is no calendar date: '2025-02-30'")]
    [InlineData("{\"id\": \"b\", \"text\": \"x\", \"published\": \"2025-13-01T08:00\"}\n", ":2: \"published\" is no calendar date: '2025-13-01T08:00'")]
    [InlineData("{\"id\": \"b\", \"text\": \"x\", \"published\": \"2025-01-01T24:00:00Z\"}\n", ":2: \"published\" is no time of day: '2025-01-01T24:00:00Z'")]
    [InlineData("{\"id\": \"b\", \"text\": \"x\", \"published\": \"2025-01-01T08:00:00+15:00\"}\n", ":2: \"published\" is out of range: '2025-01-01T08:00:00+15:00' has the offset +15:00; offsets run from -14:00 to +14:00")]
    [InlineData("{\"id\": \"b\", \"text\": \"x\", \"published\": \"2025-01-01T08:00-1430\"}\n", ":2: \"published\" is out of range: '2025-01-01T08:00-1430' has the offset -1430;")]
    public async Task Each_bad_line_is_reported_with_file_line_and_problem(string badLine, string expected)
    {
        string path = _temp.Write("bad.jsonl", Good + badLine + Good.Replace("\"a\"", "\"c\"", StringComparison.Ordinal));
        CliRun run = await Cli.RunAsync("scan", path);
        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        string line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("dedup: " + path + expected, line, StringComparison.Ordinal);
        Assert.Contains("--skip-bad", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// A file of another format given as JSON Lines is named for what it is, with the way to convert it, from its first
    /// line and with --skip-bad too (it said "malformed JSON at column 2", or skipped every line): a JSON array, pretty-printed
    /// JSON, a text file, a binary file. The command to convert never writes over its input.
    /// </summary>
    [Theory]
    [InlineData("arr.json", "[\n  {\"id\": \"a\", \"text\": \"x y\"}\n]\n", "the file begins with '[': a JSON array, not JSON Lines", "jq -c '.[]' {0} > arr.jsonl writes them so")]
    [InlineData("one.jsonl", "[{\"id\": \"a\", \"text\": \"x y\"}, {\"id\": \"b\", \"text\": \"x y\"}]\n", "the file begins with '[': a JSON array, not JSON Lines", "jq -c '.[]' {0} > one.lines.jsonl writes them so")]
    [InlineData("pretty.jsonl", "{\n  \"id\": \"a\",\n  \"text\": \"x y\"\n}\n", "the object goes on over the next lines: pretty-printed JSON, not JSON Lines", "jq -c . {0} > pretty.lines.jsonl writes them so")]
    [InlineData("story.txt", "The council approved the harbour wall.\nIt will cost 4 million.\n", "a text file, not JSON Lines: dedup reads a .jsonl file (one JSON object per line) or a folder of .txt files", "'dedup compare A B' compares two texts")]
    [InlineData("data.bin", "\u007fELF\u0002\u0001\u0001\u0000\u0000\n", "a NUL byte at column 8: a binary file, not JSON Lines", "")]
    public async Task A_file_of_another_format_is_named_for_what_it_is(string name, string content, string what, string toDo)
    {
        string path = _temp.Write(name, content);
        string folder = Path.GetDirectoryName(path)!;
        foreach (string[] args in (string[][])[["scan", path], ["scan", path, "--skip-bad"]])
        {
            CliRun run = await Cli.RunAsync(args);
            Assert.Equal(ExitCodes.BadInput, run.ExitCode);
            string error = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith($"dedup: {path}:1: {what}", error, StringComparison.Ordinal);
            Assert.EndsWith(string.Format(System.Globalization.CultureInfo.InvariantCulture, toDo, path).Replace("> ", "> " + folder + Path.DirectorySeparatorChar, StringComparison.Ordinal) + (toDo.Contains("jq", StringComparison.Ordinal) ? ")" : string.Empty), error, StringComparison.Ordinal);
            Assert.DoesNotContain("--skip-bad", error, StringComparison.Ordinal);
        }

        // A name a shell would split is quoted in the command.
        string spaced = _temp.Write("my news.json", content.StartsWith('[') ? content : "[]\n");
        string advice = (await Cli.RunAsync("scan", spaced)).Error;
        Assert.Contains($"jq -c '.[]' '{spaced}' > '{Path.ChangeExtension(spaced, ".jsonl")}'", advice, StringComparison.Ordinal);

        // A bad first line of JSON Lines is still a bad line, which --skip-bad skips.
        string jsonl = _temp.Write("lines.jsonl", "{\"id\": \"a\", \"text\": \n" + Good.Replace("\"a\"", "\"b\"", StringComparison.Ordinal));
        CliRun skipped = await Cli.RunAsync("scan", jsonl, "--skip-bad");
        Assert.True(skipped.ExitCode == ExitCodes.Ok, skipped.ToString());
    }

    /// <summary>
    /// A JSON array on one line larger than the line limit is named as a JSON array, as a small one is, --skip-bad or
    /// not, after blank lines and white space too (it was "the line is longer than 67,108,864 bytes (the limit)", and
    /// --skip-bad skipped it and found no articles). The limit is lowered here to keep the file small.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_JSON_array_larger_than_the_line_limit_is_named_as_a_JSON_array(bool skipBad)
    {
        const int Limit = 100_000;
        var array = new StringBuilder("\n \t[");
        for (int k = 0; array.Length <= 3 * Limit; k++)
        {
            array.Append(k == 0 ? string.Empty : ", ").Append("{\"id\": \"").Append(k).Append("\", \"text\": \"").Append(string.Concat(Enumerable.Repeat("word ", 60))).Append("\"}");
        }

        string path = _temp.Write("big.json", array.Append("]\n").ToString());
        var reader = new ArticleReader(new CliConsole(TextWriter.Null, TextWriter.Null, () => Stream.Null), skipBad) { MaxLineBytes = Limit };
        CliException e = await Assert.ThrowsAsync<CliException>(() => reader.ReadAsync(path, TestContext.Current.CancellationToken));
        Assert.Equal($"{path}:2: the file begins with '[': a JSON array, not JSON Lines; dedup reads one JSON object per line (jq -c '.[]' {path} > {Path.ChangeExtension(path, ".jsonl")} writes them so)", e.Message);
        Assert.Equal(ExitCodes.BadInput, e.ExitCode);
    }

    /// <summary>
    /// A CSV file is named as one with two ways to convert it, --skip-bad or not, by its name or by a first line that reads
    /// as a header, after a byte-order mark too (it was "malformed JSON at column 1", and --skip-bad skipped every row to
    /// find no articles).
    /// </summary>
    [Theory]
    [InlineData("articles.csv", "id,text,title\n1,\"The council approved, at last, the harbour wall.\",Harbour\n", "a CSV file")]
    [InlineData("export.jsonl", "\uFEFF\"id\",\"text\",\"Published at\"\r\n\"a\",\"x y\",\"2025-01-01\"\r\n", "the first line looks like a CSV header: a CSV file")]
    [InlineData("export.csv", "17,\"A first row without a header, which the file's name tells\"\n", "a CSV file")]
    public async Task A_CSV_file_is_named_as_one_with_the_ways_to_convert_it(string name, string content, string what)
    {
        string path = _temp.Write(name, content);
        string output = Path.ChangeExtension(path, name.EndsWith(".jsonl", StringComparison.Ordinal) ? ".lines.jsonl" : ".jsonl");
        foreach (string[] args in (string[][])[["scan", path], ["scan", path, "--skip-bad"]])
        {
            CliRun run = await Cli.RunAsync(args);
            Assert.Equal(ExitCodes.BadInput, run.ExitCode);
            string error = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith($"dedup: {path}:1: {what}, not JSON Lines; dedup reads one JSON object per line, a row's columns as its keys (", error, StringComparison.Ordinal);
            Assert.Contains($"(mlr --icsv --ojsonl cat {path} > {output} writes them so, as does python3 -c '", error, StringComparison.Ordinal);
            Assert.EndsWith($"csv.DictReader(open(0, encoding=\"utf-8-sig\", newline=\"\"))]' < {path} > {output})", error, StringComparison.Ordinal);
            Assert.DoesNotContain("--skip-bad", error, StringComparison.Ordinal);
        }

        CliRun piped = await Cli.RunWithInputAsync("id,text\n1,x y\n", "scan", "-");
        Assert.Equal(ExitCodes.BadInput, piped.ExitCode);
        Assert.StartsWith("dedup: <stdin>:1: the first line looks like a CSV header: a CSV file, not JSON Lines;", piped.Error, StringComparison.Ordinal);
        Assert.Contains("(mlr --icsv --ojsonl cat writes them so, as does python3 -c '", piped.Error, StringComparison.Ordinal);
    }

    /// <summary>A bad first line that is no CSV header (a damaged line of JSON, a line of prose) is still a bad line, which --skip-bad skips.</summary>
    [Theory]
    [InlineData("\"id\": \"a\", \"text\": \"x, y\"}")]
    [InlineData("\"a\", 1, true")]
    [InlineData("The council, it said, approved the harbour wall.")]
    [InlineData("Ships, trains and planes, all of them late again")]
    [InlineData("1,2,3")]
    public async Task A_bad_first_line_that_is_no_CSV_header_is_still_a_bad_line(string first)
    {
        Assert.False(ArticleReader.LooksLikeCsvHeader(Encoding.UTF8.GetBytes(first)));
        string path = _temp.Write("damaged.jsonl", first + "\n" + Good.Replace("\"a\"", "\"b\"", StringComparison.Ordinal));
        CliRun run = await Cli.RunAsync("scan", path);
        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.StartsWith($"dedup: {path}:1: malformed JSON", run.Error, StringComparison.Ordinal);
        CliRun skipped = await Cli.RunAsync("scan", path, "--skip-bad");
        Assert.True(skipped.ExitCode == ExitCodes.Ok, skipped.ToString());
    }

    /// <summary>
    /// A gzip file is named as one, with the way to read it, and an "id" written with other case is named (a client's
    /// trial read "a NUL byte at column 9: a binary file" and 'missing "id"' for {"ID": ...}).
    /// </summary>
    [Fact]
    public async Task A_gzip_file_and_an_id_key_of_other_case_are_named()
    {
        using var packed = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(packed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(Good));
        }

        string gz = _temp.WriteBytes("news.jsonl.gz", packed.ToArray());
        CliRun zipped = await Cli.RunAsync("scan", gz);
        Assert.Equal(ExitCodes.BadInput, zipped.ExitCode);
        Assert.StartsWith($"dedup: {gz}:1: a gzip-compressed file, not JSON Lines: decompress it first (gunzip -c FILE | dedup scan -)", zipped.Error, StringComparison.Ordinal);

        string cased = _temp.Write("cased.jsonl", "{\"ID\": \"a\", \"text\": \"the council approved the plan\"}\n");
        CliRun run = await Cli.RunAsync("scan", cased);
        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("missing \"id\" (keys are case-sensitive: this line has \"ID\")", run.Error, StringComparison.Ordinal);
    }

    /// <summary>Files with a byte-order mark joined into one (cat a.jsonl b.jsonl) read whole: the mark that starts a later line was "malformed JSON at column 1".</summary>
    [Fact]
    public async Task A_byte_order_mark_that_starts_a_later_line_is_read_past()
    {
        byte[] a = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(ScanTests.JsonSerializerLine("a", Samples.Text(Samples.Storm)))];
        byte[] b = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(ScanTests.JsonSerializerLine("b", Samples.Text(Samples.Syndicated)))];
        string path = _temp.WriteBytes("joined.jsonl", [.. a, .. b]);
        foreach (string[] args in (string[][])[["scan", path, "--json"], ["scan", path, "--json", "--report", _temp.File("r.html")]])
        {
            CliRun run = await Cli.RunAsync(args);
            Assert.True(run.ExitCode == ExitCodes.CopiesFound, run.ToString());
            Assert.Contains("\"documents\": 2", run.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Invalid_UTF8_is_reported_with_its_line_and_byte()
    {
        byte[] bytes = [.. Encoding.UTF8.GetBytes(Good), .. "{\"id\": \"b\", \"text\": \"caf"u8, 0xE9, .. "\"}\n"u8];
        string path = _temp.WriteBytes("latin1.jsonl", bytes);
        CliRun run = await Cli.RunAsync("scan", path);
        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.StartsWith($"dedup: {path}:2: not valid UTF-8 (byte 0xE9 at column 25)", run.Error, StringComparison.Ordinal);

        // The way out is named (a Latin-1 file is common), and taken it reads the line.
        Assert.Contains("--encoding windows-1252 reads it", run.Error, StringComparison.Ordinal);
        CliRun read = await Cli.RunAsync("scan", path, "--encoding", "windows-1252");
        Assert.True(read.ExitCode is ExitCodes.Ok or ExitCodes.CopiesFound, read.ToString());
        CliRun strict = await Cli.RunAsync("scan", path, "--encoding", "utf-8");
        Assert.DoesNotContain("--encoding windows-1252", strict.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_line_on_stdin_names_stdin()
    {
        CliRun run = await Cli.RunWithInputAsync(Good + "not json\n", "scan", "-");
        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.StartsWith("dedup: <stdin>:2: malformed JSON", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Input_without_articles_is_bad_input()
    {
        string path = _temp.Write("empty.jsonl", "\n  \n");
        CliRun run = await Cli.RunAsync("scan", path);
        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("no articles found", run.Error, StringComparison.Ordinal);
    }

    /// <summary>A folder of the temporary folder holding the given files.</summary>
    private string Folder(string name, params (string File, string Text)[] files)
    {
        string folder = Path.Combine(_temp.Path, name);
        Directory.CreateDirectory(folder);
        foreach ((string file, string text) in files)
        {
            File.WriteAllText(Path.Combine(folder, file), text);
        }

        return folder;
    }

    /// <summary>A folder whose texts are in its subfolders (not read) says so; it said only "expected .txt files in the folder".</summary>
    [Fact]
    public async Task A_folder_of_folders_says_its_subfolders_are_not_read()
    {
        string folder = Folder("nested");
        Directory.CreateDirectory(Path.Combine(folder, "a", "b"));
        File.WriteAllText(Path.Combine(folder, "a", "b", "one.txt"), "The harbour wall will be rebuilt, the mayor said.");
        File.WriteAllText(Path.Combine(folder, "a", "two.txt"), "The rail tunnel was approved by the council.");

        CliRun run = await Cli.RunAsync("scan", folder);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Equal($"dedup: {folder}: no articles found (expected .txt files in the folder; 2 .txt files are in its subfolders, which are not read: scan each subfolder)", run.Error.Trim());
    }

    /// <summary>A folder whose texts end in ".TXT" (not read: lower case only) says so; it said only "expected .txt files".</summary>
    [Fact]
    public async Task A_folder_of_upper_case_TXT_files_says_why_none_is_read()
    {
        string folder = Folder("upper", ("B.TXT", "The harbour wall will be rebuilt, the mayor said."), ("A.Txt", "The rail tunnel was approved by the council."));
        CliRun run = await Cli.RunAsync("scan", folder);
        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Equal($"dedup: {folder}: no articles found (expected .txt files in the folder; 2 files such as A.Txt end in another case, which is not read: rename to .txt)", run.Error.Trim());

        File.WriteAllText(Path.Combine(folder, "notes.md"), "x");
        File.Delete(Path.Combine(folder, "A.Txt"));
        CliRun one = await Cli.RunAsync("scan", folder);
        Assert.Contains("(expected .txt files in the folder; 1 file such as B.TXT ends in another case, which is not read: rename to .txt)", one.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_text_file_in_a_folder_is_named_with_its_line()
    {
        string folder = Path.Combine(_temp.Path, "texts");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "good.txt"), "A story.");
        File.WriteAllBytes(Path.Combine(folder, "bad.txt"), [.. "line one\nline "u8, 0xFF, .. "two\n"u8]);
        CliRun run = await Cli.RunAsync("scan", folder, "--encoding", "utf-8");
        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.StartsWith($"dedup: {Path.Combine(folder, "bad.txt")}:2: not valid UTF-8 (byte 0xFF at column 6)", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Empty_text_file_in_a_folder_is_bad_input()
    {
        string folder = Folder("texts", ("a.txt", "A story."), ("blank.txt", " \n "));
        CliRun run = await Cli.RunAsync("scan", folder);
        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.StartsWith($"dedup: {Path.Combine(folder, "blank.txt")}: empty text", run.Error, StringComparison.Ordinal);
    }

    /// <summary>Every kind of bad line once, between good ones; lines 2, 4, 6, 8, 10, 12 and 14 are bad.</summary>
    internal static byte[] MixedInput()
    {
        var s = new MemoryStream();
        void Line(string text) => s.Write(Encoding.UTF8.GetBytes(text + "\n"));
        Line("{\"id\": 1, \"text\": \"The council approved the budget on Monday after a long debate.\"}");
        Line("{\"id\": 2, \"text\": ");
        Line("{\"id\": \"x\", \"text\": \"Storm floods the coast and cuts power to many homes overnight.\"}");
        Line("{\"text\": \"no id\"}");
        Line("{\"id\": \"y\", \"text\": \"Chipmaker builds a factory and creates hundreds of jobs in the east.\", \"title\": \"Factory\"}");
        Line("{\"id\": 1, \"text\": \"duplicate of the first id\"}");
        Line(string.Empty);
        Line("{\"id\": \"z\", \"text\": \"\"}");
        Line("{\"id\": \"w\", \"text\": \"Ministers meet to discuss a hotline for ships at sea.\"}");
        s.Write([.. "{\"id\": \"v\", \"text\": \""u8, 0xFF, .. "\"}\n"u8]);
        Line("{\"id\": \"u\", \"text\": \"Train drivers strike for two days over staffing.\"}");
        Line("[]");
        Line("{\"id\": \"t\", \"text\": \"Heatwave brings wildfires to the hills.\"}");
        Line("{\"id\": \"s\", \"text\": 5}");
        return s.ToArray();
    }

    /// <summary>Reading standard input from a terminal says so first (the run sat silent, waiting); from a pipe it says nothing.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Standard_input_from_a_terminal_is_announced(bool terminal)
    {
        using var stdin = new MemoryStream("{\"id\": \"a\", \"text\": \"The harbour wall will be rebuilt.\"}\n"u8.ToArray());
        using var stderr = new StringWriter();
        var console = new CliConsole(TextWriter.Null, stderr, () => stdin, InIsTerminal: terminal);
        ArticleSet set = await new ArticleReader(console, skipBad: false).ReadAsync("-", TestContext.Current.CancellationToken);
        Assert.Single(set.Articles);
        Assert.Equal(terminal, stderr.ToString().StartsWith("dedup: reading JSON Lines from standard input, a terminal", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Skip_bad_counts_every_problem_and_keeps_the_good_lines()
    {
        using var stdin = new MemoryStream(MixedInput());
        using var stderr = new StringWriter();
        var console = new CliConsole(TextWriter.Null, stderr, () => stdin);
        ArticleSet set = await new ArticleReader(console, skipBad: true).ReadAsync("-", TestContext.Current.CancellationToken);
        Assert.Equal(["1", "x", "y", "w", "u", "t"], set.Articles.Select(a => a.Id));
        Assert.Equal(["1"], set.NumericIds);
        Assert.Equal("Factory", set.Articles[2].Title);
        Assert.Equal(7, set.SkippedCount);
        Assert.Equal(1, set.Skipped[InputProblem.MalformedJson]);
        Assert.Equal(1, set.Skipped[InputProblem.MissingId]);
        Assert.Equal(1, set.Skipped[InputProblem.DuplicateId]);
        Assert.Equal(1, set.Skipped[InputProblem.EmptyText]);
        Assert.Equal(1, set.Skipped[InputProblem.InvalidUtf8]);
        Assert.Equal(1, set.Skipped[InputProblem.NotAnObject]);
        Assert.Equal(1, set.Skipped[InputProblem.BadField]);
        string[] lines = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(8, lines.Length);
        Assert.Contains("dedup: warning: <stdin>:2: malformed JSON", lines[0], StringComparison.Ordinal);
        Assert.Contains("<stdin>:10: not valid UTF-8", lines[4], StringComparison.Ordinal);
        Assert.Equal(
            "dedup: skipped 7 bad lines of <stdin>: 1 invalid UTF-8, 1 malformed JSON, 1 not a JSON object, 1 missing id, 1 duplicate id, 1 empty text, 1 bad field",
            lines[^1]);
    }

    /// <summary>The skip summary counts in the plural ("2 duplicate ids"; it said "2 duplicate id").</summary>
    [Fact]
    public async Task The_skip_summary_names_several_lines_in_the_plural()
    {
        byte[] input = Encoding.UTF8.GetBytes(
            "{\"id\": \"a\", \"text\": \"one\"}\n{\"id\": \"a\", \"text\": \"two\"}\n{\"id\": \"a\", \"text\": \"three\"}\n" +
            "{\"id\": \"b\", \"text\": \"\"}\n{\"id\": \"c\", \"text\": \" \"}\n{\"text\": \"no id\"}\n");
        using var stdin = new MemoryStream(input);
        using var stderr = new StringWriter();
        var console = new CliConsole(TextWriter.Null, stderr, () => stdin);
        ArticleSet set = await new ArticleReader(console, skipBad: true).ReadAsync("-", TestContext.Current.CancellationToken);
        Assert.Equal(["a"], set.Articles.Select(a => a.Id));
        string last = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        Assert.Equal("dedup: skipped 5 bad lines of <stdin>: 1 missing id, 2 duplicate ids, 2 empty texts", last);
    }

    [Fact]
    public async Task Lines_longer_than_the_read_buffer_and_CRLF_endings_are_read_whole()
    {
        string longText = string.Concat(Enumerable.Repeat("word ", 40_000));
        byte[] input = Encoding.UTF8.GetBytes("\uFEFF{\"id\": \"long\", \"text\": \"" + longText + "\"}\r\n{\"id\": \"short\", \"text\": \"x\"}");
        using var stdin = new MemoryStream(input);
        var console = new CliConsole(TextWriter.Null, TextWriter.Null, () => stdin);
        ArticleSet set = await new ArticleReader(console, skipBad: false).ReadAsync("-", TestContext.Current.CancellationToken);
        Assert.Equal(["long", "short"], set.Articles.Select(a => a.Id));
        Assert.Equal(longText, set.Articles[0].Text);
        Assert.Equal(input.Length, set.Bytes);
    }
}

using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading.Channels;
using Dedup.Cli.Output;
using Dedup.Detection;

namespace Dedup.Cli.Input;

/// <summary>What was wrong with a skipped input line or file.</summary>
internal enum InputProblem
{
    InvalidUtf8,
    MalformedJson,
    NotAnObject,
    MissingId,
    BadId,
    DuplicateId,
    MissingText,
    EmptyText,
    BadField,
    DuplicateKey,
    TooLong,

    /// <summary>A file of an input folder that could not be read (no permission, a loop of symbolic links).</summary>
    Unreadable,

    /// <summary>A file of an input folder that holds a NUL byte and is no UTF-16 text: a program, an image, an archive.</summary>
    Binary,
}

/// <summary>The articles read from one input, and what was skipped.</summary>
internal sealed class ArticleSet
{
    /// <summary>The input as named on the command line ("&lt;stdin&gt;" for standard input).</summary>
    public required string Name { get; init; }

    /// <summary>The articles, in input order.</summary>
    public List<Article> Articles { get; } = [];

    /// <summary>The line of each article of a JSONL input, parallel to <see cref="Articles"/> (a number, not a string: a scan of a million articles holds them all).</summary>
    private readonly List<int> _lines = [];

    /// <summary>The file of each article of a folder of text files, parallel to <see cref="Articles"/>.</summary>
    private readonly List<string> _files = [];

    /// <summary>Where the article at <paramref name="index"/> came from: "file.jsonl:12" or a .txt file's path.</summary>
    public string LocationOf(int index) =>
        _files.Count > 0 ? _files[index] : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Name}:{_lines[index]}");

    /// <summary>Records the next article of a JSONL input and its line.</summary>
    public void Add(Article article, int line)
    {
        Articles.Add(article);
        _lines.Add(line);
    }

    /// <summary>Records the next article of a folder and its file.</summary>
    public void Add(Article article, string file)
    {
        Articles.Add(article);
        _files.Add(file);
    }

    /// <summary>Ids that were JSON numbers in the input; they are written back as numbers.</summary>
    public HashSet<string> NumericIds { get; } = new(StringComparer.Ordinal);

    /// <summary>How many lines (or files) were skipped, by problem.</summary>
    public SortedDictionary<InputProblem, int> Skipped { get; } = [];

    /// <summary>Total lines (or files) skipped.</summary>
    public int SkippedCount => Skipped.Values.Sum();

    /// <summary>Bytes read.</summary>
    public long Bytes { get; set; }

    /// <summary>"line" for JSONL, "file" for a folder of text files.</summary>
    public string Unit { get; set; } = "line";

    /// <summary>
    /// When the texts were not kept (<see cref="ArticleReader.KeepTexts"/> false): the articles re-read from the file by
    /// offset, parallel to <see cref="Articles"/>, which then hold only each article's id and date (empty text, no
    /// title): what a scan of a million articles needs of them until it writes its output.
    /// </summary>
    public FileBackedArticles? Backing { get; set; }

    /// <summary>The articles with their whole texts: <see cref="Backing"/> when set, <see cref="Articles"/> otherwise.</summary>
    public IReadOnlyList<Article> Complete => Backing ?? (IReadOnlyList<Article>)Articles;
}

/// <summary>
/// Reads articles from a JSONL file, a folder of .txt files or standard input, streaming, with strict UTF-8 and
/// one clear message (file, line, problem) for each bad line: an error, or with skip-bad a warning and a count.
/// </summary>
internal sealed partial class ArticleReader(CliConsole console, bool skipBad, InputEncoding encoding = InputEncoding.Auto)
{
    /// <summary>The longest JSONL line and the largest .txt file accepted, in bytes: 64 MiB (docs/limits.md).</summary>
    internal const int DefaultMaxLineBytes = 64 << 20;

    /// <summary>The longest title accepted, in characters (docs/limits.md).</summary>
    internal const int MaxTitleLength = 10_000;

    /// <summary>How many skipped lines are reported one by one before only counting.</summary>
    private const int MaxWarnings = 10;

    private int _warnings;

    /// <summary>The longest line or file accepted, in bytes; tests lower it to probe the edge.</summary>
    internal int MaxLineBytes { get; init; } = DefaultMaxLineBytes;

    /// <summary>
    /// False to keep only each article's id, title and first line in memory when the input is one UTF-8 JSONL file:
    /// <see cref="ArticleSet.Backing"/> then re-reads the articles from the file by offset (a scan without a report).
    /// </summary>
    internal bool KeepTexts { get; init; } = true;

    /// <summary>
    /// Where the articles of standard input are given as they are read (a scan of a stream, <c>dedup scan -</c>), or null:
    /// <see cref="ArticleSet.Articles"/> then holds each article without its text (its id, its time, and as its title
    /// what the pair table shows of it, <see cref="Output.PairTable.ShownTitle"/>), so that a piped input's texts are not
    /// all held while it is scanned. The caller completes the writer. Standard input only.
    /// </summary>
    internal ChannelWriter<Article>? Forward { get; init; }

    /// <summary>The articles taken and not yet given to <see cref="Forward"/>.</summary>
    private readonly List<Article> _forwarding = [];

    /// <summary>Reads <paramref name="input"/>: "-" for JSONL on standard input, a folder of .txt files, or a JSONL file.</summary>
    /// <exception cref="CliException">A missing or unreadable input (I/O), or a bad line without skip-bad (bad input).</exception>
    public async Task<ArticleSet> ReadAsync(string input, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            throw CliException.BadInput("INPUT: expected a JSONL file, a folder of .txt files, or - for standard input");
        }

        if (Forward is not null && input != "-")
        {
            throw new InvalidOperationException("Only standard input is given as it is read.");
        }

        ArticleSet set;
        if (input == "-")
        {
            if (console.InIsTerminal)
            {
                // Else the run sat silent, waiting for a person who thought it was working (a user's trial).
                console.Message("reading JSON Lines from standard input, a terminal: type or paste articles, then Ctrl+D (Ctrl+C twice stops)");
            }

            using Stream stdin = console.OpenStdin();
            set = new ArticleSet { Name = "<stdin>" };
            await ReadJsonLinesAsync(stdin, set, cancellationToken).ConfigureAwait(false);
        }
        else if (Directory.Exists(input))
        {
            set = new ArticleSet { Name = input, Unit = "file" };
            await ReadFolderAsync(input, set, cancellationToken).ConfigureAwait(false);
        }
        else if (File.Exists(input))
        {
            set = new ArticleSet { Name = input };
            using FileStream stream = OpenFile(input);
            // A pipe (a process substitution, a named pipe, /dev/stdin) cannot be read again by offset: its texts are kept.
            if (!KeepTexts && encoding != InputEncoding.Windows1252 && stream.CanSeek && !StartsWithForeignBom(stream))
            {
                set.Backing = new FileBackedArticles(input, set.Articles);
            }

            await ReadJsonLinesAsync(stream, set, cancellationToken).ConfigureAwait(false);
            set.Backing?.EndOfInput();
        }
        else if (Path.EndsInDirectorySeparator(input) && File.Exists(Path.TrimEndingDirectorySeparator(input)))
        {
            throw CliException.IO($"{input}: a file, not a folder (drop the trailing '{input[^1]}')");
        }
        else
        {
            throw CliException.IO($"{input}: no such file or folder");
        }

        if (set.SkippedCount > 0)
        {
            console.Message(DescribeSkipped(set));
        }

        if (set.Articles.Count == 0)
        {
            throw CliException.BadInput(set.Unit == "file"
                ? $"{set.Name}: no articles found (expected .txt files in the folder{OtherCaseHint(input)}{SubfolderHint(input)})"
                : $"{set.Name}: no articles found (expected one JSON object per line)");
        }

        return set;
    }

    /// <summary>Opens a file for reading, turning failures into one-line I/O errors.</summary>
    public static FileStream OpenFile(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan | FileOptions.Asynchronous);
        }
        catch (FileNotFoundException)
        {
            throw CliException.IO($"{path}: no such file");
        }
        catch (DirectoryNotFoundException)
        {
            throw CliException.IO($"{path}: no such file");
        }
        catch (UnauthorizedAccessException)
        {
            throw CliException.IO($"{path}: permission denied");
        }
        catch (IOException e)
        {
            throw CliException.IO($"{path}: {e.Message}");
        }
    }

    /// <summary>Reads a whole text file (or standard input for "-"): UTF-8, UTF-16 with a byte-order mark, or Windows-1252 (<see cref="InputEncoding"/>).</summary>
    public static async Task<string> ReadTextAsync(string path, CliConsole console, CancellationToken cancellationToken, InputEncoding encoding = InputEncoding.Auto)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw CliException.BadInput("expected a text file path, or - for standard input");
        }

        byte[] bytes;
        string name = path == "-" ? "<stdin>" : path;
        if (path == "-")
        {
            using Stream stdin = console.OpenStdin();
            bytes = await ReadBoundedAsync(stdin, name, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            if (Directory.Exists(path))
            {
                throw CliException.BadInput($"{path}: is a folder; expected a text file");
            }

            using FileStream stream = OpenFile(path);
            bytes = await ReadBoundedAsync(stream, name, cancellationToken).ConfigureAwait(false);
        }

        string? problem = TextDecoding.Decode(bytes, encoding, out string text, out string? fellBack);
        if (fellBack is not null)
        {
            WarnFallback(console, name, fellBack);
        }

        return problem is null ? text : throw CliException.BadInput($"{name}:{problem}");
    }

    /// <summary>The warning for a text file read as Windows-1252 because it is not valid UTF-8.</summary>
    private static void WarnFallback(CliConsole console, string name, string problem)
        => console.Warning($"{name}:{problem}; read as Windows-1252 (--encoding utf-8 refuses such files)");

    /// <summary>Formats the skip summary: "skipped 3 bad lines of f.jsonl: 2 malformed JSON, 1 duplicate id".</summary>
    public static string DescribeSkipped(ArticleSet set)
    {
        string reasons = string.Join(", ", set.Skipped.Select(p => $"{p.Value} {(p.Value == 1 ? Describe(p.Key) : DescribeMany(p.Key))}"));
        string unit = set.SkippedCount == 1 ? set.Unit : set.Unit + "s";
        return $"skipped {set.SkippedCount} bad {unit} of {set.Name}: {reasons}";
    }

    /// <summary>The words used for a problem in messages and the snake_case key used in JSON.</summary>
    public static string Describe(InputProblem problem) => problem switch
    {
        InputProblem.InvalidUtf8 => "invalid UTF-8",
        InputProblem.MalformedJson => "malformed JSON",
        InputProblem.NotAnObject => "not a JSON object",
        InputProblem.MissingId => "missing id",
        InputProblem.BadId => "bad id",
        InputProblem.DuplicateId => "duplicate id",
        InputProblem.MissingText => "missing text",
        InputProblem.EmptyText => "empty text",
        InputProblem.DuplicateKey => "duplicate key",
        InputProblem.TooLong => "too long",
        InputProblem.Unreadable => "unreadable",
        InputProblem.Binary => "binary",
        _ => "bad field",
    };

    /// <summary>The words for more than one line with <paramref name="problem"/>: "2 duplicate ids" (it said "2 duplicate id").</summary>
    public static string DescribeMany(InputProblem problem) => problem switch
    {
        InputProblem.NotAnObject => "not JSON objects",
        InputProblem.MissingId => "missing ids",
        InputProblem.BadId => "bad ids",
        InputProblem.DuplicateId => "duplicate ids",
        InputProblem.MissingText => "missing texts",
        InputProblem.EmptyText => "empty texts",
        InputProblem.DuplicateKey => "duplicate keys",
        InputProblem.Binary => "binary files",
        InputProblem.BadField => "bad fields",
        _ => Describe(problem),
    };

    /// <summary>The snake_case key of a problem in JSON output.</summary>
    public static string Key(InputProblem problem) => Describe(problem).Replace(' ', '_').Replace("-", string.Empty, StringComparison.Ordinal).ToLowerInvariant();

    /// <summary>Lines parsed at once, in parallel, before their results are taken in order.</summary>
    private const int BatchLines = 1024;

    /// <summary>A batch is also parsed when its lines reach this many bytes.</summary>
    private const int BatchBytes = 16 << 20;

    /// <summary>At most this many threads parse lines at once; -1 for as many as there are cores (<c>--threads</c>).</summary>
    internal int MaxDegreeOfParallelism { get; init; } = -1;

    private async Task ReadJsonLinesAsync(Stream stream, ArticleSet set, CancellationToken cancellationToken)
    {
        var firstLineOfId = new Dictionary<string, int>(StringComparer.Ordinal);
        using Stream utf8 = await TextDecoding.OpenAsUtf8Async(stream, set.Name, encoding, cancellationToken).ConfigureAwait(false);
        using var reader = new Utf8LineReader(utf8, MaxLineBytes, keepLines: true);

        // Lines are read in order and parsed a batch at a time on all threads (UTF-8 check and JSON); the results are
        // then taken in line order, so problems are reported and ids claimed exactly as by a line-by-line read. On more
        // than one thread a batch is parsed while the next one is read (two batches take turns): reading alone, one core
        // did nothing for the first half-second of a 250 MB scan. A line is parsed where the reader read it.
        var parallel = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = MaxDegreeOfParallelism };
        var filling = new LineBatch();
        var spare = new LineBatch();

        // The batch being parsed (the spare, until it is taken).
        Task<ParsedLine[]>? parsing = null;

        // Lines that were not blank, read so far.
        long lines = 0;
        bool backed = set.Backing is not null;
        try
        {
            while (true)
            {
                (bool ok, ReadOnlyMemory<byte> line) = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
                if (!ok)
                {
                    break;
                }

                bool tooLong = reader.LastLineTooLong;
                if (filling.Add(reader.LineNumber, reader.LineStart, reader.BytesRead, tooLong ? reader.LongLineStart : line, tooLong))
                {
                    lines++;
                }

                if (tooLong && (!skipBad || (lines == 1 && FormatHint(reader.LongLineStart.Span, set.Name, InputProblem.TooLong) is not null)))
                {
                    // The run ends at this line (or at a bad one before it, which the lines read are taken to find),
                    // --skip-bad or not when it begins a JSON array: the rest of the input is not read. Read to the
                    // line's end first, /dev/zero was read forever.
                    break;
                }

                if (!filling.IsFull)
                {
                    continue;
                }

                filling.Own(reader.TakeRetired());
                if (MaxDegreeOfParallelism == 1)
                {
                    // One thread (--threads 1): no reading beside the parsing.
                    Take(set, filling, ParseBatch(filling, backed, parallel), firstLineOfId);
                    filling.Clear();
                    await ForwardTakenAsync(cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    // The batch read is parsed while the last one's results are taken (in line order, on this thread).
                    ParsedLine[]? parsed = parsing is null ? null : await parsing.ConfigureAwait(false);
                    LineBatch toParse = filling;
                    parsing = Task.Run(() => ParseBatch(toParse, backed, parallel), cancellationToken);
                    if (parsed is not null)
                    {
                        Take(set, spare, parsed, firstLineOfId);
                        await ForwardTakenAsync(cancellationToken).ConfigureAwait(false);
                    }

                    (filling, spare) = (spare, toParse);
                    filling.Clear();
                }
            }

            if (parsing is not null)
            {
                ParsedLine[] results = await parsing.ConfigureAwait(false);
                parsing = null;
                Take(set, spare, results, firstLineOfId);
                spare.Clear();
                await ForwardTakenAsync(cancellationToken).ConfigureAwait(false);
            }

            filling.Own(reader.TakeRetired());
            Take(set, filling, ParseBatch(filling, backed, parallel), firstLineOfId);
            filling.Clear();
            await ForwardTakenAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // A batch still parsing when reading failed reads its buffer: it ends before the buffer can be reused.
            if (parsing is not null)
            {
                await parsing.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
            }
        }

        set.Bytes = reader.BytesRead;
    }

    /// <summary>
    /// Lines read and not yet parsed: where each is in the input, and its bytes where the reader read them (it keeps
    /// its lines: <see cref="Utf8LineReader"/>); the reader's buffers left while the batch was filled are the batch's,
    /// returned to the pool when it is cleared (after its lines were taken, and so after every earlier batch's).
    /// </summary>
    private sealed class LineBatch
    {
        private readonly List<byte[]> _buffers = [];
        private long _used;

        public List<PendingLine> Lines { get; } = new(BatchLines);

        /// <summary>Whether the batch is to be parsed now (<see cref="BatchLines"/> lines or <see cref="BatchBytes"/> bytes).</summary>
        public bool IsFull => Lines.Count == BatchLines || _used >= BatchBytes;

        /// <summary>
        /// Adds a line read (its bytes stay in the reader's buffer, which keeps them), or of a line too long its start
        /// (<see cref="Utf8LineReader.LongLineStart"/>); false for a blank line, which is skipped.
        /// </summary>
        public bool Add(int lineNumber, long start, long end, ReadOnlyMemory<byte> line, bool tooLong)
        {
            if (tooLong)
            {
                Lines.Add(new PendingLine(lineNumber, start, 0, line, TooLong: true));
                return true;
            }

            if (line.Span.Trim(" \t"u8).IsEmpty)
            {
                return false;
            }

            Lines.Add(new PendingLine(lineNumber, start, checked((int)(end - start)), line, TooLong: false));
            _used += line.Length;
            return true;
        }

        /// <summary>Takes the reader's buffers left since the last batch was closed: this batch's lines may be in them.</summary>
        public void Own(List<byte[]> buffers) => _buffers.AddRange(buffers);

        /// <summary>Forgets the lines and returns the buffers owned (call once the lines were taken).</summary>
        public void Clear()
        {
            Lines.Clear();
            _used = 0;
            foreach (byte[] buffer in _buffers)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }

            _buffers.Clear();
        }
    }

    /// <summary>Parses a batch's lines in parallel (UTF-8 check and JSON).</summary>
    private static ParsedLine[] ParseBatch(LineBatch batch, bool backed, ParallelOptions parallel)
    {
        var parsed = new ParsedLine[batch.Lines.Count];
        Parallel.For(0, batch.Lines.Count, parallel, k =>
        {
            PendingLine pending = batch.Lines[k];
            if (pending.TooLong)
            {
                return;
            }

            ReadOnlyMemory<byte> line = pending.Line;
            int invalid = Utf8Check.FindInvalid(line.Span);
            if (invalid >= 0)
            {
                parsed[k] = new ParsedLine(null, false, InputProblem.InvalidUtf8, Utf8Check.Describe(line.Span, invalid));
                return;
            }

            (Article? article, bool numeric, InputProblem problem, string? message) = ParseLine(line, keepText: !backed, out Range textToken);
            UInt128 sameText = default;
            if (article is not null && backed)
            {
                sameText = FileBackedArticles.SameTextKey(line.Span, textToken, article);
                article = article with { Title = null, Source = null };
            }

            parsed[k] = new ParsedLine(article, numeric, problem, message, sameText);
        });
        return parsed;
    }

    /// <summary>Takes a parsed batch's results in line order: problems reported, ids claimed, articles added.</summary>
    private void Take(ArticleSet set, LineBatch batch, ParsedLine[] parsed, Dictionary<string, int> firstLineOfId)
    {
        for (int k = 0; k < batch.Lines.Count; k++)
        {
            PendingLine pending = batch.Lines[k];
            int lineNumber = pending.LineNumber;
            if (pending.TooLong)
            {
                // A JSON array on one line larger than the limit is named as one, as a smaller one is.
                if (set.Articles.Count == 0 && set.SkippedCount == 0 && FormatHint(pending.Line.Span, set.Name, InputProblem.TooLong) is { } arrayHint)
                {
                    throw CliException.BadInput(FormattableString.Invariant($"{set.Name}:{lineNumber}: {arrayHint}"));
                }

                Bad(set, lineNumber, InputProblem.TooLong, FormattableString.Invariant($"the line is longer than {MaxLineBytes:N0} bytes (the limit)"));
                continue;
            }

            (Article? article, bool numeric, InputProblem problem, string? message, UInt128 sameText) = parsed[k];
            if (article is null)
            {
                // A first line that shows the file is of another format stops the run with what to do, --skip-bad or
                // not: every line would be bad ("malformed JSON at column 2" said nothing of a JSON array).
                if (set.Articles.Count == 0 && set.SkippedCount == 0 && FormatHint(pending.Line.Span, set.Name, problem) is { } hint)
                {
                    throw CliException.BadInput(FormattableString.Invariant($"{set.Name}:{lineNumber}: {hint}"));
                }

                Bad(set, lineNumber, problem, message!);
                continue;
            }

            if (!firstLineOfId.TryAdd(article.Id, lineNumber))
            {
                Bad(set, lineNumber, InputProblem.DuplicateId, $"duplicate id {Quote(article.Id)} (first on line {firstLineOfId[article.Id]})");
                continue;
            }

            set.Backing?.Add(pending.Start, pending.Bytes, sameText);
            if (Forward is null)
            {
                set.Add(article, lineNumber);
            }
            else
            {
                // The scan gets the article; the set keeps what the outputs name and show it by (an untitled article's
                // first line was lost with its text, and the table showed it blank: a client's trial).
                _forwarding.Add(article);
                set.Add(article with { Text = string.Empty, Title = Output.PairTable.ShownTitle(article) }, lineNumber);
            }

            if (numeric)
            {
                set.NumericIds.Add(article.Id);
            }
        }
    }

    /// <summary>Gives the articles taken to <see cref="Forward"/>, waiting while it is full (the scan is behind).</summary>
    private async ValueTask ForwardTakenAsync(CancellationToken cancellationToken)
    {
        if (Forward is null)
        {
            return;
        }

        foreach (Article article in _forwarding)
        {
            await Forward.WriteAsync(article, cancellationToken).ConfigureAwait(false);
        }

        _forwarding.Clear();
    }

    /// <summary>A line read and not yet parsed: its number, where it starts in the input and its length with the break, and its bytes.</summary>
    private readonly record struct PendingLine(int LineNumber, long Start, int Bytes, ReadOnlyMemory<byte> Line, bool TooLong);

    /// <summary>What parsing a line gave; when the texts are read again, the key of its text as written (<see cref="FileBackedArticles.SameTextKey"/>).</summary>
    private readonly record struct ParsedLine(Article? Article, bool Numeric, InputProblem Problem, string? Message, UInt128 SameText = default);

    /// <summary>The article of one line read again (null when it no longer parses).</summary>
    internal static Article? Parse(ReadOnlyMemory<byte> line) => ParseLine(line).Article;

    /// <summary>
    /// The article of a line read again whose first reading gave <paramref name="kept"/> (its id and publication time,
    /// no text): the text, title and source taken from the line in one pass of a JSON reader, the rest from
    /// <paramref name="kept"/>, without the first reading's checks, which the line passed. Null when the line does not
    /// read as a line that passed them with that id (the file changed): the caller then parses it in full, which
    /// names the problem. The result equals <see cref="Parse"/>'s for every line that passed the first reading.
    /// </summary>
    internal static Article? ParseAgain(ReadOnlySpan<byte> line, Article kept)
    {
        // The text decoded here, the rest read by the JSON reader (TextMember), unless the text escapes a surrogate.
        if (TextMember.TryFind(line, out Range token) && TextMember.TryDecode(line[token], out string text))
        {
            byte[] rest = TextMember.Rest(line, token, out int length);
            try
            {
                return ParseAgainWithReader(rest.AsSpan(0, length), kept) is { } article
                    ? (string.IsNullOrWhiteSpace(text) ? null : article with { Text = text })
                    : null;
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rest);
            }
        }

        return ParseAgainWithReader(line, kept);
    }

    /// <summary><see cref="ParseAgain"/> with the whole line read by the JSON reader: the way for a text that escapes a surrogate, and the reference the quick way is tested against.</summary>
    internal static Article? ParseAgainWithReader(ReadOnlySpan<byte> line, Article kept)
    {
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            string? text = null;
            string? title = null;
            string? source = null;
            bool sameId = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isText = reader.ValueTextEquals("text"u8);
                bool isTitle = !isText && reader.ValueTextEquals("title"u8);
                bool isSource = !isText && !isTitle && reader.ValueTextEquals("source"u8);
                bool isId = !isText && !isTitle && !isSource && reader.ValueTextEquals("id"u8);
                if (!reader.Read())
                {
                    return null;
                }

                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    // Skipped whole, or its members would be read as the root's; a field the first reading took never
                    // holds one in a line that passed it.
                    if (isText || isTitle || isSource || isId || !reader.TrySkip())
                    {
                        return null;
                    }
                }
                else if (isText)
                {
                    text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else if (isTitle)
                {
                    title = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else if (isSource)
                {
                    source = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else if (isId)
                {
                    sameId = reader.TokenType switch
                    {
                        JsonTokenType.String => reader.ValueTextEquals(kept.Id),
                        JsonTokenType.Number => TryCanonicalInteger(System.Text.Encoding.UTF8.GetString(reader.ValueSpan), out string id) && id == kept.Id,
                        _ => false,
                    };
                }
            }

            if (!sameId || reader.TokenType != JsonTokenType.EndObject || string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            return kept with { Text = text, Title = string.IsNullOrWhiteSpace(title) ? null : title, Source = source };
        }
        catch (JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null; // a lone surrogate escape: not a line that passed
        }
    }

    /// <summary>Whether the stream starts with a byte order mark of UTF-16 or UTF-32 (then its lines are transcoded); rewinds it.</summary>
    /// <summary>
    /// Reads a whole text of at most <see cref="DefaultMaxLineBytes"/> bytes from a file or a pipe (a process
    /// substitution or a named pipe has no length to check first: it is read up to the limit).
    /// </summary>
    private static async Task<byte[]> ReadBoundedAsync(Stream stream, string name, CancellationToken cancellationToken)
    {
        if (stream.CanSeek && stream.Length > DefaultMaxLineBytes)
        {
            throw TooLarge(name);
        }

        return await ReadAtMostAsync(stream, DefaultMaxLineBytes, cancellationToken).ConfigureAwait(false) ?? throw TooLarge(name);

        static CliException TooLarge(string name) =>
            CliException.BadInput(FormattableString.Invariant($"{name}: the file is larger than {DefaultMaxLineBytes:N0} bytes (the limit)"));
    }

    private static bool StartsWithForeignBom(FileStream stream)
    {
        Span<byte> head = stackalloc byte[2];
        int read = stream.Read(head);
        stream.Position = 0;
        return read == 2 && (head is [0xFF, 0xFE] || head is [0xFE, 0xFF] || head is [0x00, 0x00]);
    }

    /// <param name="line">The line's bytes, valid UTF-8.</param>
    /// <param name="keepText">
    /// False when the article is read again for its text (<see cref="FileBackedArticles"/>): the text is then checked
    /// (present, not blank, no lone surrogate) without being made into a string, and the article holds an empty one.
    /// </param>
    internal static (Article? Article, bool Numeric, InputProblem Problem, string? Message) ParseLine(ReadOnlyMemory<byte> line, bool keepText = true)
        => ParseLine(line, keepText, out _);

    /// <summary>As <see cref="ParseLine(ReadOnlyMemory{byte}, bool)"/>; <paramref name="textToken"/> is where the text's JSON string stands when the quick way read it, or an empty range.</summary>
    private static (Article? Article, bool Numeric, InputProblem Problem, string? Message) ParseLine(ReadOnlyMemory<byte> line, bool keepText, out Range textToken)
    {
        // The text checked (and decoded when kept) here, the rest read by the JSON reader (TextMember). Any problem
        // sends the whole line to the reader, so that the message is the one it gives (its columns, say).
        textToken = default;
        if (TextMember.TryFind(line.Span, out Range token) && IsPlainAndNotBlank(line.Span[token]))
        {
            string text = string.Empty;
            if (!keepText || TextMember.TryDecode(line.Span[token], out text))
            {
                byte[] rest = TextMember.Rest(line.Span, token, out int length);
                try
                {
                    var parsed = ReadRest(rest.AsSpan(0, length)) is { } read ? (read.Article, read.Numeric, default, null) : ParseLineWithReader(rest.AsMemory(0, length), keepText: false);
                    if (parsed.Article is { } article)
                    {
                        textToken = token;
                        return (article with { Text = text }, parsed.Numeric, default, null);
                    }
                }
                finally
                {
                    System.Buffers.ArrayPool<byte>.Shared.Return(rest);
                }
            }
        }

        return ParseLineWithReader(line, keepText);
    }

    /// <summary>
    /// The article of a line's rest (its text replaced by <see cref="TextMember.Placeholder"/>) as <see
    /// cref="ParseLineWithReader"/> reads it with <c>keepText</c> false, read in one pass of a <see cref="Utf8JsonReader"/>
    /// rather than into a document (nearly half of the first reading's time). Null when the rest is anything but a well-formed
    /// object that makes an article with no key written with an escape or twice: the document's reading then names the
    /// problem.
    /// </summary>
    private static (Article Article, bool Numeric)? ReadRest(ReadOnlySpan<byte> rest)
    {
        string? id = null, title = null, source = null, publishedText = null;
        bool numeric = false, text = false;
        int seen = 0;

        // Where the other keys stand in the rest, to find one written twice without making strings of them.
        Span<(int Start, int Length)> others = stackalloc (int, int)[MaxOtherKeys];
        int otherCount = 0;
        try
        {
            var reader = new Utf8JsonReader(rest);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueIsEscaped)
                {
                    return null;
                }

                int member = reader.ValueSpan switch
                {
                    var n when n.SequenceEqual("id"u8) => 1,
                    var n when n.SequenceEqual("text"u8) => 2,
                    var n when n.SequenceEqual("title"u8) => 4,
                    var n when n.SequenceEqual("source"u8) => 8,
                    var n when n.SequenceEqual("published"u8) => 16,
                    _ => 0,
                };
                if ((seen & member) != 0 || (member == 0 && !IsNewKey(rest, reader, others, ref otherCount)))
                {
                    return null; // a key twice, or more other keys than are looked through here
                }

                seen |= member;
                reader.Read();
                switch (member)
                {
                    case 1 when reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped:
                        id = System.Text.Encoding.UTF8.GetString(reader.ValueSpan);
                        break;
                    case 1 when reader.TokenType == JsonTokenType.Number && TryCanonicalInteger(System.Text.Encoding.UTF8.GetString(reader.ValueSpan), out string number):
                        (id, numeric) = (number, true);
                        break;
                    case 2 when reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && reader.ValueSpan.SequenceEqual(TextMember.Placeholder[1..^1]):
                        text = true;
                        break;
                    case 4 when reader.TokenType is JsonTokenType.String or JsonTokenType.Null:
                        title = reader.GetString();
                        break;
                    case 8 when reader.TokenType is JsonTokenType.String or JsonTokenType.Null:
                        source = reader.GetString();
                        break;
                    case 16 when reader.TokenType is JsonTokenType.String or JsonTokenType.Null:
                        publishedText = reader.GetString();
                        break;
                    case 0:
                        reader.Skip();
                        break;
                    default:
                        return null;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return null;
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null; // not JSON, or a string that escapes a lone surrogate
        }

        if (id is null || !text || string.IsNullOrWhiteSpace(id) || Utf8Check.Strict.GetByteCount(id) > Article.MaxIdBytes || title is { Length: > MaxTitleLength })
        {
            return null;
        }

        DateTimeOffset? published = null;
        if (!string.IsNullOrWhiteSpace(publishedText))
        {
            if (!TryParsePublished(publishedText.Trim(), out DateTimeOffset parsed))
            {
                return null;
            }

            published = parsed;
        }

        return (new Article(id, string.Empty, string.IsNullOrWhiteSpace(title) ? null : title, published, source), numeric);
    }

    /// <summary>The most keys other than an article's own that <see cref="ReadRest"/> reads; a line with more goes to the document's reading.</summary>
    private const int MaxOtherKeys = 32;

    /// <summary>
    /// Whether the property name the reader stands on (not escaped) is none of the <paramref name="count"/> other keys
    /// already seen in <paramref name="rest"/>; if so it is added. False too when there is no room for it.
    /// </summary>
    private static bool IsNewKey(ReadOnlySpan<byte> rest, in Utf8JsonReader reader, Span<(int Start, int Length)> seen, ref int count)
    {
        ReadOnlySpan<byte> name = reader.ValueSpan;
        foreach ((int start, int length) in seen[..count])
        {
            if (rest.Slice(start, length).SequenceEqual(name))
            {
                return false;
            }
        }

        if (count == seen.Length)
        {
            return false;
        }

        seen[count++] = ((int)reader.TokenStartIndex + 1, name.Length);
        return true;
    }

    /// <summary><see cref="ParseLine(ReadOnlyMemory{byte}, bool)"/> with the whole line read by the JSON reader: the way for lines the quick way leaves, and the reference it is tested against.</summary>
    internal static (Article? Article, bool Numeric, InputProblem Problem, string? Message) ParseLineWithReader(ReadOnlyMemory<byte> line, bool keepText = true)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            long column = (e.BytePositionInLine ?? 0) + 1;
            return (null, false, InputProblem.MalformedJson, FormattableString.Invariant($"malformed JSON at column {column}"));
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, false, InputProblem.NotAnObject, $"expected a JSON object, found {Kind(root.ValueKind)}");
            }

            string id;
            bool numeric = false;
            if (!root.TryGetProperty("id", out JsonElement idElement) || idElement.ValueKind == JsonValueKind.Null)
            {
                // Keys are matched exactly: "ID" or "Id" is no "id" (a client's trial read only 'missing "id"').
                string? other = root.EnumerateObject().Select(p => p.Name).FirstOrDefault(n => n != "id" && string.Equals(n, "id", StringComparison.OrdinalIgnoreCase));
                return (null, false, InputProblem.MissingId, other is null ? "missing \"id\"" : $"missing \"id\" (keys are case-sensitive: this line has \"{other}\")");
            }

            switch (idElement.ValueKind)
            {
                case JsonValueKind.String:
                    if (!TryGetString(idElement, out id))
                    {
                        return (null, false, InputProblem.BadField, "\"id\" " + LoneSurrogate);
                    }

                    if (string.IsNullOrWhiteSpace(id))
                    {
                        return (null, false, InputProblem.BadId, "empty \"id\"");
                    }

                    break;
                case JsonValueKind.Number:
                    if (!TryCanonicalInteger(idElement.GetRawText(), out id))
                    {
                        string raw = idElement.GetRawText();
                        return (null, false, InputProblem.BadId, double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && Math.Abs(value) >= 1e28
                            ? $"a numeric \"id\" of more than 28 digits must be written in plain digits (or as a string), found {Printable.Quote(raw)}"
                            : $"a numeric \"id\" must be a whole number, found {Printable.Quote(raw)}");
                    }

                    numeric = true;
                    break;
                default:
                    return (null, false, InputProblem.BadId, $"\"id\" must be a string or a number, found {Kind(idElement.ValueKind)}");
            }

            if (Utf8Check.Strict.GetByteCount(id) > Article.MaxIdBytes)
            {
                return (null, false, InputProblem.BadId, FormattableString.Invariant($"\"id\" is {Utf8Check.Strict.GetByteCount(id)} bytes long; the limit is {Article.MaxIdBytes} ({Quote(id)})"));
            }

            if (FindDuplicateKey(root) is { } duplicate)
            {
                return (null, false, InputProblem.DuplicateKey, $"the key {Printable.Quote(duplicate)} appears twice (id {Quote(id)})");
            }

            if (!root.TryGetProperty("text", out JsonElement textElement) || textElement.ValueKind == JsonValueKind.Null)
            {
                return (null, false, InputProblem.MissingText, $"missing \"text\" (id {Quote(id)})");
            }

            if (textElement.ValueKind != JsonValueKind.String)
            {
                return (null, false, InputProblem.BadField, $"\"text\" must be a string, found {Kind(textElement.ValueKind)} (id {Quote(id)})");
            }

            string text = string.Empty;
            if (keepText || !IsPlainAndNotBlank(JsonMarshal.GetRawUtf8Value(textElement)))
            {
                if (!TryGetString(textElement, out text))
                {
                    return (null, false, InputProblem.BadField, $"\"text\" {LoneSurrogate} (id {Quote(id)})");
                }

                if (string.IsNullOrWhiteSpace(text))
                {
                    return (null, false, InputProblem.EmptyText, $"empty \"text\" (id {Quote(id)})");
                }

                if (!keepText)
                {
                    text = string.Empty;
                }
            }

            foreach (string field in (string[])["title", "source", "published"])
            {
                if (!TryOptionalString(root, field, out _, out bool surrogate))
                {
                    string expected = field == "published" ? "an ISO-8601 date string" : "a string";
                    return (null, false, InputProblem.BadField, surrogate
                        ? $"\"{field}\" {LoneSurrogate} (id {Quote(id)})"
                        : $"\"{field}\" must be {expected} (id {Quote(id)})");
                }
            }

            TryOptionalString(root, "title", out string? title, out _);
            if (title is { Length: > MaxTitleLength })
            {
                return (null, false, InputProblem.BadField, FormattableString.Invariant($"\"title\" is {title.Length} characters long; the limit is {MaxTitleLength} (id {Quote(id)})"));
            }

            TryOptionalString(root, "source", out string? source, out _);
            TryOptionalString(root, "published", out string? publishedText, out _);

            DateTimeOffset? published = null;
            if (!string.IsNullOrWhiteSpace(publishedText))
            {
                if (!TryParsePublished(publishedText.Trim(), out DateTimeOffset parsed))
                {
                    return (null, false, InputProblem.BadField, $"\"published\" {WhyNotPublished(publishedText)} (id {Quote(id)})");
                }

                published = parsed;
            }

            return (new Article(id, text, string.IsNullOrWhiteSpace(title) ? null : title, published, source), numeric, default, null);
        }
    }

    /// <summary>
    /// Why <see cref="TryParsePublished"/> refused <paramref name="text"/>, as the rest of a sentence that begins with
    /// <c>"published"</c>. A value in the shape of the accepted forms is an ISO-8601 date that no <see cref="DateTimeOffset"/>
    /// holds (year 0000 or one of five digits, an offset beyond ±14:00, an instant before 0001 or after 9999 in UTC)
    /// or no date at all (30 February, hour 24): said so, not that it is no ISO-8601 date.
    /// </summary>
    internal static string WhyNotPublished(string text)
    {
        string trimmed = text.Trim();
        System.Text.RegularExpressions.Match shape = IsoShape().Match(trimmed);
        if (!shape.Success)
        {
            return $"is not an ISO-8601 date: {Quote(text)}";
        }

        string year = shape.Groups["year"].Value;
        if (year.Length > 4 || year == "0000")
        {
            return $"is out of range: {Quote(text)} has the year {year}; years from 0001 to 9999 are read";
        }

        int month = Number(shape.Groups["month"].Value);
        int day = Number(shape.Groups["day"].Value);
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Number(year), month))
        {
            return $"is no calendar date: {Quote(text)}";
        }

        if ((shape.Groups["hour"].Success && Number(shape.Groups["hour"].Value) > 23)
            || (shape.Groups["minute"].Success && Number(shape.Groups["minute"].Value) > 59)
            || (shape.Groups["second"].Success && Number(shape.Groups["second"].Value) > 59))
        {
            return $"is no time of day: {Quote(text)} (hours run from 00 to 23, minutes and seconds from 00 to 59)";
        }

        if (shape.Groups["offsetHours"].Success
            && (Number(shape.Groups["offsetHours"].Value) * 60) + Number(shape.Groups["offsetMinutes"].Value) is var minutes
            && (minutes > 14 * 60 || Number(shape.Groups["offsetMinutes"].Value) > 59))
        {
            return $"is out of range: {Quote(text)} has the offset {shape.Groups["offset"].Value}; offsets run from -14:00 to +14:00";
        }

        return year is "0001" or "9999"
            ? $"is out of range: {Quote(text)} falls before 0001-01-01 or after 9999-12-31 in UTC"
            : $"is not an ISO-8601 date: {Quote(text)}";

        static int Number(string digits) => int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
    }

    /// <summary>The shape of the <see cref="IsoDateFormats"/> with any digits in their places (and a year of four or more).</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^(?<year>[0-9]{4,9})-(?<month>[0-9]{2})-(?<day>[0-9]{2})(?:[Tt ](?<hour>[0-9]{2}):(?<minute>[0-9]{2})(?::(?<second>[0-9]{2})(?:\.[0-9]+)?)?(?:[Zz]|(?<offset>[+-](?<offsetHours>[0-9]{2}):?(?<offsetMinutes>[0-9]{2})))?)?$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex IsoShape();

    /// <summary>
    /// A <c>"published"</c> value in one of the <see cref="IsoDateFormats"/>, its "T" and "Z" in either case (as RFC 3339
    /// allows); a fraction of a second of more than seven digits (nanoseconds, as Go's RFC 3339 and Java's
    /// <c>Instant</c> write) is cut to the seven .NET keeps.
    /// </summary>
    internal static bool TryParsePublished(string text, out DateTimeOffset parsed)
    {
        if (TryParseAsWritten(text, out parsed))
        {
            return true;
        }

        // RFC 3339 lets the "T" between date and time and the "Z" of UTC be written in lower case.
        bool lowerT = text.Length > 10 && text[10] == 't';
        bool lowerZ = text.Length > 10 && text[^1] == 'z';
        if (!lowerT && !lowerZ)
        {
            return false;
        }

        char[] upper = text.ToCharArray();
        upper[10] = lowerT ? 'T' : upper[10];
        upper[^1] = lowerZ ? 'Z' : upper[^1];
        return TryParseAsWritten(new string(upper), out parsed);
    }

    /// <summary><see cref="TryParsePublished"/> with a "T" and "Z" in upper case only.</summary>
    private static bool TryParseAsWritten(string text, out DateTimeOffset parsed)
    {
        if (TryParseUtcSeconds(text, out parsed) || DateTimeOffset.TryParseExact(text, IsoDateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out parsed))
        {
            return true;
        }

        int dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            return false;
        }

        int end = dot + 1;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
        }

        return end - dot - 1 > 7
            && DateTimeOffset.TryParseExact(string.Concat(text.AsSpan(0, dot + 8), text.AsSpan(end)), IsoDateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out parsed);
    }

    /// <summary>
    /// The commonest form, "2025-01-18T07:45:00Z", read digit by digit: what <c>DateTimeOffset.TryParseExact</c>
    /// gives for it, without trying the <see cref="IsoDateFormats"/> before its own (a tenth of a scan's reading). False
    /// for any other text, and for a date or time that does not exist (the formats refuse it too).
    /// </summary>
    internal static bool TryParseUtcSeconds(string text, out DateTimeOffset parsed)
    {
        parsed = default;
        if (text.Length != 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != 'Z')
        {
            return false;
        }

        int year = Digits(text, 0, 4), month = Digits(text, 5, 2), day = Digits(text, 8, 2);
        int hour = Digits(text, 11, 2), minute = Digits(text, 14, 2), second = Digits(text, 17, 2);
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour is < 0 or > 23 || minute is < 0 or > 59 || second is < 0 or > 59)
        {
            return false;
        }

        parsed = new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.Zero);
        return true;

        // The value of the digits at start (-1 when one is not an ASCII digit: every test above then fails).
        static int Digits(string text, int start, int count)
        {
            int value = 0;
            foreach (char c in text.AsSpan(start, count))
            {
                if (!char.IsAsciiDigit(c))
                {
                    return -1;
                }

                value = (value * 10) + (c - '0');
            }

            return value;
        }
    }

    /// <summary>
    /// The ISO-8601 forms <c>"published"</c> may take: a date, or a date and time (to the minute, second or a fraction;
    /// 'T' or a space between), with a zone ('Z' or an offset) or without one (read as UTC). Anything else is refused:
    /// a lenient parser read "04/03/2025" as 3 April and took "4 March" for this year's.
    /// </summary>
    private static readonly string[] IsoDateFormats =
    [
        "yyyy'-'MM'-'dd",
        "yyyy'-'MM'-'dd'T'HH':'mmK",
        "yyyy'-'MM'-'dd'T'HH':'mm':'ssK",
        "yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFFK",
        "yyyy'-'MM'-'dd' 'HH':'mmK",
        "yyyy'-'MM'-'dd' 'HH':'mm':'ssK",
        "yyyy'-'MM'-'dd' 'HH':'mm':'ss.FFFFFFFK",
    ];

    /// <summary>
    /// The id a JSON number stands for: its value as a whole number in plain decimal, so <c>17</c>, <c>17.0</c> and
    /// <c>1.7e1</c> are one id, the same as the string <c>"17"</c>; false for a fraction (however small: <c>1e-40</c> is
    /// no 0), or a number beyond 28 digits written otherwise than in plain digits (an integer in plain digits is its own
    /// canonical form, at any length).
    /// </summary>
    internal static bool TryCanonicalInteger(string raw, out string id)
    {
        ReadOnlySpan<char> digits = raw.StartsWith('-') ? raw.AsSpan(1) : raw;
        if (!digits.IsEmpty && !digits.ContainsAnyExceptInRange('0', '9'))
        {
            id = raw is "-0" ? "0" : raw; // JSON forbids leading zeros, so an integer's text is already canonical
            return true;
        }

        // A decimal rounds what it cannot hold: 1e-40 would read as 0, so a zero must be written as one.
        int exponent = raw.AsSpan().IndexOfAny('e', 'E');
        bool zero = !raw.AsSpan(0, exponent < 0 ? raw.Length : exponent).ContainsAnyExcept("-0.");
        if (decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal value) && value == decimal.Truncate(value) && (value != 0 || zero))
        {
            id = decimal.Truncate(value).ToString("0", CultureInfo.InvariantCulture);
            return true;
        }

        id = string.Empty;
        return false;
    }

    /// <summary>The first top-level key that appears twice, or null: JSON parsers disagree on which copy wins, so neither does.</summary>
    private static string? FindDuplicateKey(JsonElement root)
    {
        HashSet<string>? seen = null;
        foreach (JsonProperty property in root.EnumerateObject())
        {
            seen ??= new HashSet<string>(StringComparer.Ordinal);
            if (!seen.Add(property.Name))
            {
                return property.Name;
            }
        }

        return null;
    }

    /// <summary>Reads an optional string field; false when it is not a string or not valid Unicode (<paramref name="surrogate"/>).</summary>
    private static bool TryOptionalString(JsonElement root, string name, out string? value, out bool surrogate)
    {
        value = null;
        surrogate = false;
        if (!root.TryGetProperty(name, out JsonElement element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        surrogate = !TryGetString(element, out string text);
        value = surrogate ? null : text;
        return !surrogate;
    }

    /// <summary>
    /// Whether a JSON string token (its raw UTF-8, quotes included, from a validated document) surely holds no lone
    /// surrogate and is not blank, without making it a string: it has no <c>\u</c> escape of a surrogate (in valid
    /// UTF-8 only those can spell one) and a character that is not white space (<see cref="string.IsNullOrWhiteSpace"/>).
    /// False leaves the question to the decoded string: a blank text, or one that escapes a surrogate anywhere (an emoji
    /// written by an ASCII-only JSON writer, say).
    /// </summary>
    internal static bool IsPlainAndNotBlank(ReadOnlySpan<byte> raw)
    {
        if (raw.Length < 2)
        {
            return false;
        }

        ReadOnlySpan<byte> body = raw[1..^1];
        if (TextMember.EscapesSurrogate(body))
        {
            return false;
        }

        for (int i = 0; i < body.Length;)
        {
            if (body[i] == (byte)'\\')
            {
                // An escape: \n, \r, \t and \f are white space; \", \\, \/ and \b are not; \u names its character.
                byte escaped = i + 1 < body.Length ? body[i + 1] : (byte)0;
                if (escaped is (byte)'n' or (byte)'r' or (byte)'t' or (byte)'f')
                {
                    i += 2;
                }
                else if (escaped == (byte)'u' && i + 6 <= body.Length
                    && System.Buffers.Text.Utf8Parser.TryParse(body.Slice(i + 2, 4), out ushort code, out int used, 'x') && used == 4)
                {
                    if (!char.IsWhiteSpace((char)code))
                    {
                        return true;
                    }

                    i += 6;
                }
                else
                {
                    return escaped is (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b';
                }
            }
            else if (System.Text.Rune.DecodeFromUtf8(body[i..], out System.Text.Rune rune, out int consumed) != System.Buffers.OperationStatus.Done)
            {
                return false;
            }
            else if (!System.Text.Rune.IsWhiteSpace(rune))
            {
                return true;
            }
            else
            {
                i += consumed;
            }
        }

        return false;
    }

    /// <summary>
    /// Reads a JSON string; false when it escapes a lone UTF-16 surrogate (<c>"\ud800"</c>), which is no Unicode text:
    /// <see cref="JsonElement.GetString"/> throws on it, and no UTF-8 snapshot could hold it.
    /// </summary>
    private static bool TryGetString(JsonElement element, out string value)
    {
        try
        {
            value = element.GetString() ?? string.Empty;
            return true;
        }
        catch (InvalidOperationException)
        {
            value = string.Empty;
            return false;
        }
    }

    /// <summary>
    /// For a folder without articles: the files whose names end in ".txt" in another case ("A.TXT"), which are not read
    /// (docs/cli.md: lower case), named so that a user sees why (a client's trial had only "expected .txt files").
    /// </summary>
    private static string OtherCaseHint(string folder)
    {
        try
        {
            string[] other = Array.FindAll(
                Directory.GetFiles(folder, "*", SearchOption.TopDirectoryOnly),
                f => Path.GetExtension(f) is { } e && e.Equals(".txt", StringComparison.OrdinalIgnoreCase) && e != ".txt" && !Path.GetFileName(f).StartsWith('.'));
            return other.Length == 0 ? string.Empty
                : FormattableString.Invariant($"; {other.Length} file{(other.Length == 1 ? string.Empty : "s")} such as {Path.GetFileName(other.Min(StringComparer.Ordinal))} end{(other.Length == 1 ? "s" : string.Empty)} in another case, which is not read: rename to .txt");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    /// <summary>
    /// For a folder without articles: the .txt files in its subfolders, which are not read (a user's trial had only
    /// "expected .txt files in the folder" for a folder of folders).
    /// </summary>
    private static string SubfolderHint(string folder)
    {
        try
        {
            var options = new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 8, IgnoreInaccessible = true };
            string[] nested = [.. Directory.EnumerateFiles(folder, "*.txt", options).Where(f => !string.Equals(Path.GetDirectoryName(f), Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)), StringComparison.Ordinal)).Take(1000)];
            return nested.Length == 0 ? string.Empty
                : FormattableString.Invariant($"; {(nested.Length == 1000 ? "1,000 or more" : nested.Length.ToString("N0", CultureInfo.InvariantCulture))} .txt file{(nested.Length == 1 ? " is" : "s are")} in its subfolders, which are not read: scan each subfolder");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    private async Task ReadFolderAsync(string folder, ArticleSet set, CancellationToken cancellationToken)
    {
        string[] files;
        try
        {
            files = Directory.GetFiles(folder, "*.txt", SearchOption.TopDirectoryOnly);
        }
        catch (UnauthorizedAccessException)
        {
            throw CliException.IO($"{folder}: permission denied");
        }

        // Hidden files (".draft.txt", macOS's "._name.txt" resource forks) are no articles.
        files = Array.FindAll(files, f => !Path.GetFileName(f).StartsWith('.'));

        // A folder is read for its .txt files alone: JSON Lines files beside them were ignored without a word (a user's
        // trial scanned the samples folder and got the one text file's result, not the news file's).
        string[] jsonLines = [.. Directory.EnumerateFiles(folder, "*.jsonl", SearchOption.TopDirectoryOnly).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal)];
        if (jsonLines.Length > 0)
        {
            console.Warning($"{folder}: a folder is read for its .txt files; {jsonLines.Length} JSON Lines file{(jsonLines.Length == 1 ? string.Empty : "s")} in it {(jsonLines.Length == 1 ? "is" : "are")} not read ({Path.GetFileName(jsonLines[0])}{(jsonLines.Length > 1 ? ", ..." : string.Empty)}): scan each as the input");
        }

        Array.Sort(files, StringComparer.Ordinal);
        foreach (string file in files)
        {
            byte[] bytes;
            try
            {
                // A link is measured by the file it leads to: a link to a 74 MB text passed the limit as its own few
                // bytes, and one to /dev/zero was read until memory ran out (a user's trial).
                var info = new FileInfo(file);
                long length = (info.LinkTarget is null ? info : info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? info).Length;
                if (length > MaxLineBytes)
                {
                    Skip(set, InputProblem.TooLong, TooLarge(file));
                    continue;
                }

                if (length == 0)
                {
                    // Not read: an empty file has no text, and a pipe or device (which report no length) would block the scan.
                    Skip(set, InputProblem.EmptyText, file + ": empty text (an empty file, or a pipe or device, which a folder scan does not read)");
                    continue;
                }

                // Read at most the limit, whatever the length said (a file that grew since, a special file).
                byte[]? read;
                // Not OpenFile: a file that cannot be opened is one bad file of the folder (caught below), not the end of the run.
                using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan))
                {
                    read = await ReadAtMostAsync(stream, MaxLineBytes, cancellationToken).ConfigureAwait(false);
                }

                if (read is null)
                {
                    Skip(set, InputProblem.TooLong, TooLarge(file));
                    continue;
                }

                bytes = read;
            }
            catch (UnauthorizedAccessException)
            {
                Unreadable(set, $"{file}: permission denied");
                continue;
            }
            catch (FileNotFoundException) when (new FileInfo(file).LinkTarget is not null)
            {
                console.Warning($"{file}: a symbolic link to a missing file; skipped");
                continue;
            }
            catch (IOException e)
            {
                Unreadable(set, $"{file}: {CliException.Reason(e, Path.GetFullPath(file))}");
                continue;
            }

            set.Bytes += bytes.Length;
            string? problem = TextDecoding.Decode(bytes, encoding, out string text, out string? fellBack);
            if (fellBack is not null)
            {
                WarnFallback(console, file, fellBack);
            }

            if (problem is not null)
            {
                Skip(set, TextDecoding.IsBinary(bytes) ? InputProblem.Binary : InputProblem.InvalidUtf8, file + ":" + problem);
                continue;
            }

            if (string.IsNullOrWhiteSpace(text))
            {
                Skip(set, InputProblem.EmptyText, file + ": empty text");
                continue;
            }

            set.Add(new Article(Path.GetFileNameWithoutExtension(file), text), file);
        }
    }

    /// <summary>The message for a file of a folder over the limit.</summary>
    private string TooLarge(string file) => FormattableString.Invariant($"{file}: the file is larger than {MaxLineBytes:N0} bytes (the limit)");

    /// <summary>The rest of <paramref name="stream"/>, or null when it holds more than <paramref name="limit"/> bytes (the rest is not read).</summary>
    private static async Task<byte[]?> ReadAtMostAsync(Stream stream, long limit, CancellationToken cancellationToken)
    {
        using var copy = new MemoryStream();
        byte[] buffer = new byte[81_920];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (copy.Length + read > limit)
            {
                return null;
            }

            copy.Write(buffer, 0, read);
        }

        return copy.ToArray();
    }

    /// <summary>
    /// What a JSON Lines file's first line, which is no article, says of the file when it is of another format: a JSON
    /// array, pretty-printed JSON, a binary file, a single text file, or CSV (named .csv, or a first line that reads as
    /// a CSV header: <see cref="LooksLikeCsvHeader"/>); null when it looks like a bad line of JSON Lines.
    /// For a line too long (<see cref="InputProblem.TooLong"/>), <paramref name="line"/> is only its start
    /// (<see cref="Utf8LineReader.LongLineStart"/>), and only a JSON array is told by it: a file of zeros or a binary
    /// file of no line break is still the line too long it was reported as.
    /// </summary>
    internal static string? FormatHint(ReadOnlySpan<byte> line, string name, InputProblem problem)
    {
        bool start = problem == InputProblem.TooLong;
        if (!start && problem is not (InputProblem.MalformedJson or InputProblem.InvalidUtf8 or InputProblem.NotAnObject))
        {
            return null;
        }

        int nul = line.IndexOf((byte)0);
        if (!start && line.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B]))
        {
            // A gzip file's magic bytes: say what to do (a client's trial read only "a binary file").
            return "a gzip-compressed file, not JSON Lines: decompress it first (gunzip -c FILE | dedup scan -)";
        }

        if (!start && nul >= 0)
        {
            return FormattableString.Invariant($"a NUL byte at column {nul + 1}: a binary file, not JSON Lines");
        }

        // (A byte-order mark is gone: the line reader drops one at the start of any line.)
        ReadOnlySpan<byte> t = line.Trim(" \t\r"u8);

        // The command that writes the file as JSON Lines, to a new file beside it (never over it).
        string extension = Path.GetExtension(name);
        // Standard input, or a pipe named by the shell (/dev/fd/63 from <(...)): no file to name in the command.
        bool stdin = name == "<stdin>" || name.StartsWith("/dev/", StringComparison.Ordinal) || name.StartsWith("/proc/", StringComparison.Ordinal);
        string output = ShellWord(Path.ChangeExtension(name, extension.Equals(".jsonl", StringComparison.OrdinalIgnoreCase) ? ".lines.jsonl" : ".jsonl"));
        string files = stdin ? string.Empty : $" {ShellWord(name)} > {output}";
        if (t.StartsWith("["u8))
        {
            return $"the {(stdin ? "input" : "file")} begins with '[': a JSON array, not JSON Lines; dedup reads one JSON object per line (jq -c '.[]'{files} writes them so)";
        }

        if (start)
        {
            return null;
        }

        if (t.StartsWith("{"u8) && t[^1] is (byte)'{' or (byte)'[')
        {
            return $"the object goes on over the next lines: pretty-printed JSON, not JSON Lines; dedup reads one JSON object per line (jq -c .{files} writes them so)";
        }

        if (problem != InputProblem.NotAnObject && (extension.Equals(".txt", StringComparison.OrdinalIgnoreCase) || extension.Equals(".text", StringComparison.OrdinalIgnoreCase) || extension.Equals(".md", StringComparison.OrdinalIgnoreCase)))
        {
            return "a text file, not JSON Lines: dedup reads a .jsonl file (one JSON object per line) or a folder of .txt files, one article each; "
                + "'dedup compare A B' compares two texts";
        }

        bool csvName = extension.Equals(".csv", StringComparison.OrdinalIgnoreCase);
        if (problem == InputProblem.MalformedJson && (csvName || LooksLikeCsvHeader(t)))
        {
            // A spreadsheet's export: "malformed JSON at column 1" said nothing of it, and --skip-bad skipped every row.
            // The Python reads the file whole as CSV (a text may hold commas and line breaks), a byte-order mark and all.
            string python = "python3 -c 'import csv, json; [print(json.dumps(r)) for r in csv.DictReader(open(0, encoding=\"utf-8-sig\", newline=\"\"))]'";
            string redirect = stdin ? string.Empty : $" < {ShellWord(name)} > {output}";
            return $"{(csvName ? "a CSV file" : "the first line looks like a CSV header: a CSV file")}, not JSON Lines; dedup reads one JSON object per line, "
                + $"a row's columns as its keys (mlr --icsv --ojsonl cat{files} writes them so, as does {python}{redirect})";
        }

        return null;
    }

    /// <summary>The longest column name <see cref="LooksLikeCsvHeader"/> takes for one.</summary>
    private const int MaxCsvColumnName = 64;

    /// <summary>
    /// Whether a line reads as the header of a CSV file: two or more names between commas, each perhaps in double
    /// quotes, of letters, digits, '_', '-', '.' and spaces, starting with a letter or '_' and not ending in a full
    /// stop, at least half of them one word. No line of JSON is one (it would hold a brace, a bracket or a colon), and
    /// few lines of prose are (their clauses have spaces, and the last ends in a full stop).
    /// </summary>
    internal static bool LooksLikeCsvHeader(ReadOnlySpan<byte> line)
    {
        if (line.IndexOfAny("{}[]:"u8) >= 0 || !line.Contains((byte)',') || line.Length > 64 * MaxCsvColumnName)
        {
            return false;
        }

        string[] names = System.Text.Encoding.UTF8.GetString(line).Split(',');
        int oneWord = 0;
        foreach (string column in names)
        {
            string name = column.Trim(' ', '\t');
            if (name.Length >= 2 && name[0] == '"' && name[^1] == '"')
            {
                name = name[1..^1];
            }

            if (name.Length is 0 or > MaxCsvColumnName || !(char.IsLetter(name[0]) || name[0] == '_') || name[^1] is '.' or ' '
                || name.Any(c => !(char.IsLetterOrDigit(c) || c is '_' or '-' or '.' or ' ')))
            {
                return false;
            }

            oneWord += name.Contains(' ', StringComparison.Ordinal) ? 0 : 1;
        }

        return oneWord * 2 >= names.Length;
    }

    /// <summary>A path as one word of a POSIX shell command: as it is when plain, else in single quotes.</summary>
    private static string ShellWord(string path) =>
        path.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '/' or '+' or ',' or ':' or '@')
            ? path
            : "'" + path.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private void Bad(ArticleSet set, int line, InputProblem problem, string message)
    {
        if (problem == InputProblem.InvalidUtf8 && encoding == InputEncoding.Auto)
        {
            // JSON is UTF-8, so a stray byte is a bad line; but a whole file in the Western Windows code page is common.
            message += "; if the file is in Windows-1252 (Latin-1), --encoding windows-1252 reads it";
        }

        string full = FormattableString.Invariant($"{set.Name}:{line}: {message}");
        Skip(set, problem, full);
    }

    /// <summary>
    /// A file of an input folder that could not be read: an I/O error (exit code 3), or with skip-bad skipped and
    /// counted like a bad file, so that one odd file does not stop the scan of the others.
    /// </summary>
    private void Unreadable(ArticleSet set, string message)
    {
        if (!skipBad)
        {
            throw CliException.IO(message + " (use --skip-bad to skip the files that cannot be read)");
        }

        Skip(set, InputProblem.Unreadable, message);
    }

    /// <summary>Reports a bad line or file: an error, or with skip-bad a warning and a count in <paramref name="set"/>.</summary>
    public void Skip(ArticleSet set, InputProblem problem, string message)
    {
        if (!skipBad)
        {
            throw CliException.BadInput(message + $" (use --skip-bad to skip bad {set.Unit}s)");
        }

        set.Skipped[problem] = set.Skipped.GetValueOrDefault(problem) + 1;
        if (_warnings < MaxWarnings)
        {
            console.Warning(message + " (skipped)");
        }
        else if (_warnings == MaxWarnings)
        {
            console.Warning("more bad input skipped; counting only");
        }

        _warnings++;
    }

    /// <summary>The problem of a string that escapes a lone surrogate.</summary>
    private const string LoneSurrogate = "escapes a lone UTF-16 surrogate (\\uD800-\\uDFFF without its pair); not valid Unicode";

    private static string Quote(string value) => Printable.Quote(value);

    private static string Kind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using Dedup.Cli.Input;
using Dedup.Cli.Output;
using Dedup.Cli.Stores;
using Dedup.Detection;
using Spectre.Console;

namespace Dedup.Cli.Commands;

/// <summary><c>dedup index add|query|remove|stats --store PATH</c>: a persistent index of articles.</summary>
internal static class IndexCommand
{
    /// <summary>For tests: called as each input article whose id is indexed is checked against the index (e.g. to cancel the run there).</summary>
    internal static readonly AsyncLocal<Action?> CheckingIndexedArticleForTests = new();

    /// <summary>Adds the input's articles to the store, creating it if missing.</summary>
    public static async Task<int> AddAsync(CliConsole console, string storeLocation, string input, double? threshold, bool skipBad, bool json, InputEncoding encoding, CancellationToken cancellationToken)
    {
        if (RedisIndex.IsRedis(storeLocation))
        {
            return await AddToRedisAsync(console, storeLocation, input, threshold, skipBad, json, encoding, cancellationToken);
        }

        IIndexStore store = IndexStores.Open(storeLocation, console.Warning);
        bool created = !store.Exists;
        using CopyDetector? existing = created ? null : store.Load(cancellationToken);
        if (existing is not null && threshold is { } t && t != existing.Options.Threshold)
        {
            console.Warning(FormattableString.Invariant($"--threshold {t} ignored: {store.Location} keeps the threshold it was created with ({existing.Options.Threshold})"));
        }

        var reader = new ArticleReader(console, skipBad, encoding);
        ArticleSet set = await reader.ReadAsync(input, cancellationToken);

        // A new index's files are made only once the input has been read. If its first add fails and the index holds
        // nothing on disk (a full disk: the journal's buffered records were never written; Ctrl+C before the batch), its
        // files are removed again: a user's trial found an empty index left behind, which stats then reported as one. An
        // index whose records reached the disk is kept, as any index's journal is.
        using CopyDetector? made = created ? store.Create(new DetectorOptions { Threshold = threshold ?? DetectorOptions.Default.Threshold }) : null;
        try
        {
            return AddTo(console, store, existing ?? made!, created, reader, set, json, cancellationToken);
        }
        catch (Exception e) when (made is not null)
        {
            try
            {
                made.Dispose();
            }
            catch (IOException)
            {
                // Its journal's buffered records could not be written either: they are not on disk, which is checked next.
            }

            // Bad input (too many articles for one add) is said as it is, the files removed all the same.
            if (!store.RemoveCreatedIfEmpty() || e is OperationCanceledException or CliException { ExitCode: ExitCodes.BadInput })
            {
                throw;
            }

            Exception cause = e is CliException { InnerException: { } inner } ? inner : e;
            throw CliException.IO($"{store.Location}: the new index could not be written ({CliException.Reason(cause)}); nothing was added, and no index is left");
        }
    }

    /// <summary>The part of <see cref="AddAsync"/> after the index is open (or made) and the input read.</summary>
    private static int AddTo(CliConsole console, IIndexStore store, CopyDetector detector, bool created, ArticleReader reader, ArticleSet set, bool json, CancellationToken cancellationToken)
    {
        // Check every id against the index before changing anything, so a failed add leaves the store as it was. An
        // indexed id is told apart by its content hash (ContainsSame: a tokenization), on all cores, and Ctrl+C stops it:
        // a FindCopies of each, one at a time, made a re-add of 40,000 articles take 2.8 times as long as building the
        // index (every near-copy of each verified, then dropped), and a Ctrl+C waited for its end (39 s at 200,000).
        var known = new List<int>();
        bool[] indexed = new bool[set.Articles.Count];
        for (int i = 0; i < set.Articles.Count; i++)
        {
            if (detector.Contains(set.Articles[i].Id))
            {
                indexed[i] = true;
                known.Add(i);
            }
        }

        bool[] same = new bool[set.Articles.Count];
        Action? checking = CheckingIndexedArticleForTests.Value;
        // One thread a core, and the token checked before each article: an iteration begun is finished, so at most a
        // core's worth run after a Ctrl+C (with the default options, and the pool adding threads under load, 56 of 200
        // were checked after the first had cancelled in a CI run).
        Parallel.ForEach(known, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            checking?.Invoke();
            same[i] = detector.ContainsSame(set.Articles[i]);
        });
        var accepted = new List<Article>(set.Articles.Count);
        int before = set.SkippedCount;
        int again = 0;
        for (int i = 0; i < set.Articles.Count; i++)
        {
            Article article = set.Articles[i];
            if (indexed[i])
            {
                // Delivered again with the same text and title: skipped, as the library's Add and a Redis store skip it
                // (a file store refused the whole input, so a cron job re-feeding overlapping files needed --skip-bad,
                // which hid bad lines too). Another text under the id is still a bad line.
                if (same[i])
                {
                    again++;
                    continue;
                }

                reader.Skip(set, InputProblem.DuplicateId, $"{set.LocationOf(i)}: id {Printable.Quote(article.Id)} is already in the index {store.Location} with another text or title (remove it first to replace it)");
                continue;
            }

            accepted.Add(article);
        }

        if (set.SkippedCount > before)
        {
            console.Message(ArticleReader.DescribeSkipped(set));
        }

        // One batch: journaled with one write, and on all cores. Ctrl+C while the signatures are computed adds nothing;
        // once the batch is journaled it stands, and the checkpoint after it is only compaction. An add of nothing to
        // an index that exists changes no file.
        try
        {
            detector.AddRange(accepted, cancellationToken);
        }
        catch (IOException e)
        {
            // The batch is one journal write, cut back when it fails: nothing of it was added (the raw message named the
            // journal's path, a file the user never named, and said nothing of the index's state).
            throw new CliException(ExitCodes.IOError, $"{store.Location}: the articles could not be journaled ({CliException.Reason(e)}); nothing was added, and the index is as it was", e);
        }
        catch (ArgumentException e) when (e.ParamName == "articles" && e.Message.Contains("smaller batches", StringComparison.Ordinal))
        {
            // More than one journal write holds (about 900,000 articles of news): said as the input's size, not as a bug.
            throw new CliException(ExitCodes.BadInput, $"{set.Name}: too many articles for one add ({accepted.Count:N0}, over 2 GiB in the journal); split the input and add it in parts. Nothing was added, and the index is as it was", e);
        }

        if (created || accepted.Count > 0)
        {
            store.Save(detector);
        }
        // "skipped" counts bad lines, as scan's does; the articles already indexed with the same text are counted apart,
        // and an add that added nothing says "unchanged" (both were "skipped", and the state "updated", in a user's trial).
        Report(console, json, created ? "created" : accepted.Count > 0 ? "updated" : "unchanged", store, detector.Count,
            [("added", accepted.Count), ("skipped", set.SkippedCount), ("already_indexed", again)],
            $"added {accepted.Count} article{Plural(accepted.Count)} to {store.Location}{(created ? " (new index)" : string.Empty)}{(again > 0 ? $", {again} already in it with the same text" : string.Empty)}; it holds {detector.Count}");
        return ExitCodes.Ok;
    }

    /// <summary>Prints, as JSON lines, the indexed copies of each article of the input.</summary>
    public static async Task<int> QueryAsync(CliConsole console, string storeLocation, string input, double? threshold, bool skipBad, InputEncoding encoding, CancellationToken cancellationToken)
    {
        if (RedisIndex.IsRedis(storeLocation))
        {
            await using RedisIndex index = await RedisIndex.OpenAsync(storeLocation, threshold);
            await index.EnsureExistsAsync(cancellationToken);
            ArticleSet articles = await new ArticleReader(console, skipBad, encoding).ReadAsync(input, cancellationToken);
            return await WriteMatchesAsync(console, articles, (a, ct) => index.RunAsync(async () => await index.Detector.FindCopiesAsync(a, ct)), index.Location, cancellationToken);
        }

        IIndexStore store = IndexStores.Open(storeLocation, console.Warning);
        using CopyDetector detector = store.LoadForReading(threshold, cancellationToken);
        ArticleSet set = await new ArticleReader(console, skipBad, encoding).ReadAsync(input, cancellationToken);
        return await WriteMatchesAsync(console, set, (a, _) => Task.FromResult(detector.FindCopies(a)), $"{detector.Count} indexed", cancellationToken);
    }

    private static async Task<int> WriteMatchesAsync(
        CliConsole console, ArticleSet set, Func<Article, CancellationToken, Task<IReadOnlyList<CopyMatch>>> find, string against, CancellationToken cancellationToken)
    {
        int matches = 0;
        using (Stream stdout = new TextWriterStream(console.Out))
        using (var lines = new JsonLinesWriter(stdout, eachLine: true))
        {
            Utf8JsonWriter writer = lines.Json;
            foreach (Article article in set.Articles)
            {
                cancellationToken.ThrowIfCancellationRequested();
                // Searched without its id, which the library leaves out of the candidates: an indexed article of the
                // same id is then found too, and reported when its text differs (an earlier version).
                foreach (CopyMatch match in await find(article with { Id = string.Empty }, cancellationToken))
                {
                    if (string.Equals(match.Id, article.Id, StringComparison.Ordinal) && match.Kind == CopyKind.Duplicate)
                    {
                        continue; // the article itself, when it is indexed (with another text, it is its earlier version: reported)
                    }

                    writer.WriteStartObject();
                    JsonLines.WriteId(writer, "a", article.Id, set.NumericIds);
                    writer.WriteString("b", match.Id);
                    JsonLines.WriteScores(writer, match.Kind, match.Score, match.Scores);
                    writer.WriteEndObject();
                    lines.EndLine();
                    matches++;
                }
            }
        }

        if (console.ErrorIsTerminal)
        {
            console.Message($"queried {set.Articles.Count} article{Plural(set.Articles.Count)} against {against}: {matches} match{(matches == 1 ? string.Empty : "es")}");
        }

        return matches > 0 ? ExitCodes.CopiesFound : ExitCodes.Ok;
    }

    /// <summary>
    /// Removes articles by id; when any id is not indexed, nothing is removed. Ctrl+C while the index loads (seconds for
    /// a large one) stops the run with nothing removed: the load stops at once, and the token is checked again right
    /// before the removals are journaled (the removal went ahead, and the run said "removed", ~9 s after a Ctrl+C in
    /// a user's trial). The removals are journaled with one write: all stand, and the run ends as it would have, or
    /// (a full disk) none does.
    /// </summary>
    public static async Task<int> RemoveAsync(CliConsole console, string storeLocation, IReadOnlyList<string> ids, bool json, CancellationToken cancellationToken)
    {
        if (RedisIndex.IsRedis(storeLocation))
        {
            return await RemoveFromRedisAsync(console, storeLocation, ids, json, cancellationToken);
        }

        IIndexStore store = IndexStores.Open(storeLocation, console.Warning);
        using CopyDetector detector = store.Load(cancellationToken);
        string[] missing = ids.Where(id => !detector.Contains(id)).Distinct(StringComparer.Ordinal).ToArray();
        if (missing.Length > 0)
        {
            throw CliException.BadInput($"{store.Location}: not in the index: {string.Join(", ", missing.Select(Printable.Quote))} (nothing removed)");
        }

        int removed;
        try
        {
            removed = detector.RemoveRange(ids, cancellationToken);
        }
        catch (IOException e)
        {
            // The removals are one journal write, cut back when it fails: none was made (one write an id left the first
            // ones removed on a full disk, and the raw message named the journal, a file the user never named).
            throw new CliException(ExitCodes.IOError, $"{store.Location}: the removal could not be journaled ({CliException.Reason(e)}); nothing was removed, and the index is as it was", e);
        }

        store.Save(detector);
        Report(console, json, "updated", store, detector.Count, [("removed", removed)],
            $"removed {removed} article{Plural(removed)} from {store.Location}; it holds {detector.Count}");
        return ExitCodes.Ok;
    }

    /// <summary>Prints the number of indexed articles and the store's size; Ctrl+C stops the load of a large index.</summary>
    public static async Task<int> StatsAsync(CliConsole console, string storeLocation, bool json, CancellationToken cancellationToken)
    {
        List<(string Key, object Value)> facts;
        string location = RedisIndex.Redact(storeLocation);
        if (RedisIndex.IsRedis(storeLocation))
        {
            facts = await DescribeRedisAsync(storeLocation, cancellationToken);
        }
        else
        {
            IIndexStore store = IndexStores.Open(storeLocation, console.Warning);
            using CopyDetector detector = store.LoadForReading(null, cancellationToken);
            facts = [("articles", detector.Count)];
            facts.AddRange(store.Describe());
            facts.Add(("threshold", detector.Options.Threshold));
            location = store.Location;
        }

        if (json)
        {
            WriteJson(console.Out, facts);
        }
        else if (console.OutIsTerminal)
        {
            var table = new Table().Border(TableBorder.Rounded).Title($"dedup index [bold]{Markup.Escape(location)}[/]").HideHeaders();
            table.AddColumn("");
            table.AddColumn("");
            foreach ((string key, object value) in facts)
            {
                table.AddRow(Markup.Escape(key), Markup.Escape(Format(value)));
            }

            console.CreateOutConsole().Write(table);
        }
        else
        {
            foreach ((string key, object value) in facts)
            {
                console.Out.WriteLine($"{key}: {Format(value)}");
            }
        }

        return ExitCodes.Ok;
    }

    /// <summary>
    /// <c>index add</c> on a shared Redis index: each article is added atomically (up to 16 at once); one already indexed
    /// with the same text is skipped; one whose id is indexed with another text is an error (the others stay added).
    /// </summary>
    private static async Task<int> AddToRedisAsync(CliConsole console, string location, string input, double? threshold, bool skipBad, bool json, InputEncoding encoding, CancellationToken cancellationToken)
    {
        await using RedisIndex index = await RedisIndex.OpenAsync(location, threshold);
        var reader = new ArticleReader(console, skipBad, encoding);
        ArticleSet set = await reader.ReadAsync(input, cancellationToken);
        int added = 0, started = 0, notAdded = 0;
        var conflicts = new System.Collections.Concurrent.ConcurrentBag<string>();
        try
        {
            await Parallel.ForEachAsync(set.Articles, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (article, ct) =>
            {
                Interlocked.Increment(ref started);
                try
                {
                    bool fresh = await index.RunAsync(async () => await index.Detector.AddAsync(article, ct));
                    Interlocked.Increment(ref fresh ? ref added : ref notAdded);
                }
                catch (ArgumentException)
                {
                    Interlocked.Increment(ref notAdded);
                    conflicts.Add(article.Id);
                }
            });
        }
        catch (Exception e) when (e is OperationCanceledException or CliException)
        {
            // Each article is added on its own, so those added before a Ctrl+C or a lost server stay indexed: say how
            // many (the run said only "cancelled" while 1,334 of a batch stayed, in a client's trial). The adds under
            // way when the run stopped may have reached the server without their answer: a range then.
            int low = Volatile.Read(ref added);
            int high = Math.Max(low, Volatile.Read(ref started) - Volatile.Read(ref notAdded));
            string kept = $"{(low == high ? $"{low}" : $"{low} to {high}")} of the {set.Articles.Count} articles were added to {index.Location} and stay indexed (adding the input again skips them)";
            throw e is CliException failed
                ? new CliException(failed.ExitCode, $"{failed.Message}; {kept}")
                : new PartlyWrittenException($"cancelled; {kept}");
        }

        if (!conflicts.IsEmpty)
        {
            throw CliException.BadInput($"{index.Location}: already indexed with another text: {string.Join(", ", conflicts.Order(StringComparer.Ordinal).Select(Printable.Quote))} (remove them first; the other articles were added)");
        }

        // Every article not added was indexed already with the same text (another text is a conflict, thrown above).
        long count = await index.RunAsync(async () => await index.Store.CountAsync(cancellationToken));
        int again = set.Articles.Count - added;
        Report(console, json, added > 0 ? "updated" : "unchanged", index.Location, count, [("added", added), ("skipped", set.SkippedCount), ("already_indexed", again)],
            $"added {added} article{Plural(added)} to {index.Location}{(again > 0 ? $", {again} already in it with the same text" : string.Empty)}; it holds {count}");
        return ExitCodes.Ok;
    }

    /// <summary><c>index remove</c> on a shared Redis index: removes the indexed ids; names the others as an error.</summary>
    private static async Task<int> RemoveFromRedisAsync(CliConsole console, string location, IReadOnlyList<string> ids, bool json, CancellationToken cancellationToken)
    {
        await using RedisIndex index = await RedisIndex.OpenAsync(location, null);
        await index.EnsureExistsAsync(cancellationToken);
        string[] distinct = [.. ids.Distinct(StringComparer.Ordinal)];

        // The removal itself is one call, not cut short: a Ctrl+C before it removes nothing.
        cancellationToken.ThrowIfCancellationRequested();
        bool[] removed = await index.RunAsync(async () => await index.Store.RemoveAsync(distinct));
        string[] missing = [.. distinct.Where((_, i) => !removed[i])];
        if (missing.Length > 0)
        {
            throw CliException.BadInput($"{index.Location}: not in the index: {string.Join(", ", missing.Select(Printable.Quote))} (the others were removed)");
        }

        long count = await index.RunAsync(async () => await index.Store.CountAsync());
        Report(console, json, "updated", index.Location, count, [("removed", distinct.Length)],
            $"removed {distinct.Length} article{Plural(distinct.Length)} from {index.Location}; it holds {count}");
        return ExitCodes.Ok;
    }

    private static async Task<List<(string Key, object Value)>> DescribeRedisAsync(string location, CancellationToken cancellationToken)
    {
        await using RedisIndex index = await RedisIndex.OpenAsync(location, null);
        await index.EnsureExistsAsync(cancellationToken);
        return await index.DescribeAsync(cancellationToken);
    }

    private static void Report(CliConsole console, bool json, string state, IIndexStore store, int count, IEnumerable<(string Key, object Value)> counts, string sentence) =>
        Report(console, json, state, store.Location, count, counts, sentence);

    private static void Report(CliConsole console, bool json, string state, string location, long count, IEnumerable<(string Key, object Value)> counts, string sentence)
    {
        if (json)
        {
            var facts = new List<(string Key, object Value)> { ("store", location), ("state", state) };
            facts.AddRange(counts);
            facts.Add(("articles", count));
            WriteJson(console.Out, facts);
        }
        else
        {
            console.Out.WriteLine(sentence);
        }
    }

    private static void WriteJson(TextWriter writer, IEnumerable<(string Key, object Value)> facts)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, JsonLines.Options))
        {
            json.WriteStartObject();
            foreach ((string fact, object value) in facts)
            {
                // JSON keys are snake_case like the rest of the tool's JSON ("journal bytes" printed, "journal_bytes" here).
                string key = fact.Replace(' ', '_');
                switch (value)
                {
                    case int i:
                        json.WriteNumber(key, i);
                        break;
                    case long l:
                        json.WriteNumber(key, l);
                        break;
                    case double d:
                        json.WriteNumber(key, d);
                        break;
                    default:
                        json.WriteString(key, Format(value));
                        break;
                }
            }

            json.WriteEndObject();
        }

        writer.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static string Format(object value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;

    private static string Plural(int count) => count == 1 ? string.Empty : "s";
}

/// <summary>A write-only stream that decodes UTF-8 into a <see cref="TextWriter"/>, so JSON can be streamed to standard output.</summary>
internal sealed class TextWriterStream(TextWriter writer) : Stream
{
    private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush() => writer.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        char[] chars = new char[_decoder.GetCharCount(buffer, flush: false)];
        int written = _decoder.GetChars(buffer, chars, flush: false);
        writer.Write(chars, 0, written);
    }

    public override void WriteByte(byte value) => Write([value]);
}

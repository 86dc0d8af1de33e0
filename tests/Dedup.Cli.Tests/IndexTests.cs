using System.Text.Json;

namespace Dedup.Cli.Tests;

/// <summary><c>dedup index</c> end to end (needs the real detector and its snapshots).</summary>
public sealed class IndexTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Originals() => _temp.Write("originals.jsonl", string.Concat(
        new[] { Samples.Diplomacy, Samples.Storm, Samples.Rail, Samples.Chips, Samples.Heatwave }.Select(id => ScanTests.JsonSerializerLine(id, Samples.Text(id)))));

    private string Copies() => _temp.Write("copies.jsonl", string.Concat(
        new[] { Samples.Spun, Samples.Syndicated, Samples.Excerpt, Samples.Duplicate }.Select(id => ScanTests.JsonSerializerLine(id, Samples.Text(id)))));

    /// <summary>
    /// An add to an index an older tool wrote (snapshot format 8) says it rewrote the index in the current format, which
    /// that tool cannot read; it did so without a word, and the older tool then refused the index (a user's trial).
    /// Reading it (stats, query) changes nothing and says nothing.
    /// </summary>
    [Fact]
    public async Task An_add_to_an_index_of_an_older_format_says_it_rewrote_it()
    {
        string store = _temp.File("old.idx");
        Assert.Equal(ExitCodes.Ok, (await Cli.RunAsync("index", "add", "--store", store, Originals())).ExitCode);
        File.WriteAllBytes(store, Dedup.Tests.SnapshotBytes.AsVersion8(File.ReadAllBytes(store)));

        CliRun stats = await Cli.RunAsync("index", "stats", "--store", store);
        Assert.Equal(ExitCodes.Ok, stats.ExitCode);
        Assert.Empty(stats.Error);
        CliRun add = await Cli.RunAsync("index", "add", "--store", store, Copies());

        Assert.True(add.ExitCode is ExitCodes.Ok or ExitCodes.CopiesFound, add.ToString());
        Assert.Contains($"dedup: warning: {store}: the index is now in snapshot format {Dedup.Detection.CopyDetector.SnapshotFormatVersion} (it was 8); a dedup tool or library older than this one cannot read it", add.Error, StringComparison.Ordinal);
        Assert.Equal((uint)Dedup.Detection.CopyDetector.SnapshotFormatVersion, Stores.FileIndexStore.SnapshotFormat(store));
        Assert.DoesNotContain("snapshot format", (await Cli.RunAsync("index", "add", "--store", store, Copies())).Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// A command that opens an index whose journal ends in a torn or damaged record says it cut it off and where its
    /// bytes are kept (`index stats` did it silently; it now reads the index read-only and cuts nothing); `stats` and
    /// `query` say they skipped it and left the journal as it is (they skipped it without a word: a user's trial).
    /// </summary>
    [Fact]
    public async Task Opening_an_index_whose_journal_tail_is_cut_off_says_so()
    {
        string store = _temp.File("s.idx");
        Assert.Equal(ExitCodes.Ok, (await Cli.RunAsync("index", "add", "--store", store, Originals())).ExitCode);
        byte[] garbage = new byte[300];
        new Random(7).NextBytes(garbage);
        File.WriteAllBytes(store + ".journal", [.. "DEDUPJNL"u8, 1, 0, 0, 0, .. garbage]);

        byte[] journal = File.ReadAllBytes(store + ".journal");
        string skipped = $"dedup: warning: {store}: the journal {store}.journal ends in a torn or damaged record (a write cut short by a crash, or damage), skipped; the file is left as it is (this command changes nothing; the next add or remove cuts the record off and keeps its bytes aside)";
        CliRun reading = await Cli.RunAsync("index", "stats", "--store", store);
        Assert.True(reading.ExitCode == ExitCodes.Ok, reading.ToString());
        Assert.Equal(skipped, reading.Error.Trim());
        CliRun query = await Cli.RunAsync("index", "query", "--store", store, Originals());
        Assert.True(query.ExitCode == ExitCodes.Ok, query.ToString());
        Assert.Equal(skipped, query.Error.Trim());
        Assert.Empty(Directory.GetFiles(_temp.Path, "s.idx.journal.cut-*"));
        Assert.Equal(journal, File.ReadAllBytes(store + ".journal"));

        CliRun stats = await Cli.RunAsync("index", "add", "--store", store, "--skip-bad", Originals());

        Assert.True(stats.ExitCode == ExitCodes.Ok, stats.ToString());
        string kept = Assert.Single(Directory.GetFiles(_temp.Path, "s.idx.journal.cut-*"));
        Assert.Contains($"dedup: warning: {store}: the journal ended in a torn or damaged record", stats.Error, StringComparison.Ordinal);
        Assert.Contains(kept, stats.Error, StringComparison.Ordinal);
        Assert.Equal(garbage, File.ReadAllBytes(kept));

        // The JSON keys are snake_case like the rest of the tool's JSON (it had "journal bytes"); the journal is whole now.
        CliRun json = await Cli.RunAsync("index", "stats", "--store", store, "--json");
        Assert.Empty(json.Error);
        Assert.Contains("\"journal_bytes\":", json.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("journal bytes", json.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Add_creates_the_store_then_stats_query_and_remove_use_it()
    {
        string store = _temp.File("news.idx");
        CliRun add = await Cli.RunAsync("index", "add", "--store", store, Originals());
        Assert.True(add.ExitCode == ExitCodes.Ok, add.ToString());
        Assert.Equal($"added 5 articles to {store} (new index); it holds 5", add.Out.Trim());
        Assert.True(File.Exists(store));

        CliRun stats = await Cli.RunAsync("index", "stats", "--store", store, "--json");
        Assert.True(stats.ExitCode == ExitCodes.Ok, stats.ToString());
        using (JsonDocument json = JsonDocument.Parse(stats.Out))
        {
            Assert.Equal(5, json.RootElement.GetProperty("articles").GetInt32());
            Assert.Equal(new FileInfo(store).Length, json.RootElement.GetProperty("bytes").GetInt64());
        }

        CliRun query = await Cli.RunAsync("index", "query", "--store", store, Copies());
        Assert.True(query.ExitCode == ExitCodes.CopiesFound, query.ToString());
        var matches = query.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        Assert.Contains(matches, m => m.GetProperty("a").GetString() == Samples.Syndicated && m.GetProperty("b").GetString() == Samples.Storm && m.GetProperty("kind").GetString() == "syndicated");
        Assert.Contains(matches, m => m.GetProperty("a").GetString() == Samples.Duplicate && m.GetProperty("b").GetString() == Samples.Chips && m.GetProperty("kind").GetString() == "duplicate");
        Assert.Contains(matches, m => m.GetProperty("a").GetString() == Samples.Spun && m.GetProperty("b").GetString() == Samples.Diplomacy);
        Assert.DoesNotContain(matches, m => m.GetProperty("b").GetString() == Samples.Heatwave);

        CliRun remove = await Cli.RunAsync("index", "remove", "--store", store, Samples.Storm, Samples.Heatwave);
        Assert.True(remove.ExitCode == ExitCodes.Ok, remove.ToString());
        Assert.Equal($"removed 2 articles from {store}; it holds 3", remove.Out.Trim());

        CliRun after = await Cli.RunAsync("index", "stats", "--store", store);
        Assert.StartsWith("articles: 3\n", after.Out, StringComparison.Ordinal);
    }

    /// <summary>
    /// <c>index query -t</c> sets the threshold of this query alone (the index keeps its own), and an article whose id is
    /// indexed with another text (its update) is reported against that earlier version; the same article itself is not.
    /// </summary>
    [Fact]
    public async Task Query_takes_a_threshold_of_its_own_and_reports_an_earlier_version_of_the_same_id()
    {
        string store = _temp.File("news.idx");
        Assert.Equal(ExitCodes.Ok, (await Cli.RunAsync("index", "add", "--store", store, Originals())).ExitCode);
        string copies = Copies();

        static List<JsonElement> Matches(CliRun run) => [.. run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
        List<JsonElement> all = Matches(await Cli.RunAsync("index", "query", "--store", store, copies));
        List<JsonElement> strict = Matches(await Cli.RunAsync("index", "query", "--store", store, copies, "-t", "0.99"));
        Assert.Contains(all, m => m.GetProperty("kind").GetString() != "duplicate");
        Assert.NotEmpty(strict);
        Assert.All(strict, m => Assert.True(m.GetProperty("score").GetDouble() >= 0.99, m.ToString()));
        Assert.True(strict.Count < all.Count);
        Assert.Contains("--threshold must lie between 0 and 1", (await Cli.RunAsync("index", "query", "--store", store, copies, "-t", "2")).Error, StringComparison.Ordinal);
        Assert.StartsWith("threshold: 0.4", (await Cli.RunAsync("index", "stats", "--store", store)).Out.Split('\n').Last(l => l.Length > 0), StringComparison.Ordinal);

        string text = Samples.Text(Samples.Storm);
        int stop = text.IndexOf(". ", StringComparison.Ordinal) + 1;
        string updated = text[..stop] + " Updated at noon." + text[stop..];
        string same = _temp.Write("same.jsonl", ScanTests.JsonSerializerLine(Samples.Storm, Samples.Text(Samples.Storm)));
        string update = _temp.Write("update.jsonl", ScanTests.JsonSerializerLine(Samples.Storm, updated));
        Assert.Empty(Matches(await Cli.RunAsync("index", "query", "--store", store, same)));
        JsonElement earlier = Assert.Single(Matches(await Cli.RunAsync("index", "query", "--store", store, update)), m => m.GetProperty("b").GetString() == Samples.Storm);
        Assert.Equal(Samples.Storm, earlier.GetProperty("a").GetString());
        Assert.Equal("syndicated", earlier.GetProperty("kind").GetString());
    }

    /// <summary>
    /// <c>query</c> and <c>stats</c> open the index read-only: they run while another reader holds it (a client's trial:
    /// two of them refused each other with "open in another detector"), write nothing (a torn journal tail is skipped, not
    /// cut off and kept aside), and keep an <c>add</c> out meanwhile. An <c>add</c> of articles already indexed changes no file.
    /// </summary>
    [Fact]
    public async Task Query_and_stats_read_beside_another_reader_and_write_nothing()
    {
        string store = _temp.File("news.idx");
        Assert.Equal(ExitCodes.Ok, (await Cli.RunAsync("index", "add", "--store", store, Originals())).ExitCode);
        File.AppendAllBytes(store + ".journal", [7, 0, 0, 0, 1, 2]);
        string copies = Copies();
        string folder = Path.GetDirectoryName(store)!;
        string[] files = [.. Directory.GetFiles(folder).Order(StringComparer.Ordinal)];
        byte[][] bytes = [.. files.Select(File.ReadAllBytes)];

        using (Dedup.Detection.CopyDetector reader = Dedup.Detection.CopyDetector.OpenReadOnly(store, cancellationToken: TestContext.Current.CancellationToken))
        {
            CliRun stats = await Cli.RunAsync("index", "stats", "--store", store);
            Assert.True(stats.ExitCode == ExitCodes.Ok, stats.ToString());
            Assert.StartsWith("articles: 5\n", stats.Out, StringComparison.Ordinal);
            CliRun query = await Cli.RunAsync("index", "query", "--store", store, copies);
            Assert.True(query.ExitCode == ExitCodes.CopiesFound, query.ToString());

            CliRun add = await Cli.RunAsync("index", "add", "--store", store, copies);
            Assert.Equal(ExitCodes.IOError, add.ExitCode);
            Assert.Equal($"dedup: {store}: in use by another dedup command, or by a service that has the index open (its lock file '{store}.lock' is held); try again when it is done", add.Error.Trim());
        }

        Assert.Equal(files, Directory.GetFiles(folder).Order(StringComparer.Ordinal));
        Assert.Equal(bytes, files.Select(File.ReadAllBytes));

        // Nothing new to add: the snapshot is not written again.
        File.WriteAllBytes(store + ".journal", bytes[Array.IndexOf(files, store + ".journal")][..^6]);
        DateTime written = File.GetLastWriteTimeUtc(store);
        Thread.Sleep(20);
        CliRun again = await Cli.RunAsync("index", "add", "--store", store, "--skip-bad", Originals());
        Assert.True(again.ExitCode == ExitCodes.Ok, again.ToString());
        Assert.Equal(written, File.GetLastWriteTimeUtc(store));
        Assert.Equal(bytes[Array.IndexOf(files, store)], File.ReadAllBytes(store));
    }

    /// <summary>
    /// The commands open a file index as the library's durable detector keeps it: they replay what a service journaled
    /// and has not checkpointed, refuse an index a service holds open, and fold their own changes into the snapshot, so
    /// that neither side's changes are lost or brought back.
    /// </summary>
    [Fact]
    public async Task The_commands_replay_a_services_journal_and_refuse_an_index_it_holds()
    {
        string store = _temp.File("news.idx");
        Assert.Equal(ExitCodes.Ok, (await Cli.RunAsync("index", "add", "--store", store, Originals())).ExitCode);
        using (Dedup.Detection.CopyDetector service = Dedup.Detection.CopyDetector.Open(store, cancellationToken: TestContext.Current.CancellationToken))
        {
            Assert.True(service.Remove(Samples.Storm));
            CliRun held = await Cli.RunAsync("index", "stats", "--store", store);
            Assert.Equal(ExitCodes.IOError, held.ExitCode);
            Assert.Contains("in use by another dedup command, or by a service that has the index open", held.Error, StringComparison.Ordinal);
        }

        // The removal is in the journal only: the commands see it.
        CliRun query = await Cli.RunAsync("index", "query", "--store", store, Copies());
        Assert.DoesNotContain(Samples.Storm, query.Out, StringComparison.Ordinal);
        Assert.StartsWith("articles: 4\n", (await Cli.RunAsync("index", "stats", "--store", store)).Out, StringComparison.Ordinal);

        // Added again by a command: the service's journal does not remove it once more on its next open.
        string storm = _temp.Write("storm.jsonl", ScanTests.JsonSerializerLine(Samples.Storm, Samples.Text(Samples.Storm)));
        CliRun add = await Cli.RunAsync("index", "add", "--store", store, storm);
        Assert.True(add.ExitCode == ExitCodes.Ok, add.ToString());
        using Dedup.Detection.CopyDetector reopened = Dedup.Detection.CopyDetector.Open(store, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(5, reopened.Count);
        Assert.True(reopened.Contains(Samples.Storm));
    }

    /// <summary>
    /// Articles delivered again with the same text are skipped, as the library's Add and a Redis store skip them (a file
    /// store refused the whole input, so a cron job re-feeding overlapping files needed --skip-bad, which hid bad lines
    /// too: a client's trial); an id indexed with another text is bad input unless skipped, and changes nothing. The
    /// JSON counts the two apart (`skipped`: bad lines, as in scan's; `already_indexed`), and an add that added nothing
    /// says "unchanged" (it counted both as skipped and said "updated": a user's trial).
    /// </summary>
    [Fact]
    public async Task An_article_delivered_again_is_skipped_and_an_id_with_another_text_is_bad_input_unless_skipped()
    {
        string store = _temp.File("news.idx");
        string originals = Originals();
        Assert.Equal(ExitCodes.Ok, (await Cli.RunAsync("index", "add", "--store", store, originals)).ExitCode);
        long size = new FileInfo(store).Length;

        CliRun again = await Cli.RunAsync("index", "add", "--store", store, originals, "--json");
        Assert.True(again.ExitCode == ExitCodes.Ok, again.ToString());
        using (JsonDocument json = JsonDocument.Parse(again.Out))
        {
            Assert.Equal("unchanged", json.RootElement.GetProperty("state").GetString());
            Assert.Equal((0, 0, 5, 5), (json.RootElement.GetProperty("added").GetInt32(), json.RootElement.GetProperty("skipped").GetInt32(), json.RootElement.GetProperty("already_indexed").GetInt32(), json.RootElement.GetProperty("articles").GetInt32()));
        }

        Assert.Equal(size, new FileInfo(store).Length);
        Assert.Empty(again.Error);

        string changed = _temp.Write("changed.jsonl", ScanTests.JsonSerializerLine(Samples.Diplomacy, Samples.Text(Samples.Storm)));
        CliRun conflict = await Cli.RunAsync("index", "add", "--store", store, changed);
        Assert.Equal(ExitCodes.BadInput, conflict.ExitCode);
        Assert.StartsWith($"dedup: {changed}:1: id '{Samples.Diplomacy}' is already in the index {store} with another text or title", conflict.Error, StringComparison.Ordinal);
        Assert.Equal(size, new FileInfo(store).Length);

        CliRun skipped = await Cli.RunAsync("index", "add", "--store", store, changed, "--skip-bad", "--json");
        Assert.True(skipped.ExitCode == ExitCodes.Ok, skipped.ToString());
        using (JsonDocument result = JsonDocument.Parse(skipped.Out))
        {
            Assert.Equal("unchanged", result.RootElement.GetProperty("state").GetString());
            Assert.Equal((0, 1, 0, 5), (result.RootElement.GetProperty("added").GetInt32(), result.RootElement.GetProperty("skipped").GetInt32(), result.RootElement.GetProperty("already_indexed").GetInt32(), result.RootElement.GetProperty("articles").GetInt32()));
        }

        Assert.Contains("skipped 1 bad line", skipped.Error, StringComparison.Ordinal);

        // One new article beside a known one and a bad line: "updated", each counted where it belongs.
        string mixed = _temp.Write("mixed.jsonl", ScanTests.JsonSerializerLine(Samples.Diplomacy, Samples.Text(Samples.Diplomacy))
            + ScanTests.JsonSerializerLine(Samples.Roundup, Samples.Text(Samples.Roundup)) + "{not json\n");
        CliRun some = await Cli.RunAsync("index", "add", "--store", store, mixed, "--skip-bad", "--json");
        Assert.True(some.ExitCode == ExitCodes.Ok, some.ToString());
        using JsonDocument updated = JsonDocument.Parse(some.Out);
        Assert.Equal("updated", updated.RootElement.GetProperty("state").GetString());
        Assert.Equal((1, 1, 1, 6), (updated.RootElement.GetProperty("added").GetInt32(), updated.RootElement.GetProperty("skipped").GetInt32(), updated.RootElement.GetProperty("already_indexed").GetInt32(), updated.RootElement.GetProperty("articles").GetInt32()));
    }

    /// <summary>
    /// Ctrl+C while an add checks the input's already-indexed articles against the index stops it there: the check ran
    /// to its end first (a FindCopies of each article, one at a time: 39 s after the signal for 200,000 re-added
    /// articles in a user's trial). It is now a content hash of each, on all cores, that stops at the signal.
    /// </summary>
    [Fact]
    public async Task Ctrl_C_while_an_add_checks_already_indexed_articles_stops_the_check()
    {
        const int Articles = 200;
        string[] stories = [Samples.Diplomacy, Samples.Storm, Samples.Rail, Samples.Chips, Samples.Heatwave];
        string input = _temp.Write("many.jsonl", string.Concat(Enumerable.Range(0, Articles).Select(i =>
            ScanTests.JsonSerializerLine($"a{i}", $"Bulletin {i} of the desk. " + Samples.Text(stories[i % stories.Length])))));
        string store = _temp.File("news.idx");
        Assert.Equal(ExitCodes.Ok, (await Cli.RunAsync("index", "add", "--store", store, input)).ExitCode);

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        int checkedArticles = 0;
        Commands.IndexCommand.CheckingIndexedArticleForTests.Value = () =>
        {
            Interlocked.Increment(ref checkedArticles);
            cancel.Cancel();
        };
        CliRun run;
        try
        {
            run = await Cli.RunCancellableAsync(cancel.Token, "index", "add", "--store", store, input);
        }
        finally
        {
            Commands.IndexCommand.CheckingIndexedArticleForTests.Value = null;
        }

        Assert.True(run.ExitCode == ExitCodes.Cancelled, run.ToString());
        Assert.Equal("dedup: cancelled", run.Error.Trim());
        Assert.InRange(checkedArticles, 1, Articles / 4);
        Assert.StartsWith($"articles: {Articles}\n", (await Cli.RunAsync("index", "stats", "--store", store)).Out, StringComparison.Ordinal);

        // Uncancelled, the same input is all known, with the same texts.
        CliRun again = await Cli.RunAsync("index", "add", "--store", store, input);
        Assert.True(again.ExitCode == ExitCodes.Ok, again.ToString());
        Assert.Equal($"added 0 articles to {store}, {Articles} already in it with the same text; it holds {Articles}", again.Out.Trim());
    }

    /// <summary>Stats counts the journal a crashed checkpoint left aside, which holds changes too (it said only the new journal's 20 bytes).</summary>
    [Fact]
    public async Task Stats_counts_a_journal_left_aside_by_a_crashed_checkpoint()
    {
        string store = _temp.File("news.idx");
        Assert.Equal(ExitCodes.Ok, (await Cli.RunAsync("index", "add", "--store", store, Originals())).ExitCode);
        CliRun plain = await Cli.RunAsync("index", "stats", "--store", store);
        Assert.DoesNotContain("journal left aside", plain.Out, StringComparison.Ordinal);

        File.WriteAllBytes(store + ".journal.old", File.ReadAllBytes(store + ".journal"));
        CliRun stats = await Cli.RunAsync("index", "stats", "--store", store);
        Assert.Contains($"journal left aside bytes: {new FileInfo(store + ".journal.old").Length}", stats.Out, StringComparison.Ordinal);
    }

    /// <summary>
    /// Ctrl+C (or SIGTERM, SIGHUP) that arrives while the index loads stops every command with exit code 130, and a
    /// remove or an add changes nothing: `remove` and `stats` ignored the signal, and a remove of a 150,000-article
    /// index went on to remove the article and exit 0 some 9 s after it (a user's trial).
    /// </summary>
    [Fact]
    public async Task A_command_cancelled_while_the_index_loads_exits_130_and_changes_nothing()
    {
        string store = _temp.File("news.idx");
        Assert.Equal(ExitCodes.Ok, (await Cli.RunAsync("index", "add", "--store", store, Originals())).ExitCode);
        string[] files = [.. Directory.GetFiles(_temp.Path, "news.idx*").Order(StringComparer.Ordinal)];
        byte[][] bytes = [.. files.Select(File.ReadAllBytes)];
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cancel.Cancel();

        foreach (string[] args in new[]
        {
            new[] { "index", "remove", "--store", store, Samples.Storm },
            ["index", "remove", "--store", store, Samples.Storm, "--json"],
            ["index", "stats", "--store", store],
            ["index", "query", "--store", store, Copies()],
            ["index", "add", "--store", store, Copies()],
        })
        {
            CliRun run = await Cli.RunCancellableAsync(cancel.Token, args);
            Assert.True(run.ExitCode == ExitCodes.Cancelled, $"{string.Join(' ', args)}: {run}");
            Assert.Equal("dedup: cancelled", run.Error.Trim());
            Assert.Empty(run.Out);
        }

        Assert.Equal(files, Directory.GetFiles(_temp.Path, "news.idx*").Order(StringComparer.Ordinal));
        Assert.Equal(bytes, files.Select(File.ReadAllBytes));
        Assert.StartsWith("articles: 5\n", (await Cli.RunAsync("index", "stats", "--store", store)).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Removing_an_unknown_id_removes_nothing()
    {
        string store = _temp.File("news.idx");
        Assert.Equal(ExitCodes.Ok, (await Cli.RunAsync("index", "add", "--store", store, Originals())).ExitCode);
        CliRun remove = await Cli.RunAsync("index", "remove", "--store", store, Samples.Storm, "no-such-id");
        Assert.Equal(ExitCodes.BadInput, remove.ExitCode);
        Assert.Equal($"dedup: {store}: not in the index: 'no-such-id' (nothing removed)", remove.Error.Trim());
        CliRun stats = await Cli.RunAsync("index", "stats", "--store", store);
        Assert.StartsWith("articles: 5\n", stats.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Corrupt_store_exits_4()
    {
        string store = _temp.Write("broken.idx", "this is not an index");
        CliRun run = await Cli.RunAsync("index", "stats", "--store", store);
        Assert.Equal(ExitCodes.BadStore, run.ExitCode);
        Assert.StartsWith($"dedup: {store}: not a readable dedup index", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }
}

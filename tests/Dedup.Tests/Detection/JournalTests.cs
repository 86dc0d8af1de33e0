using System.Diagnostics;
using Dedup.Detection;

namespace Dedup.Tests.Detection;

public sealed class JournalTests : IDisposable
{
    private static readonly Article Harbour = new("harbour", TestArticles.Harbour, "Council approves harbour wall rebuild", new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.FromHours(2)), "Gazette");
    private static readonly Article Rail = new("rail", TestArticles.Rail, "New rail line to open in December");
    private static readonly Article FollowUp = new("follow-up", TestArticles.HarbourFollowUp);
    private readonly string _folder = Directory.CreateTempSubdirectory("dedup-journal-").FullName;

    private string SnapshotPath => Path.Combine(_folder, "index.dedup");

    private string JournalPath => SnapshotPath + ".journal";

    /// <summary>Opens the test's index as a service would (<see cref="CopyDetector.Open"/>), with the test's token.</summary>
    private CopyDetector OpenIndex() => CopyDetector.Open(SnapshotPath, cancellationToken: TestContext.Current.CancellationToken);

    /// <summary>Opens the test's index read-only (<see cref="CopyDetector.OpenReadOnly"/>), with the test's token.</summary>
    private CopyDetector OpenIndexReadOnly() => CopyDetector.OpenReadOnly(SnapshotPath, cancellationToken: TestContext.Current.CancellationToken);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>
    /// Calls racing a Dispose (a host stopping while requests run): each either ends whole, its article journaled and
    /// indexed, or throws ObjectDisposedException naming the detector having changed nothing; no other exception
    /// ("Cannot access a closed file" from the journal, or the lock's own), and a reopen holds exactly the articles
    /// whose adds returned. Run a few times, with the Dispose at different points.
    /// </summary>
    [Theory]
    [InlineData(5)]
    [InlineData(20)]
    [InlineData(60)]
    public async Task Calls_racing_a_dispose_end_whole_or_change_nothing(int disposeAfter)
    {
        CopyDetector detector = CopyDetector.Open(SnapshotPath, new JournalOptions { Flush = JournalFlush.Disk }, cancellationToken: TestContext.Current.CancellationToken);
        int added = 0;
        var unexpected = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        int calls = 0;
        using var started = new ManualResetEventSlim();
        Task[] workers = [.. Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            for (int i = 0; ; i++)
            {
                var article = new Article($"w{w}-{i}", $"Story {i} of desk {w}: " + TestArticles.Rail.Replace("December", $"month {i * 7 + w}", StringComparison.Ordinal));
                try
                {
                    if (detector.Add(article))
                    {
                        Interlocked.Increment(ref added);
                    }

                    if (Interlocked.Increment(ref calls) == disposeAfter)
                    {
                        started.Set();
                    }
                }
                catch (ObjectDisposedException e) when (e.ObjectName == typeof(CopyDetector).FullName)
                {
                    return;
                }
                catch (Exception e)
                {
                    unexpected.Add(e);
                    started.Set();
                    return;
                }
            }
        }, TestContext.Current.CancellationToken))];

        Assert.True(started.Wait(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken), "the writers did not start");
        detector.Dispose();
        await Task.WhenAll(workers);

        Assert.Empty(unexpected);
        using CopyDetector reopened = OpenIndex();
        Assert.Equal(added, reopened.Count);
    }

    /// <summary>A path ending in a folder separator names a folder: refused, and nothing is made ("newdir/" made newdir.journal and newdir.lock).</summary>
    [Fact]
    public void A_path_ending_in_a_folder_separator_is_refused_and_nothing_is_made()
    {
        string path = Path.Combine(_folder, "newdir") + Path.DirectorySeparatorChar;

        var e = Assert.Throws<ArgumentException>(() => CopyDetector.Open(path, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("ends in a folder separator", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => CopyDetector.OpenReadOnly(path, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }

    /// <summary>
    /// RemoveRange removes the indexed ids among those given, each once, journaled so that a reopen holds the rest;
    /// a null id, a cancelled token or a read-only detector removes nothing.
    /// </summary>
    [Fact]
    public void RemoveRange_removes_the_indexed_ids_once_and_the_journal_keeps_it()
    {
        using (CopyDetector detector = OpenIndex())
        {
            detector.AddRange([Harbour, Rail, FollowUp], TestContext.Current.CancellationToken);
            long journal = detector.JournalBytes;

            Assert.Throws<ArgumentNullException>(() => detector.RemoveRange(["rail", null!], TestContext.Current.CancellationToken));
            using var cancelled = new CancellationTokenSource();
            cancelled.Cancel();
            Assert.Throws<OperationCanceledException>(() => detector.RemoveRange(["rail"], cancelled.Token));
            Assert.Equal(0, detector.RemoveRange(["missing"], TestContext.Current.CancellationToken));
            Assert.Equal(3, detector.Count);
            Assert.Equal(journal, detector.JournalBytes);

            Assert.Equal(2, detector.RemoveRange(["harbour", "missing", "rail", "harbour"], TestContext.Current.CancellationToken));
            Assert.Equal(1, detector.Count);
            Assert.True(detector.Contains("follow-up"));
            Assert.False(detector.Contains("harbour") || detector.Contains("rail"));
        }

        using (CopyDetector reader = OpenIndexReadOnly())
        {
            Assert.Throws<InvalidOperationException>(() => reader.RemoveRange(["follow-up"], TestContext.Current.CancellationToken));
        }

        using CopyDetector reopened = OpenIndex();
        Assert.Equal(1, reopened.Count);
        Assert.True(reopened.Contains("follow-up"));
    }

    /// <summary>
    /// A journal begun after a checkpoint, whose snapshot is missing (deleted, or not restored with it), is refused: it
    /// opened as an index of the changes since the checkpoint alone, without a word (a client's trial: 400 articles, 100
    /// after reopening). A journal of an index never checkpointed opens as before.
    /// </summary>
    /// <summary>
    /// A checkpoint that fails while the index's folder is gone (a volume unmounted for a while) leaves the journal
    /// closed; changes are refused with an error naming it while the folder is away, and taken again once it is back,
    /// with nothing lost. The journal stayed closed for good ("Cannot access a closed file" from every change and from
    /// <see cref="CopyDetector.JournalBytes"/>, which brought a host's checkpoint service down at shutdown).
    /// </summary>
    [Fact]
    public void A_checkpoint_that_failed_while_the_folder_was_gone_leaves_a_journal_that_works_again()
    {
        string folder = Path.Combine(_folder, "volume");
        string away = Path.Combine(_folder, "volume-away");
        Directory.CreateDirectory(folder);
        string snapshot = Path.Combine(folder, "news.index");
        static Article Story(int i) => new($"s{i}", $"Story {i}: the council of town {i} approved the harbour wall rebuild number {i * 7} on Monday after a debate.");
        using (CopyDetector detector = CopyDetector.Open(snapshot, cancellationToken: TestContext.Current.CancellationToken))
        {
            for (int i = 0; i < 3; i++)
            {
                detector.Add(Story(i));
            }

            detector.Checkpoint();
            detector.Add(Story(3));
            long pending = detector.JournalBytes;
            Assert.True(pending > 0);

            Directory.Move(folder, away);
            Assert.ThrowsAny<IOException>(() => detector.Checkpoint());
            Assert.Equal(pending, detector.JournalBytes);
            IOException refused = Assert.ThrowsAny<IOException>(() => detector.Add(Story(4)));
            Assert.Contains("journal", refused.Message, StringComparison.Ordinal);
            Assert.Contains("closed", refused.Message, StringComparison.Ordinal);

            Directory.Move(away, folder);
            Assert.Equal(pending, detector.JournalBytes);
            detector.Add(Story(4));
            Assert.True(detector.JournalBytes > pending);
            detector.Add(Story(5));
            detector.Checkpoint();
            Assert.Equal(0, detector.JournalBytes);
            detector.Add(Story(6));
        }

        using CopyDetector reopened = CopyDetector.Open(snapshot, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(7, reopened.Count);
    }

    /// <summary>
    /// A file that is no snapshot (JSON lines named by mistake, an empty file) is refused before the index's lock is
    /// taken, so no lock file is left beside it; a snapshot still opens and takes its lock.
    /// </summary>
    [Fact]
    public void A_file_that_is_no_snapshot_is_refused_without_a_lock_file_left_beside_it()
    {
        string json = Path.Combine(_folder, "news.jsonl");
        File.WriteAllText(json, "{\"id\":\"a\",\"text\":\"x\"}\n");
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => CopyDetector.Open(json, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("not a detector snapshot", e.Message, StringComparison.Ordinal);
        Assert.Contains("7B226964", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(json + ".lock"));

        string empty = Path.Combine(_folder, "empty.dedup");
        File.WriteAllBytes(empty, []);
        Assert.Contains("empty", Assert.Throws<InvalidDataException>(() => CopyDetector.Open(empty, cancellationToken: TestContext.Current.CancellationToken)).Message, StringComparison.Ordinal);
        Assert.False(File.Exists(empty + ".lock"));

        using (CopyDetector detector = OpenIndex())
        {
            detector.Add(new Article("a", "The council approved the harbour wall rebuild on Monday after a long debate about its cost."));
            detector.Checkpoint();
        }

        using CopyDetector reopened = OpenIndex();
        Assert.True(File.Exists(SnapshotPath + ".lock"));
        Assert.Equal(1, reopened.Count);
    }

    [Fact]
    public void A_journal_whose_snapshot_is_missing_is_refused()
    {
        using (CopyDetector detector = OpenIndex())
        {
            detector.Add(Harbour);
            detector.Checkpoint();
            detector.Add(Rail);
        }

        File.Move(SnapshotPath, SnapshotPath + ".aside");
        InvalidDataException refused = Assert.Throws<InvalidDataException>(() => OpenIndex());
        Assert.Contains("snapshot", refused.Message, StringComparison.Ordinal);
        Assert.Contains("is missing", refused.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(JournalPath));

        File.Move(SnapshotPath + ".aside", SnapshotPath);
        using CopyDetector restored = OpenIndex();
        Assert.Equal(2, restored.Count);
        Assert.Empty(restored.JournalTailsKept);
    }

    /// <summary>
    /// A new index keeps its settings from its first open: reopened before any checkpoint, it has them back (before, a
    /// journal alone kept no settings, and the index came back with the defaults: threshold 0.9 became 0.4 without a
    /// word), and other settings that shape its articles are refused, as after a checkpoint.
    /// </summary>
    [Fact]
    public void A_new_index_reopened_before_its_first_checkpoint_keeps_its_settings()
    {
        using (CopyDetector detector = CopyDetector.Open(SnapshotPath, configure: o => o with { Threshold = 0.9, ShingleSize = 3, Seed = 42 }, cancellationToken: TestContext.Current.CancellationToken))
        {
            detector.Add(Harbour);
        }

        using (CopyDetector reopened = OpenIndex())
        {
            Assert.Equal((1, 0.9, 3, 42UL), (reopened.Count, reopened.Options.Threshold, reopened.Options.ShingleSize, reopened.Options.Seed));
        }

        var refused = Assert.Throws<InvalidDataException>(() => CopyDetector.Open(SnapshotPath, configure: o => o with { ShingleSize = 7, Seed = 7 }, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("shingle size 3", refused.Message, StringComparison.Ordinal);
        using CopyDetector readOnly = OpenIndexReadOnly();
        Assert.Equal((1, 0.9), (readOnly.Count, readOnly.Options.Threshold));
    }

    /// <summary>
    /// LoadFromFile of an index's snapshot whose journal holds more refuses, naming the journal and OpenReadOnly: it
    /// gave the snapshot alone (one article of two, in a client's trial) without a word. Once checkpointed it loads.
    /// </summary>
    [Fact]
    public void Loading_the_snapshot_of_an_index_whose_journal_holds_more_is_refused()
    {
        using (CopyDetector detector = OpenIndex())
        {
            detector.Add(Harbour);
            detector.Checkpoint();
            detector.Add(Rail);
        }

        var refused = Assert.Throws<IOException>(() => CopyDetector.LoadFromFile(SnapshotPath));
        Assert.Contains(JournalPath, refused.Message, StringComparison.Ordinal);
        Assert.Contains("OpenReadOnly", refused.Message, StringComparison.Ordinal);
        Assert.Throws<IOException>(() => CopyDetector.LoadFromFile(SnapshotPath, o => o));
        using (CopyDetector readOnly = OpenIndexReadOnly())
        {
            Assert.Equal(2, readOnly.Count);
        }

        using (CopyDetector detector = OpenIndex())
        {
            detector.Checkpoint();
        }

        using CopyDetector loaded = CopyDetector.LoadFromFile(SnapshotPath);
        Assert.Equal(2, loaded.Count);
    }

    /// <summary>
    /// The snapshot of an index a writer has open is refused naming that: it said the journal held changes (it could not
    /// be read) and advised OpenReadOnly, which the writer refuses. A stream of the file reads the snapshot alone.
    /// </summary>
    [Fact]
    public void Loading_the_snapshot_of_an_index_a_writer_has_open_says_so()
    {
        using CopyDetector writer = OpenIndex();
        writer.Add(Harbour);
        writer.Checkpoint();

        var refused = Assert.Throws<IOException>(() => CopyDetector.LoadFromFile(SnapshotPath));

        Assert.Contains("a detector has open to change it", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("holds changes the snapshot does not", refused.Message, StringComparison.Ordinal);
        Assert.Throws<IOException>(OpenIndexReadOnly);
        using FileStream stream = File.OpenRead(SnapshotPath);
        using CopyDetector loaded = CopyDetector.Load(stream);
        Assert.Equal(1, loaded.Count);
    }

    /// <summary>A journal begun on opening a saved snapshot (no checkpoint yet) is a journal after a snapshot too.</summary>
    [Fact]
    public void A_journal_begun_on_a_saved_snapshot_needs_that_snapshot()
    {
        using (var saved = new CopyDetector())
        {
            saved.Add(Harbour);
            saved.SaveToFile(SnapshotPath);
        }

        using (CopyDetector detector = OpenIndex())
        {
            detector.Add(Rail);
        }

        File.Delete(SnapshotPath);
        Assert.Throws<InvalidDataException>(() => OpenIndex());
    }

    /// <summary>
    /// A second detector is refused even when the index's lock file was deleted while the first ran (an empty file that
    /// looks stale): the first holds its journal alone. Before, the second opened, both appended and checkpointed, and
    /// acknowledged adds of the second were gone at the next open (a client's trial).
    /// </summary>
    [Fact]
    public void A_deleted_lock_file_does_not_let_a_second_detector_in()
    {
        using (CopyDetector first = OpenIndex())
        {
            first.Add(Harbour);
            first.Checkpoint();
            File.Delete(SnapshotPath + ".lock");

            IOException refused = Assert.Throws<IOException>(() => OpenIndex());
            Assert.Contains($"The journal '{JournalPath}' is held by a detector that changes the index", refused.Message, StringComparison.Ordinal);
            Assert.Contains("held by a detector that changes the index", Assert.Throws<IOException>(() => OpenIndexReadOnly()).Message, StringComparison.Ordinal);
            first.Add(Rail);
            first.Checkpoint();
            first.Add(FollowUp);
        }

        using CopyDetector reopened = OpenIndex();
        Assert.Equal(3, reopened.Count);
    }

    /// <summary>
    /// Read-only detectors read the index as it stands (snapshot and journal) and write nothing: a torn last record is
    /// skipped, not cut off and kept aside. Any number of them open it together; a detector that changes it is refused
    /// while they hold it, and refuses them. Their changes are refused; their finds, and saves elsewhere, work.
    /// </summary>
    [Fact]
    public async Task Read_only_detectors_share_the_index_write_nothing_and_exclude_a_writer()
    {
        using (CopyDetector detector = OpenIndex())
        {
            detector.Add(Harbour);
            detector.Checkpoint();
            detector.Add(Rail);
            Assert.Contains("open in another detector", Assert.Throws<IOException>(() => OpenIndexReadOnly()).Message, StringComparison.Ordinal);
        }

        byte[] torn = [.. File.ReadAllBytes(JournalPath), 9, 0, 0];
        File.WriteAllBytes(JournalPath, torn);
        string[] files = [.. Directory.GetFiles(_folder).Order(StringComparer.Ordinal)];
        byte[] snapshot = File.ReadAllBytes(SnapshotPath);

        using (CopyDetector first = OpenIndexReadOnly())
        using (CopyDetector second = OpenIndexReadOnly())
        {
            Assert.Equal(2, first.Count);
            Assert.Equal(2, second.Count);
            Assert.Equal("harbour", Assert.Single(first.FindCopies(TestArticles.Syndicate(TestArticles.Harbour))).Id);
            Assert.Contains("open in another detector", Assert.Throws<IOException>(() => OpenIndex()).Message, StringComparison.Ordinal);

            string refused = Assert.Throws<InvalidOperationException>(() => first.Add(FollowUp)).Message;
            Assert.Contains("opened read-only", refused, StringComparison.Ordinal);
            Assert.Throws<InvalidOperationException>(() => first.Remove("rail"));
            Assert.Throws<InvalidOperationException>(() => first.AddRange([FollowUp], TestContext.Current.CancellationToken));
            await Assert.ThrowsAsync<InvalidOperationException>(() => first.AddAsync(FollowUp, TestContext.Current.CancellationToken).AsTask());
            await Assert.ThrowsAsync<InvalidOperationException>(() => first.FindOrAddAsync(FollowUp, TestContext.Current.CancellationToken).AsTask());
            await Assert.ThrowsAsync<InvalidOperationException>(() => first.RemoveAsync("rail", TestContext.Current.CancellationToken).AsTask());
            Assert.Throws<InvalidOperationException>(first.Checkpoint);
            Assert.Throws<InvalidOperationException>(() => first.SaveToFile(SnapshotPath));

            // Refused whether or not anything would change (a re-delivery, a missing id, nothing due, an empty batch):
            // a read-only tool's tests would pass and its production fail.
            Assert.Throws<InvalidOperationException>(() => first.Add(Harbour));
            Assert.Throws<InvalidOperationException>(() => first.Remove("missing"));
            Assert.Throws<InvalidOperationException>(() => first.Expire(DateTimeOffset.MinValue));
            Assert.Throws<InvalidOperationException>(() => first.AddRange([], TestContext.Current.CancellationToken));
            await Assert.ThrowsAsync<InvalidOperationException>(() => first.ExpireAsync(DateTimeOffset.MinValue, cancellationToken: TestContext.Current.CancellationToken).AsTask());
            Assert.Equal(2, first.Count);
            Assert.True(first.Contains("rail"));

            string elsewhere = Path.Combine(_folder, "copy.dedup");
            first.SaveToFile(elsewhere);
            using CopyDetector copy = CopyDetector.LoadFromFile(elsewhere);
            Assert.Equal(2, copy.Count);
            File.Delete(elsewhere);
        }

        Assert.Equal(files, Directory.GetFiles(_folder).Order(StringComparer.Ordinal));
        Assert.Equal(torn, File.ReadAllBytes(JournalPath));
        Assert.Equal(snapshot, File.ReadAllBytes(SnapshotPath));

        // Released: a writer opens it again, and finds what the journal held.
        using CopyDetector writer = OpenIndex();
        Assert.Equal(2, writer.Count);
    }

    /// <summary>
    /// A read-only detector replays the journal an interrupted checkpoint left aside, and leaves it there (a writer's
    /// open compacts it). Where there is no index, it says so and makes no file.
    /// </summary>
    [Fact]
    public void A_read_only_detector_replays_a_journal_left_aside_and_needs_an_index()
    {
        Assert.Throws<FileNotFoundException>(() => OpenIndexReadOnly());
        Assert.Empty(Directory.GetFiles(_folder));

        using (CopyDetector detector = OpenIndex())
        {
            detector.Add(Harbour);
            detector.Checkpoint();
            detector.Add(Rail);
        }

        File.Move(JournalPath, JournalPath + ".old");
        using (CopyDetector reader = OpenIndexReadOnly())
        {
            Assert.Equal(2, reader.Count);
        }

        Assert.True(File.Exists(JournalPath + ".old"));
        using CopyDetector writer = OpenIndex();
        Assert.Equal(2, writer.Count);
        Assert.False(File.Exists(JournalPath + ".old"));
    }

    /// <summary>
    /// Opens the index, adds Harbour and checkpoints, copies that snapshot to a backup, adds Rail and checkpoints again,
    /// then does <paramref name="then"/> before closing it.
    /// </summary>
    /// <returns>The backup: an older copy of the snapshot.</returns>
    private string CheckpointTwiceKeepingTheFirst(Action<CopyDetector>? then = null)
    {
        string backup = Path.Combine(_folder, "backup");
        using CopyDetector detector = CopyDetector.Open(SnapshotPath);
        detector.Add(Harbour);
        detector.Checkpoint();
        File.Copy(SnapshotPath, backup);
        detector.Add(Rail);
        detector.Checkpoint();
        then?.Invoke(detector);
        return backup;
    }

    /// <summary>
    /// A journal put beside an older copy of its snapshot (a backup restored, the current journal kept) is refused, naming
    /// both, and nothing is changed: replayed onto the older copy, the articles checkpointed in between were gone without a
    /// word (a client's trial). The snapshot it follows opens whole again; the older copy opens alone once the journal is
    /// moved aside, as the message says.
    /// </summary>
    [Fact]
    public void A_journal_beside_an_older_copy_of_its_snapshot_is_refused_and_nothing_is_lost()
    {
        string backup = CheckpointTwiceKeepingTheFirst(detector => detector.Add(FollowUp));
        string current = SnapshotPath + ".current";
        File.Copy(SnapshotPath, current);
        File.Copy(backup, SnapshotPath, overwrite: true);
        byte[] journal = File.ReadAllBytes(JournalPath);

        InvalidDataException refused = Assert.Throws<InvalidDataException>(() => OpenIndex());
        Assert.Contains("holds the changes made after snapshot", refused.Message, StringComparison.Ordinal);
        Assert.Contains("an older copy restored", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"{SnapshotBytes.IdOf(File.ReadAllBytes(current)):X16}", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"{SnapshotBytes.IdOf(File.ReadAllBytes(backup)):X16}", refused.Message, StringComparison.Ordinal);
        Assert.Equal(journal, File.ReadAllBytes(JournalPath));
        Assert.Equal(File.ReadAllBytes(backup), File.ReadAllBytes(SnapshotPath));

        File.Copy(current, SnapshotPath, overwrite: true);
        using (CopyDetector whole = OpenIndex())
        {
            Assert.Equal(3, whole.Count);
        }

        // The older copy alone, its journal moved aside: the articles it holds, and a journal that follows it from now on.
        File.Copy(backup, SnapshotPath, overwrite: true);
        File.Move(JournalPath, JournalPath + ".aside");
        using (CopyDetector older = OpenIndex())
        {
            Assert.Equal(["harbour"], older.Clusters().SelectMany(c => c.Members));
            older.Add(Rail);
        }

        using CopyDetector reopened = OpenIndex();
        Assert.Equal(2, reopened.Count);
    }

    /// <summary>
    /// A damaged snapshot beside a journal of changes is named as damaged: its id read wrong made it "an older copy
    /// restored", with the advice to move the journal aside (which would have lost its changes).
    /// </summary>
    [Fact]
    public void A_damaged_snapshot_beside_a_journal_is_named_as_damaged()
    {
        using (CopyDetector detector = OpenIndex())
        {
            detector.Add(Harbour);
            detector.Checkpoint();
            detector.Add(Rail);
        }

        byte[] bytes = File.ReadAllBytes(SnapshotPath);
        bytes[14] ^= 0x40; // inside the id
        File.WriteAllBytes(SnapshotPath, bytes);
        string message = Assert.Throws<InvalidDataException>(() => OpenIndex()).Message;
        Assert.StartsWith($"The detector snapshot '{SnapshotPath}' is invalid", message, StringComparison.Ordinal);
        Assert.DoesNotContain("older copy", message, StringComparison.Ordinal);
    }

    /// <summary>A folder where the index keeps its journal or its lock is named as such, before anything is written (it was "access denied", and a reader ran with no lock).</summary>
    [Theory]
    [InlineData(".journal")]
    [InlineData(".journal.old")]
    [InlineData(".lock")]
    public void A_folder_where_the_index_keeps_a_file_is_refused(string suffix)
    {
        using (var saved = new CopyDetector())
        {
            saved.Add(Harbour);
            saved.SaveToFile(SnapshotPath);
        }

        Directory.CreateDirectory(SnapshotPath + suffix);
        string expected = $"cannot keep its file '{SnapshotPath}{suffix}': a folder is there";
        Assert.Contains(expected, Assert.Throws<IOException>(() => OpenIndex()).Message, StringComparison.Ordinal);
        Assert.Contains(expected, Assert.Throws<IOException>(() => OpenIndexReadOnly()).Message, StringComparison.Ordinal);
        Directory.Delete(SnapshotPath + suffix);
        using CopyDetector opened = OpenIndex();
        Assert.Equal(1, opened.Count);
    }

    /// <summary>
    /// An index whose files can be written in a folder that cannot (another user's) is refused when opened, naming what
    /// needs the folder: it opened, then failed every checkpoint (the new snapshot and the journal set aside are made
    /// there) while its journal grew without end. Read-only, it opens. Root may write any folder a mode forbids: for
    /// root the folder is made immutable (chattr +i), and the test reports itself skipped where that cannot be done.
    /// </summary>
    [Fact]
    public void An_index_in_a_folder_that_cannot_be_written_is_refused_when_opened()
    {
        using (CopyDetector made = OpenIndex())
        {
            made.Add(Harbour);
            made.Checkpoint();
        }

        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("Folder permissions are Unix modes here.");
            return;
        }

        bool root = Environment.UserName == "root";

        if (root && !Run("chattr", $"+i \"{_folder}\""))
        {
            Assert.Skip("Running as root, and chattr +i (the one way to keep root from writing a folder) is not available here.");
        }

        if (!root)
        {
            File.SetUnixFileMode(_folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }

        try
        {
            Exception e = Assert.ThrowsAny<Exception>(() => OpenIndex());
            Assert.True(e is UnauthorizedAccessException or IOException, e.ToString());
            Assert.Contains($"the index '{SnapshotPath}'", e.Message, StringComparison.Ordinal);
            Assert.Contains("a checkpoint writes the new snapshot and sets the journal aside there", e.Message, StringComparison.Ordinal);

            using CopyDetector reader = OpenIndexReadOnly();
            Assert.Equal(1, reader.Count);
        }
        finally
        {
            if (root)
            {
                Run("chattr", $"-i \"{_folder}\"");
            }
            else
            {
                File.SetUnixFileMode(_folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        // Writable again, it opens, and no file of the check is left.
        using (CopyDetector opened = OpenIndex())
        {
            Assert.Equal(1, opened.Count);
        }

        Assert.DoesNotContain(Directory.GetFiles(_folder), f => f.EndsWith(".write-check", StringComparison.Ordinal));

        static bool Run(string tool, string arguments)
        {
            try
            {
                using Process p = Process.Start(new ProcessStartInfo(tool, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
                p.WaitForExit();
                return p.ExitCode == 0;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return false;
            }
        }
    }

    /// <summary>
    /// A checkpointed index whose journal holds nothing opens an older copy of its snapshot put in its place (a backup
    /// restored on purpose): no change would be lost; the journal is begun anew after the copy, and changes made then
    /// are replayed onto it.
    /// </summary>
    [Fact]
    public void A_restored_older_snapshot_beside_an_empty_journal_opens_and_its_changes_are_kept()
    {
        string backup = CheckpointTwiceKeepingTheFirst();
        File.Copy(backup, SnapshotPath, overwrite: true);
        using (CopyDetector restored = OpenIndex())
        {
            Assert.Equal(1, restored.Count);
            restored.Add(FollowUp);
        }

        using CopyDetector reopened = OpenIndex();
        Assert.Equal(2, reopened.Count);
        Assert.True(reopened.Contains("follow-up"));
    }

    /// <summary>
    /// A checkpoint that failed after moving its journal aside leaves a journal aside that follows the snapshot there and a
    /// new one that follows the snapshot it was writing. Either snapshot continues them (the checkpoint may have crashed
    /// before or after replacing it); an older copy continues neither and is refused.
    /// </summary>
    [Fact]
    public void After_a_failed_checkpoint_an_older_snapshot_is_refused_and_the_current_one_opens_whole()
    {
        string backup = CheckpointTwiceKeepingTheFirst(detector =>
        {
            detector.Add(FollowUp);
            detector.WrapCheckpointSnapshotForTests = inner => new FailingStream(inner, failAfter: 20);
            Assert.ThrowsAny<IOException>(detector.Checkpoint);
            detector.WrapCheckpointSnapshotForTests = null;
            detector.Add("late", TestArticles.Harbour.Replace("harbour", "airport", StringComparison.Ordinal));
        });

        Assert.True(File.Exists(JournalPath + ".old"));
        string current = SnapshotPath + ".current";
        File.Copy(SnapshotPath, current);
        File.Copy(backup, SnapshotPath, overwrite: true);
        Assert.Contains("an older copy restored", Assert.Throws<InvalidDataException>(() => OpenIndex()).Message, StringComparison.Ordinal);

        File.Copy(current, SnapshotPath, overwrite: true);
        using (CopyDetector whole = OpenIndex())
        {
            Assert.Equal(4, whole.Count);
            Assert.False(File.Exists(JournalPath + ".old"));
        }

        // A checkpoint of an empty journal that crashed after moving it aside leaves two journals of no records: beside
        // the older copy they lose nothing, and it opens.
        File.Copy(JournalPath, JournalPath + ".old");
        File.Copy(backup, SnapshotPath, overwrite: true);
        using CopyDetector older = OpenIndex();
        Assert.Equal(1, older.Count);
    }

    /// <summary>
    /// An index kept by an older library (a version 6 snapshot, no id; a version 2 journal, no snapshot id) opens with its
    /// changes, goes on journaling, and its next checkpoint writes the current formats.
    /// </summary>
    [Fact]
    public void An_index_of_the_older_formats_opens_and_its_checkpoint_writes_the_new_ones()
    {
        using (CopyDetector detector = OpenIndex())
        {
            detector.Add(Harbour);
            detector.Checkpoint();
            detector.Add(Rail);
        }

        // As the older library wrote them: no id in the snapshot, a 12-byte journal header of version 2.
        File.WriteAllBytes(SnapshotPath, SnapshotBytes.AsVersion6(File.ReadAllBytes(SnapshotPath)));
        byte[] journal = File.ReadAllBytes(JournalPath);
        Assert.Equal(DetectorJournal.TimedFollowsSnapshotVersion, System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(journal.AsSpan(8)));
        File.WriteAllBytes(JournalPath, [.. "DEDUPJNL"u8, 2, 0, 0, 0, .. journal.AsSpan(20)]);

        using (CopyDetector old = OpenIndex())
        {
            Assert.Equal(2, old.Count);
            old.Add(FollowUp);
        }

        using (CopyDetector old = OpenIndex())
        {
            Assert.Equal(3, old.Count);
            old.Checkpoint();
        }

        byte[] snapshot = File.ReadAllBytes(SnapshotPath);
        Assert.Equal((uint)CopyDetector.SnapshotFormatVersion, System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(snapshot.AsSpan(8)));
        journal = File.ReadAllBytes(JournalPath);
        Assert.Equal(20, journal.Length);
        Assert.Equal(SnapshotBytes.IdOf(snapshot), System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(journal.AsSpan(12)));
        using CopyDetector reopened = OpenIndex();
        Assert.Equal(3, reopened.Count);
    }

    /// <summary>
    /// Another detector saving over the snapshot of an index a detector holds open is refused: it replaced the snapshot
    /// under the holder, whose journal was then replayed onto the other detector's articles, and the acknowledged
    /// articles were lost (a client's trial: 400 acknowledged, 150 after reopening, none of them the first).
    /// </summary>
    [Fact]
    public void Saving_another_detector_over_an_open_index_is_refused_and_nothing_is_lost()
    {
        using (CopyDetector holder = OpenIndex())
        {
            holder.Add(Harbour);
            holder.Checkpoint();
            holder.Add(Rail);
            using var other = new CopyDetector();
            other.Add(FollowUp);

            IOException refused = Assert.Throws<IOException>(() => other.SaveToFile(SnapshotPath));
            Assert.Contains("another detector holds open", refused.Message, StringComparison.Ordinal);

            holder.SaveToFile(SnapshotPath); // its own index: as a checkpoint does
            Assert.Equal(0, holder.JournalBytes);
        }

        using CopyDetector reopened = OpenIndex();
        Assert.Equal(2, reopened.Count);
        Assert.True(reopened.Contains("harbour") && reopened.Contains("rail"));
        Assert.False(reopened.Contains("follow-up"));
    }

    /// <summary>
    /// A closed index whose journal holds changes its snapshot does not is not replaced by another detector's snapshot
    /// (the journal would be replayed onto it); once checkpointed, or with its journal gone, it may be.
    /// </summary>
    [Fact]
    public void Saving_over_a_closed_index_with_a_journal_of_changes_is_refused_until_it_is_checkpointed()
    {
        using (CopyDetector holder = OpenIndex())
        {
            holder.Add(Harbour);
        }

        using var other = new CopyDetector();
        other.Add(FollowUp);
        byte[] before = File.ReadAllBytes(SnapshotPath); // the index's first add wrote its snapshot, empty, with its settings
        IOException refused = Assert.Throws<IOException>(() => other.SaveToFile(SnapshotPath));
        Assert.Contains("journal", refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(SnapshotPath));

        using (CopyDetector holder = OpenIndex())
        {
            holder.Checkpoint();
        }

        other.SaveToFile(SnapshotPath);
        using CopyDetector reopened = OpenIndex();
        Assert.Equal(["follow-up"], reopened.Clusters().SelectMany(c => c.Members));
    }

    [Fact]
    public async Task Changes_since_the_snapshot_are_replayed_on_open()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using (CopyDetector detector = OpenIndex())
        {
            await detector.AddAsync(Harbour, ct);
            detector.Add(Rail);
            detector.AddRange([FollowUp], TestContext.Current.CancellationToken);
            Assert.True(detector.Remove("rail"));
        }

        // No checkpoint: the snapshot is the empty one the first add wrote, the journal holds every change.
        Assert.Equal(0, CopyDetector.Load(new MemoryStream(File.ReadAllBytes(SnapshotPath))).Count);
        using CopyDetector reopened = OpenIndex();

        Assert.Equal(2, reopened.Count);
        Assert.True(reopened.Contains("harbour"));
        Assert.False(reopened.Contains("rail"));
        Assert.Equal(CopyKind.Duplicate, Assert.Single(reopened.FindCopies(Harbour with { Id = "copy" })).Kind);
    }

    [Fact]
    public void The_journal_keeps_the_whole_article_so_replay_re_extracts_its_features()
    {
        using (CopyDetector detector = OpenIndex())
        {
            detector.Add(Harbour);
        }

        string journal = System.Text.Encoding.UTF8.GetString(File.ReadAllBytes(JournalPath));
        Assert.Contains(Harbour.Title!, journal, StringComparison.Ordinal);
        Assert.Contains("Gazette", journal, StringComparison.Ordinal);
        Assert.Contains("The harbour wall was first built in 1847", journal, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(30)]
    public void A_torn_last_record_is_cut_off_and_later_records_follow_the_valid_ones(int cut)
    {
        using (CopyDetector detector = OpenIndex())
        {
            detector.Add(Harbour);
            detector.Add(Rail);
        }

        using (var file = new FileStream(JournalPath, FileMode.Open))
        {
            file.SetLength(file.Length - cut);
        }

        using (CopyDetector detector = OpenIndex())
        {
            Assert.True(detector.Contains("harbour"));
            Assert.False(detector.Contains("rail"));
            detector.Add(FollowUp);
        }

        using CopyDetector reopened = OpenIndex();
        Assert.Equal(2, reopened.Count);
        Assert.True(reopened.Contains("follow-up"));
    }

    /// <summary>
    /// A journal left aside by an interrupted checkpoint is replayed and then deleted by the checkpoint that follows:
    /// a damaged tail of it is kept beside it first.
    /// </summary>
    [Fact]
    public void The_damaged_tail_of_a_journal_left_aside_is_kept_before_it_is_deleted()
    {
        using (CopyDetector detector = OpenIndex())
        {
            detector.Add(Harbour);
            detector.Add(Rail);
        }

        string old = JournalPath + ".old";
        byte[] bytes = File.ReadAllBytes(JournalPath);
        bytes[^20] ^= 0x40;
        File.WriteAllBytes(old, bytes);
        File.Delete(JournalPath);

        using CopyDetector reopened = OpenIndex();
        Assert.Equal(1, reopened.Count);
        Assert.False(File.Exists(old));
        string kept = Assert.Single(Directory.GetFiles(Path.GetDirectoryName(old)!, Path.GetFileName(old) + ".cut-*"));
        Assert.Equal([kept], reopened.JournalTailsKept);
        Assert.Contains(Rail.Title!, System.Text.Encoding.UTF8.GetString(File.ReadAllBytes(kept)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_last_record_that_fails_its_checksum_is_dropped()
    {
        using (CopyDetector detector = OpenIndex())
        {
            detector.Add(Harbour);
            detector.Add(Rail);
        }

        byte[] bytes = File.ReadAllBytes(JournalPath);
        bytes[^20] ^= 0x40;
        File.WriteAllBytes(JournalPath, bytes);

        using CopyDetector reopened = OpenIndex();
        Assert.Equal(1, reopened.Count);
        Assert.True(reopened.Contains("harbour"));

        // The record may have been acknowledged (damage, not a torn write): the bytes cut are kept beside the journal.
        string kept = Assert.Single(Directory.GetFiles(Path.GetDirectoryName(JournalPath)!, Path.GetFileName(JournalPath) + ".cut-*"));
        Assert.Equal([kept], reopened.JournalTailsKept);
        byte[] tail = File.ReadAllBytes(kept);
        Assert.Equal(bytes[^tail.Length..], tail);
        Assert.Contains(Rail.Title!, System.Text.Encoding.UTF8.GetString(tail), StringComparison.Ordinal);
    }

    [Fact]
    public void A_checkpoint_compacts_the_journal_into_the_snapshot()
    {
        using (CopyDetector detector = CopyDetector.Open(SnapshotPath, new JournalOptions { Flush = JournalFlush.OperatingSystem }, cancellationToken: TestContext.Current.CancellationToken))
        {
            detector.Add(Harbour);
            detector.Add(Rail);
            long before = detector.JournalBytes;
            detector.Checkpoint();
            Assert.True(detector.JournalBytes < before / 10, $"{detector.JournalBytes} bytes after, {before} before");
            detector.Remove("harbour");
        }

        Assert.True(File.Exists(SnapshotPath));
        Assert.Equal(2, CopyDetector.Load(new MemoryStream(File.ReadAllBytes(SnapshotPath))).Count); // the snapshot alone (its journal holds the removal)
        using CopyDetector reopened = OpenIndex();
        Assert.Equal(["rail"], [.. reopened.Clusters().SelectMany(c => c.Members)]);
    }

    [Fact]
    public void A_journal_left_aside_by_an_interrupted_checkpoint_is_replayed_and_compacted()
    {
        using (CopyDetector detector = OpenIndex())
        {
            detector.Add(Harbour);
            detector.Checkpoint();
            detector.Add(Rail);
            detector.Remove("harbour");
            detector.Add(Harbour with { Text = TestArticles.HarbourFollowUp });
        }

        // The checkpoint moved the journal aside, then died before writing the snapshot.
        File.Move(JournalPath, JournalPath + ".old");
        File.Copy(JournalPath + ".old", Path.Combine(_folder, "aside"));
        using (CopyDetector detector = OpenIndex())
        {
            Assert.Equal(2, detector.Count);
            Assert.False(File.Exists(JournalPath + ".old"));
        }

        // Had it died after writing the snapshot: the same records replayed over the newer snapshot give the same
        // articles (each record sets or deletes an id).
        File.Copy(Path.Combine(_folder, "aside"), JournalPath + ".old");
        using CopyDetector again = OpenIndex();
        Assert.Equal(2, again.Count);
        Assert.Empty(again.FindCopies(Harbour with { Id = string.Empty }));
        Assert.Equal("harbour", Assert.Single(again.FindCopies(FollowUp)).Id);
    }

    [Fact]
    public void Loading_keeps_the_saved_settings_unless_the_caller_changes_them()
    {
        var original = new CopyDetector(new DetectorOptions { Threshold = 0.7, BoilerplateDocumentFrequency = 25 });
        original.Add(Harbour);
        original.SaveToFile(SnapshotPath);

        Assert.Equal(0.7, CopyDetector.LoadFromFile(SnapshotPath).Options.Threshold);
        CopyDetector configured = CopyDetector.LoadFromFile(SnapshotPath, saved => saved with { ArticleLookup = _ => null });
        Assert.Equal(0.7, configured.Options.Threshold);
        Assert.Equal(25, configured.Options.BoilerplateDocumentFrequency);
        Assert.NotNull(configured.Options.ArticleLookup);
        Assert.Equal(0.5, CopyDetector.LoadFromFile(SnapshotPath, saved => saved with { Threshold = 0.5 }).Options.Threshold);
        using CopyDetector opened = OpenIndex();
        Assert.Equal(0.7, opened.Options.Threshold);
        Assert.Equal(25, opened.Options.BoilerplateDocumentFrequency);
    }

    [Fact]
    public async Task The_services_example_of_the_readme_finds_copies_and_checkpoints()
    {
        CancellationToken stoppingToken = TestContext.Current.CancellationToken;
        var output = new List<string>();
        using (CopyDetector seed = OpenIndex())
        {
            seed.Add(Harbour);
        }

        Article article = new("wire", TestArticles.Syndicate(TestArticles.Harbour));
        await using (CopyDetector detector = OpenIndex())
        {
            FindOrAddResult result = await detector.FindOrAddAsync(article, stoppingToken);
            foreach (CopyMatch copy in result.Copies)
            {
                output.Add($"{article.Id}: {copy.Kind} copy of {copy.Id} ({copy.Score:F2})");
            }

            detector.Checkpoint();
        }

        Assert.StartsWith("wire: Syndicated copy of harbour (", Assert.Single(output), StringComparison.Ordinal);
        Assert.Equal(2, CopyDetector.LoadFromFile(SnapshotPath).Count);
    }

    /// <summary>
    /// A bad record with valid ones after it is damage, not a torn tail: cutting the journal there would drop the
    /// acknowledged changes after it, so opening throws and leaves the file as it is.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    public void A_damaged_record_with_valid_ones_after_it_is_refused_and_the_journal_kept(int offsetInFirstRecord)
    {
        using (CopyDetector detector = OpenIndex())
        {
            detector.Add(Harbour);
            detector.Add(Rail);
            detector.Add(FollowUp);
        }

        byte[] bytes = File.ReadAllBytes(JournalPath);
        bytes[12 + offsetInFirstRecord] ^= 0x40;
        File.WriteAllBytes(JournalPath, bytes);

        var e = Assert.Throws<InvalidDataException>(() => OpenIndex());
        Assert.Contains("damaged at byte 12", e.Message, StringComparison.Ordinal);
        Assert.Equal(bytes, File.ReadAllBytes(JournalPath));
    }

    /// <summary>Two detectors writing one journal lose each other's changes: the second <c>Open</c> is refused while the first holds the index.</summary>
    [Fact]
    public void A_second_detector_cannot_open_an_index_that_one_holds()
    {
        using (CopyDetector first = OpenIndex())
        {
            first.Add(Harbour);
            var e = Assert.Throws<IOException>(() => OpenIndex());
            Assert.Contains("open in another detector", e.Message, StringComparison.Ordinal);
            first.Add(Rail);
            first.Checkpoint();
            first.Add(FollowUp);
        }

        using CopyDetector reopened = OpenIndex();
        Assert.Equal(3, reopened.Count);
    }

    /// <summary>
    /// Two paths to one index, through a symbolic link to the snapshot or to a folder on the way, take one lock: the
    /// second <c>Open</c> is refused, and what the first wrote is found by either path. Before, each path had its own
    /// lock and journal beside the link, and the two detectors' checkpoints replaced each other's snapshot (a client's
    /// trial lost 890 acknowledged articles so).
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_symbolic_link_to_an_index_that_one_holds_is_refused(bool linkTheFolder)
    {
        using (CopyDetector first = OpenIndex())
        {
            first.Add(Harbour);
            first.Checkpoint();
            string other = Path.Combine(_folder, "other");
            string linked;
            if (linkTheFolder)
            {
                Directory.CreateSymbolicLink(other, _folder);
                linked = Path.Combine(other, Path.GetFileName(SnapshotPath));
            }
            else
            {
                Directory.CreateDirectory(other);
                linked = Path.Combine(other, "linked.dedup");
                File.CreateSymbolicLink(linked, SnapshotPath);
            }

            var e = Assert.Throws<IOException>(() => CopyDetector.Open(linked, cancellationToken: TestContext.Current.CancellationToken));
            Assert.Contains("open in another detector", e.Message, StringComparison.Ordinal);
            first.Add(Rail);
        }

        string[] paths = linkTheFolder
            ? [Path.Combine(_folder, "other", Path.GetFileName(SnapshotPath))]
            : [Path.Combine(_folder, "other", "linked.dedup")];
        using (CopyDetector throughTheLink = CopyDetector.Open(paths[0], cancellationToken: TestContext.Current.CancellationToken))
        {
            Assert.Equal(2, throughTheLink.Count);
            throughTheLink.Add(FollowUp);
        }

        Assert.False(File.Exists(paths[0] + ".journal") && !linkTheFolder, "the journal is kept beside the snapshot, not the link");
        using CopyDetector reopened = OpenIndex();
        Assert.Equal(3, reopened.Count);
    }

    /// <summary>
    /// Checkpoints that fail one after another (a full disk) lose nothing: the first leaves the journal aside, the
    /// second fails while copying the new records after it, and later adds still land after every record. Before, the
    /// second failure left the journal positioned inside its records, so the next adds overwrote acknowledged ones, and
    /// the file left aside ended in a torn copy that the next checkpoint wrote valid records after (a client's trial
    /// lost 223 acknowledged articles and could not open the index).
    /// </summary>
    [Fact]
    public void Checkpoints_failing_one_after_another_lose_nothing()
    {
        // More records than one read of the copy takes (80 KiB), so that the failed copy stops inside them.
        Article[] many = [.. BoilerplateModelTests.ManyArticles(400)];
        using (CopyDetector detector = CopyDetector.Open(SnapshotPath, new JournalOptions { Flush = JournalFlush.OperatingSystem }, cancellationToken: TestContext.Current.CancellationToken))
        {
            detector.Add(Harbour);

            // The first add wrote the index's empty snapshot; with a folder in its place the checkpoint fails (the
            // journal, begun with no snapshot, holds every change).
            File.Delete(SnapshotPath);
            Directory.CreateDirectory(SnapshotPath);
            Assert.ThrowsAny<IOException>(detector.Checkpoint);
            detector.AddRange(many, TestContext.Current.CancellationToken);
            Assert.True(detector.JournalBytes > 200_000, $"{detector.JournalBytes} journal bytes");
            DetectorJournal journal = detector.JournalForTests!;
            journal.WrapOldFileForTests = inner => new FailingStream(inner, failAfter: 7);
            Assert.ThrowsAny<IOException>(detector.Checkpoint);
            journal.WrapOldFileForTests = null;
            detector.Add(Rail);
            Assert.True(detector.Remove("harbour"));

            // A third checkpoint copies the records after the old file's end, then fails on the snapshot again.
            Assert.ThrowsAny<IOException>(detector.Checkpoint);
            detector.Add(FollowUp);
            Directory.Delete(SnapshotPath);
        }

        using (CopyDetector reopened = OpenIndex())
        {
            Assert.Equal(many.Length + 2, reopened.Count);
            Assert.False(reopened.Contains("harbour"));
            Assert.True(reopened.Contains("rail") && reopened.Contains("follow-up") && reopened.Contains(many[^1].Id));
        }
    }

    /// <summary>A stream that writes the first bytes it is given, then fails as a full disk does.</summary>
    private sealed class FailingStream(Stream inner, int failAfter) : Stream
    {
        private int _left = failAfter;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            int n = Math.Min(_left, buffer.Length);
            inner.Write(buffer[..n]);
            _left -= n;
            if (n < buffer.Length)
            {
                throw new IOException("No space left on device");
            }
        }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>A flush policy that is not one of the enum's values is refused where it is set, naming the setting.</summary>
    [Fact]
    public void An_undefined_flush_policy_is_refused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new JournalOptions { Flush = (JournalFlush)42 });
        Assert.Equal("Flush", e.ParamName);
    }

    /// <summary>A batch cancelled before it is added adds nothing, to the index or its journal (Ctrl+C during <c>dedup index add</c> was ignored).</summary>
    [Fact]
    public void A_cancelled_batch_adds_nothing()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        using (CopyDetector detector = OpenIndex())
        {
            detector.Add(Harbour);
            Assert.ThrowsAny<OperationCanceledException>(() => detector.AddRange([Rail, FollowUp], cancelled.Token));
            Assert.Equal(1, detector.Count);
            detector.AddRange([Rail], TestContext.Current.CancellationToken);
        }

        using CopyDetector reopened = OpenIndex();
        Assert.Equal(2, reopened.Count);
        Assert.False(reopened.Contains("follow-up"));
    }

    /// <summary>
    /// An open cancelled while the snapshot's articles load stops there (`dedup index remove` loaded a 150,000-article
    /// index for seconds after a Ctrl+C, then removed the articles anyway): it throws, releases the index, and a later open
    /// finds it whole. The token is cancelled from the settings callback, which runs once the snapshot's header is read.
    /// </summary>
    [Fact]
    public void An_open_cancelled_while_the_snapshot_loads_stops_and_leaves_the_index_as_it_was()
    {
        using (CopyDetector detector = OpenIndex())
        {
            detector.AddRange([Harbour, Rail, FollowUp], TestContext.Current.CancellationToken);
            detector.Checkpoint();
        }

        byte[] snapshot = File.ReadAllBytes(SnapshotPath);
        byte[] journal = File.ReadAllBytes(JournalPath);
        using (var cancel = new CancellationTokenSource())
        {
            Assert.ThrowsAny<OperationCanceledException>(() => CopyDetector.Open(SnapshotPath, configure: o =>
            {
                cancel.Cancel();
                return o;
            }, cancellationToken: cancel.Token));
        }

        using (var cancel = new CancellationTokenSource())
        {
            Assert.ThrowsAny<OperationCanceledException>(() => CopyDetector.OpenReadOnly(SnapshotPath, o =>
            {
                cancel.Cancel();
                return o;
            }, cancel.Token));
        }

        Assert.Equal(snapshot, File.ReadAllBytes(SnapshotPath));
        Assert.Equal(journal, File.ReadAllBytes(JournalPath));
        using CopyDetector reopened = OpenIndex();
        Assert.Equal(3, reopened.Count);
    }

    /// <summary>
    /// An open cancelled while the journal replays stops before it changes the journal: a torn last record is neither cut
    /// off nor kept aside (as a completed open does), and the next open replays every record.
    /// </summary>
    [Fact]
    public void An_open_cancelled_while_the_journal_replays_stops_before_changing_the_journal()
    {
        using (CopyDetector detector = OpenIndex())
        {
            detector.Add(Harbour);
            detector.Add(Rail);
            detector.Add(FollowUp);
        }

        // The snapshot is the empty one of the first add: the articles are in the journal alone, and a torn record ends it.
        File.AppendAllBytes(JournalPath, [9, 0, 0, 0, 1, 2, 3]);
        byte[] journal = File.ReadAllBytes(JournalPath);
        using (var cancel = new CancellationTokenSource())
        {
            Assert.ThrowsAny<OperationCanceledException>(() => CopyDetector.Open(SnapshotPath, configure: o =>
            {
                cancel.Cancel();
                return o;
            }, cancellationToken: cancel.Token));
        }

        Assert.Equal(journal, File.ReadAllBytes(JournalPath));
        Assert.Empty(Directory.GetFiles(_folder, "*.cut-*"));
        using CopyDetector reopened = OpenIndex();
        Assert.Equal(3, reopened.Count);
        Assert.Single(reopened.JournalTailsKept);
    }

    /// <summary>
    /// A read-only open says which journals ended in a torn or damaged record it skipped (JournalTailsSkipped), so that a
    /// tool can warn as it does for the tails Open cuts off and keeps; it changes no file, and an Open then cuts it.
    /// </summary>
    [Fact]
    public void A_read_only_open_names_the_journal_whose_torn_last_record_it_skipped()
    {
        using (CopyDetector detector = OpenIndex())
        {
            detector.Add(Harbour);
            detector.Add(Rail);
        }

        using (CopyDetector whole = OpenIndexReadOnly())
        {
            Assert.Empty(whole.JournalTailsSkipped);
        }

        File.AppendAllBytes(JournalPath, [9, 0, 0, 0, 1, 2, 3]);
        byte[] journal = File.ReadAllBytes(JournalPath);
        using (CopyDetector reader = OpenIndexReadOnly())
        {
            Assert.Equal(2, reader.Count);
            Assert.Equal([Path.GetFullPath(JournalPath)], reader.JournalTailsSkipped);
            Assert.Empty(reader.JournalTailsKept);
        }

        Assert.Equal(journal, File.ReadAllBytes(JournalPath));
        using CopyDetector writer = OpenIndex();
        Assert.Empty(writer.JournalTailsSkipped);
        Assert.Single(writer.JournalTailsKept);
    }

    /// <summary>A lock file that cannot be made is reported as such, with its cause, not as an index another detector holds.</summary>
    [Fact]
    public void A_lock_file_that_cannot_be_made_is_named_with_its_cause()
    {
        Directory.CreateDirectory(SnapshotPath + ".lock");

        var e = Assert.ThrowsAny<Exception>(() => OpenIndex());

        Assert.True(e is IOException or UnauthorizedAccessException, e.ToString());
        Assert.DoesNotContain("open in another detector", e.Message, StringComparison.Ordinal);
        Assert.Contains(SnapshotPath + ".lock", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_index_exists_once_it_holds_changes_in_its_journal_or_a_snapshot()
    {
        Assert.False(CopyDetector.IndexExists(SnapshotPath));
        using (OpenIndex())
        {
        }

        Assert.False(CopyDetector.IndexExists(SnapshotPath)); // an empty journal: nothing was ever added
        using (CopyDetector detector = OpenIndex())
        {
            detector.Add(Harbour);
        }

        Assert.True(CopyDetector.IndexExists(SnapshotPath));
        File.Delete(SnapshotPath); // written empty, with the settings, by the first add: the journal alone holds the index too
        Assert.True(CopyDetector.IndexExists(SnapshotPath));
        File.Move(JournalPath, JournalPath + ".old");
        Assert.True(CopyDetector.IndexExists(SnapshotPath)); // left aside by an interrupted checkpoint
    }

    [Fact]
    public void Open_refuses_a_folder_and_a_missing_folder_before_writing_anything()
    {
        var folder = Assert.Throws<ArgumentException>(() => CopyDetector.Open(_folder, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("is a folder", folder.Message, StringComparison.Ordinal);
        Assert.Throws<DirectoryNotFoundException>(() => CopyDetector.Open(Path.Combine(_folder, "no-such", "index.dedup"), cancellationToken: TestContext.Current.CancellationToken));
        Assert.Empty(Directory.GetFileSystemEntries(_folder));

        // A file where a folder should be is named (it was "the folder ... does not exist"), by Open and SaveToFile.
        string file = Path.Combine(_folder, "a-file");
        File.WriteAllText(file, "x");
        Assert.Contains($"'{file}' is a file, not a folder", Assert.Throws<DirectoryNotFoundException>(() => CopyDetector.Open(Path.Combine(file, "sub", "index.dedup"), cancellationToken: TestContext.Current.CancellationToken)).Message, StringComparison.Ordinal);
        using var detector = new CopyDetector();
        Assert.Contains($"'{file}' is a file, not a folder", Assert.Throws<DirectoryNotFoundException>(() => detector.SaveToFile(Path.Combine(file, "index.dedup"))).Message, StringComparison.Ordinal);
        Assert.Contains("names a folder, not a file", Assert.Throws<ArgumentException>(() => detector.SaveToFile(_folder)).Message, StringComparison.Ordinal);

        // Loading a folder was "access to the path is denied" (a client's trial), for the detector and both indexes.
        Assert.Contains("names a folder, not a file", Assert.Throws<ArgumentException>(() => CopyDetector.LoadFromFile(_folder)).Message, StringComparison.Ordinal);
        Assert.Contains("names a folder, not a file", Assert.Throws<ArgumentException>(() => Dedup.Indexing.MinHashLshIndex.LoadFromFile(_folder)).Message, StringComparison.Ordinal);
        Assert.Contains("names a folder, not a file", Assert.Throws<ArgumentException>(() => Dedup.Indexing.SimHashIndex.LoadFromFile(_folder)).Message, StringComparison.Ordinal);
        Assert.Equal([file], Directory.GetFileSystemEntries(_folder));
        File.Delete(file);
        Assert.False(File.Exists(_folder + ".journal"));
        Assert.False(File.Exists(_folder + ".lock"));
    }

    [Fact]
    public void A_file_that_is_not_a_journal_is_refused_with_a_clear_message()
    {
        File.WriteAllText(JournalPath, "this is not a journal at all");
        var e = Assert.Throws<InvalidDataException>(() => OpenIndex());
        Assert.Contains("not a detector journal", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The durability promise: a child process adds and removes articles through a journaled detector and prints each
    /// acknowledgement; it is killed (SIGKILL) at a random point, several times over the same files, and every change it
    /// acknowledged must be found on reopening (a change it had started but not acknowledged may go either way, and must
    /// then stay as the reopened detector has it).
    /// </summary>
    [Fact]
    public async Task Killing_the_process_at_random_points_loses_nothing_acknowledged()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        var random = new Random(20261126);
        var expected = new Dictionary<string, bool>(StringComparer.Ordinal);
        int acknowledged = 0, inFlight = 0;
        for (int round = 0; round < 6; round++)
        {
            int stopAfter = random.Next(1, 120);
            List<string> lines = await RunChildUntilKilledAsync(round * 100_000, random.Next(), stopAfter, ct);
            // A removal that was started but not acknowledged when the child died may or may not have happened.
            string? removing = null;
            foreach (string line in lines)
            {
                string[] parts = line.Split(' ');
                if (parts is ["added", var id])
                {
                    expected[id] = true;
                    acknowledged++;
                }
                else if (parts is ["removing", var started])
                {
                    removing = started;
                }
                else if (parts is ["removed", var removed])
                {
                    expected[removed] = false;
                    removing = null;
                    acknowledged++;
                }
            }

            using CopyDetector reopened = OpenIndex();
            if (removing is not null)
            {
                // From here on it must stay as the reopened detector has it.
                expected[removing] = reopened.Contains(removing);
                inFlight++;
            }

            foreach ((string id, bool present) in expected)
            {
                Assert.True(reopened.Contains(id) == present, $"round {round}: '{id}' should be {(present ? "present" : "absent")}");
            }
        }

        Assert.True(acknowledged > 50, $"only {acknowledged} changes were acknowledged ({inFlight} removals in flight)");
    }

    private async Task<List<string>> RunChildUntilKilledAsync(int firstId, int seed, int stopAfter, CancellationToken ct)
    {
        string child = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "Dedup.CrashChild.exe" : "Dedup.CrashChild");
        var start = File.Exists(child)
            ? new ProcessStartInfo(child)
            : new ProcessStartInfo("dotnet") { ArgumentList = { Path.Combine(AppContext.BaseDirectory, "Dedup.CrashChild.dll") } };
        start.ArgumentList.Add(SnapshotPath);
        start.ArgumentList.Add(firstId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add(seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("The child did not start.");
        var lines = new List<string>();
        int changes = 0;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            lines.Add(line);
            if (!line.StartsWith("added ", StringComparison.Ordinal) && !line.StartsWith("removed ", StringComparison.Ordinal))
            {
                continue;
            }

            if (++changes == stopAfter)
            {
                process.Kill(entireProcessTree: true);
                break;
            }
        }

        // Whatever the child printed before it died was acknowledged too.
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } rest)
        {
            lines.Add(rest);
        }

        await process.WaitForExitAsync(timeout.Token);
        Assert.True(changes == stopAfter, $"the child stopped by itself after {changes} changes: {await process.StandardError.ReadToEndAsync(ct)}");
        return lines;
    }
}

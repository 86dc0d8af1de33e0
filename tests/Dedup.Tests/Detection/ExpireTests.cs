using Dedup.Detection;

namespace Dedup.Tests.Detection;

/// <summary>A time window of news in a detector's own index: <see cref="CopyDetector.Expire"/> and <see cref="CopyDetector.ExpireAsync"/>.</summary>
public sealed class ExpireTests : IDisposable
{
    private static readonly DateTimeOffset Day1 = new(2026, 3, 1, 9, 0, 0, TimeSpan.FromHours(2));
    private readonly string _folder = Directory.CreateTempSubdirectory("dedup-expire-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Three stories and a copy of each, published a day apart (the copies an hour after their stories).</summary>
    private static IEnumerable<Article> Stories()
    {
        string[] texts = [TestArticles.Harbour, TestArticles.Rail, TestArticles.HarbourFollowUp];
        for (int d = 0; d < texts.Length; d++)
        {
            yield return new Article($"s{d}", texts[d], Published: Day1.AddDays(d));
            yield return new Article($"s{d}-copy", TestArticles.Syndicate(texts[d]), Published: Day1.AddDays(d).AddHours(1));
        }
    }

    [Fact]
    public void Articles_published_before_the_cutoff_expire_oldest_first_a_page_at_a_time()
    {
        using var detector = new CopyDetector();
        foreach (Article a in Stories().Reverse())
        {
            detector.Add(a);
        }

        Assert.NotNull(detector.ClusterOf("s0"));
        DateTimeOffset cutoff = Day1.AddDays(1).AddMinutes(30); // s0, s0-copy and s1 are older
        Assert.Equal(2, detector.Expire(cutoff, limit: 2));
        Assert.False(detector.Contains("s0") || detector.Contains("s0-copy"));
        Assert.True(detector.Contains("s1"));
        Assert.Equal(1, detector.Expire(cutoff, limit: 2));
        Assert.Equal(0, detector.Expire(cutoff));
        Assert.Equal(3, detector.Count);

        Assert.Null(detector.ClusterOf("s0"));
        Assert.Empty(detector.FindCopies(TestArticles.Syndicate(TestArticles.Harbour)));
        Assert.Equal(["s1-copy"], detector.ClusterOf("s1-copy")!.Members);
        Assert.Equal(["s2", "s2-copy"], detector.ClusterOf("s2")!.Members.Order(StringComparer.Ordinal));
        Assert.Throws<ArgumentOutOfRangeException>(() => detector.Expire(cutoff, limit: 0));
    }

    /// <summary>An article without a publication time expires by the time it was indexed.</summary>
    [Fact]
    public void An_undated_article_expires_by_the_time_it_was_indexed()
    {
        using var detector = new CopyDetector();
        DateTimeOffset before = DateTimeOffset.UtcNow;
        detector.Add("undated", TestArticles.Harbour);
        detector.Add(new Article("old", TestArticles.Rail, Published: before.AddYears(-1)));
        Assert.Equal(1, detector.Expire(before.AddMinutes(-1)));
        Assert.True(detector.Contains("undated"));
        Assert.Equal(1, detector.Expire(DateTimeOffset.UtcNow.AddSeconds(1)));
        Assert.Equal(0, detector.Count);
    }

    /// <summary>
    /// An undated article added through a bucket store reached only asynchronously has the time it was indexed too: it
    /// had none (0), so any cutoff expired it first, however new it was.
    /// </summary>
    [Fact]
    public async Task An_undated_article_added_through_an_asynchronous_store_expires_by_the_time_it_was_indexed()
    {
        using var detector = new CopyDetector(null, new AsyncOnlyStore());
        DateTimeOffset before = DateTimeOffset.UtcNow;
        await detector.AddAsync(new Article("undated", TestArticles.Harbour), TestContext.Current.CancellationToken);
        Assert.Equal(0, await detector.ExpireAsync(before.AddMinutes(-1), cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(1, await detector.ExpireAsync(DateTimeOffset.UtcNow.AddSeconds(1), cancellationToken: TestContext.Current.CancellationToken));
    }

    /// <summary>
    /// A snapshot keeps the time an undated article was indexed: loaded later, it expires by that time, not by the load's
    /// (a service restarted more often than its window never expired such articles). A version 7 snapshot did not keep
    /// it: the article counts from the load.
    /// </summary>
    [Fact]
    public void A_snapshot_keeps_the_time_an_undated_article_was_indexed()
    {
        using var detector = new CopyDetector();
        detector.Add("undated", TestArticles.Harbour);
        detector.Add(new Article("dated", TestArticles.Rail, Published: DateTimeOffset.UtcNow.AddDays(1)));
        DateTimeOffset cutoff = DateTimeOffset.UtcNow.AddTicks(1);
        byte[] snapshot = SnapshotBytes.Of(detector);
        while (DateTimeOffset.UtcNow <= cutoff)
        {
            Thread.Sleep(1);
        }

        using (CopyDetector loaded = CopyDetector.Load(new MemoryStream(snapshot)))
        {
            Assert.Equal(1, loaded.Expire(cutoff));
            Assert.False(loaded.Contains("undated"));
            Assert.True(loaded.Contains("dated"));
        }

        using CopyDetector older = CopyDetector.Load(new MemoryStream(SnapshotBytes.AsVersion7(snapshot)));
        Assert.Equal(0, older.Expire(cutoff));
        Assert.Equal(2, older.Count);
    }

    /// <summary>
    /// The journal keeps the time an undated article was indexed: replayed at the next open (no checkpoint in between),
    /// it expires by that time, not by the replay's. A journal of the older format (version 3, adds without the time)
    /// is still replayed, its undated articles counted from the replay.
    /// </summary>
    [Fact]
    public void A_journal_keeps_the_time_an_undated_article_was_indexed()
    {
        string path = Path.Combine(_folder, "news.index");
        string journal = path + ".journal";
        DateTimeOffset cutoff;
        using (CopyDetector detector = CopyDetector.Open(path, cancellationToken: TestContext.Current.CancellationToken))
        {
            detector.Add("undated", TestArticles.Harbour);
            cutoff = DateTimeOffset.UtcNow.AddTicks(1);
        }

        Assert.Equal(0, CopyDetector.Load(new MemoryStream(File.ReadAllBytes(path))).Count); // in the journal alone (the snapshot is the empty one of the first add)
        byte[] timed = File.ReadAllBytes(journal);
        Assert.Equal(DetectorJournal.TimedVersion, System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(timed.AsSpan(8)));
        while (DateTimeOffset.UtcNow <= cutoff)
        {
            Thread.Sleep(1);
        }

        using (CopyDetector reopened = CopyDetector.Open(path, cancellationToken: TestContext.Current.CancellationToken))
        {
            Assert.Equal(1, reopened.Count);
            Assert.Equal(1, reopened.Expire(cutoff));
        }

        // The same journal as version 1 wrote it: its add without the indexed time (the record's last 8 payload bytes
        // before its checksum), length and checksum made again.
        File.Delete(journal);
        int record = 12;
        int length = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(timed.AsSpan(record));
        byte[] body = [.. timed.AsSpan(record, 5 + length - 8)];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(body, (uint)(length - 8));
        byte[] checksum = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(checksum, System.IO.Hashing.XxHash64.HashToUInt64(body));
        File.WriteAllBytes(journal, [.. "DEDUPJNL"u8, 1, 0, 0, 0, .. body, .. checksum]);
        using CopyDetector older = CopyDetector.Open(path, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(1, older.Count);
        Assert.Equal(0, older.Expire(cutoff));
    }

    /// <summary>An indexed time past the last time there is: the snapshot is refused, naming the article.</summary>
    [Fact]
    public void A_snapshot_with_an_impossible_indexed_time_is_refused()
    {
        using var detector = new CopyDetector();
        detector.Add("undated", TestArticles.Harbour);
        byte[] snapshot = SnapshotBytes.Of(detector);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(snapshot.AsSpan(snapshot.Length - 16), ulong.MaxValue);
        string message = Assert.Throws<InvalidDataException>(() => CopyDetector.Load(new MemoryStream(SnapshotBytes.Sealed(snapshot)))).Message;
        Assert.Contains("indexed time of article 'undated'", message, StringComparison.Ordinal);
    }

    /// <summary>The removals are journaled (with one write): reopened, the index holds the window; a read-only detector refuses them.</summary>
    [Fact]
    public void Expiry_is_journaled_and_refused_read_only()
    {
        string path = Path.Combine(_folder, "news.index");
        using (CopyDetector detector = CopyDetector.Open(path, cancellationToken: TestContext.Current.CancellationToken))
        {
            detector.AddRange(Stories(), TestContext.Current.CancellationToken);
            detector.Checkpoint();
        }

        using (CopyDetector reader = CopyDetector.OpenReadOnly(path, cancellationToken: TestContext.Current.CancellationToken))
        {
            Assert.Throws<InvalidOperationException>(() => reader.Expire(Day1.AddDays(1)));
            Assert.Equal(6, reader.Count);
        }

        using (CopyDetector detector = CopyDetector.Open(path, cancellationToken: TestContext.Current.CancellationToken))
        {
            Assert.Equal(0, detector.JournalBytes);
            Assert.Equal(2, detector.Expire(Day1.AddDays(1)));
            Assert.True(detector.JournalBytes > 0);
        }

        using CopyDetector reopened = CopyDetector.Open(path, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(4, reopened.Count);
        Assert.False(reopened.Contains("s0-copy"));
    }

    /// <summary>With a bucket store reached only asynchronously, <see cref="CopyDetector.ExpireAsync"/> expires the same; <see cref="CopyDetector.Expire"/> says to use it.</summary>
    [Fact]
    public async Task ExpireAsync_expires_through_an_asynchronous_store()
    {
        using var detector = new CopyDetector(null, new AsyncOnlyStore());
        foreach (Article a in Stories())
        {
            await detector.AddAsync(a, TestContext.Current.CancellationToken);
        }

        Assert.Throws<NotSupportedException>(() => detector.Expire(Day1.AddDays(1)));
        Assert.Equal(2, await detector.ExpireAsync(Day1.AddDays(1), cancellationToken: TestContext.Current.CancellationToken));
        Assert.Empty(await detector.FindCopiesAsync(TestArticles.Syndicate(TestArticles.Harbour), TestContext.Current.CancellationToken));
        Assert.NotEmpty(await detector.FindCopiesAsync(TestArticles.Syndicate(TestArticles.Rail), TestContext.Current.CancellationToken));
    }
}

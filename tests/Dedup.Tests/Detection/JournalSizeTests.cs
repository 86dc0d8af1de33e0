using Dedup.Detection;

namespace Dedup.Tests.Detection;

/// <summary>
/// What a journal holds, it reads back, at any size: a client's trial wrote and acknowledged a journal of 2.2 GB (about
/// 900,000 adds between checkpoints), which no open could read ("The file is too long"), and an article whose record
/// was over what the reader takes, which the next open called damage. A batch too large for one write failed with an
/// OutOfMemoryException.
/// </summary>
public sealed class JournalSizeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("dedup-journal-size-").FullName;

    private string JournalPath => Path.Combine(_folder, "index.dedup.journal");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_journal_of_more_than_2_GiB_is_replayed_whole_and_a_torn_tail_past_it_is_found()
    {
        const int Articles = 2_080, TextChars = 1 << 20; // a little over 2 GiB of records
        if (new DriveInfo(_folder).AvailableFreeSpace < 4L << 30)
        {
            Assert.Skip("needs 4 GB free on the temporary folder's disk to write a journal of more than 2 GiB");
        }

        string text = new('w', TextChars);
        using (DetectorJournal journal = DetectorJournal.OpenForAppend(JournalPath, 0, JournalFlush.OperatingSystem, DetectorJournal.JournalHeader.NoSnapshot))
        {
            for (int start = 0; start < Articles; start += 64)
            {
                journal.AppendAdds([.. Enumerable.Range(start, Math.Min(64, Articles - start)).Select(i => new Article($"a{i}", text))], DateTime.UtcNow.Ticks);
            }

            journal.AppendRemoves(["a7"]);
        }

        long length = new FileInfo(JournalPath).Length;
        Assert.True(length > int.MaxValue, $"the journal is {length} bytes");
        File.AppendAllText(JournalPath, "torn");

        int adds = 0;
        string? last = null;
        long valid = DetectorJournal.Replay(JournalPath, (id, article, _) =>
        {
            adds += article is null ? 0 : 1;
            last = id;
            Assert.True(article is null || article.Text.Length == TextChars);
        }, out int records, TestContext.Current.CancellationToken);

        Assert.Equal((Articles + 1, Articles, "a7"), (records, adds, last));
        Assert.Equal(length, valid);

        // A byte changed in a record past 2 GiB, with valid records after it, is damage named at its offset.
        long damagedAt = length - (3L * (TextChars + 100));
        using (var file = new FileStream(JournalPath, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = damagedAt;
            int b = file.ReadByte();
            file.Position = damagedAt;
            file.WriteByte((byte)(b ^ 0x40));
        }

        var damaged = Assert.Throws<InvalidDataException>(() => DetectorJournal.Replay(JournalPath, (_, _, _) => { }, out _, TestContext.Current.CancellationToken));
        Assert.Matches(@"is damaged at byte 2[0-9]{9} \(a record there fails its checksum or its format\), yet a valid record follows at byte 2[0-9]{9}", damaged.Message);
    }

    [Fact]
    public void An_article_too_large_for_a_journal_record_is_refused_before_anything_is_written()
    {
        // 120 million euro signs, three bytes each in UTF-8, as text, title and source: 1.08 GB, over the 1 GiB a record holds.
        string large = new('\u20AC', 120_000_000);
        using DetectorJournal journal = DetectorJournal.OpenForAppend(JournalPath, 0, JournalFlush.OperatingSystem, DetectorJournal.JournalHeader.NoSnapshot);
        long before = new FileInfo(JournalPath).Length;

        var e = Assert.Throws<ArgumentException>(() => journal.AppendAdds([new Article("small", "A short story."), new Article("large", large, large, null, large)], 0));

        Assert.Contains("'large' takes 1,080,000,", e.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was added", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, new FileInfo(JournalPath).Length);
    }

    [Fact]
    public void A_batch_larger_than_one_write_is_refused_before_anything_is_written()
    {
        string text = new('w', 1 << 20);
        using DetectorJournal journal = DetectorJournal.OpenForAppend(JournalPath, 0, JournalFlush.OperatingSystem, DetectorJournal.JournalHeader.NoSnapshot);
        long before = new FileInfo(JournalPath).Length;

        var e = Assert.Throws<ArgumentException>(() => journal.AppendAdds([.. Enumerable.Range(0, 2_100).Select(i => new Article($"a{i}", text))], 0));

        Assert.Contains("add it in smaller batches", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, new FileInfo(JournalPath).Length);
    }
}

using System.Buffers.Binary;
using System.IO.Hashing;
using Dedup.Detection;

namespace Dedup.Tests.Detection;

/// <summary>
/// A detector that keeps clusters saves them with its snapshot, so that one loaded or opened from it answers
/// <see cref="CopyDetector.ClusterOf"/> at once (clustering 20,000 articles again took the first call 2 s).
/// </summary>
public sealed class ClusterSnapshotTests : IDisposable
{
    private static readonly DateTimeOffset Day = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly string _folder = Directory.CreateTempSubdirectory("dedup-clusters-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>
    /// Copies of a story, two parts of another that only its removed whole held together (so their cluster split), and
    /// a follow-up; clusters kept from the first add.
    /// </summary>
    private static CopyDetector Clustered()
    {
        var detector = new CopyDetector();
        Assert.Null(detector.ClusterOf("-"));
        detector.Add("b", TestArticles.Lead(TestArticles.Harbour, 2), published: Day);
        detector.Add("c", string.Join("\n\n", TestArticles.Harbour.Split("\n\n").Skip(4)), published: Day.AddHours(1));
        detector.Add("a", TestArticles.Harbour, published: Day.AddHours(2));
        detector.Add("r", TestArticles.Rail, published: Day.AddHours(3));
        detector.Add("r2", TestArticles.Syndicate(TestArticles.Rail), published: Day.AddHours(4));
        detector.Add("r3", TestArticles.Spin(TestArticles.Rail));
        detector.Add("f", TestArticles.HarbourFollowUp, published: Day.AddHours(5));
        Assert.True(detector.Remove("a"));
        return detector;
    }

    private static readonly string[] Ids = ["b", "c", "f", "r", "r2", "r3"];

    /// <summary>The bytes with their trailing checksum made again (after a test changed them).</summary>
    private static byte[] Sealed(byte[] bytes)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(bytes.Length - 8), XxHash64.HashToUInt64(bytes.AsSpan(0, bytes.Length - 8)));
        return bytes;
    }

    private static void AssertSameClusters(CopyDetector expected, CopyDetector actual)
    {
        foreach (string id in Ids)
        {
            CopyCluster e = expected.ClusterOf(id)!;
            CopyCluster a = actual.ClusterOf(id)!;
            Assert.Equal(e.OriginalId, a.OriginalId);
            Assert.Equal(e.Members, a.Members);
        }
    }

    [Fact]
    public void A_loaded_snapshot_keeps_the_clusters_of_the_detector_that_saved_it()
    {
        using CopyDetector original = Clustered();
        Assert.Equal(["b"], original.ClusterOf("b")!.Members);
        Assert.Equal(["r", "r2", "r3"], original.ClusterOf("r3")!.Members.Order());

        using CopyDetector loaded = CopyDetector.Load(new MemoryStream(SnapshotBytes.Of(original)));

        // Restored from the snapshot's matches, before any call asks for them: not clustered again by the first call.
        Assert.True(loaded.KeepsClustersForTests);
        AssertSameClusters(original, loaded);
        Assert.Equal(SnapshotBytes.Of(original), SnapshotBytes.Of(loaded));

        // And kept up to date from there.
        loaded.Add("r4", TestArticles.Lead(TestArticles.Rail, 3));
        Assert.Equal(["r", "r2", "r3", "r4"], loaded.ClusterOf("r4")!.Members.Order());
        Assert.True(loaded.Remove("r"));
        Assert.DoesNotContain("r", loaded.ClusterOf("r2")!.Members);
    }

    [Fact]
    public void A_detector_that_keeps_no_clusters_saves_none_and_one_loaded_at_other_settings_clusters_again()
    {
        using var plain = new CopyDetector();
        plain.Add("r", TestArticles.Rail);
        plain.Add("r2", TestArticles.Syndicate(TestArticles.Rail));
        using CopyDetector fromPlain = CopyDetector.Load(new MemoryStream(SnapshotBytes.Of(plain)));
        Assert.False(fromPlain.KeepsClustersForTests);
        Assert.Equal(["r", "r2"], fromPlain.ClusterOf("r2")!.Members.Order());

        // Two stories that share a quote are apart at the default threshold, together at 0.1 (they score 0.16).
        using var kept = new CopyDetector();
        Assert.Null(kept.ClusterOf("-"));
        kept.Add("qa", TestArticles.QuoteA);
        kept.Add("qb", TestArticles.QuoteB);
        Assert.Equal(["qa"], kept.ClusterOf("qa")!.Members);
        using CopyDetector lenient = CopyDetector.Load(new MemoryStream(SnapshotBytes.Of(kept)), saved => saved with { Threshold = 0.1 });
        Assert.False(lenient.KeepsClustersForTests);
        Assert.Equal(["qa", "qb"], lenient.ClusterOf("qa")!.Members.Order());
    }

    [Fact]
    public void Articles_replayed_from_the_journal_join_the_restored_clusters()
    {
        string path = Path.Combine(_folder, "index.dedup");
        using (CopyDetector detector = CopyDetector.Open(path, cancellationToken: TestContext.Current.CancellationToken))
        {
            Assert.Null(detector.ClusterOf("-"));
            detector.Add("r", TestArticles.Rail);
            detector.Add("h", TestArticles.Harbour);
            detector.Checkpoint();
            detector.Add("r2", TestArticles.Syndicate(TestArticles.Rail));
            detector.Add("x", TestArticles.QuoteA);
            Assert.True(detector.Remove("x"));
        }

        using CopyDetector reopened = CopyDetector.Open(path, cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(reopened.KeepsClustersForTests);
        Assert.Equal(["r", "r2"], reopened.ClusterOf("r")!.Members.Order());
        Assert.Equal(["h"], reopened.ClusterOf("h")!.Members);
        Assert.Null(reopened.ClusterOf("x"));
    }

    /// <summary>
    /// Stories that share only a publisher's footer are no copies once the model has learned it. Replayed on open, an
    /// article joins the clusters under the model of the articles before it, as it did when it was added, not under
    /// the empty model of a detector whose model is learned after its replay (there the footer, 44% of each text, made it
    /// match all four).
    /// </summary>
    [Fact]
    public void Articles_replayed_from_the_journal_are_verified_under_the_model_of_the_snapshot()
    {
        const string Footer = "Subscribe to the Daily Courier newsletter for the morning headlines, the evening briefing and "
            + "exclusive offers from our partners, delivered to your inbox every day of the week at no cost to you at all. "
            + "Follow the Courier on every network and tell us what you think of our stories by writing to the editor.";
        static string Story(int seed)
        {
            // Words of its own among function words, so that its skeleton is its own too.
            string[] function = ["the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "was", "with", "by", "on", "not"];
            var random = new Random(seed);
            return string.Join(' ', Enumerable.Range(0, 64).Select(_ => random.Next(2) == 0 ? function[random.Next(function.Length)] : $"w{random.Next(1_000_000)}"))
                + "\n\n" + Footer;
        }

        string path = Path.Combine(_folder, "footer.dedup");
        Func<DetectorOptions, DetectorOptions> lowFrequency = o => o with { BoilerplateDocumentFrequency = 2 };
        using (CopyDetector detector = CopyDetector.Open(path, configure: lowFrequency, cancellationToken: TestContext.Current.CancellationToken))
        {
            for (int i = 0; i < 4; i++)
            {
                detector.Add($"s{i}", Story(i));
            }

            Assert.Equal(["s0"], detector.ClusterOf("s0")!.Members);
            detector.Checkpoint();
            detector.Add("s4", Story(4));
            Assert.Equal(["s4"], detector.ClusterOf("s4")!.Members);
        }

        using CopyDetector reopened = CopyDetector.Open(path, configure: lowFrequency, cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(reopened.KeepsClustersForTests);
        Assert.Equal(["s4"], reopened.ClusterOf("s4")!.Members);
    }

    /// <summary>
    /// A journal left aside by an interrupted checkpoint is replayed over the snapshot that checkpoint wrote: its add of
    /// an id the snapshot holds with another text replaces the article, which leaves its cluster (here it kept its
    /// place in its old cluster and showed up as a copy of an article it no longer was).
    /// </summary>
    [Fact]
    public void An_article_replaced_by_a_journal_left_aside_leaves_its_cluster()
    {
        string path = Path.Combine(_folder, "aside.dedup");
        string journal = path + ".journal";
        string aside = Path.Combine(_folder, "aside");
        using (CopyDetector detector = CopyDetector.Open(path, cancellationToken: TestContext.Current.CancellationToken))
        {
            detector.Add("x", TestArticles.Rail);
            detector.Add("y", TestArticles.Syndicate(TestArticles.Rail));
        }

        File.Copy(journal, aside);
        using (CopyDetector detector = CopyDetector.Open(path, cancellationToken: TestContext.Current.CancellationToken))
        {
            Assert.Null(detector.ClusterOf("-"));
            Assert.True(detector.Remove("x"));
            detector.Add("x", TestArticles.Harbour);
            detector.Add("z", TestArticles.Syndicate(TestArticles.Harbour));
            Assert.Equal(["x", "z"], detector.ClusterOf("z")!.Members.Order());
            detector.Checkpoint();
        }

        File.Move(aside, journal + ".old");
        using CopyDetector reopened = CopyDetector.Open(path, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(["z"], reopened.ClusterOf("z")!.Members);
        Assert.Equal(["x", "y"], reopened.ClusterOf("x")!.Members.Order());
    }

    [Fact]
    public void A_version_4_snapshot_without_clusters_is_read()
    {
        using var plain = new CopyDetector();
        plain.Add("r", TestArticles.Rail);
        plain.Add("r2", TestArticles.Syndicate(TestArticles.Rail));
        // As version 7 wrote it (no indexed times): the clusters' byte, 0, is the last before the checksum.
        byte[] bytes = SnapshotBytes.AsVersion7(SnapshotBytes.Of(plain));
        Assert.Equal(0, bytes[^9]);

        // Version 4 has no tokenizer flags (after the stopword fingerprint) and ends with the articles: no clusters' byte before the checksum.
        byte[] v6 = SnapshotBytes.AsVersion6(bytes);
        byte[] v4 = [.. v6[..36], .. v6[40..^9], .. new byte[8]];
        BinaryPrimitives.WriteUInt32LittleEndian(v4.AsSpan(8), 4);
        using CopyDetector loaded = CopyDetector.Load(new MemoryStream(Sealed(v4)));

        Assert.Equal(2, loaded.Count);
        Assert.False(loaded.KeepsClustersForTests);
        Assert.Equal(bytes, SnapshotBytes.AsVersion7(SnapshotBytes.Of(loaded)));
        Assert.Equal(["r", "r2"], loaded.ClusterOf("r2")!.Members.Order());
    }

    [Fact]
    public void A_bad_clusters_section_is_named()
    {
        using var detector = new CopyDetector();
        Assert.Null(detector.ClusterOf("-"));
        detector.Add("r", TestArticles.Rail);
        detector.Add("r2", TestArticles.Syndicate(TestArticles.Rail));
        byte[] bytes = SnapshotBytes.AsVersion7(SnapshotBytes.Of(detector)); // the clusters last (no indexed times)

        // The section: flag 1, then article 0 with no match and article 1 with one, article 0.
        byte[] section = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0];
        Assert.Equal(section, bytes[^(8 + section.Length)..^8]);
        int at = bytes.Length - 8 - section.Length;

        byte[] flag = (byte[])bytes.Clone();
        flag[at] = 2;
        Assert.Contains("the clusters' flag", Assert.Throws<InvalidDataException>(() => CopyDetector.Load(new MemoryStream(Sealed(flag)))).Message, StringComparison.Ordinal);

        byte[] itself = (byte[])bytes.Clone();
        itself[at + 9] = 1;
        Assert.Contains("a match of article 1 ('r2')", Assert.Throws<InvalidDataException>(() => CopyDetector.Load(new MemoryStream(Sealed(itself)))).Message, StringComparison.Ordinal);

        byte[] many = (byte[])bytes.Clone();
        many[at + 1] = 1;
        Assert.Contains("article 0 ('r') claims 1 matches", Assert.Throws<InvalidDataException>(() => CopyDetector.Load(new MemoryStream(Sealed(many)))).Message, StringComparison.Ordinal);
    }
}

/// <summary>Disposing a detector while another thread checkpoints it.</summary>
public sealed class DisposeDuringCheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("dedup-dispose-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>
    /// Dispose released the index's lock while a checkpoint went on writing: another detector opened the old snapshot,
    /// the checkpoint then replaced it and deleted the journal it had set aside, and acknowledged changes were lost (600
    /// in a client's trial); the checkpoint itself then threw though its snapshot was written. Dispose now waits for it.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Dispose_waits_for_a_checkpoint_under_way_and_nothing_is_lost(bool checkpointAsync)
    {
        string path = Path.Combine(_folder, "index.dedup");
        using var held = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        CopyDetector detector = CopyDetector.Open(path, cancellationToken: TestContext.Current.CancellationToken);
        detector.Add("r", TestArticles.Rail);
        detector.Checkpoint();
        detector.Add("h", TestArticles.Harbour);
        detector.Add("f", TestArticles.HarbourFollowUp);
        detector.WrapCheckpointSnapshotForTests = stream => new HoldingStream(stream, held, release);

        Task checkpoint = checkpointAsync
            ? Task.Run(() => detector.CheckpointAsync(TestContext.Current.CancellationToken).AsTask(), TestContext.Current.CancellationToken)
            : Task.Run(detector.Checkpoint, TestContext.Current.CancellationToken);
        Assert.True(held.Wait(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        Task disposing = Task.Run(detector.Dispose, TestContext.Current.CancellationToken);
        await Task.Delay(300, TestContext.Current.CancellationToken);

        Assert.False(disposing.IsCompleted, "Dispose returned while the checkpoint was still writing.");
        release.Set();
        await checkpoint.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await disposing.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        using CopyDetector reopened = CopyDetector.Open(path, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(3, reopened.Count);
        Assert.Throws<ObjectDisposedException>(detector.Checkpoint);
    }

    /// <summary>A stream that holds its first write until released.</summary>
    private sealed class HoldingStream(Stream inner, ManualResetEventSlim held, ManualResetEventSlim release) : WriteThroughStream(inner)
    {
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            held.Set();
            release.Wait(TimeSpan.FromSeconds(60));
            Inner.Write(buffer);
        }
    }
}

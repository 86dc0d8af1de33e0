using System.Buffers.Binary;
using Dedup.Detection;

namespace Dedup.Tests.Detection;

public class DetectorSnapshotTests
{
    /// <summary>Three articles (one with a title and a publication time), a fourth added and removed.</summary>
    internal static CopyDetector Sample()
    {
        var detector = new CopyDetector();
        detector.Add(new Article("harbour", TestArticles.Harbour, "Harbour wall", new DateTimeOffset(2025, 3, 1, 9, 30, 0, TimeSpan.FromHours(2))));
        detector.Add(new Article("rail", TestArticles.Rail));
        detector.Add(new Article("follow-up", TestArticles.HarbourFollowUp));
        detector.Add(new Article("temporary", TestArticles.QuoteA));
        detector.Remove("temporary");
        return detector;
    }

    [Fact]
    public void A_loaded_snapshot_answers_like_the_detector_that_saved_it()
    {
        CopyDetector original = Sample();

        CopyDetector loaded = CopyDetector.Load(new MemoryStream(SnapshotBytes.Of(original)));

        Assert.Equal(original.Count, loaded.Count);
        Assert.False(loaded.Contains("temporary"));
        foreach (string query in new[] { TestArticles.Spin(TestArticles.Harbour), TestArticles.Syndicate(TestArticles.Rail), TestArticles.Lead(TestArticles.HarbourFollowUp, 2) })
        {
            Assert.Equal(
                original.FindCopies(query).Select(m => (m.Id, m.Kind, m.Score)),
                loaded.FindCopies(query).Select(m => (m.Id, m.Kind, m.Score)));
        }

        Assert.Equal(original.Clusters(), loaded.Clusters(), (x, y) => x.Id == y.Id && x.Members.SequenceEqual(y.Members));
        Assert.Equal(SnapshotBytes.Of(original), SnapshotBytes.Of(loaded));
        loaded.Add("rail-2", TestArticles.Rail);
        Assert.Contains(loaded.FindCopies(TestArticles.Rail), m => m.Id == "rail-2");
    }

    /// <summary>Settings that ask for another compact form than the snapshot's are named as such, not as a corrupt snapshot.</summary>
    [Fact]
    public void Settings_that_do_not_fit_a_sound_snapshot_are_named_as_the_problem()
    {
        byte[] bytes = SnapshotBytes.Of(Sample());
        var shingles = Assert.Throws<InvalidDataException>(() => CopyDetector.Load(new MemoryStream(bytes), saved => saved with { ShingleSize = 3 }));
        Assert.StartsWith("The options do not fit the detector snapshot: it was made with seed", shingles.Message, StringComparison.Ordinal);
        Assert.Contains("shingle size 5; the options ask for", shingles.Message, StringComparison.Ordinal);
        var stopwords = Assert.Throws<InvalidDataException>(() => CopyDetector.Load(new MemoryStream(bytes), saved => saved with { Stopwords = Dedup.Text.StopwordSet.None }));
        Assert.StartsWith("The options do not fit the detector snapshot: it was made with the stopwords StopwordSet {", stopwords.Message, StringComparison.Ordinal);

        // A format 8 snapshot kept the list's fingerprint alone: the message says to give the list again, not to load
        // without options (which could not give it back).
        var old = Assert.Throws<InvalidDataException>(() => CopyDetector.Load(new MemoryStream(SnapshotBytes.AsVersion8(bytes)), saved => saved with { Stopwords = Dedup.Text.StopwordSet.None }));
        Assert.Contains("keeps only the list's fingerprint", old.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A bit flipped anywhere in the header (its stopword list's fingerprint and its tokenizer flags included) is
    /// reported as damage: a flipped fingerprint was reported as "another stopword list than the options give" and a
    /// flipped flag as a snapshot of the other Unicode folding kind, though no options were given (a client's trial).
    /// </summary>
    [Fact]
    public void A_damaged_header_is_named_as_damage_not_as_other_settings()
    {
        byte[] bytes = SnapshotBytes.Of(Sample());

        // The fixed header (48 bytes), then format 9's detector flags, the stopword count and the first words.
        for (int at = 0; at < 48 + 64; at++)
        {
            for (int bit = 0; bit < 8; bit++)
            {
                byte[] damaged = (byte[])bytes.Clone();
                damaged[at] ^= (byte)(1 << bit);
                var e = Assert.Throws<InvalidDataException>(() => CopyDetector.Load(new MemoryStream(damaged)));
                Assert.True(e.Message.StartsWith("The detector snapshot is invalid: ", StringComparison.Ordinal), $"byte {at}, bit {bit}: {e.Message}");
            }
        }
    }

    /// <summary>
    /// A bit flipped in the format version is damage, not a newer format: "format version 65544 is newer than the
    /// newest this library reads" sent a client's user looking for an upgrade that does not exist. Every format ends
    /// with the checksum of the bytes before it, so a version this library cannot read is checked against it first.
    /// </summary>
    [Fact]
    public void A_flipped_bit_in_the_format_version_is_named_as_damage_not_as_a_newer_format()
    {
        byte[] bytes = SnapshotBytes.Of(Sample());
        for (int bit = 0; bit < 32; bit++)
        {
            byte[] damaged = (byte[])bytes.Clone();
            damaged[8 + (bit / 8)] ^= (byte)(1 << (bit % 8));
            uint version = BinaryPrimitives.ReadUInt32LittleEndian(damaged.AsSpan(8));
            var e = Assert.Throws<InvalidDataException>(() => CopyDetector.Load(new MemoryStream(damaged)));

            // A version this library reads (9 read as 8, 4 or 5, say) is read in that layout: damage shows where it breaks.
            bool readable = version is >= 4 and <= CopyDetector.SnapshotFormatVersion;
            Assert.True(readable || (e.Message.Contains("corrupted", StringComparison.Ordinal) && !e.Message.Contains("newer", StringComparison.Ordinal)), $"version {version}: {e.Message}");
            Assert.DoesNotContain("newer", e.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>A snapshot of another library's newer format (its checksum holding) is still named as such.</summary>
    [Fact]
    public void A_snapshot_of_a_newer_format_is_named_as_newer()
    {
        byte[] bytes = SnapshotBytes.Of(Sample());
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), CopyDetector.SnapshotFormatVersion + 1);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(bytes.Length - 8), System.IO.Hashing.XxHash64.HashToUInt64(bytes.AsSpan(0, bytes.Length - 8)));

        var e = Assert.Throws<InvalidDataException>(() => CopyDetector.Load(new MemoryStream(bytes)));

        Assert.Contains($"format version {CopyDetector.SnapshotFormatVersion + 1} is newer", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A snapshot keeps every setting that shapes what is stored of each article: whether rewrites are detected (the
    /// skeletons and paraphrase terms), the boilerplate line rules (which lines each article kept) and the stopword
    /// list itself. Loaded without options it gives them back (before, the first two came back as the defaults without a
    /// word, and a custom stopword list could not be loaded at all without the list); loaded with others it is refused,
    /// naming the setting, as another seed is.
    /// </summary>
    [Fact]
    public void A_snapshot_keeps_the_settings_that_shape_its_articles_and_refuses_others()
    {
        var rules = new Dedup.Text.BoilerplateRules { LinePrefixes = ["zzz"], LineFragments = [], MaxLineLength = 50 };
        var stopwords = new Dedup.Text.StopwordSet(["the", "a", "of", "and"]);
        var options = new DetectorOptions { Threshold = 0.9, DetectRewrites = false, Boilerplate = rules, Stopwords = stopwords, BoilerplateDocumentFrequency = 50 };
        using var detector = new CopyDetector(options);
        detector.Add("harbour", TestArticles.Harbour);
        byte[] bytes = SnapshotBytes.Of(detector);

        using CopyDetector loaded = CopyDetector.Load(new MemoryStream(bytes));

        Assert.False(loaded.Options.DetectRewrites);
        Assert.Equal(rules.LinePrefixes, loaded.Options.Boilerplate.LinePrefixes);
        Assert.Equal(rules.LineFragments, loaded.Options.Boilerplate.LineFragments);
        Assert.Equal(rules.MaxLineLength, loaded.Options.Boilerplate.MaxLineLength);
        Assert.Equal(stopwords.Words, loaded.Options.Stopwords.Words);
        Assert.Equal((0.9, 50), (loaded.Options.Threshold, loaded.Options.BoilerplateDocumentFrequency));
        Assert.Equal(bytes, SnapshotBytes.Of(loaded));
        foreach ((Func<DetectorOptions, DetectorOptions> change, string named) in new (Func<DetectorOptions, DetectorOptions>, string)[]
        {
            (o => o with { DetectRewrites = true }, "DetectRewrites"),
            (o => o with { Boilerplate = Dedup.Text.BoilerplateRules.Default }, "boilerplate line rules"),
            (o => o with { Stopwords = Dedup.Text.StopwordSet.English }, "stopwords"),
        })
        {
            var e = Assert.Throws<InvalidDataException>(() => CopyDetector.Load(new MemoryStream(bytes), change));
            Assert.Contains(named, e.Message, StringComparison.Ordinal);
        }

        // The shipped list and rules come back as the shared instances.
        using CopyDetector plain = CopyDetector.Load(new MemoryStream(SnapshotBytes.Of(Sample())));
        Assert.Same(Dedup.Text.StopwordSet.English, plain.Options.Stopwords);
        Assert.Same(Dedup.Text.BoilerplateRules.Default, plain.Options.Boilerplate);
    }

    /// <summary>
    /// A snapshot being written holds no lock: adds, searches and removals go on while the stream waits. Before, <c>Save</c>
    /// held the read lock for the whole write, so a checkpoint of 100,000 articles held every call for over a second (a
    /// waiting writer keeps new readers out). The snapshot holds the index as it was when the write began.
    /// </summary>
    [Fact]
    public async Task Calls_go_on_while_a_snapshot_is_written()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using CopyDetector detector = Sample();
        detector.AddRange(BoilerplateModelTests.ManyArticles(400), TestContext.Current.CancellationToken);
        int before = detector.Count;
        using var stream = new GatedStream();
        Task save = Task.Run(() => detector.Save(stream), ct);
        await stream.Started.WaitAsync(TimeSpan.FromMinutes(1), ct);

        Task calls = Task.Run(
            () =>
            {
                detector.Add("late", TestArticles.Rail + " A late paragraph about the line's opening day.");
                Assert.NotEmpty(detector.FindCopies(TestArticles.Rail));
                Assert.True(detector.Remove("late"));
                detector.Add("later", TestArticles.HarbourFollowUp);
            },
            ct);
        await calls.WaitAsync(TimeSpan.FromSeconds(30), ct);
        Assert.False(save.IsCompleted);

        stream.Release();
        await save.WaitAsync(TimeSpan.FromMinutes(1), ct);
        using CopyDetector loaded = CopyDetector.Load(new MemoryStream(stream.ToArray()));
        Assert.Equal(before, loaded.Count);
        Assert.False(loaded.Contains("later"));
        Assert.Equal(before + 1, detector.Count);
    }

    /// <summary>A memory stream whose first write waits until released, and says when it started (the snapshot writer buffers 64 KiB, so the index is larger).</summary>
    private sealed class GatedStream : MemoryStream
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ManualResetEventSlim _release = new();

        public Task Started => _started.Task;

        public void Release() => _release.Set();

        public override void Write(byte[] buffer, int offset, int count)
        {
            _started.TrySetResult();
            _release.Wait();
            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer) => Write(buffer.ToArray(), 0, buffer.Length);

        protected override void Dispose(bool disposing)
        {
            _release.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>
    /// A setting out of range is the caller's mistake, named as such: before, it came as "the detector snapshot is
    /// invalid", which a tool reports as a corrupt index (and an operator might delete a sound one).
    /// </summary>
    [Fact]
    public void A_setting_out_of_range_is_named_not_called_a_corrupt_snapshot()
    {
        byte[] bytes = SnapshotBytes.Of(Sample());

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => CopyDetector.Load(new MemoryStream(bytes), saved => saved with { Threshold = 2 }));

        Assert.Contains("Threshold", e.Message, StringComparison.Ordinal);
    }

    /// <summary>A disposed detector's calls name the detector, not the lock inside it.</summary>
    [Fact]
    public void Calls_on_a_disposed_detector_name_the_detector()
    {
        CopyDetector detector = Sample();
        detector.Dispose();
        Action[] calls =
        [
            () => detector.Add(new Article("x", TestArticles.Rail)), () => detector.FindCopies(TestArticles.Rail), () => _ = detector.Count, () => detector.Clusters(),
            () => detector.Save(new MemoryStream()), () => detector.Remove("rail"), () => detector.Contains("rail"), () => detector.ClusterOf("rail"),

            // An in-memory detector has no journal to compact, but disposed is what it is first (a client's trial got "only a
            // detector opened with CopyDetector.Open").
            detector.Checkpoint,
        ];
        foreach (Action call in calls)
        {
            var e = Assert.Throws<ObjectDisposedException>(call);
            Assert.Equal(typeof(CopyDetector).FullName, e.ObjectName);
        }
    }

    [Fact]
    public void Add_tells_a_re_delivery_and_re_adding_an_id_with_another_title_names_the_title_too_and_a_null_text_names_its_parameter()
    {
        CopyDetector detector = Sample();
        Assert.False(detector.Add(new Article("rail", TestArticles.Rail)));
        Assert.True(detector.Add(new Article("quote", TestArticles.QuoteB)));
        var e = Assert.Throws<ArgumentException>(() => detector.Add(new Article("harbour", TestArticles.Harbour, "Another headline")));
        Assert.Contains("another text or title", e.Message, StringComparison.Ordinal);
        Assert.Equal("text", Assert.Throws<ArgumentNullException>(() => detector.FindCopies((string)null!)).ParamName);
    }

    /// <summary>With titles, a passage's ranges index each article's compared text (title, blank line, body), which <see cref="Article.GetComparedText"/> gives.</summary>
    [Fact]
    public void Passages_index_the_compared_text_which_the_article_gives()
    {
        var first = new Article("a", TestArticles.Harbour, "Council approves harbour wall rebuild");
        var second = new Article("b", TestArticles.Harbour + "\n\nALSO READ: more from the coast", "Harbour wall to be rebuilt");
        Comparison c = CopyComparer.Compare(first, second);
        SharedPassage exact = Assert.Single(c.Passages, p => p.Exact);
        string a = first.GetComparedText(), b = second.GetComparedText();
        Assert.Equal(a.AsSpan(exact.First.Start, exact.First.Length), b.AsSpan(exact.Second.Start, exact.Second.Length));
        Assert.StartsWith(first.Title + "\n\n", a, StringComparison.Ordinal);
        Assert.Same(TestArticles.Rail, new Article("c", TestArticles.Rail).GetComparedText());
    }

    [Fact]
    public void A_truncated_snapshot_throws_naming_the_problem_at_every_cut()
    {
        byte[] bytes = SnapshotBytes.Of(Sample());
        foreach (int cut in new[] { 0, 3, 8, 15, 16, 40, bytes.Length / 2, bytes.Length - 9, bytes.Length - 1 })
        {
            var e = Assert.Throws<InvalidDataException>(() => CopyDetector.Load(new MemoryStream(bytes[..cut])));
            Assert.True(e.Message.Contains("truncated", StringComparison.Ordinal) || e.Message.Contains("runs past the end", StringComparison.Ordinal) || e.Message.Contains("only", StringComparison.Ordinal), $"cut {cut}: {e.Message}");
        }
    }

    [Fact]
    public void A_flipped_byte_anywhere_is_caught()
    {
        byte[] bytes = SnapshotBytes.Of(Sample());
        for (int i = 0; i < bytes.Length; i += Math.Max(1, bytes.Length / 97))
        {
            byte[] corrupt = (byte[])bytes.Clone();
            corrupt[i] ^= 0x20;
            Assert.Throws<InvalidDataException>(() => CopyDetector.Load(new MemoryStream(corrupt)));
        }
    }

    [Fact]
    public void Another_format_or_version_or_incompatible_options_are_named()
    {
        byte[] bytes = SnapshotBytes.Of(Sample());
        byte[] wrongMagic = (byte[])bytes.Clone();
        wrongMagic[0] = (byte)'X';
        byte[] future = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(future.AsSpan(8), CopyDetector.SnapshotFormatVersion + 1);
        future = SnapshotBytes.Sealed(future);

        Assert.Contains("magic", Assert.Throws<InvalidDataException>(() => CopyDetector.Load(new MemoryStream(wrongMagic))).Message, StringComparison.Ordinal);
        Assert.Contains($"format version {CopyDetector.SnapshotFormatVersion + 1} is newer", Assert.Throws<InvalidDataException>(() => CopyDetector.Load(new MemoryStream(future))).Message, StringComparison.Ordinal);
        Assert.Contains("shingle size", Assert.Throws<InvalidDataException>(() => CopyDetector.Load(new MemoryStream(bytes), new DetectorOptions { ShingleSize = 4 })).Message, StringComparison.Ordinal);
        Assert.Contains("stopword", Assert.Throws<InvalidDataException>(() => CopyDetector.Load(new MemoryStream(bytes), new DetectorOptions { Stopwords = Dedup.Text.StopwordSet.None })).Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A saved setting out of range is a damaged snapshot (its checksum is read last), not the caller's setting: a fuzzed
    /// snapshot with its threshold changed to -2.4E+110 threw an <see cref="ArgumentOutOfRangeException"/> naming the
    /// caller's options.
    /// </summary>
    [Theory]
    [InlineData(0, 8)] // the threshold (from its offset)
    [InlineData(8, 4)] // the boilerplate frequency
    [InlineData(-20, 4)] // the shingle size (at 28)
    public void A_saved_setting_out_of_range_is_named_as_a_damaged_snapshot(int fromThreshold, int width)
    {
        byte[] bytes = SnapshotBytes.Of(Sample());
        int offset = fromThreshold < 0 ? 48 + fromThreshold : SnapshotBytes.ThresholdOffset(bytes) + fromThreshold;
        bytes.AsSpan(offset, width).Fill(0xF3);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(bytes.Length - 8), System.IO.Hashing.XxHash64.HashToUInt64(bytes.AsSpan(0, bytes.Length - 8)));

        var e = Assert.Throws<InvalidDataException>(() => CopyDetector.Load(new MemoryStream(bytes)));
        Assert.Contains("a saved setting is out of range", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A process in globalization-invariant mode does not fold compatibility characters (its tokens of "ﬁ", "Ａ" or an
    /// accent typed as a combining mark differ): a snapshot says which kind wrote it, and the other kind is refused it
    /// with a message naming both, as a shared index refuses it; the same kind loads it.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_snapshot_records_whether_its_writer_folded_compatibility_characters_and_the_other_kind_is_refused(bool writerFolds)
    {
        using var writer = new CopyDetector { FoldsCompatibilityCharacters = writerFolds };
        writer.Add(new Article("a", TestArticles.Harbour));
        byte[] bytes = SnapshotBytes.Of(writer);

        Assert.Equal(writerFolds ? 0u : 1u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(44)));
        using (CopyDetector same = CopyDetector.LoadAs(new MemoryStream(bytes), foldsCompatibilityCharacters: writerFolds))
        {
            Assert.Equal(1, same.Count);

            // Saved again, it says the same.
            Assert.Equal(bytes, SnapshotBytes.Of(same));
        }

        string message = Assert.Throws<InvalidDataException>(() => CopyDetector.LoadAs(new MemoryStream(bytes), foldsCompatibilityCharacters: !writerFolds)).Message;
        Assert.Contains(writerFolds ? "made by a process that folds Unicode compatibility characters" : "made by a process in globalization-invariant mode", message, StringComparison.Ordinal);
        Assert.Contains(writerFolds ? "this process runs in globalization-invariant mode" : "this process folds them", message, StringComparison.Ordinal);
    }

    /// <summary>A version 5 snapshot (no tokenizer flags) is loaded by either kind of process, as before; unknown flags are a damaged snapshot.</summary>
    [Fact]
    public void A_version_5_snapshot_without_tokenizer_flags_is_loaded_by_either_kind_and_unknown_flags_are_refused()
    {
        byte[] bytes = SnapshotBytes.Of(Sample());
        byte[] old = SnapshotBytes.AsVersion5(bytes);
        foreach (bool folds in (ReadOnlySpan<bool>)[true, false])
        {
            using CopyDetector loaded = CopyDetector.LoadAs(new MemoryStream(old), folds);
            Assert.Equal(Sample().Count, loaded.Count);
        }

        byte[] unknown = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(unknown.AsSpan(44), 2);
        BinaryPrimitives.WriteUInt64LittleEndian(unknown.AsSpan(unknown.Length - 8), System.IO.Hashing.XxHash64.HashToUInt64(unknown.AsSpan(0, unknown.Length - 8)));
        Assert.Contains("tokenizer flags are 2", Assert.Throws<InvalidDataException>(() => CopyDetector.Load(new MemoryStream(unknown))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_version_2_snapshot_of_fixed_width_sets_is_refused_naming_its_version()
    {
        byte[] old = SnapshotBytes.Of(Sample());
        BinaryPrimitives.WriteUInt32LittleEndian(old.AsSpan(8), 2);
        Assert.Contains("format version 2 is not supported", Assert.Throws<InvalidDataException>(() => CopyDetector.Load(new MemoryStream(SnapshotBytes.Sealed(old)))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_version_3_snapshot_without_fingerprints_is_refused_naming_its_version()
    {
        byte[] old = SnapshotBytes.Of(Sample());
        BinaryPrimitives.WriteUInt32LittleEndian(old.AsSpan(8), 3);
        Assert.Contains("format version 3 is not supported", Assert.Throws<InvalidDataException>(() => CopyDetector.Load(new MemoryStream(SnapshotBytes.Sealed(old)))).Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A damaged snapshot file is named in the error, whether loaded or opened as an index (a service's log said only "the
    /// detector snapshot is invalid", not which of its indexes); one given as a stream is not.
    /// </summary>
    [Fact]
    public void A_damaged_snapshot_file_is_named_in_the_error()
    {
        string folder = Directory.CreateTempSubdirectory("dedup-snapshot-").FullName;
        try
        {
            string path = Path.Combine(folder, "index.ddet");
            using (CopyDetector sample = Sample())
            {
                sample.SaveToFile(path);
            }

            byte[] bytes = File.ReadAllBytes(path);
            bytes[bytes.Length / 2] ^= 0x5A;
            File.WriteAllBytes(path, bytes);
            string named = $"The detector snapshot '{path}' is invalid";
            Assert.StartsWith(named, Assert.Throws<InvalidDataException>(() => CopyDetector.LoadFromFile(path)).Message, StringComparison.Ordinal);
            Assert.StartsWith(named, Assert.Throws<InvalidDataException>(() => CopyDetector.Open(path, cancellationToken: TestContext.Current.CancellationToken)).Message, StringComparison.Ordinal);
            Assert.StartsWith("The detector snapshot is invalid", Assert.Throws<InvalidDataException>(() => CopyDetector.Load(new MemoryStream(bytes))).Message, StringComparison.Ordinal);

            File.WriteAllBytes(path, bytes[..^20]);
            Assert.StartsWith(named, Assert.Throws<InvalidDataException>(() => CopyDetector.LoadFromFile(path)).Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Saving_to_a_file_replaces_it_atomically_and_leaves_no_temporary_file()
    {
        string folder = Directory.CreateTempSubdirectory("dedup-snapshot-").FullName;
        string path = Path.Combine(folder, "index.ddet");
        CopyDetector detector = Sample();
        detector.SaveToFile(path);
        detector.Add("rail-2", TestArticles.Rail);
        detector.SaveToFile(path);

        Assert.Equal(4, CopyDetector.LoadFromFile(path).Count);
        Assert.Single(Directory.GetFiles(folder));
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void A_save_that_fails_midway_leaves_the_previous_file_intact()
    {
        string folder = Directory.CreateTempSubdirectory("dedup-snapshot-").FullName;
        string path = Path.Combine(folder, "index.ddet");
        CopyDetector detector = Sample();
        detector.SaveToFile(path);
        byte[] before = File.ReadAllBytes(path);

        detector.Add("rail-2", TestArticles.Rail);

        Assert.Throws<IOException>(() => detector.SaveToFile(path, inner => new Dedup.Tests.Indexing.SnapshotTests.FailingStream(inner, failAfter: before.Length / 2)));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["index.ddet"], Directory.GetFiles(folder).Select(Path.GetFileName));
        Assert.Equal(3, CopyDetector.LoadFromFile(path).Count);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void Loading_a_missing_file_throws_file_not_found()
    {
        Assert.Throws<FileNotFoundException>(() => CopyDetector.LoadFromFile(Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.ddet")));
    }
}

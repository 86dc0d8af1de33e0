using Dedup.Detection;
using Dedup.Indexing;
using Dedup.Sketches;

namespace Dedup.Tests.Detection;

/// <summary>
/// The library's input limits (docs/limits.md), checked at their edges: each is enforced where data comes in, and a
/// snapshot never holds what its reader refuses. A failure means a limit moved or a store can be made unreadable again.
/// </summary>
public sealed class InputLimitTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("dedup-limit-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Compare names the argument that is null or empty (it said "article" for either).</summary>
    [Fact]
    public void Compare_names_the_bad_argument()
    {
        var fine = new Article(string.Empty, TestArticles.Harbour);
        Assert.Equal("first", Assert.Throws<ArgumentNullException>(() => CopyComparer.Compare(null!, fine)).ParamName);
        Assert.Equal("second", Assert.Throws<ArgumentNullException>(() => CopyComparer.Compare(fine, null!)).ParamName);
        Assert.Equal("second", Assert.Throws<ArgumentException>(() => CopyComparer.Compare(fine, new Article(string.Empty, " "))).ParamName);
        Assert.Equal("articles", Assert.Throws<ArgumentException>(() => new CopyDetector().AddRange([new Article(" ", "x y")], TestContext.Current.CancellationToken)).ParamName);
    }

    /// <summary>The settings print as a log would want them: the boilerplate rules' lines and the stopwords' size and first words, not collection types.</summary>
    [Fact]
    public void Settings_print_their_rules_and_stopwords()
    {
        string printed = DetectorOptions.Default.ToString();
        Assert.Contains("LinePrefixes = [\"also read\", \"read also\"", printed, StringComparison.Ordinal);
        Assert.Contains("MaxLineLength = 200", printed, StringComparison.Ordinal);
        Assert.Contains($"Stopwords = StopwordSet {{ {Dedup.Text.StopwordSet.English.Count} words: a, ", printed, StringComparison.Ordinal);
        Assert.DoesNotContain("ReadOnlyArray", printed, StringComparison.Ordinal);
        Assert.Equal("StopwordSet { no words }", Dedup.Text.StopwordSet.None.ToString());
        Assert.Equal("StopwordSet { 2 words: der, die }", new Dedup.Text.StopwordSet(["die", "der"]).ToString());
        Assert.Equal("BoilerplateRules { LinePrefixes = [], LineFragments = [], MaxLineLength = 200 }", Dedup.Text.BoilerplateRules.None.ToString());
    }

    [Fact]
    public void Ids_differing_only_in_lone_surrogates_are_refused_and_the_snapshot_stays_readable()
    {
        var detector = new CopyDetector();
        detector.Add("a", TestArticles.Harbour);
        ArgumentException high = Assert.Throws<ArgumentException>(() => detector.Add("a\uD800", TestArticles.Rail));
        Assert.Contains("lone UTF-16 surrogate", high.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => detector.Add("a\uDC00", TestArticles.Rail));
        Assert.Throws<ArgumentException>(() => detector.AddRange([new Article("b", TestArticles.Rail), new Article("\uDBFFc", TestArticles.Rail)], TestContext.Current.CancellationToken));
        Assert.Throws<ArgumentException>(() => CopyDetector.Scan([new Article("x\uD800", TestArticles.Rail)], cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(1, detector.Count);

        // A valid surrogate pair is fine and comes back unchanged.
        detector.Add("a\uD83D\uDE00", TestArticles.Rail);
        string path = Path.Combine(_folder, "d.snap");
        detector.SaveToFile(path);
        CopyDetector loaded = CopyDetector.LoadFromFile(path);
        Assert.True(loaded.Contains("a\uD83D\uDE00"));
        Assert.Equal(2, loaded.Count);
    }

    [Fact]
    public void Id_length_is_limited_at_Add_to_what_a_snapshot_reads_back()
    {
        var detector = new CopyDetector();
        string longest = new('x', Article.MaxIdBytes);
        detector.Add(longest, TestArticles.Harbour);
        ArgumentException e = Assert.Throws<ArgumentException>(() => detector.Add(new string('y', Article.MaxIdBytes + 1), TestArticles.Rail));
        Assert.Contains($"the limit is {Article.MaxIdBytes}", e.Message, StringComparison.Ordinal);

        // Counted in UTF-8 bytes: 1366 three-byte characters are 4098 bytes.
        Assert.Throws<ArgumentException>(() => detector.Add(new string('€', 1366), TestArticles.Rail));
        using var stream = new MemoryStream();
        detector.Save(stream);
        stream.Position = 0;
        Assert.True(CopyDetector.Load(stream).Contains(longest));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \n\t ")]
    public void Empty_or_whitespace_text_is_refused_everywhere(string text)
    {
        var detector = new CopyDetector();
        detector.Add("a", TestArticles.Harbour);
        Assert.Throws<ArgumentException>(() => detector.Add("b", text));
        Assert.Throws<ArgumentException>(() => detector.FindCopies(new Article(string.Empty, text)));
        Assert.Throws<ArgumentException>(() => detector.Compare(new Article("x", text), new Article("y", TestArticles.Harbour)));
        Assert.Throws<ArgumentException>(() => CopyDetector.Scan([new Article("x", text)], cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(1, detector.Count);
    }

    [Fact]
    public void NumPermutations_is_bounded_by_the_longest_signature_a_MinHasher_makes()
    {
        Assert.Equal(MinHasher.MaxNumPermutations, new MinHashLshIndex(new LshIndexOptions { NumPermutations = MinHasher.MaxNumPermutations }).NumPermutations);
        Assert.Throws<ArgumentOutOfRangeException>(() => new MinHashLshIndex(new LshIndexOptions { NumPermutations = MinHasher.MaxNumPermutations + 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MinHashLshIndex(new LshIndexOptions { NumPermutations = 1 << 20 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MinHashLshIndex(new LshIndexOptions { NumPermutations = 0 }));
    }

    [Fact]
    public void An_index_key_the_snapshot_cannot_hold_fails_the_save_and_leaves_the_old_file()
    {
        var index = new MinHashLshIndex(new LshIndexOptions { NumPermutations = 16 });
        uint[] signature = [.. Enumerable.Range(0, 16).Select(i => (uint)i * 7919u)];
        index.Add("good", signature);
        string path = Path.Combine(_folder, "lsh.snap");
        index.SaveToFile(path);
        byte[] before = File.ReadAllBytes(path);

        index.Add("bad\uD800", signature);
        Assert.Throws<InvalidOperationException>(() => index.SaveToFile(path));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp"));
        Assert.True(MinHashLshIndex.LoadFromFile(path).Contains("good"));

        Assert.True(index.Remove("bad\uD800"));
        index.Add(new string('k', SnapshotWriter.MaxStringBytes + 1), signature);
        Assert.Throws<InvalidOperationException>(() => index.SaveToFile(path));
        Assert.Equal(before, File.ReadAllBytes(path));
    }
}

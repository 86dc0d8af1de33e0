using System.Text;
using Dedup.Cli.Input;
using Dedup.Detection;

namespace Dedup.Cli.Tests;

/// <summary>
/// A scan without a report reads each article again from the file, but lines whose text, title and source are written
/// exactly alike (a story delivered again under other ids) are read once while one of them is held: the others are
/// that article with their own id and time. Whatever the order and the threads asking, each article must be the one a
/// full reading gives, and nothing may stay held once every line was asked for.
/// </summary>
public sealed class RepeatedTextTests : IDisposable
{
    private static readonly string[] Lines =
    [
        """{"id": "a", "title": "T", "text": "The same story, word for word."}""",
        """{"id": "b", "title": "T", "text": "The same story, word for word.", "published": "2026-11-29T08:00:00Z"}""",
        """{"id": "c", "title": "U", "text": "The same story, word for word."}""", // another title
        """{"id": "d", "title": "T", "text": "The same story, word for word.", "source": "wire"}""", // a source
        """{"id": "e", "title": "T", "text": "The same story, word for w\u006Frd."}""", // the same text written otherwise
        """{"text": "The same story, word for word.", "title": "T", "id": 6}""", // a copy of a, members in another order
        """{"id": "g", "text": "The same story, word for word."}""", // no title
        """{"id": "h", "title": "T", "text": "Another story."}""",
        """{"id": "i", "title": "T", "text": "The same story, word for word."}""", // a copy of a
        """{"id": "j", "text": "The same story, word for word.", "title": null}""", // a copy of g (a null title is none)
    ];

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private async Task<(ArticleSet Kept, ArticleSet Backed)> ReadBothAsync(IEnumerable<string> lines)
    {
        string path = _temp.Write("repeated.jsonl", string.Join("\n", lines) + "\n");
        var console = new CliConsole(TextWriter.Null, TextWriter.Null, () => Stream.Null);
        ArticleSet kept = await new ArticleReader(console, skipBad: false).ReadAsync(path, TestContext.Current.CancellationToken);
        ArticleSet backed = await new ArticleReader(console, skipBad: false) { KeepTexts = false }.ReadAsync(path, TestContext.Current.CancellationToken);
        Assert.NotNull(backed.Backing);
        return (kept, backed);
    }

    [Fact]
    public async Task Lines_of_one_text_are_read_from_the_file_once()
    {
        (ArticleSet kept, ArticleSet backed) = await ReadBothAsync(Lines);
        using (backed.Backing)
        {
            FileBackedArticles articles = backed.Backing!;
            for (int i = 0; i < articles.Count; i++)
            {
                Article article = articles[i];
                Assert.Equal(kept.Articles[i], article);
                Assert.Same(backed.Articles[i].Id, article.Id);
            }

            // a, c, d, e, g and h are read; b, 6 and i are a's copies, j is g's.
            Assert.Equal(6, articles.FileReads);
            Assert.Equal(0, articles.Held);
        }
    }

    [Fact]
    public async Task Lines_of_one_text_asked_for_in_another_order_are_read_from_the_file_once()
    {
        (ArticleSet kept, ArticleSet backed) = await ReadBothAsync(Lines);
        using (backed.Backing)
        {
            FileBackedArticles articles = backed.Backing!;
            foreach (int i in new[] { 8, 1, 0, 5, 9, 6, 2, 3, 4, 7 })
            {
                Assert.Equal(kept.Articles[i], articles[i]);
            }

            // i (then b, a and 6 are given from it), j (then g), c, d, e and h.
            Assert.Equal(6, articles.FileReads);
            Assert.Equal(0, articles.Held);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(42)]
    public async Task Copies_asked_for_in_any_order_by_many_threads_are_the_articles_read_in_full(int seed)
    {
        var random = new Random(seed);
        string[] stories = [.. Enumerable.Range(0, 20).Select(s => $"Story {s} of the day, told at some length: {new string('x', s * 7)}.")];
        string[] lines = [.. Enumerable.Range(0, 400).Select(i => $$"""{"id": "n{{i}}", "title": "Title {{random.Next(3)}}", "text": "{{stories[random.Next(stories.Length)]}}"}""")];
        (ArticleSet kept, ArticleSet backed) = await ReadBothAsync(lines);
        using (backed.Backing)
        {
            FileBackedArticles articles = backed.Backing!;
            int[] order = [.. Enumerable.Range(0, lines.Length).OrderBy(_ => random.Next())];
            var read = new Article[lines.Length];
            Parallel.ForEach(order, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = TestContext.Current.CancellationToken }, i => read[i] = articles[i]);
            Assert.Equal(kept.Articles, read);
            // 60 texts (20 stories under 3 titles); two lines of one text asked for at once may both be read.
            Assert.InRange(articles.FileReads, 1, 100);
            Assert.Equal(0, articles.Held);
        }
    }

    /// <summary>
    /// Where few lines repeat, the keys and held texts would cost memory for little: unless one in eight of the first
    /// <see cref="FileBackedArticles.DecideAfter"/> lines repeats an earlier one, lines are no longer keyed.
    /// </summary>
    [Theory]
    [InlineData(16, false)] // one line in 16 repeats
    [InlineData(4, true)] // one in 4
    public async Task Repeated_lines_are_looked_for_only_where_many_lines_repeat(int every, bool lookedFor)
    {
        int count = FileBackedArticles.DecideAfter + 1000;
        string[] lines = [.. Enumerable.Range(0, count).Select(i => "{\"id\": \"n" + i + "\", \"text\": \"Story " + (i % every == 0 ? 0 : i) + ".\"}")];
        (ArticleSet kept, ArticleSet backed) = await ReadBothAsync(lines);
        using (backed.Backing)
        {
            FileBackedArticles articles = backed.Backing!;
            for (int i = 0; i < count; i++)
            {
                Assert.Equal(kept.Articles[i], articles[i]);
            }

            // Line 0 is read; each later multiple of `every` repeats it.
            int repeats = (count - 1) / every;
            Assert.Equal(lookedFor ? count - repeats : count, articles.FileReads);
            Assert.Equal(0, articles.Held);
        }
    }

    [Fact]
    public async Task A_scan_of_repeated_texts_finds_what_it_finds_with_the_texts_kept()
    {
        (ArticleSet kept, ArticleSet backed) = await ReadBothAsync(Lines);
        using (backed.Backing)
        {
            ScanResult expected = CopyDetector.Scan(kept.Articles, cancellationToken: TestContext.Current.CancellationToken);
            ScanResult actual = CopyDetector.Scan(backed.Backing!, cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal(expected.Pairs, actual.Pairs);
            Assert.Equal(expected.Clusters, actual.Clusters);
        }
    }

    [Fact]
    public void The_key_of_a_text_is_of_its_title_and_source_too()
    {
        byte[] line = Encoding.UTF8.GetBytes(Lines[0]);
        Assert.True(TextMember.TryFind(line, out Range token));
        var article = new Article("a", "x", "T");
        UInt128 key = FileBackedArticles.SameTextKey(line, token, article);
        Assert.NotEqual(default, key);
        Assert.Equal(key, FileBackedArticles.SameTextKey(line, token, article with { Id = "b", Published = DateTimeOffset.UnixEpoch }));
        Assert.NotEqual(key, FileBackedArticles.SameTextKey(line, token, article with { Title = "U" }));
        Assert.NotEqual(key, FileBackedArticles.SameTextKey(line, token, article with { Title = null }));
        Assert.NotEqual(key, FileBackedArticles.SameTextKey(line, token, article with { Title = string.Empty }));
        Assert.NotEqual(key, FileBackedArticles.SameTextKey(line, token, article with { Source = "T" }));
        Assert.NotEqual(FileBackedArticles.SameTextKey(line, token, article with { Title = "ab", Source = null }), FileBackedArticles.SameTextKey(line, token, article with { Title = "a", Source = "b" }));
        Assert.Equal(default, FileBackedArticles.SameTextKey(line, default, article));
    }
}

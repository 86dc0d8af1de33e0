using Dedup.Detection;

namespace Dedup.Tests.Detection;

/// <summary>The scan checks each article once, in its parallel loop, and still names the first problem in input order.</summary>
public class ScanInputCheckTests
{
    private static List<Article> Articles(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new Article($"a{i}", TestArticles.Harbour + $" Paragraph {i} of the scan check."))];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(-1)]
    public void A_repeated_id_before_an_invalid_article_is_named(int threads)
    {
        List<Article> articles = Articles(600);
        articles[300] = new Article("a3", articles[300].Text);
        articles[500] = new Article("a500", "   ");
        ArgumentException e = Assert.Throws<ArgumentException>(() => CopyDetector.Scan(articles, null, threads, null, TestContext.Current.CancellationToken));
        Assert.Contains("'a3' appears more than once", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(-1)]
    public void The_first_invalid_article_is_named_before_a_later_repeated_id(int threads)
    {
        List<Article> articles = Articles(600);
        articles[100] = new Article("a100", "   ");
        articles[400] = new Article("a401", "\t");
        articles[550] = new Article("a3", articles[550].Text);
        ArgumentException e = Assert.Throws<ArgumentException>(() => CopyDetector.Scan(articles, null, threads, null, TestContext.Current.CancellationToken));
        Assert.Contains("'a100'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Counts_the_characters_of_every_text_and_title()
    {
        List<Article> articles = Articles(50);
        articles[7] = articles[7] with { Title = "A title" };
        ScanResult result = CopyDetector.Scan(articles, null, 2, null, TestContext.Current.CancellationToken);
        Assert.Equal(articles.Sum(a => (long)a.Text.Length + (a.Title?.Length ?? 0)), result.Characters);
        Assert.Equal(50, result.Documents);
    }
}

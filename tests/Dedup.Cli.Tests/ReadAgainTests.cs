using System.Text;
using Dedup.Cli.Input;
using Dedup.Detection;

namespace Dedup.Cli.Tests;

/// <summary>
/// A scan without a report reads each article again from the file for its text (<see cref="ArticleReader.ParseAgain"/>):
/// for every line the first reading accepted it must give the article a full parse gives, and nothing for a line that
/// no longer holds the article read first.
/// </summary>
public sealed class ReadAgainTests
{
    /// <summary>Lines the first reading accepts: escapes, non-ASCII, numeric ids, null and blank titles, fields it ignores.</summary>
    private static readonly string[] Lines =
    [
        """{"id": "a", "text": "Plain text."}""",
        """{"text": "Text first, \"quoted\", a\\backslash, a tab\t and\nlines.", "id": "b", "title": "A title"}""",
        """{"id": 17, "text": "A numeric id", "title": null, "source": "wire"}""",
        """{"id": 1.7e1, "text": "The same number spelled otherwise", "source": null}""",
        """{"id": "c\u00e9", "text": "Caf\u00e9 \ud83d\ude00 and \u2019curly\u2019", "title": "  ", "published": "2026-11-27T10:00:00Z"}""",
        """{"id": "d", "extra": {"nested": [1, {"text": "not this"}], "title": "nor this"}, "text": "This one.", "more": [[]], "n": -3.5}""",
        """{"id": "é", "text": "日本語のテキスト。", "title": "見出し", "source": "共同"}""",
        """{"i\u0064": "e", "t\u0065xt": "Escaped field names", "title": "Escaped id and text names"}""",
        """  {"id": "f", "text": " leading and trailing white space ", "published": null}  """,
    ];

    [Fact]
    public void A_line_read_again_gives_the_article_a_full_parse_gives()
    {
        foreach (string line in Lines.Concat(File.ReadLines(Cli.NewsSample).Where(l => l.Length > 0)))
        {
            byte[] bytes = Encoding.UTF8.GetBytes(line);
            Article full = ArticleReader.Parse(bytes) ?? throw new InvalidOperationException($"the first reading refuses {line}");
            Article kept = full with { Text = string.Empty, Title = null, Source = null };

            Article? again = ArticleReader.ParseAgain(bytes, kept);
            Assert.Equal(full, again);
            Assert.Same(kept.Id, again!.Id);
        }
    }

    [Theory]
    [InlineData("""{"id": "other", "text": "The same length"}""")]
    [InlineData("""{"id": 18, "text": "A numeric id"}""")]
    [InlineData("""{"text": "No id any more"}""")]
    [InlineData("""{"id": "a", "text": ""}""")]
    [InlineData("""{"id": "a", "text": 5}""")]
    [InlineData("""{"id": "a", "text": "a lone \ud800 surrogate"}""")]
    [InlineData("""{"id": "a", "text": "cut""")]
    [InlineData("""["id", "a"]""")]
    [InlineData("""{"id": {"text": "a nested text", "id": "a"}, "text": "The root's text"}""")] // an object where the id was
    [InlineData("""{"id": "a", "text": ["not", "a string"]}""")]
    public void A_line_that_no_longer_holds_the_article_gives_nothing(string line)
    {
        var kept = new Article(line.Contains("18", StringComparison.Ordinal) ? "17" : "a", string.Empty);
        Assert.Null(ArticleReader.ParseAgain(Encoding.UTF8.GetBytes(line), kept));
    }
}

using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Dedup.Cli.Input;

namespace Dedup.Cli.Tests;

/// <summary>
/// A scan that reads its articles again from the file checks their texts on the first read without decoding them
/// (<see cref="ArticleReader.IsPlainAndNotBlank"/>); what it accepts and refuses must be what the decoded text gives.
/// </summary>
public sealed class TextCheckTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>White space of every kind JSON can carry, raw or escaped, and characters that are not white space.</summary>
    private static readonly string[] Alphabet =
        [" ", "\t", "\n", "\r", "\f", "\u000B", "\u0085", "\u00A0", "\u2028", "\u3000", "a", "\"", "\\", "/", "\b", "\u001F", "é", "€", "😀"];

    private static readonly JsonSerializerOptions Raw = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Fact]
    public void The_quick_check_accepts_exactly_the_texts_that_are_not_blank()
    {
        int accepted = 0;
        foreach (string text in Strings(3))
        {
            // Both spellings: non-ASCII as it is (the relaxed encoder) and as \u escapes (the default one).
            foreach (string json in (string[])[JsonSerializer.Serialize(text, Raw), JsonSerializer.Serialize(text)])
            {
                bool plain = ArticleReader.IsPlainAndNotBlank(Encoding.UTF8.GetBytes(json));
                if (plain)
                {
                    accepted++;
                }

                // Exact but for texts with an escaped surrogate (an emoji in ASCII-only JSON), which are left to the decoder.
                if (json.Contains("\\ud", StringComparison.OrdinalIgnoreCase))
                {
                    Assert.False(plain, $"accepted {json}, which escapes a surrogate");
                }
                else
                {
                    Assert.True(plain == !string.IsNullOrWhiteSpace(text), $"{(plain ? "accepted the blank" : "refused the")} text {json}");
                }
            }
        }

        Assert.True(accepted > 1000, $"only {accepted} accepted");
    }

    [Theory]
    [InlineData("\"\\ud800 and more\"", false)] // a surrogate escape, paired or not: decoded
    [InlineData("\"text \\udfff\"", false)]
    [InlineData("\"\\ud83d\\ude00 an emoji\"", false)]
    [InlineData("\"\\\\ud800 is a backslash and text\"", false)] // taken for an escape: decoded, to be safe
    [InlineData("\"\\u0020\\u0009\"", false)] // escaped white space only
    [InlineData("\"\\u00a0\\u3000\\u2028\"", false)] // escaped white space beyond ASCII only
    [InlineData("\"\\u00a0 text\"", true)]
    [InlineData("\"\\u0020\\u0041\"", true)]
    [InlineData("\"\\u2019quoted\\u2019\"", true)] // an ASCII-only JSON writer's curly quotes
    [InlineData("\"\\\\u0041 is spelled with a backslash\"", true)]
    [InlineData("\"\"", false)]
    [InlineData("\"", false)]
    [InlineData("", false)]
    public void Escapes_and_edges(string json, bool plain) =>
        Assert.Equal(plain, ArticleReader.IsPlainAndNotBlank(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public async Task A_scan_that_reads_again_refuses_and_keeps_the_same_lines_as_one_that_keeps_the_texts()
    {
        var lines = new StringBuilder();
        foreach ((string id, string text) in (ReadOnlySpan<(string, string)>)[("b1", "\\n\\t \\r\\f"), ("b2", " \u00A0 \u3000"), ("b3", "\\u0020\\u00a0"), ("g1", "\\\"quoted\\\" text"), ("g2", "\\/ slash"), ("g3", "\u00A0 after a space")])
        {
            lines.Append("{\"id\": \"").Append(id).Append("\", \"text\": \"").Append(text).Append("\"}\n");
        }

        string path = _temp.WriteBytes("mixed.jsonl", [.. InputErrorTests.MixedInput(), .. Encoding.UTF8.GetBytes(lines.ToString())]);
        var console = new CliConsole(TextWriter.Null, TextWriter.Null, () => Stream.Null);
        ArticleSet kept = await new ArticleReader(console, skipBad: true).ReadAsync(path, TestContext.Current.CancellationToken);
        ArticleSet backed = await new ArticleReader(console, skipBad: true) { KeepTexts = false }.ReadAsync(path, TestContext.Current.CancellationToken);
        using (backed.Backing)
        {
            Assert.NotNull(backed.Backing);
            Assert.Equal(["1", "x", "y", "w", "u", "t", "g1", "g2", "g3"], kept.Articles.Select(a => a.Id));
            Assert.Equal(kept.Articles.Select(a => a.Id), backed.Articles.Select(a => a.Id));
            Assert.Equal(kept.Skipped, backed.Skipped);
            Assert.Equal(4, kept.Skipped[InputProblem.EmptyText]);
            Assert.All(backed.Articles, a => Assert.Equal(string.Empty, a.Text));
            Assert.Equal(kept.Articles.Select(a => a.Text), backed.Backing.Select(a => a.Text));
        }
    }

    private static IEnumerable<string> Strings(int length)
    {
        IEnumerable<string> all = [string.Empty];
        IEnumerable<string> last = [string.Empty];
        for (int n = 1; n <= length; n++)
        {
            last = last.SelectMany(s => Alphabet.Select(c => s + c)).ToList();
            all = all.Concat(last);
        }

        return all;
    }
}

using System.Text;
using System.Text.Json;
using Dedup.Cli.Input;
using Dedup.Detection;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dedup.Cli.Tests;

/// <summary>
/// The reader finds and decodes a line's text itself (<see cref="TextMember"/>) and leaves the rest of the line to the
/// JSON reader; on every line, well formed or not, it must give what the JSON reader alone gives
/// (<see cref="ArticleReader.ParseLineWithReader"/>, <see cref="ArticleReader.ParseAgainWithReader"/>): the same
/// article, or the same problem and message.
/// </summary>
public sealed class TextMemberTests
{
    /// <summary>Pieces of a JSON string's body: plain runs, every escape, escaped and raw non-ASCII, surrogates paired and alone, and what JSON forbids.</summary>
    private static readonly string[] StringPieces =
    [
        "word", "two words", " ", "  ", "\\n", "\\n\\n", "\\t", "\\r", "\\f", "\\b", "\\/", "\\\\", "\\\"", "\\u2019", "\\u00e9",
        "\\u00A0", "\\u0020", "\\u0041", "\\u3000", "\\ud83d\\ude00", "\\uD83D\\uDE00", "\\ud800", "\\udfff", "\\\\ud800", "é", "日本語",
        "😀", "\u00a0", "\u2028", "'", ",", "{", "}", "[", "]", ":", "text", "\\\"text\\\": \\\"",
        // Not JSON: a raw control character, an unknown escape, a short \u escape, a lone backslash at the end.
        "\u0001", "\t", "\\x", "\\u12", "\\u12G4", "\\",
    ];

    private static readonly string[] Keys = ["id", "text", "title", "source", "published", "extra", "t\\u0065xt", "te", "textx", "Text"];

    [Property(MaxTest = 2000)]
    public Property The_first_reading_gives_what_the_json_reader_alone_gives(DoNotSize<int> seed)
    {
        var random = new Random(seed.Item);
        for (int k = 0; k < 40; k++)
        {
            byte[] line = Encoding.UTF8.GetBytes(Line(random));
            foreach (bool keepText in (bool[])[true, false])
            {
                var quick = ArticleReader.ParseLine(line, keepText);
                var reference = ArticleReader.ParseLineWithReader(line, keepText);
                if (quick != reference)
                {
                    return false.Label($"{Encoding.UTF8.GetString(line)} (keep text {keepText}): {quick} against {reference}");
                }
            }
        }

        return true.ToProperty();
    }

    [Property(MaxTest = 2000)]
    public Property Reading_again_gives_what_the_json_reader_alone_gives(DoNotSize<int> seed)
    {
        var random = new Random(seed.Item);
        for (int k = 0; k < 40; k++)
        {
            byte[] line = Encoding.UTF8.GetBytes(Line(random));
            Article? first = ArticleReader.ParseLineWithReader(line, keepText: false).Article;
            var kept = first ?? new Article(random.Next(2) == 0 ? "a" : "17", string.Empty);
            Article? quick = ArticleReader.ParseAgain(line, kept);
            Article? reference = ArticleReader.ParseAgainWithReader(line, kept);
            if (quick != reference)
            {
                return false.Label($"{Encoding.UTF8.GetString(line)}: {quick} against {reference}");
            }
        }

        return true.ToProperty();
    }

    [Property(MaxTest = 1000)]
    public Property A_string_ends_and_decodes_as_the_json_reader_reads_it(DoNotSize<int> seed)
    {
        var random = new Random(seed.Item);
        string body = StringBody(random);
        byte[] token = Encoding.UTF8.GetBytes("\"" + body + "\" ,");
        int end = TextMember.StringEnd(token, 0);

        int readerEnd = -1;
        string? readerValue = null;
        bool decodes = true;
        try
        {
            var reader = new Utf8JsonReader(token, isFinalBlock: false, state: default);
            if (reader.Read() && reader.TokenType == JsonTokenType.String)
            {
                readerEnd = (int)reader.BytesConsumed - 1;
                try
                {
                    readerValue = reader.GetString();
                }
                catch (InvalidOperationException)
                {
                    decodes = false; // a lone surrogate
                }
            }
        }
        catch (JsonException)
        {
        }

        if (end != readerEnd)
        {
            return false.Label($"\"{body}\": ends at {end}, the reader at {readerEnd}");
        }

        if (end < 0)
        {
            return true.ToProperty();
        }

        bool decoded = TextMember.TryDecode(token.AsSpan(0, end + 1), out string value);
        return (decoded ? decodes && value == readerValue : TextMember.EscapesSurrogate(token.AsSpan(1, end - 1)))
            .Label($"\"{body}\": decoded {decoded} {value}, the reader {readerValue}");
    }

    [Theory]
    [InlineData("""{"id": "a", "text": "found"}""", "\"found\"")]
    [InlineData("""  {"text" :	"spaced"  , "id": 1}""", "\"spaced\"")]
    [InlineData("""{"extra": {"text": "nested"}, "list": ["text", {"text": "deeper"}], "text": "the root's"}""", "\"the root's\"")]
    [InlineData("""{"title": "\"text\": \"in a string\"", "text": "after"}""", "\"after\"")]
    [InlineData("""{"text": "a \"quoted\" \\ \u2019 text"}""", "\"a \\\"quoted\\\" \\\\ \\u2019 text\"")]
    public void The_root_objects_text_is_found(string line, string token)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(line);
        Assert.True(TextMember.TryFind(bytes, out Range found));
        Assert.Equal(token, Encoding.UTF8.GetString(bytes.AsSpan()[found]));
    }

    [Theory]
    [InlineData("""{"id": "a"}""")] // no text
    [InlineData("""{"t\u0065xt": "escaped key"}""")] // left to the reader, which reads the key as "text"
    [InlineData("""{"text": 5}""")] // not a string
    [InlineData("""{"text": "one", "text": "two"}""")] // twice: the reader names the duplicate key
    [InlineData("""{"id": 17, "text": "", "t\u0065xt": "the reader's"}""")] // an escaped key after it spells it too
    [InlineData("""{"text": "cut""")] // not closed
    [InlineData("""{"text": "bad \x escape"}""")]
    [InlineData("""{"title": "bad \x", "text": "fine"}""")] // a bad string before it
    [InlineData("""["text", "text"]""")] // not an object
    public void A_line_without_a_plain_text_member_is_left_to_the_reader(string line) =>
        Assert.False(TextMember.TryFind(Encoding.UTF8.GetBytes(line), out _));

    [Fact]
    public void Reading_again_a_line_whose_escaped_key_spells_text_again_gives_what_the_json_reader_gives()
    {
        // Found by the property above: the raw "text" was decoded, while the reader takes the later, escaped one.
        byte[] line = Encoding.UTF8.GetBytes("""{"id":17,"text":"","t\u0065xt":"\u2019 the escaped key's text"}""");
        var kept = new Article("17", string.Empty);
        Assert.Equal(ArticleReader.ParseAgainWithReader(line, kept), ArticleReader.ParseAgain(line, kept));
    }

    /// <summary>A line: mostly an object of members in any order (the keys the reader knows, escaped keys, nested values), sometimes cut or broken.</summary>
    private static string Line(Random random)
    {
        var line = new StringBuilder(WhiteSpace(random)).Append('{').Append(WhiteSpace(random));
        int members = random.Next(0, 6);
        for (int m = 0; m < members; m++)
        {
            if (m > 0)
            {
                line.Append(WhiteSpace(random)).Append(',').Append(WhiteSpace(random));
            }

            line.Append('"').Append(Keys[random.Next(Keys.Length)]).Append('"').Append(WhiteSpace(random)).Append(':').Append(WhiteSpace(random)).Append(Value(random, 0));
        }

        line.Append(WhiteSpace(random)).Append('}').Append(WhiteSpace(random));
        string text = line.ToString();
        return random.Next(10) switch
        {
            0 => text[..random.Next(text.Length + 1)], // cut
            1 => text.Remove(random.Next(text.Length), 1), // a character lost
            2 => text.Insert(random.Next(text.Length + 1), Pick(random, "\"", ",", "}", "\\", ":")), // one too many
            3 => "[" + text + "]", // not an object
            _ => text,
        };
    }

    private static string Value(Random random, int depth) => random.Next(depth < 2 ? 12 : 9) switch
    {
        < 6 => "\"" + StringBody(random) + "\"",
        6 => Pick(random, "17", "-0", "1.7e1", "2.5", "0", "12345678901234567890123456789012"),
        7 => Pick(random, "null", "true", "false"),
        8 => "\"2026-11-27T10:00:00Z\"",
        9 => "[" + string.Join(", ", Enumerable.Range(0, random.Next(3)).Select(_ => Value(random, depth + 1))) + "]",
        _ => "{" + string.Join(", ", Enumerable.Range(0, random.Next(3)).Select(_ => "\"" + Keys[random.Next(Keys.Length)] + "\": " + Value(random, depth + 1))) + "}",
    };

    /// <summary>A string's body as written in JSON: mostly valid, one in eight with something JSON forbids.</summary>
    private static string StringBody(Random random)
    {
        var body = new StringBuilder();
        int pieces = random.Next(0, 8);
        int allowed = random.Next(8) == 0 ? StringPieces.Length : StringPieces.Length - 6;
        for (int p = 0; p < pieces; p++)
        {
            body.Append(StringPieces[random.Next(allowed)]);
        }

        return body.ToString();
    }

    private static string WhiteSpace(Random random) => Pick(random, "", "", " ", "  ", "\t", "\r");

    private static string Pick(Random random, params string[] choices) => choices[random.Next(choices.Length)];
}

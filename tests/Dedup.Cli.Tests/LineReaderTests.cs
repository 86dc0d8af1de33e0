using System.Text;
using Dedup.Cli.Input;

namespace Dedup.Cli.Tests;

/// <summary>
/// The line reader that keeps its lines (<see cref="Utf8LineReader"/> with <c>keepLines</c>): each line returned stays
/// as it was read while later lines are read (the batches are parsed where the lines were read, not from a copy), and
/// the lines, their numbers and offsets are those of the reader that moves its bytes. Inputs of several megabytes, so
/// that lines cross the reader's 1 MB buffers, some longer than a buffer, some longer than the limit.
/// </summary>
public sealed class LineReaderTests
{
    /// <summary>Random lines: short and long, blank, CRLF, a byte-order mark at a line's start, a few over the limit.</summary>
    private static byte[] Input(int seed, int limit, out int lines)
    {
        var random = new Random(seed);
        var text = new StringBuilder();
        lines = 300 + random.Next(300);
        for (int k = 0; k < lines; k++)
        {
            int length = random.Next(20) switch
            {
                0 => 0,
                1 => limit - 2 + random.Next(5),
                2 => random.Next(limit / 2, limit),
                _ => random.Next(1, 30_000),
            };
            if (random.Next(30) == 0)
            {
                text.Append('\uFEFF');
            }

            text.Append((char)('a' + (k % 26)), Math.Max(0, length - 1)).Append(random.Next(4) == 0 ? "\r\n" : "\n");
        }

        if (random.Next(2) == 0)
        {
            text.Append("last line without a break");
            lines++;
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Kept_lines_stay_as_read_and_equal_the_moving_readers(int seed)
    {
        const int Limit = 1_500_000;
        byte[] input = Input(seed, Limit, out _);
        var expected = new List<(int Number, long End, byte[] Bytes, bool TooLong)>();
        using (var moving = new Utf8LineReader(new MemoryStream(input), Limit))
        {
            while (await moving.ReadLineAsync(TestContext.Current.CancellationToken) is (true, var line))
            {
                expected.Add((moving.LineNumber, moving.BytesRead, line.ToArray(), moving.LastLineTooLong));
            }
        }

        // Every line kept (not copied) until the end, the buffers left behind held too: none may have changed.
        var kept = new List<(int Number, long End, ReadOnlyMemory<byte> Line, bool TooLong)>();
        var retired = new List<byte[]>();
        using (var keeping = new Utf8LineReader(new MemoryStream(input), Limit, keepLines: true))
        {
            while (await keeping.ReadLineAsync(TestContext.Current.CancellationToken) is (true, var line))
            {
                kept.Add((keeping.LineNumber, keeping.BytesRead, line, keeping.LastLineTooLong));
                retired.AddRange(keeping.TakeRetired());
            }

            Assert.Equal(expected.Count, kept.Count);
            for (int k = 0; k < kept.Count; k++)
            {
                Assert.Equal(expected[k].Number, kept[k].Number);
                Assert.Equal(expected[k].End, kept[k].End);
                Assert.Equal(expected[k].TooLong, kept[k].TooLong);
                Assert.True(expected[k].Bytes.AsSpan().SequenceEqual(kept[k].Line.Span), $"line {k + 1} changed after it was read");
            }
        }

        Assert.NotEmpty(retired);
        Assert.True(expected.Exists(e => e.TooLong), "no line over the limit in this input");
    }

    /// <summary>
    /// A JSONL file of several megabytes read by the tool (batches parsed while the next is read, each batch's buffers
    /// returned to the pool once its lines are taken): every article's text is the line's, in order, and the lines
    /// over the limit are reported where they are.
    /// </summary>
    [Theory]
    [InlineData(5, true)]
    [InlineData(6, false)]
    [InlineData(7, true)]
    public async Task A_file_of_many_buffers_reads_every_article_as_written(int seed, bool keepTexts)
    {
        const int Limit = 1_200_000;
        var random = new Random(seed);
        var lines = new List<(string Id, string Text, bool TooLong)>();
        var file = new StringBuilder();
        for (int k = 0; k < 2_500; k++)
        {
            int length = random.Next(40) == 0 ? random.Next(Limit - 100, Limit + 100) : random.Next(1, 6_000);
            string text = string.Create(length, k, (span, n) =>
            {
                for (int c = 0; c < span.Length; c++)
                {
                    span[c] = (char)('a' + ((n + c) % 26));
                }
            });
            string line = System.Text.Json.JsonSerializer.Serialize(new { id = $"a{k}", text });
            lines.Add(($"a{k}", text, Encoding.UTF8.GetByteCount(line) > Limit));
            file.Append(line).Append(random.Next(5) == 0 ? "\r\n" : "\n");
        }

        using var directory = new TempFolder();
        string path = directory.Write("many.jsonl", file.ToString());
        using var stderr = new StringWriter();
        var reader = new ArticleReader(new CliConsole(TextWriter.Null, stderr, () => Stream.Null), skipBad: true) { MaxLineBytes = Limit, KeepTexts = keepTexts };
        ArticleSet set = await reader.ReadAsync(path, TestContext.Current.CancellationToken);
        using (set.Backing)
        {
            var expected = lines.Where(l => !l.TooLong).ToList();
            Assert.Equal(expected.Select(l => l.Id), set.Articles.Select(a => a.Id));
            IReadOnlyList<Dedup.Detection.Article> texts = set.Complete;
            for (int k = 0; k < expected.Count; k++)
            {
                Assert.True(expected[k].Text == texts[k].Text, $"article {expected[k].Id} read as another text");
            }

            Assert.Equal(lines.Count(l => l.TooLong), set.SkippedCount);
            int firstTooLong = lines.FindIndex(l => l.TooLong);
            if (firstTooLong >= 0)
            {
                Assert.Contains($"{path}:{firstTooLong + 1}: the line is longer than", stderr.ToString(), StringComparison.Ordinal);
            }
        }
    }
}

using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dedup.Cli.Commands;
using Dedup.Cli.Output;
using Dedup.Detection;

namespace Dedup.Cli.Tests;

/// <summary>The output formats, on hand-made results (they do not need the detector).</summary>
public sealed partial class OutputTests
{
    private static readonly HashSet<string> NumericIds = ["17"];

    [Fact]
    public void Pairs_are_one_JSON_object_per_line_with_every_score()
    {
        using var stream = new MemoryStream();
        JsonLines.WritePairs(stream, Fakes.Result.Pairs, NumericIds);
        string[] lines = Encoding.UTF8.GetString(stream.ToArray()).Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Equal(string.Empty, lines[2]);
        Assert.Equal("""{"a":"orig","b":"copy","kind":"syndicated","score":0.9123,"jaccard":0.8,"containment_a":0.9,"containment_b":0.95,"skeleton":0.97,"lead":0,"paraphrase":0,"facts":0,"aligned_share":0}""", lines[0]);
        using JsonDocument second = JsonDocument.Parse(lines[1]);
        Assert.Equal("rewritten", second.RootElement.GetProperty("kind").GetString());

        // A rewritten pair's evidence: the share of facts kept and of sentences aligned, as `compare --json` names them.
        Assert.Equal(0.9412, second.RootElement.GetProperty("facts").GetDouble());
        Assert.Equal(0.8, second.RootElement.GetProperty("aligned_share").GetDouble());
    }

    [Fact]
    public void Clusters_list_every_document_in_input_order_with_singletons_as_their_own_cluster()
    {
        using var stream = new MemoryStream();
        JsonLines.WriteClusters(stream, ["orig", "copy", "17", "spun", "lost"], Fakes.Result.Clusters, NumericIds);
        string[] lines = Encoding.UTF8.GetString(stream.ToArray()).TrimEnd('\n').Split('\n');
        Assert.Equal(
            [
                """{"id":"orig","cluster":"orig","original":true}""",
                """{"id":"copy","cluster":"orig","original":false}""",
                """{"id":17,"cluster":17,"original":true}""",
                """{"id":"spun","cluster":"orig","original":false}""",
                """{"id":"lost","cluster":"lost","original":true}""",
            ],
            lines);
    }

    [Fact]
    public void Report_is_self_contained_and_lists_clusters_largest_first()
    {
        string html = Report();
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(SrcOrHref(), html);
        Assert.Contains("<style>", html, StringComparison.Ordinal);

        // One section per cluster of copies; singletons are counted but not shown.
        Assert.Single(Regex.Matches(html, "<section class=\"cluster\""));
        Assert.Contains("data-cluster-id=\"orig\" data-size=\"3\"", html, StringComparison.Ordinal);
        Assert.Contains("<li data-stat=\"unique\"><b>1</b>", html, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Count(html, "<article class=\"copy\""));
        Assert.Contains("data-id=\"copy\" data-kind=\"syndicated\"", html, StringComparison.Ordinal);
        Assert.Contains("data-id=\"spun\" data-kind=\"rewritten\"", html, StringComparison.Ordinal);
        Assert.Contains("<code data-original=\"true\">orig</code>", html, StringComparison.Ordinal);

        // Each copy's scores name the evidence of every kind, a rewritten copy's too (paraphrase, facts, sentences aligned).
        MatchCollection rows = Regex.Matches(html, "<table class=\"scores\"><tr>((?:<th>[^<]*</th>)+)</tr><tr>((?:<td>[^<]*</td>)+)</tr></table>");
        Assert.Equal(2, rows.Count);
        foreach (Match row in rows)
        {
            Assert.Equal("<th>score</th><th>Jaccard</th><th>original found in copy</th><th>copy found in original</th><th>skeleton</th><th>lead</th><th>paraphrase</th><th>facts kept</th><th>sentences aligned</th><th>shared passages</th>", row.Groups[1].Value);
            Assert.Equal(10, Regex.Count(row.Groups[2].Value, "<td>"));
        }
    }

    // D6: each text is written once. The original stands once beside its copies, its passages naming the copies that
    // share them (copy 1 word for word, copy 2 with words changed); it used to be repeated beside every copy.
    [Fact]
    public void Report_writes_each_text_once_and_marks_which_copies_share_a_passage()
    {
        string html = Report();
        Assert.Single(Regex.Matches(html, "ALSO READ: something else"));
        Assert.Single(Regex.Matches(html, "Tuesday"));
        Assert.Single(Regex.Matches(html, "The assembly authorised"));
        Assert.Single(Regex.Matches(html, "<div class=\"side original\">"));
        Assert.Contains("<mark class=\"exact e1 a2\">the &lt;budget&gt; &amp; the tunnel on</mark>", html, StringComparison.Ordinal);
        Assert.Contains("data-id=\"copy\" data-kind=\"syndicated\" data-n=\"1\"", html, StringComparison.Ordinal);
        Assert.Contains("data-id=\"spun\" data-kind=\"rewritten\" data-n=\"2\"", html, StringComparison.Ordinal);
        Assert.Contains(".cluster:has(.copy[data-n=\"2\"]:hover, .copy[data-n=\"2\"]:focus-within) .original mark.a2 {", html, StringComparison.Ordinal);
    }

    // A text holding markup that would end a script, style or comment, or open one, stays text.
    [Fact]
    public void Report_text_that_would_close_a_script_or_open_a_comment_stays_text()
    {
        const string hostile = "A </script><script>alert(1)</script> and <!-- an open comment, </style> and ]]> --> here.";
        var original = new Article("o<!--", hostile + " The shared passage of the story.", "</title><script>t()</script>");
        var copy = new Article("c</script>", "<!-- " + hostile + " The shared passage of the story.");
        var result = new ScanResult(
            [new CopyPair(original.Id, copy.Id, CopyKind.Syndicated, 0.9, new MatchScores(0.9, 0.9, 0.9, 0.9))],
            [new CopyCluster(original.Id, original.Id, [original.Id, copy.Id])],
            2,
            100,
            TimeSpan.FromSeconds(1));
        var passage = new SharedPassage(new TextSpan(0, 20), new TextSpan(3, 20), Exact: true);
        using var writer = new StringWriter();
        new HtmlReport(result, new Dictionary<string, Article> { [original.Id] = original, [copy.Id] = copy }, (_, _) => new Comparison(CopyKind.Syndicated, 0.9, new MatchScores(0.9, 0.9, 0.9, 0.9), [passage], [], []))
            .Write(writer, "<!--in.jsonl");
        string html = writer.ToString();

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("</script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<!--", html, StringComparison.Ordinal);
        Assert.DoesNotContain("-->", html, StringComparison.Ordinal);
        Assert.Single(Regex.Matches(html, "</style>"));
        Assert.Contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; and &lt;!-- an open comment", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_highlights_shared_passages_and_encodes_all_text()
    {
        string html = Report();
        Assert.Contains("<mark class=\"exact\">the &lt;budget&gt; &amp; the tunnel on</mark>", html, StringComparison.Ordinal);
        Assert.Contains("<mark class=\"aligned\">the &lt;budget&gt; &amp; the tunnel on</mark>", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"boilerplate\">ALSO READ: something else</span>", html, StringComparison.Ordinal);
        Assert.Contains("Council backs &quot;tunnel&quot;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<budget>", html, StringComparison.Ordinal);
        Assert.Contains("<td>0.900</td>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Highlighter_clips_ranges_and_merges_overlaps()
    {
        var runs = Highlighter.Runs("abcdefghij", [(new TextSpan(2, 3), Marks.SharedExact), (new TextSpan(4, 3), Marks.SharedAligned), (new TextSpan(8, 50), Marks.Boilerplate)]);
        Assert.Equal(
            [("ab", Marks.None), ("cde", Marks.SharedExact), ("fg", Marks.SharedAligned), ("h", Marks.None), ("ij", Marks.Boilerplate)],
            runs);
        Assert.DoesNotContain(Highlighter.Runs(string.Empty, [(new TextSpan(0, 5), Marks.SharedExact)]), r => r.Text.Length > 0);
    }

    [Fact]
    public void Word_diff_marks_only_the_changed_words()
    {
        var diff = WordDiff.Diff("The minister told reporters on Friday.", "The minister advised journalists on Friday.");
        Assert.Equal(
            [(DiffOp.Same, "The minister"), (DiffOp.Added, " advised journalists"), (DiffOp.Removed, " told reporters"), (DiffOp.Same, " on Friday.")],
            diff);
    }

    /// <summary>A change with nothing on one side (a line the copy put before the story) says "(nothing)" there; the line was blank.</summary>
    [Fact]
    public void A_change_with_nothing_on_one_side_says_so()
    {
        const string First = "The minister told reporters on Friday that the harbour wall will be rebuilt.";
        const string Second = "BREAKING NEWS. The minister told reporters on Friday that the harbour wall will be rebuilt.";
        var comparison = new Comparison(
            CopyKind.Syndicated,
            0.95,
            new MatchScores(0.9, 0.95, 0.9, 0.9, 1, 0.5, 1, 1),
            [new SharedPassage(new TextSpan(0, First.Length), new TextSpan(15, First.Length), Exact: true)],
            [],
            []);
        using var writer = new StringWriter();
        new ComparisonView("a.txt", First, "b.txt", Second, comparison).WritePlain(writer);
        string text = writer.ToString();
        Assert.Contains("changed before passage 1: a 0..0, b 0..15\n  a | (nothing)\n  b | {+BREAKING NEWS. +}\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Plain_comparison_prints_scores_passages_with_differences_and_boilerplate()
    {
        var first = new Article("a", "Intro. The minister told reporters on Friday. ALSO READ: more");
        var second = new Article("b", "The minister advised journalists on Friday.");
        var comparison = new Comparison(
            CopyKind.Rewritten,
            0.8123,
            new MatchScores(0.1, 0.2, 0.3, 0.9, 0.05, 0.75, 0.8, 0.6) { SimHashDistance = 7 },
            [new SharedPassage(new TextSpan(7, 38), new TextSpan(0, 44), Exact: false)],
            [new TextSpan(46, 15)],
            []);
        using var writer = new StringWriter();
        new ComparisonView("a.txt", first.Text, "b.txt", second.Text, comparison).WritePlain(writer);
        string text = writer.ToString();
        Assert.Contains("kind: rewritten\nscore: 0.8123\njaccard: 0.1000\ncontainment_a: 0.2000\ncontainment_b: 0.3000\nskeleton: 0.9000\nlead: 0.0500\nparaphrase: 0.7500\nfacts: 0.8000\naligned_share: 0.6000\nsimhash_distance: 7 (bits of 64)\npassages: 1\n", text, StringComparison.Ordinal);
        Assert.Contains("passage 1 (words changed): a 7..45, b 0..44", text, StringComparison.Ordinal);
        Assert.Contains("  a | The minister [-told reporters-] on Friday.", text, StringComparison.Ordinal);
        Assert.Contains("  b | The minister {+advised journalists+} on Friday.", text, StringComparison.Ordinal);
        Assert.Contains("boilerplate removed from a: 1 line\n  a | ALSO READ: more", text, StringComparison.Ordinal);
        Assert.Contains("boilerplate removed from b: 0 lines", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Rich_comparison_renders_a_side_by_side_table()
    {
        var comparison = Fakes.Compare(Fakes.Original, Fakes.Spun);
        using var writer = new StringWriter();
        var console = new CliConsole(writer, TextWriter.Null, () => Stream.Null, OutIsTerminal: true);
        new ComparisonView("orig.txt", Highlighter.DisplayText(Fakes.Original), "spun.txt", Fakes.Spun.Text, comparison).WriteRich(console.CreateOutConsole());
        string text = writer.ToString();
        Assert.Contains("orig.txt", text, StringComparison.Ordinal);
        Assert.Contains("rewritten", text, StringComparison.Ordinal);
        Assert.Contains("the <budget> & the tunnel on", text, StringComparison.Ordinal);
        Assert.Contains("ALSO READ", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_score_is_written_as_the_general_number_writer_writes_its_rounded_value()
    {
        var random = new Random(7);
        double[] values =
        [
            .. Enumerable.Range(0, 10_001).Select(k => k / 10_000.0),
            .. Enumerable.Range(0, 20_000).Select(_ => random.NextDouble()),
            .. Enumerable.Range(0, 2_000).Select(_ => random.NextDouble() * 2_000_000),
            0.00005, 0.99995, 0.123449999, 0.12345, 1, 2.5, 999_999.99994, 999_999.99995, 1_000_000, 1e300,
            -0.0, -0.00004, -0.5, double.NaN, double.PositiveInfinity, double.Epsilon, 1 - 1e-17,
        ];
        JsonEncodedText name = JsonEncodedText.Encode("s");
        foreach (double value in values)
        {
            string expected = Written(json => json.WriteNumber(name, JsonLines.Round(value)));
            string actual = Written(json => JsonLines.WriteScore(json, name, value));
            Assert.True(expected == actual, $"{value:R}: {actual}, not {expected}");
        }
    }

    /// <summary>What a write gives inside an object, or the type of what it throws.</summary>
    private static string Written(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        try
        {
            using var json = new Utf8JsonWriter(buffer);
            json.WriteStartObject();
            write(json);
            json.WriteEndObject();
        }
        catch (ArgumentException e)
        {
            return e.GetType().Name;
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void Many_pairs_reach_the_file_in_a_few_large_writes_not_one_a_line()
    {
        CopyPair pair = Fakes.Result.Pairs[0];
        var pairs = Enumerable.Range(0, 20_000).Select(i => pair with { Second = $"copy-{i}" }).ToList();
        using var stream = new CountingStream();
        JsonLines.WritePairs(stream, pairs, NumericIds);

        string[] lines = Encoding.UTF8.GetString(stream.ToArray()).Split('\n');
        Assert.Equal(20_001, lines.Length);
        Assert.Equal(string.Empty, lines[^1]);
        Assert.StartsWith("""{"a":"orig","b":"copy-19999","kind":"syndicated",""", lines[^2], StringComparison.Ordinal);

        // Each write but the last holds at least a chunk; the stream is flushed once, at the end.
        Assert.InRange(stream.Writes, 1, (stream.Length / JsonLinesWriter.ChunkSize) + 1);
        Assert.Equal(1, stream.Flushes);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(-1)]
    public void Pairs_formatted_on_several_threads_are_written_in_order_as_one_thread_writes_them(int threads)
    {
        // Enough blocks for several rounds of two blocks a thread, and a last block part full.
        CopyPair pair = Fakes.Result.Pairs[0];
        int count = (JsonLines.BlockPairs * 13) + 17;
        var pairs = Enumerable.Range(0, count).Select(i => pair with { Second = $"copy-{i}", Score = (i % 10_000) / 10_000.0 }).ToList();
        using var expected = new MemoryStream();
        foreach (CopyPair one in pairs)
        {
            JsonLines.WritePairs(expected, [one], NumericIds, 1);
        }

        using var stream = new CountingStream();
        JsonLines.WritePairs(stream, pairs, NumericIds, threads);
        Assert.Equal(expected.ToArray(), stream.ToArray());
        Assert.Equal(1, stream.Flushes);
    }

    /// <summary>
    /// Every line of a run of pairs is the one the id and score writers give for it alone, for ids that need escaping
    /// (quotes, a backslash, a control character, a tag), beyond ASCII (accents, CJK, an emoji), numeric ids, and runs
    /// of one first id that change or come back.
    /// </summary>
    [Fact]
    public void A_run_of_pairs_writes_each_first_id_as_the_id_writer_does()
    {
        string[] ids = ["plain", "quo\"te", "back\\slash", "tab\there", "<b>&", "café", "北京-1", "\U0001F680 launch", "17", "plain"];
        CopyPair pair = Fakes.Result.Pairs[0];
        var pairs = new List<CopyPair>();
        foreach (string first in ids)
        {
            foreach (string second in ids.Take(4))
            {
                pairs.Add(pair with { First = first, Second = second + "/" + first });
            }
        }

        using var stream = new MemoryStream();
        JsonLines.WritePairs(stream, pairs, NumericIds, 1);
        string[] lines = Encoding.UTF8.GetString(stream.ToArray()).TrimEnd('\n').Split('\n');
        Assert.Equal(pairs.Count, lines.Length);
        for (int k = 0; k < pairs.Count; k++)
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer, JsonLines.Options))
            {
                writer.WriteStartObject();
                JsonLines.WriteId(writer, "a", pairs[k].First, NumericIds);
                JsonLines.WriteId(writer, "b", pairs[k].Second, NumericIds);
                JsonLines.WriteScores(writer, pairs[k].Kind, pairs[k].Score, pairs[k].Scores);
                writer.WriteEndObject();
            }

            Assert.Equal(Encoding.UTF8.GetString(buffer.WrittenSpan), lines[k]);
        }

        Assert.StartsWith("{\"a\":17,", lines[32], StringComparison.Ordinal);
    }

    [Fact]
    public void Lines_meant_to_be_seen_at_once_reach_the_stream_as_each_ends()
    {
        using var stream = new CountingStream();
        var lines = new JsonLinesWriter(stream, eachLine: true);
        using (lines)
        {
            for (int i = 1; i <= 3; i++)
            {
                lines.Json.WriteStartObject();
                lines.Json.WriteNumber("n", i);
                lines.Json.WriteEndObject();
                lines.EndLine();
                Assert.Equal(string.Concat(Enumerable.Range(1, i).Select(k => $"{{\"n\":{k}}}\n")), Encoding.UTF8.GetString(stream.ToArray()));
                Assert.Equal(i, stream.Flushes);
            }
        }

        Assert.Throws<ObjectDisposedException>(lines.EndLine);
    }

    /// <summary>
    /// A memory stream that counts the writes and flushes it is given (a derived memory stream takes a span through
    /// the array overload, so that one counts both).
    /// </summary>
    private sealed class CountingStream : MemoryStream
    {
        public int Writes { get; private set; }

        public int Flushes { get; private set; }

        public override void Write(byte[] buffer, int offset, int count)
        {
            Writes++;
            base.Write(buffer, offset, count);
        }

        public override void WriteByte(byte value)
        {
            Writes++;
            base.WriteByte(value);
        }

        public override void Flush()
        {
            Flushes++;
            base.Flush();
        }
    }

    private static string Report()
    {
        using var writer = new StringWriter();
        new HtmlReport(Fakes.Result, Fakes.Articles.ToDictionary(a => a.Id), Fakes.Compare).Write(writer, "fake.jsonl");
        return writer.ToString();
    }

    [GeneratedRegex("(src|href)=\"(?!#)", RegexOptions.IgnoreCase)]
    private static partial Regex SrcOrHref();
}

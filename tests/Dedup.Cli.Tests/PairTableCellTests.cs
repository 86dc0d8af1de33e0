using Dedup.Cli.Output;
using Dedup.Detection;
using Spectre.Console;

namespace Dedup.Cli.Tests;

/// <summary>The pair table's cells: one line, cut to the column with an ellipsis, no characters that reorder a terminal's line.</summary>
public sealed class PairTableCellTests
{
    /// <summary>
    /// A title cut where a space falls ends with an ellipsis too (before, the space was trimmed away and with it the sign
    /// of the cut); a word cut in the middle goes whole unless it fills most of the cell.
    /// </summary>
    [Theory]
    [InlineData("Storm Ines floods northern Portugal, killing two", 36, "Storm Ines floods northern Portugal\u2026")]
    [InlineData("Storm Ines floods northern Portugal, killing two", 37, "Storm Ines floods northern Portugal,\u2026")]
    [InlineData("Blinken proposes coast guard hotline for Southeast Asian waters", 36, "Blinken proposes coast guard\u2026")]
    [InlineData("Supercalifragilisticexpialidocious words", 20, "Supercalifragilisti\u2026")]
    [InlineData("Short title", 36, "Short title")]
    [InlineData("Exactly ten", 11, "Exactly ten")]
    [InlineData("  padded title  ", 12, "padded title")]
    [InlineData("line\nbreak\ttab", 20, "line break tab")]
    public void A_cut_value_ends_with_an_ellipsis(string value, int width, string expected)
    {
        string cell = PairTable.Cell(value, width);

        Assert.Equal(expected, cell);
        Assert.True(cell.Length <= width, cell);
    }

    /// <summary>A wide character (CJK) takes two terminal cells: a cell is cut by the cells it fills, not its characters.</summary>
    [Theory]
    [InlineData("中国人民银行宣布下调存款准备金率以支持实体经济发展", 36, "中国人民银行宣布下调存款准备金率以\u2026")]
    [InlineData("中国人民银行宣布下调", 20, "中国人民银行宣布下调")]
    [InlineData("Xinhua: 中国人民银行宣布下调存款准备金率", 20, "Xinhua: 中国人民银\u2026")]
    public void A_wide_value_is_cut_by_the_cells_it_fills(string value, int width, string expected)
    {
        string cell = PairTable.Cell(value, width);

        Assert.Equal(expected, cell);
        Assert.True(cell.GetCellWidth() <= width, cell);
    }

    /// <summary>The plain table's columns line up in a terminal when a title is Chinese (they were padded by characters, so every column after a CJK title started further right).</summary>
    [Fact]
    public void Plain_columns_line_up_with_wide_titles()
    {
        Article[] articles =
        [
            new("zh1", "正文", "中国人民银行宣布下调存款准备金率"),
            new("zh2", "正文", "中国人民银行宣布下调存款准备金率"),
            new("en1", "Body", "Council approves harbour wall rebuild"),
            new("en2", "Body", "Council approves harbour wall rebuild"),
        ];
        CopyPair[] pairs =
        [
            new("zh1", "zh2", CopyKind.Duplicate, 1.0, new MatchScores(1, 1, 1, 1)),
            new("en1", "en2", CopyKind.Duplicate, 0.9, new MatchScores(1, 1, 1, 1)),
        ];
        var writer = new StringWriter();

        new PairTable(new ScanResult(pairs, [], articles.Length, 0, TimeSpan.Zero), articles).WritePlain(writer);

        string[] lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        int[] columns = [.. lines.Select(line => line[..line.LastIndexOf(line.StartsWith("score", StringComparison.Ordinal) ? "b  " : line.Contains("zh2", StringComparison.Ordinal) ? "zh2" : "en2", StringComparison.Ordinal)].GetCellWidth())];
        Assert.Equal(3, columns.Length);
        Assert.All(columns, c => Assert.Equal(columns[0], c));
    }

    /// <summary>
    /// On a terminal too narrow for the table, a long id ends in an ellipsis on its line; its end went on over the next
    /// line, where it read as another id (a client's trial).
    /// </summary>
    [Fact]
    public void A_long_id_in_a_narrow_terminal_stays_on_its_line()
    {
        Article[] articles =
        [
            new("reuters-wire-2025-03-14-harbour", "Body", "Council approves harbour wall rebuild after a long debate"),
            new("coastal-gazette-2025-03-14-wall", "Body", "Harbour wall to be rebuilt"),
        ];
        CopyPair[] pairs = [new(articles[0].Id, articles[1].Id, CopyKind.Syndicated, 0.95, new MatchScores(1, 1, 1, 1))];
        var writer = new StringWriter();
        IAnsiConsole terminal = new CliConsole(writer, TextWriter.Null, () => Stream.Null, OutIsTerminal: true).CreateOutConsole();
        terminal.Profile.Width = 70;

        new PairTable(new ScanResult(pairs, [], articles.Length, 0, TimeSpan.Zero), articles).WriteTable(terminal);

        string[] lines = writer.ToString().Split('\n');
        string idLine = Assert.Single(lines, l => l.Contains("0.950", StringComparison.Ordinal));
        Assert.Contains("reuters-wire-", idLine, StringComparison.Ordinal);
        Assert.Contains("\u2026", idLine, StringComparison.Ordinal);
        Assert.DoesNotContain(lines, l => l.Contains("harbour\u2502", StringComparison.Ordinal) || l.Contains("-wall ", StringComparison.Ordinal) || l.Contains("14-harbour", StringComparison.Ordinal) && !l.Contains("0.950", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Council approves", StringComparison.Ordinal));
    }

    /// <summary>
    /// An emoji (a character beyond the first plane, two UTF-16 halves) is shown, as two cells, and never cut in half;
    /// before, every such character became a space. A lone half becomes a space; a zero-width joiner too (the parts of
    /// a joined emoji are shown apart, each as wide as the table counts it).
    /// </summary>
    [Theory]
    [InlineData("\U0001F680 Launch day \U0001F389", 36, "\U0001F680 Launch day \U0001F389")]
    [InlineData("Launch day \U0001F680\U0001F680\U0001F680", 16, "Launch day \U0001F680\U0001F680\u2026")]
    [InlineData("Launch day \U0001F680\U0001F680\U0001F680", 15, "Launch day \U0001F680\u2026")]
    [InlineData("ab\U0001F680", 3, "ab\u2026")]
    [InlineData("family \U0001F468\u200D\U0001F469", 20, "family \U0001F468 \U0001F469")]
    public void An_emoji_is_kept_whole(string value, int width, string expected)
    {
        string cell = PairTable.Cell(value, width);

        Assert.Equal(expected, cell);
        Assert.True(cell.GetCellWidth() <= width, cell);
        _ = Input.Utf8Check.Strict.GetByteCount(cell); // throws on a lone half
    }

    /// <summary>A lone UTF-16 half (an attribute's text cannot hold one: it is built here) becomes a space.</summary>
    [Fact]
    public void A_lone_surrogate_becomes_a_space()
    {
        Assert.Equal("lone half", PairTable.Cell("lone " + (char)0xD83D + " half", 20));
        Assert.Equal("end", PairTable.Cell("end" + (char)0xD83D, 20));
    }

    [Fact]
    public void Bidirectional_overrides_become_spaces()
    {
        Assert.Equal("abc def", PairTable.Cell("abc\u202Edef", 20));
    }
}

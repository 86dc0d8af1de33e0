using Dedup.Cli.Output;

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

    [Fact]
    public void Bidirectional_overrides_become_spaces()
    {
        Assert.Equal("abc def", PairTable.Cell("abc\u202Edef", 20));
    }
}

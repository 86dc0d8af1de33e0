using System.Globalization;
using System.Text;
using Dedup.Detection;
using Spectre.Console;

namespace Dedup.Cli.Output;

/// <summary>
/// The pairs <c>dedup scan</c> found, as people read them: the highest-scoring <see cref="MaxRows"/> with their ids,
/// titles, kind and score, then how many more there are. A Spectre table on a terminal, aligned plain text otherwise.
/// </summary>
internal sealed class PairTable
{
    /// <summary>How many pairs are shown; the rest are counted.</summary>
    public const int MaxRows = 20;

    private const int IdWidth = 28;
    private const int TitleWidth = 36;

    private readonly List<(string Score, string Kind, string A, string TitleA, string B, string TitleB)> _rows = [];

    /// <summary>
    /// The pairs to show (<see cref="ScanResult.HighestPairs"/>: the highest-scoring <see cref="MaxRows"/>, chosen and
    /// counted by kind without making every pair), with the titles (or first lines) of their articles.
    /// </summary>
    /// <param name="result">The scan's result.</param>
    /// <param name="articles">The articles in input order, whose texts and titles are read only for the shown pairs
    /// (a list that re-reads each from its file reads at most <see cref="MaxRows"/> times two).</param>
    /// <param name="ids">The ids of <paramref name="articles"/> in the same order, when read without their texts; by
    /// default the articles' own.</param>
    public PairTable(ScanResult result, IReadOnlyList<Article> articles, IReadOnlyList<Article>? ids = null)
    {
        Total = result.Pairs.Count;
        Kinds = result.CountPairsByKind();
        IReadOnlyList<CopyPair> shown = result.HighestPairs(MaxRows);
        var titles = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (CopyPair pair in shown)
        {
            titles[pair.First] = string.Empty;
            titles[pair.Second] = string.Empty;
        }

        ids ??= articles;
        for (int i = 0; i < ids.Count; i++)
        {
            if (titles.ContainsKey(ids[i].Id))
            {
                Article article = articles[i];
                titles[article.Id] = article.Title ?? FirstLine(article.Text);
            }
        }

        CultureInfo c = CultureInfo.InvariantCulture;
        foreach (CopyPair pair in shown)
        {
            _rows.Add((
                pair.Score.ToString("0.000", c),
                JsonLines.KindName(pair.Kind),
                Cell(pair.First, IdWidth),
                Cell(titles[pair.First], TitleWidth),
                Cell(pair.Second, IdWidth),
                Cell(titles[pair.Second], TitleWidth)));
        }
    }

    /// <summary>All pairs found, shown or not.</summary>
    public int Total { get; }

    /// <summary>How many pairs of each kind were found (<see cref="ScanResult.CountPairsByKind"/>).</summary>
    public IReadOnlyDictionary<CopyKind, int> Kinds { get; }

    /// <summary>The file the pairs are written to (<c>--pairs</c>), named in the line that counts the rest; null when none.</summary>
    public string? PairsPath { get; init; }

    private string Rest => Total > _rows.Count
        ? string.Create(CultureInfo.InvariantCulture, $"... and {Total - _rows.Count} more pair{(Total - _rows.Count == 1 ? string.Empty : "s")} ({(PairsPath is null ? "all of them: --pairs FILE" : "all of them in " + PairsPath)})")
        : string.Empty;

    /// <summary>Aligned columns, one pair a line, then a blank line.</summary>
    public void WritePlain(TextWriter writer)
    {
        if (Total == 0)
        {
            writer.WriteLine("no copies found");
            writer.WriteLine();
            return;
        }

        string[] header = ["score", "kind", "a", "title a", "b", "title b"];
        int[] widths = [.. header.Select(h => h.Length)];
        foreach (var row in _rows)
        {
            string[] cells = [row.Score, row.Kind, row.A, row.TitleA, row.B, row.TitleB];
            for (int i = 0; i < cells.Length; i++)
            {
                widths[i] = Math.Max(widths[i], cells[i].GetCellWidth());
            }
        }

        writer.WriteLine(Line(header, widths));
        foreach (var row in _rows)
        {
            writer.WriteLine(Line([row.Score, row.Kind, row.A, row.TitleA, row.B, row.TitleB], widths));
        }

        if (Rest.Length > 0)
        {
            writer.WriteLine(Rest);
        }

        writer.WriteLine();
    }

    /// <summary>A table of the pairs, titles in grey under each id.</summary>
    public void WriteTable(IAnsiConsole console)
    {
        if (Total == 0)
        {
            console.MarkupLine("[green]no copies found[/]");
            return;
        }

        var table = new Table().Border(TableBorder.Rounded)
            .Title(string.Create(CultureInfo.InvariantCulture, $"{Total} pair{(Total == 1 ? string.Empty : "s")} of copies{(Total > MaxRows ? $", the {MaxRows} highest-scoring" : string.Empty)}"));
        table.AddColumn(new TableColumn("score").RightAligned());
        table.AddColumn("kind");
        table.AddColumn("a");
        table.AddColumn("b");
        foreach (var row in _rows)
        {
            table.AddRow(
                new Spectre.Console.Text(row.Score),
                new Spectre.Console.Text(row.Kind),
                IdAndTitle(row.A, row.TitleA),
                IdAndTitle(row.B, row.TitleB));
        }

        console.Write(table);
        if (Rest.Length > 0)
        {
            console.MarkupLine($"[grey]{Markup.Escape(Rest)}[/]");
        }
    }

    /// <summary>
    /// An id over its title (in grey). On a terminal too narrow for the columns, the id ends in an ellipsis rather than
    /// going on over the next line, where its end read as another id; the title wraps at its spaces.
    /// </summary>
    private static Rows IdAndTitle(string id, string title) => new(
        new Spectre.Console.Text(id) { Overflow = Overflow.Ellipsis },
        new Spectre.Console.Text(title, new Style(Color.Grey)));

    private static string Line(string[] cells, int[] widths)
    {
        var b = new StringBuilder();
        for (int i = 0; i < cells.Length; i++)
        {
            // Padded to the column's width in terminal cells, not characters: a CJK character takes two.
            int pad = Math.Max(0, widths[i] - cells[i].GetCellWidth());
            if (i == 0)
            {
                b.Append(' ', pad).Append(cells[i]);
            }
            else
            {
                b.Append(cells[i]).Append(' ', pad);
            }
            if (i < cells.Length - 1)
            {
                b.Append("  ");
            }
        }

        return b.ToString().TrimEnd();
    }

    /// <summary>
    /// What the table shows of an article in its title column: its title, or its first line when it has none, as one
    /// cell. An article read from standard input keeps only this (<see cref="Input.ArticleReader.Forward"/>); the cell
    /// of a cell is itself, so the table shows it as it would the whole article.
    /// </summary>
    internal static string ShownTitle(Article article) => Cell(article.Title ?? FirstLine(article.Text), TitleWidth);

    private static string FirstLine(string text)
    {
        foreach (string line in text.Split('\n'))
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                return line;
            }
        }

        return string.Empty;
    }

    /// <summary>
    /// One line of at most <paramref name="width"/> terminal cells (a CJK or other wide character takes two, a combining
    /// mark none): control and format characters (bidirectional overrides among them) become spaces, runs of spaces one;
    /// a value cut short ends with an ellipsis.
    /// </summary>
    internal static string Cell(string value, int width)
    {
        var b = new StringBuilder(Math.Min(value.Length, width + 1));
        int used = 0;
        bool cut = false;
        string trimmed = value.Trim();
        for (int i = 0; i < trimmed.Length; i++)
        {
            // A character beyond the first plane (an emoji, a rare CJK character) is kept whole: two cells, as a
            // terminal draws most of them and as the table measures its two halves. A lone half is no character.
            char ch = trimmed[i];
            bool pair = char.IsHighSurrogate(ch) && i + 1 < trimmed.Length && char.IsLowSurrogate(trimmed[i + 1]);
            char c = pair ? ch : char.IsControl(ch) || char.IsWhiteSpace(ch) || char.IsSurrogate(ch)
                || System.Globalization.CharUnicodeInfo.GetUnicodeCategory(ch) == System.Globalization.UnicodeCategory.Format ? ' ' : ch;
            if (c == ' ' && (b.Length == 0 || b[^1] == ' '))
            {
                continue;
            }

            int cells = c.GetCellWidth() + (pair ? trimmed[i + 1].GetCellWidth() : 0);
            if (used + cells > width)
            {
                cut = true;
                break;
            }

            b.Append(c);
            if (pair)
            {
                b.Append(trimmed[++i]);
            }

            used += cells;
        }

        string s = b.ToString().TrimEnd();
        if (!cut)
        {
            return s;
        }

        // Room for the ellipsis (one cell); a word cut in the middle goes whole, unless that would drop more than half the cell.
        int keep = s.Length;
        int kept = s.GetCellWidth();
        while (keep > 0 && kept > width - 1)
        {
            keep--;
            kept -= s[keep].GetCellWidth();
            if (keep > 0 && char.IsLowSurrogate(s[keep]) && char.IsHighSurrogate(s[keep - 1]))
            {
                // Both halves go.
                keep--;
                kept -= s[keep].GetCellWidth();
            }
        }

        if (keep < s.Length && char.IsLetterOrDigit(s[keep]) && keep > 0 && char.IsLetterOrDigit(s[keep - 1]))
        {
            int space = s.LastIndexOf(' ', keep - 1);
            keep = space >= 0 && s[..space].GetCellWidth() >= width / 2 ? space : keep;
        }

        return s[..keep].TrimEnd() + "\u2026";
    }
}

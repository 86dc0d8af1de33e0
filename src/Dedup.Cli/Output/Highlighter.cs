using Dedup.Detection;

namespace Dedup.Cli.Output;

/// <summary>How a run of characters is marked in a rendered text.</summary>
[Flags]
internal enum Marks
{
    None = 0,

    /// <summary>Part of a passage both texts share word for word.</summary>
    SharedExact = 1,

    /// <summary>Part of a passage both texts share with some words changed.</summary>
    SharedAligned = 2,

    /// <summary>A line removed as boilerplate before comparing.</summary>
    Boilerplate = 4,
}

/// <summary>Splits a text into runs of equally marked characters, from the character ranges the detector reports.</summary>
internal static class Highlighter
{
    /// <summary>The text the detector's character ranges refer to: the title and body joined by a blank line when there is a title.</summary>
    public static string DisplayText(Article article)
        => string.IsNullOrEmpty(article.Title) ? article.Text : article.Title + "\n\n" + article.Text;

    /// <summary>Marks the shared passages and boilerplate lines of one side; ranges outside the text are clipped.</summary>
    public static IReadOnlyList<(string Text, Marks Marks)> Runs(string text, IEnumerable<(TextSpan Span, Marks Mark)> ranges)
    {
        var marks = new Marks[text.Length];
        foreach ((TextSpan span, Marks mark) in ranges)
        {
            int start = Math.Clamp(span.Start, 0, text.Length);
            int end = Math.Clamp(span.End, start, text.Length);
            for (int i = start; i < end; i++)
            {
                marks[i] |= mark;
            }
        }

        for (int i = 0; i < marks.Length; i++)
        {
            marks[i] = Normalize(marks[i]);
        }

        var runs = new List<(string, Marks)>();
        int runStart = 0;
        for (int i = 1; i <= text.Length; i++)
        {
            if (i == text.Length || marks[i] != marks[runStart])
            {
                runs.Add((text[runStart..i], text.Length == 0 ? Marks.None : marks[runStart]));
                runStart = i;
            }
        }

        return runs;
    }

    /// <summary>The ranges of one side of a comparison: passages (first or second) and that side's boilerplate.</summary>
    public static IEnumerable<(TextSpan, Marks)> Ranges(Comparison comparison, bool first)
    {
        foreach (SharedPassage passage in comparison.Passages)
        {
            yield return (first ? passage.First : passage.Second, passage.Exact ? Marks.SharedExact : Marks.SharedAligned);
        }

        foreach (TextSpan span in first ? comparison.BoilerplateInFirst : comparison.BoilerplateInSecond)
        {
            yield return (span, Marks.Boilerplate);
        }
    }

    // Overlapping exact and aligned passages read as exact; a boilerplate line is never shown as shared (it was not compared).
    private static Marks Normalize(Marks marks)
        => (marks & Marks.Boilerplate) != 0 ? Marks.Boilerplate
        : (marks & Marks.SharedExact) != 0 ? marks & ~Marks.SharedAligned
        : marks;
}

using System.Text.RegularExpressions;

namespace Dedup.Cli.Output;

/// <summary>Which side of a word diff a piece belongs to.</summary>
internal enum DiffOp
{
    /// <summary>In both texts.</summary>
    Same,

    /// <summary>Only in the first text.</summary>
    Removed,

    /// <summary>Only in the second text.</summary>
    Added,
}

/// <summary>A word-level diff of two passages (longest common subsequence of words), to show what a copy changed.</summary>
internal static partial class WordDiff
{
    /// <summary>Above this many words a side, the passages are shown without a diff (the table would be too big).</summary>
    private const int MaxWords = 3000;

    /// <summary>Diffs two texts word by word; whitespace and punctuation stay attached to the pieces as in the texts.</summary>
    public static IReadOnlyList<(DiffOp Op, string Text)> Diff(string first, string second)
    {
        string[] a = Split(first);
        string[] b = Split(second);
        if (a.Length > MaxWords || b.Length > MaxWords)
        {
            return [(DiffOp.Removed, first), (DiffOp.Added, second)];
        }

        // lcs[i, j] = LCS length of a[i..] and b[j..].
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (int i = a.Length - 1; i >= 0; i--)
        {
            for (int j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = Same(a[i], b[j]) ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var result = new List<(DiffOp, string)>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && Same(a[x], b[y]))
            {
                Append(result, DiffOp.Same, a[x]);
                x++;
                y++;
            }
            else if (y < b.Length && (x == a.Length || lcs[x, y + 1] >= lcs[x + 1, y]))
            {
                Append(result, DiffOp.Added, b[y]);
                y++;
            }
            else
            {
                Append(result, DiffOp.Removed, a[x]);
                x++;
            }
        }

        return result;
    }

    private static bool Same(string a, string b) => string.Equals(a.Trim(), b.Trim(), StringComparison.Ordinal);

    private static void Append(List<(DiffOp Op, string Text)> result, DiffOp op, string text)
    {
        if (result.Count > 0 && result[^1].Op == op)
        {
            result[^1] = (op, result[^1].Text + text);
        }
        else
        {
            result.Add((op, text));
        }
    }

    // Each piece is a word or punctuation mark with the whitespace before it.
    private static string[] Split(string text) => Pieces().Matches(text).Select(m => m.Value).ToArray();

    [GeneratedRegex(@"\s*(?:[\p{L}\p{N}'’\-]+|[^\s\p{L}\p{N}])|\s+$", RegexOptions.CultureInvariant)]
    private static partial Regex Pieces();
}

using Dedup.Kernels;
using Dedup.Text;

namespace Dedup.Detection;

/// <summary>Finds the passages two articles share, for an editor to see why they match.</summary>
/// <remarks>
/// Verbatim passages are maximal runs of consecutive word shingles found in the same order in both texts.
/// Rewritten passages are maximal runs of consecutive skeleton shingles (function words and numbers, content words
/// skipped) in the same order in both, outside the verbatim passages: the words between may differ.
/// Ranges are character ranges of the combined text (title, blank line, body).
/// </remarks>
internal static class Evidence
{
    private const int MinRewriteRun = 2;

    public static IReadOnlyList<SharedPassage> Find(Article first, Article second, DetectorOptions options) =>
        Find(first, second, options, out _, out _);

    /// <summary>The shared passages, and the boilerplate lines each text had removed (found on the same pass).</summary>
    public static IReadOnlyList<SharedPassage> Find(
        Article first,
        Article second,
        DetectorOptions options,
        out IReadOnlyList<TextSpan> boilerplateInFirst,
        out IReadOnlyList<TextSpan> boilerplateInSecond)
    {
        var ta = new List<Token>();
        var tb = new List<Token>();
        var boilerplateA = new List<TextSpan>();
        var boilerplateB = new List<TextSpan>();
        FeatureExtractor.Tokenize(FeatureExtractor.CombinedText(first), options, ta, boilerplateA);
        FeatureExtractor.Tokenize(FeatureExtractor.CombinedText(second), options, tb, boilerplateB);
        boilerplateInFirst = boilerplateA;
        boilerplateInSecond = boilerplateB;
        bool[] breakA = Breaks(ta, boilerplateA);
        bool[] breakB = Breaks(tb, boilerplateB);
        var passages = new List<SharedPassage>();
        bool[] coveredA = new bool[ta.Count];
        Runs(ta, tb, breakA, breakB, options.ShingleSize, options.Seed, i => true, exact: true, passages, coveredA);

        static bool IsAnchor(Token t) => (t.Traits & (TokenTraits.Stopword | TokenTraits.Number)) != 0;
        int[] anchorsA = [.. Enumerable.Range(0, ta.Count).Where(i => IsAnchor(ta[i]))];
        int[] anchorsB = [.. Enumerable.Range(0, tb.Count).Where(i => IsAnchor(tb[i]))];
        var rewritten = new List<SharedPassage>();
        Runs(
            [.. anchorsA.Select(i => ta[i])],
            [.. anchorsB.Select(i => tb[i])],
            AnchorBreaks(anchorsA, breakA),
            AnchorBreaks(anchorsB, breakB),
            FeatureExtractor.SkeletonShingleSize,
            options.Seed,
            i => !coveredA[anchorsA[i]],
            exact: false,
            rewritten,
            null);
        // A skeleton run that overlaps verbatim passages is one aligned region with words changed: merge them.
        foreach (SharedPassage r in rewritten)
        {
            SharedPassage merged = r;
            for (int i = passages.Count - 1; i >= 0; i--)
            {
                if (Overlap(passages[i].First, merged.First) || Overlap(passages[i].Second, merged.Second))
                {
                    merged = new SharedPassage(Union(merged.First, passages[i].First), Union(merged.Second, passages[i].Second), Exact: false);
                    passages.RemoveAt(i);
                }
            }

            passages.Add(merged);
        }

        passages.Sort((x, y) => x.First.Start.CompareTo(y.First.Start));
        return passages;
    }

    /// <summary>True for each token that a removed boilerplate line separates from the token before it.</summary>
    private static bool[] Breaks(List<Token> tokens, List<TextSpan> boilerplate)
    {
        bool[] breaks = new bool[tokens.Count];
        int next = 0;
        for (int t = 1; t < tokens.Count; t++)
        {
            int previousEnd = tokens[t - 1].Start + tokens[t - 1].Length;
            while (next < boilerplate.Count && boilerplate[next].Start < previousEnd)
            {
                next++;
            }

            breaks[t] = next < boilerplate.Count && boilerplate[next].Start < tokens[t].Start;
        }

        return breaks;
    }

    private static bool[] AnchorBreaks(int[] anchors, bool[] tokenBreaks)
    {
        bool[] breaks = new bool[anchors.Length];
        for (int k = 1; k < anchors.Length; k++)
        {
            for (int t = anchors[k - 1] + 1; t <= anchors[k] && !breaks[k]; t++)
            {
                breaks[k] = tokenBreaks[t];
            }
        }

        return breaks;
    }

    private static void Runs(
        List<Token> a,
        List<Token> b,
        bool[] breakA,
        bool[] breakB,
        int k,
        ulong seed,
        Func<int, bool> eligible,
        bool exact,
        List<SharedPassage> output,
        bool[]? coveredA)
    {
        if (a.Count < k || b.Count < k)
        {
            return;
        }

        ulong[] sa = Shingles(a, k, seed);
        ulong[] sb = Shingles(b, k, seed);
        var positions = new Dictionary<ulong, int>(sb.Length);
        for (int j = sb.Length - 1; j >= 0; j--)
        {
            positions[sb[j]] = j;
        }

        int minRun = exact ? 1 : MinRewriteRun;
        int i = 0;
        while (i < sa.Length)
        {
            if (!eligible(i) || !positions.TryGetValue(sa[i], out int j))
            {
                i++;
                continue;
            }

            int r = 1;
            while (i + r < sa.Length && j + r < sb.Length && sa[i + r] == sb[j + r])
            {
                r++;
            }

            if (r >= minRun)
            {
                int lastA = i + r - 1 + k - 1;
                if (coveredA is not null)
                {
                    Array.Fill(coveredA, true, i, lastA - i + 1);
                }

                // Split where a removed boilerplate line lies inside the run on either side: evidence never spans it.
                int pieceStart = 0;
                for (int t = 1; t <= lastA - i + 1; t++)
                {
                    if (t == lastA - i + 1 || breakA[i + t] || breakB[j + t])
                    {
                        if (t - pieceStart >= 2)
                        {
                            output.Add(new SharedPassage(Span(a, i + pieceStart, i + t - 1), Span(b, j + pieceStart, j + t - 1), exact));
                        }

                        pieceStart = t;
                    }
                }
            }

            i += r;
        }
    }

    private static ulong[] Shingles(List<Token> tokens, int k, ulong seed)
    {
        ulong[] hashes = new ulong[tokens.Count];
        for (int i = 0; i < hashes.Length; i++)
        {
            hashes[i] = tokens[i].Hash;
        }

        ulong[] shingles = new ulong[Math.Max(0, tokens.Count - k + 1)];
        ShingleKernel.Combine(hashes, k, seed, shingles);
        return shingles;
    }

    private static TextSpan Span(List<Token> tokens, int first, int last) =>
        new(tokens[first].Start, tokens[last].Start + tokens[last].Length - tokens[first].Start);

    private static bool Overlap(TextSpan x, TextSpan y) => x.Start < y.End && y.Start < x.End;

    private static TextSpan Union(TextSpan x, TextSpan y)
    {
        int start = Math.Min(x.Start, y.Start);
        return new TextSpan(start, Math.Max(x.End, y.End) - start);
    }
}

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

    public static IReadOnlyList<SharedPassage> Find(Article first, Article second, DetectorOptions options)
    {
        var ta = new List<Token>();
        var tb = new List<Token>();
        FeatureExtractor.Tokenize(FeatureExtractor.CombinedText(first), options, ta, null);
        FeatureExtractor.Tokenize(FeatureExtractor.CombinedText(second), options, tb, null);
        var passages = new List<SharedPassage>();
        bool[] coveredA = new bool[ta.Count];
        bool[] coveredB = new bool[tb.Count];
        Runs(ta, tb, options.ShingleSize, options.Seed, i => true, exact: true, passages, coveredA, coveredB);

        static bool IsAnchor(Token t) => (t.Traits & (TokenTraits.Stopword | TokenTraits.Number)) != 0;
        List<int> anchorsA = [.. Enumerable.Range(0, ta.Count).Where(i => IsAnchor(ta[i]))];
        List<int> anchorsB = [.. Enumerable.Range(0, tb.Count).Where(i => IsAnchor(tb[i]))];
        List<Token> skA = [.. anchorsA.Select(i => ta[i])];
        List<Token> skB = [.. anchorsB.Select(i => tb[i])];
        var rewritten = new List<SharedPassage>();
        Runs(skA, skB, FeatureExtractor.SkeletonShingleSize, options.Seed, i => !coveredA[anchorsA[i]], exact: false, rewritten, null, null);
        foreach (SharedPassage p in rewritten)
        {
            if (!Overlaps(passages, p))
            {
                passages.Add(p);
            }
        }

        passages.Sort((x, y) => x.First.Start.CompareTo(y.First.Start));
        return passages;
    }

    public static IReadOnlyList<TextSpan> Boilerplate(Article article, DetectorOptions options)
    {
        var spans = new List<TextSpan>();
        FeatureExtractor.Tokenize(FeatureExtractor.CombinedText(article), options, [], spans);
        return spans;
    }

    private static void Runs(
        List<Token> a,
        List<Token> b,
        int k,
        ulong seed,
        Func<int, bool> eligible,
        bool exact,
        List<SharedPassage> output,
        bool[]? coveredA,
        bool[]? coveredB)
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
                int lastB = j + r - 1 + k - 1;
                output.Add(new SharedPassage(Span(a, i, lastA), Span(b, j, lastB), exact));
                if (coveredA is not null)
                {
                    Array.Fill(coveredA, true, i, lastA - i + 1);
                }

                if (coveredB is not null)
                {
                    Array.Fill(coveredB, true, j, lastB - j + 1);
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

    private static bool Overlaps(List<SharedPassage> passages, SharedPassage p)
    {
        foreach (SharedPassage q in passages)
        {
            if (p.First.Start < q.First.End && q.First.Start < p.First.End)
            {
                return true;
            }

            if (p.Second.Start < q.Second.End && q.Second.Start < p.Second.End)
            {
                return true;
            }
        }

        return false;
    }
}

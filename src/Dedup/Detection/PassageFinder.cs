using Dedup.Kernels;
using Dedup.Text;

namespace Dedup.Detection;

/// <summary>Finds the passages two articles share, for an editor to see why they match.</summary>
/// <remarks>
/// Verbatim passages are maximal runs of consecutive word shingles found in the same order in both texts (a shingle
/// that repeats is matched occurrence by occurrence, in order). Rewritten passages are maximal runs of consecutive
/// skeleton shingles (function words and numbers, content words skipped) in the same order in both, outside the
/// verbatim passages of either text: the words between may differ. Swapping the texts mirrors every passage.
/// Ranges are character ranges of the combined text (title, blank line, body).
/// </remarks>
internal static class PassageFinder
{
    private const int MinRewriteRun = 2;

    /// <summary>
    /// The sentences of the smaller article (the one with fewer paraphrase terms) that align with a sentence of the
    /// other, as the paraphrase measure aligns them (<see cref="Paraphrase.Measure(uint[], uint[], bool, double, double, double)"/>): each with the best sentence of
    /// the other, the facts they share and the numbers that disagree, ordered by the first article's text. The measure
    /// numbers the sentences past an article's 255th as its 255th (one "sentence"); those are no sentence, and are left
    /// out here (they were shown as one span of thousands of characters).
    /// </summary>
    public static IReadOnlyList<AlignedSentence> Align(Article first, Article second, DetectorOptions options)
    {
        TermSentences a = TermSentences.Of(first, options);
        TermSentences b = TermSentences.Of(second, options);
        int order = a.Count != b.Count ? a.Count.CompareTo(b.Count) : a.Sorted.AsSpan().SequenceCompareTo(b.Sorted);
        bool swapped = order > 0;
        TermSentences small = swapped ? b : a;
        TermSentences large = swapped ? a : b;

        // A digest's numbers disagree only where its source holds them nowhere, as the measure counts them (a digest
        // merges its source's sentences; see Paraphrase's Align).
        HashSet<uint>? anywhere = null;
        if (Paraphrase.OfDigestSize(Paraphrase.CountDistinct(small.Sorted).Terms, Paraphrase.CountDistinct(large.Sorted).Terms))
        {
            anywhere = [.. large.Sorted.Select(Paraphrase.Key)];
        }

        var result = new List<AlignedSentence>();
        for (int s = 0; s < small.Keys.Count; s++)
        {
            HashSet<uint> keys = small.Keys[s];
            if (keys.Count < Paraphrase.MinSentenceTerms || !small.IsSentence(s))
            {
                continue;
            }

            int best = -1, bestShared = 0;
            for (int t = 0; t < large.Keys.Count; t++)
            {
                if (!large.IsSentence(t))
                {
                    continue;
                }

                int shared = 0;
                foreach (uint key in keys)
                {
                    shared += large.Keys[t].Contains(key) ? 1 : 0;
                }

                if (shared > bestShared)
                {
                    (best, bestShared) = (t, shared);
                }
            }

            if (best < 0 || bestShared < 2 || bestShared < Paraphrase.SentenceAlignment * keys.Count)
            {
                continue;
            }

            var facts = new List<string>();
            var disagreeing = new List<string>();
            foreach ((uint key, uint entry, string fact) in small.Facts[s])
            {
                if (large.Keys[best].Contains(key))
                {
                    facts.Add(fact);
                }
                else if (Paraphrase.IsNumber(entry) && anywhere?.Contains(key) != true)
                {
                    disagreeing.Add(fact);
                }
            }

            TextSpan inSmall = small.Spans[s], inLarge = large.Spans[best];
            result.Add(swapped
                ? new AlignedSentence(inLarge, inSmall, facts, disagreeing)
                : new AlignedSentence(inSmall, inLarge, facts, disagreeing));
        }

        result.Sort((x, y) => x.First.Start.CompareTo(y.First.Start));
        return result;
    }

    /// <summary>An article's paraphrase terms by sentence: the distinct terms, the facts as written, the sentence's span.</summary>
    private sealed record TermSentences(List<HashSet<uint>> Keys, List<List<(uint Key, uint Entry, string Text)>> Facts, List<TextSpan> Spans, uint[] Sorted)
    {
        public int Count => Sorted.Length;

        /// <summary>
        /// Whether the last span is the sentences past the <see cref="Paraphrase.MaxSentence"/>th, which the terms number
        /// alike and the measure takes as one: no sentence, so it is left out of the evidence.
        /// </summary>
        public bool Lumped { get; init; }

        /// <summary>Whether span <paramref name="s"/> is one sentence (not the lumped rest of a long text).</summary>
        public bool IsSentence(int s) => !Lumped || s < Spans.Count - 1;

        public static TermSentences Of(Article article, DetectorOptions options)
        {
            string text = FeatureExtractor.CombinedText(article);
            var tokens = new List<Token>();
            FeatureExtractor.Tokenize(text, options, tokens, null);
            Token[] all = [.. tokens];
            uint[] entries = new uint[Math.Max(1, all.Length)];
            int[] firstToken = new int[entries.Length];
            int count = FeatureExtractor.CollectTerms(text, all, options.Seed, entries, firstToken);

            // Sentence spans, numbered as the terms number them.
            var spans = new List<TextSpan>();
            int sentence = 0, start = 0;
            bool lumped = false;
            for (int t = 0; t < all.Length; t++)
            {
                if (t > 0 && FeatureExtractor.EndsSentence(text, all[t - 1], all[t]))
                {
                    if (sentence == Paraphrase.MaxSentence)
                    {
                        // The terms number the sentences past the last one as that one: they are measured as one.
                        lumped = true;
                        continue;
                    }

                    spans.Add(new TextSpan(all[start].Start, all[t - 1].Start + all[t - 1].Length - all[start].Start));
                    sentence++;
                    start = t;
                }
            }

            if (all.Length > 0)
            {
                spans.Add(new TextSpan(all[start].Start, all[^1].Start + all[^1].Length - all[start].Start));
            }

            var keys = new List<HashSet<uint>>();
            var facts = new List<List<(uint, uint, string)>>();
            foreach (TextSpan _ in spans)
            {
                keys.Add([]);
                facts.Add([]);
            }

            for (int e = 0; e < count; e++)
            {
                int s = Math.Min((int)(entries[e] & Paraphrase.MaxSentence), spans.Count - 1);
                uint key = Paraphrase.Key(entries[e]);
                if (keys[s].Add(key) && Paraphrase.IsFact(entries[e]))
                {
                    int t = firstToken[e];
                    int last = Paraphrase.IsNumber(entries[e]) ? Text.FactNormalizer.NumberEnd(text, all, t) : t;
                    facts[s].Add((key, entries[e], text[all[t].Start..(all[last].Start + all[last].Length)]));
                }
            }

            return new TermSentences(keys, facts, spans, FeatureExtractor.ParaphraseTerms(text, all, options.Seed)) { Lumped = lumped };
        }
    }

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
        bool[] coveredB = new bool[tb.Count];
        Runs(ta, tb, breakA, breakB, options.ShingleSize, options.Seed, i => true, j => true, exact: true, passages, coveredA, coveredB);

        static bool IsSkeletonToken(Token t) => (t.Traits & (TokenTraits.Stopword | TokenTraits.Number)) != 0;
        int[] skeletonA = [.. Enumerable.Range(0, ta.Count).Where(i => IsSkeletonToken(ta[i]))];
        int[] skeletonB = [.. Enumerable.Range(0, tb.Count).Where(i => IsSkeletonToken(tb[i]))];
        var rewritten = new List<SharedPassage>();
        Runs(
            [.. skeletonA.Select(i => ta[i])],
            [.. skeletonB.Select(i => tb[i])],
            SkeletonBreaks(skeletonA, breakA),
            SkeletonBreaks(skeletonB, breakB),
            FeatureExtractor.SkeletonShingleSize,
            options.Seed,
            i => !coveredA[skeletonA[i]],
            j => !coveredB[skeletonB[j]],
            exact: false,
            rewritten,
            null,
            null);
        // A skeleton run that overlaps verbatim passages is one aligned region with words changed: merge them, until
        // no region with changed words overlaps another passage (so the result does not depend on the order of runs).
        passages.AddRange(rewritten);
        for (bool merged = true; merged;)
        {
            merged = false;
            for (int x = 0; x < passages.Count; x++)
            {
                for (int y = passages.Count - 1; y > x; y--)
                {
                    SharedPassage p = passages[x], q = passages[y];
                    if ((!p.Exact || !q.Exact) && (Intersects(p.First, q.First) || Intersects(p.Second, q.Second)))
                    {
                        passages[x] = new SharedPassage(Union(p.First, q.First), Union(p.Second, q.Second), Exact: false);
                        passages.RemoveAt(y);
                        merged = true;
                    }
                }
            }
        }

        if (passages.Count == 0 && ta.Count > 0 && ta.Count < options.ShingleSize && ta.Select(t => t.Hash).SequenceEqual(tb.Select(t => t.Hash)))
        {
            // Two texts too short for one shingle ("hello" and "hello") with the same words: a duplicate with no
            // passage shown read as a verdict without evidence (a client's trial). The words are the passage.
            passages.Add(new SharedPassage(Span(ta, 0, ta.Count - 1), Span(tb, 0, tb.Count - 1), Exact: true));
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

    private static bool[] SkeletonBreaks(int[] skeletonTokens, bool[] tokenBreaks)
    {
        bool[] breaks = new bool[skeletonTokens.Length];
        for (int k = 1; k < skeletonTokens.Length; k++)
        {
            for (int t = skeletonTokens[k - 1] + 1; t <= skeletonTokens[k] && !breaks[k]; t++)
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
        Func<int, bool> eligibleA,
        Func<int, bool> eligibleB,
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
        int[] partner = Pair(sa, sb, eligibleA, eligibleB);
        int minRun = exact ? 1 : MinRewriteRun;
        int i = 0;
        while (i < sa.Length)
        {
            int j = partner[i];
            if (j < 0)
            {
                i++;
                continue;
            }

            int r = 1;
            while (i + r < sa.Length && partner[i + r] == j + r)
            {
                r++;
            }

            if (r >= minRun)
            {
                int lastA = i + r - 1 + k - 1;
                if (coveredA is not null && coveredB is not null)
                {
                    Array.Fill(coveredA, true, i, lastA - i + 1);
                    Array.Fill(coveredB, true, j, lastA - i + 1);
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

    /// <summary>
    /// A one-to-one matching of the shingles of <paramref name="sa"/> with those of <paramref name="sb"/> that does not
    /// depend on which text is which: first the runs through shingles each text holds once (anchors), each the whole
    /// stretch over which the two agree from it, longest first; then, among the shingles left, the n-th eligible
    /// occurrence of each with its n-th in the other (a text that repeats a paragraph has its first copy matched
    /// first). Matching every shingle by its n-th occurrence alone paired a story carried whole in a long page with
    /// the page's first uses of its common phrases ("pct from a year earlier"): the passage broke in two, overlapping,
    /// and one piece pointed into another story. Returns, for each shingle of <paramref name="sa"/>, the index of its
    /// partner in <paramref name="sb"/>, or -1.
    /// </summary>
    private static int[] Pair(ulong[] sa, ulong[] sb, Func<int, bool> eligibleA, Func<int, bool> eligibleB)
    {
        var occurrences = new Dictionary<ulong, List<int>>(sb.Length);
        for (int j = 0; j < sb.Length; j++)
        {
            if (eligibleB(j))
            {
                if (!occurrences.TryGetValue(sb[j], out List<int>? list))
                {
                    occurrences[sb[j]] = list = [];
                }

                list.Add(j);
            }
        }

        var inA = new Dictionary<ulong, int>(sa.Length);
        for (int i = 0; i < sa.Length; i++)
        {
            if (eligibleA(i))
            {
                inA[sa[i]] = inA.GetValueOrDefault(sa[i]) + 1;
            }
        }

        bool Agree(int i, int j) => i >= 0 && j >= 0 && i < sa.Length && j < sb.Length && sa[i] == sb[j] && eligibleA(i) && eligibleB(j);

        // The runs through anchors: each found once (an anchor inside a run found from an earlier one is skipped).
        var runs = new List<(int I, int J, int Length)>();
        var runEnd = new Dictionary<int, int>();
        for (int i = 0; i < sa.Length; i++)
        {
            if (!eligibleA(i) || inA.GetValueOrDefault(sa[i]) != 1 || !occurrences.TryGetValue(sa[i], out List<int>? only) || only.Count != 1)
            {
                continue;
            }

            int j = only[0];
            if (runEnd.TryGetValue(j - i, out int end) && end > i)
            {
                continue;
            }

            int back = 0;
            while (Agree(i - back - 1, j - back - 1))
            {
                back++;
            }

            int length = back + 1;
            while (Agree(i + length - back, j + length - back))
            {
                length++;
            }

            runs.Add((i - back, j - back, length));
            runEnd[j - i] = i - back + length;
        }

        // Longest first; between runs of one length the order is the same for the texts swapped.
        runs.Sort((x, y) => x.Length != y.Length ? y.Length.CompareTo(x.Length)
            : x.I + x.J != y.I + y.J ? (x.I + x.J).CompareTo(y.I + y.J)
            : Math.Min(x.I, x.J).CompareTo(Math.Min(y.I, y.J)));
        int[] partner = new int[sa.Length];
        Array.Fill(partner, -1);
        bool[] taken = new bool[sb.Length];
        foreach ((int i, int j, int length) in runs)
        {
            for (int d = 0; d < length; d++)
            {
                if (partner[i + d] < 0 && !taken[j + d])
                {
                    partner[i + d] = j + d;
                    taken[j + d] = true;
                }
            }
        }

        // The rest: the n-th occurrence left of each shingle with the n-th left in the other.
        var next = new Dictionary<ulong, int>();
        for (int i = 0; i < sa.Length; i++)
        {
            if (partner[i] >= 0 || !eligibleA(i) || !occurrences.TryGetValue(sa[i], out List<int>? list))
            {
                continue;
            }

            int n = next.GetValueOrDefault(sa[i]);
            while (n < list.Count && taken[list[n]])
            {
                n++;
            }

            if (n < list.Count)
            {
                partner[i] = list[n];
                taken[list[n]] = true;
                n++;
            }

            next[sa[i]] = n;
        }

        return partner;
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

    private static bool Intersects(TextSpan x, TextSpan y) => x.Start < y.End && y.Start < x.End;

    private static TextSpan Union(TextSpan x, TextSpan y)
    {
        int start = Math.Min(x.Start, y.Start);
        return new TextSpan(start, Math.Max(x.End, y.End) - start);
    }
}

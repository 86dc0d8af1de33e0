namespace Dedup.Detection;

/// <summary>A verified pair: indexes into the article list, kind, score and overlap.</summary>
internal readonly record struct FoundPair(int A, int B, CopyKind Kind, double Score, Overlap Overlap);

/// <summary>
/// Finds every pair of copies among a set of articles: candidates from an inverted index over a consistent sample
/// of each article's shingles (Broder's mod-m sampling: a shingle is sampled in every article or in none, so any two
/// articles that share many shingles share samples), then exact verification of each candidate.
/// </summary>
internal static class PairFinder
{
    /// <summary>A word shingle is sampled when its low bits are zero under this mask (1 in 8).</summary>
    public const uint WordSampleMask = 7;

    /// <summary>A skeleton shingle is sampled when its low bits are zero under this mask (1 in 4).</summary>
    public const uint SkeletonSampleMask = 3;

    /// <summary>A pair of names in one sentence is sampled when its hash's low bits are zero under this mask (1 in 4).</summary>
    public const uint NamePairSampleMask = 3;

    /// <summary>
    /// The sampled keys of an article's (filtered) shingle sets and of the pairs of names in its sentences, which a
    /// rewrite keeps when it changes every phrase; word, skeleton and fact keys are kept apart by bits 32 and 33
    /// (duplicate keys are harmless: a candidate is verified once).
    /// </summary>
    public static void SampleKeys(uint[] words, uint[] skeleton, uint[] paraphraseTerms, List<ulong> keys)
    {
        foreach (uint w in words)
        {
            if ((w & WordSampleMask) == 0)
            {
                keys.Add(w);
            }
        }

        foreach (uint s in skeleton)
        {
            if ((s & SkeletonSampleMask) == 0)
            {
                keys.Add((1UL << 32) | s);
            }
        }

        // Names are shared by every story on the same people: a single name would make long candidate lists. A pair of
        // names in one sentence ("Bates" with "Leeds") is rarer, and a rewrite keeps most such pairs together. Numbers
        // are left out: "10" with "5" is in every table.
        var facts = new List<uint>();
        foreach (uint e in paraphraseTerms)
        {
            if ((e & Paraphrase.NameFlag) != 0)
            {
                facts.Add(((e & Paraphrase.MaxSentence) << 22) | Paraphrase.Key(e));
            }
        }

        facts.Sort();
        int start = 0;
        while (start < facts.Count)
        {
            int end = start;
            while (end < facts.Count && facts[end] >> 22 == facts[start] >> 22)
            {
                end++;
            }

            for (int x = start; x < end; x++)
            {
                for (int y = x + 1; y < end; y++)
                {
                    ulong a = facts[x] & 0x3F_FFFF;
                    ulong b = facts[y] & 0x3F_FFFF;
                    uint pair = (uint)(Kernels.HashMixKernel.Mix((Math.Min(a, b) << 22) | Math.Max(a, b)) >> 32);
                    if ((pair & NamePairSampleMask) == 0)
                    {
                        keys.Add((2UL << 32) | pair);
                    }
                }
            }

            start = end;
        }
    }

    /// <summary>
    /// A key held by at most this many earlier articles proposes all of them; one held by more is a common key (a
    /// function-word sequence, or a story copied many times) and proposes only its <see cref="CommonSample"/> earliest
    /// holders.
    /// </summary>
    public const int RareLimit = 64;

    /// <summary>How many of a common key's earliest holders it proposes.</summary>
    public const int CommonSample = 16;

    /// <summary>
    /// A holder proposed by common keys alone is verified only when at least this share of the article's common keys
    /// propose it (a copy of a much-copied story shares nearly all of them with the story's first copies; an
    /// unrelated early article shares a few function-word sequences).
    /// </summary>
    public const double CommonShare = 0.2;

    /// <summary>At most this many holders proposed by common keys alone are verified per article, best proposed first.</summary>
    public const int MaxCommonVerified = 8;

    /// <summary>
    /// In a cluster of more than this many articles, an article that matched one member is not verified against the
    /// others: its pairs with them are implied. Smaller clusters have all their pairs verified and reported.
    /// </summary>
    public const int LargeCluster = 16;

    /// <summary>
    /// Exact duplicates in a group of at most this many share each other's pairs; in a larger group each is paired with
    /// the group's first article only (the clusters are the same either way).
    /// </summary>
    public const int DuplicatePairLimit = 8;

    /// <summary>Articles per step of the scan: within a step articles are verified in parallel against the clusters as they stood before it.</summary>
    private const int BlockSize = 512;

    /// <summary>
    /// Finds the pairs of copies among <paramref name="articles"/>, in time and memory linear in the articles.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Articles are taken in order, each against the earlier ones. An exact duplicate (same <see
    /// cref="ArticleFeatures.ExactHash"/> as an earlier article) is verified against the first article of its group
    /// only and proposes nothing: it is indexed once. Every other article is verified against the holders its keys
    /// propose (all holders of a rare key; the earliest of a common key, when enough of its common keys agree), except
    /// that a holder is skipped when it is already in a cluster the article matched and that cluster has more than
    /// <see cref="LargeCluster"/> members, or was proposed by common keys alone.
    /// </para>
    /// <para>
    /// The pairs are every verified pair that matched, so each cluster is connected by its pairs and the clusters are
    /// those of all the proposed pairs; but a pair implied by a cluster (two copies of a much-copied story) is not
    /// always verified. Work is done in steps of <see cref="BlockSize"/> articles, each against the clusters as they
    /// stood before the step, so the result does not depend on the number of threads.
    /// </para>
    /// </remarks>
    public static List<FoundPair> Find(
        IReadOnlyList<ArticleFeatures> articles,
        uint[][] words,
        uint[][] skeleton,
        uint[][] lead,
        double threshold,
        IProgress<ScanProgress>? progress,
        CancellationToken cancellationToken,
        int maxDegreeOfParallelism = -1)
    {
        int n = articles.Count;
        var parallel = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = maxDegreeOfParallelism };

        // The first article of each group of exact duplicates represents it.
        int[] representative = new int[n];
        var firstOf = new Dictionary<ulong, int>();
        var duplicates = new Dictionary<int, List<int>>();
        for (int i = 0; i < n; i++)
        {
            ref int first = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(firstOf, articles[i].ExactHash, out bool exists);
            if (!exists)
            {
                first = i;
            }
            else
            {
                if (!duplicates.TryGetValue(first, out List<int>? group))
                {
                    duplicates[first] = group = [];
                }

                group.Add(i);
            }

            representative[i] = first;
        }

        firstOf = null;
        PostingIndex postings = PostingIndex.Build(n, i => representative[i] == i, (i, keys) => SampleKeys(words[i], skeleton[i], articles[i].ParaphraseTerms, keys), parallel);
        progress?.Report(new ScanProgress("candidates", 0, n));
        var sets = new Sets(articles, words, skeleton, lead, threshold);
        var clusters = new UnionFind(n);
        var results = new List<FoundPair>();
        var states = new System.Collections.Concurrent.ConcurrentBag<Scratch>();
        int done = 0;
        for (int blockStart = 0; blockStart < n; blockStart += BlockSize)
        {
            int blockEnd = Math.Min(n, blockStart + BlockSize);
            int resultsBefore = results.Count;
            Parallel.For(
                blockStart,
                blockEnd,
                parallel,
                () => states.TryTake(out Scratch? s) ? s : new Scratch(n),
                (i, _, scratch) =>
                {
                    if (representative[i] != i)
                    {
                        sets.Verify(representative[i], i, scratch.Found);
                    }
                    else
                    {
                        FindFor(i, postings, clusters, sets, scratch);
                    }

                    return scratch;
                },
                scratch =>
                {
                    lock (results)
                    {
                        results.AddRange(scratch.Found);
                    }

                    scratch.Found.Clear();
                    states.Add(scratch);
                });

            for (int r = resultsBefore; r < results.Count; r++)
            {
                clusters.Union(results[r].A, results[r].B);
            }

            done = blockEnd;
            progress?.Report(new ScanProgress("candidates", done, n));
        }

        if (duplicates.Count > 0)
        {
            results = WithDuplicatePairs(results, representative, duplicates);
        }

        results.Sort((x, y) => x.A != y.A ? x.A.CompareTo(y.A) : x.B.CompareTo(y.B));
        return results;
    }

    /// <summary>Verifies article <paramref name="i"/> against the earlier articles its keys propose.</summary>
    private static void FindFor(int i, PostingIndex postings, UnionFind clusters, Sets sets, Scratch scratch)
    {
        int stamp = ++scratch.Stamp;
        int[] seen = scratch.Seen;
        int[] votes = scratch.Votes;
        List<int> rare = scratch.Rare;
        List<int> common = scratch.Common;
        List<ulong> keys = scratch.Keys;
        rare.Clear();
        common.Clear();
        keys.Clear();
        SampleKeys(sets.Words[i], sets.Skeleton[i], sets.Articles[i].ParaphraseTerms, keys);
        seen[i] = stamp;
        int commonKeys = 0;
        foreach (ulong key in keys)
        {
            ReadOnlySpan<int> holders = postings.Holders(key);
            int before = 0;
            while (before < holders.Length && before <= RareLimit && holders[before] < i)
            {
                before++;
            }

            if (before <= RareLimit)
            {
                foreach (int j in holders[..before])
                {
                    if (seen[j] != stamp)
                    {
                        seen[j] = stamp;
                        votes[j] = 0;
                        rare.Add(j);
                    }
                    else if (votes[j] < 0)
                    {
                        // First proposed by a common key, now by a rare one.
                        votes[j] = 0;
                        rare.Add(j);
                    }
                }
            }
            else
            {
                commonKeys++;
                foreach (int j in holders[..CommonSample])
                {
                    if (seen[j] != stamp)
                    {
                        seen[j] = stamp;
                        votes[j] = -1;
                        common.Add(j);
                    }
                    else if (votes[j] < 0)
                    {
                        votes[j]--;
                    }
                }
            }
        }

        List<int> matchedRoots = scratch.Roots;
        matchedRoots.Clear();
        rare.Sort();
        foreach (int j in rare)
        {
            int root = clusters.FindRoot(j);
            if (clusters.SizeOf(root) > LargeCluster && matchedRoots.Contains(root))
            {
                continue;
            }

            if (sets.Verify(j, i, scratch.Found))
            {
                matchedRoots.Add(root);
            }
        }

        if (common.Count == 0)
        {
            return;
        }

        int need = Math.Max(2, (int)Math.Ceiling(CommonShare * commonKeys));
        common.RemoveAll(j => votes[j] > -need);
        common.Sort((x, y) => votes[x] != votes[y] ? votes[x].CompareTo(votes[y]) : x.CompareTo(y));
        int verified = 0;
        foreach (int j in common)
        {
            if (verified == MaxCommonVerified)
            {
                break;
            }

            int root = clusters.FindRoot(j);
            if (matchedRoots.Contains(root))
            {
                continue;
            }

            verified++;
            if (sets.Verify(j, i, scratch.Found))
            {
                matchedRoots.Add(root);
            }
        }
    }

    /// <summary>
    /// Gives the exact duplicates of small groups the pairs of their group's first article, and each other (verified
    /// once: their shingle sets are the first article's).
    /// </summary>
    private static List<FoundPair> WithDuplicatePairs(List<FoundPair> found, int[] representative, Dictionary<int, List<int>> duplicates)
    {
        List<int> Members(int rep)
        {
            var members = new List<int> { rep };
            if (duplicates.TryGetValue(rep, out List<int>? group) && group.Count + 1 <= DuplicatePairLimit)
            {
                members.AddRange(group);
            }

            return members;
        }

        var result = new List<FoundPair>(found.Count);
        foreach (FoundPair p in found)
        {
            if (representative[p.B] == p.A)
            {
                // A duplicate against its group's first article.
                result.Add(p);
                if (duplicates[p.A].Count + 1 <= DuplicatePairLimit)
                {
                    foreach (int other in duplicates[p.A])
                    {
                        if (other < p.B)
                        {
                            result.Add(p with { A = other });
                        }
                    }
                }

                continue;
            }

            foreach (int a in Members(p.A))
            {
                foreach (int b in Members(p.B))
                {
                    result.Add(a < b ? p with { A = a, B = b } : p with { A = b, B = a, Overlap = Swapped(p.Overlap) });
                }
            }
        }

        return result;
    }

    /// <summary>The same overlap seen from the other article.</summary>
    private static Overlap Swapped(in Overlap o) =>
        new(o.WordsB, o.WordsA, o.SharedWords, o.SkeletonB, o.SkeletonA, o.SharedSkeleton, o.LeadB, o.LeadBInA, o.LeadA, o.LeadAInB, o.Paraphrase);

    /// <summary>The filtered sets of a scan and the verification of a pair.</summary>
    private sealed class Sets(IReadOnlyList<ArticleFeatures> articles, uint[][] words, uint[][] skeleton, uint[][] lead, double threshold)
    {
        public IReadOnlyList<ArticleFeatures> Articles => articles;

        public uint[][] Words => words;

        public uint[][] Skeleton => skeleton;

        /// <summary>Verifies (a, b), a before b, and adds the pair when it is a copy.</summary>
        public bool Verify(int a, int b, List<FoundPair> found)
        {
            Overlap o = Verifier.Measure(articles[a], articles[b], words[a], words[b], skeleton[a], skeleton[b], lead[a], lead[b], threshold);
            if (Verifier.Classify(articles[a].ExactHash == articles[b].ExactHash, o, threshold) is { } v)
            {
                found.Add(new FoundPair(a, b, v.Kind, v.Score, o));
                return true;
            }

            return false;
        }
    }

    /// <summary>One worker's reusable state: marks over all articles, so a candidate is counted once per article.</summary>
    private sealed class Scratch(int n)
    {
        public int[] Seen { get; } = new int[n];

        /// <summary>0 for a holder proposed by a rare key; minus the number of common keys that proposed it otherwise.</summary>
        public int[] Votes { get; } = new int[n];

        public int Stamp { get; set; }

        public List<int> Rare { get; } = [];

        public List<int> Common { get; } = [];

        public List<ulong> Keys { get; } = [];

        public List<int> Roots { get; } = [];

        public List<FoundPair> Found { get; } = [];
    }
}

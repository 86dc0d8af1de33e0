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

    public static List<FoundPair> Find(
        IReadOnlyList<ArticleFeatures> articles,
        uint[][] words,
        uint[][] skeleton,
        uint[][] lead,
        double threshold,
        IProgress<ScanProgress>? progress,
        CancellationToken cancellationToken)
    {
        int n = articles.Count;
        var postings = new Dictionary<ulong, List<int>>();
        var exact = new Dictionary<ulong, List<int>>();
        var keys = new List<ulong>();
        var keysOf = new ulong[n][];
        for (int i = 0; i < n; i++)
        {
            keys.Clear();
            SampleKeys(words[i], skeleton[i], articles[i].ParaphraseTerms, keys);
            keysOf[i] = [.. keys];
            foreach (ulong k in keysOf[i])
            {
                if (!postings.TryGetValue(k, out List<int>? list))
                {
                    postings[k] = list = [];
                }

                list.Add(i);
            }

            if (!exact.TryGetValue(articles[i].ExactHash, out List<int>? same))
            {
                exact[articles[i].ExactHash] = same = [];
            }

            same.Add(i);
        }

        var results = new List<FoundPair>();
        int done = 0;
        var options = new ParallelOptions { CancellationToken = cancellationToken };
        Parallel.For(
            0,
            n,
            options,
            () => (Seen: new int[n], Stamp: 0, Found: new List<FoundPair>()),
            (i, _, local) =>
            {
                local.Stamp++;
                int[] seen = local.Seen;
                seen[i] = local.Stamp;
                foreach (int j in exact[articles[i].ExactHash])
                {
                    if (j < i && seen[j] != local.Stamp)
                    {
                        seen[j] = local.Stamp;
                        Verify(articles, words, skeleton, lead, threshold, j, i, local.Found);
                    }
                }

                foreach (ulong k in keysOf[i])
                {
                    foreach (int j in postings[k])
                    {
                        if (j >= i)
                        {
                            break;
                        }

                        if (seen[j] != local.Stamp)
                        {
                            seen[j] = local.Stamp;
                            Verify(articles, words, skeleton, lead, threshold, j, i, local.Found);
                        }
                    }
                }

                int d = Interlocked.Increment(ref done);
                if (progress is not null && (d % 256 == 0 || d == n))
                {
                    progress.Report(new ScanProgress("candidates", d, n));
                }

                return local;
            },
            local =>
            {
                lock (results)
                {
                    results.AddRange(local.Found);
                }
            });

        results.Sort((x, y) => x.A != y.A ? x.A.CompareTo(y.A) : x.B.CompareTo(y.B));
        return results;
    }

    private static void Verify(IReadOnlyList<ArticleFeatures> articles, uint[][] words, uint[][] skeleton, uint[][] lead, double threshold, int a, int b, List<FoundPair> found)
    {
        Overlap o = Verifier.Measure(articles[a], articles[b], words[a], words[b], skeleton[a], skeleton[b], lead[a], lead[b], threshold);
        var verdict = Verifier.Classify(articles[a].ExactHash == articles[b].ExactHash, o, threshold);
        if (verdict is { } v)
        {
            found.Add(new FoundPair(a, b, v.Kind, v.Score, o));
        }
    }
}

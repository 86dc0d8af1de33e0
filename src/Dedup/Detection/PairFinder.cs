namespace Dedup.Detection;

/// <summary>A verified pair: indexes into the article list, kind, score and overlap.</summary>
internal readonly record struct FoundPair(int A, int B, CopyKind Kind, double Score, PairMeasure Measure);

/// <summary>
/// What <see cref="PairFinder.Search"/> verified: the pairs in the order found, each article's group of exact
/// duplicates, and the components the pairs connect. An exact duplicate's pair with its group's first article is among
/// the verified pairs, and every pair <see cref="InOrder"/> adds joins two members of a component already joined, so
/// the components are those of all the pairs.
/// </summary>
internal sealed record PairSearch(List<FoundPair> Verified, int[] Representative, Dictionary<int, List<int>> Duplicates, UnionFind Components)
{
    /// <summary>Every pair, in order (<see cref="FoundPairs.InOrder"/>).</summary>
    public FoundPairs InOrder() => FoundPairs.InOrder(Verified, Representative, Duplicates);
}

/// <summary>
/// Finds every pair of copies among a set of articles: candidates from the candidate index (a <see cref="PostingIndex"/>
/// over the keys and under the rules of <see cref="CandidateSelector"/>, the same as a live detector's), then exact
/// verification of each candidate.
/// </summary>
internal static class PairFinder
{
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
    /// Finds the pairs of copies among <paramref name="articles"/>, in time and memory linear in the articles: verified,
    /// not yet put in order (<see cref="PairSearch.InOrder"/>), with the components they connect, so that the clusters
    /// may be made from those while the pairs are ordered.
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
    public static PairSearch Search(
        IReadOnlyList<ArticleFeatures> articles,
        PackedSets packed,
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
        // The index reads each article's keys once a pass: sampled once here, not decoded again each pass.
        progress?.Report(new ScanProgress("index", 0, 1));
        var keyMakers = new System.Collections.Concurrent.ConcurrentBag<Scratch>();
        PostingIndex postings;
        using (SampledKeys samples = SampledKeys.Collect(n, i => representative[i] == i, (i, values) =>
        {
            Scratch maker = keyMakers.TryTake(out Scratch? m) ? m : new Scratch(packed);
            maker.Reader.Load(0, i);
            SetView view = maker.Reader.View(0, articles[i].ParaphraseCounts);
            CandidateSelector.SampleKeys(view.Words, view.Skeleton, view.Terms, values, maker.Facts);
            keyMakers.Add(maker);
        }, parallel))
        {
            keyMakers.Clear();
            postings = PostingIndex.Build(n, i => representative[i] == i, (i, bits, partition, keys) =>
                samples.AppendKeys(i, articles[i].ExactHash, bits, partition, keys), parallel, progress: progress);
        }

        progress?.Report(new ScanProgress("candidates", 0, n));
        // Read for every holder of a key: dense arrays, not a field of each holder's features or a dictionary lookup
        // (most holders of a common key are far apart in memory, and an article's keys read thousands of them).
        int[] copies = new int[duplicates.Count > 0 ? n : 0];
        foreach ((int first, List<int> group) in duplicates)
        {
            copies[first] = group.Count;
        }

        // Each indexed article's term bitmaps (Paraphrase.TermBits) and entry count, read for every candidate that
        // shares fewer than MinShared word shingles (most): their facts are mostly told unkept from one line each, the
        // candidate's terms neither decoded nor merged. Made here, after the index, whose peak of memory they would raise.
        int bitmapWords = 2 * Paraphrase.BitmapWords;
        ulong[] bitmaps = new ulong[checked(n * bitmapWords)];
        int[] entries = new int[n];
        Parallel.For(0, n, parallel, () => Array.Empty<uint>(), (i, _, buffer) =>
        {
            if (representative[i] == i)
            {
                ReadOnlySpan<uint> terms = packed.Read(i, SetKind.Terms, ref buffer);
                entries[i] = terms.Length;
                Paraphrase.TermBits(terms, bitmaps.AsSpan(i * bitmapWords, Paraphrase.BitmapWords), bitmaps.AsSpan((i * bitmapWords) + Paraphrase.BitmapWords, Paraphrase.BitmapWords));
            }

            return buffer;
        }, _ => { });

        var sets = new Sets(articles, threshold) { Copies = duplicates.Count == 0 ? null : copies, Packed = packed, TermBitmaps = bitmaps, Entries = entries };
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
                () => states.TryTake(out Scratch? s) ? s : new Scratch(packed),
                (i, _, scratch) =>
                {
                    if (representative[i] != i)
                    {
                        sets.Verify(representative[i], i, scratch);
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

        return new PairSearch(results, representative, duplicates, clusters);
    }

    /// <summary>Verifies article <paramref name="i"/> against the earlier articles its keys propose.</summary>
    private static void FindFor(int i, PostingIndex postings, UnionFind clusters, Sets sets, Scratch scratch)
    {
        CandidateSelector selector = scratch.Selector;
        List<ulong> keys = scratch.Keys;
        selector.Clear();
        keys.Clear();
        PackedSets.Reader reader = scratch.Reader;
        reader.Load(1, i);
        SetView view = reader.View(1, sets.Articles[i].ParaphraseCounts);
        selector.Keys(sets.Articles[i].ExactHash, view.Words, view.Skeleton, view.Terms, keys);
        selector.PreferNear(sets.Articles[i].SimHash, sets.Fingerprints);
        selector.CountCopies(sets.CopiesOf);
        selector.OfferAll(postings, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(keys), i, i);
        selector.Finish();

        // The candidates' sets are far apart in memory: their first lines are asked for before the first is verified.
        // Where a candidate's sets are is itself an entry far apart (in arrays of one per article, 12 MB and more at a
        // million), read before its lines can be asked for: every candidate's entries in the dense arrays, and its node
        // of the clusters, are asked for first, so that those reads wait together, not one after the other.
        ReadOnlySpan<int> common = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(selector.Common)[..Math.Min(selector.Common.Count, CandidateSelector.MaxCommonVerified)];
        foreach (int j in selector.Rare)
        {
            sets.PrefetchPlace(j);
            clusters.Prefetch(j);
        }

        foreach (int j in common)
        {
            sets.PrefetchPlace(j);
            clusters.Prefetch(j);
        }

        foreach (int j in selector.Rare)
        {
            sets.PrefetchCandidate(j);
        }

        foreach (int j in common)
        {
            sets.PrefetchCandidate(j);
        }

        List<int> matchedRoots = scratch.Roots;
        matchedRoots.Clear();
        for (int r = 0; r < selector.Rare.Count; r++)
        {
            // The next candidate's sets are read whole while this one is verified.
            int j = selector.Rare[r];
            if (r + 1 < selector.Rare.Count)
            {
                sets.PrefetchCandidate(selector.Rare[r + 1], whole: true);
            }

            int root = clusters.FindRoot(j);
            if (clusters.SizeOf(root) > LargeCluster && matchedRoots.Contains(root))
            {
                continue;
            }

            if (sets.Verify(j, i, scratch))
            {
                matchedRoots.Add(root);
            }
        }

        int verified = 0;
        for (int c = 0; c < selector.Common.Count; c++)
        {
            if (verified == CandidateSelector.MaxCommonVerified)
            {
                break;
            }

            int j = selector.Common[c];
            if (c + 1 < selector.Common.Count)
            {
                sets.PrefetchCandidate(selector.Common[c + 1], whole: true);
            }

            int root = clusters.FindRoot(j);
            if (matchedRoots.Contains(root))
            {
                continue;
            }

            verified++;
            if (sets.Verify(j, i, scratch))
            {
                matchedRoots.Add(root);
            }
        }
    }

    /// <summary>The same overlap seen from the other article.</summary>
    internal static PairMeasure Swapped(in PairMeasure o) =>
        new(o.WordsB, o.WordsA, o.SharedWords, o.SkeletonB, o.SkeletonA, o.SharedSkeleton, o.LeadB, o.LeadBInA, o.LeadA, o.LeadAInB, o.Paraphrase);

    /// <summary>
    /// <c>r => 1 + copies[r]</c>: an article and its exact duplicates. Few articles have duplicates, and one bit an
    /// article says which: the bits of a million articles fit in a core's cache, their counts do not, so only the
    /// counts of those with duplicates are read.
    /// </summary>
    internal static Func<int, int> CopiesLookup(int[] copies)
    {
        ulong[] any = new ulong[(copies.Length + 63) >> 6];
        for (int r = 0; r < copies.Length; r++)
        {
            any[r >> 6] |= copies[r] != 0 ? 1UL << r : 0;
        }

        return r => (any[r >> 6] & (1UL << r)) != 0 ? 1 + copies[r] : 1;
    }

    /// <summary>The filtered sets of a scan and the verification of a pair.</summary>
    private sealed class Sets(IReadOnlyList<ArticleFeatures> articles, double threshold)
    {
        public IReadOnlyList<ArticleFeatures> Articles => articles;

        private readonly System.Collections.Concurrent.ConcurrentDictionary<int, PairMeasure> _sameSetsMeasures = new();

        /// <summary>The exact duplicates of each indexed article (indexed once), by its index; null when there are none.</summary>
        public int[]? Copies { get; init; }

        /// <summary>How many articles an indexed article stands for: itself and its exact duplicates (indexed once).</summary>
        /// <remarks>Read for every holder of a rare key (see <see cref="CopiesLookup"/>).</remarks>
        public Func<int, int> CopiesOf => field ??= Copies is { } copies ? CopiesLookup(copies) : _ => 1;

        /// <summary>The articles' sets, when a pair of articles sharing theirs is measured once (null: every pair is measured).</summary>
        public PackedSets? Packed { get; init; }

        /// <summary>The SimHash of each article, by its index, in one dense array (read for every holder of a key).</summary>
        public ulong[] Fingerprints { get; } = [.. articles.Select(a => a.SimHash)];

        /// <summary>
        /// The exact hash and paraphrase counts of each article, by its index, in dense arrays: read for every candidate
        /// verified, where the candidate's features object is one more line far away in memory.
        /// </summary>
        private readonly ulong[] _exactHashes = [.. articles.Select(a => a.ExactHash)];

        private readonly (int Terms, int Facts)[] _termCounts = [.. articles.Select(a => a.ParaphraseCounts)];

        /// <summary>
        /// Each article's term bitmaps (<see cref="Paraphrase.TermBits"/>: the terms', then the facts'), by its index
        /// times twice <see cref="Paraphrase.BitmapWords"/>; null when not made (every candidate's terms are then merged).
        /// </summary>
        public ulong[]? TermBitmaps { get; init; }

        /// <summary>Each article's number of paraphrase entries, by its index (read with <see cref="TermBitmaps"/>).</summary>
        public int[]? Entries { get; init; }

        /// <summary>
        /// Hints that candidate <paramref name="index"/> is verified soon: its entries in the dense arrays (its counts,
        /// bitmaps, and where its sets are), which <see cref="PrefetchCandidate"/> then reads.
        /// </summary>
        public void PrefetchPlace(int index)
        {
            Packed?.PrefetchPlace(index);
            MemoryHint.Prefetch(_exactHashes, index);
            MemoryHint.Prefetch(_termCounts, index);
            if (TermBitmaps is { } bitmaps)
            {
                MemoryHint.Prefetch(bitmaps, index * 2 * Paraphrase.BitmapWords);
                MemoryHint.Prefetch(Entries!, index);
            }
        }

        /// <summary>Hints that candidate <paramref name="index"/> is verified soon: its sets (whole or their first line), after <see cref="PrefetchPlace"/>.</summary>
        public void PrefetchCandidate(int index, bool whole = false) => Packed?.PrefetchSets(index, whole);

        /// <summary>Whether the bitmaps already show that the pair cannot keep its facts (<see cref="Paraphrase.CannotKeepFactsByBits"/>).</summary>
        private bool FactsNotKeptByBits(int a, int b)
        {
            if (TermBitmaps is not { } bitmaps || Entries is not { } entries)
            {
                return false;
            }

            int words = 2 * Paraphrase.BitmapWords;
            return Paraphrase.CannotKeepFactsByBits(bitmaps.AsSpan(a * words, words), entries[a], _termCounts[a], bitmaps.AsSpan(b * words, words), entries[b], _termCounts[b]);
        }

        /// <summary>
        /// Verifies (a, b), a before b, and adds the pair to the worker's found pairs when it is a copy. The sets of b
        /// are read into the reader's second slot, where they stay for the next of b's candidates.
        /// </summary>
        public bool Verify(int a, int b, Scratch scratch)
        {
            // The copies of one text share its sets (see CopyDetector.Scan): each measures as the first did.
            bool sameSets = Packed?.SameSets(a, b) == true;
            if (!sameSets || !_sameSetsMeasures.TryGetValue(a, out PairMeasure o))
            {
                PackedSets.Reader r = scratch.Reader;
                r.Load(0, a);
                r.Load(1, b);
                ReadOnlySpan<uint> wordsA = r.Get(0, SetKind.Words), wordsB = r.Get(1, SetKind.Words);
                int sharedWords = Verifier.CountShared(wordsA, wordsB);

                // Most candidates share a rare term or phrase and little else: told apart by their words and terms,
                // their skeletons and leads not read (each set is decoded when first asked for), and most of those by
                // their term bitmaps, their terms not read either (what Verifier.SurelyNoCopy would say of them).
                if (!sameSets && _exactHashes[a] != _exactHashes[b] && sharedWords < Verifier.MinShared
                    && (FactsNotKeptByBits(a, b) || Verifier.SurelyNoCopy(
                        new SetView(wordsA, default, default, r.Get(0, SetKind.Terms), _termCounts[a]),
                        new SetView(wordsB, default, default, r.Get(1, SetKind.Terms), _termCounts[b]),
                        sharedWords)))
                {
                    return false;
                }

                o = Verifier.Measure(r.View(0, _termCounts[a]), r.View(1, _termCounts[b]), threshold, sharedWords);
                if (sameSets)
                {
                    _sameSetsMeasures.TryAdd(a, o);
                }
            }

            if (Verifier.Classify(_exactHashes[a] == _exactHashes[b], o, threshold) is { } v)
            {
                scratch.Found.Add(new FoundPair(a, b, v.Kind, v.Score, o));
                return true;
            }

            return false;
        }
    }

    /// <summary>One worker's reusable state.</summary>
    private sealed class Scratch(PackedSets packed)
    {
        public CandidateSelector Selector { get; } = new();

        /// <summary>The sets of the pair being verified, decoded.</summary>
        public PackedSets.Reader Reader { get; } = new(packed);

        public List<ulong> Keys { get; } = [];

        public List<int> Roots { get; } = [];

        /// <summary>Scratch for the name pairs of <see cref="CandidateSelector.SampleKeys"/>.</summary>
        public List<uint> Facts { get; } = [];

        public List<FoundPair> Found { get; } = [];
    }
}

using System.Runtime.InteropServices;

namespace Dedup.Detection;

/// <summary>
/// Corpus-level boilerplate ("boilerplate"): the shingles that many articles share without being copies of each other.
/// </summary>
/// <remarks>
/// <para>
/// A shingle is boilerplate when it is found in more than <see cref="DetectorOptions.BoilerplateDocumentFrequency"/>
/// articles and, in at least half of them, in more than three times as many articles as the article's median
/// shingle. A publisher's about-us block or cookie notice stands out against every story it is appended to; a wire
/// story republished by a hundred outlets is as frequent as the rest of each copy, so its shingles stay content
/// however often they are seen.
/// </para>
/// <para>Built from a snapshot of the articles; immutable and thread-safe once built.</para>
/// </remarks>
internal sealed class BoilerplateModel
{
    /// <summary>A frequent shingle is boilerplate when at least this share of the articles holding it find it standing out.</summary>
    public const double BoilerplateShare = 0.5;

    /// <summary>A shingle stands out in an article when it is in more than this many times as many articles as the article's median shingle.</summary>
    public const int StandOut = 3;

    /// <summary>Bits of a shingle that index a membership filter, at least (a filter of a small set: 8 KB).</summary>
    private const int FilterBits = 16;

    /// <summary>Bits of a shingle that index a membership filter, at most (32 MB).</summary>
    private const int MaxFilterBits = 28;

    /// <summary>Filter bits per member, past the smallest filter: about one non-member in sixteen gets through to the set.</summary>
    private const int FilterBitsPerMember = 16;

    private static long s_versions;

    /// <summary>
    /// The sets (the model keeps them here alone): one bit per value of a shingle's low bits (<see cref="FilterOf"/>), set when a boilerplate
    /// shingle has them, so that filtering an article costs a bit test per shingle, and a table lookup only for the few
    /// whose bit is set (<see cref="ShingleLookup"/>).
    /// </summary>
    private readonly ShingleLookup _wordLookup;
    private readonly ShingleLookup _skeletonLookup;

    private BoilerplateModel(HashSet<uint> words, HashSet<uint> skeleton, int articles)
    {
        _wordLookup = new ShingleLookup(words);
        _skeletonLookup = new ShingleLookup(skeleton);
        Articles = articles;
        Version = Interlocked.Increment(ref s_versions);
    }

    /// <summary>A model with no boilerplate.</summary>
    public static BoilerplateModel Empty { get; } = new([], [], 0);

    /// <summary>How many articles the model was built from.</summary>
    public int Articles { get; }

    /// <summary>A number no other model of this process has: what an article's boilerplate counts were last checked against (<see cref="BoilerplateCounts"/>).</summary>
    public long Version { get; }

    /// <summary>The model as bytes for a shared store: article count, then each set's length and sorted values (little-endian 32-bit).</summary>
    internal byte[] Encode()
    {
        uint[] words = _wordLookup.SortedMembers();
        uint[] skeleton = _skeletonLookup.SortedMembers();
        byte[] data = new byte[12 + (4 * (words.Length + skeleton.Length))];
        Span<byte> span = data;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(span, Articles);
        int at = 4;
        foreach (uint[] set in (ReadOnlySpan<uint[]>)[words, skeleton])
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(span[at..], set.Length);
            at += 4;
            foreach (uint v in set)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(span[at..], v);
                at += 4;
            }
        }

        return data;
    }

    /// <summary>Reads a model written by <see cref="Encode"/>.</summary>
    /// <exception cref="InvalidDataException">The data is not a model.</exception>
    internal static BoilerplateModel Decode(ReadOnlySpan<byte> data)
    {
        try
        {
            int articles = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(data);
            int at = 4;
            var sets = new HashSet<uint>[2];
            for (int s = 0; s < 2; s++)
            {
                int n = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(data[at..]);
                at += 4;
                if (n < 0 || n > (data.Length - at) / 4)
                {
                    throw new InvalidDataException("The shared corpus model is truncated.");
                }

                sets[s] = new HashSet<uint>(n);
                for (int i = 0; i < n; i++, at += 4)
                {
                    sets[s].Add(System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(data[at..]));
                }
            }

            return new BoilerplateModel(sets[0], sets[1], articles);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new InvalidDataException("The shared corpus model is truncated.", e);
        }
    }

    public static BoilerplateModel Build(IReadOnlyList<ArticleFeatures> articles, int maxFrequency)
        => Build(articles, maxFrequency, concurrently: false);

    /// <summary>
    /// As <see cref="Build(IReadOnlyList{ArticleFeatures}, int)"/>, stopping with <see cref="OperationCanceledException"/>
    /// once <paramref name="cancellationToken"/> is cancelled (checked between passes over the articles and blocks of the
    /// vote): a detector being opened learns its model over the whole index, seconds at 150,000 articles.
    /// </summary>
    public static BoilerplateModel BuildCancellable(IReadOnlyList<ArticleFeatures> articles, int maxFrequency, CancellationToken cancellationToken)
        => Build(new ArraySource(articles, f => f.Words), new ArraySource(articles, f => f.Skeleton), maxFrequency, concurrently: false, cancellationToken: cancellationToken);

    /// <summary>As <see cref="Build(IReadOnlyList{ArticleFeatures}, int)"/>, filling partitions a pass while a pass holds at most <paramref name="groupOccurrences"/> occurrences (tests take every group size).</summary>
    internal static BoilerplateModel Build(IReadOnlyList<ArticleFeatures> articles, int maxFrequency, long groupOccurrences)
        => Build(new ArraySource(articles, f => f.Words), new ArraySource(articles, f => f.Skeleton), maxFrequency, concurrently: false, groupOccurrences);

    /// <summary>Builds the model; with <paramref name="concurrently"/>, the skeleton's boilerplate is counted on a second thread while the words' is counted on this one (a batch scan's).</summary>
    public static BoilerplateModel Build(IReadOnlyList<ArticleFeatures> articles, int maxFrequency, bool concurrently)
        => Build(new ArraySource(articles, f => f.Words), new ArraySource(articles, f => f.Skeleton), maxFrequency, concurrently);

    /// <summary>Builds the model from a batch scan's packed sets (see <see cref="Build(IReadOnlyList{ArticleFeatures}, int, bool)"/>).</summary>
    /// <param name="sets">The articles' sets.</param>
    /// <param name="maxFrequency">See <see cref="DetectorOptions.BoilerplateDocumentFrequency"/>.</param>
    /// <param name="concurrently">Whether the skeleton is counted on a second thread.</param>
    /// <param name="weights">
    /// Null when every article is read; otherwise how many articles each one stands for: itself and its copies (articles
    /// whose sets are the same, as a scan's copies of one text are), which are 0 and not read. The model is the one all
    /// the articles would give: a shingle is in as many articles as the weights of those holding it add up to, and a
    /// copy's median and votes are its source's.
    /// </param>
    public static BoilerplateModel Build(PackedSets sets, int maxFrequency, bool concurrently, int[]? weights = null)
        => Build(new PackedSource(sets, SetKind.Words, weights), new PackedSource(sets, SetKind.Skeleton, weights), maxFrequency, concurrently);

    /// <summary>As <see cref="Build(PackedSets, int, bool, int[])"/>, filling partitions a pass while a pass holds at most <paramref name="groupOccurrences"/> occurrences (tests).</summary>
    internal static BoilerplateModel Build(PackedSets sets, int maxFrequency, int[]? weights, long groupOccurrences)
        => Build(new PackedSource(sets, SetKind.Words, weights), new PackedSource(sets, SetKind.Skeleton, weights), maxFrequency, concurrently: false, groupOccurrences);

    private static BoilerplateModel Build(SetSource words, SetSource skeleton, int maxFrequency, bool concurrently, long groupOccurrences = GroupOccurrences, CancellationToken cancellationToken = default)
    {
        if (words.Weights is null && words.Count <= maxFrequency)
        {
            // No shingle is in more than maxFrequency of so few articles: the model is empty, found without compiling
            // the learner (a live detector's first articles).
            return new BoilerplateModel([], [], words.Count);
        }

        if (!concurrently)
        {
            return new BoilerplateModel(Boilerplate(words, maxFrequency, groupOccurrences, cancellationToken), Boilerplate(skeleton, maxFrequency, groupOccurrences, cancellationToken), words.Count);
        }

        // Each set is counted on a thread of its own (the words on this one, the skeleton on a helper); then each thread
        // votes on every set counted and not yet voted on, its own first, taking blocks of articles until none are left
        // (VotePass.Run). Before, the skeleton's vote took a third thread while the words were still counted, and its
        // counting thread then waited for them: at 100k a quarter of a second with one core idle, at 1M up to a second.
        var skeletonCounted = new TaskCompletionSource<VotePass>(TaskCreationOptions.RunContinuationsAsynchronously);
        var wordsCounted = new TaskCompletionSource<VotePass>(TaskCreationOptions.RunContinuationsAsynchronously);
        Task helper = Task.Factory.StartNew(
            () =>
            {
                CountAndTell(skeleton, skeletonCounted).Run(shared: true, CancellationToken.None);
                wordsCounted.Task.GetAwaiter().GetResult().Run(shared: true, CancellationToken.None);
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        VotePass? wordPass = null;
        try
        {
            wordPass = CountAndTell(words, wordsCounted);
            if (skeletonCounted.Task.IsCompletedSuccessfully)
            {
                skeletonCounted.Task.Result.Run(shared: true, CancellationToken.None);
            }

            wordPass.Run(shared: true, CancellationToken.None);
            helper.GetAwaiter().GetResult();
            return new BoilerplateModel(wordPass.Boilerplate(), skeletonCounted.Task.Result.Boilerplate(), words.Count);
        }
        finally
        {
            // The helper reads the histograms of both sets until it is done: awaited whatever happened here, and both
            // passes' memory freed after it.
            if (!helper.IsCompleted)
            {
                ((IAsyncResult)helper).AsyncWaitHandle.WaitOne();
            }

            wordPass?.Dispose();
            if (skeletonCounted.Task.IsCompletedSuccessfully)
            {
                skeletonCounted.Task.Result.Dispose();
            }
        }

        // A set's count, told to the other thread, which votes on it too: its failure as well, or a thread waiting
        // for the words' count would wait for ever.
        VotePass CountAndTell(SetSource set, TaskCompletionSource<VotePass> counted)
        {
            VotePass pass;
            try
            {
                pass = Count(set, maxFrequency, groupOccurrences, CancellationToken.None);
            }
            catch (Exception e)
            {
                counted.SetException(e);
                throw;
            }

            counted.SetResult(pass);
            return pass;
        }
    }

    /// <summary>One kind of set of every article, as the model reads it: whole, or a range of values at a time.</summary>
    private abstract class SetSource
    {
        public abstract int Count { get; }

        /// <summary>Null when each article counts once; otherwise how many each stands for (0: a copy, not read).</summary>
        public virtual int[]? Weights => null;

        /// <summary>The article's set: its own array, or decoded into <paramref name="buffer"/> (grown when too small).</summary>
        public abstract ReadOnlySpan<uint> All(int article, ref uint[] buffer);

        /// <summary>
        /// The article's values from the <paramref name="index"/>th on that are below <paramref name="limit"/>;
        /// <paramref name="index"/> is moved past them, to -1 when none are left (<paramref name="bit"/> is the packed
        /// form's place, 0 to start).
        /// </summary>
        public abstract ReadOnlySpan<uint> Below(int article, ref int index, ref int bit, ulong limit, ref uint[] buffer);

        /// <summary>Hints that <see cref="Below"/> of the article from <paramref name="index"/> comes soon (see <see cref="PackedSets.Prefetch"/>).</summary>
        public virtual void Prefetch(int article, int step, int index, int bit)
        {
        }
    }

    private sealed class ArraySource(IReadOnlyList<ArticleFeatures> articles, Func<ArticleFeatures, uint[]> set) : SetSource
    {
        public override int Count => articles.Count;

        public override ReadOnlySpan<uint> All(int article, ref uint[] buffer) => set(articles[article]);

        public override ReadOnlySpan<uint> Below(int article, ref int index, ref int bit, ulong limit, ref uint[] buffer)
        {
            uint[] values = set(articles[article]);
            int start = index;
            int end = start;
            while (end < values.Length && values[end] < limit)
            {
                end++;
            }

            index = end == values.Length ? -1 : end;
            return values.AsSpan(start, end - start);
        }
    }

    private sealed class PackedSource(PackedSets sets, SetKind kind, int[]? weights = null) : SetSource
    {
        public override int Count => sets.Count;

        public override int[]? Weights => weights;

        public override ReadOnlySpan<uint> All(int article, ref uint[] buffer) => sets.Read(article, kind, ref buffer);

        public override ReadOnlySpan<uint> Below(int article, ref int index, ref int bit, ulong limit, ref uint[] buffer)
            => sets.ReadBelow(article, kind, ref index, ref bit, limit, ref buffer);

        public override void Prefetch(int article, int step, int index, int bit) => sets.Prefetch(article, kind, step, index, bit);
    }

    /// <summary>
    /// How many of the article's word, skeleton and lead shingles are this model's boilerplate, cached on the article
    /// (see <see cref="View"/>) as one number, for the last model they were counted for.
    /// </summary>
    public BoilerplateCounts Counts(ArticleFeatures f)
    {
        if (f.TryGetBoilerplate(Version, out BoilerplateCounts cached))
        {
            return cached;
        }

        var counts = new BoilerplateCounts(CountIn(f.Words, _wordLookup), CountIn(f.Skeleton, _skeletonLookup), CountIn(f.Lead, _wordLookup));
        f.SetBoilerplate(Version, counts);
        return counts;
    }

    /// <summary>
    /// An indexed article's sets as a verification against a query filtered by this model reads them: as they are,
    /// boilerplate in, with the boilerplate's counts (<see cref="Counts"/>), so that they count as if filtered. The
    /// query holds no boilerplate, so no boilerplate shingle is shared, and only the sizes change. A live detector
    /// keeps no filtered copy of its articles' sets: a copy took as much memory again as the sets for every article
    /// with boilerplate, and each new model made new copies, which the collector then promoted.
    /// </summary>
    public SetView View(ArticleFeatures f)
    {
        BoilerplateCounts counts = Counts(f);
        return new SetView(f.Words, f.Skeleton, f.Lead, f.ParaphraseTerms, f.ParaphraseCounts, (counts.Words, counts.Skeleton, counts.Lead));
    }

    /// <summary>
    /// The article's word, skeleton and lead shingles without boilerplate, as a query reads them; what was removed is
    /// the article's counts for this model (<see cref="Counts"/>), cached on it for when it is indexed after the query
    /// (as a service's find-then-add does): a later query then finds it counted.
    /// </summary>
    public (uint[] Words, uint[] Skeleton, uint[] Lead) Filter(ArticleFeatures f)
    {
        uint[] words = Words(f), skeleton = Skeleton(f), lead = Lead(f);
        f.SetBoilerplate(Version, new BoilerplateCounts(f.Words.Length - words.Length, f.Skeleton.Length - skeleton.Length, f.Lead.Length - lead.Length));
        return (words, skeleton, lead);
    }

    /// <summary>The article's word shingles without boilerplate.</summary>
    public uint[] Words(ArticleFeatures f) => Without(f.Words, _wordLookup);

    /// <summary>The article's lead shingles without boilerplate.</summary>
    public uint[] Lead(ArticleFeatures f) => Without(f.Lead, _wordLookup);

    /// <summary>The article's skeleton shingles without boilerplate.</summary>
    public uint[] Skeleton(ArticleFeatures f) => Without(f.Skeleton, _skeletonLookup);

    /// <summary>
    /// Removes the boilerplate from sorted word (or lead) shingles in place, keeping the others in order at the front,
    /// and returns how many are kept: a batch scan filters each article once and allocates nothing.
    /// </summary>
    public int RemoveWordBoilerplate(Span<uint> shingles) => RemoveInPlace(shingles, _wordLookup);

    /// <summary>As <see cref="RemoveWordBoilerplate"/>, for skeleton shingles.</summary>
    public int RemoveSkeletonBoilerplate(Span<uint> shingles) => RemoveInPlace(shingles, _skeletonLookup);

    /// <summary>The shingle space is counted in this many partitions (by the top bits), one at a time, to bound memory.</summary>
    private const int PartitionBits = 6;

    /// <summary>
    /// Partitions filled in one pass over the articles, at least, so at most sixteen passes whatever the size of the
    /// corpus: the buffer holds about this many sixty-fourths of the occurrences, memory linear in the corpus. Each
    /// pass reads a little of every article (far apart in memory), so a pass costs about the same whatever it fills:
    /// with a floor of two, the million took 32 passes where 100k took 16, and the model's counting grew 20× for 10×
    /// the articles (9 s of a 77 s scan). Four: 16 passes at both; the buffers are larger by 175 MB at 1M, in a
    /// stage below the scan's peak (the candidate index's), which stays where it was (benchmarks/README.md, "Fortieth stop").
    /// </summary>
    private const int GroupPartitions = 4;

    /// <summary>
    /// More partitions are filled a pass (up to all of them) while a pass's occurrences stay within this many (32 MB
    /// of buffer): a live detector's model of a few thousand articles is counted in one pass, not 16, and a scan's of
    /// 100k in 16 (a 100k scan took 5–7% less CPU); in a larger corpus a pass fills four (<see cref="GroupPartitions"/>).
    /// </summary>
    private const long GroupOccurrences = 1 << 22;

    /// <summary>
    /// How many consecutive partitions one pass fills, given each partition's occurrences: all of them when they fit
    /// <paramref name="groupOccurrences"/>, else halved while a group holds more, down to <see cref="GroupPartitions"/>.
    /// </summary>
    internal static int PartitionsPerPass(long[] inPartition, long groupOccurrences)
    {
        int group = inPartition.Length;
        while (group > GroupPartitions && LargestGroup(inPartition, group) > groupOccurrences)
        {
            group /= 2;
        }

        return group;
    }

    /// <summary>The most occurrences in one group of <paramref name="group"/> consecutive partitions.</summary>
    private static long LargestGroup(long[] inPartition, int group)
    {
        long largest = 0;
        for (int g = 0; g < inPartition.Length; g += group)
        {
            long inGroup = 0;
            for (int k = 0; k < group; k++)
            {
                inGroup += inPartition[g + k];
            }

            largest = Math.Max(largest, inGroup);
        }

        return largest;
    }

    /// <summary>Steps of the hint that an article is read soon (see <see cref="PackedSets.Prefetch"/>).</summary>
    private const int PrefetchSteps = 3;

    /// <summary>Articles between the steps of the hint.</summary>
    private const int PrefetchDistance = 8;

    /// <summary>Exact document frequencies are kept for shingles found in more than this many articles (or fewer when the limit is lower); rarer ones only count in each article's frequency histogram.</summary>
    private const int HistogramBins = 16;

    /// <summary>
    /// The boilerplate among one kind of shingle set, in time linear in the shingles and memory linear in the articles
    /// plus the frequent shingles: the shingle space is taken in partitions; in each, the (shingle, article)
    /// occurrences are sorted, every shingle's document frequency counted, frequent shingles kept with their
    /// frequency, and each article's histogram of frequencies updated, from which its median follows; then the vote
    /// (<see cref="VotePass"/>).
    /// </summary>
    private static HashSet<uint> Boilerplate(SetSource set, int maxFrequency, long groupOccurrences, CancellationToken cancellationToken)
    {
        using VotePass vote = Count(set, maxFrequency, groupOccurrences, cancellationToken);
        vote.Run(shared: false, cancellationToken);
        return vote.Boilerplate();
    }

    /// <summary>
    /// The counting of <see cref="Boilerplate(SetSource, int, long, CancellationToken)"/>: every shingle's document frequency and each
    /// article's histogram of frequencies, ready for the vote (which any number of threads may share).
    /// </summary>
    private static VotePass Count(SetSource set, int maxFrequency, long groupOccurrences, CancellationToken cancellationToken = default)
    {
        int bins = Math.Min(maxFrequency, HistogramBins);

        // histogram[i * stride + d - 1]: shingles of article i in d articles (d <= bins); [i * stride + bins]: in more.
        // The scratch of the model (the histograms, the occurrences of a group, the sort's) is outside the managed heap;
        // the histograms are the vote's, freed with it.
        var histogram = new NativeBuffer<int>(checked(set.Count * (bins + 1)), zeroed: true);
        try
        {
            return Count(set, maxFrequency, groupOccurrences, histogram, bins, cancellationToken);
        }
        catch
        {
            ((IDisposable)histogram).Dispose();
            throw;
        }
    }

    /// <remarks>
    /// Compiled optimized at once: it runs once a build, over every article, where tier-0 code would run its loops
    /// slowly and on-stack replacement compile it again at each loop (docs/architecture.md, "First calls").
    /// </remarks>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static VotePass Count(SetSource set, int maxFrequency, long groupOccurrences, NativeBuffer<int> histogramMemory, int bins, CancellationToken cancellationToken)
    {
        int n = set.Count;
        uint[] decoded = [];
        int stride = bins + 1;
        Span<int> histogram = histogramMemory.Span;
        // Where each article's next values start (-1 past its last), and, for a packed set, the bit to resume from.
        int[] cursor = new int[n];
        int[] cursorBit = new int[n];
        // The frequent shingles (in more than `bins` articles), ascending (they are found partition by partition, each
        // partition's in order), and each one's frequency at the same index.
        var frequent = new List<uint>();
        var frequentDf = new List<int>();
        const int Shift = 32 - PartitionBits;
        const int Partitions = 1 << PartitionBits;

        // One sequential pass counts each partition's occurrences; then each group of partitions (as many as fit groupOccurrences, at least GroupPartitions) is
        // filled in one pass over the articles (a pass reads every article's array: it is the memory latency of these
        // passes, not the counting, that costs) and its partitions sorted and counted one at a time.
        long[] inPartition = new long[Partitions];
        int[]? weights = set.Weights;
        if (weights is not null && weights.Length != n)
        {
            throw new ArgumentException($"{weights.Length} weights for {n} articles.", nameof(set));
        }

        for (int i = 0; i < n; i++)
        {
            if ((i & 4095) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            PrefetchAhead(set, i, cursor, cursorBit);
            if (weights is not null && weights[i] == 0)
            {
                cursor[i] = -1;
                continue;
            }

            foreach (uint v in set.All(i, ref decoded))
            {
                inPartition[v >> Shift]++;
            }
        }

        // The articles that stand for more than themselves (weight above 1), one bit each: a million articles' weights
        // are read at random, once a shingle occurrence, from an array larger than a core's cache; this one fits.
        ulong[]? heavy = null;
        if (weights is not null)
        {
            heavy = new ulong[(n + 63) >> 6];
            for (int i = 0; i < n; i++)
            {
                if (weights[i] > 1)
                {
                    heavy[i >> 6] |= 1UL << i;
                }
            }
        }

        int group = PartitionsPerPass(inPartition, groupOccurrences);
        long largestGroup = LargestGroup(inPartition, group);

        // Freed as soon as every group is counted, before the vote allocates its own.
        var bufferMemory = new NativeBuffer<ulong>(checked((int)largestGroup));
        var scratchMemory = new NativeBuffer<ulong>(checked((int)LargestGroup(inPartition, 1)));
        Span<ulong> buffer = bufferMemory.Span;
        Span<ulong> scratch = scratchMemory.Span;
        int[] blockStarts = new int[(n >> HistogramBlockBits) + 2];
        int[]? radixCounts = null;
        Span<int> at = stackalloc int[group + 1];
        Span<int> write = stackalloc int[group];
        try
        {
            for (int g = 0; g < Partitions; g += group)
            {
                cancellationToken.ThrowIfCancellationRequested();
                at[0] = 0;
                for (int k = 0; k < group; k++)
                {
                    at[k + 1] = at[k] + (int)inPartition[g + k];
                }

                at[..group].CopyTo(write);
                uint end = (uint)(g + group);
                for (int i = 0; i < n; i++)
                {
                    PrefetchAhead(set, i, cursor, cursorBit);
                    if (cursor[i] < 0)
                    {
                        continue;
                    }

                    foreach (uint v in set.Below(i, ref cursor[i], ref cursorBit[i], (ulong)end << Shift, ref decoded))
                    {
                        buffer[write[(int)(v >> Shift) - g]++] = ((ulong)v << 32) | (uint)i;
                    }
                }

                for (int k = 0; k < group; k++)
                {
                    int w = at[k + 1] - at[k];
                    Span<ulong> occurrences = buffer.Slice(at[k], w);
                    SortByShingle(occurrences, scratch[..w], counts: radixCounts ??= new int[RadixBuckets]);
                    for (int s = 0; s < w;)
                    {
                        uint shingle = (uint)(occurrences[s] >> 32);
                        int e = s + 1;
                        while (e < w && (uint)(occurrences[e] >> 32) == shingle)
                        {
                            e++;
                        }

                        int df = e - s;
                        if (heavy is not null)
                        {
                            // Each holder counts its copies too: read from the weights only for the few that have any.
                            for (int x = s; x < e; x++)
                            {
                                int article = (int)(uint)occurrences[x];
                                if ((heavy[article >> 6] & (1UL << article)) != 0)
                                {
                                    df += weights![article] - 1;
                                }
                            }
                        }

                        ulong bin = (ulong)(df > bins ? bins : df - 1) << 32;
                        for (int x = s; x < e; x++)
                        {
                            occurrences[x] = bin | (uint)occurrences[x];
                        }

                        if (df > bins)
                        {
                            frequent.Add(shingle);
                            frequentDf.Add(df);
                        }

                        s = e;
                    }

                    AddToHistograms(occurrences, scratch[..w], histogram, stride, blockStarts);
                }
            }
        }
        finally
        {
            ((IDisposable)bufferMemory).Dispose();
            ((IDisposable)scratchMemory).Dispose();
        }

        // The vote (see VotePass). A frequent shingle's frequency and votes side by side: both are read at random for
        // each of an article's frequent shingles, in an array larger than the cache at a million articles (one line to
        // wait for, not two).
        var tally = new (int Df, int Votes)[frequentDf.Count];
        for (int index = 0; index < tally.Length; index++)
        {
            tally[index].Df = frequentDf[index];
        }

        frequentDf = [];
        ulong[] mayBeFrequent = FilterOf(frequent);
        var lookup = new SortedLookup(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(frequent));

        // Each article is read whole again, from its start: the hint's cursors are set back.
        Array.Clear(cursor);
        Array.Clear(cursorBit);
        return new VotePass(set, histogramMemory, stride, bins, maxFrequency, weights, mayBeFrequent, lookup, frequent, tally, cursor, cursorBit);
    }

    /// <summary>Articles a thread of the vote takes at a time (see <see cref="VotePass"/>).</summary>
    internal const int VoteBlock = 1024;

    /// <summary>
    /// The vote of <see cref="BoilerplateModel.Boilerplate(SetSource, int, long, CancellationToken)"/>: each article holding a frequent shingle votes on it, boilerplate when the
    /// shingle is far more frequent than the article's own text is (its median shingle frequency). A story republished
    /// a hundred times is as frequent as its own shingles; a publisher's block on every page of the site stands out
    /// against each story it is on. One lookup a shingle: the article's frequent shingles are listed by index, then
    /// voted on through the list. <see cref="Run"/> takes blocks of articles until none are left, so any number of
    /// threads may share the pass: in a scan, each counting thread votes on every set counted, its own first (see
    /// <see cref="Build(SetSource, SetSource, int, bool, long, CancellationToken)"/>). It owns the counting's histograms, freed when it is disposed.
    /// </summary>
    private sealed class VotePass(
        SetSource set,
        NativeBuffer<int> histogram,
        int stride,
        int bins,
        int maxFrequency,
        int[]? weights,
        ulong[] mayBeFrequent,
        SortedLookup lookup,
        List<uint> frequent,
        (int Df, int Votes)[] tally,
        int[] cursor,
        int[] cursorBit) : IDisposable
    {
        private int _nextBlock;

        /// <summary>The boilerplate, once every block is voted on: the frequent shingles most of whose holders voted for them.</summary>
        public HashSet<uint> Boilerplate()
        {
            var boilerplate = new HashSet<uint>();
            for (int index = 0; index < frequent.Count; index++)
            {
                if (tally[index].Df > maxFrequency && tally[index].Votes >= BoilerplateShare * tally[index].Df)
                {
                    boilerplate.Add(frequent[index]);
                }
            }

            return boilerplate;
        }

        /// <summary>Frees the histograms.</summary>
        public void Dispose() => ((IDisposable)histogram).Dispose();

        /// <summary>Votes on blocks of articles until every block is taken; <paramref name="shared"/>: another thread runs it too, so votes are added atomically.</summary>
        /// <param name="shared">Whether another thread runs it too.</param>
        /// <param name="cancellationToken">Checked before each block.</param>
        public void Run(bool shared, CancellationToken cancellationToken = default)
        {
            uint[] decoded = [];
            var above = new List<int>();
            var hits = new List<int>();
            var maybe = new List<uint>();
            int n = set.Count;
            int block;
            while ((block = Interlocked.Increment(ref _nextBlock) - 1) * VoteBlock < n)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int end = Math.Min(n, (block + 1) * VoteBlock);
                for (int i = block * VoteBlock; i < end; i++)
                {
                    PrefetchAhead(set, i, cursor, cursorBit);
                    ReadOnlySpan<int> own = histogram.Span.Slice(i * stride, stride);
                    if (own[bins] == 0 || (weights is not null && weights[i] == 0))
                    {
                        continue;
                    }

                    ReadOnlySpan<uint> shingles = set.All(i, ref decoded);
                    if (!FrequentIn(shingles, above, hits, maybe))
                    {
                        continue;
                    }

                    int median = Median(own[..bins], shingles.Length, above);
                    int weight = weights is null ? 1 : weights[i];
                    foreach (int index in hits)
                    {
                        ref (int Df, int Votes) t = ref tally[index];
                        if (t.Df > maxFrequency && t.Df > StandOut * median)
                        {
                            if (shared)
                            {
                                Interlocked.Add(ref t.Votes, weight);
                            }
                            else
                            {
                                t.Votes += weight;
                            }
                        }
                    }
                }
            }
        }

        /// <summary>
        /// Lists the indexes of the article's frequent shingles in <paramref name="hits"/> and their frequencies in
        /// <paramref name="above"/>; whether any is in more than the limit's articles (else the article has no vote).
        /// </summary>
        private bool FrequentIn(ReadOnlySpan<uint> shingles, List<int> above, List<int> hits, List<uint> maybe)
        {
            above.Clear();
            hits.Clear();

            // The lookups of an article's shingles are far apart in a table larger than the cache: the reads of all
            // are asked for first, in two sweeps (the directory, then the runs it points to).
            maybe.Clear();
            foreach (uint s in shingles)
            {
                PrefetchFilter(s, mayBeFrequent);
            }

            foreach (uint s in shingles)
            {
                if (MayBeIn(s, mayBeFrequent))
                {
                    maybe.Add(s);
                    lookup.PrefetchBucket(s);
                }
            }

            foreach (uint s in maybe)
            {
                lookup.PrefetchRun(s);
            }

            foreach (uint s in maybe)
            {
                int index;
                if ((index = lookup.IndexOf(s)) >= 0)
                {
                    hits.Add(index);
                    MemoryHint.Prefetch(tally, index);
                }
            }

            bool anyFrequent = false;
            foreach (int index in hits)
            {
                int df = tally[index].Df;
                above.Add(df);
                anyFrequent |= df > maxFrequency;
            }

            return anyFrequent;
        }
    }

    /// <summary>
    /// Hints that the articles a few after <paramref name="i"/> are read soon, from their cursors, in three steps (see
    /// <see cref="PackedSets.Prefetch"/>): each pass over the articles reads a little of every one, and they are far
    /// apart in memory.
    /// </summary>
    private static void PrefetchAhead(SetSource set, int i, int[] cursor, int[] cursorBit)
    {
        for (int step = 0; step < PrefetchSteps; step++)
        {
            int ahead = i + ((PrefetchSteps - step) * PrefetchDistance);
            if (ahead < cursor.Length)
            {
                set.Prefetch(ahead, step, cursor[ahead], cursorBit[ahead]);
            }
        }
    }

    /// <summary>
    /// The index of a value among distinct values sorted ascending, found through a <see cref="TopBitsDirectory"/>:
    /// shingles are hashes, so the runs are short, and a lookup reads the directory and one short run, where a dictionary
    /// reads its buckets and its entries (both larger than the cache for the frequent skeleton shingles of a large
    /// corpus).
    /// </summary>
    internal readonly struct SortedLookup
    {
        private readonly uint[] _values;
        private readonly int[] _starts;
        private readonly int _shift;

        /// <param name="values">Distinct values, ascending.</param>
        public SortedLookup(ReadOnlySpan<uint> values)
        {
            _values = values.ToArray();
            int bits = TopBitsDirectory.BitsFor(values.Length);
            _shift = 32 - bits;
            _starts = TopBitsDirectory.Build(values, bits);
        }

        /// <summary>Hints that <see cref="IndexOf"/> of <paramref name="value"/> comes soon: its directory entry.</summary>
        public void PrefetchBucket(uint value) => MemoryHint.Prefetch(_starts, (int)(value >> _shift));

        /// <summary>Hints that <see cref="IndexOf"/> of <paramref name="value"/> comes soon: its run (after <see cref="PrefetchBucket"/>).</summary>
        public void PrefetchRun(uint value) => MemoryHint.Prefetch(_values, _starts[(int)(value >> _shift)]);

        /// <summary>The index of <paramref name="value"/>, or -1.</summary>
        public int IndexOf(uint value)
        {
            int b = (int)(value >> _shift);
            int end = _starts[b + 1];
            for (int p = _starts[b]; p < end; p++)
            {
                if (_values[p] == value)
                {
                    return p;
                }
            }

            return -1;
        }
    }

    /// <summary>
    /// Articles per block of the histogram update: a block's histograms (seventeen ints an article) fit in a core's
    /// cache, so its updates hit the cache however the articles' occurrences are spread.
    /// </summary>
    internal const int HistogramBlockBits = 12;

    /// <summary>
    /// Adds each occurrence (its histogram bin in the high half, its article in the low half) to its article's
    /// histogram, grouped by block of articles first (<see cref="HistogramBlockBits"/>): occurrences sorted by shingle
    /// come in no order of article, and one increment each, straight into histograms larger than the cache, would miss
    /// it every time (which made the model's cost grow faster than the corpus). The order of the increments does not
    /// change the sums.
    /// </summary>
    internal static void AddToHistograms(ReadOnlySpan<ulong> occurrences, Span<ulong> scratch, Span<int> histogram, int stride, int[] blockStarts)
    {
        Array.Clear(blockStarts);
        foreach (ulong o in occurrences)
        {
            blockStarts[((int)(uint)o >> HistogramBlockBits) + 1]++;
        }

        for (int b = 1; b < blockStarts.Length; b++)
        {
            blockStarts[b] += blockStarts[b - 1];
        }

        foreach (ulong o in occurrences)
        {
            scratch[blockStarts[(int)(uint)o >> HistogramBlockBits]++] = o;
        }

        foreach (ulong o in scratch[..occurrences.Length])
        {
            histogram[((int)(uint)o * stride) + (int)(o >> 32)]++;
        }
    }

    /// <summary>
    /// The median (the value at index count / 2 of the sorted frequencies) of an article's shingle frequencies, from
    /// the counts of its rare shingles by frequency (1 to <c>rare.Length</c>) and the frequencies of the others.
    /// </summary>
    private static int Median(ReadOnlySpan<int> rare, int count, List<int> above)
    {
        int m = count / 2;
        int seen = 0;
        for (int d = 0; d < rare.Length; d++)
        {
            seen += rare[d];
            if (seen > m)
            {
                return d + 1;
            }
        }

        return NthSmallest(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(above), m - seen);
    }

    /// <summary>
    /// The value at index <paramref name="k"/> of <paramref name="values"/> sorted ascending, found by selection (the
    /// values are reordered): most of an article's shingles can be frequent (a story republished many times), and
    /// selection is linear where a sort of all their frequencies is not (whole scans of the dev corpus ×8 did not change
    /// measurably). Three-way partitions around a median of three (frequencies repeat a lot); after twice the passes a halving
    /// would take, the rest is sorted, so no input costs more than a sort.
    /// </summary>
    internal static int NthSmallest(Span<int> values, int k)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)k, (uint)values.Length, nameof(k));
        int lo = 0, hi = values.Length - 1;
        for (int passes = 2 * (32 - System.Numerics.BitOperations.LeadingZeroCount((uint)values.Length)); lo < hi; passes--)
        {
            if (passes == 0)
            {
                PrimitiveSort.Sort(values[lo..(hi + 1)]);
                return values[k];
            }

            int a = values[lo], b = values[lo + ((hi - lo) >> 1)], c = values[hi];
            int pivot = Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));

            // [lo, lt) below the pivot, [lt, gt] equal to it, (gt, hi] above it.
            int lt = lo, i = lo, gt = hi;
            while (i <= gt)
            {
                int v = values[i];
                if (v < pivot)
                {
                    values[i++] = values[lt];
                    values[lt++] = v;
                }
                else if (v > pivot)
                {
                    values[i] = values[gt];
                    values[gt--] = v;
                }
                else
                {
                    i++;
                }
            }

            if (k < lt)
            {
                hi = lt - 1;
            }
            else if (k > gt)
            {
                lo = gt + 1;
            }
            else
            {
                return pivot;
            }
        }

        return values[k];
    }

    /// <summary>Counters of a radix pass of <see cref="SortByShingle"/> (13 bits).</summary>
    internal const int RadixBuckets = 1 << 13;

    /// <summary>
    /// Below this many occurrences a partition is sorted by comparison, not by radix. The radix passes cost their 8,192
    /// counters twice whatever the length, a comparison sort n log n: at 4,096 the model of a live detector's first 490
    /// articles (partitions of about 2,000) took 23 ms warm, 90% of it in the comparison sort; at 256, 9–10 ms
    /// (<c>boilerplate FILE --first 490</c>; 128 and 512 were within the noise of 256).
    /// </summary>
    private const int SmallPartition = 256;

    /// <summary>
    /// From this many occurrences a partition is sorted in one pass by the top 8 of its shingles' 26 bits, then each of
    /// the 256 parts, which fits a core's cache, in two passes of 9 bits (<see cref="SortLarge"/>). A pass writes to as
    /// many places at once as it has buckets, and 8,192 of them far apart in a partition larger than the cache (52 MB at
    /// a million articles) made the sort's cost per occurrence grow with the corpus: 6.5M occurrences took 82 ms in two
    /// passes of 13 bits, 63 ms in four of 7 (each pass over the whole partition); 650,000 (a partition at 100k) 3.2 and
    /// 4.2 ms (<c>PartitionSortBenchmarks</c>).
    /// </summary>
    internal const int LargePartition = 1 << 20;

    /// <summary>The bits of a large partition's first pass (<see cref="SortLarge"/>): 256 parts.</summary>
    private const int TopDigitBits = 8;

    /// <summary>The bits of each pass over a part of a large partition: two passes sort the 18 bits below the top digit.</summary>
    private const int PartDigitBits = 9;

    /// <summary>
    /// Sorts (shingle, article) occurrences of one partition by shingle, stably: LSD radix over the shingle's bits below
    /// the partition's, or for a large partition by parts (<see cref="SortLarge"/>).
    /// </summary>
    /// <param name="values">The occurrences of one partition (equal top bits).</param>
    /// <param name="scratch">A buffer at least as long as <paramref name="values"/>.</param>
    /// <param name="smallPartition">Below this length the values are sorted by comparison (tests pass 0 to force the radix passes).</param>
    /// <param name="counts">The radix counters (<see cref="RadixBuckets"/>), reused across a model's partitions; null to allocate them.</param>
    /// <param name="largePartition">From this length the narrow digits are used (see <see cref="LargePartition"/>; tests pass 0 to force them).</param>
    internal static void SortByShingle(Span<ulong> values, Span<ulong> scratch, int smallPartition = SmallPartition, int[]? counts = null, int largePartition = LargePartition)
    {
        if (values.Length < smallPartition)
        {
            // Shingle then article, as the radix passes leave them (an article holds a shingle once): a comparison sort
            // here spares a small partition the two passes over 8,192 counters (and a small index their array).
            PrimitiveSort.Sort(values);
            return;
        }

        counts ??= new int[RadixBuckets];
        if (values.Length >= largePartition)
        {
            SortLarge(values, scratch, counts);
            return;
        }

        // The shingle's 26 bits below the partition's in two passes of 13: an even number of passes leaves the sorted
        // values in the first buffer.
        const int bits = 13;
        const int mask = (1 << bits) - 1;
        Span<ulong> from = values;
        Span<ulong> to = scratch;
        for (int shift = 32; shift < 64 - PartitionBits; shift += bits)
        {
            Span<int> count = counts.AsSpan(0, mask + 1);
            count.Clear();
            foreach (ulong v in from)
            {
                count[(int)(v >> shift) & mask]++;
            }

            int sum = 0;
            for (int b = 0; b <= mask; b++)
            {
                int c = count[b];
                count[b] = sum;
                sum += c;
            }

            foreach (ulong v in from)
            {
                to[count[(int)(v >> shift) & mask]++] = v;
            }

            Span<ulong> swap = from;
            from = to;
            to = swap;
        }
    }

    /// <summary>
    /// Sorts a large partition (see <see cref="LargePartition"/>) by shingle, stably: one counting pass moves the values
    /// into <paramref name="scratch"/> by the top <see cref="TopDigitBits"/> of the shingle's 26 bits below the
    /// partition's; each part, which fits a core's cache, is then sorted by the 18 bits below in two LSD passes of
    /// <see cref="PartDigitBits"/> bits (their two counts taken in one read), into its place in
    /// <paramref name="values"/> and back, and copied there.
    /// </summary>
    private static void SortLarge(Span<ulong> values, Span<ulong> scratch, int[] counts)
    {
        const int TopShift = 32 + (2 * PartDigitBits);
        const int TopMask = (1 << TopDigitBits) - 1;
        const int PartMask = (1 << PartDigitBits) - 1;
        Span<int> starts = counts.AsSpan(0, TopMask + 2);
        Span<int> next = counts.AsSpan(TopMask + 2, TopMask + 1);
        Span<int> low = counts.AsSpan((2 * TopMask) + 3, PartMask + 1);
        Span<int> high = counts.AsSpan((2 * TopMask) + 3 + PartMask + 1, PartMask + 1);
        starts.Clear();
        foreach (ulong v in values)
        {
            starts[((int)(v >> TopShift) & TopMask) + 1]++;
        }

        for (int b = 0; b < TopMask + 1; b++)
        {
            starts[b + 1] += starts[b];
        }

        starts[..(TopMask + 1)].CopyTo(next);
        foreach (ulong v in values)
        {
            scratch[next[(int)(v >> TopShift) & TopMask]++] = v;
        }

        for (int b = 0; b < TopMask + 1; b++)
        {
            Span<ulong> part = scratch[starts[b]..starts[b + 1]];
            Span<ulong> place = values[starts[b]..starts[b + 1]];
            low.Clear();
            high.Clear();
            foreach (ulong v in part)
            {
                low[(int)(v >> 32) & PartMask]++;
                high[(int)(v >> (32 + PartDigitBits)) & PartMask]++;
            }

            ExclusiveSums(low);
            ExclusiveSums(high);
            foreach (ulong v in part)
            {
                place[low[(int)(v >> 32) & PartMask]++] = v;
            }

            foreach (ulong v in place)
            {
                part[high[(int)(v >> (32 + PartDigitBits)) & PartMask]++] = v;
            }

            part.CopyTo(place);
        }
    }

    /// <summary>Turns counts into the start of each digit's run.</summary>
    private static void ExclusiveSums(Span<int> counts)
    {
        int sum = 0;
        for (int d = 0; d < counts.Length; d++)
        {
            int c = counts[d];
            counts[d] = sum;
            sum += c;
        }
    }

    /// <summary>
    /// The membership filter of a set (see <see cref="_wordLookup"/>, <see cref="ShingleLookup"/>); empty for an empty set. Its size grows with the
    /// set (<see cref="FilterBitsPerMember"/> bits a member, from <see cref="FilterBits"/> to <see cref="MaxFilterBits"/>
    /// bits of index): a filter of fixed size is all ones for a large set, and every shingle then costs a set lookup
    /// (the frequent shingles of a few hundred thousand articles number in the millions).
    /// </summary>
    internal static ulong[] FilterOf(IReadOnlyCollection<uint> set)
    {
        if (set.Count == 0)
        {
            return [];
        }

        int bits = Math.Clamp(64 - System.Numerics.BitOperations.LeadingZeroCount(((ulong)set.Count * FilterBitsPerMember) - 1), FilterBits, MaxFilterBits);
        ulong[] filter = new ulong[1 << (bits - 6)];
        uint mask = (1u << bits) - 1;
        foreach (uint v in set)
        {
            filter[(v & mask) >> 6] |= 1UL << (int)(v & 63);
        }

        return filter;
    }

    /// <summary>
    /// <paramref name="values"/> without the members of <paramref name="boilerplate"/>: the array itself when it holds
    /// none (the common case, found by the filter's bit tests alone), else a new array in the same order.
    /// </summary>
    /// <param name="values">Sorted shingles.</param>
    /// <param name="boilerplate">The boilerplate shingles.</param>
    internal static uint[] Without(uint[] values, ShingleLookup boilerplate)
    {
        if (boilerplate.Count == 0)
        {
            return values;
        }

        int first = 0;
        while (first < values.Length && !boilerplate.Contains(values[first]))
        {
            first++;
        }

        if (first == values.Length)
        {
            return values;
        }

        uint[] buffer = System.Buffers.ArrayPool<uint>.Shared.Rent(values.Length);
        values.AsSpan(0, first).CopyTo(buffer);
        values.AsSpan(first + 1).CopyTo(buffer.AsSpan(first));
        int w = first + RemoveInPlace(buffer.AsSpan(first, values.Length - first - 1), boilerplate);
        uint[] result = buffer.AsSpan(0, w).ToArray();
        System.Buffers.ArrayPool<uint>.Shared.Return(buffer);
        return result;
    }

    /// <summary>
    /// Moves the values of <paramref name="values"/> that are not boilerplate to its front, in order, and returns how
    /// many there are (the rest of the span is left as it was).
    /// </summary>
    internal static int RemoveInPlace(Span<uint> values, ShingleLookup boilerplate) =>
        boilerplate.Count == 0 ? values.Length : boilerplate.RemoveFrom(values);

    /// <summary>How many of <paramref name="values"/> are members of <paramref name="boilerplate"/>.</summary>
    internal static int CountIn(ReadOnlySpan<uint> values, ShingleLookup boilerplate) =>
        boilerplate.Count == 0 ? 0 : boilerplate.CountIn(values);

    /// <summary>Hints that <see cref="MayBeIn"/> of <paramref name="v"/> comes soon.</summary>
    private static void PrefetchFilter(uint v, ulong[] filter)
    {
        if (filter.Length != 0)
        {
            MemoryHint.Prefetch(filter, (int)((v >> 6) & (uint)(filter.Length - 1)));
        }
    }

    /// <summary>False when the filter says <paramref name="v"/> is not in its set; true when it may be (an empty filter: never).</summary>
    /// <remarks>A filter's length is a power of two: its index bits are those of <paramref name="v"/> below its size in bits.</remarks>
    internal static bool MayBeIn(uint v, ulong[] filter) =>
        filter.Length != 0 && (filter[(int)((v >> 6) & (uint)(filter.Length - 1))] & (1UL << (int)(v & 63))) != 0;
}

/// <summary>How many of an article's word, skeleton and lead shingles are one model's boilerplate.</summary>
internal readonly record struct BoilerplateCounts(int Words, int Skeleton, int Lead);

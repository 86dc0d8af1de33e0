using Dedup.Indexing;

namespace Dedup.Detection;

/// <summary>
/// The candidate index of a batch scan, built at once: a read-only <see cref="ILshBucketStore"/> holding, for every
/// key (<see cref="CandidateSelector.Keys"/>) held by two articles or more, the articles holding it in ascending order
/// (keys held by one article alone propose nothing and are dropped), in one array per partition of the keys by their
/// top bits, and no object per key: with one partition it keeps the arrays it sorted in (12 bytes a key occurrence),
/// with several about 4 bytes a shared occurrence and 12 a shared key. The scan reads it through the same
/// <see cref="CandidateSelector"/> as a live detector reads its store.
/// </summary>
internal sealed class PostingIndex : ILshBucketStore
{
    /// <summary>
    /// At most about this many key occurrences are sorted at once (12 bytes each): the keys of a larger corpus are taken
    /// in partitions by their top bits, one pass over the articles each, so that the scan's peak memory holds one
    /// partition's occurrences and the shared runs kept, not every occurrence at once.
    /// </summary>
    public const long SortedAtOnce = 1 << 23;

    /// <summary>Partitions by at most this many top bits of a key.</summary>
    internal const int MaxPartitionBits = 8;

    /// <summary>Articles a worker takes at a time when it collects their keys.</summary>
    private const int BlockSize = 256;

    /// <summary>The partitions (one when the keys are few), by the top <see cref="_partitionBits"/> bits of a key.</summary>
    private readonly Partition[] _partitions;
    private readonly int _partitionBits;

    private PostingIndex(Partition[] partitions, int partitionBits)
    {
        _partitions = partitions;
        _partitionBits = partitionBits;
    }

    /// <summary>Number of shared keys.</summary>
    public int Keys => _partitions.Sum(p => p.Count);

    /// <summary>
    /// Appends to <paramref name="keys"/> the keys of article <paramref name="article"/> whose top
    /// <paramref name="bits"/> bits (at most 8) are <paramref name="partition"/>, or every key when
    /// <paramref name="bits"/> is 0. It may append others too: they are left out.
    /// </summary>
    public delegate void KeysIn(int article, int bits, int partition, List<ulong> keys);

    /// <summary>
    /// Builds the index over the keys of the articles <paramref name="include"/> accepts; <paramref name="keysOf"/>
    /// fills a list with an article's keys, and is called once for all of them, to count them, and once for each
    /// partition. Each pass is reported to <paramref name="progress"/> as a step of the stage "index".
    /// </summary>
    public static PostingIndex Build(int n, Func<int, bool> include, KeysIn keysOf, ParallelOptions parallel, long sortedAtOnce = SortedAtOnce, IProgress<ScanProgress>? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sortedAtOnce, 1);
        progress?.Report(new ScanProgress("index", 0, 1));

        // Count the occurrences by the top bits of their key, to size the partitions.
        const int TopShift = 64 - MaxPartitionBits;
        long[] byTop = new long[1 << MaxPartitionBits];
        Parallel.For(0, n, parallel, () => (List: new List<ulong>(), Counts: new long[1 << MaxPartitionBits]), (i, _, local) =>
        {
            if (include(i))
            {
                local.List.Clear();
                keysOf(i, 0, 0, local.List);
                foreach (ulong k in local.List)
                {
                    local.Counts[k >> TopShift]++;
                }
            }

            return local;
        }, local =>
        {
            lock (byTop)
            {
                for (int b = 0; b < byTop.Length; b++)
                {
                    byTop[b] += local.Counts[b];
                }
            }
        });

        // The fewest partitions whose largest holds at most sortedAtOnce occurrences (skewed keys may leave one larger).
        int bits = 0;
        long largest = byTop.Sum();
        while (largest > sortedAtOnce && bits < MaxPartitionBits)
        {
            bits++;
            largest = 0;
            for (int p = 0; p < 1 << bits; p++)
            {
                largest = Math.Max(largest, SizeOf(byTop, bits, p));
            }
        }

        var partitions = new Partition[1 << bits];
        progress?.Report(new ScanProgress("index", 1, partitions.Length + 1));
        if (bits == 0)
        {
            // One partition keeps the arrays it was sorted in (a copy would be held beside them).
            var keys = new ulong[largest];
            var articles = new int[largest];
            int size = Fill(n, include, keysOf, parallel, bits, 0, keys, articles);
            (int runs, _, int[] starts) = CompactRuns(keys.AsSpan(0, size), articles);
            partitions[0] = new Partition(keys, runs, starts, articles, bits);
            progress?.Report(new ScanProgress("index", 2, 2));
            return new PostingIndex(partitions, bits);
        }

        // Several copy out what they keep, so that the next is sorted in the same buffers (outside the managed heap:
        // see NativeBuffer).
        using var keyMemory = new NativeBuffer<ulong>(checked((int)largest));
        using var articleMemory = new NativeBuffer<int>(checked((int)largest));
        for (int p = 0; p < partitions.Length; p++)
        {
            int size = Fill(n, include, keysOf, parallel, bits, p, keyMemory.Memory, articleMemory.Memory);
            Span<ulong> keys = keyMemory.Span;
            Span<int> articles = articleMemory.Span;
            (int runs, int kept, int[] starts) = CompactRuns(keys[..size], articles);
            partitions[p] = new Partition(keys[..runs].ToArray(), runs, starts, articles[..kept].ToArray(), bits);
            progress?.Report(new ScanProgress("index", p + 2, partitions.Length + 1));
        }

        return new PostingIndex(partitions, bits);
    }

    /// <summary>Occurrences in partition <paramref name="p"/> of 2^<paramref name="bits"/>, from the counts by the top <see cref="MaxPartitionBits"/> bits.</summary>
    private static long SizeOf(long[] byTop, int bits, int p)
    {
        int width = 1 << (MaxPartitionBits - bits);
        long size = 0;
        for (int b = p * width; b < (p + 1) * width; b++)
        {
            size += byTop[b];
        }

        return size;
    }

    /// <summary>Collects the occurrences of the keys in partition <paramref name="p"/> into the arrays, sorted by key; returns how many.</summary>
    private static int Fill(int n, Func<int, bool> include, KeysIn keysOf, ParallelOptions parallel, int bits, int p, Memory<ulong> keys, Memory<int> articles)
    {
        int filled = 0;
        Parallel.For(0, (n + BlockSize - 1) / BlockSize, parallel, () => (List: new List<ulong>(), Keys: new List<ulong>(), Articles: new List<int>()), (block, _, local) =>
        {
            local.Keys.Clear();
            local.Articles.Clear();
            for (int i = block * BlockSize; i < Math.Min(n, (block + 1) * BlockSize); i++)
            {
                if (!include(i))
                {
                    continue;
                }

                local.List.Clear();
                keysOf(i, bits, p, local.List);
                foreach (ulong k in local.List)
                {
                    if (bits == 0 || (int)(k >> (64 - bits)) == p)
                    {
                        local.Keys.Add(k);
                        local.Articles.Add(i);
                    }
                }
            }

            // Blocks land in any order: the runs are sorted by key, then each run's articles, so the result is the same.
            int at = Interlocked.Add(ref filled, local.Keys.Count) - local.Keys.Count;
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(local.Keys).CopyTo(keys.Span[at..]);
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(local.Articles).CopyTo(articles.Span[at..]);
            return local;
        }, _ => { });

        SortByKey(keys[..filled], articles[..filled], bits, parallel);
        return filled;
    }

    /// <summary>
    /// Sorts the occurrences by key (the articles of equal keys in any order), on the threads <paramref name="parallel"/>
    /// allows: one pass moves each into its bucket by the 8 bits below the top <paramref name="skipBits"/> (equal in
    /// every key of a partition), in place, then the buckets are sorted at once (<see cref="SortByDigits"/>). A single
    /// sort of a partition took most of the index's time on one thread while the other waited.
    /// </summary>
    internal static void SortByKey(Memory<ulong> keys, Memory<int> articles, int skipBits, ParallelOptions parallel)
    {
        int shift = 56 - skipBits;
        if (keys.Length < 1 << 16 || shift < 0)
        {
            SortByDigits(keys.Span, articles.Span, shift);
            return;
        }

        int[] starts = new int[Buckets + 1];
        Distribute(keys.Span, articles.Span, shift, starts);
        Parallel.For(0, Buckets, parallel, b => SortByDigits(keys.Span[starts[b]..starts[b + 1]], articles.Span[starts[b]..starts[b + 1]], shift - 8));
    }

    /// <summary>The buckets of one pass of <see cref="SortByKey"/> and <see cref="SortByDigits"/>: 8 bits of the key.</summary>
    private const int Buckets = 256;

    /// <summary>Ranges this short are sorted by comparison (<see cref="SortByDigits"/>).</summary>
    private const int ComparisonSorted = 64;

    /// <summary>
    /// Sorts occurrences whose keys agree above bit <paramref name="shift"/> + 8 by key: the 8 bits at
    /// <paramref name="shift"/> place each in its bucket (<see cref="Distribute"/>), then each bucket is sorted by the
    /// next 8 bits, down to ranges of <see cref="ComparisonSorted"/> or fewer, which a comparison sort takes. A
    /// comparison sort of whole buckets of hashed keys mispredicted a branch a comparison: 2.9% of a 100k scan's CPU.
    /// </summary>
    internal static void SortByDigits(Span<ulong> k, Span<int> a, int shift)
    {
        if (k.Length <= ComparisonSorted || shift < 0)
        {
            PrimitiveSort.Sort(k, a);
            return;
        }

        Span<int> starts = stackalloc int[Buckets + 1];
        Distribute(k, a, shift, starts);
        for (int b = 0; b < Buckets; b++)
        {
            if (starts[b + 1] - starts[b] > 1)
            {
                SortByDigits(k[starts[b]..starts[b + 1]], a[starts[b]..starts[b + 1]], shift - 8);
            }
        }
    }

    /// <summary>
    /// Moves each occurrence into its bucket by the 8 bits of its key at <paramref name="shift"/>, in place (American
    /// flag sort: each occurrence not yet in its bucket is swapped into the next free place of its bucket, until the
    /// one taken out belongs where it came from), and writes where each bucket starts (and, last, the end) into
    /// <paramref name="starts"/>.
    /// </summary>
    private static void Distribute(Span<ulong> k, Span<int> a, int shift, Span<int> starts)
    {
        starts.Clear();
        foreach (ulong key in k)
        {
            starts[Digit(key, shift) + 1]++;
        }

        for (int b = 0; b < Buckets; b++)
        {
            starts[b + 1] += starts[b];
        }

        Span<int> next = stackalloc int[Buckets];
        starts[..Buckets].CopyTo(next);
        for (int b = 0; b < Buckets; b++)
        {
            int end = starts[b + 1];
            while (next[b] < end)
            {
                int i = next[b];
                ulong key = k[i];
                int article = a[i];
                int d = Digit(key, shift);
                while (d != b)
                {
                    int j = next[d]++;
                    (key, k[j]) = (k[j], key);
                    (article, a[j]) = (a[j], article);
                    d = Digit(key, shift);
                }

                k[i] = key;
                a[i] = article;
                next[b]++;
            }
        }
    }

    private static int Digit(ulong key, int shift) => (int)(key >> shift) & 0xFF;

    /// <summary>
    /// Keeps the runs of two or more occurrences of a key, moved to the front of the arrays: the run's key at the run's
    /// index in <paramref name="keys"/>, its articles ascending from its start in <paramref name="articles"/>.
    /// </summary>
    private static (int Runs, int Kept, int[] Starts) CompactRuns(Span<ulong> keys, Span<int> articles)
    {
        var starts = new List<int>();
        int runs = 0;
        int kept = 0;
        for (int s = 0; s < keys.Length;)
        {
            int e = s + 1;
            while (e < keys.Length && keys[e] == keys[s])
            {
                e++;
            }

            if (e - s > 1)
            {
                PrimitiveSort.Sort(articles.Slice(s, e - s));
                keys[runs] = keys[s];
                articles.Slice(s, e - s).CopyTo(articles[kept..]);
                starts.Add(kept);
                runs++;
                kept += e - s;
            }

            s = e;
        }

        starts.Add(kept);
        return (runs, kept, [.. starts]);
    }

    /// <summary>The articles holding <paramref name="key"/>, ascending; empty when fewer than two hold it.</summary>
    public ReadOnlySpan<int> Holders(ulong key) => _partitions[PartitionOf(key)].Holders(key);

    /// <summary>
    /// Finds the holders of many keys at once (<see cref="Holders"/> of each is <see cref="HoldersAt"/> of its range):
    /// in four sweeps over the keys, each reading what the sweep before asked the memory for (the directory entry, the
    /// keys of its bucket, the run's bounds, the first holders). An article's hundred keys are each in a random place of
    /// an index of hundreds of megabytes at a million articles: looked up one after the other, each waited for its
    /// reads in turn; so the reads of all keys are under way together.
    /// </summary>
    public void FindAll(ReadOnlySpan<ulong> keys, Span<HolderRange> ranges)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ranges.Length, keys.Length, nameof(ranges));
        for (int k = 0; k < keys.Length; k++)
        {
            int p = PartitionOf(keys[k]);
            ranges[k] = new HolderRange(p, _partitions[p].BucketOf(keys[k]), 0);
            _partitions[p].PrefetchBucket(ranges[k].Start);
        }

        for (int k = 0; k < keys.Length; k++)
        {
            _partitions[ranges[k].Partition].PrefetchKeys(ranges[k].Start);
        }

        for (int k = 0; k < keys.Length; k++)
        {
            Partition partition = _partitions[ranges[k].Partition];
            int run = partition.RunOf(keys[k], ranges[k].Start);
            ranges[k] = ranges[k] with { Start = run };
            partition.PrefetchRun(run);
        }

        for (int k = 0; k < keys.Length; k++)
        {
            ranges[k] = _partitions[ranges[k].Partition].RangeOf(ranges[k].Partition, ranges[k].Start);
        }
    }

    /// <summary>The holders of a range <see cref="FindAll"/> found, ascending.</summary>
    public ReadOnlySpan<int> HoldersAt(HolderRange range) => _partitions[range.Partition].Articles(range);

    private int PartitionOf(ulong key) => _partitionBits == 0 ? 0 : (int)(key >> (64 - _partitionBits));

    /// <summary>Where the holders of a key are: the partition, the first and how many (0 when fewer than two hold it).</summary>
    internal readonly record struct HolderRange(int Partition, int Start, int Length);

    /// <summary>
    /// The shared keys of one partition, ascending, in the first <see cref="Count"/> entries of an array; each one's
    /// holders from <c>starts[r]</c> to <c>starts[r + 1]</c>; and a directory of the keys by their top bits below the
    /// partition's (<see cref="TopBitsDirectory"/>): an article looks up about a hundred keys, and a binary search grew
    /// slower as the corpus grew.
    /// </summary>
    private sealed class Partition
    {
        private readonly ulong[] _keys;
        private readonly int[] _starts;
        private readonly int[] _articles;
        private readonly int[] _directory;
        private readonly int _skip;
        private readonly int _shift;

        public Partition(ulong[] keys, int count, int[] starts, int[] articles, int partitionBits)
        {
            _keys = keys;
            Count = count;
            _starts = starts;
            _articles = articles;
            _skip = partitionBits;
            int bits = TopBitsDirectory.BitsFor(count);
            _shift = 64 - bits;
            _directory = TopBitsDirectory.Build<ulong>(keys.AsSpan(0, count), bits, partitionBits);
        }

        public int Count { get; }

        public int BucketOf(ulong key) => (int)((key << _skip) >> _shift);

        public void PrefetchBucket(int bucket) => MemoryHint.Prefetch(_directory, bucket);

        public void PrefetchKeys(int bucket) => MemoryHint.Prefetch(_keys, _directory[bucket]);

        /// <summary>The run of <paramref name="key"/> in its bucket, or -1.</summary>
        public int RunOf(ulong key, int bucket)
        {
            int end = _directory[bucket + 1];
            for (int r = _directory[bucket]; r < end; r++)
            {
                if (_keys[r] == key)
                {
                    return r;
                }
            }

            return -1;
        }

        public void PrefetchRun(int run)
        {
            if (run >= 0)
            {
                MemoryHint.Prefetch(_starts, run);
            }
        }

        public HolderRange RangeOf(int partition, int run)
        {
            if (run < 0)
            {
                return new HolderRange(partition, 0, 0);
            }

            int start = _starts[run];
            MemoryHint.Prefetch(_articles, start);
            return new HolderRange(partition, start, _starts[run + 1] - start);
        }

        public ReadOnlySpan<int> Articles(HolderRange range) => _articles.AsSpan(range.Start, range.Length);

        public ReadOnlySpan<int> Holders(ulong key)
        {
            int run = RunOf(key, BucketOf(key));
            return run < 0 ? [] : _articles.AsSpan(_starts[run], _starts[run + 1] - _starts[run]);
        }
    }

    /// <inheritdoc/>
    public bool SupportsSynchronousAccess => true;

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">Always: the index is built in one pass.</exception>
    public void Add(ReadOnlySpan<LshBucketEntry> entries) => throw new NotSupportedException("A scan's candidate index is built in one pass.");

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">Always: the index is built in one pass.</exception>
    public void Remove(ReadOnlySpan<LshBucketEntry> entries) => throw new NotSupportedException("A scan's candidate index is built in one pass.");

    /// <inheritdoc/>
    public int Query(ReadOnlySpan<ulong> bandKeys, Span<int> destination)
    {
        int total = 0;
        foreach (ulong key in bandKeys)
        {
            ReadOnlySpan<int> holders = Holders(key);
            if (total < destination.Length)
            {
                holders[..Math.Min(holders.Length, destination.Length - total)].CopyTo(destination[total..]);
            }

            total += holders.Length;
        }

        return total;
    }

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">Always: the index is built in one pass.</exception>
    public ValueTask AddAsync(ReadOnlyMemory<LshBucketEntry> entries, CancellationToken cancellationToken = default) => throw new NotSupportedException("A scan's candidate index is built in one pass.");

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">Always: the index is built in one pass.</exception>
    public ValueTask RemoveAsync(ReadOnlyMemory<LshBucketEntry> entries, CancellationToken cancellationToken = default) => throw new NotSupportedException("A scan's candidate index is built in one pass.");

    /// <inheritdoc/>
    public ValueTask<int[][]> QueryAsync(ReadOnlyMemory<ulong> bandKeys, CancellationToken cancellationToken = default)
    {
        var result = new int[bandKeys.Length][];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = Holders(bandKeys.Span[i]).ToArray();
        }

        return ValueTask.FromResult(result);
    }
}

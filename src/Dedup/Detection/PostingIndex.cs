using Dedup.Indexing;

namespace Dedup.Detection;

/// <summary>
/// The candidate index of a batch scan, built in one pass: a read-only <see cref="ILshBucketStore"/> holding, for every
/// key (<see cref="CandidateSelector.Keys"/>) held by two articles or more, the articles holding it in ascending order,
/// all in one array (keys held by one article alone propose nothing and are dropped). About 12 bytes a shared key
/// occurrence, no object per key. The scan reads it through the same <see cref="CandidateSelector"/> as a live
/// detector reads its store.
/// </summary>
internal sealed class PostingIndex : ILshBucketStore
{
    /// <summary>The shared keys, ascending, in the first <see cref="Keys"/> entries (the array the occurrences were sorted in).</summary>
    private readonly ulong[] _keys;
    private readonly int _keyCount;
    private readonly int[] _starts;

    /// <summary>The holders of each key, from <c>_starts[r]</c> to <c>_starts[r + 1]</c> (the array they were sorted in; the tail is unused).</summary>
    private readonly int[] _articles;

    /// <summary>
    /// Where the keys of each value of their top <c>64 - _shift</c> bits start in <see cref="_keys"/> (<see
    /// cref="TopBitsDirectory"/>): an article looks up about a hundred keys, and a binary search grew slower as the
    /// corpus grew.
    /// </summary>
    private readonly int[] _directory;
    private readonly int _shift;

    private PostingIndex(ulong[] keys, int keyCount, int[] starts, int[] articles)
    {
        _keys = keys;
        _keyCount = keyCount;
        _starts = starts;
        _articles = articles;
        int bits = TopBitsDirectory.BitsFor(keyCount);
        _shift = 64 - bits;
        _directory = TopBitsDirectory.Build<ulong>(keys.AsSpan(0, keyCount), bits);
    }

    /// <summary>Number of shared keys.</summary>
    public int Keys => _keyCount;

    /// <summary>
    /// Builds the index over the keys of the articles <paramref name="include"/> accepts; <paramref name="keysOf"/>
    /// fills a list with an article's keys.
    /// </summary>
    public static PostingIndex Build(int n, Func<int, bool> include, Action<int, List<ulong>> keysOf, ParallelOptions parallel)
    {
        var counts = new int[n + 1];
        Parallel.For(0, n, parallel, () => new List<ulong>(), (i, _, list) =>
        {
            if (include(i))
            {
                list.Clear();
                keysOf(i, list);
                counts[i + 1] = list.Count;
            }

            return list;
        }, _ => { });

        for (int i = 0; i < n; i++)
        {
            counts[i + 1] += counts[i];
        }

        long total = counts[n];
        var keys = new ulong[total];
        var articles = new int[total];
        Parallel.For(0, n, parallel, () => new List<ulong>(), (i, _, list) =>
        {
            if (include(i))
            {
                list.Clear();
                keysOf(i, list);
                int at = counts[i];
                foreach (ulong k in list)
                {
                    keys[at] = k;
                    articles[at++] = i;
                }
            }

            return list;
        }, _ => { });

        Array.Sort(keys, articles);

        // Keep the runs of two or more, each with its articles in ascending order.
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
                Array.Sort(articles, s, e - s);
                keys[runs] = keys[s];
                articles.AsSpan(s, e - s).CopyTo(articles.AsSpan(kept));
                starts.Add(kept);
                runs++;
                kept += e - s;
            }

            s = e;
        }

        // The runs were compacted to the front of the arrays they were sorted in, which the index keeps: copying them
        // out would hold both at once (the scan's peak memory), and the unused tails are no more than the copy.
        starts.Add(kept);
        return new PostingIndex(keys, runs, [.. starts], articles);
    }

    /// <summary>The articles holding <paramref name="key"/>, ascending; empty when fewer than two hold it.</summary>
    public ReadOnlySpan<int> Holders(ulong key)
    {
        int b = (int)(key >> _shift);
        int end = _directory[b + 1];
        for (int r = _directory[b]; r < end; r++)
        {
            if (_keys[r] == key)
            {
                return _articles.AsSpan(_starts[r], _starts[r + 1] - _starts[r]);
            }
        }

        return [];
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

namespace Dedup.Detection;

/// <summary>
/// The sampled shingles and name pairs of a batch scan's articles (<see cref="CandidateSelector.SampleKeys"/>), taken
/// once while the candidate index is built. The index reads every article's keys once to count them and once for each
/// partition of the keys: at a million articles that was nine decodings of every article's sets, most of the index's
/// time. Kept here, a pass reads 4 bytes a key, outside the managed heap (<see cref="NativeSlabs{T}"/>), freed
/// when this is disposed.
/// </summary>
/// <remarks>
/// Each article's samples of one space are kept ordered by the top <see cref="OrderBits"/> bits of their keys
/// (<see cref="CandidateSelector.SampleKey"/>), so that a pass finds those of its partition by a binary search and
/// reads no others: the passes grow in number with the corpus, and reading and mixing every key of every article in
/// each of them made the index's cost grow faster than the corpus.
/// </remarks>
internal sealed class SampledKeys : IDisposable
{
    /// <summary>The top bits of a key by which each space's samples are ordered: as many as the index's partitions may take.</summary>
    public const int OrderBits = PostingIndex.MaxPartitionBits;

    /// <summary>Articles a block holds (and a worker samples at a time).</summary>
    private const int BlockSize = 256;

    /// <summary>Values a slab holds (64 MB).</summary>
    private const int SlabSize = 1 << 24;

    private readonly NativeSlabs<uint> _slabs;

    /// <summary>The slab of each block's values, and where they start in it.</summary>
    private readonly (int Slab, int Offset)[] _blocks;

    /// <summary>Where an article's values start among its block's.</summary>
    private readonly int[] _start;

    /// <summary>How many of an article's values are word, skeleton and name-pair samples (in that order).</summary>
    private readonly (int Words, int Skeleton, int Pairs)[] _counts;

    private SampledKeys(int n, int slabSize)
    {
        _slabs = new NativeSlabs<uint>(slabSize, slabSize);
        _blocks = new (int, int)[(n + BlockSize - 1) / BlockSize];
        _start = new int[n];
        _counts = new (int, int, int)[n];
    }

    /// <summary>
    /// Samples the articles <paramref name="include"/> accepts, in parallel; <paramref name="sample"/> appends an
    /// article's samples (<see cref="CandidateSelector.SampleKeys"/>: words, then skeleton, then name pairs, told apart
    /// by bits 32 and 33) to a list.
    /// </summary>
    /// <exception cref="InvalidOperationException">A sample is in no key space (bits 34 and up set, or both 32 and 33), or the spaces are out of order.</exception>
    public static SampledKeys Collect(int n, Func<int, bool> include, Action<int, List<ulong>> sample, ParallelOptions parallel, int slabSize = SlabSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfLessThan(slabSize, 1);
        var result = new SampledKeys(n, slabSize);
        try
        {
            // One block at a time to each thread: where the sampled articles gather in a few blocks (a corpus sent
            // again, whose copies are not sampled), a loop over ranges of blocks gave most of them to one thread.
            var blocks = System.Collections.Concurrent.Partitioner.Create(Enumerable.Range(0, result._blocks.Length), System.Collections.Concurrent.EnumerablePartitionerOptions.NoBuffering);
            Parallel.ForEach(blocks, parallel, () => new List<ulong>(), (block, _, values) =>
            {
                values.Clear();
                int first = block * BlockSize;
                int end = Math.Min(n, first + BlockSize);
                for (int i = first; i < end; i++)
                {
                    result._start[i] = values.Count;
                    if (!include(i))
                    {
                        continue;
                    }

                    sample(i, values);
                    int words = 0, skeleton = 0, pairs = 0;
                    ulong space = 0;
                    foreach (ulong v in System.Runtime.InteropServices.CollectionsMarshal.AsSpan(values)[result._start[i]..])
                    {
                        // The spaces are told apart by their counts alone: they must come in order.
                        if (v >> 32 < space)
                        {
                            throw new InvalidOperationException($"The samples of article {i} are not in the order words, skeleton, name pairs: {v:X} after a sample of space {space}.");
                        }

                        space = v >> 32;
                        switch (space)
                        {
                            case 0:
                                words++;
                                break;
                            case 1:
                                skeleton++;
                                break;
                            case 2:
                                pairs++;
                                break;
                            default:
                                throw new InvalidOperationException($"A sample of article {i} is in no key space: {v:X}.");
                        }
                    }

                    result._counts[i] = (words, skeleton, pairs);
                    Span<ulong> taken = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(values)[result._start[i]..];
                    OrderByKey(taken[..words]);
                    OrderByKey(taken.Slice(words, skeleton));
                    OrderByKey(taken[(words + skeleton)..]);
                }

                Span<uint> span = result.Reserve(block, values.Count);
                for (int v = 0; v < span.Length; v++)
                {
                    span[v] = (uint)values[v];
                }

                return values;
            }, _ => { });
        }
        catch
        {
            result.Dispose();
            throw;
        }

        return result;
    }

    /// <summary>Room for a block's values.</summary>
    private Span<uint> Reserve(int block, int count)
    {
        _blocks[block] = _slabs.Reserve(count);
        return _slabs.Span(_blocks[block].Slab, _blocks[block].Offset, count);
    }

    /// <summary>Orders samples of one space by the top <see cref="OrderBits"/> bits of their keys, then by value.</summary>
    private static void OrderByKey(Span<ulong> samples)
    {
        // A sample has 34 bits: the key's top bits go above them for the sort, and are taken off after it.
        const int Below = 40;
        for (int v = 0; v < samples.Length; v++)
        {
            samples[v] |= (CandidateSelector.SampleKey(samples[v]) >> (64 - OrderBits)) << Below;
        }

        PrimitiveSort.Sort(samples);
        for (int v = 0; v < samples.Length; v++)
        {
            samples[v] &= (1UL << Below) - 1;
        }
    }

    /// <summary>
    /// Appends the keys of article <paramref name="index"/> (its exact hash's, <see cref="CandidateSelector.ExactKey"/>,
    /// then its samples', <see cref="CandidateSelector.SampleKey"/>) whose top <paramref name="bits"/> bits are
    /// <paramref name="partition"/>; every key when <paramref name="bits"/> is 0. An article not sampled has its exact hash's key alone.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bits"/> is negative or above <see cref="OrderBits"/>, or <paramref name="partition"/> is not below 2^<paramref name="bits"/>.</exception>
    /// <exception cref="ObjectDisposedException">The samples were disposed.</exception>
    public void AppendKeys(int index, ulong exactHash, int bits, int partition, List<ulong> keys)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, OrderBits);
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(partition, 1 << bits);
        (int slab, int offset) = _blocks[index / BlockSize];
        (int words, int skeleton, int pairs) = _counts[index];
        ReadOnlySpan<uint> values = _slabs.Span(slab, offset + _start[index], words + skeleton + pairs);
        ulong exact = CandidateSelector.ExactKey(exactHash);
        if (bits == 0 || (int)(exact >> (64 - bits)) == partition)
        {
            keys.Add(exact);
        }

        AppendKeys(values[..words], 0, bits, partition, keys);
        AppendKeys(values.Slice(words, skeleton), 1, bits, partition, keys);
        AppendKeys(values[(words + skeleton)..], 2, bits, partition, keys);
    }

    /// <summary>The keys of one space's samples (ordered by <see cref="OrderByKey"/>) in a partition.</summary>
    private static void AppendKeys(ReadOnlySpan<uint> samples, ulong space, int bits, int partition, List<ulong> keys)
    {
        if (bits == 0)
        {
            foreach (uint v in samples)
            {
                keys.Add(CandidateSelector.SampleKey((space << 32) | v));
            }

            return;
        }

        // The first sample whose key is in the partition or after it, then each while it is in the partition.
        int shift = 64 - bits;
        int low = 0, high = samples.Length;
        while (low < high)
        {
            int middle = (int)((uint)(low + high) >> 1);
            if ((int)(CandidateSelector.SampleKey((space << 32) | samples[middle]) >> shift) < partition)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        for (int v = low; v < samples.Length; v++)
        {
            ulong key = CandidateSelector.SampleKey((space << 32) | samples[v]);
            if ((int)(key >> shift) != partition)
            {
                break;
            }

            keys.Add(key);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _slabs.Dispose();
}

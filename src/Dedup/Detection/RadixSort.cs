namespace Dedup.Detection;

/// <summary>
/// Least-significant-digit radix sort of 32-bit values (four passes of 8 bits). Shingle hashes are uniformly
/// random, where a comparison sort pays a mispredicted branch per comparison; this pays none and is about three times
/// faster for the few hundred values of an article.
/// </summary>
internal static class RadixSort
{
    /// <summary>Below this many values a comparison sort is faster than four passes over 256 buckets.</summary>
    private const int SmallInput = 64;

    /// <summary>Sorts <paramref name="values"/> ascending, using <paramref name="scratch"/> (at least as long) as the second buffer.</summary>
    public static void Sort(Span<uint> values, Span<uint> scratch)
    {
        if (values.Length < SmallInput)
        {
            values.Sort();
            return;
        }

        if (scratch.Length < values.Length)
        {
            throw new ArgumentException("The scratch buffer is shorter than the values.", nameof(scratch));
        }

        // The counts' stack buffer is here, the loops in Passes: so both compile at tier 0 (docs/architecture.md, "First calls").
        Passes(values, scratch[..values.Length], stackalloc int[256]);
    }

    private static void Passes(Span<uint> values, Span<uint> scratch, Span<int> counts)
    {
        Span<uint> from = values;
        Span<uint> to = scratch;
        for (int shift = 0; shift < 32; shift += 8)
        {
            counts.Clear();
            foreach (uint v in from)
            {
                counts[(int)((v >> shift) & 0xFF)]++;
            }

            int sum = 0;
            for (int b = 0; b < 256; b++)
            {
                int c = counts[b];
                counts[b] = sum;
                sum += c;
            }

            foreach (uint v in from)
            {
                to[counts[(int)((v >> shift) & 0xFF)]++] = v;
            }

            Span<uint> swap = from;
            from = to;
            to = swap;
        }

        // Four passes: the sorted values are back in the first buffer.
    }
}

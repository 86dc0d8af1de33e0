namespace Dedup.Detection;

/// <summary>
/// Least-significant-digit radix sort of 32-bit values (up to four passes of 8 bits). Shingle hashes are uniformly
/// random, where a comparison sort pays a mispredicted branch per comparison; this pays none and is about three times
/// faster for the few hundred values of an article. The four digits are counted in one read of the values, and a
/// digit that is the same in every value takes no pass (the sentence pairs of a paraphrase alignment have 17 bits).
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
            PrimitiveSort.Sort(values);
            return;
        }

        if (scratch.Length < values.Length)
        {
            throw new ArgumentException("The scratch buffer is shorter than the values.", nameof(scratch));
        }

        // The counts' stack buffer is here, the loops in Passes: so both compile at tier 0 (docs/architecture.md, "First calls").
        Passes(values, scratch[..values.Length], stackalloc int[4 * 256]);
    }

    private static void Passes(Span<uint> values, Span<uint> scratch, Span<int> counts)
    {
        counts.Clear();
        foreach (uint v in values)
        {
            counts[(int)(v & 0xFF)]++;
            counts[256 + (int)((v >> 8) & 0xFF)]++;
            counts[512 + (int)((v >> 16) & 0xFF)]++;
            counts[768 + (int)(v >> 24)]++;
        }

        Span<uint> from = values;
        Span<uint> to = scratch;
        bool inValues = true;
        for (int pass = 0; pass < 4; pass++)
        {
            int shift = pass * 8;
            Span<int> digit = counts.Slice(pass * 256, 256);
            if (digit[(int)((from[0] >> shift) & 0xFF)] == from.Length)
            {
                continue; // every value has this digit: the pass would move nothing
            }

            int sum = 0;
            for (int b = 0; b < 256; b++)
            {
                int c = digit[b];
                digit[b] = sum;
                sum += c;
            }

            foreach (uint v in from)
            {
                to[digit[(int)((v >> shift) & 0xFF)]++] = v;
            }

            Span<uint> swap = from;
            from = to;
            to = swap;
            inValues = !inValues;
        }

        if (!inValues)
        {
            from.CopyTo(values);
        }
    }
}

using Dedup.Detection;
using FsCheck;
using FsCheck.Fluent;

namespace Dedup.Tests.Detection;

public class RadixSortTests
{
    [FsCheck.Xunit.Property]
    public Property Sorts_like_a_comparison_sort(uint[]? input, int extra)
    {
        uint[] values = [.. input ?? [], .. Enumerable.Range(0, Math.Abs(extra % 300)).Select(i => (uint)(i * 2654435761u))];
        uint[] expected = [.. values.Order()];
        RadixSort.Sort(values, new uint[values.Length]);
        return values.SequenceEqual(expected).ToProperty();
    }

    /// <summary>Values whose digits are partly the same in all (a pass skipped, an odd number of passes made, none at all).</summary>
    [FsCheck.Xunit.Property(MaxTest = 300)]
    public Property Sorts_values_that_share_digits_like_a_comparison_sort(int seed, byte digits)
    {
        var random = new Random(seed);
        uint mask = 0, fixedBits = (uint)random.Next() | ((uint)random.Next(2) << 31);
        for (int d = 0; d < 4; d++)
        {
            mask |= (digits & (1 << d)) != 0 ? 0xFFu << (8 * d) : 0;
        }

        uint[] values = [.. Enumerable.Range(0, 64 + random.Next(400)).Select(_ => ((uint)random.Next() & mask) | (fixedBits & ~mask))];
        uint[] expected = [.. values.Order()];
        RadixSort.Sort(values, new uint[values.Length]);
        return values.SequenceEqual(expected).Label($"mask {mask:X8}");
    }
}

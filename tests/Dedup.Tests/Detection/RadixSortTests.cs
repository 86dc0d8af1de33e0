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
}

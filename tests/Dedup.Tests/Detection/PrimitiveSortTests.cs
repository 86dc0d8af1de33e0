using Dedup.Detection;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dedup.Tests.Detection;

/// <summary>The scan's sort of numbers (<see cref="PrimitiveSort"/>) against <see cref="Array.Sort(Array)"/>, at every depth limit.</summary>
public class PrimitiveSortTests
{
    /// <summary>Values of every shape a scan sorts: random, few distinct (a key many hold), runs sorted either way, all equal.</summary>
    private static Gen<ulong[]> Values { get; } =
        from length in Gen.Frequency((3, Gen.Choose(0, 40)), (2, Gen.Choose(41, 3000)))
        from distinct in Gen.Elements(1, 2, 5, 100, int.MaxValue)
        from shape in Gen.Elements("random", "ascending", "descending", "organ pipe")
        from seed in Gen.Choose(0, int.MaxValue)
        select Make(length, distinct, shape, seed);

    /// <summary>Depth limits: the default, none (all heapsort), and a few partitions then heapsort.</summary>
    private static Gen<int?> Depths { get; } = Gen.Elements<int?>(null, 0, 1, 3);

    [Property(MaxTest = 300)]
    public Property Sorts_64_bit_values_as_Array_Sort_does() =>
        Prop.ForAll(Values.ToArbitrary(), Depths.ToArbitrary(), (values, depth) =>
        {
            ulong[] expected = [.. values];
            Array.Sort(expected);
            ulong[] actual = [.. values];
            Sort(actual, depth);
            return actual.SequenceEqual(expected).Label($"{values.Length} values, depth {depth?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "default"}");
        });

    [Property(MaxTest = 200)]
    public Property Sorts_32_bit_and_signed_values_as_Array_Sort_does() =>
        Prop.ForAll(Values.ToArbitrary(), Depths.ToArbitrary(), (values, depth) =>
        {
            uint[] u = [.. values.Select(v => (uint)(v >> 32))];
            int[] s = [.. values.Select(v => (int)v)];
            uint[] expectedU = [.. u];
            int[] expectedS = [.. s];
            Array.Sort(expectedU);
            Array.Sort(expectedS);
            if (depth is { } d)
            {
                PrimitiveSort.Sort(u.AsSpan(), d);
                PrimitiveSort.Sort(s.AsSpan(), d);
            }
            else
            {
                PrimitiveSort.Sort(u.AsSpan());
                PrimitiveSort.Sort(s.AsSpan());
            }

            return (u.SequenceEqual(expectedU) && s.SequenceEqual(expectedS)).Label($"{values.Length} values");
        });

    /// <summary>Keys with their items: the keys sorted, and every (key, item) pair kept (items of equal keys in any order).</summary>
    [Property(MaxTest = 300)]
    public Property Moves_each_item_with_its_key() =>
        Prop.ForAll(Values.ToArbitrary(), Depths.ToArbitrary(), (keys, depth) =>
        {
            int[] items = [.. Enumerable.Range(0, keys.Length)];
            ulong[] k = [.. keys];
            if (depth is { } d)
            {
                PrimitiveSort.Sort(k.AsSpan(), items.AsSpan(), d);
            }
            else
            {
                PrimitiveSort.Sort(k.AsSpan(), items.AsSpan());
            }

            ulong[] expected = [.. keys];
            Array.Sort(expected);
            bool sorted = k.SequenceEqual(expected);
            bool paired = items.Order().SequenceEqual(Enumerable.Range(0, keys.Length)) && items.Select((item, at) => keys[item] == k[at]).All(x => x);
            return (sorted && paired).Label($"{keys.Length} keys: sorted {sorted}, pairs kept {paired}");
        });

    [Fact]
    public void Keys_and_items_of_different_lengths_are_refused()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => PrimitiveSort.Sort(new ulong[3].AsSpan(), new int[2].AsSpan()));
        Assert.Equal("items", e.ParamName);
    }

    private static void Sort(ulong[] values, int? depth)
    {
        if (depth is { } d)
        {
            PrimitiveSort.Sort(values.AsSpan(), d);
        }
        else
        {
            PrimitiveSort.Sort(values.AsSpan());
        }
    }

    private static ulong[] Make(int length, int distinct, string shape, int seed)
    {
        var random = new Random(seed);
        ulong[] pool = [.. Enumerable.Range(0, Math.Min(distinct, Math.Max(1, length))).Select(_ => (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63))];
        ulong[] values = [.. Enumerable.Range(0, length).Select(_ => pool[random.Next(pool.Length)])];
        switch (shape)
        {
            case "ascending":
                Array.Sort(values);
                break;
            case "descending":
                Array.Sort(values);
                Array.Reverse(values);
                break;
            case "organ pipe":
                Array.Sort(values);
                Array.Reverse(values, values.Length / 2, values.Length - (values.Length / 2));
                break;
        }

        return values;
    }
}

using Dedup.Detection;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dedup.Tests.Detection;

/// <summary>The corpus model takes an article's median shingle frequency by selection (<see cref="BoilerplateModel.NthSmallest"/>): it must be the sort's.</summary>
public sealed class NthSmallestTests
{
    [Property(MaxTest = 500)]
    public Property The_value_selected_is_the_sorts(DoNotSize<int> seed)
    {
        var random = new Random(seed.Item);
        int n = random.Next(1, 3000);
        int distinct = random.Next(1, 4) switch { 1 => 2, 2 => 50, _ => int.MaxValue };
        int[] values = [.. Enumerable.Range(0, n).Select(_ => random.Next(distinct))];

        // Orders a partition may handle badly too: sorted, reversed, organ pipe.
        switch (random.Next(5))
        {
            case 0:
                Array.Sort(values);
                break;
            case 1:
                Array.Sort(values);
                Array.Reverse(values);
                break;
            case 2:
                Array.Sort(values);
                values = [.. values.Where((_, i) => i % 2 == 0), .. values.Where((_, i) => i % 2 == 1).Reverse()];
                break;
        }

        int k = random.Next(n);
        int[] sorted = [.. values.Order()];
        int selected = BoilerplateModel.NthSmallest(values, k);
        return (selected == sorted[k] && values.Order().SequenceEqual(sorted)).Label($"{n} values, k {k}: {selected} against {sorted[k]}");
    }

    [Fact]
    public void An_index_outside_the_values_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BoilerplateModel.NthSmallest(new int[3], 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => BoilerplateModel.NthSmallest([], 0));
    }
}

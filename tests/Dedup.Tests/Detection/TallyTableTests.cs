using Dedup.Detection;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dedup.Tests.Detection;

/// <summary>The candidate selector's table of votes against a dictionary doing the same.</summary>
public sealed class TallyTableTests
{
    /// <summary>
    /// Any run of votes (holders from a small range, so that many repeat, or a wide one, so that the table grows from
    /// 2 slots many times), cleared between queries, leaves each holder the votes a dictionary counts, lists the holders
    /// in the order they were first voted for, and answers (0, 0) for a holder without votes.
    /// </summary>
    [Property(MaxTest = 300)]
    public Property Votes_are_those_a_dictionary_counts() =>
        Prop.ForAll(
            Gen.Choose(1, 5000).SelectMany(range =>
                Gen.Zip(Gen.Choose(0, range), Gen.Choose(0, 3)).ArrayOf().ArrayOf(3)).ToArbitrary(),
            queries =>
            {
                var table = new TallyTable(bits: 1);
                foreach ((int Holder, int Kind)[] votes in queries)
                {
                    table.Clear();
                    var expected = new Dictionary<int, (int Rare, int Common)>();
                    var order = new List<int>();
                    foreach ((int holder, int kind) in votes)
                    {
                        if (!expected.TryGetValue(holder, out (int Rare, int Common) v))
                        {
                            order.Add(holder);
                        }

                        if (kind == 0)
                        {
                            table.AddCommon(holder);
                            expected[holder] = (v.Rare, v.Common + 1);
                        }
                        else
                        {
                            table.AddRare(holder, kind);
                            expected[holder] = (v.Rare + kind, v.Common);
                        }
                    }

                    if (table.Count != order.Count)
                    {
                        return false;
                    }

                    for (int t = 0; t < order.Count; t++)
                    {
                        if (table.KeyAt(t) != order[t] || table.VotesAt(t) != expected[order[t]] || table.VotesOf(order[t]) != expected[order[t]])
                        {
                            return false;
                        }
                    }

                    if (table.VotesOf(-7) != (0, 0) || table.VotesOf(int.MaxValue) != (0, 0))
                    {
                        return false;
                    }
                }

                return true;
            });

    [Fact]
    public void Clear_forgets_every_vote()
    {
        var table = new TallyTable();
        for (int h = 0; h < 1000; h++)
        {
            table.AddRare(h * 7919, 2);
        }

        table.Clear();
        Assert.Equal(0, table.Count);
        Assert.Equal((0, 0), table.VotesOf(7919));
        table.AddCommon(7919);
        Assert.Equal((0, 1), table.VotesOf(7919));
        Assert.Equal(1, table.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    public void A_size_out_of_range_is_refused(int bits) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new TallyTable(bits));
}

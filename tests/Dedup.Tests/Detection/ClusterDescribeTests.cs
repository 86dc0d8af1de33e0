using Dedup.Detection;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dedup.Tests.Detection;

/// <summary>
/// A cluster's original and order come from what <see cref="ClusterMember"/> keeps of each member (a live detector keeps
/// those side by side for <c>ClusterOf</c>): they must be what choosing among the members in any order, then sorting
/// them by the order added, gives.
/// </summary>
public sealed class ClusterDescribeTests
{
    [Property(MaxTest = 300)]
    public Property The_original_and_the_order_do_not_depend_on_how_the_members_come(DoNotSize<int> seed)
    {
        var random = new Random(seed.Item);
        int n = random.Next(1, 40);
        bool someUndated = random.Next(3) == 0;
        var start = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        long[] orders = [.. Enumerable.Range(0, n).Select(i => (long)i * random.Next(1, 5)).Distinct().OrderBy(_ => random.Next())];
        ClusterMember[] members = [.. orders.Select(order =>
        {
            // Few dates (some the same instant in another offset) and few sizes, so that ties are common.
            bool dated = !someUndated || random.Next(4) > 0;
            DateTimeOffset published = start.AddHours(random.Next(3)).ToOffset(TimeSpan.FromHours(random.Next(-2, 3)));
            return new ClusterMember($"id{order}", order, dated, dated ? published.UtcTicks : 0, random.Next(3));
        })];

        CopyCluster expected = Reference(members);
        CopyCluster actual = ClusterBuilder.Describe(members.ToArray().AsSpan());
        return (actual.Id == expected.Id && actual.OriginalId == expected.OriginalId && actual.Members.SequenceEqual(expected.Members))
            .Label($"{actual.OriginalId} [{string.Join(", ", actual.Members)}] against {expected.OriginalId} [{string.Join(", ", expected.Members)}]");
    }

    /// <summary>The rule as the documentation states it: dated members first, the earliest published, then the most content, then the first added; the rest in the order added.</summary>
    private static CopyCluster Reference(ClusterMember[] members)
    {
        ClusterMember original = members
            .OrderBy(m => m.Dated ? 0 : 1)
            .ThenBy(m => m.Dated ? m.PublishedUtcTicks : 0)
            .ThenByDescending(m => m.ContentTokens)
            .ThenBy(m => m.Order)
            .First();
        return new CopyCluster(original.Id, original.Id, [original.Id, .. members.Where(m => m != original).OrderBy(m => m.Order).Select(m => m.Id)]);
    }

    /// <summary>
    /// One undated copy does not make another member the original of a dated cluster, and members published at the
    /// same instant go to the one with more content, whatever the order added (both went otherwise before).
    /// </summary>
    [Fact]
    public void An_undated_copy_leaves_the_earliest_published_the_original_and_a_tie_goes_to_content()
    {
        var eight = new DateTimeOffset(2026, 3, 4, 8, 0, 0, TimeSpan.Zero);
        ClusterMember source = new("source", 2, true, eight.UtcTicks, 300);
        ClusterMember later = new("later", 0, true, eight.AddMinutes(90).UtcTicks, 400);
        ClusterMember undated = new("undated", 1, false, 0, 500);
        Assert.Equal("source", ClusterBuilder.Describe(new[] { later, undated, source }.AsSpan()).OriginalId);

        ClusterMember excerpt = new("excerpt", 0, true, eight.UtcTicks, 120);
        Assert.Equal("source", ClusterBuilder.Describe(new[] { excerpt, source }.AsSpan()).OriginalId);
        Assert.Equal("undated", ClusterBuilder.Describe(new[] { undated, new ClusterMember("short", 0, false, 0, 10) }.AsSpan()).OriginalId);
    }
}

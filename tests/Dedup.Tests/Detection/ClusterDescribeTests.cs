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

    /// <summary>The rule as written before: the earliest published when all are dated, else the most content, then the first added; the rest in the order added.</summary>
    private static CopyCluster Reference(ClusterMember[] members)
    {
        bool allDated = members.All(m => m.Dated);
        ClusterMember original = members
            .OrderBy(m => allDated ? m.PublishedUtcTicks : 0)
            .ThenByDescending(m => allDated ? 0 : m.ContentTokens)
            .ThenBy(m => m.Order)
            .First();
        return new CopyCluster(original.Id, original.Id, [original.Id, .. members.Where(m => m != original).OrderBy(m => m.Order).Select(m => m.Id)]);
    }
}

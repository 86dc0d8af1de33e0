namespace Dedup.Detection;

/// <summary>Builds clusters from matched pairs (union-find) and names each cluster's original.</summary>
internal static class ClusterBuilder
{
    /// <summary>
    /// Clusters <paramref name="articles"/> by <paramref name="pairs"/> (indexes into the list). The original is the
    /// earliest published member (undated members only when none is dated); among members published at the same
    /// instant, or undated, the one with the most content; then the first added.
    /// </summary>
    public static List<CopyCluster> Build(IReadOnlyList<ArticleFeatures> articles, IEnumerable<(int A, int B)> pairs)
    {
        var uf = new UnionFind(articles.Count);
        foreach ((int a, int b) in pairs)
        {
            uf.Union(a, b);
        }

        return Build(articles, uf);
    }

    /// <summary>The clusters of <paramref name="articles"/> whose pairs joined the components of <paramref name="uf"/> (the union-find is read, and its paths shortened).</summary>
    public static List<CopyCluster> Build(IReadOnlyList<ArticleFeatures> articles, UnionFind uf)
    {
        var groups = new Dictionary<int, List<int>>();
        for (int i = 0; i < articles.Count; i++)
        {
            int root = uf.Find(i);
            if (!groups.TryGetValue(root, out List<int>? members))
            {
                groups[root] = members = [];
            }

            members.Add(i);
        }

        var clusters = new List<CopyCluster>(groups.Count);
        var features = new List<ArticleFeatures>();
        foreach (List<int> members in groups.Values)
        {
            features.Clear();
            foreach (int m in members)
            {
                features.Add(articles[m]);
            }

            clusters.Add(Describe(features));
        }

        clusters.Sort((x, y) => y.Members.Count != x.Members.Count
            ? y.Members.Count.CompareTo(x.Members.Count)
            : string.CompareOrdinal(x.Id, y.Id));
        return clusters;
    }

    /// <summary>
    /// The cluster of <paramref name="members"/>: its original (the earliest published member, undated ones only when none
    /// is dated; then the most content; then the first added) first, then the others in the order added.
    /// </summary>
    public static CopyCluster Describe(IReadOnlyList<ArticleFeatures> members)
    {
        var facts = new ClusterMember[members.Count];
        for (int i = 0; i < facts.Length; i++)
        {
            facts[i] = ClusterMember.Of(members[i]);
        }

        return Describe(facts);
    }

    /// <summary>The positions of <paramref name="orders"/> (distinct insertion orders) from the first added to the last; sorts <paramref name="orders"/> with them.</summary>
    public static int[] PositionsByOrder(long[] orders)
    {
        int[] at = new int[orders.Length];
        for (int i = 0; i < at.Length; i++)
        {
            at[i] = i;
        }

        Array.Sort(orders, at);
        return at;
    }

    /// <summary>
    /// The cluster of members given by what the choice of its original reads of them (<see cref="ClusterMember"/>):
    /// a live detector keeps those side by side for <see cref="CopyDetector.ClusterOf"/>, which then reads none of the
    /// members' features (thousands of objects far apart in a large heap, a cache miss each). The members are reordered.
    /// </summary>
    public static CopyCluster Describe(Span<ClusterMember> members)
    {
        // In the order added: the orders are distinct, so their sort is the order of the members.
        long[] orders = new long[members.Length];
        for (int i = 0; i < members.Length; i++)
        {
            orders[i] = members[i].Order;
        }

        int[] at = PositionsByOrder(orders);

        // The better original is a strict order (the last tie goes to the order added), so the first best in any order is the one.
        int original = at[0];
        foreach (int i in at)
        {
            if (members[i].IsBetterOriginal(members[original]))
            {
                original = i;
            }
        }

        var ids = new List<string>(members.Length) { members[original].Id };
        foreach (int i in at)
        {
            if (i != original)
            {
                ids.Add(members[i].Id);
            }
        }

        return new CopyCluster(members[original].Id, members[original].Id, ids);
    }
}

/// <summary>What the choice of a cluster's original and its order read of a member: its id, order added, date and content.</summary>
internal readonly record struct ClusterMember(string Id, long Order, bool Dated, long PublishedUtcTicks, int ContentTokens)
{
    public static ClusterMember Of(ArticleFeatures f) =>
        new(f.Id, f.Order, f.Published is not null, f.Published?.UtcTicks ?? 0, f.ContentTokens);

    /// <summary>
    /// Whether this member is a better original than <paramref name="current"/>: a dated member before an undated one,
    /// then the earlier published (dates compare as instants), then the one with more content, then the one added first.
    /// </summary>
    /// <remarks>
    /// A strict order on the members (one key after another), so the best is the same whatever their order. Before, dates
    /// counted only when every member had one: one undated copy made the longest member the original of a dated
    /// cluster (a copy published 90 minutes later, in a client's trial), and two members dated alike went to the order
    /// added, not to their content.
    /// </remarks>
    public bool IsBetterOriginal(in ClusterMember current)
    {
        if (Dated != current.Dated)
        {
            return Dated;
        }

        if (Dated && PublishedUtcTicks != current.PublishedUtcTicks)
        {
            return PublishedUtcTicks < current.PublishedUtcTicks;
        }

        if (ContentTokens != current.ContentTokens)
        {
            return ContentTokens > current.ContentTokens;
        }

        return Order < current.Order;
    }
}

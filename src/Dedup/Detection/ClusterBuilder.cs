namespace Dedup.Detection;

/// <summary>Builds clusters from matched pairs (union-find) and names each cluster's original.</summary>
internal static class ClusterBuilder
{
    /// <summary>
    /// Clusters <paramref name="articles"/> by <paramref name="pairs"/> (indexes into the list). The original is the
    /// earliest published member; when not every member has a date, the one that contains the others (the most
    /// content); ties go to the first added.
    /// </summary>
    public static List<CopyCluster> Build(IReadOnlyList<ArticleFeatures> articles, IEnumerable<(int A, int B)> pairs)
    {
        var uf = new UnionFind(articles.Count);
        foreach ((int a, int b) in pairs)
        {
            uf.Union(a, b);
        }

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
    /// The cluster of <paramref name="members"/>: its original (the earliest published member; when not every member
    /// has a date, the one with the most content; ties to the first added) first, then the others in the order added.
    /// </summary>
    public static CopyCluster Describe(IReadOnlyList<ArticleFeatures> members)
    {
        bool allDated = true;
        foreach (ArticleFeatures m in members)
        {
            allDated &= m.Published is not null;
        }

        ArticleFeatures original = members[0];
        foreach (ArticleFeatures m in members)
        {
            if (IsBetterOriginal(m, original, allDated))
            {
                original = m;
            }
        }

        var ordered = new List<ArticleFeatures>(members);
        ordered.Sort((x, y) => x.Order.CompareTo(y.Order));
        var ids = new List<string>(members.Count) { original.Id };
        foreach (ArticleFeatures m in ordered)
        {
            if (!ReferenceEquals(m, original))
            {
                ids.Add(m.Id);
            }
        }

        return new CopyCluster(original.Id, original.Id, ids);
    }

    private static bool IsBetterOriginal(ArticleFeatures candidate, ArticleFeatures current, bool allDated)
    {
        if (allDated && candidate.Published != current.Published)
        {
            return candidate.Published < current.Published;
        }

        if (!allDated && candidate.ContentTokens != current.ContentTokens)
        {
            return candidate.ContentTokens > current.ContentTokens;
        }

        return candidate.Order < current.Order;
    }
}

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
        foreach (List<int> members in groups.Values)
        {
            bool allDated = members.TrueForAll(m => articles[m].Published is not null);
            int original = members[0];
            foreach (int m in members)
            {
                if (IsBetterOriginal(articles[m], articles[original], allDated))
                {
                    original = m;
                }
            }

            var ids = new List<string>(members.Count) { articles[original].Id };
            members.Sort((x, y) => articles[x].Order.CompareTo(articles[y].Order));
            foreach (int m in members)
            {
                if (m != original)
                {
                    ids.Add(articles[m].Id);
                }
            }

            clusters.Add(new CopyCluster(articles[original].Id, articles[original].Id, ids));
        }

        clusters.Sort((x, y) => y.Members.Count != x.Members.Count
            ? y.Members.Count.CompareTo(x.Members.Count)
            : string.CompareOrdinal(x.Id, y.Id));
        return clusters;
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

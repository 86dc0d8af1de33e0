namespace Dedup.Detection;

/// <summary>
/// The pairs a scan found, ordered by first article, then second: each verified pair once (<see cref="Verified"/>),
/// and for every pair the verified one it stands for. An exact duplicate shares the verdicts of its group's first
/// article, so one verified pair stands for the pairs of all their copies: in the dev corpus eight times over (each
/// text eight times) most of the 200,207 pairs stand for another's verified pair. A pair is two indexes and a
/// reference to its verified pair, not a copy of the verified pair's measures, which are 100 bytes.
/// </summary>
internal sealed class FoundPairs
{
    /// <summary>Each pair's articles: the first in the high 32 bits, the second in the low; in order.</summary>
    private readonly ulong[] _articles;

    /// <summary>Each pair's verified pair: its index in <see cref="Verified"/>, or the complement of it when the pair sees it from the other side.</summary>
    private readonly int[] _sources;

    private FoundPairs(List<FoundPair> verified, ulong[] articles, int[] sources)
    {
        Verified = verified;
        _articles = articles;
        _sources = sources;
    }

    /// <summary>The verified pairs, in the order found.</summary>
    public List<FoundPair> Verified { get; }

    /// <summary>How many pairs there are.</summary>
    public int Count => _articles.Length;

    /// <summary>The first article of pair <paramref name="k"/>.</summary>
    public int A(int k) => (int)(_articles[k] >> 32);

    /// <summary>The second article of pair <paramref name="k"/>.</summary>
    public int B(int k) => (int)(uint)_articles[k];

    /// <summary>Whether pair <paramref name="k"/> sees its verified pair from the other side (its articles swapped).</summary>
    public bool Swapped(int k) => _sources[k] < 0;

    /// <summary>The index in <see cref="Verified"/> of the verified pair that pair <paramref name="k"/> stands for, from either side.</summary>
    public int VerifiedIndex(int k) => _sources[k] >= 0 ? _sources[k] : ~_sources[k];

    /// <summary>Pair <paramref name="k"/> with its verdict and measures (those of its verified pair, seen from its side).</summary>
    public FoundPair this[int k]
    {
        get
        {
            FoundPair verified = Verified[VerifiedIndex(k)];
            return verified with { A = A(k), B = B(k), Measure = Swapped(k) ? PairFinder.Swapped(verified.Measure) : verified.Measure };
        }
    }

    /// <summary>Every pair's articles, in order.</summary>
    public IEnumerable<(int A, int B)> Articles()
    {
        for (int k = 0; k < Count; k++)
        {
            yield return (A(k), B(k));
        }
    }

    /// <summary>
    /// The pairs of <paramref name="verified"/> and those their exact duplicates stand in, in order. In a group of at
    /// most <see cref="PairFinder.DuplicatePairLimit"/> articles of one text, each member has the pairs of the group's
    /// first article (<paramref name="representative"/>) and pairs with the other members; in a larger group each
    /// other member is paired with the first only (the clusters are the same either way).
    /// </summary>
    /// <param name="verified">The verified pairs; a duplicate's pair with its group's first article among them.</param>
    /// <param name="representative">Each article's group's first article (itself when it has no earlier copy).</param>
    /// <param name="duplicates">The later members of each group that has any, by its first article.</param>
    public static FoundPairs InOrder(List<FoundPair> verified, int[] representative, Dictionary<int, List<int>> duplicates)
    {
        var articles = new List<ulong>(verified.Count);
        var sources = new List<int>(verified.Count);
        void Add(int a, int b, int source)
        {
            articles.Add(((ulong)(uint)a << 32) | (uint)b);
            sources.Add(source);
        }

        List<int>? Group(int first) =>
            duplicates.TryGetValue(first, out List<int>? group) && group.Count + 1 <= PairFinder.DuplicatePairLimit ? group : null;

        ReadOnlySpan<FoundPair> found = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(verified);
        for (int k = 0; k < found.Length; k++)
        {
            ref readonly FoundPair p = ref found[k];
            if (duplicates.Count == 0)
            {
                Add(p.A, p.B, k);
                continue;
            }

            if (representative[p.B] == p.A)
            {
                // A duplicate against its group's first article: the other duplicates before it pair with it too.
                Add(p.A, p.B, k);
                foreach (int other in Group(p.A) ?? [])
                {
                    if (other < p.B)
                    {
                        Add(other, p.B, k);
                    }
                }

                continue;
            }

            // Every pairing of the two groups' members (a group of one when it is large or there is none).
            List<int>? groupA = Group(p.A);
            List<int>? groupB = Group(p.B);
            for (int i = -1; i < (groupA?.Count ?? 0); i++)
            {
                int a = i < 0 ? p.A : groupA![i];
                for (int j = -1; j < (groupB?.Count ?? 0); j++)
                {
                    int b = j < 0 ? p.B : groupB![j];
                    if (a < b)
                    {
                        Add(a, b, k);
                    }
                    else
                    {
                        Add(b, a, ~k);
                    }
                }
            }
        }

        // Each pair is found once, so the keys are distinct and this order is the one a comparison of pairs gives:
        // placed by first article (a count and a pass), then each first article's few sorted by the second.
        return new FoundPairs(verified, ByFirstArticle(articles, sources, representative.Length, out int[] from), from);
    }

    /// <summary>
    /// The keys (first article in the high 32 bits, second in the low) in ascending order, and <paramref name="from"/>
    /// the sources in the same order: in time linear in the pairs and the articles, where a comparison sort of the
    /// 200,207 pairs of the dev corpus ×8 took 12 ms on one core at the end of the scan.
    /// </summary>
    internal static ulong[] ByFirstArticle(List<ulong> keys, List<int> sources, int articles, out int[] from)
    {
        int[] start = new int[articles + 1];
        foreach (ulong key in keys)
        {
            start[(int)(key >> 32) + 1]++;
        }

        for (int a = 0; a < articles; a++)
        {
            start[a + 1] += start[a];
        }

        ulong[] sorted = new ulong[keys.Count];
        from = new int[keys.Count];
        int[] next = start[..articles];
        for (int k = 0; k < keys.Count; k++)
        {
            int at = next[(int)(keys[k] >> 32)]++;
            sorted[at] = keys[k];
            from[at] = sources[k];
        }

        for (int a = 0; a < articles; a++)
        {
            if (start[a + 1] - start[a] > 1)
            {
                PrimitiveSort.Sort(sorted.AsSpan(start[a]..start[a + 1]), from.AsSpan(start[a]..start[a + 1]));
            }
        }

        return sorted;
    }
}

namespace Dedup.Detection;

/// <summary>
/// Clusters of a live detector, maintained as articles come and go: union-find over index slots, with each cluster's
/// member list and each article's verified matches, so that adding an article costs its matches, removing one costs
/// its cluster, and reading one cluster costs its size. Not thread-safe: the detector reads it under its read lock and
/// changes it under its write lock.
/// </summary>
internal sealed class ClusterIndex
{
    private static int s_prepared;

    private readonly List<int> _parent = [];
    private readonly Dictionary<int, List<int>> _members = [];
    private readonly Dictionary<int, List<int>> _matches = [];

    /// <summary>What describing a cluster reads of each clustered article, by slot, side by side (see <see cref="Describe"/>).</summary>
    private readonly List<ClusterMember> _facts = [];

    /// <summary>
    /// Runs what <see cref="CopyDetector.ClusterOf"/> and the adds that keep clusters run (an add, a union, a removal
    /// that splits a cluster, the description of clusters of 2 and of 20 members with their sorts) on a small index,
    /// once a process: a detector does this when constructed, so that the JIT compiles that code then, not inside the
    /// first calls (1.1–2.1 ms of JIT inside each of the first two <c>ClusterOf</c> calls of a live service).
    /// </summary>
    public static void Prepare()
    {
        if (Interlocked.Exchange(ref s_prepared, 1) != 0)
        {
            return;
        }

        var index = new ClusterIndex();
        var matches = new List<int>();
        for (int slot = 0; slot < 20; slot++)
        {
            index.Add(slot, new ClusterMember(string.Empty, 20 - slot, (slot & 1) == 0, slot, slot & 3), matches);
            matches.Clear();
            matches.Add(slot);
        }

        _ = index.Describe(0);
        index.Remove(1);
        _ = index.Describe(0);
        _ = index.CopyLinks();
    }

    /// <summary>Whether <paramref name="slot"/> holds a clustered article.</summary>
    public bool Contains(int slot) => slot < _parent.Count && _parent[slot] >= 0;

    /// <summary>The root of the slot's cluster; reads only, so many readers may call it at once.</summary>
    public int Root(int slot)
    {
        while (_parent[slot] != slot)
        {
            slot = _parent[slot];
        }

        return slot;
    }

    /// <summary>Number of articles in the cluster whose root is <paramref name="root"/>.</summary>
    public int SizeOf(int root) => _members.TryGetValue(root, out List<int>? members) ? members.Count : 1;

    /// <summary>The slots of the cluster of <paramref name="slot"/> (itself alone when it matched nothing).</summary>
    public IReadOnlyList<int> Members(int slot) => _members.TryGetValue(Root(slot), out List<int>? members) ? members : [slot];

    /// <summary>
    /// The cluster of <paramref name="slot"/> with its original, from the facts kept here alone: describing a cluster of
    /// 2,647 articles read each member's features object, far apart in a heap of a gigabyte, and took 0.8–1.3 ms.
    /// </summary>
    public CopyCluster Describe(int slot)
    {
        IReadOnlyList<int> slots = Members(slot);
        var members = new ClusterMember[slots.Count];
        for (int i = 0; i < members.Length; i++)
        {
            members[i] = _facts[slots[i]];
        }

        return ClusterBuilder.Describe(members);
    }

    /// <summary>
    /// Every verified match between clustered articles, once each (the lower slot first): the edges that connect the
    /// clusters, which a snapshot keeps so that a loaded detector need not verify its articles again. A copy, in one
    /// list (made under the detector's read lock: no allocation per article).
    /// </summary>
    public List<(int A, int B)> CopyLinks()
    {
        var links = new List<(int A, int B)>(_matches.Count);
        foreach (KeyValuePair<int, List<int>> m in _matches)
        {
            foreach (int other in m.Value)
            {
                if (m.Key < other)
                {
                    links.Add((m.Key, other));
                }
            }
        }

        return links;
    }

    /// <summary>Adds an article (<paramref name="member"/>: what describing its cluster reads of it) and the clustered articles it was verified to match.</summary>
    public void Add(int slot, ClusterMember member, List<int> matches)
    {
        while (_parent.Count <= slot)
        {
            _parent.Add(-1);
            _facts.Add(default);
        }

        _parent[slot] = slot;
        _facts[slot] = member;
        if (matches.Count == 0)
        {
            return;
        }

        _matches[slot] = [.. matches];
        foreach (int m in matches)
        {
            MatchesOf(m).Add(slot);
            Union(slot, m);
        }
    }

    /// <summary>Records that two clustered articles were verified to match, and joins their clusters.</summary>
    public void Link(int a, int b)
    {
        MatchesOf(a).Add(b);
        MatchesOf(b).Add(a);
        Union(a, b);
    }

    /// <summary>
    /// Removes an article; its cluster splits into the parts its other members' matches still connect.
    /// </summary>
    /// <returns>
    /// The parts of the cluster the article left, when it was held together by the article (else none), and the members
    /// the article was verified to match (each part holds at least one of them).
    /// </returns>
    public (List<List<int>> Parts, List<int> Neighbours) Remove(int slot)
    {
        if (!Contains(slot))
        {
            return ([], []);
        }

        int root = Root(slot);
        _parent[slot] = -1;
        if (!_members.Remove(root, out List<int>? members))
        {
            return ([], []);
        }

        if (_matches.Remove(slot, out List<int>? neighbours))
        {
            foreach (int n in neighbours)
            {
                if (_matches.TryGetValue(n, out List<int>? back))
                {
                    back.Remove(slot);
                }
            }
        }

        // Find the parts the remaining matches connect (breadth first), each with a new root.
        var parts = new List<List<int>>();
        var assigned = new HashSet<int> { slot };
        var queue = new Queue<int>();
        foreach (int start in members)
        {
            if (!assigned.Add(start))
            {
                continue;
            }

            var part = new List<int> { start };
            queue.Enqueue(start);
            while (queue.Count > 0)
            {
                int x = queue.Dequeue();
                if (_matches.TryGetValue(x, out List<int>? next))
                {
                    foreach (int y in next)
                    {
                        if (assigned.Add(y))
                        {
                            part.Add(y);
                            queue.Enqueue(y);
                        }
                    }
                }
            }

            foreach (int m in part)
            {
                _parent[m] = start;
            }

            if (part.Count > 1)
            {
                _members[start] = part;
            }

            parts.Add(part);
        }

        return (parts.Count > 1 ? parts : [], neighbours ?? []);
    }

    private List<int> MatchesOf(int slot)
    {
        if (!_matches.TryGetValue(slot, out List<int>? matches))
        {
            _matches[slot] = matches = [];
        }

        return matches;
    }

    private void Union(int a, int b)
    {
        int ra = Root(a);
        int rb = Root(b);
        if (ra == rb)
        {
            return;
        }

        List<int> ma = _members.TryGetValue(ra, out List<int>? x) ? x : [ra];
        List<int> mb = _members.TryGetValue(rb, out List<int>? y) ? y : [rb];
        if (ma.Count < mb.Count)
        {
            (ra, rb, ma, mb) = (rb, ra, mb, ma);
        }

        _parent[rb] = ra;
        ma.AddRange(mb);
        _members.Remove(rb);
        _members[ra] = ma;
    }
}

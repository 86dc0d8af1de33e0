namespace Dedup.Detection;

/// <summary>Disjoint sets over 0..n-1 with path halving and union by size.</summary>
internal sealed class UnionFind
{
    private readonly int[] _parent;
    private readonly int[] _size;

    public UnionFind(int n)
    {
        _parent = new int[n];
        _size = new int[n];
        for (int i = 0; i < n; i++)
        {
            _parent[i] = i;
            _size[i] = 1;
        }
    }

    public int Find(int x)
    {
        while (_parent[x] != x)
        {
            _parent[x] = _parent[_parent[x]];
            x = _parent[x];
        }

        return x;
    }

    /// <summary>The root of <paramref name="x"/> without shortening paths: safe for many readers while nobody writes.</summary>
    public int FindRoot(int x)
    {
        while (_parent[x] != x)
        {
            x = _parent[x];
        }

        return x;
    }

    /// <summary>Hints that <see cref="FindRoot"/> of <paramref name="x"/> comes soon: its parent's entry.</summary>
    public void Prefetch(int x) => MemoryHint.Prefetch(_parent, x);

    /// <summary>Number of elements in the set whose root is <paramref name="root"/>.</summary>
    public int SizeOf(int root) => _size[root];

    public void Union(int a, int b)
    {
        int ra = Find(a);
        int rb = Find(b);
        if (ra == rb)
        {
            return;
        }

        if (_size[ra] < _size[rb])
        {
            (ra, rb) = (rb, ra);
        }

        _parent[rb] = ra;
        _size[ra] += _size[rb];
    }
}

using System.Runtime.InteropServices;

namespace Dedup.Detection;

/// <summary>
/// A scan's pairs (<see cref="ScanResult.Pairs"/>), each made when it is read: a pair is two indexes and its verified
/// pair (<see cref="FoundPairs"/>), not an object of a hundred bytes held from the scan's end. A scan of the dev corpus
/// eight times over finds 200,207 pairs, most of them standing for another's verdict: made all at once, each kept alive
/// through the collections that followed, they cost a tenth of its time. The scores are worked out once a verified
/// pair. Safe for concurrent readers; each read makes an equal pair (records compare by value).
/// </summary>
internal sealed class ScanPairs : IReadOnlyList<CopyPair>
{
    private readonly FoundPairs _found;
    private readonly string[] _ids;
    private readonly ulong[] _simHashes;

    /// <summary>The scores of each verified pair, seen from its first article.</summary>
    private readonly MatchScores[] _scores;

    /// <param name="found">The pairs.</param>
    /// <param name="ids">Each article's id, by its index.</param>
    /// <param name="simHashes">Each article's SimHash, by its index.</param>
    public ScanPairs(FoundPairs found, string[] ids, ulong[] simHashes)
    {
        _found = found;
        _ids = ids;
        _simHashes = simHashes;
        _scores = new MatchScores[found.Verified.Count];
        ReadOnlySpan<FoundPair> verified = CollectionsMarshal.AsSpan(found.Verified);
        for (int v = 0; v < verified.Length; v++)
        {
            _scores[v] = Verifier.Scores(verified[v].Measure);
        }
    }

    /// <summary>The pairs as found: for tests.</summary>
    internal FoundPairs Found => _found;

    public int Count => _found.Count;

    public CopyPair this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            int v = _found.VerifiedIndex(index);
            ref readonly FoundPair verified = ref CollectionsMarshal.AsSpan(_found.Verified)[v];
            int a = _found.A(index), b = _found.B(index);

            // Seen from the other side, only the containments trade places (PairFinder.Swapped): every other score is
            // of both articles alike.
            MatchScores scores = _scores[v];
            scores = _found.Swapped(index) ? scores with { ContainmentOfFirst = scores.ContainmentOfSecond, ContainmentOfSecond = scores.ContainmentOfFirst } : scores;
            return new CopyPair(_ids[a], _ids[b], verified.Kind, verified.Score, scores with { SimHashDistance = Sketches.SimHasher.HammingDistance(_simHashes[a], _simHashes[b]) });
        }
    }

    /// <summary>
    /// How many pairs there are of each kind (indexed by <see cref="CopyKind"/>): each pair's kind is its verified
    /// pair's, read through its index, so no pair is made.
    /// </summary>
    public int[] CountByKind()
    {
        int[] counts = new int[KindCount];
        ReadOnlySpan<FoundPair> verified = CollectionsMarshal.AsSpan(_found.Verified);
        for (int k = 0; k < Count; k++)
        {
            counts[(int)verified[_found.VerifiedIndex(k)].Kind]++;
        }

        return counts;
    }

    /// <summary>
    /// The indexes of the <paramref name="count"/> pairs that come first in <see cref="ScanResult.HighestPairs"/>' order
    /// (score descending, then the first id, then the second, ordinal), in that order (<see cref="ScanResult.KeepFirst"/>):
    /// each pair's score is read through its verified pair and ids are compared only on a tie, so no pair is made.
    /// </summary>
    public List<int> Highest(int count)
    {
        List<FoundPair> verified = _found.Verified;
        double ScoreOf(int k) => verified[_found.VerifiedIndex(k)].Score;

        var order = Comparer<int>.Create((x, y) =>
        {
            double scoreX = ScoreOf(x), scoreY = ScoreOf(y);
            return scoreX != scoreY ? scoreY.CompareTo(scoreX)
                : string.CompareOrdinal(_ids[_found.A(x)], _ids[_found.A(y)]) is int first and not 0 ? first
                : string.CompareOrdinal(_ids[_found.B(x)], _ids[_found.B(y)]);
        });
        return ScanResult.KeepFirst(Enumerable.Range(0, Count), count, order);
    }

    /// <summary>The number of <see cref="CopyKind"/> values (they run from 0).</summary>
    internal static readonly int KindCount = Enum.GetValues<CopyKind>().Length;

    public IEnumerator<CopyPair> GetEnumerator()
    {
        for (int k = 0; k < Count; k++)
        {
            yield return this[k];
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

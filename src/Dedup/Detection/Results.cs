namespace Dedup.Detection;

/// <summary>An indexed article found to be a copy of (or copied by) a queried article.</summary>
/// <param name="Id">The indexed article's id.</param>
/// <param name="Kind">What kind of copy the two are.</param>
/// <param name="Score">How sure the detector is that the two tell the same story, in [0, 1].</param>
/// <param name="Scores">The scores that decided it; "first" is the queried article, "second" the indexed one.</param>
/// <param name="Passages">The passages the two share, as character ranges in each article's compared text (<see cref="Article.GetComparedText"/>: the title, a blank line, then the body; the body alone without a title).</param>
/// <remarks>Two matches are equal when every member is, the passages compared element by element.</remarks>
public sealed record CopyMatch(string Id, CopyKind Kind, double Score, MatchScores Scores, IReadOnlyList<SharedPassage> Passages)
{
    /// <summary>True when every member is equal, the passages compared element by element.</summary>
    public bool Equals(CopyMatch? other) =>
        other is not null && Id == other.Id && Kind == other.Kind && Score.Equals(other.Score) && Scores.Equals(other.Scores)
        && ListEquality.Equal(Passages, other.Passages);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Id, Kind, Score, Scores, ListEquality.Hash(Passages));

    /// <summary>The members as <c>ToString</c> prints them, the passages listed (not their collection's type).</summary>
    private bool PrintMembers(System.Text.StringBuilder builder) =>
        ListEquality.Print(builder, (nameof(Id), Id), (nameof(Kind), Kind), (nameof(Score), Score), (nameof(Scores), Scores), (nameof(Passages), Passages));
}

/// <summary>A pair of articles the detector judged to be copies of each other.</summary>
/// <param name="First">One article's id.</param>
/// <param name="Second">The other article's id.</param>
/// <param name="Kind">What kind of copy the two are.</param>
/// <param name="Score">How sure the detector is that the two tell the same story, in [0, 1].</param>
/// <param name="Scores">The scores that decided it.</param>
public sealed record CopyPair(string First, string Second, CopyKind Kind, double Score, MatchScores Scores);

/// <summary>A group of articles that are all copies of one story.</summary>
/// <param name="Id">
/// The id of the cluster: its original's id. It follows the original, so it changes when the original is removed or an
/// article judged earlier joins; key stored state by an article's id, not by this.
/// </param>
/// <param name="OriginalId">
/// The article judged the original: the earliest published (an undated member only when none is dated); among those
/// published at the same instant, or undated, the one with the most content (words not in boilerplate); then the first
/// added. A copy dated earlier than its source (a clock set wrong) is taken for the original.
/// </param>
/// <param name="Members">Every member's id, the original first.</param>
/// <remarks>Two clusters are equal when their ids, originals and members (in order) are.</remarks>
public sealed record CopyCluster(string Id, string OriginalId, IReadOnlyList<string> Members)
{
    /// <summary>True when the ids, the originals and the members (in order) are equal.</summary>
    public bool Equals(CopyCluster? other) =>
        other is not null && Id == other.Id && OriginalId == other.OriginalId && ListEquality.Equal(Members, other.Members);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Id, OriginalId, ListEquality.Hash(Members));

    /// <summary>The members as <c>ToString</c> prints them, the cluster's members listed (the first 16, then how many more).</summary>
    private bool PrintMembers(System.Text.StringBuilder builder) =>
        ListEquality.Print(builder, (nameof(Id), Id), (nameof(OriginalId), OriginalId), (nameof(Members), Members));
}

/// <summary>The result of comparing two articles directly.</summary>
/// <param name="Kind">The kind of copy, or null when the two are not copies of each other.</param>
/// <param name="Score">How sure the detector is that the two tell the same story, in [0, 1].</param>
/// <param name="Scores">Every score, whether or not the two are copies.</param>
/// <param name="Passages">The passages the two share, as character ranges in each article's compared text (<see cref="Article.GetComparedText"/>: the title, a blank line, then the body; the body alone without a title).</param>
/// <param name="BoilerplateInFirst">Lines of the first text removed as boilerplate (link lines, footers, share bars) before comparing.</param>
/// <param name="BoilerplateInSecond">Lines of the second text removed as boilerplate before comparing.</param>
public sealed record Comparison(
    CopyKind? Kind,
    double Score,
    MatchScores Scores,
    IReadOnlyList<SharedPassage> Passages,
    IReadOnlyList<TextSpan> BoilerplateInFirst,
    IReadOnlyList<TextSpan> BoilerplateInSecond)
{
    /// <summary>True when the two articles are copies of each other.</summary>
    public bool IsCopy => Kind is not null;

    /// <summary>
    /// The sentences the paraphrase signal aligns, first article's order, with the names and numbers each pair shares
    /// and the numbers that disagree: the evidence of a rewrite (or of a template filled with other figures).
    /// </summary>
    public IReadOnlyList<AlignedSentence> AlignedSentences { get; init; } = [];

    /// <summary>True when every member is equal, the lists compared element by element.</summary>
    public bool Equals(Comparison? other) =>
        other is not null && Kind == other.Kind && Score.Equals(other.Score) && Scores.Equals(other.Scores)
        && ListEquality.Equal(Passages, other.Passages)
        && ListEquality.Equal(BoilerplateInFirst, other.BoilerplateInFirst)
        && ListEquality.Equal(BoilerplateInSecond, other.BoilerplateInSecond)
        && ListEquality.Equal(AlignedSentences, other.AlignedSentences);

    /// <inheritdoc/>
    public override int GetHashCode() =>
        HashCode.Combine(Kind, Score, Scores, ListEquality.Hash(Passages), ListEquality.Hash(BoilerplateInFirst), ListEquality.Hash(BoilerplateInSecond), ListEquality.Hash(AlignedSentences));

    /// <summary>The members as <c>ToString</c> prints them, each list's elements listed (not its collection's type).</summary>
    private bool PrintMembers(System.Text.StringBuilder builder) =>
        ListEquality.Print(
            builder,
            (nameof(Kind), Kind),
            (nameof(Score), Score),
            (nameof(Scores), Scores),
            (nameof(Passages), Passages),
            (nameof(BoilerplateInFirst), BoilerplateInFirst),
            (nameof(BoilerplateInSecond), BoilerplateInSecond),
            (nameof(AlignedSentences), AlignedSentences),
            (nameof(IsCopy), IsCopy));
}

/// <summary>Everything a batch scan found.</summary>
/// <remarks>
/// The clusters are exact: those of verifying every candidate pair. The pairs are the pairs the scan verified and
/// found to be copies, enough to connect each cluster but not every pair of a large one, so that a story copied 10,000
/// times costs 10,000 pairs rather than 50 million: an exact duplicate is paired with the first article of its text
/// (in a group of at most 8 duplicates, also with the others and with everything the first is paired with); an article
/// that matched a member of a cluster of more than 16 articles is not verified against its other members; and a story
/// whose shingles more than 64 earlier articles hold is verified against its earliest copies until one matches. A
/// cluster of at most 16 articles without such shortcuts has all its pairs.
/// </remarks>
/// <param name="Pairs">
/// The pairs the detector verified and judged to be copies: every copy is in at least one, with a member of its
/// cluster. A scan's list makes each pair when it is read (a million pairs are not a million objects held): reading
/// one twice gives two equal pairs, not the same object. Safe to read from several threads.
/// </param>
/// <param name="Clusters">Every article's cluster, singletons included.</param>
/// <param name="Documents">How many articles were scanned.</param>
/// <param name="Characters">How many characters of text were scanned.</param>
/// <param name="Elapsed">How long the scan took.</param>
public sealed record ScanResult(IReadOnlyList<CopyPair> Pairs, IReadOnlyList<CopyCluster> Clusters, int Documents, long Characters, TimeSpan Elapsed)
{
    /// <summary>True when every member is equal, the pairs and clusters compared element by element (the elapsed time too).</summary>
    public bool Equals(ScanResult? other) =>
        other is not null && Documents == other.Documents && Characters == other.Characters && Elapsed == other.Elapsed
        && ListEquality.Equal(Pairs, other.Pairs) && ListEquality.Equal(Clusters, other.Clusters);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Documents, Characters, Elapsed, ListEquality.Hash(Pairs), ListEquality.Hash(Clusters));

    /// <summary>The members as <c>ToString</c> prints them: the counts, and the first pairs and clusters listed (not their collections' types).</summary>
    private bool PrintMembers(System.Text.StringBuilder builder) =>
        ListEquality.Print(builder, (nameof(Documents), Documents), (nameof(Characters), Characters), (nameof(Elapsed), Elapsed), (nameof(Pairs), Pairs), (nameof(Clusters), Clusters));

    /// <summary>How many of <see cref="Pairs"/> are of each kind: every kind, 0 for one not found.</summary>
    /// <remarks>A scan's pairs are counted without making a pair (each is made when read), in one pass over their indexes.</remarks>
    public IReadOnlyDictionary<CopyKind, int> CountPairsByKind()
    {
        var byKind = new Dictionary<CopyKind, int>();
        int[]? counts = (Pairs as ScanPairs)?.CountByKind();
        foreach (CopyKind kind in Enum.GetValues<CopyKind>())
        {
            byKind[kind] = counts?[(int)kind] ?? 0;
        }

        if (counts is null)
        {
            // A list given whole may hold a kind this version does not name: it is counted under its value too.
            foreach (CopyPair pair in Pairs)
            {
                System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(byKind, pair.Kind, out _)++;
            }
        }

        return byKind;
    }

    /// <summary>
    /// The <paramref name="count"/> highest-scoring of <see cref="Pairs"/> (all of them when there are fewer), highest
    /// first; pairs of equal score in the order of their first ids, then their second ids (ordinal): what a summary shows.
    /// </summary>
    /// <remarks>
    /// Up to 1,024 pairs asked for: one pass that keeps the best so far, not a sort of all the pairs (a scan may find
    /// millions); a scan's pairs are compared by score without being made, and only the pairs returned are made. More
    /// are taken from a sort of all of them.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public IReadOnlyList<CopyPair> HighestPairs(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count > SortedFrom)
        {
            // Many: a sort of all of them, where keeping a long list in order, one insertion at a time, could take
            // a time of the pairs times the count.
            return [.. Pairs.Order(ShownFirst).Take(count)];
        }

        return Pairs is ScanPairs scanned ? [.. scanned.Highest(count).Select(k => scanned[k])] : KeepFirst(Pairs, count, ShownFirst);
    }

    /// <summary>The first <paramref name="count"/> of <paramref name="items"/> in <paramref name="order"/> (a total order), in one pass that keeps the best so far.</summary>
    internal static List<T> KeepFirst<T>(IEnumerable<T> items, int count, IComparer<T> order)
    {
        var best = new List<T>(Math.Min(count, SortedFrom) + 1);
        if (count == 0)
        {
            return best;
        }

        foreach (T item in items)
        {
            if (best.Count == count && order.Compare(item, best[^1]) >= 0)
            {
                continue;
            }

            int at = best.BinarySearch(item, order);
            best.Insert(at < 0 ? ~at : at, item);
            if (best.Count > count)
            {
                best.RemoveAt(count);
            }
        }

        return best;
    }

    /// <summary>Past this many pairs asked for, <see cref="HighestPairs"/> sorts them all.</summary>
    private const int SortedFrom = 1024;

    /// <summary>The order of <see cref="HighestPairs"/>: highest score first, then by the first id, then the second (ordinal).</summary>
    private static readonly Comparer<CopyPair> ShownFirst = Comparer<CopyPair>.Create((x, y) =>
        x.Score != y.Score ? y.Score.CompareTo(x.Score)
        : string.CompareOrdinal(x.First, y.First) is int first and not 0 ? first
        : string.CompareOrdinal(x.Second, y.Second));
}

/// <summary>Progress of a batch scan.</summary>
/// <param name="Stage">
/// What is being done, in this order: "signatures" (each article's features), "corpus model" (the boilerplate learned
/// from the whole corpus, then each article filtered), "index" (the candidate index: one pass to count the keys, then
/// one a partition of them), "candidates" (each article verified against its candidates) and "clusters".
/// </param>
/// <param name="Done">Items done in this stage.</param>
/// <param name="Total">
/// Items in this stage. The "index" stage learns its number of passes after its first (0 of 1, then 1 of N + 1, ...):
/// the share done only grows, so show <c>Done / Total</c> rather than comparing totals.
/// </param>
public readonly record struct ScanProgress(string Stage, int Done, int Total);

namespace Dedup.Detection;

/// <summary>
/// Value equality of the lists inside the result records: a record compares its list members by reference unless told
/// otherwise, so two clusters with the same members (or two identical scan results) compared unequal.
/// </summary>
internal static class ListEquality
{
    /// <summary>How many leading elements a hash code takes in (equal lists share them; a million pairs are not hashed one by one).</summary>
    private const int HashedElements = 8;

    /// <summary>True when both lists hold equal elements in the same order (or are the same list).</summary>
    public static bool Equal<T>(IReadOnlyList<T> first, IReadOnlyList<T> second) =>
        ReferenceEquals(first, second) || (first.Count == second.Count && first.SequenceEqual(second));

    /// <summary>A hash code consistent with <see cref="Equal{T}"/>: the count and the first few elements.</summary>
    public static int Hash<T>(IReadOnlyList<T> list)
    {
        var hash = default(HashCode);
        hash.Add(list.Count);
        for (int i = 0; i < Math.Min(list.Count, HashedElements); i++)
        {
            hash.Add(list[i]);
        }

        return hash.ToHashCode();
    }
}

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

    /// <summary>The most elements of a list a record's <c>ToString</c> prints; the rest are counted.</summary>
    internal const int PrintedElements = 16;

    /// <summary>
    /// Appends <c>Name = [a, b, c]</c> as a record's <c>ToString</c> prints a member, the list's elements in place of its
    /// type's name (which the compiler's printing gave, losing the evidence from a logged match): at most
    /// <see cref="PrintedElements"/> of them, then how many more there are; strings quoted.
    /// </summary>
    public static void Print<T>(System.Text.StringBuilder builder, string name, IReadOnlyList<T>? list)
    {
        builder.Append(name).Append(" = ");
        if (list is null)
        {
            builder.Append("null");
            return;
        }

        builder.Append('[');
        for (int i = 0; i < Math.Min(list.Count, PrintedElements); i++)
        {
            builder.Append(i == 0 ? string.Empty : ", ");
            builder.Append(list[i] is string text ? $"\"{text}\"" : System.FormattableString.Invariant($"{list[i]}"));
        }

        if (list.Count > PrintedElements)
        {
            builder.Append(System.Globalization.CultureInfo.InvariantCulture, $", ... {list.Count - PrintedElements} more");
        }

        builder.Append(']');
    }

    /// <summary>Appends <c>Name = value</c> as a record prints a member (culture-invariant).</summary>
    public static void Print(System.Text.StringBuilder builder, string name, object? value) =>
        builder.Append(name).Append(" = ").Append(System.FormattableString.Invariant($"{value}"));
}

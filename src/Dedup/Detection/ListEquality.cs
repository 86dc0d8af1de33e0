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
    /// Appends the members as a record's <c>ToString</c> prints them (<c>Name = value, ...</c>), culture-invariant, a
    /// list's elements in place of its type's name (which the compiler's printing gave, losing the evidence from a logged
    /// match): at most <see cref="PrintedElements"/> of them, then how many more there are; strings in a list quoted.
    /// </summary>
    /// <returns>True, as a record's <c>PrintMembers</c> returns when it printed members.</returns>
    public static bool Print(System.Text.StringBuilder builder, params ReadOnlySpan<(string Name, object? Value)> members)
    {
        for (int m = 0; m < members.Length; m++)
        {
            builder.Append(m == 0 ? string.Empty : ", ").Append(members[m].Name).Append(" = ");
            if (members[m].Value is not System.Collections.IEnumerable list || members[m].Value is string)
            {
                builder.Append(System.FormattableString.Invariant($"{members[m].Value}"));
                continue;
            }

            builder.Append('[');
            int count = 0;
            foreach (object? item in list)
            {
                if (count < PrintedElements)
                {
                    builder.Append(count == 0 ? string.Empty : ", ");
                    builder.Append(item is string text ? $"\"{text}\"" : System.FormattableString.Invariant($"{item}"));
                }

                count++;
            }

            if (count > PrintedElements)
            {
                builder.Append(System.Globalization.CultureInfo.InvariantCulture, $", ... {count - PrintedElements} more");
            }

            builder.Append(']');
        }

        return true;
    }
}

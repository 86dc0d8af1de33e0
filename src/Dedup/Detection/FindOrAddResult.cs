namespace Dedup.Detection;

/// <summary>What <see cref="CopyDetector.FindOrAddAsync"/> found and did.</summary>
/// <param name="Copies">
/// The indexed articles that are copies of the article, best first: those indexed before it, when it was added. For a
/// re-delivery (<paramref name="Added"/> false) every indexed copy of it, those indexed after it included: copies of it,
/// not what it was copied from (a cluster's original is <see cref="CopyDetector.ClusterOf"/>'s).
/// </param>
/// <param name="Added">
/// True when the article was added; false when an article with the same id and the same text was already indexed
/// (a re-delivery, which changes nothing).
/// </param>
public sealed record FindOrAddResult(IReadOnlyList<CopyMatch> Copies, bool Added)
{
    /// <summary>True when both found the same copies (element by element) and both added or both did not.</summary>
    public bool Equals(FindOrAddResult? other) => other is not null && Added == other.Added && ListEquality.Equal(Copies, other.Copies);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Added, ListEquality.Hash(Copies));

    /// <summary>The members as <c>ToString</c> prints them, the copies listed (not their collection's type).</summary>
    private bool PrintMembers(System.Text.StringBuilder builder) =>
        ListEquality.Print(builder, (nameof(Copies), Copies), (nameof(Added), Added));
}

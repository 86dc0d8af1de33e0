namespace Dedup.Detection;

/// <summary>
/// A sentence of one article aligned with a sentence of the other by the paraphrase signal: the best sentence of the
/// other shares at least 40% of its content words and names. The evidence of a rewrite: which sentence says the same
/// as which, and the facts they share; a templated report aligns too, but its numbers disagree.
/// </summary>
/// <param name="First">The sentence in the first article.</param>
/// <param name="Second">The sentence in the second article.</param>
/// <param name="SharedFacts">The names and numbers of the sentence found in the other, as written in the smaller article.</param>
/// <param name="DisagreeingNumbers">
/// The numbers of the smaller article's sentence missing from the other's: a template filled with other figures. When
/// the smaller is a digest (at most half the other's terms), which merges its source's sentences, only the numbers the
/// other article holds nowhere.
/// </param>
public sealed record AlignedSentence(TextSpan First, TextSpan Second, IReadOnlyList<string> SharedFacts, IReadOnlyList<string> DisagreeingNumbers)
{
    /// <summary>True when the sentences are the same and the facts and numbers are equal element by element.</summary>
    public bool Equals(AlignedSentence? other) =>
        other is not null && First == other.First && Second == other.Second
        && ListEquality.Equal(SharedFacts, other.SharedFacts) && ListEquality.Equal(DisagreeingNumbers, other.DisagreeingNumbers);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(First, Second, ListEquality.Hash(SharedFacts), ListEquality.Hash(DisagreeingNumbers));

    /// <summary>The members as <c>ToString</c> prints them, the facts and numbers listed (not their collection's type).</summary>
    private bool PrintMembers(System.Text.StringBuilder builder) =>
        ListEquality.Print(builder, (nameof(First), First), (nameof(Second), Second), (nameof(SharedFacts), SharedFacts), (nameof(DisagreeingNumbers), DisagreeingNumbers));
}

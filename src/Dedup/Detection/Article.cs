namespace Dedup.Detection;

/// <summary>An article to index or compare.</summary>
/// <param name="Id">
/// The caller's unique id of the article: at most <see cref="MaxIdBytes"/> bytes in UTF-8, and valid Unicode (no lone
/// UTF-16 surrogate, which UTF-8 cannot hold, so a snapshot could not give the id back); not empty for indexing.
/// </param>
/// <param name="Text">The body text; it must hold at least one non-whitespace character.</param>
/// <param name="Title">The headline, if any; it is compared with the body.</param>
/// <param name="Published">When it was published, if known; the earliest published copy of a cluster is its original (see <see cref="CopyCluster.OriginalId"/>).</param>
/// <param name="Source">The outlet or feed, if known.</param>
/// <remarks>
/// The detector checks these rules where an article comes in (<c>Add</c>, <c>AddRange</c>, <c>Scan</c>, <c>FindCopies</c>,
/// <c>Compare</c>) and throws <see cref="ArgumentException"/> naming the rule, so a snapshot never holds an id that it
/// could not read back. The <c>dedup</c> tool applies the same rules to its input lines (docs/limits.md).
/// </remarks>
public sealed record Article(string Id, string Text, string? Title = null, DateTimeOffset? Published = null, string? Source = null)
{
    /// <summary>The longest id accepted, in UTF-8 bytes: 4096 (a long URL fits).</summary>
    public const int MaxIdBytes = 4096;

    /// <summary>
    /// The text the detector compares, which the character ranges of a match's passages (<see cref="TextSpan"/>) index:
    /// the title, a blank line (<c>"\n\n"</c>), then the body; the body alone when there is no title.
    /// </summary>
    /// <returns>A new string when there is a title; <see cref="Text"/> otherwise.</returns>
    public string GetComparedText() => FeatureExtractor.CombinedText(this);
}

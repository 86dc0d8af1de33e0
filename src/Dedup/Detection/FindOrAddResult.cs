namespace Dedup.Detection;

/// <summary>What <see cref="CopyDetector.FindOrAddAsync"/> found and did.</summary>
/// <param name="Copies">The indexed articles that are copies of the article (before it was added), best first.</param>
/// <param name="Added">
/// True when the article was added; false when an article with the same id and the same text was already indexed
/// (a re-delivery, which changes nothing).
/// </param>
public sealed record FindOrAddResult(IReadOnlyList<CopyMatch> Copies, bool Added);

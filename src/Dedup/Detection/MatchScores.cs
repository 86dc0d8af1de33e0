namespace Dedup.Detection;

/// <summary>The scores that decided a match; each lies in [0, 1].</summary>
/// <param name="Jaccard">Jaccard similarity of the two articles' word-shingle sets (after boilerplate removal).</param>
/// <param name="ContainmentOfFirst">Share of the first article's shingles found in the second (|A∩B| / |A|).</param>
/// <param name="ContainmentOfSecond">Share of the second article's shingles found in the first (|A∩B| / |B|).</param>
/// <param name="RewriteScore">Share of the shorter article's tokens that align, in order, with the other once content words are allowed to differ: high for spun copies, low for unrelated text.</param>
public readonly record struct MatchScores(double Jaccard, double ContainmentOfFirst, double ContainmentOfSecond, double RewriteScore);

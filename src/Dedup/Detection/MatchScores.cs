namespace Dedup.Detection;

/// <summary>The scores that decided a match; each lies in [0, 1].</summary>
/// <param name="Jaccard">Jaccard similarity of the two articles' word-shingle sets (after boilerplate removal).</param>
/// <param name="ContainmentOfFirst">Share of the first article's shingles found in the second (|A∩B| / |A|).</param>
/// <param name="ContainmentOfSecond">Share of the second article's shingles found in the first (|A∩B| / |B|).</param>
/// <param name="RewriteScore">Share of the smaller skeleton (the article's function words and numbers, content words left out) found in the other's: high for spun copies, which change content words only, low for unrelated text.</param>
/// <param name="LeadScore">Share of the lead (the first 20 word shingles: headline and first sentence) of one article found verbatim in the other, the larger of the two directions: an excerpt carries its story's lead.</param>
public readonly record struct MatchScores(double Jaccard, double ContainmentOfFirst, double ContainmentOfSecond, double RewriteScore, double LeadScore = 0);

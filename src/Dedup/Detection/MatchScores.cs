namespace Dedup.Detection;

/// <summary>The scores that decided a match; each lies in [0, 1].</summary>
/// <param name="Jaccard">Jaccard similarity of the two articles' word-shingle sets (after boilerplate removal).</param>
/// <param name="ContainmentOfFirst">Share of the first article's shingles found in the second (|A∩B| / |A|).</param>
/// <param name="ContainmentOfSecond">Share of the second article's shingles found in the first (|A∩B| / |B|).</param>
/// <param name="SkeletonScore">Share of the smaller skeleton (the article's function words and numbers, content words left out) found in the other's: high for spun copies, which change content words only, low for unrelated text.</param>
/// <param name="LeadScore">Share of the lead (the first 20 word shingles: headline and first sentence) of one article found verbatim in the other, the larger of the two directions: an excerpt carries its story's lead.</param>
/// <param name="ParaphraseScore">The paraphrase score: the mean of the shares of the smaller article's content words (suffixes stripped), facts (names and numbers) and sentences that the other keeps, less half the verbatim containment; high for a rewrite by thesaurus, language model or person, which keeps the facts and says them again, low for a follow-up story, which repeats background paragraphs word for word and adds new facts.</param>
/// <param name="FactScore">Share of the smaller article's facts (capitalized names and numbers, in one form: "1,200" = "1200", "five" = "5") found in the other.</param>
/// <param name="AlignedScore">Share of the smaller article's sentences (weighted by their content words) that align with a sentence of the other, sharing at least 40% of their content words.</param>
public readonly record struct MatchScores(double Jaccard, double ContainmentOfFirst, double ContainmentOfSecond, double SkeletonScore, double LeadScore = 0, double ParaphraseScore = 0, double FactScore = 0, double AlignedScore = 0)
{
    /// <summary>
    /// The number of bits (0 to 64) in which the two articles' SimHash fingerprints differ (the library's
    /// <see cref="Sketches.SimHasher"/> over their content words): about 0–3 for near-exact copies, about 32 for unrelated
    /// texts. Not a share like the other scores; the candidate selector prefers near holders by it.
    /// </summary>
    public int SimHashDistance { get; init; }
}

namespace Dedup.Detection;

/// <summary>
/// Compares two articles directly, with no index: the verdict a detector would give the pair, every score, the
/// shared passages, the sentences the paraphrase signal aligns (with the facts they share) and the boilerplate lines
/// each had removed.
/// </summary>
/// <remarks>
/// Corpus-level boilerplate is not known for two articles alone: only the rule-based boilerplate is removed.
/// The comparison is symmetric: swapping the articles gives the same kind and score, the containments swapped and
/// every passage mirrored.
/// </remarks>
public static class CopyComparer
{
    /// <summary>Compares two articles and explains the verdict.</summary>
    /// <param name="first">One article; its id may be empty.</param>
    /// <param name="second">The other article; its id may be empty.</param>
    /// <param name="options">The settings (threshold, shingle size, seed); null for <see cref="DetectorOptions.Default"/>.</param>
    /// <returns>The kind (null when the two are not copies), the scores, the passages and the boilerplate lines.</returns>
    /// <exception cref="ArgumentNullException">An article is null.</exception>
    /// <exception cref="ArgumentException">An article's id or text is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    public static Comparison Compare(Article first, Article second, DetectorOptions? options = null)
    {
        options ??= DetectorOptions.Default;
        options.Validate();
        CopyDetector.CheckArticle(first, requireId: false);
        CopyDetector.CheckArticle(second, requireId: false);
        Article a = first;
        Article b = second;
        ArticleFeatures fa = FeatureExtractor.Extract(a, options);
        ArticleFeatures fb = FeatureExtractor.Extract(b, options);
        PairMeasure o = Verifier.Measure(fa, fb, fa.Words, fb.Words, fa.Skeleton, fb.Skeleton, fa.Lead, fb.Lead);
        var verdict = Verifier.Classify(fa.ExactHash == fb.ExactHash, o, options.Threshold);
        // Not a copy: the same evidence score a copy is given (it was the verbatim or skeleton share alone, so that a
        // pair with an intact lead scored 0.54 as an excerpt at threshold 0.4 and 0.47 as no copy at 0.6).
        double score = verdict?.Score ?? Verifier.Evidence(o);
        IReadOnlyList<SharedPassage> passages = PassageFinder.Find(a, b, options, out IReadOnlyList<TextSpan> boilerplateA, out IReadOnlyList<TextSpan> boilerplateB);
        return new Comparison(verdict?.Kind, score, Verifier.Scores(o) with { SimHashDistance = Sketches.SimHasher.HammingDistance(fa.SimHash, fb.SimHash) }, passages, boilerplateA, boilerplateB)
        {
            AlignedSentences = options.DetectRewrites ? PassageFinder.Align(a, b, options) : [],
        };
    }

    /// <summary>Compares two texts and explains the verdict.</summary>
    /// <param name="first">One text.</param>
    /// <param name="second">The other text.</param>
    /// <param name="options">The settings; null for <see cref="DetectorOptions.Default"/>.</param>
    /// <returns>The kind (null when the two are not copies), the scores, the passages and the boilerplate lines.</returns>
    /// <exception cref="ArgumentException">A text is null.</exception>
    public static Comparison Compare(string first, string second, DetectorOptions? options = null) =>
        Compare(new Article(string.Empty, first), new Article(string.Empty, second), options);
}

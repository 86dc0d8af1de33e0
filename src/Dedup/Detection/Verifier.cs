namespace Dedup.Detection;

/// <summary>The measure of two articles: exact overlaps of their shingle sets (corpus boilerplate already removed).</summary>
internal readonly record struct PairMeasure(
    int WordsA, int WordsB, int SharedWords, int SkeletonA, int SkeletonB, int SharedSkeleton, int LeadA, int LeadAInB, int LeadB, int LeadBInA, ParaphraseMeasure Paraphrase)
{
    public double Jaccard => SharedWords == 0 ? 0 : (double)SharedWords / (WordsA + WordsB - SharedWords);

    public double ContainmentA => WordsA == 0 ? 0 : (double)SharedWords / WordsA;

    public double ContainmentB => WordsB == 0 ? 0 : (double)SharedWords / WordsB;

    /// <summary>Share of the smaller word set found in the larger: verbatim evidence.</summary>
    public double Verbatim => SharedWords < Verifier.MinShared ? 0 : (double)SharedWords / Math.Max(1, Math.Min(WordsA, WordsB));

    /// <summary>Share of the smaller skeleton set found in the larger: spin-robust evidence.</summary>
    public double SkeletonShare => SharedSkeleton < Verifier.MinShared ? 0 : (double)SharedSkeleton / Math.Max(1, Math.Min(SkeletonA, SkeletonB));

    /// <summary>
    /// Share of an article's lead found verbatim in the other, the larger of the two directions; 0 for a lead of fewer
    /// than <see cref="Verifier.MinLead"/> shingles (a text too short to have a lead apart from its whole).
    /// </summary>
    public double Lead => Math.Max(
        LeadA >= Verifier.MinLead ? (double)LeadAInB / LeadA : 0,
        LeadB >= Verifier.MinLead ? (double)LeadBInA / LeadB : 0);

    /// <summary>The paraphrase score (see <see cref="ParaphraseMeasure.Score"/>).</summary>
    public double ParaphraseScore => Paraphrase.Score(Verbatim);

    /// <summary>Size of the smaller word set over the larger.</summary>
    public double SizeRatio => Math.Max(WordsA, WordsB) == 0 ? 1 : (double)Math.Min(WordsA, WordsB) / Math.Max(WordsA, WordsB);
}

/// <summary>
/// One article's sets as a verification reads them: boilerplate removed, or left in and counted
/// (<see cref="Boilerplate"/>, <see cref="BoilerplateModel.View"/>), and its paraphrase terms with their distinct counts.
/// </summary>
internal readonly ref struct SetView(ReadOnlySpan<uint> words, ReadOnlySpan<uint> skeleton, ReadOnlySpan<uint> lead, ReadOnlySpan<uint> terms, (int Terms, int Facts) termCounts, (int Words, int Skeleton, int Lead) boilerplate = default)
{
    public ReadOnlySpan<uint> Words { get; } = words;

    public ReadOnlySpan<uint> Skeleton { get; } = skeleton;

    public ReadOnlySpan<uint> Lead { get; } = lead;

    public ReadOnlySpan<uint> Terms { get; } = terms;

    public (int Terms, int Facts) TermCounts { get; } = termCounts;

    /// <summary>
    /// How many of the word, skeleton and lead shingles are boilerplate, left in: they count as removed. Exact when
    /// the other side of the pair holds no boilerplate of the same model (then no boilerplate shingle is shared).
    /// </summary>
    public (int Words, int Skeleton, int Lead) Boilerplate { get; } = boilerplate;
}

/// <summary>Verifies a candidate pair and says what kind of copy it is.</summary>
internal static class Verifier
{
    /// <summary>Fewer shared shingles than this is no evidence at all (a shared phrase, a short quote).</summary>
    public const int MinShared = 5;

    /// <summary>Verbatim containment at or above which a copy of similar size is syndicated rather than rewritten.</summary>
    public const double VerbatimCopy = 0.8;

    /// <summary>A copy is rewritten when its verbatim containment is below this share of its skeleton containment.</summary>
    public const double RewrittenVerbatimShare = 0.8;

    /// <summary>Size ratio (smaller word set over larger) at or above which two articles are of similar size: syndicated or rewritten, not an excerpt.</summary>
    public const double SyndicatedSizeRatio = 0.7;

    /// <summary>
    /// Size ratio (smaller word set over larger) below which rewrite evidence does not count: a text more than 20 times
    /// another's size (an archive page, a transcript, a day's roundup) holds the function-word sequences, the content
    /// words and the names and numbers of almost any story, so its skeleton and paraphrase shares say nothing. A rewrite
    /// keeps about its source's length and a digest is a fifth of it or more; a story carried verbatim in a long page is
    /// still found by its verbatim evidence (an excerpt). Unrelated stories were reported as rewrites of a page of 50 or
    /// 400 others, and joined into one cluster through it.
    /// </summary>
    public const double MinRewriteSizeRatio = 0.05;

    /// <summary>An intact lead: at least this share of an article's lead (headline and first sentence) is found in the other.</summary>
    public const double LeadCopy = 0.9;

    /// <summary>What an intact lead alone scores, times the share found: enough for the default threshold, not for a strict one.</summary>
    public const double LeadWeight = 0.6;

    /// <summary>A lead of fewer shingles is not told apart from the whole text.</summary>
    public const int MinLead = 16;

    /// <summary>A paraphrase score at or above this is evidence of a rewrite (when the facts are kept): on dev-llm the AI-model rewrites score 0.64–0.89 (most above 0.7), real follow-up stories at most 0.68.</summary>
    public const double ParaphraseCopy = 0.7;

    /// <summary>
    /// The paraphrase score that is evidence of a rewrite when the two texts, of similar size, hold each other's facts
    /// (<see cref="ParaphraseMeasure.FactsBothWays"/>): a close paraphrase rewords every sentence (its content-word share
    /// falls to about 0.5) but keeps every name and number. On dev-llm two of the fifteen close paraphrases score 0.64–0.65
    /// with 0.83–1.0 of the facts kept both ways; of its 2,111 unrelated pairs (follow-ups, same topic) one keeps the facts
    /// so (0.88 / 0.77), at 0.58; on reuters-dev the templates that do (0.78–0.89) score at most 0.55 and are vetoed as
    /// templates anyway.
    /// </summary>
    public const double ParaphraseCopyFactsBothWays = 0.6;

    /// <summary>
    /// Distinct content terms (facts included) the smaller text must share with the other for its paraphrase score to
    /// count. A short report on one subject shares most of its few terms with another on the same subject: on
    /// reuters-dev, of 80 pairs reported rewritten on the paraphrase score and read in full (tools/accuracy), 61 were separate
    /// reports (another day's money-market help, a union's reaction to a merger bid, a follow-up), mostly sharing 10–40
    /// terms; the AI-model rewrites of dev-llm share 49 or more. Below this the paraphrase score counts only for two
    /// texts that hold each other's facts both ways (<see cref="ParaphraseMeasure.FactsBothWays"/>: a retold short
    /// report keeps every name and number, another report adds its own) and for a digest of at least this many terms,
    /// at most half its source's size, that keeps nearly all its terms and facts (<see cref="ParaphraseMeasure.Digest"/>:
    /// news apps' summaries, a fifth to a third of their story, shared 38–39 in tools/accuracy/llm-validation);
    /// otherwise a rewrite needs verbatim or skeleton evidence (sentences of 20 words, as in MSRP, mostly do).
    /// </summary>
    public const int MinParaphraseTerms = 40;

    /// <summary>Verbatim containment at or above which two texts are copies whatever their numbers (a correction changes one).</summary>
    public const double TemplateVerbatimLimit = 0.95;

    /// <summary>
    /// Verbatim containment from which two texts share a frame: a template is filled in word for word (its reports
    /// share 0.2 or more), a retelling shares few phrases (AI-model rewrites 0.03–0.17), so its sentences may merge
    /// numbers without reading as a template.
    /// </summary>
    public const double TemplateFrame = 0.2;

    /// <summary>Verbatim containment from which a copy that keeps nearly all its words (<see cref="FewChangesContent"/>) is syndicated.</summary>
    public const double FewChangesVerbatim = 0.5;

    /// <summary>Share of the smaller text's content words found in the other from which only a few words were changed.</summary>
    public const double FewChangesContent = 0.9;

    /// <summary>At most this many of the smaller text's word shingles lost: a handful of local edits (four words changed or inserted, each breaking five shingles).</summary>
    public const int FewChangesShingles = 20;

    /// <summary>
    /// Of two texts of different size (an excerpt, a digest, a shorter report), the disagreeing numbers at which they
    /// read as a template: a sentence of the smaller may align with the wrong one of the larger, and one number then
    /// disagrees by chance.
    /// </summary>
    public const int MinTemplateConflicts = 2;

    /// <summary>
    /// Measures a pair. With a <paramref name="threshold"/> above 0 the paraphrase sentences are aligned only when the
    /// pair could be a copy at it: its verbatim, skeleton or lead evidence reaches the threshold (the template check
    /// may veto it), or its paraphrase score could count (<see cref="MinParaphraseTerms"/>) and its content and fact
    /// shares leave it room to reach <see cref="ParaphraseCopy"/>.
    /// </summary>
    public static PairMeasure Measure(ArticleFeatures a, ArticleFeatures b, ReadOnlySpan<uint> wordsA, ReadOnlySpan<uint> wordsB, ReadOnlySpan<uint> skeletonA, ReadOnlySpan<uint> skeletonB, ReadOnlySpan<uint> leadA, ReadOnlySpan<uint> leadB, double threshold = 0)
        => Measure(new SetView(wordsA, skeletonA, leadA, a.ParaphraseTerms, a.ParaphraseCounts), new SetView(wordsB, skeletonB, leadB, b.ParaphraseTerms, b.ParaphraseCounts), threshold);

    /// <summary>
    /// As <see cref="Measure(ArticleFeatures, ArticleFeatures, ReadOnlySpan{uint}, ReadOnlySpan{uint}, ReadOnlySpan{uint}, ReadOnlySpan{uint}, ReadOnlySpan{uint}, ReadOnlySpan{uint}, double)"/>,
    /// on each article's sets as read (a scan decodes them); <paramref name="sharedWords"/> is the two word sets' shared
    /// count when the caller has counted it (-1: counted here).
    /// </summary>
    public static PairMeasure Measure(in SetView a, in SetView b, double threshold = 0, int sharedWords = -1)
    {
        ReadOnlySpan<uint> wordsA = a.Words, wordsB = b.Words, skeletonA = a.Skeleton, skeletonB = b.Skeleton, leadA = a.Lead, leadB = b.Lead;
        if (a.Boilerplate != default && b.Boilerplate != default)
        {
            throw new ArgumentException("Only one article of a pair may be read with its boilerplate left in (the other's must be removed).", nameof(b));
        }

        // A lead is the first word shingles of its article, so no lead shingle is shared when no word shingle is.
        sharedWords = sharedWords >= 0 ? sharedWords : CountShared(wordsA, wordsB);
        var o = new PairMeasure(
            wordsA.Length - a.Boilerplate.Words,
            wordsB.Length - b.Boilerplate.Words,
            sharedWords,
            skeletonA.Length - a.Boilerplate.Skeleton,
            skeletonB.Length - b.Boilerplate.Skeleton,
            CountShared(skeletonA, skeletonB),
            leadA.Length - a.Boilerplate.Lead,
            sharedWords == 0 ? 0 : CountShared(leadA, wordsB),
            leadB.Length - b.Boilerplate.Lead,
            sharedWords == 0 ? 0 : CountShared(leadB, wordsA),
            default);
        double verbatim = o.Verbatim;
        bool evidence = threshold <= 0 || Math.Max(Math.Max(verbatim, o.SkeletonShare), LeadWeight * o.Lead) >= threshold;
        ParaphraseMeasure p = Detection.Paraphrase.Measure(a.Terms, b.Terms, a.TermCounts, b.TermCounts, alwaysAlign: evidence, verbatim, ParaphraseCopy, ParaphraseCopyFactsBothWays, minShared: MinParaphraseTerms);
        o = o with { Paraphrase = p };
        if (IsTemplate(o))
        {
            // The template test would veto the pair: ask whether the larger's aligned sentences have figures of their own too.
            ParaphraseMeasure other = Detection.Paraphrase.Measure(a.Terms, b.Terms, a.TermCounts, b.TermCounts, largerSide: true);
            o = o with { Paraphrase = p with { OtherMissingNumbers = other.MissingNumbers } };
        }

        return o;
    }

    /// <summary>
    /// Whether a pair is surely no copy, told from its words and paraphrase terms alone (the skeletons, the leads and
    /// the sentence alignment not read): it shares fewer than <see cref="MinShared"/> word shingles (no verbatim
    /// evidence, and no intact lead: see below), and the smaller's facts cannot be kept
    /// (<see cref="Paraphrase.CannotKeepFacts"/>), so no rewrite evidence counts either; <see cref="Classify"/> of its
    /// whole <see cref="Measure(in SetView, in SetView, double, int)"/> then says no copy at any threshold, unless the two
    /// are exactly equal (which the caller tells apart first). Most candidates are of this kind: on the dev corpus a scan
    /// measured 31,448 such of 34,051, proposed by a shared rare term or phrase of the skeleton.
    /// </summary>
    /// <remarks>
    /// A lead is the first word shingles of its article, so each of its shingles found in the other is a shared word
    /// shingle, and an intact lead (<see cref="LeadCopy"/> of at least <see cref="MinLead"/>) shares more word shingles
    /// than <see cref="MinShared"/> (<see cref="IntactLeadShares"/>): the leads need no search here. They were searched
    /// before, for candidates sharing one to four word shingles, whose number grows faster than the corpus (a phrase's
    /// holders do): 2.1 million of the million's 18 million candidates, 35,000 of 100k's 1.6 million.
    /// </remarks>
    /// <param name="a">The first article's sets as <see cref="Measure(in SetView, in SetView, double, int)"/> reads them; only its words and terms are read.</param>
    /// <param name="b">The second's.</param>
    /// <param name="sharedWords">The two word sets' shared count (<see cref="CountShared"/>).</param>
    public static bool SurelyNoCopy(in SetView a, in SetView b, int sharedWords) =>
        sharedWords < MinShared && Detection.Paraphrase.CannotKeepFacts(a.Terms, b.Terms, a.TermCounts, b.TermCounts);

    /// <summary>
    /// The fewest word shingles two articles share when one's lead is intact in the other (see <see cref="SurelyNoCopy"/>):
    /// at least <see cref="MinShared"/>, or <see cref="SurelyNoCopy"/> would need to search the leads.
    /// </summary>
    internal static int IntactLeadShares => (int)Math.Ceiling(LeadCopy * MinLead);

    /// <summary>
    /// <see cref="Measure(in SetView, in SetView, double, int)"/> and <see cref="Classify"/> of a pair, without the
    /// measure when <see cref="SurelyNoCopy"/> tells the pair apart (then <paramref name="measure"/> is default): the
    /// kind and score, or null when it is not a copy at <paramref name="threshold"/>.
    /// </summary>
    public static (CopyKind Kind, double Score)? Verify(in SetView a, in SetView b, bool exactlyEqual, double threshold, out PairMeasure measure)
    {
        int sharedWords = CountShared(a.Words, b.Words);
        if (!exactlyEqual && SurelyNoCopy(a, b, sharedWords))
        {
            measure = default;
            return null;
        }

        measure = Measure(a, b, threshold, sharedWords);
        return Classify(exactlyEqual, measure, threshold);
    }

    /// <summary>
    /// The template test: two texts that share a frame verbatim (but not nearly all of their words) and read as one
    /// template with other numbers (<see cref="ParaphraseMeasure.Template"/>) are separate reports when they are of
    /// similar size or the numbers of several sentences disagree. (A digest merges sentences, so its numbers come from
    /// several of the source's.) <see cref="Measure(in SetView, in SetView, double, int)"/> asks it before measuring the larger side, <see cref="Classify"/> to veto.
    /// </summary>
    private static bool IsTemplate(in PairMeasure o) =>
        o.Paraphrase.Template && o.Verbatim >= TemplateFrame && o.Verbatim < TemplateVerbatimLimit
        && (o.SizeRatio >= SyndicatedSizeRatio || o.Paraphrase.MissingNumbers >= MinTemplateConflicts);

    /// <summary>
    /// The score <see cref="Classify"/> gives a pair of articles that are not exactly equal, whatever the threshold: the
    /// largest of the verbatim containment, the rewrite evidence (the skeleton share, or the paraphrase score where it
    /// counts, when the two hold the same facts) and the lead evidence (<see cref="LeadWeight"/> times an intact lead's
    /// share). A pair is a copy when it reaches the threshold and no template test vetoes it.
    /// </summary>
    public static double Evidence(in PairMeasure o) => Evidence(o, out _, out _, out _);

    private static double Evidence(in PairMeasure o, out double verbatim, out double rewrite, out double lead)
    {
        verbatim = o.Verbatim;
        bool factsKept = o.Paraphrase.SameFacts;
        double paraphrase = o.ParaphraseScore;
        double paraphraseBar = o.Paraphrase.FactsBothWays ? ParaphraseCopyFactsBothWays : ParaphraseCopy;
        // Of texts of different size, the smaller is a digest or an excerpt of the other only if it adds (nearly) no facts
        // of its own: the digest's bar, whatever the number of terms shared.
        bool paraphraseCounts = paraphrase >= paraphraseBar && o.Paraphrase.SharesEnough(MinParaphraseTerms)
            && (o.Paraphrase.TermRatio >= Paraphrase.SimilarSize || o.Paraphrase.FactShare >= Paraphrase.DigestFacts);
        rewrite = !factsKept || o.SizeRatio < MinRewriteSizeRatio ? 0 : Math.Max(o.SkeletonShare, paraphraseCounts ? paraphrase : 0);
        lead = o.Lead >= LeadCopy ? LeadWeight * o.Lead : 0;
        return Math.Max(Math.Max(verbatim, rewrite), lead);
    }

    /// <summary>
    /// The kind and score of a pair, or null when it is not a copy at <paramref name="threshold"/>. The score is the
    /// largest of the verbatim containment, the rewrite evidence and the lead evidence (an intact lead times
    /// <see cref="LeadWeight"/>). The rewrite evidence is the larger of the skeleton containment and the paraphrase
    /// score (when at least <see cref="ParaphraseCopy"/>, or <see cref="ParaphraseCopyFactsBothWays"/> for texts that keep
    /// each other's facts; and the two share at least <see cref="MinParaphraseTerms"/> terms or keep their facts both
    /// ways), and counts only when the two hold the same facts
    /// (<see cref="ParaphraseMeasure.SameFacts"/>). Two texts of similar size that share a frame verbatim and read as one template with other numbers
    /// (<see cref="ParaphraseMeasure.Template"/>) are no copies unless nearly all is verbatim. A pair that shares little
    /// but a lead is an excerpt. Otherwise the pair is rewritten when much of the rewrite evidence is not verbatim;
    /// otherwise, when the two are of similar size, syndicated if nearly all of the smaller is found verbatim and
    /// rewritten if not; otherwise an excerpt (one holds a part of the other).
    /// </summary>
    public static (CopyKind Kind, double Score)? Classify(bool exactlyEqual, in PairMeasure o, double threshold)
    {
        if (exactlyEqual)
        {
            return (CopyKind.Duplicate, 1.0);
        }

        if (IsTemplate(o))
        {
            // The same frame with other numbers in its sentences: separate reports, however much of the wording agrees.
            return null;
        }

        double score = Evidence(o, out double verbatim, out double rewrite, out double lead);
        if (score < threshold || score == 0)
        {
            return null;
        }

        if (lead > verbatim && lead > rewrite)
        {
            // Little is shared but the lead, word for word: a page that quotes the story's headline and first sentence.
            return (CopyKind.Excerpt, score);
        }

        if (o.SizeRatio >= SyndicatedSizeRatio && verbatim >= FewChangesVerbatim && o.Paraphrase.Content >= FewChangesContent
            && Math.Min(o.WordsA, o.WordsB) - o.SharedWords <= FewChangesShingles)
        {
            // Of similar size, nearly every word kept, and the shingles lost few enough for a handful of edits: a
            // copy with a word or two changed and a credit added. In a short text those few edits break a large share
            // of its shingles (each word is in five), so the verbatim share alone would call it rewritten; a spun
            // copy changes a word in every few, and its lost shingles grow with its length. Neither test depends on
            // the language's function words, as the skeleton does.
            return (CopyKind.Syndicated, score);
        }

        if (verbatim < RewrittenVerbatimShare * rewrite)
        {
            return (CopyKind.Rewritten, score);
        }

        if (o.SizeRatio >= SyndicatedSizeRatio)
        {
            // Of similar size: the same text (syndicated), or the same story with much of its wording changed.
            return (verbatim >= VerbatimCopy ? CopyKind.Syndicated : CopyKind.Rewritten, score);
        }

        return (CopyKind.Excerpt, score);
    }

    public static MatchScores Scores(in PairMeasure o) => new(o.Jaccard, o.ContainmentA, o.ContainmentB, o.SkeletonShare, o.Lead, o.ParaphraseScore, o.Paraphrase.FactShare, o.Paraphrase.Aligned);

    /// <summary>Number of values two sorted, distinct arrays share.</summary>
    /// <remarks>See <see cref="Kernels.IntersectionKernel"/>.</remarks>
    public static int CountShared(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b) => Kernels.IntersectionKernel.CountShared(a, b);
}

using System.Numerics;

namespace Dedup.Detection;

/// <summary>
/// What two articles' paraphrase terms share: content terms, facts, and sentences that align (see <see cref="Paraphrase"/>).
/// Counts are of the smaller article (the one with fewer terms), found in the larger; OtherMissingNumbers counts the
/// numbers of the larger's aligned sentences missing from the smaller's (-1 when not measured: only a pair the
/// template test would veto is measured both ways).
/// </summary>
internal readonly record struct ParaphraseMeasure(
    int Terms, int SharedTerms, int Facts, int SharedFacts, int AlignableTerms, int AlignedTerms, int AlignedNumbers, int MissingNumbers, int OtherTerms = 0, int OtherFacts = 0, int OtherMissingNumbers = -1)
{
    /// <summary>Share of the smaller article's distinct content terms found in the other.</summary>
    public double Content => Terms == 0 ? 0 : (double)SharedTerms / Terms;

    /// <summary>
    /// Share of the smaller article's facts (names and numbers) found in the other; the content share for an article
    /// without facts (which then gives no evidence either way).
    /// </summary>
    public double FactShare => Facts == 0 ? Content : (double)SharedFacts / Facts;

    /// <summary>Share of the larger article's facts found in the smaller: a retelling adds no facts of its own, a follow-up story does.</summary>
    public double OtherFactShare => OtherFacts == 0 ? FactShare : (double)SharedFacts / OtherFacts;

    /// <summary>Distinct terms of the smaller article over those of the larger.</summary>
    public double TermRatio => OtherTerms == 0 ? 1 : (double)Terms / OtherTerms;

    /// <summary>
    /// Whether the facts are those of one story: the smaller article keeps <see cref="Paraphrase.FactsKept"/> of its
    /// facts and, unless it is much shorter (a digest, an excerpt), the larger holds few facts the smaller lacks.
    /// </summary>
    public bool SameFacts => FactShare >= Paraphrase.FactsKept && (TermRatio < Paraphrase.SimilarSize || OtherFactShare >= Paraphrase.OtherFactsKept);

    /// <summary>
    /// Whether two texts of similar size hold each other's facts: at least <see cref="Paraphrase.MinFactsBothWays"/>
    /// facts in the smaller, and each text holds at least <see cref="Paraphrase.FactsKeptBothWays"/> of the other's. A
    /// close paraphrase keeps every name and number of its source and adds none; a follow-up or another report on the
    /// same people adds facts of its own, a digest drops some.
    /// </summary>
    public bool FactsBothWays => Facts >= Paraphrase.MinFactsBothWays && TermRatio >= Paraphrase.SimilarSize
        && FactShare >= Paraphrase.FactsKeptBothWays && OtherFactShare >= Paraphrase.FactsKeptBothWays;

    /// <summary>
    /// Whether the smaller text reads as a digest of the other: it has at least <paramref name="minTerms"/> distinct
    /// terms of its own (it is no short report, whose few terms any report on its subject shares), at most
    /// <see cref="Paraphrase.DigestSize"/> of the other's, and keeps at least <see cref="Paraphrase.DigestContent"/> of
    /// its content terms and <see cref="Paraphrase.DigestFacts"/> of its facts. A news app's summary of a story (a fifth
    /// to a third of its length) drops terms, so that it can share fewer than <paramref name="minTerms"/> with its
    /// source, but nearly all it says is the source's.
    /// </summary>
    public bool Digest(int minTerms) => Paraphrase.IsDigest(Terms, TermRatio, Content, FactShare, minTerms);

    /// <summary>
    /// Whether the two share enough for the paraphrase score to count as evidence: at least <paramref name="minShared"/>
    /// terms, or each other's facts both ways (<see cref="FactsBothWays"/>; see <see cref="Verifier.MinParaphraseTerms"/>),
    /// or the smaller is a digest of the other (<see cref="Digest"/>).
    /// </summary>
    public bool SharesEnough(int minShared) => SharedTerms >= minShared || FactsBothWays || Digest(minShared);

    /// <summary>Share of the smaller article's sentences (weighted by their terms) that align with a sentence of the other.</summary>
    public double Aligned => AlignableTerms == 0 ? 0 : (double)AlignedTerms / AlignableTerms;

    /// <summary>
    /// Whether the two read as one template filled with different facts: at least <see cref="Paraphrase.TemplateConflictShare"/>
    /// of the numbers in the smaller article's aligned sentences are missing from the sentences they align with (a
    /// correction changes one number; a report for another day, week or company changes most), and the larger's
    /// aligned sentences, too, hold a number the smaller's lack (<see cref="OtherMissingNumbers"/>, when measured): each
    /// report has figures of its own. A copy whose spinner made a number word of another word ("the club" → "the
    /// nine") has a number its source lacks, but the source has none the copy lacks.
    /// </summary>
    public bool Template => MissingNumbers > 0 && MissingNumbers >= Paraphrase.TemplateConflictShare * AlignedNumbers && OtherMissingNumbers != 0;

    /// <summary>
    /// The paraphrase score: the mean of the content, fact and alignment shares, less <see cref="Paraphrase.VerbatimDiscount"/>
    /// times the verbatim containment (agreement that verbatim copying already explains is not evidence of rewording:
    /// follow-up stories share background paragraphs word for word and little else).
    /// </summary>
    public double Score(double verbatim) => Math.Clamp(((Content + FactShare + Aligned) / 3) - (Paraphrase.VerbatimDiscount * verbatim), 0, 1);
}

/// <summary>
/// The paraphrase signal: what any rewrite keeps, by thesaurus, language model or person. An article's paraphrase
/// terms are its content words (function words left out, a suffix stripped: <see cref="Text.SuffixStripper"/>) and its
/// facts (names: capitalized words not opening a sentence; numbers in one form: <see cref="Text.FactNormalizer"/>),
/// each with the sentence it is in. A rewrite keeps most of the facts and content terms, and most of its sentences
/// align with one of the source's (share terms with it). A templated report (the same frame filled with other
/// numbers) aligns too, but the numbers of aligned sentences disagree.
/// </summary>
/// <remarks>
/// An entry is a uint: the top 22 bits are the term's hash, then a number flag, a name flag (both set: a capital of
/// style, <see cref="StyleCapitalFlags"/>), and 8 bits of sentence index (sentences past the 255th share the last
/// index). Articles stored by a library before capitals of style (snapshots, shared stores) keep their headlines'
/// capitals as names until they are added again. An article keeps one entry per distinct (term, sentence),
/// sorted, so two articles are compared by one merge.
/// </remarks>
internal static class Paraphrase
{
    /// <summary>Bits below the term hash.</summary>
    public const int KeyShift = 10;

    /// <summary>Set on the entry of a number.</summary>
    public const uint NumberFlag = 1u << (FlagShift + 1);

    /// <summary>Set on the entry of a name (a capitalized word not opening its sentence).</summary>
    public const uint NameFlag = 1u << FlagShift;

    /// <summary>The position of the two flag bits (name, then number) above the sentence index.</summary>
    private const int FlagShift = 8;

    /// <summary>
    /// Both flags: the entry of a capitalized word in a sentence whose capitals are its style (a headline in capitals or
    /// in title case, a table's line; <c>FeatureExtractor.CollectTerms</c>). It is neither a name nor a number: a term
    /// like any other word (two reports from one template share their headlines' words, "DEBENTURES YIELD PCT", and
    /// the facts they differ in are the names and numbers of their sentences). Its pairs still make candidate keys, as
    /// names do (<see cref="CandidateSelector.SampleKeys"/>): a story sent again under the same headline is found by them.
    /// </summary>
    public const uint StyleCapitalFlags = NumberFlag | NameFlag;

    /// <summary>
    /// The last sentence index: the sentences past the 255th of a text all take it. They are no sentence but the rest of
    /// a long text (a transcript, an archive page), which holds the words and facts of almost any story: the alignment
    /// leaves that index out on both sides (every sentence of unrelated stories aligned with the rest of a 126,000-character
    /// page, which was then reported as their rewrite and joined them into one cluster).
    /// </summary>
    public const int MaxSentence = 255;

    /// <summary>A sentence aligns when the best sentence of the other holds at least this share of its terms (and two or more).</summary>
    public const double SentenceAlignment = 0.4;

    /// <summary>Sentences with fewer terms are too short to align (a dateline, a byline).</summary>
    public const int MinSentenceTerms = 3;

    /// <summary>Share of the numbers of aligned sentences that disagree at which two articles read as a template.</summary>
    public const double TemplateConflictShare = 1.0 / 3;

    /// <summary>A rewrite keeps at least this share of the facts (names and numbers) of the smaller text.</summary>
    public const double FactsKept = 0.7;

    /// <summary>Of two texts of similar size, the smaller holds at least this share of the larger's facts when they tell one story.</summary>
    public const double OtherFactsKept = 0.6;

    /// <summary>Share of each text's facts the other holds from which two texts of similar size keep their facts both ways (<see cref="ParaphraseMeasure.FactsBothWays"/>).</summary>
    public const double FactsKeptBothWays = 0.8;

    /// <summary>Term ratio (smaller over larger) at or below which the smaller text may be a digest of the larger (<see cref="ParaphraseMeasure.Digest"/>).</summary>
    public const double DigestSize = 0.5;

    /// <summary>
    /// Whether a text of <paramref name="terms"/> distinct terms is a digest's size beside one of
    /// <paramref name="otherTerms"/>: at most <see cref="DigestSize"/> of them. Its numbers are then checked against the
    /// other's whole text, not its aligned sentence alone (a digest merges its source's sentences).
    /// </summary>
    public static bool OfDigestSize(int terms, int otherTerms) => terms <= DigestSize * otherTerms;

    /// <summary>Share of its content terms that a digest keeps from its source (<see cref="ParaphraseMeasure.Digest"/>).</summary>
    public const double DigestContent = 0.8;

    /// <summary>Share of its facts that a digest keeps from its source (<see cref="ParaphraseMeasure.Digest"/>): it adds none of its own.</summary>
    public const double DigestFacts = 0.9;

    /// <summary>Fewer facts than this in the smaller text say too little for <see cref="ParaphraseMeasure.FactsBothWays"/>.</summary>
    public const int MinFactsBothWays = 5;

    /// <summary>Term ratio (smaller over larger) at or above which two texts are of similar size, as in <see cref="Verifier.SyndicatedSizeRatio"/>.</summary>
    public const double SimilarSize = 0.7;

    /// <summary>How much of the verbatim containment the paraphrase score gives up (see <see cref="ParaphraseMeasure.Score"/>).</summary>
    public const double VerbatimDiscount = 0.5;

    /// <summary>At most this many entries of one term on the other side are paired with each of its entries (a term in every sentence).</summary>
    private const int MaxPairsPerEntry = 4;

    /// <summary>
    /// As <see cref="MaxPairsPerEntry"/>, for a fact: a number is checked in the sentence it aligns with, so a small
    /// number found in many sentences ("two") must be paired with all of them, or it reads as missing where it is not.
    /// </summary>
    private const int MaxPairsPerFact = 64;

    /// <summary>Distinct terms and distinct facts among sorted entries.</summary>
    public static (int Terms, int Facts) CountDistinct(ReadOnlySpan<uint> entries)
    {
        int terms = 0, facts = 0;
        int i = 0;
        while (i < entries.Length)
        {
            uint key = Key(entries[i]);
            bool fact = false;
            while (i < entries.Length && Key(entries[i]) == key)
            {
                fact |= IsFact(entries[i]);
                i++;
            }

            terms++;
            facts += fact ? 1 : 0;
        }

        return (terms, facts);
    }

    /// <summary>Distinct terms of the measured side merged between two checks of the bound (<see cref="CannotPass"/>).</summary>
    private const int TermsBetweenChecks = 16;

    /// <summary>
    /// The term and fact counts alone (no alignment): one merge, no allocation. Given the measured side's distinct
    /// counts (<paramref name="ofA"/>; default when unknown, and the whole merge runs), it stops early
    /// (<paramref name="cut"/>) once the pair cannot pass the alignment's gate: even if every
    /// term and fact of <paramref name="a"/> not yet merged (its distinct counts are <paramref name="ofA"/>) were
    /// shared, the mean of the content and fact shares and a full alignment, less <paramref name="discount"/> (the
    /// verbatim discount), stays below <paramref name="bar"/>, or
    /// the shared terms stay below <paramref name="minShared"/>, the facts cannot be kept both ways and
    /// <paramref name="a"/> cannot be a digest of <paramref name="b"/> (<see cref="ParaphraseMeasure.SharesEnough"/>). Most candidates of a query are unrelated and share few terms;
    /// for them the verdict (no copy) is the same and the larger part of the merge is skipped. Cut short, the measure
    /// holds <paramref name="a"/>'s whole counts and what was found shared so far: its shares are lower bounds, every
    /// test on them says "no copy" whenever the whole measure would, and the pair cannot reach the gate either way.
    /// </summary>
    /// <remarks>
    /// With <paramref name="factsOnly"/> the gate is <see cref="ParaphraseMeasure.SameFacts"/> instead (see
    /// <see cref="CannotKeepFacts"/>): it stops once even the terms and facts left could not make the facts kept.
    /// </remarks>
    private static ParaphraseMeasure CountTerms(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b, (int Terms, int Facts) ofB, (int Terms, int Facts) ofA, int minShared, double bar, double discount, out bool cut, bool factsOnly = false)
    {
        cut = false;
        int terms = 0, shared = 0, facts = 0, sharedFacts = 0;
        int i = 0, j = 0;
        bool bounded = ofA.Terms > 0;
        int nextCheck = TermsBetweenChecks;
        while (i < a.Length)
        {
            if (bounded && terms == nextCheck)
            {
                nextCheck += TermsBetweenChecks;
                if (factsOnly
                    ? !new ParaphraseMeasure(ofA.Terms, shared + (ofA.Terms - terms), ofA.Facts, sharedFacts + (ofA.Facts - facts), 0, 0, 0, 0, ofB.Terms, ofB.Facts).SameFacts
                    : CannotPass(terms, shared, facts, sharedFacts, ofA, ofB, minShared, bar, discount))
                {
                    cut = true;
                    return new ParaphraseMeasure(ofA.Terms, shared, ofA.Facts, sharedFacts, 0, 0, 0, 0, ofB.Terms, ofB.Facts);
                }
            }

            uint key = Key(a[i]);
            bool fact = false;
            while (i < a.Length && Key(a[i]) == key)
            {
                fact |= IsFact(a[i]);
                i++;
            }

            while (j < b.Length && Key(b[j]) < key)
            {
                j++;
            }

            terms++;
            facts += fact ? 1 : 0;
            if (j < b.Length && Key(b[j]) == key)
            {
                shared++;
                sharedFacts += fact ? 1 : 0;
            }
        }

        return new ParaphraseMeasure(terms, shared, facts, sharedFacts, 0, 0, 0, 0, ofB.Terms, ofB.Facts);
    }

    /// <summary>
    /// Whether a pair whose measured side has <paramref name="ofA"/> distinct terms and facts, of which the first
    /// <paramref name="terms"/> (<paramref name="facts"/> facts) are merged with <paramref name="shared"/>
    /// (<paramref name="sharedFacts"/>) found, cannot pass the alignment's gate whatever the rest holds. The gate's
    /// test is written as <see cref="Measure(ReadOnlySpan{uint}, ReadOnlySpan{uint}, ValueTuple{int, int}?, ValueTuple{int, int}?, bool, double, double, double, bool, int)"/>
    /// writes it, so that the bound, never below the whole measure's shares, never fails where the whole passes.
    /// </summary>
    internal static bool CannotPass(int terms, int shared, int facts, int sharedFacts, (int Terms, int Facts) ofA, (int Terms, int Facts) ofB, int minShared, double bar, double discount)
    {
        int mostShared = shared + (ofA.Terms - terms);
        int mostSharedFacts = sharedFacts + (ofA.Facts - facts);
        double content = (double)mostShared / ofA.Terms;
        double factShare = ofA.Facts == 0 ? content : (double)mostSharedFacts / ofA.Facts;
        if (((content + factShare + 1) / 3) - discount < bar)
        {
            return true;
        }

        if (mostShared >= minShared)
        {
            return false;
        }

        // A digest (ParaphraseMeasure.Digest) needs enough terms of its own, a larger source and both shares.
        double termRatio = ofB.Terms == 0 ? 1 : (double)ofA.Terms / ofB.Terms;
        if (IsDigest(ofA.Terms, termRatio, content, factShare, minShared))
        {
            return false;
        }

        // Facts kept both ways (ParaphraseMeasure.FactsBothWays) needs enough facts, similar sizes and both shares.
        double otherFactShare = ofB.Facts == 0 ? factShare : (double)mostSharedFacts / ofB.Facts;
        return ofA.Facts < MinFactsBothWays || termRatio < SimilarSize || factShare < FactsKeptBothWays || otherFactShare < FactsKeptBothWays;
    }

    /// <summary>
    /// The test of <see cref="ParaphraseMeasure.Digest"/> on a text's distinct terms, size ratio and shares (whole, or
    /// the upper bounds <see cref="CannotPass"/> gives mid-merge).
    /// </summary>
    internal static bool IsDigest(int terms, double termRatio, double content, double factShare, int minTerms) =>
        terms >= minTerms && termRatio <= DigestSize && content >= DigestContent && factShare >= DigestFacts;

    /// <summary>The entry of a term: its hash's top 22 bits, its flags and its sentence.</summary>
    public static uint Entry(ulong hash, bool number, bool name, int sentence) =>
        ((uint)(hash >> (64 - 32 + KeyShift)) << KeyShift) | (number ? NumberFlag : 0) | (name ? NameFlag : 0) | (uint)Math.Min(sentence, MaxSentence);

    /// <summary>The term an entry stands for.</summary>
    public static uint Key(uint entry) => entry >> KeyShift;

    /// <summary>Whether an entry is a fact (a name or a number; not a capital of style: <see cref="StyleCapitalFlags"/>).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static bool IsFact(uint entry) => ((entry >> FlagShift) & 3) - 1 < 2; // the flags 01 or 10, not 00 or 11 (inlined: the merges call it a term)

    /// <summary>Whether an entry is a number.</summary>
    public static bool IsNumber(uint entry) => (entry & StyleCapitalFlags) == NumberFlag;

    /// <summary>
    /// Measures two articles' paraphrase entries (sorted ascending); the article with fewer entries is the one measured.
    /// Unless <paramref name="alwaysAlign"/>, the sentences are aligned only when the term counts leave the score room
    /// to reach <paramref name="atLeast"/> (<paramref name="atLeastFactsBothWays"/> for two texts that keep each other's
    /// facts: <see cref="ParaphraseMeasure.FactsBothWays"/>) at <paramref name="verbatim"/> containment (an unrelated
    /// pair shares too few terms to score, and most candidates are unrelated).
    /// </summary>
    public static ParaphraseMeasure Measure(uint[] first, uint[] second, bool alwaysAlign = true, double verbatim = 0, double atLeast = 0, double atLeastFactsBothWays = 0)
        => Measure(first, second, null, null, alwaysAlign, verbatim, atLeast, atLeastFactsBothWays);

    /// <summary>As <see cref="Measure(uint[], uint[], bool, double, double, double)"/>, given each side's distinct counts (<see cref="CountDistinct"/>) when known.</summary>
    public static ParaphraseMeasure Measure(uint[] first, uint[] second, (int Terms, int Facts)? firstCounts, (int Terms, int Facts)? secondCounts, bool alwaysAlign = true, double verbatim = 0, double atLeast = 0, double atLeastFactsBothWays = 0, bool largerSide = false)
        => Measure((ReadOnlySpan<uint>)first, second, firstCounts, secondCounts, alwaysAlign, verbatim, atLeast, atLeastFactsBothWays, largerSide);

    /// <summary>
    /// As <see cref="Measure(uint[], uint[], ValueTuple{int, int}?, ValueTuple{int, int}?, bool, double, double, double, bool)"/>, on entries read into spans (a scan decodes them).
    /// Unless <paramref name="alwaysAlign"/>, a pair sharing fewer than <paramref name="minShared"/> terms is not aligned either (its score would not count).
    /// </summary>
    public static ParaphraseMeasure Measure(ReadOnlySpan<uint> first, ReadOnlySpan<uint> second, (int Terms, int Facts)? firstCounts, (int Terms, int Facts)? secondCounts, bool alwaysAlign = true, double verbatim = 0, double atLeast = 0, double atLeastFactsBothWays = 0, bool largerSide = false, int minShared = 0)
    {
        bool firstIsA = MeasuresFirst(first, second, largerSide);
        ReadOnlySpan<uint> a = firstIsA ? first : second;
        ReadOnlySpan<uint> b = firstIsA ? second : first;
        if (a.Length == 0)
        {
            return default;
        }

        (int Terms, int Facts) ofB = (firstIsA ? secondCounts : firstCounts) ?? CountDistinct(b);

        if (!alwaysAlign)
        {
            // The score with every sentence aligned is the most the pair can reach. Given the measured side's own
            // counts, the merge stops where even the terms left could not lift the pair to the lower bar.
            (int Terms, int Facts)? ofA = firstIsA ? firstCounts : secondCounts;
            double bar = Math.Min(atLeast, atLeastFactsBothWays);
            ParaphraseMeasure counts = CountTerms(a, b, ofB, ofA ?? default, minShared, bar, VerbatimDiscount * verbatim, out bool cut);
            bar = counts.FactsBothWays ? bar : atLeast;
            if (cut || !counts.SharesEnough(minShared) || ((counts.Content + counts.FactShare + 1) / 3) - (VerbatimDiscount * verbatim) < bar)
            {
                return counts;
            }
        }

        // The early exits above are compiled at tier 0 on first use; Align, which loops over every term, is compiled
        // optimized at once (docs/architecture.md, "First calls").
        return Align(a, b, ofB);
    }

    /// <summary>
    /// Whether <paramref name="first"/> is the side <see cref="Measure(ReadOnlySpan{uint}, ReadOnlySpan{uint}, ValueTuple{int, int}?, ValueTuple{int, int}?, bool, double, double, double, bool, int)"/>
    /// measures: the smaller is measured against the larger (the larger against the smaller with
    /// <paramref name="largerSide"/>); between two of one size the order of their entries decides, so that the measure
    /// is the same whichever article is the query.
    /// </summary>
    private static bool MeasuresFirst(ReadOnlySpan<uint> first, ReadOnlySpan<uint> second, bool largerSide)
    {
        int order = first.Length != second.Length ? first.Length.CompareTo(second.Length) : first.SequenceCompareTo(second);
        return (order <= 0) != largerSide;
    }

    /// <summary>
    /// Whether the side <see cref="Measure(ReadOnlySpan{uint}, ReadOnlySpan{uint}, ValueTuple{int, int}?, ValueTuple{int, int}?, bool, double, double, double, bool, int)"/>
    /// measures cannot keep the other's facts: its whole measure's <see cref="ParaphraseMeasure.SameFacts"/> is false.
    /// One merge, which stops as soon as even the terms and facts not yet merged, all shared, could not make the facts
    /// kept (<see cref="ParaphraseMeasure.SameFacts"/> only grows with the shared counts, so the bound never says "cannot"
    /// where the whole merge would not). Every measure of the pair, aligned or cut short, then has facts not kept.
    /// </summary>
    public static bool CannotKeepFacts(ReadOnlySpan<uint> first, ReadOnlySpan<uint> second, (int Terms, int Facts) firstCounts, (int Terms, int Facts) secondCounts)
    {
        bool firstIsA = MeasuresFirst(first, second, largerSide: false);
        ReadOnlySpan<uint> a = firstIsA ? first : second;
        if (a.Length == 0)
        {
            // Measured as nothing shared: no facts kept.
            return true;
        }

        ParaphraseMeasure counts = CountTerms(a, firstIsA ? second : first, firstIsA ? secondCounts : firstCounts, firstIsA ? firstCounts : secondCounts, 0, 0, 0, out bool cut, factsOnly: true);
        return cut || !counts.SameFacts;
    }

    /// <summary>The 64-bit words of each of a text's two term bitmaps (<see cref="TermBits"/>): 256 bits.</summary>
    public const int BitmapWords = 4;

    /// <summary>
    /// A text's two bitmaps of 256 bits, indexed by the low 8 bits of a term's key: every term's bit in
    /// <paramref name="terms"/>, every fact's in <paramref name="facts"/> (a term is a fact when any of its entries is,
    /// as <see cref="CountDistinct"/> counts it). They bound what two texts can share without their entries
    /// (<see cref="CannotKeepFactsByBits"/>).
    /// </summary>
    /// <param name="entries">The text's entries, sorted.</param>
    /// <param name="terms">Receives the terms' bitmap (<see cref="BitmapWords"/> words).</param>
    /// <param name="facts">Receives the facts' bitmap (<see cref="BitmapWords"/> words).</param>
    public static void TermBits(ReadOnlySpan<uint> entries, Span<ulong> terms, Span<ulong> facts)
    {
        terms[..BitmapWords].Clear();
        facts[..BitmapWords].Clear();
        foreach (uint entry in entries)
        {
            int bit = (int)(Key(entry) & 0xFF);
            ulong mask = 1UL << (bit & 63);
            terms[bit >> 6] |= mask;
            facts[bit >> 6] |= IsFact(entry) ? mask : 0;
        }
    }

    /// <summary>
    /// Whether the bitmaps (<see cref="TermBits"/>), entry counts and distinct counts of two texts already show that
    /// <see cref="CannotKeepFacts"/> is true of them, their entries unread: a fact of the measured side whose bit is
    /// not among the other's terms is not shared, so the measured side shares at most its facts less the bits of its
    /// facts that the other lacks, and when even that many cannot keep the facts
    /// (<see cref="ParaphraseMeasure.SameFacts"/> only grows with the shared facts), no merge can. False says nothing:
    /// the merge must tell. Two texts of as many entries are measured in the order of their entries, so both orders
    /// must fail.
    /// </summary>
    public static bool CannotKeepFactsByBits(
        ReadOnlySpan<ulong> bitsFirst,
        int entriesFirst,
        (int Terms, int Facts) firstCounts,
        ReadOnlySpan<ulong> bitsSecond,
        int entriesSecond,
        (int Terms, int Facts) secondCounts)
    {
        // bits: the terms' bitmap, then the facts'.
        return entriesFirst < entriesSecond ? Cannot(bitsFirst, firstCounts, bitsSecond, secondCounts)
            : entriesFirst > entriesSecond ? Cannot(bitsSecond, secondCounts, bitsFirst, firstCounts)
            : Cannot(bitsFirst, firstCounts, bitsSecond, secondCounts) && Cannot(bitsSecond, secondCounts, bitsFirst, firstCounts);

        static bool Cannot(ReadOnlySpan<ulong> measured, (int Terms, int Facts) ofMeasured, ReadOnlySpan<ulong> other, (int Terms, int Facts) ofOther)
        {
            if (ofMeasured.Facts == 0)
            {
                // The fact share is then the content share: the bitmaps bound no fact.
                return false;
            }

            int missing = 0;
            for (int w = 0; w < BitmapWords; w++)
            {
                missing += BitOperations.PopCount(measured[BitmapWords + w] & ~other[w]);
            }

            return !new ParaphraseMeasure(ofMeasured.Terms, 0, ofMeasured.Facts, ofMeasured.Facts - missing, 0, 0, 0, 0, ofOther.Terms, ofOther.Facts).SameFacts;
        }
    }

    /// <summary>The alignment of <paramref name="a"/>'s sentences with <paramref name="b"/>'s.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static ParaphraseMeasure Align(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b, (int Terms, int Facts) ofB)
    {
        Span<int> termsIn = stackalloc int[MaxSentence + 1];
        Span<int> numbersIn = stackalloc int[MaxSentence + 1];
        Span<int> absentIn = stackalloc int[MaxSentence + 1];
        termsIn.Clear();
        numbersIn.Clear();
        absentIn.Clear();
        foreach (uint e in a)
        {
            int s = (int)(e & MaxSentence);
            termsIn[s]++;
            numbersIn[s] += IsNumber(e) ? 1 : 0;
        }

        // Each shared term pairs the sentences holding it on both sides: (sentence in a, sentence in b, number bit).
        uint[] rented = System.Buffers.ArrayPool<uint>.Shared.Rent(Math.Max(16, MaxPairsPerEntry * a.Length));
        int pairCount = 0;
        int terms = 0, shared = 0, facts = 0, sharedFacts = 0;
        int i = 0, j = 0;
        while (i < a.Length)
        {
            uint key = Key(a[i]);
            int i2 = i;
            bool fact = false;
            while (i2 < a.Length && Key(a[i2]) == key)
            {
                fact |= IsFact(a[i2]);
                i2++;
            }

            while (j < b.Length && Key(b[j]) < key)
            {
                j++;
            }

            int j2 = j;
            while (j2 < b.Length && Key(b[j2]) == key)
            {
                j2++;
            }

            terms++;
            facts += fact ? 1 : 0;
            if (j2 == j && IsNumber(a[i]))
            {
                // A number b holds nowhere (see the digest's missing numbers below).
                for (int x = i; x < i2; x++)
                {
                    absentIn[(int)(a[x] & MaxSentence)] += IsNumber(a[x]) ? 1 : 0;
                }
            }
            else if (j2 > j)
            {
                shared++;
                sharedFacts += fact ? 1 : 0;
                uint number = IsNumber(a[i]) ? NumberFlag : 0;
                int limit = j + (fact ? MaxPairsPerFact : MaxPairsPerEntry);
                if (pairCount + ((i2 - i) * (Math.Min(j2, limit) - j)) > rented.Length)
                {
                    uint[] larger = System.Buffers.ArrayPool<uint>.Shared.Rent(2 * (pairCount + ((i2 - i) * (Math.Min(j2, limit) - j))));
                    rented.AsSpan(0, pairCount).CopyTo(larger);
                    System.Buffers.ArrayPool<uint>.Shared.Return(rented);
                    rented = larger;
                }

                for (int x = i; x < i2; x++)
                {
                    for (int y = j; y < j2 && y < limit; y++)
                    {
                        // The last index is no sentence but the rest of a long text (see MaxSentence): nothing aligns with it.
                        if ((b[y] & MaxSentence) != MaxSentence)
                        {
                            rented[pairCount++] = ((a[x] & MaxSentence) << 9) | ((b[y] & MaxSentence) << 1) | (number >> 9);
                        }
                    }
                }
            }

            i = i2;
            j = j2;
        }

        // For each sentence of a: the sentence of b sharing the most terms with it, and how many of them are numbers.
        Span<int> best = stackalloc int[MaxSentence + 1];
        Span<int> bestNumbers = stackalloc int[MaxSentence + 1];
        BestSentences(rented.AsSpan(0, pairCount), best, bestNumbers);
        System.Buffers.ArrayPool<uint>.Shared.Return(rented);
        int alignable = 0, aligned = 0, numbered = 0, missing = 0, absent = 0;
        for (int s = 0; s < MaxSentence; s++)
        {
            int n = termsIn[s];
            if (n < MinSentenceTerms)
            {
                continue;
            }

            alignable += n;
            if (best[s] >= 2 && best[s] >= SentenceAlignment * n)
            {
                aligned += n;
                numbered += numbersIn[s];
                missing += numbersIn[s] - bestNumbers[s];
                absent += absentIn[s];
            }
        }

        // A digest (at most DigestSize of the other's terms) merges and reorders its source's sentences: a number of its
        // sentence that the aligned one lacks is missing only if its source holds it nowhere. Texts of similar size are
        // held to their aligned sentences: a weekly report repeats last week's figure in another sentence.
        if (OfDigestSize(terms, ofB.Terms))
        {
            missing = absent;
        }

        return new ParaphraseMeasure(terms, shared, facts, sharedFacts, alignable, aligned, numbered, missing, ofB.Terms, ofB.Facts);
    }

    /// <summary>
    /// For each sentence s of a, from the (sentence in a, sentence in b, number bit) pairs of shared terms (as
    /// <see cref="Measure(ReadOnlySpan{uint}, ReadOnlySpan{uint}, ValueTuple{int, int}?, ValueTuple{int, int}?, bool, double, double, double, bool, int)"/>
    /// packs them: a's sentence from bit 9, b's from bit 1): in <paramref name="best"/>[s] the most pairs any one
    /// sentence of b shares with s (the first such sentence of b in order) and in <paramref name="bestNumbers"/>[s] how
    /// many of those are numbers; 0 where s shares nothing. The pairs are sorted by <see cref="RadixSort"/> (a
    /// comparison sort of them took a tenth of a scan of exact copies), then counted run by run.
    /// </summary>
    internal static void BestSentences(Span<uint> pairs, Span<int> best, Span<int> bestNumbers)
    {
        // Most articles have a few dozen sentences: the pairs are counted in a table of (sentence of a, sentence of b),
        // not sorted (the sort and the count of its runs were a twentieth of a scan of a corpus sent again).
        uint last = 0;
        foreach (uint p in pairs)
        {
            last |= p;
        }

        // The table's sides: past the largest sentence numbers (the numbers' bits or-ed together are at least the largest).
        int rows = (int)(last >> 9) + 1;
        int width = (int)((last >> 1) & MaxSentence) + 1;
        if (rows * width <= DenseCells)
        {
            CountInTable(pairs, rows, width, best, bestNumbers);
            return;
        }

        uint[] scratch = System.Buffers.ArrayPool<uint>.Shared.Rent(Math.Max(1, pairs.Length));
        RadixSort.Sort(pairs, scratch);
        System.Buffers.ArrayPool<uint>.Shared.Return(scratch);
        CountRuns(pairs, best, bestNumbers);
    }

    /// <summary>The most cells of the table <see cref="BestSentences"/> counts pairs in (64 sentences by 64); more are sorted.</summary>
    internal const int DenseCells = 4096;

    [ThreadStatic]
    private static int[]? t_cells;

    /// <summary>
    /// <see cref="BestSentences"/> by a table of <paramref name="rows"/> sentences of a by <paramref name="width"/> of b
    /// (every pair's sentences below them): each pair counted in its cell, then each row read in b's order, the first
    /// largest count kept, as the runs of the sorted pairs are.
    /// </summary>
    private static void CountInTable(ReadOnlySpan<uint> pairs, int rows, int width, Span<int> best, Span<int> bestNumbers)
    {
        int cells = rows * width;
        int[] table = t_cells ??= new int[2 * DenseCells];
        Span<int> counts = table.AsSpan(0, cells);
        Span<int> numbers = table.AsSpan(DenseCells, cells);
        counts.Clear();
        numbers.Clear();
        foreach (uint p in pairs)
        {
            int cell = ((int)(p >> 9) * width) + (int)((p >> 1) & MaxSentence);
            counts[cell]++;
            numbers[cell] += (int)(p & 1);
        }

        best.Clear();
        bestNumbers.Clear();
        for (int s = 0; s < rows; s++)
        {
            ReadOnlySpan<int> row = counts.Slice(s * width, width);
            int most = 0, at = -1;
            for (int b = 0; b < row.Length; b++)
            {
                if (row[b] > most)
                {
                    most = row[b];
                    at = b;
                }
            }

            if (at >= 0)
            {
                best[s] = most;
                bestNumbers[s] = numbers[(s * width) + at];
            }
        }
    }

    /// <summary>The reference for <see cref="BestSentences"/> (tests): the pairs sorted by comparison, then counted alike.</summary>
    internal static void BestSentencesReference(Span<uint> pairs, Span<int> best, Span<int> bestNumbers)
    {
        pairs.Sort();
        CountRuns(pairs, best, bestNumbers);
    }

    /// <summary>Each sentence of a's best partner from the sorted pairs: the first longest run of one (a, b) sentence pair.</summary>
    private static void CountRuns(ReadOnlySpan<uint> pairs, Span<int> best, Span<int> bestNumbers)
    {
        best.Clear();
        bestNumbers.Clear();
        int p = 0;
        while (p < pairs.Length)
        {
            uint sentences = pairs[p] >> 1;
            int count = 0, numbers = 0;
            while (p < pairs.Length && pairs[p] >> 1 == sentences)
            {
                count++;
                numbers += (int)(pairs[p] & 1);
                p++;
            }

            int s = (int)(sentences >> 8);
            if (count > best[s])
            {
                best[s] = count;
                bestNumbers[s] = numbers;
            }
        }
    }
}

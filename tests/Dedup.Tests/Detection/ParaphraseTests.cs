using Dedup.Detection;
using Dedup.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Dedup.Tests.Detection;

public class ParaphraseTests
{
    /// <summary>The harbour story (TestArticles.Harbour) told again in other words, as a language model rewrites it: every sentence new, the facts kept.</summary>
    private const string HarbourRetold = """
        Councillors have given the go-ahead for a rebuild of the town's ageing harbour wall, which has been shut to visitors ever since storms battered it in 2019.

        Maria Okafor, the council leader, called the wall vital to the town's fishing boats and to the many visitors who stroll on it each summer. The scheme carries a price tag of 14 million pounds and should be finished within three years.

        Speaking to journalists after Tuesday's vote, she said the town had been kept waiting for this decision for far too long and called the harbour the heart of the community, one that must be safeguarded for the next century.

        Engineers will survey the foundations before a single stone is moved. The work should begin in spring, when the weather is calmer and before the fishing season has started.

        Local businesses were pleased with the news, but some residents raised worries about noise and traffic during construction. The council promised to publish a detailed schedule and to hold public meetings before the works.

        Built in 1847, the wall was last patched up in the 1970s after a smaller stretch gave way during a winter storm.
        """;

    private const string RepoMonday = """
        FED ADDS RESERVES VIA CUSTOMER REPURCHASES

        The Federal Reserve entered the government securities market to arrange 1.5 billion dlrs of customer repurchase agreements, a Fed spokesman said.

        Dealers said that Federal funds were trading at 6-1/4 pct when the Fed began its temporary and indirect supply of reserves to the banking system.

        Economists said the Fed was expected to add 2.3 billion dlrs in reserves this week to offset the drain from higher Treasury balances at the Fed, which reached 4.1 billion dlrs on Friday.

        The Fed last added reserves through customer repurchases on March 3, when it arranged 1.2 billion dlrs of agreements.
        """;

    private const string RepoThursday = """
        FED ADDS RESERVES VIA CUSTOMER REPURCHASES

        The Federal Reserve entered the government securities market to arrange 2.5 billion dlrs of customer repurchase agreements, a Fed spokesman said.

        Dealers said that Federal funds were trading at 6-3/8 pct when the Fed began its temporary and indirect supply of reserves to the banking system.

        Economists said the Fed was expected to add 1.7 billion dlrs in reserves this week to offset the drain from higher Treasury balances at the Fed, which reached 5.6 billion dlrs on Wednesday.

        The Fed last added reserves through customer repurchases on March 10, when it arranged 1.8 billion dlrs of agreements.
        """;

    private const string HarborDebentures = """
        Harbor Foods Corp is raising 200 mln dlrs through an offering of debentures due 2017 yielding 8.77 pct, said lead manager Salomon Brothers Inc.

        The debentures have an 8-3/4 pct coupon and were priced at 99.784 to yield 120 basis points over the off-the-run 9-1/4 pct Treasury bonds of 2016.

        Non-refundable for 10 years, the issue is rated A-1 by Moody's and A by Standard and Poor's. A sinking fund starting in 1998 to retire five pct of the debentures annually can be increased by 150 pct at the company's option, giving them estimated average lives of 20.5 or 14.5 years, Salomon said.
        """;

    private const string NorthernDebentures = """
        Northern Bottling Co is raising 300 mln dlrs via an issue of debentures due 2017 that yield 8.807 pct, lead manager Salomon Brothers Inc said.

        The debentures were assigned an 8-3/4 pct coupon and priced at 99.40 to yield 115 basis points over the off-the-run 9-1/4 pct Treasury bonds of 2016.

        The issue is non-refundable for 10 years. Moody's rates it A-2 and Standard and Poor's rates it A. A sinking fund beginning in 1998 will retire five pct of the debentures a year; the company may increase it by 200 pct, giving an estimated average life of 21.5 years, Salomon said.
        """;

    private const string DebenturesRohr = """
        Rohr Industries Inc is raising 150 mln dlrs through an offering of subordinated debentures due 2017 with a 9-1/4 pct coupon and par pricing, said lead manager Dillon, Read and Co Inc.

        Non-refundable for 10 years, the issue is rated Baa-2 by Moody's and BBB by Standard and Poor's.

        A sinking fund beginning in 1998 to retire five pct of the debt annually can be increased by 200 pct at the company's option, giving the debentures an estimated minimum life of 13.9 years.
        """;

    private const string DebenturesRohrRetold = """
        Rohr Industries Inc plans to raise 150 mln dlrs by selling subordinated debentures that mature in 2017, carrying a 9-1/4 pct coupon and priced at par, according to lead manager Dillon, Read and Co Inc.

        Moody's rates the issue Baa-2 while Standard and Poor's rates it BBB, and it cannot be refunded for 10 years.

        Starting in 1998 a sinking fund retires five pct of the debt each year, and the company may raise it by 200 pct, so the debentures should last at least 13.9 years.
        """;

    private const string German = """
        Berlin (dpa) - Die Bundesregierung will den Ausbau der Windenergie an Land deutlich beschleunigen. Wirtschaftsminister Robert Habeck stellte am Mittwoch in Berlin einen Gesetzentwurf vor, nach dem Genehmigungsverfahren künftig höchstens zwei Jahre dauern sollen.

        Bislang warten Betreiber oft fünf bis sieben Jahre auf eine Genehmigung. Bis 2030 sollen Windräder an Land eine Leistung von 115 Gigawatt erreichen, mehr als doppelt so viel wie heute.

        Die Länder sollen dafür zwei Prozent ihrer Fläche für Windkraft ausweisen. Umweltverbände begrüßten den Entwurf, Naturschützer warnten jedoch vor Eingriffen in Schutzgebiete.

        Die Opposition kritisierte, der Plan komme zu spät und gehe nicht weit genug. Der Bundestag soll noch vor der Sommerpause über das Gesetz abstimmen.
        """;

    private const string Chinese = """
        国家统计局周三公布的数据显示，今年前三个季度全国居民人均可支配收入实际增长百分之五点二。城镇居民收入增长快于农村居民，但农村居民收入增速有所回升。

        统计局发言人表示，消费市场持续恢复，服务消费增长明显。专家认为，稳定就业和提高居民收入仍是扩大内需的关键。

        数据还显示，全国城镇调查失业率平均值为百分之五点三，比上半年下降零点一个百分点。
        """;

    [Theory]
    [InlineData("takeovers", "takeover")]
    [InlineData("finalised", "finalise")]
    [InlineData("finalises", "finalised")]
    [InlineData("companies", "company")]
    [InlineData("policies", "policy")]
    [InlineData("agreements", "agreement")]
    [InlineData("stopped", "stop")]
    public void Suffix_stripper_gives_inflected_forms_one_stem(string first, string second)
    {
        Assert.Equal(Stem(first), Stem(second));
    }

    [Theory]
    [InlineData("tax")]
    [InlineData("news")]
    [InlineData("bank")]
    public void Suffix_stripper_leaves_short_words_alone(string word)
    {
        Assert.Equal(word, Stem(word));
    }

    [Fact]
    public void Suffix_stripper_keeps_different_words_apart()
    {
        Assert.NotEqual(Stem("harbour"), Stem("harvest"));
        Assert.NotEqual(Stem("council"), Stem("counsel"));
    }

    [Theory]
    [InlineData("1,200", "1200")]
    [InlineData("1200", "1200")]
    [InlineData("1.2bn", "1.2")]
    [InlineData("4.50", "4.5")]
    [InlineData("3.0", "3")]
    [InlineData("2019", "2019")]
    [InlineData("21st", "21")]
    [InlineData("30.6", "30.6")]
    [InlineData("\uFF11\uFF15\uFF10\uFF10", "1500")] // full-width digits, as CJK text writes them
    [InlineData("\uFF13\uFF0E\uFF15", "3.5")]
    [InlineData("\u0661\u0662", "12")] // Arabic-Indic digits
    [InlineData("\uFF11\uFF12%", "12")]
    public void Numbers_are_written_in_one_form(string token, string expected)
    {
        Span<char> buffer = stackalloc char[32];
        int n = FactNormalizer.Number(token, buffer);
        Assert.Equal(expected, buffer[..n].ToString());
    }

    [Fact]
    public void Number_words_are_numbers()
    {
        Assert.Equal(5, FactNormalizer.NumberWord("five"));
        Assert.Equal(12, FactNormalizer.NumberWord("twelve"));
        Assert.Equal(-1, FactNormalizer.NumberWord("fives"));
        Assert.Equal(-1, FactNormalizer.NumberWord("harbour"));
    }

    [Fact]
    public void A_retelling_that_keeps_the_facts_is_a_rewritten_copy()
    {
        var detector = new CopyDetector();
        Comparison c = detector.Compare(new Article("a", TestArticles.Harbour, "Council approves harbour wall rebuild"), new Article("b", HarbourRetold, "Go-ahead for harbour wall rebuild"));

        Assert.Equal(CopyKind.Rewritten, c.Kind);
        Assert.True(c.Scores.ParaphraseScore >= 0.7, $"paraphrase {c.Scores.ParaphraseScore}");
        Assert.True(c.Scores.FactScore >= 0.7, $"facts {c.Scores.FactScore}");
        Assert.True(c.Scores.ContainmentOfFirst < 0.3, $"containment {c.Scores.ContainmentOfFirst}: the retelling should share few phrases");
    }

    /// <summary>
    /// A close paraphrase rewords every sentence, so its content-word share falls to about half and its paraphrase score
    /// below <see cref="Verifier.ParaphraseCopy"/>; it keeps every name and number both ways, which a follow-up (facts of
    /// its own) and a short note (too few facts to say) do not. The measures are those of a dev-llm paraphrase.
    /// </summary>
    [Fact]
    public void A_paraphrase_that_keeps_the_facts_both_ways_is_rewritten_below_the_plain_paraphrase_bar()
    {
        static PairMeasure Pair(int facts, int sharedFacts, int otherFacts) => new(
            300, 310, 10, 300, 300, 20, 10, 0, 10, 0,
            new ParaphraseMeasure(100, 53, facts, sharedFacts, 100, 48, 0, 0, 105, otherFacts));

        PairMeasure paraphrase = Pair(23, 22, 22);
        Assert.True(paraphrase.Paraphrase.FactsBothWays);
        Assert.InRange(paraphrase.ParaphraseScore, Verifier.ParaphraseCopyFactsBothWays, Verifier.ParaphraseCopy - 0.01);
        Assert.Equal(CopyKind.Rewritten, Verifier.Classify(false, paraphrase, 0.4)?.Kind);

        // The larger text holds 13 facts the smaller lacks: same story, more news (the facts are "the same" one way only).
        PairMeasure followUp = Pair(23, 22, 35);
        Assert.True(followUp.Paraphrase.SameFacts);
        Assert.False(followUp.Paraphrase.FactsBothWays);
        Assert.Null(Verifier.Classify(false, followUp, 0.4));

        // Four facts, all shared: too few to lower the bar.
        PairMeasure fewFacts = Pair(4, 4, 4);
        Assert.False(fewFacts.Paraphrase.FactsBothWays);
        Assert.Null(Verifier.Classify(false, fewFacts, 0.4));
    }

    /// <summary>The suffix stripper, trying only the suffixes that end in a word's last letter, strips as trying every one does.</summary>
    [FsCheck.Xunit.Property(MaxTest = 1000)]
    public Property Stripping_by_the_last_letter_strips_as_trying_every_suffix(int seed)
    {
        var random = new Random(seed);
        string[] endings = ["ational", "ization", "ements", "ations", "ment", "ings", "edly", "ing", "ies", "ied", "ers", "er", "ed", "ly", "es", "s", "e", "y", "ll", "tt", "\u00E9", "9", ""];
        string stem = new([.. Enumerable.Range(0, random.Next(0, 8)).Select(_ => (char)('a' + random.Next(26)))]);
        string word = stem + endings[random.Next(endings.Length)];
        char[] a = word.ToCharArray(), b = word.ToCharArray();
        int stripped = SuffixStripper.Strip(a), reference = SuffixStripper.StripReference(b);
        return (stripped == reference && a.AsSpan(0, stripped).SequenceEqual(b.AsSpan(0, reference))).Label($"{word}: {new string(a, 0, stripped)} against {new string(b, 0, reference)}");
    }

    /// <summary>
    /// The best sentence of b for each sentence of a, found by grouping and counting, is the one the sorted pairs give
    /// (the most pairs, the first such sentence of b, its numbers), whatever the pairs: few sentences (ties) or all 256,
    /// runs of one pair or hundreds.
    /// </summary>
    [FsCheck.Xunit.Property(MaxTest = 500)]
    public Property The_best_sentences_counted_are_those_of_the_sorted_pairs(int seed, ushort length, byte sentencesA, byte sentencesB)
    {
        var random = new Random(seed);
        int inA = 1 + sentencesA, inB = 1 + (sentencesB % 8 == 0 ? sentencesB : sentencesB % 8);
        uint[] pairs = [.. Enumerable.Range(0, length % 3000).Select(_ => ((uint)random.Next(inA) << 9) | ((uint)random.Next(inB) << 1) | (uint)random.Next(2))];
        int[] best = new int[Paraphrase.MaxSentence + 1], numbers = new int[Paraphrase.MaxSentence + 1];
        int[] expectedBest = new int[Paraphrase.MaxSentence + 1], expectedNumbers = new int[Paraphrase.MaxSentence + 1];
        Array.Fill(best, -1);
        Array.Fill(numbers, -1);
        Paraphrase.BestSentences((uint[])pairs.Clone(), best, numbers);
        Paraphrase.BestSentencesReference((uint[])pairs.Clone(), expectedBest, expectedNumbers);
        return (best.SequenceEqual(expectedBest) && numbers.SequenceEqual(expectedNumbers)).Label($"{pairs.Length} pairs in {inA} x {inB} sentences");
    }

    /// <summary>Of two sentences of b sharing as many terms with a sentence of a, the first counts, with its own numbers.</summary>
    [Fact]
    public void Of_two_equally_good_sentences_the_first_one_and_its_numbers_count()
    {
        static uint Pair(int a, int b, bool number) => ((uint)a << 9) | ((uint)b << 1) | (number ? 1u : 0u);
        uint[] pairs = [Pair(3, 7, true), Pair(3, 7, true), Pair(3, 2, false), Pair(3, 2, true), Pair(0, 5, false)];
        int[] best = new int[Paraphrase.MaxSentence + 1], numbers = new int[Paraphrase.MaxSentence + 1];
        Paraphrase.BestSentences(pairs, best, numbers);
        Assert.Equal((2, 1), (best[3], numbers[3]));
        Assert.Equal((1, 0), (best[0], numbers[0]));
        Assert.Equal(0, best[1]);
    }

    /// <summary>
    /// The distinct counts an article caches (<see cref="ArticleFeatures.ParaphraseCounts"/>) give the measure counting
    /// them each time gives; or, when the pair need not be aligned, a measure cut short where the terms left could not
    /// lift it to the alignment's gate: then the whole measure is not aligned either, the cut one has the same totals
    /// and at most its shares, and a verifier with no other evidence finds no copy in either.
    /// </summary>
    [FsCheck.Xunit.Property(MaxTest = 500)]
    public Property A_measure_given_the_cached_counts_equals_one_that_counts_or_is_cut_short_where_it_cannot_align(int seed, byte lengthA, byte lengthB, bool alwaysAlign, byte verbatimPercent, bool needShared, byte shift)
    {
        // Entries of up to 150 distinct terms in 12 sentences, so that terms repeat across sentences and are shared; the
        // second side's terms shifted, so that the two share anything from all to none of them.
        var random = new Random(seed);
        uint[] Entries(int count, int shift) => [.. Enumerable.Range(0, count).Select(_ => (uint)random.Next()).Select(v => ((v % 150) + (uint)shift << Paraphrase.KeyShift) | (v & (Paraphrase.NumberFlag | Paraphrase.NameFlag)) | ((v >> 16) % 12)).Distinct().Order()];
        uint[] a = Entries(lengthA, 0), b = Entries(lengthB, shift % 160);
        double verbatim = verbatimPercent % 40 / 100.0;
        int minShared = needShared ? 20 : 0;
        ParaphraseMeasure counted = Paraphrase.Measure(a, b, null, null, alwaysAlign, verbatim, 0.7, 0.6, minShared: minShared);
        ParaphraseMeasure cached = Paraphrase.Measure(a, b, Paraphrase.CountDistinct(a), Paraphrase.CountDistinct(b), alwaysAlign, verbatim, 0.7, 0.6, minShared: minShared);
        if (counted == cached)
        {
            return true.ToProperty();
        }

        bool lowerBounds = !alwaysAlign && counted.AlignableTerms == 0 && cached.AlignableTerms == 0
            && cached.Terms == counted.Terms && cached.Facts == counted.Facts && cached.OtherTerms == counted.OtherTerms && cached.OtherFacts == counted.OtherFacts
            && cached.SharedTerms <= counted.SharedTerms && cached.SharedFacts <= counted.SharedFacts;

        // Verbatim evidence below the threshold of 0.5 and no skeleton or lead evidence: only the paraphrase could make a copy.
        int shared = (int)(verbatim * 100);
        var o = new PairMeasure(100, 100, shared, 100, 100, 0, 0, 0, 0, 0, default);
        bool noCopy = Verifier.Classify(false, o with { Paraphrase = counted }, 0.5) is null && Verifier.Classify(false, o with { Paraphrase = cached }, 0.5) is null;
        return (lowerBounds && noCopy).Label($"counted {counted}, cached {cached}");
    }

    /// <summary>
    /// <see cref="Paraphrase.CannotKeepFacts"/>, which may stop its merge early, says "cannot" exactly when the whole
    /// measure of the pair has its facts not kept; a pair <see cref="Verifier.SurelyNoCopy"/> calls surely no copy is
    /// no copy by <see cref="Verifier.Classify"/> of its whole measure at any threshold, however much of its skeleton is
    /// shared, with one side's boilerplate left in and counted (as a live detector reads an indexed article) or not; and
    /// <see cref="Verifier.Verify"/> gives what the whole measure's classification gives, with its measure for a copy.
    /// </summary>
    [FsCheck.Xunit.Property(MaxTest = 1000)]
    public Property A_pair_told_apart_by_its_words_and_facts_alone_is_no_copy_by_its_whole_measure(int seed, byte lengthA, byte lengthB, byte shift, byte wordsShift, byte skeletonShift, byte leadLength, byte boilerplateLead)
    {
        var random = new Random(seed);
        uint[] Entries(int count, int shift) => [.. Enumerable.Range(0, count).Select(_ => (uint)random.Next()).Select(v => ((v % 150) + (uint)shift << Paraphrase.KeyShift) | (v & (Paraphrase.NumberFlag | Paraphrase.NameFlag)) | ((v >> 16) % 12)).Distinct().Order()];
        uint[] Set(int count, int shift) => [.. Enumerable.Range(0, count).Select(_ => (uint)(random.Next(count + 1) + shift)).Distinct().Order()];
        uint[] termsA = Entries(lengthA, 0), termsB = Entries(lengthB, shift % 160);

        // Word sets from sharing all to sharing a handful or none; skeletons often much shared; leads part of the words
        // (as an article's are), one of them at times the other's lead with a few shingles of its own (then the words
        // shared are those of that lead and any others).
        uint[] wordsA = Set(60 + (lengthA % 100), 0), wordsB = Set(60 + (lengthB % 100), wordsShift % 2 == 0 ? 1000 : wordsShift % 170);
        uint[] skeletonA = Set(80, 0), skeletonB = Set(80, skeletonShift % 100);
        uint[] leadA = [.. wordsA.Take(leadLength % 40)];
        uint[] leadB = leadLength % 3 == 0
            ? [.. wordsA.Take(16 + ((leadLength / 3) % 24)).Concat(Enumerable.Range(0, leadLength % 4).Select(x => (uint)(5000 + x))).Order()]
            : [.. wordsB.Take((leadLength / 2) % 40)];
        wordsB = [.. wordsB.Union(leadB).Order()];
        (int Terms, int Facts) countsA = Paraphrase.CountDistinct(termsA), countsB = Paraphrase.CountDistinct(termsB);

        // The second side's boilerplate left in and counted, on a third of the cases: its lead then counts as shorter.
        int leftIn = boilerplateLead % 3 == 0 ? Math.Min(leadB.Length, boilerplateLead % 12) : 0;
        var viewA = new SetView(wordsA, skeletonA, leadA, termsA, countsA);
        var viewB = new SetView(wordsB, skeletonB, leadB, termsB, countsB, (leftIn, 0, leftIn));

        bool cannot = Paraphrase.CannotKeepFacts(termsA, termsB, countsA, countsB);
        bool whollyNotKept = !Paraphrase.Measure(termsA, termsB, countsA, countsB).SameFacts;
        int sharedWords = Verifier.CountShared(wordsA, wordsB);
        bool surely = Verifier.SurelyNoCopy(viewA, viewB, sharedWords);
        bool copy = false, same = true;
        foreach (double t in (double[])[0.0, 0.3, 0.5, 0.7])
        {
            PairMeasure forward = Verifier.Measure(viewA, viewB, t), backward = Verifier.Measure(viewB, viewA, t);
            (CopyKind, double)? whole = Verifier.Classify(false, forward, t);
            copy |= whole is not null || Verifier.Classify(false, backward, t) is not null;
            (CopyKind, double)? verified = Verifier.Verify(viewA, viewB, false, t, out PairMeasure measured);
            same &= verified == whole && (whole is null || measured == forward);
        }

        return (cannot == whollyNotKept && !(surely && copy) && same).Label($"cannot {cannot}, wholly not kept {whollyNotKept}, surely no copy {surely}, a copy {copy}, Verify as Classify {same}, shared words {sharedWords}");
    }

    /// <summary>
    /// The paraphrase terms' lowering (<see cref="FeatureExtractor.LowerInvariant"/>: ASCII a character at a time) equals
    /// <see cref="MemoryExtensions.ToLowerInvariant"/> for words of ASCII letters, digits and marks, and for words with
    /// any character beyond ASCII (Turkish, Greek, German, full-width and ideographic ones among them), at every length,
    /// but that the capital I with a dot (U+0130), which the invariant culture leaves as it is, is "i", as the tokenizer
    /// lowers it.
    /// </summary>
    [FsCheck.Xunit.Property(MaxTest = 2000)]
    public Property A_terms_lowering_equals_the_invariant_cultures_but_for_the_dotted_capital_I(int seed, byte length)
    {
        const string Ascii = "AZaz09@[`{'-.MQmq";
        const string Beyond = "İıŞçÉßΣσĞÀİＡ中ÿ";
        var random = new Random(seed);
        bool plain = seed % 2 == 0;
        char[] word = [.. Enumerable.Range(0, length % 24).Select(_ => plain || random.Next(4) > 0 ? Ascii[random.Next(Ascii.Length)] : Beyond[random.Next(Beyond.Length)])];
        char[] expected = new char[word.Length], actual = new char[word.Length];
        int expectedLength = ((ReadOnlySpan<char>)word).ToLowerInvariant(expected);
        expected.AsSpan(0, expectedLength).Replace('\u0130', 'i');
        int actualLength = FeatureExtractor.LowerInvariant(word, actual);
        return (actualLength == expectedLength && actual.AsSpan(0, actualLength).SequenceEqual(expected.AsSpan(0, expectedLength))).Label(new string(word));
    }

    /// <summary>
    /// <see cref="Paraphrase.CannotKeepFactsByBits"/>, which reads only the texts' bitmaps and counts, says "cannot" only
    /// where <see cref="Paraphrase.CannotKeepFacts"/> does, whatever the overlap, the sizes (as many entries on both sides
    /// among them) and the facts' share; and it does say it of two texts whose facts are far apart.
    /// </summary>
    [FsCheck.Xunit.Property(MaxTest = 2000)]
    public Property The_term_bitmaps_say_facts_cannot_be_kept_only_where_the_merge_does(int seed, byte lengthA, byte lengthB, byte shift, bool sameLength, byte keySpace)
    {
        var random = new Random(seed);
        int space = 40 + (keySpace % 600);
        uint[] Entries(int count, int shift) => [.. Enumerable.Range(0, count).Select(_ => (uint)random.Next()).Select(v => (((v % (uint)space) + (uint)shift) << Paraphrase.KeyShift) | (v & (Paraphrase.NumberFlag | Paraphrase.NameFlag)) | ((v >> 16) % 12)).Distinct().Order()];
        uint[] a = Entries(lengthA, 0), b = Entries(lengthB, shift % 200);
        if (sameLength)
        {
            // Then the order of their entries says which is measured: either may come first.
            b = [.. b.Take(a.Length)];
            a = [.. a.Take(b.Length)];
            (a, b) = seed % 2 == 0 ? (a, b) : (b, a);
        }

        (int Terms, int Facts) countsA = Paraphrase.CountDistinct(a), countsB = Paraphrase.CountDistinct(b);
        ulong[] bitsA = new ulong[2 * Paraphrase.BitmapWords], bitsB = new ulong[2 * Paraphrase.BitmapWords];
        Paraphrase.TermBits(a, bitsA.AsSpan(0, Paraphrase.BitmapWords), bitsA.AsSpan(Paraphrase.BitmapWords));
        Paraphrase.TermBits(b, bitsB.AsSpan(0, Paraphrase.BitmapWords), bitsB.AsSpan(Paraphrase.BitmapWords));

        bool byBits = Paraphrase.CannotKeepFactsByBits(bitsA, a.Length, countsA, bitsB, b.Length, countsB);
        bool merged = Paraphrase.CannotKeepFacts(a, b, countsA, countsB);
        return (!byBits || merged).Label($"by bits {byBits}, merged {merged}, entries {a.Length}/{b.Length}, counts {countsA}/{countsB}");
    }

    [Fact]
    public void The_term_bitmaps_tell_texts_with_other_facts_apart()
    {
        uint[] a = [.. Enumerable.Range(0, 60).Select(k => ((uint)k << Paraphrase.KeyShift) | (k % 2 == 0 ? Paraphrase.NameFlag : 0))];
        uint[] b = [.. Enumerable.Range(100, 70).Select(k => ((uint)k << Paraphrase.KeyShift) | (k % 2 == 0 ? Paraphrase.NumberFlag : 0))];
        ulong[] bitsA = new ulong[2 * Paraphrase.BitmapWords], bitsB = new ulong[2 * Paraphrase.BitmapWords];
        Paraphrase.TermBits(a, bitsA.AsSpan(0, Paraphrase.BitmapWords), bitsA.AsSpan(Paraphrase.BitmapWords));
        Paraphrase.TermBits(b, bitsB.AsSpan(0, Paraphrase.BitmapWords), bitsB.AsSpan(Paraphrase.BitmapWords));

        Assert.True(Paraphrase.CannotKeepFactsByBits(bitsA, a.Length, Paraphrase.CountDistinct(a), bitsB, b.Length, Paraphrase.CountDistinct(b)));
        Assert.True(Paraphrase.CannotKeepFactsByBits(bitsB, b.Length, Paraphrase.CountDistinct(b), bitsA, a.Length, Paraphrase.CountDistinct(a)));
        Assert.False(Paraphrase.CannotKeepFactsByBits(bitsA, a.Length, Paraphrase.CountDistinct(a), bitsA, a.Length, Paraphrase.CountDistinct(a)));

        // Two texts of as many entries: the first in the order of its entries is measured (all its facts are the
        // other's terms), not the second (whose facts the first lacks), whichever is passed first.
        uint[] measured = [.. Enumerable.Range(0, 20).Select(k => ((uint)k << Paraphrase.KeyShift) | (k is >= 1 and <= 9 ? Paraphrase.NameFlag : 0))];
        uint[] other = [.. Enumerable.Range(1, 9).Concat(Enumerable.Range(100, 11)).Select(k => ((uint)k << Paraphrase.KeyShift) | (k >= 100 ? Paraphrase.NumberFlag : 0))];
        ulong[] bitsM = new ulong[2 * Paraphrase.BitmapWords], bitsO = new ulong[2 * Paraphrase.BitmapWords];
        Paraphrase.TermBits(measured, bitsM.AsSpan(0, Paraphrase.BitmapWords), bitsM.AsSpan(Paraphrase.BitmapWords));
        Paraphrase.TermBits(other, bitsO.AsSpan(0, Paraphrase.BitmapWords), bitsO.AsSpan(Paraphrase.BitmapWords));
        Assert.False(Paraphrase.CannotKeepFacts(other, measured, Paraphrase.CountDistinct(other), Paraphrase.CountDistinct(measured)));
        Assert.False(Paraphrase.CannotKeepFactsByBits(bitsO, other.Length, Paraphrase.CountDistinct(other), bitsM, measured.Length, Paraphrase.CountDistinct(measured)));
        Assert.False(Paraphrase.CannotKeepFactsByBits(bitsM, measured.Length, Paraphrase.CountDistinct(measured), bitsO, other.Length, Paraphrase.CountDistinct(other)));
    }

    /// <summary>
    /// An article's lead is part of its words, as extracted, packed, and with a model's boilerplate taken out of both:
    /// what lets <see cref="Verifier.SurelyNoCopy"/> leave the leads unread below <see cref="Verifier.MinShared"/>
    /// shared word shingles, and <see cref="Verifier.Measure(in SetView, in SetView, double, int)"/> count no shared lead
    /// shingle when no word shingle is shared.
    /// </summary>
    [FsCheck.Xunit.Property(MaxTest = 100)]
    public Property An_articles_lead_is_part_of_its_words() =>
        Prop.ForAll(
            CorpusGen.Corpus(4, 4).ToArbitrary(),
            corpus =>
            {
                ArticleFeatures[] features = [.. corpus.Select(a => FeatureExtractor.Extract(a, DetectorOptions.Default))];
                var model = BoilerplateModel.Build(features, 1);
                using var packed = new PackedSets(features.Length);
                for (int i = 0; i < features.Length; i++)
                {
                    FeatureExtractor.Extract(corpus[i], DetectorOptions.Default, packed, i);
                }

                uint[] buffer = [];
                bool all = true;
                for (int i = 0; i < features.Length; i++)
                {
                    ArticleFeatures f = features[i];
                    all &= f.Lead.All(s => f.Words.Contains(s)) && model.Lead(f).All(s => model.Words(f).Contains(s));
                    uint[] words = packed.Read(i, SetKind.Words, ref buffer).ToArray();
                    all &= packed.Read(i, SetKind.Lead, ref buffer).ToArray().All(s => words.Contains(s));
                }

                return all;
            });

    /// <summary>
    /// A page that quotes a story's lead and shares nothing else with it, most of its own lead's shingles the story's
    /// and the rest boilerplate left in and counted (as a live detector reads an indexed article): its intact lead makes
    /// it an excerpt, though no fact is shared and the lead's share without the boilerplate counted is below
    /// <see cref="Verifier.LeadCopy"/>; and it is not surely no copy, since the lead's shingles are shared word shingles.
    /// </summary>
    [Fact]
    public void A_lead_intact_once_its_boilerplate_is_counted_is_not_surely_no_copy()
    {
        uint[] wordsA = [.. Enumerable.Range(0, 100).Select(v => (uint)v)];
        uint[] leadB = [.. Enumerable.Range(2, 16).Select(v => (uint)v), 5000, 5001];
        uint[] wordsB = [.. leadB.Concat(Enumerable.Range(1000, 100).Select(v => (uint)v)).Order()];
        uint[] termsA = [.. Enumerable.Range(0, 50).Select(k => ((uint)k << Paraphrase.KeyShift) | Paraphrase.NameFlag)];
        uint[] termsB = [.. Enumerable.Range(100, 50).Select(k => ((uint)k << Paraphrase.KeyShift) | Paraphrase.NameFlag)];
        var a = new SetView(wordsA, [], [.. wordsA.Take(20)], termsA, Paraphrase.CountDistinct(termsA));
        var b = new SetView(wordsB, [], leadB, termsB, Paraphrase.CountDistinct(termsB), (2, 0, 2));

        Assert.Equal(CopyKind.Excerpt, Verifier.Classify(false, Verifier.Measure(a, b, 0.5), 0.5)?.Kind);
        Assert.False(Verifier.SurelyNoCopy(a, b, Verifier.CountShared(wordsA, wordsB)));
        Assert.InRange(Verifier.IntactLeadShares, Verifier.MinShared, int.MaxValue);
        Assert.Equal(CopyKind.Excerpt, Verifier.Verify(a, b, false, 0.5, out _)?.Kind);
    }

    /// <summary>
    /// A candidate sharing nothing in the first two thirds of its terms is not merged to the end: the last fifth, shared,
    /// is never reached (so the measure says 0 shared where the whole merge finds 20), since even all of it could not
    /// lift the pair to the alignment's gate. Without the cached counts the whole merge runs.
    /// </summary>
    [Fact]
    public void A_candidate_that_cannot_reach_the_gate_is_not_merged_to_the_end()
    {
        uint[] a = [.. Enumerable.Range(0, 100).Select(k => (uint)k << Paraphrase.KeyShift)];
        uint[] b = [.. Enumerable.Range(80, 100).Select(k => (uint)k << Paraphrase.KeyShift)];

        ParaphraseMeasure whole = Paraphrase.Measure(a, b, null, null, alwaysAlign: false, 0, 0.7, 0.6, minShared: 40);
        ParaphraseMeasure cut = Paraphrase.Measure(a, b, Paraphrase.CountDistinct(a), Paraphrase.CountDistinct(b), alwaysAlign: false, 0, 0.7, 0.6, minShared: 40);

        Assert.Equal(20, whole.SharedTerms);
        Assert.Equal(0, cut.SharedTerms);
        Assert.Equal(100, cut.Terms);
        Assert.Equal(0, whole.AlignableTerms);
    }

    private const string StrikerSilent = """
        Striker stays silent on new contract

        Manager Alan Pardew said on Friday that striker Jerome Thomas has refused to discuss a new contract with the club until the end of the season.

        The reason Thomas is not speaking to the club is because his agent wants to see what happens with the other offers first, Pardew told reporters at the training ground.

        Thomas has scored 12 goals this season and has attracted interest from several Premier League rivals, although none has made a formal bid.

        Pardew insisted the player remained fully committed and said the dressing room had not been unsettled by the talk of a move.

        Supporters have urged the board to act quickly, fearing that the club could lose its most valuable player for nothing when his deal expires.
        """;

    /// <summary>The story above through a thesaurus spinner, which took "club" for the baseball sense and wrote "nine".</summary>
    private const string StrikerSilentSpun = """
        Striker stays silent on new contract

        Manager Alan Pardew said on Friday that striker Jerome Thomas has declined to talk about a new contract with the club until the end of the season.

        The reason Thomas is not speaking to the nine is because his agent wants to see what happens with other offers, Pardew told journalists at the practice ground.

        Thomas has scored 12 goals this season and has drawn attention from several Premier League rivals, although none has made a official offer.

        Pardew insisted the player stayed totally dedicated and said the dressing room had not been disturbed by the talk of a move.

        Fans have pressed the board to move fast, fearing the club could lose its most precious player for nothing when his deal expires.
        """;

    /// <summary>
    /// A spinner can make a number word of another word ("the club" → "the nine"); the copy then has a number its
    /// source lacks in an aligned sentence, as a template report would. But a template's source has figures the copy
    /// lacks too, and this source has none: a copy, not a template. (Before the two-way check it was vetoed.)
    /// </summary>
    [Fact]
    public void A_spun_copy_with_a_number_word_the_spinner_made_is_not_a_template()
    {
        var detector = new CopyDetector();
        Comparison c = detector.Compare(new Article("a", StrikerSilent), new Article("b", StrikerSilentSpun));

        Assert.Contains(c.AlignedSentences, s => s.DisagreeingNumbers.Count > 0);
        Assert.Equal(CopyKind.Rewritten, c.Kind);

        // The measure: the copy's "nine" is missing from the source, and nothing of the source's is missing from the copy.
        ParaphraseMeasure oneWay = new(50, 40, 10, 10, 40, 40, 1, 1);
        Assert.True(oneWay.Template);
        Assert.False((oneWay with { OtherMissingNumbers = 0 }).Template);
        Assert.True((oneWay with { OtherMissingNumbers = 2 }).Template);
    }

    private const string LawPassed = """
        The standing committee of the national legislature closed its session in the capital on Wednesday afternoon.

        Lawmakers voted 162 to 0, with 2 abstentions, to pass the private economy promotion law. The law has 9 chapters and 78 articles and takes effect on May 20, 2025.

        A spokesman for the legislature called it the first basic law devoted to private business and said it marked a new stage for the protection of entrepreneurs.

        Private firms registered across the country number more than 56.7 million and make up 92.3 percent of all companies, official statistics show.

        Economists said the law should steady expectations in the market and lift private investment, which grew 0.4 percent in the first quarter.
        """;

    /// <summary>The vote and the law's size of <see cref="LawPassed"/> in one sentence, as a news app's summary merges them.</summary>
    private const string LawPassedDigest = "Lawmakers voted 162 to 0 with 2 abstentions to pass the private economy law of 9 chapters and 78 articles, in effect from May 20.";

    /// <summary>
    /// A digest merges its source's sentences: its one sentence aligns with the source's vote, and the law's 9 chapters,
    /// 78 articles and May 20 are in the next sentence of the source. They are missing from the aligned sentence but not
    /// from the source, so the digest is no template report (the source's 2025, which the digest drops, made the check
    /// two-way). Texts of similar size are held to their aligned sentences: a weekly report repeats last week's figure in
    /// another sentence, so the same sentence against the two sentences alone still reads as a template.
    /// </summary>
    [Fact]
    public void A_digest_that_merges_sentences_is_no_template_but_a_text_of_similar_size_is_held_to_its_aligned_sentences()
    {
        static ParaphraseMeasure Both(string smaller, string larger)
        {
            uint[] a = Terms(smaller), b = Terms(larger);
            ParaphraseMeasure p = Paraphrase.Measure(a, b, alwaysAlign: true);
            return p with { OtherMissingNumbers = Paraphrase.Measure(a, b, null, null, alwaysAlign: true, largerSide: true).MissingNumbers };
        }

        ParaphraseMeasure digest = Both(LawPassedDigest, LawPassed);
        Assert.True(digest.TermRatio <= Paraphrase.DigestSize, $"term ratio {digest.TermRatio}");
        Assert.True(digest.AlignedNumbers >= 5, $"aligned numbers {digest.AlignedNumbers}");
        Assert.Equal(0, digest.MissingNumbers);
        Assert.False(digest.Template);

        // compare's evidence says the same: the digest's numbers disagree with nothing.
        AlignedSentence merged = Assert.Single(CopyComparer.Compare(LawPassed, LawPassedDigest).AlignedSentences);
        Assert.Empty(merged.DisagreeingNumbers);
        Assert.Contains("162", merged.SharedFacts);

        string twoSentences = "Lawmakers voted 162 to 0, with 2 abstentions, to pass the private economy promotion law. The law has 9 chapters and 78 articles and takes effect on May 20, 2025.";
        ParaphraseMeasure similar = Both(LawPassedDigest, twoSentences);
        Assert.True(similar.TermRatio > Paraphrase.DigestSize, $"term ratio {similar.TermRatio}");
        Assert.True(similar.MissingNumbers >= 3, $"missing numbers {similar.MissingNumbers}");
        Assert.True(similar.Template);
        Assert.Contains(CopyComparer.Compare(twoSentences, LawPassedDigest).AlignedSentences, s => s.DisagreeingNumbers.Count >= 3);
    }

    [Fact]
    public void A_follow_up_on_the_same_story_is_no_copy()
    {
        var detector = new CopyDetector();
        Comparison c = detector.Compare(new Article("a", TestArticles.Harbour), new Article("b", TestArticles.HarbourFollowUp));

        Assert.Null(c.Kind);
        Assert.True(c.Scores.ParaphraseScore < 0.7, $"paraphrase {c.Scores.ParaphraseScore}");
    }

    [Fact]
    public void Two_reports_from_one_template_with_other_numbers_are_no_copy()
    {
        var detector = new CopyDetector();
        Comparison c = detector.Compare(new Article("a", RepoMonday), new Article("b", RepoThursday));

        Assert.True(c.Scores.ContainmentOfFirst >= 0.4, $"containment {c.Scores.ContainmentOfFirst}: the frame is shared word for word");
        Assert.Null(c.Kind);
    }

    [Fact]
    public void A_wire_report_retold_with_its_issuer_and_figures_is_a_rewritten_copy()
    {
        // A wire report retold sentence by sentence: little verbatim, no shared skeleton, every name and figure kept.
        var detector = new CopyDetector();
        Comparison c = detector.Compare(new Article("a", DebenturesRohr, "Rohr sells debentures at 9-1/4 pct"), new Article("b", DebenturesRohrRetold, "Rohr to raise 150 mln dlrs in debentures"));

        Assert.Equal(CopyKind.Rewritten, c.Kind);
        Assert.True(c.Scores.ContainmentOfFirst < 0.2, $"containment {c.Scores.ContainmentOfFirst}: the retelling should share few phrases");
        Assert.True(c.Scores.FactScore >= 0.9, $"facts {c.Scores.FactScore}");
    }

    [Theory]
    [InlineData(30, 12, null)]
    [InlineData(39, 12, null)]
    [InlineData(40, 12, CopyKind.Rewritten)]
    [InlineData(30, 9, CopyKind.Rewritten)]
    public void Paraphrase_evidence_alone_needs_enough_shared_terms_or_the_facts_both_ways(int sharedTerms, int otherFacts, CopyKind? expected)
    {
        // Nothing verbatim, no skeleton, no lead: only the paraphrase score (content, facts and alignment all high) can
        // make this pair a copy. Two short reports on one subject share most of their few terms, so the score counts
        // from Verifier.MinParaphraseTerms shared terms, or when the two hold each other's facts (8 of 9 both ways).
        var paraphrase = new ParaphraseMeasure(Terms: 45, SharedTerms: sharedTerms, Facts: 10, SharedFacts: 8, AlignableTerms: 45, AlignedTerms: 45, AlignedNumbers: 0, MissingNumbers: 0, OtherTerms: 50, OtherFacts: otherFacts);
        var measure = new PairMeasure(100, 110, 0, 60, 66, 0, 0, 0, 0, 0, paraphrase);
        Assert.True(measure.ParaphraseScore >= Verifier.ParaphraseCopy, $"paraphrase score {measure.ParaphraseScore}");
        Assert.True(paraphrase.SameFacts);
        Assert.Equal(otherFacts < 10, paraphrase.FactsBothWays);

        var verdict = Verifier.Classify(false, measure, DetectorOptions.Default.Threshold);

        Assert.Equal(expected, verdict?.Kind);
    }

    [Theory]
    [InlineData(45, 38, 20, 19, 150, CopyKind.Rewritten)] // a digest: 45 terms, 38 kept (0.84), 19 of its 20 facts, a third of the source
    [InlineData(36, 33, 18, 17, 150, null)]               // a short report: too few terms of its own to tell it from another on its subject
    [InlineData(45, 38, 20, 19, 80, null)]                // more than half the other's size: no digest
    [InlineData(45, 38, 20, 17, 150, null)]               // facts of its own (17 of 20 kept): another report, not a digest
    [InlineData(45, 35, 20, 19, 150, null)]               // too few of its content terms kept (0.78)
    public void A_digest_much_shorter_than_its_source_counts_below_the_shared_terms_floor(int terms, int sharedTerms, int facts, int sharedFacts, int otherTerms, CopyKind? expected)
    {
        // Only the paraphrase score can make the pair a copy (nothing verbatim, no skeleton, no lead), its sentences all
        // aligned. A news app's summary of a long story keeps nearly all it says from the source but drops terms, so it
        // can share fewer than Verifier.MinParaphraseTerms; a short report shares its few terms with any report on its
        // subject, and a report that adds facts is another report.
        var paraphrase = new ParaphraseMeasure(Terms: terms, SharedTerms: sharedTerms, Facts: facts, SharedFacts: sharedFacts, AlignableTerms: terms, AlignedTerms: terms, AlignedNumbers: 0, MissingNumbers: 0, OtherTerms: otherTerms, OtherFacts: 50);
        var measure = new PairMeasure(60, 300, 0, 40, 200, 0, 0, 0, 0, 0, paraphrase);
        Assert.True(sharedTerms < Verifier.MinParaphraseTerms && !paraphrase.FactsBothWays);
        Assert.True(measure.ParaphraseScore >= Verifier.ParaphraseCopy, $"paraphrase score {measure.ParaphraseScore}");
        Assert.True(paraphrase.SameFacts);

        Assert.Equal(expected, Verifier.Classify(false, measure, DetectorOptions.Default.Threshold)?.Kind);
    }

    [Theory]
    [InlineData(20, 17, 150, null)]               // a third of the other's size, 3 of its 20 facts its own: a follow-up or another angle, no digest
    [InlineData(20, 18, 150, CopyKind.Rewritten)] // 18 of 20 (Paraphrase.DigestFacts): a digest of the other
    [InlineData(20, 17, 66, CopyKind.Rewritten)]  // of similar size: a rewrite, held to Paraphrase.FactsKept as before
    public void Of_texts_of_different_size_the_smaller_adds_no_facts_of_its_own_however_many_terms_they_share(int facts, int sharedFacts, int otherTerms, CopyKind? expected)
    {
        // Only the paraphrase score can make the pair a copy (nothing verbatim, no skeleton, no lead), all sentences
        // aligned, 55 of 60 terms shared: more than Verifier.MinParaphraseTerms, so the digest's rule for fewer shared
        // terms does not apply. A text much smaller than the other that brings facts of its own is a later story on
        // the event (Reuters: a tender cancelled in another week, another crude posting) or an answer written without
        // the source, not a copy; the digest's bar on its facts applies however many terms the two share.
        var paraphrase = new ParaphraseMeasure(Terms: 60, SharedTerms: 55, Facts: facts, SharedFacts: sharedFacts, AlignableTerms: 60, AlignedTerms: 60, AlignedNumbers: 0, MissingNumbers: 0, OtherTerms: otherTerms, OtherFacts: facts + 2);
        var measure = new PairMeasure(60, otherTerms * 2, 0, 40, otherTerms, 0, 0, 0, 0, 0, paraphrase);
        Assert.True(measure.ParaphraseScore >= Verifier.ParaphraseCopy, $"paraphrase score {measure.ParaphraseScore}");
        Assert.True(paraphrase.SameFacts && !paraphrase.FactsBothWays && paraphrase.SharedTerms >= Verifier.MinParaphraseTerms);

        Assert.Equal(expected, Verifier.Classify(false, measure, DetectorOptions.Default.Threshold)?.Kind);
    }

    [Fact]
    public void A_news_app_summary_of_a_story_is_rewritten()
    {
        // A story and a summary of it as a news app shows it (written for this test): a fifth of its length, every
        // sentence its own, sharing fewer than Verifier.MinParaphraseTerms terms with the story.
        // Compared whole (every sentence aligned), and found by a detector, whose verification stops early for a pair
        // that could not count (Paraphrase.CannotPass): both must see the digest.
        var detector = new CopyDetector();
        Comparison c = detector.Compare(new Article("story", HarbourStory), new Article("app", HarbourApp));
        detector.Add(new Article("story", HarbourStory));
        CopyMatch found = Assert.Single(detector.FindCopies(new Article("app", HarbourApp)));

        Assert.True(c.Scores.ContainmentOfSecond < 0.3, $"containment {c.Scores.ContainmentOfSecond}: the summary should share few phrases");
        Assert.Equal(CopyKind.Rewritten, c.Kind);
        Assert.Equal(("story", CopyKind.Rewritten), (found.Id, found.Kind));
    }

    private const string HarbourStory = """
        The Port of Kelmouth is to double the number of containers it can handle after the regional authority approved a 420m euro expansion on Tuesday.

        The plan, first put forward by port chief executive Annika Rostvik in 2003, will add two deep-water berths and 35 hectares of storage on land reclaimed from the estuary. Work is due to start in May and to finish by the end of 2008.

        The port handled 610,000 containers last year, up 14% on 2003, and expects to reach 1.2 million a year once the new berths open. Ms Rostvik said the growth of trade with Asia had left the existing quays "full to the brim" for most of the year, with ships waiting up to two days for a berth.

        "Shipping lines have told us plainly that if we cannot take the largest vessels, they will go elsewhere," she said. "This decision keeps Kelmouth on the map."

        The expansion will be paid for by the port itself, which will borrow 300m euros, and by a grant of 120m euros from the regional development fund. The authority's transport committee voted by nine votes to two in favour.

        Environmental groups had opposed the scheme, saying the reclamation would destroy feeding grounds used by thousands of wading birds each winter. The Estuary Trust said it was considering a legal challenge. The port has promised to create a 60-hectare wetland reserve further up the coast to make up for the loss.

        The expansion is expected to create 900 jobs during construction and about 450 permanent posts once the berths are working. Local business leaders welcomed the decision, saying it would bring new investment to a town that lost its shipyard in 1996.

        Trade unions at the port said they would seek talks on the new jobs, and asked that local workers be trained for them first.
        """;

    private const string HarbourApp = """
        Kelmouth's regional authority has approved a 420m euro plan to double the port's container capacity, with two deep-water berths and 35 hectares of reclaimed land.

        Building starts in May and ends in 2008; the port, which handled 610,000 containers last year, aims for 1.2 million.

        The Estuary Trust may go to court over the loss of bird feeding grounds, while 900 construction jobs and 450 permanent posts are promised.
        """;

    [Fact]
    public void A_template_report_sent_twice_is_still_a_copy()
    {
        var detector = new CopyDetector();
        Comparison c = detector.Compare(new Article("a", RepoMonday), new Article("b", "REUTER - " + RepoMonday + "\n\nREUTER"));

        Assert.NotNull(c.Kind);
        Assert.NotEqual(CopyKind.Rewritten, c.Kind);
    }

    [Fact]
    public void A_German_story_with_a_credit_and_two_words_changed_is_syndicated()
    {
        string copy = "Hamburg (Reuters/dpa) - " + German["Berlin (dpa) - ".Length..]
            .Replace("deutlich", "erheblich", StringComparison.Ordinal)
            .Replace("begrüßten", "lobten", StringComparison.Ordinal);
        var detector = new CopyDetector();
        detector.Add(new Article("de", German, "Regierung will Windkraft schneller ausbauen"));

        CopyMatch match = Assert.Single(detector.FindCopies(new Article("copy", copy, "Regierung will Windkraft schneller ausbauen")));

        Assert.Equal(CopyKind.Syndicated, match.Kind);
    }

    [Fact]
    public void A_Chinese_copy_with_a_credit_line_is_syndicated()
    {
        var detector = new CopyDetector();
        detector.Add(new Article("zh", Chinese, "前三季度居民收入实际增长百分之五点二"));

        CopyMatch match = Assert.Single(detector.FindCopies(new Article("copy", "（来源：新华社）\n\n" + Chinese, "前三季度居民收入实际增长百分之五点二")));

        Assert.Equal(CopyKind.Syndicated, match.Kind);
    }

    [Fact]
    public void Paraphrase_terms_are_sorted_distinct_and_carry_their_sentence()
    {
        const string text = "Maria Okafor said 14 million pounds and 2,000 jobs. The council agreed! Okafor left.";
        Token[] tokens = Tokenizer.Tokenize(text, new TokenizerOptions { Seed = Dedup.Sketches.HashSeeds.Default, Stopwords = StopwordSet.English });

        uint[] terms = FeatureExtractor.ParaphraseTerms(text, tokens, Dedup.Sketches.HashSeeds.Default);

        for (int i = 1; i < terms.Length; i++)
        {
            Assert.True(terms[i] > terms[i - 1]);
        }

        Assert.Equal(2, terms.Count(e => (e & Paraphrase.NumberFlag) != 0));
        Assert.Equal([0, 1, 2], terms.Select(e => (int)(e & Paraphrase.MaxSentence)).Distinct().Order());

        // "Okafor" opens the third sentence: a name only in the first, where "Maria" opens it.
        Assert.Single(terms, e => (e & Paraphrase.NameFlag) != 0);
    }

    [Fact]
    public void Capitals_of_a_headline_are_neither_names_nor_numbers_but_still_pair_as_names()
    {
        const string text = "USG DEBENTURES YIELD 8.77 PCT\n\nUSG Corp hired Salomon Brothers Inc. Shares of IBM rose. Obama Visits Hiroshima Today\n\nThe end.";
        Token[] tokens = Tokenizer.Tokenize(text, new TokenizerOptions { Seed = Dedup.Sketches.HashSeeds.Default, Stopwords = StopwordSet.English });

        uint[] terms = FeatureExtractor.ParaphraseTerms(text, tokens, Dedup.Sketches.HashSeeds.Default);

        int[] FactsIn(int sentence) => [.. terms.Where(e => (e & Paraphrase.MaxSentence) == sentence && Paraphrase.IsFact(e)).Select(e => (int)(e & Paraphrase.StyleCapitalFlags))];
        int StyleIn(int sentence) => terms.Count(e => (e & Paraphrase.MaxSentence) == sentence && (e & Paraphrase.StyleCapitalFlags) == Paraphrase.StyleCapitalFlags);

        // The headline in capitals: its number is a fact, its words (DEBENTURES, YIELD, PCT) are capitals of style.
        Assert.Equal([(int)Paraphrase.NumberFlag], FactsIn(0));
        Assert.Equal(3, StyleIn(0));
        Assert.True(Paraphrase.IsNumber(terms.Single(e => (e & Paraphrase.MaxSentence) == 0 && Paraphrase.IsFact(e))));

        // A sentence with words in lower case keeps its names (Corp, Salomon, Brothers, Inc), and one with a single
        // capitalized word after its first keeps it ("Shares of IBM").
        Assert.Equal(4, FactsIn(1).Length);
        Assert.Equal(0, StyleIn(1));
        Assert.Single(FactsIn(2));

        // A headline in title case: capitals of style too.
        Assert.Empty(FactsIn(3));
        Assert.Equal(3, StyleIn(3));

        // The candidate keys are those of names: a story sent again under the same headline is still proposed by them.
        var keys = new List<ulong>();
        CandidateSelector.SampleKeys([], [], terms, keys);
        var asNames = new List<ulong>();
        CandidateSelector.SampleKeys([], [], [.. terms.Select(e => (e & Paraphrase.StyleCapitalFlags) == Paraphrase.StyleCapitalFlags ? e & ~Paraphrase.NumberFlag : e)], asNames);
        Assert.Equal(asNames, keys);
    }

    [Fact]
    public void Two_issuers_reports_from_one_template_are_not_made_a_copy_by_their_headlines_in_capitals()
    {
        // The same frame, other issuers and figures. Their headlines share words ("DEBENTURES PRICED TO YIELD"): in
        // capitals, those are no names, so the facts the two share are those of their bodies alone.
        var detector = new CopyDetector();
        Comparison withHeadlines = detector.Compare(new Article("a", HarborDebentures, "HARBOR FOODS DEBENTURES PRICED TO YIELD"), new Article("b", NorthernDebentures, "NORTHERN BOTTLING DEBENTURES PRICED TO YIELD"));
        Comparison bodies = detector.Compare(new Article("a", HarborDebentures), new Article("b", NorthernDebentures));

        Assert.Null(withHeadlines.Kind);
        Assert.Equal(bodies.Scores.FactScore, withHeadlines.Scores.FactScore, 1e-9);
    }

    [Theory]
    [InlineData("funds at 6-1/4 pct", "funds at 6.25 pct", true)]
    [InlineData("half an ounce, 1/2 ounce", "half an ounce, 0.50 ounce", true)]
    [InlineData("funds at 6-1/4 pct", "funds at 6-3/16 pct", false)]
    [InlineData("funds at 6-1/4 pct", "funds at 6 pct and 1 or 4", false)]
    [InlineData("recrutera 1\u00A0500 soignants", "recrutera 1500 soignants", true)] // French thousands, a no-break space
    [InlineData("recrutera 1\u202F500 soignants", "recrutera 1,500 soignants", true)] // a narrow no-break space
    [InlineData("un budget de 12\u00A0345\u00A0678,5 euros", "un budget de 12345678.5 euros", true)]
    [InlineData("recrutera 1\u00A0500 soignants", "recrutera 9\u00A0500 soignants", false)] // "500" alone was shared
    [InlineData("in 2 500-page reports", "in 2500-page reports", false)] // an ordinary space sets two numbers apart
    public void A_fraction_or_a_grouped_number_is_one_number(string first, string second, bool same)
    {
        uint[] a = Numbers(first);
        uint[] b = Numbers(second);
        Assert.NotEmpty(a);
        Assert.Equal(same, a.SequenceEqual(b));
    }

    [Fact]
    public void Fraction_tokens_are_found_only_with_their_separators_standing_alone()
    {
        const string text = "rate 6-1/4 and 5/8 but 6 - 1/4 and 2006-07";
        Token[] tokens = Tokenizer.Tokenize(text, new TokenizerOptions { Seed = Dedup.Sketches.HashSeeds.Default, Stopwords = StopwordSet.English });
        int six = Array.FindIndex(tokens, t => text.AsSpan(t.Start, t.Length).SequenceEqual("6"));
        int five = Array.FindIndex(tokens, t => text.AsSpan(t.Start, t.Length).SequenceEqual("5"));
        int spaced = Array.FindLastIndex(tokens, t => text.AsSpan(t.Start, t.Length).SequenceEqual("6"));
        int year = Array.FindIndex(tokens, t => text.AsSpan(t.Start, t.Length).SequenceEqual("2006"));
        Assert.Equal(six + 2, FactNormalizer.FractionEnd(text, tokens, six));
        Assert.Equal(five + 1, FactNormalizer.FractionEnd(text, tokens, five));
        Assert.Equal(spaced, FactNormalizer.FractionEnd(text, tokens, spaced));
        Assert.Equal(year, FactNormalizer.FractionEnd(text, tokens, year));
    }

    /// <summary>The paraphrase entries of a text.</summary>
    private static uint[] Terms(string text)
    {
        Token[] tokens = Tokenizer.Tokenize(text, new TokenizerOptions { Seed = Dedup.Sketches.HashSeeds.Default, Stopwords = StopwordSet.English });
        return FeatureExtractor.ParaphraseTerms(text, tokens, Dedup.Sketches.HashSeeds.Default);
    }

    /// <summary>The number entries of a text, their sentence index left out.</summary>
    private static uint[] Numbers(string text)
    {
        Token[] tokens = Tokenizer.Tokenize(text, new TokenizerOptions { Seed = Dedup.Sketches.HashSeeds.Default, Stopwords = StopwordSet.English });
        return [.. FeatureExtractor.ParaphraseTerms(text, tokens, Dedup.Sketches.HashSeeds.Default).Where(e => (e & Paraphrase.NumberFlag) != 0).Select(Paraphrase.Key).Distinct().Order()];
    }

    private static string Stem(string word)
    {
        char[] buffer = word.ToCharArray();
        return new string(buffer, 0, SuffixStripper.Strip(buffer));
    }
}

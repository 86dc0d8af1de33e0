using System.Buffers;
using System.Runtime.InteropServices;
using Dedup.Sketches;
using Dedup.Text;

namespace Dedup.Detection;

/// <summary>Turns an article into <see cref="ArticleFeatures"/>; also reports tokens and boilerplate for evidence.</summary>
internal static class FeatureExtractor
{
    /// <summary>Function words (and numbers) per skeleton shingle.</summary>
    public const int SkeletonShingleSize = 4;

    /// <summary>Word shingles of an article's lead: its first this many, which cover a headline and a first sentence.</summary>
    public const int LeadShingles = 20;

    private const ulong SkeletonSalt = 0x5E1E_7011_5E1E_7011UL;

    private const ulong TermSalt = 0x7E53_FAC7_7E53_FAC7UL;

    /// <summary>A token list per thread, reused from article to article.</summary>
    [ThreadStatic]
    private static List<Token>? t_tokens;

    /// <summary>Between an article's title and its body in the text the detector compares.</summary>
    private const string TitleSeparator = "\n\n";

    /// <summary>The text the detector compares: the title, a blank line, then the body (just the body without a title).</summary>
    public static string CombinedText(Article article) =>
        string.IsNullOrEmpty(article.Title) ? article.Text : string.Create(CombinedLength(article), article, static (span, a) => CopyCombined(a, span));

    /// <summary>The length of <see cref="CombinedText"/> with a title.</summary>
    private static int CombinedLength(Article article) => checked(article.Title!.Length + TitleSeparator.Length + article.Text.Length);

    /// <summary>Writes <see cref="CombinedText"/> of an article with a title into <paramref name="destination"/> (<see cref="CombinedLength"/> long).</summary>
    private static void CopyCombined(Article article, Span<char> destination)
    {
        article.Title.AsSpan().CopyTo(destination);
        TitleSeparator.CopyTo(destination[article.Title!.Length..]);
        article.Text.CopyTo(destination[(article.Title.Length + TitleSeparator.Length)..]);
    }

    [ThreadStatic]
    private static System.IO.Hashing.XxHash128? _textHasher;

    /// <summary>
    /// A 128-bit hash of <see cref="CombinedText"/>, without building it: articles with equal keys have, but for a
    /// chance of about 2^-128 (XXH128 is not made to withstand texts crafted to collide), the same text and so the same
    /// features but for their id and time.
    /// </summary>
    public static UInt128 TextKey(Article article)
    {
        // One hasher a thread, reset: a scan asks for every article's key, a hasher is 300 bytes.
        System.IO.Hashing.XxHash128 hash = _textHasher ??= new System.IO.Hashing.XxHash128();
        hash.Reset();
        if (!string.IsNullOrEmpty(article.Title))
        {
            hash.Append(MemoryMarshal.AsBytes(article.Title.AsSpan()));
            hash.Append(MemoryMarshal.AsBytes(TitleSeparator.AsSpan()));
        }

        hash.Append(MemoryMarshal.AsBytes(article.Text.AsSpan()));
        return hash.GetCurrentHashAsUInt128();
    }

    /// <summary>
    /// Builds the tables that extraction under <paramref name="options"/> reads (the stopwords' hashes under the seed,
    /// the boilerplate rules' matcher), each once per process and options: a detector does this when constructed, so
    /// that its first call does not (about 10 ms, mostly compiling their builders).
    /// </summary>
    public static void Prepare(DetectorOptions options)
    {
        _ = options.Stopwords.HashesFor(options.Seed);
        BoilerplateFilter.Prepare(options.Boilerplate);
    }

    public static ArticleFeatures Extract(Article article, DetectorOptions options) => Extract(article, options, null, -1);

    /// <summary>
    /// As <see cref="Extract(Article, DetectorOptions)"/>, but the sets go straight into <paramref name="packed"/> as
    /// article <paramref name="index"/> and the features hold none (a batch scan's; their paraphrase counts are set):
    /// the sets are built in pooled buffers, not in arrays that would be garbage once packed.
    /// </summary>
    public static ArticleFeatures Extract(Article article, DetectorOptions options, PackedSets? packed, int index)
    {
        using var combined = new PooledCombinedText(article);
        List<Token> tokens = RentTokens();
        ulong exact = Tokenize(combined.Text, options, tokens, boilerplate: null);
        ArticleFeatures features = Build(article, options, tokens, exact, combined.Text, packed, index);
        ReleaseTokens(tokens);
        return features;
    }

    /// <summary>
    /// The <see cref="ArticleFeatures.ExactHash"/> that <see cref="Extract(Article, DetectorOptions)"/> gives
    /// <paramref name="article"/>, alone: its text and title tokenized, no sets, SimHash or paraphrase terms made.
    /// </summary>
    public static ulong ExactHash(Article article, DetectorOptions options)
    {
        using var combined = new PooledCombinedText(article);
        List<Token> tokens = RentTokens();
        ulong exact = Tokenize(combined.Text, options, tokens, boilerplate: null);
        ReleaseTokens(tokens);
        return exact;
    }

    /// <summary>This thread's token list, emptied.</summary>
    private static List<Token> RentTokens()
    {
        List<Token> tokens = t_tokens ??= new List<Token>(1024);
        tokens.Clear();
        return tokens;
    }

    /// <summary>Lets a list grown past 65,536 tokens (a huge text) go, rather than keeping it for the thread's life.</summary>
    private static void ReleaseTokens(List<Token> tokens)
    {
        if (tokens.Capacity > 1 << 16)
        {
            t_tokens = null;
        }
    }

    /// <summary>
    /// <see cref="CombinedText"/> in a pooled buffer, not a string that is garbage once read (a scan made one
    /// of every article's size: at a million articles, gigabytes for the collector to sweep); the text alone when there
    /// is no title. Dispose returns the buffer.
    /// </summary>
    private ref struct PooledCombinedText
    {
        private char[]? _rented;

        public PooledCombinedText(Article article)
        {
            Text = article.Text;
            if (!string.IsNullOrEmpty(article.Title))
            {
                int length = CombinedLength(article);
                _rented = ArrayPool<char>.Shared.Rent(length);
                CopyCombined(article, _rented.AsSpan(0, length));
                Text = _rented.AsSpan(0, length);
            }
        }

        public ReadOnlySpan<char> Text { get; }

        public void Dispose()
        {
            if (_rented is not null)
            {
                ArrayPool<char>.Shared.Return(_rented);
                _rented = null;
            }
        }
    }

    /// <summary>
    /// Tokenizes the content lines of <paramref name="text"/> into <paramref name="contentTokens"/> (offsets into
    /// <paramref name="text"/>), collects the boilerplate lines, and returns the hash of the full token sequence.
    /// </summary>
    public static ulong Tokenize(ReadOnlySpan<char> text, DetectorOptions options, List<Token> contentTokens, List<TextSpan>? boilerplate)
    {
        int first = contentTokens.Count;
        var sink = new CollectingSink(contentTokens);
        Tokenizer.Tokenize(text, ref sink, options.TokenizerOptions);

        // A polynomial over all token hashes, boilerplate included: equal token sequences, and (but for 2^-64) only
        // they, hash alike.
        ulong exact = options.Seed;
        for (int i = first; i < contentTokens.Count; i++)
        {
            exact = SequenceHash.Append(exact, contentTokens[i].Hash);
        }

        exact = SequenceHash.Finish(exact, contentTokens.Count - first);
        if (contentTokens.Count == first)
        {
            // No word at all (emoji, punctuation, dashes): every such text has the same, empty, token sequence, and
            // "🚀🚀" and "🎉" came out duplicates of score 1. The characters themselves stand for the sequence then:
            // two such texts are duplicates when they are the same text, and no copies otherwise (nothing to compare).
            exact ^= System.IO.Hashing.XxHash3.HashToUInt64(System.Runtime.InteropServices.MemoryMarshal.AsBytes(text.Trim()), unchecked((long)options.Seed));
        }

        // Then take out the tokens of boilerplate lines (few, and short: most lines are rejected by their length).
        int write = first;
        int read = first;
        for (int start = 0; ;)
        {
            int end = BoilerplateFilter.LineEnd(text, start);
            int length = end - start;
            if (BoilerplateFilter.IsBoilerplate(text.Slice(start, length), options.Boilerplate))
            {
                boilerplate?.Add(new TextSpan(start, length));
                while (read < contentTokens.Count && contentTokens[read].Start < start)
                {
                    contentTokens[write++] = contentTokens[read++];
                }

                while (read < contentTokens.Count && contentTokens[read].Start < start + length)
                {
                    read++;
                }
            }

            if (end == text.Length)
            {
                break;
            }

            start = BoilerplateFilter.NextLineStart(text, end);
        }

        if (read != write)
        {
            while (read < contentTokens.Count)
            {
                contentTokens[write++] = contentTokens[read++];
            }

            contentTokens.RemoveRange(write, contentTokens.Count - write);
        }

        return exact;
    }

    private static ArticleFeatures Build(Article article, DetectorOptions options, List<Token> tokens, ulong exact, ReadOnlySpan<char> text, PackedSets? packed, int index)
    {
        int n = tokens.Count;
        ulong[] rented = ArrayPool<ulong>.Shared.Rent(4 * Math.Max(1, n));

        // The sets (lead, words, skeleton, terms, each at most n values) and the sort's scratch.
        int m = Math.Max(1, n);
        uint[] sets = ArrayPool<uint>.Shared.Rent(5 * m);
        try
        {
            Span<ulong> hashes = rented.AsSpan(0, n);
            Span<ulong> skeletonTokens = rented.AsSpan(n, n);
            Span<ulong> shingles = rented.AsSpan(2 * n, Math.Max(1, n));
            Span<ulong> contentWords = rented.AsSpan(3 * n, n);
            int skeletonTokenCount = 0;
            int contentWordCount = 0;
            ReadOnlySpan<Token> all = CollectionsMarshal.AsSpan(tokens);
            for (int i = 0; i < all.Length; i++)
            {
                hashes[i] = all[i].Hash;
                if ((all[i].Traits & TokenTraits.Stopword) == 0)
                {
                    contentWords[contentWordCount++] = all[i].Hash;
                }

                if (options.DetectRewrites && (all[i].Traits & (TokenTraits.Stopword | TokenTraits.Number)) != 0)
                {
                    skeletonTokens[skeletonTokenCount++] = all[i].Hash;
                }
            }

            ulong fingerprint = Fingerprint(contentWords[..contentWordCount]);
            Span<uint> scratch = sets.AsSpan(4 * m, m);
            int wordCount = Shingler.WordShingleBag(hashes, options.ShingleSize, shingles, options.Seed);
            Span<uint> lead = sets.AsSpan(0, m);
            lead = lead[..SortedHigh32(shingles[..Math.Min(wordCount, LeadShingles)], lead, scratch)];
            Span<uint> words = sets.AsSpan(m, m);
            words = words[..SortedHigh32(shingles[..wordCount], words, scratch)];
            int skeletonCount = Shingler.WordShingleBag(skeletonTokens[..skeletonTokenCount], SkeletonShingleSize, shingles, options.Seed ^ SkeletonSalt);
            Span<uint> skeleton = sets.AsSpan(2 * m, m);
            skeleton = skeleton[..SortedHigh32(shingles[..skeletonCount], skeleton, scratch)];
            Span<uint> terms = sets.AsSpan(3 * m, m);
            terms = terms[..(options.DetectRewrites ? SortedTerms(terms[..CollectTerms(text, all, options.Seed, terms, [])], scratch) : 0)];
            if (packed is null)
            {
                return new ArticleFeatures(article.Id, article.Published, exact, fingerprint, words.ToArray(), skeleton.ToArray(), lead.ToArray(), terms.ToArray(), n, text.Length);
            }

            packed.Add(index, words, skeleton, lead, terms);
            var features = new ArticleFeatures(article.Id, article.Published, exact, fingerprint, [], [], [], [], n, text.Length);
            features.SetParaphraseCounts(Paraphrase.CountDistinct(terms));
            return features;
        }
        finally
        {
            ArrayPool<uint>.Shared.Return(sets);
            ArrayPool<ulong>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// The SimHash fingerprint of an article: <see cref="SimHasher.Compute(ReadOnlySpan{ulong}, ReadOnlySpan{float})"/>
    /// of the hashes of its content tokens (boilerplate lines and stopwords left out), weighted by term frequency, as
    /// <see cref="SimHasher.Compute(string, TokenizerOptions)"/> does for a text without boilerplate.
    /// </summary>
    internal static ulong Fingerprint(ReadOnlySpan<ulong> contentWordHashes) => SimHasher.Compute(contentWordHashes);

    /// <summary>
    /// The paraphrase terms of the content tokens (see <see cref="Paraphrase"/>): one entry per distinct (term,
    /// sentence), sorted. A sentence ends at '.', '!', '?' (or their CJK forms) or a blank line between two tokens.
    /// </summary>
    internal static uint[] ParaphraseTerms(string text, ReadOnlySpan<Token> tokens, ulong seed)
    {
        uint[] entries = ArrayPool<uint>.Shared.Rent(2 * Math.Max(1, tokens.Length));
        try
        {
            int count = CollectTerms(text, tokens, seed, entries, []);
            return entries.AsSpan(0, SortedTerms(entries.AsSpan(0, count), entries.AsSpan(tokens.Length, Math.Max(1, count)))).ToArray();
        }
        finally
        {
            ArrayPool<uint>.Shared.Return(entries);
        }
    }

    /// <summary>
    /// Writes the paraphrase entry of each content token into <paramref name="entries"/>, in text order, unsorted
    /// (one per token, a fraction's tokens giving one); when <paramref name="firstToken"/> is not empty, the index of
    /// each entry's first token too. Returns the number of entries.
    /// </summary>
    internal static int CollectTerms(ReadOnlySpan<char> text, ReadOnlySpan<Token> tokens, ulong seed, Span<uint> entries, Span<int> firstToken) =>
        // The stack buffer is here, the loop in the overload: so both compile at tier 0 (docs/architecture.md, "First calls").
        CollectTerms(text, tokens, seed, entries, firstToken, stackalloc char[Tokenizer.MaxHashedChars]);

    private static int CollectTerms(ReadOnlySpan<char> text, ReadOnlySpan<Token> tokens, ulong seed, Span<uint> entries, Span<int> firstToken, Span<char> buffer)
    {
        bool where = !firstToken.IsEmpty;
        ulong termSeed = seed ^ TermSalt;
        int count = 0;
        int sentence = 0;
        bool opening = true;
        int previousEnd = 0;
        int sentenceStart = 0;
        bool cased = false;
        int capitals = 0;
        int words = 0, nounCapitalizing = 0;
        Text.StopwordSet.HashTable markers = NounCapitalizingMarkers.HashesFor(seed);
        for (int t = 0; t < tokens.Length; t++)
        {
            Token token = tokens[t];
            if ((token.Traits & TokenTraits.Number) == 0 && words < LanguageSampleWords)
            {
                // The language is judged on the first words (a German text shows it at once): a lookup a word no further.
                words++;
                nounCapitalizing += markers.Contains(token.Hash) ? 1 : 0;
            }

            if (t > 0 && EndsSentence(text, tokens[t - 1], token))
            {
                if (CapitalsAreStyle(cased, capitals))
                {
                    MarkCapitalsOfStyle(entries[sentenceStart..count]);
                }

                sentenceStart = count;
                cased = false;
                capitals = 0;
                sentence++;
                opening = true;
            }

            previousEnd = token.Start + token.Length;
            bool first = opening;
            opening = false;
            if ((token.Traits & TokenTraits.Stopword) != 0)
            {
                continue;
            }

            if (!first && (token.Traits & TokenTraits.Number) == 0)
            {
                bool capital = (token.Traits & TokenTraits.Capitalized) != 0;
                cased |= !capital;
                capitals += capital ? 1 : 0;
            }

            ReadOnlySpan<char> source = text.Slice(token.Start, Math.Min(token.Length, buffer.Length));
            if ((token.Traits & TokenTraits.Number) != 0)
            {
                int written = FactNormalizer.SplitNumber(text, tokens, t, buffer, out int numberEnd);
                if (numberEnd > t)
                {
                    // A number the tokenizer split: a fraction, "6-1/4" or "1/2", as its decimal value ("6.25", "0.5"),
                    // or thousands set apart by a no-break space, "1 500" (1500).
                    Token last = tokens[numberEnd];
                    if (where)
                    {
                        firstToken[count] = t;
                    }

                    entries[count++] = Paraphrase.Entry(TokenHash.Hash(buffer[..written], termSeed), number: true, name: false, sentence);
                    previousEnd = last.Start + last.Length;
                    t = numberEnd;
                    continue;
                }

                int length = FactNormalizer.Number(source, buffer);
                if (where)
                {
                    firstToken[count] = t;
                }

                entries[count++] = Paraphrase.Entry(TokenHash.Hash(buffer[..length], termSeed), number: true, name: false, sentence);
                continue;
            }

            if ((token.Traits & TokenTraits.Ideograph) == 0 && token.Length < SuffixStripper.MinStem)
            {
                continue;
            }

            int folded = LowerInvariant(source, buffer);
            int value = FactNormalizer.NumberWord(buffer[..folded]);
            if (value >= 2)
            {
                // "five" and "5" are one number ("one" and "zero" are mostly not numbers: "one of the").
                folded = value.TryFormat(buffer, out int written, provider: System.Globalization.CultureInfo.InvariantCulture) ? written : 0;
                if (where)
                {
                    firstToken[count] = t;
                }

                entries[count++] = Paraphrase.Entry(TokenHash.Hash(buffer[..folded], termSeed), number: true, name: false, sentence);
                continue;
            }

            int stem = SuffixStripper.Strip(buffer[..folded]);
            bool name = !first && (token.Traits & TokenTraits.Capitalized) != 0;
            if (where)
            {
                firstToken[count] = t;
            }

            entries[count++] = Paraphrase.Entry(TokenHash.Hash(buffer[..stem], termSeed), number: false, name, sentence);
        }

        // A language that capitalizes every noun (German): its capitals are its style, in every sentence. As names, a
        // rewrite's reworded nouns were facts it lost (German rewrites kept 0.58-0.69 of their "facts"; found 0 of 6).
        if (words >= MinWordsForLanguage && nounCapitalizing >= NounCapitalizingShare * words)
        {
            MarkCapitalsOfStyle(entries[..count]);
        }
        else if (CapitalsAreStyle(cased, capitals))
        {
            MarkCapitalsOfStyle(entries[sentenceStart..count]);
        }

        return count;
    }

    /// <summary>
    /// Function words of German, the language that capitalizes its nouns (none of them an English word): a text of which
    /// they make <see cref="NounCapitalizingShare"/> or more of the words has no names (its capitals are capitals of
    /// style). English news holds at most 4% of them (a Reuters item quoting German), German news 12-26%.
    /// </summary>
    private static readonly Text.StopwordSet NounCapitalizingMarkers = new(
        ["der", "das", "dem", "und", "ist", "nicht", "mit", "von", "zu", "im", "auf", "für", "ein", "eine", "einer", "einem", "eines", "einen",
         "sich", "auch", "wird", "werden", "wurde", "nach", "aus", "über", "sind", "haben", "durch", "zum", "zur", "vom", "beim", "wie", "oder",
         "aber", "noch", "nur"]);

    /// <summary>The share of a text's words that are <see cref="NounCapitalizingMarkers"/> from which it is taken for German.</summary>
    private const double NounCapitalizingShare = 0.08;

    /// <summary>The fewest words of a text whose language is judged (a short text's share says little).</summary>
    private const int MinWordsForLanguage = 30;

    /// <summary>The words a text's language is judged on, its first.</summary>
    private const int LanguageSampleWords = 256;

    /// <summary>
    /// Whether a sentence's capitals are its style, not names: none of its content words after its first is in lower
    /// case (<paramref name="cased"/> false), and two or more are capitalized: a headline in capitals ("USG DEBENTURES
    /// YIELD 8.77 PCT") or in title case. A sentence with one capitalized word after its first ("Shares of IBM.") keeps
    /// it as a name.
    /// </summary>
    private static bool CapitalsAreStyle(bool cased, int capitals) => !cased && capitals >= 2;

    /// <summary>Marks the names among <paramref name="entries"/> as capitals of style (<see cref="Paraphrase.StyleCapitalFlags"/>).</summary>
    private static void MarkCapitalsOfStyle(Span<uint> entries)
    {
        foreach (ref uint e in entries)
        {
            e |= (e & Paraphrase.NameFlag) != 0 ? Paraphrase.StyleCapitalFlags : 0;
        }
    }

    /// <summary>
    /// <paramref name="source"/> lowered as <see cref="Text.TextNormalizer.LowerInvariant(ReadOnlySpan{char}, Span{char})"/> lowers it, into
    /// <paramref name="buffer"/> (at least as long); a word of ASCII letters (most) a character at a time, without the
    /// culture's layers, which cost more than the lowering of a short word.
    /// </summary>
    internal static int LowerInvariant(ReadOnlySpan<char> source, Span<char> buffer)
    {
        for (int k = 0; k < source.Length; k++)
        {
            char c = source[k];
            if (c >= 0x80)
            {
                return Text.TextNormalizer.LowerInvariant(source, buffer);
            }

            buffer[k] = (uint)(c - 'A') <= 'Z' - 'A' ? (char)(c | 0x20) : c;
        }

        return source.Length;
    }

    /// <summary>Sorts the entries collected in place, one per (term, sentence); returns how many are left at the front.</summary>
    private static int SortedTerms(Span<uint> entries, Span<uint> scratch)
    {
        RadixSort.Sort(entries, scratch[..entries.Length]);

        // One entry per (term, sentence): the same term in one sentence twice, or as a name and as a word, counts once.
        int w = 0;
        for (int r = 0; r < entries.Length; r++)
        {
            uint e = entries[r];
            if (w > 0 && Paraphrase.Key(entries[w - 1]) == Paraphrase.Key(e) && (entries[w - 1] & Paraphrase.MaxSentence) == (e & Paraphrase.MaxSentence))
            {
                // Sorted, the flags rise: a word, a name, a capital of style (both flags; a sentence has names or those).
                if ((e & Paraphrase.NameFlag) != 0)
                {
                    entries[w - 1] = (entries[w - 1] & ~Paraphrase.StyleCapitalFlags) | (e & Paraphrase.StyleCapitalFlags);
                }

                continue;
            }

            entries[w++] = e;
        }

        return w;
    }

    /// <summary>
    /// Whether the text between two tokens of <paramref name="text"/> ends a sentence (<see cref="EndsSentence(ReadOnlySpan{char})"/>),
    /// but for the full stop of a day written as an ordinal before a month's name, "am 28. Februar", as German writes
    /// dates: it ends no sentence (it cut a German sentence in two at its date, so neither half aligned with a summary's).
    /// </summary>
    internal static bool EndsSentence(ReadOnlySpan<char> text, in Token previous, in Token next)
    {
        int end = previous.Start + previous.Length;
        ReadOnlySpan<char> gap = text.Slice(end, Math.Max(0, next.Start - end));
        return EndsSentence(gap) && !IsDayBeforeMonth(text.Slice(previous.Start, previous.Length), gap, text.Slice(next.Start, next.Length));
    }

    /// <summary>A day of the month (1 to 31, one or two digits), a full stop and spaces on one line, then a month's German name.</summary>
    private static bool IsDayBeforeMonth(ReadOnlySpan<char> day, ReadOnlySpan<char> gap, ReadOnlySpan<char> month)
    {
        if (day.Length is 0 or > 2 || !char.IsAsciiDigit(day[0]) || !char.IsAsciiDigit(day[^1]) || gap.Length < 2 || gap[0] != '.'
            || gap[1..].ContainsAnyExcept(' ', '\u00A0'))
        {
            return false;
        }

        int value = day.Length == 1 ? day[0] - '0' : ((day[0] - '0') * 10) + (day[1] - '0');
        if (value is < 1 or > 31)
        {
            return false;
        }

        foreach (string name in GermanMonths)
        {
            if (month.SequenceEqual(name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The months' German names (and the Austrian "Jänner"), as written after an ordinal day.</summary>
    private static readonly string[] GermanMonths =
        ["Januar", "Jänner", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"];

    /// <summary>Whether the text between two tokens ends a sentence: '.', '!', '?' (or their CJK forms) or a blank line.</summary>
    internal static bool EndsSentence(ReadOnlySpan<char> gap)
    {
        int newlines = 0;
        foreach (char c in gap)
        {
            switch (c)
            {
                case '.' or '!' or '?' or '\u3002' or '\uFF01' or '\uFF1F':
                    return true;
                case '\n':
                    if (++newlines == 2)
                    {
                        return true;
                    }

                    break;
            }
        }

        return false;
    }

    /// <summary>The high 32 bits of <paramref name="values"/>, sorted and distinct, into <paramref name="destination"/>; returns how many.</summary>
    private static int SortedHigh32(ReadOnlySpan<ulong> values, Span<uint> destination, Span<uint> scratch)
    {
        Span<uint> result = destination[..values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = (uint)(values[i] >> 32);
        }

        RadixSort.Sort(result, scratch[..values.Length]);
        int w = 0;
        for (int r = 0; r < result.Length; r++)
        {
            if (w == 0 || result[r] != result[w - 1])
            {
                result[w++] = result[r];
            }
        }

        return w;
    }

    private readonly struct CollectingSink(List<Token> tokens) : ITokenSink
    {
        private readonly List<Token> _tokens = tokens;

        public void OnToken(in Token token) => _tokens.Add(token);
    }
}

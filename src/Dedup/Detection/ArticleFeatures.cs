namespace Dedup.Detection;

/// <summary>
/// The compact form of an article that the detector keeps and verifies with: its shingle sets, not its text.
/// </summary>
/// <remarks>
/// Words holds the distinct word k-shingles of the content (boilerplate lines removed), Skeleton the distinct
/// shingles of its function-word-and-number skeleton (content words skipped), each as the high 32 bits of the
/// 64-bit shingle hash, sorted ascending. ParaphraseTerms holds the entries of the paraphrase signal.
/// </remarks>
internal sealed class ArticleFeatures
{
    private long _paraphraseCounts;

    public ArticleFeatures(string id, DateTimeOffset? published, ulong exactHash, ulong simHash, uint[] words, uint[] skeleton, uint[] lead, uint[] paraphraseTerms, int contentTokens, int characters)
    {
        Id = id;
        Published = published;
        ExactHash = exactHash;
        SimHash = simHash;
        Words = words;
        Skeleton = skeleton;
        Lead = lead;
        ParaphraseTerms = paraphraseTerms;
        ContentTokens = contentTokens;
        Characters = characters;
    }

    public string Id { get; }

    /// <summary>
    /// The features of another article with the same text (a batch scan extracts them once): everything but the id,
    /// the publication time and the order, sets included (as they are now), and the cached paraphrase counts.
    /// </summary>
    public ArticleFeatures CopyAs(string id, DateTimeOffset? published, long order) =>
        new(id, published, ExactHash, SimHash, Words, Skeleton, Lead, ParaphraseTerms, ContentTokens, Characters)
        {
            Order = order,
            _paraphraseCounts = Volatile.Read(ref _paraphraseCounts),
        };

    public DateTimeOffset? Published { get; }

    /// <summary>Hash of the whole token sequence (title, body and boilerplate): equal for duplicates.</summary>
    public ulong ExactHash { get; }

    /// <summary>
    /// The SimHash fingerprint of the content words (<see cref="FeatureExtractor.Fingerprint"/>): near-exact copies
    /// differ in few bits; the candidate selector prefers a common key's nearest holders by it.
    /// </summary>
    public ulong SimHash { get; }

    public uint[] Words { get; private set; }

    public uint[] Skeleton { get; private set; }

    /// <summary>The first <see cref="FeatureExtractor.LeadShingles"/> word shingles (headline and first sentence), sorted, distinct.</summary>
    public uint[] Lead { get; private set; }

    /// <summary>The paraphrase terms: content words and facts with their sentence, one entry each (see <see cref="Paraphrase"/>), sorted.</summary>
    public uint[] ParaphraseTerms { get; private set; }

    public int ContentTokens { get; }

    public int Characters { get; }

    /// <summary>
    /// How many of the sets' shingles are boilerplate, for the model they were last counted for (see
    /// <see cref="BoilerplateModel.Counts"/>), packed in one number: bit 63 set when there are counts, bits 40–62 the
    /// low 23 bits of the model's <see cref="BoilerplateModel.Version"/>, then 16 bits of word, 16 of skeleton and 8
    /// of lead shingles. A number, not an object: a query counts the boilerplate of old articles after each new model,
    /// and storing a new object in each (as before) left a reference from old memory to young on every one, which
    /// each collection then had to trace (a live detector's gen0 pauses took 21–23 ms on average, 5 ms without them).
    /// Read and written whole, so threads that count at once never see half of another's counts.
    /// </summary>
    private long _boilerplate;

    /// <summary>The cached boilerplate counts, when they were counted for the model of <paramref name="version"/>.</summary>
    /// <remarks>
    /// Only the low 23 bits of the version are kept: counts made for one model are taken for another only if
    /// 8,388,608 models were built in the process since, with no query in between that counted this article again.
    /// </remarks>
    public bool TryGetBoilerplate(long version, out BoilerplateCounts counts)
    {
        long packed = Volatile.Read(ref _boilerplate);
        if (packed < 0 && ((packed >> 40) & VersionMask) == (version & VersionMask))
        {
            counts = new BoilerplateCounts((int)((packed >> 24) & 0xFFFF), (int)((packed >> 8) & 0xFFFF), (int)(packed & 0xFF));
            return true;
        }

        counts = default;
        return false;
    }

    /// <summary>
    /// Caches the counts for the model of <paramref name="version"/>, unless counts of a later model are cached (a call
    /// still under the previous model while a new one is swapped in must not undo the new one's counts); counts too
    /// large to pack are not cached (they are counted again at each use).
    /// </summary>
    /// <remarks>
    /// Models are numbered in the order they are built, so a later model has the larger number; of the low 23 bits
    /// kept, one is later than another when it is ahead by less than half their range.
    /// </remarks>
    public void SetBoilerplate(long version, BoilerplateCounts counts)
    {
        if ((uint)counts.Words > 0xFFFF || (uint)counts.Skeleton > 0xFFFF || (uint)counts.Lead > 0xFF)
        {
            return;
        }

        long packed = long.MinValue | ((version & VersionMask) << 40) | ((long)counts.Words << 24) | ((long)counts.Skeleton << 8) | (long)counts.Lead;
        long current = Volatile.Read(ref _boilerplate);
        while (true)
        {
            long ahead = (((current >> 40) & VersionMask) - version) & VersionMask;
            if (current < 0 && ahead != 0 && ahead < (VersionMask + 1) / 2)
            {
                return;
            }

            long seen = Interlocked.CompareExchange(ref _boilerplate, packed, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>Whether any boilerplate counts are cached (tests).</summary>
    public bool HasBoilerplate => Volatile.Read(ref _boilerplate) < 0;

    private const long VersionMask = (1L << 23) - 1;

    /// <summary>
    /// The distinct terms and facts among <see cref="ParaphraseTerms"/> (see <see cref="Paraphrase.CountDistinct"/>),
    /// counted once on first use rather than at every verification the article is in.
    /// </summary>
    public (int Terms, int Facts) ParaphraseCounts
    {
        get
        {
            // 0 until counted; the count is stored plus one in each half, so that an article without terms is not
            // counted again. Two threads may count at once: they store the same value.
            long packed = Volatile.Read(ref _paraphraseCounts);
            if (packed == 0)
            {
                packed = Pack(Paraphrase.CountDistinct(ParaphraseTerms));
                Volatile.Write(ref _paraphraseCounts, packed);
            }

            return ((int)(packed >> 32) - 1, (int)(uint)packed - 1);
        }
    }

    /// <summary>Sets the paraphrase counts of terms held elsewhere (a batch scan's packed sets; see <see cref="ParaphraseCounts"/>).</summary>
    public void SetParaphraseCounts((int Terms, int Facts) counts) => Volatile.Write(ref _paraphraseCounts, Pack(counts));

    /// <summary>The counts as <see cref="ParaphraseCounts"/> keeps them: each plus one in a half (0 is "not counted").</summary>
    private static long Pack((int Terms, int Facts) counts) => ((long)(counts.Terms + 1) << 32) | (uint)(counts.Facts + 1);

    /// <summary>Insertion order, for "first added" as the last tie-breaker of originals.</summary>
    public long Order { get; set; }

    /// <summary>
    /// When a detector indexed the article (UTC ticks; set on insertion, and kept by the snapshot and the journal, from
    /// which a load restores it): the time by which <see cref="CopyDetector.Expire"/> expires an article without a
    /// publication time.
    /// </summary>
    public long IndexedUtcTicks { get; set; }

    /// <summary>
    /// Lets go of the word, skeleton and lead sets and the paraphrase terms (they read as empty from now on; the terms'
    /// counts are kept): a batch scan keeps them packed beside the features (<see cref="PackedSets"/>).
    /// </summary>
    public void DropSets()
    {
        _ = ParaphraseCounts;
        Words = [];
        Skeleton = [];
        Lead = [];
        ParaphraseTerms = [];
    }
}

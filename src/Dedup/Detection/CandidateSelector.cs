using System.Numerics;
using System.Runtime.InteropServices;
using Dedup.Indexing;
using Dedup.Kernels;

namespace Dedup.Detection;

/// <summary>
/// The rules of the one candidate index, shared by the batch scan (<see cref="PairFinder"/> over a
/// <see cref="PostingIndex"/>) and the live detector (<c>FindCopies</c>, <c>FindOrAddAsync</c> and the incremental
/// clusters, over the detector's <see cref="ILshBucketStore"/>): which keys an article has, which holders of a key are
/// proposed, and in which order the proposals are verified.
/// </summary>
/// <remarks>
/// <para>
/// <b>Keys.</b> An article's keys are its exact hash and a consistent sample of its word shingles, skeleton
/// shingles and pairs of names in a sentence (Broder's mod-m sampling: a shingle is sampled in every article or in
/// none, so any two articles that share many shingles share samples), each mixed into its own 64-bit key space.
/// </para>
/// <para>
/// <b>Proposals.</b> The holders of a key are read in the order they were added (the earliest first), at most
/// <see cref="Window"/> of them. A key with at most <see cref="RareLimit"/> earlier holders is rare and proposes them
/// all: each on its own when the key has at most <see cref="SoleKeyLimit"/> holders besides the article, else those that
/// a second rare key proposes too. A key with more is common (a function-word sequence, a much-copied story) and proposes only
/// <see cref="CommonSample"/> of the holders read: those nearest to the article in SimHash (<see
/// cref="ArticleFeatures.SimHash"/>, ties earliest first) when the caller gave the fingerprints with <see
/// cref="PreferNear(ulong, Func{int, ulong})"/>, else the earliest. A holder proposed by common keys alone is kept only when at least
/// <see cref="CommonShare"/> of the article's common keys (and at least two) propose it, or when it is a near-exact copy
/// (at most <see cref="NearExactDistance"/> bits apart); near-exact copies come first, then the best proposed; callers
/// verify at most <see cref="MaxCommonVerified"/> of those. So the work of a query is bounded by its number of keys,
/// whatever the size of the index.
/// </para>
/// </remarks>
internal sealed class CandidateSelector
{
    /// <summary>A word shingle is sampled when its low bits are zero under this mask (1 in 8).</summary>
    public const uint WordSampleMask = 7;

    /// <summary>A skeleton shingle is sampled when its low bits are zero under this mask (1 in 4).</summary>
    public const uint SkeletonSampleMask = 3;

    /// <summary>
    /// A pair of names in one sentence is sampled when its hash's low bit is zero (1 in 2). A rewrite that changes every
    /// phrase and function word shares no sampled word or skeleton shingle with its source, so its only keys are its
    /// name pairs; an article with few names has few, and at 1 in 4 (until the tenth step of docs/accuracy.md) a
    /// rewrite of one was not proposed (a dev-llm rewrite, a Spanish one) though compare found it. Keys of the old rate
    /// are a subset of these, so an index keyed before still meets the queries made now.
    /// </summary>
    public const uint NamePairSampleMask = 1;

    /// <summary>The most names of one sentence that are paired (a sentence of more is a list): at most 276 pairs a sentence.</summary>
    public const int MaxNamesPaired = 24;

    /// <summary>A key held by at most this many earlier articles proposes all of them; one held by more is common.</summary>
    public const int RareLimit = 64;

    /// <summary>
    /// A rare key held by at most this many other articles (earlier or later) proposes each of them on its own; a rare
    /// key held by more (a phrase a few dozen articles use) proposes only the holders that a second rare key proposes too. Most candidates
    /// proposed by one such key alone are unrelated (on reuters-dev 75 matches in 196,000 verified; the labelled pairs
    /// and the judges' figures are the same without them), and their number grows with the corpus: a key's holders do.
    /// </summary>
    public const int SoleKeyLimit = 8;

    /// <summary>How many of a common key's earliest holders it proposes.</summary>
    public const int CommonSample = 16;

    /// <summary>
    /// A holder proposed by common keys alone is verified only when at least this share of the article's common keys
    /// propose it (a copy of a much-copied story shares nearly all of them with the story's first copies; an
    /// unrelated early article shares a few function-word sequences).
    /// </summary>
    public const double CommonShare = 0.2;

    /// <summary>At most this many holders proposed by common keys alone are verified per article, best proposed first.</summary>
    public const int MaxCommonVerified = 8;

    /// <summary>
    /// Two fingerprints at most this many bits apart are a near-exact copy (for 64-bit SimHash over content words, an
    /// edited byline or a changed sentence; unrelated texts are about 32 bits apart).
    /// </summary>
    public const int NearExactDistance = 3;

    /// <summary>How many holders of one key are read: enough to tell a rare key from a common one.</summary>
    public const int Window = RareLimit + 1;

    private const ulong ExactKeySpace = 0xE8AC_7000_0000_0001UL;
    private const ulong ShingleKeySpace = 0x5A3B_1E00_0000_0002UL;

    [ThreadStatic]
    private static CandidateSelector? s_cached;

    private readonly TallyTable _tally = new();
    private readonly int[] _window = new int[Window];

    // The common-key sample's buffers (a selector is one thread's): fields, not stack buffers, so that the JIT compiles
    // Offer at tier 0 on first use (docs/architecture.md, "First calls").
    private readonly byte[] _distance = new byte[Window];
    private readonly int[] _histogram = new int[65];
    private PostingIndex.HolderRange[] _ranges = [];
    private ulong[]? _fingerprintArray;
    private readonly List<ulong> _sampled = [];
    private readonly List<uint> _facts = [];
    private int _commonKeys;
    private Func<int, ulong>? _fingerprintOf;
    private Func<int, int>? _copiesOf;
    private ulong _fingerprint;

    /// <summary>The holders proposed by a rare key of few holders or by two rare keys, earliest first (after <see cref="Finish"/>).</summary>
    public List<int> Rare { get; } = [];

    /// <summary>The holders proposed by enough common keys alone, best proposed first (after <see cref="Finish"/>).</summary>
    public List<int> Common { get; } = [];

    /// <summary>A selector for this thread, cleared (not for use across an await).</summary>
    public static CandidateSelector ForThread()
    {
        CandidateSelector s = s_cached ??= new CandidateSelector();
        s.Clear();
        return s;
    }

    /// <summary>Forgets every proposal.</summary>
    public void Clear()
    {
        _tally.Clear();
        _commonKeys = 0;
        _fingerprintOf = null;
        _copiesOf = null;
        _fingerprintArray = null;
        Rare.Clear();
        Common.Clear();
    }

    /// <summary>
    /// From now until <see cref="Clear"/>, a common key proposes its holders nearest to <paramref name="fingerprint"/>
    /// (the article's SimHash) and near-exact copies are kept and ordered first.
    /// </summary>
    /// <param name="fingerprint">The SimHash of the article whose candidates are sought.</param>
    /// <param name="fingerprintOf">The SimHash of a holder, by the id the store gives.</param>
    public void PreferNear(ulong fingerprint, Func<int, ulong> fingerprintOf)
    {
        _fingerprint = fingerprint;
        _fingerprintOf = fingerprintOf;
        _fingerprintArray = null;
    }

    /// <summary>
    /// As <see cref="PreferNear(ulong, Func{int, ulong})"/>, with a scan's SimHash of every article by its index
    /// (<paramref name="fingerprints"/>): the offers from its index (<see cref="PostingIndex"/>) ask the memory early
    /// for the entries of a common key's holders and read them in a loop of plain loads, which keeps more of their
    /// misses under way at once than a call each.
    /// </summary>
    public void PreferNear(ulong fingerprint, ulong[] fingerprints)
    {
        _fingerprint = fingerprint;
        _fingerprintArray = fingerprints;
        _fingerprintOf = null;
    }

    /// <summary>
    /// From now until <see cref="Clear"/>, a holder stands for <paramref name="copiesOf"/> articles (at least 1: itself)
    /// when the holders of a key are counted (<see cref="SoleKeyLimit"/>): a scan indexes one article of each group of
    /// exact duplicates, where a live detector holds each of them.
    /// </summary>
    public void CountCopies(Func<int, int> copiesOf) => _copiesOf = copiesOf;

    /// <summary>Appends the keys of an article (its exact hash, then its sampled shingles and name pairs) to <paramref name="keys"/>.</summary>
    public void Keys(ulong exactHash, ReadOnlySpan<uint> words, ReadOnlySpan<uint> skeleton, ReadOnlySpan<uint> paraphraseTerms, List<ulong> keys)
    {
        _sampled.Clear();
        SampleKeys(words, skeleton, paraphraseTerms, _sampled, _facts);
        AddKeys(exactHash, CollectionsMarshal.AsSpan(_sampled), keys);
    }

    /// <summary>Appends the keys of an article from its exact hash and its samples (<see cref="SampleKeys"/>) to <paramref name="keys"/>.</summary>
    public static void AddKeys(ulong exactHash, ReadOnlySpan<ulong> samples, List<ulong> keys)
    {
        keys.Add(ExactKey(exactHash));
        foreach (ulong s in samples)
        {
            keys.Add(SampleKey(s));
        }
    }

    /// <summary>The key of an article's exact hash.</summary>
    public static ulong ExactKey(ulong exactHash) => HashMixKernel.Mix(exactHash ^ ExactKeySpace);

    /// <summary>The key of a sample (<see cref="SampleKeys"/>: its space in bits 32 and 33).</summary>
    public static ulong SampleKey(ulong sample) => HashMixKernel.Mix(sample ^ ShingleKeySpace);

    /// <summary>The keys of an article as a new array (the exact hash's first).</summary>
    public static ulong[] KeysOf(ulong exactHash, uint[] words, uint[] skeleton, uint[] paraphraseTerms)
    {
        var sampled = new List<ulong>();
        SampleKeys(words, skeleton, paraphraseTerms, sampled);
        ulong[] keys = new ulong[sampled.Count + 1];
        keys[0] = ExactKey(exactHash);
        for (int i = 0; i < sampled.Count; i++)
        {
            keys[i + 1] = SampleKey(sampled[i]);
        }

        return keys;
    }

    /// <summary>
    /// The sampled keys of an article's shingle sets and of the pairs of names in its sentences, which a rewrite keeps
    /// when it changes every phrase; word, skeleton and fact keys are kept apart by bits 32 and 33.
    /// </summary>
    public static void SampleKeys(ReadOnlySpan<uint> words, ReadOnlySpan<uint> skeleton, ReadOnlySpan<uint> paraphraseTerms, List<ulong> keys, List<uint>? scratch = null)
    {
        foreach (uint w in words)
        {
            if ((w & WordSampleMask) == 0)
            {
                keys.Add(w);
            }
        }

        foreach (uint s in skeleton)
        {
            if ((s & SkeletonSampleMask) == 0)
            {
                keys.Add((1UL << 32) | s);
            }
        }

        // Names are shared by every story on the same people: a single name would make long candidate lists. A pair of
        // names in one sentence ("Bates" with "Leeds") is rarer, and a rewrite keeps most such pairs together. Numbers
        // are left out: "10" with "5" is in every table.
        List<uint> facts = scratch ?? [];
        facts.Clear();
        foreach (uint e in paraphraseTerms)
        {
            if ((e & Paraphrase.NameFlag) != 0)
            {
                facts.Add(((e & Paraphrase.MaxSentence) << 22) | Paraphrase.Key(e));
            }
        }

        PrimitiveSort.Sort(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(facts));
        int start = 0;
        while (start < facts.Count)
        {
            int end = start;
            while (end < facts.Count && facts[end] >> 22 == facts[start] >> 22)
            {
                end++;
            }

            // Sentences past the last one numbered share its number (Paraphrase.MaxSentence): they are no sentence, and
            // their names no pairs (a 700,000-character text paired 1.5 million). A sentence of more names than
            // MaxNamesPaired is a list: its first ones (by key) are paired.
            uint sentence = facts[start] >> 22;
            int paired = sentence == Paraphrase.MaxSentence ? start : Math.Min(end, start + MaxNamesPaired);
            for (int x = start; x < paired; x++)
            {
                for (int y = x + 1; y < paired; y++)
                {
                    ulong a = facts[x] & 0x3F_FFFF;
                    ulong b = facts[y] & 0x3F_FFFF;
                    uint pair = (uint)(HashMixKernel.Mix((Math.Min(a, b) << 22) | Math.Max(a, b)) >> 32);
                    if ((pair & NamePairSampleMask) == 0)
                    {
                        keys.Add((2UL << 32) | pair);
                    }
                }
            }

            start = end;
        }
    }

    /// <summary>
    /// Offers the holders of every key from a synchronous store, reading at most <see cref="Window"/> of each bucket.
    /// </summary>
    /// <param name="store">The candidate index; its buckets list their ids in the order they were added.</param>
    /// <param name="keys">The article's keys.</param>
    /// <param name="before">Only ids below this count (the scan's article order); <see cref="int.MaxValue"/> for all.</param>
    /// <param name="self">An id never proposed (the article itself), or -1.</param>
    public void OfferAll(ILshBucketStore store, ReadOnlySpan<ulong> keys, int before, int self)
    {
        if (store is PostingIndex postings)
        {
            // A scan's index: every key looked up at once (see PostingIndex.FindAll), then offered in order.
            if (_ranges.Length < keys.Length)
            {
                _ranges = new PostingIndex.HolderRange[Math.Max(keys.Length, 2 * _ranges.Length)];
            }

            postings.FindAll(keys, _ranges);
            if (_fingerprintArray is { } fingerprints)
            {
                // What the offers read of each common key's holders: a million articles' fingerprints are far apart in
                // memory too. (A rare key's holders' copies are found through one bit an article: PairFinder.CopiesLookup.)
                for (int k = 0; k < keys.Length; k++)
                {
                    ReadOnlySpan<int> holders = postings.HoldersAt(_ranges[k]);
                    if (holders.Length > CommonSample)
                    {
                        foreach (int h in holders[..Math.Min(holders.Length, Window)])
                        {
                            MemoryHint.Prefetch(fingerprints, h);
                        }
                    }
                }
            }

            for (int k = 0; k < keys.Length; k++)
            {
                ReadOnlySpan<int> holders = postings.HoldersAt(_ranges[k]);
                Offer(holders[..Math.Min(holders.Length, Window)], holders.Length, before, self);
            }

            return;
        }

        for (int k = 0; k < keys.Length; k++)
        {
            int total = store.Query(keys.Slice(k, 1), _window);
            Offer(_window.AsSpan(0, Math.Min(total, Window)), total, before, self);
        }
    }

    /// <summary>Offers the holders of one key.</summary>
    /// <param name="holders">The first holders of the key, in the order they were added (ascending ids in a scan).</param>
    /// <param name="total">How many ids the key holds in all (at least <c>holders.Length</c>).</param>
    /// <param name="before">Only ids below this are earlier (the holders must then be ascending); <see cref="int.MaxValue"/> for all.</param>
    /// <param name="self">An id never proposed, or -1; when given, it is one of the key's holders (the article itself, indexed).</param>
    public void Offer(ReadOnlySpan<int> holders, int total, int before, int self)
    {
        int earlier = 0;
        int read = 0;
        bool complete;
        while (true)
        {
            if (read == holders.Length)
            {
                complete = holders.Length >= total;
                break;
            }

            int h = holders[read];
            if (h >= before)
            {
                complete = true;
                break;
            }

            read++;
            if (h != self && ++earlier > RareLimit)
            {
                complete = false;
                break;
            }
        }

        if (complete)
        {
            // A vote of 2 proposes a holder alone; a key of more holders gives 1, and a holder needs two such keys. The
            // key's holders are counted in all (earlier and later, the article itself left out), so that a scan and a
            // live detector holding the same articles propose the same pairs, whatever the order they were added in.
            // Each holder stands for at least itself, so a key of more than SoleKeyLimit + 1 holders gives 1 however
            // many copies they stand for: only the few holders of a smaller key are counted (a scan of a million
            // articles read the copies of 1,000 holders an article, 2.4 s of its CPU, to find the votes it knew).
            int others = total - (self >= 0 ? 1 : 0);
            if (_copiesOf is { } copiesOf && total <= holders.Length && total - 1 <= SoleKeyLimit)
            {
                others = -1;
                foreach (int h in holders[..total])
                {
                    others += copiesOf(h);
                }
            }

            int vote = others <= SoleKeyLimit ? 2 : 1;
            foreach (int h in holders[..read])
            {
                if (h != self)
                {
                    _tally.AddRare(h, vote);
                }
            }

            return;
        }

        _commonKeys++;
        if (HasFingerprints && read > CommonSample)
        {
            // The holders nearest in SimHash, ties earliest first, chosen without sorting: a histogram of the distances
            // (0..64) gives the distance at which the sample fills up; every holder nearer is taken, and the earliest
            // holders at that distance fill the rest.
            Span<byte> distance = _distance;
            Span<int> histogram = _histogram;
            histogram.Clear();
            int m = 0;
            for (int r = 0; r < read; r++)
            {
                if (holders[r] == self)
                {
                    distance[r] = byte.MaxValue;
                    continue;
                }

                int d = BitOperations.PopCount(FingerprintOf(holders[r]) ^ _fingerprint);
                distance[r] = (byte)d;
                histogram[d]++;
                m++;
            }

            int quota = Math.Min(m, CommonSample);
            int cut = 0;
            int nearer = 0;
            while (nearer + histogram[cut] < quota)
            {
                nearer += histogram[cut++];
            }

            int atCut = quota - nearer;
            for (int r = 0; r < read; r++)
            {
                int d = distance[r];
                if (d < cut || (d == cut && atCut-- > 0))
                {
                    _tally.AddCommon(holders[r]);
                }
            }

            return;
        }

        int proposed = 0;
        foreach (int h in holders[..read])
        {
            if (h == self)
            {
                continue;
            }

            _tally.AddCommon(h);
            if (++proposed == CommonSample)
            {
                break;
            }
        }
    }

    /// <summary>
    /// Fills <see cref="Rare"/> (earliest first) and <see cref="Common"/> (near-exact copies first when fingerprints were
    /// given, then most proposed, then earliest) from the offers; <paramref name="earliest"/> orders ids by the time
    /// they were added (null: ascending ids).
    /// </summary>
    public void Finish(Comparison<int>? earliest = null)
    {
        Rare.Clear();
        Common.Clear();
        int need = Math.Max(2, (int)Math.Ceiling(CommonShare * _commonKeys));
        if (_fingerprintArray is { } fingerprints)
        {
            // The holders that only a near-exact fingerprint could keep: a million articles' fingerprints are far apart
            // in memory, and a query at a million tallies 229 holders, most of them proposed by one rare key.
            for (int t = 0; t < _tally.Count; t++)
            {
                (int rare, int common) = _tally.VotesAt(t);
                if (rare < 2 && common < need)
                {
                    MemoryHint.Prefetch(fingerprints, _tally.KeyAt(t));
                }
            }
        }

        for (int t = 0; t < _tally.Count; t++)
        {
            int holder = _tally.KeyAt(t);
            (int rare, int common) = _tally.VotesAt(t);
            if (rare >= 2)
            {
                Rare.Add(holder);
            }
            else if (common >= need || IsNearExact(holder))
            {
                Common.Add(holder);
            }
        }

        if (earliest is null)
        {
            PrimitiveSort.Sort(CollectionsMarshal.AsSpan(Rare));
        }
        else
        {
            Rare.Sort(earliest);
        }

        Common.Sort((x, y) =>
        {
            bool nx = IsNearExact(x);
            bool ny = IsNearExact(y);
            if (nx != ny)
            {
                return nx ? -1 : 1;
            }

            int vx = _tally.VotesOf(x).Common;
            int vy = _tally.VotesOf(y).Common;
            return vx != vy ? vy.CompareTo(vx) : earliest is null ? x.CompareTo(y) : earliest(x, y);
        });
    }

    /// <summary>Whether a holder is a near-exact copy of the article (false when no fingerprints were given).</summary>
    private bool IsNearExact(int holder) =>
        HasFingerprints && BitOperations.PopCount(FingerprintOf(holder) ^ _fingerprint) <= NearExactDistance;

    /// <summary>Whether the caller gave the holders' fingerprints (either <c>PreferNear</c>).</summary>
    private bool HasFingerprints => _fingerprintArray is not null || _fingerprintOf is not null;

    /// <summary>A holder's fingerprint: from the scan's dense array (a plain load) or through the live detector's lookup.</summary>
    private ulong FingerprintOf(int holder) => _fingerprintArray is { } fingerprints ? fingerprints[holder] : _fingerprintOf!(holder);
}

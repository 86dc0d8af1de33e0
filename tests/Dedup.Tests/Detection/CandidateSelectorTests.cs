using Dedup.Detection;
using Dedup.Indexing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dedup.Tests.Detection;

/// <summary>
/// The one candidate index's rules, as <see cref="CopyDetector.Scan(IReadOnlyList{Article}, DetectorOptions?, IProgress{ScanProgress}?, CancellationToken)"/>
/// and <see cref="CopyDetector.FindCopies(Article)"/> both apply them: rare keys propose every holder, common keys
/// their earliest, and a query's work does not grow with the copies of a story.
/// </summary>
public class CandidateSelectorTests
{
    /// <summary>A text of <paramref name="sentences"/> sentences of four names each, none seen before.</summary>
    private static string NamesText(int sentences, int namesPerSentence = 4)
    {
        var text = new System.Text.StringBuilder();
        for (int k = 0; k < sentences; k++)
        {
            string[] names = [.. Enumerable.Range(0, namesPerSentence).Select(j => "Zor" + Base26((k * namesPerSentence) + j))];
            text.Append("Yesterday ").Append(string.Join(" met ", names)).Append(" in the town hall. ");
        }

        return text.ToString();
    }

    private static string Base26(int n)
    {
        string s = string.Empty;
        do
        {
            s = (char)('a' + (n % 26)) + s;
            n /= 26;
        }
        while (n > 0);
        return s;
    }

    private static int KeyCount(string text)
    {
        ArticleFeatures f = FeatureExtractor.Extract(new Article("x", text), DetectorOptions.Default);
        var keys = new List<ulong>();
        CandidateSelector.SampleKeys(f.Words, f.Skeleton, f.ParaphraseTerms, keys);
        return keys.Count;
    }

    /// <summary>
    /// Half the pairs of names in a sentence are keys (NamePairSampleMask): a rewrite that changes every phrase keeps
    /// only its names in common with its source, and at a quarter a rewrite of an article with few names went unproposed.
    /// </summary>
    [Fact]
    public void Half_the_pairs_of_names_in_a_sentence_are_keys()
    {
        // Twenty names in one sentence: 190 pairs, and no word or skeleton keys given.
        uint[] terms = [.. Enumerable.Range(0, 20).Select(i => Paraphrase.Entry(((ulong)(i + 1) * 0x9E3779B97F4A7C15UL) | 1, number: false, name: true, sentence: 0)).Order()];
        var keys = new List<ulong>();
        CandidateSelector.SampleKeys([], [], terms, keys);
        Assert.InRange(keys.Count, 190 * 35 / 100, 190 * 65 / 100);
    }

    /// <summary>
    /// An article's keys grow with its length, not with the square of its names: sentences past the last numbered one
    /// (Paraphrase.MaxSentence) shared its number, so every name after it was paired with every other (a client's trial:
    /// 1,000 sentences gave 624,978 keys, and a 700,000-character text more arguments than a Redis script takes). A
    /// sentence that lists many names pairs at most MaxNamesPaired of them.
    /// </summary>
    [Fact]
    public void Keys_grow_with_the_text_not_with_the_square_of_its_names()
    {
        int quarter = KeyCount(NamesText(250));
        int whole = KeyCount(NamesText(1_000));
        Assert.True(quarter > 250, $"{quarter} keys");
        Assert.True(whole < 5 * quarter, $"{whole} keys for 1,000 sentences, {quarter} for 250");

        int list = KeyCount(NamesText(1, namesPerSentence: 400));
        int pairsAtMost = CandidateSelector.MaxNamesPaired * (CandidateSelector.MaxNamesPaired - 1) / 2;
        Assert.True(list < KeyCount(NamesText(1, namesPerSentence: 24)) + 400 + pairsAtMost / 2, $"{list} keys for one sentence of 400 names");
    }

    [Fact]
    public void A_rare_key_proposes_every_earlier_holder_and_a_common_key_its_earliest()
    {
        var selector = new CandidateSelector();
        int[] rare = [.. Enumerable.Range(100, CandidateSelector.RareLimit)];
        int[] common = [.. Enumerable.Range(0, CandidateSelector.RareLimit + 40)];

        // Two rare keys: every holder of both is proposed.
        selector.Offer(rare, rare.Length, int.MaxValue, -1);
        selector.Offer(rare, rare.Length, int.MaxValue, -1);
        selector.Finish();
        Assert.Equal(rare, selector.Rare);

        selector.Clear();
        for (int k = 0; k < 2; k++)
        {
            selector.Offer(common.AsSpan(0, CandidateSelector.Window), common.Length, int.MaxValue, -1);
        }

        selector.Finish();
        Assert.Empty(selector.Rare);
        Assert.Equal(common.Take(CandidateSelector.CommonSample), selector.Common);
    }

    [Fact]
    public void A_key_of_few_holders_proposes_each_alone_and_one_of_more_needs_a_second_rare_key()
    {
        var selector = new CandidateSelector();
        int[] few = [.. Enumerable.Range(500, CandidateSelector.SoleKeyLimit)];
        int[] more = [.. Enumerable.Range(0, CandidateSelector.SoleKeyLimit + 1)];
        int[] other = [.. Enumerable.Range(4, 20)];

        selector.Offer(few, few.Length, int.MaxValue, -1);
        selector.Offer(more, more.Length, int.MaxValue, -1);
        selector.Finish();

        // The key of 8 holders proposes them all; the key of 9 proposes none of its own.
        Assert.Equal(few, selector.Rare);

        // A second rare key (20 holders) shared with 4..8 of the nine: those are proposed, 0..3 are not.
        selector.Offer(other, other.Length, int.MaxValue, -1);
        selector.Finish();
        Assert.Equal([4, 5, 6, 7, 8, .. few], selector.Rare);

        // The key's holders are counted in all, later ones too, the article itself left out: in a scan, article 8 of the
        // nine holders sees 8 others (proposed each alone); with a tenth, later holder, 9 others (none alone). So a scan
        // and a live detector holding the same articles agree whatever the order.
        int[] ten = [.. Enumerable.Range(0, CandidateSelector.SoleKeyLimit + 2)];
        selector.Clear();
        selector.Offer(more, more.Length, CandidateSelector.SoleKeyLimit, CandidateSelector.SoleKeyLimit);
        selector.Finish();
        Assert.Equal(Enumerable.Range(0, CandidateSelector.SoleKeyLimit), selector.Rare);
        selector.Clear();
        selector.Offer(ten, ten.Length, CandidateSelector.SoleKeyLimit, CandidateSelector.SoleKeyLimit);
        selector.Finish();
        Assert.Empty(selector.Rare);
    }

    [Fact]
    public void Given_fingerprints_a_common_key_proposes_its_nearest_holders_and_near_exact_copies_come_first()
    {
        var selector = new CandidateSelector();
        int[] common = [.. Enumerable.Range(0, CandidateSelector.RareLimit + 40)];

        // The query's fingerprint is 0; holder h is PopCount(h's fingerprint) bits away. The late holders 40..55 are
        // near (1..16 bits, of which 40..42 are near-exact), the others 40 bits away.
        const ulong Query = 0;
        ulong FingerprintOf(int h) => h is >= 40 and < 40 + CandidateSelector.CommonSample ? (1UL << (h - 40 + 1)) - 1 : (1UL << 40) - 1;
        selector.PreferNear(Query, FingerprintOf);
        for (int k = 0; k < 2; k++)
        {
            selector.Offer(common.AsSpan(0, CandidateSelector.Window), common.Length, int.MaxValue, -1);
        }

        selector.Finish();
        int[] near = [.. Enumerable.Range(40, CandidateSelector.CommonSample)];
        Assert.Equal(near, selector.Common.Order());

        // Near-exact copies (≤ NearExactDistance bits) first, then by proposals and age.
        Assert.Equal(Enumerable.Range(40, CandidateSelector.NearExactDistance), selector.Common.Take(CandidateSelector.NearExactDistance));

        // Without fingerprints the same offers give the earliest holders.
        selector.Clear();
        for (int k = 0; k < 2; k++)
        {
            selector.Offer(common.AsSpan(0, CandidateSelector.Window), common.Length, int.MaxValue, -1);
        }

        selector.Finish();
        Assert.Equal(common.Take(CandidateSelector.CommonSample), selector.Common);
    }

    /// <summary>
    /// The nearest holders are chosen by a histogram of distances, not by sorting: whatever the distances (few distinct
    /// values, so many ties) and wherever the article itself is among the holders, the holders proposed are those a
    /// sort by (distance, position) puts first.
    /// </summary>
    [Property(MaxTest = 300)]
    public Property The_nearest_holders_are_those_a_sort_by_distance_then_age_puts_first() =>
        Prop.ForAll(
            Gen.Choose(CandidateSelector.CommonSample + 1, CandidateSelector.Window).SelectMany(read =>
                Gen.Choose(0, 6).ArrayOf(read).SelectMany(bits => Gen.Choose(-1, read - 1).Select(self => (bits, self)))).ToArbitrary(),
            input =>
            {
                (int[] bits, int self) = input;
                int read = bits.Length;
                int[] holders = [.. Enumerable.Range(0, read).Select(r => 1000 + r)];
                ulong FingerprintOf(int h) => (1UL << (8 + bits[h - 1000])) - 1; // 8 + bits ones: never near-exact to 0
                int selfId = self < 0 ? -1 : holders[self];
                var selector = new CandidateSelector();
                selector.PreferNear(0, FingerprintOf);
                for (int k = 0; k < 2; k++)
                {
                    selector.Offer(holders, 10_000, int.MaxValue, selfId);
                }

                selector.Finish();
                int[] expected = [.. holders.Where(h => h != selfId).OrderBy(h => bits[h - 1000]).ThenBy(h => h).Take(CandidateSelector.CommonSample).Order()];
                return expected.SequenceEqual(selector.Common.Order());
            });

    /// <summary>
    /// A scan's holder stands for itself and its exact duplicates (<see cref="CandidateSelector.CountCopies"/>): a key
    /// proposes its holders each alone when the articles they stand for, less one, are at most SoleKeyLimit. The
    /// selector adds them up only for keys that small; whatever the key's size, copies and the article's place among
    /// the holders, it proposes what the sum over every holder says.
    /// </summary>
    [Property(MaxTest = 500)]
    public Property A_key_counts_the_copies_its_holders_stand_for() =>
        Prop.ForAll(
            Gen.Choose(1, CandidateSelector.SoleKeyLimit + 4).SelectMany(total =>
                Gen.Choose(0, 2).ArrayOf(total).SelectMany(copies => Gen.Choose(-1, total - 1).Select(self => (copies, self)))).ToArbitrary(),
            input =>
            {
                (int[] copies, int self) = input;
                int[] holders = [.. Enumerable.Range(0, copies.Length).Select(r => 100 + r)];
                int selfId = self < 0 ? -1 : holders[self];
                var selector = new CandidateSelector();
                selector.CountCopies(h => 1 + copies[h - 100]);
                selector.Offer(holders, holders.Length, int.MaxValue, selfId);
                selector.Finish();
                int others = -1 + copies.Sum(c => 1 + c);
                int[] expected = others <= CandidateSelector.SoleKeyLimit ? [.. holders.Where(h => h != selfId)] : [];
                return expected.SequenceEqual(selector.Rare);
            });

    [Fact]
    public void A_near_exact_holder_of_one_common_key_is_kept_below_the_common_share()
    {
        var selector = new CandidateSelector();
        int[] holders = [.. Enumerable.Range(0, CandidateSelector.Window)];
        selector.PreferNear(0, h => h == 3 ? 1UL : ulong.MaxValue);
        selector.Offer(holders, 1000, int.MaxValue, -1);
        for (int k = 0; k < 9; k++)
        {
            int[] other = [.. Enumerable.Range(1000 * (k + 1), CandidateSelector.Window)];
            selector.Offer(other, 1000, int.MaxValue, -1);
        }

        selector.Finish();

        // Proposed by 1 of 10 common keys (the share asks for 2): kept only because it is 1 bit away.
        Assert.Equal([3], selector.Common);
    }

    [Fact]
    public void In_a_scan_only_earlier_holders_count_and_the_article_itself_is_never_proposed()
    {
        var selector = new CandidateSelector();
        int[] holders = [.. Enumerable.Range(0, 200)];

        // Article 30 sees 30 earlier holders of a key held by 200: rare for it (two such keys propose them).
        selector.Offer(holders.AsSpan(0, CandidateSelector.Window), holders.Length, 30, -1);
        selector.Offer(holders.AsSpan(0, CandidateSelector.Window), holders.Length, 30, -1);
        selector.Finish();
        Assert.Equal(Enumerable.Range(0, 30), selector.Rare);

        // 65 holders of which one is the query itself: 64 others, still rare.
        selector.Clear();
        selector.Offer(holders.AsSpan(0, CandidateSelector.Window), CandidateSelector.Window, int.MaxValue, 7);
        selector.Offer(holders.AsSpan(0, CandidateSelector.Window), CandidateSelector.Window, int.MaxValue, 7);
        selector.Finish();
        Assert.Equal(CandidateSelector.RareLimit, selector.Rare.Count);
        Assert.DoesNotContain(7, selector.Rare);
    }

    [Fact]
    public void A_query_against_a_much_copied_story_verifies_a_bounded_number_of_its_copies_also_after_a_removal()
    {
        var detector = new CopyDetector();
        const int Copies = 300;
        for (int i = 0; i < Copies; i++)
        {
            detector.Add($"copy-{i:D3}", $"Bulletin {i} {i * 7919 % 1000}.\n\n" + TestArticles.Harbour);
        }

        string[] Found() => [.. detector.FindCopies(TestArticles.Harbour).Select(m => m.Id).Order(StringComparer.Ordinal)];

        // Only the first holders of a key are read (the store's window), and at most MaxCommonVerified are verified.
        string[] found = Found();
        Assert.Equal(CandidateSelector.MaxCommonVerified, found.Length);
        Assert.All(found, id => Assert.True(int.Parse(id.AsSpan(5), System.Globalization.CultureInfo.InvariantCulture) < CandidateSelector.Window, id));

        // The store keeps each bucket in the order of addition through a removal: another copy takes the removed one's place.
        Assert.True(detector.Remove(found[0]));
        string[] after = Found();
        Assert.Equal(CandidateSelector.MaxCommonVerified, after.Length);
        Assert.DoesNotContain(found[0], after);
    }

    [Fact]
    public void A_query_verifies_the_copies_nearest_in_SimHash_not_the_earliest_holders_of_its_keys()
    {
        // 50 early articles hold the story inside another (far in SimHash), then 20 near-exact copies: all 70 hold the
        // story's keys, so every key is common; its first 65 holders are 50 far and 15 near.
        var detector = new CopyDetector();
        for (int i = 0; i < 50; i++)
        {
            detector.Add($"far-{i:D3}", TestArticles.Rail + $"\n\nDigest {i}.\n\n" + TestArticles.Harbour);
        }

        for (int i = 0; i < 20; i++)
        {
            detector.Add($"near-{i:D3}", $"Bulletin {i}.\n\n" + TestArticles.Harbour);
        }

        string[] found = [.. detector.FindCopies(TestArticles.Harbour).Select(m => m.Id)];

        // With the earliest holders the verified candidates would be far-000 .. far-007.
        Assert.Equal(CandidateSelector.MaxCommonVerified, found.Length);
        Assert.All(found, id => Assert.StartsWith("near-", id, StringComparison.Ordinal));
    }

    [Fact]
    public void The_in_memory_store_keeps_a_bucket_in_the_order_of_addition()
    {
        var store = new InMemoryLshBucketStore();
        const ulong Key = 0x9E37_79B9_7F4A_7C15UL;
        for (int id = 10; id < 20; id++)
        {
            store.Add([new LshBucketEntry(Key, id)]);
        }

        store.Remove([new LshBucketEntry(Key, 12), new LshBucketEntry(Key, 10)]);
        store.Add([new LshBucketEntry(Key, 12)]);
        int[] ids = new int[16];
        int n = store.Query([Key], ids);
        Assert.Equal([11, 13, 14, 15, 16, 17, 18, 19, 12], ids[..n]);
    }

    [Fact]
    public void Scan_and_the_live_detector_agree_on_a_story_copied_more_often_than_a_key_is_rare()
    {
        var corpus = new List<Article>();
        for (int i = 0; i < CandidateSelector.RareLimit + 36; i++)
        {
            corpus.Add(new Article($"c{i:D3}", $"Bulletin {i} {i * 7919 % 1000}.\n\n" + (i % 2 == 0 ? TestArticles.Harbour : TestArticles.Rail)));
        }

        ScanResult scan = CopyDetector.Scan(corpus, cancellationToken: TestContext.Current.CancellationToken);
        var detector = new CopyDetector();
        _ = detector.ClusterOf("-");
        foreach (Article a in corpus)
        {
            detector.Add(a);
        }

        string Canonical(IEnumerable<IEnumerable<string>> clusters) =>
            string.Join(" | ", clusters.Select(c => string.Join(",", c.Order(StringComparer.Ordinal))).Order(StringComparer.Ordinal));

        Assert.Equal(2, scan.Clusters.Count(c => c.Members.Count > 1));
        Assert.Equal(
            Canonical(scan.Clusters.Select(c => c.Members)),
            Canonical(corpus.Select(a => detector.ClusterOf(a.Id)!.Members).DistinctBy(m => string.Join(",", m.Order(StringComparer.Ordinal)))));
    }
}

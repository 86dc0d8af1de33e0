using Dedup.Detection;
using Dedup.Indexing;

namespace Dedup.Tests.Detection;

/// <summary>
/// The one candidate index's rules, as <see cref="CopyDetector.Scan(IReadOnlyList{Article}, DetectorOptions?, IProgress{ScanProgress}?, CancellationToken)"/>
/// and <see cref="CopyDetector.FindCopies(Article)"/> both apply them: rare keys propose every holder, common keys
/// their earliest, and a query's work does not grow with the copies of a story.
/// </summary>
public class CandidateSelectorTests
{
    [Fact]
    public void A_rare_key_proposes_every_earlier_holder_and_a_common_key_its_earliest()
    {
        var selector = new CandidateSelector();
        int[] rare = [.. Enumerable.Range(100, CandidateSelector.RareLimit)];
        int[] common = [.. Enumerable.Range(0, CandidateSelector.RareLimit + 40)];

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
    public void In_a_scan_only_earlier_holders_count_and_the_article_itself_is_never_proposed()
    {
        var selector = new CandidateSelector();
        int[] holders = [.. Enumerable.Range(0, 200)];

        // Article 30 sees 30 earlier holders of a key held by 200: rare for it.
        selector.Offer(holders.AsSpan(0, CandidateSelector.Window), holders.Length, 30, -1);
        selector.Finish();
        Assert.Equal(Enumerable.Range(0, 30), selector.Rare);

        // 65 holders of which one is the query itself: 64 others, still rare.
        selector.Clear();
        selector.Offer(holders.AsSpan(0, CandidateSelector.Window), CandidateSelector.Window, int.MaxValue, 7);
        selector.Finish();
        Assert.Equal(CandidateSelector.RareLimit, selector.Rare.Count);
        Assert.DoesNotContain(7, selector.Rare);
    }

    [Fact]
    public void A_query_against_a_much_copied_story_verifies_its_earliest_copies_only_also_after_a_removal()
    {
        var detector = new CopyDetector();
        const int Copies = 300;
        for (int i = 0; i < Copies; i++)
        {
            detector.Add($"copy-{i:D3}", $"Bulletin {i} {i * 7919 % 1000}.\n\n" + TestArticles.Harbour);
        }

        string[] Found() => [.. detector.FindCopies(TestArticles.Harbour).Select(m => m.Id).Order(StringComparer.Ordinal)];

        Assert.Equal(Enumerable.Range(0, CandidateSelector.MaxCommonVerified).Select(i => $"copy-{i:D3}"), Found());

        // The store keeps each bucket in the order of addition through a removal: the next earliest copy comes in.
        Assert.True(detector.Remove("copy-000"));
        Assert.Equal(Enumerable.Range(1, CandidateSelector.MaxCommonVerified).Select(i => $"copy-{i:D3}"), Found());
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

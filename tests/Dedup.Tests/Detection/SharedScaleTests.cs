using Dedup.Detection;
using Dedup.Indexing;

namespace Dedup.Tests.Detection;

/// <summary>
/// A shared detector at scale: a query verifies a bounded number of candidates however often a story was copied (as a
/// detector with its own index does), and the corpus model of a large shared index is learned again off the calls, by
/// one worker, also after the index shrank.
/// </summary>
public class SharedScaleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// A story copied 150 times: every key of its shingles is held by every copy. A shared detector read every holder of
    /// every key and verified them all (a client's trial: 5.17 million pairs at 100,000 articles where a detector with
    /// its own index reported 86,930); it now chooses its candidates by the same rules, and answers the same.
    /// </summary>
    /// <param name="storeGivesAll">The store gives every holder of a bucket, more than it was asked for.</param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_much_copied_story_costs_a_bounded_number_of_candidates_and_gets_the_answers_of_a_detector_of_its_own(bool storeGivesAll)
    {
        using var local = new CopyDetector();
        var store = new TestSharedStore { GivesAll = storeGivesAll };
        await using var shared = new CopyDetector(null, store);
        int mostRead = 0;
        int mostCopies = 0;
        for (int i = 0; i < 150; i++)
        {
            var copy = new Article($"c{i}", TestArticles.Harbour + "\n\n" + Sentence(i));
            FindOrAddResult expected = await local.FindOrAddAsync(copy, Ct);
            store.SlotsRead = 0;
            FindOrAddResult actual = await shared.FindOrAddAsync(copy, Ct);
            Assert.Equal(expected.Added, actual.Added);
            Assert.Equal(expected.Copies.Select(m => (m.Id, m.Kind, m.Score)), actual.Copies.Select(m => (m.Id, m.Kind, m.Score)));
            if (i >= 100)
            {
                mostRead = Math.Max(mostRead, store.SlotsRead);
                mostCopies = Math.Max(mostCopies, actual.Copies.Count);
            }
        }

        // Rare keys propose every holder; beyond 64 earlier holders a key is common and proposes a few.
        Assert.InRange(mostRead, 1, CandidateSelector.RareLimit);
        Assert.InRange(mostCopies, 1, CandidateSelector.RareLimit);
    }

    /// <summary>
    /// A stale model of more than 500 articles is learned on a background task while calls go on with the old one (a
    /// client's trial: 18–21 s inside a call at 100,000 articles, in every worker); of two workers one learns it; and
    /// after the index shrank by a fifth it is learned once, not at every check (a smaller model was refused, so
    /// every check found it stale and learned it again).
    /// </summary>
    [Fact]
    public async Task A_stale_model_of_a_large_index_is_learned_off_the_calls_by_one_worker_also_after_the_index_shrank()
    {
        var store = new TestSharedStore();
        await using var first = new CopyDetector(null, store);
        await using var second = new CopyDetector(null, store);
        for (int i = 0; i < 600; i++)
        {
            await first.FindOrAddAsync(new Article($"a{i}", Story(i)), Ct);
        }

        await WaitForLearningAsync(first);
        (BoilerplateModel model, long version, _, _) = first.SharedModelForTests;
        Assert.InRange(model.Articles, 501, 600);

        // The index grows by a fifth while reading it is held up: the calls that find the model stale return.
        store.HoldReads = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int readsBefore = store.Reads;
        for (int i = 600; i < 760; i++)
        {
            await first.FindOrAddAsync(new Article($"a{i}", Story(i)), Ct);
        }

        for (int i = 0; i < CopyDetector.SharedModelCheckInterval + 1; i++)
        {
            await second.FindCopiesAsync(new Article("", Story(i)), Ct);
        }

        Task? learning = first.SharedModelForTests.Learning;
        Assert.NotNull(learning);
        Assert.False(learning.IsCompleted);
        Assert.Null(second.SharedModelForTests.Learning);
        Assert.Equal(readsBefore + 1, store.Reads);
        Assert.Equal(version, first.SharedModelForTests.Version);

        store.HoldReads.SetResult();
        await learning.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(0, first.SharedModelForTests.Failures);
        Assert.Equal(760, first.SharedModelForTests.Model.Articles);

        // The model learned from the records is the one the articles give (a detector of its own learns it so).
        ArticleFeatures[] features = [.. Enumerable.Range(0, 760).Select(i => FeatureExtractor.Extract(new Article($"a{i}", Story(i)), DetectorOptions.Default))];
        byte[] expected = BoilerplateModel.Build(features, DetectorOptions.Default.BoilerplateDocumentFrequency).Encode();
        Assert.True(expected.Length > 12 + 16, "the footer is boilerplate");
        Assert.Equal(expected, first.SharedModelForTests.Model.Encode());

        // A fifth expires; the next check of the second worker learns the model of the 608 left, once.
        for (int i = 0; i < 152; i++)
        {
            Assert.True(await first.RemoveAsync($"a{i}", Ct));
        }

        readsBefore = store.Reads;
        for (int i = 0; i < 4 * CopyDetector.SharedModelCheckInterval; i++)
        {
            await second.FindCopiesAsync(new Article("", Story(i)), Ct);
            await WaitForLearningAsync(second);
        }

        Assert.Equal(readsBefore + 1, store.Reads);
        Assert.Equal(608, second.SharedModelForTests.Model.Articles);
    }

    /// <summary>
    /// A worker that joins a large index with no model published yet (its articles were added with <c>AddAsync</c>,
    /// which learns none) learns it in the background, not inside its first call.
    /// </summary>
    [Fact]
    public async Task A_worker_joining_a_large_index_without_a_model_learns_it_off_its_calls()
    {
        var store = new TestSharedStore();
        await using (var adder = new CopyDetector(null, store))
        {
            for (int i = 0; i < 600; i++)
            {
                await adder.AddAsync(new Article($"a{i}", Story(i)), Ct);
            }
        }

        store.HoldReads = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var joining = new CopyDetector(null, store);
        await joining.FindCopiesAsync(new Article("", Story(3)), Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(20), Ct);
        Assert.False(joining.SharedModelForTests.Learning!.IsCompleted);
        store.HoldReads.SetResult();
        await WaitForLearningAsync(joining);
        Assert.Equal(600, joining.SharedModelForTests.Model.Articles);
    }

    /// <summary>
    /// A store emptied under a worker (a restart without persistence, a clear) counts its model versions from 0 again:
    /// the worker publishes and adopts the new index's models (it published over the version it held and was refused
    /// for good, learning again at every check, in a client's trial).
    /// </summary>
    [Fact]
    public async Task After_the_store_lost_its_data_the_model_is_published_and_adopted_again()
    {
        var store = new TestSharedStore();
        await using var worker = new CopyDetector(null, store);
        for (int i = 0; i < 120; i++)
        {
            await worker.FindOrAddAsync(new Article($"a{i}", Story(i)), Ct);
        }

        long before = worker.SharedModelForTests.Version;
        Assert.True(before > 5, $"model version {before}");
        store.Empty();
        for (int i = 0; i < 60; i++)
        {
            await worker.FindOrAddAsync(new Article($"b{i}", Story(1000 + i)), Ct);
        }

        SharedModel published = Assert.IsType<SharedModel>(await store.GetModelAsync(-1, Ct));
        Assert.Equal(published.Version, worker.SharedModelForTests.Version);
        Assert.InRange(published.Articles, 50, 60);
    }

    /// <summary>
    /// A store that lost its data lost the record of the index's settings too: the worker already running records them
    /// again at its next check, so a worker with other settings joining later is refused (it was let in, recorded its
    /// own settings, and mixed records of another shape into the index).
    /// </summary>
    [Fact]
    public async Task After_the_store_lost_its_data_the_settings_are_recorded_again_and_other_settings_refused()
    {
        var store = new TestSharedStore();
        await using var worker = new CopyDetector(null, store);
        await worker.FindOrAddAsync(new Article("a0", Story(0)), Ct);
        store.Empty();
        for (int i = 1; i <= CopyDetector.SharedModelCheckInterval; i++)
        {
            await worker.FindOrAddAsync(new Article($"a{i}", Story(i)), Ct);
        }

        await using var other = new CopyDetector(new DetectorOptions { ShingleSize = 4 }, store);
        InvalidOperationException refused = await Assert.ThrowsAsync<InvalidOperationException>(async () => await other.FindOrAddAsync(new Article("b", Story(500)), Ct));
        Assert.Contains("shingle size 5", refused.Message, StringComparison.Ordinal);
        Assert.Equal(CopyDetector.SharedModelCheckInterval, await store.CountAsync(Ct));
    }

    /// <summary>
    /// A worker refused for its settings is refused on every later call while the index records other settings: the
    /// check used to be skipped for the 63 calls after a refusal, and 194 of 200 calls in a client's trial added records
    /// of another shape. Other boilerplate rules or frequency are other settings too (a record keeps other lines; the
    /// shared model is learned at another frequency).
    /// </summary>
    [Theory]
    [InlineData("shingle size")]
    [InlineData("boilerplate rules")]
    [InlineData("boilerplate frequency")]
    [InlineData("rewrites not detected")]
    public async Task A_worker_with_other_settings_is_refused_on_every_call(string setting)
    {
        var store = new TestSharedStore();
        await using var first = new CopyDetector(null, store);
        await first.FindOrAddAsync(new Article("a0", Story(0)), Ct);
        DetectorOptions other = setting switch
        {
            "shingle size" => new DetectorOptions { ShingleSize = 4 },
            "boilerplate rules" => new DetectorOptions { Boilerplate = Dedup.Text.BoilerplateRules.None },
            "rewrites not detected" => new DetectorOptions { DetectRewrites = false },
            _ => new DetectorOptions { BoilerplateDocumentFrequency = 20 },
        };

        await using var refused = new CopyDetector(other, store);
        for (int i = 1; i <= 2 * CopyDetector.SharedModelCheckInterval; i++)
        {
            InvalidOperationException e = await Assert.ThrowsAsync<InvalidOperationException>(async () => await refused.FindOrAddAsync(new Article($"b{i}", Story(i)), Ct));
            Assert.Contains(setting, e.Message, StringComparison.Ordinal);
            Assert.EndsWith("This call changed nothing in the index (the check comes before any write).", e.Message, StringComparison.Ordinal);
        }

        Assert.Equal(1, await store.CountAsync(Ct));

        // A worker let in before, refused once the index records other settings (the store lost its data, and a worker
        // with other settings recorded them first), is refused on every call after: it is no longer let in between checks.
        store.Empty();
        await refused.FindOrAddAsync(new Article("o", Story(900)), Ct);
        int accepted = 0;
        while (accepted <= CopyDetector.SharedModelCheckInterval)
        {
            try
            {
                await first.FindOrAddAsync(new Article($"d{accepted}", Story(1000 + accepted)), Ct);
                accepted++;
            }
            catch (InvalidOperationException)
            {
                break;
            }
        }

        Assert.True(accepted < CopyDetector.SharedModelCheckInterval, $"{accepted} calls accepted after the settings changed");
        for (int i = 0; i < CopyDetector.SharedModelCheckInterval; i++)
        {
            await Assert.ThrowsAsync<InvalidOperationException>(async () => await first.FindOrAddAsync(new Article($"e{i}", Story(2000 + i)), Ct));
        }

        Assert.Equal(1 + accepted, await store.CountAsync(Ct));
        store.Empty();

        // The same rules built anew are the same settings.
        await using var same = new CopyDetector(new DetectorOptions { Boilerplate = Dedup.Text.BoilerplateRules.Default with { } }, store);
        Assert.True((await same.FindOrAddAsync(new Article("c", Story(700)), Ct)).Added);
    }

    /// <summary>A worker disposed while it learns the model gives up its claim, so that another learns it now, not after the 10-minute lease.</summary>
    [Fact]
    public async Task A_worker_disposed_while_it_learns_the_model_gives_up_its_claim()
    {
        var store = new TestSharedStore();
        var worker = new CopyDetector(null, store);
        for (int i = 0; i < 600; i++)
        {
            await worker.FindOrAddAsync(new Article($"a{i}", Story(i)), Ct);
        }

        await WaitForLearningAsync(worker);
        store.HoldReads = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        for (int i = 600; i < 760 && worker.SharedModelForTests.Learning is not { IsCompleted: false }; i++)
        {
            await worker.FindOrAddAsync(new Article($"a{i}", Story(i)), Ct);
        }

        Assert.False(worker.SharedModelForTests.Learning!.IsCompleted);
        Assert.False(await store.TryClaimModelLearningAsync("other", TimeSpan.FromMinutes(1), Ct));
        await worker.DisposeAsync();
        Assert.True(await store.TryClaimModelLearningAsync("other", TimeSpan.FromMinutes(1), Ct));
        store.HoldReads.SetResult();
    }

    private static async Task WaitForLearningAsync(CopyDetector detector)
    {
        if (detector.SharedModelForTests.Learning is { } learning)
        {
            await learning.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        }
    }

    /// <summary>A sentence of its own for each copy.</summary>
    private static string Sentence(int i) => $"Update number {i}: reporter{i} spoke to witness{i * 7} near gate{i * 13} in district{i % 17}.";

    /// <summary>A story of its own words among function words, and a closing line every story has (boilerplate once the model is learned).</summary>
    private static string Story(int seed)
    {
        string[] function = ["the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "was", "with", "by", "on", "not"];
        var random = new Random(seed);
        return string.Join(' ', Enumerable.Range(0, 80).Select(_ => random.Next(2) == 0 ? function[random.Next(function.Length)] : $"w{random.Next(1_000_000)}"))
            + "\n\nThe regional harbour office publishes these shipping figures every week together with the weather outlook for the coast.";
    }
}

using System.Runtime.CompilerServices;
using Dedup.Detection;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dedup.Tests.Detection;

/// <summary>
/// A scan of a stream (<see cref="CopyDetector.ScanAsync(IAsyncEnumerable{Article}, DetectorOptions?, IProgress{ScanProgress}?, CancellationToken)"/>):
/// the result of a scan of the same articles as a list, at any batch size and number of threads, with each article let
/// go once its batch is taken, and the list scan's checks, errors and cancellation.
/// </summary>
public class ScanAsyncTests
{
    /// <summary>Corpora with copies and texts sent again (which a scan extracts once, across batches too), small batches.</summary>
    private static Gen<Scenario> Cases { get; } =
        from corpus in CorpusGen.Corpus(maxStories: 5, maxCopies: 3)
        from resent in Gen.CollectToArray(corpus.Select(_ => Gen.Frequency((3, Gen.Constant(0)), (1, Gen.Choose(1, 3)))))
        let all = corpus.Concat(corpus.SelectMany((a, i) => Enumerable.Range(0, resent[i]).Select(k => new Article($"{a.Id}r{k}", a.Text, a.Title, a.Published?.AddDays(1 + k))))).ToArray()
        from shuffled in Gen.Shuffle(all)
        from batch in Gen.Choose(1, 7)
        from threads in Gen.Elements(1, 2, -1)
        from frequency in Gen.Elements(2, DetectorOptions.Default.BoilerplateDocumentFrequency)
        select new Scenario([.. shuffled], batch, threads, new DetectorOptions { BoilerplateDocumentFrequency = frequency });

    [Property(MaxTest = 60)]
    public Property A_stream_read_in_batches_gives_what_the_list_gives() => Prop.ForAll(Cases.ToArbitrary(), c =>
    {
        ScanResult list = CopyDetector.Scan(c.Corpus, c.Options, c.Threads);
        ScanResult stream = CopyDetector.ScanStreamAsync(c.Corpus.ToAsyncEnumerable(), c.Options, c.Threads, null, c.Batch, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        bool samePairs = list.Pairs.SequenceEqual(stream.Pairs);
        bool sameClusters = Canonical(list.Clusters).SequenceEqual(Canonical(stream.Clusters));
        return (samePairs && sameClusters && list.Documents == stream.Documents && list.Characters == stream.Characters)
            .Label($"same pairs {samePairs} ({list.Pairs.Count} and {stream.Pairs.Count}), same clusters {sameClusters}, documents {list.Documents} and {stream.Documents}");
    });

    /// <summary>Through the public method, past the default batch twice: the same as the list.</summary>
    [Fact]
    public async Task A_stream_of_more_than_two_default_batches_gives_what_the_list_gives()
    {
        Article[] corpus = Corpus(2 * CopyDetector.StreamBatch + 700, seed: 7);
        ScanResult list = CopyDetector.Scan(corpus, cancellationToken: TestContext.Current.CancellationToken);
        ScanResult stream = await CopyDetector.ScanAsync(corpus.ToAsyncEnumerable(), cancellationToken: TestContext.Current.CancellationToken);
        Assert.NotEmpty(list.Pairs);
        Assert.Equal(list.Pairs, stream.Pairs);
        Assert.Equal(Canonical(list.Clusters), Canonical(stream.Clusters));
        Assert.Equal(corpus.Length, stream.Documents);
    }

    /// <summary>
    /// The articles of a stream are not held once their batch is taken: while the stream is still read, the first of
    /// them are collected (a scan that gathered the stream into a list first holds them all).
    /// </summary>
    [Fact]
    public async Task An_article_is_let_go_once_its_batch_is_taken()
    {
        var early = new List<WeakReference>();
        bool? collected = null;
        async IAsyncEnumerable<Article> Source([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            for (int i = 0; i < 400; i++)
            {
                if (i == 300)
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    GC.Collect();
                    collected = early.All(w => !w.IsAlive);
                }

                var article = new Article($"a{i}", Story(new Random(i)));
                if (i < 100)
                {
                    early.Add(new WeakReference(article));
                }

                yield return article;
                await Task.Yield();
            }
        }

        ScanResult result = await CopyDetector.ScanStreamAsync(Source(TestContext.Current.CancellationToken), DetectorOptions.Default, 2, null, 16, TestContext.Current.CancellationToken);
        Assert.Equal(400, result.Documents);
        Assert.Equal(100, early.Count);
        Assert.True(collected, "The first hundred articles were still held while the stream was read.");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    public async Task An_invalid_article_is_named_by_its_number_in_the_stream_and_nothing_after_it_is_read(int batch)
    {
        int read = 0;
        IEnumerable<Article> Source()
        {
            for (int i = 0; i < 1000; i++)
            {
                read++;
                yield return i == 37 ? new Article("a37", "   ") : new Article($"a{i}", Story(new Random(i)));
            }
        }

        ArgumentException e = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await CopyDetector.ScanStreamAsync(Source().ToAsyncEnumerable(), DetectorOptions.Default, 2, null, batch, TestContext.Current.CancellationToken));
        Assert.StartsWith("The article at 37: ", e.Message, StringComparison.Ordinal);
        Assert.Equal("articles", e.ParamName);
        Assert.Equal(38, read);
    }

    [Fact]
    public async Task An_id_repeated_in_a_later_batch_is_named()
    {
        Article[] corpus = Corpus(100, seed: 3);
        corpus[90] = corpus[90] with { Id = corpus[5].Id };
        ArgumentException e = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await CopyDetector.ScanStreamAsync(corpus.ToAsyncEnumerable(), DetectorOptions.Default, -1, null, 8, TestContext.Current.CancellationToken));
        Assert.StartsWith($"The id '{corpus[5].Id}' appears more than once: the articles at 5 and 90.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_null_article_of_a_stream_is_named_as_the_lists_is()
    {
        Article[] corpus = Corpus(30, seed: 4);
        corpus[21] = null!;
        ArgumentNullException fromList = Assert.Throws<ArgumentNullException>(() => CopyDetector.Scan(corpus, cancellationToken: TestContext.Current.CancellationToken));
        ArgumentNullException fromStream = await Assert.ThrowsAsync<ArgumentNullException>(async () =>
            await CopyDetector.ScanAsync(corpus.ToAsyncEnumerable(), cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(fromList.Message, fromStream.Message);
    }

    /// <summary>A stream that never ends, and does not look at the token itself: cancelled, the scan stops.</summary>
    [Fact]
    public async Task Cancelled_while_an_endless_stream_is_read_the_scan_stops()
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        int read = 0;
        IEnumerable<Article> Endless()
        {
            for (int i = 0; ; i++)
            {
                if (++read == 100)
                {
                    cancel.Cancel();
                }

                yield return new Article($"a{i}", Story(new Random(i)));
            }
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            await CopyDetector.ScanStreamAsync(Endless().ToAsyncEnumerable(), DetectorOptions.Default, 2, null, 32, cancel.Token));
        Assert.InRange(read, 100, 101);
    }

    [Fact]
    public async Task A_token_cancelled_before_the_scan_reads_nothing()
    {
        int read = 0;
        IEnumerable<Article> Counted()
        {
            foreach (Article article in Corpus(50, seed: 8))
            {
                read++;
                yield return article;
            }
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            await CopyDetector.ScanAsync(Counted().ToAsyncEnumerable(), cancellationToken: new CancellationToken(canceled: true)));
        Assert.Equal(0, read);
    }

    /// <summary>
    /// A caller that blocks on the scan from a single-threaded context (a UI thread, an old ASP.NET request), with a
    /// source that awaits without <c>ConfigureAwait(false)</c>: the source's continuations must not be posted to the
    /// blocked thread (they were: the scan never ended).
    /// </summary>
    [Fact]
    public void A_caller_blocking_on_a_single_threaded_context_is_not_deadlocked()
    {
        async IAsyncEnumerable<Article> Slow()
        {
            foreach (Article article in Corpus(40, seed: 9))
            {
                await Task.Delay(1);
                yield return article;
            }
        }

        ScanResult? result = null;
        var thread = new Thread(() =>
        {
            SynchronizationContext.SetSynchronizationContext(new UndrainedContext());
            result = CopyDetector.ScanAsync(Slow()).AsTask().GetAwaiter().GetResult();
        })
        { IsBackground = true };
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(60)), "The scan waited for the thread that waited for it.");
        Assert.Equal(40, result!.Documents);
    }

    /// <summary>A single-threaded context whose thread is blocked: what is posted to it never runs.</summary>
    private sealed class UndrainedContext : SynchronizationContext
    {
        public override void Post(SendOrPostCallback d, object? state)
        {
        }
    }

    /// <summary>The stream's own exception comes out as it was (not wrapped), after the batch being taken has ended.</summary>
    [Fact]
    public async Task An_exception_of_the_stream_is_thrown_as_it_was()
    {
        async IAsyncEnumerable<Article> Failing([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            for (int i = 0; i < 50; i++)
            {
                await Task.Yield();
                yield return new Article($"a{i}", Story(new Random(i)));
            }

            throw new InvalidOperationException("The feed broke.");
        }

        InvalidOperationException e = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await CopyDetector.ScanStreamAsync(Failing(TestContext.Current.CancellationToken), DetectorOptions.Default, 2, null, 16, TestContext.Current.CancellationToken));
        Assert.Equal("The feed broke.", e.Message);
    }

    [Fact]
    public async Task Progress_counts_the_articles_read_so_far_then_the_later_stages()
    {
        var reports = new List<ScanProgress>();
        var progress = new SynchronousProgress(reports);
        Article[] corpus = Corpus(300, seed: 5);
        ScanResult result = await CopyDetector.ScanStreamAsync(corpus.ToAsyncEnumerable(), DetectorOptions.Default, 2, progress, 64, TestContext.Current.CancellationToken);
        List<ScanProgress> signatures;
        lock (reports)
        {
            signatures = [.. reports.Where(r => r.Stage == "signatures")];
        }

        Assert.Equal(300, result.Documents);
        Assert.All(signatures, r => Assert.InRange(r.Done, 1, r.Total));
        Assert.Contains(signatures, r => r.Total == 64 && r.Done == 64);
        Assert.Contains(signatures, r => r.Total == 300 && r.Done == 300);
        Assert.Contains(reports, r => r.Stage == "clusters" && r.Done == 300);
    }

    [Fact]
    public async Task An_empty_stream_has_no_copies()
    {
        ScanResult result = await CopyDetector.ScanAsync(AsyncEnumerable.Empty<Article>(), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(0, result.Documents);
        Assert.Empty(result.Pairs);
        Assert.Empty(result.Clusters);
    }

    [Fact]
    public void Arguments_are_checked_before_the_stream_is_read()
    {
        Assert.Throws<ArgumentNullException>(() => { _ = CopyDetector.ScanAsync(null!, cancellationToken: TestContext.Current.CancellationToken).AsTask(); });
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = CopyDetector.ScanAsync(AsyncEnumerable.Empty<Article>(), null, 0, null, TestContext.Current.CancellationToken).AsTask(); });
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = CopyDetector.ScanAsync(AsyncEnumerable.Empty<Article>(), new DetectorOptions { Threshold = 2 }, cancellationToken: TestContext.Current.CancellationToken).AsTask(); });
    }

    /// <summary>A story of random words (<see cref="RandomStories"/>).</summary>
    private static string Story(Random random) => RandomStories.Story(random);

    /// <summary><paramref name="count"/> dated articles of <see cref="RandomStories.Texts"/>, a minute apart.</summary>
    private static Article[] Corpus(int count, int seed) =>
        [.. RandomStories.Texts(count, seed).Select((t, i) => new Article($"s{i}", t, null, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(i)))];

    /// <summary>Each cluster as its original and its member set, in a fixed order.</summary>
    private static List<(string Original, string Members)> Canonical(IEnumerable<CopyCluster> clusters) =>
        [.. clusters
            .Select(c => (c.OriginalId, string.Join(",", c.Members.Order(StringComparer.Ordinal))))
            .OrderBy(c => c.Item2, StringComparer.Ordinal)];

    /// <summary>Progress recorded on the thread that reports it (not posted to a context).</summary>
    private sealed class SynchronousProgress(List<ScanProgress> reports) : IProgress<ScanProgress>
    {
        public void Report(ScanProgress value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }

    public sealed record Scenario(Article[] Corpus, int Batch, int Threads, DetectorOptions Options)
    {
        public override string ToString() =>
            $"{Corpus.Length} articles in batches of {Batch}, threads {Threads}, boilerplate frequency {Options.BoilerplateDocumentFrequency}: {string.Join(",", Corpus.Select(a => a.Id))}";
    }
}

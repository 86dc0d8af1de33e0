using Dedup.Detection;

namespace Dedup.Tests.Detection;

/// <summary>A long scan reports each of its stages in order, so that a progress bar never sits on a finished stage.</summary>
public class ScanProgressTests
{
    /// <summary>Records every report, from whichever thread makes it.</summary>
    private sealed class Recorder : IProgress<ScanProgress>
    {
        private readonly Lock _lock = new();

        public List<ScanProgress> Reports { get; } = [];

        public void Report(ScanProgress value)
        {
            lock (_lock)
            {
                Reports.Add(value);
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Every_stage_is_reported_in_order_and_ends_done(int threads)
    {
        List<Article> articles = [.. Enumerable.Range(0, 5000).Select(i => new Article($"a{i}", TestArticles.Harbour + $" Paragraph {i} of the progress check."))];
        var recorder = new Recorder();
        CopyDetector.Scan(articles, null, threads, recorder, TestContext.Current.CancellationToken);

        string[] order = [.. recorder.Reports.Select(r => r.Stage).Distinct()];
        Assert.Equal(["signatures", "corpus model", "index", "candidates", "clusters"], order);

        // Each stage's reports are together (no stage comes back after the next began), and it reaches its total (two
        // threads may report out of order within a stage).
        Assert.Equal(order.Length, recorder.Reports.Select(r => r.Stage).Where((s, i) => i == 0 || s != recorder.Reports[i - 1].Stage).Count());
        foreach (string stage in order)
        {
            List<ScanProgress> reports = [.. recorder.Reports.Where(r => r.Stage == stage)];
            Assert.True(reports.Max(r => r.Done) == reports[^1].Total && reports[^1].Total > 0, $"{stage}: {string.Join(", ", reports)}");
        }

        Assert.Equal(5000, recorder.Reports.Last(r => r.Stage == "corpus model").Total);
    }

    /// <summary>Fails at the first report of a stage.</summary>
    private sealed class Failing(string stage) : IProgress<ScanProgress>
    {
        public void Report(ScanProgress value)
        {
            if (value.Stage == stage)
            {
                throw new InvalidOperationException($"the progress bar broke at {stage}");
            }
        }
    }

    [Theory]
    [InlineData("signatures", 1)]
    [InlineData("signatures", 2)]
    [InlineData("corpus model", 2)]
    [InlineData("candidates", 2)]
    public void An_exception_of_the_progress_callback_is_thrown_as_it_was(string stage, int threads)
    {
        // It came out of the scan's parallel loops inside an AggregateException (a client's trial).
        List<Article> articles = [.. Enumerable.Range(0, 300).Select(i => new Article($"a{i}", TestArticles.Harbour + $" Paragraph {i}."))];

        var e = Assert.Throws<InvalidOperationException>(() => CopyDetector.Scan(articles, null, threads, new Failing(stage), TestContext.Current.CancellationToken));

        Assert.Equal($"the progress bar broke at {stage}", e.Message);
    }
}

using System.Text.Json;
using Dedup.Detection;

namespace Dedup.Tests.Detection;

/// <summary>
/// Accuracy on the labelled dev corpus (../shared/corpus/dev, beside the repository), so that it cannot silently
/// regress. On a machine without the corpus the test reports itself skipped, with the reason.
/// </summary>
public class DevCorpusAccuracyTests
{
    /// <summary>All-pairs F1 measured is 1.000 (docs/accuracy.md); the margin allows small drift.</summary>
    private const double MinimumF1 = 0.99;

    [Fact]
    public void All_pairs_F1_of_the_clusters_stays_at_the_measured_level()
    {
        string corpus = RepoPaths.DevCorpus ?? Skip("the dev corpus ../shared/corpus/dev is not beside the repository");
        var articles = new List<Article>();
        foreach (string line in File.ReadLines(Path.Combine(corpus, "documents.jsonl")))
        {
            using JsonDocument doc = JsonDocument.Parse(line);
            JsonElement r = doc.RootElement;
            articles.Add(new Article(
                r.GetProperty("id").GetString()!,
                r.GetProperty("text").GetString()!,
                r.GetProperty("title").GetString(),
                DateTimeOffset.Parse(r.GetProperty("published").GetString()!, System.Globalization.CultureInfo.InvariantCulture)));
        }

        var gold = new Dictionary<string, string>();
        foreach (string line in File.ReadLines(Path.Combine(corpus, "clusters.jsonl")))
        {
            using JsonDocument doc = JsonDocument.Parse(line);
            gold[doc.RootElement.GetProperty("id").GetString()!] = doc.RootElement.GetProperty("cluster").GetString()!;
        }

        ScanResult result = CopyDetector.Scan(articles, cancellationToken: TestContext.Current.CancellationToken);

        var predicted = new Dictionary<string, string>();
        foreach (CopyCluster c in result.Clusters)
        {
            foreach (string id in c.Members)
            {
                predicted[id] = c.Id;
            }
        }

        long truePositives = 0, predictedPairs = 0, goldPairs = 0;
        foreach (var group in gold.GroupBy(kv => kv.Value))
        {
            goldPairs += Pairs(group.Count());
        }

        foreach (var group in predicted.GroupBy(kv => kv.Value))
        {
            predictedPairs += Pairs(group.Count());
            foreach (var same in group.GroupBy(kv => gold[kv.Key]))
            {
                truePositives += Pairs(same.Count());
            }
        }

        double precision = (double)truePositives / predictedPairs;
        double recall = (double)truePositives / goldPairs;
        double f1 = 2 * precision * recall / (precision + recall);
        Assert.True(f1 >= MinimumF1, $"all-pairs F1 {f1:F3} (P {precision:F3}, R {recall:F3}) fell below {MinimumF1}");
        Assert.True(precision >= 0.99, $"all-pairs precision {precision:F3}");
        Assert.True(recall >= 0.97, $"all-pairs recall {recall:F3}");
    }

    private static long Pairs(long n) => n * (n - 1) / 2;

    private static string Skip(string reason)
    {
        Assert.Skip(reason);
        return string.Empty;
    }
}

using System.Globalization;
using System.Text.Json;
using Dedup.Detection;

namespace NewsAggregator;

/// <summary>Reads the article stream, calls FindOrAddAsync for each article and prints the copies of each new one (an article indexed already is "seen before"); stops the host at the end of the input.</summary>
internal sealed class IngestWorker(CopyDetector detector, IConfiguration configuration, IHostApplicationLifetime lifetime, ILogger<IngestWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string input = configuration["input"] ?? "-";
        int articles = 0, copies = 0;
        try
        {
            using TextReader reader = input == "-" ? Console.In : new StreamReader(input);
            while (await reader.ReadLineAsync(stoppingToken) is { } line)
            {
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                Article article = Parse(line);
                FindOrAddResult result = await detector.FindOrAddAsync(article, stoppingToken);
                articles++;
                if (!result.Added)
                {
                    // Indexed already (the feed sent it again): its copies were reported when it came first. Those
                    // listed now would include stories indexed after it, which are copies of it, not it of them.
                    Console.WriteLine($"{article.Id}: seen before");
                    continue;
                }

                foreach (CopyMatch copy in result.Copies)
                {
                    copies++;
                    Console.WriteLine($"{article.Id}: {copy.Kind.ToString().ToLowerInvariant()} copy of {copy.Id} (score {copy.Score:F2})");
                }
            }

            Console.WriteLine($"{articles} articles, {copies} copies, {detector.Count} indexed");
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is IOException or JsonException or ArgumentException)
        {
            logger.LogError(e, "Ingest stopped after {Articles} articles", articles);
            Environment.ExitCode = 2;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    /// <summary>One JSON line: id (string or number), text, and optional title, published (ISO 8601) and source.</summary>
    private static Article Parse(string line)
    {
        using JsonDocument doc = JsonDocument.Parse(line);
        JsonElement root = doc.RootElement;
        JsonElement id = root.GetProperty("id");
        string? Text(string name) => root.TryGetProperty(name, out JsonElement e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
        string? published = Text("published");
        return new Article(
            id.ValueKind == JsonValueKind.Number ? id.GetRawText() : id.GetString() ?? string.Empty,
            Text("text") ?? throw new JsonException($"article {id.GetRawText()} has no text"),
            Text("title"),
            published is null ? null : DateTimeOffset.Parse(published, CultureInfo.InvariantCulture),
            Text("source"));
    }
}

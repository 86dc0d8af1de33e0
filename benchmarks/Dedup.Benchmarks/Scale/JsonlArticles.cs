using System.Globalization;
using System.Text.Json;
using Dedup.Detection;

namespace Dedup.Benchmarks.Scale;

/// <summary>Reads a corpus file (<c>{"id","title","text","published"}</c> a line) into articles.</summary>
internal static class JsonlArticles
{
    public static List<Article> Read(string path, int limit = int.MaxValue)
    {
        var articles = new List<Article>();
        foreach (string line in File.ReadLines(path))
        {
            if (articles.Count == limit)
            {
                break;
            }

            if (line.Length == 0)
            {
                continue;
            }

            using JsonDocument doc = JsonDocument.Parse(line);
            JsonElement r = doc.RootElement;
            DateTimeOffset? published = r.TryGetProperty("published", out JsonElement p) && p.ValueKind == JsonValueKind.String
                ? DateTimeOffset.Parse(p.GetString()!, CultureInfo.InvariantCulture)
                : null;
            string id = r.GetProperty("id").ValueKind == JsonValueKind.String ? r.GetProperty("id").GetString()! : r.GetProperty("id").GetRawText();
            articles.Add(new Article(
                id,
                r.GetProperty("text").GetString()!,
                r.TryGetProperty("title", out JsonElement t) ? t.GetString() : null,
                published));
        }

        return articles;
    }
}

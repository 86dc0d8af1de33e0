using System.Globalization;
using System.Runtime.CompilerServices;
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

            if (line.Length > 0)
            {
                articles.Add(Parse(line));
            }
        }

        return articles;
    }

    /// <summary>The articles of the file as they are read, a line at a time (none held after it is given).</summary>
    public static async IAsyncEnumerable<Article> ReadAsync(string path, int limit = int.MaxValue, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        int count = 0;
        await foreach (string line in File.ReadLinesAsync(path, cancellationToken).ConfigureAwait(false))
        {
            if (count == limit)
            {
                yield break;
            }

            if (line.Length > 0)
            {
                count++;
                yield return Parse(line);
            }
        }
    }

    private static Article Parse(string line)
    {
        using JsonDocument doc = JsonDocument.Parse(line);
        JsonElement r = doc.RootElement;
        DateTimeOffset? published = r.TryGetProperty("published", out JsonElement p) && p.ValueKind == JsonValueKind.String
            ? DateTimeOffset.Parse(p.GetString()!, CultureInfo.InvariantCulture)
            : null;
        string id = r.GetProperty("id").ValueKind == JsonValueKind.String ? r.GetProperty("id").GetString()! : r.GetProperty("id").GetRawText();
        return new Article(
            id,
            r.GetProperty("text").GetString()!,
            r.TryGetProperty("title", out JsonElement t) ? t.GetString() : null,
            published);
    }
}

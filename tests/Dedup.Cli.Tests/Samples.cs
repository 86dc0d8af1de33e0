using System.Text.Json;

namespace Dedup.Cli.Tests;

/// <summary>The articles of samples/news.jsonl, and helpers to write some of them as .txt files.</summary>
internal static class Samples
{
    public const string Diplomacy = "mw-2025-0112-diplomacy";
    public const string Spun = "spinfarm-blink-helpline";
    public const string Storm = "mw-2025-0118-storm";
    public const string Syndicated = "hp-storm-ines";
    public const string Rail = "mw-2025-0120-rail";
    public const string Excerpt = "ledger-lyon-tunnel-short";
    public const string Chips = "mw-2025-0123-chips";
    public const string Duplicate = "mirror-nordlicht-enschede";
    public const string Roundup = "ledger-business-briefing-0124";
    public const string Heatwave = "mw-2025-0122-heatwave";

    public static string Text(string id)
    {
        foreach (string line in File.ReadLines(Cli.NewsSample))
        {
            using JsonDocument document = JsonDocument.Parse(line);
            if (document.RootElement.GetProperty("id").ToString() == id)
            {
                return document.RootElement.GetProperty("text").GetString()!;
            }
        }

        throw new ArgumentException("no sample " + id, nameof(id));
    }

    public static List<JsonElement> ReadJsonLines(string path)
        => File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
}

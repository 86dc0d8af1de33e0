using System.Text.Encodings.Web;
using System.Text.Json;
using Dedup.Detection;

namespace Dedup.Cli.Output;

/// <summary>The tool's machine formats: one JSON object per line, field names in snake_case, scores rounded to 4 decimals.</summary>
internal static class JsonLines
{
    /// <summary>Writer options: compact, and non-ASCII text kept readable (still valid JSON).</summary>
    public static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    /// <summary>The name of a kind in every output: duplicate, syndicated, excerpt or rewritten.</summary>
    public static string KindName(CopyKind kind) => kind switch
    {
        CopyKind.Duplicate => "duplicate",
        CopyKind.Syndicated => "syndicated",
        CopyKind.Excerpt => "excerpt",
        CopyKind.Rewritten => "rewritten",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>Rounds a score for output.</summary>
    public static double Round(double score) => Math.Round(score, 4, MidpointRounding.AwayFromZero);

    /// <summary>Writes an id: as a JSON number when it was a number in the input, else as a string.</summary>
    public static void WriteId(Utf8JsonWriter writer, string name, string id, IReadOnlySet<string>? numericIds)
    {
        if (numericIds is not null && numericIds.Contains(id))
        {
            writer.WritePropertyName(name);
            writer.WriteRawValue(id);
        }
        else
        {
            writer.WriteString(name, id);
        }
    }

    /// <summary>Writes the fields of a pair after its ids: kind, score and every score.</summary>
    public static void WriteScores(Utf8JsonWriter writer, CopyKind? kind, double score, MatchScores scores)
    {
        if (kind is { } k)
        {
            writer.WriteString("kind", KindName(k));
        }
        else
        {
            writer.WriteNull("kind");
        }

        writer.WriteNumber("score", Round(score));
        writer.WriteNumber("jaccard", Round(scores.Jaccard));
        writer.WriteNumber("containment_a", Round(scores.ContainmentOfFirst));
        writer.WriteNumber("containment_b", Round(scores.ContainmentOfSecond));
        writer.WriteNumber("skeleton", Round(scores.SkeletonScore));
        writer.WriteNumber("lead", Round(scores.LeadScore));
        writer.WriteNumber("paraphrase", Round(scores.ParaphraseScore));
    }

    /// <summary>Writes one line per pair: {"a", "b", "kind", "score", "jaccard", "containment_a", "containment_b", "skeleton", "lead", "paraphrase"}.</summary>
    public static void WritePairs(Stream stream, IEnumerable<CopyPair> pairs, IReadOnlySet<string>? numericIds)
    {
        using var lines = new JsonLinesWriter(stream);
        Utf8JsonWriter writer = lines.Json;
        foreach (CopyPair pair in pairs)
        {
            writer.WriteStartObject();
            WriteId(writer, "a", pair.First, numericIds);
            WriteId(writer, "b", pair.Second, numericIds);
            WriteScores(writer, pair.Kind, pair.Score, pair.Scores);
            writer.WriteEndObject();
            lines.EndLine();
        }
    }

    /// <summary>
    /// Writes one line per document, in input order, singletons included: {"id", "cluster", "original"}.
    /// A singleton's cluster id is its own id.
    /// </summary>
    public static void WriteClusters(Stream stream, IEnumerable<string> documentIds, IEnumerable<CopyCluster> clusters, IReadOnlySet<string>? numericIds)
    {
        var clusterOf = new Dictionary<string, CopyCluster>(StringComparer.Ordinal);
        foreach (CopyCluster cluster in clusters)
        {
            foreach (string member in cluster.Members)
            {
                clusterOf[member] = cluster;
            }
        }

        using var lines = new JsonLinesWriter(stream);
        Utf8JsonWriter writer = lines.Json;
        foreach (string id in documentIds)
        {
            writer.WriteStartObject();
            WriteId(writer, "id", id, numericIds);
            if (clusterOf.TryGetValue(id, out CopyCluster? cluster))
            {
                WriteId(writer, "cluster", cluster.Id, numericIds);
                writer.WriteBoolean("original", string.Equals(cluster.OriginalId, id, StringComparison.Ordinal));
            }
            else
            {
                WriteId(writer, "cluster", id, numericIds);
                writer.WriteBoolean("original", true);
            }

            writer.WriteEndObject();
            lines.EndLine();
        }
    }
}

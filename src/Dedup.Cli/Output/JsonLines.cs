using System.Collections.Frozen;
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

    private static readonly JsonEncodedText KindField = JsonEncodedText.Encode("kind");
    private static readonly JsonEncodedText ScoreField = JsonEncodedText.Encode("score");
    private static readonly JsonEncodedText JaccardField = JsonEncodedText.Encode("jaccard");
    private static readonly JsonEncodedText ContainmentAField = JsonEncodedText.Encode("containment_a");
    private static readonly JsonEncodedText ContainmentBField = JsonEncodedText.Encode("containment_b");
    private static readonly JsonEncodedText SkeletonField = JsonEncodedText.Encode("skeleton");
    private static readonly JsonEncodedText LeadField = JsonEncodedText.Encode("lead");
    private static readonly JsonEncodedText ParaphraseField = JsonEncodedText.Encode("paraphrase");
    private static readonly JsonEncodedText FactsField = JsonEncodedText.Encode("facts");
    private static readonly JsonEncodedText AlignedShareField = JsonEncodedText.Encode("aligned_share");
    private static readonly FrozenDictionary<CopyKind, JsonEncodedText> KindValues =
        Enum.GetValues<CopyKind>().ToFrozenDictionary(k => k, k => JsonEncodedText.Encode(KindName(k)));

    /// <summary>Writes the fields of a pair after its ids: kind, score and every score.</summary>
    public static void WriteScores(Utf8JsonWriter writer, CopyKind? kind, double score, MatchScores scores)
    {
        if (kind is { } k)
        {
            writer.WriteString(KindField, KindValues.TryGetValue(k, out JsonEncodedText value) ? value : JsonEncodedText.Encode(KindName(k)));
        }
        else
        {
            writer.WriteNull(KindField);
        }

        WriteScore(writer, ScoreField, score);
        WriteScore(writer, JaccardField, scores.Jaccard);
        WriteScore(writer, ContainmentAField, scores.ContainmentOfFirst);
        WriteScore(writer, ContainmentBField, scores.ContainmentOfSecond);
        WriteScore(writer, SkeletonField, scores.SkeletonScore);
        WriteScore(writer, LeadField, scores.LeadScore);
        WriteScore(writer, ParaphraseField, scores.ParaphraseScore);
        WriteScore(writer, FactsField, scores.FactScore);
        WriteScore(writer, AlignedShareField, scores.AlignedScore);
    }

    /// <summary>
    /// Writes a score rounded to 4 decimals (<see cref="Round"/>) as <see cref="Utf8JsonWriter.WriteNumber(JsonEncodedText, double)"/>
    /// writes the rounded value (its shortest decimal, which for a multiple of 0.0001 is that multiple with its
    /// trailing zeros left out), from the whole number of ten-thousandths: the general shortest formatting of a double
    /// took half the time of writing a scan's pairs. Other values (negative, not a number, a million or more) go the
    /// general way.
    /// </summary>
    internal static void WriteScore(Utf8JsonWriter writer, JsonEncodedText name, double score)
    {
        double rounded = Round(score);
        if (!(rounded >= 0 && rounded < 1_000_000) || double.IsNegative(rounded))
        {
            writer.WriteNumber(name, rounded);
            return;
        }

        long units = (long)Math.Round(rounded * 10_000);
        Span<byte> text = stackalloc byte[16];
        System.Buffers.Text.Utf8Formatter.TryFormat(units / 10_000, text, out int length);
        int fraction = (int)(units % 10_000);
        if (fraction != 0)
        {
            text[length++] = (byte)'.';
            for (int divisor = 1000; fraction != 0; divisor /= 10)
            {
                text[length++] = (byte)('0' + (fraction / divisor));
                fraction %= divisor;
            }
        }

        writer.WritePropertyName(name);
        writer.WriteRawValue(text[..length], skipInputValidation: true);
    }

    /// <summary>Pairs formatted at once by one thread, into a buffer of their own.</summary>
    internal const int BlockPairs = 4096;

    /// <summary>
    /// Writes one line per pair: {"a", "b", "kind", "score", "jaccard", "containment_a", "containment_b", "skeleton", "lead", "paraphrase", "facts", "aligned_share"}.
    /// Blocks of <see cref="BlockPairs"/> pairs are formatted on all threads, two blocks a thread at a time, and
    /// written in order (the 200,000 pairs of the dev corpus ×8 took a sixth of the native tool's time on one thread).
    /// </summary>
    /// <param name="stream">Where the lines go; flushed at the end, not disposed.</param>
    /// <param name="pairs">The pairs, in the order written.</param>
    /// <param name="numericIds">Ids written as JSON numbers.</param>
    /// <param name="maxDegreeOfParallelism">At most this many threads format at once; -1 for as many as there are cores.</param>
    public static void WritePairs(Stream stream, IReadOnlyList<CopyPair> pairs, IReadOnlySet<string>? numericIds, int maxDegreeOfParallelism = -1)
    {
        int threads = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount;
        int blocks = (pairs.Count + BlockPairs - 1) / BlockPairs;
        var formatted = new MemoryStream?[Math.Min(blocks, 2 * threads)];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        for (int first = 0; first < blocks; first += formatted.Length)
        {
            int count = Math.Min(formatted.Length, blocks - first);
            Parallel.For(0, count, parallel, b =>
            {
                MemoryStream block = formatted[b] ??= new MemoryStream();
                block.SetLength(0);
                using var lines = new JsonLinesWriter(block);
                Utf8JsonWriter writer = lines.Json;
                for (int k = (first + b) * BlockPairs; k < Math.Min(pairs.Count, (first + b + 1) * BlockPairs); k++)
                {
                    CopyPair pair = pairs[k];
                    writer.WriteStartObject();
                    WriteId(writer, "a", pair.First, numericIds);
                    WriteId(writer, "b", pair.Second, numericIds);
                    WriteScores(writer, pair.Kind, pair.Score, pair.Scores);
                    writer.WriteEndObject();
                    lines.EndLine();
                }
            });

            for (int b = 0; b < count; b++)
            {
                stream.Write(formatted[b]!.GetBuffer(), 0, (int)formatted[b]!.Length);
            }
        }

        stream.Flush();
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

using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dedup.Cli.Input;
using Dedup.Cli.Output;
using Dedup.Detection;
using Spectre.Console;

namespace Dedup.Cli.Commands;

/// <summary>The settings of <c>dedup compare</c>.</summary>
internal sealed record CompareSettings(string First, string Second, double Threshold, bool Json)
{
    /// <summary>How the files' bytes become text (<c>--encoding</c>).</summary>
    public InputEncoding Encoding { get; init; }
}

/// <summary><c>dedup compare A B</c>: compares two texts and explains the verdict.</summary>
internal static class CompareCommand
{
    public static async Task<int> RunAsync(CliConsole console, CompareSettings settings, CancellationToken cancellationToken)
    {
        if (settings.First == "-" && settings.Second == "-")
        {
            throw CliException.BadInput("compare: only one of A and B can be '-' (standard input)");
        }

        var first = new Article(IdOf(settings.First), await ArticleReader.ReadTextAsync(settings.First, console, cancellationToken, settings.Encoding));
        var second = new Article(IdOf(settings.Second), await ArticleReader.ReadTextAsync(settings.Second, console, cancellationToken, settings.Encoding));
        foreach ((Article article, string path) in new[] { (first, settings.First), (second, settings.Second) })
        {
            if (string.IsNullOrWhiteSpace(article.Text))
            {
                throw CliException.BadInput($"{Name(path)}: empty text");
            }

            if (IsJsonLines(article.Text))
            {
                // Compared as one text, a file of articles gave a verdict on its JSON (an "excerpt" of a story it holds).
                throw CliException.BadInput($"{Name(path)}: JSON Lines (an article a line, with a \"text\"), not a text: compare takes two texts; 'dedup scan {Name(path)} --pairs PAIRS' finds the copies among its articles");
            }
        }

        Comparison comparison = CopyComparer.Compare(first, second, new DetectorOptions { Threshold = settings.Threshold });

        // The comparison itself cannot be stopped midway (a second Ctrl+C ends the process): a run cancelled during it
        // prints nothing.
        cancellationToken.ThrowIfCancellationRequested();

        // Plain and rich output print the texts themselves: their control characters (an escape sequence would work
        // the terminal) are shown as symbols, one for one, so the comparison's offsets still hold. JSON escapes them.
        var view = settings.Json
            ? new ComparisonView(Name(settings.First), first.Text, Name(settings.Second), second.Text, comparison, settings.Threshold)
            : new ComparisonView(Name(settings.First), Printable.ForTerminal(first.Text), Name(settings.Second), Printable.ForTerminal(second.Text), comparison, settings.Threshold);
        if (settings.Json)
        {
            view.WriteJson(console.Out);
        }
        else if (console.OutIsTerminal)
        {
            view.WriteRich(console.CreateOutConsole());
        }
        else
        {
            view.WritePlain(console.Out);
        }

        return comparison.IsCopy ? ExitCodes.CopiesFound : ExitCodes.Ok;
    }

    private static string Name(string path) => path == "-" ? "<stdin>" : path;

    /// <summary>Whether a text's first line is a JSON object with a string "text": an article of a JSON Lines file, not a text to compare.</summary>
    internal static bool IsJsonLines(string text)
    {
        ReadOnlySpan<char> rest = text.AsSpan().TrimStart();
        int end = rest.IndexOf('\n');
        ReadOnlySpan<char> line = (end < 0 ? rest : rest[..end]).TrimEnd();
        if (line.Length < 2 || line[0] != '{' || line[^1] != '}')
        {
            return false;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(line.ToString());
            return document.RootElement.TryGetProperty("text", out JsonElement value) && value.ValueKind == JsonValueKind.String;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string IdOf(string path) => path == "-" ? "stdin" : Path.GetFileNameWithoutExtension(path);
}

/// <summary>Renders a <see cref="Comparison"/>: plain lines, Spectre markup, or JSON.</summary>
internal sealed partial class ComparisonView(string firstName, string firstText, string secondName, string secondText, Comparison comparison, double threshold = 0.4)
{
    /// <summary>The most characters of one passage printed in plain output; the rest is counted.</summary>
    internal const int MaxPassageCharacters = 2000;

    private string Verdict => comparison.Kind is { } kind ? JsonLines.KindName(kind) : "not a copy";

    /// <summary>
    /// Why two texts are not copies when the scores alone might suggest they are, or null. The containments count
    /// distinct word shingles, so two floods of one repeated phrase share their one or two shingles in full (Jaccard 1)
    /// but the detector demands a handful of distinct shared shingles as evidence: its score is then 0 while Jaccard
    /// is high, and without this line the output would contradict itself.
    /// </summary>
    internal string? Reason
    {
        get
        {
            if (comparison.IsCopy)
            {
                return null;
            }

            // Only a verbatim share that would reach the threshold is contradicted by the score: a rewrite sharing one
            // date phrase (verbatim 0.004, score 0) was told "too little evidence" in place of the paraphrase rule it missed.
            double verbatim = Math.Max(comparison.Scores.ContainmentOfFirst, comparison.Scores.ContainmentOfSecond);
            if (verbatim >= threshold && verbatim > 0 && comparison.Score < verbatim - 1e-9)
            {
                return "too little evidence: the scores count distinct word shingles, and these texts share only a few (a phrase repeated over and over, or a very short text), which is no sign of copying however high the Jaccard";
            }

            if (comparison.Score >= threshold && comparison.Score > 0)
            {
                // The verbatim or skeleton evidence reached the threshold, and the facts said no.
                return comparison.AlignedSentences.Any(a => a.DisagreeingNumbers.Count > 0)
                    ? "one template filled with other figures: the wording agrees, but the numbers of the aligned sentences disagree (another day's, week's or company's report)"
                    : "the wording agrees, but the two do not hold the same facts (names and numbers)";
            }

            MatchScores scores = comparison.Scores;
            if (scores.ParaphraseScore >= 0.5)
            {
                // The library's bars (internal to it): a paraphrase score counts from 0.7, or from 0.6 for two texts of
                // similar size that hold each other's facts (0.8 each way, 5 or more); the smaller must keep 0.7 of its
                // facts; and the two must share 40 content terms, or hold each other's facts both ways, or the smaller
                // must be a digest; between texts of different size, the smaller must keep 0.9 of its facts. Say which part the pair missed, with its figures (a client's trial read the whole
                // rule restated for a pair whose score was simply under the bar).
                string measured = string.Create(CultureInfo.InvariantCulture, $"paraphrase score {scores.ParaphraseScore:0.000}: the mean of its content terms, facts {scores.FactScore:0.000} and aligned sentences {scores.AlignedScore:0.000}, less half its verbatim share");
                string because = scores.FactScore < 0.7
                    ? string.Create(CultureInfo.InvariantCulture, $"the smaller keeps {scores.FactScore:0.000} of its names and numbers, and a rewrite keeps at least 0.7 of them")
                    : scores.ParaphraseScore < 0.6
                    ? "a rewrite scores at least 0.6 (two texts of similar size that hold each other's names and numbers) or 0.7"
                    : scores.ParaphraseScore < 0.7
                    ? "below 0.7 a rewrite must also be of similar size and hold 0.8 of the other's names and numbers both ways, which these do not"
                    : scores.FactScore < 0.9
                    ? string.Create(CultureInfo.InvariantCulture, $"the smaller keeps {scores.FactScore:0.000} of its names and numbers: between texts of different size (the smaller under 0.7 of the other's content terms) it counts only from 0.9, as a digest brings no facts of its own and a later story on the event does; of similar size, only when the two share at least 40 content terms or hold each other's facts both ways")
                    : "it counts only when the two share at least 40 content terms, hold each other's facts both ways, or the smaller (of 40 terms or more, at most half the other's size) keeps nearly all its terms and facts (two short reports on one subject share most of their few terms); and not between texts more than 20 times apart in size";
                return string.Create(CultureInfo.InvariantCulture, $"the score {Below(comparison.Score, threshold)} is below the threshold {threshold:0.######}; the {measured}; {because}");
            }

            if (comparison.Score == 0)
            {
                // A threshold of 0 still asks for some evidence: a pair that shares nothing is no copy at any threshold.
                return "no evidence of copying: the two share no word shingles, no frame and no lead (a score of 0 is no copy at any threshold)";
            }

            return string.Create(CultureInfo.InvariantCulture, $"the score {Below(comparison.Score, threshold)} is below the threshold {threshold:0.######}");
        }
    }

    public void WritePlain(TextWriter writer)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        writer.WriteLine($"a: {firstName}");
        writer.WriteLine($"b: {secondName}");
        writer.WriteLine($"kind: {Verdict}");
        if (Reason is { } reason)
        {
            writer.WriteLine($"why: {reason}");
        }

        foreach ((string key, double value) in Scores())
        {
            writer.WriteLine($"{key}: {value.ToString("0.0000", c)}");
        }

        writer.WriteLine($"simhash_distance: {comparison.Scores.SimHashDistance.ToString(c)} (bits of 64)");

        writer.WriteLine($"passages: {comparison.Passages.Count.ToString(c)}");
        if (Edge(leading: true) is { } before)
        {
            writer.WriteLine();
            writer.WriteLine(FormattableString.Invariant($"changed before passage 1: a {before.A.Start}..{before.A.End}, b {before.B.Start}..{before.B.End}"));
            WriteDiffPlain(writer, Slice(firstText, before.A), Slice(secondText, before.B));
        }

        for (int i = 0; i < comparison.Passages.Count; i++)
        {
            SharedPassage passage = comparison.Passages[i];
            writer.WriteLine();
            writer.WriteLine(FormattableString.Invariant(
                $"passage {i + 1} ({(passage.Exact ? "exact" : "words changed")}): a {passage.First.Start}..{passage.First.End}, b {passage.Second.Start}..{passage.Second.End}"));
            if (passage.Exact)
            {
                writer.WriteLine("  a = b | " + Cut(OneLine(Slice(firstText, passage.First))));
            }
            else
            {
                WriteDiffPlain(writer, Slice(firstText, passage.First), Slice(secondText, passage.Second));
            }

            if (Gap(i) is { } gap)
            {
                writer.WriteLine();
                writer.WriteLine(FormattableString.Invariant($"changed between passages {i + 1} and {i + 2}: a {gap.A.Start}..{gap.A.End}, b {gap.B.Start}..{gap.B.End}"));
                WriteDiffPlain(writer, Slice(firstText, gap.A), Slice(secondText, gap.B));
            }
        }

        if (Edge(leading: false) is { } after)
        {
            writer.WriteLine();
            writer.WriteLine(FormattableString.Invariant($"changed after passage {comparison.Passages.Count}: a {after.A.Start}..{after.A.End}, b {after.B.Start}..{after.B.End}"));
            WriteDiffPlain(writer, Slice(firstText, after.A), Slice(secondText, after.B));
        }

        if (ShowAligned)
        {
            writer.WriteLine();
            writer.WriteLine(FormattableString.Invariant($"aligned sentences: {comparison.AlignedSentences.Count} (the facts each pair shares; numbers that disagree)"));
            for (int i = 0; i < comparison.AlignedSentences.Count; i++)
            {
                AlignedSentence aligned = comparison.AlignedSentences[i];
                writer.WriteLine(FormattableString.Invariant(
                    $"sentence {i + 1}: a {aligned.First.Start}..{aligned.First.End} ~ b {aligned.Second.Start}..{aligned.Second.End} | facts: {Facts(aligned.SharedFacts)}{(aligned.DisagreeingNumbers.Count > 0 ? " | numbers disagree: " + Facts(aligned.DisagreeingNumbers) : string.Empty)}"));
                writer.WriteLine("  a | " + Cut(OneLine(Slice(firstText, aligned.First))));
                writer.WriteLine("  b | " + Cut(OneLine(Slice(secondText, aligned.Second))));
            }
        }

        WriteBoilerplatePlain(writer, "a", firstText, comparison.BoilerplateInFirst);
        WriteBoilerplatePlain(writer, "b", secondText, comparison.BoilerplateInSecond);
    }

    /// <summary>
    /// Whether the text views list the aligned sentences: for a rewritten copy, whose evidence they are (the verbatim
    /// passages of a syndicated copy or an excerpt say more). The JSON output always has them.
    /// </summary>
    private bool ShowAligned => comparison.Kind == CopyKind.Rewritten && comparison.AlignedSentences.Count > 0;

    private static string Facts(IReadOnlyList<string> facts) => facts.Count == 0 ? "none" : string.Join(", ", facts.Select(f => OneLine(f)));

    private static void WriteDiffPlain(TextWriter writer, string first, string second)
    {
            var a = new StringBuilder();
            var b = new StringBuilder();
            foreach ((DiffOp op, string text) in WordDiff.Diff(first, second))
            {
                string flat = OneLine(text, trim: false);
                string word = flat.TrimStart();
                string space = flat[..(flat.Length - word.Length)];
                switch (op)
                {
                    case DiffOp.Same:
                        a.Append(flat);
                        b.Append(flat);
                        break;
                    case DiffOp.Removed:
                        a.Append(space).Append("[-").Append(word).Append("-]");
                        break;
                    default:
                        b.Append(space).Append("{+").Append(word).Append("+}");
                        break;
                }
            }

            writer.WriteLine("  a | " + Side(a.ToString().Trim()));
            writer.WriteLine("  b | " + Side(b.ToString().Trim()));

            // A side with nothing there (a copy that adds a line before the first passage) is said so, not left blank.
            static string Side(string text) => text.Length == 0 ? "(nothing)" : Cut(text);
    }

    /// <summary>A passage line cut at <see cref="MaxPassageCharacters"/>, saying how much was left out.</summary>
    private static string Cut(string line) => line.Length <= MaxPassageCharacters
        ? line
        : string.Create(CultureInfo.InvariantCulture, $"{line[..MaxPassageCharacters]} [... {line.Length - MaxPassageCharacters:N0} more characters; --json gives the offsets]");

    public void WriteRich(IAnsiConsole console)
    {
        string colour = comparison.IsCopy ? "yellow" : "green";
        console.Write(new Rule($"[bold]{Markup.Escape(firstName)}[/] vs [bold]{Markup.Escape(secondName)}[/]: [{colour} bold]{Markup.Escape(Verdict)}[/]").LeftJustified());
        if (Reason is { } reason)
        {
            console.MarkupLine($"[grey]why: {Markup.Escape(reason)}[/]");
        }

        var scores = new Table().Border(TableBorder.Rounded);
        foreach ((string key, double _) in Scores())
        {
            scores.AddColumn(new TableColumn(Markup.Escape(key)).RightAligned());
        }

        scores.AddRow(Scores().Select(s => s.Value.ToString("0.000", CultureInfo.InvariantCulture)).ToArray());
        console.Write(scores);
        console.MarkupLine(FormattableString.Invariant($"[grey]SimHash distance: {comparison.Scores.SimHashDistance} bits of 64 (near-exact at most {NearExactBits})[/]"));

        if (comparison.Passages.Count > 0)
        {
            var passages = new Table().Border(TableBorder.Rounded).Expand().ShowRowSeparators();
            passages.AddColumn(new TableColumn("#").RightAligned());
            passages.AddColumn($"[bold]{Markup.Escape(firstName)}[/]");
            passages.AddColumn($"[bold]{Markup.Escape(secondName)}[/]");
            void AddEdge((TextSpan A, TextSpan B)? edge, string label)
            {
                if (edge is { } e)
                {
                    passages.AddRow(
                        new Markup($"[grey]{label}[/]"),
                        new Markup($"[red strikethrough]{Markup.Escape(OneLine(Slice(firstText, e.A)))}[/]"),
                        new Markup($"[green bold]{Markup.Escape(OneLine(Slice(secondText, e.B)))}[/]"));
                }
            }

            AddEdge(Edge(leading: true), "before");
            for (int i = 0; i < comparison.Passages.Count; i++)
            {
                SharedPassage passage = comparison.Passages[i];
                var a = new StringBuilder();
                var b = new StringBuilder();
                foreach ((DiffOp op, string text) in WordDiff.Diff(Slice(firstText, passage.First), Slice(secondText, passage.Second)))
                {
                    string escaped = Markup.Escape(text);
                    switch (op)
                    {
                        case DiffOp.Same:
                            a.Append(escaped);
                            b.Append(escaped);
                            break;
                        case DiffOp.Removed:
                            a.Append("[red strikethrough]").Append(escaped).Append("[/]");
                            break;
                        default:
                            b.Append("[green bold]").Append(escaped).Append("[/]");
                            break;
                    }
                }

                string tag = passage.Exact ? "[grey]exact[/]" : "[yellow]changed[/]";
                passages.AddRow(new Markup(FormattableString.Invariant($"{i + 1}\n{tag}")), new Markup(a.ToString()), new Markup(b.ToString()));
                if (Gap(i) is { } gap)
                {
                    passages.AddRow(
                        new Markup("[grey]gap[/]"),
                        new Markup($"[red strikethrough]{Markup.Escape(OneLine(Slice(firstText, gap.A)))}[/]"),
                        new Markup($"[green bold]{Markup.Escape(OneLine(Slice(secondText, gap.B)))}[/]"));
                }
            }

            AddEdge(Edge(leading: false), "after");
            console.Write(passages);
        }
        else
        {
            console.MarkupLine("[grey]No shared passages.[/]");
        }

        if (ShowAligned)
        {
            var aligned = new Table().Border(TableBorder.Rounded).Expand().ShowRowSeparators();
            aligned.AddColumn(new TableColumn("#").RightAligned());
            aligned.AddColumn($"[bold]{Markup.Escape(firstName)}[/]");
            aligned.AddColumn($"[bold]{Markup.Escape(secondName)}[/]");
            aligned.AddColumn("shared facts");
            for (int i = 0; i < comparison.AlignedSentences.Count; i++)
            {
                AlignedSentence sentence = comparison.AlignedSentences[i];
                string facts = Markup.Escape(Facts(sentence.SharedFacts))
                    + (sentence.DisagreeingNumbers.Count > 0 ? $"\n[red]disagree: {Markup.Escape(Facts(sentence.DisagreeingNumbers))}[/]" : string.Empty);
                aligned.AddRow(
                    new Markup(FormattableString.Invariant($"{i + 1}")),
                    new Markup(Markup.Escape(OneLine(Slice(firstText, sentence.First)))),
                    new Markup(Markup.Escape(OneLine(Slice(secondText, sentence.Second)))),
                    new Markup(facts));
            }

            console.MarkupLine("Aligned sentences (the rewrite's evidence):");
            console.Write(aligned);
        }

        WriteBoilerplateRich(console, firstName, firstText, comparison.BoilerplateInFirst);
        WriteBoilerplateRich(console, secondName, secondText, comparison.BoilerplateInSecond);
    }

    /// <summary>The SimHash distance at which the detector calls two articles near-exact copies.</summary>
    private const int NearExactBits = 3;

    public void WriteJson(TextWriter writer)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JsonLines.Options.Encoder }))
        {
            json.WriteStartObject();
            json.WriteString("a", firstName);
            json.WriteString("b", secondName);
            json.WriteBoolean("is_copy", comparison.IsCopy);
            if (Reason is { } reason)
            {
                json.WriteString("reason", reason);
            }
            else
            {
                json.WriteNull("reason");
            }

            // The scores under the names the plain output prints them by (Scores): "aligned" is the list of aligned
            // sentences below, "aligned_share" their share.
            JsonLines.WriteScores(json, comparison.Kind, comparison.Score, comparison.Scores);
            json.WriteNumber("simhash_distance", comparison.Scores.SimHashDistance);
            json.WriteStartArray("passages");
            foreach (SharedPassage passage in comparison.Passages)
            {
                json.WriteStartObject();
                json.WriteBoolean("exact", passage.Exact);
                WriteSpan(json, "in_a", firstText, passage.First);
                WriteSpan(json, "in_b", secondText, passage.Second);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("aligned");
            foreach (AlignedSentence aligned in comparison.AlignedSentences)
            {
                json.WriteStartObject();
                WriteSpan(json, "in_a", firstText, aligned.First);
                WriteSpan(json, "in_b", secondText, aligned.Second);
                WriteStrings(json, "shared_facts", aligned.SharedFacts);
                WriteStrings(json, "disagreeing_numbers", aligned.DisagreeingNumbers);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            WriteSpans(json, "boilerplate_a", firstText, comparison.BoilerplateInFirst);
            WriteSpans(json, "boilerplate_b", secondText, comparison.BoilerplateInSecond);
            json.WriteEndObject();
        }

        writer.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
    }

    /// <summary>
    /// The text between passage <paramref name="index"/> and the next one on both sides, when the passages run in
    /// the same order in both texts and something other than whitespace lies between them: what the copy changed.
    /// </summary>
    private (TextSpan A, TextSpan B)? Gap(int index)
    {
        if (index + 1 >= comparison.Passages.Count)
        {
            return null;
        }

        SharedPassage current = comparison.Passages[index];
        SharedPassage next = comparison.Passages[index + 1];
        if (next.First.Start < current.First.End || next.Second.Start < current.Second.End)
        {
            return null;
        }

        var a = new TextSpan(current.First.End, next.First.Start - current.First.End);
        var b = new TextSpan(current.Second.End, next.Second.Start - current.Second.End);
        return SameText(Slice(firstText, a), Slice(secondText, b)) ? null : (a, b);
    }

    /// <summary>The most characters of text on one side, with none on the other, shown as an edit before the first or after the last passage.</summary>
    internal const int MaxOneSidedEdge = 300;

    /// <summary>
    /// What comes before the first passage (<paramref name="leading"/>) or after the last, in both texts, when it reads as
    /// an edit: both sides hold text (a new headline for the old one, an edited first word), or one side a little (a
    /// dateline, a credit line added). Only changes between passages were shown, so a syndicated copy's new headline
    /// and dateline never appeared (a client's trial). A page that carries a story among others is not shown whole:
    /// its other text is no edit of the story. Null when there is no such edit, or the passages are out of order.
    /// </summary>
    private (TextSpan A, TextSpan B)? Edge(bool leading)
    {
        IReadOnlyList<SharedPassage> passages = comparison.Passages;
        if (passages.Count == 0)
        {
            return null;
        }

        SharedPassage edge = leading ? passages[0] : passages[^1];
        foreach (SharedPassage other in passages)
        {
            if (leading ? other.Second.Start < edge.Second.Start : other.Second.End > edge.Second.End)
            {
                return null;
            }
        }

        TextSpan a = leading ? new TextSpan(0, edge.First.Start) : new TextSpan(edge.First.End, firstText.Length - edge.First.End);
        TextSpan b = leading ? new TextSpan(0, edge.Second.Start) : new TextSpan(edge.Second.End, secondText.Length - edge.Second.End);
        bool inA = !string.IsNullOrWhiteSpace(Slice(firstText, a));
        bool inB = !string.IsNullOrWhiteSpace(Slice(secondText, b));
        if (SameText(Slice(firstText, a), Slice(secondText, b)))
        {
            // The same words on both sides (a final full stop after the last passage) are no change.
            return null;
        }

        return (inA && inB) || (inA && a.Length <= MaxOneSidedEdge) || (inB && b.Length <= MaxOneSidedEdge) ? (a, b) : null;
    }

    /// <summary>
    /// A score under the threshold, with as many decimals (three or more) as it takes to read below it: "the score 0.989 is
    /// below the threshold 0.989" was 0.98849 against 0.98855.
    /// </summary>
    internal static string Below(double score, double threshold)
    {
        for (int decimals = 3; decimals <= 9; decimals++)
        {
            string text = score.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            if (double.Parse(text, CultureInfo.InvariantCulture) < threshold)
            {
                return text;
            }
        }

        return score.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>Whether two stretches hold the same text but for their whitespace (nothing on both sides included).</summary>
    private static bool SameText(string a, string b) =>
        a.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).SequenceEqual(b.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);

    private IEnumerable<(string Key, double Value)> Scores()
    {
        yield return ("score", comparison.Score);
        yield return ("jaccard", comparison.Scores.Jaccard);
        yield return ("containment_a", comparison.Scores.ContainmentOfFirst);
        yield return ("containment_b", comparison.Scores.ContainmentOfSecond);
        yield return ("skeleton", comparison.Scores.SkeletonScore);
        yield return ("lead", comparison.Scores.LeadScore);
        yield return ("paraphrase", comparison.Scores.ParaphraseScore);
        yield return ("facts", comparison.Scores.FactScore);
        yield return ("aligned_share", comparison.Scores.AlignedScore);
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        json.WriteStartArray(name);
        foreach (string value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }

    private static void WriteSpans(Utf8JsonWriter json, string name, string text, IReadOnlyList<TextSpan> spans)
    {
        json.WriteStartArray(name);
        foreach (TextSpan span in spans)
        {
            json.WriteStartObject();
            WriteSpanFields(json, text, span);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteSpan(Utf8JsonWriter json, string name, string text, TextSpan span)
    {
        json.WriteStartObject(name);
        WriteSpanFields(json, text, span);
        json.WriteEndObject();
    }

    private static void WriteSpanFields(Utf8JsonWriter json, string text, TextSpan span)
    {
        json.WriteNumber("start", span.Start);
        json.WriteNumber("length", span.Length);
        json.WriteString("text", Slice(text, span));
    }

    private static void WriteBoilerplatePlain(TextWriter writer, string side, string text, IReadOnlyList<TextSpan> spans)
    {
        writer.WriteLine();
        writer.WriteLine(FormattableString.Invariant($"boilerplate removed from {side}: {spans.Count} line{(spans.Count == 1 ? string.Empty : "s")}"));
        foreach (TextSpan span in spans)
        {
            writer.WriteLine($"  {side} | {OneLine(Slice(text, span))}");
        }
    }

    private static void WriteBoilerplateRich(IAnsiConsole console, string name, string text, IReadOnlyList<TextSpan> spans)
    {
        if (spans.Count == 0)
        {
            console.MarkupLine($"[grey]No boilerplate removed from {Markup.Escape(name)}.[/]");
            return;
        }

        console.MarkupLine($"Boilerplate removed from [bold]{Markup.Escape(name)}[/]:");
        foreach (TextSpan span in spans)
        {
            console.MarkupLine($"  [grey strikethrough]{Markup.Escape(OneLine(Slice(text, span)))}[/]");
        }
    }

    /// <summary>The characters of a span, clipped to the text.</summary>
    internal static string Slice(string text, TextSpan span)
    {
        int start = Math.Clamp(span.Start, 0, text.Length);
        int end = Math.Clamp(span.End, start, text.Length);
        return text[start..end];
    }

    private static string OneLine(string text, bool trim = true)
    {
        string flat = Whitespace().Replace(text, " ");
        return trim ? flat.Trim() : flat;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}

using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Dedup.Detection;

namespace Dedup.Cli.Output;

/// <summary>
/// A self-contained HTML page (inline CSS, no scripts, no external assets) showing each cluster of copies, largest
/// first: its original, and each copy beside the original with the shared passages highlighted.
/// </summary>
/// <remarks>
/// Each text is written once: a cluster's original stands in one column (it stays in view while the column of its
/// copies scrolls by) with the passages of every shown copy marked, each mark naming the copies that share it; pointing
/// at a copy, or focusing it with the keyboard, marks only that copy's passages (pure CSS, so the page stays free of
/// scripts).
/// <para>Its size is bounded whatever the input, so it opens in a browser in seconds: the largest <see cref="MaxClusters"/>
/// clusters are shown, each with at most <see cref="MaxCopiesPerCluster"/> copies side by side, and each text cut at
/// <see cref="MaxTextCharacters"/> characters; the page states every cap it applied and where the rest is (the
/// <c>--pairs</c> and <c>--clusters</c> files). The browser lays out only the clusters in view
/// (<c>content-visibility: auto</c>), so a page of 100 clusters is laid out in milliseconds rather than seconds.</para>
/// </remarks>
internal sealed class HtmlReport(ScanResult result, IReadOnlyDictionary<string, Article> articles, Func<Article, Article, Comparison> compare)
{
    /// <summary>The most clusters shown in detail (the largest ones).</summary>
    public const int MaxClusters = 100;

    /// <summary>The most copies of one cluster shown beside its original; the others are listed by id.</summary>
    public const int MaxCopiesPerCluster = 10;

    /// <summary>The most characters of one text shown; the rest is cut, with a note saying how much.</summary>
    public const int MaxTextCharacters = 3000;

    /// <summary>The most ids listed for the copies of a cluster that are not shown.</summary>
    private const int MaxListedIds = 100;

    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private const string Css = """
        :root { color-scheme: light; --ink: #1d2330; --muted: #5d6678; --line: #d9dee8; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f4f6fa; }
        header, main, footer { max-width: 1320px; margin: 0 auto; padding: 0 24px; }
        header { padding-top: 24px; }
        h1 { font-size: 26px; margin: 0 0 4px; }
        h2 { font-size: 19px; margin: 0 0 8px; }
        h3 { font-size: 15px; margin: 0; display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
        code { font: 13px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #eef1f6; padding: 1px 5px; border-radius: 4px; unicode-bidi: isolate; }
        .summary { color: var(--muted); margin: 0 0 12px; }
        .stats { display: flex; gap: 12px; flex-wrap: wrap; margin: 12px 0; padding: 0; list-style: none; }
        .stats li { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; }
        .stats b { display: block; font-size: 20px; }
        .legend { display: flex; gap: 16px; flex-wrap: wrap; color: var(--muted); font-size: 13px; margin: 8px 0 16px; }
        nav ol { columns: 3; margin: 0 0 16px; padding-left: 22px; font-size: 14px; }
        nav a { color: #2457c5; }
        section.cluster { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 18px 20px; margin: 0 0 22px; content-visibility: auto; contain-intrinsic-size: auto 1600px; }
        .members { color: var(--muted); font-size: 13px; margin: 0 0 12px; }
        article.copy { border-top: 1px solid var(--line); padding: 14px 0 4px; }
        .kind { font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: .04em; padding: 2px 8px; border-radius: 999px; color: #fff; }
        .kind-duplicate { background: #7a3db8; } .kind-syndicated { background: #2457c5; } .kind-excerpt { background: #1b8a5a; }
        .kind-rewritten { background: #c24d12; } .kind-none { background: #7d8596; }
        .original-badge { font-size: 12px; font-weight: 600; color: #1b8a5a; border: 1px solid #1b8a5a; border-radius: 999px; padding: 1px 8px; }
        table.scores { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
        table.scores th, table.scores td { border: 1px solid var(--line); padding: 3px 10px; text-align: left; }
        table.scores th { background: #f4f6fa; font-weight: 600; }
        .body { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; align-items: start; }
        .body > .original { position: sticky; top: 8px; }
        .body > .original .text { max-height: calc(100vh - 90px); }
        @media (max-width: 800px) { .body { grid-template-columns: 1fr; } .body > .original { position: static; } }
        .hint { color: var(--muted); font-size: 12px; margin: 0; padding: 4px 12px; border-top: 1px solid var(--line); }
        article.copy:first-child { border-top: 0; padding-top: 0; }
        article.copy:hover, article.copy:focus-within { outline: 2px solid #c7d2e8; outline-offset: 4px; border-radius: 4px; }
        .side { border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
        .side h4 { margin: 0; padding: 6px 12px; font-size: 13px; background: #f4f6fa; border-bottom: 1px solid var(--line); }
        .side.original h4 { background: #e7f5ee; }
        .text { white-space: pre-wrap; overflow-wrap: anywhere; padding: 10px 12px; max-height: 520px; overflow: auto; font-size: 14px; }
        mark { padding: 0; border-radius: 2px; color: inherit; }
        mark.exact { background: #fde68a; }
        mark.aligned { background: #fdba74; }
        .boilerplate { color: #8a93a6; text-decoration: line-through; }
        .swatch { display: inline-block; width: 14px; height: 14px; border-radius: 3px; vertical-align: -2px; margin-right: 5px; }
        footer { color: var(--muted); font-size: 12px; padding-bottom: 32px; }
        .caps, .more-copies, .more-clusters { color: var(--muted); font-size: 13px; }
        .cut { color: var(--muted); font-style: italic; }
        """;

    // Pointing at (or focusing) copy n marks only its passages in the original: the passages it does not share lose
    // their colour, and those it shares take the colour they have for it (word for word, or with words changed).
    private static readonly string CopyFocusCss = string.Concat(Enumerable.Range(1, MaxCopiesPerCluster).Select(n => Invariant($$"""
        .cluster:has(.copy[data-n="{{n}}"]:hover, .copy[data-n="{{n}}"]:focus-within) .original mark:not(.e{{n}}, .a{{n}}) { background: transparent; }
        .cluster:has(.copy[data-n="{{n}}"]:hover, .copy[data-n="{{n}}"]:focus-within) .original mark.a{{n}} { background: #fdba74; }
        .cluster:has(.copy[data-n="{{n}}"]:hover, .copy[data-n="{{n}}"]:focus-within) .original mark.e{{n}} { background: #fde68a; }

        """)));

    /// <summary>Writes the page.</summary>
    /// <param name="writer">Where to write.</param>
    /// <param name="inputName">The scanned input's name, for the heading.</param>
    public void Write(TextWriter writer, string inputName)
    {
        List<CopyCluster> clusters = result.Clusters
            .Where(c => c.Members.Count > 1)
            .OrderByDescending(c => c.Members.Count)
            .ThenBy(c => c.Id, StringComparer.Ordinal)
            .ToList();
        var pairs = new Dictionary<(string, string), CopyPair>();
        foreach (CopyPair pair in result.Pairs)
        {
            pairs.TryAdd((pair.First, pair.Second), pair);
            pairs.TryAdd((pair.Second, pair.First), pair);
        }

        int inClusters = clusters.Sum(c => c.Members.Count);
        writer.Write("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        writer.Write($"<title>dedup report: {E(inputName)}</title>\n<style>\n{Css}\n{CopyFocusCss}</style>\n</head>\n<body>\n<header>\n");
        writer.Write($"<h1>Copies in {E(inputName)}</h1>\n");
        writer.Write(Invariant($"<p class=\"summary\">{result.Documents} document{(result.Documents == 1 ? string.Empty : "s")} scanned in {result.Elapsed.TotalSeconds:0.00} s. Each cluster below is one story: its original, once, with its copies beside it.</p>\n"));
        writer.Write("<ul class=\"stats\">\n");
        Stat(writer, "documents", result.Documents, "documents");
        Stat(writer, "clusters", clusters.Count, "clusters of copies");
        Stat(writer, "copies", inClusters - clusters.Count, "copies");
        Stat(writer, "unique", result.Documents - inClusters, "without copies");
        foreach (CopyKind kind in Enum.GetValues<CopyKind>())
        {
            Stat(writer, JsonLines.KindName(kind), result.Pairs.Count(p => p.Kind == kind), JsonLines.KindName(kind) + " pairs");
        }

        writer.Write("</ul>\n<div class=\"legend\"><span><span class=\"swatch\" style=\"background:#fde68a\"></span>passage shared word for word</span>");
        writer.Write("<span><span class=\"swatch\" style=\"background:#fdba74\"></span>passage shared with words changed</span>");
        writer.Write("<span><span class=\"boilerplate\">struck through</span>: line ignored as boilerplate</span></div>\n");
        int shown = Math.Min(clusters.Count, MaxClusters);
        if (clusters.Count > 0)
        {
            writer.Write(Invariant($"<p class=\"caps\" data-caps=\"clusters:{MaxClusters};copies:{MaxCopiesPerCluster};characters:{MaxTextCharacters}\">This page shows "));
            writer.Write(clusters.Count > MaxClusters
                ? Invariant($"the {MaxClusters} largest of the {clusters.Count} clusters ({clusters.Count - MaxClusters} more, every one in the clusters file a scan writes with <code>--clusters FILE</code>)")
                : Invariant($"all {clusters.Count} clusters"));
            writer.Write(Invariant($", at most {MaxCopiesPerCluster} copies of each beside its original (the others listed by id) and the first {MaxTextCharacters:N0} characters of each text; the pairs file (<code>--pairs FILE</code>) lists the pairs found (docs/cli.md says which of a large cluster's).</p>\n"));
            writer.Write("<nav><ol>\n");
            for (int i = 0; i < shown; i++)
            {
                writer.Write(Invariant($"<li><a href=\"#cluster-{i + 1}\"><bdi>{E(Headline(clusters[i].OriginalId))}</bdi></a> ({clusters[i].Members.Count})</li>\n"));
            }

            writer.Write("</ol></nav>\n");
        }
        else
        {
            writer.Write("<p class=\"none\">No copies found.</p>\n");
        }

        writer.Write("</header>\n<main>\n");
        for (int i = 0; i < shown; i++)
        {
            WriteCluster(writer, i + 1, clusters[i], pairs);
        }

        if (clusters.Count > shown)
        {
            writer.Write(Invariant($"<p class=\"more-clusters\" data-more=\"{clusters.Count - shown}\">{clusters.Count - shown} smaller clusters are not shown here (the cap is {MaxClusters}); a scan with <code>--clusters</code> and <code>--pairs</code> writes them all.</p>\n"));
        }

        writer.Write("</main>\n<footer>Made by the dedup command-line tool. Scores lie in [0, 1] and are the scan's, as --pairs writes them (boilerplate learned from the whole input left out); a copy the scan joined through another is compared alone. score: the verdict's; Jaccard of word shingles; found in = share of one text's shingles found in the other; skeleton = share of the function words and numbers in order; lead = share of the headline and first sentence found whole; paraphrase = the mean of the content words, facts (names and numbers) and sentences the smaller text keeps; the highlighted passages compare the two texts alone.</footer>\n</body>\n</html>\n");
    }

    private void WriteCluster(TextWriter writer, int number, CopyCluster cluster, Dictionary<(string, string), CopyPair> pairs)
    {
        Article original = articles[cluster.OriginalId];
        writer.Write(Invariant($"<section class=\"cluster\" id=\"cluster-{number}\" data-cluster-id=\"{E(cluster.Id)}\" data-size=\"{cluster.Members.Count}\">\n"));
        writer.Write(Invariant($"<h2>Cluster {number}: <bdi>{E(Headline(original.Id))}</bdi></h2>\n"));
        writer.Write($"<p class=\"members\">{cluster.Members.Count.ToString(CultureInfo.InvariantCulture)} articles. Original <span class=\"original-badge\">original</span> <code data-original=\"true\">{E(original.Id)}</code>{Meta(original)}; copies: ");
        List<string> copies = [.. cluster.Members.Where(m => !string.Equals(m, original.Id, StringComparison.Ordinal))];
        writer.Write(string.Join(", ", copies.Take(MaxListedIds).Select(m => $"<code>{E(m)}</code>")));
        if (copies.Count > MaxListedIds)
        {
            writer.Write(Invariant($" and {copies.Count - MaxListedIds} more"));
        }

        writer.Write("</p>\n");
        if (copies.Count > MaxCopiesPerCluster)
        {
            writer.Write(Invariant($"<p class=\"more-copies\" data-more=\"{copies.Count - MaxCopiesPerCluster}\">Below: the first {MaxCopiesPerCluster} of the {copies.Count} copies (the cap is {MaxCopiesPerCluster}).</p>\n"));
        }

        // The original's text is written once, beside the column of its copies; its passages carry the numbers of the
        // copies that share them (classes e1, a1, ...), so pointing at a copy shows that copy's passages only (CSS).
        List<(Article Copy, Comparison Comparison)> shown = [.. copies.Take(MaxCopiesPerCluster).Select(m => (articles[m], compare(original, articles[m])))];
        writer.Write("<div class=\"body\">\n");
        WriteOriginal(writer, original, shown.Select(s => s.Comparison).ToList());
        writer.Write("<div class=\"copies\">\n");
        for (int n = 1; n <= shown.Count; n++)
        {
            (Article copy, Comparison comparison) = shown[n - 1];
            // The scan's verdict where it paired the two (its scores leave out the boilerplate it learned from the whole
            // corpus, as --pairs does): the report showed the two compared alone, another score and at times another
            // kind than --pairs and the table of the same run (a user's trial: 335 of 449 scores, 3 kinds). A copy the
            // scan joined through others shows the two compared alone, and says so.
            CopyKind? kind = comparison.Kind;
            double score = comparison.Score;
            MatchScores s = comparison.Scores;
            bool scanned = pairs.TryGetValue((original.Id, copy.Id), out CopyPair? direct);
            if (scanned)
            {
                kind = direct!.Kind;
                score = direct.Score;
                s = string.Equals(direct.First, original.Id, StringComparison.Ordinal)
                    ? direct.Scores
                    : direct.Scores with { ContainmentOfFirst = direct.Scores.ContainmentOfSecond, ContainmentOfSecond = direct.Scores.ContainmentOfFirst };
            }

            string kindName = kind is { } k ? JsonLines.KindName(k) : "none";
            string kindLabel = kind is null ? "linked through another copy" : scanned ? kindName : kindName + " (compared alone)";
            writer.Write(Invariant($"<article class=\"copy\" data-id=\"{E(copy.Id)}\" data-kind=\"{kindName}\" data-n=\"{n}\" tabindex=\"0\">\n"));
            writer.Write($"<h3><span class=\"kind kind-{kindName}\">{E(kindLabel)}</span> <code>{E(copy.Id)}</code> <bdi>{E(copy.Title ?? string.Empty)}</bdi>{Meta(copy)}</h3>\n");
            // Every score that can decide a kind: a rewritten copy's evidence is its paraphrase score, the facts it keeps
            // and the sentences that align, not its verbatim share.
            writer.Write("<table class=\"scores\"><tr><th>score</th><th>Jaccard</th><th>original found in copy</th><th>copy found in original</th><th>skeleton</th><th>lead</th><th>paraphrase</th><th>facts kept</th><th>sentences aligned</th><th>shared passages</th></tr>");
            writer.Write(Invariant($"<tr><td>{score:0.000}</td><td>{s.Jaccard:0.000}</td><td>{s.ContainmentOfFirst:0.000}</td><td>{s.ContainmentOfSecond:0.000}</td><td>{s.SkeletonScore:0.000}</td><td>{s.LeadScore:0.000}</td><td>{s.ParaphraseScore:0.000}</td><td>{s.FactScore:0.000}</td><td>{s.AlignedScore:0.000}</td><td>{comparison.Passages.Count}</td></tr></table>\n"));
            writer.Write($"<div class=\"side copy\"><h4>Copy: <code>{E(copy.Id)}</code></h4><div class=\"text\">");
            string display = Highlighter.DisplayText(copy);
            foreach ((string run, Marks marks) in Highlighter.Runs(Cut(display), Highlighter.Ranges(comparison, first: false)))
            {
                string encoded = E(run);
                if ((marks & Marks.Boilerplate) != 0)
                {
                    encoded = $"<span class=\"boilerplate\">{encoded}</span>";
                }

                writer.Write((marks & Marks.SharedExact) != 0 ? $"<mark class=\"exact\">{encoded}</mark>"
                    : (marks & Marks.SharedAligned) != 0 ? $"<mark class=\"aligned\">{encoded}</mark>"
                    : encoded);
            }

            WriteCutNote(writer, display);
            writer.Write("</div></div>\n</article>\n");
        }

        writer.Write("</div>\n</div>\n</section>\n");
    }

    // The original once: a passage is marked if any shown copy shares it (exact if one shares it word for word), and
    // names each copy n that shares it: class en (word for word) or an (with words changed).
    private static void WriteOriginal(TextWriter writer, Article original, List<Comparison> comparisons)
    {
        writer.Write($"<div class=\"side original\"><h4>Original: <code>{E(original.Id)}</code></h4><div class=\"text\">");
        string display = Highlighter.DisplayText(original);
        string text = Cut(display);
        var exact = new int[text.Length];
        var aligned = new int[text.Length];
        var boilerplate = new bool[text.Length];
        for (int n = 0; n < comparisons.Count; n++)
        {
            foreach ((TextSpan span, Marks mark) in Highlighter.Ranges(comparisons[n], first: true))
            {
                int start = Math.Clamp(span.Start, 0, text.Length);
                int end = Math.Clamp(span.End, start, text.Length);
                for (int i = start; i < end; i++)
                {
                    switch (mark)
                    {
                        case Marks.SharedExact: exact[i] |= 1 << n; break;
                        case Marks.SharedAligned: aligned[i] |= 1 << n; break;
                        default: boilerplate[i] = true; break;
                    }
                }
            }
        }

        for (int i = 0; i < text.Length; i++)
        {
            // A boilerplate line was not compared, so it is never shown as shared; for one copy, exact wins over aligned.
            if (boilerplate[i])
            {
                exact[i] = aligned[i] = 0;
            }

            aligned[i] &= ~exact[i];
        }

        int runStart = 0;
        for (int i = 1; i <= text.Length; i++)
        {
            if (i < text.Length && exact[i] == exact[runStart] && aligned[i] == aligned[runStart] && boilerplate[i] == boilerplate[runStart])
            {
                continue;
            }

            string encoded = E(text[runStart..i]);
            if (boilerplate[runStart])
            {
                encoded = $"<span class=\"boilerplate\">{encoded}</span>";
            }
            else if ((exact[runStart] | aligned[runStart]) != 0)
            {
                var classes = new System.Text.StringBuilder(exact[runStart] != 0 ? "exact" : "aligned");
                for (int n = 0; n < comparisons.Count; n++)
                {
                    if ((exact[runStart] & (1 << n)) != 0)
                    {
                        classes.Append(CultureInfo.InvariantCulture, $" e{n + 1}");
                    }
                    else if ((aligned[runStart] & (1 << n)) != 0)
                    {
                        classes.Append(CultureInfo.InvariantCulture, $" a{n + 1}");
                    }
                }

                encoded = $"<mark class=\"{classes}\">{encoded}</mark>";
            }

            writer.Write(encoded);
            runStart = i;
        }

        WriteCutNote(writer, display);
        writer.Write("</div>");
        if (comparisons.Count > 1)
        {
            writer.Write("<p class=\"hint\">Marked: the passages any copy shares. Point at a copy (or focus it) to mark only its own.</p>");
        }

        writer.Write("</div>\n");
    }

    // The first MaxTextCharacters characters, one fewer if the cut would split a surrogate pair.
    private static string Cut(string display)
        => display.Length <= MaxTextCharacters ? display
        : display[..(char.IsHighSurrogate(display[MaxTextCharacters - 1]) ? MaxTextCharacters - 1 : MaxTextCharacters)];

    private static void WriteCutNote(TextWriter writer, string display)
    {
        if (display.Length > MaxTextCharacters)
        {
            writer.Write(Invariant($"<span class=\"cut\" data-cut=\"{display.Length - MaxTextCharacters}\">\n[... {display.Length - MaxTextCharacters:N0} more characters not shown: the report shows the first {MaxTextCharacters:N0} of each text]</span>"));
        }
    }

    private string Headline(string id)
    {
        Article article = articles[id];
        if (!string.IsNullOrWhiteSpace(article.Title))
        {
            return article.Title;
        }

        string firstLine = article.Text.AsSpan().TrimStart().ToString().Split('\n')[0].Trim();
        return firstLine.Length <= 90 ? firstLine : firstLine[..87] + "...";
    }

    private static string Meta(Article article)
    {
        var parts = new List<string>();
        if (!string.IsNullOrWhiteSpace(article.Source))
        {
            parts.Add(E(article.Source));
        }

        if (article.Published is { } published)
        {
            parts.Add(E(published.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)));
        }

        return parts.Count == 0 ? string.Empty : $" <span class=\"meta\">({string.Join(", ", parts)})</span>";
    }

    private static void Stat(TextWriter writer, string name, int value, string label)
        => writer.Write(Invariant($"<li data-stat=\"{name}\"><b>{value}</b>{E(label)}</li>\n"));

    /// <summary>
    /// Text as HTML: encoded, its control characters (C0 but tab, line feed and carriage return; DEL and C1) written as
    /// U+FFFD, which a browser shows for them anyway: "&amp;#x0;" for a NUL in a title is no valid HTML.
    /// </summary>
    private static string E(string text)
    {
        if (text.AsSpan().IndexOfAny(Controls) >= 0)
        {
            text = string.Create(text.Length, text, static (span, t) =>
            {
                for (int i = 0; i < t.Length; i++)
                {
                    span[i] = Controls.Contains(t[i]) ? '\uFFFD' : t[i];
                }
            });
        }

        return Encoder.Encode(text);
    }

    private static readonly System.Buffers.SearchValues<char> Controls = System.Buffers.SearchValues.Create(
        [.. Enumerable.Range(0, 32).Where(c => c is not ('\t' or '\n' or '\r')).Select(c => (char)c), .. Enumerable.Range(0x7F, 0x21).Select(c => (char)c)]);

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}

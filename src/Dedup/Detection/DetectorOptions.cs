namespace Dedup.Detection;

/// <summary>Settings of a <see cref="CopyDetector"/>. The defaults are the ones measured in the project's <see href="https://github.com/dedup-news/dedup/blob/main/docs/accuracy.md">accuracy notes</see>.</summary>
public sealed record DetectorOptions
{
    /// <summary>The default options.</summary>
    public static DetectorOptions Default { get; } = new();

    /// <summary>
    /// Minimum score in [0, 1] for two articles to be reported as copies. The score is the largest of: the share of the
    /// shorter article found in the longer one verbatim (word shingles); its rewrite evidence, when the two hold the same
    /// facts (the share found in the other's skeleton, the function words and numbers that spinning leaves alone, or the
    /// paraphrase score of content terms, facts and aligned sentences); and 0.6 times the share of an intact lead
    /// (headline and first sentence) found in the other. So a page that copies only a story's lead scores at most 0.6,
    /// and a threshold above 0.6 leaves such excerpts out. Default 0.4: on the dev corpus no unrelated pair scores above
    /// 0.35, and spun copies score 0.67 or more (the project's <see href="https://github.com/dedup-news/dedup/blob/main/docs/accuracy.md">accuracy notes</see>).
    /// </summary>
    public double Threshold { get; init; } = 0.4;

    /// <summary>Words per shingle of the word-shingle signature. Default 5.</summary>
    public int ShingleSize { get; init; } = 5;

    /// <summary>Seed of every hash; articles indexed with different seeds cannot be compared. Default <see cref="Sketches.HashSeeds.Default"/>.</summary>
    public ulong Seed { get; init; } = Sketches.HashSeeds.Default;

    /// <summary>
    /// Whether to detect rewritten copies: spun ones with the skeleton signature, AI-model and human rewrites with the
    /// paraphrase signal (which also tells templated reports with other numbers from copies). Default true. Off, copies
    /// are found by their verbatim and lead evidence alone; a copy of similar size found so, with much of its wording
    /// changed (less than 0.8 of it verbatim), is still reported <see cref="CopyKind.Rewritten"/>: the kind says how the
    /// copy reads, not which signal found it.
    /// </summary>
    public bool DetectRewrites { get; init; } = true;

    /// <summary>The rules that remove boilerplate lines before shingling. Default <see cref="Text.BoilerplateRules.Default"/>.</summary>
    public Text.BoilerplateRules Boilerplate { get; init; } = Text.BoilerplateRules.Default;

    /// <summary>The function words of the articles' language; they make up the skeleton, the spin-robust signature. Default <see cref="Text.StopwordSet.English"/>.</summary>
    public Text.StopwordSet Stopwords { get; init; } = Text.StopwordSet.English;

    /// <summary>
    /// Corpus-level boilerplate: a shingle found in more than this many indexed articles, which on most pages holding
    /// it is in over three times as many articles as the page's median shingle, is publisher boilerplate (about-us
    /// blocks, cookie notices, newsletter pitches), not content, and is ignored when articles are compared. A story
    /// republished by many outlets is as frequent as the rest of each copy, so it stays content however often it is seen. Default 10 (the dev corpus gives the same
    /// figures for any value from 6 to 40; see the project's <see href="https://github.com/dedup-news/dedup/blob/main/docs/accuracy.md">accuracy notes</see>).
    /// </summary>
    public int BoilerplateDocumentFrequency { get; init; } = 10;

    /// <summary>
    /// Where the detector finds an indexed article's text to show evidence (shared passages) for <see cref="CopyDetector.FindCopies(Article)"/>.
    /// The detector keeps only a compact form of each article (its shingle sets), which is all that verification needs;
    /// without a lookup, or when it returns null, matches carry no evidence. It must return the article indexed under the
    /// id it is given, with the text that was indexed: <see cref="CopyDetector.FindCopies(Article)"/> throws
    /// <see cref="InvalidOperationException"/> for an article with another id or without text. Default null.
    /// </summary>
    public Func<string, Article?>? ArticleLookup { get; init; }

    /// <summary>
    /// The asynchronous form of <see cref="ArticleLookup"/>, for articles held in a database: the asynchronous methods
    /// (<see cref="CopyDetector.FindCopiesAsync(Article, CancellationToken)"/>, <see cref="CopyDetector.FindOrAddAsync"/>)
    /// use it when set, and <see cref="ArticleLookup"/> otherwise; the synchronous ones use only <see cref="ArticleLookup"/>.
    /// It receives the indexed article's id and the caller's cancellation token, and must return what
    /// <see cref="ArticleLookup"/> must. Default null.
    /// </summary>
    public Func<string, CancellationToken, ValueTask<Article?>>? ArticleLookupAsync { get; init; }

    /// <summary>
    /// Receives an event for each asynchronous operation, journal replay and checkpoint (for logs, metrics and traces;
    /// the Dedup.Extensions package provides one). Default null.
    /// </summary>
    public DetectorObserver? Observer { get; init; }

    internal Text.TokenizerOptions TokenizerOptions => new() { Seed = Seed, Stopwords = Stopwords };

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> (or <see cref="ArgumentException"/> for a list of boilerplate rules) naming the first setting out of range.</summary>
    internal void Validate()
    {
        if (!(Threshold is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Threshold), Threshold, "Threshold must lie in [0, 1].");
        }

        if (ShingleSize is < 1 or > 32)
        {
            throw new ArgumentOutOfRangeException(nameof(ShingleSize), ShingleSize, "ShingleSize must lie in [1, 32].");
        }

        if (BoilerplateDocumentFrequency < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(BoilerplateDocumentFrequency), BoilerplateDocumentFrequency, "BoilerplateDocumentFrequency must be at least 2.");
        }

        ArgumentNullException.ThrowIfNull(Boilerplate);
        ArgumentNullException.ThrowIfNull(Stopwords);

        // The rules' own settings, named by their path (a null list failed inside LINQ as "Parameter 'source'", a
        // negative length and a null entry were taken without a word).
        if (Boilerplate.MaxLineLength < 0)
        {
            throw new ArgumentOutOfRangeException("Boilerplate.MaxLineLength", Boilerplate.MaxLineLength, "Boilerplate.MaxLineLength must be 0 or more (at 0 no line is boilerplate).");
        }

        foreach ((string name, IReadOnlyList<string>? list) in (ReadOnlySpan<(string, IReadOnlyList<string>?)>)[("Boilerplate.LinePrefixes", Boilerplate.LinePrefixes), ("Boilerplate.LineFragments", Boilerplate.LineFragments)])
        {
            if (list is null || list.Any(entry => entry is null))
            {
                throw new ArgumentException($"{name} {(list is null ? "is null; use an empty list for no rules" : "holds a null entry")}.", name);
            }
        }
    }
}

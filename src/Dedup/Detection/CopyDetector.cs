namespace Dedup.Detection;

/// <summary>
/// Finds copies among news articles: exact duplicates, syndicated copies, excerpts and machine-rewritten (spun) copies.
/// </summary>
/// <remarks>Safe for concurrent use: any number of threads may add, remove and query at once.</remarks>
public sealed partial class CopyDetector
{
    /// <summary>Creates an empty detector.</summary>
    /// <param name="options">The settings; null for <see cref="DetectorOptions.Default"/>.</param>
    public CopyDetector(DetectorOptions? options = null)
    {
        Options = options ?? DetectorOptions.Default;
    }

    /// <summary>The settings this detector uses.</summary>
    public DetectorOptions Options { get; }

    /// <summary>Number of indexed articles.</summary>
    public int Count => throw new NotImplementedException();

    /// <summary>Indexes an article.</summary>
    /// <exception cref="ArgumentException">An article with the same id is already indexed.</exception>
    public void Add(Article article) => throw new NotImplementedException();

    /// <summary>Indexes an article.</summary>
    public void Add(string id, string text, DateTimeOffset? published = null, string? source = null)
        => Add(new Article(id, text, Published: published, Source: source));

    /// <summary>Removes an article; returns false when it was not indexed.</summary>
    public bool Remove(string id) => throw new NotImplementedException();

    /// <summary>Whether an article with this id is indexed.</summary>
    public bool Contains(string id) => throw new NotImplementedException();

    /// <summary>Finds the indexed articles that are copies of <paramref name="article"/> (it need not be indexed), best first.</summary>
    public IReadOnlyList<CopyMatch> FindCopies(Article article) => throw new NotImplementedException();

    /// <summary>Finds the indexed articles that are copies of this text, best first.</summary>
    public IReadOnlyList<CopyMatch> FindCopies(string text) => FindCopies(new Article(string.Empty, text));

    /// <summary>Groups the indexed articles into clusters of copies (union-find over matches), singletons included.</summary>
    public IReadOnlyList<CopyCluster> Clusters() => throw new NotImplementedException();

    /// <summary>Compares two articles directly and explains the verdict.</summary>
    public Comparison Compare(Article first, Article second) => throw new NotImplementedException();

    /// <summary>Finds every pair of copies among <paramref name="articles"/> and clusters them, using all cores.</summary>
    public static ScanResult Scan(
        IReadOnlyList<Article> articles,
        DetectorOptions? options = null,
        IProgress<ScanProgress>? progress = null,
        CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Writes the detector's index to a stream (versioned, checksummed format).</summary>
    public void Save(Stream stream) => throw new NotImplementedException();

    /// <summary>Writes the detector's index to a file atomically: a crash mid-save leaves the previous file intact.</summary>
    public void SaveToFile(string path) => throw new NotImplementedException();

    /// <summary>Reads a detector saved by <see cref="Save"/>.</summary>
    /// <exception cref="InvalidDataException">The data is truncated, corrupted or of another format version.</exception>
    public static CopyDetector Load(Stream stream) => throw new NotImplementedException();

    /// <summary>Reads a detector saved by <see cref="SaveToFile"/>.</summary>
    /// <exception cref="InvalidDataException">The file is truncated, corrupted or of another format version.</exception>
    public static CopyDetector LoadFromFile(string path) => throw new NotImplementedException();
}

namespace Dedup.Detection;

/// <summary>
/// The first stage of a batch scan: each article checked, measured and turned into its features, the sets packed, the
/// copies of a text given its first's features. Articles come in batches numbered on from the last (a list is one batch;
/// a stream is read a batch at a time, so that its texts are let go once their features are made), each batch's
/// articles on several threads. What the scan's later stages read is here once the last batch is in.
/// </summary>
internal sealed class ScanSignatures : IDisposable
{
    private readonly DetectorOptions _options;
    private readonly ParallelOptions _parallel;
    private readonly IProgress<ScanProgress>? _progress;
    private readonly string _paramName;
    /// <summary>The number of each id taken, for the message that names a repeated one's places.</summary>
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private ArticleFeatures[] _features;
    private int[] _copyOf;
    private (string Id, DateTimeOffset? Published)[] _copies;
    private FirstOfKey? _sameText;
    private long _characters;
    private int _done;

    /// <param name="capacity">The articles expected (a list's count; 0 for a stream): room grows as batches come.</param>
    /// <param name="options">The settings, validated.</param>
    /// <param name="parallel">The threads and cancellation of the scan.</param>
    /// <param name="progress">Receives the "signatures" stage's progress.</param>
    /// <param name="paramName">The caller's parameter that holds the articles, named in the exception of an invalid one.</param>
    public ScanSignatures(int capacity, DetectorOptions options, ParallelOptions parallel, IProgress<ScanProgress>? progress, string paramName)
    {
        _options = options;
        _parallel = parallel;
        _progress = progress;
        _paramName = paramName;
        _features = new ArticleFeatures[capacity];
        _copyOf = new int[capacity];
        Array.Fill(_copyOf, -1);
        _copies = new (string, DateTimeOffset?)[capacity];

        // The sets, which are most of a scan's memory, are kept packed from the start (each article's arrays are
        // garbage as soon as they are packed); the features keep the rest.
        Packed = new PackedSets(capacity);
        _sameText = new FirstOfKey(capacity);
    }

    /// <summary>The number of articles taken so far.</summary>
    public int Count { get; private set; }

    /// <summary>The characters of the articles' texts and titles.</summary>
    public long Characters => Interlocked.Read(ref _characters);

    /// <summary>Every article's sets (see <see cref="PackedSets"/>).</summary>
    public PackedSets Packed { get; }

    /// <summary>
    /// Takes the next <paramref name="batch"/> of articles, numbered on from <see cref="Count"/>. Each is read once. An
    /// article is invalid, or an id repeats one taken before it: the first in order is named, by its number, and nothing
    /// after it is taken.
    /// </summary>
    /// <param name="batch">The articles.</param>
    /// <param name="total">The total to report progress against: the articles known so far (a stream's are not, until its end).</param>
    /// <param name="checkedAsRead">Whether each article was given to <see cref="Check"/> as it was read (a stream's), so that it is not checked again.</param>
    /// <exception cref="ArgumentException">An article of the batch is invalid, or its id repeats.</exception>
    public void Add(IReadOnlyList<Article> batch, int total, bool checkedAsRead = false)
    {
        int first = Count;
        int count = batch.Count;
        EnsureCapacity(first + count);
        FirstOfKey sameText = _sameText ?? throw new InvalidOperationException("The scan's articles were all taken.");

        // Each article is read once (a caller's list may read it from a file): checked and measured in the parallel
        // loop that extracts its features. The first invalid article in order is the one named, as in a serial check.
        int firstInvalid = int.MaxValue;
        ArgumentException? invalid = null;
        Parallel.For(0, count, _parallel, k =>
        {
            int i = first + k;
            Article article = batch[k];
            try
            {
                if (!checkedAsRead)
                {
                    CopyDetector.CheckArticle(article, requireId: true);
                }
            }
            catch (ArgumentException e)
            {
                lock (_gate)
                {
                    if (i < firstInvalid)
                    {
                        firstInvalid = i;
                        invalid = CopyDetector.AtPosition(e, i, _paramName);
                    }
                }

                return;
            }

            Interlocked.Add(ref _characters, article.Text.Length + (article.Title?.Length ?? 0));

            // An article whose text is another's (a wire story sent out again, a feed read twice) gets that one's
            // features: they depend on the text alone but for the id and the time. It is copied after the loop,
            // when the other's features are sure to be there.
            int source = sameText.FirstOf(i, FeatureExtractor.TextKey(article));
            if (source != i)
            {
                _copyOf[i] = source;
                _copies[i] = (article.Id, article.Published);
                return;
            }

            ArticleFeatures f = FeatureExtractor.Extract(article, _options, Packed, i);
            f.Order = i;
            _features[i] = f;
            CopyDetector.Advance(_progress, "signatures", ref _done, total);
        });

        Parallel.For(first, first + count, _parallel, i =>
        {
            int source = _copyOf[i];
            if (source >= 0 && _features[source] is { } of)
            {
                _features[i] = of.CopyAs(_copies[i].Id, _copies[i].Published, i);
                _copies[i] = default;
                Packed.Share(i, source);
                CopyDetector.Advance(_progress, "signatures", ref _done, total);
            }
        });

        // A repeated id before the first invalid article is named first, as a serial check would.
        for (int i = first; !checkedAsRead && i < Math.Min(first + count, firstInvalid); i++)
        {
            TakeId(_features[i].Id, i);
        }

        if (invalid is not null)
        {
            throw invalid;
        }

        Count = first + count;
    }

    /// <summary>
    /// Checks the article that will be number <paramref name="index"/> as a stream is read (a stream stops at its first
    /// invalid article or repeated id, not a batch later): its fields, and its id against those taken before it.
    /// </summary>
    /// <exception cref="ArgumentException">The article is invalid, or its id repeats; the message names its number.</exception>
    public void Check(Article article, int index)
    {
        try
        {
            CopyDetector.CheckArticle(article, requireId: true);
        }
        catch (ArgumentException e)
        {
            throw CopyDetector.AtPosition(e, index, _paramName);
        }

        TakeId(article.Id, index);
    }

    /// <summary>Takes the id of article <paramref name="index"/>, or names both places of a repeated one.</summary>
    private void TakeId(string id, int index)
    {
        if (!_ids.TryAdd(id, index))
        {
            throw new ArgumentException($"The id '{id}' appears more than once: the articles at {_ids[id]} and {index}.", _paramName);
        }
    }

    /// <summary>
    /// Ends the stage: frees what only it needed (the table of texts seen, the ids) and gives each article's features
    /// and, for a copy of an earlier text, that text's first article (-1 for the rest).
    /// </summary>
    public (ArticleFeatures[] Features, int[] CopyOf) Finish()
    {
        _sameText?.Dispose();
        _sameText = null;
        _ids.Clear();
        _ids.TrimExcess();
        _copies = [];
        int n = Count;
        Packed.Shrink(n);
        if (_features.Length != n)
        {
            Array.Resize(ref _features, n);
            Array.Resize(ref _copyOf, n);
        }

        return (_features, _copyOf);
    }

    /// <summary>Frees the packed sets and the table of texts seen.</summary>
    public void Dispose()
    {
        _sameText?.Dispose();
        _sameText = null;
        Packed.Dispose();
    }

    /// <summary>Makes room for <paramref name="count"/> articles (doubling, so that a stream's batches copy little).</summary>
    private void EnsureCapacity(int count)
    {
        if (count > _features.Length)
        {
            int capacity = (int)Math.Min(Array.MaxLength, Math.Max(count, 2L * _features.Length));
            int old = _features.Length;
            Array.Resize(ref _features, capacity);
            Array.Resize(ref _copyOf, capacity);
            _copyOf.AsSpan(old).Fill(-1);
            Array.Resize(ref _copies, capacity);
        }

        _sameText?.EnsureCapacity(count);
        Packed.EnsureCapacity(count);
    }
}

using System.Runtime.InteropServices;

namespace Dedup.Detection;

/// <summary>
/// Corpus-level boilerplate ("furniture"): the shingles that many articles share without being copies of each other.
/// </summary>
/// <remarks>
/// <para>
/// A shingle is furniture when it is found in more than <see cref="DetectorOptions.BoilerplateDocumentFrequency"/>
/// articles and, in at least half of them, in more than three times as many articles as the article's median
/// shingle. A publisher's about-us block or cookie notice stands out against every story it is appended to; a wire
/// story republished by a hundred outlets is as frequent as the rest of each copy, so its shingles stay content
/// however often they are seen.
/// </para>
/// <para>Built from a snapshot of the articles; immutable and thread-safe once built.</para>
/// </remarks>
internal sealed class FurnitureModel
{
    /// <summary>A frequent shingle is furniture when at least this share of the articles holding it find it standing out.</summary>
    public const double FurnitureShare = 0.5;

    /// <summary>A shingle stands out in an article when it is in more than this many times as many articles as the article's median shingle.</summary>
    public const int StandOut = 3;

    private readonly HashSet<uint> _words;
    private readonly HashSet<uint> _skeleton;

    private FurnitureModel(HashSet<uint> words, HashSet<uint> skeleton, int articles)
    {
        _words = words;
        _skeleton = skeleton;
        Articles = articles;
    }

    /// <summary>A model with no furniture.</summary>
    public static FurnitureModel Empty { get; } = new([], [], 0);

    /// <summary>How many articles the model was built from.</summary>
    public int Articles { get; }

    public static FurnitureModel Build(IReadOnlyList<ArticleFeatures> articles, int maxFrequency)
    {
        HashSet<uint> words = Furniture(articles, f => f.Words, maxFrequency);
        HashSet<uint> skeleton = Furniture(articles, f => f.Skeleton, maxFrequency);
        return new FurnitureModel(words, skeleton, articles.Count);
    }

    /// <summary>
    /// The article's word and skeleton shingles without furniture, cached on the article for this model, so that an
    /// indexed article is filtered once per model rather than once per query (the arrays are the article's own when
    /// it holds no furniture).
    /// </summary>
    public FilteredSets Filtered(ArticleFeatures f)
    {
        FilteredSets? cached = f.Filtered;
        if (cached is not null && ReferenceEquals(cached.Model, this))
        {
            return cached;
        }

        var sets = new FilteredSets(this, Words(f), Skeleton(f), Lead(f));
        f.Filtered = sets;
        return sets;
    }

    /// <summary>The article's word shingles without furniture.</summary>
    public uint[] Words(ArticleFeatures f) => Without(f.Words, _words);

    /// <summary>The article's lead shingles without furniture.</summary>
    public uint[] Lead(ArticleFeatures f) => Without(f.Lead, _words);

    /// <summary>The article's skeleton shingles without furniture.</summary>
    public uint[] Skeleton(ArticleFeatures f) => Without(f.Skeleton, _skeleton);

    private static HashSet<uint> Furniture(IReadOnlyList<ArticleFeatures> articles, Func<ArticleFeatures, uint[]> set, int maxFrequency)
    {
        var frequency = new Dictionary<uint, int>();
        foreach (ArticleFeatures f in articles)
        {
            foreach (uint s in set(f))
            {
                CollectionsMarshal.GetValueRefOrAddDefault(frequency, s, out _)++;
            }
        }

        // Each article holding a frequent shingle votes on it: furniture when the shingle is far more frequent than
        // the article's own text is (its median shingle frequency). A story republished a hundred times is as frequent
        // as its own shingles; a publisher's block on every page of the site stands out against each story it is on.
        var votes = new Dictionary<uint, int>();
        var frequencies = new List<int>();
        foreach (ArticleFeatures f in articles)
        {
            uint[] shingles = set(f);
            frequencies.Clear();
            bool anyFrequent = false;
            foreach (uint s in shingles)
            {
                int df = frequency[s];
                frequencies.Add(df);
                anyFrequent |= df > maxFrequency;
            }

            if (!anyFrequent)
            {
                continue;
            }

            frequencies.Sort();
            int median = frequencies[frequencies.Count / 2];
            foreach (uint s in shingles)
            {
                int df = frequency[s];
                if (df > maxFrequency)
                {
                    CollectionsMarshal.GetValueRefOrAddDefault(votes, s, out _) += df > StandOut * median ? 1 : 0;
                }
            }
        }

        var furniture = new HashSet<uint>();
        foreach ((uint s, int yes) in votes)
        {
            if (yes >= FurnitureShare * frequency[s])
            {
                furniture.Add(s);
            }
        }

        return furniture;
    }

    private static uint[] Without(uint[] values, HashSet<uint> furniture)
    {
        if (furniture.Count == 0)
        {
            return values;
        }

        int keep = 0;
        foreach (uint v in values)
        {
            keep += furniture.Contains(v) ? 0 : 1;
        }

        if (keep == values.Length)
        {
            return values;
        }

        uint[] result = new uint[keep];
        int w = 0;
        foreach (uint v in values)
        {
            if (!furniture.Contains(v))
            {
                result[w++] = v;
            }
        }

        return result;
    }
}

/// <summary>An article's shingle sets without the furniture of <see cref="Model"/>.</summary>
internal sealed record FilteredSets(FurnitureModel Model, uint[] Words, uint[] Skeleton, uint[] Lead);

using System.Buffers;
using System.Runtime.InteropServices;
using Dedup.Kernels;
using Dedup.Sketches;
using Dedup.Text;

namespace Dedup.Detection;

/// <summary>Turns an article into <see cref="ArticleFeatures"/>; also reports tokens and boilerplate for evidence.</summary>
internal static class FeatureExtractor
{
    /// <summary>Function words (and numbers) per skeleton shingle.</summary>
    public const int SkeletonShingleSize = 4;

    /// <summary>Word shingles of an article's lead: its first this many, which cover a headline and a first sentence.</summary>
    public const int LeadShingles = 20;

    private const ulong SkeletonSalt = 0x5E1E_7011_5E1E_7011UL;

    /// <summary>A token list per thread, reused from article to article.</summary>
    [ThreadStatic]
    private static List<Token>? t_tokens;

    /// <summary>The text the detector compares: the title, a blank line, then the body (just the body without a title).</summary>
    public static string CombinedText(Article article) =>
        string.IsNullOrEmpty(article.Title) ? article.Text : string.Concat(article.Title, "\n\n", article.Text);

    public static ArticleFeatures Extract(Article article, DetectorOptions options)
    {
        string text = CombinedText(article);
        List<Token> tokens = t_tokens ??= new List<Token>(1024);
        tokens.Clear();
        ulong exact = Tokenize(text, options, tokens, boilerplate: null);
        ArticleFeatures features = Build(article, options, tokens, exact, text.Length);
        if (tokens.Capacity > 1 << 16)
        {
            t_tokens = null;
        }

        return features;
    }

    /// <summary>
    /// Tokenizes the content lines of <paramref name="text"/> into <paramref name="contentTokens"/> (offsets into
    /// <paramref name="text"/>), collects the boilerplate lines, and returns the hash of the full token sequence.
    /// </summary>
    public static ulong Tokenize(string text, DetectorOptions options, List<Token> contentTokens, List<TextSpan>? boilerplate)
    {
        int first = contentTokens.Count;
        var sink = new CollectingSink(contentTokens);
        Tokenizer.Tokenize(text.AsSpan(), ref sink, options.TokenizerOptions);

        // A polynomial over all token hashes, boilerplate included: equal token sequences, and (but for 2^-64) only
        // they, hash alike.
        ulong exact = options.Seed;
        for (int i = first; i < contentTokens.Count; i++)
        {
            exact = unchecked((exact * ShingleKernel.Multiplier) + contentTokens[i].Hash);
        }

        exact = HashMixKernel.Mix(exact ^ (ulong)(contentTokens.Count - first));

        // Then take out the tokens of boilerplate lines (few, and short: most lines are rejected by their length).
        int write = first;
        int read = first;
        foreach (Range line in BoilerplateFilter.EnumerateLines(text))
        {
            (int start, int length) = line.GetOffsetAndLength(text.Length);
            if (!BoilerplateFilter.IsBoilerplate(text.AsSpan(start, length), options.Boilerplate))
            {
                continue;
            }

            boilerplate?.Add(new TextSpan(start, length));
            while (read < contentTokens.Count && contentTokens[read].Start < start)
            {
                contentTokens[write++] = contentTokens[read++];
            }

            while (read < contentTokens.Count && contentTokens[read].Start < start + length)
            {
                read++;
            }
        }

        if (read != write)
        {
            while (read < contentTokens.Count)
            {
                contentTokens[write++] = contentTokens[read++];
            }

            contentTokens.RemoveRange(write, contentTokens.Count - write);
        }

        return exact;
    }

    private static ArticleFeatures Build(Article article, DetectorOptions options, List<Token> tokens, ulong exact, int characters)
    {
        int n = tokens.Count;
        ulong[] rented = ArrayPool<ulong>.Shared.Rent(3 * Math.Max(1, n));
        try
        {
            Span<ulong> hashes = rented.AsSpan(0, n);
            Span<ulong> anchors = rented.AsSpan(n, n);
            Span<ulong> shingles = rented.AsSpan(2 * n, Math.Max(1, n));
            int anchorCount = 0;
            ReadOnlySpan<Token> all = CollectionsMarshal.AsSpan(tokens);
            for (int i = 0; i < all.Length; i++)
            {
                hashes[i] = all[i].Hash;
                if (options.DetectRewrites && (all[i].Traits & (TokenTraits.Stopword | TokenTraits.Number)) != 0)
                {
                    anchors[anchorCount++] = all[i].Hash;
                }
            }

            int wordCount = Shingler.WordShingleBag(hashes, options.ShingleSize, shingles, options.Seed);
            uint[] lead = ToSortedHigh32(shingles[..Math.Min(wordCount, LeadShingles)]);
            uint[] words = ToSortedHigh32(shingles[..wordCount]);
            int skeletonCount = Shingler.WordShingleBag(anchors[..anchorCount], SkeletonShingleSize, shingles, options.Seed ^ SkeletonSalt);
            uint[] skeleton = ToSortedHigh32(shingles[..skeletonCount]);
            return new ArticleFeatures(article.Id, article.Published, exact, words, skeleton, lead, n, characters);
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(rented);
        }
    }

    private static uint[] ToSortedHigh32(ReadOnlySpan<ulong> values)
    {
        uint[] result = new uint[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = (uint)(values[i] >> 32);
        }

        uint[] scratch = ArrayPool<uint>.Shared.Rent(Math.Max(1, values.Length));
        RadixSort.Sort(result, scratch);
        ArrayPool<uint>.Shared.Return(scratch);
        int w = 0;
        for (int r = 0; r < result.Length; r++)
        {
            if (w == 0 || result[r] != result[w - 1])
            {
                result[w++] = result[r];
            }
        }

        return w == result.Length ? result : result[..w];
    }

    private readonly struct CollectingSink(List<Token> tokens) : ITokenSink
    {
        private readonly List<Token> _tokens = tokens;

        public void OnToken(in Token token) => _tokens.Add(token);
    }
}

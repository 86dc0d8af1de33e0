using System.IO.Hashing;
using System.Runtime.InteropServices;
using Dedup.Sketches;
using Dedup.Text;

namespace Dedup.Detection;

/// <summary>Turns an article into <see cref="ArticleFeatures"/>; also reports tokens and boilerplate for evidence.</summary>
internal static class FeatureExtractor
{
    /// <summary>Function words (and numbers) per skeleton shingle.</summary>
    public const int SkeletonShingleSize = 4;

    private const ulong SkeletonSalt = 0x5E1E_7011_5E1E_7011UL;

    /// <summary>The text the detector compares: the title, a blank line, then the body (just the body without a title).</summary>
    public static string CombinedText(Article article) =>
        string.IsNullOrEmpty(article.Title) ? article.Text : string.Concat(article.Title, "\n\n", article.Text);

    public static ArticleFeatures Extract(Article article, DetectorOptions options)
    {
        string text = CombinedText(article);
        var tokens = new List<Token>(text.Length / 5);
        ulong exact = Tokenize(text, options, tokens, boilerplate: null);
        return Build(article, options, tokens, exact, text.Length);
    }

    /// <summary>
    /// Tokenizes the content lines of <paramref name="text"/> into <paramref name="contentTokens"/> (offsets into
    /// <paramref name="text"/>), collects the boilerplate lines, and returns the hash of the full token sequence.
    /// </summary>
    public static ulong Tokenize(string text, DetectorOptions options, List<Token> contentTokens, List<TextSpan>? boilerplate)
    {
        var sink = new CollectingSink(contentTokens);
        var tokenizerOptions = options.TokenizerOptions;
        var exact = new XxHash3(unchecked((long)options.Seed));
        Span<ulong> one = stackalloc ulong[1];
        foreach (Range line in BoilerplateFilter.EnumerateLines(text))
        {
            ReadOnlySpan<char> span = text.AsSpan()[line];
            int offset = line.Start.GetOffset(text.Length);
            int before = contentTokens.Count;
            sink.Offset = offset;
            Tokenizer.Tokenize(span, ref sink, tokenizerOptions);
            for (int i = before; i < contentTokens.Count; i++)
            {
                one[0] = contentTokens[i].Hash;
                exact.Append(MemoryMarshal.AsBytes(one));
            }

            if (contentTokens.Count > before && BoilerplateFilter.IsBoilerplate(span, options.Boilerplate))
            {
                contentTokens.RemoveRange(before, contentTokens.Count - before);
                boilerplate?.Add(new TextSpan(offset, span.Length));
            }
        }

        return exact.GetCurrentHashAsUInt64();
    }

    private static ArticleFeatures Build(Article article, DetectorOptions options, List<Token> tokens, ulong exact, int characters)
    {
        int n = tokens.Count;
        ulong[] buffer = new ulong[Math.Max(1, n)];
        ulong[] anchors = new ulong[Math.Max(1, n)];
        int anchorCount = 0;
        for (int i = 0; i < n; i++)
        {
            Token t = tokens[i];
            buffer[i] = t.Hash;
            if (options.DetectRewrites && (t.Traits & (TokenTraits.Stopword | TokenTraits.Number)) != 0)
            {
                anchors[anchorCount++] = t.Hash;
            }
        }

        ulong[] shingles = new ulong[Math.Max(1, n)];
        int wordCount = Shingler.WordShingles(buffer.AsSpan(0, n), options.ShingleSize, shingles, options.Seed);
        uint[] words = ToSortedHigh32(shingles.AsSpan(0, wordCount));
        int skeletonCount = Shingler.WordShingles(anchors.AsSpan(0, anchorCount), SkeletonShingleSize, shingles, options.Seed ^ SkeletonSalt);
        uint[] skeleton = ToSortedHigh32(shingles.AsSpan(0, skeletonCount));
        return new ArticleFeatures(article.Id, article.Published, exact, words, skeleton, n, characters);
    }

    private static uint[] ToSortedHigh32(ReadOnlySpan<ulong> values)
    {
        uint[] result = new uint[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = (uint)(values[i] >> 32);
        }

        Array.Sort(result);
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

    private struct CollectingSink(List<Token> tokens) : ITokenSink
    {
        private readonly List<Token> _tokens = tokens;

        public int Offset { get; set; }

        public readonly void OnToken(in Token token) =>
            _tokens.Add(token with { Start = token.Start + Offset });
    }
}

using Dedup.Sketches;
using Dedup.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dedup.Tests.Sketches;

/// <summary>
/// The span entry points from text to a sketch (<see cref="MinHasher.Compute(ReadOnlySpan{char}, Span{uint}, int)"/>,
/// <see cref="SimHasher.Compute(ReadOnlySpan{char}, TokenizerOptions?)"/>) give exactly what their definitions give
/// through the allocating APIs: the tokens of <see cref="Tokenizer.Tokenize(string, TokenizerOptions?)"/>, stopwords
/// left out for SimHash, and the distinct word shingles for MinHash. The texts include characters that fold to
/// several tokens ("½"), so that a text has more tokens than its pooled buffer first holds.
/// </summary>
public class TextEntryPointTests
{
    private static readonly Arbitrary<string> Texts = Arb.From(
        Gen.Frequency(
            (4, TextGen.HostileStrings.Generator),
            (1, Gen.Choose(1, 400).Select(n => string.Concat(Enumerable.Repeat("\u00BD ", n)))),
            (1, Gen.Choose(0, 60).Select(n => string.Join(' ', Enumerable.Range(0, n).Select(i => i % 3 == 0 ? "the" : $"Word{i % 7}"))))));

    [Property(MaxTest = 300)]
    public Property SimHash_of_a_span_equals_SimHash_of_the_non_stopword_token_hashes() =>
        Prop.ForAll(Texts, text =>
        {
            ulong[] features = [.. Tokenizer.Tokenize(text).Where(t => !t.IsStopword).Select(t => t.Hash)];
            ulong expected = SimHasher.Compute(features);
            return SimHasher.Compute(text.AsSpan()) == expected && SimHasher.Compute(text) == expected;
        });

    [Property(MaxTest = 300)]
    public Property MinHash_of_a_span_equals_MinHash_of_the_distinct_shingles() =>
        Prop.ForAll(Texts, Arb.From(Gen.Elements(MinHashScheme.Classic, MinHashScheme.OnePermutation)), Arb.From(Gen.Choose(1, 6)), (text, scheme, shingleSize) =>
        {
            var hasher = new MinHasher(64, seed: 42, scheme: scheme);
            uint[] values = new uint[64];
            hasher.Compute(text.AsSpan(), values, shingleSize);
            return values.AsSpan().SequenceEqual(hasher.Compute(text, shingleSize).Values);
        });

    [Property(MaxTest = 300)]
    public Property A_hash_only_sink_gets_every_tokens_hash_in_order_and_a_content_sink_the_non_stopwords() =>
        Prop.ForAll(Texts, text =>
        {
            // The tokenizer spares a hash-only sink the stopword lookup (IHashOnlySink): the hashes must not change.
            Token[] tokens = Tokenizer.Tokenize(text);
            var all = PooledHashSink.ForText(text.Length);
            var content = new PooledContentHashSink(text.Length);
            try
            {
                Tokenizer.Tokenize(text.AsSpan(), ref all);
                Tokenizer.Tokenize(text.AsSpan(), ref content);
                return all.Hashes.SequenceEqual(tokens.Select(t => t.Hash).ToArray())
                    && content.Content.SequenceEqual(tokens.Where(t => !t.IsStopword).Select(t => t.Hash).ToArray());
            }
            finally
            {
                all.Dispose();
                content.Dispose();
            }
        });

    [Fact]
    public void A_text_with_more_tokens_than_characters_is_hashed_whole()
    {
        // Each "½" folds to "1⁄2": two tokens from two characters, more than the buffer sized for the text holds.
        string text = string.Concat(Enumerable.Repeat("\u00BD ", 5000));
        Assert.Equal(10_000, Tokenizer.Tokenize(text).Length);
        ulong[] features = [.. Tokenizer.Tokenize(text).Select(t => t.Hash)];
        Assert.Equal(SimHasher.Compute(features), SimHasher.Compute(text.AsSpan()));
    }

    [Fact]
    public void Wrong_signature_length_and_shingle_size_are_refused()
    {
        var hasher = new MinHasher(128);
        Assert.Equal("signature", Assert.Throws<ArgumentException>(() => hasher.Compute("a b c".AsSpan(), new uint[127])).ParamName);
        Assert.Equal("shingleSize", Assert.Throws<ArgumentOutOfRangeException>(() => hasher.Compute("a b c".AsSpan(), new uint[128], 0)).ParamName);
    }

    [Theory]
    [InlineData(MinHashScheme.Classic)]
    [InlineData(MinHashScheme.OnePermutation)]
    public void Text_entry_points_allocate_nothing_once_warm(MinHashScheme scheme)
    {
        string text = string.Join(' ', Enumerable.Range(0, 2000).Select(i => $"w{i % 500} the"));
        var hasher = new MinHasher(128, scheme: scheme);
        uint[] values = new uint[128];
        hasher.Compute(text.AsSpan(), values);
        _ = SimHasher.Compute(text.AsSpan());

        // The least of three warm calls: the shared array pool drops what it holds when a full collection finds memory
        // short (other tests run at once), and the next call then rents its buffer anew (280 bytes seen once in CI's
        // pass without AVX-512); an allocation a call or a token shows in every call.
        long least = long.MaxValue;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            hasher.Compute(text.AsSpan(), values);
            _ = SimHasher.Compute(text.AsSpan());
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, least);
    }
}

using Dedup.Kernels;
using Dedup.Sketches;
using Dedup.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dedup.Tests.Sketches;

public class ShinglerTests
{
    // Token streams over a small alphabet, so that windows repeat.
    private static readonly Arbitrary<(ulong[] Tokens, int K)> TokensAndK = Arb.From(
        from tokens in Gen.Elements(1UL, 2UL, 3UL, 0xDEAD_BEEFUL, ulong.MaxValue).ArrayOf()
        from k in Gen.Choose(1, 7)
        select (tokens, k));

    [Property(MaxTest = 500)]
    public Property Shingle_count_is_the_number_of_distinct_windows_and_output_is_sorted_and_distinct() =>
        Prop.ForAll(TokensAndK, x =>
        {
            ulong[] destination = new ulong[Math.Max(1, x.Tokens.Length - x.K + 1)];
            int n = Shingler.WordShingles(x.Tokens, x.K, destination);
            int kk = Math.Min(x.K, x.Tokens.Length);
            int windows = x.Tokens.Length == 0 ? 0
                : Enumerable.Range(0, x.Tokens.Length - kk + 1).Select(i => string.Join(',', x.Tokens.Skip(i).Take(kk))).Distinct().Count();
            ReadOnlySpan<ulong> result = destination.AsSpan(0, n);
            bool sortedDistinct = true;
            for (int i = 1; i < result.Length; i++)
            {
                sortedDistinct &= result[i - 1] < result[i];
            }

            return n == windows && sortedDistinct;
        });

    [Property(MaxTest = 300)]
    public Property Each_shingle_is_the_hash_of_one_window() =>
        Prop.ForAll(TokensAndK, x =>
        {
            ulong[] destination = new ulong[Math.Max(1, x.Tokens.Length - x.K + 1)];
            int n = Shingler.WordShingles(x.Tokens, x.K, destination);
            int kk = Math.Min(x.K, x.Tokens.Length);
            var expected = new SortedSet<ulong>();
            for (int i = 0; i + kk <= x.Tokens.Length && kk > 0; i++)
            {
                ulong[] one = new ulong[1];
                Assert.Equal(1, Shingler.WordShingles(x.Tokens.AsSpan(i, kk), kk, one));
                expected.Add(one[0]);
            }

            return destination.AsSpan(0, n).SequenceEqual(expected.ToArray());
        });

    [Fact]
    public void Shingle_hash_is_the_documented_polynomial()
    {
        // fmix64(seed ^ Σ token[i+j]·M^(k−1−j)), M = 0x9E3779B97F4A7C15: a change here is a breaking format change.
        const ulong M = 0x9E3779B97F4A7C15UL;
        ulong[] one = new ulong[1];
        Shingler.WordShingles([10UL, 20UL, 30UL], 3, one, seed: 77);
        Assert.Equal(HashMixKernel.Mix(77UL ^ unchecked((10UL * M * M) + (20UL * M) + 30UL)), one[0]);
    }

    [Fact]
    public void Fewer_tokens_than_k_give_one_shingle_of_all_of_them()
    {
        ulong[] destination = new ulong[1];
        Assert.Equal(1, Shingler.WordShingles([5UL, 6UL], 5, destination));
        ulong[] exact = new ulong[1];
        Shingler.WordShingles([5UL, 6UL], 2, exact);
        Assert.Equal(exact[0], destination[0]);
        Assert.Single(Shingler.WordShingles("just three words", 5));
        Assert.Empty(Shingler.WordShingles("", 5));
        Assert.Equal(0, Shingler.WordShingles(ReadOnlySpan<ulong>.Empty, 5, Span<ulong>.Empty));
    }

    [Fact]
    public void Destination_too_small_throws()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => Shingler.WordShingles([1UL, 2UL, 3UL, 4UL], 2, new ulong[2]));
        Assert.Equal("destination", e.ParamName);
        Assert.Throws<ArgumentException>(() => Shingler.WordShingles([1UL], 3, Span<ulong>.Empty));
        Assert.Equal(3, Shingler.WordShingles([1UL, 2UL, 3UL, 4UL], 2, new ulong[3]));
        Assert.Throws<ArgumentException>(() => Shingler.CharShingles("hello", 3, new ulong[4]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void K_below_one_throws(int k)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Shingler.WordShingles([1UL], k, new ulong[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Shingler.CharShingles("abc", k, new ulong[3]));
    }

    [Fact]
    public void Text_overload_equals_the_span_pipeline()
    {
        const string Text = "The quick brown fox jumps over the lazy dog, and the quick brown fox jumps again.";
        Token[] tokens = Tokenizer.Tokenize(Text);
        ulong[] hashes = [.. tokens.Select(t => t.Hash)];
        ulong[] destination = new ulong[hashes.Length];
        int n = Shingler.WordShingles(hashes, 3, destination);
        Assert.Equal(destination[..n], Shingler.WordShingles(Text, 3));
        Assert.Equal(16, hashes.Length);
        Assert.Equal(14 - 3, n); // "the quick brown", "quick brown fox" and "brown fox jumps" occur twice
    }

    [Fact]
    public void Text_overload_uses_the_tokenizer_seed()
    {
        var other = new TokenizerOptions { Seed = 99 };
        Assert.NotEqual(Shingler.WordShingles("one two three four five six"), Shingler.WordShingles("one two three four five six", tokenizer: other));
    }

    [Fact]
    public void Char_shingles_fold_case_and_treat_punctuation_runs_as_one_space()
    {
        ulong[] a = new ulong[32];
        ulong[] b = new ulong[32];
        int na = Shingler.CharShingles("Hello, World", 3, a);
        int nb = Shingler.CharShingles("hello   world", 3, b);
        Assert.Equal(9, na); // hel ell llo "lo " "o w" " wo" wor orl rld
        Assert.Equal(a[..na], b[..nb]);
        Assert.Equal(na, Shingler.CharShingles("HELLO\u2014world", 3, b));
        Assert.Equal(a[..na], b[..na]);
        Assert.Equal(na, Shingler.CharShingles("hel\u00ADlo wor\u200Bld", 3, b));
        Assert.Equal(a[..na], b[..na]);
    }

    [Fact]
    public void Char_shingles_are_sorted_distinct_and_follow_the_polynomial()
    {
        const ulong M = 0x9E3779B97F4A7C15UL;
        ulong[] d = new ulong[8];
        int n = Shingler.CharShingles("abab", 2, d, seed: 5);
        Assert.Equal(2, n); // ab, ba
        ulong ab = HashMixKernel.Mix(5UL ^ unchecked(('a' * M) + 'b'));
        ulong ba = HashMixKernel.Mix(5UL ^ unchecked(('b' * M) + 'a'));
        Assert.Equal(new[] { Math.Min(ab, ba), Math.Max(ab, ba) }, d[..2]);
    }

    [Fact]
    public void Char_shingles_of_short_or_empty_text()
    {
        ulong[] d = new ulong[8];
        Assert.Equal(1, Shingler.CharShingles("ab", 5, d));
        Assert.Equal(0, Shingler.CharShingles("", 5, d));
        Assert.Equal(0, Shingler.CharShingles("!!! ...", 5, d));
    }

    [Fact]
    public void Span_word_shingles_allocate_nothing()
    {
        ulong[] tokens = TestData.DistinctValues(1000, 3);
        ulong[] destination = new ulong[1000];
        Shingler.WordShingles(tokens, 5, destination);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Shingler.WordShingles(tokens, 5, destination);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}

using Dedup.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dedup.Tests.Text;

public class TokenizerTests
{
    [Theory]
    [InlineData("Hello, world! How are you?", new[] { "Hello", "world", "How", "are", "you" })]
    [InlineData("  leading and trailing  ", new[] { "leading", "and", "trailing" })]
    [InlineData("don't won\u2019t it\u02BCs", new[] { "don't", "won\u2019t", "it\u02BCs" })]
    [InlineData("rock 'n' roll, the dogs' bowls", new[] { "rock", "n", "roll", "the", "dogs", "bowls" })]
    [InlineData("30.6bn and 1,000 people, 3.14; end. Next, a,b 2.", new[] { "30.6bn", "and", "1,000", "people", "3.14", "end", "Next", "a", "b", "2" })]
    [InlineData("caf\u00E9 na\u00EFve e\u0301t\u0065\u0301", new[] { "caf\u00E9", "na\u00EFve", "e\u0301t\u0065\u0301" })]
    [InlineData("\u4E2D\u6587\u5B57 abc\u4E2Ddef", new[] { "\u4E2D", "\u6587", "\u5B57", "abc", "\u4E2D", "def" })]
    [InlineData("\u30A2\u30CB\u30E1 \uD55C\uAD6D", new[] { "\u30A2", "\u30CB", "\u30E1", "\uD55C", "\uAD6D" })]
    [InlineData("\U0001D400\U0001D401 x", new[] { "\U0001D400\U0001D401", "x" })]
    [InlineData("ab'\u4E2D", new[] { "ab", "\u4E2D" })]
    [InlineData("ab\u200B\u4E2D cd\u00AD", new[] { "ab", "\u4E2D", "cd" })]
    [InlineData("ab\u200B cd", new[] { "ab", "cd" })]
    [InlineData("", new string[0])]
    [InlineData("!!! --- ...", new string[0])]
    public void Splits_text_into_words(string text, string[] expected)
    {
        Token[] tokens = Tokenizer.Tokenize(text);
        Assert.Equal(expected, tokens.Select(t => text.Substring(t.Start, t.Length)).ToArray());
    }

    [Fact]
    public void Numbers_keep_inner_separators_only_between_digits()
    {
        string text = "pi is 3.14159, GDP grew 2,5% to 1,234,567.89 in 2005.";
        string[] words = [.. Tokenizer.Tokenize(text).Select(t => text.Substring(t.Start, t.Length))];
        Assert.Equal(["pi", "is", "3.14159", "GDP", "grew", "2,5", "to", "1,234,567.89", "in", "2005"], words);
    }

    [Fact]
    public void Every_ideograph_is_a_token_of_its_own_with_the_ideograph_trait()
    {
        Token[] tokens = Tokenizer.Tokenize("\u4E2D\u534E\u4EBA\u6C11\u5171\u548C\u56FD");
        Assert.Equal(7, tokens.Length);
        Assert.All(tokens, t => Assert.Equal(TokenTraits.Ideograph, t.Traits));
        Assert.All(tokens, t => Assert.Equal(1, t.Length));
        Assert.Equal(7, tokens.Select(t => t.Hash).Distinct().Count());
        Assert.Equal(tokens[0].Hash, Tokenizer.HashWord("\u4E2D"));
    }

    [Fact]
    public void Flags_mark_stopwords_numbers_and_capitalized_words()
    {
        Token[] t = Tokenizer.Tokenize("The Cat sat on 42 mats with Them and \u00C9mile 7Up \U0001D400x");
        Assert.Equal(
            [
                TokenTraits.Stopword | TokenTraits.Capitalized, // The
                TokenTraits.Capitalized,                        // Cat
                TokenTraits.None,                               // sat
                TokenTraits.Stopword,                           // on
                TokenTraits.Number,                             // 42
                TokenTraits.None,                               // mats
                TokenTraits.Stopword,                           // with
                TokenTraits.Stopword | TokenTraits.Capitalized, // Them
                TokenTraits.Stopword,                           // and
                TokenTraits.Capitalized,                        // Émile
                TokenTraits.Number,                             // 7Up: starts with a digit
                TokenTraits.Capitalized,                        // mathematical bold capital A (surrogate pair)
            ],
            t.Select(x => x.Traits).ToArray());
        Assert.True(t[0].IsStopword && t[0].IsCapitalized && !t[0].IsNumber);
        Assert.True(t[4].IsNumber && !t[4].IsStopword);
    }

    [Fact]
    public void Stopwords_follow_the_options_and_apostrophe_forms_are_stopwords()
    {
        Assert.True(Tokenizer.Tokenize("don\u2019t")[0].IsStopword);
        Assert.False(Tokenizer.Tokenize("the", new TokenizerOptions { Stopwords = StopwordSet.None })[0].IsStopword);
        var custom = new TokenizerOptions { Stopwords = new StopwordSet(["Fox", " ", ""]) };
        Assert.True(Tokenizer.Tokenize("FOX")[0].IsStopword is false);
        Assert.True(Tokenizer.Tokenize("FOX", custom)[0].IsStopword);
        Assert.Equal(1, custom.Stopwords.Count);
    }

    [Fact]
    public void Case_and_typographic_apostrophes_fold_to_the_same_hash()
    {
        ulong expected = Tokenizer.HashWord("don't");
        Assert.Equal(expected, Tokenizer.HashWord("DON'T"));
        Assert.Equal(expected, Tokenizer.HashWord("Don\u2019t"));
        Assert.Equal(expected, Tokenizer.HashWord("don\u02BCt"));
        Assert.Equal(Tokenizer.HashWord("news"), Tokenizer.HashWord("NEWS"));
        Assert.Equal(Tokenizer.HashWord("\u00E9t\u00E9"), Tokenizer.HashWord("\u00C9T\u00C9"));
        Assert.NotEqual(Tokenizer.HashWord("dont"), expected);
    }

    [Fact]
    public void Different_seeds_give_different_hashes()
    {
        var other = new TokenizerOptions { Seed = 42 };
        Assert.NotEqual(Tokenizer.HashWord("fox"), Tokenizer.HashWord("fox", other));
    }

    [Theory]
    [InlineData("news\u00ADpaper")]
    [InlineData("news\u200Bpaper")]
    [InlineData("news\u200Cpaper")]
    [InlineData("news\u200Dpaper")]
    [InlineData("news\u2060paper")]
    [InlineData("news\uFEFFpaper")]
    [InlineData("NEWS\u00ADPAPER")]
    [InlineData("news\u00AD\u200Bpaper")]
    [InlineData("news\u200B\u200B\u200Cpaper")]
    public void Soft_hyphens_and_zero_width_characters_inside_a_word_are_ignored(string word)
    {
        Token[] tokens = Tokenizer.Tokenize(word);
        Token token = Assert.Single(tokens);
        Assert.Equal(0, token.Start);
        Assert.Equal(word.Length, token.Length);
        Assert.Equal(Tokenizer.HashWord("newspaper"), token.Hash);
    }

    [Fact]
    public void Start_and_length_map_back_to_the_source_text()
    {
        const string Text = "\u201CIt\u2019s 30.6bn,\u201D said  Dr.\u00A0O\u2019Neil \u2014 in \u4E2D\u6587 news\u00ADpaper.";
        Token[] tokens = Tokenizer.Tokenize(Text);
        Assert.Equal(
            ["It\u2019s", "30.6bn", "said", "Dr", "O\u2019Neil", "in", "\u4E2D", "\u6587", "news\u00ADpaper"],
            tokens.Select(t => Text.Substring(t.Start, t.Length)).ToArray());
    }

    [Property(MaxTest = 1000)]
    public Property Each_token_is_a_slice_of_the_text_that_tokenizes_to_itself() =>
        Prop.ForAll(TextGen.HostileStrings, text =>
        {
            // Tokens come in text order without overlap; only the words one compatibility character folds to
            // (the fraction "\u00BD" is "1\u20442") share its range, and its slice gives all of them again.
            Token[] tokens = Tokenizer.Tokenize(text);
            int end = 0;
            for (int i = 0; i < tokens.Length;)
            {
                Token t = tokens[i];
                int group = 1;
                while (i + group < tokens.Length && tokens[i + group].Start == t.Start && tokens[i + group].Length == t.Length)
                {
                    group++;
                }

                if (t.Start < end || t.Length < 1 || t.Start + t.Length > text.Length)
                {
                    return false;
                }

                end = t.Start + t.Length;
                Token[] again = Tokenizer.Tokenize(text.Substring(t.Start, t.Length));
                if (!again.SequenceEqual(tokens.Skip(i).Take(group).Select(x => x with { Start = 0 })))
                {
                    return false;
                }

                i += group;
            }

            return true;
        });

    [Property(MaxTest = 1000)]
    public Property Arbitrary_strings_never_throw_and_every_overload_agrees() =>
        Prop.ForAll(TextGen.HostileStrings, text =>
        {
            Token[] tokens = Tokenizer.Tokenize(text);
            var destination = new Token[tokens.Length];
            int n = Tokenizer.Tokenize(text.AsSpan(), destination);
            var sink = new CountingSink();
            Tokenizer.Tokenize(text.AsSpan(), ref sink);
            return n == tokens.Length && sink.Count == n && destination.AsSpan(0, n).SequenceEqual(tokens);
        });

    [Fact]
    public void Span_destination_that_is_too_small_throws_ArgumentException()
    {
        const string Text = "one two three";
        Assert.Equal(3, Tokenizer.Tokenize(Text, new Token[3]));
        ArgumentException e = Assert.Throws<ArgumentException>(() => Tokenizer.Tokenize(Text, new Token[2]));
        Assert.Equal("destination", e.ParamName);
        Assert.Throws<ArgumentException>(() => Tokenizer.Tokenize(Text, Span<Token>.Empty));
        Assert.Equal(0, Tokenizer.Tokenize("...", Span<Token>.Empty));
    }

    [Fact]
    public void Null_string_throws_ArgumentNullException() =>
        Assert.Throws<ArgumentNullException>(() => Tokenizer.Tokenize((string)null!));

    [Fact]
    public void Span_tokenizer_with_a_struct_sink_allocates_nothing()
    {
        // Correctness, not timing: the tokenizer promises no allocation per token. Every code path is exercised:
        // ASCII, accented and CJK text, surrogate pairs, joiners, soft hyphens, and a token longer than MaxHashedChars.
        string text = string.Concat(Enumerable.Repeat(
            "The \u201CQuick\u201D brown fox\u2019s 1,000.5 jumps \u4E2D\u6587 \U0001D400\U0001D401bc news\u00ADpaper caf\u00E9 " + new string('x', 100) + ' ', 50));
        ulong[] hashes = new ulong[text.Length];
        var sink = new HashSink(hashes);
        Tokenizer.Tokenize(text.AsSpan(), ref sink);
        int expected = sink.Count;

        // Measured once the JIT has tiered the tokenizer up: its first, unoptimized code may allocate where the
        // optimized code does not (a JIT artifact, not the tokenizer's), so warm up until a pass runs optimized code.
        // In a full test run the JIT's background queue is long (two seconds of tries failed once in several runs), so
        // the tries go on for up to 30 seconds; the first pass that allocates nothing ends them.
        long allocated = long.MaxValue;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (allocated != 0 && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            sink = new HashSink(hashes);
            long before = GC.GetAllocatedBytesForCurrentThread();
            Tokenizer.Tokenize(text.AsSpan(), ref sink);
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated != 0)
            {
                Thread.Sleep(50);
            }
        }

        Assert.Equal(expected, sink.Count);
        Assert.Equal(0, allocated);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("Z")]
    [InlineData("7")]
    [InlineData("\U0001D400")]
    public void Ten_megabyte_single_token_does_not_throw(string unit)
    {
        string text = string.Concat(Enumerable.Repeat(unit, 10_000_000 / unit.Length));
        Token token = Assert.Single(Tokenizer.Tokenize(text));
        Assert.Equal(0, token.Start);
        Assert.Equal(text.Length, token.Length);

        // Only the first MaxHashedChars characters are hashed, together with the length: a longer run differs.
        Assert.NotEqual(token.Hash, Tokenizer.HashWord(text.AsSpan(0, text.Length - unit.Length)));
    }

    [Fact]
    public void Ten_megabytes_of_ideographs_give_one_token_each()
    {
        var text = new string('\u4E2D', 10_000_000);
        var sink = new CountingSink();
        Tokenizer.Tokenize(text.AsSpan(), ref sink);
        Assert.Equal(text.Length, sink.Count);
    }

    [Fact]
    public void Long_tokens_hash_their_prefix_and_their_length()
    {
        string a = new('a', Tokenizer.MaxHashedChars);
        Assert.NotEqual(Tokenizer.HashWord(a), Tokenizer.HashWord(a + "a"));
        Assert.NotEqual(Tokenizer.HashWord(a + "b"), Tokenizer.HashWord(a + "bc"));
        Assert.Equal(Tokenizer.HashWord(a + "b"), Tokenizer.HashWord(a + "c")); // same prefix, same length
        Assert.Equal(Tokenizer.HashWord(a.ToUpperInvariant() + "bb"), Tokenizer.HashWord(a + "BB"));
    }

    [Fact]
    public void HashWord_takes_the_first_token_and_is_zero_without_one()
    {
        Assert.Equal(Tokenizer.HashWord("fox"), Tokenizer.HashWord("  fox jumps"));
        Assert.Equal(0UL, Tokenizer.HashWord("  ...  "));
    }

    private struct HashSink(ulong[] hashes) : ITokenSink
    {
        private readonly ulong[] _hashes = hashes;

        public int Count { get; private set; }

        public void OnToken(in Token token) => _hashes[Count++] = token.Hash;
    }

    private struct CountingSink : ITokenSink
    {
        public int Count { get; private set; }

        public void OnToken(in Token token) => Count++;
    }
}

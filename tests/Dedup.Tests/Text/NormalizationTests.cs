using Dedup.Text;

namespace Dedup.Tests.Text;

/// <summary>The tokenizer normalizes (character references, NFKC, case, apostrophes) and its offsets index the caller's text.</summary>
public class NormalizationTests
{
    [Theory]
    [InlineData("AT&amp;T &amp; Verizon", new[] { "AT", "T", "Verizon" }, new[] { "at", "t", "verizon" })]
    [InlineData("don&#39;t caf&eacute; &#x4E2D;x", new[] { "don&#39;t", "caf&eacute;", "&#x4E2D;", "x" }, new[] { "don't", "caf\u00E9", "\u4E2D", "x" })]
    [InlineData("\uFF21\uFF22\uFF23 \uFB01nance x\u00B2", new[] { "\uFF21\uFF22\uFF23", "\uFB01nance", "x\u00B2" }, new[] { "abc", "finance", "x2" })]
    [InlineData("caf\u0065\u0301 \U0001D400\U0001D401", new[] { "caf\u0065\u0301", "\U0001D400\U0001D401" }, new[] { "caf\u00E9", "ab" })]
    [InlineData("&bogus; a&b &#xD800; &", new[] { "bogus", "a", "b", "xD800" }, new[] { "bogus", "a", "b", "xd800" })]
    [InlineData("\u0130STANBUL \u0130stanbul I\u0307stanbul S\u0130X", new[] { "\u0130STANBUL", "\u0130stanbul", "I\u0307stanbul", "S\u0130X" }, new[] { "istanbul", "istanbul", "istanbul", "six" })]
    public void Tokens_are_read_normalized_and_their_ranges_cover_the_source(string text, string[] slices, string[] words)
    {
        Token[] tokens = Tokenizer.Tokenize(text);
        Assert.Equal(slices, tokens.Select(t => text.Substring(t.Start, t.Length)).ToArray());
        Assert.Equal(words.Select(w => Tokenizer.HashWord(w)).ToArray(), tokens.Select(t => t.Hash).ToArray());
    }

    [Fact]
    public void A_fraction_folds_to_two_tokens_that_share_its_range()
    {
        Token[] tokens = Tokenizer.Tokenize("x \u00BD y");
        Assert.Equal([Tokenizer.HashWord("x"), Tokenizer.HashWord("1"), Tokenizer.HashWord("2"), Tokenizer.HashWord("y")], tokens.Select(t => t.Hash).ToArray());
        Assert.Equal((2, 1), (tokens[1].Start, tokens[1].Length));
        Assert.Equal((2, 1), (tokens[2].Start, tokens[2].Length));
    }

    [Fact]
    public void Traits_come_from_the_normalized_word()
    {
        Token[] tokens = Tokenizer.Tokenize("\uFF34he \u00B2005 &#84;he");
        Assert.Equal([TokenTraits.Stopword | TokenTraits.Capitalized, TokenTraits.Number, TokenTraits.Stopword | TokenTraits.Capitalized], tokens.Select(t => t.Traits).ToArray());
    }
}

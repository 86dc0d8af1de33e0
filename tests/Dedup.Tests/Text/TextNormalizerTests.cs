using Dedup.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dedup.Tests.Text;

public class TextNormalizerTests
{
    [Property(MaxTest = 1000)]
    public Property Normalization_is_idempotent() =>
        Prop.ForAll(TextGen.HostileStrings, s =>
        {
            string once = TextNormalizer.Normalize(s);
            return string.Equals(TextNormalizer.Normalize(once), once, StringComparison.Ordinal);
        });

    [Property(MaxTest = 1000)]
    public Property Normalization_with_line_breaks_is_idempotent() =>
        Prop.ForAll(TextGen.HostileStrings, s =>
        {
            string once = TextNormalizer.Normalize(s, preserveLineBreaks: true);
            return string.Equals(TextNormalizer.Normalize(once, preserveLineBreaks: true), once, StringComparison.Ordinal);
        });

    [Property(MaxTest = 1000)]
    public Property Normalized_text_is_trimmed_collapsed_and_free_of_dropped_characters() =>
        Prop.ForAll(TextGen.HostileStrings, s =>
        {
            string n = TextNormalizer.Normalize(s);
            return n.Trim() == n
                && !n.Contains("  ", StringComparison.Ordinal)
                && !n.Any(c => char.IsSurrogate(c) ? false : char.IsControl(c) || c is '\u200B' or '\u200D' or '\uFEFF' or '\u00AD' or '\u00A0')
                && !HasLoneSurrogate(n)
                && n.IsNormalized(System.Text.NormalizationForm.FormKC);
        });

    [Fact]
    public void Null_throws_ArgumentNullException() =>
        Assert.Throws<ArgumentNullException>(() => TextNormalizer.Normalize(null!));

    [Theory]
    [InlineData("\u201CHello,\u201D she said.", "\"hello,\" she said.")]
    [InlineData("\u201Equoted\u201F \u00ABguillemets\u00BB", "\"quoted\" \"guillemets\"")]
    [InlineData("don\u2019t \u2018single\u2019 \u201Alow\u201B it\u02BCs", "don't 'single' 'low' it's")]
    [InlineData("a\u2010b\u2011c\u2012d\u2013e\u2014f\u2015g\u2212h", "a-b-c-d-e-f-g-h")]
    [InlineData("wait\u2026", "wait...")]
    [InlineData("no\u00A0break\u202Fnarrow\u2007figure\u3000ideographic", "no break narrow figure ideographic")]
    [InlineData("zero\u200Bwidth\u200C non\u200Djoiner\u2060word\uFEFFjoiner soft\u00ADhyphen", "zerowidth nonjoinerwordjoiner softhyphen")]
    [InlineData("  lots \t of\r\n\n  space  ", "lots of space")]
    [InlineData("MiXeD CaSe \u00C9T\u00C9", "mixed case \u00E9t\u00E9")]
    [InlineData("\uFB01ne \uFB02ow", "fine flow")]
    [InlineData("\uFF28\uFF25\uFF2C\uFF2C\uFF2F \uFF11\uFF12\uFF13", "hello 123")]
    [InlineData("\U0001D400\U0001D401", "ab")]
    [InlineData("\u2163 \u00BD", "iv 1\u20442")]
    [InlineData("e\u0301", "\u00E9")]
    [InlineData("a\u0001b\u0000c\u007Fd", "abcd")]
    [InlineData("\U00010400 deseret", "\U00010428 deseret")]
    [InlineData("", "")]
    [InlineData(" \u200B\t\n ", "")]
    public void Maps_characters_as_documented(string input, string expected) =>
        Assert.Equal(expected, TextNormalizer.Normalize(input));

    [Fact]
    public void Lone_surrogates_become_replacement_characters_and_pairs_survive()
    {
        // Built in code: attribute arguments cannot carry lone surrogates.
        string text = "lone" + '\uD800' + "high lone" + '\uDC00' + "low \U0001F600 end" + '\uDBFF';
        Assert.Equal("lone\uFFFDhigh lone\uFFFDlow \U0001F600 end\uFFFD", TextNormalizer.Normalize(text));
    }

    [Fact]
    public void Preserve_line_breaks_keeps_one_break_per_run_and_drops_spaces_around_it()
    {
        const string Text = "\r\n  First line. \r\n\r\n\r\n  Second\u2028line\u2029third\u0085fourth\r fifth  \n\n";
        Assert.Equal("first line.\nsecond\nline\nthird\nfourth\nfifth", TextNormalizer.Normalize(Text, preserveLineBreaks: true));
        Assert.Equal("first line. second line third fourth fifth", TextNormalizer.Normalize(Text, preserveLineBreaks: false));
    }

    [Theory]
    [InlineData('A', 'a')]
    [InlineData(' ', null)]
    [InlineData('\u200B', null)]
    [InlineData('\uD800', '\uFFFD')]
    [InlineData('\u00A0', null)]
    [InlineData('\n', null)]
    [InlineData('\uFB01', null)]
    public async Task Ten_megabytes_of_one_character_finish_without_throwing(char c, char? expectedChar)
    {
        var text = new string(c, 10_000_000);
        string result = await Task.Run(() => TextNormalizer.Normalize(text), TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        if (expectedChar is char e)
        {
            Assert.Equal(text.Length, result.Length);
            Assert.True(result.AsSpan().IndexOfAnyExcept(e) < 0);
        }
        else if (c == '\uFB01')
        {
            Assert.Equal(2 * text.Length, result.Length);
        }
        else
        {
            Assert.Equal(string.Empty, result);
        }
    }

    [Theory]
    [InlineData('A', 'a')]
    [InlineData('\u2019', '\'')]
    [InlineData('\u2018', '\'')]
    [InlineData('\u02BC', '\'')]
    [InlineData('\uFF07', '\'')]
    [InlineData('\u200B', '\0')]
    [InlineData('\u00AD', '\0')]
    [InlineData('\uFEFF', '\0')]
    [InlineData('\u00C9', '\u00E9')]
    [InlineData('7', '7')]
    public void FoldChar_folds_case_and_apostrophes_and_drops_invisible_characters(char input, char expected) =>
        Assert.Equal(expected, TextNormalizer.FoldChar(input));

    private static bool HasLoneSurrogate(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(s[i]))
            {
                return true;
            }
        }

        return false;
    }
}

using Dedup.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Dedup.Tests.Text;

public class BoilerplateTests
{
    private static readonly string Sample = File.ReadAllText(RepoPaths.Sample("spun-article.txt"));

    /// <summary>The lines walked a vector search at a time are the lines <see cref="BoilerplateFilter.EnumerateLines"/> gives, whatever the breaks.</summary>
    [FsCheck.Xunit.Property(MaxTest = 500)]
    public Property Lines_found_by_search_are_the_enumerated_lines(int seed, byte length)
    {
        var random = new Random(seed);
        const string Alphabet = "ab \n\r\u2028\u2029\u0085.";
        string text = new([.. Enumerable.Range(0, length).Select(_ => Alphabet[random.Next(Alphabet.Length)])]);
        var found = new List<Range>();
        for (int start = 0; ;)
        {
            int end = BoilerplateFilter.LineEnd(text, start);
            found.Add(new Range(start, end));
            if (end == text.Length)
            {
                break;
            }

            start = BoilerplateFilter.NextLineStart(text, end);
        }

        return found.SequenceEqual(BoilerplateFilter.EnumerateLines(text)).Label($"'{text.ReplaceLineEndings("|")}'");
    }

    /// <summary>A null prefix or fragment is no rule; the others still apply.</summary>
    [Fact]
    public void A_null_rule_is_no_rule()
    {
        var rules = new BoilerplateRules { LinePrefixes = [null!, "watch"], LineFragments = [null!, "promo code"] };
        Assert.True(BoilerplateFilter.IsBoilerplate("Use promo code X", rules));
        Assert.True(BoilerplateFilter.IsBoilerplate("Watch: the storm", rules));
        Assert.False(BoilerplateFilter.IsBoilerplate("The storm", rules));
    }

    /// <summary>Prefixes are found by a first letter in ASCII (a table) and beyond it (a dictionary), in any case.</summary>
    [Theory]
    [InlineData("\u2192 Next: the harbour", true)]
    [InlineData("ADVERTORIAL: shoes", true)]
    [InlineData("Advertorials are rare", false)]
    [InlineData("\u00C9dition sp\u00E9ciale", true)]
    [InlineData("\u00E9DITION SP\u00C9CIALE", true)]
    [InlineData("Edition speciale", false)]
    public void Prefixes_are_found_by_their_first_letter_in_and_beyond_ascii(string line, bool boilerplate)
    {
        var rules = new BoilerplateRules { LinePrefixes = ["advertorial", "\u2192", "\u00E9dition"], LineFragments = [] };
        Assert.Equal(boilerplate, BoilerplateFilter.IsBoilerplate(line, rules));
    }

    /// <summary>
    /// Fragments are searched for all at once, as <see cref="StringComparison.OrdinalIgnoreCase"/> finds each: on lines
    /// and fragments of ASCII and other letters whose case folding is special (long s, Kelvin sign, dotted and dotless
    /// i, sharp s, the title-case dz), in any case; an empty fragment is in every line.
    /// </summary>
    /// <summary>
    /// What the search for fragments beyond ASCII rests on: a line of ASCII characters is not searched for them, since
    /// no other character equals an ASCII one when case is ignored ordinally (not the long s, the Kelvin sign, the
    /// dotted or dotless i, which culture-aware comparisons may fold to ASCII letters).
    /// </summary>
    [Fact]
    public void No_character_beyond_ascii_equals_an_ascii_one_with_case_ignored_ordinally()
    {
        for (int c = 128; c <= char.MaxValue; c++)
        {
            string other = ((char)c).ToString();
            for (int a = 0; a < 128; a++)
            {
                Assert.False(string.Equals(((char)a).ToString(), other, StringComparison.OrdinalIgnoreCase), $"U+{c:X4} equals '{(char)a}'");
            }
        }
    }

    [FsCheck.Xunit.Property(MaxTest = 500)]
    public Property Fragments_are_found_as_a_search_for_each_finds_them(int seed, bool withEmpty)
    {
        var random = new Random(seed);
        const string Alphabet = "abcsk iKSC\u017F\u212A\u0130\u0131\u00DF\u01C5\u00E9\u00C9\u00A9-2";
        string Draw(int length) => new([.. Enumerable.Range(0, length).Select(_ => Alphabet[random.Next(Alphabet.Length)])]);
        string DrawAscii(int length) => new([.. Enumerable.Range(0, length).Select(_ => Alphabet[random.Next(10)])]);
        string Recase(string text) => new([.. text.Select(c => random.Next(2) == 0 ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c))]);
        List<string> fragments = [.. Enumerable.Range(0, 1 + random.Next(5)).Select(_ => Draw(1 + random.Next(4)))];
        if (withEmpty && random.Next(4) == 0)
        {
            fragments.Add(string.Empty);
        }

        var rules = new BoilerplateRules { LinePrefixes = [], LineFragments = fragments };
        for (int line = 0; line < 40; line++)
        {
            string text = random.Next(4) switch
            {
                0 => Draw(random.Next(8)) + Recase(fragments[random.Next(fragments.Count)]) + Draw(random.Next(8)),
                // A line of ASCII characters (a fragment of others is looked for only where a line may hold it).
                1 => DrawAscii(random.Next(8)) + Recase(fragments[random.Next(fragments.Count)]) + DrawAscii(random.Next(8)),
                2 => DrawAscii(1 + random.Next(30)),
                _ => Draw(1 + random.Next(30)),
            };
            string trimmed = text.Trim();
            bool expected = trimmed.Length > 0 && fragments.Exists(f => trimmed.Contains(f, StringComparison.OrdinalIgnoreCase));
            if (BoilerplateFilter.IsBoilerplate(text, rules) != expected)
            {
                return false.Label($"'{text}' with fragments {string.Join(", ", fragments.Select(f => $"'{f}'"))}: expected {expected}");
            }
        }

        return true.ToProperty();
    }

    [Fact]
    public void Default_rules_remove_the_three_also_read_lines_of_the_real_spun_sample()
    {
        // The shipped sample is real page text: a no-break space follows "ALSO READ".
        IReadOnlyList<Range> found = BoilerplateFilter.FindBoilerplateLines(Sample, BoilerplateRules.Default);
        string[] removed = [.. found.Select(r => Sample[r])];
        Assert.Equal(
            [
                "ALSO READ\u00A0 Blink to go to war in Ukraine on upcoming trip to China",
                "ALSO READ\u00A0 1/30: TBEN News Prime Time",
                "ALSO READ\u00A0 North Korean Kim's sister condemns US decision to send tanks to Ukraine",
            ],
            removed);
    }

    [Fact]
    public void Default_rules_keep_every_content_line_of_the_real_spun_sample()
    {
        string stripped = BoilerplateFilter.Strip(Sample, BoilerplateRules.Default);
        string[] kept = stripped.Split('\n');
        string[] content = [.. BoilerplateFilter.EnumerateLines(Sample).Select(r => Sample[r]).Where(l => !l.StartsWith("ALSO READ", StringComparison.Ordinal))];
        Assert.Equal(content, kept);
        Assert.Contains("Russia issues an ultimatum to formally involve a third country in Putin\u2019s war", kept);
        Assert.Contains(kept, l => l.StartsWith("Turning to Gerasimov", StringComparison.Ordinal));
        Assert.DoesNotContain("ALSO READ", stripped, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("ALSO READ  Something else entirely")]
    [InlineData("Also read: the other story")]
    [InlineData("Read more: Markets slide as rates rise")]
    [InlineData("READ MORE")]
    [InlineData("Related: Ukraine war live updates")]
    [InlineData("Related")]
    [InlineData("Subscribe to our daily briefing")]
    [InlineData("Subscribe now for $1 a week")]
    [InlineData("Click here to watch the video")]
    [InlineData("\u00A9 2024 Example News Ltd.")]
    [InlineData("Copyright 2024 Example News. All rights reserved.")]
    [InlineData("Share this article")]
    [InlineData("Share on Facebook")]
    [InlineData("  \u2022 See also: earlier coverage")]
    [InlineData("- Don't miss: our top picks")]
    [InlineData("\u00BB You may also like")]
    [InlineData("[Advertisement]")]
    [InlineData("Sign up for our newsletter")]
    [InlineData("Follow us on Twitter")]
    [InlineData("Read our privacy policy and cookie policy")]
    [InlineData("Image caption: the bridge after the strike")]
    public void Default_rules_remove_page_boilerplate(string line)
    {
        Assert.True(BoilerplateFilter.IsBoilerplate(line, BoilerplateRules.Default));
        Assert.Equal("Before.\nAfter.", BoilerplateFilter.Strip("Before.\n" + line + "\nAfter.", BoilerplateRules.Default));
    }

    [Theory]
    [InlineData("Subscribers to the service rose 10% last year, the company said.")]
    [InlineData("Relatedly, officials said the talks would resume on Monday.")]
    [InlineData("Readers were asked to respond by Friday.")]
    [InlineData("Watchdogs warned that the merger would hurt consumers.")]
    [InlineData("The minister said the copyrighted material had been removed.")]
    [InlineData("Russia has been preparing the Belarusian army for months.")]
    [InlineData("")]
    [InlineData("   ")]
    public void Default_rules_keep_content_lines(string line) =>
        Assert.False(BoilerplateFilter.IsBoilerplate(line, BoilerplateRules.Default));

    [Fact]
    public void A_long_content_line_that_mentions_subscribe_is_kept()
    {
        const string Line =
            "Subscribe to our rivals, the chief executive joked on Thursday, as the company reported that more than three million "
            + "households had cancelled their plans in the quarter, the steepest fall since the service launched in 2015 amid "
            + "rising prices across the industry.";
        Assert.True(Line.Length > BoilerplateRules.Default.MaxLineLength);
        Assert.False(BoilerplateFilter.IsBoilerplate(Line, BoilerplateRules.Default));

        // The same words in a short line are boilerplate: the length rule is what keeps the long one.
        Assert.True(BoilerplateFilter.IsBoilerplate(Line.AsSpan(0, 80), BoilerplateRules.Default));
        Assert.True(BoilerplateFilter.IsBoilerplate(Line, BoilerplateRules.Default with { MaxLineLength = 1000 }));
    }

    [Fact]
    public void None_removes_nothing()
    {
        Assert.Empty(BoilerplateFilter.FindBoilerplateLines(Sample, BoilerplateRules.None));
        string expected = string.Join('\n', BoilerplateFilter.EnumerateLines(Sample).Select(r => Sample[r]));
        Assert.Equal(expected, BoilerplateFilter.Strip(Sample, BoilerplateRules.None));
        Assert.False(BoilerplateFilter.IsBoilerplate("ALSO READ  anything", BoilerplateRules.None));
        Assert.False(BoilerplateFilter.IsBoilerplate("\u00A9 2024 Example", BoilerplateRules.None));
    }

    [Fact]
    public void Custom_rules_replace_the_defaults()
    {
        var rules = new BoilerplateRules { LinePrefixes = ["advertorial", "\u2192"], LineFragments = ["promo code"], MaxLineLength = 40 };
        Assert.True(BoilerplateFilter.IsBoilerplate("ADVERTORIAL: buy our widgets", rules));
        Assert.True(BoilerplateFilter.IsBoilerplate("\u2192next page", rules));
        Assert.True(BoilerplateFilter.IsBoilerplate("Use PROMO CODE news10 at checkout", rules));
        Assert.False(BoilerplateFilter.IsBoilerplate("Advertorials are everywhere now", rules));
        Assert.False(BoilerplateFilter.IsBoilerplate("ALSO READ  Something", rules));
        Assert.False(BoilerplateFilter.IsBoilerplate("Use promo code news10 at checkout, valid until the end of May", rules));
        Assert.Equal("keep\nkeep too", BoilerplateFilter.Strip("keep\r\nadvertorial - x\rkeep too", rules));
    }

    [Fact]
    public void Lines_split_on_every_line_break_kind()
    {
        const string Text = "a\r\nb\rc\nd\u2028e\u2029f\u0085g";
        Assert.Equal(["a", "b", "c", "d", "e", "f", "g"], BoilerplateFilter.EnumerateLines(Text).Select(r => Text[r]).ToArray());
        Assert.Equal([string.Empty], BoilerplateFilter.EnumerateLines(string.Empty).Select(r => string.Empty[r]).ToArray());
        Assert.Equal(["a", string.Empty], BoilerplateFilter.EnumerateLines("a\n").Select(r => "a\n"[r]).ToArray());
    }

    [Theory]
    [InlineData("\n\nfirst\n\nsecond\n")]
    [InlineData("\nALSO READ x\n\ncontent")]
    [InlineData("")]
    [InlineData("\n")]
    public void Strip_keeps_empty_lines_as_they_are(string text)
    {
        string expected = string.Join('\n', BoilerplateFilter.EnumerateLines(text).Select(r => text[r]).Where(l => !l.StartsWith("ALSO", StringComparison.Ordinal)));
        Assert.Equal(expected, BoilerplateFilter.Strip(text, BoilerplateRules.Default));
    }

    [Fact]
    public void Null_arguments_throw()
    {
        Assert.Throws<ArgumentNullException>(() => BoilerplateFilter.Strip(null!, BoilerplateRules.Default));
        Assert.Throws<ArgumentNullException>(() => BoilerplateFilter.Strip("x", null!));
        Assert.Throws<ArgumentNullException>(() => BoilerplateFilter.FindBoilerplateLines(null!, BoilerplateRules.Default));
    }
}

using System.Net;
using System.Text;
using Dedup.Detection;
using Dedup.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dedup.Tests.Detection;

/// <summary>
/// The detector compares normalized text and reports offsets into the caller's own strings: NFKC-equal articles are
/// duplicates, and every exact passage slices equal text (after normalization) out of both articles, whatever
/// character references, line breaks, surrogate pairs and combining marks they hold.
/// </summary>
public class NormalizationPropertyTests
{
    private static readonly string[] Words =
    [
        "office", "finance", "fluffy", "official", "council", "budget", "tunnel", "harbour", "minister", "Reuters",
        "Shares", "rose", "fell", "percent", "Wednesday", "quarterly", "profit", "flight", "staff", "effort",
        "2024", "17", "350", "the", "of", "and", "in", "to", "a", "was", "said", "NASA", "Paris", "traffic",
    ];

    private static readonly string[] PrefixWords = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"];

    private static readonly string[] SuffixWords = ["india", "juliet", "kilo", "lima", "mike", "november", "oscar", "papa"];

    private static Gen<string> Sentence(string[] words) =>
        Gen.Choose(6, 14).SelectMany(n => Gen.Elements(words).ArrayOf(n)).Select(w => string.Join(' ', w) + ".");

    private static Gen<string[]> Sentences(string[] words, int min, int max) =>
        Gen.Choose(min, max).SelectMany(n => Sentence(words).ArrayOf(n));

    [Property(MaxTest = 100)]
    public Property Nfkc_equal_articles_are_duplicates() =>
        Prop.ForAll(
            Gen.Zip(Sentences(Words, 3, 8), Gen.Choose(0, int.MaxValue)).ToArbitrary(),
            input =>
            {
                string original = string.Join(' ', input.Item1);
                string compatible = CompatibilityForm(original, new Random(input.Item2));
                Comparison c = new CopyDetector().Compare(new Article("a", original), new Article("b", compatible));
                return (c.Kind == CopyKind.Duplicate).Label($"{c.Kind} {c.Score}: \"{original}\" vs \"{compatible}\"");
            });

    [Property(MaxTest = 100)]
    public Property Every_exact_passage_slices_equal_text_out_of_the_callers_strings() =>
        Prop.ForAll(
            Gen.Zip(Gen.Zip(Sentences(Words, 3, 6), Sentences(PrefixWords, 1, 3)), Gen.Zip(Sentences(SuffixWords, 0, 2), Gen.Choose(0, int.MaxValue))).ToArbitrary(),
            input =>
            {
                ((string[] shared, string[] prefix), (string[] suffix, int seed)) = input;
                var random = new Random(seed);
                string first = Encode(string.Join(' ', prefix) + "\n" + string.Join("\n", shared), random, entities: true);
                string second = Encode(string.Join("\n", shared) + "\n" + string.Join(' ', suffix), random, entities: false);
                Comparison c = new CopyDetector().Compare(new Article("a", first), new Article("b", second));
                SharedPassage[] exact = [.. c.Passages.Where(p => p.Exact)];
                bool slicesEqual = exact.All(p =>
                    string.Equals(Normalized(Slice(first, p.First)), Normalized(Slice(second, p.Second)), StringComparison.Ordinal));
                return (exact.Length > 0 && slicesEqual).Label(
                    $"first \"{first}\" second \"{second}\": " + string.Join(" | ", exact.Select(p => $"[{Slice(first, p.First)}] vs [{Slice(second, p.Second)}]")));
            });

    [Fact]
    public void A_fullwidth_copy_is_a_duplicate()
    {
        const string Text = "The council approved the harbour tunnel budget on Wednesday after a long debate.";
        string fullwidth = new([.. Text.Select(ch => ch is >= '!' and <= '~' ? (char)(ch - '!' + '\uFF01') : ch == ' ' ? '\u3000' : ch)]);
        Comparison c = new CopyDetector().Compare(new Article("a", Text), new Article("b", fullwidth));
        Assert.Equal(CopyKind.Duplicate, c.Kind);
    }

    [Fact]
    public void A_passage_after_character_references_ends_where_the_callers_text_does()
    {
        const string Encoded = "The merger of AT&amp;T &amp; Verizon was approved by regulators in Washington on Saturday.";
        string decoded = WebUtility.HtmlDecode(Encoded);
        Comparison c = new CopyDetector().Compare(new Article("a", Encoded), new Article("b", decoded));
        SharedPassage passage = Assert.Single(c.Passages);
        Assert.Equal("The merger of AT&amp;T &amp; Verizon was approved by regulators in Washington on Saturday", Slice(Encoded, passage.First));
        Assert.Equal("The merger of AT&T & Verizon was approved by regulators in Washington on Saturday", Slice(decoded, passage.Second));
    }

    /// <summary>The text with some characters replaced by compatibility forms that NFKC maps back.</summary>
    private static string CompatibilityForm(string text, Random random)
    {
        var sb = new StringBuilder(text.Length * 2);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            int roll = random.Next(10);
            if (i + 1 < text.Length && roll < 5 && text[i] == 'f' && text[i + 1] is 'i' or 'l' or 'f')
            {
                sb.Append(text[i + 1] switch { 'i' => '\uFB01', 'l' => '\uFB02', _ => '\uFB00' });
                i++;
            }
            else if (roll < 3 && c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9')
            {
                sb.Append((char)(c - '!' + '\uFF01'));
            }
            else if (roll == 3 && c is >= 'A' and <= 'Z')
            {
                sb.Append(char.ConvertFromUtf32(0x1D400 + (c - 'A')));
            }
            else if (roll == 3 && c is >= 'a' and <= 'z')
            {
                sb.Append(char.ConvertFromUtf32(0x1D41A + (c - 'a')));
            }
            else if (roll == 4 && c is '1' or '2' or '3')
            {
                sb.Append(c switch { '1' => '\u00B9', '2' => '\u00B2', _ => '\u00B3' });
            }
            else if (roll < 3 && c == ' ')
            {
                sb.Append(roll == 0 ? '\u3000' : '\u00A0');
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// Writes the text two ways. With <paramref name="entities"/>: some 'e' as "&amp;#101;", 'o' as "&amp;#x6F;" and
    /// spaces as "&amp;nbsp;", and each line break as CRLF followed by "&amp;amp;", a surrogate pair and
    /// "caf&amp;eacute;". Without: each line break as LF followed by "&amp;", the same surrogate pair and "cafe" with a
    /// combining acute accent. The two read alike once normalized, but their offsets differ.
    /// </summary>
    private static string Encode(string text, Random random, bool entities)
    {
        var sb = new StringBuilder(text.Length * 2);
        foreach (char c in text)
        {
            int roll = random.Next(6);
            if (c == '\n')
            {
                sb.Append(entities ? "\r\n&amp; \U0001D400 caf&eacute; " : "\n& \U0001D400 cafe\u0301 ");
            }
            else if (entities && roll == 0 && c == 'e')
            {
                sb.Append("&#101;");
            }
            else if (entities && roll == 1 && c == 'o')
            {
                sb.Append("&#x6F;");
            }
            else if (entities && roll == 2 && c == ' ')
            {
                sb.Append("&nbsp;");
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    private static string Normalized(string s) => TextNormalizer.Normalize(WebUtility.HtmlDecode(s));

    private static string Slice(string text, TextSpan span) => text.Substring(span.Start, span.Length);
}

using Dedup.Kernels;
using Dedup.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dedup.Tests.Text;

/// <summary>
/// The tokenizer's vector path (64 characters classified at a time, ASCII words walked by bit masks) gives exactly the
/// scalar reference's tokens (hash, start, length, traits) at every width, on text that mixes plain ASCII with
/// everything the reference must read: character references, non-ASCII letters, compatibility characters, surrogate
/// pairs, combining marks, invisible and control characters, joiners at block edges and words longer than a block.
/// </summary>
public class VectorTokenizerTests
{
    /// <summary>Pieces of text; the first ones are plain ASCII and drawn most often, so that blocks are mostly plain.</summary>
    private static readonly string[] Pieces =
    [
        "a", "b", "z", "Q", "X", "0", "7", "9", " ", " ", " ", "\n", "'", ".", ",", "-", "!", "the", "The", "of",
        "don't", "1,000", "30.6", "U.S.", "1.", "a.1", "x'", "'y", "\r\n", "\t", "1a'b2,3", "b2,3", "a'1,5", "2,3'a", "7x.5",
        "&amp;", "&#39;", "&#x2019;", "&eacute;", "&bogus;", "&", "&#;", "&#xD800;", "&nbsp;",
        "\u00E9", "\u00C9", "\u2019", "\u2014", "\u201C", "\u4E2D", "\u30A2", "\U0001D400", "\U0001F600", "\uD800",
        "\uDC00", "e\u0301", "\u0301", "\u200B", "\u00AD", "\uFF21", "\uFF41", "\uFF10", "\uFB01", "\u00BD", "\u00B2",
        "\u2460", "\u3000", "\u00A0", "\0", "\u0001", "\u007F", "\u0085", "\u0130", "\u212A",
        "\u00A3", "\u00A9", "\u00AB", "\u00BB", "\u00B0", "\u2013", "\u2018", "\u201D", "don\u2019t", "it\u2019s",
        "\u2019s", "x\u2019", "1\u20192", "\u2019\u2019", "O\u2019Neill", "\u02BC", "\u2019\u0301", "a\u2019\u00E9",
    ];

    private static Gen<string> Texts { get; } =
        Gen.Frequency(
            (8, Gen.Elements(Pieces.AsSpan(0, 20).ToArray())),
            (2, Gen.Elements(Pieces)),
            (1, Gen.Choose(1, 90).Select(n => new string('w', n))))
        .ArrayOf()
        .Select(parts => string.Concat(parts));

    private static Gen<string> LongTexts { get; } =
        Gen.Zip(Texts, Texts).Select(t => string.Concat(t.Item1, t.Item2, t.Item1, t.Item2, t.Item1));

    /// <summary>The vector widths and <see cref="KernelWidth.Auto"/>, as numbers (the enum is internal).</summary>
    public static TheoryData<int> Widths =>
        [(int)KernelWidth.Vector128, (int)KernelWidth.Vector256, (int)KernelWidth.Vector512, (int)KernelWidth.Auto];

    [Property(MaxTest = 300)]
    public Property Vector128_equals_reference() => EqualsReference(KernelWidth.Vector128);

    [Property(MaxTest = 300)]
    public Property Vector256_equals_reference() => EqualsReference(KernelWidth.Vector256);

    [Property(MaxTest = 300)]
    public Property Vector512_equals_reference() => EqualsReference(KernelWidth.Vector512);

    [Property(MaxTest = 300)]
    public Property Auto_equals_reference() => EqualsReference(KernelWidth.Auto);

    [Property(MaxTest = 200)]
    public Property Hostile_strings_give_the_reference_tokens_at_every_width() =>
        Prop.ForAll(TextGen.HostileStrings, text =>
        {
            Token[] expected = Run(text, KernelWidth.Scalar);
            return Widths.All(w => Run(text, (KernelWidth)w.Data).AsSpan().SequenceEqual(expected));
        });

    [Theory]
    [MemberData(nameof(Widths))]
    public void Every_prefix_of_a_mixed_text_equals_reference(int widthNumber)
    {
        var width = (KernelWidth)widthNumber;
        string text = string.Concat(Enumerable.Repeat(
            "The U.S. economy grew 2.5% in 2024, don't you know? Caf\u00E9 &amp; AT&amp;T\u2019s \uFF21\uFF22C \uFB01nance " +
            new string('x', 70) + " e\u0301t\u00E9 \u4E2D\u6587 \U0001D400b 1,000,000.5 rock'n'roll\r\n", 3));
        for (int length = 0; length <= text.Length; length++)
        {
            string prefix = text[..length];
            Assert.Equal(Run(prefix, KernelWidth.Scalar), Run(prefix, width));
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Plain_ascii_is_tokenized_by_the_vector_path_like_the_reference(int widthNumber)
    {
        var width = (KernelWidth)widthNumber;
        // Words of every length up to 70 at every offset of a block, with joiners and sentence punctuation.
        var text = new System.Text.StringBuilder();
        for (int i = 1; i <= 70; i++)
        {
            text.Append(new string((char)('a' + (i % 26)), i)).Append(i % 3 == 0 ? ". " : i % 3 == 1 ? "'s " : ", ").Append(i).Append(' ');
        }

        string s = text.ToString();
        Token[] expected = Run(s, KernelWidth.Scalar);
        Assert.Equal(expected, Run(s, width));
        Assert.Contains(expected, t => t.Length > Tokenizer.MaxHashedChars);
    }

    [Property(MaxTest = 300)]
    public Property Block_classification_equals_the_scalar_reference_at_every_width() =>
        Prop.ForAll(Gen.Elements(Pieces).ArrayOf().Select(p => string.Concat(p).PadRight(64, ' ')[..64]).ToArbitrary(), block =>
        {
            var expected = Tokenizer.Classify(block, KernelWidth.Scalar);
            return new[] { KernelWidth.Vector128, KernelWidth.Vector256, KernelWidth.Vector512 }.All(w => Tokenizer.Classify(block, w) == expected);
        });

    private static Property EqualsReference(KernelWidth width) =>
        Prop.ForAll(Gen.Frequency((1, Texts), (2, LongTexts)).ToArbitrary(), text =>
        {
            Token[] expected = Run(text, KernelWidth.Scalar);
            Token[] actual = Run(text, width);
            return actual.AsSpan().SequenceEqual(expected).Label($"{width} on \"{text}\"");
        });

    private static Token[] Run(string text, KernelWidth width)
    {
        var sink = new ListSink([]);
        Tokenizer.Tokenize(text.AsSpan(), ref sink, null, width);
        return [.. sink.Tokens];
    }

    private readonly struct ListSink(List<Token> tokens) : ITokenSink
    {
        public List<Token> Tokens { get; } = tokens;

        public void OnToken(in Token token) => Tokens.Add(token);
    }
}

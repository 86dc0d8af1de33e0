using Dedup.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Dedup.Tests.Text;

/// <summary>The tokenizer's vectorized word scan equals its scalar reference on every input.</summary>
public class AsciiWordScannerTests
{
    private const string Alphabet = "abcXYZ019'.,- \n\u00E9\u2019\u4E2D";

    [FsCheck.Xunit.Property(MaxTest = 500)]
    public Property Vector_scan_equals_the_scalar_reference(int seed)
    {
        var random = new Random(seed);
        int length = random.Next(0, 3 * 8 + 2 + (seed & 0x7F));
        char[] chars = new char[length];
        for (int i = 0; i < length; i++)
        {
            // Long runs of word characters, so the 8-wide steps and the 64-character cap are both crossed.
            chars[i] = random.Next(4) == 0 ? Alphabet[random.Next(Alphabet.Length)] : Alphabet[random.Next(9)];
        }

        int start = length == 0 ? 0 : random.Next(length);
        int count = random.Next(0, Tokenizer.MaxHashedChars + 1);
        char[] scalar = new char[Tokenizer.MaxHashedChars + AsciiWordScanner.Slack];
        char[] vector = new char[Tokenizer.MaxHashedChars + AsciiWordScanner.Slack];
        int endScalar = AsciiWordScanner.ScanScalar(chars, start, scalar, count);
        int endVector = AsciiWordScanner.ScanVector(chars, start, vector, count);
        int written = Math.Min(count + (endScalar - start), Tokenizer.MaxHashedChars);
        return (endScalar == endVector && scalar.AsSpan(count, Math.Max(0, written - count)).SequenceEqual(vector.AsSpan(count, Math.Max(0, written - count))))
            .Label($"text '{new string(chars)}' start {start} count {count}: ends {endScalar} vs {endVector}");
    }

    [Fact]
    public void Scan_lower_cases_the_run_and_stops_at_the_first_other_character()
    {
        char[] folded = new char[Tokenizer.MaxHashedChars + AsciiWordScanner.Slack];
        string text = "Hello WORLD2024s, ok";

        Assert.Equal(5, AsciiWordScanner.Scan(text, 0, folded, 0));
        Assert.Equal("hello", new string(folded, 0, 5));
        Assert.Equal(16, AsciiWordScanner.Scan(text, 6, folded, 0));
        Assert.Equal("world2024s", new string(folded, 0, 10));
    }

    [Fact]
    public void Long_words_hash_their_first_64_characters_and_length_on_both_paths()
    {
        string ascii = new('a', 70);
        string accented = new string('a', 65) + "\u00E9\u00E9\u00E9\u00E9\u00E9";
        string accentedSameStart = new string('a', 65) + "\u00E8\u00E8\u00E8\u00E8\u00E8";

        Assert.Equal(Tokenizer.HashWord(accented), Tokenizer.HashWord(accentedSameStart));
        Assert.Equal(Tokenizer.HashWord(ascii), Tokenizer.HashWord(accentedSameStart));
        Assert.NotEqual(Tokenizer.HashWord(ascii), Tokenizer.HashWord(new string('a', 71)));
    }
}

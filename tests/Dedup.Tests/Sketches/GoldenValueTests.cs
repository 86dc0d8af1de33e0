using Dedup.Sketches;
using Dedup.Text;

namespace Dedup.Tests.Sketches;

/// <summary>
/// Known-answer values computed once with the current code and pinned here. Signatures and fingerprints are persisted
/// and compared across processes, machines and releases: if one of these tests fails, the token hash, the shingle
/// formula, a seed, the permutation constants, the densification or the tokenizer's folding has changed. That is a
/// breaking format change (every stored signature becomes incomparable), not a test to update casually: it needs a new
/// <see cref="MinHashSignature.FormatVersion"/> and a migration note.
/// </summary>
public class GoldenValueTests
{
    private const string Text = "The quick brown fox jumps over the lazy dog near the river bank";

    [Fact]
    public void Token_hashes_are_pinned()
    {
        Assert.Equal(0xA23AA596FFDB099EUL, Tokenizer.HashWord("the"));
        Assert.Equal(0x8173477BC2B458E2UL, Tokenizer.HashWord("fox"));
        Assert.Equal(0xEBDC893ABA6EBB08UL, Tokenizer.HashWord("Don't"));
        Assert.Equal(0xEBDC893ABA6EBB08UL, Tokenizer.HashWord("DON\u2019T"));
        Assert.Equal(0x3784753535125BA6UL, Tokenizer.HashWord("2005"));
    }

    [Fact]
    public void Word_shingles_are_pinned()
    {
        ulong[] shingles = Shingler.WordShingles(Text);
        Assert.Equal(9, shingles.Length);
        Assert.Equal([0x1017FEC28B1B0C4CUL, 0x26CE42858FD1DE8DUL, 0x54999446AA09696DUL], shingles[..3]);
    }

    [Fact]
    public void Classic_MinHash_signature_is_pinned()
    {
        MinHashSignature s = new MinHasher().Compute(Text);
        Assert.Equal(9, s.Count);
        Assert.Equal(
            [0x08D60496u, 0x379141B5u, 0x17B01836u, 0x04AA69CEu, 0x07A22072u, 0x137011C9u, 0x0B1289E6u, 0x11B613B7u],
            s.Values[..8].ToArray());
    }

    [Fact]
    public void One_permutation_MinHash_signature_is_pinned()
    {
        // 9 shingles in 128 bins: most values come from densification, so this pins it too.
        MinHashSignature s = new MinHasher(scheme: MinHashScheme.OnePermutation).Compute(Text);
        Assert.Equal(
            [0x854021E0u, 0x7FDFCC3Cu, 0xF437E4D0u, 0x7FDFCC3Cu, 0xAE88C833u, 0xB8255E4Eu, 0xD6BCEE39u, 0xAE88C833u],
            s.Values[..8].ToArray());
    }

    [Fact]
    public void SimHash_fingerprint_is_pinned() =>
        Assert.Equal(0x8122021E68149230UL, SimHasher.Compute(Text));
}

using System.Buffers.Binary;
using Dedup.Sketches;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dedup.Tests.Sketches;

public class MinHashSignatureFormatTests
{
    private static readonly Arbitrary<MinHashSignature> Signatures = Arb.From(
        from scheme in Gen.Elements(MinHashScheme.Classic, MinHashScheme.OnePermutation)
        from k in Gen.Elements(MinHasherTests.Ks)
        from seed in ArbMap.Default.GeneratorFor<ulong>()
        from size in Gen.Choose(0, 300)
        from dataSeed in ArbMap.Default.GeneratorFor<ulong>()
        select new MinHasher(k, seed, scheme).Compute(TestData.DistinctValues(size, dataSeed)));

    [Property(MaxTest = 500)]
    public Property Deserialize_of_serialize_is_the_identity() =>
        Prop.ForAll(Signatures, s =>
        {
            byte[] bytes = s.ToBytes();
            MinHashSignature back = MinHashSignature.FromBytes(bytes);
            return bytes.Length == s.SerializedSize
                && back.Equals(s)
                && back.Values.SequenceEqual(s.Values)
                && back.Count == s.Count && back.Seed == s.Seed && back.Scheme == s.Scheme
                && back.NumPermutations == s.NumPermutations
                && back.ToBytes().AsSpan().SequenceEqual(bytes)
                && back.GetHashCode() == s.GetHashCode();
        });

    [Property(MaxTest = 200)]
    public Property Merged_signatures_round_trip() =>
        Prop.ForAll(Signatures, s =>
        {
            var hasher = new MinHasher(s.NumPermutations, s.Seed, s.Scheme);
            MinHashSignature merged = s.Merge(hasher.Compute(TestData.DistinctValues(17, s.Seed)));
            return MinHashSignature.FromBytes(merged.ToBytes()).Equals(merged);
        });

    [Fact]
    public void Layout_is_the_documented_little_endian_header()
    {
        MinHashSignature s = new MinHasher(65, seed: 0x0102030405060708UL, scheme: MinHashScheme.OnePermutation).Compute(TestData.DistinctValues(9, 1));
        byte[] b = s.ToBytes();
        Assert.Equal("DMHS"u8.ToArray(), b[..4]);
        Assert.Equal(MinHashSignature.FormatVersion, b[4]);
        Assert.Equal((byte)MinHashScheme.OnePermutation, b[5]);
        Assert.Equal(0, b[6] | b[7]);
        Assert.Equal(65, BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(8)));
        Assert.Equal(0x0102030405060708UL, BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(12)));
        Assert.Equal(9L, BinaryPrimitives.ReadInt64LittleEndian(b.AsSpan(20)));
        Assert.Equal(28 + (4 * 65) + (8 * 2), b.Length);

        MinHashSignature c = new MinHasher(3).Compute(TestData.DistinctValues(4, 1));
        byte[] cb = c.ToBytes();
        Assert.Equal(28 + 12, cb.Length);
        Assert.Equal(c.Values[2], BinaryPrimitives.ReadUInt32LittleEndian(cb.AsSpan(28 + 8)));
    }

    [Fact]
    public void TryWrite_reports_a_destination_that_is_too_small()
    {
        MinHashSignature s = new MinHasher(16).Compute(TestData.DistinctValues(5, 1));
        Assert.False(s.TryWrite(new byte[s.SerializedSize - 1], out int written));
        Assert.Equal(0, written);
        byte[] big = new byte[s.SerializedSize + 10];
        Assert.True(s.TryWrite(big, out written));
        Assert.Equal(s.SerializedSize, written);
        Assert.Equal(s, MinHashSignature.FromBytes(big.AsSpan(0, written)));
    }

    [Theory]
    [InlineData(MinHashScheme.Classic)]
    [InlineData(MinHashScheme.OnePermutation)]
    public void Truncated_or_extended_bytes_throw_FormatException(MinHashScheme scheme)
    {
        byte[] bytes = new MinHasher(70, scheme: scheme).Compute(TestData.DistinctValues(30, 2)).ToBytes();
        for (int length = 0; length < bytes.Length; length++)
        {
            FormatException e = Assert.Throws<FormatException>(() => MinHashSignature.FromBytes(bytes.AsSpan(0, length)));
            Assert.Contains("byte", e.Message, StringComparison.Ordinal);
        }

        Assert.Throws<FormatException>(() => MinHashSignature.FromBytes([.. bytes, 0]));
    }

    [Fact]
    public void Other_magic_throws_FormatException_naming_the_magic()
    {
        byte[] bytes = Valid();
        bytes[0] = (byte)'X';
        Assert.Contains("magic", Assert.Throws<FormatException>(() => MinHashSignature.FromBytes(bytes)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(255)]
    public void Other_version_throws_FormatException_naming_the_version(byte version)
    {
        byte[] bytes = Valid();
        bytes[4] = version;
        string message = Assert.Throws<FormatException>(() => MinHashSignature.FromBytes(bytes)).Message;
        Assert.Contains("version " + version, message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(200)]
    public void Unknown_scheme_throws_FormatException(byte scheme)
    {
        byte[] bytes = Valid();
        bytes[5] = scheme;
        Assert.Contains("scheme", Assert.Throws<FormatException>(() => MinHashSignature.FromBytes(bytes)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(6, 0x01)]
    [InlineData(7, 0xFF)]
    public void Reserved_bytes_not_zero_throw_FormatException(int at, byte value)
    {
        // The format says zero; 0xFF there was read as a sound signature (a client's trial).
        byte[] bytes = Valid();
        bytes[at] = value;
        Assert.Contains("reserved bytes 6 and 7", Assert.Throws<FormatException>(() => MinHashSignature.FromBytes(bytes)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    [InlineData(MinHasher.MaxNumPermutations + 1)]
    [InlineData(int.MaxValue)]
    [InlineData(127)]
    [InlineData(129)]
    public void Bad_K_throws_FormatException_naming_K(int k)
    {
        byte[] bytes = Valid();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), k);
        Assert.Contains("K = " + k, Assert.Throws<FormatException>(() => MinHashSignature.FromBytes(bytes)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Negative_set_size_throws_FormatException()
    {
        byte[] bytes = Valid();
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(20), -5);
        Assert.Contains("set size", Assert.Throws<FormatException>(() => MinHashSignature.FromBytes(bytes)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Empty_bin_mask_bits_beyond_K_throw_FormatException_instead_of_hanging()
    {
        // K = 7: one mask word of which only the low 7 bits mean anything. All 7 bins marked empty plus a stray bit
        // used to send densification looking forever for a non-empty bin.
        var hasher = new MinHasher(7, scheme: MinHashScheme.OnePermutation);
        byte[] bytes = hasher.Compute(TestData.DistinctValues(50, 3)).ToBytes();
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(28 + (4 * 7)), 0xFFUL);
        FormatException e = await Task.Run(() => Assert.Throws<FormatException>(() => MinHashSignature.FromBytes(bytes)), TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Contains("empty-bin mask", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Equality_compares_scheme_seed_count_and_values()
    {
        ulong[] set = TestData.DistinctValues(40, 4);
        MinHashSignature a = new MinHasher(32).Compute(set);
        Assert.Equal(a, new MinHasher(32).Compute(set));
        Assert.NotEqual(a, new MinHasher(32).Compute(set.AsSpan(1)));
        Assert.NotEqual(a, new MinHasher(32, seed: 9).Compute(set));
        Assert.NotEqual(a, new MinHasher(32, scheme: MinHashScheme.OnePermutation).Compute(set));
        Assert.False(a.Equals(null));
        Assert.False(a.Equals((object)"a string"));
    }

    private static byte[] Valid() => new MinHasher(128).Compute(TestData.DistinctValues(10, 6)).ToBytes();
}

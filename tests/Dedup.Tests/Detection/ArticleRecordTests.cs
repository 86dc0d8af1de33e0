using Dedup.Detection;
using FsCheck;
using FsCheck.Fluent;

namespace Dedup.Tests.Detection;

public class ArticleRecordTests
{
    private static uint[] SortedSet(uint[]? values) => [.. (values ?? []).Distinct().Order()];

    private static bool SameFeatures(ArticleFeatures a, ArticleFeatures b) =>
        a.Id == b.Id && a.Published == b.Published && a.Published?.Offset == b.Published?.Offset && a.ExactHash == b.ExactHash && a.SimHash == b.SimHash
        && a.ContentTokens == b.ContentTokens && a.Characters == b.Characters && a.Order == b.Order
        && a.Words.SequenceEqual(b.Words) && a.Skeleton.SequenceEqual(b.Skeleton) && a.Lead.SequenceEqual(b.Lead)
        && a.ParaphraseTerms.SequenceEqual(b.ParaphraseTerms);

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public Property Reads_back_what_it_writes(NonNull<string> id, uint[]? words, uint[]? skeleton, uint[]? lead, uint[]? terms, ulong exact, ulong simHash, int tokens, long order, int minutes, bool published)
    {
        string safeId = new([.. id.Get.Where(c => !char.IsSurrogate(c))]);
        DateTimeOffset? when = published ? new DateTimeOffset(2020, 5, 17, 12, 30, 0, TimeSpan.FromMinutes(Math.Abs(minutes % (14 * 60)))) : null;
        var f = new ArticleFeatures(safeId, when, exact, simHash, SortedSet(words), SortedSet(skeleton), SortedSet(lead), SortedSet(terms), tokens & int.MaxValue, (tokens >> 3) & int.MaxValue)
        {
            Order = order & long.MaxValue,
        };
        byte[] bytes = ArticleRecord.ToArray(f);
        var writer = new System.Buffers.ArrayBufferWriter<byte>();
        int n = ArticleRecord.Write(writer, f);
        return (SameFeatures(f, ArticleRecord.Read(bytes)) && n == bytes.Length && writer.WrittenSpan.SequenceEqual(bytes)).ToProperty();
    }

    [Fact]
    public void Extreme_values_round_trip()
    {
        var f = new ArticleFeatures("x", DateTimeOffset.MaxValue, ulong.MaxValue, ulong.MaxValue, [0, 1, uint.MaxValue], [uint.MaxValue], [0], [], int.MaxValue, 0) { Order = long.MaxValue };
        Assert.True(SameFeatures(f, ArticleRecord.Read(ArticleRecord.ToArray(f))));
    }

    [Theory]
    [InlineData(100)]
    [InlineData(3)]
    [InlineData(1000)]
    public void Skewed_gaps_with_long_unary_runs_round_trip(int dense)
    {
        // Dense small values and one far value: the far gap's quotient runs to hundreds of ones (written 24 at a time,
        // read across several refills of the reader's word).
        uint[] values = [.. Enumerable.Range(0, dense).Select(i => (uint)i), uint.MaxValue - 1, uint.MaxValue];
        uint[] spread = [.. Enumerable.Range(0, 64).Select(i => (uint)i << 26)];
        var f = new ArticleFeatures("skewed", null, 3, 0, values, spread, [uint.MaxValue], [0], 5, 6);
        ArticleFeatures back = ArticleRecord.Read(ArticleRecord.ToArray(f));
        Assert.True(SameFeatures(f, back));
    }

    [Fact]
    public void Every_truncation_and_trailing_bytes_are_named()
    {
        var f = new ArticleFeatures("article-1", DateTimeOffset.UnixEpoch, 42, 0x0123_4567_89AB_CDEFUL, [3, 9, 1000, 70000], [5], [3, 9], [7, 8], 100, 600);
        byte[] bytes = ArticleRecord.ToArray(f);
        for (int cut = 0; cut < bytes.Length; cut++)
        {
            var e = Assert.Throws<InvalidDataException>(() => ArticleRecord.Read(bytes.AsSpan(0, cut)));
            Assert.Contains("record", e.Message, StringComparison.Ordinal);
        }

        Assert.Contains("follow", Assert.Throws<InvalidDataException>(() => ArticleRecord.Read([.. bytes, 0])).Message, StringComparison.Ordinal);
    }

    [FsCheck.Xunit.Property(MaxTest = 500)]
    public Property Corrupted_bytes_give_invalid_data_or_a_record_never_another_exception(uint[]? words, int position, byte value)
    {
        var f = new ArticleFeatures("a", DateTimeOffset.UnixEpoch, 1, 0, SortedSet(words), [1, 2, 3], [2], [uint.MaxValue], 10, 20);
        byte[] bytes = ArticleRecord.ToArray(f);
        bytes[(int)((uint)position % (uint)bytes.Length)] = value;
        try
        {
            _ = ArticleRecord.Read(bytes);
            return true.ToProperty();
        }
        catch (InvalidDataException)
        {
            return true.ToProperty();
        }
    }

    [Fact]
    public void Sets_are_rice_coded_in_about_25_bits_a_value_for_a_400_shingle_article()
    {
        var random = new Random(7);
        uint[] words = SortedSet([.. Enumerable.Range(0, 400).Select(_ => (uint)random.NextInt64(0, 1L << 32))]);
        var f = new ArticleFeatures("a", null, 1, 0, words, [], [], [], 1, 1);
        int bytes = ArticleRecord.ToArray(f).Length;
        Assert.InRange(bytes, 400 * 23 / 8, 400 * 27 / 8);
        Assert.True(ArticleRecord.Read(ArticleRecord.ToArray(f)).Words.SequenceEqual(words));
    }

    [Fact]
    public void A_rice_parameter_above_31_is_refused()
    {
        var f = new ArticleFeatures("a", null, 1, 0, [], [], [], [5], 1, 1);
        byte[] bytes = ArticleRecord.ToArray(f);

        // The last set: count 1, parameter byte, one byte of bits.
        bytes[^2] = 32;
        Assert.Contains("Rice parameter", Assert.Throws<InvalidDataException>(() => ArticleRecord.Read(bytes)).Message, StringComparison.Ordinal);
    }
}

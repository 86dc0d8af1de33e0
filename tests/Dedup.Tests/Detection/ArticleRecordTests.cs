using Dedup.Detection;
using FsCheck;
using FsCheck.Fluent;

namespace Dedup.Tests.Detection;

public class ArticleRecordTests
{
    private static uint[] SortedSet(uint[]? values) => [.. (values ?? []).Distinct().Order()];

    private static bool SameFeatures(ArticleFeatures a, ArticleFeatures b) =>
        a.Id == b.Id && a.Published == b.Published && a.Published?.Offset == b.Published?.Offset && a.ExactHash == b.ExactHash
        && a.ContentTokens == b.ContentTokens && a.Characters == b.Characters && a.Order == b.Order
        && a.Words.SequenceEqual(b.Words) && a.Skeleton.SequenceEqual(b.Skeleton) && a.Lead.SequenceEqual(b.Lead)
        && a.ParaphraseTerms.SequenceEqual(b.ParaphraseTerms);

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public Property Reads_back_what_it_writes(NonNull<string> id, uint[]? words, uint[]? skeleton, uint[]? lead, uint[]? terms, ulong exact, int tokens, long order, int minutes, bool published)
    {
        string safeId = new([.. id.Get.Where(c => !char.IsSurrogate(c))]);
        DateTimeOffset? when = published ? new DateTimeOffset(2020, 5, 17, 12, 30, 0, TimeSpan.FromMinutes(Math.Abs(minutes % (14 * 60)))) : null;
        var f = new ArticleFeatures(safeId, when, exact, SortedSet(words), SortedSet(skeleton), SortedSet(lead), SortedSet(terms), tokens & int.MaxValue, (tokens >> 3) & int.MaxValue)
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
        var f = new ArticleFeatures("x", DateTimeOffset.MaxValue, ulong.MaxValue, [0, 1, uint.MaxValue], [uint.MaxValue], [0], [], int.MaxValue, 0) { Order = long.MaxValue };
        Assert.True(SameFeatures(f, ArticleRecord.Read(ArticleRecord.ToArray(f))));
    }

    [Fact]
    public void Every_truncation_and_trailing_bytes_are_named()
    {
        var f = new ArticleFeatures("article-1", DateTimeOffset.UnixEpoch, 42, [3, 9, 1000, 70000], [5], [3, 9], [7, 8], 100, 600);
        byte[] bytes = ArticleRecord.ToArray(f);
        for (int cut = 0; cut < bytes.Length; cut++)
        {
            var e = Assert.Throws<InvalidDataException>(() => ArticleRecord.Read(bytes.AsSpan(0, cut)));
            Assert.Contains("record", e.Message, StringComparison.Ordinal);
        }

        Assert.Contains("follow", Assert.Throws<InvalidDataException>(() => ArticleRecord.Read([.. bytes, 0])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_set_that_leaves_the_32_bit_range_is_refused()
    {
        var f = new ArticleFeatures("a", null, 1, [uint.MaxValue - 1, uint.MaxValue], [], [], [], 1, 1);
        byte[] bytes = ArticleRecord.ToArray(f);

        // The second delta (0) becomes 1: uint.MaxValue - 1 + 1 + 1 leaves the range.
        int last = Array.LastIndexOf(bytes, (byte)0, bytes.Length - 4);
        bytes[last] = 1;
        Assert.Throws<InvalidDataException>(() => ArticleRecord.Read(bytes));
    }
}
